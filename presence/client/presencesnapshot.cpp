#include "presencesnapshot.h"
#include "logging.h"

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
// Entries [from, to) of the server's list, read as readRoomSet() says; a big list is read in
// two such parts at once.
RoomSetReading readPart(const QJsonArray &serverList, qsizetype from, qsizetype to, const QSet<QString> &presenceSet,
                        bool havePresenceSet, const QString &self, qint64 maxItemBytes)
{
    RoomSetReading r;
    r.members.reserve(to - from);
    r.ids.reserve(to - from);
    r.metadata.reserve(to - from);
    for (qsizetype i = from; i < to; ++i) {
        const QJsonObject m = serverList.at(i).toObject();
        const QString id = m.value(kId).toString();
        const qsizetype known = r.ids.size();
        if (id.isEmpty() || (r.ids.insert(id), r.ids.size() == known)) { // one hash lookup, not two
            r.pristine = false;
            continue;
        }
        QJsonValue meta = m.value(kMetadata);
        if (jsonExceeds(meta, maxItemBytes)) {
            r.oversized.append({"metadata", id});
            meta = QJsonValue::Null;
            r.pristine = false;
        }
        r.metadata.append({id, meta});
        if (havePresenceSet && !presenceSet.contains(id) && id != self) {
            r.pristine = false; // a ghost of a crashed instance
            r.ids.remove(id);
            continue;
        }
        r.members.append({id, meta});
    }
    return r;
}

QStringList oversizedStates(const QJsonObject &states, qint64 maxItemBytes)
{
    QStringList tooBig;
    for (auto it = states.constBegin(); it != states.constEnd(); ++it) { // const: no detach of the reply's object
        if (jsonExceeds(it.value(), maxItemBytes))
            tooBig.append(it.key());
    }
    return tooBig;
}

// Lists this long are read in two halves at once: the first on the calling thread, the second
// (and the states' sizes) on a thread of its own. Both only read the parsed reply.
constexpr qsizetype kReadInHalvesFrom = 4096;
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

    RoomSetReading r;
    QStringList tooBig;
    if (n < kReadInHalvesFrom) {
        r = readPart(serverList, 0, n, presenceSet, havePresenceSet, self, maxItemBytes);
        tooBig = oversizedStates(states, maxItemBytes);
    } else {
        const qsizetype half = n / 2;
        auto second = std::async(std::launch::async, [&] {
            return std::make_pair(readPart(serverList, half, n, presenceSet, havePresenceSet, self, maxItemBytes),
                                  oversizedStates(states, maxItemBytes));
        });
        r = readPart(serverList, 0, half, presenceSet, havePresenceSet, self, maxItemBytes);
        auto [rest, restTooBig] = second.get();
        tooBig = std::move(restTooBig);
        // The second half as if read after the first: an id the first half listed is a duplicate.
        r.pristine = r.pristine && rest.pristine;
        r.members.reserve(n);
        r.metadata.reserve(n);
        for (const auto &entry : std::as_const(rest.metadata)) {
            if (!r.ids.contains(entry.first))
                r.metadata.append(entry);
        }
        for (const Oversized &o : std::as_const(rest.oversized)) {
            if (!r.ids.contains(o.owner))
                r.oversized.append(o);
        }
        for (const MemberInfo &m : std::as_const(rest.members)) {
            const qsizetype known = r.ids.size();
            r.ids.insert(m.connectionId);
            if (r.ids.size() == known)
                r.pristine = false;
            else
                r.members.append(m);
        }
    }
    r.states = states;
    for (const QString &id : std::as_const(tooBig)) {
        r.oversized.append({"presence state", id});
        r.states.remove(id);
    }
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
                               QSet<QString> &members)
{
    PresenceSnapshot snapshot;
    snapshot.room = room;
    snapshot.resync = resync;
    members.clear();
    members.reserve(candidates.size());
    snapshot.members.reserve(candidates.size());
    bool unchanged = pristine;
    for (MemberInfo m : candidates) {
        if (excluded(m.connectionId)) {
            unchanged = false;
            continue;
        }
        if (isUnset(m.metadata)) {
            if (const std::optional<QJsonValue> known = knownMetadata(m.connectionId)) {
                m.metadata = *known;
                unchanged = false;
            }
        }
        members.insert(m.connectionId);
        snapshot.members.append(m);
    }
    if (unchanged)
        snapshot.serverList = serverList;
    // States of non-members are dropped; usually there are none, and the object stays shared.
    snapshot.states = states;
    QStringList strangers;
    for (auto s = states.constBegin(); s != states.constEnd(); ++s) {
        if (!members.contains(s.key()))
            strangers.append(s.key());
    }
    for (const QString &id : std::as_const(strangers))
        snapshot.states.remove(id);
    return snapshot;
}

} // namespace Hallway
