// Room: snapshot diffs, idempotent events, typing text and expiry, people rows, sending
// through the injected send function. (Which ids may come back after a leave is ClientCore's
// rule, tested in tst_clientcore; a Room applies what it is fed.)
#include "presencedata.h"
#include "room.h"

#include <QAbstractItemModelTester>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

using namespace Hallway;

using namespace TestData;

class TestRoom : public QObject
{
    Q_OBJECT

    qint64 m_now = 0;

    void setup(Room &room)
    {
        room.setClock([this] { return m_now; });
        room.setSelfConnectionId("me1");
        room.setJoined(true);
        room.setPresenceKnown(true);
    }

private Q_SLOTS:
    void init() { m_now = 50000; }

    void snapshotThenEventsIdempotent()
    {
        Room room("lobby");
        setup(room);
        QAbstractItemModelTester t1(room.members(), QAbstractItemModelTester::FailureReportingMode::Fatal);
        QAbstractItemModelTester t2(room.users(), QAbstractItemModelTester::FailureReportingMode::Fatal);
        QAbstractItemModelTester t3(room.messages(), QAbstractItemModelTester::FailureReportingMode::Fatal);
        QSignalSpy joined(&room, &Room::memberJoined);
        QSignalSpy left(&room, &Room::memberLeft);
        QSignalSpy stateChanged(&room, &Room::memberStateChanged);

        room.applySnapshot(snap({{"me1", "me"}, {"a1", "alice"}}, QJsonObject{{"a1", st("away")}}));
        QCOMPARE(room.memberCount(), 2);
        QCOMPARE(room.onlineCount(), 1); // alice is away: listed, not counted (usermodel.h, rule e)
        QCOMPARE(room.users()->count(), 2);
        QCOMPARE(room.selfUserId(), QStringLiteral("me"));
        QCOMPARE(joined.count(), 0); // the first snapshot fills the room quietly
        QCOMPARE(room.messages()->rowCount(), 0);
        QCOMPARE(room.members()->find("a1")->status, QStringLiteral("away"));
        QVERIFY(room.members()->find("me1")->isSelf);

        room.apply(joinEv("b1", "bob", "Bob", 100));
        room.apply(joinEv("b1", "bob", "Bob", 100)); // duplicate delivery
        QCOMPARE(room.memberCount(), 3);
        QCOMPARE(joined.count(), 1);
        QCOMPARE(joined.at(0).at(1).toString(), QStringLiteral("bob"));
        QCOMPARE(room.messages()->rowCount(), 1); // "Bob joined"
        QCOMPARE(room.messages()->at(0).kind, QStringLiteral("join"));

        room.apply(stateEv("b1", st("busy"), 110));
        room.apply(stateEv("b1", st("busy"), 110));
        QCOMPARE(stateChanged.count(), 1);

        room.apply(leaveEv("b1", 120));
        room.apply(leaveEv("b1", 120)); // the missed-pong double leave
        QCOMPARE(room.memberCount(), 2);
        QCOMPARE(left.count(), 1);
        room.apply(stateEv("b1", st("online"), 121)); // a state for a non-member: no row
        QCOMPARE(room.memberCount(), 2);

        // A leave for a room member we never saw (rt/leave-room of a non-member): nothing.
        room.apply(leaveEv("zz", 130));
        QCOMPARE(left.count(), 1);
        // Events of other rooms are not ours.
        PresenceEvent other = joinEv("x1", "xavier", "X", 140);
        other.room = "elsewhere";
        room.apply(other);
        QCOMPARE(room.memberCount(), 2);
    }

    void snapshotDiffNoDuplicates()
    {
        Room room("lobby");
        setup(room);
        QAbstractItemModelTester t1(room.members(), QAbstractItemModelTester::FailureReportingMode::Fatal);
        QAbstractItemModelTester t2(room.users(), QAbstractItemModelTester::FailureReportingMode::Fatal);
        room.applySnapshot(snap({{"me1", "me"}, {"a1", "alice"}, {"b1", "bob"}}));
        room.apply(leaveEv("b1", 200)); // bob's connection leaves ...

        QSignalSpy reset(room.members(), &QAbstractItemModel::modelReset);
        QSignalSpy userReset(room.users(), &QAbstractItemModel::modelReset);
        QSignalSpy inserted(room.members(), &QAbstractItemModel::rowsInserted);
        QSignalSpy removed(room.members(), &QAbstractItemModel::rowsRemoved);
        QSignalSpy changed(room.members(), &QAbstractItemModel::dataChanged);

        // ... and a later snapshot has a duplicate row, a newcomer and a state change for alice.
        PresenceSnapshot s = snap({{"me1", "me"}, {"a1", "alice"}, {"a1", "alice"}, {"c1", "carol"}},
                                  QJsonObject{{"a1", st("busy")}});
        room.applySnapshot(s);
        QCOMPARE(room.members()->connectionIds(), (QStringList{"me1", "a1", "c1"}));
        QCOMPARE(inserted.count(), 1);            // carol only
        QCOMPARE(removed.count(), 0);
        QCOMPARE(changed.count(), 1);             // alice's state, role-precise
        QVERIFY(!changed.at(0).at(2).value<QList<int>>().contains(MemberModel::NameRole));
        QCOMPARE(reset.count(), 0);
        QCOMPARE(userReset.count(), 0);

        // The same snapshot again changes nothing.
        changed.clear();
        room.applySnapshot(s);
        QCOMPARE(changed.count(), 0);
        QCOMPARE(room.memberCount(), 3);

        // A member missing from a later snapshot is removed (it left while we were away).
        room.applySnapshot(snap({{"me1", "me"}, {"c1", "carol"}}));
        QCOMPARE(room.members()->connectionIds(), (QStringList{"me1", "c1"}));
        QCOMPARE(removed.count(), 1);
    }

    void stateBeforeJoin()
    {
        Room room("lobby");
        setup(room);
        room.applySnapshot(snap({{"me1", "me"}}));
        room.apply(stateEv("a1", st("busy"), 100));
        room.apply(joinEv("a1", "alice", "Alice", 99));
        QCOMPARE(room.members()->find("a1")->status, QStringLiteral("busy"));
    }

    void reconnectResyncKeepsPeople()
    {
        Room room("lobby");
        setup(room);
        room.setClock([this] { return m_now; });
        QAbstractItemModelTester t2(room.users(), QAbstractItemModelTester::FailureReportingMode::Fatal);
        room.applySnapshot(snap({{"me1", "me"}, {"a1", "alice"}}));
        QSignalSpy userInserted(room.users(), &QAbstractItemModel::rowsInserted);
        QSignalSpy userRemoved(room.users(), &QAbstractItemModel::rowsRemoved);
        // Reconnect: we are me2 now; alice reconnected too (a2) and bob arrived.
        room.setSelfConnectionId("me2");
        room.applySnapshot(snap({{"me2", "me"}, {"a2", "alice"}, {"b1", "bob"}}, {}, true));
        QCOMPARE(room.members()->connectionIds().size(), 3);
        QCOMPARE(room.onlineCount(), 3);
        QCOMPARE(userInserted.count(), 1); // bob
        QCOMPARE(userRemoved.count(), 0);  // nobody flickered
        QVERIFY(room.users()->find("me")->isSelf);
        QCOMPARE(room.messages()->rowCount(), 1); // "Bob joined" (a diff, not the first fill)
    }

    void peopleLeaveAfterGrace()
    {
        Room room("lobby");
        setup(room);
        room.applySnapshot(snap({{"me1", "me"}, {"a1", "alice"}, {"a2", "alice"}}));
        room.apply(leaveEv("a1", 100));
        QCOMPARE(room.onlineCount(), 2);
        room.apply(leaveEv("a2", 101));
        QCOMPARE(room.onlineCount(), 2); // grace
        m_now += 3000;
        room.users()->processTimers();
        QCOMPARE(room.onlineCount(), 1);
        QCOMPARE(room.messages()->rowCount(), 1);
        QCOMPARE(room.messages()->at(0).kind, QStringLiteral("leave"));
        QCOMPARE(room.messages()->at(0).senderName, QStringLiteral("Alice"));
    }

    void typingText()
    {
        Room room("lobby");
        setup(room);
        room.applySnapshot(snap({{"me1", "me"}, {"me2", "me"}, {"a1", "alice"}, {"a2", "alice"},
                                 {"b1", "bob"}, {"c1", "carol"}, {"d1", "dave"}}));
        QSignalSpy typingChanged(&room, &Room::typingChanged);
        QCOMPARE(room.typingText(), QString());

        room.apply(stateEv("me1", st("typing"), 1));
        room.apply(stateEv("me2", st("typing"), 1)); // our other device: still us
        QCOMPARE(room.typingText(), QString());
        QCOMPARE(typingChanged.count(), 0);

        room.apply(stateEv("a1", st("typing"), 2));
        QCOMPARE(room.typingText(), QString::fromUtf8("Alice is typing…"));
        room.apply(stateEv("a2", st("typing"), 3)); // two devices: one name
        QCOMPARE(room.typingText(), QString::fromUtf8("Alice is typing…"));
        QCOMPARE(room.typingUsers(), QStringList{"alice"});
        room.apply(stateEv("b1", st("typing"), 4));
        QCOMPARE(room.typingText(), QString::fromUtf8("Alice and Bob are typing…"));
        room.apply(stateEv("c1", st("typing"), 5));
        QCOMPARE(room.typingText(), QString::fromUtf8("Alice, Bob and Carol are typing…"));
        room.apply(stateEv("d1", st("typing"), 6));
        QCOMPARE(room.typingText(), QString::fromUtf8("Several people are typing…"));
        QCOMPARE(room.typingUsers(), (QStringList{"alice", "bob", "carol", "dave"}));

        room.apply(stateEv("a1", st("online"), 7)); // alice still types on a2
        QCOMPARE(room.typingUsers().size(), 4);
        room.apply(leaveEv("a2", 8));
        QCOMPARE(room.typingText(), QString::fromUtf8("Bob, Carol and Dave are typing…"));
        room.apply(stateEv("b1", QJsonValue(), 9)); // cleared
        room.apply(stateEv("c1", st("away"), 9));
        QCOMPARE(room.typingText(), QString::fromUtf8("Dave is typing…"));
        // The room-level typing of a person appears in users too.
        QVERIFY(room.users()->find("dave")->typing);
        QVERIFY(!room.users()->find("alice")->typing);
    }

    void remoteTypingExpiresLocally()
    {
        Room room("lobby");
        setup(room);
        room.applySnapshot(snap({{"me1", "me"}, {"a1", "alice"}}));
        room.apply(stateEv("a1", st("typing"), 1));
        QCOMPARE(room.typingUsers(), QStringList{"alice"});
        m_now += 6000;
        room.apply(stateEv("a1", st("typing"), 2)); // republished: expiry restarts
        m_now += 9999;
        room.typingTracker()->processTimers();
        QCOMPARE(room.typingUsers(), QStringList{"alice"});
        QSignalSpy changed(room.members(), &QAbstractItemModel::dataChanged);
        m_now += 1;
        room.typingTracker()->processTimers(); // no expiry event came: forget it locally
        QVERIFY(room.typingUsers().isEmpty());
        QCOMPARE(room.typingText(), QString());
        QVERIFY(!room.members()->find("a1")->typing);
        QCOMPARE(room.members()->find("a1")->status, QStringLiteral("online"));
        QVERIFY(!room.users()->find("alice")->typing);
        QCOMPARE(changed.count(), 1);
        // She types again later: shown again.
        room.apply(stateEv("a1", st("typing"), 3));
        QCOMPARE(room.typingUsers(), QStringList{"alice"});
    }

    void realTimerTypingExpiry()
    {
        ModelOptions o;
        o.remoteTypingExpiryMs = 40;
        Room room("lobby", o);
        room.setSelfConnectionId("me1");
        room.applySnapshot(snap({{"me1", "me"}, {"a1", "alice"}}));
        room.apply(stateEv("a1", st("typing"), 1));
        QVERIFY(!room.typingText().isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(room.typingText().isEmpty(), 2000);
    }

    void sendingAndRetry()
    {
        Room room("lobby");
        setup(room);
        room.applySnapshot(snap({{"me1", "me"}}));
        QList<std::pair<QString, QJsonObject>> sent;
        room.setSendFunction([&sent](const QString &localId, const QJsonObject &payload) { sent.append({localId, payload}); });
        room.typing()->setSink([](const QJsonObject &, int) {});
        room.setComposerText("hi");
        QVERIFY(room.typing()->isTyping());
        QVERIFY(room.sendMessage("   ").isEmpty());
        const QString localId = room.sendMessage("hi");
        QVERIFY(!room.typing()->isTyping()); // send stops typing
        QCOMPARE(sent.size(), 1);
        QCOMPARE(sent.at(0).second.value("room").toString(), QStringLiteral("lobby"));
        QCOMPARE(sent.at(0).second.value("text").toString(), QStringLiteral("hi"));
        const QString clientId = sent.at(0).second.value("clientId").toString();
        QVERIFY(!clientId.isEmpty());
        const int row = room.messages()->rowOfLocal(localId);
        QVERIFY(room.messages()->at(row).pending);
        QVERIFY(room.messages()->at(row).own);
        QCOMPARE(room.messages()->at(row).senderName, QStringLiteral("Me"));

        room.messageFailed(localId, "ETIMEOUT");
        QVERIFY(room.messages()->at(row).failed);
        QVERIFY(room.retryMessage(localId));
        QCOMPARE(sent.size(), 2);
        QCOMPARE(sent.at(1).second.value("clientId").toString(), clientId);
        room.messageSent(localId, QJsonObject{{"ok", true}, {"id", "s1"}, {"ts", 1.0}});
        room.addMessage(QJsonObject{{"id", "s1"}, {"from", "me"}, {"name", "Me"}, {"text", "hi"}, {"ts", 1.0}, {"clientId", clientId}});
        QCOMPARE(room.messages()->rowCount(), 1);
        QVERIFY(!room.retryMessage(localId));
    }

    // Messages typed while the link is down wait, in order, and go out once the room is live
    // again; a send lost with the link goes back to the outbox and out again with its clientId.
    void outboxSendsByItself()
    {
        Room room("lobby");
        setup(room);
        room.applySnapshot(snap({{"me1", "me"}, {"a1", "alice"}}));
        QList<QJsonObject> sent;
        QStringList sentIds;
        room.setSendFunction([&](const QString &localId, const QJsonObject &payload) {
            sent.append(payload);
            sentIds.append(localId);
        });
        room.typing()->setSink([](const QJsonObject &, int) {});

        const QString first = room.sendMessage("one");
        QCOMPARE(sent.size(), 1);
        const QString firstClientId = sent.at(0).value("clientId").toString();
        // The link drops: the reply of "one" is lost (ECONNLOST while we still count as online).
        room.messageFailed(first, "ECONNLOST", Room::isConnectionError("ECONNLOST", true));
        QVERIFY(!room.messages()->at(room.messages()->rowOfLocal(first)).failed);
        QCOMPARE(sent.size(), 2); // handed to the client again at once: it holds it for the resync
        QCOMPARE(sent.at(1).value("clientId").toString(), firstClientId);
        room.setPresenceKnown(false);
        const QString second = room.sendMessage("two");
        const QString third = room.sendMessage("three");
        QCOMPARE(sent.size(), 2); // offline: waiting in the room
        QCOMPARE(room.outboxCount(), 2);
        // The resent "one" times out while offline: back in the queue, before "two".
        room.messageFailed(first, "ETIMEOUT", Room::isConnectionError("ETIMEOUT", false));
        QCOMPARE(room.outboxCount(), 3);
        for (const QString &id : {first, second, third}) {
            const auto &m = room.messages()->at(room.messages()->rowOfLocal(id));
            QVERIFY(m.pending && !m.failed);
            QCOMPARE(m.senderName, QStringLiteral("Me")); // our name, not a "?" avatar
        }
        room.setPresenceKnown(true);
        QCOMPARE(room.outboxCount(), 0);
        QCOMPARE(sent.size(), 5);
        QCOMPARE(sent.at(2).value("text").toString(), QStringLiteral("one"));
        QCOMPARE(sent.at(2).value("clientId").toString(), firstClientId);
        QCOMPARE(sent.at(3).value("text").toString(), QStringLiteral("two"));
        QCOMPARE(sent.at(4).value("text").toString(), QStringLiteral("three"));
        // A failure that is not the link's shows Retry.
        room.messageFailed(second, "ESEND", Room::isConnectionError("ESEND", true));
        QVERIFY(room.messages()->at(room.messages()->rowOfLocal(second)).failed);
        QVERIFY(!Room::isConnectionError("ETIMEOUT", true));
    }

    // Offline start: our pending messages carry the identity the app gave.
    void pendingMessagesShowOurName()
    {
        Room room("lobby");
        room.setSelfIdentity("uma", "Uma Tester");
        room.setSendFunction([](const QString &, const QJsonObject &) {});
        const QString id = room.sendMessage("hello");
        const auto &m = room.messages()->at(room.messages()->rowOfLocal(id));
        QCOMPARE(m.senderName, QStringLiteral("Uma Tester"));
        QCOMPARE(m.senderId, QStringLiteral("uma"));
        QCOMPARE(room.outboxCount(), 1); // not live yet
    }

    // Our own outage (here a graceful server shutdown: everyone's leave, then ours) writes no
    // join/leave lines, keeps the people listed, and says presence is unknown.
    void outageWritesNoLines()
    {
        ModelOptions o;
        Room room("lobby", o);
        setup(room);
        room.applySnapshot(snap({{"me1", "me"}, {"a1", "alice"}, {"b1", "bob"}}));
        QCOMPARE(room.users()->count(), 3);
        room.apply(leaveEv("a1", 10));
        room.apply(leaveEv("b1", 11));
        QVERIFY(room.presenceKnown());
        room.apply(leaveEv("me1", 12)); // the server took us out: it is going away
        QVERIFY(!room.presenceKnown());
        m_now += 60000; // a long outage: nobody's grace ends while we cannot know
        room.users()->processTimers();
        QCOMPARE(room.users()->count(), 3);
        // Reconnected: new connection ids; bob is back at once, alice a little later.
        room.setSelfConnectionId("me2");
        room.applySnapshot(snap({{"me2", "me"}, {"b2", "bob"}}, {}, true));
        room.setPresenceKnown(true);
        QCOMPARE(room.users()->count(), 3);
        m_now += 5000;
        room.users()->processTimers();
        room.apply(joinEv("a2", "alice", "Alice", 100));
        QCOMPARE(room.users()->count(), 3);
        QCOMPARE(room.messages()->rowCount(), 0); // no "left" / "joined" lines for our outage
        // Later, real departures are written again.
        m_now += o.outageQuietMs;
        room.apply(leaveEv("b2", 200));
        m_now += o.userGraceMs;
        room.users()->processTimers();
        QCOMPARE(room.messages()->rowCount(), 1);
        QCOMPARE(room.messages()->at(0).kind, QStringLiteral("leave"));
    }

    void draftIsPerRoom()
    {
        Room lobby("lobby");
        Room design("design");
        QSignalSpy changed(&lobby, &Room::draftChanged);
        lobby.setComposerText("half a thought");
        QCOMPARE(lobby.draft(), QStringLiteral("half a thought"));
        QCOMPARE(design.draft(), QString());
        QCOMPARE(changed.count(), 1);
        lobby.setSendFunction([](const QString &, const QJsonObject &) {});
        lobby.sendMessage(lobby.draft());
        QCOMPARE(lobby.draft(), QString()); // sent: the draft is gone
    }
};

QTEST_GUILESS_MAIN(TestRoom)
#include "tst_room.moc"
