import QtQuick
import QtQuick.Controls
import Hallway

// A small checkable text button for view toggles in headers ("Joins", "People").
ToolButton {
    id: chip
    checkable: true
    focusPolicy: Qt.StrongFocus
    leftPadding: 10
    rightPadding: 10
    topPadding: 4
    bottomPadding: 4
    font.pointSize: Qt.application.font.pointSize * 0.9

    contentItem: Label {
        text: chip.text
        font: chip.font
        color: chip.checked ? Theme.accent : Theme.mutedText
        horizontalAlignment: Text.AlignHCenter
        verticalAlignment: Text.AlignVCenter
    }
    background: Rectangle {
        implicitHeight: 26
        radius: height / 2
        color: chip.checked ? Theme.selected : chip.hovered ? Theme.hover : "transparent"
        border.width: chip.visualFocus ? 2 : 1
        border.color: chip.visualFocus ? Theme.accent : chip.checked ? "transparent" : Theme.separator
    }
}
