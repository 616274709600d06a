import QtQuick
import QtQuick.Controls
import QtTest
import Hallway

// TypingLine: plain text in a line whose height never jumps, eliding long text.
Item {
    id: root
    width: 800
    height: 600

    Component { id: typingLineComponent; TypingLine { width: 400 } }

    TestCase {
        name: "TypingLine"
        when: windowShown

        function test_showsTextWithReservedHeight() {
            const line = createTemporaryObject(typingLineComponent, root, { text: "" });
            verify(line);
            const label = findChild(line, "typingLabel");
            verify(label);
            const emptyHeight = line.height;
            verify(emptyHeight > 0, "height is reserved while nobody types");
            compare(label.text, "");

            line.text = "Alice and Bob are typing…";
            compare(label.text, "Alice and Bob are typing…");
            compare(line.height, emptyHeight, "no jump when typing starts");
            compare(label.textFormat, Text.PlainText);
            compare(line.Accessible.name, "Alice and Bob are typing…");

            line.text = "";
            compare(line.height, emptyHeight, "no jump when typing stops");
        }

        function test_longTextElides() {
            const line = createTemporaryObject(typingLineComponent, root, {
                text: "Several people are typing… and a very long tail that cannot fit in the line at all, no way"
            });
            const label = findChild(line, "typingLabel");
            compare(label.elide, Text.ElideRight);
            verify(label.truncated);
        }
    }
}
