// hallway-bench: the Hallway side of the benchmarks (tests/bench/README.md). It drives the real
// presence library (PresenceClient feeding a Room, whose MemberModel and UserModel are what the
// app's views bind to) against a running server, with load from tests/bench/loadgen.mjs, and
// prints one JSON object: {"client":"hallway","scenario":...,"results":{name:{median,runs}}}.
// The JavaScript twin is js-bench.mjs; run-bench.sh runs both and prints the comparison.
//
//   hallway-bench --url ws://127.0.0.1:PORT/ --control http://127.0.0.1:CTL/
//                 --scenario bigroom|bigstall|storm|roundtrip|typing|memory[,..] [--runs 3] [--room big]
//                 [--room-size 5000] [--room-users 0] [--storm-members 2000] [--storm-times 5]
//                 [--trips 1000] [--typing-trials 20] [--typing-rate 5] [--max-frame-bytes N]
//
// The client is wired to its Room exactly as the app wires them (presenceSnapshot ->
// Room::applySnapshot, presenceEvent -> Room::apply, our connection id -> the room), so the
// times include the wire, the client's reconciliation and both models.
#include "membermodel.h"
#include "presenceclient.h"
#include "room.h"
#include "session.h"
#include "typingpublisher.h"
#include "usermodel.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSet>
#include <QTimer>
#include <QUrlQuery>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <functional>
#include <memory>
#include <stdexcept>

using namespace Hallway;

namespace {

struct Args {
    QUrl url;
    QUrl control;
    QStringList scenarios;
    int runs = 3;
    QString room = QStringLiteral("big");
    int roomSize = 5000;
    int roomUsers = 0; // people behind roomSize connections (0: not checked)
    qint64 maxFrameBytes = 0; // 0: the client's default limit
    int stormMembers = 2000;
    int stormTimes = 5;
    int trips = 1000;
    int typingTrials = 20;
    int typingRate = 5;
    int timeoutMs = 120000;
} args;

QElapsedTimer g_clock;
double nowMs() { return double(g_clock.nsecsElapsed()) / 1e6; }

double cpuMs()
{
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

double threadCpuMs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

double rssMb()
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : f.readAll().split('\n'))
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toDouble() / 1024.0;
    return -1;
}

struct Failure : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Runs the event loop until cond() holds; throws on timeout.
void waitFor(const std::function<bool()> &cond, int timeoutMs, const QString &what)
{
    QElapsedTimer t;
    t.start();
    while (!cond()) {
        if (t.elapsed() > timeoutMs)
            throw Failure(QStringLiteral("timeout: %1").arg(what).toStdString());
        QCoreApplication::processEvents(QEventLoop::AllEvents | QEventLoop::WaitForMoreEvents);
    }
}

void sleepMs(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

double median(QList<double> xs)
{
    if (xs.isEmpty())
        return qQNaN();
    std::sort(xs.begin(), xs.end());
    const qsizetype m = xs.size() / 2;
    return xs.size() % 2 ? xs[m] : (xs[m - 1] + xs[m]) / 2;
}

double percentile(QList<double> xs, double p)
{
    if (xs.isEmpty())
        return qQNaN();
    std::sort(xs.begin(), xs.end());
    const qsizetype i = std::clamp<qsizetype>(qsizetype(std::ceil(p / 100.0 * double(xs.size()))) - 1, 0, xs.size() - 1);
    return xs[i];
}

QJsonObject stat(const QList<double> &runs)
{
    QJsonArray a;
    for (double r : runs)
        a.append(r);
    return QJsonObject{{QStringLiteral("median"), median(runs)}, {QStringLiteral("runs"), a}};
}

// Synchronous POST of one JSON command to the load generator's control endpoint; with `async`
// the reply is returned unfinished (the caller keeps processing events meanwhile).
QNetworkAccessManager *nam()
{
    static QNetworkAccessManager *m = new QNetworkAccessManager(qApp);
    return m;
}

QNetworkReply *postControl(const QJsonObject &body)
{
    QNetworkRequest req(args.control);
    req.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    return nam()->post(req, QJsonDocument(body).toJson(QJsonDocument::Compact));
}

QJsonObject finishControl(QNetworkReply *reply)
{
    waitFor([reply] { return reply->isFinished(); }, args.timeoutMs, QStringLiteral("loadgen reply"));
    const QJsonObject o = QJsonDocument::fromJson(reply->readAll()).object();
    reply->deleteLater();
    if (o.contains(QStringLiteral("error")))
        throw Failure(QString(QStringLiteral("loadgen: ") + o.value(QStringLiteral("error")).toString()).toStdString());
    return o;
}

int g_seq = 0;

// One Hallway client as the app runs it: a PresenceClient and the Session that routes what it
// emits to the Room models (Session::join joins, subscribes presence and chat, and wires the
// room's typing publisher). Our own slots are connected after the Session's, so they run once
// the models have applied a snapshot or an event.
struct Peer {
    std::unique_ptr<PresenceClient> client;
    std::unique_ptr<Session> session;
    Room *room = nullptr;
    QString roomName;
    QString connectionId;
    double snapshotAppliedAt = -1;
    QString error; // the client's last error, e.g. ETOOLARGE when a snapshot is over its frame limit
    std::function<void(const PresenceEvent &)> afterEvent; // runs after the Room applied it

    Peer(const QString &user, const QString &name)
        : roomName(name)
    {
        client = std::make_unique<PresenceClient>();
        session = std::make_unique<Session>(client.get());
        QUrl u = args.url;
        QUrlQuery q;
        const QString id = QStringLiteral("%1-%2-%3").arg(user).arg(QCoreApplication::applicationPid()).arg(++g_seq);
        q.addQueryItem(QStringLiteral("user"), id);
        q.addQueryItem(QStringLiteral("name"), id);
        u.setQuery(q);
        client->setUrl(u);
        if (args.maxFrameBytes > 0) {
            ConnectionOptions o = client->options();
            o.maxFrameBytes = args.maxFrameBytes;
            client->setOptions(o);
        }
        QObject::connect(client.get(), &PresenceClient::errorOccurred, client.get(),
                         [this](const QString &code, const QString &message) { error = code + QLatin1Char(' ') + message; });
        QObject::connect(client.get(), &PresenceClient::connected, client.get(),
                         [this](const QString &cid) { connectionId = cid; });
        QObject::connect(client.get(), &PresenceClient::presenceSnapshot, client.get(),
                         [this](const PresenceSnapshot &s) {
                             if (s.room == roomName)
                                 snapshotAppliedAt = nowMs();
                         });
        QObject::connect(client.get(), &PresenceClient::presenceEvent, client.get(), [this](const PresenceEvent &e) {
            if (afterEvent)
                afterEvent(e);
        });
    }
    ~Peer()
    {
        session.reset();
        client.reset();
    }

    void open()
    {
        client->open();
        waitFor([this] { return !connectionId.isEmpty(); }, 20000, QStringLiteral("connect"));
    }

    // Returns the time from the join request until the models held the snapshot.
    double join()
    {
        snapshotAppliedAt = -1;
        const double t0 = nowMs();
        room = session->join(roomName);
        waitFor([this] {
            if (!error.isEmpty())
                throw Failure(QStringLiteral("join %1: %2").arg(roomName, error).toStdString());
            return snapshotAppliedAt >= 0;
        }, args.timeoutMs, QStringLiteral("join %1").arg(roomName));
        return snapshotAppliedAt - t0;
    }

    void close()
    {
        client->close();
        sleepMs(200);
    }
};

// The longest gap between ticks of a 1 ms timer on the main thread: the main thread's longest
// stall (a frame is 16 ms). Two measures: wall time (what a user would see, including time the
// OS gave the core to the server, Redis or the load generator on this 2-core machine) and the
// main thread's CPU time between two ticks (the work that blocked the loop, our own cost).
struct StallProbe {
    QTimer timer;
    double last = 0, max = 0, lastCpu = 0, maxCpu = 0;
    void start()
    {
        timer.setTimerType(Qt::PreciseTimer);
        timer.setInterval(1);
        QObject::connect(&timer, &QTimer::timeout, [this] {
            const double n = nowMs(), c = threadCpuMs();
            max = std::max(max, n - last);
            maxCpu = std::max(maxCpu, c - lastCpu);
            last = n;
            lastCpu = c;
        });
        last = nowMs();
        lastCpu = threadCpuMs();
        max = maxCpu = 0;
        timer.start();
    }
    double stop()
    {
        timer.stop();
        maxCpu = std::max(maxCpu, threadCpuMs() - lastCpu);
        return std::max(max, nowMs() - last);
    }
};

// Big room: from Session::join until both models hold the whole room (roomSize connections,
// roomUsers people), watched through the models' own count signals so that it does not depend on
// how the client delivers the snapshot. bigroom times the join and the process's CPU time (all
// threads) with nothing else running; bigstall runs the same join with the stall probe and
// reports the main thread's longest stall. They are separate runs because the probe's 1,000
// wakeups a second compete with the server and Redis for the 2 cores and so slow the join it
// watches (by about 40 ms at 20,000 members, for both clients). A client error (e.g.
// ETOOLARGE: the snapshot is over the client's frame limit and the connection is dropped) ends
// the scenario at once.
QJsonObject bigroom(bool withProbe)
{
    QList<double> runs, stalls, stallsCpu, cpu;
    int members = 0, users = 0;
    for (int r = 0; r < args.runs; ++r) {
        Peer p(QStringLiteral("hwbig"), args.room);
        p.open();
        double done = -1;
        StallProbe probe;
        if (withProbe)
            probe.start();
        const double c0 = cpuMs();
        const double t0 = nowMs();
        p.room = p.session->join(args.room);
        auto check = [&] {
            if (done < 0 && p.room->members()->count() >= args.roomSize && p.room->users()->count() >= args.roomUsers)
                done = nowMs();
        };
        QObject::connect(p.room->members(), &MemberModel::countChanged, p.room, check);
        QObject::connect(p.room->users(), &UserModel::countChanged, p.room, check);
        check();
        waitFor([&] {
            if (!p.error.isEmpty())
                throw Failure(QStringLiteral("join %1: %2").arg(args.room, p.error).toStdString());
            return done >= 0;
        }, args.timeoutMs, QStringLiteral("join %1").arg(args.room));
        runs << done - t0;
        cpu << cpuMs() - c0;
        if (withProbe) {
            stalls << probe.stop();
            stallsCpu << probe.maxCpu;
        }
        members = p.room->members()->count();
        users = p.room->users()->count();
        p.close();
        sleepMs(300);
    }
    if (withProbe)
        return {{QStringLiteral("bigroom_stall_ms"), stat(stalls)},
                {QStringLiteral("bigroom_stall_cpu_ms"), stat(stallsCpu)},
                {QStringLiteral("bigroom_probed_ms"), stat(runs)}};
    return {{QStringLiteral("bigroom_ms"), stat(runs)},
            {QStringLiteral("bigroom_cpu_ms"), stat(cpu)},
            {QStringLiteral("bigroom_size"), QJsonObject{{QStringLiteral("members"), members}, {QStringLiteral("users"), users}}}};
}

QJsonObject storm()
{
    Peer p(QStringLiteral("hwstorm"), args.room);
    p.open();
    p.join();
    sleepMs(500);
    MemberModel *mm = p.room->members();
    QList<double> runs, stalls, stallsCpu, cpu, loadgen;
    for (int r = 0; r < args.runs; ++r) {
        const QString run = QStringLiteral("hw-%1-%2").arg(QCoreApplication::applicationPid()).arg(r);
        QSet<QString> seen;
        double done = -1;
        // Done when the member model holds the last state (seq == times of this run) of everyone.
        auto conn = QObject::connect(mm, &QAbstractItemModel::dataChanged, mm,
                                     [&](const QModelIndex &tl, const QModelIndex &br, const QList<int> &roles) {
            if (!roles.isEmpty() && !roles.contains(MemberModel::StateRole))
                return;
            for (int row = tl.row(); row <= br.row(); ++row) {
                const QJsonObject s = mm->at(row).state.toObject();
                if (s.value(QStringLiteral("run")).toString() == run
                    && s.value(QStringLiteral("seq")).toInt() == args.stormTimes) {
                    seen.insert(mm->at(row).connectionId);
                    if (seen.size() == args.stormMembers && done < 0)
                        done = nowMs();
                }
            }
        });
        StallProbe probe;
        probe.start();
        const double c0 = cpuMs();
        const double t0 = nowMs();
        QNetworkReply *ack = postControl({{QStringLiteral("op"), QStringLiteral("storm")},
                                          {QStringLiteral("room"), args.room},
                                          {QStringLiteral("members"), args.stormMembers},
                                          {QStringLiteral("times"), args.stormTimes},
                                          {QStringLiteral("run"), run}});
        waitFor([&] { return done >= 0; }, args.timeoutMs,
                QStringLiteral("storm %1 (%2/%3)").arg(run).arg(seen.size()).arg(args.stormMembers));
        const double c1 = cpuMs();
        stalls << probe.stop();
        stallsCpu << probe.maxCpu;
        QObject::disconnect(conn);
        const QJsonObject a = finishControl(ack);
        if (a.value(QStringLiteral("failed")).toInt() > 0)
            throw Failure("storm: some publishes failed");
        runs << done - t0;
        cpu << c1 - c0;
        loadgen << a.value(QStringLiteral("ms")).toDouble();
        // The people model follows: every storm member's person carries this run's state.
        int people = 0;
        for (int row = 0; row < p.room->users()->rowCount(); ++row)
            if (p.room->users()->data(p.room->users()->index(row), UserModel::StateRole).toMap()
                    .value(QStringLiteral("run")).toString() == run)
                ++people;
        if (people == 0)
            throw Failure("storm: the user model did not follow");
        sleepMs(500);
    }
    p.close();
    return {{QStringLiteral("storm_ms"), stat(runs)},
            {QStringLiteral("storm_stall_ms"), stat(stalls)},
            {QStringLiteral("storm_stall_cpu_ms"), stat(stallsCpu)},
            {QStringLiteral("storm_cpu_ms"), stat(cpu)},
            {QStringLiteral("storm_loadgen_ms"), stat(loadgen)}};
}

QJsonObject roundtrip()
{
    const QString roomName = QStringLiteral("bench-rt-%1").arg(QCoreApplication::applicationPid());
    Peer p(QStringLiteral("hwrt"), roomName);
    p.open();
    p.join();
    int want = -1;
    double got = -1;
    p.afterEvent = [&](const PresenceEvent &e) {
        if (e.type == PresenceEvent::Type::State && e.connectionId == p.connectionId
            && e.state.toObject().value(QStringLiteral("seq")).toInt() == want)
            got = nowMs();
    };
    QList<double> p50s, p99s, cpus;
    int seq = 0;
    auto trip = [&] {
        want = ++seq;
        got = -1;
        const double t0 = nowMs();
        p.client->publishPresenceState(roomName, QJsonObject{{QStringLiteral("status"), QStringLiteral("online")},
                                                             {QStringLiteral("seq"), want}});
        waitFor([&] { return got >= 0; }, 10000, QStringLiteral("own state event"));
        return got - t0;
    };
    for (int i = 0; i < 100; ++i) // warm-up, not counted
        trip();
    for (int r = 0; r < args.runs; ++r) {
        QList<double> trips;
        trips.reserve(args.trips);
        const double c0 = cpuMs();
        for (int i = 0; i < args.trips; ++i)
            trips << trip();
        cpus << (cpuMs() - c0) * 1000.0 / args.trips;
        p50s << percentile(trips, 50);
        p99s << percentile(trips, 99);
    }
    p.close();
    return {{QStringLiteral("roundtrip_p50_ms"), stat(p50s)}, {QStringLiteral("roundtrip_p99_ms"), stat(p99s)},
            {QStringLiteral("roundtrip_cpu_us"), stat(cpus)}};
}

// Typing: (1) one minute of continuous typing at typingRate keys/s through TypingPublisher on a
// simulated clock, counting the state messages it sends; (2) for real, the time from the first
// keystroke until a peer's Room shows the typist typing.
QJsonObject typing()
{
    int inMinute = 0, total = 0;
    {
        TypingPublisher pub;
        qint64 fake = 1000000;
        pub.setClock([&fake] { return fake; });
        const qint64 start = fake;
        QObject::connect(&pub, &TypingPublisher::published, [&](const QJsonObject &, int) {
            ++total;
            if (fake - start < 60000)
                ++inMinute;
        });
        QString text;
        const int step = 1000 / std::max(1, args.typingRate);
        for (qint64 t = 0; t < 60000; t += step) {
            fake = start + t;
            pub.processTimers();
            text += QLatin1Char('a' + char(t / step % 26));
            pub.setText(text);
        }
        // typing stops: the idle timer restores the base status
        for (int i = 0; i < 10; ++i) {
            fake += 500;
            pub.processTimers();
        }
    }

    const QString roomName = QStringLiteral("bench-typing-%1").arg(QCoreApplication::applicationPid());
    Peer typist(QStringLiteral("hwtypist"), roomName);
    Peer peer(QStringLiteral("hwpeer"), roomName);
    typist.open();
    peer.open();
    typist.join();
    peer.join();
    sleepMs(200);
    // Typing is a flag on top of the status (usermodel.h, rule a), never the status itself.
    bool wantTyping = false;
    double got = -1;
    peer.afterEvent = [&](const PresenceEvent &e) {
        if (e.type != PresenceEvent::Type::State || e.connectionId != typist.connectionId)
            return;
        const MemberModel::Member *m = peer.room->members()->find(typist.connectionId);
        if (m && m->typing == wantTyping)
            got = nowMs();
    };
    QList<double> lat;
    for (int i = 0; i < args.typingTrials; ++i) {
        wantTyping = true;
        got = -1;
        const double t0 = nowMs();
        typist.room->setComposerText(QStringLiteral("hello %1").arg(i)); // the first keystroke
        waitFor([&] { return got >= 0; }, 10000, QStringLiteral("peer sees typing"));
        lat << got - t0;
        wantTyping = false;
        got = -1;
        typist.room->setComposerText(QString()); // emptied: stop at once
        waitFor([&] { return got >= 0; }, 10000, QStringLiteral("peer sees the stop"));
        sleepMs(20);
    }
    typist.close();
    peer.close();
    return {{QStringLiteral("typing_messages_per_min"), stat({double(inMinute)})},
            {QStringLiteral("typing_messages_incl_stop"), stat({double(total)})},
            {QStringLiteral("typing_latency_p50_ms"), QJsonObject{{QStringLiteral("median"), percentile(lat, 50)},
                                                                 {QStringLiteral("runs"), stat(lat).value(QStringLiteral("runs"))}}}};
}

// Resident memory of this process (library only, no UI) holding the big room.
QJsonObject memory()
{
    Peer p(QStringLiteral("hwmem"), args.room);
    p.open();
    p.join();
    sleepMs(1000);
    const double rss = rssMb();
    const int members = p.room->members()->count();
    p.close();
    return {{QStringLiteral("memory_lib_mb"), stat({rss})}, {QStringLiteral("memory_members"), members}};
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    g_clock.start();
    QTimer wake; // wakes waitFor()'s loop now and then to check its deadline
    wake.start(100);
    QCommandLineParser parser;
    parser.addHelpOption();
    auto opt = [&](const char *name, const char *help) {
        QCommandLineOption o(QString::fromLatin1(name), QString::fromLatin1(help), QStringLiteral("value"));
        parser.addOption(o);
        return o;
    };
    const auto oUrl = opt("url", "server ws:// URL"), oCtl = opt("control", "loadgen control URL"),
               oSc = opt("scenario", "bigroom,bigstall,storm,roundtrip,typing,memory"), oRuns = opt("runs", "runs per scenario"),
               oRoom = opt("room", "big room name"), oSize = opt("room-size", "connections in the big room"),
               oUsers = opt("room-users", "people in the big room"), oMax = opt("max-frame-bytes", "client frame limit"),
               oSm = opt("storm-members", "members that publish"), oSt = opt("storm-times", "states per member"),
               oTrips = opt("trips", "round trips per run"), oTt = opt("typing-trials", "typing latency trials"),
               oTr = opt("typing-rate", "keystrokes per second"), oTo = opt("timeout", "per-wait timeout, ms");
    parser.process(app);
    args.url = QUrl(parser.value(oUrl));
    args.control = QUrl(parser.value(oCtl));
    args.scenarios = parser.value(oSc).split(QLatin1Char(','), Qt::SkipEmptyParts);
    auto num = [&](const QCommandLineOption &o, int &v) { if (parser.isSet(o)) v = parser.value(o).toInt(); };
    num(oRuns, args.runs);
    num(oSize, args.roomSize);
    num(oUsers, args.roomUsers);
    if (parser.isSet(oMax))
        args.maxFrameBytes = parser.value(oMax).toLongLong();
    num(oSm, args.stormMembers);
    num(oSt, args.stormTimes);
    num(oTrips, args.trips);
    num(oTt, args.typingTrials);
    num(oTr, args.typingRate);
    num(oTo, args.timeoutMs);
    if (parser.isSet(oRoom))
        args.room = parser.value(oRoom);
    if (!args.url.isValid() || args.scenarios.isEmpty()) {
        fprintf(stderr, "hallway-bench: --url and --scenario are required\n");
        return 2;
    }

    QJsonObject out{{QStringLiteral("client"), QStringLiteral("hallway")},
                    {QStringLiteral("scenario"), args.scenarios.join(QLatin1Char(','))}};
    if (args.scenarios.contains(QLatin1String("bigroom")) || args.scenarios.contains(QLatin1String("bigstall"))
        || args.scenarios.contains(QLatin1String("memory")))
        out.insert(QStringLiteral("room_size"), args.roomSize); // these results are per room size
    if (args.maxFrameBytes > 0)
        out.insert(QStringLiteral("max_frame_bytes"), args.maxFrameBytes);
    QJsonObject results;
    int rc = 0;
    try {
        for (const QString &s : std::as_const(args.scenarios)) {
            QJsonObject r;
            if (s == QLatin1String("bigroom"))
                r = bigroom(false);
            else if (s == QLatin1String("bigstall"))
                r = bigroom(true);
            else if (s == QLatin1String("storm"))
                r = storm();
            else if (s == QLatin1String("roundtrip"))
                r = roundtrip();
            else if (s == QLatin1String("typing"))
                r = typing();
            else if (s == QLatin1String("memory"))
                r = memory();
            else
                throw Failure(QString(QStringLiteral("unknown scenario ") + s).toStdString());
            for (auto it = r.begin(); it != r.end(); ++it)
                results.insert(it.key(), it.value());
        }
    } catch (const std::exception &e) {
        out.insert(QStringLiteral("error"), QString::fromUtf8(e.what()));
        rc = 1;
    }
    out.insert(QStringLiteral("results"), results);
    fputs(QJsonDocument(out).toJson(QJsonDocument::Compact).constData(), stdout);
    fputc('\n', stdout);
    fflush(stdout);
    return rc;
}
