// PresenceClient against the real server: every call, and the sharp edges of docs/protocol.md §12
// a client must absorb (duplicate presence copies, double join, leave of a non-member, error
// payloads, falsy states, oldest-first history, 401 without a retry loop).
#include "clientprobe.h"
#include "serverstack.h"

#include <QSignalSpy>
#include <QTest>

using Hallway::PresenceClient;
namespace ConnectionStatus = Hallway::ConnectionStatus;
using Hallway::PresenceEvent;
using Type = Hallway::PresenceEvent::Type;

class tst_Client : public QObject
{
    Q_OBJECT
    ServerStack m_stack;

    QUrl url(const QString &user) const { return m_stack.userUrl(user, user.left(1).toUpper() + user.mid(1)); }

private Q_SLOTS:
    void initTestCase() { QVERIFY2(m_stack.start(), qPrintable(m_stack.errorString())); }
    void cleanup() { m_stack.printLogsIfFailed(); }

    void connectsAndJoins()
    {
        ClientProbe alice(url(QStringLiteral("alice")));
        QSignalSpy status(&alice.client, &PresenceClient::statusChanged);
        QVERIFY(alice.openAndWait());
        QCOMPARE(alice.client.connectionId().size(), 36);
        QCOMPARE(alice.connectedIds, QStringList{alice.client.connectionId()});
        QVERIFY(status.count() >= 2); // connecting, online

        const Settled joined = await(alice.client.joinRoom(QStringLiteral("lobby")));
        QVERIFY2(joined.ok, qPrintable(joined.error.message));
        const QJsonObject result = joined.value.toObject();
        QVERIFY(result.value(QStringLiteral("success")).toBool());
        const QJsonArray present = result.value(QStringLiteral("present")).toArray();
        QCOMPARE(present.size(), 1);
        QCOMPARE(present.at(0).toObject().value(QStringLiteral("id")).toString(), alice.client.connectionId());
        QCOMPARE(present.at(0).toObject().value(QStringLiteral("metadata")).toObject().value(QStringLiteral("userId")).toString(),
                 QStringLiteral("alice"));
        QCOMPARE(alice.snapshots.size(), 1);
        QCOMPARE(alice.snapshots.first().room, QStringLiteral("lobby"));
        QVERIFY(!alice.snapshots.first().resync);
        QVERIFY(ClientProbe::hasMember(alice.snapshots.first(), alice.client.connectionId()));
        QCOMPARE(alice.client.joinedRooms(), QStringList{QStringLiteral("lobby")});
        QVERIFY(alice.client.isSubscribed(QStringLiteral("lobby")));

        // A second member's join lists everyone once: the server's list, then whoever the
        // snapshot saw join meanwhile (bob himself: his join and reads are pipelined).
        ClientProbe bob(url(QStringLiteral("bob")));
        QVERIFY(bob.openAndWait());
        const Settled bobJoined = await(bob.client.joinRoom(QStringLiteral("lobby")));
        QVERIFY2(bobJoined.ok, qPrintable(bobJoined.error.message));
        QStringList ids;
        for (const QJsonValue &m : bobJoined.value.toObject().value(QStringLiteral("present")).toArray())
            ids << m.toObject().value(QStringLiteral("id")).toString();
        QCOMPARE(ids.size(), 2);
        QCOMPARE(QSet<QString>(ids.cbegin(), ids.cend()),
                 (QSet<QString>{alice.client.connectionId(), bob.client.connectionId()}));
    }

    // Leaving and joining again keeps the connection id; the new snapshot lists us however
    // the server orders the pipelined join and reads (our leave was seen before it).
    void leaveAndRejoinSnapshotListsUs()
    {
        ClientProbe alice(url(QStringLiteral("alice")));
        QVERIFY(alice.openAndWait());
        const QString room = QStringLiteral("rejoin");
        QVERIFY(await(alice.client.joinRoom(room)).ok);
        const QString self = alice.client.connectionId();
        for (int round = 0; round < 5; ++round) {
            alice.client.leaveRoom(room);
            const Settled again = await(alice.client.joinRoom(room));
            QVERIFY(again.ok);
            QVERIFY2(ClientProbe::hasMember(alice.snapshots.last(), self), qPrintable(QString::number(round)));
            QVERIFY(alice.client.isJoined(room));
        }
    }

    void presenceEventsAreDeduplicatedAndIdempotent()
    {
        const QString room = QStringLiteral("room:events");
        ClientProbe alice(url(QStringLiteral("alice")));
        ClientProbe bob(url(QStringLiteral("bob")));
        ClientProbe carol(url(QStringLiteral("carol")));
        QVERIFY(alice.openAndWait() && bob.openAndWait() && carol.openAndWait());
        QSignalSpy resolved(&alice.client, &PresenceClient::metadataResolved);
        QVERIFY(await(alice.client.joinRoom(room)).ok);
        const QString bobId = bob.client.connectionId();

        QVERIFY(await(bob.client.joinRoom(room, false)).ok);
        QVERIFY(TestUtil::waitUntil([&] { return alice.hasEvent(room, bobId, Type::Join); }));
        const PresenceEvent join = alice.eventsFor(room, bobId).first();
        QCOMPARE(join.metadata.toObject().value(QStringLiteral("userId")).toString(), QStringLiteral("bob"));
        QVERIFY(join.timestamp > 0);
        QVERIFY(!resolved.isEmpty());
        QCOMPARE(alice.client.cachedMetadata(bobId).toObject().value(QStringLiteral("username")).toString(), QStringLiteral("Bob"));

        // Double join: the server emits a second join (and a subscription-message copy of each).
        QVERIFY(await(bob.client.joinRoom(room, false)).ok);
        QVERIFY(await(bob.client.publishPresenceState(room, QJsonObject{{QStringLiteral("status"), QStringLiteral("away")}})).ok);
        QVERIFY(TestUtil::waitUntil([&] { return alice.hasEvent(room, bobId, Type::State); }));
        QCOMPARE(alice.count(room, bobId, Type::Join), 1); // the copies and the second join changed nothing
        QCOMPARE(alice.eventsFor(room, bobId).last().state.toObject().value(QStringLiteral("status")).toString(),
                 QStringLiteral("away"));

        // Leave, then leave again while not a member: one Leave only.
        QVERIFY(await(bob.client.leaveRoom(room)).ok);
        QVERIFY(await(bob.client.leaveRoom(room)).ok);
        // Carol's join is the ordering marker: everything about bob was delivered before it.
        QVERIFY(await(carol.client.joinRoom(room, false)).ok);
        QVERIFY(TestUtil::waitUntil([&] { return alice.hasEvent(room, carol.client.connectionId(), Type::Join); }));
        QCOMPARE(alice.count(room, bobId, Type::Leave), 1);
        QCOMPARE(bob.roomsLeft.size(), 2);
        QVERIFY(!bob.client.joinedRooms().contains(room));
    }

    void errorsAreRtErrors()
    {
        ClientProbe alice(url(QStringLiteral("alice")));
        QVERIFY(alice.openAndWait());
        const Settled unknown = await(alice.client.command(QStringLiteral("does/not-exist")));
        QVERIFY(unknown.done && !unknown.ok);
        QCOMPARE(unknown.error.code, QStringLiteral("ENOTFOUND"));
        QVERIFY(unknown.error.message.contains(QStringLiteral("not found")));
        const Settled custom = await(alice.client.command(QStringLiteral("chat:send"),
                                                          QJsonObject{{QStringLiteral("room"), QStringLiteral("lobby")},
                                                                      {QStringLiteral("text"), QStringLiteral("  ")}}));
        QCOMPARE(custom.error.code, QStringLiteral("EBADTEXT"));
        const Settled notInRoom = await(alice.client.command(QStringLiteral("chat:send"),
                                                             QJsonObject{{QStringLiteral("room"), QStringLiteral("elsewhere")},
                                                                         {QStringLiteral("text"), QStringLiteral("hi")}}));
        QCOMPARE(notInRoom.error.code, QStringLiteral("ENOTMEMBER"));
        const Settled noop = await(alice.client.command(QStringLiteral("rt/noop")));
        QVERIFY(noop.ok);
        QCOMPARE(noop.value, QJsonValue(true));
    }

    void presenceStates()
    {
        const QString room = QStringLiteral("room:states");
        ClientProbe alice(url(QStringLiteral("alice")));
        ClientProbe bob(url(QStringLiteral("bob")));
        QVERIFY(alice.openAndWait() && bob.openAndWait());
        // Not joined: the server says false, we say EREFUSED.
        const Settled early = await(alice.client.publishPresenceState(room, QJsonObject{{QStringLiteral("status"), QStringLiteral("busy")}}));
        QCOMPARE(early.error.code, QStringLiteral("EREFUSED"));
        QVERIFY(await(alice.client.joinRoom(room)).ok);
        // Falsy states are refused by the server (§12.18).
        const Settled falsy = await(alice.client.command(QStringLiteral("rt/publish-presence-state"),
                                                         QJsonObject{{QStringLiteral("roomName"), room}, {QStringLiteral("state"), 0}}));
        QVERIFY(falsy.ok);
        QCOMPARE(falsy.value, QJsonValue(false));
        // An empty object is truthy, so it is accepted.
        QVERIFY(await(alice.client.publishPresenceState(room, QJsonObject())).ok);
        QVERIFY(await(alice.client.publishPresenceState(room, QJsonObject{{QStringLiteral("status"), QStringLiteral("busy")}}, 60000)).ok);

        const Settled seen = await(bob.client.joinRoom(room));
        QVERIFY(seen.ok);
        const QJsonObject states = seen.value.toObject().value(QStringLiteral("states")).toObject();
        QCOMPARE(states.value(alice.client.connectionId()).toObject().value(QStringLiteral("status")).toString(), QStringLiteral("busy"));
        QCOMPARE(bob.snapshots.last().states, states);

        QVERIFY(await(alice.client.clearPresenceState(room)).ok);
        QVERIFY(TestUtil::waitUntil([&] {
            const auto evs = bob.eventsFor(room, alice.client.connectionId());
            return !evs.isEmpty() && evs.last().type == Type::State && evs.last().state.isNull();
        }));
        const Settled leave = await(alice.client.leaveRoom(room));
        QVERIFY(leave.ok);
        QCOMPARE(alice.roomsLeft, QStringList{room});
        QVERIFY(!alice.client.isJoined(room));
        QVERIFY(TestUtil::waitUntil([&] { return bob.hasEvent(room, alice.client.connectionId(), Type::Leave); }));
    }

    void metadata()
    {
        ClientProbe alice(url(QStringLiteral("alice")));
        ClientProbe bob(url(QStringLiteral("bob")));
        QVERIFY(alice.openAndWait() && bob.openAndWait());
        const Settled mine = await(alice.client.connectionMetadata());
        QCOMPARE(mine.value.toObject().value(QStringLiteral("userId")).toString(), QStringLiteral("alice"));
        QVERIFY(await(alice.client.setConnectionMetadata(QJsonObject{{QStringLiteral("mood"), QStringLiteral("sunny")}},
                                                         QStringLiteral("merge"))).ok);
        const Settled merged = await(alice.client.connectionMetadata());
        QCOMPARE(merged.value.toObject().value(QStringLiteral("mood")).toString(), QStringLiteral("sunny"));
        QCOMPARE(merged.value.toObject().value(QStringLiteral("username")).toString(), QStringLiteral("Alice"));
        const Settled other = await(bob.client.connectionMetadata(alice.client.connectionId()));
        QCOMPARE(other.value.toObject().value(QStringLiteral("mood")).toString(), QStringLiteral("sunny"));
        QCOMPARE(bob.client.cachedMetadata(alice.client.connectionId()), other.value);
        // The server's middleware forbids changing who we are.
        const Settled forbidden = await(alice.client.setConnectionMetadata(QJsonObject{{QStringLiteral("userId"), QStringLiteral("mallory")}}));
        QCOMPARE(forbidden.error.code, QStringLiteral("EFORBIDDEN"));
        const Settled room = await(alice.client.roomMetadata(QStringLiteral("lobby")));
        QVERIFY(room.ok);
        QVERIFY(room.value.isNull());
    }

    void channels()
    {
        const QString room = QStringLiteral("hist");
        const QString channel = QStringLiteral("chat:hist");
        ClientProbe alice(url(QStringLiteral("alice")));
        ClientProbe bob(url(QStringLiteral("bob")));
        QVERIFY(alice.openAndWait() && bob.openAndWait());
        QVERIFY(await(alice.client.joinRoom(room, false)).ok);
        for (const char *text : {"m1", "m2", "m3"}) {
            const Settled sent = await(alice.client.command(QStringLiteral("chat:send"),
                                                            QJsonObject{{QStringLiteral("room"), room},
                                                                        {QStringLiteral("text"), QString::fromLatin1(text)}}));
            QVERIFY2(sent.ok, qPrintable(sent.error.message));
        }
        // Room chat is for members: bob, not in the room yet, gets neither the channel nor its history.
        const Settled outsider = await(bob.client.subscribeChannel(channel, 2));
        QCOMPARE(outsider.error.code, QStringLiteral("ENOTMEMBER"));
        QCOMPARE(await(bob.client.channelHistory(channel, 10)).error.code, QStringLiteral("ENOTMEMBER"));
        QVERIFY(bob.histories.isEmpty());
        QVERIFY(await(bob.client.joinRoom(room, false)).ok);
        const Settled sub = await(bob.client.subscribeChannel(channel, 2));
        QVERIFY2(sub.ok, qPrintable(sub.error.code));
        const QJsonArray history = sub.value.toObject().value(QStringLiteral("history")).toArray();
        QCOMPARE(history.size(), 2); // the oldest two (§12.19)
        QCOMPARE(history.at(0).toObject().value(QStringLiteral("text")).toString(), QStringLiteral("m1"));
        QCOMPARE(history.at(1).toObject().value(QStringLiteral("text")).toString(), QStringLiteral("m2"));
        QCOMPARE(bob.histories.size(), 1);
        QCOMPARE(bob.histories.first().items, history);
        QVERIFY(!bob.histories.first().replay);

        QVERIFY(await(alice.client.command(QStringLiteral("chat:send"),
                                           QJsonObject{{QStringLiteral("room"), room}, {QStringLiteral("text"), QStringLiteral("live")}})).ok);
        QVERIFY(TestUtil::waitUntil([&] { return !bob.messages.isEmpty(); }));
        QCOMPARE(bob.messages.first().first, channel);
        QCOMPARE(bob.messages.first().second.toObject().value(QStringLiteral("text")).toString(), QStringLiteral("live"));
        QCOMPARE(bob.messages.first().second.toObject().value(QStringLiteral("from")).toString(), QStringLiteral("alice"));

        const Settled all = await(bob.client.channelHistory(channel, 10));
        const QJsonArray full = all.value.toObject().value(QStringLiteral("history")).toArray();
        QCOMPARE(full.size(), 4);
        QCOMPARE(full.last().toObject().value(QStringLiteral("text")).toString(), QStringLiteral("live"));

        QCOMPARE(await(bob.client.subscribeChannel(QStringLiteral("secret:x"))).error.code, QStringLiteral("EREFUSED"));
        QCOMPARE(await(bob.client.channelHistory(QStringLiteral("secret:x"))).error.code, QStringLiteral("EREFUSED"));
        const Settled unsub = await(bob.client.unsubscribeChannel(channel));
        QVERIFY(unsub.ok);
        QCOMPARE(unsub.value, QJsonValue(true));
        // No channel copies of presence events ever reach channelMessage.
        for (const auto &m : std::as_const(bob.messages))
            QVERIFY(!m.first.startsWith(QStringLiteral("rt:")));
    }

    void commandsQueuedBeforeOpen()
    {
        ClientProbe alice(url(QStringLiteral("alice")));
        auto join = track(alice.client.joinRoom(QStringLiteral("early")));
        auto noop = track(alice.client.command(QStringLiteral("rt/noop")));
        QVERIFY(alice.openAndWait());
        const Settled j = await(join);
        QVERIFY2(j.ok, qPrintable(j.error.code));
        QVERIFY(await(noop).ok);
        QVERIFY(alice.client.isJoined(QStringLiteral("early")));
    }

    void authRefused()
    {
        ClientProbe nobody(m_stack.url()); // no ?user=: the server answers 401
        QSignalSpy status(&nobody.client, &PresenceClient::statusChanged);
        nobody.client.open();
        QVERIFY(TestUtil::waitUntil([&] { return nobody.client.errorCode() == QLatin1String("EAUTH"); }));
        QVERIFY(TestUtil::waitUntil([&] { return nobody.client.status() == ConnectionStatus::Offline; }));
        QCOMPARE(nobody.client.nextRetryIn(), 0);
        QVERIFY(nobody.client.errorString().contains(QStringLiteral("401")));
        QVERIFY(nobody.errors.contains(QStringLiteral("EAUTH")));
        const int changes = status.count();
        QTest::qWait(2000); // beyond the first retry window (0.5–1.5 s): nothing happens
        QCOMPARE(status.count(), changes);
        QCOMPARE(nobody.client.status(), ConnectionStatus::Offline);
    }
};

QTEST_GUILESS_MAIN(tst_Client)
#include "tst_client.moc"
