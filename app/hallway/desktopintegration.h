#pragma once
// DesktopIntegration: what Hallway does on the desktop around its window, for one Session and
// its UnreadModel: a notification per room for messages we are not reading (none while Busy,
// text hidden if the person chose so), closed once the room is read, a click asking to show
// that room; the unread total on the launcher (com.canonical.Unity.LauncherEntry); the tray
// icon (status and unread in the icon, Show / status / Quit) when the desktop has a tray; and
// SystemPresence for idle, lock and suspend. The window side (raise, switch room) is the
// caller's, through showRoomRequested().
#include <QDBusConnection>
#include <QIcon>
#include <QObject>
#include <QPointer>

class QMenu;
class QSystemTrayIcon;

namespace Hallway {

class DesktopNotifier;
class Session;
class SystemPresence;
class UnreadModel;

class DesktopIntegration : public QObject
{
    Q_OBJECT
public:
    DesktopIntegration(Session *session, UnreadModel *unread, const QDBusConnection &sessionBus,
                       const QDBusConnection &systemBus, QObject *parent = nullptr);
    ~DesktopIntegration() override;

    void setShowMessageText(bool show) { m_showText = show; }
    bool showMessageText() const { return m_showText; }
    // A tray icon, if the desktop has a tray and the application is a QApplication.
    bool enableTray();
    bool hasTray() const { return m_tray != nullptr; }
    DesktopNotifier *notifier() const { return m_notifier; }
    SystemPresence *systemPresence() const { return m_system; }

Q_SIGNALS:
    void showRoomRequested(const QString &room); // "" : just the window
    void quitRequested();

private:
    void onMessage(const QString &room, const QString &sender, const QString &text, bool mention);
    void updateBadge();
    void updateTray();
    QIcon trayIcon() const;

    QPointer<Session> m_session;
    QPointer<UnreadModel> m_unread;
    QDBusConnection m_bus;
    DesktopNotifier *m_notifier;
    SystemPresence *m_system;
    QSystemTrayIcon *m_tray = nullptr;
    QMenu *m_menu = nullptr;
    QString m_lastTrayRoom;
    bool m_showText = true;
};

} // namespace Hallway
