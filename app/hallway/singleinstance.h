#pragma once
// SingleInstance: one Hallway per person and server. The first process listens on a local
// socket in the user's runtime directory, named after the sign-in user and server address;
// a later `hallway [--join room]` hands its rooms to it and exits. A local socket rather than
// a D-Bus name because it needs no session bus (headless and SSH sessions still get it), the
// runtime directory is private to the user already, and the key can include the server, so
// two accounts on two servers can run side by side. A socket left by a crashed process is
// detected (nobody answers) and replaced.
#include <QObject>
#include <QStringList>

class QLocalServer;

namespace Hallway {

class SingleInstance : public QObject
{
    Q_OBJECT
public:
    explicit SingleInstance(const QString &name, QObject *parent = nullptr);
    ~SingleInstance() override;

    // The socket's path for this user id and server address.
    static QString socketName(const QString &userId, const QString &serverUrl);

    // Hands `rooms` to a running instance; true once it has acknowledged them.
    bool handOver(const QStringList &rooms, int timeoutMs = 5000);
    // Becomes the running instance; false (with a warning) if the socket cannot be made.
    bool listen();
    QString name() const { return m_name; }

Q_SIGNALS:
    // A second process asked us to show ourselves and join `rooms` (maybe none).
    void activated(const QStringList &rooms);

private:
    void accept();

    QString m_name;
    QLocalServer *m_server = nullptr;
};

} // namespace Hallway
