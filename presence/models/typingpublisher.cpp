#include "typingpublisher.h"

#include "logging.h"
#include "presencestatus.h"

namespace Hallway {

namespace {
QJsonObject statusState(const QString &status)
{
    return QJsonObject{{QStringLiteral("status"), status}};
}

// Typing keeps the status it was typed in: other clients read "typing", Hallway also reads
// the base (a busy person who types stays busy, see usermodel.h).
QJsonObject typingState(const QString &base)
{
    return QJsonObject{{QStringLiteral("status"), PresenceStatus::word(PresenceStatus::Typing)}, {QStringLiteral("base"), base}};
}
} // namespace

TypingPublisher::TypingPublisher(QObject *parent)
    : TypingPublisher(TypingOptions(), parent)
{
}

TypingPublisher::TypingPublisher(const TypingOptions &options, QObject *parent)
    : QObject(parent)
    , m_options(options)
    , m_clock(steadyClock())
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &TypingPublisher::processTimers);
}

void TypingPublisher::setClock(Clock clock)
{
    m_clock = clock ? std::move(clock) : steadyClock();
}

void TypingPublisher::setBaseStatus(const QString &status)
{
    if (status.isEmpty() || status == m_base)
        return;
    m_base = status;
    Q_EMIT baseStatusChanged();
    if (!m_typing) {
        publish(statusState(m_base), 0);
    } else {
        m_lastPublish = m_clock();
        publish(typingState(m_base), m_options.expireAfterMs);
    }
}

QJsonObject TypingPublisher::currentState() const
{
    return m_typing ? typingState(m_base) : statusState(m_base);
}

void TypingPublisher::setText(const QString &text)
{
    if (text == m_text)
        return; // caret moves and selection are not typing
    m_text = text;
    if (text.isEmpty()) {
        stop();
        return;
    }
    keystroke();
}

void TypingPublisher::setEnabled(bool enabled)
{
    if (enabled == m_enabled)
        return;
    m_enabled = enabled;
    if (!enabled)
        stop(); // typing now would outlive the switch
    Q_EMIT enabledChanged();
}

void TypingPublisher::keystroke()
{
    if (!m_enabled)
        return;
    const qint64 now = m_clock();
    m_lastKeystroke = now;
    if (!m_typing) {
        m_typing = true;
        m_lastPublish = now;
        publish(typingState(m_base), m_options.expireAfterMs);
        Q_EMIT typingChanged();
    } else if (now - m_lastPublish >= m_options.republishMs) {
        m_lastPublish = now;
        publish(typingState(m_base), m_options.expireAfterMs);
    }
    armTimer();
}

void TypingPublisher::messageSent()
{
    m_text.clear();
    stop();
}

void TypingPublisher::stop()
{
    m_timer.stop();
    if (!m_typing)
        return;
    m_typing = false;
    publish(statusState(m_base), 0);
    Q_EMIT typingChanged();
}

void TypingPublisher::republish()
{
    if (m_typing) {
        m_lastPublish = m_clock();
        publish(typingState(m_base), m_options.expireAfterMs);
    } else {
        publish(statusState(m_base), 0);
    }
}

void TypingPublisher::processTimers()
{
    if (!m_typing)
        return;
    if (m_clock() - m_lastKeystroke >= m_options.idleStopMs)
        stop();
    else
        armTimer();
}

void TypingPublisher::publish(const QJsonObject &state, int expireAfterMs)
{
    ++m_publishCount;
    if (m_sink)
        m_sink(state, expireAfterMs);
    Q_EMIT published(state, expireAfterMs);
}

void TypingPublisher::armTimer()
{
    const qint64 wait = m_lastKeystroke + m_options.idleStopMs - m_clock();
    m_timer.start(int(qBound(qint64(0), wait, qint64(m_options.idleStopMs))));
}

} // namespace Hallway
