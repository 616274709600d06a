#pragma once
// DesktopSettings: the switches of the settings page, kept in QSettings (the app's own file):
// whether we publish typing, whether notifications show message text, whether closing the
// window keeps Hallway in the tray, and whether it starts at login. The last one is not a
// setting but a file: an XDG autostart entry, written or removed when the switch changes.
#include <QObject>
#include <QString>
#include <QtQml/qqmlregistration.h>

namespace Hallway {

class DesktopSettings : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(bool sendTyping READ sendTyping WRITE setSendTyping NOTIFY sendTypingChanged)
    Q_PROPERTY(bool showMessageText READ showMessageText WRITE setShowMessageText NOTIFY showMessageTextChanged)
    Q_PROPERTY(bool keepInTray READ keepInTray WRITE setKeepInTray NOTIFY keepInTrayChanged)
    Q_PROPERTY(bool startAtLogin READ startAtLogin WRITE setStartAtLogin NOTIFY startAtLoginChanged)
    Q_PROPERTY(QString error READ error NOTIFY errorChanged)

public:
    explicit DesktopSettings(QObject *parent = nullptr);

    bool sendTyping() const { return m_sendTyping; }
    void setSendTyping(bool on);
    bool showMessageText() const { return m_showMessageText; }
    void setShowMessageText(bool on);
    bool keepInTray() const { return m_keepInTray; }
    void setKeepInTray(bool on);
    bool startAtLogin() const;
    void setStartAtLogin(bool on);
    QString error() const { return m_error; } // why the autostart entry could not be changed

    // $XDG_CONFIG_HOME/autostart/<app id>.desktop
    static QString autostartPath();

Q_SIGNALS:
    void sendTypingChanged();
    void showMessageTextChanged();
    void keepInTrayChanged();
    void startAtLoginChanged();
    void errorChanged();

private:
    void setError(const QString &error);

    bool m_sendTyping = true;
    bool m_showMessageText = true;
    bool m_keepInTray = false;
    QString m_error;
};

} // namespace Hallway
