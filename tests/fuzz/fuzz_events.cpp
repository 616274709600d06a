// libFuzzer target: presence events and snapshots applied to a Room (MemberModel, UserModel,
// typing tracker) and chat history/messages to its MessageModel. Each input line is one frame;
// it goes through Frame::parse, then is turned into the value types the client emits the way
// PresenceClient does (presence-update -> PresenceEvent; a "snapshot" frame -> PresenceSnapshot;
// subscription-message / history -> messages), with every field of any JSON type. Fatal
// QAbstractItemModelTesters on every model abort on an inconsistent model; the member index
// is checked against the rows after each input.
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

void check(bool condition)
{
    if (!condition)
        std::abort();
}

PresenceEvent toEvent(const QJsonObject &o)
{
    PresenceEvent ev;
    const QString type = o.value(QStringLiteral("type")).toString();
    ev.type = type == QLatin1String("leave") ? PresenceEvent::Type::Leave
            : type == QLatin1String("state") ? PresenceEvent::Type::State
                                             : PresenceEvent::Type::Join;
    ev.room = QStringLiteral("fuzz");
    ev.connectionId = o.value(QStringLiteral("connectionId")).toString();
    ev.state = o.value(QStringLiteral("state"));
    if (ev.state.isUndefined())
        ev.state = QJsonValue::Null;
    ev.metadata = o.value(QStringLiteral("metadata"));
    ev.timestamp = qint64(o.value(QStringLiteral("timestamp")).toDouble());
    return ev;
}

PresenceSnapshot toSnapshot(const QJsonObject &o)
{
    PresenceSnapshot s;
    s.room = QStringLiteral("fuzz");
    s.resync = o.value(QStringLiteral("resync")).toBool();
    for (const QJsonValue &entry : o.value(QStringLiteral("present")).toArray()) {
        const QJsonObject m = entry.toObject();
        const QString id = m.value(QStringLiteral("id")).toString();
        if (!id.isEmpty())
            s.members.append({id, m.value(QStringLiteral("metadata"))});
    }
    s.states = o.value(QStringLiteral("states")).toObject();
    return s;
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
    ModelOptions options;
    options.departedMemory = 8; // small, so the bounded ghost memory wraps too
    options.maxMessages = 16;
    qint64 now = 1000;
    Room room(QStringLiteral("fuzz"), options);
    room.setClock([&now] { return now; });
    using Mode = QAbstractItemModelTester::FailureReportingMode;
    QAbstractItemModelTester t1(room.members(), Mode::Fatal);
    QAbstractItemModelTester t2(room.users(), Mode::Fatal);
    QAbstractItemModelTester t3(room.messages(), Mode::Fatal);
    room.setSelfConnectionId(QStringLiteral("self"));
    room.setJoined(true);

    for (const QByteArray &line : bytes.split('\n')) {
        const Frame::ParseResult parsed = Frame::parse(line);
        if (!parsed.ok)
            continue;
        const QString &command = parsed.frame.command;
        const QJsonObject payload = parsed.frame.payload.toObject();
        if (command == QLatin1String("rt/presence-update")) {
            const PresenceEvent ev = toEvent(payload);
            if (!ev.connectionId.isEmpty())
                room.apply(ev);
        } else if (command == QLatin1String("snapshot")) {
            room.applySnapshot(toSnapshot(payload));
        } else if (command == QLatin1String("metadata")) {
            room.setMemberMetadata(payload.value(QStringLiteral("id")).toString(), payload.value(QStringLiteral("metadata")));
        } else if (command == QLatin1String("rt/subscription-message")) {
            room.addMessage(payload.value(QStringLiteral("message")));
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
        }
    }

    const QStringList ids = room.members()->connectionIds();
    check(ids.size() == room.members()->rowCount());
    for (int i = 0; i < ids.size(); ++i) {
        check(!ids.at(i).isEmpty());
        check(room.members()->rowOf(ids.at(i)) >= 0);
    }
    check(room.memberCount() == room.members()->rowCount());
    check(room.messages()->rowCount() <= options.maxMessages);
    return 0;
}
