#pragma once
// Shared by the fault-injection tests (tst_faults, tst_faults_link): short client timings,
// the convergence bounds, an observer Session with model testers, and the convergence check
// against Redis's presence set (SMEMBERS rt:presence:room:<room>).
#include "clientprobe.h"
#include "serverstack.h"
#include "session.h"
#include "tcpproxy.h"

#include <QAbstractItemModelTester>
#include <QElapsedTimer>
#include <QSet>
#include <QTest>
#include <QUrlQuery>
#include <csignal>
#include <memory>

using namespace Hallway;
using Type = PresenceEvent::Type;

namespace FaultTest {
// Client timings: the server pings every 1000 ms (ServerStack), so a 1500 ms watchdog tick
// notices a dead link 1.5–3 s after the last ping (maxMissedPings 1).
constexpr int kPingTimeoutMs = 1500;
constexpr int kReconnectCapMs = 1000;   // backoff cap: retries every 0.5–1 s
constexpr int kConnectTimeoutMs = 2000; // an upgrade a frozen server never answers
constexpr int kMembershipCheckMs = 1000;

// Bounds. Watchdog: 2 ticks + one event-loop turn of slack.
constexpr int kWatchdogDetectMs = 2 * kPingTimeoutMs + 1500;
// Back online and resynced after the server is reachable again: first retry 0.5–1.5 s, a
// few capped retries while node starts, the resync round trips.
constexpr int kReconnectMs = 10000;
// A crashed instance's ghosts leave once their presence key (TTL 3000 ms in ServerStack)
// expires and the surviving instance turns the expiry into a leave: TTL + Redis's lazy expiry.
constexpr int kGhostExpiryMs = 8000;
// The stack's graceful-shutdown deadline (ServerStack::Options::shutdownGraceMs default).
constexpr int kShutdownGraceMs = 3000;

ConnectionOptions shortOptions()
{
    ConnectionOptions o;
    o.pingTimeoutMs = kPingTimeoutMs;
    o.maxMissedPings = 1;
    o.reconnectMaxMs = kReconnectCapMs;
    o.connectTimeoutMs = kConnectTimeoutMs;
    o.commandTimeoutMs = 8000;
    o.membershipCheckMs = kMembershipCheckMs;
    return o;
}

ServerStack::Options twoInstances()
{
    ServerStack::Options o;
    o.instances = 2;
    o.shutdownGraceMs = kShutdownGraceMs;
    return o;
}

QSet<QString> toSet(const QStringList &list) { return QSet<QString>(list.cbegin(), list.cend()); }

QString describe(const QSet<QString> &set)
{
    QStringList l = set.values();
    l.sort();
    return l.join(QLatin1Char(','));
}

// The observer: a Session with its own short-timed client and a model tester on its members.
struct Observer {
    PresenceClient *client;
    Session session;
    Room *room = nullptr;
    std::unique_ptr<QAbstractItemModelTester> memberTester;
    std::unique_ptr<QAbstractItemModelTester> userTester;

    explicit Observer(const QUrl &url)
        : client(new PresenceClient(shortOptions())), session(client)
    {
        client->setParent(&session);
        client->setUrl(url);
    }
    bool openAndJoin(const QString &name)
    {
        client->open();
        if (!TestUtil::waitUntil([this] { return client->status() == ConnectionStatus::Online; }, 8000))
            return false;
        room = session.join(name);
        memberTester = std::make_unique<QAbstractItemModelTester>(room->members(),
                                                                  QAbstractItemModelTester::FailureReportingMode::QtTest);
        userTester = std::make_unique<QAbstractItemModelTester>(room->users(),
                                                                QAbstractItemModelTester::FailureReportingMode::QtTest);
        return TestUtil::waitUntil([this] { return room->isJoined(); }, 8000);
    }
    QSet<QString> members() const { return toSet(room->members()->connectionIds()); }
};
} // namespace FaultTest
using namespace FaultTest;

class FaultFixture : public QObject
{
protected:
    ServerStack m_stack{twoInstances()};

    QSet<QString> presenceSet(const QString &room) const
    {
        const QByteArray out = m_stack.redis({QStringLiteral("SMEMBERS"), QStringLiteral("rt:presence:room:") + room});
        QSet<QString> ids;
        for (const QByteArray &line : out.split('\n'))
            if (!line.trimmed().isEmpty())
                ids.insert(QString::fromUtf8(line.trimmed()));
        return ids;
    }

    // Converged: alice online under a new id, resynced, and bob's members == Redis's presence
    // set == {bob, alice's new id}.
    bool converged(ClientProbe &alice, const QString &oldId, Observer &bob, const QString &room) const
    {
        const QString now = alice.client.connectionId();
        if (alice.client.status() != ConnectionStatus::Online || now.isEmpty() || now == oldId)
            return false;
        const QSet<QString> expected{now, bob.client->connectionId()};
        return bob.members() == expected && presenceSet(room) == expected;
    }
    QString convergenceReport(ClientProbe &alice, Observer &bob, const QString &room) const
    {
        return QStringLiteral("alice=%1 status=%2 bob=%3 model={%4} redis={%5}")
            .arg(alice.client.connectionId()).arg(int(alice.client.status()))
            .arg(bob.client->connectionId(), describe(bob.members()), describe(presenceSet(room)));
    }
    bool ensureRunning(int instance)
    {
        return m_stack.serverPid(instance) != 0 || m_stack.startServer(instance);
    }

    void ensureBothRunning()
    {
        QVERIFY(ensureRunning(0));
        QVERIFY(ensureRunning(1));
    }
};
