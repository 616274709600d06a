#pragma once
// ClientCore: the worker-thread half of PresenceClient. It owns the Connection (and so the
// QWebSocket), matches replies, reconciles snapshots, keeps the desired states and metadata
// and runs the resync after every reconnect. Everything here runs on the client's worker
// thread; PresenceClient (GUI thread) calls it through queued invocations and receives its
// signals through one ordered, sliced inbox (docs/threading.md). It knows nothing of QML or
// models; results go to a Done callback that is called exactly once, on the worker thread.
// It owns the membership rules (who is present, who never comes back: departures.h); the
// models apply what it emits. Its private half is clientcore_p.h.
#include "connectionoptions.h"
#include "connectionstatus.h"
#include "presencetypes.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QObject>
#include <QSet>
#include <QUrl>
#include <functional>
#include <memory>

namespace Hallway {

class Connection;

// The link's observable state, sent whole on every change so the GUI side can mirror it.
struct LinkState {
    ConnectionStatus::Status status = ConnectionStatus::Offline;
    QString connectionId;
    int latency = 0;
    int nextRetryIn = 0;
    QString errorCode;
    QString errorString;
};

class ClientCore : public QObject
{
    Q_OBJECT
public:
    // result is meaningful when error.isNull(); called once, on the worker thread.
    using Done = std::function<void(const QJsonValue &result, const RtError &error)>;

    explicit ClientCore(const ConnectionOptions &options, QObject *parent = nullptr);
    ~ClientCore() override;

    LinkState linkState() const;
    Connection *connection() const; // tests and the fuzzer
    QJsonValue cachedMetadata(const QString &connectionId) const; // thread-safe
    // The members we have told the models of (worker thread only; tests and the fuzzer).
    QSet<QString> memberIds(const QString &room) const;

    void setOptions(const ConnectionOptions &options);
    void setUrls(const QList<QUrl> &urls);
    void open();
    void close();
    void retryNow();
    void reconnect();

    void joinRoom(const QString &room, bool subscribe, Done done);
    void leaveRoom(const QString &room, Done done);
    void subscribePresence(const QString &room, Done done);
    void unsubscribePresence(const QString &room, Done done);
    void publishPresenceState(const QString &room, const QJsonObject &state, int expireAfterMs, Done done);
    void clearPresenceState(const QString &room, Done done);
    void connectionMetadata(const QString &connectionId, Done done);
    void setConnectionMetadata(const QJsonObject &metadata, const QString &strategy, Done done);
    void roomMetadata(const QString &room, Done done);
    void subscribeChannel(const QString &channel, int historyLimit, Done done);
    void unsubscribeChannel(const QString &channel, Done done);
    void channelHistory(const QString &channel, int limit, Done done);
    void command(const QString &name, const QJsonValue &payload, Done done);

Q_SIGNALS:
    void linkChanged(const Hallway::LinkState &state);
    void roomFlagsChanged(const QString &room, bool joined, bool subscribed);
    void connected(const QString &connectionId);
    void resynced(const QString &room);
    void roomLeft(const QString &room);
    void roomFailed(const QString &room, const QString &code, const QString &message);
    void presenceSnapshot(const Hallway::PresenceSnapshot &snapshot);
    void presenceEvent(const Hallway::PresenceEvent &event);
    void metadataResolved(const QString &connectionId, const QJsonValue &metadata);
    void channelMessage(const QString &channel, const QJsonValue &message);
    void historyReceived(const QString &channel, const QJsonArray &history, bool replay);
    void pushReceived(const QString &command, const QJsonValue &payload);
    void errorOccurred(const QString &code, const QString &message);

private:
    class Private;
    std::unique_ptr<Private> d;
};

} // namespace Hallway

Q_DECLARE_METATYPE(Hallway::LinkState)
