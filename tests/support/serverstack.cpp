#include "serverstack.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcessEnvironment>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QThread>
#include <QUrlQuery>

#include <csignal>
#include <sys/types.h>

namespace {
constexpr int kReadyTimeoutMs = 20000;

QString toolPath(const QString &name)
{
    const QString found = QStandardPaths::findExecutable(name);
    return found.isEmpty() ? name : found;
}

bool redisAnswers(quint16 port)
{
    QTcpSocket socket;
    socket.connectToHost(QStringLiteral("127.0.0.1"), port);
    if (!socket.waitForConnected(200))
        return false;
    socket.write("PING\r\n");
    if (!socket.waitForReadyRead(500))
        return false;
    return socket.readAll().startsWith("+PONG");
}
} // namespace

ServerStack::ServerStack() : ServerStack(Options{}) {}

ServerStack::ServerStack(const Options &options) : m_options(options)
{
    for (int i = 0; i < qMax(1, options.instances); ++i)
        m_servers.append(new Server);
}

ServerStack::~ServerStack()
{
    stop();
    qDeleteAll(m_servers);
}

quint16 ServerStack::freePort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    return probe.serverPort();
}

bool ServerStack::start()
{
    if (!m_dir.isValid()) {
        m_error = QStringLiteral("cannot create a temporary directory");
        return false;
    }
    if (!startRedis())
        return false;
    for (int i = 0; i < m_servers.size(); ++i) {
        m_servers[i]->port = freePort();
        m_servers[i]->logPath = m_dir.filePath(QStringLiteral("server-%1.log").arg(i));
        if (!startServer(i))
            return false;
    }
    return true;
}

bool ServerStack::startRedis()
{
    if (m_redisPort == 0)
        m_redisPort = freePort();
    const QString dataDir = m_dir.filePath(QStringLiteral("redis"));
    QDir().mkpath(dataDir);
    m_redis = std::make_unique<QProcess>();
    m_redis->setProcessChannelMode(QProcess::MergedChannels);
    m_redis->setStandardOutputFile(m_dir.filePath(QStringLiteral("redis.log")), QIODevice::Append);
    m_redis->start(toolPath(QStringLiteral("redis-server")),
                   {QStringLiteral("--port"), QString::number(m_redisPort),
                    QStringLiteral("--bind"), QStringLiteral("127.0.0.1"),
                    QStringLiteral("--dir"), dataDir,
                    QStringLiteral("--save"), QString(),
                    QStringLiteral("--appendonly"), QStringLiteral("no"),
                    QStringLiteral("--daemonize"), QStringLiteral("no")});
    if (!m_redis->waitForStarted(5000)) {
        m_error = QStringLiteral("redis-server did not start: ") + m_redis->errorString();
        return false;
    }
    QDeadlineTimer deadline(kReadyTimeoutMs);
    while (!deadline.hasExpired()) {
        if (redisAnswers(m_redisPort))
            return true;
        if (m_redis->state() == QProcess::NotRunning)
            break;
        QThread::msleep(50);
    }
    m_error = QStringLiteral("redis-server did not answer on port %1\n%2").arg(m_redisPort).arg(logs());
    return false;
}

bool ServerStack::startServer(int instance)
{
    Server &server = *m_servers.at(instance);
    if (server.process && server.process->state() != QProcess::NotRunning) {
        m_error = QStringLiteral("instance %1 is already running").arg(instance);
        return false;
    }
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("HALLWAY_HOST"), QStringLiteral("127.0.0.1"));
    env.insert(QStringLiteral("HALLWAY_PORT"), QString::number(server.port));
    env.insert(QStringLiteral("REDIS_HOST"), QStringLiteral("127.0.0.1"));
    env.insert(QStringLiteral("REDIS_PORT"), QString::number(m_redisPort));
    env.insert(QStringLiteral("HALLWAY_PING_INTERVAL"), QString::number(m_options.pingIntervalMs));
    env.insert(QStringLiteral("HALLWAY_PRESENCE_TTL"), QString::number(m_options.presenceTtlMs));
    env.insert(QStringLiteral("HALLWAY_MAX_MISSED_PONGS"), QString::number(m_options.maxMissedPongs));
    env.insert(QStringLiteral("HALLWAY_HISTORY"), QString::number(m_options.historyLength));
    env.insert(QStringLiteral("HALLWAY_SHUTDOWN_GRACE"), QString::number(m_options.shutdownGraceMs));
    if (!m_options.token.isEmpty())
        env.insert(QStringLiteral("HALLWAY_TOKEN"), m_options.token);
    for (auto it = m_options.env.cbegin(); it != m_options.env.cend(); ++it)
        env.insert(it.key(), it.value());

    const qint64 offset = QFileInfo(server.logPath).size();
    server.process = std::make_unique<QProcess>();
    server.process->setProcessEnvironment(env);
    server.process->setWorkingDirectory(QStringLiteral(HALLWAY_SERVER_DIR));
    server.process->setProcessChannelMode(QProcess::MergedChannels);
    server.process->setStandardOutputFile(server.logPath, QIODevice::Append);
    server.process->start(toolPath(QStringLiteral("node")), {QStringLiteral("server.mjs")});
    if (!server.process->waitForStarted(5000)) {
        m_error = QStringLiteral("node did not start: ") + server.process->errorString();
        return false;
    }
    return waitForServer(server, offset);
}

bool ServerStack::waitForServer(Server &server, qint64 logOffset)
{
    QDeadlineTimer deadline(kReadyTimeoutMs);
    while (!deadline.hasExpired()) {
        QFile log(server.logPath);
        if (log.open(QIODevice::ReadOnly) && log.seek(logOffset)
            && log.readAll().contains("\"event\":\"listening\""))
            return true;
        if (server.process->state() == QProcess::NotRunning)
            break;
        QThread::msleep(50);
    }
    m_error = QStringLiteral("server on port %1 did not become ready\n%2").arg(server.port).arg(logs());
    return false;
}

void ServerStack::stop()
{
    for (Server *server : std::as_const(m_servers)) {
        if (server->process && server->process->state() != QProcess::NotRunning) {
            ::kill(pid_t(server->process->processId()), SIGCONT);
            server->process->kill();
            server->process->waitForFinished(5000);
        }
    }
    if (m_redis && m_redis->state() != QProcess::NotRunning) {
        m_redis->kill();
        m_redis->waitForFinished(5000);
    }
}

quint16 ServerStack::serverPort(int instance) const { return m_servers.at(instance)->port; }

qint64 ServerStack::serverPid(int instance) const
{
    const Server *server = m_servers.at(instance);
    return server->process ? server->process->processId() : 0;
}

QUrl ServerStack::url(int instance) const
{
    return QUrl(QStringLiteral("ws://127.0.0.1:%1/").arg(serverPort(instance)));
}

QUrl ServerStack::userUrl(const QString &user, const QString &name, int instance) const
{
    QUrl result = url(instance);
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("user"), user);
    if (!name.isEmpty())
        query.addQueryItem(QStringLiteral("name"), name);
    result.setQuery(query);
    return result;
}

bool ServerStack::killServer(int instance, int signal)
{
    Server &server = *m_servers.at(instance);
    if (!server.process || server.process->state() == QProcess::NotRunning)
        return false;
    ::kill(pid_t(server.process->processId()), signal);
    if (signal == SIGSTOP || signal == SIGCONT)
        return true;
    return server.process->waitForFinished(10000);
}

bool ServerStack::terminateServer(int instance)
{
    Server &server = *m_servers.at(instance);
    if (!server.process || server.process->state() == QProcess::NotRunning)
        return false;
    server.process->terminate();
    if (server.process->waitForFinished(m_options.shutdownGraceMs + 5000))
        return true;
    server.process->kill();
    server.process->waitForFinished(5000);
    return false;
}

bool ServerStack::pauseServer(int instance) { return killServer(instance, SIGSTOP); }
bool ServerStack::resumeServer(int instance) { return killServer(instance, SIGCONT); }

bool ServerStack::restartRedis()
{
    if (m_redis && m_redis->state() != QProcess::NotRunning) {
        m_redis->kill();
        m_redis->waitForFinished(5000);
    }
    return startRedis();
}

QByteArray ServerStack::redis(const QStringList &args) const
{
    QProcess cli;
    cli.start(toolPath(QStringLiteral("redis-cli")),
              QStringList{QStringLiteral("-p"), QString::number(m_redisPort)} + args);
    cli.waitForFinished(10000);
    return cli.readAllStandardOutput().trimmed();
}

QString ServerStack::logs() const
{
    QString out;
    auto append = [&out](const QString &title, const QString &path) {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            return;
        QByteArray data = file.readAll();
        if (data.size() > 20000)
            data = "...\n" + data.right(20000);
        out += QStringLiteral("----- %1 (%2)\n").arg(title, path) + QString::fromUtf8(data);
    };
    append(QStringLiteral("redis"), m_dir.filePath(QStringLiteral("redis.log")));
    for (int i = 0; i < m_servers.size(); ++i)
        append(QStringLiteral("server %1").arg(i), m_servers.at(i)->logPath);
    return out;
}

void ServerStack::printLogsIfFailed() const
{
    if (QTest::currentTestFailed())
        qWarning().noquote() << "Server stack logs for the failed test:\n" << logs();
}
