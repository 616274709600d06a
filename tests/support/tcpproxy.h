#pragma once
// TcpProxy: forwards loopback TCP to a target port, so a test can make the path fail the way
// networks do: go silent without closing (Wi-Fi gone, laptop asleep), or drop every connection.
// With a certificate it terminates TLS in front of the real (plain ws://) server, so wss://
// is tested against the real server too.
#include <QHash>
#include <QObject>
#include <QSslCertificate>
#include <QSslKey>
#include <QString>

class QTcpServer;
class QTcpSocket;

class TcpProxy : public QObject
{
    Q_OBJECT
public:
    explicit TcpProxy(quint16 targetPort, QObject *parent = nullptr);
    ~TcpProxy() override;

    // Call before listen() to terminate TLS with this certificate and key.
    void setTls(const QSslCertificate &certificate, const QSslKey &key);
    bool listen(quint16 port = 0);
    quint16 port() const;
    void setTargetPort(quint16 port) { m_targetPort = port; }

    void setSilent(bool silent);   // stop forwarding both ways, keep every socket open
    bool isSilent() const { return m_silent; }
    // Forward only towards the target: what the client sends arrives, the answers do not (a
    // reply lost on the way back).
    void setRepliesSilent(bool silent);
    void dropAll();                // abort every proxied connection
    int connectionCount() const { return m_pairs.size(); }

    // Makes a self-signed certificate for 127.0.0.1/localhost with openssl into dir; returns
    // false if openssl is missing. certPath/keyPath receive the PEM file paths.
    static bool makeSelfSigned(const QString &dir, QString *certPath, QString *keyPath);

Q_SIGNALS:
    void accepted(); // a client connected (one per connection attempt, even if the target is down)

private:
    void onIncoming();
    void pump(QTcpSocket *from, QTcpSocket *to);
    void pumpAll();
    void closePair(QTcpSocket *client);

    QTcpServer *m_server = nullptr;
    quint16 m_targetPort;
    bool m_silent = false;
    bool m_repliesSilent = false;
    bool m_tls = false;
    QSslCertificate m_cert;
    QSslKey m_key;
    QHash<QTcpSocket *, QTcpSocket *> m_pairs; // client -> upstream
};
