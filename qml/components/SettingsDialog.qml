import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// The settings page: privacy and desktop switches (DesktopSettings keeps them).
// trayAvailable: the tray switch only means something where the desktop shows a tray.
Dialog {
    id: dialog
    property var settings: null
    property bool trayAvailable: false

    objectName: "settingsDialog"
    title: qsTr("Settings")
    modal: true
    standardButtons: Dialog.Close
    parent: Overlay.overlay
    anchors.centerIn: parent
    Accessible.name: title

    ColumnLayout {
        spacing: 4
        Label {
            text: qsTr("Privacy")
            font.weight: Font.DemiBold
        }
        Switch {
            objectName: "sendTypingSwitch"
            text: qsTr("Send typing notifications")
            checked: dialog.settings ? dialog.settings.sendTyping : true
            Accessible.name: text
            onToggled: dialog.settings.sendTyping = checked
        }
        Label {
            text: qsTr("Off: nobody sees when you type. You still see others typing.")
            color: Theme.mutedText
            font.pointSize: Qt.application.font.pointSize * 0.85
            wrapMode: Text.Wrap
            Layout.maximumWidth: 360
        }
        Switch {
            objectName: "showMessageTextSwitch"
            text: qsTr("Show message text in notifications")
            checked: dialog.settings ? dialog.settings.showMessageText : true
            Accessible.name: text
            onToggled: dialog.settings.showMessageText = checked
        }
        Label {
            text: qsTr("Desktop")
            font.weight: Font.DemiBold
            topPadding: 8
        }
        Switch {
            objectName: "startAtLoginSwitch"
            text: qsTr("Start Hallway when I log in")
            checked: dialog.settings ? dialog.settings.startAtLogin : false
            Accessible.name: text
            onToggled: {
                dialog.settings.startAtLogin = checked;
                checked = Qt.binding(() => dialog.settings.startAtLogin); // the file decides
            }
        }
        Switch {
            objectName: "keepInTraySwitch"
            visible: dialog.trayAvailable
            text: qsTr("Keep running in the tray when the window closes")
            checked: dialog.settings ? dialog.settings.keepInTray : false
            Accessible.name: text
            onToggled: dialog.settings.keepInTray = checked
        }
        Label {
            visible: dialog.settings !== null && dialog.settings.error !== ""
            text: dialog.settings ? dialog.settings.error : ""
            textFormat: Text.PlainText
            color: Theme.busy
            wrapMode: Text.Wrap
            Layout.maximumWidth: 360
            Accessible.role: Accessible.AlertMessage
            Accessible.name: text
        }
    }
}
