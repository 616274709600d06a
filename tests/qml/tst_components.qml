import QtQuick
import QtQuick.Controls
import QtTest
import Hallway

// Component tests with stand-in values: typing line, presence dots, plain-text rendering of
// user-provided text, the connection banner, the composer keys, people sorting, settings.
Item {
    id: root
    width: 800
    height: 600

    Component { id: typingLineComponent; TypingLine { width: 400 } }
    Component { id: dotComponent; PresenceDot {} }
    Component { id: bannerComponent; ConnectionBanner { width: 600 } }
    Component { id: composerComponent; Composer { width: 400 } }
    Component { id: personComponent; PersonDelegate { width: 260 } }
    Component { id: messageComponent; MessageDelegate { width: 500 } }
    Component {
        id: plainTextComponent
        Text { textFormat: Text.PlainText; font: Qt.application.font }
    }
    Component {
        id: richTextComponent
        Text { textFormat: Text.RichText; font: Qt.application.font }
    }
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

    TestCase {
        name: "PlainText"
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

        function test_messageTextAndSenderArePlain() {
            const row = createTemporaryObject(messageComponent, root, {
                index: 0, messageId: "m1", localId: "", senderId: "u1", senderName: "<i>Eve</i>",
                text: "<img src=x> & <b>hi</b>", timestamp: new Date(), own: false,
                pending: false, failed: false, kind: "message", showHeader: true,
                hue: 42, initials: "E"
            });
            const sender = findChild(row, "senderName");
            compare(sender.textFormat, Text.PlainText);
            compare(sender.text, "<i>Eve</i>");
            const body = findChild(row, "messageText");
            compare(body.textFormat, TextEdit.PlainText);
            compare(body.text, "<img src=x> & <b>hi</b>");
            compare(body.getText(0, body.length), "<img src=x> & <b>hi</b>");
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

        function test_failedMessageOffersRetry() {
            const row = createTemporaryObject(messageComponent, root, {
                index: 0, messageId: "", localId: "local-7", senderId: "me", senderName: "Me",
                text: "hello", timestamp: new Date(), own: true,
                pending: false, failed: true, kind: "message", showHeader: true,
                hue: 10, initials: "M"
            });
            const spy = createTemporaryObject(spyComponent, root, { target: row, signalName: "retryRequested" });
            const link = findChild(row, "retryLink");
            verify(link.visible);
            mouseClick(link);
            compare(spy.count, 1);
            compare(spy.signalArguments[0][0], "local-7");
        }
    }

    Component { id: spyComponent; SignalSpy {} }

    TestCase {
        name: "ConnectionBanner"
        when: windowShown

        function banner(props) {
            return createTemporaryObject(bannerComponent, root, Object.assign({
                status: ConnectionStatus.Online, nextRetryIn: 0, errorCode: "", errorString: ""
            }, props));
        }

        function test_hiddenWhenOnline() {
            const b = banner({});
            verify(!b.visible);
            compare(b.kind, "online");
        }

        function test_reconnectingShowsCountdown() {
            const b = banner({ status: ConnectionStatus.Reconnecting, nextRetryIn: 5 });
            verify(b.visible);
            const message = findChild(b, "bannerMessage");
            compare(message.text, "Connection lost — reconnecting in 5 s");
            const retry = findChild(b, "retryNowButton");
            verify(retry.visible);
            verify(!retry.flat); // a real button, not text
            compare(retry.Accessible.name, "Retry now");
            const spy = createTemporaryObject(spyComponent, root, { target: b, signalName: "retryNowRequested" });
            mouseClick(retry);
            compare(spy.count, 1);
            b.nextRetryIn = 1;
            compare(message.text, "Connection lost — reconnecting in 1 s");
        }

        // After a drop, each new attempt is still "Connection lost", never a plain "Connecting…".
        function test_attemptAfterDropSaysConnectionLost() {
            const b = banner({ status: ConnectionStatus.Connecting, wasOnline: true });
            compare(b.kind, "reconnecting");
            compare(findChild(b, "bannerMessage").text, "Connection lost — reconnecting…");
        }

        function test_authErrorMessage() {
            const b = banner({ status: ConnectionStatus.Offline, errorCode: "EAUTH",
                               errorString: "401 Unauthorized" });
            verify(b.visible);
            compare(b.kind, "auth");
            const message = findChild(b, "bannerMessage");
            verify(message.text.indexOf("refused") >= 0, message.text);
            verify(message.text.indexOf("401 Unauthorized") >= 0, message.text);
            verify(findChild(b, "changeAccountButton").visible);
            verify(!findChild(b, "retryNowButton").visible);
        }

        function test_offlineAndConnecting() {
            const b = banner({ status: ConnectionStatus.Offline });
            compare(b.kind, "offline");
            verify(findChild(b, "reconnectButton").visible);
            b.status = ConnectionStatus.Connecting;
            compare(findChild(b, "bannerMessage").text, "Connecting…");
            b.status = ConnectionStatus.Online;
            verify(!b.visible);
        }
    }

    TestCase {
        name: "Composer"
        when: windowShown

        function test_enterSendsShiftEnterBreaksLine() {
            const c = createTemporaryObject(composerComponent, root, { roomName: "lobby" });
            const sent = createTemporaryObject(spyComponent, root, { target: c, signalName: "sendRequested" });
            const edited = createTemporaryObject(spyComponent, root, { target: c, signalName: "textEdited" });
            c.inputItem.forceActiveFocus();
            keyClick(Qt.Key_H);
            keyClick(Qt.Key_I);
            verify(edited.count >= 2);
            compare(edited.signalArguments[edited.count - 1][0], "hi");
            keyClick(Qt.Key_Return, Qt.ShiftModifier);
            keyClick(Qt.Key_X);
            compare(c.text, "hi\nx");
            compare(sent.count, 0);
            keyClick(Qt.Key_Return);
            compare(sent.count, 1);
            compare(sent.signalArguments[0][0], "hi\nx");
            compare(c.text, "");
            keyClick(Qt.Key_Return);
            compare(sent.count, 1, "an empty box sends nothing");
            compare(c.inputItem.placeholderText, "Message #lobby");
        }
    }

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

    Component { id: emptyListModel; ListModel {} }

    Component { id: avatarComponent; Avatar { width: 36; height: 36 } }
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
        name: "Avatars"
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

        function test_messageAvatarUsesModelHue() {
            const row = createTemporaryObject(messageComponent, root, {
                index: 0, messageId: "m1", localId: "", senderId: "grace", senderName: "Grace Hopper",
                text: "hi", timestamp: new Date(), own: false, pending: false, failed: false,
                kind: "message", showHeader: true, hue: 123, initials: "GH"
            });
            let avatar = null;
            for (let i = 0; i < row.children.length; ++i)
                if (row.children[i].hue !== undefined && row.children[i].initials !== undefined)
                    avatar = row.children[i];
            verify(avatar);
            compare(avatar.hue, 123);
            compare(avatar.initials, "GH");
        }

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

    TestCase {
        name: "Settings"
        when: windowShown

        function test_validate() {
            compare(AppSettings.validate("ws://127.0.0.1:8765/", "ada", "Ada"), "");
            verify(AppSettings.validate("", "ada", "Ada") !== "");
            verify(AppSettings.validate("http://example.org/", "ada", "Ada") !== "");
            verify(AppSettings.validate("ws://", "ada", "Ada") !== "");
            verify(AppSettings.validate("ws://127.0.0.1:8765/", "", "Ada") !== "");
            verify(AppSettings.validate("ws://127.0.0.1:8765/", "a b", "Ada") !== "");
            compare(AppSettings.defaultServerUrl, "ws://127.0.0.1:8765/");
        }

        function test_connectUrlCarriesUserAndName() {
            AppSettings.serverUrl = "ws://127.0.0.1:8765/?user=old&x=1";
            AppSettings.userId = "ada";
            AppSettings.displayName = "Ada L+ & <b>";
            compare(AppSettings.connectUrl().toString(),
                    "ws://127.0.0.1:8765/?x=1&user=ada&name=Ada L%2B %26 %3Cb%3E",
                    "spaces show decoded; + & and < stay encoded");
        }

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
