#include "clisession.h"

#include "connectionstatus.h"
#include "errorcodes.h"
#include "membermodel.h"
#include "messagemodel.h"
#include "presenceclient.h"
#include "presencestatus.h"
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

// The operations hallway-cli understands. Each entry says what it needs before it runs (a
// room name, or a room we are in) and any argument check; handleLine() applies those in that
// order and replies with the first error, so a handler only does its work.
struct CliSession::Operation {
    enum Needs { Nothing, RoomName, JoinedRoom };
    Needs needs = Nothing;
    std::function<QString(const QJsonObject &args)> check; // the error to reply with, or ""
    void (CliSession::*run)(const Call &call) = nullptr;
};

const QHash<QString, CliSession::Operation> &CliSession::operations()
{
    auto stateIsObject = [](const QJsonObject &args) {
        return args.value(QStringLiteral("state")).isObject() ? QString()
                                                              : QStringLiteral("\"state\" must be a JSON object");
    };
    auto commandNamed = [](const QJsonObject &args) {
        return args.value(QStringLiteral("command")).toString().isEmpty() ? QStringLiteral("\"command\" is required")
                                                                          : QString();
    };
    auto manualStatus = [](const QJsonObject &args) {
        const QStringList allowed = PresenceStatus::manualChoiceWords();
        return allowed.contains(args.value(QStringLiteral("status")).toString())
            ? QString()
            : QStringLiteral("status must be one of %1").arg(allowed.join(QStringLiteral(", ")));
    };
    static const QHash<QString, Operation> table{
        {QStringLiteral("join"), {Operation::RoomName, {}, &CliSession::opJoin}},
        {QStringLiteral("leave"), {Operation::RoomName, {}, &CliSession::opLeave}},
        {QStringLiteral("subscribe"), {Operation::RoomName, {}, &CliSession::opSubscribe}},
        {QStringLiteral("unsubscribe"), {Operation::RoomName, {}, &CliSession::opUnsubscribe}},
        {QStringLiteral("publish"), {Operation::RoomName, stateIsObject, &CliSession::opPublish}},
        {QStringLiteral("clear"), {Operation::RoomName, {}, &CliSession::opClear}},
        {QStringLiteral("metadata"), {Operation::Nothing, {}, &CliSession::opMetadata}},
        {QStringLiteral("command"), {Operation::Nothing, commandNamed, &CliSession::opCommand}},
        {QStringLiteral("members"), {Operation::JoinedRoom, {}, &CliSession::opMembers}},
        {QStringLiteral("users"), {Operation::JoinedRoom, {}, &CliSession::opUsers}},
        {QStringLiteral("type"), {Operation::JoinedRoom, {}, &CliSession::opType}},
        {QStringLiteral("send"), {Operation::JoinedRoom, {}, &CliSession::opSend}},
        {QStringLiteral("status"), {Operation::Nothing, manualStatus, &CliSession::opStatus}},
        {QStringLiteral("quit"), {Operation::Nothing, {}, &CliSession::opQuit}},
    };
    return table;
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
    Call call;
    call.args = doc.object();
    call.op = call.args.value(QStringLiteral("op")).toString();
    call.roomName = call.args.value(QStringLiteral("room")).toString();

    const auto found = operations().constFind(call.op);
    if (found == operations().cend()) {
        return reply(call.op, false, {},
                     call.op.isEmpty() ? QStringLiteral("\"op\" is required")
                                       : QStringLiteral("unknown op \"%1\"").arg(call.op));
    }
    const Operation &operation = found.value();
    if (operation.needs != Operation::Nothing && call.roomName.isEmpty())
        return reply(call.op, false, {}, QStringLiteral("\"room\" is required"));
    if (operation.needs == Operation::JoinedRoom) {
        call.room = m_session->room(call.roomName);
        if (!call.room)
            return reply(call.op, false, {}, QStringLiteral("not in room \"%1\" (join it first)").arg(call.roomName));
    }
    if (operation.check) {
        const QString error = operation.check(call.args);
        if (!error.isEmpty())
            return reply(call.op, false, {}, error);
    }
    (this->*operation.run)(call);
}

void CliSession::opJoin(const Call &call)
{
    Room *room = m_session->join(call.roomName);
    watchRoom(room);
    QPointer<Room> guard(room);
    whenJoined(room, [this, guard, op = call.op](bool ok) {
        if (!ok || !guard)
            return reply(op, false, {{QStringLiteral("code"), ErrorCode::Timeout}},
                         QStringLiteral("the join did not complete"));
        reply(op, true, {{QStringLiteral("room"), guard->name()},
                         {QStringLiteral("members"), guard->members()->count()}});
    });
}

void CliSession::opLeave(const Call &call)
{
    const QString roomName = call.roomName;
    if (!m_session->room(roomName))
        return reply(call.op, false, {}, QStringLiteral("not in room \"%1\"").arg(roomName));
    m_watched.remove(roomName);
    m_lastTyping.remove(roomName);
    auto *once = new QObject(this);
    connect(m_session->client(), &PresenceClient::roomLeft, once,
            [this, once, op = call.op, roomName](const QString &left) {
                if (left != roomName)
                    return;
                once->deleteLater();
                reply(op, true, {{QStringLiteral("room"), roomName}});
            });
    m_session->leave(roomName);
}

void CliSession::opSubscribe(const Call &call)
{
    replyWith(call.op, m_session->client()->subscribePresence(call.roomName));
}

void CliSession::opUnsubscribe(const Call &call)
{
    replyWith(call.op, m_session->client()->unsubscribePresence(call.roomName));
}

void CliSession::opPublish(const Call &call)
{
    replyWith(call.op, m_session->client()->publishPresenceState(
                           call.roomName, call.args.value(QStringLiteral("state")).toObject(),
                           call.args.value(QStringLiteral("expireAfter")).toInt(0)));
}

void CliSession::opClear(const Call &call)
{
    replyWith(call.op, m_session->client()->clearPresenceState(call.roomName));
}

void CliSession::opMetadata(const Call &call)
{
    replyWith(call.op,
              m_session->client()->connectionMetadata(call.args.value(QStringLiteral("connectionId")).toString()),
              "metadata");
}

void CliSession::opCommand(const Call &call)
{
    const QJsonValue payload = call.args.contains(QStringLiteral("payload"))
        ? call.args.value(QStringLiteral("payload"))
        : QJsonValue(QJsonObject());
    replyWith(call.op, m_session->client()->command(call.args.value(QStringLiteral("command")).toString(), payload));
}

void CliSession::opMembers(const Call &call)
{
    const MemberModel *model = call.room->members();
    QJsonArray members;
    for (int row = 0; row < model->rowCount(); ++row)
        members.append(rowObject(model, row, {{QStringLiteral("connectionId"), "connectionId"},
                                              {QStringLiteral("userId"), "userId"},
                                              {QStringLiteral("name"), "name"},
                                              {QStringLiteral("state"), "state"}}));
    reply(call.op, true, {{QStringLiteral("room"), call.roomName}, {QStringLiteral("members"), members}});
}

void CliSession::opUsers(const Call &call)
{
    const UserModel *model = call.room->users();
    QJsonArray users;
    for (int row = 0; row < model->rowCount(); ++row)
        users.append(rowObject(model, row, {{QStringLiteral("userId"), "userId"},
                                            {QStringLiteral("name"), "name"},
                                            {QStringLiteral("connections"), "connections"},
                                            {QStringLiteral("status"), "status"},
                                            {QStringLiteral("typing"), "typing"}}));
    reply(call.op, true, {{QStringLiteral("room"), call.roomName}, {QStringLiteral("users"), users}});
}

void CliSession::opType(const Call &call)
{
    call.room->setComposerText(call.args.value(QStringLiteral("text")).toString());
    reply(call.op, true);
}

void CliSession::opSend(const Call &call)
{
    sendMessage(call.op, call.room, call.args.value(QStringLiteral("text")).toString());
}

void CliSession::opStatus(const Call &call)
{
    m_session->status()->setManualStatus(call.args.value(QStringLiteral("status")).toString());
    reply(call.op, true, {{QStringLiteral("status"), m_session->status()->effectiveStatus()}});
}

void CliSession::opQuit(const Call &call)
{
    reply(call.op, true);
    Q_EMIT quitRequested();
}
