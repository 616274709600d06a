#pragma once
// Connection: one logical link to a @prsm/realtime server over QWebSocket, across reconnects.
// It waits for rt/assign-id before sending, correlates replies by id, turns error payloads into
// RtError, times commands out, answers the JSON heartbeat, watches for missing server pings,
// and reconnects with jittered backoff over a failover list of URLs. Commands issued while not
// ready wait in a queue that the owner releases with markReady() (after its resync). It knows
// nothing of rooms, models or QML; ClientCore owns one, on the client's worker thread.
#include "backoff.h"
#include "connectionoptions.h"
#include "connectionstatus.h"
#include "frame.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QUrl>
#include <functional>

QT_BEGIN_NAMESPACE
class QWebSocket;
QT_END_NAMESPACE

namespace Hallway {

class Connection : public QObject
{
    Q_OBJECT
public:
    using Status = ConnectionStatus::Status;

    enum RequestFlag {
        NoFlags = 0,
        Priority = 0x1,   // goes out as soon as the session has an id, ahead of the ready gate
        Resendable = 0x2, // if the link drops before the reply, send it again on the next session
        SuccessOnly = 0x4, // only {"success": true|false} of the reply is read: a big reply that
                           // starts as the server writes a success is not parsed (rt/join-room's
                           // member list, when the subscribe reply brings it anyway)
    };
    Q_DECLARE_FLAGS(RequestFlags, RequestFlag)

    using ResultFn = std::function<void(const QJsonValue &result, const RtError &error)>;

    explicit Connection(const ConnectionOptions &options = {}, QObject *parent = nullptr);
    ~Connection() override;

    ConnectionOptions options() const { return m_options; }
    void setOptions(const ConnectionOptions &options);
    QList<QUrl> urls() const { return m_urls; }
    void setUrls(const QList<QUrl> &urls);
    QUrl currentUrl() const;
    // When true (the default) the queue is released right after rt/assign-id.
    void setAutoReady(bool autoReady) { m_autoReady = autoReady; }
    void setRandomSource(BackoffPolicy::RandomSource random);

    Status status() const { return m_status; }
    QString connectionId() const { return m_connectionId; }
    int latency() const { return m_latency; }
    int nextRetryIn() const { return m_nextRetryIn; }
    QString errorCode() const { return m_errorCode; }
    QString errorString() const { return m_errorString; }
    bool isReady() const { return m_ready; }
    int pendingCount() const { return int(m_pending.size()); }

    void open();
    void close();
    void retryNow();
    void markReady();   // release the queued commands (the session must have an id)
    // Drops the current socket and reconnects (the watchdog's remedy; also for tests).
    void dropConnection(const QString &reason);

    // Handles one incoming frame as if the current socket had received it (size cap, parse,
    // dispatch). For tests and the fuzzer (tests/fuzz); the socket path uses the same code.
    void processIncoming(const QByteArray &utf8);
    // Tests and the fuzzer: while no socket is open, outgoing frames go to sink instead, as if
    // sent, so their replies (fed through processIncoming) reach the real reply path.
    using FrameSink = std::function<void(const QByteArray &utf8)>;
    void setFrameSink(FrameSink sink) { m_frameSink = std::move(sink); }

    // The server copies every presence event to this channel (docs/protocol.md §6.1, §12.1); the
    // one spelling for everything that recognises the copy.
    static constexpr char presenceChannelPrefix[] = "rt:presence:updates:";

    // Sends (or queues) a command; done runs exactly once. Returns the request id.
    qint64 request(const QString &command, const QJsonValue &payload, ResultFn done,
                   RequestFlags flags = NoFlags, int timeoutMs = -1);

Q_SIGNALS:
    void statusChanged();
    void connectionIdChanged();
    void latencyChanged();
    void nextRetryInChanged();
    void errorChanged();
    void connected(const QString &connectionId);  // after every rt/assign-id
    void disconnected();                          // a session that had an id has ended
    void pushReceived(const QString &command, const QJsonValue &payload);
    void errorOccurred(const QString &code, const QString &message);

private:
    struct Pending {
        qint64 id = 0;
        QString command;
        QByteArray encoded;
        ResultFn done;
        RequestFlags flags;
        QDeadlineTimer deadline;
        bool sent = false;
    };

    void startAttempt();
    void onSocketConnected();
    void onData(QWebSocket *socket, const QByteArray &utf8);
    void drainInbox();
    void handleData(const QByteArray &utf8);
    bool finishSuccessOnly(const QByteArray &utf8);
    void onSocketError(QWebSocket *socket);
    void onSocketGone(QWebSocket *socket);
    void handleFrame(const Frame &frame);
    void handleAssignId(const QJsonValue &payload);
    void sendPush(const QString &command);
    bool sendText(const QByteArray &utf8);
    void send(Pending &pending);
    void flush(bool priorityOnly);
    void finish(qint64 id, const QJsonValue &result, const RtError &error);
    void sweepTimeouts();
    void armTimeoutTimer();
    void watchdogTick();
    void scheduleRetry();
    void updateCountdown();
    void failAll(const RtError &error);
    void setStatus(Status status);
    void setError(const QString &code, const QString &message);
    void clearError();
    void setNextRetryIn(int seconds);

    ConnectionOptions m_options;
    QList<QUrl> m_urls;
    int m_urlIndex = 0;
    BackoffPolicy m_backoff;
    bool m_autoReady = true;

    QPointer<QWebSocket> m_socket;
    FrameSink m_frameSink;          // tests: stands in for the socket while there is none
    QList<QByteArray> m_inbox;      // frames received, not yet handled (see incomingSliceMs)
    qsizetype m_inboxHead = 0;
    bool m_drainScheduled = false;
    bool m_sliceActive = false;     // a frame was handled in this event-loop turn
    QElapsedTimer m_slice;          // time spent on frames in this turn
    bool m_wanted = false;          // open() called and no close()/fatal error since
    bool m_everOnline = false;
    Status m_status = Status::Offline;
    QString m_connectionId;
    bool m_ready = false;
    int m_latency = 0;
    int m_nextRetryIn = 0;
    QString m_errorCode;
    QString m_errorString;
    RtError m_attemptError;         // why the current socket is going away, when we know
    bool m_attemptFatal = false;
    RtError m_fatalError;           // set when a fatal error stopped us; cleared by open()/retryNow()

    qint64 m_nextId = 1;
    QHash<qint64, Pending> m_pending; // queued and in flight, by id
    QList<qint64> m_order;            // ids in issue order, for the queue

    // Children of this (not only members), so moveToThread() takes them along to the worker.
    QTimer m_timeoutTimer{this};
    QTimer m_watchdog{this};
    int m_missedPings = 0;
    QTimer m_retryTimer{this};
    QTimer m_countdownTimer{this};
    QDeadlineTimer m_retryDeadline;
    QTimer m_connectTimer{this};
    QTimer m_stableTimer{this};     // resets the backoff once a session has lasted stableAfterMs
};

} // namespace Hallway

Q_DECLARE_OPERATORS_FOR_FLAGS(Hallway::Connection::RequestFlags)
