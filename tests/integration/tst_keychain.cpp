// The app's CredentialStore against a real Secret Service: a gnome-keyring-daemon on a D-Bus
// session bus of the test's own (KeyringSession). A token is stored, read back by a fresh
// object, found under the same server written differently, and deleted. With the keyring
// gone, saving fails with a sentence saying there is no keychain service. Throughout, the
// token must reach neither the app's QSettings file nor any log line; hallway.* debug output
// is switched on (and checked to have been captured) so that check cannot pass vacuously.
#include "appsettings.h"
#include "credentialstore.h"
#include "keyringsession.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QLoggingCategory>
#include <QMutex>
#include <QRandomGenerator>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

using Hallway::CredentialStore;

namespace {
constexpr int kWaitMs = 15000;
const QString kServer = QStringLiteral("ws://127.0.0.1:8765/");

QMutex logMutex;
QStringList capturedLogs;
QtMessageHandler previousHandler = nullptr;

void captureHandler(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    {
        QMutexLocker lock(&logMutex);
        capturedLogs << QString::fromLatin1(context.category ? context.category : "default")
                            + QLatin1String(": ") + message;
    }
    if (previousHandler)
        previousHandler(type, context, message);
}

// Looks like a real token (three base64url parts) and cannot occur by chance.
QString makeToken()
{
    QByteArray random(24, '\0');
    for (char &c : random)
        c = char(QRandomGenerator::global()->bounded(256));
    return QStringLiteral("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZGEifQ.")
        + QString::fromLatin1(random.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

// Every file under dir that contains needle (as UTF-8 bytes).
QStringList filesContaining(const QString &dir, const QString &needle)
{
    QStringList hits;
    QDirIterator it(dir, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile f(it.next());
        if (f.open(QIODevice::ReadOnly) && f.readAll().contains(needle.toUtf8()))
            hits << f.fileName();
    }
    return hits;
}
} // namespace

class tst_Keychain : public QObject
{
    Q_OBJECT

    KeyringSession m_keyring;
    QString m_token = makeToken();

    QString settingsDir() const
    {
        return QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation);
    }

    // One call, one answer: the spy of the signal that came, or a failure.
    static bool waitFor(QSignalSpy &spy, QSignalSpy &failed)
    {
        return QTest::qWaitFor([&] { return spy.count() > 0 || failed.count() > 0; }, kWaitMs)
            && spy.count() == 1;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true); // QSettings go to a test location
        QCoreApplication::setOrganizationName(QStringLiteral("HallwayTests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_keychain"));
        QSettings().clear();
        QVERIFY2(m_keyring.start(), qPrintable(m_keyring.errorString()));
        m_keyring.useInThisProcess();
        QVERIFY(m_keyring.busPid() > 0 && m_keyring.keyringPid() > 0);
        // After QTest::qExec installed its own handler, which ours passes every message on to.
        previousHandler = qInstallMessageHandler(captureHandler);
    }

    void cleanupTestCase()
    {
        qInstallMessageHandler(previousHandler);
        QSettings().clear();
        m_keyring.stop();
    }

    void storeReadDelete()
    {
        QCOMPARE(CredentialStore::accountKey(QStringLiteral("ws://LOCALHOST:8765/?user=ada&name=x#frag")),
                 QStringLiteral("ws://localhost:8765/"));

        {
            CredentialStore store;
            QSignalSpy saved(&store, &CredentialStore::saved);
            QSignalSpy failed(&store, &CredentialStore::failed);
            QSignalSpy busy(&store, &CredentialStore::busyChanged);
            store.save(kServer, m_token);
            QVERIFY(store.busy());
            QVERIFY2(waitFor(saved, failed),
                     qPrintable(failed.isEmpty() ? QStringLiteral("no answer") : failed.constFirst().at(2).toString()));
            QCOMPARE(saved.constFirst().at(0).toString(), kServer);
            QVERIFY(!store.busy());
            QCOMPARE(busy.count(), 2);
        }

        // A fresh object (nothing cached in memory) reads it back from the keyring, also for
        // the same server written with a query and another host case.
        for (const QString &url : {kServer, QStringLiteral("ws://127.0.0.1:8765/?user=someone")}) {
            CredentialStore store;
            QSignalSpy loaded(&store, &CredentialStore::loaded);
            QSignalSpy failed(&store, &CredentialStore::failed);
            store.load(url);
            QVERIFY(waitFor(loaded, failed));
            QCOMPARE(loaded.constFirst().at(0).toString(), url);
            QCOMPARE(loaded.constFirst().at(1).toString(), m_token);
        }
        {
            CredentialStore store; // another server has no token
            QSignalSpy loaded(&store, &CredentialStore::loaded);
            QSignalSpy failed(&store, &CredentialStore::failed);
            store.load(QStringLiteral("wss://chat.example.org/"));
            QVERIFY(waitFor(loaded, failed));
            QCOMPARE(loaded.constFirst().at(1).toString(), QString());
        }

        // It sits in the keyring's own file, encrypted: the token's text is not in it.
        const QString keyrings = m_keyring.dataDir() + QStringLiteral("/keyrings");
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(keyrings + QStringLiteral("/login.keyring")), kWaitMs);
        QCOMPARE(filesContaining(keyrings, m_token), QStringList());

        {
            CredentialStore store;
            QSignalSpy removed(&store, &CredentialStore::removed);
            QSignalSpy failed(&store, &CredentialStore::failed);
            store.remove(kServer);
            QVERIFY(waitFor(removed, failed));
        }
        {
            CredentialStore store;
            QSignalSpy loaded(&store, &CredentialStore::loaded);
            QSignalSpy failed(&store, &CredentialStore::failed);
            store.load(kServer);
            QVERIFY(waitFor(loaded, failed));
            QCOMPARE(loaded.constFirst().at(1).toString(), QString()); // gone
        }
    }

    // What the app remembers in token mode, with the token given on the command line: the
    // settings file holds the server and the mode, never the token.
    void settingsNeverHoldTheToken()
    {
        {
            Hallway::AppSettings settings(nullptr);
            settings.setServerUrl(kServer);
            settings.setSignInMode(QStringLiteral("token"));
            Hallway::AppSettings::Overrides overrides;
            overrides.url = kServer;
            overrides.token = m_token;
            settings.applyOverrides(overrides);
            QVERIFY(settings.autoConnect());
            QVERIFY(settings.hasStartupToken());
            QCOMPARE(settings.connectUrl(), QUrl(kServer));
            settings.markConnected();
            QCOMPARE(settings.takeStartupToken(), m_token);
            QCOMPARE(settings.takeStartupToken(), QString()); // handed out once
        }
        QSettings settings;
        settings.sync();
        QVERIFY(QFile::exists(settings.fileName()));
        QFile file(settings.fileName());
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray content = file.readAll();
        QVERIFY2(content.contains("connectedBefore=true"), content.constData()); // the file we think
        QVERIFY(!content.contains(m_token.toUtf8()));
        QCOMPARE(filesContaining(settingsDir(), m_token), QStringList());

        // A new start in token mode connects by itself and expects the token from the keychain.
        Hallway::AppSettings again(nullptr);
        QCOMPARE(again.signInMode(), QStringLiteral("token"));
        QVERIFY(again.autoConnect());
        QVERIFY(!again.hasStartupToken());
    }

    // No keychain service: every call fails with a sentence saying so, nothing falls back.
    void noKeychainServiceSaysSo()
    {
        QVERIFY(m_keyring.stopKeyring());
        CredentialStore store;
        QSignalSpy saved(&store, &CredentialStore::saved);
        QSignalSpy failed(&store, &CredentialStore::failed);
        store.save(kServer, m_token);
        QVERIFY(QTest::qWaitFor([&] { return saved.count() + failed.count() > 0; }, kWaitMs));
        QCOMPARE(saved.count(), 0);
        QCOMPARE(failed.count(), 1);
        const QList<QVariant> args = failed.constFirst();
        QCOMPARE(args.at(0).value<CredentialStore::Operation>(), CredentialStore::Save);
        QVERIFY2(args.at(2).toString().contains(QLatin1String("No keychain service")), qPrintable(args.at(2).toString()));
        QVERIFY(args.at(3).toBool());
        QVERIFY(!args.at(2).toString().contains(m_token));

        QSignalSpy loaded(&store, &CredentialStore::loaded);
        store.load(kServer);
        QVERIFY(QTest::qWaitFor([&] { return loaded.count() + failed.count() > 1; }, kWaitMs));
        QCOMPARE(loaded.count(), 0);
        QVERIFY(failed.constLast().at(3).toBool());
        QCOMPARE(filesContaining(settingsDir(), m_token), QStringList());
    }

    // Last: every log line so far (hallway.* at debug level, QtKeychain's, Qt's) and
    // everything the two daemons printed.
    void logsNeverCarryTheToken()
    {
        QMutexLocker lock(&logMutex);
        const auto keychainDebug = std::count_if(capturedLogs.cbegin(), capturedLogs.cend(), [](const QString &l) {
            return l.startsWith(QLatin1String("hallway.keychain: keychain save"));
        });
        QVERIFY2(keychainDebug >= 2, qPrintable(capturedLogs.join(QLatin1Char('\n'))));
        QVERIFY(std::any_of(capturedLogs.cbegin(), capturedLogs.cend(), [](const QString &l) {
            return l.startsWith(QLatin1String("hallway.ui: settings after command line"));
        }));
        for (const QString &line : std::as_const(capturedLogs))
            QVERIFY2(!line.contains(m_token), qPrintable(line));
        QVERIFY(!m_keyring.output().contains(m_token.toUtf8()));
    }
};

int main(int argc, char *argv[])
{
    // CTest sets QT_LOGGING_RULES for every test, and environment rules beat
    // QLoggingCategory::setFilterRules(): drop it before Qt reads it, then switch our
    // categories to debug so that a token in any of their lines would be caught.
    qunsetenv("QT_LOGGING_RULES");
    QCoreApplication app(argc, argv);
    QLoggingCategory::setFilterRules(QStringLiteral("hallway.*=true"));
    tst_Keychain test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_keychain.moc"
