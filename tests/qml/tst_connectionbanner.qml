import QtQuick
import QtQuick.Controls
import QtTest
import Hallway

// ConnectionBanner: what it says and offers in each connection state.
Item {
    id: root
    width: 800
    height: 600

    Component { id: bannerComponent; ConnectionBanner { width: 600 } }
    Component { id: spyComponent; SignalSpy {} }

    TestCase {
        name: "ConnectionBanner"
        when: windowShown

        function banner(props) {
            return createTemporaryObject(bannerComponent, root, Object.assign({
                status: ConnectionStatus.Online, nextRetryIn: 0, errorCode: "", errorString: ""
            }, props));
        }

        function test_hiddenWhenOnline() {
            const b = banner({});
            verify(!b.visible);
            compare(b.kind, "online");
        }

        function test_reconnectingShowsCountdown() {
            const b = banner({ status: ConnectionStatus.Reconnecting, nextRetryIn: 5 });
            verify(b.visible);
            const message = findChild(b, "bannerMessage");
            compare(message.text, "Connection lost — reconnecting in 5 s");
            const retry = findChild(b, "retryNowButton");
            verify(retry.visible);
            verify(!retry.flat); // a real button, not text
            compare(retry.Accessible.name, "Retry now");
            const spy = createTemporaryObject(spyComponent, root, { target: b, signalName: "retryNowRequested" });
            mouseClick(retry);
            compare(spy.count, 1);
            b.nextRetryIn = 1;
            compare(message.text, "Connection lost — reconnecting in 1 s");
        }

        // After a drop, each new attempt is still "Connection lost", never a plain "Connecting…".
        function test_attemptAfterDropSaysConnectionLost() {
            const b = banner({ status: ConnectionStatus.Connecting, wasOnline: true });
            compare(b.kind, "reconnecting");
            compare(findChild(b, "bannerMessage").text, "Connection lost — reconnecting…");
        }

        function test_authErrorMessage() {
            const b = banner({ status: ConnectionStatus.Offline, errorCode: "EAUTH",
                               errorString: "401 Unauthorized" });
            verify(b.visible);
            compare(b.kind, "auth");
            const message = findChild(b, "bannerMessage");
            verify(message.text.indexOf("refused") >= 0, message.text);
            verify(message.text.indexOf("401 Unauthorized") >= 0, message.text);
            verify(findChild(b, "changeAccountButton").visible);
            verify(!findChild(b, "retryNowButton").visible);
        }

        function test_offlineAndConnecting() {
            const b = banner({ status: ConnectionStatus.Offline });
            compare(b.kind, "offline");
            verify(findChild(b, "reconnectButton").visible);
            b.status = ConnectionStatus.Connecting;
            compare(findChild(b, "bannerMessage").text, "Connecting…");
            b.status = ConnectionStatus.Online;
            verify(!b.visible);
        }
    }
}
