#pragma once
// CliSession: hallway-cli's JSON-lines contract over a Session. Each line written to
// handleLine() is one command ({"op": ...}) and gets exactly one {"event":"reply",...} line;
// everything the user would see (status, joins, leaves, states, messages, typing, pushes,
// errors) goes out as one JSON object per line through the line() signal. It holds no I/O of
// its own: main.cpp wires it to stdin/stdout, tests can drive it directly.
#include <QHash>
#include <QQueue>
#include <QSet>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QStringList>
#include <functional>

namespace Hallway {
class Session;
class Room;
class Reply;
}

class CliSession : public QObject
{
    Q_OBJECT
public:
    explicit CliSession(Hallway::Session *session, QObject *parent = nullptr);

    void joinAtStart(const QStringList &rooms);
    void handleLine(const QByteArray &line);
    int outstanding() const { return m_outstanding; }   // commands still waiting for their reply
    void whenIdle(int timeoutMs, std::function<void()> fn); // fn once outstanding() is 0, or at timeout

Q_SIGNALS:
    void line(const QByteArray &json);
    void quitRequested();
    void idle();

private:
    // One command line, parsed: the op, its arguments and the room it names (room: the Room
    // itself, for operations that need one we are in).
    struct Call {
        QString op;
        QJsonObject args;
        QString roomName;
        Hallway::Room *room = nullptr;
    };
    struct Operation;
    static const QHash<QString, Operation> &operations(); // op name -> its checks and handler

    void opJoin(const Call &call);
    void opLeave(const Call &call);
    void opSubscribe(const Call &call);
    void opUnsubscribe(const Call &call);
    void opPublish(const Call &call);
    void opClear(const Call &call);
    void opMetadata(const Call &call);
    void opCommand(const Call &call);
    void opMembers(const Call &call);
    void opUsers(const Call &call);
    void opType(const Call &call);
    void opSend(const Call &call);
    void opStatus(const Call &call);
    void opQuit(const Call &call);

    void emitEvent(const QJsonObject &event);
    void reply(const QString &op, bool ok, const QJsonObject &fields = {}, const QString &error = {});
    void replyWith(const QString &op, Hallway::Reply *pending, const char *resultKey = nullptr);
    void watchRoom(Hallway::Room *room);
    QJsonObject memberEvent(const QString &event, Hallway::Room *room, const QString &connectionId,
                            const QString &userId, const QString &name) const;
    QJsonValue memberState(Hallway::Room *room, const QString &connectionId) const;
    void announceTyping(Hallway::Room *room);
    // A chat message once: live, or from the history replayed after a reconnect (what was
    // said while we were away). Ids are remembered per room, the oldest forgotten first.
    bool markSeen(const QString &room, const QString &id);
    void emitMessage(const QString &room, const QJsonObject &message);
    void sendMessage(const QString &op, Hallway::Room *room, const QString &text);
    void whenJoined(Hallway::Room *room, std::function<void(bool)> done);

    Hallway::Session *m_session;
    QHash<QString, QPointer<Hallway::Room>> m_watched;
    QHash<QString, QStringList> m_lastTyping;
    struct SeenIds { QSet<QString> ids; QQueue<QString> order; };
    QHash<QString, SeenIds> m_seen;
    int m_outstanding = 0;
};
