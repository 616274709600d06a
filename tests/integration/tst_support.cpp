// Self-test of the fault-injection pieces in tests/support, with a raw QWebSocket: the TLS
// proxy in front of the real server (trusted CA → online; untrusted → an SSL error), a proxy
// that goes silent, the hostile FaultServer, and ServerStack keeping the event loop running.
#include "clientprobe.h"
#include "faultserver.h"
#include "serverstack.h"
#include "tcpproxy.h"
#include "testutil.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QSslConfiguration>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QWebSocket>

class tst_Support : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QVERIFY2(m_stack.start(), qPrintable(m_stack.errorString())); }
    void cleanup() { m_stack.printLogsIfFailed(); }

    void tlsProxyInFrontOfRealServer()
    {
        QTemporaryDir dir;
        QString certPath, keyPath;
        QVERIFY(TcpProxy::makeSelfSigned(dir.path(), &certPath, &keyPath));
        QFile certFile(certPath), keyFile(keyPath);
        QVERIFY(certFile.open(QIODevice::ReadOnly) && keyFile.open(QIODevice::ReadOnly));
        const QSslCertificate cert(&certFile, QSsl::Pem);
        const QSslKey key(&keyFile, QSsl::Rsa, QSsl::Pem);
        QVERIFY(!cert.isNull() && !key.isNull());

        TcpProxy proxy(m_stack.serverPort());
        proxy.setTls(cert, key);
        QVERIFY(proxy.listen());
        const QUrl url(QStringLiteral("wss://127.0.0.1:%1/?user=tls&name=TLS").arg(proxy.port()));

        // Untrusted: the handshake fails with an SSL error.
        {
            QWebSocket socket;
            bool sslError = false;
            connect(&socket, &QWebSocket::sslErrors, this, [&](const QList<QSslError> &) { sslError = true; });
            socket.open(url);
            QVERIFY(TestUtil::waitUntil([&] { return sslError; }, 10000));
        }
        // Trusted through the CA: online, rt/assign-id arrives from the real server.
        {
            QWebSocket socket;
            QSslConfiguration config = QSslConfiguration::defaultConfiguration();
            config.addCaCertificate(cert);
            socket.setSslConfiguration(config);
            QString first;
            connect(&socket, &QWebSocket::textMessageReceived, this, [&](const QString &t) { if (first.isEmpty()) first = t; });
            socket.open(url);
            QVERIFY(TestUtil::waitUntil([&] { return !first.isEmpty(); }, 10000));
            QVERIFY(first.contains(QStringLiteral("rt/assign-id")));
        }
    }

    void silentProxyStopsTraffic()
    {
        TcpProxy proxy(m_stack.serverPort());
        QVERIFY(proxy.listen());
        QWebSocket socket;
        QStringList frames;
        connect(&socket, &QWebSocket::textMessageReceived, this, [&](const QString &t) { frames << t; });
        socket.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/?user=quiet").arg(proxy.port())));
        QVERIFY(TestUtil::waitUntil([&] { return !frames.isEmpty(); }));
        proxy.setSilent(true);
        frames.clear();
        socket.sendTextMessage(QStringLiteral(R"({"id":1,"command":"rt/noop","payload":{}})"));
        QTest::qWait(1500); // the server pings every second: nothing may get through
        QVERIFY(frames.isEmpty());
        QCOMPARE(socket.state(), QAbstractSocket::ConnectedState);
        proxy.setSilent(false);
        QVERIFY(TestUtil::waitUntil([&] { return !frames.isEmpty(); }));
    }

    void faultServerSendsWhatItIsTold()
    {
        FaultServer fault;
        QVERIFY(fault.listen());
        QWebSocket socket;
        QStringList frames;
        connect(&socket, &QWebSocket::textMessageReceived, this, [&](const QString &t) { frames << t; });
        socket.open(fault.url());
        QVERIFY(TestUtil::waitUntil([&] { return frames.size() == 1; }));
        QVERIFY(frames.first().contains(QStringLiteral("rt/assign-id")));
        fault.sendText(QStringLiteral("not json"));
        socket.sendTextMessage(QStringLiteral(R"({"id":7,"command":"rt/noop","payload":{}})"));
        QVERIFY(TestUtil::waitUntil([&] { return frames.size() == 3; }));
        QCOMPARE(frames.at(1), QStringLiteral("not json"));
        QCOMPARE(QJsonDocument::fromJson(frames.at(2).toUtf8())[QStringLiteral("payload")].toBool(), true);
    }

    // Starting and stopping servers keeps the event loop running: timers fire meanwhile, and a
    // client of another server goes on answering its pings (it stays on its first connection).
    void stackKeepsTheEventLoopRunning()
    {
        ClientProbe client(m_stack.userUrl(QStringLiteral("steady"), QStringLiteral("Steady")));
        QVERIFY(client.openAndWait());
        int ticks = 0;
        QTimer ticker;
        connect(&ticker, &QTimer::timeout, this, [&] { ++ticks; });
        ticker.start(50);

        ServerStack::Options options;
        options.instances = 2;
        ServerStack other(options);
        QElapsedTimer clock;
        clock.start();
        QVERIFY2(other.start(), qPrintable(other.errorString()));
        QVERIFY(other.terminateServer(1));
        QVERIFY(other.startServer(1));
        other.stop();
        const qint64 took = clock.elapsed();
        // Two node starts take far more than one tick; a blocked loop would count none of them.
        QVERIFY2(took >= 200, qPrintable(QString::number(took)));
        QVERIFY2(ticks >= 2, qPrintable(QStringLiteral("%1 ticks in %2 ms").arg(ticks).arg(took)));
        QCOMPARE(client.client.status(), Hallway::ConnectionStatus::Online);
        QCOMPARE(client.connectedIds.size(), 1);
    }

private:
    ServerStack m_stack;
};

QTEST_GUILESS_MAIN(tst_Support)
#include "tst_support.moc"
