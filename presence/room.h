#pragma once
// Room: one joined room as QML sees it: its connections (members), its people (users), its
// chat (messages), who is typing, and our own typing publisher. Created and owned by the
// Session (Session.join), which feeds it what PresenceClient emits; Room itself knows no
// socket: sending goes through a SendFunction the Session wires to chat:send, and our
// presence state through TypingPublisher's sink. apply() is idempotent (a repeated join,
// leave or state changes nothing); applySnapshot() diffs the member list against the
// snapshot with inserts, removals and role-precise dataChanged only, never re-adds a
// connection id it has seen leave (PROTOCOL.md §12.14 ghosts) and never resets.
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
#include <QQueue>
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
    int onlineCount() const { return m_users->count(); }
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
    void setMemberMetadata(const QString &connectionId, const QJsonValue &metadata);
    void setSelfConnectionId(const QString &connectionId);
    void setSelfUserId(const QString &userId); // normally derived from our own member row
    void setJoined(bool joined);

    // Chat (from PresenceClient, via Session or tests).
    void addHistory(const QJsonArray &history);
    void addMessage(const QJsonValue &message);
    void setSendFunction(SendFunction send) { m_send = std::move(send); }
    void messageSent(const QString &localId, const QJsonObject &result);
    void messageFailed(const QString &localId, const QString &errorCode);

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

private:
    void join(const QString &connectionId, const QJsonValue &metadata, qint64 timestamp, bool notify);
    void leave(const QString &connectionId, qint64 timestamp);
    void setState(const QString &connectionId, const QJsonValue &state);
    void markDeparted(const QString &connectionId, qint64 timestamp);
    void syncTyping(const QString &connectionId);
    void updateSelfUser();
    void send(const QString &localId, const QString &text, const QString &clientId);

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

    QHash<QString, qint64> m_departed;      // connection id -> leave timestamp (0 = unknown)
    QQueue<QString> m_departedOrder;        // bounded memory, oldest forgotten first
    QHash<QString, qint64> m_joinedAt;      // last join event timestamp per present connection
    QHash<QString, QJsonValue> m_earlyStates; // states that arrived before their join
};

} // namespace Hallway
