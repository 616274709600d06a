import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hallway

// One row of the message list: a message (with the sender header when it starts a group),
// or a join/leave line. Everything the sender wrote is plain text.
Item {
    id: row

    required property int index
    required property string messageId
    required property string localId
    required property string senderId
    required property string senderName
    required property string text
    required property var timestamp
    required property bool own
    required property bool pending
    required property bool failed
    required property string kind
    required property bool showHeader
    // The sender's avatar colour and letters, from the model (identity.h: the same derivation
    // as the people panel's rows, so one person looks the same in both places).
    required property int hue
    required property string initials

    property bool showJoinLeave: true
    property bool linkSent: true // false: our pending message waits for the connection
    property url senderAvatar: ""
    readonly property bool hasLink: !isEvent && Ui.hasLink(text)

    signal retryRequested(string localId)
    signal linkActivated(string url)

    readonly property bool isEvent: kind === "join" || kind === "leave"
    readonly property string timeText: timestamp ? Ui.time(timestamp) : ""

    width: ListView.view ? ListView.view.width : implicitWidth
    visible: !isEvent || showJoinLeave
    height: visible ? implicitHeight : 0
    implicitHeight: isEvent ? eventLine.implicitHeight + 6
                            : body.implicitHeight + (showHeader ? 14 : 3)

    Accessible.role: Accessible.ListItem
    Accessible.name: isEvent ? eventLabel.text
                             : qsTr("%1 at %2: %3").arg(senderName).arg(timeText).arg(text)

    HoverHandler { id: hover }

    Rectangle {
        anchors.fill: parent
        color: Theme.hover
        visible: hover.hovered && !row.isEvent
    }

    // Join / leave line
    RowLayout {
        id: eventLine
        visible: row.isEvent
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.verticalCenter: parent.verticalCenter
        anchors.leftMargin: Theme.largeSpacing + Theme.avatarSize + Theme.spacing
        anchors.rightMargin: Theme.largeSpacing
        spacing: Theme.spacing

        Label {
            text: row.kind === "join" ? "→" : "←"
            color: row.kind === "join" ? Theme.online : Theme.faintText
            font.bold: true
        }
        Label {
            id: eventLabel
            Layout.fillWidth: true
            text: row.kind === "join" ? qsTr("%1 joined").arg(row.senderName)
                                      : qsTr("%1 left").arg(row.senderName)
            textFormat: Text.PlainText
            elide: Text.ElideRight
            color: Theme.mutedText
            font.pointSize: Qt.application.font.pointSize * 0.9
        }
        Label {
            text: row.timeText
            color: Theme.faintText
            font.pointSize: Qt.application.font.pointSize * 0.85
        }
    }

    // Message
    Avatar {
        visible: !row.isEvent && row.showHeader
        x: Theme.largeSpacing
        y: 8
        width: Theme.avatarSize
        height: Theme.avatarSize
        name: row.senderName
        initials: row.initials
        hue: row.hue
        source: row.senderAvatar
        showPresence: false
    }

    Label {
        // Time in the gutter of grouped messages, on hover.
        visible: !row.isEvent && !row.showHeader && hover.hovered
        anchors.right: body.left
        anchors.rightMargin: Theme.spacing
        anchors.top: body.top
        anchors.topMargin: 2
        text: row.timeText
        color: Theme.faintText
        font.pointSize: Qt.application.font.pointSize * 0.8
    }

    ColumnLayout {
        id: body
        visible: !row.isEvent
        x: Theme.largeSpacing + Theme.avatarSize + Theme.spacing + 4
        y: row.showHeader ? 8 : 1
        width: row.width - x - Theme.largeSpacing
        spacing: 2

        RowLayout {
            visible: row.showHeader
            spacing: Theme.spacing
            Layout.fillWidth: true
            Label {
                objectName: "senderName"
                text: row.senderName
                textFormat: Text.PlainText
                elide: Text.ElideRight
                font.weight: Font.DemiBold
                Layout.maximumWidth: body.width * 0.7
            }
            Label {
                text: row.timeText
                color: Theme.faintText
                font.pointSize: Qt.application.font.pointSize * 0.85
            }
            Item { Layout.fillWidth: true }
        }

        TextEdit {
            // Selectable, read-only, plain text; https addresses (only) are links, the rest is
            // escaped (Ui.linkify), so nothing the sender wrote is ever markup.
            objectName: "messageText"
            Layout.fillWidth: true
            text: row.hasLink ? Ui.linkify(row.text) : row.text
            textFormat: row.hasLink ? TextEdit.RichText : TextEdit.PlainText
            onLinkActivated: (link) => row.linkActivated(link)
            HoverHandler {
                enabled: row.hasLink
                cursorShape: parent.hoveredLink !== "" ? Qt.PointingHandCursor : Qt.IBeamCursor
            }
            wrapMode: TextEdit.Wrap
            readOnly: true
            selectByMouse: true
            color: Theme.text
            opacity: row.pending ? 0.55 : 1
            selectionColor: Theme.accent
            selectedTextColor: Theme.palette.highlightedText
            font: Qt.application.font
            activeFocusOnPress: false
        }

        RowLayout {
            visible: row.failed || row.pending
            spacing: 4
            Label {
                objectName: "sendState"
                text: row.failed ? qsTr("Not sent —")
                    : row.linkSent ? qsTr("Sending…") : qsTr("Waiting for the connection…")
                color: row.failed ? Theme.error : Theme.faintText
                font.pointSize: Qt.application.font.pointSize * 0.85
            }
            Label {
                objectName: "retryLink"
                visible: row.failed
                text: qsTr("Retry")
                color: Theme.accent
                font.underline: retryArea.containsMouse || activeFocus
                font.pointSize: Qt.application.font.pointSize * 0.85
                activeFocusOnTab: visible
                Accessible.role: Accessible.Button
                Accessible.name: qsTr("Retry sending")
                Accessible.onPressAction: row.retryRequested(row.localId)
                Keys.onReturnPressed: row.retryRequested(row.localId)
                Keys.onSpacePressed: row.retryRequested(row.localId)
                MouseArea {
                    id: retryArea
                    anchors.fill: parent
                    hoverEnabled: true
                    cursorShape: Qt.PointingHandCursor
                    onClicked: row.retryRequested(row.localId)
                }
            }
        }
    }
}
