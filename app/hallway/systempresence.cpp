#include "systempresence.h"

#include "activitymonitor.h"
#include "presenceclient.h"
#include "uilogging.h"

#include <QCoreApplication>
#include <QDBusMessage>
#include <QDBusObjectPath>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>

#include <unistd.h>

namespace Hallway {

namespace {
const auto kScreenSaverService = QStringLiteral("org.freedesktop.ScreenSaver");
const auto kScreenSaverPath = QStringLiteral("/org/freedesktop/ScreenSaver");
const auto kMutterService = QStringLiteral("org.gnome.Mutter.IdleMonitor");
const auto kMutterPath = QStringLiteral("/org/gnome/Mutter/IdleMonitor/Core");
const auto kLogin1 = QStringLiteral("org.freedesktop.login1");
const auto kLogin1Path = QStringLiteral("/org/freedesktop/login1");
const auto kLogin1Manager = QStringLiteral("org.freedesktop.login1.Manager");
const auto kLogin1Session = QStringLiteral("org.freedesktop.login1.Session");
const auto kProperties = QStringLiteral("org.freedesktop.DBus.Properties");
} // namespace

SystemPresence::SystemPresence(ActivityMonitor *monitor, PresenceClient *client, const QDBusConnection &sessionBus,
                               const QDBusConnection &systemBus, QObject *parent)
    : QObject(parent)
    , m_monitor(monitor)
    , m_client(client)
    , m_session(sessionBus)
    , m_system(systemBus)
{
    m_poll.setInterval(10000);
    connect(&m_poll, &QTimer::timeout, this, &SystemPresence::poll);
}

SystemPresence::~SystemPresence() = default;

QDBusConnection SystemPresence::systemBusFromEnvironment()
{
    const QString bus = qEnvironmentVariable("HALLWAY_SYSTEM_BUS");
    if (bus == QLatin1String("session"))
        return QDBusConnection::sessionBus();
    if (!bus.isEmpty())
        return QDBusConnection::connectToBus(bus, QStringLiteral("hallway-system-bus"));
    return QDBusConnection::systemBus();
}

void SystemPresence::setPollIntervalMs(int ms)
{
    m_poll.setInterval(qMax(100, ms));
}

void SystemPresence::start()
{
    if (m_session.isConnected()) {
        // The spec's lock signal; GNOME's screen saver sends the same one under its own name.
        m_session.connect(QString(), kScreenSaverPath, kScreenSaverService, QStringLiteral("ActiveChanged"), this,
                          SLOT(onScreenSaverActiveChanged(bool)));
        m_session.connect(QString(), QStringLiteral("/org/gnome/ScreenSaver"), QStringLiteral("org.gnome.ScreenSaver"),
                          QStringLiteral("ActiveChanged"), this, SLOT(onScreenSaverActiveChanged(bool)));
        m_idleSource = QStringLiteral("screensaver");
        m_probing = true;
        poll(); // finds out which idle source answers
    }
    if (m_system.isConnected()) {
        m_system.connect(kLogin1, kLogin1Path, kLogin1Manager, QStringLiteral("PrepareForSleep"), this,
                         SLOT(onPrepareForSleep(bool)));
        QDBusMessage call = QDBusMessage::createMethodCall(kLogin1, kLogin1Path, kLogin1Manager,
                                                           QStringLiteral("GetSessionByPID"));
        call << quint32(::getpid());
        auto *watcher = new QDBusPendingCallWatcher(m_system.asyncCall(call), this);
        connect(watcher, &QDBusPendingCallWatcher::finished, this, [this, watcher] {
            watcher->deleteLater();
            const QDBusPendingReply<QDBusObjectPath> reply = *watcher;
            if (reply.isValid())
                watchLogindSession(reply.value().path());
            else
                qCDebug(lcUi) << "no logind session to watch for locking:" << reply.error().message();
        });
        takeSleepLock();
    }
}

void SystemPresence::poll()
{
    QDBusMessage call = m_idleSource == QLatin1String("mutter")
        ? QDBusMessage::createMethodCall(kMutterService, kMutterPath, QStringLiteral("org.gnome.Mutter.IdleMonitor"),
                                         QStringLiteral("GetIdletime"))
        : QDBusMessage::createMethodCall(kScreenSaverService, kScreenSaverPath, kScreenSaverService,
                                         QStringLiteral("GetSessionIdleTime"));
    auto *watcher = new QDBusPendingCallWatcher(m_session.asyncCall(call), this);
    connect(watcher, &QDBusPendingCallWatcher::finished, this, [this, watcher] {
        watcher->deleteLater();
        const QDBusMessage reply = watcher->reply();
        if (reply.type() == QDBusMessage::ReplyMessage && !reply.arguments().isEmpty()) {
            if (m_probing) {
                m_probing = false;
                qCInfo(lcUi) << "system idle time from" << m_idleSource;
                m_poll.start();
            }
            onIdleTime(reply.arguments().constFirst().toLongLong());
            return;
        }
        if (m_probing && m_idleSource == QLatin1String("screensaver")) {
            m_idleSource = QStringLiteral("mutter");
            poll();
            return;
        }
        if (m_probing)
            qCInfo(lcUi) << "no system idle time on this desktop; away follows this app's input only";
        else
            qCDebug(lcUi) << "system idle time stopped answering:" << reply.errorMessage();
        m_probing = false;
        m_idleSource.clear();
        m_poll.stop();
    });
}

void SystemPresence::onIdleTime(qint64 idleMs)
{
    if (!m_monitor || m_locked || m_sleeping)
        return;
    if (idleMs >= m_monitor->idleTimeoutMs())
        m_monitor->markIdle();
    else if (idleMs < m_poll.interval() || (m_lastIdleMs >= 0 && idleMs < m_lastIdleMs))
        m_monitor->notifyActivity(); // input somewhere on the desktop since the last look
    m_lastIdleMs = idleMs;
}

void SystemPresence::onScreenSaverActiveChanged(bool active)
{
    m_screenSaverLocked = active;
    setLocked(m_screenSaverLocked || m_logindLocked);
}

void SystemPresence::watchLogindSession(const QString &path)
{
    m_logindSession = path;
    m_system.connect(kLogin1, path, kProperties, QStringLiteral("PropertiesChanged"), this,
                     SLOT(onSessionPropertiesChanged(QString, QVariantMap, QStringList)));
}

void SystemPresence::onSessionPropertiesChanged(const QString &interface, const QVariantMap &changed,
                                                const QStringList &)
{
    if (interface != kLogin1Session || !changed.contains(QStringLiteral("LockedHint")))
        return;
    m_logindLocked = changed.value(QStringLiteral("LockedHint")).toBool();
    setLocked(m_screenSaverLocked || m_logindLocked);
}

void SystemPresence::setLocked(bool locked)
{
    if (locked == m_locked)
        return;
    m_locked = locked;
    qCInfo(lcUi) << (locked ? "screen locked: away" : "screen unlocked");
    if (m_monitor) {
        if (locked)
            m_monitor->markIdle();
        else
            m_monitor->notifyActivity(); // unlocking is someone at the keyboard
    }
    Q_EMIT lockedChanged(locked);
}

void SystemPresence::takeSleepLock()
{
    // A "delay" inhibitor: logind waits (up to its InhibitDelayMaxSec) until we release it.
    QDBusMessage call = QDBusMessage::createMethodCall(kLogin1, kLogin1Path, kLogin1Manager, QStringLiteral("Inhibit"));
    call << QStringLiteral("sleep") << QStringLiteral("Hallway")
         << QCoreApplication::translate("SystemPresence", "Telling the rooms you are away") << QStringLiteral("delay");
    auto *watcher = new QDBusPendingCallWatcher(m_system.asyncCall(call), this);
    connect(watcher, &QDBusPendingCallWatcher::finished, this, [this, watcher] {
        watcher->deleteLater();
        const QDBusPendingReply<QDBusUnixFileDescriptor> reply = *watcher;
        if (reply.isValid())
            m_sleepLock = reply.value();
    });
}

void SystemPresence::onPrepareForSleep(bool sleeping)
{
    if (sleeping == m_sleeping)
        return;
    m_sleeping = sleeping;
    Q_EMIT sleepingChanged(sleeping);
    if (sleeping) {
        qCInfo(lcUi) << "the system is going to sleep: away, then disconnect";
        if (m_monitor)
            m_monitor->markIdle();
        QTimer::singleShot(m_closeDelayMs, this, [this] {
            if (m_sleeping && m_client) {
                m_client->close();
                m_closedForSleep = true;
            }
            m_sleepLock = QDBusUnixFileDescriptor(); // let the machine sleep
        });
        return;
    }
    qCInfo(lcUi) << "resumed from sleep: reconnecting now";
    if (m_client) {
        if (m_closedForSleep)
            m_client->open();
        else
            m_client->reconnect(); // the socket may be dead without knowing it yet
    }
    m_closedForSleep = false;
    m_lastIdleMs = -1;
    takeSleepLock();
}

} // namespace Hallway
