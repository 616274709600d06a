#include "appsettings.h"
#include "presencestatus.h"
#include "uilogging.h"

#include <QJSEngine>
#include <QPointer>
#include <QQmlEngine>
#include <QRegularExpression>
#include <QSettings>
#include <QUrlQuery>
#include <utility>

namespace Hallway {

namespace {
QPointer<AppSettings> s_instance;

namespace Key {
const auto ServerUrl = QStringLiteral("connection/serverUrl");
const auto SignInMode = QStringLiteral("connection/signInMode");
const auto UserId = QStringLiteral("connection/userId");
const auto DisplayName = QStringLiteral("connection/displayName");
const auto Connected = QStringLiteral("connection/connectedBefore");
const auto ManualStatus = QStringLiteral("presence/manualStatus");
const auto Rooms = QStringLiteral("rooms/joined");
const auto LastRoom = QStringLiteral("rooms/last");
const auto ShowJoinLeave = QStringLiteral("view/showJoinLeave");
const auto ShowPeople = QStringLiteral("view/showPeople");
} // namespace Key

const QStringList kManualStatuses = PresenceStatus::manualChoiceWords();
} // namespace

AppSettings::AppSettings(QObject *parent)
    : QObject(parent)
    , m_settings(new QSettings(this))
{
    m_serverUrl = m_settings->value(Key::ServerUrl, defaultServerUrl()).toString();
    m_userId = m_settings->value(Key::UserId).toString();
    m_displayName = m_settings->value(Key::DisplayName).toString();
    // Settings from before token sign-in hold a development account: keep using it.
    m_signInMode = m_settings->value(Key::SignInMode, m_userId.isEmpty() ? QStringLiteral("token")
                                                                         : QStringLiteral("dev")).toString();
    if (m_signInMode != QLatin1String("dev"))
        m_signInMode = QStringLiteral("token");
    const QString automatic = PresenceStatus::word(PresenceStatus::Automatic);
    m_manualStatus = m_settings->value(Key::ManualStatus, automatic).toString();
    if (!kManualStatuses.contains(m_manualStatus))
        m_manualStatus = automatic;
    m_rooms = m_settings->value(Key::Rooms).toStringList();
    m_lastRoom = m_settings->value(Key::LastRoom).toString();
    m_showJoinLeave = m_settings->value(Key::ShowJoinLeave, true).toBool();
    m_showPeople = m_settings->value(Key::ShowPeople, true).toBool();
    const bool usable = tokenMode() ? validateServerUrl(m_serverUrl).isEmpty()
                                    : validate(m_serverUrl, m_userId, m_displayName).isEmpty();
    m_autoConnect = m_settings->value(Key::Connected, false).toBool() && usable;
}

AppSettings::~AppSettings() = default;

AppSettings *AppSettings::create(QQmlEngine *, QJSEngine *)
{
    if (s_instance) {
        QJSEngine::setObjectOwnership(s_instance, QJSEngine::CppOwnership);
        return s_instance;
    }
    return new AppSettings(nullptr); // engine-owned (tests, previews)
}

void AppSettings::setInstance(AppSettings *instance)
{
    s_instance = instance;
}

void AppSettings::applyOverrides(const Overrides &o)
{
    if (o.url) {
        m_serverUrl = *o.url;
        Q_EMIT serverUrlChanged();
    }
    if (o.userId) {
        m_userId = *o.userId;
        Q_EMIT userIdChanged();
    }
    if (o.displayName) {
        m_displayName = *o.displayName;
        Q_EMIT displayNameChanged();
    }
    m_joins = o.joins;
    const bool tokenGiven = o.token.has_value() || !o.tokenError.isEmpty();
    if (tokenGiven && o.userId) {
        m_startupError = tr("Use either a user ID (development sign-in) or a token, not both.");
        m_autoConnect = false;
    } else if (tokenGiven) {
        m_signInMode = QStringLiteral("token");
        Q_EMIT signInModeChanged();
        m_startupError = !o.tokenError.isEmpty() ? o.tokenError : validateToken(m_serverUrl, *o.token);
        m_autoConnect = m_startupError.isEmpty();
        if (m_autoConnect) {
            m_startupToken = *o.token;
            Q_EMIT hasStartupTokenChanged();
        }
    } else if (o.url || o.userId) {
        if (o.userId) {
            m_signInMode = QStringLiteral("dev");
            Q_EMIT signInModeChanged();
        }
        m_startupError = tokenMode() ? validateServerUrl(m_serverUrl)
                                     : validate(m_serverUrl, m_userId, m_displayName);
        // --url alone in token mode connects only if the keychain has a token for it.
        m_autoConnect = m_startupError.isEmpty();
    }
    // Never the token itself, only whether there is one.
    qCDebug(lcUi) << "settings after command line:" << m_serverUrl << m_signInMode << m_userId << m_joins
                  << "startup token" << hasStartupToken() << "autoConnect" << m_autoConnect;
}

void AppSettings::write(const QString &key, const QVariant &value)
{
    m_settings->setValue(key, value);
}

void AppSettings::setServerUrl(const QString &url)
{
    const QString trimmed = url.trimmed();
    if (trimmed == m_serverUrl)
        return;
    m_serverUrl = trimmed;
    write(Key::ServerUrl, m_serverUrl);
    Q_EMIT serverUrlChanged();
}

void AppSettings::setSignInMode(const QString &mode)
{
    if (mode == m_signInMode || (mode != QLatin1String("dev") && mode != QLatin1String("token")))
        return;
    m_signInMode = mode;
    write(Key::SignInMode, m_signInMode);
    Q_EMIT signInModeChanged();
}

QString AppSettings::takeStartupToken()
{
    const QString token = std::exchange(m_startupToken, QString());
    if (!token.isEmpty())
        Q_EMIT hasStartupTokenChanged();
    return token;
}

void AppSettings::setUserId(const QString &id)
{
    const QString trimmed = id.trimmed();
    if (trimmed == m_userId)
        return;
    m_userId = trimmed;
    write(Key::UserId, m_userId);
    Q_EMIT userIdChanged();
}

void AppSettings::setDisplayName(const QString &name)
{
    const QString trimmed = name.trimmed();
    if (trimmed == m_displayName)
        return;
    m_displayName = trimmed;
    write(Key::DisplayName, m_displayName);
    Q_EMIT displayNameChanged();
}

void AppSettings::setManualStatus(const QString &status)
{
    if (status == m_manualStatus || !kManualStatuses.contains(status))
        return;
    m_manualStatus = status;
    write(Key::ManualStatus, m_manualStatus);
    Q_EMIT manualStatusChanged();
}

void AppSettings::setShowJoinLeave(bool show)
{
    if (show == m_showJoinLeave)
        return;
    m_showJoinLeave = show;
    write(Key::ShowJoinLeave, show);
    Q_EMIT showJoinLeaveChanged();
}

void AppSettings::setShowPeople(bool show)
{
    if (show == m_showPeople)
        return;
    m_showPeople = show;
    write(Key::ShowPeople, show);
    Q_EMIT showPeopleChanged();
}

void AppSettings::setLastRoom(const QString &room)
{
    if (room == m_lastRoom)
        return;
    m_lastRoom = room;
    write(Key::LastRoom, room);
    Q_EMIT lastRoomChanged();
}

QStringList AppSettings::startupRooms() const
{
    QStringList result;
    for (const QString &room : m_joins + m_rooms) {
        const QString name = room.trimmed();
        if (!name.isEmpty() && !result.contains(name))
            result.append(name);
    }
    return result;
}

QString AppSettings::defaultServerUrl()
{
    return QStringLiteral("ws://127.0.0.1:8765/");
}

QString AppSettings::validateServerUrl(const QString &serverUrl) const
{
    const QUrl url(serverUrl.trimmed(), QUrl::StrictMode);
    if (serverUrl.trimmed().isEmpty())
        return tr("Enter the server address, for example %1.").arg(defaultServerUrl());
    if (!url.isValid() || url.host().isEmpty())
        return tr("“%1” is not a valid server address.").arg(serverUrl.trimmed());
    if (url.scheme() != QLatin1String("ws") && url.scheme() != QLatin1String("wss"))
        return tr("The server address must start with ws:// or wss://.");
    // The address is remembered in the settings file, where a secret must never land.
    const auto items = QUrlQuery(url).queryItems();
    for (const auto &item : items) {
        const QString key = item.first.toLower();
        if (key.endsWith(QLatin1String("token")) || key == QLatin1String("auth")
            || key == QLatin1String("password") || key == QLatin1String("secret"))
            return tr("Leave the token out of the server address: choose token sign-in and paste it there.");
    }
    if (!url.userInfo().isEmpty())
        return tr("Leave user names and passwords out of the server address.");
    return {};
}

QString AppSettings::validateToken(const QString &serverUrl, const QString &token) const
{
    if (const QString problem = validateServerUrl(serverUrl); !problem.isEmpty())
        return problem;
    const QString trimmed = token.trimmed();
    if (trimmed.isEmpty())
        return tr("Paste the sign-in token you were given.");
    if (trimmed.size() > 16 * 1024)
        return tr("This token is too long to be a sign-in token.");
    for (const QChar c : trimmed) {
        if (c.isSpace() || c.category() == QChar::Other_Control)
            return tr("The token contains spaces or line breaks; paste it again as one piece.");
    }
    return {};
}

QString AppSettings::validate(const QString &serverUrl, const QString &userId,
                              const QString &displayName) const
{
    if (const QString problem = validateServerUrl(serverUrl); !problem.isEmpty())
        return problem;
    static const QRegularExpression idPattern(QStringLiteral("^[A-Za-z0-9._@-]{1,64}$"));
    if (userId.trimmed().isEmpty())
        return tr("Enter a user ID.");
    if (!idPattern.match(userId.trimmed()).hasMatch())
        return tr("A user ID may only contain letters, digits, dots, dashes, underscores and @.");
    if (displayName.trimmed().size() > 80)
        return tr("The display name is too long (80 characters at most).");
    return {};
}

QUrl AppSettings::connectUrl() const
{
    if (!tokenMode())
        return buildConnectUrl(m_serverUrl, m_userId, m_displayName);
    QUrl url(m_serverUrl.trimmed());
    QUrlQuery query(url);
    query.removeAllQueryItems(QStringLiteral("user"));
    query.removeAllQueryItems(QStringLiteral("name"));
    url.setQuery(query.isEmpty() ? QString() : query.query(QUrl::FullyEncoded), QUrl::StrictMode);
    return url;
}

QUrl AppSettings::buildConnectUrl(const QString &serverUrl, const QString &userId,
                                  const QString &displayName)
{
    QUrl url(serverUrl.trimmed());
    QUrlQuery query(url);
    query.removeAllQueryItems(QStringLiteral("user"));
    query.removeAllQueryItems(QStringLiteral("name"));
    const QString name = displayName.trimmed().isEmpty() ? userId.trimmed() : displayName.trimmed();
    // Encode fully ourselves: QUrlQuery leaves '+' alone, which servers read as a space.
    QString encoded = query.query(QUrl::FullyEncoded);
    if (!encoded.isEmpty())
        encoded += QLatin1Char('&');
    encoded += QLatin1String("user=") + QString::fromLatin1(QUrl::toPercentEncoding(userId.trimmed()))
        + QLatin1String("&name=") + QString::fromLatin1(QUrl::toPercentEncoding(name));
    url.setQuery(encoded, QUrl::StrictMode);
    return url;
}

void AppSettings::rememberRoom(const QString &room)
{
    const QString name = room.trimmed();
    if (name.isEmpty() || m_rooms.contains(name))
        return;
    m_rooms.append(name);
    write(Key::Rooms, m_rooms);
    Q_EMIT roomsChanged();
}

void AppSettings::forgetRoom(const QString &room)
{
    if (!m_rooms.removeAll(room))
        return;
    write(Key::Rooms, m_rooms);
    Q_EMIT roomsChanged();
    if (m_lastRoom == room)
        setLastRoom(m_rooms.value(0));
}

void AppSettings::markConnected()
{
    write(Key::Connected, true);
}

void AppSettings::forgetConnection()
{
    write(Key::Connected, false);
}

} // namespace Hallway
