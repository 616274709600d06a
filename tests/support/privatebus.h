#pragma once
// PrivateBus: a D-Bus bus of our own for desktop-integration tests (notification server,
// screen saver and logind stand-ins live on it). No service activation, so a call to a
// missing service fails at once. Stops only the dbus-daemon it started, by pid.
#include <QProcess>
#include <QString>
#include <QTemporaryDir>

class PrivateBus
{
public:
    PrivateBus() = default;
    ~PrivateBus();
    PrivateBus(const PrivateBus &) = delete;
    PrivateBus &operator=(const PrivateBus &) = delete;

    bool start();
    void stop();
    QString address() const { return m_address; }
    QString errorString() const { return m_error; }

private:
    QTemporaryDir m_dir;
    QProcess m_bus;
    QString m_address;
    QString m_error;
};
