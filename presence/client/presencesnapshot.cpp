#include "presencesnapshot.h"
#include "logging.h"

#include <algorithm>
#include <atomic>
#include <future>

namespace Hallway {

namespace {
const QString kId = QStringLiteral("id");
const QString kMetadata = QStringLiteral("metadata");
const QString kPresent = QStringLiteral("present");
const QString kStates = QStringLiteral("states");

bool exceeds(const QJsonValue &value, qint64 limit, qint64 &used)
{
    switch (value.type()) {
    case QJsonValue::String:
        used += value.toString().size() + 2;
        break;
    case QJsonValue::Array: {
        const QJsonArray a = value.toArray();
        used += 2;
        for (const QJsonValue &v : a)
            if (exceeds(v, limit, ++used))
                return true;
        break;
    }
    case QJsonValue::Object: {
        const QJsonObject o = value.toObject();
        used += 2;
        for (auto it = o.begin(); it != o.end(); ++it) {
            used += it.key().size() + 4;
            if (used > limit || exceeds(it.value(), limit, used))
                return true;
        }
        break;
    }
    default:
        used += 8;
        break;
    }
    return used > limit;
}

QSet<QString> idSet(const QJsonArray &ids)
{
    QSet<QString> out;
    out.reserve(ids.size());
    for (const QJsonValue &id : ids)
        out.insert(id.toString());
    return out;
}

bool isUnset(const QJsonValue &value)
{
    return value.isNull() || value.isUndefined();
}
} // namespace

BarrierPtr makeBarrier(std::function<void()> done)
{
    auto b = std::make_shared<Barrier>();
    b->done = std::move(done);
    return b;
}

bool jsonExceeds(const QJsonValue &value, qint64 limit)
{
    qint64 used = 0;
    return limit > 0 && exceeds(value, limit, used);
}

std::optional<PresenceEvent> presenceEventFromUpdate(const QJsonValue &payload)
{
    const QJsonObject o = payload.toObject();
    PresenceEvent ev;
    const QString type = o.value(QStringLiteral("type")).toString();
    if (type == QLatin1String("join")) {
        ev.type = PresenceEvent::Type::Join;
    } else if (type == QLatin1String("leave")) {
        ev.type = PresenceEvent::Type::Leave;
    } else if (type == QLatin1String("state")) {
        ev.type = PresenceEvent::Type::State;
    } else {
        qCWarning(lcPresence) << "unknown presence event type" << type;
        return std::nullopt;
    }
    ev.room = o.value(QStringLiteral("roomName")).toString();
    ev.connectionId = o.value(QStringLiteral("connectionId")).toString();
    ev.state = o.value(QStringLiteral("state"));
    if (ev.state.isUndefined())
        ev.state = QJsonValue::Null;
    ev.timestamp = qint64(o.value(QStringLiteral("timestamp")).toDouble());
    return ev;
}

QSet<QString> presenceIds(const QJsonObject &presenceReply)
{
    return idSet(presenceReply.value(kPresent).toArray());
}

RoomSetReading readRoomSet(const QJsonObject &subscribeReply, const QJsonObject &presenceReply,
                           bool havePresenceSet, const QString &self, qint64 maxItemBytes)
{
    return readRoomSet(subscribeReply, presenceReply, presenceIds(presenceReply), havePresenceSet, self, maxItemBytes);
}

namespace {
// What the ids pass made of one entry of the server's list.
enum class Entry : quint8 {
    Skipped, // an empty or repeated id: not read at all
    Ghost,   // listed, but not in the presence set: its metadata is cached, it is no member
    Member,
};

struct IdsPass {
    QList<QString> ids; // per entry
    std::vector<Entry> entries;
    QSet<QString> members;
    bool pristine = true;
    bool listsPresenceSet = false; // every id of the presence set but ours is a member
};

// The ids: which entries are members, which are ghosts, which are repeats. Hash work only.
IdsPass readIds(const QJsonArray &serverList, const QSet<QString> &presenceSet, bool havePresenceSet,
                const QString &self)
{
    const qsizetype n = serverList.size();
    IdsPass pass;
    pass.ids.resize(n);
    pass.entries.assign(size_t(n), Entry::Skipped);
    pass.members.reserve(n);
    qsizetype listedFromSet = 0; // members in the presence set, ours aside
    for (qsizetype i = 0; i < n; ++i) {
        QString id = serverList.at(i).toObject().value(kId).toString();
        if (id.isEmpty()) {
            pass.pristine = false;
            continue;
        }
        if (havePresenceSet && !presenceSet.contains(id) && id != self) {
            pass.pristine = false; // a ghost of a crashed instance (never a member: never a repeat)
            pass.entries[size_t(i)] = Entry::Ghost;
        } else {
            const qsizetype known = pass.members.size();
            pass.members.insert(id); // one hash operation, not two
            if (pass.members.size() == known) {
                pass.pristine = false;
                continue;
            }
            pass.entries[size_t(i)] = Entry::Member;
            listedFromSet += havePresenceSet && id != self ? 1 : 0;
        }
        pass.ids[i] = std::move(id);
    }
    // Members other than ours all come from the set: as many as it has means all of it.
    pass.listsPresenceSet = havePresenceSet && listedFromSet == presenceSet.size() - (presenceSet.contains(self) ? 1 : 0);
    return pass;
}

struct MetadataPass {
    QList<QJsonValue> metadata; // per entry; null where oversized
    std::vector<bool> oversized;
    QStringList tooBigStates;
};

// The metadata and the states' sizes: JSON walks only, no hashing.
MetadataPass readMetadata(const QJsonArray &serverList, const QJsonObject &states, qint64 maxItemBytes)
{
    const qsizetype n = serverList.size();
    MetadataPass pass;
    pass.metadata.resize(n);
    pass.oversized.assign(size_t(n), false);
    for (qsizetype i = 0; i < n; ++i) {
        QJsonValue meta = serverList.at(i).toObject().value(kMetadata);
        if (jsonExceeds(meta, maxItemBytes)) {
            pass.oversized[size_t(i)] = true;
            meta = QJsonValue::Null;
        }
        pass.metadata[i] = std::move(meta);
    }
    for (auto it = states.constBegin(); it != states.constEnd(); ++it) { // const: no detach of the reply's object
        if (jsonExceeds(it.value(), maxItemBytes))
            pass.tooBigStates.append(it.key());
    }
    return pass;
}

// The states' keys a presence set does not vouch for: outside it, or ours. Taken in chunks by
// whichever reader is free first (the ids pass and the metadata pass rarely end together).
class UnvouchedStates
{
public:
    UnvouchedStates(const QJsonObject &states, const QSet<QString> &presenceSet, const QString &self)
        : m_states(states), m_presenceSet(presenceSet), m_self(self)
    {
    }
    void takeChunks(QStringList &out)
    {
        constexpr qsizetype kChunk = 512;
        for (;;) {
            const qsizetype from = m_next.fetch_add(kChunk);
            if (from >= m_states.size())
                return;
            const auto end = m_states.constBegin() + qMin(from + kChunk, m_states.size());
            for (auto it = m_states.constBegin() + from; it != end; ++it) {
                const QString key = it.key();
                if (key == m_self || !m_presenceSet.contains(key))
                    out.append(key);
            }
        }
    }

private:
    const QJsonObject &m_states;
    const QSet<QString> &m_presenceSet;
    const QString &m_self;
    std::atomic<qsizetype> m_next{0};
};

// Lists this long are read by two threads at once: the ids on the calling thread, the metadata
// and the states' sizes on a short-lived one. Both only read the parsed reply.
constexpr qsizetype kReadInTwoFrom = 4096;
} // namespace

RoomSetReading readRoomSet(const QJsonObject &subscribeReply, const QJsonObject &presenceReply,
                           const QSet<QString> &presenceSet, bool havePresenceSet, const QString &self,
                           qint64 maxItemBytes)
{
    const QJsonArray serverList = subscribeReply.value(kPresent).toArray();
    // Both replies carry the states of the presence set; the presence-set reply's go with the
    // set that cut the list (rooms:enter's has none: then the subscribe reply's).
    const bool presenceStates = havePresenceSet && presenceReply.contains(kStates);
    const QJsonObject states = (presenceStates ? presenceReply : subscribeReply).value(kStates).toObject();
    const qsizetype n = serverList.size();

    IdsPass ids;
    MetadataPass meta;
    UnvouchedStates unvouched(states, presenceSet, self);
    QStringList outsideSet;
    if (n < kReadInTwoFrom) {
        ids = readIds(serverList, presenceSet, havePresenceSet, self);
        meta = readMetadata(serverList, states, maxItemBytes);
        if (havePresenceSet)
            unvouched.takeChunks(outsideSet);
    } else {
        QStringList outsideSetToo;
        auto second = std::async(std::launch::async, [&] {
            MetadataPass pass = readMetadata(serverList, states, maxItemBytes);
            if (havePresenceSet)
                unvouched.takeChunks(outsideSetToo);
            return pass;
        });
        ids = readIds(serverList, presenceSet, havePresenceSet, self);
        if (havePresenceSet)
            unvouched.takeChunks(outsideSet);
        meta = second.get();
        outsideSet.append(outsideSetToo);
    }

    RoomSetReading r;
    r.pristine = ids.pristine;
    r.ids = std::move(ids.members);
    r.members.reserve(r.ids.size());
    r.metadata.reserve(n);
    for (qsizetype i = 0; i < n; ++i) {
        const Entry entry = ids.entries[size_t(i)];
        if (entry == Entry::Skipped)
            continue;
        const QString &id = ids.ids.at(i);
        const QJsonValue &metadata = meta.metadata.at(i);
        if (meta.oversized[size_t(i)]) {
            r.oversized.append({"metadata", id});
            r.pristine = false;
        }
        r.metadata.append({id, metadata});
        if (entry == Entry::Member)
            r.members.append({id, metadata});
    }
    r.states = states;
    for (const QString &id : std::as_const(meta.tooBigStates)) {
        r.oversized.append({"presence state", id});
        r.states.remove(id);
    }
    if (ids.listsPresenceSet)
        r.statesToCheck = std::move(outsideSet);
    return r;
}

void overlayStates(QJsonObject &states, const QHash<QString, QJsonValue> &newer)
{
    for (auto it = newer.cbegin(); it != newer.cend(); ++it) {
        if (isUnset(it.value()))
            states.remove(it.key());
        else
            states.insert(it.key(), it.value());
    }
}

PresenceSnapshot buildSnapshot(const QString &room, bool resync, const QList<MemberInfo> &candidates,
                               const QJsonObject &states, const QJsonArray &serverList, bool pristine,
                               const IdPredicate &excluded, const MetadataLookup &knownMetadata,
                               QSet<QString> candidateIds, QSet<QString> &members,
                               const std::optional<QStringList> &statesToCheck)
{
    PresenceSnapshot snapshot;
    snapshot.room = room;
    snapshot.resync = resync;
    // The candidates' ids, less the excluded: no set of 20,000 is built a second time.
    members = std::move(candidateIds);
    // Usually nobody is excluded and nobody lacks metadata the cache has: then the candidates
    // are the members as they are, shared rather than copied one by one.
    const bool asTheyAre = std::none_of(candidates.cbegin(), candidates.cend(), [&](const MemberInfo &m) {
        return excluded(m.connectionId) || (isUnset(m.metadata) && knownMetadata(m.connectionId));
    });
    bool unchanged = pristine;
    QStringList excludedIds;
    if (asTheyAre) {
        snapshot.members = candidates;
    } else {
        snapshot.members.reserve(candidates.size());
        for (MemberInfo m : candidates) {
            if (excluded(m.connectionId)) {
                members.remove(m.connectionId);
                excludedIds.append(m.connectionId);
                unchanged = false;
                continue;
            }
            if (isUnset(m.metadata)) {
                if (const std::optional<QJsonValue> known = knownMetadata(m.connectionId)) {
                    m.metadata = *known;
                    unchanged = false;
                }
            }
            snapshot.members.append(m);
        }
    }
    if (unchanged)
        snapshot.serverList = serverList;
    // States of non-members are dropped; usually there are none, and the object stays shared.
    snapshot.states = states;
    QStringList strangers;
    const auto checkOwners = [&](const QStringList &ids) {
        for (const QString &id : ids) {
            if (states.contains(id) && !members.contains(id))
                strangers.append(id);
        }
    };
    if (statesToCheck) {
        checkOwners(*statesToCheck);
        checkOwners(excludedIds);
    } else {
        for (auto s = states.constBegin(); s != states.constEnd(); ++s) {
            if (!members.contains(s.key()))
                strangers.append(s.key());
        }
    }
    for (const QString &id : std::as_const(strangers))
        snapshot.states.remove(id);
    return snapshot;
}

} // namespace Hallway
