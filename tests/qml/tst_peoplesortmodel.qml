import QtQuick
import QtQuick.Controls
import QtTest
import Hallway

// PeopleSortModel: sorted by status rank then name, live, with a filter.
Item {
    id: root
    width: 800
    height: 600

    Component {
        id: sortedPeopleComponent
        PeopleSortModel {}
    }
    Component {
        id: peopleListModel
        ListModel {
            ListElement { userId: "zed"; name: "Zed"; statusRank: 2 }
            ListElement { userId: "bob"; name: "bob"; statusRank: 0 }
            ListElement { userId: "carol"; name: "Carol"; statusRank: 1 }
            ListElement { userId: "al"; name: "Alice"; statusRank: 0 }
        }
    }
    Component { id: emptyListModel; ListModel {} }
    Component {
        id: repeaterComponent
        Repeater {
            delegate: Item {
                required property string name
                required property int statusRank
            }
        }
    }

    TestCase {
        name: "PeopleSortModel"
        when: windowShown

        function namesOf(repeater) {
            const result = [];
            for (let i = 0; i < repeater.count; ++i)
                result.push(repeater.itemAt(i).name);
            return result;
        }

        function test_sortsByRankThenName() {
            const source = createTemporaryObject(peopleListModel, root);
            const sorted = createTemporaryObject(sortedPeopleComponent, root, { sourceModel: source });
            compare(sorted.count, 4);
            const view = createTemporaryObject(repeaterComponent, root, { model: sorted });
            compare(namesOf(view), ["Alice", "bob", "Carol", "Zed"]);

            source.setProperty(1, "statusRank", 2); // bob goes busy
            compare(namesOf(view), ["Alice", "Carol", "bob", "Zed"]);

            source.append({ userId: "dan", name: "Dan", statusRank: 0 });
            compare(namesOf(view), ["Alice", "Dan", "Carol", "bob", "Zed"]);

            sorted.filterText = "car";
            compare(sorted.count, 1);
            compare(namesOf(view), ["Carol"]);
        }

        function test_fillsLaterListModel() {
            const source = createTemporaryObject(emptyListModel, root);
            const sorted = createTemporaryObject(sortedPeopleComponent, root, { sourceModel: source });
            const view = createTemporaryObject(repeaterComponent, root, { model: sorted });
            compare(sorted.count, 0);
            source.append({ userId: "z", name: "Zoe", statusRank: 1 });
            source.append({ userId: "y", name: "Yan", statusRank: 0 });
            compare(namesOf(view), ["Yan", "Zoe"]);
        }
    }
}
