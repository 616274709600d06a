import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hallway

// The main window's content once connected: connection banner on top, then rooms sidebar,
// the room view and the people panel. Everything it shows comes in through properties so it
// runs on the real Session or on stand-in models (previews, tests).
Page {
    id: page

    required property var rooms            // RoomListModel
    required property var room             // the current Room, or null
    required property int connectionStatus // PresenceClient.Status
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

    signal roomSelected(string name)
    signal joinRequested(string name)
    signal leaveRequested(string name)
    signal manualStatusRequested(string status)
    signal showJoinLeaveToggled(bool show)
    signal showPeopleToggled(bool show)
    signal retryNowRequested()
    signal reconnectRequested()
    signal changeAccountRequested()
    signal suggestionsRequested()

    readonly property string currentRoomName: room ? room.name : ""

    function focusComposer() { roomView.composer.inputItem.forceActiveFocus() }

    background: Rectangle { color: Theme.base }

    header: ConnectionBanner {
        objectName: "connectionBanner"
        status: page.connectionStatus
        nextRetryIn: page.nextRetryIn
        errorCode: page.errorCode
        errorString: page.errorString
        onRetryNowRequested: page.retryNowRequested()
        onReconnectRequested: page.reconnectRequested()
        onChangeAccountRequested: page.changeAccountRequested()
    }

    RowLayout {
        anchors.fill: parent
        spacing: 0

        RoomSidebar {
            id: sidebar
            objectName: "roomSidebar"
            Layout.fillHeight: true
            Layout.preferredWidth: Theme.sidebarWidth
            rooms: page.rooms
            currentRoom: page.currentRoomName
            suggestions: page.roomSuggestions
            onRoomSelected: (name) => page.roomSelected(name)
            onJoinRequested: (name) => page.joinRequested(name)
            onLeaveRequested: (name) => page.leaveRequested(name)
            onSuggestionsRequested: page.suggestionsRequested()
            selfName: page.selfName
            selfUserId: page.selfUserId
            accountNote: page.accountNote
            onChangeAccountRequested: page.changeAccountRequested()
        }

        RoomView {
            id: roomView
            objectName: "roomView"
            visible: page.room !== null
            Layout.fillWidth: true
            Layout.fillHeight: true
            room: page.room
            manualStatus: page.manualStatus
            effectiveStatus: page.effectiveStatus
            showJoinLeave: page.showJoinLeave
            showPeople: page.showPeople
            onManualStatusRequested: (status) => page.manualStatusRequested(status)
            onShowJoinLeaveToggled: (show) => page.showJoinLeaveToggled(show)
            onShowPeopleToggled: (show) => page.showPeopleToggled(show)
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
            visible: page.room !== null && page.showPeople
            Layout.fillHeight: true
            Layout.preferredWidth: Theme.peopleWidth
            users: page.room ? page.room.users : null
        }
    }
}
