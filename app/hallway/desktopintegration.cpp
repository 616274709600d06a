#include "desktopintegration.h"

#include "desktopnotifier.h"
#include "presencestatus.h"
#include "session.h"
#include "statuscontroller.h"
#include "systempresence.h"
#include "unreadmodel.h"
#include "uilogging.h"

#include <QActionGroup>
#include <QApplication>
#include <QDBusMessage>
#include <QMenu>
#include <QPainter>
#include <QSystemTrayIcon>

namespace Hallway {

DesktopIntegration::DesktopIntegration(Session *session, UnreadModel *unread, const QDBusConnection &sessionBus,
                                       const QDBusConnection &systemBus, QObject *parent)
    : QObject(parent)
    , m_session(session)
    , m_unread(unread)
    , m_bus(sessionBus)
    , m_notifier(new DesktopNotifier(sessionBus, this))
    , m_system(new SystemPresence(session->activity(), session->client(), sessionBus, systemBus, this))
{
    connect(unread, &UnreadModel::messageArrived, this, &DesktopIntegration::onMessage);
    connect(unread, &UnreadModel::roomRead, m_notifier, &DesktopNotifier::closeRoom);
    connect(unread, &UnreadModel::totalsChanged, this, &DesktopIntegration::updateBadge);
    connect(unread, &UnreadModel::totalsChanged, this, &DesktopIntegration::updateTray);
    connect(session->status(), &StatusController::effectiveStatusChanged, this, &DesktopIntegration::updateTray);
    connect(m_notifier, &DesktopNotifier::activated, this, &DesktopIntegration::showRoomRequested);
    connect(m_notifier, &DesktopNotifier::unavailable, this,
            [this](const QString &room, const QString &summary, const QString &body) {
                // No notification server: the tray's balloon if there is a tray, else nothing.
                if (m_tray && QSystemTrayIcon::supportsMessages()) {
                    m_lastTrayRoom = room;
                    m_tray->showMessage(summary, body, QSystemTrayIcon::Information);
                }
            });
    m_system->start();
}

DesktopIntegration::~DesktopIntegration()
{
    delete m_menu;
}

void DesktopIntegration::onMessage(const QString &room, const QString &sender, const QString &text, bool mention)
{
    if (!m_session || PresenceStatus::fromWord(m_session->status()->effectiveStatus()) == PresenceStatus::Busy)
        return; // Busy means do not disturb
    const QString summary = tr("%1 in #%2").arg(sender, room);
    const QString body = m_showText ? text : (mention ? tr("Mentioned you") : tr("New message"));
    m_notifier->notify(room, summary, body);
}

void DesktopIntegration::updateBadge()
{
    if (!m_bus.isConnected() || !m_unread)
        return;
    // Unity's launcher API, also read by Plasma's task manager and Dash to Dock.
    QDBusMessage signal = QDBusMessage::createSignal(QStringLiteral("/com/canonical/unity/launcherentry/hallway"),
                                                     QStringLiteral("com.canonical.Unity.LauncherEntry"),
                                                     QStringLiteral("Update"));
    const int total = m_unread->totalUnread();
    signal << QStringLiteral("application://hallway.desktop")
           << QVariantMap{{QStringLiteral("count"), qint64(total)},
                          {QStringLiteral("count-visible"), total > 0},
                          {QStringLiteral("urgent"), m_unread->totalMentions() > 0}};
    m_bus.send(signal);
}

bool DesktopIntegration::enableTray()
{
    if (m_tray)
        return true;
    if (!qobject_cast<QApplication *>(QCoreApplication::instance()) || !QSystemTrayIcon::isSystemTrayAvailable())
        return false;
    m_tray = new QSystemTrayIcon(this);
    m_menu = new QMenu;
    m_menu->addAction(tr("Show Hallway"), this, [this] { Q_EMIT showRoomRequested(QString()); });
    m_menu->addSeparator();
    auto *group = new QActionGroup(m_menu);
    const QList<QPair<QString, QString>> statuses{
        {PresenceStatus::word(PresenceStatus::Online), tr("Online")},
        {PresenceStatus::word(PresenceStatus::Away), tr("Away")},
        {PresenceStatus::word(PresenceStatus::Busy), tr("Busy")},
        {PresenceStatus::word(PresenceStatus::Automatic), tr("Automatic")}};
    for (const auto &[status, label] : statuses) {
        QAction *action = m_menu->addAction(label);
        action->setCheckable(true);
        action->setData(status);
        group->addAction(action);
        connect(action, &QAction::triggered, this, [this, status = status] {
            if (m_session)
                m_session->status()->setManualStatus(status);
        });
    }
    connect(m_menu, &QMenu::aboutToShow, this, [this, group] {
        for (QAction *action : group->actions())
            action->setChecked(m_session && action->data().toString() == m_session->status()->manualStatus());
    });
    m_menu->addSeparator();
    m_menu->addAction(tr("Quit"), this, &DesktopIntegration::quitRequested);
    m_tray->setContextMenu(m_menu);
    connect(m_tray, &QSystemTrayIcon::activated, this, [this](QSystemTrayIcon::ActivationReason reason) {
        if (reason == QSystemTrayIcon::Trigger)
            Q_EMIT showRoomRequested(QString());
    });
    connect(m_tray, &QSystemTrayIcon::messageClicked, this,
            [this] { Q_EMIT showRoomRequested(m_lastTrayRoom); });
    updateTray();
    m_tray->show();
    return true;
}

QIcon DesktopIntegration::trayIcon() const
{
    // The app icon with our status as a dot in one corner and, with unread messages, a badge.
    QPixmap pixmap(64, 64);
    pixmap.fill(Qt::transparent);
    QPainter p(&pixmap);
    p.setRenderHint(QPainter::Antialiasing);
    QApplication::windowIcon().paint(&p, QRect(0, 0, 64, 64));
    const PresenceStatus::Status status = m_session ? PresenceStatus::fromWord(m_session->status()->effectiveStatus())
                                                    : PresenceStatus::Unknown;
    const QColor dot = status == PresenceStatus::Busy ? QColor(0xd9, 0x3f, 0x3f)
        : status == PresenceStatus::Away              ? QColor(0xe0, 0xa0, 0x20)
                                                      : QColor(0x2e, 0xa0, 0x43);
    p.setPen(QPen(Qt::white, 3));
    p.setBrush(dot);
    p.drawEllipse(QRect(38, 38, 24, 24));
    if (m_unread && m_unread->totalUnread() > 0) {
        p.setBrush(m_unread->totalMentions() > 0 ? QColor(0xd9, 0x3f, 0x3f) : QColor(0x35, 0x74, 0xf0));
        p.drawEllipse(QRect(36, 0, 28, 28));
    }
    return QIcon(pixmap);
}

void DesktopIntegration::updateTray()
{
    if (!m_tray)
        return;
    m_tray->setIcon(trayIcon());
    const int unread = m_unread ? m_unread->totalUnread() : 0;
    m_tray->setToolTip(unread > 0 ? tr("Hallway: %n unread", "", unread) : tr("Hallway"));
}

} // namespace Hallway
