import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hallway

// Our own status: a button showing the effective status (dot + label) that opens
// Automatic / Online / Away / Busy. Emits manualStatusRequested; the caller stores it.
Button {
    id: control

    required property string manualStatus      // "automatic" | "online" | "away" | "busy"
    required property string effectiveStatus   // what others see

    signal manualStatusRequested(string status)

    flat: true
    text: manualStatus === "automatic"
          ? qsTr("%1 (automatic)").arg(Ui.statusLabel(effectiveStatus))
          : Ui.statusLabel(effectiveStatus)
    Accessible.name: qsTr("Your status: %1").arg(text)
    Accessible.role: Accessible.ButtonMenu
    onClicked: menu.open()

    contentItem: RowLayout {
        spacing: 6
        PresenceDot {
            status: control.effectiveStatus
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
        y: control.height
        // Esc closes it (default closePolicy).
        Repeater {
            model: ["automatic", "online", "away", "busy"]
            MenuItem {
                required property string modelData
                text: Ui.manualStatusLabel(modelData)
                checkable: true
                checked: control.manualStatus === modelData
                Accessible.name: text
                onTriggered: control.manualStatusRequested(modelData)
            }
        }
    }
}
