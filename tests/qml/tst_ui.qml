import QtQuick
import QtQuick.Controls
import QtTest
import Hallway

// Ui helpers: section titles, status labels, and linkify (plain text with https links only).
Item {
    id: root
    width: 800
    height: 600


    TestCase {
        name: "Ui"
        when: windowShown

        function test_helpers() {
            // statusRank: online 0, away 1, busy 2 (UserModel::statusRank).
            compare(Ui.sectionTitle(0), "Online");
            compare(Ui.sectionTitle(1), "Away");
            compare(Ui.sectionTitle(2), "Busy");
            compare(Ui.statusLabel("ready"), "ready");
        }

        // Message text stays plain text: only https addresses become links, everything else
        // (markup included) is escaped; http and other schemes are not links.
        function test_linkify() {
            verify(!Ui.hasLink("see http://example.com or ftp://x"));
            verify(Ui.hasLink("docs at https://example.com/a?b=1."));
            compare(Ui.linkify("<b>hi</b> https://example.com/a?b=1&c=2."),
                    '&lt;b&gt;hi&lt;/b&gt; <a href="https://example.com/a?b=1&amp;c=2">https://example.com/a?b=1&amp;c=2</a>.');
            compare(Ui.linkify("a\nb https://x.org"), 'a<br>b <a href="https://x.org">https://x.org</a>');
        }
    }
}
