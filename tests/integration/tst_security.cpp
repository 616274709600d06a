// Security against the real server in production sign-in (HALLWAY_AUTH_SECRET, no development
// ?user=) and a TLS-terminating TcpProxy in front of it, with a throwaway self-signed certificate
// made by openssl: certificate errors are fatal by default (ESSL, a clear message, no retry
// loop); a private CA given as caFile works; a signed token (from mint-token.mjs) works in the URL
// (?token=) and as Authorization: Bearer, and the server takes who we are from it, not from the
// URL; a missing, truncated or wrongly signed one stops with EAUTH; the token never appears in any
// log line (every category at debug level, captured by a message handler) nor in errorString();
// and what we send is capped (maxOutgoingBytes) with ETOOLARGE and a sentence that says so.
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
const QString kSecret = QStringLiteral("hallway-test-secret-4f9a-0123456789abcdef-xyz");
const QString kOtherSecret = QStringLiteral("not-the-servers-secret-0123456789abcdef-xyz");
constexpr int kOnlineMs = 8000;   // TLS handshake + upgrade + rt/assign-id on loopback

QMutex logMutex;
QStringList capturedLogs;
int capturedHallwayDebug = 0; // proves debug lines were on, so the check below is not vacuous
QtMessageHandler previousHandler = nullptr;

void captureHandler(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    {
        QMutexLocker lock(&logMutex);
        const QString category = QString::fromLatin1(context.category ? context.category : "");
        capturedLogs << category + QLatin1Char(' ') + message;
        if (type == QtDebugMsg && category.startsWith(QLatin1String("hallway.")))
            ++capturedHallwayDebug;
    }
    if (previousHandler)
        previousHandler(type, context, message);
}

ServerStack::Options productionSignIn()
{
    ServerStack::Options o;
    o.devAuth = false;
    o.authSecret = kSecret;
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
    ServerStack m_stack{productionSignIn()};
    QTemporaryDir m_dir;
    QString m_certPath;
    QString m_keyPath;
    QString m_token;        // alice's, signed with the server's secret
    QString m_forged;       // alice's, signed with another secret
    std::unique_ptr<TcpProxy> m_tls;

    // The token in the query, or no token; the URL also claims to be mallory, which must not count.
    QUrl tokenUrl(const QString &token) const
    {
        QUrl url = m_stack.userUrl(QStringLiteral("mallory"), QStringLiteral("Mallory"));
        if (!token.isEmpty()) {
            QUrlQuery q(url);
            q.addQueryItem(QStringLiteral("token"), token);
            url.setQuery(q);
        }
        return url;
    }
    QUrl tlsUrl() const
    {
        QUrl url = tokenUrl(m_token);
        url.setScheme(QStringLiteral("wss"));
        url.setPort(m_tls->port());
        return url;
    }
    // withSession: a session was open, so the wire's debug lines must have been seen.
    void assertTokenNeverLogged(const PresenceClient &client, bool withSession = true)
    {
        QMutexLocker lock(&logMutex);
        QVERIFY(!capturedLogs.isEmpty()); // the handler really saw the client's logging
        if (withSession)
            QVERIFY(capturedHallwayDebug > 0); // ... at debug level too
        for (const QString &line : std::as_const(capturedLogs))
            QVERIFY2(!line.contains(m_token), qPrintable(line));
        QVERIFY(!client.errorString().contains(m_token));
    }
    // Who the server says we are: our own connection's metadata.
    QJsonObject myMetadata(ClientProbe &probe)
    {
        const Settled meta = await(probe.client.connectionMetadata());
        return meta.ok ? meta.value.toObject() : QJsonObject();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_stack.start(), qPrintable(m_stack.errorString()));
        m_token = m_stack.mintToken(QStringLiteral("alice"), QStringLiteral("Alice"));
        m_forged = m_stack.mintToken(QStringLiteral("alice"), QStringLiteral("Alice"), QStringLiteral("1h"), kOtherSecret);
        QVERIFY2(m_token.count(QLatin1Char('.')) == 2 && !m_forged.isEmpty(), qPrintable(m_stack.errorString()));
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
        capturedHallwayDebug = 0;
    }
    void cleanup() { m_stack.printLogsIfFailed(); }

    void certificateErrorIsFatal()
    {
        ClientProbe probe(tlsUrl(), quick());
        probe.client.open();
        QTRY_COMPARE_WITH_TIMEOUT(probe.client.errorCode(), QStringLiteral("ESSL"), kOnlineMs);
        QTRY_COMPARE_WITH_TIMEOUT(probe.client.status(), ConnectionStatus::Offline, kOnlineMs);
        QVERIFY2(probe.client.errorString().contains(QLatin1String("certificate")), qPrintable(probe.client.errorString()));
        QCOMPARE(probe.client.nextRetryIn(), 0); // no retry loop against a server we cannot trust
        QVERIFY(probe.errors.contains(QStringLiteral("ESSL")));
        // Commands issued now fail at once instead of waiting for a reconnect that never comes.
        const Settled s = await(probe.client.command(QStringLiteral("rooms:list")), 2000);
        QVERIFY(s.done && !s.ok);
        assertTokenNeverLogged(probe.client, false); // the TLS handshake never completed
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
        ClientProbe probe(tokenUrl(m_token), quick());
        QVERIFY(probe.openAndWait(kOnlineMs));
        QVERIFY(await(probe.client.command(QStringLiteral("rooms:list"))).ok);
        // Identity comes from the token's claims; ?user=mallory in the same URL means nothing.
        const QJsonObject me = myMetadata(probe);
        QCOMPARE(me.value(QStringLiteral("userId")).toString(), QStringLiteral("alice"));
        QCOMPARE(me.value(QStringLiteral("username")).toString(), QStringLiteral("Alice"));
        assertTokenNeverLogged(probe.client);
    }

    void tokenAsBearerHeader()
    {
        ConnectionOptions options = quick();
        options.bearerToken = m_token;
        ClientProbe probe(tokenUrl(QString()), options);
        QVERIFY(probe.openAndWait(kOnlineMs));
        QVERIFY(await(probe.client.command(QStringLiteral("rooms:list"))).ok);
        QCOMPARE(myMetadata(probe).value(QStringLiteral("userId")).toString(), QStringLiteral("alice"));
        assertTokenNeverLogged(probe.client);
    }

    void missingOrWrongTokenStops_data()
    {
        QTest::addColumn<bool>("inUrl");
        QTest::addColumn<QString>("which");
        QTest::newRow("none") << true << QString();
        QTest::newRow("forged in url") << true << QStringLiteral("forged");
        QTest::newRow("truncated in url") << true << QStringLiteral("truncated");
        QTest::newRow("forged bearer") << false << QStringLiteral("forged");
        QTest::newRow("truncated bearer") << false << QStringLiteral("truncated");
    }
    void missingOrWrongTokenStops()
    {
        QFETCH(bool, inUrl);
        QFETCH(QString, which);
        const QString token = which == QLatin1String("forged") ? m_forged
                              : which == QLatin1String("truncated") ? m_token.left(m_token.size() - 5)
                                                                    : QString();
        ConnectionOptions options = quick();
        if (!inUrl)
            options.bearerToken = token;
        ClientProbe probe(tokenUrl(inUrl ? token : QString()), options);
        probe.client.open();
        QTRY_COMPARE_WITH_TIMEOUT(probe.client.errorCode(), QStringLiteral("EAUTH"), kOnlineMs);
        QTRY_COMPARE_WITH_TIMEOUT(probe.client.status(), ConnectionStatus::Offline, kOnlineMs);
        QCOMPARE(probe.client.nextRetryIn(), 0);
        QVERIFY(probe.client.errorString().contains(QLatin1String("401")));
        const QString secretPart = token.section(QLatin1Char('.'), 2); // the signature
        if (!secretPart.isEmpty()) {
            QVERIFY(!probe.client.errorString().contains(secretPart));
            QMutexLocker lock(&logMutex);
            for (const QString &line : std::as_const(capturedLogs))
                QVERIFY2(!line.contains(secretPart), qPrintable(line));
        }
    }

    // maxOutgoingBytes: refused locally with ETOOLARGE, the link stays up, small ones pass.
    void outgoingSizeCaps()
    {
        ConnectionOptions options = quick();
        options.maxOutgoingBytes = 4096;
        ClientProbe probe(tokenUrl(m_token), options);
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

        QCOMPARE(probe.client.status(), ConnectionStatus::Online);
        QVERIFY(await(probe.client.publishPresenceState(room, QJsonObject{{QStringLiteral("status"), QStringLiteral("busy")}})).ok);
        QVERIFY(await(probe.client.command(QStringLiteral("chat:send"),
                                           QJsonObject{{QStringLiteral("room"), room}, {QStringLiteral("text"), QStringLiteral("small")}})).ok);
    }
};

int main(int argc, char *argv[])
{
    // CTest sets QT_LOGGING_RULES (hallway debug off) for every test, and environment rules
    // beat QLoggingCategory::setFilterRules(): drop it, so this test's own rules apply.
    qunsetenv("QT_LOGGING_RULES");
    QCoreApplication app(argc, argv);
    tst_Security test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}
#include "tst_security.moc"
