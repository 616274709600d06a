import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hallway

// One person in the people panel (a UserModel row): avatar with presence dot and typing mark,
// name, "(you)", a custom status ("ready") and "2 devices" when on more than one connection.
ItemDelegate {
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

    width: ListView.view ? ListView.view.width : implicitWidth
    leftPadding: Theme.largeSpacing
    rightPadding: Theme.spacing
    topPadding: 5
    bottomPadding: 5
    hoverEnabled: true
    focusPolicy: Qt.NoFocus // the list is the Tab stop; arrows move between people
    opacity: presenceKnown ? 1 : 0.55

    Accessible.role: Accessible.ListItem
    Accessible.name: [displayName,
                      isSelf ? qsTr("(you)") : "",
                      Ui.statusLabel(shownStatus),
                      shownTyping ? qsTr("typing") : "",
                      connections > 1 ? qsTr("%n device(s)", "", connections) : ""]
                     .filter(s => s !== "").join(", ")

    background: Rectangle {
        color: person.highlightedByKeys ? Theme.selected
             : person.hovered || person.visualFocus ? Theme.hover : "transparent"
        radius: Theme.radius
        anchors.fill: parent
        anchors.leftMargin: 6
        anchors.rightMargin: 6
    }

    contentItem: RowLayout {
        spacing: Theme.spacing + 2

        Avatar {
            Layout.preferredWidth: Theme.smallAvatarSize
            Layout.preferredHeight: Theme.smallAvatarSize
            name: person.displayName
            initials: person.initials
            hue: person.hue
            source: person.avatar
            status: person.shownStatus
            typing: person.shownTyping
            ringColor: Theme.sidebar
        }

        ColumnLayout {
            spacing: 0
            Layout.fillWidth: true

            RowLayout {
                spacing: 4
                Layout.fillWidth: true
                Label {
                    objectName: "personName"
                    text: person.displayName
                    textFormat: Text.PlainText
                    elide: Text.ElideRight
                    Layout.fillWidth: implicitWidth > width
                    Layout.maximumWidth: implicitWidth
                    Layout.minimumWidth: 20
                    opacity: person.presenceKnown && person.presence === PresenceStatus.Away ? 0.75 : 1
                }
                Label {
                    objectName: "selfMarker"
                    visible: person.isSelf
                    text: qsTr("(you)")
                    color: Theme.mutedText
                }
                Item { Layout.fillWidth: true }
            }
            RowLayout {
                spacing: 6
                visible: person.customStatus || person.connections > 1 || person.shownTyping
                Layout.fillWidth: true
                Label {
                    visible: person.shownTyping
                    text: person.presence === PresenceStatus.Away || person.presence === PresenceStatus.Busy
                          ? qsTr("%1, typing…").arg(Ui.statusLabel(person.status)) : qsTr("typing…")
                    color: Theme.online
                    font.italic: true
                    font.pointSize: Qt.application.font.pointSize * 0.85
                }
                Label {
                    objectName: "customStatus"
                    visible: person.customStatus
                    text: person.status
                    textFormat: Text.PlainText
                    elide: Text.ElideRight
                    color: Theme.mutedText
                    font.pointSize: Qt.application.font.pointSize * 0.85
                    Layout.fillWidth: implicitWidth > width
                    Layout.maximumWidth: implicitWidth
                }
                Rectangle {
                    objectName: "devicesBadge"
                    visible: person.connections > 1
                    radius: height / 2
                    color: Theme.hover
                    border.color: Theme.separator
                    implicitWidth: devices.implicitWidth + 10
                    implicitHeight: devices.implicitHeight + 2
                    Label {
                        id: devices
                        anchors.centerIn: parent
                        text: qsTr("%n device(s)", "", person.connections)
                        color: Theme.mutedText
                        font.pointSize: Qt.application.font.pointSize * 0.8
                    }
                }
                Item { Layout.fillWidth: true }
            }
        }
    }
}
