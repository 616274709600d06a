import QtQuick
import Hallway

// A round avatar: the https picture when there is one and it loaded, else coloured initials
// (initials and hue from the model, see presence/identity.h). Optionally carries the presence dot and the typing mark.
Item {
    id: avatar

    required property string name
    property string initials: ""
    property int hue: 210
    property url source: ""
    property string status: ""
    property bool typing: false
    property bool showPresence: true
    property color ringColor: Theme.base

    implicitWidth: Theme.avatarSize
    implicitHeight: Theme.avatarSize

    Accessible.role: Accessible.Graphic
    Accessible.name: qsTr("Avatar of %1").arg(name)

    // The picture once it has loaded; until then (and without one, most people) the initials.
    readonly property bool pictureShown: picture.item !== null && picture.item.ready

    Rectangle {
        id: disc
        anchors.fill: parent
        radius: width / 2
        color: Qt.hsla(avatar.hue / 360, 0.48, Theme.dark ? 0.42 : 0.50, 1)
        visible: !avatar.pictureShown

        Text {
            anchors.centerIn: parent
            // The model's initials (letters only); "?" for a name without any letter.
            text: avatar.initials !== "" ? avatar.initials : "?"
            textFormat: Text.PlainText
            color: "white"
            font.pixelSize: Math.round(parent.height * 0.4)
            font.weight: Font.DemiBold
        }
    }

    // Made only for an avatar with a picture address: lists create many avatars at once.
    Loader {
        id: picture
        anchors.fill: parent
        active: avatar.source.toString() !== ""
        sourceComponent: Component {
            // Round picture without QtQuick.Effects (6.5+) or Qt5Compat: the square picture is clipped
            // and its corners are covered by a ring in the colour of what the avatar sits on.
            Item {
                readonly property bool ready: image.status === Image.Ready
                clip: true
                visible: ready

                Image {
                    id: image
                    anchors.fill: parent
                    source: avatar.source
                    sourceSize: Qt.size(avatar.width * 2, avatar.height * 2)
                    fillMode: Image.PreserveAspectCrop
                    asynchronous: true
                    smooth: true
                }
                Rectangle {
                    anchors.centerIn: parent
                    width: parent.width * 1.5
                    height: width
                    radius: width / 2
                    color: "transparent"
                    border.width: parent.width * 0.25
                    border.color: avatar.ringColor
                }
            }
        }
    }

    PresenceDot {
        id: dot
        visible: avatar.showPresence
        status: avatar.status
        ringColor: avatar.ringColor
        width: Math.max(10, Math.round(avatar.width * 0.34))
        height: width
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        anchors.rightMargin: -Math.round(width * 0.15)
        anchors.bottomMargin: -Math.round(width * 0.15)
    }

    // Only while the person types (its dots animate).
    Loader {
        active: avatar.typing && avatar.showPresence
        anchors.left: parent.right
        anchors.leftMargin: -Math.round(width * 0.55)
        anchors.top: parent.top
        anchors.topMargin: -Math.round(height * 0.35)
        sourceComponent: Component {
            TypingMark { ringColor: avatar.ringColor }
        }
    }
}
