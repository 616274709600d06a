// Chat across a broken link, on the real stack with Sessions (Room/MessageModel): a message
// is never lost and never duplicated. Written while offline, it waits in the client's queue
// and is delivered exactly once after the resync; in flight when the link dies, its row is
// marked failed (with the error) and retryMessage() delivers it exactly once, even when the
// server had already stored it before the reply was lost (the server dedupes chat:send by
// clientId). "Exactly once" is checked on the sender's rows, the peer's rows and the server's
// history list in Redis (rt:history:chat:<room>).
#include "clientprobe.h"
#include "serverstack.h"
#include "session.h"
#include "tcpproxy.h"

#include <QAbstractItemModelTester>
#include <QTest>
#include <memory>

using namespace Hallway;

namespace {
constexpr int kPingTimeoutMs = 1500;                            // server pings every 1000 ms
constexpr int kWatchdogDetectMs = 2 * kPingTimeoutMs + 1500;    // 2 ticks + slack
constexpr int kReconnectMs = 10000;                             // retry 0.5–1 s, node start, resync
constexpr int kDeliverMs = 5000;                                // a live message reaching the peer

ConnectionOptions shortOptions()
{
    ConnectionOptions o;
    o.pingTimeoutMs = kPingTimeoutMs;
    o.reconnectMaxMs = 1000;
    o.connectTimeoutMs = 2000;
    o.commandTimeoutMs = 15000; // longer than any offline spell below: queued, not timed out
    return o;
}

struct Person {
    PresenceClient *client;
    Session session;
    Room *room = nullptr;
    std::unique_ptr<QAbstractItemModelTester> tester;

    explicit Person(const QUrl &url) : client(new PresenceClient(shortOptions())), session(client)
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
        tester = std::make_unique<QAbstractItemModelTester>(room->messages(),
                                                            QAbstractItemModelTester::FailureReportingMode::QtTest);
        return TestUtil::waitUntil([this] { return room->isJoined(); }, 8000);
    }
    int rowsWithText(const QString &text) const
    {
        int n = 0;
        for (int i = 0; i < room->messages()->count(); ++i)
            n += room->messages()->at(i).kind == QLatin1String("message") && room->messages()->at(i).text == text;
        return n;
    }
    const MessageModel::Message *row(const QString &localId) const
    {
        const int r = room->messages()->rowOfLocal(localId);
        return r < 0 ? nullptr : &room->messages()->at(r);
    }
    bool delivered(const QString &localId) const
    {
        const auto *m = row(localId);
        return m && !m->pending && !m->failed && !m->messageId.isEmpty();
    }
};
} // namespace

class tst_ChatOffline : public QObject
{
    Q_OBJECT
    ServerStack m_stack;

    int historyCount(const QString &room, const QString &text) const
    {
        const QByteArray out = m_stack.redis({QStringLiteral("LRANGE"), QStringLiteral("rt:history:chat:") + room,
                                              QStringLiteral("0"), QStringLiteral("-1")});
        int n = 0;
        for (const QByteArray &line : out.split('\n'))
            n += line.contains(("\"text\":\"" + text + "\"").toUtf8());
        return n;
    }
    QUrl url(const QString &user) const { return m_stack.userUrl(user, user.left(1).toUpper() + user.mid(1)); }

private Q_SLOTS:
    void initTestCase() { QVERIFY2(m_stack.start(), qPrintable(m_stack.errorString())); }
    void init()
    {
        if (m_stack.serverPid(0) == 0)
            QVERIFY(m_stack.startServer(0));
    }
    void cleanup() { m_stack.printLogsIfFailed(); }

    // Written while the server is down: pending, then delivered exactly once after the resync.
    void writtenOfflineDeliveredOnce()
    {
        const QString name = QStringLiteral("offline-queue");
        const QString text = QStringLiteral("written while offline");
        Person alice(url(QStringLiteral("alice"))), bob(url(QStringLiteral("bob")));
        QVERIFY(alice.openAndJoin(name) && bob.openAndJoin(name));

        QVERIFY(m_stack.killServer(0));
        QTRY_VERIFY_WITH_TIMEOUT(alice.client->status() != ConnectionStatus::Online, kWatchdogDetectMs);
        const QString localId = alice.room->sendMessage(text);
        QVERIFY(!localId.isEmpty());
        QVERIFY(alice.row(localId)->pending);

        QVERIFY(m_stack.startServer(0));
        QTRY_VERIFY_WITH_TIMEOUT(alice.delivered(localId), kReconnectMs);
        QTRY_COMPARE_WITH_TIMEOUT(bob.rowsWithText(text), 1, kReconnectMs + kDeliverMs);
        QCOMPARE(alice.rowsWithText(text), 1);
        QCOMPARE(historyCount(name, text), 1);
    }

    // In flight on a path that goes silent: never reaches the server; the link is dropped for
    // it, and the message (a connection failure, room.h "Outbox") is sent again by itself
    // after the reconnect: it never turns "Not sent", and arrives exactly once.
    void inFlightIsResentByItselfOnce()
    {
        const QString name = QStringLiteral("offline-inflight");
        const QString text = QStringLiteral("lost on the way");
        TcpProxy proxy(m_stack.serverPort(0));
        QVERIFY(proxy.listen());
        QUrl viaProxy = url(QStringLiteral("alice"));
        viaProxy.setPort(proxy.port());
        Person alice(viaProxy), bob(url(QStringLiteral("bob")));
        QVERIFY(alice.openAndJoin(name) && bob.openAndJoin(name));

        proxy.setSilent(true);
        const QString localId = alice.room->sendMessage(text);
        QTRY_VERIFY_WITH_TIMEOUT(alice.client->status() != ConnectionStatus::Online, kWatchdogDetectMs);
        QVERIFY(alice.row(localId)->pending);
        QVERIFY(!alice.row(localId)->failed);
        QCOMPARE(historyCount(name, text), 0);

        proxy.dropAll();
        proxy.setSilent(false);
        QTRY_VERIFY_WITH_TIMEOUT(alice.delivered(localId), kReconnectMs + kDeliverMs);
        QVERIFY(!alice.row(localId)->failed);
        QTRY_COMPARE_WITH_TIMEOUT(bob.rowsWithText(text), 1, kDeliverMs);
        QCOMPARE(alice.rowsWithText(text), 1);
        QCOMPARE(historyCount(name, text), 1);
    }

    // The server stored it, but the reply was lost with the link: the message is sent again by
    // itself after the reconnect (same clientId) and answered as a duplicate: still one row
    // everywhere, one entry in history, and it never shows "Not sent".
    void replyLostRetryIsDeduplicated()
    {
        const QString name = QStringLiteral("offline-replylost");
        const QString text = QStringLiteral("stored but unanswered");
        TcpProxy proxy(m_stack.serverPort(0));
        QVERIFY(proxy.listen());
        QUrl viaProxy = url(QStringLiteral("alice"));
        viaProxy.setPort(proxy.port());
        Person alice(viaProxy), bob(url(QStringLiteral("bob")));
        QVERIFY(alice.openAndJoin(name) && bob.openAndJoin(name));

        // Freeze the server, send (the frame crosses the proxy into the server's socket
        // buffer), then cut the path back and let the server run: it stores the message and
        // answers into the void.
        QVERIFY(m_stack.pauseServer(0));
        const QString localId = alice.room->sendMessage(text);
        QTest::qWait(300); // lets the proxy forward the frame; not an assertion
        proxy.setSilent(true);
        QVERIFY(m_stack.resumeServer(0));
        QTRY_COMPARE_WITH_TIMEOUT(historyCount(name, text), 1, kDeliverMs);
        QTRY_VERIFY_WITH_TIMEOUT(alice.client->status() != ConnectionStatus::Online, kWatchdogDetectMs);
        QVERIFY(!alice.row(localId)->failed);

        proxy.dropAll();
        proxy.setSilent(false);
        QTRY_VERIFY_WITH_TIMEOUT(alice.delivered(localId), kReconnectMs + kDeliverMs);
        QVERIFY(!alice.row(localId)->failed);
        QCOMPARE(alice.rowsWithText(text), 1);
        QTRY_COMPARE_WITH_TIMEOUT(bob.rowsWithText(text), 1, kDeliverMs);
        QCOMPARE(historyCount(name, text), 1);
    }
};

QTEST_GUILESS_MAIN(tst_ChatOffline)
#include "tst_chat_offline.moc"
