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
#include <QSignalSpy>
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

        // Cut only the way back: the send reaches the server, which stores the message and
        // answers into the void (and its pings stop reaching alice, so her link drops).
        proxy.setRepliesSilent(true);
        const QString localId = alice.room->sendMessage(text);
        QTRY_COMPARE_WITH_TIMEOUT(historyCount(name, text), 1, kDeliverMs);
        QTRY_VERIFY_WITH_TIMEOUT(alice.client->status() != ConnectionStatus::Online, kWatchdogDetectMs);
        QVERIFY(!alice.row(localId)->failed);

        proxy.dropAll();
        proxy.setRepliesSilent(false);
        QTRY_VERIFY_WITH_TIMEOUT(alice.delivered(localId), kReconnectMs + kDeliverMs);
        QVERIFY(!alice.row(localId)->failed);
        QCOMPARE(alice.rowsWithText(text), 1);
        QTRY_COMPARE_WITH_TIMEOUT(bob.rowsWithText(text), 1, kDeliverMs);
        QCOMPARE(historyCount(name, text), 1);
    }

    // The server's duplicate answer itself, against the real server: the same outbox message
    // (same clientId) sent a second time is answered {duplicate: true} with the first send's id
    // and is neither stored nor published again; the row stays one row. Another user's send with
    // the same clientId is a message of its own (clientIds are per user).
    void sameClientIdTwiceIsAnsweredDuplicate()
    {
        const QString name = QStringLiteral("offline-duplicate");
        const QString text = QStringLiteral("sent twice");
        Person alice(url(QStringLiteral("alice"))), bob(url(QStringLiteral("bob")));
        QVERIFY(alice.openAndJoin(name) && bob.openAndJoin(name));

        QSignalSpy requested(alice.room, &Room::sendRequested);
        const QString localId = alice.room->sendMessage(text);
        QTRY_VERIFY_WITH_TIMEOUT(alice.delivered(localId), kDeliverMs);
        QCOMPARE(requested.size(), 1);
        const QJsonObject payload = requested.first().at(1).toJsonObject();
        QCOMPARE(payload.value(QStringLiteral("clientId")).toString(), localId);
        const QString firstId = alice.row(localId)->messageId;
        QTRY_COMPARE_WITH_TIMEOUT(bob.rowsWithText(text), 1, kDeliverMs);

        // The outbox's payload again, as a resend after a lost reply would send it.
        const Settled again = await(alice.client->command(QStringLiteral("chat:send"), payload));
        QVERIFY2(again.ok, qPrintable(again.error.code + QLatin1Char(' ') + again.error.message));
        const QJsonObject answer = again.value.toObject();
        QCOMPARE(answer.value(QStringLiteral("ok")).toBool(), true);
        QCOMPARE(answer.value(QStringLiteral("duplicate")).toBool(), true);
        QCOMPARE(answer.value(QStringLiteral("id")).toString(), firstId);
        // Settled the way Session settles a send: the row keeps its place and its id.
        alice.room->messageSent(localId, answer);
        QCOMPARE(alice.row(localId)->messageId, firstId);
        QCOMPARE(alice.rowsWithText(text), 1);
        QCOMPARE(historyCount(name, text), 1);

        // Bob's channel is ordered: once a later message has reached him, a republished
        // duplicate would have come first.
        const QString marker = alice.room->sendMessage(QStringLiteral("after the duplicate"));
        QTRY_VERIFY_WITH_TIMEOUT(alice.delivered(marker), kDeliverMs);
        QTRY_COMPARE_WITH_TIMEOUT(bob.rowsWithText(QStringLiteral("after the duplicate")), 1, kDeliverMs);
        QCOMPARE(bob.rowsWithText(text), 1);
        QCOMPARE(alice.rowsWithText(text), 1);

        // The same clientId from bob is not alice's message: stored as a new one.
        QJsonObject bobPayload = payload;
        bobPayload.insert(QStringLiteral("text"), QStringLiteral("bob reuses the id"));
        const Settled bobs = await(bob.client->command(QStringLiteral("chat:send"), bobPayload));
        QVERIFY(bobs.ok);
        QVERIFY(!bobs.value.toObject().value(QStringLiteral("duplicate")).toBool());
        QVERIFY(bobs.value.toObject().value(QStringLiteral("id")).toString() != firstId);
        QCOMPARE(historyCount(name, QStringLiteral("bob reuses the id")), 1);
        QCOMPARE(historyCount(name, text), 1);
    }
};

QTEST_GUILESS_MAIN(tst_ChatOffline)
#include "tst_chat_offline.moc"
