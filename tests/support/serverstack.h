#pragma once
// ServerStack: a real Redis and one or more real @prsm/realtime instances (our
// packaging/server/server.mjs) on free loopback ports, for one test binary. It waits until
// each answers, keeps their logs in a temporary directory (printed when a test fails), and
// stops only the processes it started, by pid. Fault helpers (kill, pause, restart) drive
// the fault-injection tests.
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
        int presenceTtlMs = 3000;    // >= 2x ping interval (PROTOCOL.md §6.4)
        int maxMissedPongs = 1;
        int historyLength = 200;
        int shutdownGraceMs = 3000;
        QString token;               // HALLWAY_TOKEN: require this bearer token
        QMap<QString, QString> env;  // any other server setting, e.g. HALLWAY_AUTH_SECRET
    };

    ServerStack();
    explicit ServerStack(const Options &options);
    ~ServerStack();
    ServerStack(const ServerStack &) = delete;
    ServerStack &operator=(const ServerStack &) = delete;

    bool start();                    // Redis, then every instance; false with errorString()
    void stop();                     // everything it started
    QString errorString() const { return m_error; }

    int instanceCount() const { return m_servers.size(); }
    quint16 serverPort(int instance = 0) const;
    quint16 redisPort() const { return m_redisPort; }
    QUrl url(int instance = 0) const;  // ws://127.0.0.1:<port>/
    // ws://127.0.0.1:<port>/?user=<user>&name=<name>
    QUrl userUrl(const QString &user, const QString &name = QString(), int instance = 0) const;

    // Faults. Each returns once the change has taken effect (process gone, or ready again).
    bool killServer(int instance, int signal = 9);   // SIGKILL by default
    bool terminateServer(int instance);              // SIGTERM and wait for a graceful exit
    bool startServer(int instance);                  // (re)start on the same port
    bool pauseServer(int instance);                  // SIGSTOP
    bool resumeServer(int instance);                 // SIGCONT
    bool restartRedis();                             // stop and start on the same port (data lost)
    qint64 serverPid(int instance) const;

    // redis-cli against our Redis; returns its stdout (trimmed).
    QByteArray redis(const QStringList &args) const;

    QString logs() const;             // every log, with headers
    void printLogsIfFailed() const;   // call from a test's cleanup(): prints logs if it failed

private:
    struct Server {
        quint16 port = 0;
        std::unique_ptr<QProcess> process;
        QString logPath;
    };
    bool startRedis();
    bool waitForServer(Server &server, qint64 logOffset);
    static quint16 freePort();

    Options m_options;
    QString m_error;
    QTemporaryDir m_dir;
    quint16 m_redisPort = 0;
    std::unique_ptr<QProcess> m_redis;
    QList<Server *> m_servers;
};
