#include "roomfeed.h"
#include "room.h"

#include <QElapsedTimer>

namespace Hallway {

namespace {
constexpr int kChunk = 256; // members per inserted range; the clock is checked between ranges
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
    m_rest = m_room->applySnapshot(snapshot, kChunk);
    if (m_rest.isEmpty()) {
        Q_EMIT loaded();
        return;
    }
    m_states = snapshot.states;
    scheduleStep();
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
    while (m_restHead < m_rest.size() && slice.elapsed() < m_sliceMs) {
        const qsizetype n = qMin<qsizetype>(kChunk, m_rest.size() - m_restHead);
        m_room->addMembers(m_rest.mid(m_restHead, n), m_states);
        m_restHead += n;
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
