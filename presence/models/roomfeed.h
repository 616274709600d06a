#pragma once
// RoomFeed: applies what the client reports for one room (snapshots, presence events) to that
// Room on the GUI thread without stalling it. A big snapshot's newcomers go in as inserted
// ranges of at most sliceMs of work per event-loop turn; events for the room that arrive
// meanwhile wait, in order, until the snapshot is complete, so a leave can never overtake the
// join it undoes. Owned by the Session, one per joined room.
#include "presencetypes.h"

#include <QObject>
#include <QPointer>

namespace Hallway {

class Room;

class RoomFeed : public QObject
{
    Q_OBJECT
public:
    RoomFeed(Room *room, int sliceMs, QObject *parent = nullptr);

    void applySnapshot(const PresenceSnapshot &snapshot);
    void apply(const PresenceEvent &event);
    bool isLoading() const { return m_restHead < m_rest.size(); }

Q_SIGNALS:
    void loaded(); // the last snapshot is wholly applied

private:
    void scheduleStep();
    void step();
    qsizetype chunkFor(qint64 budgetNs) const;

    QPointer<Room> m_room;
    int m_sliceMs;
    QList<MemberInfo> m_rest;      // newcomers still to insert
    qsizetype m_restHead = 0;
    QJsonObject m_states;
    QList<PresenceEvent> m_waiting; // held while loading, applied in order afterwards
    qsizetype m_waitingHead = 0;
    bool m_stepScheduled = false;
    qint64 m_nsPerMember = 0; // measured on the last inserted range; 0 = not yet
};

} // namespace Hallway
