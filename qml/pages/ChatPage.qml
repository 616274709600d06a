import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hallway

// The main window's content once connected: connection banner on top, then rooms sidebar,
// the room view and the people panel. Everything it shows comes in through properties so it
// runs on the real Session or on stand-in models (previews, tests).
//
// One RoomView per joined room (a Repeater over `rooms`, whose rows carry their Room): a view
// and its message list only ever show one room's models, so no delegate of one room can be
// reused for another, and each room keeps its scroll position and composer draft.
// Narrow windows (below `wideWidth`): the people panel becomes an overlay opened with the
// People toggle, and the rooms sidebar can be folded with the ☰ button.
Page {
    id: page

    required property var rooms            // RoomListModel
    property var sidebarRooms: rooms       // the sidebar's list: an UnreadModel adds unread badges
    required property var room             // the current Room, or null
    required property int connectionStatus // a ConnectionStatus (PresenceClient.status)
    required property int nextRetryIn
    required property string errorCode
    required property string errorString
    required property string manualStatus
    required property string effectiveStatus
    property bool showJoinLeave: true
    property bool showPeople: true
    property var roomSuggestions: []
    property string selfName: ""           // who the server says we are ("" until it answered)
    property string selfUserId: ""
    property string accountNote: ""        // how we signed in / where the token is kept
    property string displayName: ""
    property bool canChangeName: true
    property var normalizeRoomName: function(name) { return name.trim().toLowerCase() }
    // Whether the link is up (presence is current); false shows the offline state.
    readonly property bool online: connectionStatus === ConnectionStatus.Online
    property int wideWidth: 1060
    readonly property bool narrow: width < wideWidth
    property bool sidebarFolded: false
    property bool peopleOverlayOpen: false // narrow windows: the people panel on demand

    signal roomSelected(string name)
    signal joinRequested(string name)
    signal leaveRequested(string name)
    signal manualStatusRequested(string status)
    signal showJoinLeaveToggled(bool show)
    signal showPeopleToggled(bool show)
    signal retryNowRequested()
    signal reconnectRequested()
    signal changeAccountRequested()
    signal settingsRequested()
    signal suggestionsRequested()
    signal displayNameRequested(string name)

    readonly property string currentRoomName: room ? room.name : ""

    readonly property var currentView: {
        const i = room ? roomViews.indexOfRoom(room.name) : -1;
        return i >= 0 ? roomViews.itemAt(i) : null;
    }
    function focusComposer() {
        if (currentView)
            currentView.composer.inputItem.forceActiveFocus();
    }

    background: Rectangle { color: Theme.base }

    header: ConnectionBanner {
        objectName: "connectionBanner"
        status: page.connectionStatus
        nextRetryIn: page.nextRetryIn
        errorCode: page.errorCode
        errorString: page.errorString
        onRetryNowRequested: page.retryNowRequested()
        wasOnline: page.wasOnline
        onReconnectRequested: page.reconnectRequested()
        onChangeAccountRequested: page.changeAccountRequested()
    }

    RowLayout {
        anchors.fill: parent
        spacing: 0

        RoomSidebar {
            id: sidebar
            objectName: "roomSidebar"
            visible: !page.sidebarFolded
            Layout.fillHeight: true
            Layout.preferredWidth: page.narrow ? Theme.narrowSidebarWidth : Theme.sidebarWidth
            rooms: page.sidebarRooms
            currentRoom: page.currentRoomName
            suggestions: page.roomSuggestions
            normalize: page.normalizeRoomName
            online: page.online
            onRoomSelected: (name) => page.roomSelected(name)
            onJoinRequested: (name) => page.joinRequested(name)
            onLeaveRequested: (name) => page.leaveRequested(name)
            onSuggestionsRequested: page.suggestionsRequested()
            selfName: page.selfName
            selfUserId: page.selfUserId
            accountNote: page.accountNote
            onChangeAccountRequested: page.changeAccountRequested()
            onSettingsRequested: page.settingsRequested()
        }

        StackLayout {
            id: views
            visible: page.room !== null
            Layout.fillWidth: true
            Layout.fillHeight: true
            currentIndex: page.room ? roomViews.indexOfRoom(page.room.name) : -1

            Repeater {
                id: roomViews
                model: page.rooms
                function indexOfRoom(name) {
                    for (let i = 0; i < count; ++i) {
                        const v = itemAt(i);
                        if (v && v.room && v.room.name === name)
                            return i;
                    }
                    return -1;
                }
                RoomView {
                    objectName: "roomView" // its required `room` is the model's room role
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    current: page.room === room
                    online: page.online
                    manualStatus: page.manualStatus
                    effectiveStatus: page.effectiveStatus
                    displayName: page.displayName
                    canChangeName: page.canChangeName
                    showJoinLeave: page.showJoinLeave
                    showPeople: page.narrow ? page.peopleOverlayOpen : page.showPeople
                    narrow: page.narrow
                    sidebarFolded: page.sidebarFolded
                    onManualStatusRequested: (status) => page.manualStatusRequested(status)
                    onShowJoinLeaveToggled: (show) => page.showJoinLeaveToggled(show)
                    onShowPeopleToggled: (show) => {
                        if (page.narrow)
                            page.peopleOverlayOpen = show;
                        else
                            page.showPeopleToggled(show);
                    }
                    onSidebarToggled: page.sidebarFolded = !page.sidebarFolded
                    onDisplayNameRequested: (name) => page.displayNameRequested(name)
                }
            }
        }

        // No room selected: a friendly empty state instead of an empty view.
        Pane {
            visible: page.room === null
            Layout.fillWidth: true
            Layout.fillHeight: true
            background: Rectangle { color: Theme.base }
            ColumnLayout {
                anchors.centerIn: parent
                spacing: Theme.spacing
                Image {
                    source: "qrc:/icons/hallway.svg"
                    sourceSize: Qt.size(72, 72)
                    Layout.alignment: Qt.AlignHCenter
                    opacity: 0.8
                    Accessible.ignored: true
                }
                Label {
                    text: qsTr("You're not in a room yet")
                    font.pointSize: Qt.application.font.pointSize * 1.3
                    font.weight: Font.DemiBold
                    Layout.alignment: Qt.AlignHCenter
                }
                Label {
                    text: qsTr("Type a room name in “Join a room…” to see who's around.")
                    color: Theme.mutedText
                    Layout.alignment: Qt.AlignHCenter
                }
                Button {
                    text: qsTr("Join a room")
                    Layout.alignment: Qt.AlignHCenter
                    Accessible.name: text
                    onClicked: sidebar.joinField.forceActiveFocus()
                }
            }
        }

        PeoplePanel {
            objectName: "peoplePanel"
            visible: page.room !== null && page.showPeople && !page.narrow
            Layout.fillHeight: true
            Layout.preferredWidth: Theme.peopleWidth
            users: page.room ? page.room.users : null
            presenceKnown: page.online && page.room !== null && page.room.presenceKnown
        }
    }

    // Narrow windows: the people panel over the right edge of the room, on demand.
    PeoplePanel {
        objectName: "peoplePanel"
        visible: page.room !== null && page.peopleOverlayOpen && page.narrow
        anchors.right: parent.right
        anchors.top: parent.top
        anchors.topMargin: page.currentView ? page.currentView.headerHeight : 0 // the header's toggles stay reachable
        anchors.bottom: parent.bottom
        width: Math.min(Theme.peopleWidth, page.width * 0.45)
        z: 2
        users: page.room ? page.room.users : null
        presenceKnown: page.online && page.room !== null && page.room.presenceKnown
        overlay: true
    }

    // Whether we were online once in this run: a later outage says "Connection lost".
    property bool wasOnline: false
    onOnlineChanged: if (online) wasOnline = true
    Component.onCompleted: if (online) wasOnline = true
}
