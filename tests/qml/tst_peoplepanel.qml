import QtQuick
import QtQuick.Controls
import QtTest
import Hallway

// PeoplePanel: Online/Away/Busy sections, the empty-filter note inside the list, offline state.
Item {
    id: root
    width: 800
    height: 600

    Component { id: peoplePanelComponent; PeoplePanel { width: 260; height: 500 } }
    Component {
        id: sectionedPeople
        ListModel {
            ListElement { userId: "m"; name: "Margaret"; avatar: ""; connections: 1; status: "busy"; typing: false; isSelf: false; statusRank: 2; initials: "M"; hue: 1 }
            ListElement { userId: "a"; name: "Alan"; avatar: ""; connections: 1; status: "away"; typing: false; isSelf: false; statusRank: 1; initials: "A"; hue: 2 }
            ListElement { userId: "g"; name: "Grace"; avatar: ""; connections: 1; status: "online"; typing: false; isSelf: false; statusRank: 0; initials: "G"; hue: 3 }
        }
    }

    Component { id: emptyPeople; ListModel {} }

    TestCase {
        name: "PeoplePanel"
        when: windowShown

        function test_peopleSectionsReadOnlineAwayBusy() {
            const users = createTemporaryObject(sectionedPeople, root);
            const panel = createTemporaryObject(peoplePanelComponent, root, { users: users });
            const list = findChild(panel, "peopleList");
            verify(list);
            tryVerify(() => list.count === 3);
            function headings() {
                const items = [];
                for (let i = 0; i < list.contentItem.children.length; ++i)
                    items.push(list.contentItem.children[i]);
                items.sort((x, y) => x.y - y.y);
                const out = [];
                for (const item of items)
                    if (item.Accessible.role === Accessible.Heading && item.visible)
                        out.push(item.Accessible.name);
                return out.join(",");
            }
            tryVerify(() => headings() === "Online,Away,Busy", 3000);
            compare(headings(), "Online,Away,Busy");

            // Filtering to nobody says so, over the list where a person looks.
            panel.filterText = "zzz";
            tryVerify(() => list.count === 0);
            const empty = findChild(panel, "peopleEmpty");
            tryVerify(() => empty.visible, 3000);
            compare(empty.text, "No matches for “zzz”.");
            const inList = empty.mapToItem(list, 0, 0);
            verify(inList.y >= 0 && inList.y + empty.height <= list.height, "inside the list's area");
            panel.filterText = "";
            tryVerify(() => list.count === 3);

            // Offline: still listed, greyed, status unknown.
            panel.presenceKnown = false;
            verify(findChild(panel, "presenceUnknownNote").visible);
        }

        function person(i) {
            return { userId: "p" + i, name: "Person " + (1000 + i), avatar: "", connections: 1, status: "online",
                     typing: false, isSelf: false, statusRank: 0, initials: "P", hue: i };
        }

        // People arriving before the current row push it down; the view's highlight (which the
        // view scrolls after on arrow keys) is where the current row is at once, not on its way
        // there: it used to crawl after it at 400 px/s, thousands of rows in a big room, and
        // kept the window drawing frames meanwhile.
        function test_highlightKeepsUpWithTheCurrentRow() {
            const users = createTemporaryObject(emptyPeople, root);
            const panel = createTemporaryObject(peoplePanelComponent, root, { users: users });
            const list = findChild(panel, "peopleList");
            users.append(person(500));
            tryVerify(() => list.currentItem !== null);
            compare(list.currentIndex, 0);
            for (let i = 0; i < 300; ++i)
                users.append(person(i)); // sorted before the first one
            tryVerify(() => list.currentIndex === 300);
            list.forceLayout();
            tryVerify(() => list.highlightItem !== null && list.currentItem !== null);
            compare(list.highlightItem.y, list.currentItem.y);

            // Arrow keys move the current row and the view keeps it in sight.
            list.currentIndex = 0;
            list.forceActiveFocus();
            for (let i = 0; i < 40; ++i)
                keyClick(Qt.Key_Down);
            compare(list.currentIndex, 40);
            tryVerify(() => list.currentItem.y >= list.contentY
                            && list.currentItem.y + list.currentItem.height <= list.contentY + list.height + 1);
            verify(list.currentItem.highlightedByKeys);
        }
    }
}
