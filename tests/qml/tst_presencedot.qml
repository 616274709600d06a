import QtQuick
import QtQuick.Controls
import QtTest
import Hallway

// PresenceDot: one colour per kind of status, and the kinds are told apart.
Item {
    id: root
    width: 800
    height: 600

    Component { id: dotComponent; PresenceDot {} }

    TestCase {
        name: "PresenceDot"
        when: windowShown

        function colorFor(status) {
            const dot = createTemporaryObject(dotComponent, root, { status: status });
            verify(dot);
            return dot.color;
        }

        function test_colours_data() {
            return [
                { tag: "online", status: "online", expected: Theme.online, kind: PresenceStatus.Online },
                { tag: "away", status: "away", expected: Theme.away, kind: PresenceStatus.Away },
                { tag: "busy", status: "busy", expected: Theme.busy, kind: PresenceStatus.Busy },
                { tag: "typing is online", status: "typing", expected: Theme.online, kind: PresenceStatus.Online },
                { tag: "custom ready is present", status: "ready", expected: Theme.online, kind: PresenceStatus.Online },
                { tag: "nothing known", status: "", expected: Theme.unknown, kind: PresenceStatus.Unknown },
                { tag: "unknown", status: "unknown", expected: Theme.unknown, kind: PresenceStatus.Unknown },
                { tag: "offline is unknown", status: "offline", expected: Theme.unknown, kind: PresenceStatus.Unknown },
            ];
        }

        function test_colours(data) {
            const dot = createTemporaryObject(dotComponent, root, { status: data.status });
            verify(Qt.colorEqual(dot.color, data.expected),
                   "status " + data.status + " gave " + dot.color + ", expected " + data.expected);
            compare(dot.kind, data.kind);
        }

        function test_coloursAreDistinct() {
            verify(!Qt.colorEqual(Theme.online, Theme.away));
            verify(!Qt.colorEqual(Theme.away, Theme.busy));
            verify(!Qt.colorEqual(Theme.busy, Theme.unknown));
            verify(!Qt.colorEqual(Theme.online, Theme.unknown));
        }
    }
}
