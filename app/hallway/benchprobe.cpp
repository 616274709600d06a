#include "benchprobe.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QMetaMethod>
#include <QQuickWindow>
#include <QSocketNotifier>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <memory>
#include <utility>
#include <unistd.h>

// Commands (stdin) and answers (stdout):
//   (unasked, at the first frame)  {"event":"frame","t"}; the stall probe starts then, so the
//                                  window's start-up is left out and the room's load is in
//   watch N        {"event":"people","count","t"} once the people list holds >= N rows
//   stall start    (re)start the stall probe
//   stall stop     {"stall_wall_ms","stall_cpu_ms","stall_cpu_at"} (when the CPU-longest ended)
//   frames start   count swapped frames from now       frames stop {"frames","ms","max_frame_gap_ms"}
//   filter TEXT    type TEXT into the people filter: {"filter","count","set_ms","frame_ms"},
//                  set_ms = the synchronous part, frame_ms = until the next frame is on screen
//   scroll MS PX   scroll the people list PX pixels per 16 ms tick (down, then back up) for MS:
//                  {"scroll_frames","ms","max_frame_gap_ms","stall_wall_ms","stall_cpu_ms"}
namespace Hallway {

namespace {

double monoMs()
{
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

double threadCpuMs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

} // namespace

BenchProbe::BenchProbe(QQuickWindow *window)
    : QObject(window)
    , m_window(window)
    , m_stdin(new QSocketNotifier(STDIN_FILENO, QSocketNotifier::Read, this))
{
    connect(m_stdin, &QSocketNotifier::activated, this, &BenchProbe::readCommands);
    // frameSwapped comes from the render thread with the threaded render loop: queued here.
    connect(window, &QQuickWindow::frameSwapped, this, &BenchProbe::onFrame);
    m_stall.timer.setTimerType(Qt::PreciseTimer);
    m_stall.timer.setInterval(1);
    connect(&m_stall.timer, &QTimer::timeout, this, [this] {
        const double n = monoMs(), c = threadCpuMs();
        m_stall.maxWall = std::max(m_stall.maxWall, n - m_stall.last);
        if (c - m_stall.lastCpu > m_stall.maxCpu) {
            m_stall.maxCpu = c - m_stall.lastCpu;
            m_stall.maxCpuAt = n;
        }
        m_stall.last = n;
        m_stall.lastCpu = c;
    });
    m_watchPoll.setInterval(20);
    connect(&m_watchPoll, &QTimer::timeout, this, &BenchProbe::checkWatch);
    m_scrollTick.setTimerType(Qt::PreciseTimer);
    m_scrollTick.setInterval(16);
}

void BenchProbe::readCommands()
{
    char buf[4096];
    const ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
    if (n <= 0) {
        m_stdin->setEnabled(false); // end of input
        return;
    }
    m_buffer.append(buf, n);
    qsizetype nl;
    while ((nl = m_buffer.indexOf('\n')) >= 0) {
        const QString line = QString::fromUtf8(m_buffer.left(nl)).trimmed();
        m_buffer.remove(0, nl + 1);
        if (!line.isEmpty())
            run(line);
    }
}

void BenchProbe::reply(const QJsonObject &o)
{
    const QByteArray json = QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n';
    fwrite(json.constData(), 1, size_t(json.size()), stdout);
    fflush(stdout);
}

void BenchProbe::onFrame()
{
    const double t = monoMs();
    if (std::exchange(m_firstFrame, false)) {
        reply({{QStringLiteral("event"), QStringLiteral("frame")}, {QStringLiteral("t"), t}});
        startStall();
        m_frames.restart(t);
    }
    ++m_frames.count;
    m_frames.maxGap = std::max(m_frames.maxGap, t - m_frames.last);
    m_frames.last = t;
    if (m_nextFrame)
        std::exchange(m_nextFrame, nullptr)();
}

void BenchProbe::startStall()
{
    m_stall.last = monoMs();
    m_stall.lastCpu = threadCpuMs();
    m_stall.maxWall = m_stall.maxCpu = m_stall.maxCpuAt = 0;
    m_stall.timer.start();
}

QJsonObject BenchProbe::stopStall()
{
    m_stall.timer.stop();
    return {{QStringLiteral("stall_wall_ms"), std::max(m_stall.maxWall, monoMs() - m_stall.last)},
            {QStringLiteral("stall_cpu_ms"), std::max(m_stall.maxCpu, threadCpuMs() - m_stall.lastCpu)},
            {QStringLiteral("stall_cpu_at"), m_stall.maxCpuAt}};
}

QObject *BenchProbe::find(const char *objectName) const
{
    return m_window->findChild<QObject *>(QLatin1String(objectName));
}

void BenchProbe::checkWatch()
{
    if (m_watchFor < 0)
        return;
    if (!m_watched) {
        m_watched = find("peopleList");
        if (!m_watched)
            return;
        m_watchPoll.stop();
        const QMetaProperty count = m_watched->metaObject()->property(m_watched->metaObject()->indexOfProperty("count"));
        connect(m_watched, count.notifySignal(), this, metaObject()->method(metaObject()->indexOfSlot("checkWatch()")));
    }
    const int count = m_watched->property("count").toInt();
    if (count >= m_watchFor) {
        m_watchFor = -1;
        reply({{QStringLiteral("event"), QStringLiteral("people")}, {QStringLiteral("count"), count},
               {QStringLiteral("t"), monoMs()}});
    }
}

void BenchProbe::filter(const QString &text)
{
    QObject *field = find("peopleFilter");
    QObject *list = find("peopleList");
    if (!field || !list) {
        reply({{QStringLiteral("error"), QStringLiteral("no people filter or list")}});
        return;
    }
    const double t0 = monoMs();
    field->setProperty("text", text); // as a keystroke would: the binding refilters at once
    const double set = monoMs() - t0;
    m_nextFrame = [this, t0, set, text, list] {
        reply({{QStringLiteral("filter"), text}, {QStringLiteral("count"), list->property("count").toInt()},
               {QStringLiteral("set_ms"), set}, {QStringLiteral("frame_ms"), monoMs() - t0}});
    };
    m_window->update();
}

void BenchProbe::scroll(int ms, double px)
{
    QObject *list = find("peopleList");
    if (!list) {
        reply({{QStringLiteral("error"), QStringLiteral("no people list")}});
        return;
    }
    list->setProperty("contentY", list->property("originY"));
    const double t0 = monoMs();
    m_frames.restart(t0);
    startStall();
    auto direction = std::make_shared<double>(px);
    m_scrollTick.disconnect(this);
    connect(&m_scrollTick, &QTimer::timeout, this, [this, list, t0, ms, direction] {
        if (monoMs() - t0 >= ms) {
            m_scrollTick.stop();
            QJsonObject o = stopStall();
            o.insert(QStringLiteral("scroll_frames"), m_frames.count);
            o.insert(QStringLiteral("ms"), monoMs() - t0);
            o.insert(QStringLiteral("max_frame_gap_ms"), m_frames.maxGap);
            reply(o);
            return;
        }
        const double top = list->property("originY").toDouble();
        const double bottom = top + list->property("contentHeight").toDouble() - list->property("height").toDouble();
        double y = list->property("contentY").toDouble() + *direction;
        if (y >= bottom || y <= top) {
            y = std::clamp(y, top, bottom);
            *direction = -*direction;
        }
        list->setProperty("contentY", y);
    });
    m_scrollTick.start();
}

void BenchProbe::run(const QString &line)
{
    const QString cmd = line.section(QLatin1Char(' '), 0, 0);
    const QString arg = line.section(QLatin1Char(' '), 1);
    if (cmd == QLatin1String("watch")) {
        m_watchFor = arg.toInt();
        m_watchPoll.start();
        checkWatch();
    } else if (line == QLatin1String("stall start")) {
        startStall();
    } else if (line == QLatin1String("stall stop")) {
        reply(stopStall());
    } else if (line == QLatin1String("frames start")) {
        m_frames.restart(monoMs());
    } else if (line == QLatin1String("frames stop")) {
        const double t = monoMs();
        reply({{QStringLiteral("frames"), m_frames.count}, {QStringLiteral("ms"), t - m_frames.since},
               {QStringLiteral("max_frame_gap_ms"), std::max(m_frames.maxGap, t - m_frames.last)}});
    } else if (cmd == QLatin1String("filter")) {
        filter(arg);
    } else if (cmd == QLatin1String("scroll")) {
        scroll(arg.section(QLatin1Char(' '), 0, 0).toInt(), arg.section(QLatin1Char(' '), 1, 1).toDouble());
    } else {
        reply({{QStringLiteral("error"), QStringLiteral("unknown command: %1").arg(line)}});
    }
}

} // namespace Hallway
