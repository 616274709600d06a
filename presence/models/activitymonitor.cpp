#include "activitymonitor.h"

#include "logging.h"

#include <QCoreApplication>
#include <QEvent>

namespace Hallway {

ActivityMonitor::ActivityMonitor(QObject *parent)
    : QObject(parent)
    , m_clock(steadyClock())
    , m_timeoutMs(ModelOptions().idleTimeoutMs)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &ActivityMonitor::check);
    m_lastActivity = m_clock();
    if (QCoreApplication::instance()) {
        QCoreApplication::instance()->installEventFilter(this);
        m_filterInstalled = true;
    }
    m_timer.start(m_timeoutMs);
}

ActivityMonitor::~ActivityMonitor()
{
    if (m_filterInstalled && QCoreApplication::instance())
        QCoreApplication::instance()->removeEventFilter(this);
}

void ActivityMonitor::setClock(Clock clock)
{
    m_clock = clock ? std::move(clock) : steadyClock();
    m_lastActivity = m_clock();
}

void ActivityMonitor::setIdleTimeoutMs(int ms)
{
    ms = qMax(1, ms);
    if (ms == m_timeoutMs)
        return;
    m_timeoutMs = ms;
    Q_EMIT idleTimeoutMsChanged();
    check();
}

void ActivityMonitor::setEnabled(bool enabled)
{
    if (enabled == m_enabled)
        return;
    m_enabled = enabled;
    auto *app = QCoreApplication::instance();
    if (enabled && app && !m_filterInstalled) {
        app->installEventFilter(this);
        m_filterInstalled = true;
    } else if (!enabled && app && m_filterInstalled) {
        app->removeEventFilter(this);
        m_filterInstalled = false;
    }
    if (enabled) {
        m_lastActivity = m_clock();
        m_timer.start(m_timeoutMs);
    } else {
        m_timer.stop();
        setIdle(false);
    }
    Q_EMIT enabledChanged();
}

bool ActivityMonitor::isActivityEvent(int type)
{
    switch (QEvent::Type(type)) {
    case QEvent::KeyPress:
    case QEvent::MouseButtonPress:
    case QEvent::MouseButtonDblClick:
    case QEvent::MouseMove:
    case QEvent::Wheel:
    case QEvent::TouchBegin:
    case QEvent::TouchUpdate:
    case QEvent::TabletPress:
    case QEvent::TabletMove:
    case QEvent::WindowActivate: // a hint: the user brought a window of ours to the front
        return true;
    default:
        return false;
    }
}

bool ActivityMonitor::eventFilter(QObject *watched, QEvent *event)
{
    if (m_enabled && isActivityEvent(event->type()))
        notifyActivity();
    return QObject::eventFilter(watched, event);
}

void ActivityMonitor::notifyActivity()
{
    // Cheap on purpose: called for every mouse move. The timer is only re-armed when idle
    // ends; otherwise check() notices the newer activity when it fires and re-arms itself.
    m_lastActivity = m_clock();
    if (m_idle) {
        setIdle(false);
        Q_EMIT activity();
        m_timer.start(m_timeoutMs);
    } else if (!m_timer.isActive() && m_enabled) {
        m_timer.start(m_timeoutMs);
    }
}

void ActivityMonitor::markIdle()
{
    m_timer.stop();
    setIdle(true);
}

void ActivityMonitor::check()
{
    if (!m_enabled)
        return;
    const qint64 quiet = m_clock() - m_lastActivity;
    if (quiet >= m_timeoutMs) {
        setIdle(true);
        return;
    }
    m_timer.start(int(m_timeoutMs - quiet));
}

void ActivityMonitor::setIdle(bool idle)
{
    if (m_idle == idle)
        return;
    m_idle = idle;
    qCDebug(lcPresence) << "activity monitor: idle" << idle;
    Q_EMIT idleChanged();
}

} // namespace Hallway
