#pragma once
// CredentialStore: keeps the sign-in token for each server in the OS keychain (Secret Service
// or KWallet, through QtKeychain), never anywhere else: no QSettings, no plain-text fallback,
// no log line. Every call is asynchronous and answers with one signal. When no keychain
// service can be reached, failed() says so in a sentence, and the caller uses the token for
// this session only.
#include <QObject>
#include <QString>
#include <QtQml/qqmlregistration.h>

namespace QKeychain {
class Job;
}

namespace Hallway {

class CredentialStore : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    // True while a keychain call is under way (the keychain may be asking to be unlocked).
    Q_PROPERTY(bool busy READ busy NOTIFY busyChanged)

public:
    enum Operation { Save, Load, Remove };
    Q_ENUM(Operation)

    explicit CredentialStore(QObject *parent = nullptr);
    ~CredentialStore() override;

    bool busy() const { return m_pending > 0; }

    // Each answers with saved/loaded/removed, or failed.
    Q_INVOKABLE void save(const QString &serverUrl, const QString &token);
    Q_INVOKABLE void load(const QString &serverUrl);
    Q_INVOKABLE void remove(const QString &serverUrl);

    // The keychain entry's name for a server: scheme, host, port and path, without query,
    // fragment or user info, so "ws://Host:8765/?user=x" and "ws://host:8765/" share a token.
    static QString accountKey(const QString &serverUrl);
    // The keychain service name the entries are filed under.
    static QString serviceName();

Q_SIGNALS:
    void busyChanged();
    void saved(const QString &serverUrl);
    // token is empty when the keychain holds none for this server.
    void loaded(const QString &serverUrl, const QString &token);
    void removed(const QString &serverUrl);
    // message is a sentence for people; noService: no keychain service could be reached at all.
    void failed(Hallway::CredentialStore::Operation operation, const QString &serverUrl,
                const QString &message, bool noService);

private:
    void track(QKeychain::Job *job, Operation operation, const QString &serverUrl);
    void finish(QKeychain::Job *job, Operation operation, const QString &serverUrl);

    int m_pending = 0;
};

} // namespace Hallway
