#pragma once
// BenchProbe: measurement hooks for tests/bench/app-bench.mjs, only with the hidden
// --bench-probe option. It measures the app from inside what cannot be seen from outside: the
// GUI thread's stalls in wall and CPU time, frames while idle, how long a people-filter keystroke
// takes to reach the screen, and frame pacing while the people list scrolls. Commands come one
// per line on stdin; answers are one JSON object per line on stdout. Times are CLOCK_MONOTONIC
// milliseconds (Node's process.hrtime clock), CPU times the GUI thread's own.
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <functional>

class QQuickWindow;
class QSocketNotifier;

namespace Hallway {

class BenchProbe : public QObject
{
    Q_OBJECT
public:
    explicit BenchProbe(QQuickWindow *window);

private Q_SLOTS:
    void checkWatch();

private:
    // Longest gap between ticks of a 1 ms timer on this thread: wall and this thread's CPU.
    struct Stall {
        QTimer timer;
        double last = 0, lastCpu = 0, maxWall = 0, maxCpu = 0, maxCpuAt = 0; // when the CPU-longest ended
    };

    void readCommands();
    void run(const QString &line);
    void reply(const QJsonObject &o);
    void onFrame();
    void startStall();
    QJsonObject stopStall();
    QObject *find(const char *objectName) const;
    void filter(const QString &text);
    void scroll(int ms, double px);

    QQuickWindow *m_window;
    QSocketNotifier *m_stdin;
    QByteArray m_buffer;
    // Frames swapped since `since`, and the longest gap between two of them.
    struct Frames {
        int count = 0;
        double since = 0, last = 0, maxGap = 0;
        void restart(double now) { count = 0; since = last = now; maxGap = 0; }
    };

    Stall m_stall;
    Frames m_frames;
    bool m_firstFrame = true;
    std::function<void()> m_nextFrame; // one-shot, runs at the next swapped frame
    QPointer<QObject> m_watched;
    int m_watchFor = -1;
    QTimer m_watchPoll; // until the people list exists
    QTimer m_scrollTick;
};

} // namespace Hallway
