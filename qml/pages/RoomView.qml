import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hallway

// The middle column: room header (name, "n online", join/leave toggle, people toggle, our
// status menu), the messages, the typing line (height reserved) and the composer.
// `room` is a Room (or a stand-in object with the same properties and functions). ChatPage
// makes one per joined room, so the composer holds that room's draft (Room.draft) and the
// list that room's scroll position; leaving the view stops our typing there.
Pane {
    id: view

    required property var room
    required property string manualStatus
    required property string effectiveStatus
    property bool showJoinLeave: true
    property bool showPeople: true
    property bool current: true
    property bool online: true
    property string displayName: ""
    property bool canChangeName: true
    property bool narrow: false
    property bool sidebarFolded: false

    signal manualStatusRequested(string status)
    signal showJoinLeaveToggled(bool show)
    signal showPeopleToggled(bool show)
    signal sidebarToggled()
    signal displayNameRequested(string name)

    // Presence is current only while the link is up and this room has been resynced.
    readonly property bool presenceKnown: online && room !== null
                                          && (room.presenceKnown === undefined || room.presenceKnown)

    onCurrentChanged: {
        if (!current && room && room.typing)
            room.typing.stop(); // the draft stays; we are not typing in a room we left
        if (current)
            messages.returnToView();
    }

    readonly property string roomName: room ? room.name : ""
    readonly property alias composer: composer
    readonly property real headerHeight: header.height // the narrow people overlay starts below it

    padding: 0
    background: Rectangle { color: Theme.base }

    contentItem: ColumnLayout {
        spacing: 0

        // Header
        Pane {
            id: header
            Layout.fillWidth: true
            leftPadding: Theme.largeSpacing
            rightPadding: Theme.spacing
            topPadding: 6
            bottomPadding: 6
            background: Rectangle {
                color: Theme.base
                Rectangle { anchors.bottom: parent.bottom; width: parent.width; height: 1; color: Theme.separator }
            }
            contentItem: RowLayout {
                spacing: Theme.spacing
                ToolButton {
                    objectName: "sidebarToggle"
                    text: "☰"
                    focusPolicy: Qt.StrongFocus
                    Accessible.name: view.sidebarFolded ? qsTr("Show rooms") : qsTr("Hide rooms")
                    ToolTip.visible: hovered
                    ToolTip.text: Accessible.name
                    onClicked: view.sidebarToggled()
                }
                Label {
                    text: "#"
                    color: Theme.mutedText
                    font.pointSize: Qt.application.font.pointSize * 1.3
                    font.weight: Font.DemiBold
                }
                Label {
                    objectName: "roomTitle"
                    text: view.roomName
                    textFormat: Text.PlainText
                    elide: Text.ElideRight
                    font.pointSize: Qt.application.font.pointSize * 1.3
                    font.weight: Font.DemiBold
                    Layout.maximumWidth: view.width * 0.4
                    Accessible.role: Accessible.Heading
                    Accessible.name: qsTr("Room %1").arg(view.roomName)
                }
                Rectangle {
                    visible: view.room !== null
                    radius: height / 2
                    color: Theme.hover
                    implicitHeight: onlineLabel.implicitHeight + 4
                    implicitWidth: onlineRow.implicitWidth + 14
                    // Room enough for "99 online" / "Offline": the controls after it stay put.
                    Layout.minimumWidth: onlineMetrics.width + 30
                    TextMetrics {
                        id: onlineMetrics
                        font: onlineLabel.font
                        text: qsTr("%n online", "", 99)
                    }
                    Accessible.role: Accessible.StaticText
                    Accessible.name: view.presenceKnown ? onlineLabel.text : qsTr("Offline, presence unknown")
                    Row {
                        id: onlineRow
                        anchors.centerIn: parent
                        spacing: 5
                        Rectangle {
                            width: 8; height: 8; radius: 4
                            color: view.presenceKnown ? Theme.online : Theme.unknown
                            anchors.verticalCenter: parent.verticalCenter
                        }
                        Label {
                            id: onlineLabel
                            objectName: "headerOnline"
                            text: !view.room ? ""
                                : view.presenceKnown ? qsTr("%n online", "", view.room.onlineCount)
                                : qsTr("Offline")
                            color: Theme.mutedText
                            font.pointSize: Qt.application.font.pointSize * 0.9
                        }
                    }
                }
                Item { Layout.fillWidth: true }
                ToggleChip {
                    objectName: "joinLeaveToggle"
                    checked: view.showJoinLeave
                    text: view.narrow ? qsTr("Joins") : qsTr("Joins & leaves")
                    Accessible.name: checked ? qsTr("Hide joins and leaves") : qsTr("Show joins and leaves")
                    ToolTip.visible: hovered
                    ToolTip.text: Accessible.name
                    onToggled: view.showJoinLeaveToggled(checked)
                }
                ToggleChip {
                    objectName: "peopleToggle"
                    checked: view.showPeople
                    text: qsTr("People")
                    Accessible.name: checked ? qsTr("Hide people") : qsTr("Show people")
                    ToolTip.visible: hovered
                    ToolTip.text: Accessible.name
                    onToggled: view.showPeopleToggled(checked)
                }
                ToolSeparator {}
                StatusMenu {
                    objectName: "statusMenu"
                    // A fixed width: the controls before it do not move as its label changes.
                    Layout.preferredWidth: view.narrow ? 132 : 180
                    manualStatus: view.manualStatus
                    effectiveStatus: view.effectiveStatus
                    online: view.online
                    displayName: view.displayName
                    canChangeName: view.canChangeName
                    onManualStatusRequested: (status) => view.manualStatusRequested(status)
                    onDisplayNameRequested: (name) => view.displayNameRequested(name)
                }
            }
        }

        // The room's member list could not be refreshed on several reconnects in a row.
        Pane {
            objectName: "presenceErrorBar"
            visible: view.room !== null && view.room.presenceError !== ""
            Layout.fillWidth: true
            topPadding: 4
            bottomPadding: 4
            leftPadding: Theme.largeSpacing
            background: Rectangle { color: Theme.hover }
            Accessible.role: Accessible.AlertMessage
            Accessible.name: view.room ? view.room.presenceError : ""
            contentItem: Label {
                text: view.room ? view.room.presenceError : ""
                textFormat: Text.PlainText
                wrapMode: Text.Wrap
                color: Theme.mutedText
            }
        }

        MessageList {
            id: messages
            objectName: "messageList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            model: view.room ? view.room.messages : null
            showJoinLeave: view.showJoinLeave
            linkSent: view.presenceKnown
            onRetryRequested: (localId) => view.room.retryMessage(localId)
        }

        TypingLine {
            objectName: "typingLine"
            Layout.fillWidth: true
            Layout.leftMargin: Theme.largeSpacing + 2
            Layout.rightMargin: Theme.largeSpacing
            text: view.room ? view.room.typingText : ""
        }

        Composer {
            id: composer
            objectName: "composer"
            Layout.fillWidth: true
            Layout.leftMargin: Theme.largeSpacing
            Layout.rightMargin: Theme.largeSpacing
            Layout.bottomMargin: Theme.largeSpacing
            roomName: view.roomName
            enabled: view.room !== null
            Component.onCompleted: if (view.room && view.room.draft) text = view.room.draft
            onTextEdited: (text) => { if (view.room && view.current) view.room.setComposerText(text) }
            onSendRequested: (text) => view.room.sendMessage(text)
        }
    }
}
