// ClientCore without a server: its Connection's frame sink takes what it sends, and the test
// answers through Connection::processIncoming, the path a socket's frames take. Covers the
// membership rules ClientCore alone owns (departures.h): a departed id never comes back
// through a snapshot, a stale join or leave copy changes nothing, a real re-join does; and a
// Room fed what the core emits lists exactly the core's members. The snapshot conversions
// (presencesnapshot.h) are also checked on their own.
#include "clientcore.h"
#include "clientcore_p.h"
#include "connection.h"
#include "frame.h"
#include "presencesnapshot.h"
#include "room.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTest>

using namespace Hallway;

namespace {
const QString kRoom = QStringLiteral("lobby");

QJsonObject member(const QString &id)
{
    return QJsonObject{{"id", id}, {"metadata", QJsonObject{{"userId", id.left(1)}, {"username", id}}}};
}

QByteArray update(const QString &type, const QString &id, qint64 timestamp, const QJsonValue &state = {})
{
    QJsonObject payload{{"type", type}, {"connectionId", id}, {"roomName", kRoom}, {"timestamp", double(timestamp)}};
    if (!state.isUndefined())
        payload.insert("state", state);
    return Frame::encodePush(QStringLiteral("rt/presence-update"), payload);
}

// The server side of the test: requests the core sent, answered in order by command.
class FakeServer
{
public:
    explicit FakeServer(Connection *conn) : m_conn(conn)
    {
        conn->setFrameSink([this](const QByteArray &frame) {
            const Frame::ParseResult parsed = Frame::parse(frame);
            if (parsed.ok && parsed.frame.hasId())
                m_sent.append(parsed.frame);
        });
    }

    bool answer(const QString &command, const QJsonValue &payload)
    {
        for (int i = 0; i < m_sent.size(); ++i) {
            if (m_sent.at(i).command != command)
                continue;
            const Frame request = m_sent.takeAt(i);
            m_conn->processIncoming(Frame::encodeRequest(qint64(request.id.toDouble()), command, payload));
            return true;
        }
        return false;
    }

    // The core's snapshot requests, answered with this room set (presence set = the same ids)
    // and these states.
    bool answerSnapshot(const QStringList &ids, const QJsonObject &states = {})
    {
        QJsonArray roomSet;
        QJsonArray presenceSet;
        for (const QString &id : ids) {
            roomSet.append(member(id));
            presenceSet.append(id);
        }
        return answer(QStringLiteral("rt/subscribe-presence"), QJsonObject{{"success", true}, {"present", roomSet}, {"states", states}})
            && answer(QStringLiteral("rt/get-presence-state"), QJsonObject{{"success", true}, {"present", presenceSet}, {"states", states}});
    }

    void answerLookups()
    {
        while (!m_sent.isEmpty()) {
            const auto it = std::find_if(m_sent.cbegin(), m_sent.cend(), [](const Frame &f) {
                return f.command == QLatin1String("rt/get-connection-metadata");
            });
            if (it == m_sent.cend())
                return;
            const QString id = it->payload.toObject().value("connectionId").toString();
            answer(it->command, QJsonObject{{"metadata", member(id).value("metadata")}});
        }
    }

private:
    Connection *m_conn;
    QList<Frame> m_sent;
};

QStringList sorted(QStringList list)
{
    list.sort();
    return list;
}
QStringList sorted(const QSet<QString> &set) { return sorted(QStringList(set.cbegin(), set.cend())); }
} // namespace

class TestClientCore : public QObject
{
    Q_OBJECT

    std::unique_ptr<ClientCore> m_core;
    std::unique_ptr<FakeServer> m_server;
    std::unique_ptr<Room> m_room;

    // Online as "me1", subscribed to lobby with these members, a Room fed by the core.
    void start(const QStringList &members)
    {
        ConnectionOptions options;
        options.membershipCheckMs = 0;
        m_core = std::make_unique<ClientCore>(options);
        m_server = std::make_unique<FakeServer>(m_core->connection());
        m_room = std::make_unique<Room>(kRoom);
        connect(m_core.get(), &ClientCore::presenceEvent, m_room.get(), &Room::apply);
        connect(m_core.get(), &ClientCore::presenceSnapshot, m_room.get(),
                [this](const PresenceSnapshot &s) { m_room->applySnapshot(s); });
        m_core->connection()->processIncoming(R"({"command":"rt/assign-id","payload":"me1"})");
        QCOMPARE(m_core->linkState().status, int(Connection::Status::Online));
        bool done = false;
        m_core->subscribePresence(kRoom, [&done](const QJsonValue &, const RtError &e) { done = e.isNull(); });
        QVERIFY(m_server->answerSnapshot(members));
        QVERIFY(done);
    }

    void push(const QString &type, const QString &id, qint64 timestamp, const QJsonValue &state = {})
    {
        m_core->connection()->processIncoming(update(type, id, timestamp, state));
        m_server->answerLookups();
    }

    QStringList coreMembers() const { return sorted(m_core->memberIds(kRoom)); }
    QStringList roomMembers() const { return sorted(m_room->members()->connectionIds()); }

    // A snapshot the core takes again now, whose room set is `listed`.
    void resnapshot(const QStringList &listed)
    {
        bool done = false;
        m_core->subscribePresence(kRoom, [&done](const QJsonValue &, const RtError &e) { done = e.isNull(); });
        QVERIFY(m_server->answerSnapshot(listed));
        QVERIFY(done);
    }

private Q_SLOTS:
    void cleanup()
    {
        m_room.reset();
        m_server.reset();
        m_core.reset();
    }

    void departedNeverResurrectedBySnapshot()
    {
        start({"me1", "a1", "b1"});
        QCOMPARE(coreMembers(), (QStringList{"a1", "b1", "me1"}));
        push("leave", "b1", 200);
        QCOMPARE(coreMembers(), (QStringList{"a1", "me1"}));
        // A snapshot taken in the server's cleanup window still lists b1 (docs/protocol.md §12.14).
        resnapshot({"me1", "a1", "b1", "c1"});
        QCOMPARE(coreMembers(), (QStringList{"a1", "c1", "me1"}));
        QCOMPARE(roomMembers(), coreMembers());
    }

    void staleCopiesAndRealRejoin()
    {
        start({"me1"});
        QSignalSpy events(m_core.get(), &ClientCore::presenceEvent);
        push("join", "a1", 100);
        push("leave", "a1", 200);
        push("join", "a1", 150); // a stale join copy: ignored
        QCOMPARE(coreMembers(), (QStringList{"me1"}));
        QCOMPARE(events.count(), 2);
        push("join", "a1", 300); // rt/leave-room then rt/join-room keeps the id
        QCOMPARE(coreMembers(), (QStringList{"a1", "me1"}));
        push("leave", "a1", 200); // a late duplicate of the old leave
        QCOMPARE(coreMembers(), (QStringList{"a1", "me1"}));
        QCOMPARE(events.count(), 3);
        QCOMPARE(roomMembers(), coreMembers());
        // Re-joined, a1 is no longer departed: a later snapshot keeps it.
        resnapshot({"me1", "a1"});
        QCOMPARE(coreMembers(), (QStringList{"a1", "me1"}));
        QCOMPARE(roomMembers(), coreMembers());
    }

    // A leave in flight wins over the snapshot, and takes the leaver's state with it; a state
    // in flight from someone who is no member is not kept either.
    void leaveDuringSnapshotWins()
    {
        start({"me1", "a1"});
        bool done = false;
        QSignalSpy snapshots(m_core.get(), &ClientCore::presenceSnapshot);
        m_core->subscribePresence(kRoom, [&done](const QJsonValue &, const RtError &e) { done = e.isNull(); });
        push("leave", "a1", 500); // while the snapshot is in flight
        push("state", "x1", 510, QJsonObject{{"status", "busy"}});
        const QJsonObject away{{"status", "away"}};
        QVERIFY(m_server->answerSnapshot({"me1", "a1"}, QJsonObject{{"me1", away}, {"a1", away}}));
        QVERIFY(done);
        QCOMPARE(coreMembers(), (QStringList{"me1"}));
        QCOMPARE(roomMembers(), coreMembers());
        QCOMPARE(snapshots.count(), 1);
        QCOMPARE(snapshots.at(0).at(0).value<PresenceSnapshot>().states.keys(), QStringList{"me1"});
    }

    void readRoomSetCutsGhostsNotSelf()
    {
        const QJsonObject big{{"blob", QString(600, QLatin1Char('x'))}};
        const QJsonObject sub{{"present", QJsonArray{member("me1"), member("a1"), member("a1"), member("ghost"),
                                                     QJsonObject{{"id", "b1"}, {"metadata", big}}, QJsonObject{{"id", ""}}}},
                              {"states", QJsonObject{{"a1", QJsonObject{{"status", "away"}}}}}};
        const QJsonObject gps{{"present", QJsonArray{"a1", "b1"}},
                              {"states", QJsonObject{{"a1", QJsonObject{{"status", "busy"}}}, {"b1", big}}}};
        const RoomSetReading r = readRoomSet(sub, gps, true, "me1", 512);
        QStringList ids;
        for (const MemberInfo &m : r.members)
            ids << m.connectionId;
        // Our own id is never cut (the set may predate our join); the ghost is; duplicates and
        // empty ids go; b1's oversized metadata becomes null.
        QCOMPARE(ids, (QStringList{"me1", "a1", "b1"}));
        QCOMPARE(r.members.at(2).metadata, QJsonValue(QJsonValue::Null));
        QVERIFY(!r.pristine);
        // States come from the presence-set reply, oversized ones dropped.
        QCOMPARE(r.states, (QJsonObject{{"a1", QJsonObject{{"status", "busy"}}}}));
        QCOMPARE(r.oversized.size(), 2);
        QCOMPARE(r.oversized.at(0).owner, QStringLiteral("b1"));

        // Without a presence set nothing is cut and the subscribe reply's states count.
        const RoomSetReading plain = readRoomSet(sub, {}, false, "me1", 0);
        QCOMPARE(plain.members.size(), 4);
        QCOMPARE(plain.states.value("a1").toObject().value("status").toString(), QStringLiteral("away"));
    }

    // A list of thousands is read by two threads at once (ids; metadata and states); the result
    // is the one-pass reading: the first occurrence of an id wins, ghosts are cut wherever they
    // are, an oversized item is reported once, in list order.
    void readRoomSetInTwoThreadsReadsAsOnePass()
    {
        const QJsonObject big{{"blob", QString(600, QLatin1Char('x'))}};
        QJsonArray list;
        QJsonArray present;
        for (int i = 0; i < 6000; ++i) {
            const QString id = QStringLiteral("c%1").arg(i);
            list.append(member(id));
            present.append(id);
        }
        list[10] = QJsonObject{{"id", "ghost"}, {"metadata", QJsonObject{{"userId", "g"}}}}; // first half
        list[4000] = member("c20");                                                          // second half: a duplicate of the first's
        list[4001] = member("c4002");                                                        // a duplicate within the second
        list[4500] = QJsonObject{{"id", "c4500"}, {"metadata", big}};                        // oversized
        list[4600] = QJsonObject{{"id", "c4500"}, {"metadata", big}};                        // again: a repeat, not reported
        list[5000] = QJsonObject{{"id", "ghost"}, {"metadata", QJsonObject{{"userId", "g"}}}}; // the ghost again
        list[5500] = member("me1");                                                          // self: never cut
        const QJsonObject sub{{"present", list}, {"states", QJsonObject{{"c1", QJsonObject{{"status", "busy"}}}, {"c4500", big}}}};
        const QJsonObject enter{{"present", present}};
        const RoomSetReading r = readRoomSet(sub, enter, true, "me1", 512);

        QStringList expected;
        for (int i = 0; i < 6000; ++i) {
            if (i == 10 || i == 4000 || i == 5000 || i == 4002 || i == 4600)
                continue; // ghost, duplicate of c20, ghost, c4002 already listed at 4001, c4500 again
            expected << (i == 4001 ? QStringLiteral("c4002") : i == 5500 ? QStringLiteral("me1") : QStringLiteral("c%1").arg(i));
        }
        QStringList ids;
        for (const MemberInfo &m : r.members)
            ids << m.connectionId;
        QCOMPARE(ids, expected);
        QCOMPARE(r.ids.size(), expected.size());
        QVERIFY(!r.pristine);
        QCOMPARE(r.members.at(expected.indexOf("c4500")).metadata, QJsonValue(QJsonValue::Null));
        QCOMPARE(r.oversized.size(), 2); // c4500's metadata, then its state
        QCOMPARE(r.oversized.at(0).owner, QStringLiteral("c4500"));
        QCOMPARE(QString::fromLatin1(r.oversized.at(1).what), QStringLiteral("presence state"));
        QCOMPARE(r.states.keys(), QStringList{"c1"});
        // Metadata is kept for every id listed once, the ghost's too (twice: it was read twice).
        QCOMPARE(r.metadata.size(), expected.size() + 2);
    }

    // With a presence set that the list covers, only the states whose keys the set does not
    // vouch for (and the excluded ids') have their owners looked up. On random rooms (ghosts,
    // repeats, empty ids, ours listed or not, in the set or not, strangers' states, exclusions,
    // lists of both readers' sizes) the states kept are exactly the members', as when every
    // owner is looked up.
    void snapshotChecksOnlyUnvouchedStatesOwners()
    {
        QRandomGenerator rng(20261202);
        const QString self = QStringLiteral("me1");
        int checkedFew = 0;
        for (int trial = 0; trial < 400; ++trial) {
            const int size = trial % 50 == 0 ? 5000 : 1 + int(rng.bounded(30));
            const auto id = [](int i) { return QStringLiteral("c%1").arg(i); };
            QJsonArray present;
            QSet<QString> presence;
            for (int i = 0; i < size; ++i) {
                if (rng.bounded(10) > 0) {
                    present.append(id(i));
                    presence.insert(id(i));
                }
            }
            if (rng.bounded(2))
                present.append(self);
            const bool covers = rng.bounded(3) > 0;
            QJsonArray list;
            for (const QJsonValue &v : std::as_const(present)) {
                if (covers || rng.bounded(8) > 0)
                    list.append(member(v.toString()));
                if (rng.bounded(20) == 0)
                    list.append(member(v.toString())); // a repeat
            }
            if (rng.bounded(3) == 0)
                list.append(member(self)); // ours, whether the set has it or not
            if (rng.bounded(3) == 0)
                list.append(member(QStringLiteral("ghost%1").arg(rng.bounded(3))));
            if (rng.bounded(10) == 0)
                list.append(QJsonObject{{"id", ""}});
            QJsonObject states;
            for (int k = 0; k < size / 2 + 3; ++k) {
                const quint32 pick = rng.bounded(10);
                const QString owner = pick == 0 ? self : pick == 1 ? QStringLiteral("ghost%1").arg(rng.bounded(3))
                                    : pick == 2 ? QStringLiteral("stranger%1").arg(k) : id(int(rng.bounded(size)));
                states.insert(owner, QJsonObject{{"status", "away"}});
            }
            const QJsonObject sub{{"present", list}, {"states", states}};
            const QJsonObject enter{{"present", present}};
            const RoomSetReading r = readRoomSet(sub, enter, presenceIds(enter), true, self, 0);
            QSet<QString> excludedIds;
            if (rng.bounded(4) == 0 && !r.members.isEmpty())
                excludedIds.insert(r.members.at(int(rng.bounded(r.members.size()))).connectionId);
            const auto excluded = [&](const QString &id) { return excludedIds.contains(id); };
            const auto noMetadata = [](const QString &) -> std::optional<QJsonValue> { return std::nullopt; };
            QSet<QString> fewMembers;
            QSet<QString> allMembers;
            const PresenceSnapshot few = buildSnapshot(kRoom, false, r.members, r.states, list, r.pristine, excluded,
                                                       noMetadata, r.ids, fewMembers, r.statesToCheck);
            const PresenceSnapshot all = buildSnapshot(kRoom, false, r.members, r.states, list, r.pristine, excluded,
                                                       noMetadata, r.ids, allMembers);
            checkedFew += r.statesToCheck ? 1 : 0;
            QCOMPARE(fewMembers, allMembers);
            QCOMPARE(few.states, all.states);
            for (auto it = all.states.constBegin(); it != all.states.constEnd(); ++it)
                QVERIFY(allMembers.contains(it.key()));
            for (auto it = r.states.constBegin(); it != r.states.constEnd(); ++it)
                QCOMPARE(all.states.contains(it.key()), allMembers.contains(it.key()));
        }
        QVERIFY2(checkedFew > 150, qPrintable(QStringLiteral("covered sets: %1").arg(checkedFew)));
    }

    // A snapshot's metadata goes into the cache as a list and is hashed on first use: what
    // came later (an insert, a removal, another list) still wins, as if hashed at once.
    void metadataCacheReadsListsInOrder()
    {
        MetadataCache cache;
        cache.insert("a1", QJsonObject{{"v", 1}});
        cache.insertMany({{"a1", QJsonObject{{"v", 2}}}, {"b1", QJsonObject{{"v", 2}}}, {"c1", QJsonObject{{"v", 2}}}});
        cache.insertMany({{"b1", QJsonObject{{"v", 3}}}});
        QCOMPARE(cache.value("a1").toObject().value("v").toInt(), 2);
        QCOMPARE(cache.value("b1").toObject().value("v").toInt(), 3);
        cache.insertMany({{"c1", QJsonObject{{"v", 4}}}});
        cache.remove("c1"); // after the list: gone
        QVERIFY(!cache.contains("c1"));
        cache.insertMany({{"d1", QJsonObject{{"v", 5}}}});
        cache.insert("d1", QJsonObject{{"v", 6}}); // after the list: wins
        QCOMPARE(cache.find("d1")->toObject().value("v").toInt(), 6);
        cache.insertMany({{"e1", QJsonObject{{"v", 7}}}});
        cache.retain([](const QString &id) { return id != QLatin1String("a1"); });
        QVERIFY(!cache.contains("a1"));
        QVERIFY(cache.contains("e1"));
    }

    void buildSnapshotDropsExcludedAndFillsMetadata()
    {
        const QList<MemberInfo> candidates{{"a1", QJsonValue::Null}, {"b1", member("b1").value("metadata")}, {"gone", QJsonValue::Null}};
        const QJsonObject states{{"a1", QJsonObject{{"status", "away"}}}, {"gone", QJsonObject{{"status", "busy"}}}};
        QSet<QString> members;
        const PresenceSnapshot snap = buildSnapshot(
            kRoom, true, candidates, states, QJsonArray{member("a1")}, true,
            [](const QString &id) { return id == QLatin1String("gone"); },
            [](const QString &id) -> std::optional<QJsonValue> {
                if (id == QLatin1String("a1"))
                    return QJsonValue(QJsonObject{{"userId", "a"}});
                return std::nullopt;
            },
            QSet<QString>{"a1", "b1", "gone"}, members);
        QCOMPARE(snap.members.size(), 2);
        QCOMPARE(snap.members.at(0).metadata.toObject().value("userId").toString(), QStringLiteral("a"));
        QCOMPARE(members, (QSet<QString>{"a1", "b1"}));
        QCOMPARE(snap.states.keys(), (QStringList{"a1"}));
        QVERIFY(snap.serverList.isEmpty()); // changed from the server's list: not handed on
        QVERIFY(snap.resync);
    }

    void presenceEventFromUpdateReadsTheWireForm()
    {
        const auto ev = presenceEventFromUpdate(QJsonObject{{"type", "state"}, {"connectionId", "a1"}, {"roomName", kRoom},
                                                            {"timestamp", 1234.0}});
        QVERIFY(ev);
        QCOMPARE(ev->type, PresenceEvent::Type::State);
        QCOMPARE(ev->room, kRoom);
        QCOMPARE(ev->timestamp, 1234);
        QVERIFY(ev->state.isNull()); // missing state reads as null (a clear)
        QTest::ignoreMessage(QtWarningMsg, "unknown presence event type \"wave\"");
        QVERIFY(!presenceEventFromUpdate(QJsonObject{{"type", "wave"}, {"connectionId", "a1"}}));
    }
};

QTEST_GUILESS_MAIN(TestClientCore)
#include "tst_clientcore.moc"
