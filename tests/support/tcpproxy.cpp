#include "tcpproxy.h"

#include <QDir>
#include <QProcess>
#include <QSslConfiguration>
#include <QSslServer>
#include <QSslSocket>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>

TcpProxy::TcpProxy(quint16 targetPort, QObject *parent) : QObject(parent), m_targetPort(targetPort) {}

TcpProxy::~TcpProxy()
{
    dropAll();
}

void TcpProxy::setTls(const QSslCertificate &certificate, const QSslKey &key)
{
    m_tls = true;
    m_cert = certificate;
    m_key = key;
}

bool TcpProxy::listen(quint16 port)
{
    if (m_tls) {
        auto *server = new QSslServer(this);
        QSslConfiguration config = QSslConfiguration::defaultConfiguration();
        config.setLocalCertificate(m_cert);
        config.setPrivateKey(m_key);
        config.setPeerVerifyMode(QSslSocket::VerifyNone);
        server->setSslConfiguration(config);
        m_server = server;
    } else {
        m_server = new QTcpServer(this);
    }
    connect(m_server, &QTcpServer::pendingConnectionAvailable, this, &TcpProxy::onIncoming);
    return m_server->listen(QHostAddress::LocalHost, port);
}

quint16 TcpProxy::port() const
{
    return m_server ? m_server->serverPort() : 0;
}

void TcpProxy::onIncoming()
{
    while (QTcpSocket *client = m_server->nextPendingConnection()) {
        auto *upstream = new QTcpSocket(this);
        m_pairs.insert(client, upstream);
        connect(client, &QTcpSocket::readyRead, this, [this, client, upstream] { pump(client, upstream); });
        connect(upstream, &QTcpSocket::readyRead, this, [this, client, upstream] { pump(upstream, client); });
        connect(upstream, &QTcpSocket::connected, this, [this, client, upstream] { pump(client, upstream); });
        connect(client, &QTcpSocket::disconnected, this, [this, client] { closePair(client); });
        connect(upstream, &QTcpSocket::disconnected, this, [this, client] { closePair(client); });
        // Target down (refused): close the client too, as a direct connection would fail,
        // instead of leaving it hanging until its own connect timeout.
        connect(upstream, &QTcpSocket::errorOccurred, this, [this, client, upstream] {
            if (upstream->state() != QAbstractSocket::ConnectedState)
                closePair(client);
        });
        upstream->connectToHost(QHostAddress::LocalHost, m_targetPort);
        Q_EMIT accepted();
    }
}

void TcpProxy::pump(QTcpSocket *from, QTcpSocket *to)
{
    const bool reply = !m_pairs.contains(from); // from the target towards the client
    if (m_silent || (reply && m_repliesSilent) || to->state() != QAbstractSocket::ConnectedState)
        return; // data waits in the socket buffer, as on a stalled path
    const QByteArray data = from->readAll();
    if (!data.isEmpty())
        to->write(data);
}

void TcpProxy::setSilent(bool silent)
{
    m_silent = silent;
    pumpAll();
}

void TcpProxy::setRepliesSilent(bool silent)
{
    m_repliesSilent = silent;
    pumpAll();
}

void TcpProxy::pumpAll()
{
    for (auto it = m_pairs.cbegin(); it != m_pairs.cend(); ++it) {
        pump(it.key(), it.value());
        pump(it.value(), it.key());
    }
}

void TcpProxy::closePair(QTcpSocket *client)
{
    QTcpSocket *upstream = m_pairs.take(client);
    if (!upstream)
        return;
    client->disconnect(this);
    upstream->disconnect(this);
    client->abort();
    upstream->abort();
    client->deleteLater();
    upstream->deleteLater();
}

void TcpProxy::dropAll()
{
    const auto clients = m_pairs.keys();
    for (QTcpSocket *client : clients)
        closePair(client);
}

bool TcpProxy::makeSelfSigned(const QString &dir, QString *certPath, QString *keyPath)
{
    const QString openssl = QStandardPaths::findExecutable(QStringLiteral("openssl"));
    if (openssl.isEmpty())
        return false;
    *certPath = QDir(dir).filePath(QStringLiteral("cert.pem"));
    *keyPath = QDir(dir).filePath(QStringLiteral("key.pem"));
    QProcess p;
    p.start(openssl, {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                      QStringLiteral("rsa:2048"), QStringLiteral("-nodes"), QStringLiteral("-days"),
                      QStringLiteral("2"), QStringLiteral("-subj"), QStringLiteral("/CN=127.0.0.1"),
                      QStringLiteral("-addext"),
                      QStringLiteral("subjectAltName=IP:127.0.0.1,DNS:localhost"),
                      QStringLiteral("-keyout"), *keyPath, QStringLiteral("-out"), *certPath});
    return p.waitForFinished(30000) && p.exitCode() == 0;
}
