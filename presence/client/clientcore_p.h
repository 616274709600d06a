#pragma once
// ClientCore's private half (not installed API; only clientcore*.cpp include it). Its code is
// split by concern:
//   clientcore.cpp          the public calls, metadata lookups, presence state, channels
//   clientcore_presence.cpp presence events and snapshots (the conversions: presencesnapshot.h)
//   clientcore_resync.cpp   the resync after every reconnect, and the membership check
// Everything here runs on the worker thread (docs/threading.md).
#include "clientcore.h"
#include "connection.h"
#include "departures.h"
#include "presencesnapshot.h"

#include <QElapsedTimer>
#include <QHash>
#include <QReadWriteLock>
#include <QSet>
#include <QTimer>

namespace Hallway {

namespace CoreKeys {
inline const QString roomName = QStringLiteral("roomName");
inline const QString success = QStringLiteral("success");
inline const QString present = QStringLiteral("present");
inline const QString states = QStringLiteral("states");
inline const QString metadata = QStringLiteral("metadata");
inline const QString history = QStringLiteral("history");
inline const QString channel = QStringLiteral("channel");
} // namespace CoreKeys

RtError refused(const QString &what);

// Connection metadata by id. Written on the worker thread, read from the GUI thread too
// (PresenceClient::cachedMetadata), hence the lock. A snapshot's metadata (20,000 entries in a
// big room) is kept as the list it came in and hashed on the first use after it, so the
// hashing does not compete for the cores while the room is being built.
class MetadataCache
{
public:
    bool contains(const QString &id) const { settle(); QReadLocker l(&m_lock); return m_map.contains(id); }
    QJsonValue value(const QString &id, const QJsonValue &fallback = QJsonValue::Null) const
    {
        settle();
        QReadLocker l(&m_lock);
        return m_map.value(id, fallback);
    }
    std::optional<QJsonValue> find(const QString &id) const
    {
        settle();
        QReadLocker l(&m_lock);
        const auto it = m_map.constFind(id);
        return it == m_map.cend() ? std::nullopt : std::optional<QJsonValue>(*it);
    }
    void insert(const QString &id, const QJsonValue &meta)
    {
        settle();
        QWriteLocker l(&m_lock);
        m_map.insert(id, meta);
    }
    void insertMany(const QList<QPair<QString, QJsonValue>> &entries)
    {
        QWriteLocker l(&m_lock);
        m_pending.append(entries);
        m_hasPending.storeRelease(true);
    }
    void remove(const QString &id)
    {
        settle();
        QWriteLocker l(&m_lock);
        m_map.remove(id);
    }
    // Keeps only the ids keep() wants: memory stays proportional to the rooms we are in.
    template<typename Pred> void retain(Pred keep)
    {
        settle();
        QWriteLocker l(&m_lock);
        m_map.removeIf([&keep](const auto &it) { return !keep(it.key()); });
    }

private:
    // Lists inserted with insertMany() go into the hash, in order, before anything reads or
    // changes it.
    void settle() const
    {
        if (!m_hasPending.loadAcquire())
            return;
        QWriteLocker l(&m_lock);
        for (const auto &entries : std::as_const(m_pending)) {
            m_map.reserve(m_map.size() + entries.size());
            for (const auto &e : entries)
                m_map.insert(e.first, e.second);
        }
        m_pending.clear();
        m_hasPending.storeRelease(false);
    }

    mutable QReadWriteLock m_lock;
    mutable QHash<QString, QJsonValue> m_map;
    mutable QList<QList<QPair<QString, QJsonValue>>> m_pending;
    mutable QAtomicInteger<bool> m_hasPending = false;
};

class ClientCore::Private
{
public:
    explicit Private(ClientCore *qq) : q(qq) {}

    struct DesiredState {
        QJsonObject state;
        int expireAfterMs = 0;
        QElapsedTimer setAt;
    };
    // One room as the wire side tracks it. members is the authoritative membership: the
    // diff basis of every snapshot and membership check, the metadata cache's keep-list, and
    // exactly the set the presence events and snapshots we emitted describe. Room's
    // MemberModel mirrors it on the GUI thread (it applies those events and snapshots and
    // decides nothing on its own).
    struct RoomRec {
        bool joined = false;
        bool subscribed = false;
        QSet<QString> members;             // what we have told the models is present
        Departures departures;             // the "never resurrect" memory (departures.h)
        QList<PresenceEvent> queue;        // events held to keep their order
        bool snapshotInFlight = false;     // absorb events into the next snapshot
        bool snapshotFinalizing = false;   // replies in, metadata lookups out: hold events
        QHash<QString, PresenceEvent> inflightMembership; // last join/leave per id while in flight
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
    // The replies a snapshot waits for (rt/join-room's only when it joins too).
    struct SnapshotReplies {
        RtError joinError;
        QJsonValue subscribe;
        RtError subscribeError;
        QJsonValue state;
        RtError stateError;
        QSet<QString> presenceIds; // state's "present", read when it arrives (before the member list)
    };
    using SnapshotFn = std::function<void(const PresenceSnapshot *, const RtError &)>;
    using ErrorFn = std::function<void(const RtError &)>;
    using HistoryFn = std::function<void(const QJsonArray *, const RtError &)>;

    ClientCore *q;
    Connection *conn = nullptr;
    ConnectionOptions options;
    QString lastId;
    QSet<QString> ownOldIds;               // our earlier connection ids: never shown again
    bool roomsEnterMissing = false;        // the server answered ENOTFOUND to rooms:enter
    MetadataCache metaCache;
    QSet<QString> metaTried;               // looked up and failed: use null, do not retry now
    QHash<QString, QList<std::function<void()>>> metaWaiters;
    QHash<QString, RoomRec> rooms;
    QHash<QString, DesiredState> desired;
    QHash<QString, QList<std::shared_ptr<Done>>> offlineStateReplies;
    QHash<QString, ChannelRec> channels;
    QList<QPair<QJsonObject, QString>> metadataOps;
    QHash<QString, int> snapshotFailures;  // consecutive failed resync snapshots per room
    quint64 session = 0;
    QTimer membershipTimer;

    // --- clientcore.cpp -----------------------------------------------------------------------
    void request(const QString &command, const QJsonValue &payload, Connection::ResultFn fn,
                 Connection::RequestFlags flags = Connection::NoFlags);
    void setJoined(const QString &room, bool joined);
    void setSubscribed(const QString &room, bool subscribed);
    void forgetRoom(const QString &room);
    void pruneMetaCache();
    bool isMemberAnywhere(const QString &id) const;
    void rememberMetadata(const QJsonValue &present);
    QJsonValue boundedItem(const QJsonValue &value, const char *what, const QString &owner = QString());
    void reportOversized(const char *what, const QString &owner);
    void lookupMetadata(const QString &id, std::function<void()> then);
    void sendLookup(const QString &id, int attempt);
    void finishLookup(const QString &id, const QJsonValue &result, const RtError &error);
    bool settleAfterResync(const QString &room, const Done &done);
    void sendState(const QString &room, const QJsonObject &state, int expireAfterMs,
                   Connection::RequestFlags flags, ErrorFn done);
    void onSubscriptionMessage(const QJsonValue &payload);
    void subscribeChannelNow(const QString &channel, int historyLimit, bool replay,
                             Connection::RequestFlags flags, HistoryFn done);
    void onPush(const QString &command, const QJsonValue &payload);
    void onDisconnected();

    // --- clientcore_presence.cpp ----------------------------------------------------------------
    void onPresenceUpdate(const QJsonValue &payload);
    void drain(const QString &roomName);
    void apply(RoomRec &room, const PresenceEvent &ev);
    void takeSnapshot(const QString &roomName, bool resync, Connection::RequestFlags flags, SnapshotFn done,
                      bool alsoJoin = false);
    void requestEnter(const QString &roomName, Connection::RequestFlags flags,
                      const std::shared_ptr<SnapshotReplies> &replies, const BarrierPtr &barrier);
    void requestPresenceSetAndJoin(const QString &roomName, Connection::RequestFlags flags,
                                   const std::shared_ptr<SnapshotReplies> &replies, const BarrierPtr &barrier,
                                   bool alsoJoin);
    void snapshotRepliesIn(const QString &roomName, bool resync, const SnapshotReplies &replies,
                           const SnapshotFn &done, bool alsoJoin);
    void finishSnapshot(const QString &roomName, bool resync, const SnapshotReplies &replies, const SnapshotFn &done);
    QStringList mergeInflightMembership(RoomRec &room, RoomSetReading &reading);
    void publishSnapshot(const QString &roomName, bool resync, const QList<MemberInfo> &candidates,
                         const QSet<QString> &candidateIds, const QJsonObject &states,
                         const std::optional<QStringList> &statesToCheck,
                         const QJsonArray &serverList, bool pristine, const SnapshotFn &done);

    // --- clientcore_resync.cpp ------------------------------------------------------------------
    void onConnected(const QString &id);
    void reapplyMetadata(int index, quint64 s, Connection::RequestFlags flags, std::function<void()> done);
    void rejoinRooms(quint64 s, Connection::RequestFlags flags);
    void noteResyncSnapshot(const QString &room, const RtError &error);
    void restoreStatesAndChannels(quint64 s, Connection::RequestFlags flags, const QStringList &resynced);
    void republishStates(const BarrierPtr &rest, Connection::RequestFlags flags);
    void resubscribeChannels(const BarrierPtr &rest, Connection::RequestFlags flags);
    void resolveOfflineState(const QString &room, const RtError &error);
    void startMembershipCheck();
    void checkMembership();
    void checkRoom(const QString &roomName);
    void removeGhosts(const QString &room, const QSet<QString> &before, const QSet<QString> &present);
};

} // namespace Hallway
