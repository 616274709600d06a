#pragma once
// FaultServer: a small WebSocket server for the one job the real server cannot do: send
// hostile input (non-JSON, wrong shapes and types, replies for ids never sent, binary and
// oversized frames, floods, stalls). It answers the built-in commands with plausible
// payloads so a client can get online, and lets a test push any frame at any time.
#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QObject>
#include <QUrl>
#include <functional>

class QWebSocket;
class QWebSocketServer;

class FaultServer : public QObject
{
    Q_OBJECT
public:
    // Returns the reply payload for a command; return an undefined QJsonValue to send none.
    using Handler = std::function<QJsonValue(const QString &command, const QJsonValue &payload)>;

    explicit FaultServer(QObject *parent = nullptr);
    ~FaultServer() override;

    bool listen();                     // 127.0.0.1, free port
    QUrl url() const;
    void setHandler(Handler handler) { m_handler = std::move(handler); }
    void setSendAssignId(bool send) { m_sendAssignId = send; }
    void setSilent(bool silent) { m_silent = silent; } // read commands, answer nothing

    int clientCount() const { return m_clients.size(); }
    int connectionsSeen() const { return m_connectionsSeen; }
    QList<QJsonObject> received() const { return m_received; }
    QString lastConnectionId() const { return m_lastId; }

    void sendText(const QString &text);      // to every client
    void sendBinary(const QByteArray &data);
    void sendJson(const QJsonObject &frame);
    void closeClients();                     // normal close from the server side
    void abortClients();                     // drop TCP without a close frame

    static QJsonValue defaultReply(const QString &command, const QJsonValue &payload);

Q_SIGNALS:
    void commandReceived(const QJsonObject &frame);
    void clientConnected();

private:
    void onNewConnection();
    void onText(QWebSocket *socket, const QString &text);

    QWebSocketServer *m_server;
    QList<QWebSocket *> m_clients;
    QList<QJsonObject> m_received;
    Handler m_handler;
    bool m_sendAssignId = true;
    bool m_silent = false;
    int m_connectionsSeen = 0;
    QString m_lastId;
};
