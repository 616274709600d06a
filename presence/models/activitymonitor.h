#pragma once
// ActivityMonitor: tells whether the person at this app is idle, for automatic away. It
// installs an application-wide event filter on QCoreApplication and counts key presses,
// mouse moves/presses, wheel, touch and tablet events as activity (window activation as a
// hint); it never consumes an event and only looks at QEvent::Type, so the presence library
// does not link QtGui. `idle` turns true after idleTimeoutMs (default 300000) without input
// and false at the next input. notifyActivity() and markIdle() (screen locked) are for the
// app, the CLI and tests. Owned by the Session (Session.activity) or by the QML that creates it.
#include "modeloptions.h"

#include <QObject>
#include <QTimer>
#include <QtQml/qqmlregistration.h>

namespace Hallway {

class ActivityMonitor : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(bool idle READ isIdle NOTIFY idleChanged)
    Q_PROPERTY(int idleTimeoutMs READ idleTimeoutMs WRITE setIdleTimeoutMs NOTIFY idleTimeoutMsChanged)
    Q_PROPERTY(bool enabled READ isEnabled WRITE setEnabled NOTIFY enabledChanged)

public:
    explicit ActivityMonitor(QObject *parent = nullptr);
    ~ActivityMonitor() override;

    bool isIdle() const { return m_idle; }
    int idleTimeoutMs() const { return m_timeoutMs; }
    void setIdleTimeoutMs(int ms);
    bool isEnabled() const { return m_enabled; }
    void setEnabled(bool enabled); // false: stop filtering; idle stays false
    void setClock(Clock clock);

    Q_INVOKABLE void notifyActivity(); // input happened
    Q_INVOKABLE void markIdle();       // e.g. the screen was locked: idle at once

    static bool isActivityEvent(int eventType);

Q_SIGNALS:
    void idleChanged();
    void idleTimeoutMsChanged();
    void enabledChanged();
    void activity(); // emitted when input ends an idle period

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void check();
    void setIdle(bool idle);

    Clock m_clock;
    QTimer m_timer;
    qint64 m_lastActivity = 0;
    int m_timeoutMs;
    bool m_idle = false;
    bool m_enabled = true;
    bool m_filterInstalled = false;
};

} // namespace Hallway
