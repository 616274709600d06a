#include "roomfeed.h"
#include "room.h"
#include "usermodel.h"

#include <QElapsedTimer>

#include <future>

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
// A first snapshot this big is made whole there.
constexpr qsizetype kPrepareAheadFrom = 1024;
constexpr qsizetype kPreparePiece = 512;
} // namespace

struct RoomFeed::Prebuilt {
    std::optional<MemberModel::Prebuilt> members;
    UserModel::Prebuilt people;
};

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
    m_prebuilding = false;
    m_revealing = false;
    m_pending = {};
    if (snapshot.members.size() >= kPrepareAheadFrom && m_room->canAdoptSnapshot()) {
        prebuild(snapshot);
        return;
    }
    applyUsual(snapshot);
}

void RoomFeed::applyUsual(const PresenceSnapshot &snapshot)
{
    m_rest = m_room->applySnapshot(snapshot, chunkFor(qint64(m_sliceMs) * 1'000'000));
    if (m_rest.isEmpty()) {
        Q_EMIT loaded();
        return;
    }
    m_states = snapshot.states;
    prepareAhead();
    scheduleStep();
}

// The rows in two halves at once; then the people beside the rows' hash and the connection map.
// The snapshot's metadata and states are only read.
void RoomFeed::prebuild(const PresenceSnapshot &snapshot)
{
    m_prebuilding = true;
    m_pending = snapshot;
    const quint64 generation = m_generation;
    const bool allowHttp = m_room->members()->allowHttpAvatars();
    const quint64 seqBase = m_room->members()->lastSeq();
    const QString selfId = m_room->members()->selfConnectionId();
    const QString groupBy = m_room->users()->groupBy();
    m_preparer.start([this, generation, allowHttp, seqBase, selfId, groupBy, members = snapshot.members,
                      states = snapshot.states] {
        const qsizetype half = members.size() / 2;
        auto second = std::async(std::launch::async, [&] {
            return MemberModel::prepareMembers(members.mid(half), states, allowHttp);
        });
        QList<MemberModel::Member> rows = MemberModel::prepareMembers(members.first(half), states, allowHttp);
        rows.append(second.get());
        auto made = std::make_shared<Prebuilt>();
        auto people = std::async(std::launch::async, [&] {
            return UserModel::prebuildPeople(rows, seqBase, selfId, groupBy);
        });
        made->members = MemberModel::prebuild(rows, seqBase, selfId);
        QHash<QString, QString> connectionKeys = UserModel::connectionKeys(rows, groupBy); // the people take longer
        made->people = people.get();
        made->people.connKey = std::move(connectionKeys);
        // Queued to this object: dropped if it is gone by then.
        QMetaObject::invokeMethod(this, [this, generation, made] { onPrebuilt(generation, made); }, Qt::QueuedConnection);
    });
}

void RoomFeed::onPrebuilt(quint64 generation, const std::shared_ptr<Prebuilt> &prebuilt)
{
    if (generation != m_generation || !m_room)
        return; // made for a snapshot that was superseded
    m_prebuilding = false;
    PresenceSnapshot snapshot = std::exchange(m_pending, {});
    if (!prebuilt->members || !m_room->adoptPrebuilt(*prebuilt->members, prebuilt->people)) {
        applyUsual(snapshot); // an id repeated, or the room changed meanwhile
        return;
    }
    // The snapshot holds the last of the parsed reply (4 MB at 20,000 members): freed there.
    m_preparer.start([gone = std::move(snapshot)] { Q_UNUSED(gone) });
    m_revealing = m_room->users()->hiddenCount() > 0;
    scheduleStep();
}

// People rows for what is left of the slice; false once all are rows.
bool RoomFeed::reveal(const QElapsedTimer &slice, qint64 sliceNs)
{
    while (m_room) {
        const qint64 left = sliceNs - slice.nsecsElapsed();
        if (left <= 0)
            return true;
        const qint64 before = slice.nsecsElapsed();
        const int hiddenBefore = m_room->users()->hiddenCount();
        const int hidden = m_room->revealPeople(int(chunkFor(left)));
        m_nsPerMember = qMax<qint64>(1, (slice.nsecsElapsed() - before) / qMax(1, hiddenBefore - hidden));
        if (hidden == 0)
            return false;
    }
    return false;
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
    if (m_prebuilding)
        return; // onPrebuilt() schedules the next step
    if (m_revealing) {
        m_revealing = reveal(slice, sliceNs);
        if (!m_room)
            return;
        if (m_revealing) {
            scheduleStep();
            return;
        }
    }
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
