import QtQuick
import QtQuick.Controls
import QtTest
import Hallway

// Composer: Enter sends, Shift+Enter breaks the line, an empty box sends nothing.
Item {
    id: root
    width: 800
    height: 600

    Component { id: composerComponent; Composer { width: 400 } }
    Component { id: spyComponent; SignalSpy {} }

    TestCase {
        name: "Composer"
        when: windowShown

        function test_enterSendsShiftEnterBreaksLine() {
            const c = createTemporaryObject(composerComponent, root, { roomName: "lobby" });
            const sent = createTemporaryObject(spyComponent, root, { target: c, signalName: "sendRequested" });
            const edited = createTemporaryObject(spyComponent, root, { target: c, signalName: "textEdited" });
            c.inputItem.forceActiveFocus();
            keyClick(Qt.Key_H);
            keyClick(Qt.Key_I);
            verify(edited.count >= 2);
            compare(edited.signalArguments[edited.count - 1][0], "hi");
            keyClick(Qt.Key_Return, Qt.ShiftModifier);
            keyClick(Qt.Key_X);
            compare(c.text, "hi\nx");
            compare(sent.count, 0);
            keyClick(Qt.Key_Return);
            compare(sent.count, 1);
            compare(sent.signalArguments[0][0], "hi\nx");
            compare(c.text, "");
            keyClick(Qt.Key_Return);
            compare(sent.count, 1, "an empty box sends nothing");
            compare(c.inputItem.placeholderText, "Message #lobby");
        }
    }
}
