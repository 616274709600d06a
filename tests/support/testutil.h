#pragma once
// Small helpers shared by tests.
#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>
#include <functional>

namespace TestUtil {

// Spins the event loop until pred() is true or timeoutMs passes; returns pred().
inline bool waitUntil(const std::function<bool()> &pred, int timeoutMs = 5000)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!pred()) {
        if (deadline.hasExpired())
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        QTest::qSleep(2);
    }
    return true;
}

// Reads a process's stdout as JSON lines (hallway-cli's contract): each complete line goes to
// onLine(raw bytes, parsed object); a partial line waits in *buffer for the rest.
inline void readJsonLines(QProcess *process, QByteArray *buffer,
                          std::function<void(const QByteArray &, const QJsonObject &)> onLine)
{
    QObject::connect(process, &QProcess::readyReadStandardOutput, process, [process, buffer, onLine] {
        *buffer += process->readAllStandardOutput();
        qsizetype nl;
        while ((nl = buffer->indexOf('\n')) >= 0) {
            const QByteArray line = buffer->left(nl);
            buffer->remove(0, nl + 1);
            onLine(line, QJsonDocument::fromJson(line).object());
        }
    });
}

} // namespace TestUtil
