#include "statuscontroller.h"

#include "activitymonitor.h"
#include "logging.h"
#include "presencestatus.h"

namespace Hallway {

StatusController::StatusController(QObject *parent)
    : QObject(parent)
{
}

QStringList StatusController::manualStatuses()
{
    return PresenceStatus::manualChoiceWords();
}

void StatusController::setManualStatus(const QString &status)
{
    if (status == m_manual)
        return;
    if (!manualStatuses().contains(status)) {
        qCWarning(lcPresence) << "unknown manual status" << status;
        return;
    }
    m_manual = status;
    Q_EMIT manualStatusChanged();
    update();
}

void StatusController::setActivity(ActivityMonitor *monitor)
{
    if (m_activity == monitor)
        return;
    disconnect(m_idleConnection);
    m_activity = monitor;
    if (monitor)
        m_idleConnection = connect(monitor, &ActivityMonitor::idleChanged, this, &StatusController::update);
    Q_EMIT activityChanged();
    update();
}

void StatusController::update()
{
    QString next = m_manual;
    if (PresenceStatus::fromWord(next) == PresenceStatus::Automatic)
        next = PresenceStatus::word((m_activity && m_activity->isIdle()) ? PresenceStatus::Away : PresenceStatus::Online);
    if (next == m_effective)
        return;
    m_effective = next;
    Q_EMIT effectiveStatusChanged();
}

} // namespace Hallway
