#include "roomfeed.h"
#include "room.h"

#include <QElapsedTimer>


namespace Hallway {

namespace {
// Members per inserted range. What one member costs depends on who listens (a sorted proxy and
// a view cost far more than the models alone), so each range is sized from the cost per member
// measured on the last one, to fit what is left of the slice.
constexpr qsizetype kMinChunk = 16;
constexpr qsizetype kMaxChunk = 4096;
constexpr qint64 kFirstGuessNs = 40'000; // per member, before anything is measured
} // namespace

RoomFeed::RoomFeed(Room *room, int sliceMs, QObject *parent)
    : QObject(parent), m_room(room), m_sliceMs(qMax(1, sliceMs))
{
}

void RoomFeed::applySnapshot(const PresenceSnapshot &snapshot)
{
    if (!m_room)
        return;
    // A newer snapshot supersedes what is left of an older one, and the events held for it.
    m_rest.clear();
    m_restHead = 0;
    m_waiting.clear();
    m_waitingHead = 0;
    m_rest = m_room->applySnapshot(snapshot, chunkFor(qint64(m_sliceMs) * 1'000'000));
    if (m_rest.isEmpty()) {
        Q_EMIT loaded();
        return;
    }
    m_states = snapshot.states;
    scheduleStep();
}

qsizetype RoomFeed::chunkFor(qint64 budgetNs) const
{
    return qBound(kMinChunk, qsizetype(budgetNs / (m_nsPerMember > 0 ? m_nsPerMember : kFirstGuessNs)), kMaxChunk);
}

void RoomFeed::apply(const PresenceEvent &event)
{
    if (isLoading() || !m_waiting.isEmpty())
        m_waiting.append(event);
    else if (m_room)
        m_room->apply(event);
}

void RoomFeed::scheduleStep()
{
    if (m_stepScheduled)
        return;
    m_stepScheduled = true;
    QMetaObject::invokeMethod(this, &RoomFeed::step, Qt::QueuedConnection);
}

void RoomFeed::step()
{
    m_stepScheduled = false;
    if (!m_room)
        return;
    QElapsedTimer slice;
    slice.start();
    const qint64 sliceNs = qint64(m_sliceMs) * 1'000'000;
    while (m_restHead < m_rest.size()) {
        const qint64 left = sliceNs - slice.nsecsElapsed();
        if (left <= 0)
            break;
        const qsizetype n = qMin(chunkFor(left), m_rest.size() - m_restHead);
        const qint64 before = slice.nsecsElapsed();
        m_room->addMembers(m_rest.mid(m_restHead, n), m_states);
        m_restHead += n;
        m_nsPerMember = qMax<qint64>(1, (slice.nsecsElapsed() - before) / n);
        if (!m_room)
            return;
    }
    if (isLoading()) {
        scheduleStep();
        return;
    }
    m_rest.clear();
    m_restHead = 0;
    m_states = {};
    // Events held during the load, in their order; a long backlog also goes in slices.
    while (m_waitingHead < m_waiting.size()) {
        m_room->apply(std::exchange(m_waiting[m_waitingHead++], PresenceEvent()));
        if (!m_room || isLoading())
            return; // a slot started something new; it schedules its own steps
        if (m_waitingHead < m_waiting.size() && slice.elapsed() >= m_sliceMs) {
            scheduleStep();
            return;
        }
    }
    m_waiting.clear();
    m_waitingHead = 0;
    Q_EMIT loaded();
}

} // namespace Hallway
