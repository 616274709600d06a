import QtQuick
import QtQuick.Controls
import QtTest
import Hallway

// Avatar: initials, and "?" for a name without letters (never a piece of markup).
Item {
    id: root
    width: 800
    height: 600

    Component { id: avatarComponent; Avatar { width: 36; height: 36 } }

    TestCase {
        name: "Avatar"
        when: windowShown

        function textsOf(item, out) {
            for (let i = 0; i < item.children.length; ++i) {
                const c = item.children[i];
                if (c.text !== undefined && c.visible && c.text !== "")
                    out.push(c.text);
                textsOf(c, out);
            }
            return out;
        }

        function test_initialsAndFallback() {
            const a = createTemporaryObject(avatarComponent, root, { name: "<b>", initials: "", hue: 20 });
            verify(textsOf(a, []).indexOf("?") >= 0, "a name without letters shows ?, never '<'");
            a.initials = "BB";
            verify(textsOf(a, []).indexOf("BB") >= 0);
        }
    }
}
