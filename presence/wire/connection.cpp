#include "connection.h"
#include "errorcodes.h"

#include "handshakeerror.h"
#include "logging.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QNetworkRequest>
#include <QWebSocket>
#include <algorithm>
#include <cmath>

#ifndef QT_NO_SSL
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslError>
#endif

namespace Hallway {

namespace {
constexpr int kCountdownTickMs = 1000;
} // namespace

Connection::Connection(const ConnectionOptions &options, QObject *parent)
    : QObject(parent)
    , m_options(options)
    , m_backoff(options.reconnectFirstMinMs, options.reconnectFirstMaxMs, options.reconnectMaxMs)
{
    m_timeoutTimer.setSingleShot(true);
    connect(&m_timeoutTimer, &QTimer::timeout, this, &Connection::sweepTimeouts);
    connect(&m_watchdog, &QTimer::timeout, this, &Connection::watchdogTick);
    m_retryTimer.setSingleShot(true);
    connect(&m_retryTimer, &QTimer::timeout, this, &Connection::startAttempt);
    m_countdownTimer.setInterval(kCountdownTickMs);
    connect(&m_countdownTimer, &QTimer::timeout, this, &Connection::updateCountdown);
    m_stableTimer.setSingleShot(true);
    connect(&m_stableTimer, &QTimer::timeout, this, [this] { m_backoff.reset(); });
    m_connectTimer.setSingleShot(true);
    connect(&m_connectTimer, &QTimer::timeout, this, [this] {
        dropConnection(QStringLiteral("no rt/assign-id within %1 ms").arg(m_options.connectTimeoutMs));
    });
}

Connection::~Connection()
{
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
        delete m_socket;
    }
}

void Connection::setOptions(const ConnectionOptions &options)
{
    m_options = options;
    m_backoff = BackoffPolicy(options.reconnectFirstMinMs, options.reconnectFirstMaxMs, options.reconnectMaxMs);
}

void Connection::setRandomSource(BackoffPolicy::RandomSource random)
{
    m_backoff = BackoffPolicy(m_options.reconnectFirstMinMs, m_options.reconnectFirstMaxMs,
                              m_options.reconnectMaxMs, std::move(random));
}

void Connection::setUrls(const QList<QUrl> &urls)
{
    m_urls = urls;
    m_urlIndex = 0;
}

QUrl Connection::currentUrl() const
{
    return m_urls.isEmpty() ? QUrl() : m_urls.at(m_urlIndex % m_urls.size());
}

void Connection::open()
{
    if (m_wanted && (m_socket || m_retryTimer.isActive()))
        return;
    if (m_urls.isEmpty()) {
        setError(ErrorCode::NoUrl, tr("No server address is set."));
        return;
    }
    m_wanted = true;
    m_fatalError = {};
    m_backoff.reset();
    startAttempt();
}

void Connection::close()
{
    m_wanted = false;
    m_retryTimer.stop();
    m_countdownTimer.stop();
    m_connectTimer.stop();
    m_watchdog.stop();
    m_stableTimer.stop();
    setNextRetryIn(0);
    if (m_socket) {
        QWebSocket *socket = m_socket;
        socket->disconnect(this);
        m_socket = nullptr;
        socket->close();
        socket->deleteLater();
    }
    const bool hadId = !m_connectionId.isEmpty();
    m_connectionId.clear();
    m_ready = false;
    if (hadId) {
        Q_EMIT connectionIdChanged();
        Q_EMIT disconnected();
    }
    failAll({ErrorCode::Offline, tr("The connection was closed.")});
    setStatus(Status::Offline);
}

void Connection::retryNow()
{
    if (m_socket)
        return; // an attempt is already under way
    m_wanted = true;
    m_fatalError = {};
    m_retryTimer.stop();
    startAttempt();
}

void Connection::startAttempt()
{
    m_retryTimer.stop();
    m_countdownTimer.stop();
    setNextRetryIn(0);
    if (!m_wanted || m_urls.isEmpty())
        return;
    m_attemptError = {};
    m_attemptFatal = false;

    auto *socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    m_socket = socket;
    // Qt closes with 1009 (too much data) on its own above these limits.
    socket->setMaxAllowedIncomingMessageSize(quint64(m_options.maxFrameBytes));
    socket->setMaxAllowedIncomingFrameSize(quint64(m_options.maxFrameBytes));

    const QUrl url = currentUrl();
    QNetworkRequest request(url);
    if (!m_options.bearerToken.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + m_options.bearerToken.toUtf8());

#ifndef QT_NO_SSL
    if (url.scheme() == QLatin1String("wss")) {
        QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
        if (!m_options.caFile.isEmpty()) {
            const auto certificates = QSslCertificate::fromPath(m_options.caFile, QSsl::Pem);
            if (certificates.isEmpty())
                qCWarning(lcWire) << "no PEM certificate in" << m_options.caFile;
            ssl.addCaCertificates(certificates);
        }
        request.setSslConfiguration(ssl);
        socket->setSslConfiguration(ssl);
    }
    connect(socket, &QWebSocket::sslErrors, this, [this, socket](const QList<QSslError> &errors) {
        if (socket != m_socket)
            return;
        if (m_options.ignoreSslErrors) {
            qCWarning(lcWire) << "ignoring TLS errors as configured";
            socket->ignoreSslErrors();
            return;
        }
        QStringList texts;
        for (const QSslError &e : errors)
            texts << e.errorString();
        m_attemptFatal = true;
        m_attemptError = {ErrorCode::Ssl, tr("The server's certificate was rejected: %1").arg(texts.join(QStringLiteral("; ")))};
    });
#endif

    connect(socket, &QWebSocket::connected, this, [this, socket] {
        if (socket == m_socket)
            onSocketConnected();
    });
    connect(socket, &QWebSocket::textMessageReceived, this, [this, socket](const QString &text) {
        onData(socket, text.toUtf8());
    });
    connect(socket, &QWebSocket::binaryMessageReceived, this, [this, socket](const QByteArray &data) {
        // The server decodes binary frames as UTF-8 JSON too (docs/protocol.md §1).
        onData(socket, data);
    });
    connect(socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this,
            [this, socket](QAbstractSocket::SocketError) { onSocketError(socket); });
    connect(socket, &QWebSocket::disconnected, this, [this, socket] { onSocketGone(socket); });

    setStatus(m_everOnline || m_backoff.attempts() > 0 ? Status::Reconnecting : Status::Connecting);
    qCInfo(lcWire) << "connecting to" << redactUrl(url);
    m_connectTimer.start(m_options.connectTimeoutMs);
    socket->open(request);
}

void Connection::onSocketConnected()
{
    qCDebug(lcWire) << "socket open, waiting for rt/assign-id";
}

void Connection::onSocketError(QWebSocket *socket)
{
    if (socket != m_socket)
        return;
    const QString text = socket->errorString();
    if (isAuthHandshakeError(text)) {
        m_attemptFatal = true;
        m_attemptError = {ErrorCode::Auth, tr("The server refused our credentials (HTTP %1).").arg(handshakeHttpStatus(text))};
    } else if (m_attemptError.isNull()) {
        m_attemptError = {ErrorCode::Network, redactText(text)};
    }
    qCInfo(lcWire) << "socket error:" << redactText(text);
    // Qt may emit the error several times and may never emit disconnected (refused TCP):
    // end the attempt on the next turn, once, whichever signal came first.
    QMetaObject::invokeMethod(this, [this, socket] { onSocketGone(socket); }, Qt::QueuedConnection);
}

void Connection::dropConnection(const QString &reason)
{
    if (!m_socket)
        return;
    qCWarning(lcWire) << "dropping the connection:" << reason;
    if (m_attemptError.isNull())
        m_attemptError = {ErrorCode::Network, reason};
    QWebSocket *socket = m_socket;
    onSocketGone(socket);
}

void Connection::onSocketGone(QWebSocket *socket)
{
    if (!socket || socket != m_socket)
        return;
    // What arrived before the close still counts (replies, the last presence events).
    while (m_inboxHead < m_inbox.size() && socket == m_socket)
        handleData(std::exchange(m_inbox[m_inboxHead++], QByteArray()));
    if (socket != m_socket)
        return; // handling those frames already ended this socket
    m_inbox.clear();
    m_inboxHead = 0;
    if (m_attemptError.isNull() && socket->closeCode() == QWebSocketProtocol::CloseCodeTooMuchData) {
        m_attemptError = {ErrorCode::TooLarge, tr("The server sent a frame larger than %1 bytes.").arg(m_options.maxFrameBytes)};
    }
    socket->disconnect(this);
    m_socket = nullptr;
    socket->abort();
    socket->deleteLater();
    m_connectTimer.stop();
    m_watchdog.stop();
    m_stableTimer.stop();

    const bool hadId = !m_connectionId.isEmpty();
    m_connectionId.clear();
    m_ready = false;

    // Requests already on the wire will never be answered on a new socket.
    QList<qint64> lost;
    for (auto it = m_pending.begin(); it != m_pending.end(); ++it) {
        if (!it->sent)
            continue;
        if (it->flags.testFlag(Resendable))
            it->sent = false; // stays in m_order: goes out again, in issue order
        else
            lost << it->id;
    }
    std::sort(lost.begin(), lost.end());
    for (qint64 id : std::as_const(lost))
        finish(id, {}, {ErrorCode::ConnectionLost, tr("The connection was lost before the reply.")});

    if (hadId) {
        qCInfo(lcWire) << "session ended, close code" << int(socket->closeCode());
        Q_EMIT connectionIdChanged();
        Q_EMIT disconnected();
    }
    if (!m_attemptError.isNull() && m_attemptError.code != ErrorCode::Network)
        setError(m_attemptError.code, m_attemptError.message);

    if (m_attemptFatal) {
        qCWarning(lcWire) << "not retrying:" << m_attemptError.message;
        m_wanted = false;
        m_fatalError = m_attemptError;
        failAll(m_attemptError);
        setStatus(Status::Offline);
        return;
    }
    if (!m_wanted) {
        setStatus(Status::Offline);
        return;
    }
    scheduleRetry();
}

void Connection::scheduleRetry()
{
    if (!m_urls.isEmpty())
        m_urlIndex = (m_urlIndex + 1) % m_urls.size(); // failover: the next address each time
    const int delay = m_backoff.nextDelayMs();
    qCInfo(lcWire) << "reconnecting in" << delay << "ms to" << redactUrl(currentUrl());
    m_retryDeadline = QDeadlineTimer(delay);
    m_retryTimer.start(delay);
    m_countdownTimer.start();
    updateCountdown();
    setStatus(Status::Reconnecting);
}

void Connection::updateCountdown()
{
    if (!m_retryTimer.isActive()) {
        m_countdownTimer.stop();
        setNextRetryIn(0);
        return;
    }
    setNextRetryIn(int(std::ceil(double(m_retryDeadline.remainingTime()) / 1000.0)));
}

void Connection::processIncoming(const QByteArray &utf8)
{
    if (utf8.size() > m_options.maxFrameBytes)
        return onData(m_socket, utf8); // the size cap's path
    handleData(utf8);
}

// Frames are queued and handled in slices of at most incomingSliceMs per event-loop turn:
// QWebSocket hands over a whole TCP read at once, and an event storm in one turn would
// freeze the UI for its whole length.
void Connection::onData(QWebSocket *socket, const QByteArray &utf8)
{
    if (socket != m_socket)
        return;
    if (utf8.size() > m_options.maxFrameBytes) {
        m_attemptError = {ErrorCode::TooLarge, tr("The server sent a frame of %1 bytes (limit %2).")
                                          .arg(utf8.size()).arg(m_options.maxFrameBytes)};
        dropConnection(m_attemptError.message);
        return;
    }
    // Within this event-loop turn's budget a frame is handled at once (no extra hop for a lone
    // reply or event); past it, or once anything waits, frames queue in order.
    if (!m_sliceActive) {
        m_sliceActive = true;
        m_slice.start();
        QMetaObject::invokeMethod(this, [this] { m_sliceActive = false; }, Qt::QueuedConnection);
    }
    if (!m_drainScheduled && m_inboxHead >= m_inbox.size()
        && (m_options.incomingSliceMs <= 0 || m_slice.elapsed() < m_options.incomingSliceMs)) {
        handleData(utf8);
        return;
    }
    m_inbox.append(utf8);
    if (!m_drainScheduled) {
        m_drainScheduled = true;
        QMetaObject::invokeMethod(this, &Connection::drainInbox, Qt::QueuedConnection);
    }
}

void Connection::drainInbox()
{
    m_drainScheduled = false;
    QElapsedTimer slice;
    slice.start();
    while (m_inboxHead < m_inbox.size()) {
        const QByteArray frame = std::exchange(m_inbox[m_inboxHead++], QByteArray());
        handleData(frame);
        if (m_options.incomingSliceMs > 0 && slice.elapsed() >= m_options.incomingSliceMs
            && m_inboxHead < m_inbox.size()) {
            if (m_inboxHead > 4096) { // keep a long storm from growing the list without bound
                m_inbox.remove(0, m_inboxHead);
                m_inboxHead = 0;
            }
            m_drainScheduled = true;
            QMetaObject::invokeMethod(this, &Connection::drainInbox, Qt::QueuedConnection);
            return;
        }
    }
    m_inbox.clear();
    m_inboxHead = 0;
}

void Connection::handleData(const QByteArray &utf8)
{
    // Every presence event also comes as an rt/subscription-message copy on
    // presenceChannelPrefix + <room> (docs/protocol.md §6.1); drop it before paying for a parse.
    // Anything not matching this exact prefix still takes the full path below.
    static const QByteArray presenceCopy =
        QByteArrayLiteral("{\"command\":\"rt/subscription-message\",\"payload\":{\"channel\":\"")
        + presenceChannelPrefix;
    if (utf8.startsWith(presenceCopy))
        return;
    if (finishSuccessOnly(utf8))
        return;
    const Frame::ParseResult parsed = Frame::parse(utf8);
    if (!parsed.ok) {
        qCWarning(lcWire) << "ignoring a malformed frame:" << parsed.error;
        Q_EMIT errorOccurred(ErrorCode::BadFrame, tr("Ignored a malformed frame from the server: %1").arg(parsed.error));
        return;
    }
    handleFrame(parsed.frame);
}

// A reply to a SuccessOnly request that begins exactly as the server writes a success
// ({"id":N,"command":"<command>","payload":{"success":true,...) settles it without a parse.
// Anything else, including every malformed frame, takes the full path.
bool Connection::finishSuccessOnly(const QByteArray &utf8)
{
    static const QByteArray idPrefix = QByteArrayLiteral("{\"id\":");
    if (!utf8.startsWith(idPrefix))
        return false;
    qsizetype pos = idPrefix.size();
    qint64 id = 0;
    while (pos < utf8.size() && pos < 24 && utf8.at(pos) >= '0' && utf8.at(pos) <= '9')
        id = id * 10 + (utf8.at(pos++) - '0');
    const auto it = m_pending.constFind(id);
    if (it == m_pending.cend() || !it->sent || !it->flags.testFlag(SuccessOnly))
        return false;
    const QByteArray expected = idPrefix + QByteArray::number(id) + ",\"command\":\"" + it->command.toUtf8()
        + "\",\"payload\":{\"success\":true";
    if (!utf8.startsWith(expected) || !utf8.endsWith('}'))
        return false;
    finish(id, QJsonObject{{QStringLiteral("success"), true}}, {});
    return true;
}

void Connection::handleFrame(const Frame &frame)
{
    if (frame.hasId()) {
        // Replies are matched by id only, even before rt/assign-id (docs/protocol.md §2 rule 6).
        const qint64 id = frame.id.isDouble() ? qint64(frame.id.toDouble()) : 0;
        if (id > 0 && m_pending.contains(id) && m_pending.value(id).sent) {
            const RtError error = Frame::errorFromPayload(frame.payload);
            finish(id, error.isNull() ? frame.payload : QJsonValue(), error);
        } else {
            qCDebug(lcWire) << "reply for an unknown or expired request" << frame.id;
        }
        return;
    }
    const QString &command = frame.command;
    if (command == QLatin1String("rt/assign-id")) {
        handleAssignId(frame.payload);
    } else if (command == QLatin1String("ping")) {
        m_missedPings = 0;
        sendPush(QStringLiteral("pong"));
    } else if (command == QLatin1String("latency")) {
        const int latency = frame.payload.toInt(m_latency);
        if (latency != m_latency) {
            m_latency = latency;
            Q_EMIT latencyChanged();
        }
    } else if (command == QLatin1String("latency:request")) {
        sendPush(QStringLiteral("latency:response"));
    } else {
        Q_EMIT pushReceived(command, frame.payload);
    }
}

void Connection::handleAssignId(const QJsonValue &payload)
{
    const QString id = payload.toString();
    if (id.isEmpty()) {
        Q_EMIT errorOccurred(ErrorCode::BadFrame, tr("rt/assign-id without a connection id"));
        return;
    }
    m_connectTimer.stop();
    m_connectionId = id;
    m_everOnline = true;
    // The backoff resets only once this session has lasted: a server that greets and drops
    // at once must not be hammered.
    m_stableTimer.start(m_options.stableAfterMs);
    m_missedPings = 0;
    m_watchdog.start(m_options.pingTimeoutMs);
    clearError();
    qCInfo(lcWire) << "online as" << id;
    Q_EMIT connectionIdChanged();
    setStatus(Status::Online);
    flush(true);
    Q_EMIT connected(id);
    if (m_autoReady && !m_connectionId.isEmpty())
        markReady();
}

void Connection::markReady()
{
    if (m_connectionId.isEmpty())
        return;
    m_ready = true;
    flush(false);
}

void Connection::watchdogTick()
{
    ++m_missedPings;
    if (m_missedPings > m_options.maxMissedPings)
        dropConnection(tr("no ping from the server for %1 ms").arg(m_missedPings * m_options.pingTimeoutMs));
}

void Connection::sendPush(const QString &command)
{
    sendText(Frame::encodePush(command));
}

bool Connection::sendText(const QByteArray &utf8)
{
    if (m_socket) {
        m_socket->sendTextMessage(QString::fromUtf8(utf8));
        return true;
    }
    if (!m_frameSink)
        return false;
    m_frameSink(utf8);
    return true;
}

qint64 Connection::request(const QString &command, const QJsonValue &payload, ResultFn done,
                           RequestFlags flags, int timeoutMs)
{
    Pending pending;
    pending.id = m_nextId++;
    pending.command = command;
    pending.encoded = Frame::encodeRequest(pending.id, command, payload);
    pending.done = std::move(done);
    pending.flags = flags;
    pending.deadline = QDeadlineTimer(timeoutMs >= 0 ? timeoutMs : m_options.commandTimeoutMs);

    RtError refusal;
    if (pending.encoded.size() > m_options.maxOutgoingBytes) {
        refusal = {ErrorCode::TooLarge, tr("The command %1 is %2 bytes, above the limit of %3.")
                                   .arg(command).arg(pending.encoded.size()).arg(m_options.maxOutgoingBytes)};
    } else if (!m_fatalError.isNull()) {
        // Stopped for good (refused credentials, untrusted certificate): nothing will send
        // this until open() again, so say so now rather than after the command timeout.
        refusal = m_fatalError;
    }
    if (!refusal.isNull()) {
        const RtError error = refusal;
        ResultFn fn = std::move(pending.done);
        QMetaObject::invokeMethod(this, [fn, error] { if (fn) fn({}, error); }, Qt::QueuedConnection);
        return pending.id;
    }
    const qint64 id = pending.id;
    m_pending.insert(id, std::move(pending));
    m_order.append(id);
    const bool canSend = !m_connectionId.isEmpty() && (m_ready || flags.testFlag(Priority));
    if (canSend)
        send(m_pending[id]);
    armTimeoutTimer();
    return id;
}

void Connection::send(Pending &pending)
{
    if (!m_socket && !m_frameSink)
        return;
    pending.sent = true; // before the sink runs: a sink may answer at once
    qCDebug(lcWire) << "->" << pending.id << pending.command;
    sendText(pending.encoded);
}

void Connection::flush(bool priorityOnly)
{
    // Copy: a send never re-enters, but keep iteration independent of later changes.
    const QList<qint64> order = m_order;
    for (qint64 id : order) {
        auto it = m_pending.find(id);
        if (it == m_pending.end() || it->sent)
            continue;
        if (priorityOnly && !it->flags.testFlag(Priority))
            continue;
        send(*it);
    }
}

void Connection::finish(qint64 id, const QJsonValue &result, const RtError &error)
{
    auto it = m_pending.find(id);
    if (it == m_pending.end())
        return;
    ResultFn fn = std::move(it->done);
    m_pending.erase(it);
    m_order.removeOne(id);
    if (fn)
        fn(result, error);
}

void Connection::armTimeoutTimer()
{
    qint64 nearest = -1;
    for (const Pending &p : std::as_const(m_pending)) {
        const qint64 left = p.deadline.remainingTime();
        if (nearest < 0 || left < nearest)
            nearest = left;
    }
    if (nearest < 0)
        m_timeoutTimer.stop();
    else
        m_timeoutTimer.start(int(qMax<qint64>(0, nearest)));
}

void Connection::sweepTimeouts()
{
    QList<qint64> expired;
    for (const Pending &p : std::as_const(m_pending))
        if (p.deadline.hasExpired())
            expired << p.id;
    std::sort(expired.begin(), expired.end());
    for (qint64 id : std::as_const(expired)) {
        const QString command = m_pending.value(id).command;
        finish(id, {}, {ErrorCode::Timeout, tr("No reply to %1 in time.").arg(command)});
    }
    armTimeoutTimer();
}

void Connection::failAll(const RtError &error)
{
    const QList<qint64> order = m_order;
    for (qint64 id : order)
        finish(id, {}, error);
    armTimeoutTimer();
}

void Connection::setStatus(Status status)
{
    if (m_status == status)
        return;
    m_status = status;
    Q_EMIT statusChanged();
}

void Connection::setError(const QString &code, const QString &message)
{
    const QString safe = redactText(message);
    if (m_errorCode != code || m_errorString != safe) {
        m_errorCode = code;
        m_errorString = safe;
        Q_EMIT errorChanged();
    }
    Q_EMIT errorOccurred(code, safe);
}

void Connection::clearError()
{
    if (m_errorCode.isEmpty() && m_errorString.isEmpty())
        return;
    m_errorCode.clear();
    m_errorString.clear();
    Q_EMIT errorChanged();
}

void Connection::setNextRetryIn(int seconds)
{
    if (m_nextRetryIn == seconds)
        return;
    m_nextRetryIn = seconds;
    Q_EMIT nextRetryInChanged();
}

} // namespace Hallway
