// A room of 20,000 people against the real server. The members are written into Redis the way
// @prsm/realtime stores them (room set, presence set, state keys, rt:connection-meta), so the
// frames the client gets are the server's own, without 20,000 sockets. The snapshot is several
// MB: it must be joined at once, held, and kept live, with no reconnect. The stack's state cap
// is raised to what a stock server allows, so a peer can send the 2 MB state that our own server
// would refuse: the client must drop that one item, not the link.
#include "clientprobe.h"
#include "serverstack.h"
#include "session.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QTimer>
#include <QProcess>
#include <QSignalSpy>
#include <QTest>

using namespace Hallway;

namespace {
constexpr int kMembers = 20000;
constexpr int kJoinMs = 60000;
constexpr int kHistory = 350; // generous: a loaded 2-core machine; speed lives in tests/bench
const QString kRoom = QStringLiteral("big:town");

// RESP encoding for redis-cli --pipe: arguments may hold spaces, quotes and UTF-8.
void appendCommand(QByteArray &out, const QList<QByteArray> &args)
{
    out += '*' + QByteArray::number(args.size()) + "\r\n";
    for (const QByteArray &a : args)
        out += '$' + QByteArray::number(a.size()) + "\r\n" + a + "\r\n";
}

QString memberName(int i)
{
    static const char *const first[] = {"Zoë", "Łukasz", "Amara", "Nguyễn", "Søren", "Aiko", "Mateus", "Élodie"};
    static const char *const last[] = {"Okonkwo-Hartmann", "Lindqvist", "Fernández de la Cruz", "Kowalczyk", "Abernathy"};
    return QString::fromUtf8(first[i % 8]) + QLatin1Char(' ') + QString::fromUtf8(last[i % 5]) + QLatin1Char(' ')
        + QString::number(i);
}

QString memberId(int i) { return QStringLiteral("filled-%1-0000-4000-8000-000000000000").arg(i, 8, 10, QLatin1Char('0')); }
} // namespace

class tst_BigRoom : public QObject
{
    Q_OBJECT
    ServerStack m_stack{stockCaps()};

    static ServerStack::Options stockCaps()
    {
        ServerStack::Options o;
        o.maxStateBytes = 3 * 1024 * 1024;
        o.maxFrameBytes = 4 * 1024 * 1024;
        o.historyLength = kHistory; // more than the 200 the client once always asked for
        o.rateLimits = false;       // the history is filled by one sender at full speed
        // The server's default ping interval, not the support's fast 1 s: under a sanitizer the
        // wire thread takes seconds over a 20,000-member reply, which is not what this tests.
        o.pingIntervalMs = 5000;
        return o;
    }

    bool fill()
    {
        QByteArray pipe;
        const QByteArray roomKey = "rt:room:" + kRoom.toUtf8();
        const QByteArray presenceKey = "rt:presence:room:" + kRoom.toUtf8();
        for (int i = 0; i < kMembers; ++i) {
            const QByteArray id = memberId(i).toUtf8();
            const QJsonObject meta{{QStringLiteral("userId"), QStringLiteral("user%1").arg(i)},
                                   {QStringLiteral("username"), memberName(i)}};
            const QByteArray state = i % 3 ? R"({"status":"online"})" : R"({"status":"away"})";
            appendCommand(pipe, {"SADD", roomKey, id});
            appendCommand(pipe, {"SADD", presenceKey, id});
            appendCommand(pipe, {"SET", "rt:presence:state:" + kRoom.toUtf8() + ":conn:" + id, state});
            appendCommand(pipe, {"HSET", "rt:connection-meta", id, QJsonDocument(meta).toJson(QJsonDocument::Compact)});
        }
        QProcess cli;
        cli.start(QStringLiteral("redis-cli"), {QStringLiteral("-p"), QString::number(m_stack.redisPort()), QStringLiteral("--pipe")});
        if (!cli.waitForStarted(5000))
            return false;
        cli.write(pipe);
        cli.closeWriteChannel();
        return cli.waitForFinished(60000) && cli.exitCode() == 0
            && m_stack.redis({QStringLiteral("SCARD"), QString::fromUtf8(roomKey)}) == QByteArray::number(kMembers);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_stack.start(), qPrintable(m_stack.errorString()));
        QVERIFY(fill());
    }
    void cleanup() { m_stack.printLogsIfFailed(); }

    void joinHoldAndStayLive()
    {
        Session me;
        QSignalSpy sessions(me.client(), &PresenceClient::connected);
        QSignalSpy errors(me.client(), &PresenceClient::errorOccurred);
        me.client()->setUrl(m_stack.userUrl(QStringLiteral("mayor"), QStringLiteral("The Mayor")));
        me.client()->open();
        QVERIFY(TestUtil::waitUntil([&] { return me.client()->status() == ConnectionStatus::Online; }, 8000));
        // The longest event-loop gap while the room loads is printed for information (timing
        // never decides a test; tests/bench measures it properly).
        QElapsedTimer gap;
        qint64 longest = 0;
        QTimer ticker;
        QObject::connect(&ticker, &QTimer::timeout, &ticker, [&] { longest = qMax(longest, gap.restart()); });
        gap.start();
        ticker.start(1);
        Room *room = me.join(kRoom);
        // The members go in at once, the people become rows a few per turn after them.
        QVERIFY(TestUtil::waitUntil([&] {
            return room->memberCount() == kMembers + 1 && room->users()->rowCount() == kMembers + 1;
        }, kJoinMs));
        ticker.stop();
        qInfo("longest GUI-thread gap while %d members loaded: %lld ms", kMembers, longest);
        QVERIFY(room->isJoined());
        // Names arrived whole, UTF-8 included.
        const MemberModel::Member *m = room->members()->find(memberId(4711));
        QVERIFY(m);
        QCOMPARE(m->name, memberName(4711));
        QCOMPARE(m->status, QStringLiteral("online"));

        // Held: a real peer arrives and is seen; still one session, no error.
        Session peer;
        peer.client()->setUrl(m_stack.userUrl(QStringLiteral("newcomer"), QStringLiteral("New Comer")));
        peer.client()->open();
        Room *peerRoom = peer.join(kRoom);
        QVERIFY(TestUtil::waitUntil([&] { return room->users()->find(QStringLiteral("newcomer")) != nullptr; }, kJoinMs));
        QVERIFY(TestUtil::waitUntil([&] { return peerRoom->memberCount() == kMembers + 2; }, kJoinMs));
        QCOMPARE(room->memberCount(), kMembers + 2);
        QCOMPARE(sessions.count(), 1);
        for (const auto &e : errors)
            QVERIFY2(e.at(0).toString() != QLatin1String("ETOOLARGE"), qPrintable(e.at(1).toString()));
        QCOMPARE(me.client()->status(), ConnectionStatus::Online);
    }

    void peersHugeStateCostsNoReconnect()
    {
        const QString room = QStringLiteral("plaza");
        Session me;
        QSignalSpy sessions(me.client(), &PresenceClient::connected);
        QSignalSpy errors(me.client(), &PresenceClient::errorOccurred);
        me.client()->setUrl(m_stack.userUrl(QStringLiteral("watcher"), QStringLiteral("Watcher")));
        me.client()->open();
        Room *mine = me.join(room);

        ConnectionOptions loud;
        loud.maxOutgoingBytes = 4 * 1024 * 1024; // a hostile peer ignores our own client's limits
        PresenceClient peer(loud);
        peer.setUrl(m_stack.userUrl(QStringLiteral("mallory"), QStringLiteral("Mallory")));
        peer.open();
        QVERIFY(await(peer.joinRoom(room, false), 8000).ok);
        QVERIFY(TestUtil::waitUntil([&] { return mine->users()->find(QStringLiteral("mallory")) != nullptr; }, 8000));
        const QString peerId = peer.connectionId();

        const QJsonObject huge{{QStringLiteral("status"), QStringLiteral("busy")},
                               {QStringLiteral("blob"), QString(2 * 1024 * 1024, QLatin1Char('x'))}};
        QVERIFY(await(peer.publishPresenceState(room, huge), 15000).ok); // the server relays it
        QVERIFY(TestUtil::waitUntil([&] {
            for (const auto &e : errors)
                if (e.at(0).toString() == QLatin1String("ETOOLARGE"))
                    return true;
            return false;
        }, 15000));
        QVERIFY(await(peer.publishPresenceState(room, QJsonObject{{QStringLiteral("status"), QStringLiteral("away")}}), 8000).ok);
        QVERIFY(TestUtil::waitUntil([&] {
            const MemberModel::Member *m = mine->members()->find(peerId);
            return m && m->status == QLatin1String("away");
        }, 8000));
        QCOMPARE(sessions.count(), 1); // the link never dropped
        QCOMPARE(me.client()->status(), ConnectionStatus::Online);
    }

    // History as the server keeps it: a newcomer gets all the server holds, oldest first,
    // ending with the newest.
    void historyAsTheServerKeepsIt()
    {
        const QString room = QStringLiteral("archive");
        PresenceClient writer;
        writer.setUrl(m_stack.userUrl(QStringLiteral("scribe"), QStringLiteral("Scribe")));
        writer.open();
        QVERIFY(await(writer.joinRoom(room, false), 8000).ok);
        for (int i = 1; i <= kHistory + 20; ++i) {
            const Settled sent = await(writer.command(QStringLiteral("chat:send"),
                                                      QJsonObject{{QStringLiteral("room"), room},
                                                                  {QStringLiteral("text"), QStringLiteral("entry %1").arg(i)}}), 8000);
            QVERIFY2(sent.ok, qPrintable(QString::number(i)));
        }
        Session reader;
        reader.client()->setUrl(m_stack.userUrl(QStringLiteral("reader"), QStringLiteral("Reader")));
        reader.client()->open();
        Room *r = reader.join(room);
        auto texts = [r] {
            QStringList out;
            for (int row = 0; row < r->messages()->rowCount(); ++row)
                if (r->messages()->at(row).kind == QLatin1String("message"))
                    out << r->messages()->at(row).text;
            return out;
        };
        QVERIFY(TestUtil::waitUntil([&] { return texts().size() == kHistory; }, 15000));
        const QStringList got = texts();
        QCOMPARE(got.first(), QStringLiteral("entry %1").arg(21)); // the oldest the server kept
        QCOMPARE(got.last(), QStringLiteral("entry %1").arg(kHistory + 20)); // the newest, last
    }
};

QTEST_GUILESS_MAIN(tst_BigRoom)
#include "tst_bigroom.moc"
