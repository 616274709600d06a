import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hallway

// First run (and "Change account"): server URL, display name, user ID. Shows what the
// connection attempt is doing and why it failed (bad URL, refused account, unreachable),
// never a silent hang.
Page {
    id: page

    property string serverUrl: ""
    property string displayName: ""
    property string userId: ""
    property string errorText: ""     // validation or auth refusal
    property bool connecting: false
    property string progressText: ""  // "Connecting…", "Can't reach … retrying in 3 s"

    signal connectRequested(string serverUrl, string displayName, string userId)
    signal cancelRequested()

    background: Rectangle { color: Theme.sidebar }

    function submit() {
        page.connectRequested(urlField.text, nameField.text, userField.text);
    }

    Flickable {
        id: flick
        anchors.fill: parent
        contentWidth: width
        contentHeight: Math.max(card.implicitHeight + 2 * Theme.largeSpacing, height)
        boundsBehavior: Flickable.StopAtBounds
        clip: true
        ScrollBar.vertical: ScrollBar {}

        Item {
            width: flick.width
            height: flick.contentHeight

            Pane {
                id: card
                anchors.centerIn: parent
                width: Math.min(440, parent.width - 2 * Theme.largeSpacing)
                padding: 28
                background: Rectangle {
                    color: Theme.base
                    radius: 10
                    border.color: Theme.separator
                }

                contentItem: ColumnLayout {
                    spacing: Theme.spacing

                    Image {
                        source: "qrc:/icons/hallway.svg"
                        sourceSize: Qt.size(56, 56)
                        Layout.alignment: Qt.AlignHCenter
                        Accessible.ignored: true
                    }
                    Label {
                        text: qsTr("Welcome to Hallway")
                        font.pointSize: Qt.application.font.pointSize * 1.5
                        font.weight: Font.DemiBold
                        Layout.alignment: Qt.AlignHCenter
                        Accessible.role: Accessible.Heading
                    }
                    Label {
                        text: qsTr("See who's around, who's typing and who stepped away.")
                        color: Theme.mutedText
                        wrapMode: Text.Wrap
                        horizontalAlignment: Text.AlignHCenter
                        Layout.fillWidth: true
                        Layout.bottomMargin: Theme.spacing
                    }

                    Label { text: qsTr("Server address"); font.weight: Font.Medium }
                    TextField {
                        id: urlField
                        objectName: "serverUrlField"
                        Layout.fillWidth: true
                        text: page.serverUrl
                        placeholderText: "ws://127.0.0.1:8765/"
                        inputMethodHints: Qt.ImhUrlCharactersOnly | Qt.ImhNoAutoUppercase
                        Accessible.name: qsTr("Server address")
                        enabled: !page.connecting
                        onAccepted: page.submit()
                    }

                    Label { text: qsTr("Display name"); font.weight: Font.Medium; Layout.topMargin: 4 }
                    TextField {
                        id: nameField
                        objectName: "displayNameField"
                        Layout.fillWidth: true
                        text: page.displayName
                        placeholderText: qsTr("How others see you, e.g. Ada Lovelace")
                        Accessible.name: qsTr("Display name")
                        enabled: !page.connecting
                        onAccepted: page.submit()
                    }

                    Label { text: qsTr("User ID"); font.weight: Font.Medium; Layout.topMargin: 4 }
                    TextField {
                        id: userField
                        objectName: "userIdField"
                        Layout.fillWidth: true
                        text: page.userId
                        placeholderText: qsTr("e.g. ada")
                        inputMethodHints: Qt.ImhNoAutoUppercase | Qt.ImhPreferLowercase
                        Accessible.name: qsTr("User ID")
                        enabled: !page.connecting
                        onAccepted: page.submit()
                    }
                    Label {
                        text: qsTr("Your devices share one user ID, so people see you once.")
                        color: Theme.faintText
                        font.pointSize: Qt.application.font.pointSize * 0.85
                        wrapMode: Text.Wrap
                        Layout.fillWidth: true
                    }

                    // Error: validation, refused account, unreachable server.
                    Pane {
                        objectName: "connectError"
                        visible: page.errorText !== ""
                        Layout.fillWidth: true
                        Layout.topMargin: 4
                        padding: 10
                        background: Rectangle { color: Theme.errorBg; radius: Theme.radius }
                        Accessible.role: Accessible.AlertMessage
                        Accessible.name: page.errorText
                        contentItem: Label {
                            objectName: "connectErrorText"
                            text: page.errorText
                            textFormat: Text.PlainText
                            wrapMode: Text.Wrap
                            color: Theme.error
                        }
                    }

                    RowLayout {
                        visible: page.connecting
                        Layout.fillWidth: true
                        Layout.topMargin: 4
                        spacing: Theme.spacing
                        BusyIndicator {
                            running: page.connecting
                            Layout.preferredWidth: progress.implicitHeight + 8
                            Layout.preferredHeight: progress.implicitHeight + 8
                        }
                        Label {
                            id: progress
                            objectName: "connectProgress"
                            text: page.progressText
                            textFormat: Text.PlainText
                            wrapMode: Text.Wrap
                            color: Theme.mutedText
                            Layout.fillWidth: true
                        }
                    }

                    RowLayout {
                        Layout.fillWidth: true
                        Layout.topMargin: Theme.spacing
                        Item { Layout.fillWidth: true }
                        Button {
                            objectName: "cancelButton"
                            visible: page.connecting
                            text: qsTr("Cancel")
                            Accessible.name: text
                            onClicked: page.cancelRequested()
                        }
                        Button {
                            objectName: "connectButton"
                            text: page.connecting ? qsTr("Connecting…") : qsTr("Connect")
                            enabled: !page.connecting
                            highlighted: true
                            Accessible.name: qsTr("Connect")
                            onClicked: page.submit()
                        }
                    }
                }
            }
        }
    }

    // First run: the display name first (the user id is then suggested from it or typed next).
    Component.onCompleted: (nameField.text === "" ? nameField : userField.text === "" ? userField : urlField).forceActiveFocus()
}
