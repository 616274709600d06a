import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hallway

// The message box: Enter sends, Shift+Enter starts a new line. Every edit is reported through
// textEdited(text) (the room's typing publisher decides what that means); Enter emits
// sendRequested(text) and clears the box. Works offline: the client queues what is sent.
Pane {
    id: composer

    property string roomName: ""
    property alias text: area.text
    readonly property alias inputItem: area

    signal textEdited(string text)
    signal sendRequested(string text)

    padding: 0
    background: Rectangle {
        color: Theme.base
        radius: Theme.radius
        border.width: area.activeFocus ? 2 : 1
        border.color: area.activeFocus ? Theme.accent : Theme.separator
    }

    function moveFocus(event, forward) {
        const next = area.nextItemInFocusChain(forward);
        if (next && next !== area) {
            next.forceActiveFocus(forward ? Qt.TabFocusReason : Qt.BacktabFocusReason);
            event.accepted = true;
        }
    }

    function send() {
        if (area.text.trim() === "")
            return;
        composer.sendRequested(area.text);
        area.clear();
    }

    contentItem: RowLayout {
        spacing: 0

        ScrollView {
            id: scroll
            Layout.fillWidth: true
            Layout.preferredHeight: Math.min(area.implicitHeight, 160)
            Layout.leftMargin: 4

            TextArea {
                id: area
                objectName: "composerInput"
                placeholderText: composer.roomName !== "" ? qsTr("Message #%1").arg(composer.roomName)
                                                          : qsTr("Write a message")
                textFormat: TextEdit.PlainText
                wrapMode: TextEdit.Wrap
                selectByMouse: true
                background: null
                topPadding: 10
                bottomPadding: 10
                Accessible.name: qsTr("Message")
                Accessible.description: qsTr("Enter sends, Shift+Enter starts a new line")
                onTextChanged: composer.textEdited(text)
                // Tab moves on (to the people panel) instead of typing a tab character, so the
                // keyboard can leave the composer; Shift+Tab goes back to the messages.
                Keys.onTabPressed: (event) => composer.moveFocus(event, true)
                Keys.onBacktabPressed: (event) => composer.moveFocus(event, false)
                Keys.onPressed: (event) => {
                    if ((event.key === Qt.Key_Return || event.key === Qt.Key_Enter)
                            && !(event.modifiers & Qt.ShiftModifier)) {
                        event.accepted = true;
                        composer.send();
                    }
                }
            }
        }

        ToolButton {
            objectName: "sendButton"
            Layout.alignment: Qt.AlignBottom
            Layout.margins: 2
            text: qsTr("Send")
            enabled: area.text.trim() !== ""
            opacity: enabled ? 1 : 0.45
            Accessible.name: qsTr("Send message")
            onClicked: composer.send()
        }
    }
}
