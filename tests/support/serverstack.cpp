#include "serverstack.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocalSocket>
#include <QProcessEnvironment>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QUrlQuery>

#include <csignal>
#include <functional>
#include <sys/prctl.h>
#include <sys/types.h>

namespace {
constexpr int kReadyTimeoutMs = 20000;

QString toolPath(const QString &name)
{
    QString found = QStandardPaths::findExecutable(name);
    if (found.isEmpty()) // haproxy lives in /usr/sbin, often not on a user's PATH
        found = QStandardPaths::findExecutable(name, {QStringLiteral("/usr/sbin"), QStringLiteral("/sbin")});
    return found.isEmpty() ? name : found;
}

// A process of ours dies with the test process, even when CTest kills it on a timeout.
void dieWithParent(QProcess &process)
{
    process.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
}

// GET http://127.0.0.1:<port><path>: the status code and body, or 0. The event loop runs
// meanwhile (a paused instance answers nothing: the test's clients must not stall with it).
int httpGet(quint16 port, const QByteArray &path, QByteArray *body = nullptr)
{
    QTcpSocket socket;
    QByteArray response;
    QObject::connect(&socket, &QTcpSocket::readyRead, &socket, [&] { response += socket.readAll(); });
    socket.connectToHost(QStringLiteral("127.0.0.1"), port);
    if (!QTest::qWaitFor([&] { return socket.state() == QAbstractSocket::ConnectedState
                                      || socket.state() == QAbstractSocket::UnconnectedState; }, 1000)
        || socket.state() != QAbstractSocket::ConnectedState)
        return 0;
    // HTTP/1.0: the body comes as it is (no chunked encoding), and the socket closes after it.
    socket.write("GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
    (void)QTest::qWaitFor([&] { return socket.state() == QAbstractSocket::UnconnectedState; }, 2000);
    response += socket.readAll();
    const int split = response.indexOf("\r\n\r\n");
    const QList<QByteArray> statusLine = response.left(response.indexOf("\r\n")).split(' ');
    if (statusLine.size() < 2 || split < 0)
        return 0;
    if (body)
        *body = response.mid(split + 4);
    return statusLine.at(1).toInt();
}

// Process waits that keep the event loop running: a test's clients must go on answering the
// servers' pings (every second) while a server or Redis starts or stops, or they would be
// dropped for a missed pong that the test never meant to cause.
bool waitForStarted(QProcess &process, int timeoutMs)
{
    (void)QTest::qWaitFor([&process] { return process.state() != QProcess::Starting; }, timeoutMs);
    return process.state() == QProcess::Running;
}

bool waitForExit(QProcess &process, int timeoutMs)
{
    return QTest::qWaitFor([&process] { return process.state() == QProcess::NotRunning; }, timeoutMs);
}

// Polls ready() every 50 ms with the event loop running, until it is true, the process has
// ended, or the deadline passes.
bool pollUntilReady(const QProcess &process, int timeoutMs, const std::function<bool()> &ready)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        if (ready())
            return true;
        if (process.state() == QProcess::NotRunning)
            return false;
        QTest::qWait(50);
    }
    return false;
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
// The caller's environment without any server setting of its own (HALLWAY_*, REDIS_*), so that
// every stack runs with exactly the settings its Options say.
QProcessEnvironment serverEnvironment()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const QString &key : env.keys())
        if (key.startsWith(QLatin1String("HALLWAY_")) || key.startsWith(QLatin1String("REDIS_")))
            env.remove(key);
    return env;
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
    return !m_options.balancer || startBalancer();
}

bool ServerStack::startRedis()
{
    if (m_redisPort == 0)
        m_redisPort = freePort();
    const QString dataDir = m_dir.filePath(QStringLiteral("redis"));
    QDir().mkpath(dataDir);
    m_redis = std::make_unique<QProcess>();
    dieWithParent(*m_redis);
    m_redis->setProcessChannelMode(QProcess::MergedChannels);
    m_redis->setStandardOutputFile(m_dir.filePath(QStringLiteral("redis.log")), QIODevice::Append);
    m_redis->start(toolPath(QStringLiteral("redis-server")),
                   {QStringLiteral("--port"), QString::number(m_redisPort),
                    QStringLiteral("--bind"), QStringLiteral("127.0.0.1"),
                    QStringLiteral("--dir"), dataDir,
                    QStringLiteral("--save"), QString(),
                    QStringLiteral("--appendonly"), QStringLiteral("no"),
                    QStringLiteral("--daemonize"), QStringLiteral("no")});
    if (!waitForStarted(*m_redis, 5000)) {
        m_error = QStringLiteral("redis-server did not start: ") + m_redis->errorString();
        return false;
    }
    const quint16 port = m_redisPort;
    if (pollUntilReady(*m_redis, kReadyTimeoutMs, [port] { return redisAnswers(port); }))
        return true;
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
    QProcessEnvironment env = serverEnvironment();
    env.insert(QStringLiteral("HALLWAY_HOST"), QStringLiteral("127.0.0.1"));
    env.insert(QStringLiteral("HALLWAY_PORT"), QString::number(server.port));
    env.insert(QStringLiteral("REDIS_HOST"), QStringLiteral("127.0.0.1"));
    env.insert(QStringLiteral("REDIS_PORT"), QString::number(m_redisPort));
    env.insert(QStringLiteral("HALLWAY_PING_INTERVAL"), QString::number(m_options.pingIntervalMs));
    env.insert(QStringLiteral("HALLWAY_PRESENCE_TTL"), QString::number(m_options.presenceTtlMs));
    env.insert(QStringLiteral("HALLWAY_MAX_MISSED_PONGS"), QString::number(m_options.maxMissedPongs));
    env.insert(QStringLiteral("HALLWAY_HISTORY"), QString::number(m_options.historyLength));
    env.insert(QStringLiteral("HALLWAY_SHUTDOWN_GRACE"), QString::number(m_options.shutdownGraceMs));
    if (m_options.devAuth)
        env.insert(QStringLiteral("HALLWAY_DEV_AUTH"), QStringLiteral("1"));
    if (!m_options.authSecret.isEmpty())
        env.insert(QStringLiteral("HALLWAY_AUTH_SECRET"), m_options.authSecret);
    if (m_options.maxStateBytes > 0)
        env.insert(QStringLiteral("HALLWAY_MAX_STATE_BYTES"), QString::number(m_options.maxStateBytes));
    if (m_options.maxFrameBytes > 0)
        env.insert(QStringLiteral("HALLWAY_MAX_FRAME_BYTES"), QString::number(m_options.maxFrameBytes));
    if (!m_options.rateLimits)
        env.insert(QStringLiteral("HALLWAY_RATE_LIMITS"), QStringLiteral("off"));
    for (auto it = m_options.env.cbegin(); it != m_options.env.cend(); ++it)
        env.insert(it.key(), it.value());

    const qint64 offset = QFileInfo(server.logPath).size();
    server.process = std::make_unique<QProcess>();
    dieWithParent(*server.process);
    server.process->setProcessEnvironment(env);
    server.process->setWorkingDirectory(QStringLiteral(HALLWAY_SERVER_DIR));
    server.process->setProcessChannelMode(QProcess::MergedChannels);
    server.process->setStandardOutputFile(server.logPath, QIODevice::Append);
    server.process->start(toolPath(QStringLiteral("node")), {QStringLiteral("server.mjs")});
    if (!waitForStarted(*server.process, 5000)) {
        m_error = QStringLiteral("node did not start: ") + server.process->errorString();
        return false;
    }
    return waitForServer(server, offset);
}

bool ServerStack::waitForServer(Server &server, qint64 logOffset)
{
    const QString logPath = server.logPath;
    const bool ready = pollUntilReady(*server.process, kReadyTimeoutMs, [&logPath, logOffset] {
        QFile log(logPath);
        return log.open(QIODevice::ReadOnly) && log.seek(logOffset)
            && log.readAll().contains("\"event\":\"listening\"");
    });
    if (ready)
        return true;
    m_error = QStringLiteral("server on port %1 did not become ready\n%2").arg(server.port).arg(logs());
    return false;
}

void ServerStack::stop()
{
    if (m_balancer && m_balancer->state() != QProcess::NotRunning) {
        m_balancer->kill();
        waitForExit(*m_balancer, 5000);
    }
    for (Server *server : std::as_const(m_servers)) {
        if (server->process && server->process->state() != QProcess::NotRunning) {
            ::kill(pid_t(server->process->processId()), SIGCONT);
            server->process->kill();
            waitForExit(*server->process, 5000);
        }
    }
    if (m_redis && m_redis->state() != QProcess::NotRunning) {
        m_redis->kill();
        waitForExit(*m_redis, 5000);
    }
}

quint16 ServerStack::serverPort(int instance) const
{
    return instance == kBalancer ? m_balancerPort : m_servers.at(instance)->port;
}

qint64 ServerStack::serverPid(int instance) const
{
    const Server *server = m_servers.at(instance);
    return server->process ? server->process->processId() : 0;
}

QUrl ServerStack::url(int instance) const
{
    const bool tls = instance == kBalancer && m_options.balancerTls;
    return QUrl(QStringLiteral("%1://127.0.0.1:%2/").arg(tls ? QStringLiteral("wss") : QStringLiteral("ws"))
                    .arg(serverPort(instance)));
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

QString ServerStack::mintToken(const QString &user, const QString &name, const QString &ttl, const QString &secret)
{
    QProcessEnvironment env = serverEnvironment();
    env.insert(QStringLiteral("HALLWAY_AUTH_SECRET"), secret.isEmpty() ? m_options.authSecret : secret);
    QStringList args{QStringLiteral("mint-token.mjs"), QStringLiteral("--user"), user, QStringLiteral("--ttl"), ttl};
    if (!name.isEmpty())
        args << QStringLiteral("--name") << name;
    QProcess mint;
    mint.setProcessEnvironment(env);
    mint.setWorkingDirectory(QStringLiteral(HALLWAY_SERVER_DIR));
    mint.start(toolPath(QStringLiteral("node")), args);
    if (!waitForExit(mint, 20000) || mint.exitStatus() != QProcess::NormalExit || mint.exitCode() != 0) {
        m_error = QStringLiteral("mint-token.mjs failed: ") + QString::fromUtf8(mint.readAllStandardError());
        return {};
    }
    return QString::fromUtf8(mint.readAllStandardOutput()).trimmed();
}

bool ServerStack::killServer(int instance, int signal)
{
    Server &server = *m_servers.at(instance);
    if (!server.process || server.process->state() == QProcess::NotRunning)
        return false;
    ::kill(pid_t(server.process->processId()), signal);
    if (signal == SIGSTOP || signal == SIGCONT)
        return true;
    return waitForExit(*server.process, 10000);
}

bool ServerStack::terminateServer(int instance)
{
    Server &server = *m_servers.at(instance);
    if (!server.process || server.process->state() == QProcess::NotRunning)
        return false;
    server.process->terminate();
    // The event loop runs meanwhile, so a client may try to reconnect during the graceful
    // shutdown: tests see what the client does in that window, not a frozen client.
    if (waitForExit(*server.process, m_options.shutdownGraceMs + 5000))
        return true;
    server.process->kill();
    waitForExit(*server.process, 5000);
    return false;
}

bool ServerStack::pauseServer(int instance) { return killServer(instance, SIGSTOP); }
bool ServerStack::resumeServer(int instance) { return killServer(instance, SIGCONT); }

bool ServerStack::restartRedis()
{
    if (m_redis && m_redis->state() != QProcess::NotRunning) {
        m_redis->kill();
        waitForExit(*m_redis, 5000);
    }
    return startRedis();
}

// A throwaway CA and a certificate for 127.0.0.1/localhost signed by it, as HAProxy wants it
// (chain and key in one PEM file).
bool ServerStack::makeCertificates()
{
    const QString script = QStringLiteral(
        "set -e\n"
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 "
        "  -subj '/CN=Hallway test CA' -keyout ca.key -out ca.pem\n"
        "openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=localhost "
        "  -keyout server.key -out server.csr\n"
        "printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\nbasicConstraints=CA:FALSE\\nextendedKeyUsage=serverAuth\\n' > ext.cnf\n"
        "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile ext.cnf -out server.crt\n"
        "cat server.crt server.key > haproxy.pem\n");
    QProcess openssl;
    openssl.setWorkingDirectory(m_dir.path());
    openssl.setProcessChannelMode(QProcess::MergedChannels);
    openssl.start(toolPath(QStringLiteral("bash")), {QStringLiteral("-c"), script});
    if (!waitForExit(openssl, 20000) || openssl.exitCode() != 0) {
        m_error = QStringLiteral("making the test certificates failed: ") + QString::fromUtf8(openssl.readAll());
        return false;
    }
    return true;
}

bool ServerStack::startBalancer()
{
    if (m_options.balancerTls && !makeCertificates())
        return false;
    m_balancerPort = freePort();
    QStringList args{QStringLiteral(HALLWAY_DEPLOY_DIR "/haproxy-config.sh"),
                     QStringLiteral("--bind"), QStringLiteral("127.0.0.1:%1").arg(m_balancerPort),
                     QStringLiteral("--local"), m_dir.path(),
                     QStringLiteral("--ping-interval"), QString::number(m_options.pingIntervalMs)};
    if (m_options.balancerTls)
        args << QStringLiteral("--cert") << m_dir.filePath(QStringLiteral("haproxy.pem"));
    for (const Server *server : std::as_const(m_servers))
        args << QStringLiteral("--server") << QStringLiteral("127.0.0.1:%1").arg(server->port);
    QProcess generator;
    generator.setStandardOutputFile(m_dir.filePath(QStringLiteral("haproxy.cfg")));
    generator.start(toolPath(QStringLiteral("bash")), args);
    if (!waitForExit(generator, 10000) || generator.exitCode() != 0) {
        m_error = QStringLiteral("haproxy-config.sh failed: ") + QString::fromUtf8(generator.readAllStandardError());
        return false;
    }

    m_balancer = std::make_unique<QProcess>();
    dieWithParent(*m_balancer);
    m_balancer->setProcessChannelMode(QProcess::MergedChannels);
    m_balancer->setStandardOutputFile(m_dir.filePath(QStringLiteral("haproxy.log")), QIODevice::Append);
    m_balancer->start(toolPath(QStringLiteral("haproxy")),
                      {QStringLiteral("-f"), m_dir.filePath(QStringLiteral("haproxy.cfg")), QStringLiteral("-db")});
    if (!waitForStarted(*m_balancer, 5000)) {
        m_error = QStringLiteral("haproxy did not start: ") + m_balancer->errorString();
        return false;
    }
    // Ready once it forwards a health check to an instance (over TLS we trust the backends'
    // own answers: the test's clients exercise the TLS side).
    const bool tls = m_options.balancerTls;
    const quint16 port = m_balancerPort;
    const bool ready = pollUntilReady(*m_balancer, kReadyTimeoutMs, [tls, port] {
        if (!tls)
            return httpGet(port, "/healthz") == 200;
        QTcpSocket probe;
        probe.connectToHost(QStringLiteral("127.0.0.1"), port);
        return probe.waitForConnected(500);
    });
    if (ready)
        return true;
    m_error = QStringLiteral("haproxy did not become ready on port %1\n%2").arg(m_balancerPort).arg(logs());
    return false;
}

QString ServerStack::balancerCaFile() const
{
    return m_options.balancerTls ? m_dir.filePath(QStringLiteral("ca.pem")) : QString();
}

qint64 ServerStack::balancerPid() const
{
    return m_balancer && m_balancer->state() != QProcess::NotRunning ? m_balancer->processId() : 0;
}

QByteArray ServerStack::balancerCommand(const QByteArray &command) const
{
    QLocalSocket socket;
    socket.connectToServer(m_dir.filePath(QStringLiteral("haproxy.sock")));
    if (!socket.waitForConnected(1000))
        return {};
    socket.write(command + '\n');
    QByteArray answer;
    while (socket.waitForReadyRead(1000))
        answer += socket.readAll();
    return answer + socket.readAll();
}

QString ServerStack::balancerServerStatus(int instance) const
{
    // "show stat" is CSV with a header line "# pxname,svname,...,status,..."; servers are
    // named hallway1, hallway2, ... in the order of the instances.
    const QList<QByteArray> lines = balancerCommand("show stat").split('\n');
    if (lines.isEmpty())
        return {};
    const QList<QByteArray> header = lines.first().mid(2).split(',');
    const qsizetype statusColumn = header.indexOf("status");
    const QByteArray name = "hallway" + QByteArray::number(instance + 1);
    for (const QByteArray &line : lines) {
        const QList<QByteArray> fields = line.split(',');
        if (fields.size() > statusColumn && fields.value(0) == "hallway" && fields.value(1) == name)
            return QString::fromUtf8(fields.at(statusColumn));
    }
    return {};
}

int ServerStack::instanceOf(const QString &connectionId) const
{
    const QByteArray needle = "\"event\":\"connect\",\"connectionId\":\"" + connectionId.toUtf8() + '"';
    for (int i = 0; i < m_servers.size(); ++i) {
        QFile log(m_servers.at(i)->logPath);
        if (log.open(QIODevice::ReadOnly) && log.readAll().contains(needle))
            return i;
    }
    return -1;
}

QList<int> ServerStack::connectionCounts() const
{
    QList<int> counts;
    for (const Server *server : std::as_const(m_servers)) {
        QByteArray body;
        const int status = httpGet(server->port, "/healthz", &body);
        const QJsonValue n = QJsonDocument::fromJson(body).object().value(QStringLiteral("connections"));
        counts << (status == 200 && n.isDouble() ? n.toInt() : -1);
    }
    return counts;
}

QByteArray ServerStack::redis(const QStringList &args) const
{
    QProcess cli;
    cli.start(toolPath(QStringLiteral("redis-cli")),
              QStringList{QStringLiteral("-p"), QString::number(m_redisPort)} + args);
    waitForExit(cli, 10000);
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
    if (m_options.balancer)
        append(QStringLiteral("haproxy"), m_dir.filePath(QStringLiteral("haproxy.log")));
    for (int i = 0; i < m_servers.size(); ++i)
        append(QStringLiteral("server %1").arg(i), m_servers.at(i)->logPath);
    return out;
}

void ServerStack::printLogsIfFailed() const
{
    if (QTest::currentTestFailed())
        qWarning().noquote() << "Server stack logs for the failed test:\n" << logs();
}
