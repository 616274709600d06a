#pragma once
// Session: the glue between one PresenceClient and the models QML binds to. It owns its
// client (unless given one), the list of joined rooms (Session.rooms), our status
// (Session.status, automatic away from Session.activity) and one Room per joined room. It
// routes what the client emits (snapshots, events, resolved metadata, chat history and live
// messages, connection ids) to the right Room, wires each Room's typing publisher to
// publishPresenceState and its sends to chat:send, and declares our composed presence state
// ({"status": online|away|busy|typing}) to each room after every snapshot and resync. After
// each connect it asks the server who we are (our own connection metadata, which the server
// pins at sign-in) for "Signed in as …". The app
// (or hallway-cli) creates one Session; it holds no socket code itself.
//
// It also tells each Room whether presence is known (false from the moment the link is not
// online until that room's resync, room.h "Offline"), which releases the room's outbox, and
// counts a sent message as activity for automatic away (usermodel.h, rule f).
//
// ROOM NAMES are normalised before use (normalizeRoomName): surrounding space and a leading
// '#' dropped, lower case, every run of white space one '-', control characters removed, at
// most 80 UTF-16 code units (never splitting a surrogate pair). "  Design Team " -> "design-team",
// "Lobby" and "lobby" are one room. Such names always match the server's ROOM_NAME rule (first
// character not white space or a control character, no control characters, 1..80 long).
#include "activitymonitor.h"
#include "modeloptions.h"
#include "presenceclient.h"
#include "presencetypes.h"
#include "reply.h"
#include "room.h"
#include "roomlistmodel.h"
#include "statuscontroller.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QtQml/qqmlregistration.h>

namespace Hallway {

class RoomFeed;

class Session : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(Hallway::PresenceClient *client READ client CONSTANT)
    Q_PROPERTY(Hallway::RoomListModel *rooms READ rooms CONSTANT)
    Q_PROPERTY(Hallway::StatusController *status READ status CONSTANT)
    Q_PROPERTY(Hallway::ActivityMonitor *activity READ activity CONSTANT)
    // Whether our rooms publish that we are typing (others' typing shows either way).
    Q_PROPERTY(bool sendTyping READ sendTyping WRITE setSendTyping NOTIFY sendTypingChanged)
    // Who we are: from our connection metadata once the server answers (the pinned identity),
    // and before that what the app was told (offline start), shown on our pending messages.
    Q_PROPERTY(QString selfUserId READ selfUserId WRITE setSelfUserId NOTIFY selfChanged)
    Q_PROPERTY(QString selfName READ selfName WRITE setSelfName NOTIFY selfChanged)

public:
    explicit Session(QObject *parent = nullptr);
    explicit Session(PresenceClient *client, QObject *parent = nullptr);
    Session(PresenceClient *client, const ModelOptions &options, QObject *parent = nullptr);
    ~Session() override;

    PresenceClient *client() const { return m_client; }
    RoomListModel *rooms() const { return m_rooms; }
    StatusController *status() const { return m_status; }
    ActivityMonitor *activity() const { return m_activity; }
    ModelOptions options() const { return m_options; }
    void setOptions(const ModelOptions &options); // for rooms joined afterwards
    bool sendTyping() const { return m_sendTyping; }
    void setSendTyping(bool send);
    QString selfUserId() const { return m_selfUserId; }
    void setSelfUserId(const QString &userId);
    QString selfName() const { return m_selfName; }
    void setSelfName(const QString &name);

    // The bearer token for the next connect (empty: none). Write-only on purpose: QML can
    // hand a token to the client but never read one back. Forgets who we were signed in as.
    Q_INVOKABLE void setAccessToken(const QString &token);

    // See "ROOM NAMES" above; "" when nothing is left.
    Q_INVOKABLE static QString normalizeRoomName(const QString &name);

    // Normalises the name, creates the Room (or returns the existing one), joins and subscribes to presence,
    // subscribes chat:<name> with historyLimit and declares our status there.
    Q_INVOKABLE Hallway::Room *join(const QString &name);
    Q_INVOKABLE void leave(const QString &name);
    Q_INVOKABLE Hallway::Room *room(const QString &name) const;
    Q_INVOKABLE Hallway::Reply *listRooms(); // rooms:list -> {rooms:[{name, connections, users}]}

    // A room's chat channel, chat:<room>: spelled here only.
    static QString chatChannel(const QString &room) { return chatPrefix() + room; }
    static bool isChatChannel(const QString &channel) { return channel.startsWith(chatPrefix()); }
    static QString chatRoomOf(const QString &channel) { return channel.mid(chatPrefix().size()); } // of a chat channel

Q_SIGNALS:
    void sendTypingChanged();
    void roomAdded(Hallway::Room *room);
    void roomRemoved(const QString &name);
    void selfChanged();

private:
    static QString chatPrefix() { return QStringLiteral("chat:"); }
    void init();
    Room *roomForChannel(const QString &channel) const;
    void onSnapshot(const PresenceSnapshot &snapshot);
    void onStatusChanged();
    void fetchSelf();
    void setSelf(const QString &userId, const QString &name);
    void markLive(Room *room);
    void ensureSelfListed(Room *room);

    PresenceClient *m_client;
    ModelOptions m_options;
    RoomListModel *m_rooms;
    ActivityMonitor *m_activity;
    StatusController *m_status;
    QHash<QString, RoomFeed *> m_feeds; // per room, children of their Room
    bool m_sendTyping = true;
    QString m_selfUserId;
    QString m_selfName;
    QHash<QString, int> m_leaving; // rooms we asked to leave: their late roomLeft is not the new room's
};

} // namespace Hallway
