import QtQuick
import QtQuick.Controls
import QtTest
import Hallway

// PersonDelegate: user-provided names and statuses stay plain text; the self marker, the second
// line (typing, custom status, devices badge: made only for the rows that show it), the hover and
// keyboard highlight, and a greyed row while presence is unknown.
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

        // An item of the delegate that is on screen: made (some are made only when needed) and visible.
        function shown(delegate, objectName) {
            const item = findChild(delegate, objectName);
            return item !== null && item.visible && item.width > 0 && item.height > 0;
        }

        function test_selfMarkerAndDevices() {
            const delegate = person({ isSelf: true, connections: 2 });
            verify(shown(delegate, "selfMarker"));
            verify(shown(delegate, "devicesBadge"));
            verify(delegate.Accessible.name.indexOf("(you)") >= 0);
            verify(delegate.Accessible.name.indexOf("2 devices") >= 0, delegate.Accessible.name);
            const single = person({ connections: 1 });
            verify(!shown(single, "devicesBadge"));
            verify(!shown(single, "selfMarker"));
            verify(single.Accessible.name.indexOf("(you)") < 0);
        }

        function test_secondLineOnlyWhenThereIsSomethingToShow() {
            const delegate = person({ connections: 1 });
            const oneLine = delegate.implicitHeight;
            verify(!shown(delegate, "devicesBadge"));
            verify(!shown(delegate, "customStatus"));

            delegate.connections = 2; // a second device joins
            tryVerify(() => shown(delegate, "devicesBadge"));
            const badge = findChild(delegate, "devicesBadge");
            const name = findChild(delegate, "personName");
            verify(delegate.implicitHeight >= name.height + badge.height,
                   "room for both lines: " + delegate.implicitHeight + " " + name.height + " " + badge.height);
            verify(badge.mapToItem(delegate, 0, 0).y >= name.mapToItem(delegate, 0, 0).y + name.height - 1,
                   "the badge is under the name");

            delegate.connections = 1; // and leaves
            tryVerify(() => !shown(delegate, "devicesBadge"));
            compare(delegate.implicitHeight, oneLine);
        }

        function test_customStatusShowsTagsLiterally() {
            const delegate = person({ status: "<i>ready</i> & set" });
            verify(shown(delegate, "customStatus"));
            const status = findChild(delegate, "customStatus");
            compare(status.textFormat, Text.PlainText);
            compare(status.text, "<i>ready</i> & set");
            verify(delegate.Accessible.name.indexOf("<i>ready</i> & set") >= 0, delegate.Accessible.name);
            // A standard status is the dot's, not a line of text.
            delegate.status = "away";
            tryVerify(() => !shown(delegate, "customStatus"));
        }

        function test_longCustomStatusElides() {
            const delegate = person({ status: "x".repeat(300), connections: 3 });
            const status = findChild(delegate, "customStatus");
            const badge = findChild(delegate, "devicesBadge");
            verify(status && badge);
            verify(status.truncated, "elided, not running under the badge");
            verify(status.mapToItem(delegate, status.width, 0).x <= badge.mapToItem(delegate, 0, 0).x);
            verify(badge.mapToItem(delegate, badge.width, 0).x <= delegate.width);
        }

        function test_typingShowsOnTheRow() {
            const delegate = person({ typing: true, status: "away" });
            verify(delegate.Accessible.name.indexOf("typing") >= 0, delegate.Accessible.name);
            tryVerify(() => textsOf(delegate, []).indexOf("Away, typing…") >= 0);
            delegate.typing = false;
            tryVerify(() => textsOf(delegate, []).indexOf("Away, typing…") < 0);
        }

        function test_hoverAndKeyboardHighlight() {
            const delegate = person({});
            verify(!delegate.hovered);
            mouseMove(delegate, delegate.width / 2, delegate.height / 2);
            tryVerify(() => delegate.hovered);
            compare(highlightOf(delegate).color, Theme.hover);
            mouseMove(root, root.width - 1, root.height - 1);
            tryVerify(() => !delegate.hovered);
            verify(highlightOf(delegate) === null);
            delegate.highlightedByKeys = true;
            compare(highlightOf(delegate).color, Theme.selected);
        }

        function test_unknownPresenceGreysTheRow() {
            const delegate = person({ status: "busy", typing: true });
            compare(delegate.opacity, 1);
            delegate.presenceKnown = false;
            verify(delegate.opacity < 1);
            verify(delegate.Accessible.name.indexOf("Status unknown") >= 0, delegate.Accessible.name);
            verify(delegate.Accessible.name.indexOf("typing") < 0, "no typing we cannot know about");
        }

        // The visible highlight rectangle behind the row, or null.
        function highlightOf(delegate) {
            for (let i = 0; i < delegate.children.length; ++i) {
                const c = delegate.children[i];
                if (c.radius === Theme.radius && c.visible)
                    return c;
            }
            return null;
        }

        function textsOf(item, out) {
            for (let i = 0; i < item.children.length; ++i) {
                const c = item.children[i];
                if (c.text !== undefined && c.visible && c.text !== "")
                    out.push(c.text);
                textsOf(c, out);
            }
            return out;
        }
    }
}
