#pragma once
// SystemPresence: automatic away from the whole desktop, not just this window. It feeds the
// Session's ActivityMonitor (so the presence library stays free of D-Bus) from:
//  - system idle time, polled from org.freedesktop.ScreenSaver.GetSessionIdleTime or GNOME's
//    org.gnome.Mutter.IdleMonitor (whichever answers): input anywhere counts as activity,
//    idle past the monitor's timeout is away. Without either, the app's own input decides.
//  - the screen locking (ScreenSaver ActiveChanged, logind's LockedHint): away at once;
//    unlocking counts as activity.
//  - suspend (logind PrepareForSleep): away is published and the connection is closed
//    cleanly before the machine sleeps (a logind "delay" inhibitor gives us the moment);
//    on resume the client connects at once instead of waiting for its ping watchdog.
// logind lives on the system bus; the bus is a constructor argument so tests can stand in
// for it on a private bus.
#include <QDBusConnection>
#include <QDBusUnixFileDescriptor>
#include <QObject>
#include <QPointer>
#include <QTimer>

namespace Hallway {

class ActivityMonitor;
class PresenceClient;

class SystemPresence : public QObject
{
    Q_OBJECT
public:
    SystemPresence(ActivityMonitor *monitor, PresenceClient *client, const QDBusConnection &sessionBus,
                   const QDBusConnection &systemBus, QObject *parent = nullptr);
    ~SystemPresence() override;

    void setPollIntervalMs(int ms); // system idle polling, default 10 s
    void setCloseDelayMs(int ms) { m_closeDelayMs = ms; } // time for "away" to go out before sleep
    void start();

    bool isLocked() const { return m_locked; }
    bool isSleeping() const { return m_sleeping; }
    QString idleSource() const { return m_idleSource; } // "screensaver", "mutter" or "" (app input only)

    // The bus to use for logind: HALLWAY_SYSTEM_BUS ("session" or a bus address) for tests, else the system bus.
    static QDBusConnection systemBusFromEnvironment();

Q_SIGNALS:
    void lockedChanged(bool locked);
    void sleepingChanged(bool sleeping);

private Q_SLOTS:
    void onScreenSaverActiveChanged(bool active);
    void onPrepareForSleep(bool sleeping);
    void onSessionPropertiesChanged(const QString &interface, const QVariantMap &changed, const QStringList &invalidated);

private:
    void poll();
    void onIdleTime(qint64 idleMs);
    void setLocked(bool locked);
    void takeSleepLock();
    void watchLogindSession(const QString &path);

    QPointer<ActivityMonitor> m_monitor;
    QPointer<PresenceClient> m_client;
    QDBusConnection m_session;
    QDBusConnection m_system;
    QTimer m_poll;
    QDBusUnixFileDescriptor m_sleepLock;
    QString m_idleSource;
    QString m_logindSession;
    qint64 m_lastIdleMs = -1;
    int m_closeDelayMs = 500;
    bool m_locked = false;
    bool m_screenSaverLocked = false;
    bool m_logindLocked = false;
    bool m_sleeping = false;
    bool m_closedForSleep = false;
    bool m_probing = false;
};

} // namespace Hallway
