#pragma once
// ServerStack: a real Redis and one or more real @prsm/realtime instances (our
// packaging/server/server.mjs) on free loopback ports, for one test binary. It waits until
// each answers, keeps their logs in a temporary directory (printed when a test fails), and
// stops only the processes it started, by pid. Fault helpers (kill, pause, restart) drive
// the fault-injection tests. With Options::balancer, HAProxy sits in front of the instances on
// a port of its own, configured by packaging/deploy/haproxy-config.sh as in production.
#include <QByteArray>
#include <QList>
#include <QMap>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <QUrl>
#include <memory>

class ServerStack
{
public:
    struct Options {
        int instances = 1;
        int pingIntervalMs = 1000;   // short, so missed-pong and TTL behaviour shows in seconds
        int presenceTtlMs = 3000;    // >= 2x ping interval (docs/protocol.md §6.4)
        int maxMissedPongs = 1;
        int historyLength = 200;
        int shutdownGraceMs = 3000;
        // Sign-in. devAuth sets HALLWAY_DEV_AUTH=1, so userUrl()'s ?user=&name= is believed.
        // authSecret sets HALLWAY_AUTH_SECRET, so signed tokens (mintToken()) work too; with
        // devAuth false only they do.
        bool devAuth = true;
        QString authSecret;
        // Caps and limits (README "Server settings"); 0 keeps the server's default. The server
        // refuses to start unless the frame cap exceeds the state cap by 1 KiB: raise both.
        qint64 maxStateBytes = 0;    // HALLWAY_MAX_STATE_BYTES: largest presence state (JSON bytes)
        qint64 maxFrameBytes = 0;    // HALLWAY_MAX_FRAME_BYTES: largest client frame (ws maxPayload)
        bool rateLimits = true;      // false: HALLWAY_RATE_LIMITS=off (no token buckets at all)
        QMap<QString, QString> env;  // any other setting, e.g. {"HALLWAY_RATE_CHAT", "50:200"}
        // HAProxy in front of every instance (url(kBalancer)); with balancerTls it terminates
        // TLS (wss://) with a throwaway certificate signed by a throwaway CA (balancerCaFile()).
        bool balancer = false;
        bool balancerTls = false;
    };

    // The instance argument of url()/userUrl() that means "through HAProxy".
    static constexpr int kBalancer = -1;

    ServerStack();
    explicit ServerStack(const Options &options);
    ~ServerStack();
    ServerStack(const ServerStack &) = delete;
    ServerStack &operator=(const ServerStack &) = delete;

    bool start();                    // Redis, then every instance; false with errorString()
    void stop();                     // everything it started
    QString errorString() const { return m_error; }

    int instanceCount() const { return m_servers.size(); }
    quint16 serverPort(int instance = 0) const;   // kBalancer: HAProxy's port
    quint16 redisPort() const { return m_redisPort; }
    QUrl url(int instance = 0) const;  // ws://127.0.0.1:<port>/ (wss:// for a TLS balancer)
    // ws://127.0.0.1:<port>/?user=<user>&name=<name> (development sign-in, Options::devAuth)
    QUrl userUrl(const QString &user, const QString &name = QString(), int instance = 0) const;
    // A signed sign-in token from packaging/server/mint-token.mjs, with Options::authSecret unless
    // another secret is given (a token the server must refuse); ttl like "1h" or "30d". Empty
    // on failure, with errorString().
    QString mintToken(const QString &user, const QString &name = QString(), const QString &ttl = QStringLiteral("1h"),
                      const QString &secret = QString());

    // Faults. Each returns once the change has taken effect (process gone, or ready again).
    bool killServer(int instance, int signal = 9);   // SIGKILL by default
    bool terminateServer(int instance);              // SIGTERM and wait for a graceful exit
    bool startServer(int instance);                  // (re)start on the same port
    bool pauseServer(int instance);                  // SIGSTOP
    bool resumeServer(int instance);                 // SIGCONT
    bool restartRedis();                             // stop and start on the same port (data lost)
    qint64 serverPid(int instance) const;

    // The balancer. Its CA certificate (PEM) when it terminates TLS, for --ca-file and the like.
    QString balancerCaFile() const;
    qint64 balancerPid() const;
    // A command on HAProxy's admin socket (e.g. "show stat"); its answer.
    QByteArray balancerCommand(const QByteArray &command) const;
    // How HAProxy sees an instance: "UP", "DOWN", "UP 1/2" (going down), "DOWN 1/2" (going up), ...
    QString balancerServerStatus(int instance) const;
    // The instance whose log has the connect line of this connection id, or -1.
    int instanceOf(const QString &connectionId) const;
    // Every instance's own connection count (/healthz), -1 for one that does not answer.
    QList<int> connectionCounts() const;

    // redis-cli against our Redis; returns its stdout (trimmed).
    QByteArray redis(const QStringList &args) const;

    QString logs() const;             // every log (HAProxy's too), with headers
    void printLogsIfFailed() const;   // call from a test's cleanup(): prints logs if it failed

private:
    struct Server {
        quint16 port = 0;
        std::unique_ptr<QProcess> process;
        QString logPath;
    };
    bool startRedis();
    bool startBalancer();
    bool makeCertificates();
    bool waitForServer(Server &server, qint64 logOffset);
    static quint16 freePort();

    Options m_options;
    QString m_error;
    QTemporaryDir m_dir;
    quint16 m_redisPort = 0;
    std::unique_ptr<QProcess> m_redis;
    QList<Server *> m_servers;
    quint16 m_balancerPort = 0;
    std::unique_ptr<QProcess> m_balancer;
};
