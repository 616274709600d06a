import QtQuick
import QtQuick.Controls
import QtTest
import Hallway

// MessageDelegate: text and sender stay plain text, a failed send offers Retry, the avatar
// takes the model's hue.
Item {
    id: root
    width: 800
    height: 600

    Component { id: messageComponent; MessageDelegate { width: 500 } }
    Component { id: spyComponent; SignalSpy {} }

    TestCase {
        name: "MessageDelegate"
        when: windowShown

        function test_messageTextAndSenderArePlain() {
            const row = createTemporaryObject(messageComponent, root, {
                index: 0, messageId: "m1", localId: "", senderId: "u1", senderName: "<i>Eve</i>",
                text: "<img src=x> & <b>hi</b>", timestamp: new Date(), own: false,
                pending: false, failed: false, kind: "message", showHeader: true,
                hue: 42, initials: "E"
            });
            const sender = findChild(row, "senderName");
            compare(sender.textFormat, Text.PlainText);
            compare(sender.text, "<i>Eve</i>");
            const body = findChild(row, "messageText");
            compare(body.textFormat, TextEdit.PlainText);
            compare(body.text, "<img src=x> & <b>hi</b>");
            compare(body.getText(0, body.length), "<img src=x> & <b>hi</b>");
        }

        function test_failedMessageOffersRetry() {
            const row = createTemporaryObject(messageComponent, root, {
                index: 0, messageId: "", localId: "local-7", senderId: "me", senderName: "Me",
                text: "hello", timestamp: new Date(), own: true,
                pending: false, failed: true, kind: "message", showHeader: true,
                hue: 10, initials: "M"
            });
            const spy = createTemporaryObject(spyComponent, root, { target: row, signalName: "retryRequested" });
            const link = findChild(row, "retryLink");
            verify(link.visible);
            mouseClick(link);
            compare(spy.count, 1);
            compare(spy.signalArguments[0][0], "local-7");
        }

        function test_messageAvatarUsesModelHue() {
            const row = createTemporaryObject(messageComponent, root, {
                index: 0, messageId: "m1", localId: "", senderId: "grace", senderName: "Grace Hopper",
                text: "hi", timestamp: new Date(), own: false, pending: false, failed: false,
                kind: "message", showHeader: true, hue: 123, initials: "GH"
            });
            let avatar = null;
            for (let i = 0; i < row.children.length; ++i)
                if (row.children[i].hue !== undefined && row.children[i].initials !== undefined)
                    avatar = row.children[i];
            verify(avatar);
            compare(avatar.hue, 123);
            compare(avatar.initials, "GH");
        }
    }
}
