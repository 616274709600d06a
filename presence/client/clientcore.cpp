#include "clientcore.h"
#include "errorcodes.h"
#include "connection.h"
#include "handshakeerror.h"
#include "logging.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QQueue>
#include <QReadWriteLock>
#include <QSet>
#include <QTimer>
#include <algorithm>
#include <memory>
#include <optional>

namespace Hallway {

namespace {
const QString kRoomName = QStringLiteral("roomName");
const QString kSuccess = QStringLiteral("success");
const QString kPresent = QStringLiteral("present");
const QString kStates = QStringLiteral("states");
const QString kMetadata = QStringLiteral("metadata");
const QString kHistory = QStringLiteral("history");
const QString kChannel = QStringLiteral("channel");
const QString kPresenceChannelPrefix = QStringLiteral("rt:presence:updates:");
constexpr int kLookupRetries = 5;      // metadata lookups refused for the rate limit are asked again ...
constexpr int kLookupRetryMs = 1000;   // ... after 1 s, 2 s, ... (the server's buckets refill per second)
constexpr int kReportAfterFailures = 2; // resync snapshots in a row before the room shows an error

// Counts outstanding parts of a multi-request step and runs done() once when all arrived.
struct Barrier {
    int pending = 1; // the caller's own hold, released by release()
    std::function<void()> done;
    void add() { ++pending; }
    void arrive()
    {
        if (--pending == 0 && done) {
            auto fn = std::move(done);
            fn();
        }
    }
    void release() { arrive(); }
};
using BarrierPtr = std::shared_ptr<Barrier>;

BarrierPtr makeBarrier(std::function<void()> done)
{
    auto b = std::make_shared<Barrier>();
    b->done = std::move(done);
    return b;
}

// Channel messages are strings on the wire; JSON ones become values, others stay text.
QJsonValue parseMessage(const QJsonValue &raw)
{
    if (!raw.isString())
        return raw;
    const QByteArray text = raw.toString().toUtf8();
    QJsonParseError error;
    // Wrapping in [] lets QJsonDocument accept scalars ("42", "\"hi\"") as well.
    const QJsonDocument doc = QJsonDocument::fromJson("[" + text + "]", &error);
    if (error.error == QJsonParseError::NoError && doc.isArray() && doc.array().size() == 1)
        return doc.array().at(0);
    return raw;
}

QJsonArray parseHistory(const QJsonValue &history)
{
    QJsonArray out;
    const QJsonArray in = history.toArray();
    for (const QJsonValue &entry : in)
        out.append(parseMessage(entry));
    return out;
}

QJsonArray membersToJson(const QList<MemberInfo> &members)
{
    QJsonArray out;
    for (const MemberInfo &m : members)
        out.append(QJsonObject{{QStringLiteral("id"), m.connectionId}, {kMetadata, m.metadata}});
    return out;
}

RtError refused(const QString &what)
{
    return {ErrorCode::Refused, what};
}

// Whether value's compact JSON would exceed limit bytes, without serialising it: the walk
// stops as soon as the estimate passes the limit, so a huge value costs no more than the limit.
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

bool jsonExceeds(const QJsonValue &value, qint64 limit)
{
    qint64 used = 0;
    return limit > 0 && exceeds(value, limit, used);
}

// Connection metadata by id. Written on the worker thread, read from the GUI thread too
// (PresenceClient::cachedMetadata), hence the lock.
class MetadataCache
{
public:
    bool contains(const QString &id) const { QReadLocker l(&m_lock); return m_map.contains(id); }
    QJsonValue value(const QString &id, const QJsonValue &fallback = QJsonValue::Null) const
    {
        QReadLocker l(&m_lock);
        return m_map.value(id, fallback);
    }
    void insert(const QString &id, const QJsonValue &meta) { QWriteLocker l(&m_lock); m_map.insert(id, meta); }
    void insertMany(const QList<QPair<QString, QJsonValue>> &entries)
    {
        QWriteLocker l(&m_lock);
        m_map.reserve(m_map.size() + entries.size());
        for (const auto &e : entries)
            m_map.insert(e.first, e.second);
    }
    void remove(const QString &id) { QWriteLocker l(&m_lock); m_map.remove(id); }
    qsizetype size() const { QReadLocker l(&m_lock); return m_map.size(); }
    // Keeps only the ids keep() wants: memory stays proportional to the rooms we are in.
    template<typename Pred> void retain(Pred keep)
    {
        QWriteLocker l(&m_lock);
        m_map.removeIf([&keep](const auto &it) { return !keep(it.key()); });
    }

private:
    mutable QReadWriteLock m_lock;
    QHash<QString, QJsonValue> m_map;
};

// Ids seen leaving a room, never resurrected by a late snapshot; bounded, oldest forgotten.
class DepartedIds
{
public:
    bool contains(const QString &id) const { return m_ids.contains(id); }
    void remove(const QString &id) { m_ids.remove(id); } // the queue entry goes stale, harmless
    void insert(const QString &id, int capacity)
    {
        if (m_ids.contains(id))
            return;
        m_ids.insert(id);
        m_order.enqueue(id);
        while (m_order.size() > qMax(1, capacity))
            m_ids.remove(m_order.dequeue());
    }

private:
    QSet<QString> m_ids;
    QQueue<QString> m_order;
};
} // namespace

class ClientCore::Private
{
public:
    explicit Private(ClientCore *qq) : q(qq) {}

    struct DesiredState {
        QJsonObject state;
        int expireAfterMs = 0;
        QElapsedTimer setAt;
    };
    struct RoomRec {
        bool joined = false;
        bool subscribed = false;
        QSet<QString> members;             // what we have told the models is present
        QList<PresenceEvent> queue;        // events held to keep their order
        bool snapshotInFlight = false;     // absorb events into the next snapshot
        bool snapshotFinalizing = false;   // replies in, metadata lookups out: hold events
        QHash<QString, PresenceEvent::Type> inflightMembership;
        QHash<QString, QJsonValue> inflightStates;
        quint64 snapshots = 0;             // snapshots applied so far (the audit's staleness check)
        quint64 snapshotSession = 0;       // the session the in-flight snapshot's requests belong to
        QSet<QString> touched;             // ids with an event since the last audit was sent
    };
    struct ChannelRec {
        int historyLimit = 0;
        bool active = false;               // history delivered: live messages may flow
        bool established = false;          // subscribed once: a resync subscribes it again
        QList<QJsonValue> buffered;        // live messages that raced the subscribe reply
    };
    using SnapshotFn = std::function<void(const PresenceSnapshot *, const RtError &)>;

    ClientCore *q;
    Connection *conn = nullptr;
    ConnectionOptions options;
    QString lastId;
    QSet<QString> ownOldIds;               // our earlier connection ids: never shown again
    MetadataCache metaCache;
    QSet<QString> metaTried;               // looked up and failed: use null, do not retry now
    QHash<QString, QList<std::function<void()>>> metaWaiters;
    QHash<QString, RoomRec> rooms;
    QStringList joinedOrder;
    QHash<QString, DepartedIds> departed; // per room: ids seen leaving, never resurrected
    QHash<QString, DesiredState> desired;
    QHash<QString, QList<std::shared_ptr<Done>>> offlineStateReplies;

    // Presence state is declarative: while offline, a publish or clear only changes what the
    // resync will send, and its reply settles then (or times out as any command would).
    bool settleAfterResync(const QString &room, const Done &done)
    {
        if (conn->status() == Connection::Status::Online)
            return false;
        // Settled once: by the resync, or by this timeout, whichever comes first.
        auto once = std::make_shared<Done>(done);
        offlineStateReplies[room].append(once);
        QTimer::singleShot(options.commandTimeoutMs, q, [once] {
            if (Done fn = std::exchange(*once, Done()))
                fn({}, {ErrorCode::Timeout, QStringLiteral("still offline")});
        });
        return true;
    }
    QHash<QString, ChannelRec> channels;
    QList<QPair<QJsonObject, QString>> metadataOps;
    QHash<QString, int> snapshotFailures;  // consecutive failed resync snapshots per room
    quint64 session = 0;
    QTimer membershipTimer;

    void request(const QString &command, const QJsonValue &payload, Connection::ResultFn fn,
                 Connection::RequestFlags flags = Connection::NoFlags)
    {
        conn->request(command, payload, std::move(fn), flags);
    }

    void setJoined(const QString &room, bool joined)
    {
        RoomRec &rec = rooms[room];
        if (rec.joined == joined)
            return;
        rec.joined = joined;
        Q_EMIT q->roomFlagsChanged(room, rec.joined, rec.subscribed);
    }

    void setSubscribed(const QString &room, bool subscribed)
    {
        auto it = rooms.find(room);
        if (it == rooms.end() || it->subscribed == subscribed)
            return;
        it->subscribed = subscribed;
        Q_EMIT q->roomFlagsChanged(room, it->joined, it->subscribed);
    }

    // The room is gone for us: drop what we kept for it, metadata of its members included.
    void forgetRoom(const QString &room)
    {
        rooms.remove(room);
        departed.remove(room);
        snapshotFailures.remove(room);
        pruneMetaCache();
    }

    void pruneMetaCache()
    {
        metaCache.retain([this](const QString &id) {
            if (id == conn->connectionId() || metaWaiters.contains(id))
                return true;
            for (const RoomRec &r : std::as_const(rooms))
                if (r.members.contains(id))
                    return true;
            return false;
        });
    }

    // Metadata listed in a reply's "present" array, each entry checked against the item cap.
    void rememberMetadata(const QJsonValue &present)
    {
        for (const QJsonValue &m : present.toArray()) {
            const QJsonObject o = m.toObject();
            metaCache.insert(o.value(QStringLiteral("id")).toString(), boundedItem(o.value(kMetadata), "metadata"));
        }
    }

    // A peer's state or metadata above maxItemBytes is dropped (null), with a warning and an
    // error event: one hostile peer never costs the link or the room.
    QJsonValue boundedItem(const QJsonValue &value, const char *what, const QString &owner = QString())
    {
        if (!jsonExceeds(value, options.maxItemBytes))
            return value;
        qCWarning(lcPresence) << "dropping" << what << "of" << owner << "above" << options.maxItemBytes << "bytes";
        Q_EMIT q->errorOccurred(ErrorCode::TooLarge,
                                QStringLiteral("Ignored a %1 larger than %2 bytes%3")
                                    .arg(QLatin1String(what)).arg(options.maxItemBytes)
                                    .arg(owner.isEmpty() ? QString() : QStringLiteral(" from ") + owner));
        return QJsonValue::Null;
    }

    // --- metadata -----------------------------------------------------------------------
    void lookupMetadata(const QString &id, std::function<void()> then)
    {
        auto &waiters = metaWaiters[id];
        waiters.append(std::move(then));
        if (waiters.size() > 1)
            return; // one lookup per id at a time
        sendLookup(id, 0);
    }

    // A lookup the server refused for its rate limit is asked again a little later (hundreds
    // of people rejoining at once must not stay nameless); other failures give null at once.
    void sendLookup(const QString &id, int attempt)
    {
        const quint64 s = session;
        request(QStringLiteral("rt/get-connection-metadata"), QJsonObject{{QStringLiteral("connectionId"), id}},
                [this, id, attempt, s](const QJsonValue &result, const RtError &error) {
                    if (error.code == ErrorCode::RateLimited && attempt < kLookupRetries && s == session) {
                        QTimer::singleShot(kLookupRetryMs * (attempt + 1), q, [this, id, attempt, s, error] {
                            if (s == session)
                                sendLookup(id, attempt + 1);
                            else
                                finishLookup(id, {}, error); // a new session: its waiters were dropped
                        });
                        return;
                    }
                    finishLookup(id, result, error);
                },
                Connection::Resendable);
    }

    void finishLookup(const QString &id, const QJsonValue &result, const RtError &error)
    {
        if (error.isNull()) {
            const QJsonValue meta = boundedItem(result.toObject().value(kMetadata), "metadata", id);
            metaCache.insert(id, meta);
            metaTried.remove(id);
            Q_EMIT q->metadataResolved(id, meta);
        } else {
            qCInfo(lcPresence) << "metadata lookup failed for" << id << error.code;
            metaTried.insert(id);
        }
        const auto callbacks = metaWaiters.take(id);
        for (const auto &fn : callbacks)
            fn();
    }

    // --- presence events --------------------------------------------------------------------
    void onPresenceUpdate(const QJsonValue &payload)
    {
        const QJsonObject o = payload.toObject();
        PresenceEvent ev;
        const QString type = o.value(QStringLiteral("type")).toString();
        if (type == QLatin1String("join"))
            ev.type = PresenceEvent::Type::Join;
        else if (type == QLatin1String("leave"))
            ev.type = PresenceEvent::Type::Leave;
        else if (type == QLatin1String("state"))
            ev.type = PresenceEvent::Type::State;
        else {
            qCWarning(lcPresence) << "unknown presence event type" << type;
            return;
        }
        ev.room = o.value(kRoomName).toString();
        ev.connectionId = o.value(QStringLiteral("connectionId")).toString();
        ev.state = o.value(QStringLiteral("state"));
        if (ev.state.isUndefined())
            ev.state = QJsonValue::Null;
        if (ev.type == PresenceEvent::Type::State && jsonExceeds(ev.state, options.maxItemBytes)) {
            boundedItem(ev.state, "presence state", ev.connectionId);
            return; // the peer's previous state stays
        }
        ev.timestamp = qint64(o.value(QStringLiteral("timestamp")).toDouble());
        if (ev.room.isEmpty() || ev.connectionId.isEmpty())
            return;
        auto it = rooms.find(ev.room);
        if (it == rooms.end() || (!it->subscribed && !it->snapshotInFlight))
            return;
        if (ownOldIds.contains(ev.connectionId) && ev.type != PresenceEvent::Type::Leave)
            return; // a ghost of ours from before a reconnect
        RoomRec &room = *it;
        if (room.snapshotInFlight && !room.snapshotFinalizing) {
            if (ev.type == PresenceEvent::Type::State)
                room.inflightStates.insert(ev.connectionId, ev.state);
            else
                room.inflightMembership.insert(ev.connectionId, ev.type);
            return;
        }
        room.queue.append(ev);
        if (!room.snapshotInFlight)
            drain(ev.room);
    }

    // Emits queued events in order; a join waits for its newcomer's metadata.
    void drain(const QString &roomName)
    {
        auto it = rooms.find(roomName);
        if (it == rooms.end())
            return;
        while (!it->queue.isEmpty() && !it->snapshotInFlight) {
            PresenceEvent &head = it->queue.first();
            if (head.type == PresenceEvent::Type::Join && !it->members.contains(head.connectionId)) {
                if (metaCache.contains(head.connectionId)) {
                    head.metadata = metaCache.value(head.connectionId);
                } else if (metaTried.contains(head.connectionId)) {
                    head.metadata = QJsonValue::Null;
                } else {
                    const quint64 s = session;
                    lookupMetadata(head.connectionId, [this, roomName, s] {
                        if (s == session)
                            drain(roomName);
                    });
                    return;
                }
            }
            const PresenceEvent ev = it->queue.takeFirst();
            apply(*it, ev);
            it = rooms.find(roomName); // apply emits; a slot may have changed rooms
            if (it == rooms.end())
                return;
        }
    }

    bool isMemberAnywhere(const QString &id) const
    {
        for (const RoomRec &r : rooms)
            if (r.members.contains(id))
                return true;
        return false;
    }

    // Idempotent: a second join, a leave of a non-member, a state of a non-member change nothing.
    void apply(RoomRec &room, const PresenceEvent &ev)
    {
        room.touched.insert(ev.connectionId);
        switch (ev.type) {
        case PresenceEvent::Type::Join:
            departed[ev.room].remove(ev.connectionId);
            if (room.members.contains(ev.connectionId))
                return;
            room.members.insert(ev.connectionId);
            break;
        case PresenceEvent::Type::Leave:
            departed[ev.room].insert(ev.connectionId, options.departedMemory);
            if (!room.members.remove(ev.connectionId))
                return;
            if (!isMemberAnywhere(ev.connectionId))
                metaCache.remove(ev.connectionId);
            break;
        case PresenceEvent::Type::State:
            if (!room.members.contains(ev.connectionId))
                return;
            break;
        }
        Q_EMIT q->presenceEvent(ev);
    }

    // --- snapshots ----------------------------------------------------------------------------
    // rt/subscribe-presence and rt/get-presence-state (and rt/join-room with them), pipelined,
    // reconciled with the events seen meanwhile; the presence set cuts crashed instances' ghosts.
    // With alsoJoin, rt/join-room goes out in the same burst (one round trip instead of two):
    // the reconciliation below does not depend on which of them the server finishes first.
    void takeSnapshot(const QString &roomName, bool resync, Connection::RequestFlags flags, SnapshotFn done,
                      bool alsoJoin = false)
    {
        RoomRec &room = rooms[roomName];
        room.snapshotInFlight = true;
        room.snapshotFinalizing = false;
        room.inflightMembership.clear();
        room.inflightStates.clear();
        room.queue.clear(); // older than the snapshot: superseded by it

        struct Parts {
            RtError joinError;
            QJsonValue subscribe; RtError subscribeError;
            QJsonValue state; RtError stateError;
        };
        auto parts = std::make_shared<Parts>();
        // Requests issued while offline go out on the next session: that is the one they belong to.
        const quint64 s = conn->status() == Connection::Status::Online ? session : session + 1;
        room.snapshotSession = s;
        auto barrier = makeBarrier([this, roomName, resync, parts, done, s, flags, alsoJoin] {
            if (s != session) {
                // The link dropped meanwhile. A caller's snapshot is taken again on the new
                // session; a resync's is abandoned (the next resync takes its own).
                if (flags.testFlag(Connection::Resendable) && rooms.contains(roomName))
                    takeSnapshot(roomName, resync, flags, done, alsoJoin);
                else
                    done(nullptr, {ErrorCode::ConnectionLost, QStringLiteral("reconnected during the snapshot")});
                return;
            }
            if (alsoJoin && !parts->joinError.isNull()) {
                rooms[roomName].snapshotInFlight = false;
                if (parts->subscribeError.isNull() && parts->subscribe.toObject().value(kSuccess).toBool())
                    request(QStringLiteral("rt/unsubscribe-presence"), QJsonObject{{kRoomName, roomName}}, {});
                if (!rooms.value(roomName).joined)
                    forgetRoom(roomName);
                done(nullptr, parts->joinError);
                return;
            }
            if (alsoJoin) {
                setJoined(roomName, true);
                // We are in the room now: our own id seen leaving it earlier (a leave and rejoin
                // keep the connection id) must not keep us out of this snapshot.
                departed[roomName].remove(conn->connectionId());
            }
            finishSnapshot(roomName, resync, parts->subscribe, parts->subscribeError, parts->state,
                           parts->stateError, done);
        });
        const QJsonObject payload{{kRoomName, roomName}};
        barrier->add();
        request(QStringLiteral("rt/subscribe-presence"), payload,
                [parts, barrier](const QJsonValue &r, const RtError &e) {
                    parts->subscribe = r;
                    parts->subscribeError = e;
                    barrier->arrive();
                }, flags);
        barrier->add();
        request(QStringLiteral("rt/get-presence-state"), payload,
                [parts, barrier](const QJsonValue &r, const RtError &e) {
                    parts->state = r;
                    parts->stateError = e;
                    barrier->arrive();
                }, flags);
        // The join goes last, so the server starts on the subscribe's member list first. (The
        // presence set above costs server time too, but without it a newcomer would see a
        // crashed instance's ghosts appear and vanish.)
        if (alsoJoin) {
            barrier->add();
            request(QStringLiteral("rt/join-room"), payload,
                    [parts, barrier, roomName](const QJsonValue &r, const RtError &e) {
                        if (!e.isNull() || !r.toObject().value(kSuccess).toBool())
                            parts->joinError = e.isNull() ? refused(QStringLiteral("could not join %1").arg(roomName)) : e;
                        barrier->arrive(); // its member list is the subscribe reply's again: not read
                    }, flags | Connection::SuccessOnly);
        }
        barrier->release();
    }

    void finishSnapshot(const QString &roomName, bool resync, const QJsonValue &sub, const RtError &subError,
                        const QJsonValue &gps, const RtError &gpsError, const SnapshotFn &done)
    {
        RoomRec &room = rooms[roomName];
        const QJsonObject subObj = sub.toObject();
        if (!subError.isNull() || !subObj.value(kSuccess).toBool()) {
            room.snapshotInFlight = false;
            if (!resync) // a resync keeps the intent: the next session tries again
                setSubscribed(roomName, false);
            done(nullptr, subError.isNull() ? refused(QStringLiteral("presence is not available in %1").arg(roomName))
                                            : subError);
            return;
        }
        setSubscribed(roomName, true);

        // Room set with metadata, cut to the presence set (drops crashed instances' ghosts).
        const QJsonObject gpsObj = gps.toObject();
        const bool havePresenceSet = gpsError.isNull() && gpsObj.value(kSuccess).toBool();
        const QJsonArray presenceList = gpsObj.value(kPresent).toArray();
        QSet<QString> presenceSet;
        presenceSet.reserve(presenceList.size());
        for (const QJsonValue &id : presenceList)
            presenceSet.insert(id.toString());

        // pristine: the reconciled list is exactly the server's, so a reply can reuse its array.
        const QJsonArray serverList = subObj.value(kPresent).toArray();
        bool pristine = true;
        QList<MemberInfo> candidates;
        candidates.reserve(serverList.size());
        QSet<QString> ids;
        ids.reserve(serverList.size());
        QList<QPair<QString, QJsonValue>> metadata;
        metadata.reserve(serverList.size());
        const QString self = conn->connectionId();
        for (const QJsonValue &entry : serverList) {
            const QJsonObject m = entry.toObject();
            const QString id = m.value(QStringLiteral("id")).toString();
            if (id.isEmpty() || ids.contains(id)) {
                pristine = false;
                continue;
            }
            const QJsonValue given = m.value(kMetadata);
            const QJsonValue meta = boundedItem(given, "metadata", id);
            pristine = pristine && meta == given;
            metadata.append({id, meta});
            // Our own id is never a ghost: with join and reads pipelined, the presence set may
            // have been read just before our join wrote to it.
            if (havePresenceSet && !presenceSet.contains(id) && id != self) {
                pristine = false;
                continue;
            }
            candidates.append({id, meta});
            ids.insert(id);
        }
        metaCache.insertMany(metadata);
        DepartedIds &gone = departed[roomName];
        // Events that arrived while the snapshot was in flight: the last one per id wins.
        QStringList lookups;
        pristine = pristine && room.inflightMembership.isEmpty();
        for (auto it = room.inflightMembership.cbegin(); it != room.inflightMembership.cend(); ++it) {
            if (it.value() == PresenceEvent::Type::Join) {
                gone.remove(it.key());
                if (!ids.contains(it.key())) {
                    ids.insert(it.key());
                    candidates.append({it.key(), metaCache.value(it.key(), QJsonValue::Null)});
                    if (!metaCache.contains(it.key()))
                        lookups << it.key();
                }
            } else {
                gone.insert(it.key(), options.departedMemory);
                ids.remove(it.key());
            }
        }
        // Both replies read the states of the presence set; the presence-set reply's go with the
        // set that cut the list. Events seen meanwhile correct either.
        QJsonObject states = (havePresenceSet ? gpsObj : subObj).value(kStates).toObject();
        for (auto it = states.begin(); it != states.end();) {
            if (jsonExceeds(it.value(), options.maxItemBytes)) {
                boundedItem(it.value(), "presence state", it.key());
                it = states.erase(it);
            } else {
                ++it;
            }
        }
        for (auto it = room.inflightStates.cbegin(); it != room.inflightStates.cend(); ++it) {
            if (it.value().isObject() || (!it.value().isNull() && !it.value().isUndefined()))
                states.insert(it.key(), it.value());
            else
                states.remove(it.key());
        }
        room.inflightMembership.clear();
        room.inflightStates.clear();
        room.snapshotFinalizing = true;
        candidates.erase(std::remove_if(candidates.begin(), candidates.end(),
                                        [&ids](const MemberInfo &m) { return !ids.contains(m.connectionId); }),
                         candidates.end());

        auto finalize = [this, roomName, resync, candidates, states, done, pristine, serverList] {
            auto it = rooms.find(roomName);
            if (it == rooms.end()) {
                done(nullptr, {ErrorCode::Canceled, QStringLiteral("left during the snapshot")});
                return;
            }
            RoomRec &room = *it;
            const DepartedIds &gone = departed[roomName];
            PresenceSnapshot snapshot;
            snapshot.room = roomName;
            snapshot.resync = resync;
            room.members.clear();
            room.members.reserve(candidates.size());
            snapshot.members.reserve(candidates.size());
            bool unchanged = pristine;
            for (MemberInfo m : candidates) {
                if (gone.contains(m.connectionId) || ownOldIds.contains(m.connectionId)) {
                    unchanged = false;
                    continue;
                }
                if ((m.metadata.isNull() || m.metadata.isUndefined()) && metaCache.contains(m.connectionId)) {
                    m.metadata = metaCache.value(m.connectionId);
                    unchanged = false;
                }
                room.members.insert(m.connectionId);
                snapshot.members.append(m);
            }
            if (unchanged)
                snapshot.serverList = serverList;
            // States of non-members are dropped; usually there are none, and the object is shared.
            snapshot.states = states;
            for (auto s = snapshot.states.begin(); s != snapshot.states.end();) {
                if (room.members.contains(s.key()))
                    ++s;
                else
                    s = snapshot.states.erase(s);
            }
            room.snapshotInFlight = false;
            room.snapshotFinalizing = false;
            ++room.snapshots;
            Q_EMIT q->presenceSnapshot(snapshot);
            done(&snapshot, {});
            drain(roomName);
        };
        if (lookups.isEmpty()) {
            finalize();
            return;
        }
        auto barrier = makeBarrier(finalize);
        for (const QString &id : std::as_const(lookups)) {
            barrier->add();
            lookupMetadata(id, [barrier] { barrier->arrive(); });
        }
        barrier->release();
    }

    // --- presence state ----------------------------------------------------------------------
    void sendState(const QString &room, const QJsonObject &state, int expireAfterMs, Connection::RequestFlags flags,
                   std::function<void(const RtError &)> done)
    {
        QJsonObject payload{{kRoomName, room}, {QStringLiteral("state"), state}};
        if (expireAfterMs > 0)
            payload.insert(QStringLiteral("expireAfter"), expireAfterMs);
        request(QStringLiteral("rt/publish-presence-state"), payload,
                [done](const QJsonValue &r, const RtError &e) {
                    if (!e.isNull())
                        done(e);
                    else if (r.toBool())
                        done({});
                    else
                        done(refused(QStringLiteral("the server refused the presence state (not in the room?)")));
                }, flags);
    }

    // --- channels ------------------------------------------------------------------------------
    void onSubscriptionMessage(const QJsonValue &payload)
    {
        const QJsonObject o = payload.toObject();
        const QString channel = o.value(kChannel).toString();
        if (channel.startsWith(kPresenceChannelPrefix))
            return; // duplicate copy of rt/presence-update (PROTOCOL.md §12.1)
        auto it = channels.find(channel);
        if (it == channels.end())
            return; // not ours
        const QJsonValue message = parseMessage(o.value(QStringLiteral("message")));
        if (!it->active) {
            it->buffered.append(message);
            return;
        }
        Q_EMIT q->channelMessage(channel, message);
    }

    void subscribeChannelNow(const QString &channel, int historyLimit, bool replay, Connection::RequestFlags flags,
                             std::function<void(const QJsonArray *, const RtError &)> done)
    {
        ChannelRec &rec = channels[channel];
        rec.historyLimit = historyLimit;
        rec.active = false;
        QJsonObject payload{{kChannel, channel}};
        if (historyLimit > 0)
            payload.insert(QStringLiteral("historyLimit"), historyLimit);
        const quint64 s = session;
        request(QStringLiteral("rt/subscribe-channel"), payload,
                [this, channel, replay, done, s](const QJsonValue &r, const RtError &e) {
                    auto it = channels.find(channel);
                    if (it == channels.end()) {
                        done(nullptr, {ErrorCode::Canceled, QStringLiteral("unsubscribed meanwhile")});
                        return;
                    }
                    RtError error = e;
                    if (error.isNull() && !r.toObject().value(kSuccess).toBool())
                        error = refused(QStringLiteral("channel %1 is not available").arg(channel));
                    if (!error.isNull()) {
                        if (!replay)
                            channels.erase(it);
                        done(nullptr, error);
                        return;
                    }
                    if (replay && s != session)
                        return;
                    const QJsonArray history = parseHistory(r.toObject().value(kHistory));
                    it->active = true;
                    it->established = true;
                    const QList<QJsonValue> buffered = std::exchange(it->buffered, {});
                    Q_EMIT q->historyReceived(channel, history, replay);
                    for (const QJsonValue &m : buffered)
                        Q_EMIT q->channelMessage(channel, m);
                    done(&history, {});
                }, flags);
    }

    // --- resync -------------------------------------------------------------------------------
    void onConnected(const QString &id)
    {
        if (!lastId.isEmpty() && lastId != id)
            ownOldIds.insert(lastId);
        lastId = id;
        const quint64 s = ++session;
        Q_EMIT q->connected(id);
        metaTried.clear();

        for (auto it = rooms.begin(); it != rooms.end(); ++it) {
            it->queue.clear();
            if (it->snapshotSession == s)
                continue; // issued while offline, for this very session: still valid
            it->snapshotInFlight = false;
            it->snapshotFinalizing = false;
        }
        for (auto it = channels.begin(); it != channels.end(); ++it)
            it->active = false;
        const bool nothingToDo = rooms.isEmpty() && channels.isEmpty() && metadataOps.isEmpty()
            && desired.isEmpty() && offlineStateReplies.isEmpty();
        if (nothingToDo) {
            conn->markReady();
            startMembershipCheck();
            return;
        }
        qCInfo(lcPresence) << "resync:" << rooms.size() << "rooms," << channels.size() << "channels";
        const auto flags = Connection::Priority;

        // (1) re-apply our metadata first, in the order it was set, so a peer resolving the
        // join of our new connection id already sees it; (2) then rejoin rooms.
        auto rejoin = [this, s, flags] {
            if (s != session)
                return;
            rejoinRooms(s, flags);
        };
        if (metadataOps.isEmpty())
            rejoin();
        else
            applyMetadataOps(0, s, flags, rejoin);
    }

    // (2)+(3) rejoin rooms and resubscribe presence, each room's join, subscribe and presence
    // set in one burst, and reconcile every room against its fresh snapshot.
    void rejoinRooms(quint64 s, Connection::RequestFlags flags)
    {
        QStringList resynced; // rooms we had before this session; a first join in flight is not one
        for (auto it = rooms.cbegin(); it != rooms.cend(); ++it)
            if (it->joined || it->subscribed)
                resynced << it.key();
        auto all = makeBarrier([this, s, flags, resynced] {
            if (s != session)
                return;
            resyncStep3(s, flags, resynced);
        });
        for (const QString &room : std::as_const(resynced)) {
            const RoomRec rec = rooms.value(room);
            if (rec.subscribed) {
                all->add();
                takeSnapshot(room, true, flags, [this, all, room, s](const PresenceSnapshot *snap, const RtError &e) {
                    if (s == session)
                        noteResyncSnapshot(room, snap ? RtError() : e);
                    all->arrive();
                }, rec.joined);
            } else if (rec.joined) {
                all->add();
                request(QStringLiteral("rt/join-room"), QJsonObject{{kRoomName, room}},
                        [this, all, room](const QJsonValue &r, const RtError &e) {
                            if (!e.isNull())
                                qCWarning(lcPresence) << "rejoin of" << room << "failed:" << e.code << e.message;
                            else
                                rememberMetadata(r.toObject().value(kPresent));
                            all->arrive();
                        }, flags);
            }
        }
        all->release();
    }

    // A room whose resync snapshot fails again and again is reported on that room (it keeps
    // being retried on each new session, which the backoff paces), and cleared once it works.
    void noteResyncSnapshot(const QString &room, const RtError &error)
    {
        if (error.isNull()) {
            if (snapshotFailures.remove(room))
                Q_EMIT q->roomFailed(room, QString(), QString());
            return;
        }
        qCWarning(lcPresence) << "resync snapshot of" << room << "failed:" << error.code << error.message;
        if (++snapshotFailures[room] >= kReportAfterFailures)
            Q_EMIT q->roomFailed(room, error.code, error.message);
    }

    void resyncStep3(quint64 s, Connection::RequestFlags flags, const QStringList &resynced)
    {
        auto rest = makeBarrier([this, s, resynced] {
            if (s != session)
                return;
            // (6) only now release commands queued while offline, then announce.
            startMembershipCheck();
            conn->markReady();
            for (const QString &room : resynced)
                if (rooms.contains(room))
                    Q_EMIT q->resynced(room);
        });
        // (4) republish our desired states that have not run out.
        for (auto it = desired.begin(); it != desired.end();) {
            const DesiredState &d = it.value();
            int expireAfter = d.expireAfterMs;
            if (expireAfter > 0) {
                expireAfter -= int(d.setAt.elapsed());
                if (expireAfter <= 0) {
                    resolveOfflineState(it.key(), {});
                    it = desired.erase(it);
                    continue;
                }
            }
            if (!rooms.value(it.key()).joined) {
                // Kept for a later join, but nobody should wait for it now.
                resolveOfflineState(it.key(), refused(QStringLiteral("not in room %1").arg(it.key())));
                ++it;
                continue;
            }
            rest->add();
            const QString room = it.key();
            sendState(room, d.state, expireAfter, flags, [this, rest, room](const RtError &e) {
                resolveOfflineState(room, e);
                rest->arrive();
            });
            ++it;
        }
        // Clears issued while offline: the server forgot the state anyway.
        const QStringList waiting = offlineStateReplies.keys();
        for (const QString &room : waiting)
            if (!desired.contains(room))
                resolveOfflineState(room, {});
        // (5) resubscribe channels; their history is a replay the models de-duplicate.
        for (auto it = channels.cbegin(); it != channels.cend(); ++it) {
            // A first subscribe still queued goes out by itself after the rooms it may need
            // (chat:<room> is for members): sending it here would race ahead of its join.
            if (!it->established)
                continue;
            rest->add();
            subscribeChannelNow(it.key(), it->historyLimit, true, flags,
                                [rest, ch = it.key()](const QJsonArray *, const RtError &e) {
                                    if (!e.isNull())
                                        qCWarning(lcPresence) << "resubscribe of" << ch << "failed:" << e.code;
                                    rest->arrive();
                                });
        }
        rest->release();
    }

    void applyMetadataOps(int index, quint64 s, Connection::RequestFlags flags, std::function<void()> done)
    {
        if (index >= metadataOps.size() || s != session) {
            metaCache.remove(conn->connectionId());
            done();
            return;
        }
        const auto op = metadataOps.at(index);
        request(QStringLiteral("rt/set-my-connection-metadata"),
                QJsonObject{{kMetadata, op.first}, {QStringLiteral("options"), QJsonObject{{QStringLiteral("strategy"), op.second}}}},
                [this, index, s, flags, done](const QJsonValue &, const RtError &e) {
                    if (!e.isNull())
                        qCWarning(lcPresence) << "re-applying metadata failed:" << e.code << e.message;
                    applyMetadataOps(index + 1, s, flags, done);
                }, flags);
    }

    void resolveOfflineState(const QString &room, const RtError &error)
    {
        const auto replies = offlineStateReplies.take(room);
        for (const std::shared_ptr<Done> &once : replies) {
            if (Done fn = std::exchange(*once, Done()))
                fn(error.isNull() ? QJsonValue(true) : QJsonValue(), error);
        }
    }

    // --- membership check ------------------------------------------------------------------
    // The server keeps rooms and presence only in Redis. When Redis restarts (data lost) or our
    // presence key expires while we stay connected (PROTOCOL.md §6.4), the socket lives on but
    // nobody sees us, and nothing on the wire says so. Every membershipCheckMs we ask for the
    // presence set of our subscribed rooms; if the server answers but no longer lists our own
    // id, only a new connection (authenticated again, so metadata is back) repairs it.
    void startMembershipCheck()
    {
        if (options.membershipCheckMs <= 0)
            return;
        membershipTimer.start(options.membershipCheckMs);
    }

    // The same answer also shows ghosts we still list: members whose presence the server no
    // longer has but whose leave never came (expiry events need Redis keyspace notifications,
    // which a Redis restart switches off; a crashed instance sends no leave). Only ids that
    // were members before the request and saw no event meanwhile count, so a join racing
    // the answer is never taken for a ghost.
    void checkMembership()
    {
        if (conn->status() != Connection::Status::Online || !conn->isReady())
            return;
        for (auto it = rooms.cbegin(); it != rooms.cend(); ++it)
            checkRoom(it.key());
    }

    void checkRoom(const QString &roomName)
    {
        auto it = rooms.find(roomName);
        if (it == rooms.end() || !it->joined || !it->subscribed || it->snapshotInFlight)
            return;
        const QString self = conn->connectionId();
        const quint64 s = session;
        it->touched.clear();
        const QSet<QString> before = it->members;
        const quint64 generation = it->snapshots;
        request(QStringLiteral("rt/get-presence-state"), QJsonObject{{kRoomName, roomName}},
                [this, s, self, before, generation, room = roomName](const QJsonValue &r, const RtError &e) {
                    if (s != session || !e.isNull() || conn->connectionId() != self)
                        return;
                    auto rec = rooms.find(room);
                    if (rec == rooms.end() || !rec->joined || !rec->subscribed || rec->snapshotInFlight
                        || rec->snapshots != generation || !rec->queue.isEmpty())
                        return;
                    const QJsonObject o = r.toObject();
                    if (!o.value(kSuccess).toBool())
                        return;
                    QSet<QString> present;
                    const QJsonArray list = o.value(kPresent).toArray();
                    present.reserve(list.size());
                    for (const QJsonValue &id : list)
                        present.insert(id.toString());
                    if (!present.contains(self)) {
                        qCWarning(lcPresence) << "the server no longer lists us in" << room
                                              << "(Redis restarted or our presence expired); reconnecting";
                        ++session; // ignore the other rooms' answers of this round
                        conn->dropConnection(QStringLiteral("the server forgot our membership"));
                        return;
                    }
                    QStringList ghosts;
                    for (const QString &id : before)
                        if (rec->members.contains(id) && !present.contains(id) && !rec->touched.contains(id))
                            ghosts << id;
                    ghosts.sort();
                    for (const QString &id : std::as_const(ghosts)) {
                        qCInfo(lcPresence) << "removing ghost" << id << "from" << room << "(no leave came)";
                        PresenceEvent ev;
                        ev.type = PresenceEvent::Type::Leave;
                        ev.room = room;
                        ev.connectionId = id;
                        ev.state = QJsonValue::Null;
                        apply(*rec, ev);
                        rec = rooms.find(room); // apply emits; a slot may have changed rooms
                        if (rec == rooms.end())
                            return;
                    }
                });
    }

    void onDisconnected()
    {
        membershipTimer.stop();
        for (auto it = rooms.begin(); it != rooms.end(); ++it) {
            it->queue.clear();
            it->snapshotInFlight = false;
            it->snapshotFinalizing = false;
            it->inflightMembership.clear();
            it->inflightStates.clear();
        }
    }

    void onPush(const QString &command, const QJsonValue &payload)
    {
        if (command == QLatin1String("rt/presence-update"))
            onPresenceUpdate(payload);
        else if (command == QLatin1String("rt/subscription-message"))
            onSubscriptionMessage(payload);
        else if (command.startsWith(QLatin1String("rt/")))
            qCDebug(lcPresence) << "ignoring push" << command;
        else
            Q_EMIT q->pushReceived(command, payload);
    }

};

// ======================================================================================

ClientCore::ClientCore(const ConnectionOptions &options, QObject *parent)
    : QObject(parent), d(std::make_unique<Private>(this))
{
    d->options = options;
    d->conn = new Connection(options, this);
    d->conn->setAutoReady(false); // the queue waits for our resync
    d->membershipTimer.setParent(this);
    connect(&d->membershipTimer, &QTimer::timeout, this, [this] { d->checkMembership(); });
    auto link = [this] { Q_EMIT linkChanged(linkState()); };
    connect(d->conn, &Connection::statusChanged, this, link);
    connect(d->conn, &Connection::connectionIdChanged, this, link);
    connect(d->conn, &Connection::latencyChanged, this, link);
    connect(d->conn, &Connection::nextRetryInChanged, this, link);
    connect(d->conn, &Connection::errorChanged, this, link);
    connect(d->conn, &Connection::errorOccurred, this, &ClientCore::errorOccurred);
    connect(d->conn, &Connection::connected, this, [this](const QString &id) { d->onConnected(id); });
    connect(d->conn, &Connection::disconnected, this, [this] { d->onDisconnected(); });
    connect(d->conn, &Connection::pushReceived, this,
            [this](const QString &command, const QJsonValue &payload) { d->onPush(command, payload); });
}

ClientCore::~ClientCore()
{
    delete d->conn; // before d: its callbacks capture d
    d->conn = nullptr;
}

LinkState ClientCore::linkState() const
{
    LinkState s;
    s.status = d->conn->status();
    s.connectionId = d->conn->connectionId();
    s.latency = d->conn->latency();
    s.nextRetryIn = d->conn->nextRetryIn();
    s.errorCode = d->conn->errorCode();
    s.errorString = d->conn->errorString();
    return s;
}

void ClientCore::setOptions(const ConnectionOptions &options)
{
    d->options = options;
    d->conn->setOptions(options);
}

void ClientCore::setUrls(const QList<QUrl> &urls) { d->conn->setUrls(urls); }
void ClientCore::open() { d->conn->open(); }
void ClientCore::close() { d->conn->close(); }
void ClientCore::retryNow() { d->conn->retryNow(); }

void ClientCore::reconnect()
{
    if (d->conn->status() == Connection::Status::Online)
        d->conn->dropConnection(QStringLiteral("reconnect requested"));
    else
        d->conn->retryNow();
}

Connection *ClientCore::connection() const { return d->conn; }

QJsonValue ClientCore::cachedMetadata(const QString &connectionId) const
{
    return d->metaCache.value(connectionId);
}

namespace {
QJsonObject snapshotResult(const PresenceSnapshot &snap)
{
    const QJsonArray present = snap.serverList.size() == snap.members.size() ? snap.serverList : membersToJson(snap.members);
    return QJsonObject{{kSuccess, true}, {kPresent, present}, {kStates, snap.states}};
}
} // namespace

void ClientCore::joinRoom(const QString &room, bool subscribe, Done done)
{
    if (!subscribe) {
        d->request(QStringLiteral("rt/join-room"), QJsonObject{{kRoomName, room}},
                   [this, room, done](const QJsonValue &r, const RtError &e) {
                       const QJsonObject obj = r.toObject();
                       if (!e.isNull() || !obj.value(kSuccess).toBool()) {
                           done({}, e.isNull() ? refused(QStringLiteral("could not join %1").arg(room)) : e);
                           return;
                       }
                       d->rememberMetadata(obj.value(kPresent));
                       d->setJoined(room, true);
                       done(QJsonObject{{kSuccess, true}, {kPresent, obj.value(kPresent)}, {kStates, QJsonObject()}}, {});
                   },
                   Connection::Resendable);
        return;
    }
    // Join, subscribe and the presence set go out together: one round trip (see takeSnapshot).
    d->takeSnapshot(room, false, Connection::Resendable,
                    [done](const PresenceSnapshot *snap, const RtError &err) {
                        if (!snap)
                            done({}, err);
                        else
                            done(snapshotResult(*snap), {});
                    }, true);
}

void ClientCore::leaveRoom(const QString &room, Done done)
{
    d->setJoined(room, false); // intent first: a reconnect meanwhile must not rejoin it
    d->desired.remove(room);
    // Unsubscribe in the same breath, not after the leave's reply: a join of the same room
    // asked for meanwhile sends its own subscribe, which a late unsubscribe would undo.
    if (d->rooms.value(room).subscribed) {
        d->setSubscribed(room, false);
        d->request(QStringLiteral("rt/unsubscribe-presence"), QJsonObject{{kRoomName, room}}, {}, Connection::Resendable);
    }
    d->request(QStringLiteral("rt/leave-room"), QJsonObject{{kRoomName, room}},
               [this, done, room](const QJsonValue &, const RtError &e) {
                   if (!e.isNull()) {
                       done({}, e);
                       return;
                   }
                   const auto it = d->rooms.constFind(room);
                   if (it != d->rooms.cend() && !it->joined && !it->snapshotInFlight) // not re-joined meanwhile
                       d->forgetRoom(room);
                   Q_EMIT roomLeft(room);
                   done(QJsonObject{{kSuccess, true}}, {});
               },
               Connection::Resendable);
}

void ClientCore::subscribePresence(const QString &room, Done done)
{
    d->takeSnapshot(room, false, Connection::Resendable, [done](const PresenceSnapshot *snap, const RtError &err) {
        if (!snap)
            done({}, err);
        else
            done(snapshotResult(*snap), {});
    });
}

void ClientCore::unsubscribePresence(const QString &room, Done done)
{
    auto it = d->rooms.find(room);
    if (it != d->rooms.end()) {
        d->setSubscribed(room, false);
        it->members.clear();
        it->queue.clear();
        if (!it->joined)
            d->forgetRoom(room);
    }
    d->request(QStringLiteral("rt/unsubscribe-presence"), QJsonObject{{kRoomName, room}},
               [done](const QJsonValue &r, const RtError &e) { done(r, e); }, Connection::Resendable);
}

void ClientCore::publishPresenceState(const QString &room, const QJsonObject &state, int expireAfterMs, Done done)
{
    // Refuse an oversized state here, before it becomes the state we republish after every
    // reconnect; the earlier state stays ours.
    const qsizetype size = QJsonDocument(state).toJson(QJsonDocument::Compact).size() + room.toUtf8().size();
    if (size > d->options.maxOutgoingBytes) {
        done({}, {ErrorCode::TooLarge,
                  tr("The presence state is %1 bytes; the limit is %2.").arg(size).arg(d->options.maxOutgoingBytes)});
        return;
    }
    Private::DesiredState desired;
    desired.state = state;
    desired.expireAfterMs = qMax(0, expireAfterMs);
    desired.setAt.start();
    d->desired.insert(room, desired);
    if (d->settleAfterResync(room, done))
        return;
    d->sendState(room, state, desired.expireAfterMs, Connection::NoFlags, [done](const RtError &e) {
        if (e.isNull())
            done(true, {});
        else
            done({}, e);
    });
}

void ClientCore::clearPresenceState(const QString &room, Done done)
{
    d->desired.remove(room);
    if (d->settleAfterResync(room, done))
        return;
    d->request(QStringLiteral("rt/clear-presence-state"), QJsonObject{{kRoomName, room}},
               [done](const QJsonValue &r, const RtError &e) {
                   if (!e.isNull())
                       done({}, e);
                   else if (r.toBool())
                       done(true, {});
                   else
                       done({}, refused(QStringLiteral("the server refused to clear the state")));
               });
}

void ClientCore::connectionMetadata(const QString &connectionId, Done done)
{
    if (connectionId.isEmpty()) {
        d->request(QStringLiteral("rt/get-my-connection-metadata"), QJsonObject(),
                   [done](const QJsonValue &r, const RtError &e) {
                       if (e.isNull())
                           done(r.toObject().value(kMetadata), {});
                       else
                           done({}, e);
                   }, Connection::Resendable);
        return;
    }
    if (d->metaCache.contains(connectionId)) {
        done(d->metaCache.value(connectionId), {});
        return;
    }
    d->metaTried.remove(connectionId);
    d->lookupMetadata(connectionId, [this, done, connectionId] {
        if (d->metaCache.contains(connectionId))
            done(d->metaCache.value(connectionId), {});
        else
            done({}, {ErrorCode::NotFound, QStringLiteral("metadata lookup failed")});
    });
}

void ClientCore::setConnectionMetadata(const QJsonObject &metadata, const QString &strategy, Done done)
{
    const QString how = strategy.isEmpty() ? QStringLiteral("replace") : strategy;
    d->request(QStringLiteral("rt/set-my-connection-metadata"),
               QJsonObject{{kMetadata, metadata}, {QStringLiteral("options"), QJsonObject{{QStringLiteral("strategy"), how}}}},
               [this, done, metadata, how](const QJsonValue &r, const RtError &e) {
                   RtError error = e;
                   if (error.isNull() && !r.toObject().value(kSuccess).toBool())
                       error = refused(QStringLiteral("the server refused the metadata"));
                   if (error.isNull()) {
                       if (how == QLatin1String("replace"))
                           d->metadataOps.clear();
                       d->metadataOps.append({metadata, how});
                       d->metaCache.remove(d->conn->connectionId());
                   }
                   done(true, error);
               }, Connection::Resendable);
}

void ClientCore::roomMetadata(const QString &room, Done done)
{
    d->request(QStringLiteral("rt/get-room-metadata"), QJsonObject{{kRoomName, room}},
               [done](const QJsonValue &r, const RtError &e) { done(r.toObject().value(kMetadata), e); },
               Connection::Resendable);
}

void ClientCore::subscribeChannel(const QString &channel, int historyLimit, Done done)
{
    d->subscribeChannelNow(channel, historyLimit, false, Connection::Resendable,
                           [done](const QJsonArray *history, const RtError &e) {
                               if (!history)
                                   done({}, e);
                               else
                                   done(QJsonObject{{kSuccess, true}, {kHistory, *history}}, {});
                           });
}

void ClientCore::unsubscribeChannel(const QString &channel, Done done)
{
    d->channels.remove(channel);
    d->request(QStringLiteral("rt/unsubscribe-channel"), QJsonObject{{kChannel, channel}},
               [done](const QJsonValue &r, const RtError &e) { done(r, e); }, Connection::Resendable);
}

void ClientCore::channelHistory(const QString &channel, int limit, Done done)
{
    QJsonObject payload{{kChannel, channel}};
    if (limit > 0)
        payload.insert(QStringLiteral("limit"), limit);
    d->request(QStringLiteral("rt/get-channel-history"), payload,
               [done, channel](const QJsonValue &r, const RtError &e) {
                   if (!e.isNull()) {
                       done({}, e);
                       return;
                   }
                   const QJsonObject obj = r.toObject();
                   if (!obj.value(kSuccess).toBool()) {
                       done({}, refused(QStringLiteral("channel %1 is not available").arg(channel)));
                       return;
                   }
                   done(QJsonObject{{kSuccess, true}, {kHistory, parseHistory(obj.value(kHistory))}}, {});
               }, Connection::Resendable);
}

void ClientCore::command(const QString &name, const QJsonValue &payload, Done done)
{
    d->request(name, payload, [done](const QJsonValue &r, const RtError &e) { done(r, e); });
}

} // namespace Hallway
