#pragma once
// KeyringSession: a private Secret Service for keychain tests. It starts its own D-Bus session
// bus (no service activation, so nothing else gets started behind our back) and a
// gnome-keyring-daemon with only its secrets component, in a temporary HOME, unlocking (and
// on first use creating) the "login" collection with a throwaway password, so writes need no
// prompt. Stops only the two processes it started, by pid.
#include <QByteArray>
#include "privatebus.h"

#include <QProcess>
#include <QString>
#include <QTemporaryDir>

class KeyringSession
{
public:
    KeyringSession();
    ~KeyringSession();
    KeyringSession(const KeyringSession &) = delete;
    KeyringSession &operator=(const KeyringSession &) = delete;

    // The bus, then the keyring; returns once the default collection is there and unlocked.
    bool start();
    void stop();
    // Only the keyring goes away (the bus stays): "no keychain service" from then on.
    bool stopKeyring();
    QString errorString() const { return m_error; }

    QString busAddress() const { return m_bus.address(); }
    qint64 busPid() const { return m_bus.pid(); }
    qint64 keyringPid() const { return m_keyring.processId(); }
    // Where the keyring keeps its files (keyrings/login.keyring).
    QString dataDir() const;
    // Everything both daemons printed so far.
    QByteArray output();

    // Points this process at the private bus and clears the desktop hints (KDE, GNOME) that
    // would steer QtKeychain elsewhere. Call before the process first touches D-Bus.
    void useInThisProcess() const;

private:
    bool startBus();
    bool startKeyring();
    bool waitForCollection(int timeoutMs);

    QTemporaryDir m_dir;
    PrivateBus m_bus;
    QProcess m_keyring;
    QString m_error;
    QByteArray m_output;
};
