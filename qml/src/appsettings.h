#pragma once
// AppSettings: what the desktop app remembers between runs (server URL, account, manual
// status, joined rooms, view toggles), backed by QSettings, plus the command-line overrides
// for this run. Exposed to QML as the `AppSettings` singleton of the Hallway module. The
// executable creates the one instance (so it can apply --url/--user/--name/--join before QML
// loads) and keeps ownership; without it (tests, previews) QML gets an engine-owned instance.
// Overrides live in memory only: a setter call (the connect page) is what writes to disk.
#include <QObject>
#include <QStringList>
#include <QUrl>
#include <QtQml/qqmlregistration.h>
#include <optional>

class QQmlEngine;
class QJSEngine;
class QSettings;

namespace Hallway {

class AppSettings : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    Q_PROPERTY(QString serverUrl READ serverUrl WRITE setServerUrl NOTIFY serverUrlChanged)
    Q_PROPERTY(QString userId READ userId WRITE setUserId NOTIFY userIdChanged)
    Q_PROPERTY(QString displayName READ displayName WRITE setDisplayName NOTIFY displayNameChanged)
    Q_PROPERTY(QString manualStatus READ manualStatus WRITE setManualStatus NOTIFY manualStatusChanged)
    Q_PROPERTY(bool showJoinLeave READ showJoinLeave WRITE setShowJoinLeave NOTIFY showJoinLeaveChanged)
    Q_PROPERTY(bool showPeople READ showPeople WRITE setShowPeople NOTIFY showPeopleChanged)
    Q_PROPERTY(QStringList rooms READ rooms NOTIFY roomsChanged)
    Q_PROPERTY(QString lastRoom READ lastRoom WRITE setLastRoom NOTIFY lastRoomChanged)
    // True when this run should connect without showing the connect page (--url/--user given,
    // or a previous run connected successfully with the remembered account).
    Q_PROPERTY(bool autoConnect READ autoConnect CONSTANT)
    // Why the command line's --url/--user/--name were not used (shown on the connect page).
    Q_PROPERTY(QString startupError READ startupError CONSTANT)
    // Rooms to join once connected: --join options first, then the remembered ones.
    Q_PROPERTY(QStringList startupRooms READ startupRooms CONSTANT)
    Q_PROPERTY(QString defaultServerUrl READ defaultServerUrl CONSTANT)

public:
    struct Overrides {
        std::optional<QString> url;
        std::optional<QString> userId;
        std::optional<QString> displayName;
        QStringList joins;
    };

    // Not default-constructible on purpose: Qt 6.4 then uses create() for the QML singleton.
    explicit AppSettings(QObject *parent);
    ~AppSettings() override;

    static AppSettings *create(QQmlEngine *qmlEngine, QJSEngine *jsEngine);
    // The executable's instance, handed to QML by create(); the caller keeps ownership.
    static void setInstance(AppSettings *instance);

    void applyOverrides(const Overrides &overrides);

    QString serverUrl() const { return m_serverUrl; }
    void setServerUrl(const QString &url);
    QString userId() const { return m_userId; }
    void setUserId(const QString &id);
    QString displayName() const { return m_displayName; }
    void setDisplayName(const QString &name);
    QString manualStatus() const { return m_manualStatus; }
    void setManualStatus(const QString &status);
    bool showJoinLeave() const { return m_showJoinLeave; }
    void setShowJoinLeave(bool show);
    bool showPeople() const { return m_showPeople; }
    void setShowPeople(bool show);
    QStringList rooms() const { return m_rooms; }
    QString lastRoom() const { return m_lastRoom; }
    void setLastRoom(const QString &room);
    bool autoConnect() const { return m_autoConnect; }
    QString startupError() const { return m_startupError; }
    QStringList startupRooms() const;
    static QString defaultServerUrl();

    // An empty string when the three connect-page fields are usable, else a sentence for people.
    Q_INVOKABLE QString validate(const QString &serverUrl, const QString &userId,
                                 const QString &displayName) const;
    // serverUrl with ?user=<userId>&name=<displayName> (existing user/name items replaced).
    Q_INVOKABLE QUrl connectUrl() const;
    static QUrl buildConnectUrl(const QString &serverUrl, const QString &userId,
                                const QString &displayName);

    Q_INVOKABLE void rememberRoom(const QString &room);
    Q_INVOKABLE void forgetRoom(const QString &room);
    // Called once the remembered account reached Online: later runs connect by themselves.
    Q_INVOKABLE void markConnected();
    // "Change account": the next start shows the connect page again.
    Q_INVOKABLE void forgetConnection();

Q_SIGNALS:
    void serverUrlChanged();
    void userIdChanged();
    void displayNameChanged();
    void manualStatusChanged();
    void showJoinLeaveChanged();
    void showPeopleChanged();
    void roomsChanged();
    void lastRoomChanged();

private:
    void write(const QString &key, const QVariant &value);

    QSettings *m_settings;
    QString m_serverUrl;
    QString m_userId;
    QString m_displayName;
    QString m_manualStatus;
    QString m_lastRoom;
    QStringList m_rooms;
    QStringList m_joins;
    bool m_showJoinLeave = true;
    bool m_showPeople = true;
    bool m_autoConnect = false;
    QString m_startupError;
};

} // namespace Hallway
