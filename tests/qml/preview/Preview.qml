import QtQuick
import QtQuick.Controls
import Hallway

// The Hallway pages on stand-in models with the same role names as the presence models.
HallwayWindow {
    id: window
    width: 1100
    height: 720
    visible: true
    title: qsTr("#%1 — Hallway").arg(lobbyRoom.name)

    required property string page
    required property string connection

    readonly property int connectionStatus: connection === "reconnecting" ? ConnectionStatus.Reconnecting
                                          : connection === "offline" || connection === "auth" ? ConnectionStatus.Offline
                                          : connection === "connecting" ? ConnectionStatus.Connecting
                                          : ConnectionStatus.Online
    property string manualStatus: "automatic"

    function at(h, m) { const d = new Date(); d.setHours(h, m, 0, 0); return d; }

    ListModel {
        id: roomsModel
        ListElement { name: "lobby"; memberCount: 6; onlineCount: 5; typingText: "Grace is typing…" }
        ListElement { name: "design-review"; memberCount: 3; onlineCount: 2; typingText: "" }
        ListElement { name: "release-6.4"; memberCount: 12; onlineCount: 9; typingText: "" }
        ListElement { name: "<b>x</b>"; memberCount: 1; onlineCount: 1; typingText: "" }
        ListElement { name: "random"; memberCount: 2; onlineCount: 1; typingText: "" }
    }

    ListModel {
        id: usersModel
        ListElement { userId: "ada"; name: "Ada Lovelace"; avatar: ""; connections: 2; status: "online"; typing: false; isSelf: true; statusRank: 0; initials: "AL"; hue: 262 }
        ListElement { userId: "grace"; name: "Grace Hopper"; avatar: ""; connections: 1; status: "typing"; typing: true; isSelf: false; statusRank: 0; initials: "GH"; hue: 24 }
        ListElement { userId: "linus"; name: "Linus"; avatar: ""; connections: 1; status: "ready"; typing: false; isSelf: false; statusRank: 0; initials: "L"; hue: 190 }
        ListElement { userId: "x"; name: "<b>x</b>"; avatar: ""; connections: 1; status: "online"; typing: false; isSelf: false; statusRank: 0; initials: "B"; hue: 330 }
        ListElement { userId: "margaret"; name: "Margaret Hamilton"; avatar: ""; connections: 3; status: "busy"; typing: false; isSelf: false; statusRank: 2; initials: "MH"; hue: 140 }
        ListElement { userId: "alan"; name: "Alan Turing"; avatar: ""; connections: 1; status: "away"; typing: false; isSelf: false; statusRank: 1; initials: "AT"; hue: 210 }
        ListElement { userId: "barbara"; name: "Barbara Liskov"; avatar: ""; connections: 1; status: "away"; typing: false; isSelf: false; statusRank: 1; initials: "BL"; hue: 95 }
    }

    ListModel { id: messagesModel }

    // Stand-in messages take the people's hue and initials (the real MessageModel computes
    // them with the same function as UserModel).
    function hueOf(userId) {
        for (let i = 0; i < usersModel.count; ++i)
            if (usersModel.get(i).userId === userId)
                return usersModel.get(i).hue;
        return 210;
    }
    function initialsOf(name) {
        for (let i = 0; i < usersModel.count; ++i)
            if (usersModel.get(i).name === name)
                return usersModel.get(i).initials;
        return "";
    }

    Component.onCompleted: {
        const m = [
            { kind: "join", senderId: "alan", senderName: "Alan Turing", text: "", showHeader: false, t: at(9, 2) },
            { kind: "message", senderId: "grace", senderName: "Grace Hopper", text: "Morning all! The staging server is back up.", showHeader: true, t: at(9, 4) },
            { kind: "message", senderId: "grace", senderName: "Grace Hopper", text: "I restarted Redis too, so presence should be fresh.", showHeader: false, t: at(9, 4) },
            { kind: "message", senderId: "margaret", senderName: "Margaret Hamilton", text: "Thanks. I'm heads-down on the reconnect tests until lunch — ping me if it's urgent.", showHeader: true, t: at(9, 11) },
            { kind: "join", senderId: "x", senderName: "<b>x</b>", text: "", showHeader: false, t: at(9, 15) },
            { kind: "message", senderId: "x", senderName: "<b>x</b>", text: "<i>does this render?</i> It shouldn't.", showHeader: true, t: at(9, 16) },
            { kind: "leave", senderId: "barbara", senderName: "Barbara Liskov", text: "", showHeader: false, t: at(9, 20) },
            { kind: "message", senderId: "ada", senderName: "Ada Lovelace", own: true, text: "Looks good here. The typing line no longer makes the list jump.", showHeader: true, t: at(9, 24) },
            { kind: "message", senderId: "ada", senderName: "Ada Lovelace", own: true, text: "Sending this one while the network flaps…", showHeader: false, failed: true, localId: "l2", t: at(9, 25) },
        ];
        for (const r of m)
            messagesModel.append({ messageId: r.localId ? "" : Math.random().toString(36).slice(2),
                                   localId: r.localId || "", senderId: r.senderId, senderName: r.senderName,
                                   text: r.text, timestamp: r.t, own: !!r.own, pending: false,
                                   failed: !!r.failed, kind: r.kind, showHeader: r.showHeader,
                                   hue: hueOf(r.senderId), initials: initialsOf(r.senderName) });
    }

    QtObject {
        id: lobbyRoom
        property string name: "lobby"
        property bool joined: true
        property int memberCount: 6
        property int onlineCount: 5
        property string typingText: "Grace is typing…"
        property var messages: messagesModel
        property var users: usersModel
        function sendMessage(text) {
            messagesModel.append({ messageId: "", localId: "n" + messagesModel.count, senderId: "ada",
                                   senderName: "Ada Lovelace", text: text, timestamp: new Date(),
                                   own: true, pending: true, failed: false, kind: "message", showHeader: false,
                                   hue: hueOf("ada"), initials: "AL" });
        }
        function retryMessage(localId) { console.log("retry", localId) }
        function setComposerText(text) {}
    }

    StackView {
        anchors.fill: parent
        initialItem: window.page === "connect" ? connectComponent : chatComponent
    }

    Component {
        id: chatComponent
        ChatPage {
            rooms: roomsModel
            room: lobbyRoom
            connectionStatus: window.connectionStatus
            nextRetryIn: 7
            errorCode: window.connection === "auth" ? "EAUTH" : ""
            errorString: window.connection === "auth" ? "the server answered 401 Unauthorized"
                       : window.connection === "offline" ? "Connection refused" : ""
            manualStatus: window.manualStatus
            effectiveStatus: window.manualStatus === "automatic" ? "online" : window.manualStatus
            roomSuggestions: [{ name: "lobby", connections: 7, users: 5 }, { name: "support", connections: 3, users: 3 }]
            onManualStatusRequested: (status) => window.manualStatus = status
            selfName: "Ada Lovelace"
            selfUserId: "ada"
            accountNote: qsTr("Token saved in the system keychain.")
        }
    }

    Component {
        id: connectComponent
        ConnectPage {
            serverUrl: AppSettings.defaultServerUrl
            displayName: "Ada Lovelace"
            userId: "ada"
            errorText: window.connection === "auth" ? qsTr("The server refused this account: %1").arg("401 Unauthorized") : ""
            connecting: window.connection === "reconnecting"
            progressText: qsTr("Can't reach the server yet. Retrying in %n s…", "", 4)
        }
    }
}
