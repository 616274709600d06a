import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hallway

// The middle column: room header (name, "n online", join/leave toggle, people toggle, our
// status menu), the messages, the typing line (height reserved) and the composer.
// `room` is a Room (or a stand-in object with the same properties and functions).
Pane {
    id: view

    required property var room
    required property string manualStatus
    required property string effectiveStatus
    property bool showJoinLeave: true
    property bool showPeople: true

    signal manualStatusRequested(string status)
    signal showJoinLeaveToggled(bool show)
    signal showPeopleToggled(bool show)

    readonly property string roomName: room ? room.name : ""
    readonly property alias composer: composer

    padding: 0
    background: Rectangle { color: Theme.base }

    contentItem: ColumnLayout {
        spacing: 0

        // Header
        Pane {
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
                    Row {
                        id: onlineRow
                        anchors.centerIn: parent
                        spacing: 5
                        Rectangle {
                            width: 8; height: 8; radius: 4
                            color: Theme.online
                            anchors.verticalCenter: parent.verticalCenter
                        }
                        Label {
                            id: onlineLabel
                            objectName: "headerOnline"
                            text: view.room ? qsTr("%n online", "", view.room.onlineCount) : ""
                            color: Theme.mutedText
                            font.pointSize: Qt.application.font.pointSize * 0.9
                        }
                    }
                }
                Item { Layout.fillWidth: true }
                ToggleChip {
                    objectName: "joinLeaveToggle"
                    checked: view.showJoinLeave
                    text: qsTr("Joins & leaves")
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
                    manualStatus: view.manualStatus
                    effectiveStatus: view.effectiveStatus
                    onManualStatusRequested: (status) => view.manualStatusRequested(status)
                }
            }
        }

        MessageList {
            id: messages
            objectName: "messageList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            model: view.room ? view.room.messages : null
            showJoinLeave: view.showJoinLeave
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
            onTextEdited: (text) => { if (view.room) view.room.setComposerText(text) }
            onSendRequested: (text) => view.room.sendMessage(text)
        }
    }
}
