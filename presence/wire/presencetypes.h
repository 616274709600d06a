#pragma once
// Plain value types shared by the client layer and the models. No QObject, no sockets:
// the models are fed these, and tests build them by hand.
#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QMetaType>
#include <QString>

namespace Hallway {

// An error from the server ({error, code, name} payloads) or from the client itself
// (ETIMEOUT, EOFFLINE, EAUTH, ETOOLARGE, EBADFRAME, ...).
struct RtError {
    QString code;
    QString message;
    bool isNull() const { return code.isEmpty(); }
};

// One connection present in a room, as the server lists it: {id, metadata}.
struct MemberInfo {
    QString connectionId;
    QJsonValue metadata; // usually {userId, username, avatar?}; may be null
};

// One rt/presence-update push, already de-duplicated of its rt/subscription-message copy and
// of stale join/leave copies (departures.h). For joins the client has resolved the
// newcomer's metadata before emitting it.
struct PresenceEvent {
    enum class Type { Join, Leave, State };
    Type type = Type::Join;
    QString room;
    QString connectionId;
    QJsonValue state;      // Type::State: the object, or null when cleared/expired
    QJsonValue metadata;   // Type::Join: resolved metadata (null if unknown)
    qint64 timestamp = 0;  // server epoch ms
};

// The truth about a room after (re)subscribing: the members present with metadata and the
// states map. The client has already reconciled it (room set ∩ presence set, plus events
// seen while the snapshot was in flight, minus ids seen leaving: departures.h), so a Room
// can diff its rows against it.
struct PresenceSnapshot {
    QString room;
    QList<MemberInfo> members;
    QJsonObject states;    // connectionId -> state object
    bool resync = false;   // true when taken after a reconnect
    QJsonArray serverList; // the server's "present" array when members begins with exactly that
                           // list (joins seen meanwhile may follow it), else empty: lets a reply
                           // hand it on instead of rebuilding 20,000 objects
};

} // namespace Hallway

Q_DECLARE_METATYPE(Hallway::RtError)
Q_DECLARE_METATYPE(Hallway::MemberInfo)
Q_DECLARE_METATYPE(Hallway::PresenceEvent)
Q_DECLARE_METATYPE(Hallway::PresenceSnapshot)
