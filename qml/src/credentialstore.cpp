#include "credentialstore.h"

#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QLoggingCategory>
#include <QUrl>
#include <qt6keychain/keychain.h>

Q_LOGGING_CATEGORY(lcKeychain, "hallway.keychain", QtInfoMsg)

namespace Hallway {

namespace {
const char *operationName(CredentialStore::Operation op)
{
    switch (op) {
    case CredentialStore::Save: return "save";
    case CredentialStore::Load: return "load";
    case CredentialStore::Remove: return "remove";
    }
    return "?";
}

// libsecret reports a missing Secret Service only in words, which vary (no bus, no such name,
// no socket); asking the session bus is the reliable way to tell "no keychain" from "keychain
// error". Only done after a failure.
bool keychainServiceReachable()
{
    QDBusConnection bus = QDBusConnection::sessionBus();
    if (!bus.isConnected())
        return false;
    QDBusConnectionInterface *iface = bus.interface();
    const QStringList activatable = iface->activatableServiceNames().value();
    for (const char *name : {"org.freedesktop.secrets", "org.kde.kwalletd6", "org.kde.kwalletd5", "org.kde.kwalletd"}) {
        const QString service = QString::fromLatin1(name);
        if (iface->isServiceRegistered(service).value() || activatable.contains(service))
            return true;
    }
    return false;
}
} // namespace

CredentialStore::CredentialStore(QObject *parent) : QObject(parent) {}

CredentialStore::~CredentialStore() = default;

QString CredentialStore::serviceName()
{
    return QStringLiteral("Hallway");
}

QString CredentialStore::accountKey(const QString &serverUrl)
{
    QUrl url(serverUrl.trimmed());
    url.setQuery(QString());
    url.setFragment(QString());
    url.setUserInfo(QString());
    url.setHost(url.host().toLower());
    QString key = url.toString(QUrl::FullyEncoded);
    if (url.path().isEmpty())
        key += QLatin1Char('/');
    return key;
}

void CredentialStore::save(const QString &serverUrl, const QString &token)
{
    auto *job = new QKeychain::WritePasswordJob(serviceName(), this);
    job->setKey(accountKey(serverUrl));
    job->setTextData(token);
    track(job, Save, serverUrl);
}

void CredentialStore::load(const QString &serverUrl)
{
    auto *job = new QKeychain::ReadPasswordJob(serviceName(), this);
    job->setKey(accountKey(serverUrl));
    track(job, Load, serverUrl);
}

void CredentialStore::remove(const QString &serverUrl)
{
    auto *job = new QKeychain::DeletePasswordJob(serviceName(), this);
    job->setKey(accountKey(serverUrl));
    track(job, Remove, serverUrl);
}

void CredentialStore::track(QKeychain::Job *job, Operation operation, const QString &serverUrl)
{
    // Never the plain-text QSettings fallback QtKeychain offers: no keychain means not saved.
    job->setInsecureFallback(false);
    job->setAutoDelete(true);
    connect(job, &QKeychain::Job::finished, this,
            [this, operation, serverUrl](QKeychain::Job *j) { finish(j, operation, serverUrl); });
    qCDebug(lcKeychain) << "keychain" << operationName(operation) << "for" << accountKey(serverUrl);
    ++m_pending;
    if (m_pending == 1)
        Q_EMIT busyChanged();
    job->start();
}

void CredentialStore::finish(QKeychain::Job *job, Operation operation, const QString &serverUrl)
{
    --m_pending;
    const QKeychain::Error error = job->error();
    const QString key = accountKey(serverUrl);
    if (error == QKeychain::NoError || (error == QKeychain::EntryNotFound && operation != Save)) {
        qCDebug(lcKeychain).nospace() << "keychain " << operationName(operation) << " done for " << key
                                      << (error == QKeychain::EntryNotFound ? " (no entry)" : "");
        switch (operation) {
        case Save:
            Q_EMIT saved(serverUrl);
            break;
        case Load:
            Q_EMIT loaded(serverUrl, error == QKeychain::NoError
                                         ? static_cast<QKeychain::ReadPasswordJob *>(job)->textData()
                                         : QString());
            break;
        case Remove:
            Q_EMIT removed(serverUrl);
            break;
        }
    } else {
        // QtKeychain's and libsecret's error strings describe the keychain, never the secret.
        const QString detail = job->errorString();
        const bool noService = error == QKeychain::NoBackendAvailable || !keychainServiceReachable();
        QString message;
        if (noService)
            message = tr("No keychain service (Secret Service or KWallet) is available.");
        else if (error == QKeychain::AccessDenied || error == QKeychain::AccessDeniedByUser)
            message = tr("The keychain is locked or refused access.");
        else
            message = tr("The keychain reported an error (%1).").arg(detail);
        qCWarning(lcKeychain) << "keychain" << operationName(operation) << "failed for" << key
                              << "error" << int(error) << detail;
        Q_EMIT failed(operation, serverUrl, message, noService);
    }
    if (m_pending == 0)
        Q_EMIT busyChanged();
}

} // namespace Hallway
