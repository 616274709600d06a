#pragma once
// A PresenceClient with every signal recorded, and a helper that waits for a Reply.
#include "presenceclient.h"
#include "testutil.h"

#include <QJsonArray>
#include <QObject>
#include <QPointer>
#include <memory>

struct Settled {
    bool done = false;
    bool ok = false;
    QJsonValue value;
    Hallway::RtError error;
};

// Attach at once: a reply deletes itself after settling, so never hold a raw pointer across
// an event loop turn without having attached.
inline std::shared_ptr<Settled> track(Hallway::Reply *reply)
{
    auto result = std::make_shared<Settled>();
    reply->then(nullptr,
                [result](const QJsonValue &v) { result->done = true; result->ok = true; result->value = v; },
                [result](const Hallway::RtError &e) { result->done = true; result->error = e; });
    return result;
}

inline Settled await(const std::shared_ptr<Settled> &result, int timeoutMs = 8000)
{
    TestUtil::waitUntil([&] { return result->done; }, timeoutMs);
    return *result;
}

inline Settled await(Hallway::Reply *reply, int timeoutMs = 8000)
{
    return await(track(reply), timeoutMs);
}

class ClientProbe : public QObject
{
public:
    Hallway::PresenceClient client;
    QList<Hallway::PresenceSnapshot> snapshots;
    QList<Hallway::PresenceEvent> events;
    QList<QPair<QString, QJsonValue>> messages;
    struct History { QString channel; QJsonArray items; bool replay; };
    QList<History> histories;
    QStringList resynced;
    QStringList connectedIds;
    QStringList errors;
    QStringList roomsLeft;

    explicit ClientProbe(const QUrl &url, const Hallway::ConnectionOptions &options = {})
        : client(options)
    {
        client.setUrl(url);
        connect(&client, &Hallway::PresenceClient::presenceSnapshot, this,
                [this](const Hallway::PresenceSnapshot &s) { snapshots << s; });
        connect(&client, &Hallway::PresenceClient::presenceEvent, this,
                [this](const Hallway::PresenceEvent &e) { events << e; });
        connect(&client, &Hallway::PresenceClient::channelMessage, this,
                [this](const QString &c, const QJsonValue &m) { messages << qMakePair(c, m); });
        connect(&client, &Hallway::PresenceClient::historyReceived, this,
                [this](const QString &c, const QJsonArray &h, bool replay) { histories << History{c, h, replay}; });
        connect(&client, &Hallway::PresenceClient::resynced, this, [this](const QString &r) { resynced << r; });
        connect(&client, &Hallway::PresenceClient::connected, this, [this](const QString &id) { connectedIds << id; });
        connect(&client, &Hallway::PresenceClient::errorOccurred, this,
                [this](const QString &code, const QString &) { errors << code; });
        connect(&client, &Hallway::PresenceClient::roomLeft, this, [this](const QString &r) { roomsLeft << r; });
    }

    bool openAndWait(int timeoutMs = 8000)
    {
        client.open();
        return TestUtil::waitUntil([this] { return client.status() == Hallway::ConnectionStatus::Online; }, timeoutMs);
    }

    QList<Hallway::PresenceEvent> eventsFor(const QString &room, const QString &id) const
    {
        QList<Hallway::PresenceEvent> out;
        for (const auto &e : events)
            if (e.room == room && e.connectionId == id)
                out << e;
        return out;
    }
    int count(const QString &room, const QString &id, Hallway::PresenceEvent::Type type) const
    {
        int n = 0;
        for (const auto &e : eventsFor(room, id))
            n += e.type == type;
        return n;
    }
    bool hasEvent(const QString &room, const QString &id, Hallway::PresenceEvent::Type type) const
    {
        return count(room, id, type) > 0;
    }
    static bool hasMember(const Hallway::PresenceSnapshot &s, const QString &id)
    {
        for (const auto &m : s.members)
            if (m.connectionId == id)
                return true;
        return false;
    }
};
