import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hallway
import Hallway.Presence

// The application window: wires the Session (client + models), AppSettings and the keychain
// (CredentialStore) to the pages. Pages and components only bind; the few imperative steps
// (sign in, join, leave, change account) live here.
HallwayWindow {
    id: window

    width: 1100
    height: 720
    minimumWidth: 760
    minimumHeight: 480
    visible: true
    title: (unread.totalUnread > 0 ? qsTr("(%1) ").arg(unread.totalUnread) : "")
           + (currentRoom ? qsTr("#%1 — Hallway").arg(currentRoom.name) : qsTr("Hallway"))

    DesktopSettings { id: prefs }
    SettingsDialog {
        id: settingsDialog
        settings: prefs
        trayAvailable: window.trayAvailable
    }

    Session {
        id: session
        sendTyping: prefs.sendTyping
        // Who we are before the server says so: our pending messages show it (offline start).
        selfUserId: AppSettings.userId
        selfName: AppSettings.displayName
    }

    // Unread and mention counts per room; the room we look at in the active window is read.
    UnreadModel {
        id: unread
        session: session
        currentRoom: window.currentRoom ? window.currentRoom.name : ""
        active: window.active && window.visible
    }
    // For the desktop layer in C++ (notifications, tray, launcher badge, a second instance).
    readonly property alias hallwaySession: session
    readonly property alias unreadModel: unread
    readonly property alias desktopSettings: prefs
    property bool trayAvailable: false // set by the desktop layer when it shows a tray icon
    readonly property bool keepInTray: trayAvailable && prefs.keepInTray
    // From a notification, the tray or another `hallway --join`: the room, joined if need be.
    function openRoomByName(name) {
        if (name === "")
            return;
        if (session.room(name))
            selectRoom(name);
        else
            joinRoom(name);
    }

    // Sign-in tokens live in the OS keychain only. A typed token is saved once the server has
    // accepted it; one from --token-file/--token-env is used for this run and not saved.
    CredentialStore {
        id: credentials
        onLoaded: (serverUrl, token) => {
            if (serverUrl !== AppSettings.serverUrl || !window.loadingToken)
                return;
            window.loadingToken = false;
            if (token === "") {
                window.connectNotice = qsTr("No token is saved for %1. Paste your token to sign in.").arg(serverUrl);
                window.showConnectPage = true;
                return;
            }
            window.tokenOrigin = "keychain";
            session.setAccessToken(token);
            window.startConnection();
        }
        onSaved: window.tokenOrigin = "saved"
        onFailed: (operation, serverUrl, message, noService) => {
            if (operation === CredentialStore.Load && window.loadingToken) {
                window.loadingToken = false;
                window.connectNotice = message + " " + qsTr("Paste your token to sign in; it will be used for this session only.");
                window.showConnectPage = true;
            } else if (operation === CredentialStore.Save) {
                window.tokenOrigin = "unsaved";
                window.keychainProblem = message;
            }
        }
    }

    readonly property var client: session.client
    property var currentRoom: null
    property bool showConnectPage: !AppSettings.autoConnect
    property bool connectAttempt: false     // started from the connect page, not yet online
    property bool startupRoomsJoined: false
    property string validationError: AppSettings.startupError
    property var roomSuggestions: []
    property bool loadingToken: false       // waiting for the keychain at start
    property string connectNotice: ""       // on the connect page: no saved token, keychain trouble
    // Where this session's token came from: "typed" (saved once accepted), "saved",
    // "unsaved" (no keychain: this session only), "keychain", "commandLine"; "" in dev mode.
    property string tokenOrigin: ""
    property string keychainProblem: ""
    // A typed token waits here until the server accepts it, then goes to the keychain.
    QtObject { id: pendingSave; property string token: "" }
    readonly property string accountNote: {
        switch (tokenOrigin) {
        case "saved": return qsTr("Token saved in the system keychain.");
        case "keychain": return qsTr("Token from the system keychain.");
        case "commandLine": return qsTr("Token from the command line; not saved.");
        case "unsaved": return qsTr("Token not saved: %1 It is used for this session only.").arg(keychainProblem);
        case "typed": return "";
        default: return AppSettings.signInMode === "dev" ? qsTr("Development sign-in.") : "";
        }
    }

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
        // The server pins who we are at sign-in (identity cannot change through metadata): a
        // development account gets its new name by signing in again with it, which everyone
        // sees at once. A token's name comes from whoever issued the token.
        if (AppSettings.signInMode === "token")
            return;
        AppSettings.displayName = name;
        client.url = AppSettings.connectUrl();
        client.reconnect();
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

    function startTokenSignIn(token, origin) {
        window.tokenOrigin = origin;
        session.setAccessToken(token);
        window.startConnection();
    }
    function changeAccount() {
        window.client.close();
        AppSettings.forgetConnection();
        if (AppSettings.signInMode === "token")
            credentials.remove(AppSettings.serverUrl); // signing out forgets the saved token
        session.setAccessToken("");
        pendingSave.token = "";
        window.tokenOrigin = "";
        window.connectNotice = "";
        window.showConnectPage = true;
    }

    Connections {
        target: window.client
        function onStatusChanged() {
            if (window.client.status === ConnectionStatus.Online) {
                window.connectAttempt = false;
                window.showConnectPage = false;
                window.connectNotice = "";
                connectPage.clearToken();
                AppSettings.markConnected();
                if (pendingSave.token !== "") {
                    credentials.save(AppSettings.serverUrl, pendingSave.token);
                    pendingSave.token = "";
                }
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
        if (!AppSettings.autoConnect)
            return;
        if (AppSettings.signInMode !== "token") {
            startConnection();
        } else if (AppSettings.hasStartupToken) {
            startTokenSignIn(AppSettings.takeStartupToken(), "commandLine");
        } else {
            loadingToken = true;
            credentials.load(AppSettings.serverUrl);
        }
    }
    // The window's size and place are remembered (saved a moment after each change and on close).
    onClosing: (close) => {
        WindowGeometry.save(window);
        if (keepInTray) { // the tray icon keeps Hallway running
            close.accepted = false;
            window.hide();
        }
    }
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
            signInMode: AppSettings.signInMode
            noticeText: window.connectNotice
            connecting: window.connectAttempt && window.client.status !== ConnectionStatus.Offline
            errorText: window.validationError !== "" ? window.validationError
                     : window.client.errorCode === "EAUTH"
                       ? qsTr("The server refused this account: %1").arg(window.client.errorString)
                     : (window.connectAttempt && window.client.status === ConnectionStatus.Offline
                        && window.client.errorString !== "")
                       ? qsTr("Could not connect: %1").arg(window.client.errorString)
                     : ""
            progressText: window.client.status === ConnectionStatus.Reconnecting
                          ? qsTr("Can't reach the server yet. Retrying in %n s…", "", window.client.nextRetryIn)
                          : qsTr("Connecting to %1…").arg(AppSettings.serverUrl)
            onConnectRequested: (serverUrl, displayName, userId) => {
                window.validationError = AppSettings.validate(serverUrl, userId, displayName);
                if (window.validationError !== "")
                    return;
                AppSettings.serverUrl = serverUrl;
                AppSettings.signInMode = "dev";
                AppSettings.displayName = displayName;
                AppSettings.userId = userId;
                window.client.close();
                session.setAccessToken("");
                pendingSave.token = "";
                window.tokenOrigin = "";
                window.connectAttempt = true;
                window.startConnection();
            }
            onTokenSignInRequested: (serverUrl, token) => {
                window.validationError = AppSettings.validateToken(serverUrl, token);
                if (window.validationError !== "")
                    return;
                AppSettings.serverUrl = serverUrl;
                AppSettings.signInMode = "token";
                window.client.close();
                pendingSave.token = token.trim();
                window.connectAttempt = true;
                window.startTokenSignIn(token.trim(), "typed");
            }
            onCancelRequested: {
                window.client.close();
                window.connectAttempt = false;
                pendingSave.token = "";
            }
        }

        ChatPage {
            id: chatPage
            objectName: "chatPage"
            rooms: session.rooms
            sidebarRooms: unread
            room: window.currentRoom
            // Reading the token from the keychain is part of connecting.
            connectionStatus: window.loadingToken && window.client.status === ConnectionStatus.Offline
                              ? ConnectionStatus.Connecting : window.client.status
            nextRetryIn: window.client.nextRetryIn
            errorCode: window.client.errorCode
            errorString: window.client.errorString
            manualStatus: AppSettings.manualStatus
            effectiveStatus: session.status.effectiveStatus
            showJoinLeave: AppSettings.showJoinLeave
            showPeople: AppSettings.showPeople
            roomSuggestions: window.roomSuggestions
            selfName: session.selfName
            selfUserId: session.selfUserId
            accountNote: window.accountNote
            // Development sign-in names itself; a token's name is the one the server pinned.
            displayName: AppSettings.signInMode === "token" ? session.selfName : AppSettings.displayName
            canChangeName: AppSettings.signInMode !== "token"
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
            onChangeAccountRequested: window.changeAccount()
            onSettingsRequested: settingsDialog.open()
            onSuggestionsRequested: session.listRooms().then(
                result => window.roomSuggestions = result.rooms || [],
                error => window.roomSuggestions = [])
        }
    }
}
