#pragma once
// AppSettings: what the desktop app remembers between runs (server URL, how we sign in, the
// development account, manual status, joined rooms, view toggles), backed by QSettings, plus
// the command-line overrides for this run. Sign-in tokens are never among them: they live in
// the keychain (CredentialStore); a token from --token-file/--token-env is held in memory
// for this run only and handed out once (takeStartupToken). Exposed to QML as the `AppSettings` singleton of the Hallway module. The
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
    // "token" (a signed token from the server's operator) or "dev" (development sign-in:
    // ?user=&name=, which only a server started for development accepts).
    Q_PROPERTY(QString signInMode READ signInMode WRITE setSignInMode NOTIFY signInModeChanged)
    Q_PROPERTY(QString userId READ userId WRITE setUserId NOTIFY userIdChanged)
    Q_PROPERTY(QString displayName READ displayName WRITE setDisplayName NOTIFY displayNameChanged)
    Q_PROPERTY(QString manualStatus READ manualStatus WRITE setManualStatus NOTIFY manualStatusChanged)
    Q_PROPERTY(bool showJoinLeave READ showJoinLeave WRITE setShowJoinLeave NOTIFY showJoinLeaveChanged)
    Q_PROPERTY(bool showPeople READ showPeople WRITE setShowPeople NOTIFY showPeopleChanged)
    Q_PROPERTY(QStringList rooms READ rooms NOTIFY roomsChanged)
    Q_PROPERTY(QString lastRoom READ lastRoom WRITE setLastRoom NOTIFY lastRoomChanged)
    // True when this run should connect without showing the connect page (--url/--user or a
    // token option given, or a previous run connected successfully with the remembered
    // account; in token mode the token then comes from the keychain).
    Q_PROPERTY(bool autoConnect READ autoConnect CONSTANT)
    // Why the command line's sign-in options were not used (shown on the connect page).
    Q_PROPERTY(QString startupError READ startupError CONSTANT)
    // Rooms to join once connected: --join options first, then the remembered ones.
    Q_PROPERTY(QStringList startupRooms READ startupRooms CONSTANT)
    Q_PROPERTY(QString defaultServerUrl READ defaultServerUrl CONSTANT)
    // True while a --token-file/--token-env token waits to be taken by takeStartupToken().
    Q_PROPERTY(bool hasStartupToken READ hasStartupToken NOTIFY hasStartupTokenChanged)

public:
    struct Overrides {
        std::optional<QString> url;
        std::optional<QString> userId;
        std::optional<QString> displayName;
        std::optional<QString> token;  // read from --token-file or --token-env
        QString tokenError;            // why that token could not be read
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
    QString signInMode() const { return m_signInMode; }
    void setSignInMode(const QString &mode);
    bool tokenMode() const { return m_signInMode == QLatin1String("token"); }
    bool hasStartupToken() const { return !m_startupToken.isEmpty(); }
    // The command line's token, once: later calls return an empty string.
    Q_INVOKABLE QString takeStartupToken();
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

    // An empty string when the connect page's development fields are usable, else a sentence.
    Q_INVOKABLE QString validate(const QString &serverUrl, const QString &userId,
                                 const QString &displayName) const;
    // The same for token sign-in: a usable server address and something that looks like a token.
    Q_INVOKABLE QString validateToken(const QString &serverUrl, const QString &token) const;
    QString validateServerUrl(const QString &serverUrl) const;
    // Development: serverUrl with ?user=<userId>&name=<displayName> (existing user/name items
    // replaced). Token: serverUrl without user/name items (the token says who we are).
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
    void signInModeChanged();
    void hasStartupTokenChanged();
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
    QString m_signInMode;
    QString m_startupToken; // memory only, never written
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
