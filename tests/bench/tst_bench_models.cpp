// Model microbenchmarks (CTest label "bench"): the cost of the presence models alone, without a
// socket. A Room with its MemberModel and UserModel (grouped by userId) is filled with a
// 20,000-connection snapshot, then fed 100,000 mixed join/leave/state events through
// Room::apply, the same calls PresenceClient's signals make in the app. Timing never decides
// pass/fail: the only checks are that the models end up with the expected content.
//
// Sizes: HALLWAY_BENCH_ROWS (default 20000) and HALLWAY_BENCH_EVENTS (default 100000).
// Callgrind-friendly mode: every benchmark body runs exactly once (QBENCHMARK_ONCE), and the
// event lists are built before measuring, so
//     valgrind --tool=callgrind --instr-atstart=no --collect-atstart=no
//         build-bench/tests/bench/tst_bench_models -callgrind applyEvents
// or simply `tst_bench_models -callgrind` (QtTest's own callgrind backend, which runs the test
// under valgrind and counts instructions of the measured block only) gives stable counts on a
// noisy machine. Smaller sizes (HALLWAY_BENCH_ROWS=5000 HALLWAY_BENCH_EVENTS=20000) keep a
// callgrind run short.
#include "membermodel.h"
#include "presencetypes.h"
#include "room.h"
#include "usermodel.h"

#include <QJsonObject>
#include <QRandomGenerator>
#include <QSet>
#include <QTest>

using namespace Hallway;

namespace {

int envInt(const char *name, int fallback)
{
    bool ok = false;
    const int v = qEnvironmentVariableIntValue(name, &ok);
    return ok && v > 0 ? v : fallback;
}

const QString kRoom = QStringLiteral("bench");
const QString kStatuses[] = {QStringLiteral("online"), QStringLiteral("away"), QStringLiteral("busy"),
                             QStringLiteral("typing")};

QString connId(int i) { return QStringLiteral("c%1-7bf0fdc8-b771-49c4-8dd6").arg(i, 8, 10, QLatin1Char('0')); }

QJsonObject metaFor(int user)
{
    const QString id = QStringLiteral("user%1").arg(user);
    return QJsonObject{{QStringLiteral("userId"), id}, {QStringLiteral("username"), QStringLiteral("User %1").arg(user)}};
}

struct Workload {
    PresenceSnapshot snapshot;       // rows connections, users = rows * 4 / 5 (some people on 2 devices)
    QList<PresenceEvent> events;     // mixed: ~60% state, ~20% join, ~20% leave
    int expectedRows = 0;
};

Workload makeWorkload(int rows, int events)
{
    Workload w;
    const int users = qMax(1, rows * 4 / 5);
    w.snapshot.room = kRoom;
    w.snapshot.members.reserve(rows);
    QList<int> present; // connection numbers currently present
    present.reserve(rows * 2);
    QHash<int, int> posOf;
    for (int i = 0; i < rows; ++i) {
        w.snapshot.members.append({connId(i), metaFor(i % users)});
        if (i % 3 == 0)
            w.snapshot.states.insert(connId(i), QJsonObject{{QStringLiteral("status"), kStatuses[i % 3]}});
        posOf.insert(i, int(present.size()));
        present.append(i);
    }
    QRandomGenerator rng(20240611); // fixed seed: the same workload every run
    int next = rows;
    qint64 ts = 1795803288996;
    w.events.reserve(events);
    for (int e = 0; e < events; ++e) {
        const quint32 dice = rng.bounded(100u);
        PresenceEvent ev;
        ev.room = kRoom;
        ev.timestamp = ++ts;
        if (dice < 20 || present.isEmpty()) { // join a new connection (a known or a new user)
            const int c = next++;
            ev.type = PresenceEvent::Type::Join;
            ev.connectionId = connId(c);
            ev.metadata = metaFor(int(rng.bounded(quint32(users + users / 10))));
            posOf.insert(c, int(present.size()));
            present.append(c);
        } else if (dice < 40) { // leave a random present connection
            const int k = int(rng.bounded(quint32(present.size())));
            const int c = present.at(k);
            ev.type = PresenceEvent::Type::Leave;
            ev.connectionId = connId(c);
            const int last = present.takeLast();
            if (k < present.size()) {
                present[k] = last;
                posOf[last] = k;
            }
            posOf.remove(c);
        } else { // a state change of a random present connection
            const int c = present.at(int(rng.bounded(quint32(present.size()))));
            ev.type = PresenceEvent::Type::State;
            ev.connectionId = connId(c);
            ev.state = QJsonObject{{QStringLiteral("status"), kStatuses[rng.bounded(4u)]}, {QStringLiteral("seq"), e}};
        }
        w.events.append(ev);
    }
    w.expectedRows = int(present.size());
    return w;
}

} // namespace

class BenchModels : public QObject
{
    Q_OBJECT

private:
    int m_rows = 20000;
    int m_events = 100000;
    Workload m_work;
    qint64 m_fakeNow = 0;

    std::unique_ptr<Room> newRoom()
    {
        auto room = std::make_unique<Room>(kRoom);
        room->setClock([this] { return m_fakeNow; }); // no grace timer fires during a benchmark
        room->setSelfConnectionId(connId(0));
        return room;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_rows = envInt("HALLWAY_BENCH_ROWS", m_rows);
        m_events = envInt("HALLWAY_BENCH_EVENTS", m_events);
        m_work = makeWorkload(m_rows, m_events);
        qInfo("workload: %d rows, %d events, %d rows at the end", m_rows, m_events, m_work.expectedRows);
    }

    // The initial snapshot of a 20,000-connection room into empty models.
    void applySnapshot()
    {
        std::unique_ptr<Room> room = newRoom();
        QBENCHMARK_ONCE {
            room->applySnapshot(m_work.snapshot);
        }
        QCOMPARE(room->members()->count(), m_rows);
        QVERIFY(room->users()->count() > 0);
    }

    // 100,000 mixed join/leave/state events into a 20,000-row room (MemberModel + UserModel).
    void applyEvents()
    {
        std::unique_ptr<Room> room = newRoom();
        room->applySnapshot(m_work.snapshot);
        QBENCHMARK_ONCE {
            for (const PresenceEvent &ev : std::as_const(m_work.events))
                room->apply(ev);
        }
        QCOMPARE(room->members()->count(), m_work.expectedRows);
    }

    // The same events, only state changes (the event-storm mix).
    void applyStateEvents()
    {
        std::unique_ptr<Room> room = newRoom();
        room->applySnapshot(m_work.snapshot);
        QList<PresenceEvent> states;
        QSet<QString> present;
        for (const MemberInfo &m : std::as_const(m_work.snapshot.members))
            present.insert(m.connectionId);
        for (int i = 0; i < m_events; ++i) {
            PresenceEvent ev;
            ev.room = kRoom;
            ev.type = PresenceEvent::Type::State;
            ev.connectionId = connId(i % m_rows);
            ev.state = QJsonObject{{QStringLiteral("status"), kStatuses[i % 4]}, {QStringLiteral("seq"), i}};
            states.append(ev);
        }
        QBENCHMARK_ONCE {
            for (const PresenceEvent &ev : std::as_const(states))
                room->apply(ev);
        }
        QCOMPARE(room->members()->count(), m_rows);
    }

    // Only leaves: each removal from the middle of the list (the worst case of a row vector).
    void applyLeaves()
    {
        std::unique_ptr<Room> room = newRoom();
        room->applySnapshot(m_work.snapshot);
        QList<PresenceEvent> leaves;
        const int n = m_rows / 2;
        for (int i = 0; i < n; ++i) {
            PresenceEvent ev;
            ev.room = kRoom;
            ev.type = PresenceEvent::Type::Leave;
            ev.connectionId = connId((i * 7919) % m_rows); // spread over the list, distinct for n <= rows/2
            ev.timestamp = 1795803288996 + i;
            leaves.append(ev);
        }
        QBENCHMARK_ONCE {
            for (const PresenceEvent &ev : std::as_const(leaves))
                room->apply(ev);
        }
        QVERIFY(room->members()->count() < m_rows);
    }

    // Half the room's people leave at once (a network split, an instance crash); their rows stay
    // for the grace period, then all expire on one timer tick.
    void expireGrace()
    {
        std::unique_ptr<Room> room = newRoom();
        room->applySnapshot(m_work.snapshot);
        const int n = m_rows / 2;
        for (int i = 0; i < n; ++i) {
            PresenceEvent ev;
            ev.room = kRoom;
            ev.type = PresenceEvent::Type::Leave;
            ev.connectionId = connId(m_rows - 1 - i); // the newest half: mostly single-device people
            ev.timestamp = 1795803288996 + i;
            room->apply(ev);
        }
        const int before = room->users()->count();
        m_fakeNow += 60000; // past every grace deadline
        QBENCHMARK_ONCE {
            room->users()->processTimers();
        }
        QVERIFY(room->users()->count() < before);
    }

    // A resync: the snapshot after a reconnect differs from the models in 10% of the rows.
    void resyncSnapshot()
    {
        std::unique_ptr<Room> room = newRoom();
        room->applySnapshot(m_work.snapshot);
        PresenceSnapshot next = m_work.snapshot;
        next.resync = true;
        const int changed = m_rows / 10;
        next.members.remove(0, changed / 2);               // some left
        for (int i = 0; i < changed / 2; ++i)              // some new ones came
            next.members.append({connId(10 * m_rows + i), metaFor(i)});
        for (int i = 0; i < m_rows; i += 10)
            next.states.insert(connId(i), QJsonObject{{QStringLiteral("status"), QStringLiteral("away")}});
        QBENCHMARK_ONCE {
            room->applySnapshot(next);
        }
        // Our own connection (connId(0), among the first rows taken out) stays: we are in a
        // room we joined whatever a snapshot says (room.cpp).
        QCOMPARE(room->members()->count(), int(next.members.size()) + 1);
    }
};

QTEST_GUILESS_MAIN(BenchModels)
#include "tst_bench_models.moc"
