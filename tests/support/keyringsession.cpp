#include "keyringsession.h"

#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QDBusMessage>
#include <QDBusObjectPath>
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QProcessEnvironment>
#include <QTest>

#include <csignal>
#include <sys/prctl.h>

namespace {
const auto kSecrets = QStringLiteral("org.freedesktop.secrets");
const auto kPassword = QByteArrayLiteral("hallway-test-keyring");

// If the test dies before stop() (a crash, a CTest timeout), the daemons go with it.
void dieWithParent(QProcess &process)
{
    process.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGTERM); });
}

bool stopProcess(QProcess &process)
{
    if (process.state() == QProcess::NotRunning)
        return true;
    process.terminate(); // SIGTERM to this pid only
    if (!process.waitForFinished(5000)) {
        process.kill();
        return process.waitForFinished(5000);
    }
    return true;
}
} // namespace

KeyringSession::KeyringSession() = default;

KeyringSession::~KeyringSession()
{
    stop();
}

QString KeyringSession::dataDir() const
{
    return m_dir.filePath(QStringLiteral("data"));
}

QByteArray KeyringSession::output()
{
    m_output += m_bus.readStandardError();
    m_output += m_keyring.readAllStandardOutput();
    m_output += m_keyring.readAllStandardError();
    return m_output;
}

bool KeyringSession::start()
{
    if (!m_dir.isValid()) {
        m_error = QStringLiteral("no temporary directory");
        return false;
    }
    for (const char *sub : {"home", "data", "config", "cache", "run"})
        QDir(m_dir.path()).mkpath(QString::fromLatin1(sub));
    // The keyring insists on a private runtime directory.
    QFile::setPermissions(m_dir.filePath(QStringLiteral("run")),
                          QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    return startBus() && startKeyring();
}

bool KeyringSession::startBus()
{
    if (!m_bus.start()) {
        m_error = m_bus.errorString() + QStringLiteral(" (packaging/install-deps.sh installs dbus-daemon)");
        return false;
    }
    return true;
}

bool KeyringSession::startKeyring()
{
    QProcessEnvironment env;
    env.insert(QStringLiteral("PATH"), qEnvironmentVariable("PATH", QStringLiteral("/usr/bin:/bin")));
    env.insert(QStringLiteral("LANG"), QStringLiteral("C.UTF-8"));
    env.insert(QStringLiteral("HOME"), m_dir.filePath(QStringLiteral("home")));
    env.insert(QStringLiteral("XDG_DATA_HOME"), dataDir());
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir.filePath(QStringLiteral("config")));
    env.insert(QStringLiteral("XDG_CACHE_HOME"), m_dir.filePath(QStringLiteral("cache")));
    env.insert(QStringLiteral("XDG_RUNTIME_DIR"), m_dir.filePath(QStringLiteral("run")));
    env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"), m_bus.address());
    m_keyring.setProcessEnvironment(env);
    // --unlock reads the login password from stdin and creates the login collection (the
    // default one) on first use, unlocked: no prompt ever needs a display.
    dieWithParent(m_keyring);
    m_keyring.start(QStringLiteral("gnome-keyring-daemon"),
                    {QStringLiteral("--foreground"), QStringLiteral("--unlock"),
                     QStringLiteral("--components=secrets")});
    if (!m_keyring.waitForStarted(5000)) {
        m_error = QStringLiteral("gnome-keyring-daemon did not start (packaging/install-deps.sh installs "
                                 "gnome-keyring): %1").arg(m_keyring.errorString());
        return false;
    }
    m_keyring.write(kPassword);
    m_keyring.waitForBytesWritten(5000); // nothing flushes it while we wait below
    m_keyring.closeWriteChannel();
    if (!waitForCollection(15000)) {
        m_error = QStringLiteral("the keyring never offered an unlocked default collection: %1")
                      .arg(QString::fromUtf8(output()));
        return false;
    }
    return true;
}

bool KeyringSession::waitForCollection(int timeoutMs)
{
    const QString name = QStringLiteral("hallway-keyring-probe");
    bool ready = false;
    {
        QDBusConnection bus = QDBusConnection::connectToBus(m_bus.address(), name);
        const QDeadlineTimer deadline(timeoutMs);
        while (!ready && !deadline.hasExpired() && m_keyring.state() == QProcess::Running) {
            if (bus.isConnected() && bus.interface()->isServiceRegistered(kSecrets)) {
                QDBusMessage call = QDBusMessage::createMethodCall(
                    kSecrets, QStringLiteral("/org/freedesktop/secrets"),
                    QStringLiteral("org.freedesktop.Secret.Service"), QStringLiteral("ReadAlias"));
                call << QStringLiteral("default");
                const QDBusMessage reply = bus.call(call, QDBus::Block, 2000);
                const auto args = reply.arguments();
                ready = reply.type() == QDBusMessage::ReplyMessage && !args.isEmpty()
                    && args.constFirst().value<QDBusObjectPath>().path() != QLatin1String("/");
            }
            if (!ready)
                QTest::qWait(50); // the event loop runs: nothing of the test's stalls meanwhile
        }
    }
    QDBusConnection::disconnectFromBus(name);
    return ready;
}

bool KeyringSession::stopKeyring()
{
    const bool stopped = stopProcess(m_keyring);
    output();
    return stopped;
}

void KeyringSession::stop()
{
    stopKeyring();
    output();
    m_bus.stop();
}

void KeyringSession::useInThisProcess() const
{
    qputenv("DBUS_SESSION_BUS_ADDRESS", m_bus.address().toUtf8());
    for (const char *hint : {"XDG_CURRENT_DESKTOP", "DESKTOP_SESSION", "KDE_FULL_SESSION",
                             "KDE_SESSION_VERSION", "GNOME_DESKTOP_SESSION_ID"})
        qunsetenv(hint);
}
