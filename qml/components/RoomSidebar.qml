import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hallway

// The left sidebar: joined rooms (RoomListModel or a stand-in with name, memberCount,
// onlineCount, typingText) with occupancy and typing hints, and the join field with
// suggestions from the server's room list; at the bottom, who we are signed in as (as the
// server told us) with "Change account…".
//
// The join field: what is typed is normalised (`normalize`, the Session's rule: "Lobby" is
// #lobby); suggestions are the server's rooms we are not in whose name contains it (names
// starting with it first), then "Create #<name>" when no room has exactly that name. The
// first row is highlighted, Up/Down move the highlight, and Enter always does what the
// highlighted row says ("ran" with "# random" highlighted joins #random; Down to "Create
// #ran" makes a new room). Without suggestions, Enter joins the typed name.
Pane {
    id: sidebar

    required property var rooms
    required property string currentRoom
    property var suggestions: []          // [{name, connections, users}] from session.listRooms()
    property string selfName: ""
    property string selfUserId: ""        // empty until the server told us who we are
    property string selfStatus: ""
    property string accountNote: ""       // how we signed in / where the token is kept
    property var normalize: function(name) { return name.trim().toLowerCase() }
    property bool online: true // false while the link is down: no counts we cannot know

    signal roomSelected(string name)
    signal joinRequested(string name)
    signal leaveRequested(string name)
    signal suggestionsRequested()
    signal changeAccountRequested()
    signal settingsRequested()

    readonly property alias joinField: joinField
    function isJoined(name) {
        if (!rooms)
            return false;
        if (typeof rooms.indexOf === "function")
            return rooms.indexOf(name) >= 0;
        for (let i = 0; i < rooms.count; ++i) {
            if (rooms.get(i).name === name)
                return true;
        }
        return false;
    }
    // Plain properties refreshed from the field's text (a binding would still hold the previous
    // text inside the field's textEdited handler).
    property string typedName: ""
    property var filteredSuggestions: []
    function suggestionsFor(text) {
        const typed = normalize(text);
        const list = suggestions.filter(s => s && s.name && !isJoined(s.name)
                                             && (typed === "" || s.name.toLowerCase().indexOf(typed) >= 0));
        list.sort((a, b) => (b.name.toLowerCase().startsWith(typed) ? 1 : 0) - (a.name.toLowerCase().startsWith(typed) ? 1 : 0));
        if (typed !== "" && !suggestions.some(s => s && s.name === typed) && !isJoined(typed))
            list.push({ name: typed, create: true, users: 0 });
        return list;
    }
    function refreshSuggestions() {
        typedName = normalize(joinField.text);
        filteredSuggestions = suggestionsFor(joinField.text);
        if (suggestionList.currentIndex >= filteredSuggestions.length || suggestionList.currentIndex < 0)
            suggestionList.currentIndex = 0;
        if (!suggestionPopup.opened && joinField.activeFocus && joinField.text.trim() !== "" && filteredSuggestions.length > 0)
            suggestionPopup.open();
    }
    onSuggestionsChanged: refreshSuggestions()
    Connections {
        target: sidebar.rooms
        ignoreUnknownSignals: true
        function onCountChanged() { sidebar.refreshSuggestions() }
    }
    function chooseSuggestion(entry) {
        sidebar.joinRequested(entry.name);
        joinField.clear();
        suggestionPopup.close();
    }

    padding: 0
    background: Rectangle {
        color: Theme.sidebar
        Rectangle { anchors.right: parent.right; width: 1; height: parent.height; color: Theme.separator }
    }

    contentItem: ColumnLayout {
        spacing: 0

        RowLayout {
            Layout.fillWidth: true
            Layout.margins: Theme.largeSpacing
            Layout.bottomMargin: Theme.spacing
            spacing: Theme.spacing
            Image {
                source: "qrc:/icons/hallway.svg"
                sourceSize: Qt.size(24, 24)
                Layout.preferredWidth: 24
                Layout.preferredHeight: 24
                Accessible.ignored: true
            }
            Label {
                text: qsTr("Hallway")
                font.weight: Font.Bold
                font.pointSize: Qt.application.font.pointSize * 1.25
                Layout.fillWidth: true
            }
        }

        Label {
            Layout.leftMargin: Theme.largeSpacing
            Layout.topMargin: Theme.spacing
            Layout.bottomMargin: 4
            text: qsTr("ROOMS")
            font.pointSize: Qt.application.font.pointSize * 0.8
            font.weight: Font.DemiBold
            font.letterSpacing: 0.6
            color: Theme.mutedText
            Accessible.role: Accessible.Heading
            Accessible.name: qsTr("Rooms")
        }

        ListView {
            id: roomList
            objectName: "roomList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: sidebar.rooms
            activeFocusOnTab: true
            keyNavigationEnabled: true
            boundsBehavior: Flickable.StopAtBounds
            Accessible.role: Accessible.List
            Accessible.name: qsTr("Joined rooms")
            ScrollBar.vertical: ScrollBar {}

            delegate: ItemDelegate {
                id: roomItem
                required property int index
                required property string name
                required property int onlineCount
                required property int memberCount
                required property string typingText
                required property var model
                // From an UnreadModel; a plain room list has neither role.
                readonly property int unread: model.unread !== undefined ? model.unread : 0
                readonly property int mentions: model.mentions !== undefined ? model.mentions : 0
                readonly property bool current: name === sidebar.currentRoom

                width: ListView.view.width
                leftPadding: Theme.largeSpacing
                rightPadding: Theme.spacing
                topPadding: 6
                bottomPadding: 6
                hoverEnabled: true
                highlighted: current
                Accessible.role: Accessible.ListItem
                Accessible.name: (sidebar.online ? qsTr("Room %1, %n online", "", onlineCount).arg(name)
                                                 : qsTr("Room %1, offline").arg(name))
                                 + (unread > 0 ? ", " + qsTr("%1 unread").arg(unread) : "")
                                 + (mentions > 0 ? ", " + qsTr("%1 mentioning you").arg(mentions) : "")
                onClicked: sidebar.roomSelected(name)
                Keys.onReturnPressed: sidebar.roomSelected(name)

                background: Rectangle {
                    anchors.fill: parent
                    anchors.leftMargin: 6
                    anchors.rightMargin: 6
                    radius: Theme.radius
                    color: roomItem.current ? Theme.selected
                         : (roomItem.hovered || roomItem.visualFocus) ? Theme.hover : "transparent"
                }

                contentItem: ColumnLayout {
                    spacing: 1
                    RowLayout {
                        spacing: 6
                        Layout.fillWidth: true
                        Label {
                            text: "#"
                            color: Theme.mutedText
                            font.weight: Font.DemiBold
                        }
                        Label {
                            objectName: "roomName"
                            text: roomItem.name
                            textFormat: Text.PlainText
                            elide: Text.ElideRight
                            font.weight: roomItem.current || roomItem.unread > 0 ? Font.DemiBold : Font.Normal
                            Layout.fillWidth: true
                        }
                        // Unread badge: the count, or "@n" in the alert colour when we were mentioned.
                        Rectangle {
                            objectName: "unreadBadge"
                            visible: roomItem.unread > 0
                            readonly property string text: badgeLabel.text
                            readonly property bool mention: roomItem.mentions > 0
                            implicitWidth: Math.max(implicitHeight, badgeLabel.implicitWidth + 10)
                            implicitHeight: badgeLabel.implicitHeight + 2
                            radius: implicitHeight / 2
                            color: mention ? Theme.busy : Theme.accent
                            Label {
                                id: badgeLabel
                                anchors.centerIn: parent
                                text: roomItem.mentions > 0 ? "@" + roomItem.mentions : roomItem.unread
                                color: "white"
                                font.weight: Font.Bold
                                font.pointSize: Qt.application.font.pointSize * 0.75
                            }
                        }
                        // The count and the leave button share one slot (anchored, not laid
                        // out): the button that shows on hover is in place before any click.
                        Item {
                            readonly property bool showLeave: roomItem.hovered || roomItem.current && roomItem.activeFocus
                            Layout.preferredWidth: Math.max(occupancy.implicitWidth, leaveButton.implicitWidth)
                            Layout.preferredHeight: leaveButton.implicitHeight
                            Label {
                                id: occupancy
                                objectName: "occupancy"
                                anchors.right: parent.right
                                anchors.verticalCenter: parent.verticalCenter
                                text: sidebar.online ? qsTr("%n online", "", roomItem.onlineCount) : qsTr("offline")
                                color: Theme.mutedText
                                font.pointSize: Qt.application.font.pointSize * 0.8
                                visible: !parent.showLeave
                            }
                            ToolButton {
                                id: leaveButton
                                anchors.right: parent.right
                                anchors.verticalCenter: parent.verticalCenter
                                visible: parent.showLeave
                                text: "✕"
                                font.pointSize: Qt.application.font.pointSize * 0.8
                                implicitWidth: implicitHeight
                                padding: 2
                                focusPolicy: Qt.NoFocus
                                Accessible.name: qsTr("Leave %1").arg(roomItem.name)
                                ToolTip.visible: hovered
                                ToolTip.text: qsTr("Leave room (Ctrl+W)")
                                onClicked: sidebar.leaveRequested(roomItem.name)
                            }
                        }
                    }
                    Label {
                        visible: roomItem.typingText !== ""
                        text: roomItem.typingText
                        textFormat: Text.PlainText
                        elide: Text.ElideRight
                        font.italic: true
                        font.pointSize: Qt.application.font.pointSize * 0.8
                        color: Theme.online
                        Layout.fillWidth: true
                        Layout.leftMargin: 14
                    }
                }
            }

            Label {
                anchors.centerIn: parent
                width: parent.width - 2 * Theme.largeSpacing
                wrapMode: Text.Wrap
                horizontalAlignment: Text.AlignHCenter
                visible: roomList.count === 0
                text: qsTr("No rooms yet. Join one below.")
                color: Theme.faintText
            }
        }

        Rectangle { Layout.fillWidth: true; height: 1; color: Theme.separator }

        TextField {
            id: joinField
            objectName: "joinRoomField"
            Layout.fillWidth: true
            Layout.margins: Theme.spacing + 4
            placeholderText: qsTr("Join a room…")
            Accessible.name: qsTr("Join a room")
            onActiveFocusChanged: if (activeFocus) sidebar.suggestionsRequested()
            onTextEdited: {
                suggestionList.currentIndex = 0;
                sidebar.refreshSuggestions();
            }
            onTextChanged: sidebar.refreshSuggestions()
            onAccepted: {
                const entry = suggestionPopup.opened ? sidebar.filteredSuggestions[suggestionList.currentIndex] : undefined;
                if (entry) {
                    sidebar.chooseSuggestion(entry);
                    return;
                }
                const name = sidebar.normalize(text);
                if (name === "")
                    return;
                sidebar.joinRequested(name);
                clear();
                suggestionPopup.close();
            }
            // The highlight moves; the focus stays here so typing goes on.
            Keys.onDownPressed: {
                if (!suggestionPopup.opened && sidebar.filteredSuggestions.length > 0)
                    suggestionPopup.open();
                else
                    suggestionList.incrementCurrentIndex();
            }
            Keys.onUpPressed: suggestionList.decrementCurrentIndex()
            Keys.onEscapePressed: { suggestionPopup.close(); clear(); }

            Popup {
                id: suggestionPopup
                y: -height - 4
                width: joinField.width
                height: Math.min(suggestionList.contentHeight + topPadding + bottomPadding, 240)
                padding: 4
                closePolicy: Popup.CloseOnEscape | Popup.CloseOnPressOutsideParent

                contentItem: ListView {
                    id: suggestionList
                    clip: true
                    model: sidebar.filteredSuggestions
                    keyNavigationEnabled: true
                    highlightMoveDuration: 0
                    Accessible.role: Accessible.List
                    Accessible.name: qsTr("Room suggestions")
                    Keys.onEscapePressed: { suggestionPopup.close(); joinField.forceActiveFocus(); }
                    delegate: ItemDelegate {
                        required property var modelData
                        required property int index
                        width: ListView.view.width
                        highlighted: ListView.isCurrentItem
                        text: modelData.name
                        Accessible.name: modelData.create ? qsTr("Create room %1").arg(modelData.name)
                                       : qsTr("Join %1, %n online", "", modelData.users || 0).arg(modelData.name)
                        contentItem: RowLayout {
                            Label {
                                text: modelData.create ? qsTr("Create #%1").arg(modelData.name) : "# " + modelData.name
                                textFormat: Text.PlainText
                                elide: Text.ElideRight
                                Layout.fillWidth: true
                            }
                            Label {
                                visible: !modelData.create
                                text: qsTr("%n online", "", modelData.users || 0)
                                color: Theme.mutedText
                                font.pointSize: Qt.application.font.pointSize * 0.8
                            }
                        }
                        onClicked: sidebar.chooseSuggestion(modelData)
                        Keys.onReturnPressed: clicked()
                    }
                }
            }
        }

        Rectangle { Layout.fillWidth: true; height: 1; color: Theme.separator }

        ColumnLayout {
            objectName: "accountFooter"
            Layout.fillWidth: true
            Layout.margins: Theme.spacing + 4
            spacing: 2
            Label {
                objectName: "signedInAs"
                visible: sidebar.selfUserId !== ""
                text: qsTr("Signed in as %1 (%2)").arg(sidebar.selfName).arg(sidebar.selfUserId)
                textFormat: Text.PlainText
                elide: Text.ElideRight
                font.pointSize: Qt.application.font.pointSize * 0.9
                Layout.fillWidth: true
                Accessible.role: Accessible.StaticText
                Accessible.name: text
            }
            Label {
                objectName: "accountNote"
                visible: sidebar.accountNote !== ""
                text: sidebar.accountNote
                textFormat: Text.PlainText
                wrapMode: Text.Wrap
                color: Theme.mutedText
                font.pointSize: Qt.application.font.pointSize * 0.8
                Layout.fillWidth: true
                Accessible.role: Accessible.StaticText
                Accessible.name: text
            }
            RowLayout {
                spacing: Theme.largeSpacing
                Button {
                    objectName: "sidebarChangeAccount"
                    text: qsTr("Change account…")
                    flat: true
                    font.pointSize: Qt.application.font.pointSize * 0.85
                    leftPadding: 0
                    Accessible.name: qsTr("Change account")
                    onClicked: sidebar.changeAccountRequested()
                }
                Button {
                    objectName: "sidebarSettings"
                    text: qsTr("Settings…")
                    flat: true
                    font.pointSize: Qt.application.font.pointSize * 0.85
                    leftPadding: 0
                    Accessible.name: qsTr("Settings")
                    onClicked: sidebar.settingsRequested()
                }
            }
        }
    }
}
