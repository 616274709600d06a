import QtQuick
import Hallway

// A small speech bubble with three dots: "is typing" on an avatar or a person row.
Rectangle {
    id: mark
    property color ringColor: Theme.base
    property bool animated: true

    implicitWidth: 20
    implicitHeight: 12
    radius: height / 2
    color: Theme.online
    border.width: 2
    border.color: ringColor

    Accessible.role: Accessible.Indicator
    Accessible.name: qsTr("Typing")

    Row {
        anchors.centerIn: parent
        spacing: 2
        Repeater {
            model: 3
            Rectangle {
                required property int index
                width: 3
                height: 3
                radius: 1.5
                color: "white"
                SequentialAnimation on opacity {
                    running: mark.visible && mark.animated
                    loops: Animation.Infinite
                    PauseAnimation { duration: index * 150 }
                    NumberAnimation { from: 1; to: 0.3; duration: 300 }
                    NumberAnimation { from: 0.3; to: 1; duration: 300 }
                    PauseAnimation { duration: (2 - index) * 150 }
                }
            }
        }
    }
}
