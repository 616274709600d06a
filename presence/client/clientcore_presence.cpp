// ClientCore: presence events and snapshots (see clientcore_p.h).
#include "clientcore_p.h"
#include "errorcodes.h"
#include "logging.h"

#include <algorithm>

namespace Hallway {

using namespace CoreKeys;

// --- events -------------------------------------------------------------------------------

void ClientCore::Private::onPresenceUpdate(const QJsonValue &payload)
{
    const std::optional<PresenceEvent> parsed = presenceEventFromUpdate(payload);
    if (!parsed)
        return;
    const PresenceEvent &ev = *parsed;
    if (ev.type == PresenceEvent::Type::State && jsonExceeds(ev.state, options.maxItemBytes)) {
        reportOversized("presence state", ev.connectionId);
        return; // the peer's previous state stays
    }
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
            room.inflightMembership.insert(ev.connectionId, ev);
        return;
    }
    room.queue.append(ev);
    if (!room.snapshotInFlight)
        drain(ev.room);
}

// Emits queued events in order; a join waits for its newcomer's metadata.
void ClientCore::Private::drain(const QString &roomName)
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
// Departures decides which joins and leaves are stale (departures.h).
void ClientCore::Private::apply(RoomRec &room, const PresenceEvent &ev)
{
    room.touched.insert(ev.connectionId);
    switch (ev.type) {
    case PresenceEvent::Type::Join:
        if (!room.departures.admitsJoin(ev.connectionId, ev.timestamp))
            return;
        room.departures.noteJoin(ev.connectionId, ev.timestamp);
        if (room.members.contains(ev.connectionId))
            return;
        room.members.insert(ev.connectionId);
        break;
    case PresenceEvent::Type::Leave:
        if (!room.departures.admitsLeave(ev.connectionId, ev.timestamp))
            return;
        room.departures.noteLeave(ev.connectionId, ev.timestamp, options.departedMemory);
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

// --- snapshots ------------------------------------------------------------------------------
// rt/subscribe-presence and the presence set, pipelined, reconciled with the events seen
// meanwhile; the presence set cuts crashed instances' ghosts. With alsoJoin, the join goes out
// in the same burst (one round trip instead of two): the reconciliation below does not depend
// on which reply the server finishes first. A server that has rooms:enter (Hallway's) joins and
// answers with the presence set in one command; any other gets rt/get-presence-state and
// rt/join-room.
void ClientCore::Private::takeSnapshot(const QString &roomName, bool resync, Connection::RequestFlags flags,
                                       SnapshotFn done, bool alsoJoin)
{
    RoomRec &room = rooms[roomName];
    room.snapshotInFlight = true;
    room.snapshotFinalizing = false;
    room.inflightMembership.clear();
    room.inflightStates.clear();
    room.queue.clear(); // older than the snapshot: superseded by it

    auto replies = std::make_shared<SnapshotReplies>();
    // Requests issued while offline go out on the next session: that is the one they belong to.
    const quint64 s = conn->status() == Connection::Status::Online ? session : session + 1;
    room.snapshotSession = s;
    auto barrier = makeBarrier([this, roomName, resync, replies, done, s, flags, alsoJoin] {
        if (s == session)
            snapshotRepliesIn(roomName, resync, *replies, done, alsoJoin);
        else if (flags.testFlag(Connection::Resendable) && rooms.contains(roomName))
            takeSnapshot(roomName, resync, flags, done, alsoJoin); // a caller's: again, on the new session
        else
            done(nullptr, {ErrorCode::ConnectionLost, QStringLiteral("reconnected during the snapshot")});
    });
    const QJsonObject payload{{CoreKeys::roomName, roomName}};
    // The subscribe goes first, so the server starts on its member list (the longest answer).
    barrier->add();
    request(QStringLiteral("rt/subscribe-presence"), payload,
            [replies, barrier](const QJsonValue &r, const RtError &e) {
                replies->subscribe = r;
                replies->subscribeError = e;
                barrier->arrive();
            }, flags);
    if (alsoJoin && !roomsEnterMissing)
        requestEnter(roomName, flags, replies, barrier);
    else
        requestPresenceSetAndJoin(roomName, flags, replies, barrier, alsoJoin);
    barrier->release();
}

// rooms:enter: the join, answered with the presence set instead of rt/join-room's list of every
// member with metadata (3 MB at 20,000 members), which the subscribe reply brings anyway.
void ClientCore::Private::requestEnter(const QString &roomName, Connection::RequestFlags flags,
                                       const std::shared_ptr<SnapshotReplies> &replies, const BarrierPtr &barrier)
{
    barrier->add();
    request(QStringLiteral("rooms:enter"), QJsonObject{{CoreKeys::roomName, roomName}},
            [this, replies, barrier, roomName, flags](const QJsonValue &r, const RtError &e) {
                if (e.code == ErrorCode::NotFound) {
                    // Not a Hallway server: from now on the standard way (the barrier waits for it).
                    roomsEnterMissing = true;
                    requestPresenceSetAndJoin(roomName, flags, replies, barrier, true);
                } else if (!e.isNull() || !r.toObject().value(success).toBool()) {
                    replies->joinError = e.isNull() ? refused(QStringLiteral("could not join %1").arg(roomName)) : e;
                } else {
                    replies->state = r; // {success, present}: the presence set, without states
                    replies->presenceIds = presenceIds(r.toObject());
                }
                barrier->arrive();
            }, flags);
}

// rt/get-presence-state, and rt/join-room last so that the server starts on the others first.
// (The presence set costs server time too, but without it a newcomer would see a crashed
// instance's ghosts appear and vanish.)
void ClientCore::Private::requestPresenceSetAndJoin(const QString &roomName, Connection::RequestFlags flags,
                                                    const std::shared_ptr<SnapshotReplies> &replies,
                                                    const BarrierPtr &barrier, bool alsoJoin)
{
    const QJsonObject payload{{CoreKeys::roomName, roomName}};
    barrier->add();
    request(QStringLiteral("rt/get-presence-state"), payload,
            [replies, barrier](const QJsonValue &r, const RtError &e) {
                replies->state = r;
                replies->stateError = e;
                replies->presenceIds = presenceIds(r.toObject());
                barrier->arrive();
            }, flags);
    if (!alsoJoin)
        return;
    barrier->add();
    request(QStringLiteral("rt/join-room"), payload,
            [replies, barrier, roomName](const QJsonValue &r, const RtError &e) {
                if (!e.isNull() || !r.toObject().value(success).toBool())
                    replies->joinError = e.isNull() ? refused(QStringLiteral("could not join %1").arg(roomName)) : e;
                barrier->arrive(); // its member list is the subscribe reply's again: not read
            }, flags | Connection::SuccessOnly);
}

// All replies of this session's snapshot are in. A failed join undoes the subscribe; a
// successful one makes the room ours before the snapshot is read.
void ClientCore::Private::snapshotRepliesIn(const QString &roomName, bool resync, const SnapshotReplies &replies,
                                            const SnapshotFn &done, bool alsoJoin)
{
    if (alsoJoin && !replies.joinError.isNull()) {
        rooms[roomName].snapshotInFlight = false;
        if (replies.subscribeError.isNull() && replies.subscribe.toObject().value(success).toBool())
            request(QStringLiteral("rt/unsubscribe-presence"), QJsonObject{{CoreKeys::roomName, roomName}}, {});
        if (!rooms.value(roomName).joined)
            forgetRoom(roomName);
        done(nullptr, replies.joinError);
        return;
    }
    if (alsoJoin) {
        setJoined(roomName, true);
        // We are in the room now: our own id seen leaving it earlier (a leave and rejoin
        // keep the connection id) must not keep us out of this snapshot.
        rooms[roomName].departures.forget(conn->connectionId());
    }
    finishSnapshot(roomName, resync, replies, done);
}

// The replies are in: read them, correct them with the events seen meanwhile, then publish
// once the metadata of newcomers among those events is known.
void ClientCore::Private::finishSnapshot(const QString &roomName, bool resync, const SnapshotReplies &replies,
                                         const SnapshotFn &done)
{
    RoomRec &room = rooms[roomName];
    const QJsonObject subObj = replies.subscribe.toObject();
    if (!replies.subscribeError.isNull() || !subObj.value(success).toBool()) {
        room.snapshotInFlight = false;
        if (!resync) // a resync keeps the intent: the next session tries again
            setSubscribed(roomName, false);
        done(nullptr, replies.subscribeError.isNull()
                          ? refused(QStringLiteral("presence is not available in %1").arg(roomName))
                          : replies.subscribeError);
        return;
    }
    setSubscribed(roomName, true);

    const QJsonObject gpsObj = replies.state.toObject();
    const bool havePresenceSet = replies.stateError.isNull() && gpsObj.value(success).toBool();
    RoomSetReading reading = readRoomSet(subObj, gpsObj, replies.presenceIds, havePresenceSet, conn->connectionId(),
                                         options.maxItemBytes);
    for (const Oversized &o : std::as_const(reading.oversized))
        reportOversized(o.what, o.owner);
    const QStringList lookups = mergeInflightMembership(room, reading);
    overlayStates(reading.states, room.inflightStates);
    if (reading.statesToCheck)
        reading.statesToCheck->append(room.inflightStates.keys()); // their owners were not read with the set
    room.inflightStates.clear();
    room.snapshotFinalizing = true;

    const QJsonArray serverList = subObj.value(present).toArray();
    auto publish = [this, roomName, resync, candidates = reading.members, ids = reading.ids, states = reading.states,
                    serverList, pristine = reading.pristine, metadata = reading.metadata,
                    toCheck = reading.statesToCheck, done] {
        publishSnapshot(roomName, resync, candidates, ids, states, toCheck, serverList, pristine, done);
        // Cached after the snapshot is on its way: 20,000 inserts need not delay it.
        metaCache.insertMany(metadata);
    };
    if (lookups.isEmpty()) {
        publish();
        return;
    }
    auto barrier = makeBarrier(publish);
    for (const QString &id : lookups) {
        barrier->add();
        lookupMetadata(id, [barrier] { barrier->arrive(); });
    }
    barrier->release();
}

// Joins and leaves that arrived while the snapshot was in flight (the last one per id) win
// over its replies. Returns the newcomers whose metadata is still to be looked up.
QStringList ClientCore::Private::mergeInflightMembership(RoomRec &room, RoomSetReading &reading)
{
    QStringList lookups;
    bool removed = false;
    for (const PresenceEvent &ev : std::as_const(room.inflightMembership)) {
        const QString &id = ev.connectionId;
        if (ev.type == PresenceEvent::Type::Join) {
            if (!room.departures.admitsJoin(id, ev.timestamp))
                continue;
            room.departures.noteJoin(id, ev.timestamp);
            if (reading.ids.contains(id))
                continue;
            reading.ids.insert(id);
            // Appended: the server's list stays the members' beginning (PresenceSnapshot::serverList).
            reading.members.append({id, metaCache.value(id, QJsonValue::Null)});
            if (!metaCache.contains(id))
                lookups << id;
        } else if (room.departures.admitsLeave(id, ev.timestamp)) {
            room.departures.noteLeave(id, ev.timestamp, options.departedMemory);
            if (reading.ids.remove(id)) {
                removed = true;
                if (reading.statesToCheck)
                    reading.statesToCheck->append(id);
            }
        }
    }
    room.inflightMembership.clear();
    if (removed) {
        reading.pristine = false;
        reading.members.erase(std::remove_if(reading.members.begin(), reading.members.end(),
                                             [&reading](const MemberInfo &m) { return !reading.ids.contains(m.connectionId); }),
                              reading.members.end());
    }
    return lookups;
}

// Departed ids and our own old ids never come back through a snapshot (departures.h).
void ClientCore::Private::publishSnapshot(const QString &roomName, bool resync, const QList<MemberInfo> &candidates,
                                          const QSet<QString> &candidateIds, const QJsonObject &states,
                                          const std::optional<QStringList> &statesToCheck,
                                          const QJsonArray &serverList, bool pristine, const SnapshotFn &done)
{
    auto it = rooms.find(roomName);
    if (it == rooms.end()) {
        done(nullptr, {ErrorCode::Canceled, QStringLiteral("left during the snapshot")});
        return;
    }
    RoomRec &room = *it;
    const Departures &gone = room.departures;
    const PresenceSnapshot snapshot = buildSnapshot(
        roomName, resync, candidates, states, serverList, pristine,
        [this, &gone](const QString &id) { return gone.hasLeft(id) || ownOldIds.contains(id); },
        [this](const QString &id) { return metaCache.find(id); }, candidateIds, room.members, statesToCheck);
    room.snapshotInFlight = false;
    room.snapshotFinalizing = false;
    ++room.snapshots;
    Q_EMIT q->presenceSnapshot(snapshot);
    done(&snapshot, {});
    drain(roomName);
}

} // namespace Hallway
