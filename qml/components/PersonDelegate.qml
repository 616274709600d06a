import QtQuick
import Hallway

// One person in the people panel (a UserModel row): avatar with presence dot and typing mark,
// name, "(you)", a custom status ("ready") and "2 devices" when on more than one connection.
//
// Kept light on purpose: the list creates a screenful of these in one frame when a room opens
// (20 or so at once in a big room), so the row is a plain Item with Text and anchors rather
// than an ItemDelegate with Labels and Layouts, and the rarely shown second line is only created
// for the people who have one.
Item {
    id: person

    required property int index
    required property string userId
    required property string name
    required property string avatar
    required property int connections
    required property string status
    required property bool typing
    required property bool isSelf
    required property string initials
    required property int hue
    property bool presenceKnown: true      // false while our link is down: greyed, status unknown
    property bool highlightedByKeys: false // the list's current row while it has the focus

    readonly property int presence: Ui.presenceStatus(status)
    readonly property bool customStatus: Ui.isCustomStatus(status)
    readonly property string displayName: name !== "" ? name : userId
    readonly property string shownStatus: presenceKnown ? status : "" // "": status unknown
    readonly property bool shownTyping: presenceKnown && typing
    readonly property bool hovered: hover.hovered
    // The second line: typing…, a custom status, the devices badge.
    readonly property bool hasDetails: customStatus || connections > 1 || shownTyping

    readonly property int leftPadding: Theme.largeSpacing
    readonly property int rightPadding: Theme.spacing
    readonly property int verticalPadding: 5

    width: ListView.view ? ListView.view.width : implicitWidth
    implicitWidth: text.x + text.implicitWidth + rightPadding
    implicitHeight: Math.max(avatar.height, text.implicitHeight) + 2 * verticalPadding
    opacity: presenceKnown ? 1 : 0.55

    Accessible.role: Accessible.ListItem
    // "Ada, (you), Away, typing, 2 devices": concatenated, not an array joined, which costs each
    // row JavaScript objects when a screenful is made at once.
    Accessible.name: {
        const status = Ui.statusLabel(shownStatus);
        let text = displayName;
        if (isSelf)
            text += ", " + qsTr("(you)");
        if (status !== "")
            text += ", " + status;
        if (shownTyping)
            text += ", " + qsTr("typing");
        if (connections > 1)
            text += ", " + qsTr("%n device(s)", "", connections);
        return text;
    }

    HoverHandler { id: hover }

    Rectangle { // hover and keyboard highlight; nothing to paint otherwise
        visible: person.highlightedByKeys || person.hovered
        color: person.highlightedByKeys ? Theme.selected : Theme.hover
        radius: Theme.radius
        anchors.fill: parent
        anchors.leftMargin: 6
        anchors.rightMargin: 6
    }

    // Centred on whole pixels, rounding half up as the layouts this replaced did.
    Avatar {
        id: avatar
        x: person.leftPadding
        y: Math.round((person.height - height) / 2)
        width: Theme.smallAvatarSize
        height: Theme.smallAvatarSize
        name: person.displayName
        initials: person.initials
        hue: person.hue
        source: person.avatar
        status: person.shownStatus
        typing: person.shownTyping
        ringColor: Theme.sidebar
    }

    Item {
        id: text
        x: avatar.x + avatar.width + Theme.spacing + 2
        width: person.width - x - person.rightPadding
        y: Math.round((person.height - height) / 2)
        implicitWidth: Math.max(nameLabel.implicitWidth + (selfMarker.visible ? 4 + selfMarker.implicitWidth : 0),
                                details.implicitWidth)
        implicitHeight: nameLabel.implicitHeight + details.height
        height: implicitHeight

        Text {
            id: nameLabel
            objectName: "personName"
            // The name gives way to "(you)" and elides, but keeps a little room (20 px) for itself.
            width: Math.min(implicitWidth,
                            Math.max(20, text.width - (selfMarker.visible ? 4 + selfMarker.implicitWidth : 0)))
            text: person.displayName
            textFormat: Text.PlainText
            elide: Text.ElideRight
            color: Theme.text
            opacity: person.presenceKnown && person.presence === PresenceStatus.Away ? 0.75 : 1
        }
        Text {
            id: selfMarker
            objectName: "selfMarker"
            x: Math.ceil(nameLabel.width) + 4 // on a whole pixel, as the layout put it
            visible: person.isSelf
            text: person.isSelf ? qsTr("(you)") : ""
            color: Theme.mutedText
        }

        Loader {
            id: details
            y: nameLabel.implicitHeight
            width: text.width
            height: active && item ? item.implicitHeight : 0
            active: person.hasDetails
            sourceComponent: detailsComponent
        }
    }

    // The second line, made only for the rows that show it: a row without it costs one inactive Loader.
    Component {
        id: detailsComponent
        Item {
            id: line

            implicitWidth: row.implicitWidth
            implicitHeight: row.implicitHeight

            Row {
                id: row
                anchors.fill: parent
                spacing: 6

                Text {
                    id: typingLabel
                    anchors.verticalCenter: parent.verticalCenter
                    visible: person.shownTyping
                    text: person.presence === PresenceStatus.Away || person.presence === PresenceStatus.Busy
                          ? qsTr("%1, typing…").arg(Ui.statusLabel(person.status)) : qsTr("typing…")
                    color: Theme.online
                    font.italic: true
                    font.pointSize: Qt.application.font.pointSize * 0.85
                }
                Text {
                    id: statusLabel
                    objectName: "customStatus"
                    anchors.verticalCenter: parent.verticalCenter
                    visible: person.customStatus
                    // Whatever is left after the typing note and the badge; elided beyond.
                    width: Math.min(implicitWidth, Math.max(0, line.width - (typingLabel.visible ? typingLabel.implicitWidth + 6 : 0)
                                                                     - (badge.visible ? badge.implicitWidth + 6 : 0)))
                    text: person.status
                    textFormat: Text.PlainText
                    elide: Text.ElideRight
                    color: Theme.mutedText
                    font.pointSize: Qt.application.font.pointSize * 0.85
                }
                Rectangle {
                    id: badge
                    objectName: "devicesBadge"
                    anchors.verticalCenter: parent.verticalCenter
                    visible: person.connections > 1
                    radius: height / 2
                    color: Theme.hover
                    border.color: Theme.separator
                    implicitWidth: devices.implicitWidth + 10
                    implicitHeight: devices.implicitHeight + 2
                    width: Math.ceil(implicitWidth)
                    height: Math.ceil(implicitHeight)
                    Text {
                        id: devices
                        anchors.centerIn: parent
                        text: qsTr("%n device(s)", "", person.connections)
                        color: Theme.mutedText
                        font.pointSize: Qt.application.font.pointSize * 0.8
                    }
                }
            }
        }
    }
}
