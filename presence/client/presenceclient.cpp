#include "presenceclient.h"
#include "clientcore.h"
#include "logging.h"

#include <QElapsedTimer>
#include <QMutex>
#include <QPointer>
#include <QThread>
#include <functional>

namespace Hallway {

// What crosses from the worker to the GUI thread: one ordered list of deliveries. A state
// event waiting in it is replaced by a newer state of the same member (storms coalesce).
class PresenceClient::Private
{
public:
    explicit Private(PresenceClient *qq) : q(qq) {}

    struct Item {
        std::function<void()> run;   // everything but presence events
        PresenceEvent event;         // when !run
    };

    PresenceClient *q;
    QThread thread;
    ClientCore *core = nullptr;
    ConnectionOptions options;
    QList<QUrl> urls;

    // Mirrors, updated in inbox order so they agree with the signals around them.
    LinkState link;
    QHash<QString, QPair<bool, bool>> roomFlags; // joined, subscribed
    QStringList joinedOrder;

    // Worker side of the inbox.
    QMutex lock;
    QList<Item> incoming;
    QHash<QPair<QString, QString>, qsizetype> waitingStates; // (room, id) -> index in incoming
    bool wakePosted = false;
    // GUI side.
    QList<Item> local;
    qsizetype localHead = 0;

    // Runs fn on the worker thread.
    template<typename Fn> void onWorker(Fn fn)
    {
        QMetaObject::invokeMethod(core, std::move(fn), Qt::QueuedConnection);
    }

    // Worker thread: queue a delivery and wake the GUI thread once.
    void post(Item item)
    {
        QMutexLocker locker(&lock);
        if (!item.run) {
            const auto key = qMakePair(item.event.room, item.event.connectionId);
            if (item.event.type == PresenceEvent::Type::State) {
                const auto it = waitingStates.constFind(key);
                if (it != waitingStates.cend()) {
                    incoming[*it].event = std::move(item.event);
                    return;
                }
                waitingStates.insert(key, incoming.size());
            } else {
                waitingStates.remove(key); // a later state must not jump over this join/leave
            }
        }
        incoming.append(std::move(item));
        if (!wakePosted) {
            wakePosted = true;
            QMetaObject::invokeMethod(q, [this] { drain(); }, Qt::QueuedConnection);
        }
    }
    void post(std::function<void()> fn) { post(Item{std::move(fn), {}}); }

    // GUI thread: deliver in order, at most incomingSliceMs per event-loop turn. Re-entrant:
    // a slot that spins a nested event loop continues from the same place.
    void drain()
    {
        QElapsedTimer slice;
        slice.start();
        for (;;) {
            if (localHead >= local.size()) {
                QMutexLocker locker(&lock);
                local = std::exchange(incoming, {});
                waitingStates.clear();
                localHead = 0;
                if (local.isEmpty()) {
                    wakePosted = false;
                    return;
                }
            }
            Item item = std::exchange(local[localHead++], Item());
            if (item.run)
                item.run();
            else
                deliverEvent(item.event);
            if (options.incomingSliceMs > 0 && slice.elapsed() >= options.incomingSliceMs) {
                QMetaObject::invokeMethod(q, [this] { drain(); }, Qt::QueuedConnection);
                return; // the next turn goes on; wakePosted stays set meanwhile
            }
        }
    }

    void deliverEvent(const PresenceEvent &event) { Q_EMIT q->presenceEvent(event); }

    void setLink(const LinkState &next)
    {
        const LinkState prev = std::exchange(link, next);
        if (prev.status != next.status)
            Q_EMIT q->statusChanged();
        if (prev.connectionId != next.connectionId)
            Q_EMIT q->connectionIdChanged();
        if (prev.latency != next.latency)
            Q_EMIT q->latencyChanged();
        if (prev.nextRetryIn != next.nextRetryIn)
            Q_EMIT q->nextRetryInChanged();
        if (prev.errorCode != next.errorCode || prev.errorString != next.errorString)
            Q_EMIT q->errorChanged();
    }

    void setRoomFlags(const QString &room, bool joined, bool subscribed)
    {
        if (!joined && !subscribed)
            roomFlags.remove(room);
        else
            roomFlags.insert(room, {joined, subscribed});
        const bool listed = joinedOrder.contains(room);
        if (joined == listed)
            return;
        if (joined)
            joinedOrder.append(room);
        else
            joinedOrder.removeAll(room);
        Q_EMIT q->joinedRoomsChanged();
    }

    // One Reply per call: the core's Done posts the outcome back through the inbox.
    using Start = std::function<void(ClientCore *, ClientCore::Done)>;
    Reply *call(Start start)
    {
        Reply *reply = new Reply(q);
        QPointer<Reply> guard(reply);
        ClientCore::Done done = [this, guard](const QJsonValue &result, const RtError &error) {
            post([guard, result, error] {
                if (!guard)
                    return;
                if (error.isNull())
                    guard->resolve(result);
                else
                    guard->reject(error);
            });
        };
        onWorker([core = core, start = std::move(start), done = std::move(done)] { start(core, done); });
        return reply;
    }

    void wire();
};

void PresenceClient::Private::wire()
{
    // Direct connections: these run on the worker thread and only queue a delivery.
    const auto direct = Qt::DirectConnection;
    connect(core, &ClientCore::linkChanged, q, [this](const LinkState &s) { post([this, s] { setLink(s); }); }, direct);
    connect(core, &ClientCore::roomFlagsChanged, q, [this](const QString &room, bool joined, bool subscribed) {
        post([this, room, joined, subscribed] { setRoomFlags(room, joined, subscribed); });
    }, direct);
    connect(core, &ClientCore::connected, q, [this](const QString &id) {
        post([this, id] { Q_EMIT q->connected(id); });
    }, direct);
    connect(core, &ClientCore::resynced, q, [this](const QString &room) {
        post([this, room] { Q_EMIT q->resynced(room); });
    }, direct);
    connect(core, &ClientCore::roomLeft, q, [this](const QString &room) {
        post([this, room] { Q_EMIT q->roomLeft(room); });
    }, direct);
    connect(core, &ClientCore::roomFailed, q, [this](const QString &room, const QString &code, const QString &message) {
        post([this, room, code, message] { Q_EMIT q->roomFailed(room, code, message); });
    }, direct);
    connect(core, &ClientCore::presenceSnapshot, q, [this](const PresenceSnapshot &snapshot) {
        post([this, snapshot] { Q_EMIT q->presenceSnapshot(snapshot); });
    }, direct);
    connect(core, &ClientCore::presenceEvent, q, [this](const PresenceEvent &event) { post(Item{{}, event}); }, direct);
    connect(core, &ClientCore::metadataResolved, q, [this](const QString &id, const QJsonValue &meta) {
        post([this, id, meta] { Q_EMIT q->metadataResolved(id, meta); });
    }, direct);
    connect(core, &ClientCore::channelMessage, q, [this](const QString &channel, const QJsonValue &message) {
        post([this, channel, message] { Q_EMIT q->channelMessage(channel, message); });
    }, direct);
    connect(core, &ClientCore::historyReceived, q, [this](const QString &channel, const QJsonArray &history, bool replay) {
        post([this, channel, history, replay] { Q_EMIT q->historyReceived(channel, history, replay); });
    }, direct);
    connect(core, &ClientCore::pushReceived, q, [this](const QString &command, const QJsonValue &payload) {
        post([this, command, payload] { Q_EMIT q->pushReceived(command, payload); });
    }, direct);
    connect(core, &ClientCore::errorOccurred, q, [this](const QString &code, const QString &message) {
        post([this, code, message] { Q_EMIT q->errorOccurred(code, message); });
    }, direct);
}

// ======================================================================================

PresenceClient::PresenceClient(QObject *parent) : PresenceClient(ConnectionOptions{}, parent) {}

PresenceClient::PresenceClient(const ConnectionOptions &options, QObject *parent)
    : QObject(parent), d(std::make_unique<Private>(this))
{
    qRegisterMetaType<Hallway::PresenceSnapshot>();
    qRegisterMetaType<Hallway::PresenceEvent>();
    qRegisterMetaType<Hallway::RtError>();
    d->options = options;
    d->core = new ClientCore(options);
    d->wire();
    d->core->moveToThread(&d->thread);
    d->thread.setObjectName(QStringLiteral("hallway-wire"));
    connect(&d->thread, &QThread::finished, d->core, &QObject::deleteLater);
    d->thread.start();
}

PresenceClient::~PresenceClient()
{
    // The core (and its socket) is deleted on its own thread as that thread finishes.
    d->core->disconnect(this);
    d->thread.quit();
    d->thread.wait();
}

ConnectionOptions PresenceClient::options() const { return d->options; }

void PresenceClient::setOptions(const ConnectionOptions &options)
{
    d->options = options;
    d->onWorker([core = d->core, options] { core->setOptions(options); });
}

QUrl PresenceClient::url() const { return d->urls.isEmpty() ? QUrl() : d->urls.first(); }

void PresenceClient::setUrl(const QUrl &url)
{
    setUrls(url.isEmpty() ? QList<QUrl>{} : QList<QUrl>{url});
}

QList<QUrl> PresenceClient::urls() const { return d->urls; }

void PresenceClient::setUrls(const QList<QUrl> &urls)
{
    if (urls == d->urls)
        return;
    d->urls = urls;
    d->onWorker([core = d->core, urls] { core->setUrls(urls); });
    Q_EMIT urlChanged();
}

PresenceClient::Status PresenceClient::status() const { return d->link.status; }
QString PresenceClient::connectionId() const { return d->link.connectionId; }
int PresenceClient::latency() const { return d->link.latency; }
int PresenceClient::nextRetryIn() const { return d->link.nextRetryIn; }
QString PresenceClient::errorCode() const { return d->link.errorCode; }
QString PresenceClient::errorString() const { return d->link.errorString; }
QStringList PresenceClient::joinedRooms() const { return d->joinedOrder; }
bool PresenceClient::isJoined(const QString &room) const { return d->roomFlags.value(room).first; }
bool PresenceClient::isSubscribed(const QString &room) const { return d->roomFlags.value(room).second; }

void PresenceClient::open() { d->onWorker([core = d->core] { core->open(); }); }
void PresenceClient::close() { d->onWorker([core = d->core] { core->close(); }); }
void PresenceClient::retryNow() { d->onWorker([core = d->core] { core->retryNow(); }); }
void PresenceClient::reconnect() { d->onWorker([core = d->core] { core->reconnect(); }); }

Reply *PresenceClient::joinRoom(const QString &room, bool subscribe)
{
    return d->call([room, subscribe](ClientCore *c, ClientCore::Done done) { c->joinRoom(room, subscribe, done); });
}

Reply *PresenceClient::leaveRoom(const QString &room)
{
    // Intent first, as the core does: a caller asking right away must not see it joined.
    if (d->roomFlags.contains(room))
        d->setRoomFlags(room, false, d->roomFlags.value(room).second);
    return d->call([room](ClientCore *c, ClientCore::Done done) { c->leaveRoom(room, done); });
}

Reply *PresenceClient::subscribePresence(const QString &room)
{
    return d->call([room](ClientCore *c, ClientCore::Done done) { c->subscribePresence(room, done); });
}

Reply *PresenceClient::unsubscribePresence(const QString &room)
{
    return d->call([room](ClientCore *c, ClientCore::Done done) { c->unsubscribePresence(room, done); });
}

Reply *PresenceClient::publishPresenceState(const QString &room, const QJsonObject &state, int expireAfterMs)
{
    return d->call([room, state, expireAfterMs](ClientCore *c, ClientCore::Done done) {
        c->publishPresenceState(room, state, expireAfterMs, done);
    });
}

Reply *PresenceClient::clearPresenceState(const QString &room)
{
    return d->call([room](ClientCore *c, ClientCore::Done done) { c->clearPresenceState(room, done); });
}

Reply *PresenceClient::connectionMetadata(const QString &connectionId)
{
    return d->call([connectionId](ClientCore *c, ClientCore::Done done) { c->connectionMetadata(connectionId, done); });
}

Reply *PresenceClient::setConnectionMetadata(const QJsonObject &metadata, const QString &strategy)
{
    return d->call([metadata, strategy](ClientCore *c, ClientCore::Done done) {
        c->setConnectionMetadata(metadata, strategy, done);
    });
}

Reply *PresenceClient::roomMetadata(const QString &room)
{
    return d->call([room](ClientCore *c, ClientCore::Done done) { c->roomMetadata(room, done); });
}

QJsonValue PresenceClient::cachedMetadata(const QString &connectionId) const
{
    return d->core->cachedMetadata(connectionId);
}

Reply *PresenceClient::subscribeChannel(const QString &channel, int historyLimit)
{
    return d->call([channel, historyLimit](ClientCore *c, ClientCore::Done done) {
        c->subscribeChannel(channel, historyLimit, done);
    });
}

Reply *PresenceClient::unsubscribeChannel(const QString &channel)
{
    return d->call([channel](ClientCore *c, ClientCore::Done done) { c->unsubscribeChannel(channel, done); });
}

Reply *PresenceClient::channelHistory(const QString &channel, int limit)
{
    return d->call([channel, limit](ClientCore *c, ClientCore::Done done) { c->channelHistory(channel, limit, done); });
}

Reply *PresenceClient::command(const QString &name, const QJsonValue &payload)
{
    return d->call([name, payload](ClientCore *c, ClientCore::Done done) { c->command(name, payload, done); });
}

} // namespace Hallway
