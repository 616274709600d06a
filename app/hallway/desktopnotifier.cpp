#include "desktopnotifier.h"

#include "uilogging.h"

#include <QDBusMessage>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>
#include <QVariantMap>

namespace Hallway {

namespace {
const auto kService = QStringLiteral("org.freedesktop.Notifications");
const auto kPath = QStringLiteral("/org/freedesktop/Notifications");
const auto kInterface = QStringLiteral("org.freedesktop.Notifications");
} // namespace

DesktopNotifier::DesktopNotifier(const QDBusConnection &bus, QObject *parent)
    : QObject(parent)
    , m_bus(bus)
{
    if (m_bus.isConnected()) {
        m_bus.connect(kService, kPath, kInterface, QStringLiteral("ActionInvoked"), this,
                      SLOT(onActionInvoked(uint, QString)));
        m_bus.connect(kService, kPath, kInterface, QStringLiteral("NotificationClosed"), this,
                      SLOT(onClosed(uint, uint)));
    }
}

DesktopNotifier::~DesktopNotifier() = default;

void DesktopNotifier::notify(const QString &room, const QString &summary, const QString &body)
{
    if (!m_bus.isConnected()) {
        Q_EMIT unavailable(room, summary, body);
        return;
    }
    if (m_capabilitiesKnown) {
        send(room, summary, body);
        return;
    }
    // Once: does the server render markup in the body (then our plain text must be escaped)?
    const QDBusMessage call = QDBusMessage::createMethodCall(kService, kPath, kInterface,
                                                             QStringLiteral("GetCapabilities"));
    auto *watcher = new QDBusPendingCallWatcher(m_bus.asyncCall(call), this);
    connect(watcher, &QDBusPendingCallWatcher::finished, this, [this, watcher, room, summary, body] {
        watcher->deleteLater();
        const QDBusPendingReply<QStringList> reply = *watcher;
        if (!reply.isValid()) {
            qCDebug(lcUi) << "no notification server:" << reply.error().message();
            Q_EMIT unavailable(room, summary, body);
            return;
        }
        m_capabilitiesKnown = true;
        m_markup = reply.value().contains(QStringLiteral("body-markup"));
        send(room, summary, body);
    });
}

void DesktopNotifier::send(const QString &room, const QString &summary, const QString &body)
{
    QDBusMessage call = QDBusMessage::createMethodCall(kService, kPath, kInterface, QStringLiteral("Notify"));
    const QVariantMap hints{
        {QStringLiteral("desktop-entry"), QStringLiteral("hallway")},
        {QStringLiteral("category"), QStringLiteral("im.received")},
    };
    call << QStringLiteral("Hallway") << m_ids.value(room, 0u) << QStringLiteral("hallway") << summary
         << (m_markup ? body.toHtmlEscaped() : body)
         << QStringList{QStringLiteral("default"), tr("Open")} << hints << int(-1);
    auto *watcher = new QDBusPendingCallWatcher(m_bus.asyncCall(call), this);
    connect(watcher, &QDBusPendingCallWatcher::finished, this, [this, watcher, room, summary, body] {
        watcher->deleteLater();
        const QDBusPendingReply<uint> reply = *watcher;
        if (!reply.isValid()) {
            m_capabilitiesKnown = false; // ask again next time: the server may come (back)
            Q_EMIT unavailable(room, summary, body);
            return;
        }
        m_ids.insert(room, reply.value());
    });
}

void DesktopNotifier::closeRoom(const QString &room)
{
    const uint id = m_ids.take(room);
    if (id == 0 || !m_bus.isConnected())
        return;
    QDBusMessage call = QDBusMessage::createMethodCall(kService, kPath, kInterface,
                                                       QStringLiteral("CloseNotification"));
    call << id;
    m_bus.asyncCall(call);
}

void DesktopNotifier::onActionInvoked(uint id, const QString &action)
{
    const QString room = m_ids.key(id);
    if (room.isEmpty() || action != QLatin1String("default"))
        return;
    Q_EMIT activated(room);
}

void DesktopNotifier::onClosed(uint id, uint)
{
    const QString room = m_ids.key(id);
    if (!room.isEmpty())
        m_ids.remove(room);
}

} // namespace Hallway
