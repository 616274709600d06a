// Connection against an in-process fake server (QWebSocketServer): the handshake gate, reply
// correlation, errors, timeouts, heartbeat, watchdog, size limits, failover, countdown, auth.
#include "connection.h"
#include "testutil.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QWebSocket>
#include <QWebSocketServer>

using Hallway::Connection;
using Hallway::ConnectionOptions;
using Hallway::RtError;

namespace {

class FakeServer : public QObject
{
public:
    QWebSocketServer server{QStringLiteral("fake"), QWebSocketServer::NonSecureMode};
    QList<QWebSocket *> sockets;
    QList<QJsonObject> received;
    QList<QNetworkRequest> requests;
    bool autoAssign = true;

    explicit FakeServer(quint16 port = 0)
    {
        server.listen(QHostAddress::LocalHost, port);
        connect(&server, &QWebSocketServer::newConnection, this, [this] {
            while (QWebSocket *s = server.nextPendingConnection()) {
                sockets << s;
                requests << s->request();
                connect(s, &QWebSocket::textMessageReceived, this, [this](const QString &t) {
                    received << QJsonDocument::fromJson(t.toUtf8()).object();
                });
                if (autoAssign)
                    assign(s);
            }
        });
    }
    QUrl url() const { return QUrl(QStringLiteral("ws://127.0.0.1:%1/?user=a&token=sekrit").arg(server.serverPort())); }
    QWebSocket *last() const { return sockets.isEmpty() ? nullptr : sockets.last(); }
    void assign(QWebSocket *s)
    {
        s->sendTextMessage(QStringLiteral(R"({"command":"rt/assign-id","payload":"id-%1"})").arg(sockets.indexOf(s) + 1));
    }
    void send(const QString &text) { last()->sendTextMessage(text); }
    void reply(int id, const QString &command, const QJsonValue &payload)
    {
        QJsonObject o{{QStringLiteral("id"), id}, {QStringLiteral("command"), command}, {QStringLiteral("payload"), payload}};
        last()->sendTextMessage(QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact)));
    }
    QJsonObject find(const QString &command) const
    {
        for (const QJsonObject &o : received)
            if (o.value(QStringLiteral("command")).toString() == command)
                return o;
        return {};
    }
};

struct Result {
    bool done = false;
    QJsonValue value;
    RtError error;
    Connection::ResultFn fn()
    {
        return [this](const QJsonValue &v, const RtError &e) { done = true; value = v; error = e; };
    }
};

ConnectionOptions fastOptions()
{
    ConnectionOptions o;
    o.reconnectFirstMinMs = 50;
    o.reconnectFirstMaxMs = 100;
    o.reconnectMaxMs = 200;
    o.connectTimeoutMs = 2000;
    return o;
}

} // namespace

class tst_Connection : public QObject
{
    Q_OBJECT
    bool online(Connection &c) { return TestUtil::waitUntil([&] { return c.status() == Connection::Status::Online; }); }

private Q_SLOTS:
    void waitsForAssignIdThenSends()
    {
        FakeServer fake;
        fake.autoAssign = false;
        Connection c(fastOptions());
        c.setUrls({fake.url()});
        Result r;
        c.request(QStringLiteral("rt/noop"), QJsonObject(), r.fn());
        c.open();
        QCOMPARE(c.status(), Connection::Status::Connecting);
        QVERIFY(TestUtil::waitUntil([&] { return fake.last() != nullptr; }));
        QTest::qWait(100); // a fixed window on purpose: nothing may be sent in it
        QVERIFY(fake.received.isEmpty()); // nothing before rt/assign-id
        fake.assign(fake.last());
        QVERIFY(online(c));
        QCOMPARE(c.connectionId(), QStringLiteral("id-1"));
        QVERIFY(TestUtil::waitUntil([&] { return !fake.find(QStringLiteral("rt/noop")).isEmpty(); }));
        const QJsonObject sent = fake.find(QStringLiteral("rt/noop"));
        QVERIFY(sent.value(QStringLiteral("id")).toInt() > 0);
        QVERIFY(sent.value(QStringLiteral("payload")).isObject());
        fake.reply(sent.value(QStringLiteral("id")).toInt(), QStringLiteral("rt/noop"), true);
        QVERIFY(TestUtil::waitUntil([&] { return r.done; }));
        QCOMPARE(r.value, QJsonValue(true));
    }

    void repliesOutOfOrderAndErrors()
    {
        FakeServer fake;
        Connection c(fastOptions());
        c.setUrls({fake.url()});
        QSignalSpy pushes(&c, &Connection::pushReceived);
        c.open();
        QVERIFY(online(c));
        Result a, b, e;
        const qint64 ida = c.request(QStringLiteral("slow"), QJsonObject(), a.fn());
        const qint64 idb = c.request(QStringLiteral("rt/noop"), QJsonObject(), b.fn());
        const qint64 ide = c.request(QStringLiteral("nope"), QJsonObject(), e.fn());
        QVERIFY(TestUtil::waitUntil([&] { return fake.received.size() == 3; }));
        fake.reply(int(idb), QStringLiteral("rt/noop"), QStringLiteral("second"));
        fake.reply(int(ide), QStringLiteral("nope"), QJsonObject{{QStringLiteral("error"), QStringLiteral("Command \"nope\" not found")},
                                                                  {QStringLiteral("code"), QStringLiteral("ENOTFOUND")},
                                                                  {QStringLiteral("name"), QStringLiteral("CommandError")}});
        fake.reply(int(ida), QStringLiteral("slow"), QStringLiteral("first"));
        fake.reply(99999, QStringLiteral("rt/noop"), true); // unknown id: neither a reply nor a push
        QVERIFY(TestUtil::waitUntil([&] { return a.done && b.done && e.done; }));
        QCOMPARE(a.value.toString(), QStringLiteral("first"));
        QCOMPARE(b.value.toString(), QStringLiteral("second"));
        QCOMPARE(e.error.code, QStringLiteral("ENOTFOUND"));
        QVERIFY(a.error.isNull());
        fake.send(QStringLiteral(R"({"command":"announce","payload":{"text":"hi"}})"));
        QVERIFY(TestUtil::waitUntil([&] { return pushes.count() == 1; }));
        QCOMPARE(pushes.first().at(0).toString(), QStringLiteral("announce")); // the stray reply was not a push
    }

    // SuccessOnly: a success reply in the server's own shape settles without a parse (its big
    // member list is never read); any other reply to such a request takes the full path.
    void successOnlyReplies()
    {
        FakeServer fake;
        Connection c(fastOptions());
        c.setUrls({fake.url()});
        QSignalSpy errors(&c, &Connection::errorOccurred);
        c.open();
        QVERIFY(online(c));
        Result ok, refused, broken, plain;
        const auto flags = Connection::SuccessOnly;
        const qint64 idOk = c.request(QStringLiteral("rt/join-room"), QJsonObject(), ok.fn(), flags);
        const qint64 idRefused = c.request(QStringLiteral("rt/join-room"), QJsonObject(), refused.fn(), flags);
        const qint64 idBroken = c.request(QStringLiteral("rt/join-room"), QJsonObject(), broken.fn(), flags);
        const qint64 idPlain = c.request(QStringLiteral("rt/join-room"), QJsonObject(), plain.fn());
        QVERIFY(TestUtil::waitUntil([&] { return fake.received.size() == 4; }));
        // Valid JSON in the exact server shape, with a member list we never look at.
        fake.send(QStringLiteral(R"({"id":%1,"command":"rt/join-room","payload":{"success":true,"present":[{"id":"x","metadata":{"userId":"u"}}]}})").arg(idOk));
        fake.reply(int(idRefused), QStringLiteral("rt/join-room"), QJsonObject{{QStringLiteral("success"), false}});
        // Not the server's shape (and not JSON): parsed, rejected as malformed, still pending.
        fake.send(QStringLiteral(R"({"id":%1, "command":"rt/join-room","payload":{"success":true,)").arg(idBroken));
        fake.send(QStringLiteral(R"({"id":%1,"command":"rt/join-room","payload":{"success":true,"present":[]}})").arg(idPlain));
        QVERIFY(TestUtil::waitUntil([&] { return ok.done && refused.done && plain.done && !errors.isEmpty(); }));
        QCOMPARE(ok.value.toObject(), (QJsonObject{{QStringLiteral("success"), true}}));
        QVERIFY(ok.error.isNull());
        QCOMPARE(refused.value.toObject().value(QStringLiteral("success")), QJsonValue(false));
        QCOMPARE(plain.value.toObject().value(QStringLiteral("present")).toArray().size(), 0); // parsed whole
        QCOMPARE(errors.first().at(0).toString(), QStringLiteral("EBADFRAME"));
        QVERIFY(!broken.done);
        QCOMPARE(c.status(), Connection::Status::Online);
    }

    void timesOut()
    {
        FakeServer fake;
        Connection c(fastOptions());
        c.setUrls({fake.url()});
        c.open();
        QVERIFY(online(c));
        Result r;
        c.request(QStringLiteral("never"), QJsonObject(), r.fn(), Connection::NoFlags, 150);
        QVERIFY(TestUtil::waitUntil([&] { return r.done; }, 2000));
        QCOMPARE(r.error.code, QStringLiteral("ETIMEOUT"));
        QCOMPARE(c.pendingCount(), 0);
    }

    void queuedOfflineTimesOut()
    {
        Connection c(fastOptions());
        Result r;
        c.request(QStringLiteral("rt/noop"), QJsonObject(), r.fn(), Connection::NoFlags, 100);
        QVERIFY(TestUtil::waitUntil([&] { return r.done; }, 2000));
        QCOMPARE(r.error.code, QStringLiteral("ETIMEOUT"));
    }

    void heartbeat()
    {
        FakeServer fake;
        Connection c(fastOptions());
        c.setUrls({fake.url()});
        QSignalSpy latency(&c, &Connection::latencyChanged);
        c.open();
        QVERIFY(online(c));
        fake.send(QStringLiteral(R"({"command":"ping","payload":{}})"));
        fake.send(QStringLiteral(R"({"command":"latency","payload":17})"));
        fake.send(QStringLiteral(R"({"command":"latency:request","payload":{}})"));
        QVERIFY(TestUtil::waitUntil([&] {
            return !fake.find(QStringLiteral("pong")).isEmpty() && !fake.find(QStringLiteral("latency:response")).isEmpty();
        }));
        QCOMPARE(fake.find(QStringLiteral("pong")), (QJsonObject{{QStringLiteral("command"), QStringLiteral("pong")},
                                                              {QStringLiteral("payload"), QJsonObject()}}));
        QVERIFY(TestUtil::waitUntil([&] { return c.latency() == 17; }));
        QCOMPARE(latency.count(), 1);
    }

    void malformedAndBinaryFrames()
    {
        FakeServer fake;
        Connection c(fastOptions());
        c.setUrls({fake.url()});
        QSignalSpy errors(&c, &Connection::errorOccurred);
        c.open();
        QVERIFY(online(c));
        fake.send(QStringLiteral("this is not json"));
        fake.send(QStringLiteral(R"({"id":{},"command":"x"})"));
        QVERIFY(TestUtil::waitUntil([&] { return errors.count() == 2; }));
        QCOMPARE(errors.at(0).at(0).toString(), QStringLiteral("EBADFRAME"));
        QCOMPARE(c.status(), Connection::Status::Online); // the connection stays
        Result r;
        const qint64 id = c.request(QStringLiteral("rt/noop"), QJsonObject(), r.fn());
        QVERIFY(TestUtil::waitUntil([&] { return !fake.find(QStringLiteral("rt/noop")).isEmpty(); }));
        fake.last()->sendBinaryMessage(QStringLiteral(R"({"id":%1,"command":"rt/noop","payload":true})").arg(id).toUtf8());
        QVERIFY(TestUtil::waitUntil([&] { return r.done; }));
        QCOMPARE(r.value, QJsonValue(true));
    }

    void sizeLimits()
    {
        FakeServer fake;
        ConnectionOptions o = fastOptions();
        o.maxFrameBytes = 1000;
        o.maxOutgoingBytes = 200;
        Connection c(o);
        c.setUrls({fake.url()});
        QSignalSpy errors(&c, &Connection::errorOccurred);
        c.open();
        QVERIFY(online(c));
        Result big;
        c.request(QStringLiteral("x"), QJsonObject{{QStringLiteral("t"), QString(500, QLatin1Char('a'))}}, big.fn());
        QVERIFY(TestUtil::waitUntil([&] { return big.done; }));
        QCOMPARE(big.error.code, QStringLiteral("ETOOLARGE"));
        QVERIFY(fake.find(QStringLiteral("x")).isEmpty());

        fake.send(QStringLiteral(R"({"command":"x","payload":"%1"})").arg(QString(3000, QLatin1Char('b'))));
        QVERIFY(TestUtil::waitUntil([&] {
            for (const auto &e : errors)
                if (e.at(0).toString() == QLatin1String("ETOOLARGE"))
                    return true;
            return false;
        }));
        QCOMPARE(c.errorCode(), QStringLiteral("ETOOLARGE"));
        QVERIFY(TestUtil::waitUntil([&] { return fake.sockets.size() == 2 && c.status() == Connection::Status::Online; }, 5000));
        QCOMPARE(c.connectionId(), QStringLiteral("id-2")); // and it reconnected
    }

    void watchdogReconnects()
    {
        FakeServer fake;
        ConnectionOptions o = fastOptions();
        o.pingTimeoutMs = 150;
        o.maxMissedPings = 1;
        Connection c(o);
        c.setUrls({fake.url()});
        QSignalSpy disconnected(&c, &Connection::disconnected);
        c.open();
        QVERIFY(online(c));
        QElapsedTimer t;
        t.start();
        QVERIFY(TestUtil::waitUntil([&] { return disconnected.count() == 1; }, 3000));
        QVERIFY2(t.elapsed() >= 250, qPrintable(QString::number(t.elapsed()))); // two silent ticks
        QVERIFY(TestUtil::waitUntil([&] { return fake.sockets.size() == 2 && c.status() == Connection::Status::Online; }));
    }

    void pingsKeepItAlive()
    {
        FakeServer fake;
        ConnectionOptions o = fastOptions();
        o.pingTimeoutMs = 150;
        Connection c(o);
        c.setUrls({fake.url()});
        QSignalSpy disconnected(&c, &Connection::disconnected);
        c.open();
        QVERIFY(online(c));
        QTimer pinger;
        connect(&pinger, &QTimer::timeout, this, [&] { fake.send(QStringLiteral(R"({"command":"ping","payload":{}})")); });
        pinger.start(60);
        int pongs = 0;
        QVERIFY(TestUtil::waitUntil([&] {
            pongs = 0;
            for (const auto &r : fake.received)
                pongs += r.value(QStringLiteral("command")).toString() == QLatin1String("pong");
            return pongs >= 10; // ~600 ms, four watchdog periods
        }));
        QCOMPARE(disconnected.count(), 0);
        QCOMPARE(fake.sockets.size(), 1);
    }

    void failoverAndResend()
    {
        QTcpServer dead; // takes a port, then closes it: connecting there is refused
        dead.listen(QHostAddress::LocalHost, 0);
        const QUrl deadUrl(QStringLiteral("ws://127.0.0.1:%1/").arg(dead.serverPort()));
        dead.close();
        FakeServer fake;
        Connection c(fastOptions());
        c.setUrls({deadUrl, fake.url()});
        c.open();
        QVERIFY(TestUtil::waitUntil([&] { return c.status() == Connection::Status::Reconnecting; }));
        QVERIFY(online(c));
        QCOMPARE(c.currentUrl(), fake.url());

        // In flight when the link drops: resendable requests go again, others fail.
        Result keep, lose;
        c.request(QStringLiteral("keep"), QJsonObject(), keep.fn(), Connection::Resendable);
        c.request(QStringLiteral("lose"), QJsonObject(), lose.fn());
        QVERIFY(TestUtil::waitUntil([&] { return fake.received.size() == 2; }));
        fake.received.clear();
        fake.last()->abort();
        QVERIFY(TestUtil::waitUntil([&] { return lose.done; }));
        QCOMPARE(lose.error.code, QStringLiteral("ECONNLOST"));
        QVERIFY(TestUtil::waitUntil([&] { return !fake.find(QStringLiteral("keep")).isEmpty(); }, 5000));
        QVERIFY(fake.find(QStringLiteral("lose")).isEmpty());
        fake.reply(fake.find(QStringLiteral("keep")).value(QStringLiteral("id")).toInt(), QStringLiteral("keep"), 1);
        QVERIFY(TestUtil::waitUntil([&] { return keep.done; }));
        QVERIFY(keep.error.isNull());
    }

    void countdownAndRetryNow()
    {
        QTcpServer probe;
        probe.listen(QHostAddress::LocalHost, 0);
        const quint16 port = probe.serverPort();
        probe.close();
        ConnectionOptions o = fastOptions();
        o.reconnectFirstMinMs = 4000;
        o.reconnectFirstMaxMs = 4000;
        o.reconnectMaxMs = 8000;
        Connection c(o);
        c.setUrls({QUrl(QStringLiteral("ws://127.0.0.1:%1/").arg(port))});
        c.open();
        QVERIFY(TestUtil::waitUntil([&] { return c.status() == Connection::Status::Reconnecting && c.nextRetryIn() > 0; }));
        QCOMPARE(c.nextRetryIn(), 4);
        QVERIFY(TestUtil::waitUntil([&] { return c.nextRetryIn() == 3; }, 2500)); // ticks each second
        FakeServer fake(port);
        QVERIFY(fake.server.isListening());
        c.retryNow();
        QVERIFY(TestUtil::waitUntil([&] { return c.status() == Connection::Status::Online; }, 2000));
        QCOMPARE(c.nextRetryIn(), 0);
    }

    void readyGate()
    {
        FakeServer fake;
        Connection c(fastOptions());
        c.setAutoReady(false);
        c.setUrls({fake.url()});
        Result queued, priority;
        c.open();
        QVERIFY(online(c));
        c.request(QStringLiteral("queued"), QJsonObject(), queued.fn());
        c.request(QStringLiteral("priority"), QJsonObject(), priority.fn(), Connection::Priority);
        QVERIFY(TestUtil::waitUntil([&] { return !fake.find(QStringLiteral("priority")).isEmpty(); }));
        QVERIFY(fake.find(QStringLiteral("queued")).isEmpty());
        c.markReady();
        QVERIFY(TestUtil::waitUntil([&] { return !fake.find(QStringLiteral("queued")).isEmpty(); }));
        QCOMPARE(fake.received.last().value(QStringLiteral("command")).toString(), QStringLiteral("queued"));
    }

    void bearerTokenAndClose()
    {
        FakeServer fake;
        ConnectionOptions o = fastOptions();
        o.bearerToken = QStringLiteral("sekrit");
        Connection c(o);
        c.setUrls({fake.url()});
        c.open();
        QVERIFY(online(c));
        QCOMPARE(fake.requests.first().rawHeader("Authorization"), QByteArray("Bearer sekrit"));
        c.close();
        QCOMPARE(c.status(), Connection::Status::Offline);
        QVERIFY(c.connectionId().isEmpty());
        Result r;
        c.request(QStringLiteral("rt/noop"), QJsonObject(), r.fn(), Connection::NoFlags, 100);
        QVERIFY(TestUtil::waitUntil([&] { return r.done; }));
        QCOMPARE(fake.sockets.size(), 1); // closed means closed: no reconnect
    }

    void authRefusalStopsRetrying()
    {
        QTcpServer http;
        http.listen(QHostAddress::LocalHost, 0);
        int connections = 0;
        connect(&http, &QTcpServer::newConnection, this, [&] {
            QTcpSocket *s = http.nextPendingConnection();
            ++connections;
            connect(s, &QTcpSocket::readyRead, s, [s] {
                s->readAll();
                s->write("HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                s->disconnectFromHost();
            });
        });
        Connection c(fastOptions());
        c.setUrls({QUrl(QStringLiteral("ws://127.0.0.1:%1/?token=sekrit").arg(http.serverPort()))});
        QSignalSpy errors(&c, &Connection::errorOccurred);
        c.open();
        QVERIFY(TestUtil::waitUntil([&] { return c.errorCode() == QLatin1String("EAUTH"); }));
        QVERIFY(TestUtil::waitUntil([&] { return c.status() == Connection::Status::Offline; }));
        QCOMPARE(c.nextRetryIn(), 0);
        QVERIFY(c.errorString().contains(QStringLiteral("401")));
        QVERIFY(!c.errorString().contains(QStringLiteral("sekrit")));
        QTest::qWait(300); // well beyond the 50–100 ms first retry
        QCOMPARE(connections, 1);
    }
};

QTEST_GUILESS_MAIN(tst_Connection)
#include "tst_connection.moc"
