#pragma once
// TypingTracker: who else is typing in one room, per person, for Room.typingText and
// Room.typingUsers. Room feeds it each remote connection's typing flag (never our own user's
// connections); a person counts once however many devices type. Because the server's expiry
// event needs Redis keyspace notifications (docs/protocol.md §12.10), a typing connection also
// expires locally remoteTypingExpiryMs after its last typing state: expired(connectionId)
// tells the Room, which clears that member's typing flag. Owned by its Room; C++ only.
#include "modeloptions.h"

#include <QHash>
#include <QObject>
#include <QStringList>
#include <QTimer>

namespace Hallway {

class TypingTracker : public QObject
{
    Q_OBJECT

public:
    explicit TypingTracker(QObject *parent = nullptr);

    void setExpiryMs(int ms) { m_expiryMs = ms; }
    int expiryMs() const { return m_expiryMs; }
    void setClock(Clock clock);

    // typing=true (re)starts the connection's local expiry; false forgets it.
    void update(const QString &connectionId, const QString &userId, const QString &name, bool typing);
    void remove(const QString &connectionId);
    void clear();

    QStringList typingUsers() const { return m_order; } // user ids, in the order they started
    QStringList typingNames() const;
    QString typingText() const { return formatTypingText(typingNames()); }
    static QString formatTypingText(const QStringList &names);

    void processTimers(); // tests: after advancing the injected clock

Q_SIGNALS:
    void changed();                               // typingUsers/typingText changed
    void expired(const QString &connectionId);    // a typing state aged out locally

private:
    struct Conn { QString userKey; qint64 deadline = 0; };
    struct User { QString name; int devices = 0; };
    void dropConnection(const QString &connectionId, bool *changed);
    void armTimer();

    int m_expiryMs;
    Clock m_clock;
    QTimer m_timer;
    QHash<QString, Conn> m_conns; // typing connections only
    QHash<QString, User> m_users; // typing people only
    QStringList m_order;
};

} // namespace Hallway
