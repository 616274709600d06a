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
            const list = listOf(panel);
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

        // The list is made asynchronously once there are people (PeoplePanel's Loader).
        function listOf(panel) {
            tryVerify(() => findChild(panel, "peopleList") !== null, 3000, "the people list is made");
            return findChild(panel, "peopleList");
        }

        function rowsShown(list) {
            let n = 0;
            for (let i = 0; i < list.contentItem.children.length; ++i) {
                const c = list.contentItem.children[i];
                if (c.userId !== undefined && c.visible && c.y + c.height > list.contentY && c.y < list.contentY + list.height)
                    ++n;
            }
            return n;
        }

        // An empty room says so; the first people replace the note with the list, which appears
        // with its rows made (never an empty list, never the note over people).
        function test_firstPeopleShowTheListWhole() {
            const users = createTemporaryObject(emptyPeople, root);
            const panel = createTemporaryObject(peoplePanelComponent, root, { users: users });
            const empty = findChild(panel, "peopleEmpty");
            verify(empty.visible);
            compare(empty.text, "Nobody here yet.");
            wait(50);
            verify(findChild(panel, "peopleList") === null, "no list while nobody is there");

            for (let i = 0; i < 60; ++i)
                users.append(person(i));
            verify(!empty.visible, "people are on their way: no note");
            let list = findChild(panel, "peopleList");
            tryVerify(() => {
                list = findChild(panel, "peopleList");
                if (list === null) {
                    verify(!empty.visible);
                    return false;
                }
                return true;
            }, 3000);
            // Shown with its rows the first time it is on screen.
            verify(list.visible);
            verify(rowsShown(list) >= 5, "rows made with the list: " + rowsShown(list));
            compare(list.count, 60);
            verify(!empty.visible);

            // People arriving before the rows in sight (a big room loading) leave the list at
            // its top: nothing is current (kept in sight) until the list has the focus.
            for (let i = 0; i < 100; ++i) {
                users.insert(0, Object.assign(person(1000 + i), { name: "Aaron " + (100 + i) }));
                if (i % 10 === 9)
                    wait(20); // in ranges, a frame apart, as a room loads
            }
            tryVerify(() => list.count === 160);
            list.forceLayout();
            compare(list.contentY, list.originY);
            compare(list.currentIndex, -1);
            // Focused, the first row in sight becomes current, and the list does not move.
            list.forceActiveFocus();
            tryVerify(() => list.currentItem !== null);
            verify(list.currentItem.highlightedByKeys);
            compare(list.currentItem.name, "Aaron 100");
            compare(list.contentY, list.originY);

            // Everyone leaves: the list stays, and the note is back.
            users.clear();
            tryVerify(() => list.count === 0);
            tryVerify(() => empty.visible);
            compare(findChild(panel, "peopleList"), list);
        }

        function headingsOf(list) {
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

        // Someone going away moves to the Away section, under its own heading.
        function test_statusChangeMovesBetweenSections() {
            const users = createTemporaryObject(emptyPeople, root);
            const panel = createTemporaryObject(peoplePanelComponent, root, { users: users });
            users.append(person(1));
            const list = listOf(panel);
            users.append(person(2));
            tryVerify(() => list.count === 2);
            tryVerify(() => headingsOf(list) === "Online", 3000);
            users.setProperty(1, "status", "away");
            users.setProperty(1, "statusRank", 1);
            tryVerify(() => headingsOf(list) === "Online,Away", 3000, headingsOf(list));
        }

        // A search shows its matches from the first one, however many rows before them it hid
        // (typed letter by letter into a big room, the list had stayed part way down the matches).
        function test_searchShowsItsMatchesFromTheFirst() {
            const users = createTemporaryObject(emptyPeople, root);
            const panel = createTemporaryObject(peoplePanelComponent, root, { users: users });
            // As a big room loads: in ranges, a frame apart. Some people have two devices:
            // taller rows, so the list can only estimate where the rows it has not made are.
            for (let i = 0; i < 2000; ++i) {
                const p = Object.assign(person(i), { name: "Ada " + (1000 + i), connections: i % 3 === 0 ? 2 : 1 });
                users.append(i % 4 === 3 ? Object.assign(p, { name: "Ada " + (1000 + i) + " (Design)" }) : p);
                if (i % 250 === 249)
                    wait(20);
            }
            const list = listOf(panel);
            tryVerify(() => list.count === 2000);
            for (const text of ["d", "de", "des", "desi", "design"]) {
                panel.filterText = text;
                wait(20); // typed: a frame or so apart
            }
            tryVerify(() => list.count === 500);
            list.forceLayout();
            tryVerify(() => list.contentY === list.originY, 3000, "at the top: " + list.contentY + " vs " + list.originY);
            const first = list.itemAtIndex(0);
            verify(first !== null, "the first match is made");
            compare(first.name, "Ada 1003 (Design)");
            verify(first.y + first.height > list.contentY && first.y < list.contentY + list.height, "and in sight");
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
            users.append(person(500));
            const list = listOf(panel);
            list.currentIndex = 0; // as the arrow keys would
            tryVerify(() => list.currentItem !== null);
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
