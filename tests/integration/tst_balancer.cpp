// Three server instances behind a real HAProxy, configured by packaging/deploy/haproxy-config.sh
// as in production: every client connects through the balancer and stays on the instance it
// landed on (found from the server logs). One instance is killed (SIGKILL) or stopped
// (SIGTERM); its clients must come back through the balancer on the survivors, and every
// peer's member list must equal the room's presence set in Redis: one consistent room.
// Also: wss:// through HAProxy with a throwaway CA (the library's caFile, and hallway-cli
// --ca-file). Bounds are generous; timing never decides pass/fail beyond them.
#include "faultfixture.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

namespace {
// Back online through the balancer after losing an instance: the client notices the closed
// socket (at once) or the silence (watchdog), retries with backoff while HAProxy takes the dead
// instance out (two failed checks, or the first refused connection), then resyncs; a crashed
// instance's ghosts leave once their presence keys expire.
constexpr int kConvergeMs = kReconnectMs + kGhostExpiryMs + 10000;
constexpr int kPeers = 6;

ServerStack::Options balancedStack()
{
    ServerStack::Options o;
    o.instances = 3;
    o.balancer = true;
    o.shutdownGraceMs = kShutdownGraceMs;
    return o;
}
} // namespace

class tst_Balancer : public QObject
{
    Q_OBJECT

    ServerStack m_stack{balancedStack()};
    std::vector<std::unique_ptr<Observer>> m_peers;

    QSet<QString> presenceSet(const QString &room) const
    {
        QSet<QString> ids;
        const QByteArray out = m_stack.redis({QStringLiteral("SMEMBERS"), QStringLiteral("rt:presence:room:") + room});
        for (const QByteArray &line : out.split('\n'))
            if (!line.trimmed().isEmpty())
                ids.insert(QString::fromUtf8(line.trimmed()));
        return ids;
    }

    // Every peer online, and each one's member list == Redis's presence set == everyone's ids.
    bool oneConsistentRoom(const QString &room) const
    {
        QSet<QString> ids;
        for (const auto &p : m_peers) {
            if (p->client->status() != ConnectionStatus::Online || p->client->connectionId().isEmpty())
                return false;
            ids.insert(p->client->connectionId());
        }
        if (presenceSet(room) != ids)
            return false;
        for (const auto &p : m_peers)
            if (p->members() != ids)
                return false;
        return true;
    }

    QString report(const QString &room) const
    {
        QString out = QStringLiteral("redis={%1}").arg(describe(presenceSet(room)));
        for (size_t i = 0; i < m_peers.size(); ++i) {
            const Observer &p = *m_peers[i];
            out += QStringLiteral("\n peer%1 id=%2 instance=%3 status=%4 members={%5}")
                       .arg(i).arg(p.client->connectionId()).arg(m_stack.instanceOf(p.client->connectionId()))
                       .arg(int(p.client->status())).arg(describe(p.members()));
        }
        return out;
    }

    // kPeers people join `room` through the balancer; returns the instance each one is on.
    QList<int> joinPeers(const QString &room)
    {
        m_peers.clear();
        QList<int> where;
        for (int i = 0; i < kPeers; ++i) {
            auto peer = std::make_unique<Observer>(
                m_stack.userUrl(QStringLiteral("peer%1").arg(i), QStringLiteral("Peer %1").arg(i), ServerStack::kBalancer));
            if (!peer->openAndJoin(room))
                return {};
            where << m_stack.instanceOf(peer->client->connectionId());
            m_peers.push_back(std::move(peer));
        }
        return where;
    }

    // Joins the peers through the balancer, waits for one consistent room, and picks the
    // instance holding peer0 as the victim: where each peer landed, and the ids that will move.
    void joinAndPickVictim(const QString &room, QList<int> *where, int *victim, QStringList *movedOld)
    {
        *where = joinPeers(room);
        QCOMPARE(where->size(), kPeers);
        QTRY_VERIFY2_WITH_TIMEOUT(oneConsistentRoom(room), qPrintable(report(room)), 10000);
        *victim = where->at(0);
        QVERIFY(*victim >= 0);
        QVERIFY2(where->count(*victim) < kPeers, "every peer landed on one instance");
        for (int i = 0; i < kPeers; ++i)
            if (where->at(i) == *victim)
                *movedOld << m_peers[i]->client->connectionId();
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY2(m_stack.start(), qPrintable(m_stack.errorString())); }
    void init()
    {
        for (int i = 0; i < m_stack.instanceCount(); ++i)
            QVERIFY(m_stack.serverPid(i) != 0 || m_stack.startServer(i));
    }
    void cleanup()
    {
        m_stack.printLogsIfFailed();
        if (QTest::currentTestFailed())
            qWarning().noquote() << report(QStringLiteral("balancer:crash")) << '\n'
                                 << report(QStringLiteral("balancer:graceful"));
        m_peers.clear();
    }

    // leastconn spreads people over all three instances; none of them is refused.
    void balancerSpreadsConnections()
    {
        const QString room = QStringLiteral("balancer:spread");
        const QList<int> where = joinPeers(room);
        QCOMPARE(where.size(), kPeers);
        QVERIFY2(!where.contains(-1), qPrintable(report(room)));
        QCOMPARE(QSet<int>(where.cbegin(), where.cend()), (QSet<int>{0, 1, 2}));
        const QList<int> counts = m_stack.connectionCounts();
        QCOMPARE(counts.size(), 3);
        for (int i = 0; i < 3; ++i)
            QTRY_COMPARE_WITH_TIMEOUT(m_stack.connectionCounts().value(i), int(where.count(i)), 5000);
        QTRY_VERIFY2_WITH_TIMEOUT(oneConsistentRoom(room), qPrintable(report(room)), 10000);
    }

    // SIGKILL the instance holding peer0: its clients reconnect through the balancer onto the
    // survivors, the ghosts leave, and everyone sees one room. When it is back, a newcomer
    // through the balancer lands on it (fewest connections) and everyone sees them too.
    void killedInstanceClientsReconnectThroughBalancer()
    {
        const QString room = QStringLiteral("balancer:crash");
        QList<int> where;
        int victim = -1;
        QStringList movedOld;
        joinAndPickVictim(room, &where, &victim, &movedOld);
        if (QTest::currentTestFailed())
            return;

        QVERIFY(m_stack.killServer(victim));
        QTRY_VERIFY2_WITH_TIMEOUT(m_stack.balancerServerStatus(victim).startsWith(QLatin1String("DOWN")),
                                  qPrintable(m_stack.balancerServerStatus(victim)), 10000);
        QTRY_VERIFY2_WITH_TIMEOUT(oneConsistentRoom(room), qPrintable(report(room)), kConvergeMs);
        for (int i = 0; i < kPeers; ++i) {
            const QString id = m_peers[i]->client->connectionId();
            if (where.at(i) == victim) {
                QVERIFY(!movedOld.contains(id));                    // a new connection...
                const int now = m_stack.instanceOf(id);
                QVERIFY2(now >= 0 && now != victim, qPrintable(report(room))); // ...on a survivor
            }
            for (const QString &old : std::as_const(movedOld))
                QVERIFY(!m_peers[i]->members().contains(old));     // no ghost anywhere
        }

        QVERIFY(m_stack.startServer(victim));
        // HAProxy takes it back after two good checks; leastconn then sends the newcomer there.
        QTRY_VERIFY2_WITH_TIMEOUT(m_stack.balancerServerStatus(victim) == QLatin1String("UP"),
                                  qPrintable(m_stack.balancerServerStatus(victim)), 10000);
        auto late = std::make_unique<Observer>(
            m_stack.userUrl(QStringLiteral("late"), QStringLiteral("Late"), ServerStack::kBalancer));
        QVERIFY(late->openAndJoin(room));
        QCOMPARE(m_stack.instanceOf(late->client->connectionId()), victim);
        m_peers.push_back(std::move(late));
        QTRY_VERIFY2_WITH_TIMEOUT(oneConsistentRoom(room), qPrintable(report(room)), 10000);
    }

    // SIGTERM: the instance leaves its people's rooms itself (no ghost waits for a TTL), HAProxy
    // stops sending it anyone, and they reconnect through the balancer elsewhere.
    void gracefulStopMovesClientsThroughBalancer()
    {
        const QString room = QStringLiteral("balancer:graceful");
        QList<int> where;
        int victim = -1;
        QStringList movedOld;
        joinAndPickVictim(room, &where, &victim, &movedOld);
        if (QTest::currentTestFailed())
            return;

        QVERIFY(m_stack.terminateServer(victim));
        // By the time it has exited, it has taken its connections out of the room itself: no
        // ghost waits for a presence TTL.
        const QSet<QString> afterStop = presenceSet(room);
        for (const QString &old : std::as_const(movedOld))
            QVERIFY2(!afterStop.contains(old), qPrintable(old));
        QTRY_VERIFY2_WITH_TIMEOUT(oneConsistentRoom(room), qPrintable(report(room)), kConvergeMs);
        for (int i = 0; i < kPeers; ++i) {
            const int now = m_stack.instanceOf(m_peers[i]->client->connectionId());
            QVERIFY2(now >= 0 && now != victim, qPrintable(report(room)));
        }
    }

    // wss:// through HAProxy (TLS ends there): the library with the throwaway CA as caFile gets
    // online and joins; without it the certificate is refused (ESSL). hallway-cli --ca-file the
    // same, as an operator would check a deployment.
    void tlsThroughBalancer()
    {
        ServerStack::Options o;
        o.balancer = true;
        o.balancerTls = true;
        ServerStack tls(o);
        QVERIFY2(tls.start(), qPrintable(tls.errorString()));
        const QUrl url = tls.userUrl(QStringLiteral("ada"), QStringLiteral("Ada"), ServerStack::kBalancer);
        QCOMPARE(url.scheme(), QStringLiteral("wss"));

        ConnectionOptions trusted = shortOptions();
        trusted.caFile = tls.balancerCaFile();
        ClientProbe ada(url, trusted);
        QVERIFY(ada.openAndWait());
        QVERIFY(await(ada.client.joinRoom(QStringLiteral("tls"))).ok);
        QCOMPARE(tls.instanceOf(ada.client.connectionId()), 0);

        ClientProbe stranger(tls.userUrl(QStringLiteral("eve"), QStringLiteral("Eve"), ServerStack::kBalancer), shortOptions());
        stranger.client.open();
        QTRY_VERIFY_WITH_TIMEOUT(stranger.errors.contains(QStringLiteral("ESSL")), 8000);
        QVERIFY(stranger.client.status() != ConnectionStatus::Online);

        QProcess cli;
        cli.start(QStringLiteral(HALLWAY_CLI),
                  {QStringLiteral("--url"), tls.url(ServerStack::kBalancer).toString(), QStringLiteral("--ca-file"),
                   tls.balancerCaFile(), QStringLiteral("--user"), QStringLiteral("grace"), QStringLiteral("--name"),
                   QStringLiteral("Grace"), QStringLiteral("--join"), QStringLiteral("tls")});
        QVERIFY(cli.waitForStarted(5000));
        // Grace (through hallway-cli) joins; Ada sees her.
        QTRY_VERIFY_WITH_TIMEOUT(ada.events.size() > 0 && [&] {
            for (const PresenceEvent &e : std::as_const(ada.events))
                if (e.type == PresenceEvent::Type::Join && e.room == QStringLiteral("tls")
                    && e.connectionId != ada.client.connectionId())
                    return true;
            return false;
        }(), 10000);
        cli.write("{\"op\":\"quit\"}\n");
        QVERIFY(cli.waitForFinished(10000));
        QCOMPARE(cli.exitCode(), 0);
        const QByteArray out = cli.readAllStandardOutput();
        QVERIFY2(out.contains("\"status\":\"online\""), out.constData());
        tls.printLogsIfFailed();
    }
};

QTEST_GUILESS_MAIN(tst_Balancer)
#include "tst_balancer.moc"
