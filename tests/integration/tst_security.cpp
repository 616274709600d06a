// Security against the real server (started with HALLWAY_TOKEN) and a TLS-terminating
// TcpProxy in front of it, with a throwaway self-signed certificate made by openssl:
// certificate errors are fatal by default (ESSL, a clear message, no retry loop); a private
// CA given as caFile works; the token works in the URL (?token=) and as Authorization: Bearer,
// a wrong one stops with EAUTH; the token never appears in any log line (every category at
// debug level, captured by a message handler) nor in errorString(); and what we send is capped
// (maxOutgoingBytes) with ETOOLARGE and a sentence that says so.
#include "clientprobe.h"
#include "serverstack.h"
#include "tcpproxy.h"

#include <QFile>
#include <QLoggingCategory>
#include <QMutex>
#include <QSslCertificate>
#include <QSslKey>
#include <QTemporaryDir>
#include <QTest>
#include <QUrlQuery>

using namespace Hallway;

namespace {
const QString kToken = QStringLiteral("hallway-s3cret-T0KEN-4f9a");
constexpr int kOnlineMs = 8000;   // TLS handshake + upgrade + rt/assign-id on loopback

QMutex logMutex;
QStringList capturedLogs;
QtMessageHandler previousHandler = nullptr;

void captureHandler(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    {
        QMutexLocker lock(&logMutex);
        capturedLogs << QString::fromLatin1(context.category ? context.category : "") + QLatin1Char(' ') + message;
    }
    if (previousHandler)
        previousHandler(type, context, message);
}

ServerStack::Options withToken()
{
    ServerStack::Options o;
    o.token = kToken;
    return o;
}

ConnectionOptions quick()
{
    ConnectionOptions o;
    o.reconnectMaxMs = 1000;
    o.membershipCheckMs = 0;
    return o;
}
} // namespace

class tst_Security : public QObject
{
    Q_OBJECT
    ServerStack m_stack{withToken()};
    QTemporaryDir m_dir;
    QString m_certPath;
    QString m_keyPath;
    std::unique_ptr<TcpProxy> m_tls;

    QUrl userUrl(bool withTokenInQuery, const QString &token = kToken) const
    {
        QUrl url = m_stack.userUrl(QStringLiteral("alice"), QStringLiteral("Alice"));
        if (withTokenInQuery) {
            QUrlQuery q(url);
            q.addQueryItem(QStringLiteral("token"), token);
            url.setQuery(q);
        }
        return url;
    }
    QUrl tlsUrl() const
    {
        QUrl url = userUrl(true);
        url.setScheme(QStringLiteral("wss"));
        url.setPort(m_tls->port());
        return url;
    }
    void assertTokenNeverLogged(const PresenceClient &client)
    {
        QMutexLocker lock(&logMutex);
        QVERIFY(!capturedLogs.isEmpty()); // the handler really saw the client's logging
        for (const QString &line : std::as_const(capturedLogs))
            QVERIFY2(!line.contains(kToken), qPrintable(line));
        QVERIFY(!client.errorString().contains(kToken));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_stack.start(), qPrintable(m_stack.errorString()));
        QVERIFY(m_dir.isValid());
        QVERIFY2(TcpProxy::makeSelfSigned(m_dir.path(), &m_certPath, &m_keyPath),
                 "openssl is required (packaging/install-deps.sh installs it)");
        QFile certFile(m_certPath), keyFile(m_keyPath);
        QVERIFY(certFile.open(QIODevice::ReadOnly) && keyFile.open(QIODevice::ReadOnly));
        const QSslCertificate cert(&certFile, QSsl::Pem);
        const QSslKey key(&keyFile, QSsl::Rsa, QSsl::Pem);
        QVERIFY(!cert.isNull() && !key.isNull());
        m_tls = std::make_unique<TcpProxy>(m_stack.serverPort(0));
        m_tls->setTls(cert, key);
        QVERIFY(m_tls->listen());
        // Every category at debug level, so a token in any log line would be caught.
        QLoggingCategory::setFilterRules(QStringLiteral("*.debug=true\nqt.*.debug=false"));
        previousHandler = qInstallMessageHandler(captureHandler);
    }
    void cleanupTestCase()
    {
        qInstallMessageHandler(previousHandler);
    }
    void init()
    {
        QMutexLocker lock(&logMutex);
        capturedLogs.clear();
    }
    void cleanup() { m_stack.printLogsIfFailed(); }

    void certificateErrorIsFatal()
    {
        ClientProbe probe(tlsUrl(), quick());
        probe.client.open();
        QTRY_COMPARE_WITH_TIMEOUT(probe.client.errorCode(), QStringLiteral("ESSL"), kOnlineMs);
        QTRY_COMPARE_WITH_TIMEOUT(probe.client.status(), PresenceClient::Offline, kOnlineMs);
        QVERIFY2(probe.client.errorString().contains(QLatin1String("certificate")), qPrintable(probe.client.errorString()));
        QCOMPARE(probe.client.nextRetryIn(), 0); // no retry loop against a server we cannot trust
        QVERIFY(probe.errors.contains(QStringLiteral("ESSL")));
        // Commands issued now fail at once instead of waiting for a reconnect that never comes.
        const Settled s = await(probe.client.command(QStringLiteral("rooms:list")), 2000);
        QVERIFY(s.done && !s.ok);
        assertTokenNeverLogged(probe.client);
    }

    void privateCaFileWorks()
    {
        ConnectionOptions options = quick();
        options.caFile = m_certPath; // the self-signed certificate is its own CA
        ClientProbe probe(tlsUrl(), options);
        QVERIFY(probe.openAndWait(kOnlineMs));
        const Settled joined = await(probe.client.joinRoom(QStringLiteral("secure")));
        QVERIFY(joined.ok);
        QVERIFY(ClientProbe::hasMember(probe.snapshots.last(), probe.client.connectionId()));
        assertTokenNeverLogged(probe.client);
    }

    void tokenInUrl()
    {
        ClientProbe probe(userUrl(true), quick());
        QVERIFY(probe.openAndWait(kOnlineMs));
        QVERIFY(await(probe.client.command(QStringLiteral("rooms:list"))).ok);
        assertTokenNeverLogged(probe.client);
    }

    void tokenAsBearerHeader()
    {
        ConnectionOptions options = quick();
        options.bearerToken = kToken;
        ClientProbe probe(userUrl(false), options);
        QVERIFY(probe.openAndWait(kOnlineMs));
        QVERIFY(await(probe.client.command(QStringLiteral("rooms:list"))).ok);
        assertTokenNeverLogged(probe.client);
    }

    void missingOrWrongTokenStops_data()
    {
        QTest::addColumn<QUrl>("url");
        QTest::addColumn<QString>("bearer");
        QTest::newRow("none") << userUrl(false) << QString();
        QTest::newRow("wrong in url") << userUrl(true, kToken + QStringLiteral("x")) << QString();
        QTest::newRow("wrong bearer") << userUrl(false) << kToken.left(10);
    }
    void missingOrWrongTokenStops()
    {
        QFETCH(QUrl, url);
        QFETCH(QString, bearer);
        ConnectionOptions options = quick();
        options.bearerToken = bearer;
        ClientProbe probe(url, options);
        probe.client.open();
        QTRY_COMPARE_WITH_TIMEOUT(probe.client.errorCode(), QStringLiteral("EAUTH"), kOnlineMs);
        QTRY_COMPARE_WITH_TIMEOUT(probe.client.status(), PresenceClient::Offline, kOnlineMs);
        QCOMPARE(probe.client.nextRetryIn(), 0);
        QVERIFY(probe.client.errorString().contains(QLatin1String("401")));
        QVERIFY(!probe.client.errorString().contains(kToken.left(10)));
        {
            QMutexLocker lock(&logMutex);
            for (const QString &line : std::as_const(capturedLogs))
                QVERIFY2(!line.contains(kToken.left(10)), qPrintable(line));
        }
    }

    // maxOutgoingBytes: refused locally with ETOOLARGE, the link stays up, small ones pass.
    void outgoingSizeCaps()
    {
        ConnectionOptions options = quick();
        options.maxOutgoingBytes = 4096;
        ClientProbe probe(userUrl(true), options);
        QVERIFY(probe.openAndWait(kOnlineMs));
        const QString room = QStringLiteral("caps");
        QVERIFY(await(probe.client.joinRoom(room)).ok);
        const QString big(5000, QLatin1Char('x'));
        QVERIFY(await(probe.client.publishPresenceState(room, QJsonObject{{QStringLiteral("status"), QStringLiteral("away")}})).ok);

        const Settled state = await(probe.client.publishPresenceState(room, QJsonObject{{QStringLiteral("status"), big}}));
        QVERIFY(!state.ok);
        QCOMPARE(state.error.code, QStringLiteral("ETOOLARGE"));
        QVERIFY2(state.error.message.contains(QLatin1String("4096")), qPrintable(state.error.message));

        // The refused state never becomes ours: a reconnect republishes the earlier one.
        const QString oldId = probe.client.connectionId();
        probe.resynced.clear();
        probe.client.reconnect();
        QTRY_VERIFY_WITH_TIMEOUT(probe.resynced.contains(room) && probe.client.connectionId() != oldId, kOnlineMs);
        const QStringList get{QStringLiteral("GET"),
                              QStringLiteral("rt:presence:state:%1:conn:%2").arg(room, probe.client.connectionId())};
        QTRY_COMPARE_WITH_TIMEOUT(m_stack.redis(get), QByteArray(R"({"status":"away"})"), kOnlineMs);

        const Settled chat = await(probe.client.command(QStringLiteral("chat:send"),
                                                        QJsonObject{{QStringLiteral("room"), room}, {QStringLiteral("text"), big}}));
        QCOMPARE(chat.error.code, QStringLiteral("ETOOLARGE"));
        const Settled meta = await(probe.client.setConnectionMetadata(QJsonObject{{QStringLiteral("bio"), big}}));
        QCOMPARE(meta.error.code, QStringLiteral("ETOOLARGE"));

        QCOMPARE(probe.client.status(), PresenceClient::Online);
        QVERIFY(await(probe.client.publishPresenceState(room, QJsonObject{{QStringLiteral("status"), QStringLiteral("busy")}})).ok);
        QVERIFY(await(probe.client.command(QStringLiteral("chat:send"),
                                           QJsonObject{{QStringLiteral("room"), room}, {QStringLiteral("text"), QStringLiteral("small")}})).ok);
    }
};

QTEST_GUILESS_MAIN(tst_Security)
#include "tst_security.moc"
