import QtQuick
import QtQuick.Controls
import Hallway

// The room's messages (MessageModel or a stand-in with the same roles). Sticks to the newest
// message while the reader is at the bottom; join/leave lines hide with showJoinLeave.
ListView {
    id: list

    property bool showJoinLeave: true
    property string emptyText: qsTr("No messages yet. Say hello!")

    signal retryRequested(string localId)

    // Follow new messages only when the reader was already at the end.
    property bool stickToEnd: true
    onMovementEnded: stickToEnd = atYEnd
    onCountChanged: if (stickToEnd) Qt.callLater(positionViewAtEnd)
    onHeightChanged: if (stickToEnd) Qt.callLater(positionViewAtEnd)
    Component.onCompleted: Qt.callLater(positionViewAtEnd)

    clip: true
    boundsBehavior: Flickable.StopAtBounds
    reuseItems: true
    activeFocusOnTab: true
    keyNavigationEnabled: true
    bottomMargin: 4
    // Few messages sit at the bottom, next to the composer, as in any chat.
    topMargin: Math.max(8, height - contentHeight - bottomMargin)

    Accessible.role: Accessible.List
    Accessible.name: qsTr("Messages")

    ScrollBar.vertical: ScrollBar { policy: ScrollBar.AsNeeded }

    delegate: MessageDelegate {
        showJoinLeave: list.showJoinLeave
        onRetryRequested: (localId) => list.retryRequested(localId)
    }

    Label {
        anchors.centerIn: parent
        visible: list.count === 0
        text: list.emptyText
        color: Theme.faintText
        textFormat: Text.PlainText
    }
}
