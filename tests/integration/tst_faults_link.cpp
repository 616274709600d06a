// Fault injection on the real stack, link side: a server frozen with SIGSTOP, a TCP path that
// goes silent without closing (TcpProxy), and failover between two instances. Same actors and
// convergence check as tst_faults (faultfixture.h).
#include "faultfixture.h"

#include <QElapsedTimer>
#include <QTest>
#include <csignal>

class tst_FaultsLink : public FaultFixture
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QVERIFY2(m_stack.start(), qPrintable(m_stack.errorString())); }
    void init() { ensureBothRunning(); }
    void cleanup() { m_stack.printLogsIfFailed(); }

    // SIGSTOP past the watchdog, then SIGCONT: alice notices without any TCP error, reconnects
    // once the server answers again, and converges.
    void frozenServerDetectedByWatchdog()
    {
        const QString room = QStringLiteral("faults:frozen");
        Observer bob(m_stack.userUrl(QStringLiteral("bob"), QStringLiteral("Bob"), 1));
        QVERIFY(bob.openAndJoin(room));
        ClientProbe alice(m_stack.userUrl(QStringLiteral("alice"), QStringLiteral("Alice"), 0), shortOptions());
        QVERIFY(alice.openAndWait());
        QVERIFY(await(alice.client.joinRoom(room)).ok);
        const QString oldId = alice.client.connectionId();

        QVERIFY(m_stack.pauseServer(0));
        QTRY_VERIFY_WITH_TIMEOUT(alice.client.status() != ConnectionStatus::Online, kWatchdogDetectMs);
        QVERIFY(m_stack.resumeServer(0));
        QTRY_VERIFY2_WITH_TIMEOUT(converged(alice, oldId, bob, room), qPrintable(convergenceReport(alice, bob, room)),
                                  kReconnectMs + kGhostExpiryMs);
    }

    // A path that goes silent without closing (Wi-Fi gone): no FIN, no RST, just nothing.
    void silentPathDetectedByWatchdog()
    {
        const QString room = QStringLiteral("faults:silent");
        Observer bob(m_stack.userUrl(QStringLiteral("bob"), QStringLiteral("Bob"), 1));
        QVERIFY(bob.openAndJoin(room));
        TcpProxy proxy(m_stack.serverPort(0));
        QVERIFY(proxy.listen());
        QUrl url = m_stack.userUrl(QStringLiteral("alice"), QStringLiteral("Alice"), 0);
        url.setPort(proxy.port());
        ClientProbe alice(url, shortOptions());
        QVERIFY(alice.openAndWait());
        QVERIFY(await(alice.client.joinRoom(room)).ok);
        const QString oldId = alice.client.connectionId();

        proxy.setSilent(true);
        QTRY_VERIFY_WITH_TIMEOUT(alice.client.status() != ConnectionStatus::Online, kWatchdogDetectMs);
        proxy.dropAll(); // the stale pair; the path works again for new connections
        proxy.setSilent(false);
        QTRY_VERIFY2_WITH_TIMEOUT(converged(alice, oldId, bob, room), qPrintable(convergenceReport(alice, bob, room)),
                                  kReconnectMs + kGhostExpiryMs);
    }

    // urls {instance 0, instance 1}: instance 0 dies for good, alice moves to instance 1.
    void failoverToSecondInstance()
    {
        const QString room = QStringLiteral("faults:failover");
        Observer bob(m_stack.userUrl(QStringLiteral("bob"), QStringLiteral("Bob"), 1));
        QVERIFY(bob.openAndJoin(room));
        ClientProbe alice(m_stack.userUrl(QStringLiteral("alice"), QStringLiteral("Alice"), 0), shortOptions());
        alice.client.setUrls({m_stack.userUrl(QStringLiteral("alice"), QStringLiteral("Alice"), 0),
                              m_stack.userUrl(QStringLiteral("alice"), QStringLiteral("Alice"), 1)});
        QVERIFY(alice.openAndWait());
        QVERIFY(await(alice.client.joinRoom(room)).ok);
        const QString oldId = alice.client.connectionId();

        QVERIFY(m_stack.killServer(0));
        QTRY_VERIFY2_WITH_TIMEOUT(converged(alice, oldId, bob, room), qPrintable(convergenceReport(alice, bob, room)),
                                  kReconnectMs + kGhostExpiryMs);
        // Proof of where she is: instance 0 is still down.
        QCOMPARE(m_stack.serverPid(0), 0);
    }

};

QTEST_GUILESS_MAIN(tst_FaultsLink)
#include "tst_faults_link.moc"
