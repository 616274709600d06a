#include "presenceclient.h"
#include "errorcodes.h"
#include "connection.h"
#include "handshakeerror.h"
#include "logging.h"

#include <QElapsedTimer>
#include <QJsonDocument>
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
} // namespace

class PresenceClient::Private
{
public:
    explicit Private(PresenceClient *qq) : q(qq) {}

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
        QSet<QString> touched;             // ids with an event since the last audit was sent
    };
    struct ChannelRec {
        int historyLimit = 0;
        bool active = false;               // history delivered: live messages may flow
        QList<QJsonValue> buffered;        // live messages that raced the subscribe reply
    };
    using SnapshotFn = std::function<void(const PresenceSnapshot *, const RtError &)>;

    PresenceClient *q;
    Connection *conn = nullptr;
    ConnectionOptions options;
    QString lastId;
    QSet<QString> ownOldIds;               // our earlier connection ids: never shown again
    QHash<QString, QJsonValue> metaCache;
    QSet<QString> metaTried;               // looked up and failed: use null, do not retry now
    QHash<QString, QList<std::function<void()>>> metaWaiters;
    QHash<QString, RoomRec> rooms;
    QStringList joinedOrder;
    QHash<QString, QSet<QString>> departed; // per room: ids seen leaving, never resurrected
    QHash<QString, DesiredState> desired;
    QHash<QString, QList<QPointer<Reply>>> offlineStateReplies;

    // Presence state is declarative: while offline, a publish or clear only changes what the
    // resync will send, and its reply settles then (or times out as any command would).
    bool settleAfterResync(const QString &room, Reply *reply)
    {
        if (conn->status() == Connection::Status::Online)
            return false;
        offlineStateReplies[room].append(reply);
        QTimer::singleShot(options.commandTimeoutMs, reply, [reply] {
            reply->reject({ErrorCode::Timeout, QStringLiteral("still offline")});
        });
        return true;
    }
    QHash<QString, ChannelRec> channels;
    QList<QPair<QJsonObject, QString>> metadataOps;
    quint64 session = 0;
    QTimer membershipTimer;

    Reply *newReply() { return new Reply(q); }

    void request(const QString &command, const QJsonValue &payload, Connection::ResultFn fn,
                 Connection::RequestFlags flags = Connection::NoFlags)
    {
        conn->request(command, payload, std::move(fn), flags);
    }

    void setJoined(const QString &room, bool joined)
    {
        rooms[room].joined = joined;
        const bool listed = joinedOrder.contains(room);
        if (joined && !listed)
            joinedOrder.append(room);
        else if (!joined && listed)
            joinedOrder.removeAll(room);
        else
            return;
        Q_EMIT q->joinedRoomsChanged();
    }

    // --- metadata -----------------------------------------------------------------------
    void lookupMetadata(const QString &id, std::function<void()> then)
    {
        auto &waiters = metaWaiters[id];
        waiters.append(std::move(then));
        if (waiters.size() > 1)
            return; // one lookup per id at a time
        request(QStringLiteral("rt/get-connection-metadata"), QJsonObject{{QStringLiteral("connectionId"), id}},
                [this, id](const QJsonValue &result, const RtError &error) {
                    if (error.isNull()) {
                        const QJsonValue meta = result.toObject().value(kMetadata);
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
                },
                Connection::Resendable);
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
            departed[ev.room].insert(ev.connectionId);
            if (!room.members.remove(ev.connectionId))
                return;
            break;
        case PresenceEvent::Type::State:
            if (!room.members.contains(ev.connectionId))
                return;
            break;
        }
        Q_EMIT q->presenceEvent(ev);
    }

    // --- snapshots ----------------------------------------------------------------------------
    // rt/subscribe-presence and rt/get-presence-state, pipelined, reconciled (see header).
    void takeSnapshot(const QString &roomName, bool resync, Connection::RequestFlags flags, SnapshotFn done)
    {
        RoomRec &room = rooms[roomName];
        room.snapshotInFlight = true;
        room.snapshotFinalizing = false;
        room.inflightMembership.clear();
        room.inflightStates.clear();
        room.queue.clear(); // older than the snapshot: superseded by it

        struct Parts { QJsonValue subscribe; RtError subscribeError; QJsonValue state; RtError stateError; };
        auto parts = std::make_shared<Parts>();
        const quint64 s = session;
        auto barrier = makeBarrier([this, roomName, resync, parts, done, s, flags] {
            if (s != session) {
                // The link dropped meanwhile. A caller's snapshot is taken again on the new
                // session; a resync's is abandoned (the next resync takes its own).
                if (flags.testFlag(Connection::Resendable) && rooms.contains(roomName))
                    takeSnapshot(roomName, resync, flags, done);
                else
                    done(nullptr, {ErrorCode::ConnectionLost, QStringLiteral("reconnected during the snapshot")});
                return;
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
        barrier->release();
    }

    void finishSnapshot(const QString &roomName, bool resync, const QJsonValue &sub, const RtError &subError,
                        const QJsonValue &gps, const RtError &gpsError, const SnapshotFn &done)
    {
        RoomRec &room = rooms[roomName];
        const QJsonObject subObj = sub.toObject();
        if (!subError.isNull() || !subObj.value(kSuccess).toBool()) {
            room.snapshotInFlight = false;
            room.subscribed = false;
            done(nullptr, subError.isNull() ? refused(QStringLiteral("presence is not available in %1").arg(roomName))
                                            : subError);
            return;
        }
        room.subscribed = true;

        // Room set with metadata, cut to the presence set (drops crashed instances' ghosts).
        const QJsonObject gpsObj = gps.toObject();
        const bool havePresenceSet = gpsError.isNull() && gpsObj.value(kSuccess).toBool();
        QSet<QString> presenceSet;
        for (const QJsonValue &id : gpsObj.value(kPresent).toArray())
            presenceSet.insert(id.toString());

        QList<MemberInfo> candidates;
        QSet<QString> ids;
        for (const QJsonValue &entry : subObj.value(kPresent).toArray()) {
            const QJsonObject m = entry.toObject();
            const QString id = m.value(QStringLiteral("id")).toString();
            if (id.isEmpty() || ids.contains(id))
                continue;
            metaCache.insert(id, m.value(kMetadata));
            if (havePresenceSet && !presenceSet.contains(id))
                continue;
            candidates.append({id, m.value(kMetadata)});
            ids.insert(id);
        }
        QSet<QString> &gone = departed[roomName];
        // Events that arrived while the snapshot was in flight: the last one per id wins.
        QStringList lookups;
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
                gone.insert(it.key());
                ids.remove(it.key());
            }
        }
        QJsonObject states = subObj.value(kStates).toObject();
        const QJsonObject freshStates = gpsObj.value(kStates).toObject();
        for (auto it = freshStates.begin(); it != freshStates.end(); ++it)
            states.insert(it.key(), it.value());
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

        auto finalize = [this, roomName, resync, candidates, states, done] {
            auto it = rooms.find(roomName);
            if (it == rooms.end()) {
                done(nullptr, {ErrorCode::Canceled, QStringLiteral("left during the snapshot")});
                return;
            }
            RoomRec &room = *it;
            const QSet<QString> &gone = departed[roomName];
            PresenceSnapshot snapshot;
            snapshot.room = roomName;
            snapshot.resync = resync;
            room.members.clear();
            for (MemberInfo m : candidates) {
                if (gone.contains(m.connectionId) || ownOldIds.contains(m.connectionId))
                    continue;
                if ((m.metadata.isNull() || m.metadata.isUndefined()) && metaCache.contains(m.connectionId))
                    m.metadata = metaCache.value(m.connectionId);
                room.members.insert(m.connectionId);
                snapshot.members.append(m);
            }
            for (auto s = states.begin(); s != states.end(); ++s)
                if (room.members.contains(s.key()))
                    snapshot.states.insert(s.key(), s.value());
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

    void rejoinRooms(quint64 s, Connection::RequestFlags flags)
    {
        // (2) rejoin rooms, awaiting every reply.
        auto joined = makeBarrier([this, s, flags] {
            if (s != session)
                return;
            // (3) resubscribe presence and reconcile against a fresh snapshot.
            auto snapshots = makeBarrier([this, s, flags] {
                if (s != session)
                    return;
                resyncStep3(s, flags);
            });
            for (auto it = rooms.cbegin(); it != rooms.cend(); ++it) {
                if (!it->subscribed)
                    continue;
                snapshots->add();
                takeSnapshot(it.key(), true, flags, [snapshots, room = it.key()](const PresenceSnapshot *, const RtError &e) {
                    if (!e.isNull())
                        qCWarning(lcPresence) << "resync snapshot of" << room << "failed:" << e.code << e.message;
                    snapshots->arrive();
                });
            }
            snapshots->release();
        });
        for (auto it = rooms.cbegin(); it != rooms.cend(); ++it) {
            if (!it->joined)
                continue;
            joined->add();
            request(QStringLiteral("rt/join-room"), QJsonObject{{kRoomName, it.key()}},
                    [this, joined, room = it.key()](const QJsonValue &r, const RtError &e) {
                        if (!e.isNull())
                            qCWarning(lcPresence) << "rejoin of" << room << "failed:" << e.code << e.message;
                        else
                            for (const QJsonValue &m : r.toObject().value(kPresent).toArray())
                                metaCache.insert(m.toObject().value(QStringLiteral("id")).toString(),
                                                 m.toObject().value(kMetadata));
                        joined->arrive();
                    }, flags);
        }
        joined->release();
    }

    void resyncStep3(quint64 s, Connection::RequestFlags flags)
    {
        auto rest = makeBarrier([this, s] {
            if (s != session)
                return;
            // (6) only now release commands queued while offline, then announce.
            startMembershipCheck();
            conn->markReady();
            const QStringList announced = rooms.keys();
            for (const QString &room : announced)
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
        for (const QPointer<Reply> &reply : replies) {
            if (!reply)
                continue;
            if (error.isNull())
                reply->resolve(true);
            else
                reply->reject(error);
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
        const QString self = conn->connectionId();
        const quint64 s = session;
        for (auto it = rooms.begin(); it != rooms.end(); ++it) {
            if (!it->joined || !it->subscribed || it->snapshotInFlight)
                continue;
            it->touched.clear();
            const QSet<QString> before = it->members;
            const quint64 generation = it->snapshots;
            request(QStringLiteral("rt/get-presence-state"), QJsonObject{{kRoomName, it.key()}},
                    [this, s, self, before, generation, room = it.key()](const QJsonValue &r, const RtError &e) {
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
                        for (const QJsonValue &id : o.value(kPresent).toArray())
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

    void forward(Reply *reply, const RtError &e, const QJsonValue &result)
    {
        if (e.isNull())
            reply->resolve(result);
        else
            reply->reject(e);
    }
};

// ======================================================================================

PresenceClient::PresenceClient(QObject *parent) : PresenceClient(ConnectionOptions{}, parent) {}

PresenceClient::PresenceClient(const ConnectionOptions &options, QObject *parent)
    : QObject(parent), d(new Private(this))
{
    qRegisterMetaType<Hallway::PresenceSnapshot>();
    qRegisterMetaType<Hallway::PresenceEvent>();
    qRegisterMetaType<Hallway::RtError>();
    d->options = options;
    d->conn = new Connection(options, this);
    d->conn->setAutoReady(false); // the queue waits for our resync
    connect(&d->membershipTimer, &QTimer::timeout, this, [this] { d->checkMembership(); });
    connect(d->conn, &Connection::statusChanged, this, &PresenceClient::statusChanged);
    connect(d->conn, &Connection::connectionIdChanged, this, &PresenceClient::connectionIdChanged);
    connect(d->conn, &Connection::latencyChanged, this, &PresenceClient::latencyChanged);
    connect(d->conn, &Connection::nextRetryInChanged, this, &PresenceClient::nextRetryInChanged);
    connect(d->conn, &Connection::errorChanged, this, &PresenceClient::errorChanged);
    connect(d->conn, &Connection::errorOccurred, this, &PresenceClient::errorOccurred);
    connect(d->conn, &Connection::connected, this, [this](const QString &id) { d->onConnected(id); });
    connect(d->conn, &Connection::disconnected, this, [this] { d->onDisconnected(); });
    connect(d->conn, &Connection::pushReceived, this,
            [this](const QString &command, const QJsonValue &payload) { d->onPush(command, payload); });
}

PresenceClient::~PresenceClient()
{
    delete d->conn; // before d: its callbacks capture d
    d->conn = nullptr;
    delete d;
}

ConnectionOptions PresenceClient::options() const { return d->options; }

void PresenceClient::setOptions(const ConnectionOptions &options)
{
    d->options = options;
    d->conn->setOptions(options);
}

QUrl PresenceClient::url() const
{
    const auto list = d->conn->urls();
    return list.isEmpty() ? QUrl() : list.first();
}

void PresenceClient::setUrl(const QUrl &url)
{
    setUrls(url.isEmpty() ? QList<QUrl>{} : QList<QUrl>{url});
}

QList<QUrl> PresenceClient::urls() const { return d->conn->urls(); }

void PresenceClient::setUrls(const QList<QUrl> &urls)
{
    if (urls == d->conn->urls())
        return;
    d->conn->setUrls(urls);
    Q_EMIT urlChanged();
}

PresenceClient::Status PresenceClient::status() const { return Status(int(d->conn->status())); }
QString PresenceClient::connectionId() const { return d->conn->connectionId(); }
int PresenceClient::latency() const { return d->conn->latency(); }
int PresenceClient::nextRetryIn() const { return d->conn->nextRetryIn(); }
QString PresenceClient::errorCode() const { return d->conn->errorCode(); }
QString PresenceClient::errorString() const { return d->conn->errorString(); }
QStringList PresenceClient::joinedRooms() const { return d->joinedOrder; }
bool PresenceClient::isJoined(const QString &room) const { return d->rooms.value(room).joined; }
bool PresenceClient::isSubscribed(const QString &room) const { return d->rooms.value(room).subscribed; }

void PresenceClient::open() { d->conn->open(); }
void PresenceClient::close() { d->conn->close(); }
void PresenceClient::retryNow() { d->conn->retryNow(); }

void PresenceClient::reconnect()
{
    if (d->conn->status() == Connection::Status::Online)
        d->conn->dropConnection(QStringLiteral("reconnect requested"));
    else
        d->conn->retryNow();
}

Reply *PresenceClient::joinRoom(const QString &room, bool subscribe)
{
    Reply *reply = d->newReply();
    QPointer<Reply> guard(reply);
    d->request(QStringLiteral("rt/join-room"), QJsonObject{{kRoomName, room}},
               [this, guard, room, subscribe](const QJsonValue &r, const RtError &e) {
                   if (!guard)
                       return;
                   const QJsonObject obj = r.toObject();
                   if (!e.isNull() || !obj.value(kSuccess).toBool()) {
                       guard->reject(e.isNull() ? refused(QStringLiteral("could not join %1").arg(room)) : e);
                       return;
                   }
                   for (const QJsonValue &m : obj.value(kPresent).toArray())
                       d->metaCache.insert(m.toObject().value(QStringLiteral("id")).toString(),
                                           m.toObject().value(kMetadata));
                   d->setJoined(room, true);
                   if (!subscribe) {
                       guard->resolve(QJsonObject{{kSuccess, true}, {kPresent, obj.value(kPresent)},
                                                  {kStates, QJsonObject()}});
                       return;
                   }
                   d->takeSnapshot(room, false, Connection::Resendable,
                                   [guard](const PresenceSnapshot *snap, const RtError &err) {
                                       if (!guard)
                                           return;
                                       if (!snap) {
                                           guard->reject(err);
                                           return;
                                       }
                                       guard->resolve(QJsonObject{{kSuccess, true},
                                                                  {kPresent, membersToJson(snap->members)},
                                                                  {kStates, snap->states}});
                                   });
               },
               Connection::Resendable);
    return reply;
}

Reply *PresenceClient::leaveRoom(const QString &room)
{
    Reply *reply = d->newReply();
    QPointer<Reply> guard(reply);
    const bool wasSubscribed = isSubscribed(room);
    d->setJoined(room, false); // intent first: a reconnect meanwhile must not rejoin it
    d->desired.remove(room);
    d->request(QStringLiteral("rt/leave-room"), QJsonObject{{kRoomName, room}},
               [this, guard, room, wasSubscribed](const QJsonValue &, const RtError &e) {
                   auto finish = [this, guard, room](const RtError &err) {
                       if (!err.isNull()) {
                           if (guard)
                               guard->reject(err);
                           return;
                       }
                       if (!d->rooms.value(room).joined) // not re-joined meanwhile
                           d->rooms.remove(room);
                       Q_EMIT roomLeft(room);
                       if (guard)
                           guard->resolve(QJsonObject{{kSuccess, true}});
                   };
                   if (!e.isNull() || !wasSubscribed) {
                       finish(e);
                       return;
                   }
                   d->request(QStringLiteral("rt/unsubscribe-presence"), QJsonObject{{kRoomName, room}},
                              [this, room, finish](const QJsonValue &, const RtError &) {
                                  auto it = d->rooms.find(room);
                                  if (it != d->rooms.end() && !it->joined)
                                      it->subscribed = false;
                                  finish({});
                              }, Connection::Resendable);
               },
               Connection::Resendable);
    return reply;
}

Reply *PresenceClient::subscribePresence(const QString &room)
{
    Reply *reply = d->newReply();
    QPointer<Reply> guard(reply);
    d->takeSnapshot(room, false, Connection::Resendable, [guard](const PresenceSnapshot *snap, const RtError &err) {
        if (!guard)
            return;
        if (!snap) {
            guard->reject(err);
            return;
        }
        guard->resolve(QJsonObject{{kSuccess, true}, {kPresent, membersToJson(snap->members)}, {kStates, snap->states}});
    });
    return reply;
}

Reply *PresenceClient::unsubscribePresence(const QString &room)
{
    Reply *reply = d->newReply();
    QPointer<Reply> guard(reply);
    auto it = d->rooms.find(room);
    if (it != d->rooms.end()) {
        it->subscribed = false;
        it->members.clear();
        it->queue.clear();
        if (!it->joined)
            d->rooms.erase(it);
    }
    d->request(QStringLiteral("rt/unsubscribe-presence"), QJsonObject{{kRoomName, room}},
               [this, guard](const QJsonValue &r, const RtError &e) {
                   if (guard)
                       d->forward(guard, e, r);
               }, Connection::Resendable);
    return reply;
}

Reply *PresenceClient::publishPresenceState(const QString &room, const QJsonObject &state, int expireAfterMs)
{
    Reply *reply = d->newReply();
    // Refuse an oversized state here, before it becomes the state we republish after every
    // reconnect; the earlier state stays ours.
    const qsizetype size = QJsonDocument(state).toJson(QJsonDocument::Compact).size() + room.toUtf8().size();
    if (size > d->options.maxOutgoingBytes) {
        reply->reject({ErrorCode::TooLarge,
                       tr("The presence state is %1 bytes; the limit is %2.").arg(size).arg(d->options.maxOutgoingBytes)});
        return reply;
    }
    Private::DesiredState desired;
    desired.state = state;
    desired.expireAfterMs = qMax(0, expireAfterMs);
    desired.setAt.start();
    d->desired.insert(room, desired);
    if (d->settleAfterResync(room, reply))
        return reply;
    QPointer<Reply> guard(reply);
    d->sendState(room, state, desired.expireAfterMs, Connection::NoFlags, [guard](const RtError &e) {
        if (!guard)
            return;
        if (e.isNull())
            guard->resolve(true);
        else
            guard->reject(e);
    });
    return reply;
}

Reply *PresenceClient::clearPresenceState(const QString &room)
{
    Reply *reply = d->newReply();
    d->desired.remove(room);
    if (d->settleAfterResync(room, reply))
        return reply;
    QPointer<Reply> guard(reply);
    d->request(QStringLiteral("rt/clear-presence-state"), QJsonObject{{kRoomName, room}},
               [guard](const QJsonValue &r, const RtError &e) {
                   if (!guard)
                       return;
                   if (!e.isNull())
                       guard->reject(e);
                   else if (r.toBool())
                       guard->resolve(true);
                   else
                       guard->reject(refused(QStringLiteral("the server refused to clear the state")));
               });
    return reply;
}

Reply *PresenceClient::connectionMetadata(const QString &connectionId)
{
    Reply *reply = d->newReply();
    QPointer<Reply> guard(reply);
    if (connectionId.isEmpty()) {
        d->request(QStringLiteral("rt/get-my-connection-metadata"), QJsonObject(),
                   [guard](const QJsonValue &r, const RtError &e) {
                       if (guard) {
                           if (e.isNull())
                               guard->resolve(r.toObject().value(kMetadata));
                           else
                               guard->reject(e);
                       }
                   }, Connection::Resendable);
        return reply;
    }
    if (d->metaCache.contains(connectionId)) {
        reply->resolve(d->metaCache.value(connectionId));
        return reply;
    }
    d->metaTried.remove(connectionId);
    d->lookupMetadata(connectionId, [this, guard, connectionId] {
        if (!guard)
            return;
        if (d->metaCache.contains(connectionId))
            guard->resolve(d->metaCache.value(connectionId));
        else
            guard->reject({ErrorCode::NotFound, QStringLiteral("metadata lookup failed")});
    });
    return reply;
}

Reply *PresenceClient::setConnectionMetadata(const QJsonObject &metadata, const QString &strategy)
{
    Reply *reply = d->newReply();
    QPointer<Reply> guard(reply);
    const QString how = strategy.isEmpty() ? QStringLiteral("replace") : strategy;
    d->request(QStringLiteral("rt/set-my-connection-metadata"),
               QJsonObject{{kMetadata, metadata}, {QStringLiteral("options"), QJsonObject{{QStringLiteral("strategy"), how}}}},
               [this, guard, metadata, how](const QJsonValue &r, const RtError &e) {
                   RtError error = e;
                   if (error.isNull() && !r.toObject().value(kSuccess).toBool())
                       error = refused(QStringLiteral("the server refused the metadata"));
                   if (error.isNull()) {
                       if (how == QLatin1String("replace"))
                           d->metadataOps.clear();
                       d->metadataOps.append({metadata, how});
                       d->metaCache.remove(d->conn->connectionId());
                   }
                   if (guard)
                       d->forward(guard, error, true);
               }, Connection::Resendable);
    return reply;
}

Reply *PresenceClient::roomMetadata(const QString &room)
{
    Reply *reply = d->newReply();
    QPointer<Reply> guard(reply);
    d->request(QStringLiteral("rt/get-room-metadata"), QJsonObject{{kRoomName, room}},
               [this, guard](const QJsonValue &r, const RtError &e) {
                   if (guard)
                       d->forward(guard, e, r.toObject().value(kMetadata));
               }, Connection::Resendable);
    return reply;
}

QJsonValue PresenceClient::cachedMetadata(const QString &connectionId) const
{
    return d->metaCache.value(connectionId, QJsonValue::Null);
}

Reply *PresenceClient::subscribeChannel(const QString &channel, int historyLimit)
{
    Reply *reply = d->newReply();
    QPointer<Reply> guard(reply);
    d->subscribeChannelNow(channel, historyLimit, false, Connection::Resendable,
                           [guard](const QJsonArray *history, const RtError &e) {
                               if (!guard)
                                   return;
                               if (!history)
                                   guard->reject(e);
                               else
                                   guard->resolve(QJsonObject{{kSuccess, true}, {kHistory, *history}});
                           });
    return reply;
}

Reply *PresenceClient::unsubscribeChannel(const QString &channel)
{
    Reply *reply = d->newReply();
    QPointer<Reply> guard(reply);
    d->channels.remove(channel);
    d->request(QStringLiteral("rt/unsubscribe-channel"), QJsonObject{{kChannel, channel}},
               [this, guard](const QJsonValue &r, const RtError &e) {
                   if (guard)
                       d->forward(guard, e, r);
               }, Connection::Resendable);
    return reply;
}

Reply *PresenceClient::channelHistory(const QString &channel, int limit)
{
    Reply *reply = d->newReply();
    QPointer<Reply> guard(reply);
    QJsonObject payload{{kChannel, channel}};
    if (limit > 0)
        payload.insert(QStringLiteral("limit"), limit);
    d->request(QStringLiteral("rt/get-channel-history"), payload,
               [guard, channel](const QJsonValue &r, const RtError &e) {
                   if (!guard)
                       return;
                   if (!e.isNull()) {
                       guard->reject(e);
                       return;
                   }
                   const QJsonObject obj = r.toObject();
                   if (!obj.value(kSuccess).toBool()) {
                       guard->reject(refused(QStringLiteral("channel %1 is not available").arg(channel)));
                       return;
                   }
                   guard->resolve(QJsonObject{{kSuccess, true}, {kHistory, parseHistory(obj.value(kHistory))}});
               }, Connection::Resendable);
    return reply;
}

Reply *PresenceClient::command(const QString &name, const QJsonValue &payload)
{
    Reply *reply = d->newReply();
    QPointer<Reply> guard(reply);
    d->request(name, payload, [this, guard](const QJsonValue &r, const RtError &e) {
        if (guard)
            d->forward(guard, e, r);
    });
    return reply;
}

} // namespace Hallway
