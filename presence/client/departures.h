#pragma once
// Departures: one room's memory of who left and when, and of when each id last joined. The
// only owner of two rules (ClientCore keeps one per room; Room trusts what it is fed):
//  - never resurrect a departed member: a snapshot taken in the server's cleanup window still
//    lists an id that already sent its leave (docs/protocol.md §12.14), and a join older than the
//    leave we saw is a stale copy; a newer join is a real re-join (rt/leave-room then
//    rt/join-room keeps the connection id);
//  - a leave older than the id's last join is a late duplicate (§12.2, §12.4), not a leave.
// Bounded: at most `capacity` departed ids (ConnectionOptions::departedMemory), the oldest
// forgotten first.
#include <QHash>
#include <QQueue>
#include <QString>

namespace Hallway {

class Departures
{
public:
    bool hasLeft(const QString &id) const { return m_left.contains(id); }

    // timestamp: the event's server epoch ms; 0 when unknown.
    bool admitsJoin(const QString &id, qint64 timestamp) const
    {
        const auto left = m_left.constFind(id);
        if (left == m_left.cend())
            return true;
        return timestamp > 0 && (*left <= 0 || timestamp > *left);
    }

    bool admitsLeave(const QString &id, qint64 timestamp) const
    {
        return timestamp <= 0 || timestamp >= m_joinedAt.value(id, 0);
    }

    void noteJoin(const QString &id, qint64 timestamp)
    {
        m_left.remove(id); // its queue entry goes stale, harmless
        if (timestamp > 0)
            m_joinedAt.insert(id, qMax(timestamp, m_joinedAt.value(id, 0)));
    }

    void noteLeave(const QString &id, qint64 timestamp, int capacity)
    {
        m_joinedAt.remove(id);
        if (!m_left.contains(id)) {
            m_order.enqueue(id);
            while (m_order.size() > qMax(1, capacity))
                m_left.remove(m_order.dequeue());
        }
        m_left.insert(id, qMax(timestamp, m_left.value(id, 0)));
    }

    // Our own id when we join again: our earlier leave must not keep us out.
    void forget(const QString &id) { m_left.remove(id); }

private:
    QHash<QString, qint64> m_left;     // connection id -> leave timestamp (0 = unknown)
    QQueue<QString> m_order;           // departure order, for the bound
    QHash<QString, qint64> m_joinedAt; // last join timestamp per id not seen leaving since
};

} // namespace Hallway
