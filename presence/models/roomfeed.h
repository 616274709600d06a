#pragma once
// RoomFeed: applies what the client reports for one room (snapshots, presence events) to that
// Room on the GUI thread without stalling it. Events for the room that arrive while a snapshot
// goes in wait, in order, until it is complete, so a leave can never overtake the join it
// undoes. Owned by the Session, one per joined room.
//  - A big first snapshot (the room still empty) is made whole on a thread of the feed's own:
//    rows, people, hashes (MemberModel/UserModel::prebuild, two threads at once). The GUI
//    thread then takes every member in one range and makes the people rows at most sliceMs of
//    work per event-loop turn (Room::adoptPrebuilt, revealPeople).
//  - Any other big snapshot's newcomers go in as inserted ranges of at most sliceMs of work
//    per turn; their rows are made (MemberModel::prepareMembers: metadata, avatar, status) on
//    the feed's thread while the GUI thread inserts the ones made before.
#include "membermodel.h"
#include "presencetypes.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QThreadPool>

#include <memory>

namespace Hallway {

class Room;

class RoomFeed : public QObject
{
    Q_OBJECT
public:
    RoomFeed(Room *room, int sliceMs, QObject *parent = nullptr);
    ~RoomFeed() override;

    void applySnapshot(const PresenceSnapshot &snapshot);
    void apply(const PresenceEvent &event);
    bool isLoading() const { return m_inserted < m_rest.size() || m_prebuilding || m_revealing; }

Q_SIGNALS:
    void loaded(); // the last snapshot is wholly applied

private:
    struct Prebuilt;
    void applyUsual(const PresenceSnapshot &snapshot);
    void prebuild(const PresenceSnapshot &snapshot);
    void onPrebuilt(quint64 generation, const std::shared_ptr<Prebuilt> &prebuilt);
    bool reveal(const QElapsedTimer &slice, qint64 sliceNs);
    void scheduleStep();
    void step();
    qsizetype chunkFor(qint64 budgetNs) const;
    void prepareAhead();
    void onPrepared(quint64 generation, QList<MemberModel::Member> rows);

    QPointer<Room> m_room;
    int m_sliceMs;
    QList<MemberInfo> m_rest;       // newcomers still to insert (from m_inserted on)
    qsizetype m_inserted = 0;       // of m_rest
    qsizetype m_prepared = 0;       // of m_rest handed to the preparer or made here
    QList<QList<MemberModel::Member>> m_ready; // made rows, in order, waiting to be inserted
    int m_preparing = 0;            // chunks with the preparer
    quint64 m_generation = 0;       // a newer snapshot drops the rows made for an older one
    QJsonObject m_states;
    QList<PresenceEvent> m_waiting; // held while loading, applied in order afterwards
    qsizetype m_waitingHead = 0;
    bool m_stepScheduled = false;
    bool m_prebuilding = false;     // a first snapshot is being made whole (m_pending)
    bool m_revealing = false;       // its people are being made rows
    PresenceSnapshot m_pending;
    qint64 m_nsPerMember = 0; // measured on the last inserted range; 0 = not yet
    QThreadPool m_preparer;   // one thread, so rows come back in order
};

} // namespace Hallway
