#pragma once
// The wire side's presence conversions, free of sockets and signals so tests and the fuzzer
// (tests/fuzz/fuzz_events.cpp) run the very code ClientCore runs:
//  - an rt/presence-update payload becomes a PresenceEvent;
//  - a snapshot's replies (rt/subscribe-presence's room set, rt/get-presence-state's presence
//    set) are read into candidate members and states (readRoomSet), corrected by the events
//    seen while they were in flight (ClientCore), and turned into the PresenceSnapshot a room
//    gets (buildSnapshot).
// Barrier counts the outstanding parts of a multi-request step (a snapshot, a resync).
#include "presencetypes.h"

#include <QJsonObject>
#include <QPair>
#include <QSet>
#include <QStringList>
#include <functional>
#include <memory>
#include <optional>

namespace Hallway {

// Runs done() once when every part added has arrived and the caller released its own hold.
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
BarrierPtr makeBarrier(std::function<void()> done);

// Whether value's compact JSON would exceed limit bytes (never, for limit <= 0), without
// serialising it: the walk stops as soon as the estimate passes the limit.
bool jsonExceeds(const QJsonValue &value, qint64 limit);

// The event an rt/presence-update payload describes; nullopt for an unknown type. Room and
// connection id may be empty (the caller drops such events). A missing state reads as null.
std::optional<PresenceEvent> presenceEventFromUpdate(const QJsonValue &payload);

// A peer's item dropped for its size, for the caller to report.
struct Oversized {
    const char *what; // "metadata" or "presence state"
    QString owner;    // connection id
};

// What a snapshot's replies say, before the events seen meanwhile correct it.
struct RoomSetReading {
    QList<MemberInfo> members;                  // the room set cut to the presence set, in server order
    QSet<QString> ids;                          // members' ids (unique, never empty)
    QList<QPair<QString, QJsonValue>> metadata; // every listed id's metadata, cut ones too (for the cache)
    QJsonObject states;                         // connection id -> state, oversized ones dropped
    QList<Oversized> oversized;                 // in the order found
    bool pristine = true;                       // members begins with exactly the server's list
    // With a presence set whose every id (ours aside) was listed, a state can belong to a
    // non-member only if its key is outside that set, is ours, or is an id dropped later (a
    // leave in flight, an excluded id): statesToCheck holds the first two, and a caller that
    // drops ids adds them. Unset: every state's owner is checked.
    std::optional<QStringList> statesToCheck;
};

// subscribeReply: rt/subscribe-presence's {present: [{id, metadata}], states}. presenceReply:
// rt/get-presence-state's {present: [id], states} or rooms:enter's {present: [id]}, used when
// havePresenceSet. The presence set
// cuts crashed instances' ghosts from the room set (docs/protocol.md §12.7, §12.12); self is never
// cut (with join and reads pipelined, the set may have been read just before our join wrote it).
// Items above maxItemBytes become null (metadata) or are dropped (states).
RoomSetReading readRoomSet(const QJsonObject &subscribeReply, const QJsonObject &presenceReply,
                           bool havePresenceSet, const QString &self, qint64 maxItemBytes);
// The same with the presence set's ids read beforehand (presenceIds): that reply usually comes
// well before the member list, so the set is ready when the list arrives. A list of thousands
// is read by two threads at once: the ids (hashing) on the calling thread, the metadata and the
// states' sizes (JSON walks) on a short-lived thread of its own; then both check the states'
// keys against the presence set, in chunks, until none are left.
RoomSetReading readRoomSet(const QJsonObject &subscribeReply, const QJsonObject &presenceReply,
                           const QSet<QString> &presenceSet, bool havePresenceSet, const QString &self,
                           qint64 maxItemBytes);
QSet<QString> presenceIds(const QJsonObject &presenceReply);

// States published while the snapshot was in flight replace the snapshot's; a null clears.
void overlayStates(QJsonObject &states, const QHash<QString, QJsonValue> &newer);

// The snapshot a room gets: candidates that are not excluded (departed, our own old ids), with
// metadata from knownMetadata where the server had none, and only members' states. members
// receives the ids listed; candidateIds are the candidates' ids (RoomSetReading::ids), handed on
// as they are when nobody is excluded. serverList is handed on when the result begins with
// exactly that list. statesToCheck (RoomSetReading's): the only states whose owner is looked up;
// the excluded ids are added to them here.
using IdPredicate = std::function<bool(const QString &connectionId)>;
using MetadataLookup = std::function<std::optional<QJsonValue>(const QString &connectionId)>;
PresenceSnapshot buildSnapshot(const QString &room, bool resync, const QList<MemberInfo> &candidates,
                               const QJsonObject &states, const QJsonArray &serverList, bool pristine,
                               const IdPredicate &excluded, const MetadataLookup &knownMetadata,
                               QSet<QString> candidateIds, QSet<QString> &members,
                               const std::optional<QStringList> &statesToCheck = std::nullopt);

} // namespace Hallway
