import QtQuick
import QtQuick.Controls
import Hallway

// The line under the message list: "Alice is typing…" (the wording comes from the model).
// Its height is reserved whether or not anyone types, so the list never jumps.
Item {
    id: line

    required property string text

    implicitHeight: Math.ceil(label.font.pixelSize > 0 ? metrics.height : 16) + 6
    implicitWidth: label.implicitWidth

    Accessible.role: Accessible.StaticText
    Accessible.name: text

    FontMetrics {
        id: metrics
        font: label.font
    }

    Row {
        anchors.verticalCenter: parent.verticalCenter
        anchors.left: parent.left
        anchors.right: parent.right
        spacing: 6

        TypingMark {
            id: mark
            anchors.verticalCenter: parent.verticalCenter
            visible: line.text !== ""
            ringColor: "transparent"
            border.width: 0
            implicitWidth: 18
            implicitHeight: 10
        }

        Label {
            id: label
            objectName: "typingLabel"
            width: parent.width - (mark.visible ? mark.width + parent.spacing : 0)
            text: line.text
            textFormat: Text.PlainText
            elide: Text.ElideRight
            maximumLineCount: 1
            font.italic: true
            font.pointSize: Qt.application.font.pointSize * 0.9
            color: Theme.mutedText
        }
    }
}
