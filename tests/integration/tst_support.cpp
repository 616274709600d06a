// Self-test of the fault-injection pieces in tests/support, with a raw QWebSocket: the TLS
// proxy in front of the real server (trusted CA → online; untrusted → an SSL error), a proxy
// that goes silent, and the hostile FaultServer.
#include "faultserver.h"
#include "serverstack.h"
#include "tcpproxy.h"
#include "testutil.h"

#include <QFile>
#include <QJsonDocument>
#include <QSslConfiguration>
#include <QTemporaryDir>
#include <QTest>
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

private:
    ServerStack m_stack;
};

QTEST_GUILESS_MAIN(tst_Support)
#include "tst_support.moc"
