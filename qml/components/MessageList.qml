import QtQuick
import QtQuick.Controls
import Hallway

// The room's messages (MessageModel or a stand-in with the same roles). Sticks to the newest
// message while the reader is at the bottom; join/leave lines hide with showJoinLeave. Scrolled
// up, new messages are counted and a "N new messages" button jumps back to the newest.
// Each list shows one model for its whole life (ChatPage makes one per room) and delegates
// are not pooled: a delegate never carries one message's data into another's place.
ListView {
    id: list

    property bool showJoinLeave: true
    property string emptyText: qsTr("No messages yet. Say hello!")
    property bool linkSent: true  // false: our pending messages wait for the connection
    property int unseen: 0        // messages that arrived while the reader was scrolled up

    signal retryRequested(string localId)

    // Follow new messages only when the reader was already at the end.
    property bool stickToEnd: true
    function jumpToEnd() {
        stickToEnd = true;
        unseen = 0;
        positionViewAtEnd();
        followLater.restart(); // again once the new delegates have their heights
    }
    // Deferred: by the time it runs the reader may have started scrolling away.
    function followEnd() {
        if (stickToEnd)
            positionViewAtEnd();
    }
    // The view is shown again (room switch): at the end if the reader was there. A hidden
    // list cannot position itself (no layout while hidden), so this runs once it is shown.
    function returnToView() {
        if (stickToEnd)
            jumpLater.restart();
    }
    onVisibleChanged: if (visible) returnToView()
    function noteUserMove() {
        stickToEnd = atYEnd;
        if (stickToEnd)
            unseen = 0;
    }
    onMovementStarted: stickToEnd = false // the reader scrolls (drag, flick or wheel)
    onMovementEnded: noteUserMove()
    onCountChanged: {
        if (stickToEnd)
            followLater.restart();
    }
    onHeightChanged: if (stickToEnd) followLater.restart()
    onAtYEndChanged: if (atYEnd && !moving) { stickToEnd = true; unseen = 0 }
    Component.onCompleted: jumpLater.restart()
    // Deferred calls as timers of the list's own: they die with it. (Qt.callLater of a function of
    // a list that a room's leaving has destroyed meanwhile crashes Qt 6.4's compiled bindings.)
    Timer { id: followLater; interval: 0; onTriggered: list.followEnd() }
    Timer { id: jumpLater; interval: 0; onTriggered: list.jumpToEnd() }

    Connections {
        target: list.model
        ignoreUnknownSignals: true
        function onRowsInserted(parent, first, last) {
            if (list.stickToEnd || last < list.count - 1)
                return;
            for (let r = first; r <= last; ++r) {
                const row = list.model.get(r);
                if (row && row.kind === "message" && !row.own)
                    ++list.unseen;
            }
        }
    }

    clip: true
    boundsBehavior: Flickable.StopAtBounds
    reuseItems: false
    activeFocusOnTab: true
    keyNavigationEnabled: true
    bottomMargin: 4
    // Few messages sit at the bottom, next to the composer, as in any chat (delayed: the
    // margin changes the content the height is measured against).
    Binding on topMargin {
        value: Math.max(8, list.height - list.contentHeight - list.bottomMargin)
        delayed: true
    }
    Keys.onPressed: (event) => {
        if (event.key === Qt.Key_End) { list.jumpToEnd(); event.accepted = true }
    }

    Accessible.role: Accessible.List
    Accessible.name: qsTr("Messages")

    ScrollBar.vertical: ScrollBar {
        policy: ScrollBar.AsNeeded
        onPressedChanged: if (!pressed) list.noteUserMove()
    }

    delegate: MessageDelegate {
        showJoinLeave: list.showJoinLeave
        linkSent: list.linkSent
        onRetryRequested: (localId) => list.retryRequested(localId)
        onLinkActivated: (url) => list.confirmLink(url)
    }

    // Date separators: one per calendar day (the model's "day" role).
    section.property: "day"
    section.criteria: ViewSection.FullString
    section.delegate: Item {
        required property string section
        width: ListView.view.width
        height: section !== "" ? dayLabel.implicitHeight + 16 : 0
        visible: section !== ""
        Accessible.role: Accessible.Separator
        Accessible.name: dayLabel.text
        Rectangle {
            anchors.verticalCenter: parent.verticalCenter
            x: Theme.largeSpacing
            width: parent.width - 2 * Theme.largeSpacing
            height: 1
            color: Theme.separator
        }
        Label {
            id: dayLabel
            anchors.centerIn: parent
            leftPadding: 10
            rightPadding: 10
            text: Ui.dayLabel(parent.section)
            color: Theme.mutedText
            font.pointSize: Qt.application.font.pointSize * 0.85
            font.weight: Font.DemiBold
            background: Rectangle { color: Theme.base; radius: 8 }
            Accessible.ignored: true
        }
    }

    // Links open in the browser only after the person agrees (the address is shown in full).
    function confirmLink(url) {
        linkDialog.url = url;
        linkDialog.open();
    }
    Dialog {
        id: linkDialog
        objectName: "openLinkDialog"
        property string url: ""
        parent: Overlay.overlay
        anchors.centerIn: parent
        modal: true
        title: qsTr("Open this link in your browser?")
        standardButtons: Dialog.Open | Dialog.Cancel
        Label {
            text: linkDialog.url
            textFormat: Text.PlainText
            wrapMode: Text.WrapAnywhere
            width: Math.min(480, list.width)
        }
        onAccepted: if (linkDialog.url.startsWith("https://")) Qt.openUrlExternally(linkDialog.url)
    }

    // Keyboard focus on the list shows.
    Rectangle {
        parent: list
        anchors.fill: parent
        color: "transparent"
        border.width: 2
        border.color: Theme.accent
        radius: 2
        visible: list.activeFocus
        z: 3
    }

    Label {
        parent: list
        anchors.centerIn: parent
        visible: list.count === 0
        text: list.emptyText
        color: Theme.faintText
        textFormat: Text.PlainText
    }

    Button {
        id: jumpButton
        objectName: "jumpToLatest"
        parent: list
        z: 4
        visible: !list.atYEnd && list.count > 0 && (!list.stickToEnd || list.unseen > 0)
        anchors.horizontalCenter: parent.horizontalCenter
        anchors.bottom: parent.bottom
        anchors.bottomMargin: 10
        text: list.unseen === 1 ? qsTr("1 new message ↓")
            : list.unseen > 1 ? qsTr("%1 new messages ↓").arg(list.unseen)
            : qsTr("Jump to latest ↓")
        Accessible.name: list.unseen === 1 ? qsTr("1 new message, jump to latest")
                       : list.unseen > 1 ? qsTr("%1 new messages, jump to latest").arg(list.unseen)
                       : qsTr("Jump to latest message")
        onClicked: list.jumpToEnd()
    }
}
