#include "faultserver.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QUuid>
#include <QWebSocket>
#include <QWebSocketServer>

FaultServer::FaultServer(QObject *parent)
    : QObject(parent)
    , m_server(new QWebSocketServer(QStringLiteral("fault"), QWebSocketServer::NonSecureMode, this))
    , m_handler(&FaultServer::defaultReply)
{
    connect(m_server, &QWebSocketServer::newConnection, this, &FaultServer::onNewConnection);
}

FaultServer::~FaultServer()
{
    abortClients();
}

bool FaultServer::listen()
{
    return m_server->listen(QHostAddress::LocalHost, 0);
}

QUrl FaultServer::url() const
{
    return QUrl(QStringLiteral("ws://127.0.0.1:%1/?user=fault&name=Fault").arg(m_server->serverPort()));
}

QJsonValue FaultServer::defaultReply(const QString &command, const QJsonValue &payload)
{
    const QJsonObject p = payload.toObject();
    if (command == QLatin1String("rt/noop"))
        return true;
    if (command == QLatin1String("rt/join-room"))
        return QJsonObject{{QStringLiteral("success"), true}, {QStringLiteral("present"), QJsonArray()}};
    if (command == QLatin1String("rt/subscribe-presence"))
        return QJsonObject{{QStringLiteral("success"), true}, {QStringLiteral("present"), QJsonArray()},
                           {QStringLiteral("states"), QJsonObject()}};
    if (command == QLatin1String("rt/get-presence-state"))
        return QJsonObject{{QStringLiteral("success"), true}, {QStringLiteral("present"), QJsonArray()},
                           {QStringLiteral("states"), QJsonObject()}};
    if (command == QLatin1String("rt/subscribe-channel") || command == QLatin1String("rt/get-channel-history"))
        return QJsonObject{{QStringLiteral("success"), true}, {QStringLiteral("history"), QJsonArray()}};
    if (command.startsWith(QLatin1String("rt/get-")) && command.endsWith(QLatin1String("metadata")))
        return QJsonObject{{QStringLiteral("metadata"), QJsonValue::Null}};
    if (command.startsWith(QLatin1String("rt/")))
        return command.contains(QLatin1String("set-my")) ? QJsonValue(QJsonObject{{QStringLiteral("success"), true}})
                                                         : QJsonValue(true);
    Q_UNUSED(p)
    return QJsonObject{{QStringLiteral("error"), QStringLiteral("Command \"%1\" not found").arg(command)},
                       {QStringLiteral("code"), QStringLiteral("ENOTFOUND")},
                       {QStringLiteral("name"), QStringLiteral("CommandError")}};
}

void FaultServer::onNewConnection()
{
    while (QWebSocket *socket = m_server->nextPendingConnection()) {
        ++m_connectionsSeen;
        m_clients.append(socket);
        connect(socket, &QWebSocket::textMessageReceived, this,
                [this, socket](const QString &text) { onText(socket, text); });
        connect(socket, &QWebSocket::disconnected, this, [this, socket] {
            m_clients.removeAll(socket);
            socket->deleteLater();
        });
        if (m_sendAssignId) {
            m_lastId = QUuid::createUuid().toString(QUuid::WithoutBraces);
            socket->sendTextMessage(QStringLiteral(R"({"command":"rt/assign-id","payload":"%1"})").arg(m_lastId));
        }
        Q_EMIT clientConnected();
    }
}

void FaultServer::onText(QWebSocket *socket, const QString &text)
{
    const QJsonObject frame = QJsonDocument::fromJson(text.toUtf8()).object();
    m_received.append(frame);
    Q_EMIT commandReceived(frame);
    const QString command = frame.value(QStringLiteral("command")).toString();
    if (m_silent || command == QLatin1String("pong") || command == QLatin1String("latency:response"))
        return;
    if (!frame.contains(QStringLiteral("id")))
        return;
    const QJsonValue reply = m_handler(command, frame.value(QStringLiteral("payload")));
    if (reply.isUndefined())
        return;
    QJsonObject out{{QStringLiteral("id"), frame.value(QStringLiteral("id"))},
                    {QStringLiteral("command"), command},
                    {QStringLiteral("payload"), reply}};
    socket->sendTextMessage(QString::fromUtf8(QJsonDocument(out).toJson(QJsonDocument::Compact)));
}

void FaultServer::sendText(const QString &text)
{
    for (QWebSocket *socket : std::as_const(m_clients))
        socket->sendTextMessage(text);
}

void FaultServer::sendBinary(const QByteArray &data)
{
    for (QWebSocket *socket : std::as_const(m_clients))
        socket->sendBinaryMessage(data);
}

void FaultServer::sendJson(const QJsonObject &frame)
{
    sendText(QString::fromUtf8(QJsonDocument(frame).toJson(QJsonDocument::Compact)));
}

void FaultServer::closeClients()
{
    const auto clients = m_clients;
    for (QWebSocket *socket : clients)
        socket->close();
}

void FaultServer::abortClients()
{
    const auto clients = m_clients;
    m_clients.clear();
    for (QWebSocket *socket : clients) {
        socket->abort();
        socket->deleteLater();
    }
}
