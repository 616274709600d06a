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
// Rows are made on the preparer from this many newcomers on, in pieces of this size; fewer
// are made on the GUI thread, range by range (a thread hop would cost more than it saves).
constexpr qsizetype kPrepareAheadFrom = 1024;
constexpr qsizetype kPreparePiece = 512;
} // namespace

RoomFeed::RoomFeed(Room *room, int sliceMs, QObject *parent)
    : QObject(parent), m_room(room), m_sliceMs(qMax(1, sliceMs))
{
    m_preparer.setMaxThreadCount(1);
    m_preparer.setObjectName(QStringLiteral("hallway-rows"));
}

RoomFeed::~RoomFeed()
{
    m_preparer.clear();
    m_preparer.waitForDone();
}

void RoomFeed::applySnapshot(const PresenceSnapshot &snapshot)
{
    if (!m_room)
        return;
    // A newer snapshot supersedes what is left of an older one, and the events held for it.
    ++m_generation;
    m_preparer.clear();
    m_preparing = 0;
    m_ready.clear();
    m_rest.clear();
    m_inserted = 0;
    m_prepared = 0;
    m_waiting.clear();
    m_waitingHead = 0;
    m_rest = m_room->applySnapshot(snapshot, chunkFor(qint64(m_sliceMs) * 1'000'000));
    if (m_rest.isEmpty()) {
        Q_EMIT loaded();
        return;
    }
    m_states = snapshot.states;
    prepareAhead();
    scheduleStep();
}

// Hands every newcomer of a big snapshot to the preparer at once, piece by piece; the pieces
// come back in order (one thread) and step() inserts them as they arrive.
void RoomFeed::prepareAhead()
{
    if (m_rest.size() < kPrepareAheadFrom || !m_room)
        return;
    const bool allowHttp = m_room->members()->allowHttpAvatars();
    const quint64 generation = m_generation;
    while (m_prepared < m_rest.size()) {
        const qsizetype n = qMin(kPreparePiece, m_rest.size() - m_prepared);
        ++m_preparing;
        m_preparer.start([this, generation, allowHttp, piece = m_rest.mid(m_prepared, n), states = m_states] {
            QList<MemberModel::Member> rows = MemberModel::prepareMembers(piece, states, allowHttp);
            // Queued to this object: dropped if it is gone by then.
            QMetaObject::invokeMethod(this, [this, generation, rows = std::move(rows)]() mutable {
                onPrepared(generation, std::move(rows));
            }, Qt::QueuedConnection);
        });
        m_prepared += n;
    }
}

void RoomFeed::onPrepared(quint64 generation, QList<MemberModel::Member> rows)
{
    if (generation != m_generation)
        return; // made for a snapshot that was superseded
    --m_preparing;
    m_ready.append(std::move(rows));
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
    while (isLoading()) {
        const qint64 left = sliceNs - slice.nsecsElapsed();
        if (left <= 0)
            break;
        if (m_ready.isEmpty()) {
            if (m_preparing > 0)
                return; // the next piece is being made; onPrepared() schedules the next step
            const qsizetype n = qMin(chunkFor(left), m_rest.size() - m_prepared);
            m_ready.append(MemberModel::prepareMembers(m_rest.mid(m_prepared, n), m_states,
                                                       m_room->members()->allowHttpAvatars()));
            m_prepared += n;
        }
        QList<MemberModel::Member> &front = m_ready.first();
        const qsizetype n = qMin(chunkFor(left), front.size());
        QList<MemberModel::Member> rows;
        if (n == front.size()) {
            rows = std::move(front);
            m_ready.removeFirst();
        } else {
            rows = front.first(n);
            front.remove(0, n);
        }
        const qint64 before = slice.nsecsElapsed();
        m_room->addPreparedMembers(std::move(rows));
        m_inserted += n; // prepareMembers() makes one row per member
        m_nsPerMember = qMax<qint64>(1, (slice.nsecsElapsed() - before) / n);
        if (!m_room)
            return;
    }
    if (isLoading()) {
        scheduleStep();
        return;
    }
    m_rest.clear();
    m_inserted = 0;
    m_prepared = 0;
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
