// ClientCore: the public calls, metadata lookups, presence state and channels. Presence
// events and snapshots are in clientcore_presence.cpp, the resync in clientcore_resync.cpp.
#include "clientcore_p.h"
#include "errorcodes.h"
#include "logging.h"

#include <QJsonDocument>

namespace Hallway {

using namespace CoreKeys;

namespace {
constexpr int kLookupRetries = 5;      // metadata lookups refused for the rate limit are asked again ...
constexpr int kLookupRetryMs = 1000;   // ... after 1 s, 2 s, ... (the server's buckets refill per second)

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

QJsonObject memberToJson(const MemberInfo &m)
{
    return QJsonObject{{QStringLiteral("id"), m.connectionId}, {metadata, m.metadata}};
}

QJsonArray membersToJson(const QList<MemberInfo> &members)
{
    QJsonArray out;
    for (const MemberInfo &m : members)
        out.append(memberToJson(m));
    return out;
}
} // namespace

RtError refused(const QString &what)
{
    return {ErrorCode::Refused, what};
}

// --- rooms and requests -------------------------------------------------------------------

void ClientCore::Private::request(const QString &command, const QJsonValue &payload, Connection::ResultFn fn,
                                  Connection::RequestFlags flags)
{
    conn->request(command, payload, std::move(fn), flags);
}

void ClientCore::Private::setJoined(const QString &room, bool joined)
{
    RoomRec &rec = rooms[room];
    if (rec.joined == joined)
        return;
    rec.joined = joined;
    Q_EMIT q->roomFlagsChanged(room, rec.joined, rec.subscribed);
}

void ClientCore::Private::setSubscribed(const QString &room, bool subscribed)
{
    auto it = rooms.find(room);
    if (it == rooms.end() || it->subscribed == subscribed)
        return;
    it->subscribed = subscribed;
    Q_EMIT q->roomFlagsChanged(room, it->joined, it->subscribed);
}

// The room is gone for us: drop what we kept for it, metadata of its members included.
void ClientCore::Private::forgetRoom(const QString &room)
{
    rooms.remove(room);
    snapshotFailures.remove(room);
    pruneMetaCache();
}

void ClientCore::Private::pruneMetaCache()
{
    metaCache.retain([this](const QString &id) {
        return id == conn->connectionId() || metaWaiters.contains(id) || isMemberAnywhere(id);
    });
}

bool ClientCore::Private::isMemberAnywhere(const QString &id) const
{
    for (const RoomRec &r : rooms)
        if (r.members.contains(id))
            return true;
    return false;
}

// --- metadata -------------------------------------------------------------------------------

// Metadata listed in a reply's "present" array, each entry checked against the item cap.
void ClientCore::Private::rememberMetadata(const QJsonValue &present)
{
    for (const QJsonValue &m : present.toArray()) {
        const QJsonObject o = m.toObject();
        metaCache.insert(o.value(QStringLiteral("id")).toString(), boundedItem(o.value(metadata), "metadata"));
    }
}

// A peer's state or metadata above maxItemBytes is dropped (null), with a warning and an
// error event: one hostile peer never costs the link or the room.
QJsonValue ClientCore::Private::boundedItem(const QJsonValue &value, const char *what, const QString &owner)
{
    if (!jsonExceeds(value, options.maxItemBytes))
        return value;
    reportOversized(what, owner);
    return QJsonValue::Null;
}

void ClientCore::Private::reportOversized(const char *what, const QString &owner)
{
    qCWarning(lcPresence) << "dropping" << what << "of" << owner << "above" << options.maxItemBytes << "bytes";
    Q_EMIT q->errorOccurred(ErrorCode::TooLarge,
                            QStringLiteral("Ignored a %1 larger than %2 bytes%3")
                                .arg(QLatin1String(what)).arg(options.maxItemBytes)
                                .arg(owner.isEmpty() ? QString() : QStringLiteral(" from ") + owner));
}

void ClientCore::Private::lookupMetadata(const QString &id, std::function<void()> then)
{
    auto &waiters = metaWaiters[id];
    waiters.append(std::move(then));
    if (waiters.size() > 1)
        return; // one lookup per id at a time
    sendLookup(id, 0);
}

// A lookup the server refused for its rate limit is asked again a little later (hundreds
// of people rejoining at once must not stay nameless); other failures give null at once.
void ClientCore::Private::sendLookup(const QString &id, int attempt)
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

void ClientCore::Private::finishLookup(const QString &id, const QJsonValue &result, const RtError &error)
{
    if (error.isNull()) {
        const QJsonValue meta = boundedItem(result.toObject().value(metadata), "metadata", id);
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

// --- presence state -------------------------------------------------------------------------

// Presence state is declarative: while offline, a publish or clear only changes what the
// resync will send, and its reply settles then (or times out as any command would).
bool ClientCore::Private::settleAfterResync(const QString &room, const Done &done)
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

void ClientCore::Private::sendState(const QString &room, const QJsonObject &state, int expireAfterMs,
                                    Connection::RequestFlags flags, ErrorFn done)
{
    QJsonObject payload{{roomName, room}, {QStringLiteral("state"), state}};
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

// --- channels and pushes --------------------------------------------------------------------

void ClientCore::Private::onSubscriptionMessage(const QJsonValue &payload)
{
    const QJsonObject o = payload.toObject();
    const QString name = o.value(channel).toString();
    if (name.startsWith(QLatin1String(Connection::presenceChannelPrefix)))
        return; // duplicate copy of rt/presence-update (docs/protocol.md §12.1)
    auto it = channels.find(name);
    if (it == channels.end())
        return; // not ours
    const QJsonValue message = parseMessage(o.value(QStringLiteral("message")));
    if (!it->active) {
        it->buffered.append(message);
        return;
    }
    Q_EMIT q->channelMessage(name, message);
}

void ClientCore::Private::subscribeChannelNow(const QString &name, int historyLimit, bool replay,
                                              Connection::RequestFlags flags, HistoryFn done)
{
    ChannelRec &rec = channels[name];
    rec.historyLimit = historyLimit;
    rec.active = false;
    QJsonObject payload{{channel, name}};
    if (historyLimit > 0)
        payload.insert(QStringLiteral("historyLimit"), historyLimit);
    const quint64 s = session;
    request(QStringLiteral("rt/subscribe-channel"), payload,
            [this, name, replay, done, s](const QJsonValue &r, const RtError &e) {
                auto it = channels.find(name);
                if (it == channels.end()) {
                    done(nullptr, {ErrorCode::Canceled, QStringLiteral("unsubscribed meanwhile")});
                    return;
                }
                RtError error = e;
                if (error.isNull() && !r.toObject().value(success).toBool())
                    error = refused(QStringLiteral("channel %1 is not available").arg(name));
                if (!error.isNull()) {
                    if (!replay)
                        channels.erase(it);
                    done(nullptr, error);
                    return;
                }
                if (replay && s != session)
                    return;
                const QJsonArray history = parseHistory(r.toObject().value(CoreKeys::history));
                it->active = true;
                it->established = true;
                const QList<QJsonValue> buffered = std::exchange(it->buffered, {});
                Q_EMIT q->historyReceived(name, history, replay);
                for (const QJsonValue &m : buffered)
                    Q_EMIT q->channelMessage(name, m);
                done(&history, {});
            }, flags);
}

void ClientCore::Private::onPush(const QString &command, const QJsonValue &payload)
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

void ClientCore::Private::onDisconnected()
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

// --- ClientCore -----------------------------------------------------------------------------

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

// Asked for (a new display name, Retry, waking from suspend): a new attempt at once, not after
// the backoff's next delay, which an earlier outage may have grown to many seconds.
void ClientCore::reconnect()
{
    if (d->conn->status() == Connection::Status::Online)
        d->conn->dropConnection(QStringLiteral("reconnect requested"));
    d->conn->retryNow();
}

Connection *ClientCore::connection() const { return d->conn; }

QJsonValue ClientCore::cachedMetadata(const QString &connectionId) const
{
    return d->metaCache.value(connectionId);
}

QSet<QString> ClientCore::memberIds(const QString &room) const
{
    return d->rooms.value(room).members;
}

namespace {
QJsonObject snapshotResult(const PresenceSnapshot &snap)
{
    QJsonArray list;
    if (!snap.serverList.isEmpty() && snap.serverList.size() <= snap.members.size()) {
        // The server's list, and the joins seen while it was in flight (usually just ours).
        list = snap.serverList;
        for (qsizetype i = snap.serverList.size(); i < snap.members.size(); ++i)
            list.append(memberToJson(snap.members.at(i)));
    } else {
        list = membersToJson(snap.members);
    }
    return QJsonObject{{success, true}, {present, list}, {states, snap.states}};
}
} // namespace

void ClientCore::joinRoom(const QString &room, bool subscribe, Done done)
{
    if (!subscribe) {
        d->request(QStringLiteral("rt/join-room"), QJsonObject{{roomName, room}},
                   [this, room, done](const QJsonValue &r, const RtError &e) {
                       const QJsonObject obj = r.toObject();
                       if (!e.isNull() || !obj.value(success).toBool()) {
                           done({}, e.isNull() ? refused(QStringLiteral("could not join %1").arg(room)) : e);
                           return;
                       }
                       d->rememberMetadata(obj.value(present));
                       d->setJoined(room, true);
                       done(QJsonObject{{success, true}, {present, obj.value(present)}, {states, QJsonObject()}}, {});
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
        d->request(QStringLiteral("rt/unsubscribe-presence"), QJsonObject{{roomName, room}}, {}, Connection::Resendable);
    }
    d->request(QStringLiteral("rt/leave-room"), QJsonObject{{roomName, room}},
               [this, done, room](const QJsonValue &, const RtError &e) {
                   if (!e.isNull()) {
                       done({}, e);
                       return;
                   }
                   const auto it = d->rooms.constFind(room);
                   if (it != d->rooms.cend() && !it->joined && !it->snapshotInFlight) // not re-joined meanwhile
                       d->forgetRoom(room);
                   Q_EMIT roomLeft(room);
                   done(QJsonObject{{success, true}}, {});
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
    d->request(QStringLiteral("rt/unsubscribe-presence"), QJsonObject{{roomName, room}},
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
    d->request(QStringLiteral("rt/clear-presence-state"), QJsonObject{{roomName, room}},
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
                           done(r.toObject().value(metadata), {});
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
               QJsonObject{{CoreKeys::metadata, metadata}, {QStringLiteral("options"), QJsonObject{{QStringLiteral("strategy"), how}}}},
               [this, done, metadata, how](const QJsonValue &r, const RtError &e) {
                   RtError error = e;
                   if (error.isNull() && !r.toObject().value(success).toBool())
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
    d->request(QStringLiteral("rt/get-room-metadata"), QJsonObject{{roomName, room}},
               [done](const QJsonValue &r, const RtError &e) { done(r.toObject().value(metadata), e); },
               Connection::Resendable);
}

void ClientCore::subscribeChannel(const QString &channel, int historyLimit, Done done)
{
    d->subscribeChannelNow(channel, historyLimit, false, Connection::Resendable,
                           [done](const QJsonArray *history, const RtError &e) {
                               if (!history)
                                   done({}, e);
                               else
                                   done(QJsonObject{{success, true}, {CoreKeys::history, *history}}, {});
                           });
}

void ClientCore::unsubscribeChannel(const QString &channel, Done done)
{
    d->channels.remove(channel);
    d->request(QStringLiteral("rt/unsubscribe-channel"), QJsonObject{{CoreKeys::channel, channel}},
               [done](const QJsonValue &r, const RtError &e) { done(r, e); }, Connection::Resendable);
}

void ClientCore::channelHistory(const QString &channel, int limit, Done done)
{
    QJsonObject payload{{CoreKeys::channel, channel}};
    if (limit > 0)
        payload.insert(QStringLiteral("limit"), limit);
    d->request(QStringLiteral("rt/get-channel-history"), payload,
               [done, channel](const QJsonValue &r, const RtError &e) {
                   if (!e.isNull()) {
                       done({}, e);
                       return;
                   }
                   const QJsonObject obj = r.toObject();
                   if (!obj.value(success).toBool()) {
                       done({}, refused(QStringLiteral("channel %1 is not available").arg(channel)));
                       return;
                   }
                   done(QJsonObject{{success, true}, {CoreKeys::history, parseHistory(obj.value(CoreKeys::history))}}, {});
               }, Connection::Resendable);
}

void ClientCore::command(const QString &name, const QJsonValue &payload, Done done)
{
    d->request(name, payload, [done](const QJsonValue &r, const RtError &e) { done(r, e); });
}

} // namespace Hallway
