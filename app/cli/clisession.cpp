#include "clisession.h"

#include "connectionstatus.h"
#include "errorcodes.h"
#include "membermodel.h"
#include "messagemodel.h"
#include "presenceclient.h"
#include "reply.h"
#include "room.h"
#include "session.h"
#include "statuscontroller.h"
#include "usermodel.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QMetaProperty>
#include <QTimer>

using namespace Hallway;

namespace {
const QString kEvent = QStringLiteral("event");

// Reads a model row by role *name*, so the CLI depends only on the published role names.
QVariant roleValue(const QAbstractItemModel *model, int row, const QByteArray &roleName)
{
    const int role = model->roleNames().key(roleName, -1);
    return role < 0 ? QVariant() : model->data(model->index(row, 0), role);
}

QJsonObject rowObject(const QAbstractItemModel *model, int row, const QList<QPair<QString, QByteArray>> &fields)
{
    QJsonObject out;
    for (const auto &[key, role] : fields)
        out.insert(key, QJsonValue::fromVariant(roleValue(model, row, role)));
    return out;
}

} // namespace

CliSession::CliSession(Session *session, QObject *parent) : QObject(parent), m_session(session)
{
    PresenceClient *client = session->client();
    connect(client, &PresenceClient::statusChanged, this, [this, client] {
        emitEvent({{kEvent, QStringLiteral("status")},
                   {QStringLiteral("status"), ConnectionStatus::word(client->status())}});
    });
    connect(client, &PresenceClient::connected, this, [this](const QString &id) {
        emitEvent({{kEvent, QStringLiteral("connected")}, {QStringLiteral("connectionId"), id}});
    });
    connect(client, &PresenceClient::errorOccurred, this, [this](const QString &code, const QString &message) {
        emitEvent({{kEvent, QStringLiteral("error")}, {QStringLiteral("code"), code}, {QStringLiteral("message"), message}});
    });
    connect(client, &PresenceClient::pushReceived, this, [this](const QString &command, const QJsonValue &payload) {
        emitEvent({{kEvent, QStringLiteral("push")}, {QStringLiteral("command"), command}, {QStringLiteral("payload"), payload}});
    });
    connect(client, &PresenceClient::channelMessage, this, [this](const QString &channel, const QJsonValue &message) {
        if (!Session::isChatChannel(channel) || !message.isObject())
            return;
        emitMessage(Session::chatRoomOf(channel), message.toObject());
    });
    // The first history is the past (remembered, not printed); a replay after a reconnect
    // also holds what was said while we were away: those are printed, each once.
    connect(client, &PresenceClient::historyReceived, this,
            [this](const QString &channel, const QJsonArray &history, bool replay) {
                if (!Session::isChatChannel(channel))
                    return;
                const QString room = Session::chatRoomOf(channel);
                for (const QJsonValue &entry : history) {
                    const QJsonObject m = entry.toObject();
                    if (replay)
                        emitMessage(room, m);
                    else
                        markSeen(room, m.value(QStringLiteral("id")).toString());
                }
            });
}

bool CliSession::markSeen(const QString &room, const QString &id)
{
    if (id.isEmpty())
        return true; // nothing to tell it by: print it
    SeenIds &seen = m_seen[room];
    if (seen.ids.contains(id))
        return false;
    seen.ids.insert(id);
    seen.order.enqueue(id);
    constexpr qsizetype kRemembered = 4000; // more than a replayed history holds
    while (seen.order.size() > kRemembered)
        seen.ids.remove(seen.order.dequeue());
    return true;
}

void CliSession::emitMessage(const QString &room, const QJsonObject &m)
{
    if (m.isEmpty() || !markSeen(room, m.value(QStringLiteral("id")).toString()))
        return;
    emitEvent({{kEvent, QStringLiteral("message")},
               {QStringLiteral("room"), room},
               {QStringLiteral("id"), m.value(QStringLiteral("id"))},
               {QStringLiteral("from"), m.value(QStringLiteral("from"))},
               {QStringLiteral("name"), m.value(QStringLiteral("name"))},
               {QStringLiteral("text"), m.value(QStringLiteral("text"))},
               {QStringLiteral("ts"), m.value(QStringLiteral("ts"))}});
}

// QJsonObject sorts its keys; a person reading the stream wants the event name first.
void CliSession::emitEvent(const QJsonObject &event)
{
    QJsonObject rest = event;
    const QJsonValue name = rest.take(kEvent);
    QByteArray out = QByteArrayLiteral("{\"event\":") + QJsonDocument(QJsonArray{name}).toJson(QJsonDocument::Compact).mid(1);
    out.chop(1); // the array's closing bracket
    const QByteArray body = QJsonDocument(rest).toJson(QJsonDocument::Compact);
    out += body.size() > 2 ? ',' + body.mid(1) : QByteArrayLiteral("}");
    Q_EMIT line(out);
}

void CliSession::reply(const QString &op, bool ok, const QJsonObject &fields, const QString &error)
{
    QJsonObject out{{kEvent, QStringLiteral("reply")}, {QStringLiteral("op"), op}, {QStringLiteral("ok"), ok}};
    for (auto it = fields.begin(); it != fields.end(); ++it)
        out.insert(it.key(), it.value());
    if (!ok)
        out.insert(QStringLiteral("error"), error.isEmpty() ? QStringLiteral("failed") : error);
    emitEvent(out);
    if (m_outstanding > 0 && --m_outstanding == 0)
        Q_EMIT idle();
}

void CliSession::whenIdle(int timeoutMs, std::function<void()> fn)
{
    if (m_outstanding == 0)
        return fn();
    auto *once = new QObject(this);
    auto fire = [once, fn] {
        if (once->property("fired").toBool())
            return;
        once->setProperty("fired", true);
        once->deleteLater();
        fn();
    };
    connect(this, &CliSession::idle, once, fire);
    QTimer::singleShot(timeoutMs, once, fire);
}

void CliSession::whenJoined(Room *room, std::function<void(bool)> done)
{
    if (room->isJoined())
        return done(true);
    auto *once = new QObject(this);
    auto finish = [once, done](bool ok) {
        if (once->property("fired").toBool())
            return;
        once->setProperty("fired", true);
        once->deleteLater();
        done(ok);
    };
    connect(room, &Room::joinedChanged, once, [room, finish] { if (room->isJoined()) finish(true); });
    connect(room, &QObject::destroyed, once, [finish] { finish(false); });
    QTimer::singleShot(m_session->client()->options().commandTimeoutMs + 5000, once, [finish] { finish(false); });
}

void CliSession::replyWith(const QString &op, Reply *pending, const char *resultKey)
{
    const QString key = QString::fromLatin1(resultKey ? resultKey : "result");
    pending->then(
        this, [this, op, key](const QJsonValue &result) { reply(op, true, {{key, result}}); },
        [this, op](const RtError &error) {
            reply(op, false, {{QStringLiteral("code"), error.code}}, error.message);
        });
}

QJsonValue CliSession::memberState(Room *room, const QString &connectionId) const
{
    const MemberModel::Member *member = room->members()->find(connectionId);
    return member ? member->state : QJsonValue(QJsonValue::Null);
}

QJsonObject CliSession::memberEvent(const QString &event, Room *room, const QString &connectionId,
                                    const QString &userId, const QString &name) const
{
    return {{kEvent, event},
            {QStringLiteral("room"), room->name()},
            {QStringLiteral("connectionId"), connectionId},
            {QStringLiteral("userId"), userId},
            {QStringLiteral("name"), name}};
}

void CliSession::watchRoom(Room *room)
{
    if (m_watched.value(room->name()) == room)
        return;
    m_watched.insert(room->name(), room);
    connect(room, &Room::memberJoined, this, [this, room](const QString &id, const QString &user, const QString &name) {
        emitEvent(memberEvent(QStringLiteral("join"), room, id, user, name));
    });
    connect(room, &Room::memberLeft, this, [this, room](const QString &id, const QString &user, const QString &name) {
        emitEvent(memberEvent(QStringLiteral("leave"), room, id, user, name));
    });
    connect(room, &Room::memberStateChanged, this, [this, room](const QString &id, const QString &user, const QString &) {
        QJsonObject event{{kEvent, QStringLiteral("state")},
                          {QStringLiteral("room"), room->name()},
                          {QStringLiteral("connectionId"), id},
                          {QStringLiteral("userId"), user},
                          {QStringLiteral("state"), memberState(room, id)}};
        emitEvent(event);
    });
    connect(room, &Room::typingChanged, this, [this, room] { announceTyping(room); });
}

void CliSession::announceTyping(Room *room)
{
    const QStringList users = room->typingUsers();
    if (m_lastTyping.value(room->name()) == users)
        return;
    m_lastTyping.insert(room->name(), users);
    emitEvent({{kEvent, QStringLiteral("typing")},
               {QStringLiteral("room"), room->name()},
               {QStringLiteral("text"), room->typingText()},
               {QStringLiteral("users"), QJsonArray::fromStringList(users)}});
}

// Replies once the server has the message (pending -> sent) or it failed; the model settles
// the row, so the CLI reports exactly what the app would show.
void CliSession::sendMessage(const QString &op, Room *room, const QString &text)
{
    const QString localId = room->sendMessage(text);
    if (localId.isEmpty())
        return reply(op, false, {{QStringLiteral("code"), ErrorCode::BadText}},
                     QStringLiteral("text is empty or too long"));
    MessageModel *model = room->messages();
    auto *once = new QObject(this);
    auto check = [this, once, op, model, localId] {
        if (once->property("fired").toBool())
            return;
        const int row = model->rowOfLocal(localId);
        if (row < 0)
            return;
        const MessageModel::Message &m = model->at(row);
        if (m.pending)
            return;
        once->setProperty("fired", true);
        once->deleteLater();
        if (m.failed)
            reply(op, false, {{QStringLiteral("code"), m.error}, {QStringLiteral("localId"), localId}},
                  QStringLiteral("not sent (%1); retry with the same text").arg(m.error));
        else
            reply(op, true, {{QStringLiteral("id"), m.messageId},
                             {QStringLiteral("ts"), m.tsMs}});
    };
    connect(model, &QAbstractItemModel::dataChanged, once, check);
    connect(model, &QAbstractItemModel::rowsInserted, once, check);
    check();
}

void CliSession::joinAtStart(const QStringList &rooms)
{
    for (const QString &name : rooms)
        watchRoom(m_session->join(name));
}

void CliSession::handleLine(const QByteArray &raw)
{
    const QByteArray text = raw.trimmed();
    if (text.isEmpty())
        return;
    ++m_outstanding; // every line gets exactly one reply, which settles it
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(text, &parseError);
    if (!doc.isObject()) {
        reply(QString(), false, {},
              parseError.error != QJsonParseError::NoError
                  ? QStringLiteral("not JSON: %1 at offset %2").arg(parseError.errorString()).arg(parseError.offset)
                  : QStringLiteral("a command must be a JSON object"));
        return;
    }
    const QJsonObject cmd = doc.object();
    const QString op = cmd.value(QStringLiteral("op")).toString();
    const QString roomName = cmd.value(QStringLiteral("room")).toString();
    PresenceClient *client = m_session->client();

    auto needRoom = [&]() -> bool {
        if (roomName.isEmpty()) {
            reply(op, false, {}, QStringLiteral("\"room\" is required"));
            return false;
        }
        return true;
    };
    auto joinedRoom = [&]() -> Room * {
        if (!needRoom())
            return nullptr;
        Room *room = m_session->room(roomName);
        if (!room)
            reply(op, false, {}, QStringLiteral("not in room \"%1\" (join it first)").arg(roomName));
        return room;
    };

    if (op == QLatin1String("join")) {
        if (!needRoom())
            return;
        Room *room = m_session->join(roomName);
        watchRoom(room);
        QPointer<Room> guard(room);
        whenJoined(room, [this, guard, op](bool ok) {
                         if (!ok || !guard)
                             return reply(op, false, {{QStringLiteral("code"), ErrorCode::Timeout}},
                                          QStringLiteral("the join did not complete"));
                         reply(op, true, {{QStringLiteral("room"), guard->name()},
                                          {QStringLiteral("members"), guard->members()->count()}});
                     });
    } else if (op == QLatin1String("leave")) {
        if (!needRoom())
            return;
        if (!m_session->room(roomName))
            return reply(op, false, {}, QStringLiteral("not in room \"%1\"").arg(roomName));
        m_watched.remove(roomName);
        m_lastTyping.remove(roomName);
        auto *once = new QObject(this);
        connect(client, &PresenceClient::roomLeft, once, [this, once, op, roomName](const QString &left) {
            if (left != roomName)
                return;
            once->deleteLater();
            reply(op, true, {{QStringLiteral("room"), roomName}});
        });
        m_session->leave(roomName);
    } else if (op == QLatin1String("subscribe")) {
        if (needRoom())
            replyWith(op, client->subscribePresence(roomName));
    } else if (op == QLatin1String("unsubscribe")) {
        if (needRoom())
            replyWith(op, client->unsubscribePresence(roomName));
    } else if (op == QLatin1String("publish")) {
        if (!needRoom())
            return;
        const QJsonValue state = cmd.value(QStringLiteral("state"));
        if (!state.isObject())
            return reply(op, false, {}, QStringLiteral("\"state\" must be a JSON object"));
        replyWith(op, client->publishPresenceState(roomName, state.toObject(),
                                                   cmd.value(QStringLiteral("expireAfter")).toInt(0)));
    } else if (op == QLatin1String("clear")) {
        if (needRoom())
            replyWith(op, client->clearPresenceState(roomName));
    } else if (op == QLatin1String("metadata")) {
        replyWith(op, client->connectionMetadata(cmd.value(QStringLiteral("connectionId")).toString()), "metadata");
    } else if (op == QLatin1String("command")) {
        const QString name = cmd.value(QStringLiteral("command")).toString();
        if (name.isEmpty())
            return reply(op, false, {}, QStringLiteral("\"command\" is required"));
        const QJsonValue payload = cmd.contains(QStringLiteral("payload")) ? cmd.value(QStringLiteral("payload"))
                                                                           : QJsonValue(QJsonObject());
        replyWith(op, client->command(name, payload));
    } else if (op == QLatin1String("members")) {
        Room *room = joinedRoom();
        if (!room)
            return;
        const MemberModel *model = room->members();
        QJsonArray members;
        for (int row = 0; row < model->rowCount(); ++row)
            members.append(rowObject(model, row, {{QStringLiteral("connectionId"), "connectionId"},
                                                  {QStringLiteral("userId"), "userId"},
                                                  {QStringLiteral("name"), "name"},
                                                  {QStringLiteral("state"), "state"}}));
        reply(op, true, {{QStringLiteral("room"), roomName}, {QStringLiteral("members"), members}});
    } else if (op == QLatin1String("users")) {
        Room *room = joinedRoom();
        if (!room)
            return;
        const UserModel *model = room->users();
        QJsonArray users;
        for (int row = 0; row < model->rowCount(); ++row)
            users.append(rowObject(model, row, {{QStringLiteral("userId"), "userId"},
                                                {QStringLiteral("name"), "name"},
                                                {QStringLiteral("connections"), "connections"},
                                                {QStringLiteral("status"), "status"},
                                                {QStringLiteral("typing"), "typing"}}));
        reply(op, true, {{QStringLiteral("room"), roomName}, {QStringLiteral("users"), users}});
    } else if (op == QLatin1String("type")) {
        Room *room = joinedRoom();
        if (!room)
            return;
        room->setComposerText(cmd.value(QStringLiteral("text")).toString());
        reply(op, true);
    } else if (op == QLatin1String("send")) {
        Room *room = joinedRoom();
        if (!room)
            return;
        sendMessage(op, room, cmd.value(QStringLiteral("text")).toString());
    } else if (op == QLatin1String("status")) {
        const QString status = cmd.value(QStringLiteral("status")).toString();
        static const QStringList allowed{QStringLiteral("automatic"), QStringLiteral("online"),
                                         QStringLiteral("away"), QStringLiteral("busy")};
        if (!allowed.contains(status))
            return reply(op, false, {}, QStringLiteral("status must be one of automatic, online, away, busy"));
        m_session->status()->setManualStatus(status);
        reply(op, true, {{QStringLiteral("status"), m_session->status()->effectiveStatus()}});
    } else if (op == QLatin1String("quit")) {
        reply(op, true);
        Q_EMIT quitRequested();
    } else {
        reply(op, false, {},
              op.isEmpty() ? QStringLiteral("\"op\" is required") : QStringLiteral("unknown op \"%1\"").arg(op));
    }
}
