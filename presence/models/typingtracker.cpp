#include "typingtracker.h"

#include <limits>

namespace Hallway {

TypingTracker::TypingTracker(QObject *parent)
    : QObject(parent)
    , m_expiryMs(ModelOptions().remoteTypingExpiryMs)
    , m_clock(steadyClock())
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &TypingTracker::processTimers);
}

void TypingTracker::setClock(Clock clock)
{
    m_clock = clock ? std::move(clock) : steadyClock();
}

void TypingTracker::update(const QString &connectionId, const QString &userId, const QString &name, bool typing)
{
    bool changed = false;
    if (!typing) {
        dropConnection(connectionId, &changed);
    } else {
        const QString key = userId.isEmpty() ? connectionId : userId;
        auto it = m_conns.find(connectionId);
        if (it != m_conns.end() && it->userKey != key) {
            dropConnection(connectionId, &changed);
            it = m_conns.end();
        }
        if (it == m_conns.end()) {
            m_conns.insert(connectionId, Conn{key, 0});
            User &u = m_users[key];
            if (u.devices++ == 0) {
                m_order.append(key);
                changed = true;
            }
            it = m_conns.find(connectionId);
        }
        it->deadline = m_clock() + m_expiryMs;
        User &u = m_users[key];
        const QString display = name.isEmpty() ? userId : name;
        if (!display.isEmpty() && display != u.name) {
            u.name = display;
            changed = true;
        }
        // Every deadline is now + the same expiry, so a running timer already fires first;
        // re-arming here would scan all typists on every keystroke event.
        if (!m_timer.isActive())
            armTimer();
    }
    if (changed)
        Q_EMIT this->changed();
}

void TypingTracker::remove(const QString &connectionId)
{
    bool changed = false;
    dropConnection(connectionId, &changed);
    if (changed)
        Q_EMIT this->changed();
}

void TypingTracker::clear()
{
    const bool changed = !m_order.isEmpty();
    m_conns.clear();
    m_users.clear();
    m_order.clear();
    m_timer.stop();
    if (changed)
        Q_EMIT this->changed();
}

void TypingTracker::dropConnection(const QString &connectionId, bool *changed)
{
    const auto it = m_conns.constFind(connectionId);
    if (it == m_conns.constEnd())
        return;
    const QString key = it->userKey;
    m_conns.erase(it);
    auto u = m_users.find(key);
    if (u != m_users.end() && --u->devices <= 0) {
        m_users.erase(u);
        m_order.removeOne(key);
        *changed = true;
    }
}

QStringList TypingTracker::typingNames() const
{
    QStringList names;
    names.reserve(m_order.size());
    for (const QString &key : m_order) {
        const QString name = m_users.value(key).name;
        names.append(name.isEmpty() ? tr("Someone") : name);
    }
    return names;
}

QString TypingTracker::formatTypingText(const QStringList &names)
{
    switch (names.size()) {
    case 0: return QString();
    case 1: return tr("%1 is typing…").arg(names.at(0));
    case 2: return tr("%1 and %2 are typing…").arg(names.at(0), names.at(1));
    case 3: return tr("%1, %2 and %3 are typing…").arg(names.at(0), names.at(1), names.at(2));
    default: return tr("Several people are typing…", "4 or more people typing", int(names.size()));
    }
}

void TypingTracker::processTimers()
{
    const qint64 now = m_clock();
    QStringList due;
    for (auto it = m_conns.cbegin(); it != m_conns.cend(); ++it) {
        if (it->deadline <= now)
            due.append(it.key());
    }
    bool changed = false;
    for (const QString &id : std::as_const(due))
        dropConnection(id, &changed);
    for (const QString &id : std::as_const(due))
        Q_EMIT expired(id);
    if (changed)
        Q_EMIT this->changed();
    armTimer();
}

void TypingTracker::armTimer()
{
    if (m_conns.isEmpty()) {
        m_timer.stop();
        return;
    }
    qint64 next = std::numeric_limits<qint64>::max();
    for (const Conn &c : std::as_const(m_conns))
        next = qMin(next, c.deadline);
    m_timer.start(int(qBound(qint64(0), next - m_clock(), qint64(std::numeric_limits<int>::max()))));
}

} // namespace Hallway
