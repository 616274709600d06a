import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hallway

// Our own status: a button showing the effective status (dot + label) that opens a single
// choice of Automatic / Online / Away / Busy (radio items, arrow keys move, Enter picks) and
// "Change display name…". While the link is down it says Offline (grey): nobody sees our
// status then. Emits manualStatusRequested / displayNameRequested; the caller stores them.
Button {
    id: control

    required property string manualStatus      // "automatic" | "online" | "away" | "busy"
    required property string effectiveStatus   // what others see
    property bool online: true
    property string displayName: ""
    property bool canChangeName: true

    signal manualStatusRequested(string status)
    signal displayNameRequested(string name)

    readonly property var choices: Ui.manualStatuses()
    readonly property string shownStatus: online ? effectiveStatus : "" // "": status unknown

    flat: true
    text: !online ? qsTr("Offline")
        : Ui.presenceStatus(manualStatus) === PresenceStatus.Automatic ? qsTr("%1 (automatic)").arg(Ui.statusLabel(effectiveStatus))
        : Ui.statusLabel(effectiveStatus)
    Accessible.name: qsTr("Your status: %1").arg(text)
    Accessible.role: Accessible.ButtonMenu
    onClicked: {
        menu.open();
        menu.currentIndex = Math.max(0, choices.indexOf(manualStatus));
        menu.forceActiveFocus();
    }

    contentItem: RowLayout {
        spacing: 6
        PresenceDot {
            status: control.shownStatus
            ringColor: "transparent"
            border.width: 0
            implicitWidth: 10
            implicitHeight: 10
        }
        Label {
            text: control.text
            textFormat: Text.PlainText
            elide: Text.ElideRight
            Layout.fillWidth: true
        }
        Label {
            text: "▾"
            color: Theme.mutedText
        }
    }

    Menu {
        id: menu
        objectName: "statusMenuPopup"
        // Right-aligned under the button: it never runs off the window's right edge.
        x: control.width - width
        y: control.height
        focus: true
        // Esc closes it (default closePolicy).
        Repeater {
            model: control.choices
            MenuItem {
                id: choice
                required property string modelData
                text: Ui.manualStatusLabel(modelData)
                checkable: true
                autoExclusive: true
                checked: control.manualStatus === modelData
                Accessible.role: Accessible.RadioButton
                Accessible.name: text
                // A radio mark: one choice of four.
                indicator: Rectangle {
                    x: choice.leftPadding
                    anchors.verticalCenter: parent.verticalCenter
                    implicitWidth: 14
                    implicitHeight: 14
                    radius: 7
                    color: "transparent"
                    border.width: 1
                    border.color: choice.checked ? Theme.accent : Theme.mutedText
                    Rectangle {
                        anchors.centerIn: parent
                        width: 6
                        height: 6
                        radius: 3
                        color: Theme.accent
                        visible: choice.checked
                    }
                }
                onTriggered: control.manualStatusRequested(modelData)
            }
        }
        MenuSeparator { visible: control.canChangeName; height: visible ? implicitHeight : 0 }
        MenuItem {
            objectName: "changeNameItem"
            // A token's name comes from whoever issued it: nothing to change here.
            visible: control.canChangeName
            height: visible ? implicitHeight : 0
            text: qsTr("Change display name…")
            Accessible.name: text
            onTriggered: {
                nameField.text = control.displayName;
                nameDialog.open();
            }
        }
    }

    Dialog {
        id: nameDialog
        objectName: "displayNameDialog"
        parent: Overlay.overlay
        anchors.centerIn: parent
        modal: true
        title: qsTr("Your display name")
        standardButtons: Dialog.Save | Dialog.Cancel
        onOpened: { nameField.forceActiveFocus(); nameField.selectAll() }
        onAccepted: {
            const name = nameField.text.trim();
            if (name !== "" && name !== control.displayName)
                control.displayNameRequested(name);
        }
        TextField {
            id: nameField
            width: 280
            maximumLength: 64
            placeholderText: qsTr("How others see you")
            Accessible.name: qsTr("Display name")
            onAccepted: nameDialog.accept()
        }
    }
}
