#include "keyringsession.h"

#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QDBusMessage>
#include <QDBusObjectPath>
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QProcessEnvironment>
#include <QThread>

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
    m_output += m_bus.readAllStandardError();
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
    // A session bus of our own. No <servicedir>: a call to a missing service fails at once
    // instead of activating one from /usr/share/dbus-1/services.
    const QString config = m_dir.filePath(QStringLiteral("bus.conf"));
    QFile file(config);
    if (!file.open(QIODevice::WriteOnly)) {
        m_error = QStringLiteral("cannot write %1").arg(config);
        return false;
    }
    file.write(QStringLiteral(
        "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n"
        " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
        "<busconfig>\n"
        "  <type>session</type>\n"
        "  <listen>unix:dir=%1</listen>\n"
        "  <auth>EXTERNAL</auth>\n"
        "  <policy context=\"default\">\n"
        "    <allow send_destination=\"*\" eavesdrop=\"true\"/>\n"
        "    <allow eavesdrop=\"true\"/>\n"
        "    <allow own=\"*\"/>\n"
        "  </policy>\n"
        "</busconfig>\n").arg(m_dir.filePath(QStringLiteral("run"))).toUtf8());
    file.close();

    dieWithParent(m_bus);
    m_bus.start(QStringLiteral("dbus-daemon"),
                {QStringLiteral("--config-file=") + config, QStringLiteral("--nofork"),
                 QStringLiteral("--nopidfile"), QStringLiteral("--print-address=1")});
    if (!m_bus.waitForStarted(5000)) {
        m_error = QStringLiteral("dbus-daemon did not start (packaging/install-deps.sh installs it): %1")
                      .arg(m_bus.errorString());
        return false;
    }
    QByteArray line;
    const QDeadlineTimer deadline(10000);
    while (!line.contains('\n') && !deadline.hasExpired() && m_bus.state() == QProcess::Running) {
        m_bus.waitForReadyRead(200);
        line += m_bus.readAllStandardOutput();
    }
    m_address = QString::fromUtf8(line.left(line.indexOf('\n'))).trimmed();
    if (m_address.isEmpty()) {
        m_error = QStringLiteral("dbus-daemon printed no address: %1").arg(QString::fromUtf8(output()));
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
    env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"), m_address);
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
        QDBusConnection bus = QDBusConnection::connectToBus(m_address, name);
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
                QThread::msleep(50);
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
    stopProcess(m_bus);
    output();
}

void KeyringSession::useInThisProcess() const
{
    qputenv("DBUS_SESSION_BUS_ADDRESS", m_address.toUtf8());
    for (const char *hint : {"XDG_CURRENT_DESKTOP", "DESKTOP_SESSION", "KDE_FULL_SESSION",
                             "KDE_SESSION_VERSION", "GNOME_DESKTOP_SESSION_ID"})
        qunsetenv(hint);
}
