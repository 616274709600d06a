import QtQuick
import QtQuick.Controls
import QtTest
import Hallway

// PersonDelegate: user-provided names stay plain text; the self marker and the devices badge.
Item {
    id: root
    width: 800
    height: 600

    Component { id: personComponent; PersonDelegate { width: 260 } }
    Component {
        id: plainTextComponent
        Text { textFormat: Text.PlainText; font: Qt.application.font }
    }
    Component {
        id: richTextComponent
        Text { textFormat: Text.RichText; font: Qt.application.font }
    }

    TestCase {
        name: "PersonDelegate"
        when: windowShown

        function person(props) {
            return createTemporaryObject(personComponent, root, Object.assign({
                index: 0, userId: "u1", name: "Ada", avatar: "", connections: 1,
                status: "online", typing: false, isSelf: false, initials: "A", hue: 120
            }, props));
        }

        function test_personNameShowsTagsLiterally() {
            const delegate = person({ name: "<b>x</b>" });
            const label = findChild(delegate, "personName");
            verify(label);
            compare(label.textFormat, Text.PlainText);
            compare(label.text, "<b>x</b>");

            // The rendered width is that of the literal tags, not of a bold "x".
            const literal = createTemporaryObject(plainTextComponent, root, { text: "<b>x</b>", font: label.font });
            const rich = createTemporaryObject(richTextComponent, root, { text: "<b>x</b>", font: label.font });
            fuzzyCompare(label.implicitWidth, literal.implicitWidth, 1);
            verify(label.implicitWidth > rich.implicitWidth * 3,
                   "literal <b>x</b> is much wider than a bold x");
        }

        function test_selfMarkerAndDevices() {
            const delegate = person({ isSelf: true, connections: 2 });
            verify(findChild(delegate, "selfMarker").visible);
            verify(findChild(delegate, "devicesBadge").visible);
            verify(delegate.Accessible.name.indexOf("(you)") >= 0);
            verify(delegate.Accessible.name.indexOf("2 devices") >= 0, delegate.Accessible.name);
            const single = person({ connections: 1 });
            verify(!findChild(single, "devicesBadge").visible);
        }
    }
}
