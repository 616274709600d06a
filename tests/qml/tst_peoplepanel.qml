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
    }
}
