#include "session.h"
#include "errorcodes.h"

#include "activitymonitor.h"
#include "logging.h"
#include "presenceclient.h"
#include "reply.h"
#include "room.h"
#include "roomfeed.h"
#include "roomlistmodel.h"
#include "statuscontroller.h"

#include <QJsonObject>
#include <QQmlEngine>

namespace Hallway {

Session::Session(QObject *parent)
    : Session(nullptr, ModelOptions(), parent)
{
}

Session::Session(PresenceClient *client, QObject *parent)
    : Session(client, ModelOptions(), parent)
{
}

Session::Session(PresenceClient *client, const ModelOptions &options, QObject *parent)
    : QObject(parent)
    , m_client(client ? client : new PresenceClient(this))
    , m_options(options)
    , m_rooms(new RoomListModel(this))
    , m_activity(new ActivityMonitor(this))
    , m_status(new StatusController(this))
{
    init();
}

Session::~Session() = default;

void Session::setOptions(const ModelOptions &options)
{
    m_options = options;
    m_activity->setIdleTimeoutMs(options.idleTimeoutMs);
}

void Session::init()
{
    m_activity->setIdleTimeoutMs(m_options.idleTimeoutMs);
    m_status->setActivity(m_activity);

    connect(m_status, &StatusController::effectiveStatusChanged, this, [this] {
        const QString status = m_status->effectiveStatus();
        for (Room *room : m_rooms->rooms())
            room->typing()->setBaseStatus(status);
    });

    connect(m_client, &PresenceClient::connected, this, [this](const QString &connectionId) {
        for (Room *room : m_rooms->rooms())
            room->setSelfConnectionId(connectionId);
        fetchSelf();
    });
    connect(m_client, &PresenceClient::urlChanged, this, [this] { setSelf({}, {}); });
    connect(m_client, &PresenceClient::presenceSnapshot, this, &Session::onSnapshot);
    connect(m_client, &PresenceClient::presenceEvent, this, [this](const PresenceEvent &event) {
        if (RoomFeed *feed = m_feeds.value(event.room))
            feed->apply(event);
    });
    connect(m_client, &PresenceClient::resynced, this, [this](const QString &name) {
        if (Room *r = room(name)) {
            r->setJoined(true);
            r->typing()->republish();
        }
    });
    connect(m_client, &PresenceClient::roomFailed, this,
            [this](const QString &name, const QString &code, const QString &message) {
                if (Room *r = room(name))
                    r->setPresenceError(code.isEmpty() ? QString()
                                                       : tr("Who is here may be out of date: %1").arg(message));
            });
    connect(m_client, &PresenceClient::roomLeft, this, [this](const QString &name) {
        if (Room *r = room(name))
            r->setJoined(false);
    });
    connect(m_client, &PresenceClient::metadataResolved, this,
            [this](const QString &connectionId, const QJsonValue &metadata) {
                for (Room *r : m_rooms->rooms())
                    r->setMemberMetadata(connectionId, metadata);
            });
    connect(m_client, &PresenceClient::historyReceived, this,
            [this](const QString &channel, const QJsonArray &history, bool) {
                if (Room *r = roomForChannel(channel))
                    r->addHistory(history);
            });
    connect(m_client, &PresenceClient::channelMessage, this,
            [this](const QString &channel, const QJsonValue &message) {
                if (Room *r = roomForChannel(channel))
                    r->addMessage(message);
            });
    connect(m_client, &PresenceClient::statusChanged, this, &Session::onStatusChanged);
}

void Session::setAccessToken(const QString &token)
{
    ConnectionOptions options = m_client->options();
    if (options.bearerToken == token)
        return;
    options.bearerToken = token;
    m_client->setOptions(options);
    setSelf({}, {});
}

void Session::fetchSelf()
{
    // Our own metadata: {userId, username[, avatar]} as the server's authenticate() pinned it.
    m_client->connectionMetadata()->then(this, [this](const QJsonValue &metadata) {
        const QJsonObject meta = metadata.toObject();
        const QString userId = meta.value(QStringLiteral("userId")).toString();
        QString name = meta.value(QStringLiteral("username")).toString();
        if (name.isEmpty())
            name = meta.value(QStringLiteral("name")).toString();
        setSelf(userId, name.isEmpty() ? userId : name);
    }, [](const RtError &error) {
        qCInfo(lcPresence) << "could not read our own connection metadata:" << error.code;
    });
}

void Session::setSelf(const QString &userId, const QString &name)
{
    if (userId == m_selfUserId && name == m_selfName)
        return;
    m_selfUserId = userId;
    m_selfName = name;
    Q_EMIT selfChanged();
}

void Session::onSnapshot(const PresenceSnapshot &snapshot)
{
    Room *r = room(snapshot.room);
    if (!r)
        return;
    r->setSelfConnectionId(m_client->connectionId());
    m_feeds.value(snapshot.room)->applySnapshot(snapshot);
    r->setJoined(true);
    // Declare our composed state again: after a reconnect the server has forgotten it. A
    // resync snapshot is followed by resynced(), which republishes once the room is complete.
    if (!snapshot.resync)
        r->typing()->republish();
}

void Session::onStatusChanged()
{
    if (m_client->status() == PresenceClient::Online)
        return;
    // Disconnected: we are not typing any more (the client republishes the base state after
    // the reconnect, since it is the last one declared).
    for (Room *r : m_rooms->rooms())
        r->typing()->stop();
}

Room *Session::room(const QString &name) const
{
    return m_rooms->room(name);
}

Room *Session::roomForChannel(const QString &channel) const
{
    if (!channel.startsWith(QLatin1String("chat:")))
        return nullptr;
    return room(channel.mid(5));
}

Room *Session::join(const QString &name)
{
    if (name.isEmpty())
        return nullptr;
    if (Room *existing = room(name))
        return existing;

    auto *r = new Room(name, m_options, this);
    QQmlEngine::setObjectOwnership(r, QQmlEngine::CppOwnership);
    m_feeds.insert(name, new RoomFeed(r, m_client->options().incomingSliceMs, r));
    r->setSelfConnectionId(m_client->connectionId());
    r->typing()->setBaseStatus(m_status->effectiveStatus());

    QPointer<Room> guard(r);
    r->typing()->setSink([this, guard, name](const QJsonObject &state, int expireAfterMs) {
        if (!guard || !guard->isJoined())
            return; // joining republishes once the room is ours
        m_client->publishPresenceState(name, state, expireAfterMs);
    });
    r->setSendFunction([this, guard](const QString &localId, const QJsonObject &payload) {
        Reply *reply = m_client->command(QStringLiteral("chat:send"), payload);
        reply->then(
            guard,
            [guard, localId](const QJsonValue &result) {
                if (!guard)
                    return;
                const QJsonObject o = result.toObject();
                if (o.value(QLatin1String("ok")).toBool())
                    guard->messageSent(localId, o);
                else
                    guard->messageFailed(localId, ErrorCode::Send);
            },
            [guard, localId](const RtError &error) {
                if (guard)
                    guard->messageFailed(localId, error.code);
            });
    });

    m_rooms->addRoom(r);
    m_client->joinRoom(name, true)->then(
        r,
        [guard](const QJsonValue &) {
            if (guard && !guard->isJoined()) {
                guard->setJoined(true);
                guard->typing()->republish();
            }
        },
        [name](const RtError &error) {
            qCWarning(lcPresence) << "joining" << name << "failed:" << error.code << error.message;
        });
    m_client->subscribeChannel(chatChannel(name), m_options.historyLimit);
    Q_EMIT roomAdded(r);
    return r;
}

void Session::leave(const QString &name)
{
    Room *r = room(name);
    if (!r)
        return;
    r->typing()->stop(); // back to the base status while still in the room
    r->setJoined(false);
    m_client->unsubscribeChannel(chatChannel(name));
    m_client->leaveRoom(name);
    m_rooms->removeRoom(name);
    m_feeds.remove(name); // a child of the room
    r->deleteLater();
    Q_EMIT roomRemoved(name);
}

Reply *Session::listRooms()
{
    return m_client->command(QStringLiteral("rooms:list"), QJsonObject());
}

} // namespace Hallway
