// ClientCore: the resync after every reconnect, and the membership check (see clientcore_p.h).
// The resync runs these steps in order, each once the one before has settled:
//   (1) re-apply our connection metadata, in the order it was set (reapplyMetadata), so a peer
//       resolving the join of our new connection id already sees it;
//   (2)+(3) rejoin rooms and resubscribe presence, each room's join, subscribe and presence set
//       in one burst, and reconcile every room against its fresh snapshot (rejoinRooms);
//   (4) republish our desired states that have not run out (republishStates);
//   (5) resubscribe channels; their history is a replay the models de-duplicate
//       (resubscribeChannels);
//   (6) only then release the commands queued while offline, and announce (restoreStatesAndChannels).
#include "clientcore_p.h"
#include "errorcodes.h"
#include "logging.h"

namespace Hallway {

using namespace CoreKeys;

namespace {
constexpr int kReportAfterFailures = 2; // resync snapshots in a row before the room shows an error
} // namespace

void ClientCore::Private::onConnected(const QString &id)
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
    reapplyMetadata(0, s, flags, [this, s, flags] {
        if (s == session)
            rejoinRooms(s, flags);
    });
}

// (1) One operation at a time, in the order they were set.
void ClientCore::Private::reapplyMetadata(int index, quint64 s, Connection::RequestFlags flags,
                                          std::function<void()> done)
{
    if (index >= metadataOps.size() || s != session) {
        if (!metadataOps.isEmpty())
            metaCache.remove(conn->connectionId()); // our own, as the server now has it: ask again
        done();
        return;
    }
    const auto op = metadataOps.at(index);
    request(QStringLiteral("rt/set-my-connection-metadata"),
            QJsonObject{{metadata, op.first}, {QStringLiteral("options"), QJsonObject{{QStringLiteral("strategy"), op.second}}}},
            [this, index, s, flags, done](const QJsonValue &, const RtError &e) {
                if (!e.isNull())
                    qCWarning(lcPresence) << "re-applying metadata failed:" << e.code << e.message;
                reapplyMetadata(index + 1, s, flags, done);
            }, flags);
}

// (2)+(3) Rooms we had before this session (a first join in flight is not one).
void ClientCore::Private::rejoinRooms(quint64 s, Connection::RequestFlags flags)
{
    QStringList resynced;
    for (auto it = rooms.cbegin(); it != rooms.cend(); ++it)
        if (it->joined || it->subscribed)
            resynced << it.key();
    auto all = makeBarrier([this, s, flags, resynced] {
        if (s == session)
            restoreStatesAndChannels(s, flags, resynced);
    });
    for (const QString &room : std::as_const(resynced)) {
        const RoomRec rec = rooms.value(room);
        const bool joined = rec.joined;
        if (rec.subscribed) {
            all->add();
            takeSnapshot(room, true, flags, [this, all, room, s](const PresenceSnapshot *snap, const RtError &e) {
                if (s == session)
                    noteResyncSnapshot(room, snap ? RtError() : e);
                all->arrive();
            }, joined);
        } else if (joined) {
            all->add();
            request(QStringLiteral("rt/join-room"), QJsonObject{{roomName, room}},
                    [this, all, room](const QJsonValue &r, const RtError &e) {
                        if (!e.isNull())
                            qCWarning(lcPresence) << "rejoin of" << room << "failed:" << e.code << e.message;
                        else
                            rememberMetadata(r.toObject().value(present));
                        all->arrive();
                    }, flags);
        }
    }
    all->release();
}

// A room whose resync snapshot fails again and again is reported on that room (it keeps
// being retried on each new session, which the backoff paces), and cleared once it works.
void ClientCore::Private::noteResyncSnapshot(const QString &room, const RtError &error)
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

// (4) and (5) together, then (6).
void ClientCore::Private::restoreStatesAndChannels(quint64 s, Connection::RequestFlags flags,
                                                   const QStringList &resynced)
{
    auto rest = makeBarrier([this, s, resynced] {
        if (s != session)
            return;
        startMembershipCheck();
        conn->markReady();
        for (const QString &room : resynced)
            if (rooms.contains(room))
                Q_EMIT q->resynced(room);
    });
    republishStates(rest, flags);
    // Clears issued while offline: the server forgot the state anyway.
    const QStringList waiting = offlineStateReplies.keys();
    for (const QString &room : waiting)
        if (!desired.contains(room))
            resolveOfflineState(room, {});
    resubscribeChannels(rest, flags);
    rest->release();
}

// (4) What has run out is dropped (its waiting publish settles as done); a room we are no
// longer in keeps its state for a later join.
void ClientCore::Private::republishStates(const BarrierPtr &rest, Connection::RequestFlags flags)
{
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
        const QString room = it.key();
        if (!rooms.value(room).joined) {
            // Kept for a later join, but nobody should wait for it now.
            resolveOfflineState(room, refused(QStringLiteral("not in room %1").arg(room)));
            ++it;
            continue;
        }
        rest->add();
        sendState(room, d.state, expireAfter, flags, [this, rest, room](const RtError &e) {
            resolveOfflineState(room, e);
            rest->arrive();
        });
        ++it;
    }
}

// (5) A first subscribe still queued goes out by itself after the rooms it may need
// (chat:<room> is for members): sending it here would race ahead of its join.
void ClientCore::Private::resubscribeChannels(const BarrierPtr &rest, Connection::RequestFlags flags)
{
    for (auto it = channels.cbegin(); it != channels.cend(); ++it) {
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
}

void ClientCore::Private::resolveOfflineState(const QString &room, const RtError &error)
{
    const auto replies = offlineStateReplies.take(room);
    for (const std::shared_ptr<Done> &once : replies) {
        if (Done fn = std::exchange(*once, Done()))
            fn(error.isNull() ? QJsonValue(true) : QJsonValue(), error);
    }
}

// --- membership check ----------------------------------------------------------------------
// The server keeps rooms and presence only in Redis. When Redis restarts (data lost) or our
// presence key expires while we stay connected (docs/protocol.md §6.4), the socket lives on but
// nobody sees us, and nothing on the wire says so. Every membershipCheckMs we ask for the
// presence set of our subscribed rooms; if the server answers but no longer lists our own
// id, only a new connection (authenticated again, so metadata is back) repairs it.
void ClientCore::Private::startMembershipCheck()
{
    if (options.membershipCheckMs <= 0)
        return;
    membershipTimer.start(options.membershipCheckMs);
}

void ClientCore::Private::checkMembership()
{
    if (conn->status() != Connection::Status::Online || !conn->isReady())
        return;
    const QStringList names = rooms.keys();
    for (const QString &room : names)
        checkRoom(room);
}

void ClientCore::Private::checkRoom(const QString &roomName)
{
    auto it = rooms.find(roomName);
    if (it == rooms.end() || !it->joined || !it->subscribed || it->snapshotInFlight)
        return;
    const QString self = conn->connectionId();
    const quint64 s = session;
    it->touched.clear();
    const QSet<QString> before = it->members;
    const quint64 generation = it->snapshots;
    request(QStringLiteral("rt/get-presence-state"), QJsonObject{{CoreKeys::roomName, roomName}},
            [this, s, self, before, generation, room = roomName](const QJsonValue &r, const RtError &e) {
                if (s != session || !e.isNull() || conn->connectionId() != self)
                    return;
                const auto rec = rooms.constFind(room);
                if (rec == rooms.cend() || !rec->joined || !rec->subscribed || rec->snapshotInFlight
                    || rec->snapshots != generation || !rec->queue.isEmpty())
                    return;
                const QJsonObject o = r.toObject();
                if (!o.value(success).toBool())
                    return;
                QSet<QString> listed;
                const QJsonArray list = o.value(present).toArray();
                listed.reserve(list.size());
                for (const QJsonValue &id : list)
                    listed.insert(id.toString());
                if (!listed.contains(self)) {
                    qCWarning(lcPresence) << "the server no longer lists us in" << room
                                          << "(Redis restarted or our presence expired); reconnecting";
                    ++session; // ignore the other rooms' answers of this round
                    conn->dropConnection(QStringLiteral("the server forgot our membership"));
                    return;
                }
                removeGhosts(room, before, listed);
            });
}

// The same answer also shows ghosts we still list: members whose presence the server no
// longer has but whose leave never came (expiry events need Redis keyspace notifications,
// which a Redis restart switches off; a crashed instance sends no leave). Only ids that
// were members before the request and saw no event meanwhile count, so a join racing
// the answer is never taken for a ghost.
void ClientCore::Private::removeGhosts(const QString &room, const QSet<QString> &before, const QSet<QString> &listed)
{
    auto rec = rooms.find(room);
    QStringList ghosts;
    for (const QString &id : before)
        if (rec->members.contains(id) && !listed.contains(id) && !rec->touched.contains(id))
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
}

} // namespace Hallway
