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

void Session::setSendTyping(bool send)
{
    if (send == m_sendTyping)
        return;
    m_sendTyping = send;
    for (Room *room : m_rooms->rooms())
        room->typing()->setEnabled(send);
    Q_EMIT sendTypingChanged();
}

void Session::setSelfUserId(const QString &userId)
{
    if (userId == m_selfUserId)
        return;
    m_selfUserId = userId;
    for (Room *room : m_rooms->rooms())
        room->setSelfIdentity(m_selfUserId, m_selfName);
    Q_EMIT selfChanged();
}

void Session::setSelfName(const QString &name)
{
    if (name == m_selfName)
        return;
    m_selfName = name;
    for (Room *room : m_rooms->rooms())
        room->setSelfIdentity(m_selfUserId, m_selfName);
    Q_EMIT selfChanged();
}

QString Session::normalizeRoomName(const QString &name)
{
    QString s = name.trimmed();
    while (s.startsWith(QLatin1Char('#')))
        s = s.mid(1).trimmed();
    QString out;
    out.reserve(s.size());
    bool space = false;
    for (const QChar c : std::as_const(s)) {
        if (c.isSpace()) {
            space = true;
            continue;
        }
        if (c.category() == QChar::Other_Control || c.category() == QChar::Other_Format)
            continue;
        if (space && !out.isEmpty())
            out += QLatin1Char('-');
        space = false;
        out += c;
    }
    out = out.toLower();
    constexpr int kMax = 80;
    if (out.size() > kMax) {
        int cut = kMax;
        if (out.at(cut - 1).isHighSurrogate())
            --cut;
        out.truncate(cut);
    }
    return out;
}

void Session::markLive(Room *room)
{
    room->setJoined(true);
    room->setPresenceKnown(true);
    ensureSelfListed(room);
}

void Session::ensureSelfListed(Room *room)
{
    const QString self = m_client->connectionId();
    if (self.isEmpty() || m_client->status() != ConnectionStatus::Online || room->members()->contains(self))
        return;
    if (RoomFeed *feed = m_feeds.value(room->name()); feed && feed->isLoading()) {
        // The snapshot going in lists us (our join is always in it), and a big first one goes
        // in whole, into an empty room: check again once it is in.
        connect(feed, &RoomFeed::loaded, room, [this, guard = QPointer<Room>(room)] {
            if (guard)
                ensureSelfListed(guard);
        }, Qt::SingleShotConnection);
        return;
    }
    QJsonValue metadata = m_client->cachedMetadata(self);
    if (!metadata.isObject()) {
        const QString userId = !room->selfUserId().isEmpty() ? room->selfUserId() : m_selfUserId;
        if (userId.isEmpty())
            return; // nothing to show yet; the metadata resolution will bring it
        metadata = QJsonObject{{QStringLiteral("userId"), userId},
                               {QStringLiteral("username"), m_selfName.isEmpty() ? userId : m_selfName}};
    }
    qCDebug(lcPresence) << "listing ourselves in" << room->name() << "(missing after the join)";
    room->setSelfConnectionId(self);
    room->ensureSelfListed(metadata);
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
        // No republish here: the client already re-declared the last state we set (whoever set
        // it: the typing publisher or a direct publishPresenceState), and a second publish of
        // the composed status would overwrite a state set directly (one owner: the client).
        if (Room *r = room(name))
            markLive(r);
    });
    connect(m_client, &PresenceClient::roomFailed, this,
            [this](const QString &name, const QString &code, const QString &message) {
                if (Room *r = room(name))
                    r->setPresenceError(code.isEmpty() ? QString()
                                                       : tr("Who is here may be out of date: %1").arg(message));
            });
    connect(m_client, &PresenceClient::roomLeft, this, [this](const QString &name) {
        auto leaving = m_leaving.find(name);
        if (leaving != m_leaving.end()) { // ours, from leave(): a room of that name now is a new one
            if (--*leaving <= 0)
                m_leaving.erase(leaving);
            return;
        }
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
    for (Room *room : m_rooms->rooms())
        room->setSelfIdentity(m_selfUserId, m_selfName);
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
    if (!snapshot.resync) // a resync's room is live at resynced(), once everything is back
        r->setPresenceKnown(true);
    ensureSelfListed(r);
    // A room we just joined gets our composed status. After a reconnect the client itself
    // re-declares whatever state we set last, so nothing is published twice.
    if (!snapshot.resync)
        r->typing()->republish();
}

void Session::onStatusChanged()
{
    if (m_client->status() == ConnectionStatus::Online)
        return;
    for (Room *r : m_rooms->rooms())
        r->setPresenceKnown(false);
    // Disconnected: we are not typing any more (the client republishes the base state after
    // the reconnect, since it is the last one declared).
    for (Room *r : m_rooms->rooms())
        r->typing()->stop();
}

Room *Session::room(const QString &name) const
{
    return m_rooms->room(normalizeRoomName(name));
}

Room *Session::roomForChannel(const QString &channel) const
{
    if (!isChatChannel(channel))
        return nullptr;
    return room(chatRoomOf(channel));
}

Room *Session::join(const QString &rawName)
{
    const QString name = normalizeRoomName(rawName);
    if (name.isEmpty())
        return nullptr;
    if (Room *existing = room(name))
        return existing;

    auto *r = new Room(name, m_options, this);
    QQmlEngine::setObjectOwnership(r, QQmlEngine::CppOwnership);
    m_feeds.insert(name, new RoomFeed(r, m_client->options().incomingSliceMs, r));
    r->setSelfConnectionId(m_client->connectionId());
    r->typing()->setBaseStatus(m_status->effectiveStatus());
    r->typing()->setEnabled(m_sendTyping);
    r->setSelfIdentity(m_selfUserId, m_selfName);
    connect(r, &Room::userActivity, m_activity, &ActivityMonitor::notifyActivity);

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
            [this, guard, localId](const RtError &error) {
                if (guard)
                    guard->messageFailed(localId, error.code,
                                         Room::isConnectionError(error.code,
                                                                 m_client->status() == ConnectionStatus::Online));
            });
    });

    m_rooms->addRoom(r);
    m_client->joinRoom(name, true)->then(
        r,
        [this, guard](const QJsonValue &) {
            if (guard && !guard->isJoined()) {
                guard->setJoined(true);
                guard->typing()->republish();
            }
            if (guard && m_client->status() == ConnectionStatus::Online) {
                guard->setPresenceKnown(true);
                ensureSelfListed(guard);
            }
        },
        [name](const RtError &error) {
            qCWarning(lcPresence) << "joining" << name << "failed:" << error.code << error.message;
        });
    m_client->subscribeChannel(chatChannel(name), m_options.historyLimit);
    Q_EMIT roomAdded(r);
    return r;
}

void Session::leave(const QString &rawName)
{
    const QString name = normalizeRoomName(rawName);
    Room *r = room(name);
    if (!r)
        return;
    ++m_leaving[name];
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
