#pragma once
// DesktopNotifier: desktop notifications over org.freedesktop.Notifications, one per room:
// a new one replaces the room's previous one (replaces_id), closeRoom() takes it away once the
// room is read, and the default action (a click) comes back as activated(room). Message text
// is plain text: it is escaped when the server renders markup. Where no notification server
// answers, notify() emits unavailable() with what it would have shown, once per message, so
// the caller can fall back (the tray icon's balloon) or drop it; nothing is logged as an error.
#include <QDBusConnection>
#include <QHash>
#include <QObject>

namespace Hallway {

class DesktopNotifier : public QObject
{
    Q_OBJECT
public:
    explicit DesktopNotifier(const QDBusConnection &bus, QObject *parent = nullptr);
    ~DesktopNotifier() override;

    void notify(const QString &room, const QString &summary, const QString &body);
    void closeRoom(const QString &room);
    bool hasNotification(const QString &room) const { return m_ids.contains(room); }

Q_SIGNALS:
    void activated(const QString &room);
    void unavailable(const QString &room, const QString &summary, const QString &body);

private Q_SLOTS:
    void onActionInvoked(uint id, const QString &action);
    void onClosed(uint id, uint reason);

private:
    void send(const QString &room, const QString &summary, const QString &body);

    QDBusConnection m_bus;
    QHash<QString, uint> m_ids; // room -> the server's notification id
    bool m_capabilitiesKnown = false;
    bool m_markup = false;
};

} // namespace Hallway
