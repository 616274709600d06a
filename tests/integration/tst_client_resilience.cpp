// PresenceClient across server instances and through a server crash: two instances on one
// Redis see each other's clients; after SIGKILL + restart the client comes back with a new id,
// its resync snapshot has no ghost of the old id, its state and metadata are back, channels
// are replayed, and commands queued while offline go out only after the rejoin.
#include "clientprobe.h"
#include "serverstack.h"
#include "tcpproxy.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

using Hallway::PresenceClient;
namespace ConnectionStatus = Hallway::ConnectionStatus;
using Type = Hallway::PresenceEvent::Type;

namespace {
ServerStack::Options twoInstances()
{
    ServerStack::Options o;
    o.instances = 2;
    return o;
}
Hallway::ConnectionOptions quickRetry()
{
    Hallway::ConnectionOptions o;
    o.reconnectMaxMs = 2000; // keeps the test short; the first try stays in 0.5–1.5 s
    return o;
}
} // namespace

class tst_ClientResilience : public QObject
{
    Q_OBJECT
    ServerStack m_stack{twoInstances()};

private Q_SLOTS:
    void initTestCase() { QVERIFY2(m_stack.start(), qPrintable(m_stack.errorString())); }
    void cleanup() { m_stack.printLogsIfFailed(); }

    void twoInstancesShareRedis()
    {
        const QString room = QStringLiteral("room:multi");
        ClientProbe a(m_stack.userUrl(QStringLiteral("alice"), QStringLiteral("Alice"), 0));
        ClientProbe b(m_stack.userUrl(QStringLiteral("bob"), QStringLiteral("Bob"), 1));
        QVERIFY(a.openAndWait() && b.openAndWait());
        QVERIFY(await(a.client.joinRoom(room)).ok);
        const QString bobId = b.client.connectionId();
        QVERIFY(await(b.client.joinRoom(room)).ok);
        QVERIFY(TestUtil::waitUntil([&] { return a.hasEvent(room, bobId, Type::Join); }));
        QCOMPARE(a.eventsFor(room, bobId).first().metadata.toObject().value(QStringLiteral("userId")).toString(),
                 QStringLiteral("bob"));
        QVERIFY(ClientProbe::hasMember(b.snapshots.last(), a.client.connectionId()));
        QVERIFY(await(b.client.publishPresenceState(room, QJsonObject{{QStringLiteral("status"), QStringLiteral("typing")}})).ok);
        QVERIFY(TestUtil::waitUntil([&] { return a.hasEvent(room, bobId, Type::State); }));
        QVERIFY(await(b.client.leaveRoom(room)).ok);
        QVERIFY(TestUtil::waitUntil([&] { return a.hasEvent(room, bobId, Type::Leave); }));
        QCOMPARE(a.count(room, bobId, Type::Join), 1);
        QCOMPARE(a.count(room, bobId, Type::Leave), 1);
    }

    void crashAndResync()
    {
        const QString room = QStringLiteral("room:crash");
        const QString channel = QStringLiteral("chat:room:crash");
        ClientProbe alice(m_stack.userUrl(QStringLiteral("alice"), QStringLiteral("Alice"), 0), quickRetry());
        ClientProbe bob(m_stack.userUrl(QStringLiteral("bob"), QStringLiteral("Bob"), 1));
        QVERIFY(alice.openAndWait() && bob.openAndWait());
        QVERIFY(await(bob.client.joinRoom(room)).ok);
        QVERIFY(await(alice.client.joinRoom(room)).ok);
        QVERIFY(await(alice.client.publishPresenceState(room, QJsonObject{{QStringLiteral("status"), QStringLiteral("busy")}})).ok);
        QVERIFY(await(alice.client.setConnectionMetadata(QJsonObject{{QStringLiteral("mood"), QStringLiteral("calm")}},
                                                         QStringLiteral("merge"))).ok);
        QVERIFY(await(alice.client.command(QStringLiteral("chat:send"),
                                           QJsonObject{{QStringLiteral("room"), room}, {QStringLiteral("text"), QStringLiteral("before")}})).ok);
        QVERIFY(await(alice.client.subscribeChannel(channel, 50)).ok);
        const QString oldId = alice.client.connectionId();

        QVERIFY(m_stack.killServer(0));
        QVERIFY(TestUtil::waitUntil([&] { return alice.client.status() == ConnectionStatus::Reconnecting; }));
        QVERIFY(alice.client.connectionId().isEmpty());
        // Issued while offline: must wait for the rejoin, or the server would say ENOTMEMBER.
        auto queued = track(alice.client.command(QStringLiteral("chat:send"),
                                                      QJsonObject{{QStringLiteral("room"), room}, {QStringLiteral("text"), QStringLiteral("queued")}}));
        QVERIFY(m_stack.startServer(0));

        QVERIFY(TestUtil::waitUntil([&] { return alice.resynced.contains(room); }, 15000));
        const QString newId = alice.client.connectionId();
        QVERIFY(!newId.isEmpty());
        QVERIFY(newId != oldId);
        QCOMPARE(alice.connectedIds.size(), 2);

        // The resync snapshot: us under the new id, bob, and no ghost of our old id.
        const Hallway::PresenceSnapshot &snap = alice.snapshots.last();
        QVERIFY(snap.resync);
        QCOMPARE(snap.room, room);
        QVERIFY(ClientProbe::hasMember(snap, newId));
        QVERIFY(ClientProbe::hasMember(snap, bob.client.connectionId()));
        QVERIFY(!ClientProbe::hasMember(snap, oldId));
        QVERIFY(!snap.states.contains(oldId));

        const Settled sent = await(queued);
        QVERIFY2(sent.ok, qPrintable(sent.error.code + QLatin1Char(' ') + sent.error.message));

        // Bob sees our new connection with the republished state.
        QVERIFY(TestUtil::waitUntil([&] {
            for (const auto &e : bob.eventsFor(room, newId))
                if (e.type == Type::State && e.state.toObject().value(QStringLiteral("status")) == QLatin1String("busy"))
                    return true;
            return false;
        }));
        const Settled states = await(bob.client.command(QStringLiteral("rt/get-presence-state"), QJsonObject{{QStringLiteral("roomName"), room}}));
        QCOMPARE(states.value.toObject().value(QStringLiteral("states")).toObject().value(newId).toObject().value(QStringLiteral("status")).toString(),
                 QStringLiteral("busy"));
        // Metadata re-applied on the new connection (read fresh, not from bob's cache).
        const Settled meta = await(bob.client.command(QStringLiteral("rt/get-connection-metadata"),
                                                      QJsonObject{{QStringLiteral("connectionId"), newId}}));
        QCOMPARE(meta.value.toObject().value(QStringLiteral("metadata")).toObject().value(QStringLiteral("mood")).toString(),
                 QStringLiteral("calm"));

        // Channel history replayed (flagged), and the queued message arrives live afterwards.
        bool replayed = false;
        for (const auto &h : std::as_const(alice.histories))
            if (h.channel == channel && h.replay && !h.items.isEmpty()
                && h.items.first().toObject().value(QStringLiteral("text")) == QLatin1String("before"))
                replayed = true;
        QVERIFY(replayed);
        QVERIFY(TestUtil::waitUntil([&] {
            for (const auto &m : std::as_const(alice.messages))
                if (m.second.toObject().value(QStringLiteral("text")) == QLatin1String("queued"))
                    return true;
            return false;
        }));
        // The crashed instance's ghost of our old id leaves bob once its presence TTL runs out.
        QVERIFY(TestUtil::waitUntil([&] { return bob.hasEvent(room, oldId, Type::Leave); }, 10000));
    }

    // SIGTERM: the server says "going away" and takes a few seconds to close. The stack's
    // terminate keeps our event loop running, so the client is free to reconnect into the closing
    // server at once; it must not (docs/protocol.md §7.1). Every attempt goes through a proxy, which
    // sees each one: the first comes no sooner than the backoff's first minimum after the link
    // dropped, and later ones are spaced at least that much too (never a tight loop).
    void gracefulRestartWaitsBeforeReconnecting()
    {
        const QString room = QStringLiteral("room:graceful");
        const Hallway::ConnectionOptions options = quickRetry();
        TcpProxy proxy(m_stack.serverPort(1));
        QVERIFY(proxy.listen());
        QUrl viaProxy = m_stack.userUrl(QStringLiteral("alice"), QStringLiteral("Alice"), 1);
        viaProxy.setPort(proxy.port());
        ClientProbe alice(viaProxy, options);
        QVERIFY(alice.openAndWait());
        QVERIFY(await(alice.client.joinRoom(room)).ok);

        QElapsedTimer clock;
        clock.start();
        qint64 droppedAt = -1;
        QList<qint64> attempts; // proxy accepts after the drop
        connect(&alice.client, &PresenceClient::statusChanged, &alice, [&] {
            if (droppedAt < 0 && alice.client.status() != ConnectionStatus::Online)
                droppedAt = clock.elapsed();
        });
        connect(&proxy, &TcpProxy::accepted, &alice, [&] {
            if (droppedAt >= 0)
                attempts << clock.elapsed();
        });
        QSignalSpy retry(&alice.client, &PresenceClient::nextRetryInChanged);

        QVERIFY(m_stack.terminateServer(1));
        QVERIFY(droppedAt >= 0); // the shutdown closed our link before the process ended
        QVERIFY(!retry.isEmpty()); // a countdown was shown
        // The server is gone: attempts are refused and go on, paced by the backoff (cap 2 s).
        QTRY_VERIFY_WITH_TIMEOUT(attempts.size() >= 3, 30000);

        // Timers never fire early by more than Qt's 5 % coarse-timer slack, so these hold
        // however loaded the machine is; a retry "at once" fails them.
        const qint64 minGap = options.reconnectFirstMinMs - options.reconnectFirstMinMs / 10;
        QVERIFY2(attempts.first() - droppedAt >= minGap,
                 qPrintable(QStringLiteral("first attempt %1 ms after the drop").arg(attempts.first() - droppedAt)));
        for (int i = 1; i < attempts.size(); ++i)
            QVERIFY2(attempts.at(i) - attempts.at(i - 1) >= minGap,
                     qPrintable(QStringLiteral("attempt %1 came %2 ms after the one before")
                                    .arg(i + 1).arg(attempts.at(i) - attempts.at(i - 1))));

        QVERIFY(m_stack.startServer(1));
        QVERIFY(TestUtil::waitUntil([&] { return alice.resynced.contains(room); }, 15000));
        QVERIFY(alice.client.isJoined(room));
    }
};

QTEST_GUILESS_MAIN(tst_ClientResilience)
#include "tst_client_resilience.moc"
