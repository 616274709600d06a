#pragma once
// Room: one joined room as QML sees it: its connections (members), its people (users), its
// chat (messages), who is typing, and our own typing publisher. Created and owned by the
// Session (Session.join), which feeds it what PresenceClient emits; Room itself knows no
// socket: sending goes through a SendFunction the Session wires to chat:send, and our
// presence state through TypingPublisher's sink. apply() is idempotent (a repeated join,
// leave or state changes nothing); applySnapshot() diffs the member list against the
// snapshot with inserts, removals and role-precise dataChanged only, and never resets. Room
// decides no membership itself: ClientCore owns which ids are present and which never come
// back (departures.h), and the events and snapshots it emits already say so.
//
// Offline (see usermodel.h, rule g): while our link is down (setPresenceKnown(false), from the
// Session) the rows stay, frozen, and presenceKnown says they are not current; people who were
// listed when the outage began get no join/leave lines for it (their leave during a server's
// graceful shutdown, their absence from the resync snapshot, their return) until
// outageQuietMs after the resync. Our own leave event (a server shutting down takes us out of
// every room) starts the outage at once.
//
// Outbox: a message is sent at once while presence is known; typed while it is not, it waits
// (pending) and goes out, in the order typed, when the room is live again. A send that failed
// for a connection reason (ECONNLOST, or ETIMEOUT/ENETWORK while offline) goes back to the
// outbox and is sent again after the resync with the same clientId, so the server keeps one
// copy. Other failures show "Not sent — Retry". A message keeps its place by the server's
// timestamp once it is sent (MessageModel).
//
// Draft: the composer text of this room (draft), kept while the person looks at another room.
#include "membermodel.h"
#include "messagemodel.h"
#include "modeloptions.h"
#include "presencetypes.h"
#include "typingpublisher.h"
#include "typingtracker.h"
#include "usermodel.h"

#include <QHash>
#include <QJsonArray>
#include <QObject>
#include <QSet>
#include <QStringList>
#include <QtQml/qqmlregistration.h>
#include <functional>

namespace Hallway {

class Room : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Rooms come from Session.join()")
    Q_PROPERTY(QString name READ name CONSTANT)
    Q_PROPERTY(bool joined READ isJoined NOTIFY joinedChanged)
    Q_PROPERTY(int memberCount READ memberCount NOTIFY memberCountChanged)
    Q_PROPERTY(int onlineCount READ onlineCount NOTIFY onlineCountChanged)
    Q_PROPERTY(QString typingText READ typingText NOTIFY typingChanged)
    Q_PROPERTY(QStringList typingUsers READ typingUsers NOTIFY typingChanged)
    Q_PROPERTY(Hallway::MemberModel *members READ members CONSTANT)
    Q_PROPERTY(Hallway::UserModel *users READ users CONSTANT)
    Q_PROPERTY(Hallway::MessageModel *messages READ messages CONSTANT)
    Q_PROPERTY(Hallway::TypingPublisher *typing READ typing CONSTANT)
    Q_PROPERTY(QString selfConnectionId READ selfConnectionId NOTIFY selfChanged)
    Q_PROPERTY(QString selfUserId READ selfUserId NOTIFY selfChanged)
    // Why the member list may be stale (its snapshot failed several times in a row); "" when fine.
    Q_PROPERTY(QString presenceError READ presenceError NOTIFY presenceErrorChanged)
    Q_PROPERTY(QString draft READ draft WRITE setComposerText NOTIFY draftChanged)
    Q_PROPERTY(bool presenceKnown READ presenceKnown NOTIFY presenceKnownChanged)
    Q_PROPERTY(int outboxCount READ outboxCount NOTIFY outboxCountChanged)

public:
    // Sends one chat:send payload {room, text, clientId}; the caller later reports the
    // outcome with messageSent() or messageFailed().
    using SendFunction = std::function<void(const QString &localId, const QJsonObject &payload)>;

    explicit Room(const QString &name, QObject *parent = nullptr);
    Room(const QString &name, const ModelOptions &options, QObject *parent = nullptr);
    ~Room() override;

    QString name() const { return m_name; }
    bool isJoined() const { return m_joined; }
    int memberCount() const { return m_members->count(); }
    int onlineCount() const { return m_users->availableCount(); } // rule e: away/busy not counted
    QString draft() const { return m_draft; }
    bool presenceKnown() const { return m_presenceKnown; }
    int outboxCount() const { return int(m_outbox.size()); }
    QString typingText() const { return m_tracker->typingText(); }
    QStringList typingUsers() const { return m_tracker->typingUsers(); }
    MemberModel *members() const { return m_members; }
    UserModel *users() const { return m_users; }
    MessageModel *messages() const { return m_messages; }
    TypingPublisher *typing() const { return m_typing; }
    TypingTracker *typingTracker() const { return m_tracker; }
    QString selfConnectionId() const { return m_members->selfConnectionId(); }
    QString selfUserId() const { return m_selfUserId; }
    ModelOptions options() const { return m_options; }
    QString presenceError() const { return m_presenceError; }
    void setPresenceError(const QString &message);

    // Presence (from PresenceClient, via Session or tests).
    void apply(const PresenceEvent &event);
    // Diffs against the snapshot. With maxNewcomers >= 0 at most that many new members go in
    // now; the others are returned, for addMembers() on later event-loop turns (RoomFeed).
    QList<MemberInfo> applySnapshot(const PresenceSnapshot &snapshot, int maxNewcomers = -1);
    void addMembers(const QList<MemberInfo> &newcomers, const QJsonObject &states);
    // The same with rows made beforehand (MemberModel::prepareMembers, maybe on another thread).
    void addPreparedMembers(QList<MemberModel::Member> rows);
    // A big first snapshot made whole off the GUI thread (RoomFeed): whether this room can
    // take one (nobody listed yet, a grouping that runs anywhere), and taking it: every member
    // in one range, the people hidden until revealPeople() makes them rows. False when the
    // room changed since they were made (the caller applies the snapshot the usual way).
    bool canAdoptSnapshot() const;
    bool adoptPrebuilt(MemberModel::Prebuilt &members, UserModel::Prebuilt &people);
    int revealPeople(int people); // returns how many are still hidden
    void setMemberMetadata(const QString &connectionId, const QJsonValue &metadata);
    // After joining: our own connection is a member (a snapshot that raced with our own
    // leave and rejoin may lack it). Adds it with this metadata if missing.
    void ensureSelfListed(const QJsonValue &metadata);
    void setSelfConnectionId(const QString &connectionId);
    void setSelfUserId(const QString &userId); // normally derived from our own member row
    void setJoined(bool joined);
    // The Session's view of our link: false while it is down, true once this room is resynced.
    // Going true sends what waits in the outbox.
    void setPresenceKnown(bool known);
    // Who we are when no member row of ours is known yet (offline start): the name and id our
    // pending messages show.
    void setSelfIdentity(const QString &userId, const QString &name);

    // Chat (from PresenceClient, via Session or tests).
    void addHistory(const QJsonArray &history);
    void addMessage(const QJsonValue &message);
    void setSendFunction(SendFunction send) { m_send = std::move(send); }
    void messageSent(const QString &localId, const QJsonObject &result);
    // retryLater: a connection reason; the message waits in the outbox for the resync.
    void messageFailed(const QString &localId, const QString &errorCode, bool retryLater = false);
    static bool isConnectionError(const QString &errorCode, bool linkUp);

    // Tests: one clock for the typing publisher, the typing tracker and the grace period.
    void setClock(const Clock &clock);

    Q_INVOKABLE QString sendMessage(const QString &text);  // returns the row's localId ("" if empty)
    Q_INVOKABLE bool retryMessage(const QString &localId);
    Q_INVOKABLE void setComposerText(const QString &text);

Q_SIGNALS:
    void joinedChanged();
    void memberCountChanged();
    void onlineCountChanged();
    void typingChanged();
    void selfChanged();
    void presenceErrorChanged();
    void memberJoined(const QString &connectionId, const QString &userId, const QString &name);
    void memberLeft(const QString &connectionId, const QString &userId, const QString &name);
    void memberStateChanged(const QString &connectionId, const QString &userId, const QString &name);
    void sendRequested(const QString &localId, const QJsonObject &payload);
    void draftChanged();
    void presenceKnownChanged();
    void outboxCountChanged();
    void userActivity(); // the person sent a message: activity for automatic away (rule f)

private:
    void join(const QString &connectionId, const QJsonValue &metadata, bool notify);
    void leave(const QString &connectionId);
    void setState(const QString &connectionId, const QJsonValue &state);
    void syncTyping(const QString &connectionId);
    void updateSelfUser();
    void send(const QString &localId, const QString &text, const QString &clientId);
    void queue(const QString &localId);
    void flushOutbox();
    bool quietFor(const QString &key) const;

    QString m_name;
    ModelOptions m_options;
    bool m_joined = false;
    bool m_initialSnapshotDone = false;
    bool m_quietPeople = false; // no join/leave rows while the first snapshot fills the room
    bool m_announceNewcomers = false; // memberJoined for snapshot newcomers (not on the first one)
    QString m_selfUserId;
    bool m_selfUserExplicit = false;
    MemberModel *m_members;
    UserModel *m_users;
    MessageModel *m_messages;
    TypingPublisher *m_typing;
    TypingTracker *m_tracker;
    SendFunction m_send;
    QString m_presenceError;
    QString m_draft;
    bool m_presenceKnown = false;
    QStringList m_outbox;                   // localIds waiting for the link, in the order typed
    QHash<QString, qint64> m_outboxOrder;   // localId -> sequence (typed order)
    qint64 m_outboxSeq = 0;
    QString m_fallbackUserId;
    QString m_fallbackName;
    QSet<QString> m_outageKeys;             // people listed when our outage began (quiet)
    qint64 m_outageQuietUntil = 0;          // steady clock ms; 0 = the outage is not over
    Clock m_clock;

    QHash<QString, QJsonValue> m_earlyStates; // states that arrived before their join
};

} // namespace Hallway
