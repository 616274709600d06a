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
    qint64 pid() const { return m_bus.processId(); }
    QByteArray readStandardError() { return m_bus.readAllStandardError(); }
    QString errorString() const { return m_error; }

private:
    QTemporaryDir m_dir;
    QProcess m_bus;
    QString m_address;
    QString m_error;
};
