#pragma once
// TypingPublisher: the outgoing typing state machine of one room, and the single writer of
// our presence state there. Feed it the composer text (setText); it publishes
// {"status":"typing","base":<baseStatus>} with expireAfter at once on the first keystroke
// into a non-empty composer, re-publishes at most every republishMs while typing continues, and restores
// {"status": baseStatus} after idleStopMs without a keystroke, on send (messageSent), on
// emptying the composer, and on stop() (leaving the room, disconnect). Text that did not
// change (caret moves, selection) is not typing. A change of baseStatus (online/away/busy) is
// published at once (as the typing state's base while we are typing). Owned by its
// Room (Room.typing); it talks only to a Sink function (the Session wires it to
// PresenceClient::publishPresenceState) and emits published() for each state, so it is
// unit-testable with an injected clock and no client.
#include "modeloptions.h"
#include "presencestatus.h"

#include <QJsonObject>
#include <QObject>
#include <QTimer>
#include <QtQml/qqmlregistration.h>
#include <functional>

namespace Hallway {

class TypingPublisher : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(bool typing READ isTyping NOTIFY typingChanged)
    Q_PROPERTY(QString baseStatus READ baseStatus WRITE setBaseStatus NOTIFY baseStatusChanged)
    Q_PROPERTY(int publishCount READ publishCount NOTIFY published)
    // Off (a privacy setting): keystrokes publish nothing; the base status still goes out.
    Q_PROPERTY(bool enabled READ isEnabled WRITE setEnabled NOTIFY enabledChanged)

public:
    using Sink = std::function<void(const QJsonObject &state, int expireAfterMs)>;

    explicit TypingPublisher(QObject *parent = nullptr);
    explicit TypingPublisher(const TypingOptions &options, QObject *parent = nullptr);

    TypingOptions options() const { return m_options; }
    void setOptions(const TypingOptions &options) { m_options = options; }
    void setSink(Sink sink) { m_sink = std::move(sink); }
    void setClock(Clock clock);

    bool isTyping() const { return m_typing; }
    QString baseStatus() const { return m_base; }
    void setBaseStatus(const QString &status);
    int publishCount() const { return m_publishCount; }
    bool isEnabled() const { return m_enabled; }
    void setEnabled(bool enabled);
    QJsonObject currentState() const; // what we last declared: typing, or the base status

    Q_INVOKABLE void setText(const QString &text); // the composer's text, on every change
    Q_INVOKABLE void messageSent();                // the composer was sent (and will be cleared)
    Q_INVOKABLE void stop();                       // leaving the room, disconnect: back to base
    Q_INVOKABLE void republish();                  // declare our current state again (after a resync)

    // Tests: advance the injected clock, then call this.
    void processTimers();

Q_SIGNALS:
    void typingChanged();
    void baseStatusChanged();
    void enabledChanged();
    void published(const QJsonObject &state, int expireAfterMs);

private:
    void keystroke();
    void publish(const QJsonObject &state, int expireAfterMs);
    void armTimer();

    TypingOptions m_options;
    Sink m_sink;
    Clock m_clock;
    QTimer m_timer;
    QString m_text;
    bool m_enabled = true;
    QString m_base = PresenceStatus::word(PresenceStatus::Online);
    bool m_typing = false;
    qint64 m_lastKeystroke = 0;
    qint64 m_lastPublish = 0;
    int m_publishCount = 0;
};

} // namespace Hallway
