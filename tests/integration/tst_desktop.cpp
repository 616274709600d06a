// The desktop layer against stand-ins on a private D-Bus bus and a real server: a recording
// notification server (Notify, CloseNotification, ActionInvoked), a screen saver (idle time,
// ActiveChanged) and logind (LockedHint, PrepareForSleep). Away, back, sleep and resume are
// observed from a second real client in the same room.
#include "desktopintegration.h"
#include "desktopnotifier.h"
#include "privatebus.h"
#include "serverstack.h"
#include "session.h"
#include "systempresence.h"
#include "testutil.h"
#include "unreadmodel.h"

#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QDBusMessage>
#include <QDBusObjectPath>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

using namespace Hallway;

namespace {
const auto kLogindSession = QStringLiteral("/org/freedesktop/login1/session/test1");
}

class FakeNotifications : public QObject
{
    Q_OBJECT
    Q_CLASSINFO("D-Bus Interface", "org.freedesktop.Notifications")
public:
    struct Call {
        uint replaces = 0;
        uint id = 0;
        QString summary, body;
        QStringList actions;
    };
    QList<Call> calls;
    QList<uint> closed;
    uint nextId = 41;

public Q_SLOTS:
    QStringList GetCapabilities() { return {QStringLiteral("actions"), QStringLiteral("body")}; }
    uint Notify(const QString &, uint replaces, const QString &, const QString &summary, const QString &body,
                const QStringList &actions, const QVariantMap &, int)
    {
        const uint id = replaces ? replaces : ++nextId;
        calls.append({replaces, id, summary, body, actions});
        return id;
    }
    void CloseNotification(uint id)
    {
        closed.append(id);
        Q_EMIT NotificationClosed(id, 3);
    }

Q_SIGNALS:
    void NotificationClosed(uint id, uint reason);
    void ActionInvoked(uint id, const QString &action);
};

class FakeScreenSaver : public QObject
{
    Q_OBJECT
    Q_CLASSINFO("D-Bus Interface", "org.freedesktop.ScreenSaver")
public:
    uint idleMs = 0;
public Q_SLOTS:
    uint GetSessionIdleTime() { return idleMs; }
Q_SIGNALS:
    void ActiveChanged(bool active);
};

class FakeLogin1 : public QObject
{
    Q_OBJECT
    Q_CLASSINFO("D-Bus Interface", "org.freedesktop.login1.Manager")
public Q_SLOTS:
    QDBusObjectPath GetSessionByPID(uint) { return QDBusObjectPath(kLogindSession); }
Q_SIGNALS:
    void PrepareForSleep(bool start);
};

class tst_Desktop : public QObject
{
    Q_OBJECT
    ServerStack m_stack;
    PrivateBus m_bus;
    FakeNotifications m_notifications;
    FakeScreenSaver m_screenSaver;
    FakeLogin1 m_login1;

    QDBusConnection services() const { return QDBusConnection(QStringLiteral("standins")); }
    QDBusConnection appBus() const { return QDBusConnection(QStringLiteral("app")); }
    bool open(Session &s, const QString &user)
    {
        s.client()->setUrl(m_stack.userUrl(user, user.left(1).toUpper() + user.mid(1)));
        s.client()->open();
        return TestUtil::waitUntil([&] { return s.client()->status() == ConnectionStatus::Online; }, 8000);
    }
    static QString statusOf(Room *room, const QString &user)
    {
        const UserModel::Person *p = room->users()->find(user);
        return p && !p->devices.isEmpty() ? p->status : QString();
    }
    void setLockedHint(bool locked)
    {
        QDBusMessage signal = QDBusMessage::createSignal(kLogindSession, QStringLiteral("org.freedesktop.DBus.Properties"),
                                                         QStringLiteral("PropertiesChanged"));
        signal << QStringLiteral("org.freedesktop.login1.Session")
               << QVariantMap{{QStringLiteral("LockedHint"), locked}} << QStringList();
        QVERIFY(services().send(signal));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY2(m_stack.start(), qPrintable(m_stack.errorString()));
        QVERIFY2(m_bus.start(), qPrintable(m_bus.errorString()));
        QDBusConnection bus = QDBusConnection::connectToBus(m_bus.address(), QStringLiteral("standins"));
        QVERIFY(bus.isConnected());
        const auto flags = QDBusConnection::ExportAllSlots | QDBusConnection::ExportAllSignals;
        QVERIFY(bus.registerObject(QStringLiteral("/org/freedesktop/Notifications"), &m_notifications, flags));
        QVERIFY(bus.registerService(QStringLiteral("org.freedesktop.Notifications")));
        QVERIFY(bus.registerObject(QStringLiteral("/org/freedesktop/ScreenSaver"), &m_screenSaver, flags));
        QVERIFY(bus.registerService(QStringLiteral("org.freedesktop.ScreenSaver")));
        QVERIFY(bus.registerObject(QStringLiteral("/org/freedesktop/login1"), &m_login1, flags));
        QVERIFY(bus.registerService(QStringLiteral("org.freedesktop.login1")));
        QVERIFY(QDBusConnection::connectToBus(m_bus.address(), QStringLiteral("app")).isConnected());
    }
    void cleanup() { m_stack.printLogsIfFailed(); }

    void notificationsPerRoom()
    {
        Session alice, bob;
        QVERIFY(open(alice, "alice"));
        QVERIFY(open(bob, "bob"));
        UnreadModel unread;
        unread.setPersistent(false);
        unread.setSession(&alice);
        DesktopIntegration desktop(&alice, &unread, appBus(), appBus());
        Room *lobby = alice.join("n-lobby");
        Room *design = alice.join("n-design");
        Room *bobDesign = bob.join("n-design");
        Room *bobLobby = bob.join("n-lobby");
        QVERIFY(TestUtil::waitUntil([&] { return design->onlineCount() == 2 && lobby->onlineCount() == 2; }));
        QVERIFY(TestUtil::waitUntil([&] { return bobDesign->isJoined() && bobLobby->isJoined(); }));
        unread.setCurrentRoom("n-lobby");
        unread.setActive(true);
        m_notifications.calls.clear();

        // A message in a room we are not looking at: one notification, "Bob in #design".
        bobDesign->sendMessage("the mockups are up");
        QVERIFY(TestUtil::waitUntil([&] { return m_notifications.calls.size() == 1; }));
        QCOMPARE(m_notifications.calls.at(0).summary, QStringLiteral("Bob in #n-design"));
        QCOMPARE(m_notifications.calls.at(0).body, QStringLiteral("the mockups are up"));
        QCOMPARE(m_notifications.calls.at(0).replaces, 0u);
        QVERIFY(m_notifications.calls.at(0).actions.contains("default"));
        const uint id = m_notifications.calls.at(0).id;
        QCOMPARE(unread.unreadCount("n-design"), 1);

        // The next one replaces it; the room we look at gives none.
        bobLobby->sendMessage("lobby chatter");
        bobDesign->sendMessage("alice, what do you think?");
        QVERIFY(TestUtil::waitUntil([&] { return m_notifications.calls.size() == 2; }));
        QCOMPARE(m_notifications.calls.at(1).replaces, id);
        QCOMPARE(m_notifications.calls.at(1).body, QStringLiteral("alice, what do you think?"));
        QCOMPARE(unread.mentionCount("n-design"), 1);
        QCOMPARE(unread.unreadCount("n-lobby"), 0);

        // A click on it asks for that room; reading the room closes it.
        QSignalSpy show(&desktop, &DesktopIntegration::showRoomRequested);
        Q_EMIT m_notifications.ActionInvoked(id, QStringLiteral("default"));
        QVERIFY(show.wait(5000));
        QCOMPARE(show.last().at(0).toString(), QStringLiteral("n-design"));
        unread.setCurrentRoom("n-design");
        QVERIFY(TestUtil::waitUntil([&] { return m_notifications.closed.contains(id); }));
        QVERIFY(!desktop.notifier()->hasNotification("n-design"));

        // With the window inactive even the current room notifies; text can be hidden.
        desktop.setShowMessageText(false);
        unread.setActive(false);
        bobDesign->sendMessage("secret plans");
        QVERIFY(TestUtil::waitUntil([&] { return m_notifications.calls.size() == 3; }));
        QCOMPARE(m_notifications.calls.at(2).body, QStringLiteral("New message"));
        QCOMPARE(m_notifications.calls.at(2).replaces, 0u); // the old one was closed

        // Busy: nothing, though the message is counted.
        alice.status()->setManualStatus("busy");
        bobDesign->sendMessage("are you there?");
        QVERIFY(TestUtil::waitUntil([&] { return unread.unreadCount("n-design") == 2; }));
        QTest::qWait(300); // a Notify would have been sent in the same turn as the count
        QCOMPARE(m_notifications.calls.size(), 3);
    }

    void noNotificationServer()
    {
        // Without the service: unavailable() with what would have been shown, no error.
        QVERIFY(services().unregisterService(QStringLiteral("org.freedesktop.Notifications")));
        DesktopNotifier notifier(appBus());
        QSignalSpy fallback(&notifier, &DesktopNotifier::unavailable);
        notifier.notify("r", "Bob in #r", "hi");
        QVERIFY(fallback.wait(5000));
        QCOMPARE(fallback.last().at(1).toString(), QStringLiteral("Bob in #r"));
        QVERIFY(services().registerService(QStringLiteral("org.freedesktop.Notifications")));
    }

    void idleLockAndSleepSeenByAPeer()
    {
        Session alice, bob;
        QVERIFY(open(alice, "alice"));
        QVERIFY(open(bob, "bob"));
        alice.activity()->setIdleTimeoutMs(60000);
        SystemPresence system(alice.activity(), alice.client(), appBus(), appBus());
        system.setPollIntervalMs(200);
        system.setCloseDelayMs(300);
        m_screenSaver.idleMs = 0;
        system.start();
        alice.join("s-room");
        Room *b = bob.join("s-room");
        QVERIFY(TestUtil::waitUntil([&] { return statusOf(b, "alice") == QLatin1String("online"); }, 8000));
        QVERIFY(TestUtil::waitUntil([&] { return system.idleSource() == QLatin1String("screensaver"); }));

        // System idle past the timeout (typing elsewhere would keep it low): away; input: back.
        m_screenSaver.idleMs = 61000;
        QVERIFY(TestUtil::waitUntil([&] { return statusOf(b, "alice") == QLatin1String("away"); }, 8000));
        m_screenSaver.idleMs = 50;
        QVERIFY(TestUtil::waitUntil([&] { return statusOf(b, "alice") == QLatin1String("online"); }, 8000));

        // The screen locks (screen saver signal): away at once, whatever the idle time says.
        Q_EMIT m_screenSaver.ActiveChanged(true);
        QVERIFY(TestUtil::waitUntil([&] { return statusOf(b, "alice") == QLatin1String("away"); }, 8000));
        QVERIFY(system.isLocked());
        QTest::qWait(500); // polls with a low idle time do not bring her back while locked
        QCOMPARE(statusOf(b, "alice"), QStringLiteral("away"));
        Q_EMIT m_screenSaver.ActiveChanged(false);
        QVERIFY(TestUtil::waitUntil([&] { return statusOf(b, "alice") == QLatin1String("online"); }, 8000));

        // logind's LockedHint does the same.
        QVERIFY(TestUtil::waitUntil([&] { return !system.isLocked(); }));
        setLockedHint(true);
        QVERIFY(TestUtil::waitUntil([&] { return statusOf(b, "alice") == QLatin1String("away"); }, 8000));
        setLockedHint(false);
        QVERIFY(TestUtil::waitUntil([&] { return statusOf(b, "alice") == QLatin1String("online"); }, 8000));

        // Suspend: away goes out, then a clean close (Bob sees her leave, not a ping timeout).
        Q_EMIT m_login1.PrepareForSleep(true);
        QVERIFY(TestUtil::waitUntil([&] { return statusOf(b, "alice") == QLatin1String("away"); }, 8000));
        QVERIFY(TestUtil::waitUntil([&] { return alice.client()->status() == ConnectionStatus::Offline; }, 8000));
        QVERIFY(TestUtil::waitUntil([&] { return statusOf(b, "alice").isEmpty(); }, 8000));

        // Resume: connected again at once, still away until she touches something.
        Q_EMIT m_login1.PrepareForSleep(false);
        QVERIFY(TestUtil::waitUntil([&] { return alice.client()->status() == ConnectionStatus::Online; }, 8000));
        QVERIFY(TestUtil::waitUntil([&] { return statusOf(b, "alice") == QLatin1String("away"); }, 8000));
        alice.activity()->notifyActivity();
        QVERIFY(TestUtil::waitUntil([&] { return statusOf(b, "alice") == QLatin1String("online"); }, 8000));
    }
};

QTEST_MAIN(tst_Desktop)
#include "tst_desktop.moc"
