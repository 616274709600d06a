#include "singleinstance.h"

#include "uilogging.h"

#include <QCryptographicHash>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocalServer>
#include <QLocalSocket>
#include <QStandardPaths>

namespace Hallway {

namespace {
constexpr qsizetype kMaxRequest = 64 * 1024; // a few room names; anything larger is not ours
}

SingleInstance::SingleInstance(const QString &name, QObject *parent)
    : QObject(parent)
    , m_name(name)
{
}

SingleInstance::~SingleInstance() = default;

QString SingleInstance::socketName(const QString &userId, const QString &serverUrl)
{
    QString dir = QStandardPaths::writableLocation(QStandardPaths::RuntimeLocation);
    if (dir.isEmpty())
        dir = QDir::tempPath();
    // Hashed: a URL may be longer than a socket path allows and has characters paths do not like.
    const QByteArray key = QCryptographicHash::hash((userId + QLatin1Char('\n') + serverUrl).toUtf8(),
                                                    QCryptographicHash::Sha256)
                               .toHex()
                               .left(24);
    return dir + QStringLiteral("/hallway-") + QString::fromLatin1(key);
}

bool SingleInstance::handOver(const QStringList &rooms, int timeoutMs)
{
    QLocalSocket socket;
    socket.connectToServer(m_name);
    if (!socket.waitForConnected(timeoutMs))
        return false;
    const QJsonObject request{{QStringLiteral("join"), QJsonArray::fromStringList(rooms)}};
    socket.write(QJsonDocument(request).toJson(QJsonDocument::Compact) + '\n');
    if (!socket.waitForBytesWritten(timeoutMs))
        return false;
    while (!socket.canReadLine()) {
        if (!socket.waitForReadyRead(timeoutMs))
            return false;
    }
    return socket.readLine().trimmed() == "ok";
}

bool SingleInstance::listen()
{
    m_server = new QLocalServer(this);
    m_server->setSocketOptions(QLocalServer::UserAccessOption);
    if (!m_server->listen(m_name)) {
        // Nobody answered handOver(), so a socket file there is stale.
        QLocalServer::removeServer(m_name);
        if (!m_server->listen(m_name)) {
            qCWarning(lcUi) << "cannot listen for other Hallway instances:" << m_server->errorString();
            return false;
        }
    }
    connect(m_server, &QLocalServer::newConnection, this, &SingleInstance::accept);
    return true;
}

void SingleInstance::accept()
{
    while (QLocalSocket *socket = m_server->nextPendingConnection()) {
        connect(socket, &QLocalSocket::disconnected, socket, &QObject::deleteLater);
        connect(socket, &QLocalSocket::readyRead, this, [this, socket] {
            if (!socket->canReadLine()) {
                if (socket->bytesAvailable() > kMaxRequest)
                    socket->abort();
                return;
            }
            const QJsonObject request = QJsonDocument::fromJson(socket->readLine()).object();
            QStringList rooms;
            for (const QJsonValue &room : request.value(QStringLiteral("join")).toArray()) {
                if (room.isString() && !room.toString().trimmed().isEmpty())
                    rooms.append(room.toString().trimmed());
            }
            socket->write("ok\n");
            socket->flush();
            socket->disconnectFromServer();
            qCInfo(lcUi) << "another hallway asked us to come forward" << rooms;
            Q_EMIT activated(rooms);
        });
    }
}

} // namespace Hallway
