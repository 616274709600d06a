#pragma once
// PresenceClient: the client side of the @prsm/realtime protocol for rooms, presence,
// connection metadata, channels and custom commands (the seed's API), plus what the
// JavaScript client lacks: it waits for the new connection id after a reconnect, rejoins,
// resubscribes, reconciles each room against a fresh snapshot, republishes our own state and
// metadata, and resubscribes channels. It knows nothing of models or QML views: it emits
// plain value types (presencetypes.h) that the models apply.
//
// Threads (docs/threading.md): this object lives on the GUI thread and is a facade. The
// socket, parsing, reply matching and reconciliation run in ClientCore on a worker thread
// that this object owns. What the core reports arrives here through one ordered inbox,
// state changes of one member coalesced, and is emitted in slices of at most
// ConnectionOptions::incomingSliceMs per event-loop turn, so the GUI never stalls on the wire.
#include "connectionoptions.h"
#include "connectionstatus.h"
#include "presencetypes.h"
#include "reply.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QObject>
#include <QUrl>
#include <QtQml/qqmlregistration.h>
#include <memory>

namespace Hallway {

class PresenceClient : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QUrl url READ url WRITE setUrl NOTIFY urlChanged)
    Q_PROPERTY(QList<QUrl> urls READ urls WRITE setUrls NOTIFY urlChanged)
    Q_PROPERTY(Hallway::ConnectionStatus::Status status READ status NOTIFY statusChanged)
    Q_PROPERTY(QString connectionId READ connectionId NOTIFY connectionIdChanged)
    Q_PROPERTY(int latency READ latency NOTIFY latencyChanged)
    Q_PROPERTY(int nextRetryIn READ nextRetryIn NOTIFY nextRetryInChanged)
    Q_PROPERTY(QString errorCode READ errorCode NOTIFY errorChanged)
    Q_PROPERTY(QString errorString READ errorString NOTIFY errorChanged)
    Q_PROPERTY(QStringList joinedRooms READ joinedRooms NOTIFY joinedRoomsChanged)

public:
    using Status = ConnectionStatus::Status; // QML: ConnectionStatus.Online, ...

    explicit PresenceClient(QObject *parent = nullptr);
    explicit PresenceClient(const ConnectionOptions &options, QObject *parent = nullptr);
    ~PresenceClient() override;

    ConnectionOptions options() const;
    void setOptions(const ConnectionOptions &options);

    QUrl url() const;                  // the first of urls()
    void setUrl(const QUrl &url);
    QList<QUrl> urls() const;          // failover list: on failure the next one is tried
    void setUrls(const QList<QUrl> &urls);

    Status status() const;
    QString connectionId() const;      // empty until rt/assign-id
    int latency() const;               // last round trip the server measured, ms
    int nextRetryIn() const;           // whole seconds until the next reconnect try, 0 if none
    QString errorCode() const;         // e.g. EAUTH after a 401/403 handshake (no retry loop)
    QString errorString() const;       // a sentence for people
    QStringList joinedRooms() const;
    bool isJoined(const QString &room) const;
    bool isSubscribed(const QString &room) const;

    Q_INVOKABLE void open();           // connect to urls(); reconnects by itself until close()
    Q_INVOKABLE void close();          // by the user: no reconnect, status Offline
    Q_INVOKABLE void retryNow();       // skip the backoff countdown
    // Ends the current session and starts a new one with a full resync (new connection id,
    // metadata, rooms, states, channels): the remedy when the server lost our session.
    Q_INVOKABLE void reconnect();

    // Rooms and presence. joinRoom(room, true) joins and subscribes: its result is
    // {success, present:[{id, metadata}], states:{id: state}} and it emits presenceSnapshot.
    Q_INVOKABLE Hallway::Reply *joinRoom(const QString &room, bool subscribe = true);
    Q_INVOKABLE Hallway::Reply *leaveRoom(const QString &room); // also drops the subscription
    Q_INVOKABLE Hallway::Reply *subscribePresence(const QString &room);
    Q_INVOKABLE Hallway::Reply *unsubscribePresence(const QString &room);
    // Presence state is declarative: the last one set is what we republish after a reconnect
    // (unless its expireAfter has run out). Falsy states are refused locally (EBADSTATE).
    Q_INVOKABLE Hallway::Reply *publishPresenceState(const QString &room, const QJsonObject &state,
                                                     int expireAfterMs = 0);
    Q_INVOKABLE Hallway::Reply *clearPresenceState(const QString &room);

    // Metadata. connectionMetadata() is cached per id; an empty id means our own connection.
    Q_INVOKABLE Hallway::Reply *connectionMetadata(const QString &connectionId = QString());
    // strategy: "replace" | "merge" | "deepMerge"; re-applied after every reconnect.
    Q_INVOKABLE Hallway::Reply *setConnectionMetadata(const QJsonObject &metadata,
                                                      const QString &strategy = QStringLiteral("replace"));
    Q_INVOKABLE Hallway::Reply *roomMetadata(const QString &room);
    QJsonValue cachedMetadata(const QString &connectionId) const;

    // Channels. History arrives through historyReceived (oldest first), live messages through
    // channelMessage; both parse JSON strings and fall back to plain text.
    Q_INVOKABLE Hallway::Reply *subscribeChannel(const QString &channel, int historyLimit = 0);
    Q_INVOKABLE Hallway::Reply *unsubscribeChannel(const QString &channel);
    Q_INVOKABLE Hallway::Reply *channelHistory(const QString &channel, int limit = 50);

    // Custom commands exposed by the server (e.g. chat:send, rooms:list).
    Q_INVOKABLE Hallway::Reply *command(const QString &name, const QJsonValue &payload = QJsonObject());

Q_SIGNALS:
    void urlChanged();
    void statusChanged();
    void connectionIdChanged();
    void latencyChanged();
    void nextRetryInChanged();
    void errorChanged();
    void joinedRoomsChanged();

    void connected(const QString &connectionId);        // after every rt/assign-id
    void resynced(const QString &room);                 // a room's post-reconnect resync is complete
    // A room whose snapshot failed on several sessions in a row; empty code: it works again.
    void roomFailed(const QString &room, const QString &code, const QString &message);
    void roomLeft(const QString &room);                 // after leaveRoom() succeeded
    void presenceSnapshot(const Hallway::PresenceSnapshot &snapshot);
    void presenceEvent(const Hallway::PresenceEvent &event);
    void metadataResolved(const QString &connectionId, const QJsonValue &metadata);
    void channelMessage(const QString &channel, const QJsonValue &message);
    void historyReceived(const QString &channel, const QJsonArray &history, bool replay);
    void pushReceived(const QString &command, const QJsonValue &payload); // custom server pushes
    void errorOccurred(const QString &code, const QString &message);

private:
    class Private;
    std::unique_ptr<Private> d;
};

} // namespace Hallway
