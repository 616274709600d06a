#pragma once
// Builders for presence data as the server sends it (connection metadata, presence states,
// events, snapshots), shared by the model and room tests. Header-only: it needs the presence
// library's types, which every test links.
#include "presencetypes.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <utility>

namespace TestData {

// Connection metadata as authenticateConnection gives it; empty fields are left out.
inline QJsonObject meta(const QString &user, const QString &name = QString(), const QString &team = QString())
{
    QJsonObject o{{QStringLiteral("userId"), user}};
    if (!name.isEmpty())
        o.insert(QStringLiteral("username"), name);
    if (!team.isEmpty())
        o.insert(QStringLiteral("team"), team);
    return o;
}

// A presence state with only a status.
inline QJsonObject st(const QString &status) { return QJsonObject{{QStringLiteral("status"), status}}; }

inline const QString kRoom = QStringLiteral("lobby");

// A presence event in kRoom; the value is the state for a State event, else the metadata.
inline Hallway::PresenceEvent ev(Hallway::PresenceEvent::Type type, const QString &id, qint64 ts,
                                 const QJsonValue &stateOrMeta = QJsonValue())
{
    Hallway::PresenceEvent e;
    e.type = type;
    e.room = kRoom;
    e.connectionId = id;
    e.timestamp = ts;
    if (type == Hallway::PresenceEvent::Type::State)
        e.state = stateOrMeta;
    else
        e.metadata = stateOrMeta;
    return e;
}
inline Hallway::PresenceEvent joinEv(const QString &id, const QString &user, const QString &name, qint64 ts)
{
    return ev(Hallway::PresenceEvent::Type::Join, id, ts, meta(user, name));
}
inline Hallway::PresenceEvent leaveEv(const QString &id, qint64 ts)
{
    return ev(Hallway::PresenceEvent::Type::Leave, id, ts);
}
inline Hallway::PresenceEvent stateEv(const QString &id, const QJsonValue &state, qint64 ts)
{
    return ev(Hallway::PresenceEvent::Type::State, id, ts, state);
}

// A snapshot of kRoom: (connection id, user id) pairs, each named after its user capitalised.
inline Hallway::PresenceSnapshot snap(const QList<std::pair<QString, QString>> &members,
                                      const QJsonObject &states = {}, bool resync = false)
{
    Hallway::PresenceSnapshot s;
    s.room = kRoom;
    s.resync = resync;
    for (const auto &[id, user] : members) {
        QString name = user;
        if (!name.isEmpty())
            name[0] = name[0].toUpper();
        s.members.append(Hallway::MemberInfo{id, meta(user, name)});
    }
    s.states = states;
    return s;
}

} // namespace TestData
