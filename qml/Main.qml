import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hallway
import Hallway.Presence

// The application window: wires the Session (client + models) and AppSettings to the pages.
// Pages and components only bind; the few imperative steps (connect, join, leave) live here.
HallwayWindow {
    id: window

    width: 1100
    height: 720
    minimumWidth: 760
    minimumHeight: 480
    visible: true
    title: currentRoom ? qsTr("#%1 — Hallway").arg(currentRoom.name) : qsTr("Hallway")

    Session {
        id: session
        // Who we are before the server says so: our pending messages show it (offline start).
        selfUserId: AppSettings.userId
        selfName: AppSettings.displayName
    }

    readonly property var client: session.client
    property var currentRoom: null
    property bool showConnectPage: !AppSettings.autoConnect
    property bool connectAttempt: false     // started from the connect page, not yet online
    property bool startupRoomsJoined: false
    property string validationError: AppSettings.startupError
    property var roomSuggestions: []

    function startConnection() {
        client.url = AppSettings.connectUrl();
        client.open();
        joinStartupRooms(); // commands queue until the connection is ready: offline-first
    }
    function showRoom(room) {
        // Our typing stops in the room we leave the view of; its draft stays (Room.draft).
        if (currentRoom && currentRoom !== room && currentRoom.typing)
            currentRoom.typing.stop();
        currentRoom = room;
    }
    function selectRoom(name) {
        const room = session.room(name);
        if (!room)
            return;
        showRoom(room);
        AppSettings.lastRoom = room.name;
    }
    function joinRoom(name) {
        const room = session.join(name); // normalised: "Lobby" is #lobby (session.h)
        if (!room)
            return;
        showRoom(room);
        AppSettings.rememberRoom(room.name);
        AppSettings.lastRoom = room.name;
        Qt.callLater(chatPage.focusComposer); // its view is made for it first
    }
    function changeDisplayName(name) {
        AppSettings.displayName = name;
        // The server keeps our user id; the name changes for everyone at once.
        client.setConnectionMetadata({ username: name }, "merge");
    }
    function leaveRoom(name) {
        session.leave(name);
        AppSettings.forgetRoom(name);
        const normal = session.normalizeRoomName(name);
        AppSettings.forgetRoom(normal);
        if (currentRoom === null || currentRoom.name === normal)
            currentRoom = AppSettings.rooms.length > 0 ? session.room(AppSettings.rooms[0]) : null;
    }
    function joinStartupRooms() {
        if (startupRoomsJoined)
            return;
        startupRoomsJoined = true;
        const names = [];
        for (let i = 0; i < AppSettings.startupRooms.length; ++i) {
            const room = session.join(AppSettings.startupRooms[i]);
            if (!room || names.indexOf(room.name) >= 0)
                continue;
            names.push(room.name);
            AppSettings.rememberRoom(room.name);
        }
        const lastRoom = session.normalizeRoomName(AppSettings.lastRoom);
        const last = names.indexOf(lastRoom) >= 0 ? lastRoom : names[0];
        if (last)
            selectRoom(last);
    }

    // Our manual status is remembered across runs.
    Binding {
        target: session.status
        property: "manualStatus"
        value: AppSettings.manualStatus
    }

    Connections {
        target: window.client
        function onStatusChanged() {
            if (window.client.status === PresenceClient.Online) {
                window.connectAttempt = false;
                window.showConnectPage = false;
                AppSettings.markConnected();
            }
        }
    }

    // The screen lock / app-state hint: where the platform reports the app hidden or suspended,
    // we are away at once (when the status is automatic). That is never counted as activity;
    // the next input (or window activation) brings us back.
    Connections {
        target: Qt.application
        function onStateChanged() {
            if (Qt.application.state === Qt.ApplicationHidden
                    || Qt.application.state === Qt.ApplicationSuspended)
                session.activity.markIdle();
        }
    }

    Component.onCompleted: {
        WindowGeometry.restore(window);
        if (AppSettings.autoConnect)
            startConnection();
    }
    // The window's size and place are remembered (saved a moment after each change and on close).
    onClosing: WindowGeometry.save(window)
    onWidthChanged: geometrySaver.restart()
    onHeightChanged: geometrySaver.restart()
    Timer {
        id: geometrySaver
        interval: 800
        onTriggered: WindowGeometry.save(window)
    }

    Shortcut {
        sequence: "Ctrl+W"
        enabled: !window.showConnectPage && window.currentRoom !== null
        onActivated: window.leaveRoom(window.currentRoom.name)
    }

    StackLayout {
        anchors.fill: parent
        currentIndex: window.showConnectPage ? 0 : 1

        ConnectPage {
            id: connectPage
            objectName: "connectPage"
            serverUrl: AppSettings.serverUrl
            displayName: AppSettings.displayName
            userId: AppSettings.userId
            connecting: window.connectAttempt && window.client.status !== PresenceClient.Offline
            errorText: window.validationError !== "" ? window.validationError
                     : window.client.errorCode === "EAUTH"
                       ? qsTr("The server refused this account: %1").arg(window.client.errorString)
                     : (window.connectAttempt && window.client.status === PresenceClient.Offline
                        && window.client.errorString !== "")
                       ? qsTr("Could not connect: %1").arg(window.client.errorString)
                     : ""
            progressText: window.client.status === PresenceClient.Reconnecting
                          ? qsTr("Can't reach the server yet. Retrying in %n s…", "", window.client.nextRetryIn)
                          : qsTr("Connecting to %1…").arg(AppSettings.serverUrl)
            onConnectRequested: (serverUrl, displayName, userId) => {
                window.validationError = AppSettings.validate(serverUrl, userId, displayName);
                if (window.validationError !== "")
                    return;
                AppSettings.serverUrl = serverUrl;
                AppSettings.displayName = displayName;
                AppSettings.userId = userId;
                window.client.close();
                window.connectAttempt = true;
                window.startConnection();
            }
            onCancelRequested: {
                window.client.close();
                window.connectAttempt = false;
            }
        }

        ChatPage {
            id: chatPage
            objectName: "chatPage"
            rooms: session.rooms
            room: window.currentRoom
            connectionStatus: window.client.status
            nextRetryIn: window.client.nextRetryIn
            errorCode: window.client.errorCode
            errorString: window.client.errorString
            manualStatus: AppSettings.manualStatus
            effectiveStatus: session.status.effectiveStatus
            showJoinLeave: AppSettings.showJoinLeave
            showPeople: AppSettings.showPeople
            roomSuggestions: window.roomSuggestions
            displayName: AppSettings.displayName
            normalizeRoomName: (name) => session.normalizeRoomName(name)
            onDisplayNameRequested: (name) => window.changeDisplayName(name)
            onRoomSelected: (name) => window.selectRoom(name)
            onJoinRequested: (name) => window.joinRoom(name)
            onLeaveRequested: (name) => window.leaveRoom(name)
            onManualStatusRequested: (status) => AppSettings.manualStatus = status
            onShowJoinLeaveToggled: (show) => AppSettings.showJoinLeave = show
            onShowPeopleToggled: (show) => AppSettings.showPeople = show
            onRetryNowRequested: window.client.retryNow()
            onReconnectRequested: window.startConnection()
            onChangeAccountRequested: {
                window.client.close();
                AppSettings.forgetConnection();
                window.showConnectPage = true;
            }
            onSuggestionsRequested: session.listRooms().then(
                result => window.roomSuggestions = result.rooms || [],
                error => window.roomSuggestions = [])
        }
    }
}
