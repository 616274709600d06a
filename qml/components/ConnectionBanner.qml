import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hallway

// The strip at the top of the window that says what the connection is doing. Hidden while
// online; "Connecting…" (first time); after we were online, "Connection lost — reconnecting
// in N s" with a real Retry now button; offline; sign-in refused (EAUTH).
// Takes the client's properties as plain values so it can be tested without a client.
Pane {
    id: banner

    required property int status // a ConnectionStatus (PresenceClient.status)
    required property int nextRetryIn
    required property string errorCode
    required property string errorString
    property bool wasOnline: false // a drop after being online is "Connection lost"

    signal retryNowRequested()
    signal reconnectRequested()
    signal changeAccountRequested()

    readonly property bool authError: errorCode === "EAUTH"
    readonly property string kind: authError ? "auth"
                                 : status === ConnectionStatus.Online ? "online"
                                 : status === ConnectionStatus.Reconnecting ? "reconnecting"
                                 : status === ConnectionStatus.Connecting && wasOnline ? "reconnecting"
                                 : status === ConnectionStatus.Connecting ? "connecting"
                                 : "offline"
    readonly property string message: kind === "auth"
            ? (errorString !== "" ? qsTr("The server refused this account: %1").arg(errorString)
                                  : qsTr("The server refused this account."))
        : kind === "reconnecting"
            ? (nextRetryIn > 0 && status === ConnectionStatus.Reconnecting
               ? qsTr("Connection lost — reconnecting in %n s", "", nextRetryIn)
               : qsTr("Connection lost — reconnecting…"))
        : kind === "connecting" ? qsTr("Connecting…")
        : kind === "offline"
            ? (errorString !== "" ? qsTr("Offline: %1").arg(errorString) : qsTr("You are offline."))
        : ""

    visible: kind !== "online"
    padding: 6
    leftPadding: Theme.largeSpacing
    rightPadding: Theme.spacing

    Accessible.role: Accessible.AlertMessage
    Accessible.name: message

    background: Rectangle {
        color: banner.kind === "auth" ? Theme.errorBg
             : banner.kind === "connecting" ? Theme.infoBg
             : Theme.warningBg
        Rectangle {
            anchors.bottom: parent.bottom
            width: parent.width
            height: 1
            color: Theme.separator
        }
    }

    contentItem: RowLayout {
        spacing: Theme.spacing

        BusyIndicator {
            visible: banner.kind === "connecting" || banner.kind === "reconnecting"
            running: visible
            Layout.preferredWidth: messageLabel.implicitHeight + 4
            Layout.preferredHeight: messageLabel.implicitHeight + 4
        }

        Label {
            id: messageLabel
            objectName: "bannerMessage"
            Layout.fillWidth: implicitWidth > width
            Layout.maximumWidth: implicitWidth
            text: banner.message
            textFormat: Text.PlainText
            elide: Text.ElideRight
            color: banner.kind === "auth" ? Theme.error : Theme.text
            font.weight: Font.Medium
        }

        Button {
            // A real button (frame, focus ring), not a text link.
            objectName: "retryNowButton"
            visible: banner.kind === "reconnecting"
            enabled: banner.status === ConnectionStatus.Reconnecting
            text: qsTr("Retry now")
            Accessible.name: text
            onClicked: banner.retryNowRequested()
        }
        Button {
            objectName: "reconnectButton"
            visible: banner.kind === "offline"
            text: qsTr("Reconnect")
            Accessible.name: text
            onClicked: banner.reconnectRequested()
        }
        Button {
            objectName: "changeAccountButton"
            visible: banner.kind === "auth"
            text: qsTr("Change account…")
            Accessible.name: text
            onClicked: banner.changeAccountRequested()
        }
        Item { Layout.fillWidth: true }
    }
}
