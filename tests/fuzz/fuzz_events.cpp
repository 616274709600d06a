// libFuzzer target: the client's presence path end to end, without a socket. A ClientCore is
// online as "self" (its Connection's frame sink takes what it sends) and subscribed to room
// "fuzz" and channel "chat:fuzz"; a Room is fed what the core emits, as Session feeds it.
// Each input line is one frame:
//  - frames of the server ("rt/presence-update", "rt/subscription-message", replies with ids,
//    anything else) go through Connection::processIncoming, the path a socket's frames take,
//    so the core's own conversion (presencesnapshot.h) and reconciliation run;
//  - {"command":"snapshot","payload":{present, states, presence?}} makes the core take a
//    snapshot and answers its rt/subscribe-presence with {success, present, states} and its
//    rt/get-presence-state with {success, present: presence (default: the listed ids), states};
//  - {"command":"subscribe"} only starts a snapshot (events then race it);
//  - {"command":"reply","payload":{"to":command,"payload":x}} answers the oldest unanswered
//    request of that command with x;
//  - {"command":"metadata","payload":{"id","metadata"}} answers that id's metadata lookup;
//  - "history", "send", "tick" drive the Room's message and people models directly.
// Fatal QAbstractItemModelTesters on every model abort on an inconsistent model. After each
// line the Room must list exactly the members the core has told it of, our own row aside
// (one owner for membership: ClientCore), and the member index must match the rows.
#include "clientcore.h"
#include "connection.h"
#include "frame.h"
#include "room.h"

#include <QAbstractItemModelTester>
#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonObject>
#include <cstdint>
#include <cstdlib>
#include <memory>

using namespace Hallway;

namespace {
QCoreApplication *app = nullptr;
const QString kRoom = QStringLiteral("fuzz");
const QString kChannel = QStringLiteral("chat:fuzz");

void check(bool condition)
{
    if (!condition)
        std::abort(); // a broken invariant is a finding
}

// What the core sent and nobody answered yet.
class Wire
{
public:
    explicit Wire(Connection *conn) : m_conn(conn)
    {
        conn->setFrameSink([this](const QByteArray &frame) {
            const Frame::ParseResult parsed = Frame::parse(frame);
            check(parsed.ok); // the core only sends what it can parse back
            if (parsed.frame.hasId())
                m_open.append(parsed.frame);
        });
    }

    void answer(const QString &command, const QJsonValue &payload)
    {
        answerFirst([&command](const Frame &f) { return f.command == command; }, payload);
    }

    void answerLookup(const QString &id, const QJsonValue &payload)
    {
        answerFirst([&id](const Frame &f) {
            return f.command == QLatin1String("rt/get-connection-metadata")
                && f.payload.toObject().value(QStringLiteral("connectionId")).toString() == id;
        }, payload);
    }

    void feed(const QByteArray &frame) { m_conn->processIncoming(frame); }

private:
    template<typename Pred> void answerFirst(Pred match, const QJsonValue &payload)
    {
        for (int i = 0; i < m_open.size(); ++i) {
            if (!match(m_open.at(i)))
                continue;
            const Frame request = m_open.takeAt(i);
            feed(Frame::encodeRequest(qint64(request.id.toDouble()), request.command, payload));
            return;
        }
    }

    Connection *m_conn;
    QList<Frame> m_open;
};

QJsonArray idsOf(const QJsonArray &present)
{
    QJsonArray ids;
    for (const QJsonValue &m : present)
        ids.append(m.toObject().value(QStringLiteral("id")));
    return ids;
}

void snapshot(ClientCore &core, Wire &wire, const QJsonObject &p)
{
    core.subscribePresence(kRoom, [](const QJsonValue &, const RtError &) {});
    const QJsonValue present = p.value(QStringLiteral("present"));
    const QJsonValue states = p.value(QStringLiteral("states"));
    const QJsonValue presence = p.contains(QStringLiteral("presence")) ? p.value(QStringLiteral("presence"))
                                                                       : QJsonValue(idsOf(present.toArray()));
    const QString success = QStringLiteral("success");
    wire.answer(QStringLiteral("rt/subscribe-presence"),
                QJsonObject{{success, true}, {QStringLiteral("present"), present}, {QStringLiteral("states"), states}});
    wire.answer(QStringLiteral("rt/get-presence-state"),
                QJsonObject{{success, true}, {QStringLiteral("present"), presence}, {QStringLiteral("states"), states}});
}

// Our own row is the one the Room keeps whatever a snapshot says (room.h); all others mirror the core.
QSet<QString> withoutSelf(QSet<QString> ids)
{
    ids.remove(QStringLiteral("self"));
    return ids;
}
QSet<QString> withoutSelf(const QStringList &ids)
{
    return withoutSelf(QSet<QString>(ids.cbegin(), ids.cend()));
}
} // namespace

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    qputenv("QT_LOGGING_RULES", "*.debug=false;*.info=false;*.warning=false");
    app = new QCoreApplication(*argc, *argv);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    ConnectionOptions wireOptions;
    wireOptions.departedMemory = 8; // small, so the bounded ghost memory wraps too
    wireOptions.maxItemBytes = 512;  // small, so oversized items are dropped too
    wireOptions.membershipCheckMs = 0;
    ClientCore core(wireOptions);
    Wire wire(core.connection());
    ModelOptions options;
    options.maxMessages = 16;
    qint64 now = 1000;
    Room room(kRoom, options);
    room.setClock([&now] { return now; });
    using Mode = QAbstractItemModelTester::FailureReportingMode;
    QAbstractItemModelTester t1(room.members(), Mode::Fatal);
    QAbstractItemModelTester t2(room.users(), Mode::Fatal);
    QAbstractItemModelTester t3(room.messages(), Mode::Fatal);
    QObject::connect(&core, &ClientCore::presenceEvent, &room, &Room::apply);
    QObject::connect(&core, &ClientCore::presenceSnapshot, &room, [&room](const PresenceSnapshot &s) { room.applySnapshot(s); });
    QObject::connect(&core, &ClientCore::metadataResolved, &room, &Room::setMemberMetadata);
    QObject::connect(&core, &ClientCore::historyReceived, &room,
                     [&room](const QString &, const QJsonArray &history) { room.addHistory(history); });
    QObject::connect(&core, &ClientCore::channelMessage, &room,
                     [&room](const QString &, const QJsonValue &message) { room.addMessage(message); });
    wire.feed(R"({"command":"rt/assign-id","payload":"self"})");
    check(core.linkState().status == int(Connection::Status::Online));
    room.setSelfConnectionId(QStringLiteral("self"));
    room.setJoined(true);
    snapshot(core, wire, QJsonObject{{QStringLiteral("present"), QJsonArray{QJsonObject{{QStringLiteral("id"), QStringLiteral("self")}}}}});
    core.subscribeChannel(kChannel, 0, [](const QJsonValue &, const RtError &) {});
    wire.answer(QStringLiteral("rt/subscribe-channel"), QJsonObject{{QStringLiteral("success"), true}, {QStringLiteral("history"), QJsonArray()}});

    for (const QByteArray &line : bytes.split('\n')) {
        const Frame::ParseResult parsed = Frame::parse(line);
        if (!parsed.ok)
            continue;
        const QString &command = parsed.frame.command;
        const QJsonObject payload = parsed.frame.payload.toObject();
        if (command == QLatin1String("snapshot")) {
            snapshot(core, wire, payload);
        } else if (command == QLatin1String("subscribe")) {
            core.subscribePresence(kRoom, [](const QJsonValue &, const RtError &) {});
        } else if (command == QLatin1String("reply")) {
            wire.answer(payload.value(QStringLiteral("to")).toString(), payload.value(QStringLiteral("payload")));
        } else if (command == QLatin1String("metadata")) {
            wire.answerLookup(payload.value(QStringLiteral("id")).toString(),
                              QJsonObject{{QStringLiteral("metadata"), payload.value(QStringLiteral("metadata"))}});
        } else if (command == QLatin1String("history")) {
            room.addHistory(parsed.frame.payload.toArray());
        } else if (command == QLatin1String("send")) {
            const QString localId = room.sendMessage(payload.value(QStringLiteral("text")).toString());
            if (!localId.isEmpty() && payload.value(QStringLiteral("fail")).toBool())
                room.messageFailed(localId, QStringLiteral("EFUZZ"));
            else if (!localId.isEmpty())
                room.messageSent(localId, payload.value(QStringLiteral("result")).toObject());
        } else if (command == QLatin1String("tick")) {
            now += qBound(0, payload.value(QStringLiteral("ms")).toInt(), 60000);
            room.users()->processTimers();
        } else {
            wire.feed(line); // a server frame: the socket's path
        }
        check(withoutSelf(room.members()->connectionIds()) == withoutSelf(core.memberIds(kRoom)));
    }

    const QStringList ids = room.members()->connectionIds();
    check(ids.size() == room.members()->rowCount());
    for (int i = 0; i < ids.size(); ++i) {
        check(!ids.at(i).isEmpty());
        check(room.members()->rowOf(ids.at(i)) == i);
    }
    check(room.memberCount() == room.members()->rowCount());
    check(room.messages()->rowCount() <= options.maxMessages);
    return 0;
}
