// hallway-cli: the headless front of the presence library, for scripts, bots and diagnostics.
// stdout: one JSON event per line; stdin: one JSON command per line (see docs/cli.md).
#include "clisession.h"
#include "errorcodes.h"
#include "presenceclient.h"
#include "session.h"
#include "tokensource.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFileInfo>
#include <QSocketNotifier>
#include <QTimer>
#include <QUrlQuery>

#include <csignal>
#include <cstdio>
#include <fcntl.h>
#include <unistd.h>

namespace {
int g_signalPipe[2] = {-1, -1};

void onSignal(int)
{
    const char byte = 1;
    [[maybe_unused]] const auto n = ::write(g_signalPipe[1], &byte, 1);
}

void writeLine(const QByteArray &json)
{
    std::fwrite(json.constData(), 1, size_t(json.size()), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}

void fail(const QString &code, const QString &message)
{
    writeLine(QByteArrayLiteral("{\"event\":\"error\",\"code\":\"") + code.toUtf8() + "\",\"message\":\""
              + message.toUtf8().replace('\\', "\\\\").replace('"', "\\\"") + "\"}");
}
} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("hallway-cli"));
    QCoreApplication::setOrganizationName(QStringLiteral("Hallway"));
    QCoreApplication::setApplicationVersion(QStringLiteral(HALLWAY_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Headless Hallway client: prints one JSON event per line, reads one JSON command per line."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption urlOpt(QStringLiteral("url"),
        QStringLiteral("Server URL (ws:// or wss://); repeat for failover."), QStringLiteral("URL"));
    const QCommandLineOption userOpt(QStringLiteral("user"), QStringLiteral("User id, added to the URL as ?user="), QStringLiteral("ID"));
    const QCommandLineOption nameOpt(QStringLiteral("name"), QStringLiteral("Display name, added as &name="), QStringLiteral("NAME"));
    const QCommandLineOption joinOpt(QStringLiteral("join"), QStringLiteral("Join ROOM at start (repeatable)."), QStringLiteral("ROOM"));
    const QCommandLineOption pingOpt(QStringLiteral("ping-timeout"),
        QStringLiteral("Reconnect after this long without a server ping (ms)."), QStringLiteral("MS"));
    const QCommandLineOption backoffOpt(QStringLiteral("reconnect-max"),
        QStringLiteral("Cap of the reconnect backoff (ms)."), QStringLiteral("MS"));
    const QCommandLineOption caOpt(QStringLiteral("ca-file"),
        QStringLiteral("Extra PEM CA certificates for wss:// servers."), QStringLiteral("FILE"));
    const QCommandLineOption tokenOpt(QStringLiteral("token-env"),
        QStringLiteral("Read a bearer token from this environment variable (never printed)."), QStringLiteral("VAR"));
    const QCommandLineOption frameOpt(QStringLiteral("max-frame-mib"),
        QStringLiteral("Largest incoming frame (MiB, default 64); a bigger one drops the link."), QStringLiteral("MIB"));
    const QCommandLineOption itemOpt(QStringLiteral("max-item-kib"),
        QStringLiteral("Largest peer state or metadata (KiB, default 64); a bigger one is ignored."), QStringLiteral("KIB"));
    const QCommandLineOption tokenFileOpt(QStringLiteral("token-file"),
        QStringLiteral("Read a bearer token from the first line of FILE (never printed; keep it chmod 600)."),
        QStringLiteral("FILE"));
    parser.addOptions({urlOpt, userOpt, nameOpt, joinOpt, pingOpt, backoffOpt, caOpt, tokenOpt, tokenFileOpt, frameOpt, itemOpt});
    parser.process(app);

    if (!parser.isSet(urlOpt)) {
        fail(Hallway::ErrorCode::Usage, QStringLiteral("--url is required (try --help)"));
        return 2;
    }
    QList<QUrl> urls;
    for (const QString &raw : parser.values(urlOpt)) {
        QUrl url(raw, QUrl::StrictMode);
        if (!url.isValid() || (url.scheme() != QLatin1String("ws") && url.scheme() != QLatin1String("wss"))) {
            fail(Hallway::ErrorCode::Usage, QStringLiteral("not a ws:// or wss:// URL: %1").arg(raw));
            return 2;
        }
        if (parser.isSet(userOpt)) {
            QUrlQuery query(url);
            query.removeAllQueryItems(QStringLiteral("user"));
            query.removeAllQueryItems(QStringLiteral("name"));
            query.addQueryItem(QStringLiteral("user"), parser.value(userOpt));
            query.addQueryItem(QStringLiteral("name"), parser.isSet(nameOpt) ? parser.value(nameOpt) : parser.value(userOpt));
            url.setQuery(query);
        }
        urls.append(url);
    }

    Hallway::ConnectionOptions options;
    bool ok = true;
    if (parser.isSet(pingOpt))
        options.pingTimeoutMs = parser.value(pingOpt).toInt(&ok);
    if (ok && parser.isSet(backoffOpt))
        options.reconnectMaxMs = parser.value(backoffOpt).toInt(&ok);
    if (!ok || options.pingTimeoutMs <= 0 || options.reconnectMaxMs <= 0) {
        fail(Hallway::ErrorCode::Usage, QStringLiteral("--ping-timeout and --reconnect-max take positive milliseconds"));
        return 2;
    }
    if (parser.isSet(frameOpt))
        options.maxFrameBytes = parser.value(frameOpt).toLongLong(&ok) * 1024 * 1024;
    if (ok && parser.isSet(itemOpt))
        options.maxItemBytes = parser.value(itemOpt).toLongLong(&ok) * 1024;
    if (!ok || options.maxFrameBytes <= 0 || options.maxItemBytes <= 0) {
        fail(Hallway::ErrorCode::Usage, QStringLiteral("--max-frame-mib and --max-item-kib take positive whole numbers"));
        return 2;
    }
    if (parser.isSet(caOpt)) {
        if (!QFileInfo(parser.value(caOpt)).isReadable()) {
            fail(Hallway::ErrorCode::Usage, QStringLiteral("cannot read --ca-file %1").arg(parser.value(caOpt)));
            return 2;
        }
        options.caFile = parser.value(caOpt);
    }
    if (parser.isSet(tokenOpt) && parser.isSet(tokenFileOpt)) {
        fail(Hallway::ErrorCode::Usage, QStringLiteral("use either --token-env or --token-file, not both"));
        return 2;
    }
    if (parser.isSet(tokenOpt) || parser.isSet(tokenFileOpt)) {
        const Hallway::TokenSource source = parser.isSet(tokenOpt)
            ? Hallway::TokenSource::fromEnvironment(parser.value(tokenOpt))
            : Hallway::TokenSource::fromFile(parser.value(tokenFileOpt));
        if (!source.ok()) {
            fail(Hallway::ErrorCode::Usage, source.error);
            return 2;
        }
        if (!source.warning.isEmpty())
            std::fprintf(stderr, "hallway-cli: warning: %s\n", qPrintable(source.warning));
        options.bearerToken = source.token;
    }

    Hallway::Session session;
    session.client()->setOptions(options);
    session.client()->setUrls(urls);
    CliSession cli(&session);
    QObject::connect(&cli, &CliSession::line, &app, &writeLine);

    bool quitting = false;
    auto quitCleanly = [&] {
        if (quitting)
            return;
        quitting = true;
        session.client()->close();
        QTimer::singleShot(0, &app, &QCoreApplication::quit);
    };
    QObject::connect(&cli, &CliSession::quitRequested, &app, quitCleanly);
    // A refused login or an untrusted certificate will not fix itself: say so and exit 3
    // instead of idling offline (the client has already printed the error event).
    QObject::connect(session.client(), &Hallway::PresenceClient::statusChanged, &app, [&] {
        const QString code = session.client()->errorCode();
        if (session.client()->status() == Hallway::ConnectionStatus::Offline && !quitting
            && (code == Hallway::ErrorCode::Auth || code == Hallway::ErrorCode::Ssl)) {
            quitting = true;
            QTimer::singleShot(0, &app, [] { QCoreApplication::exit(3); });
        }
    });

    // stdin: read what is there, one command per line; end of input closes once the
    // commands already given have their replies (bounded), so `echo ... | hallway-cli` works.
    QByteArray buffer;
    auto *stdinNotifier = new QSocketNotifier(STDIN_FILENO, QSocketNotifier::Read, &app);
    QObject::connect(stdinNotifier, &QSocketNotifier::activated, &app, [&] {
        char chunk[65536];
        const ssize_t n = ::read(STDIN_FILENO, chunk, sizeof chunk);
        if (n > 0) {
            buffer.append(chunk, int(n));
            int nl;
            while ((nl = buffer.indexOf('\n')) >= 0) {
                const QByteArray line = buffer.left(nl);
                buffer.remove(0, nl + 1);
                cli.handleLine(line);
            }
            return;
        }
        stdinNotifier->setEnabled(false);
        if (!buffer.isEmpty())
            cli.handleLine(std::exchange(buffer, {}));
        cli.whenIdle(10000, quitCleanly);
    });

    if (::pipe2(g_signalPipe, O_CLOEXEC) == 0) {
        auto *signalNotifier = new QSocketNotifier(g_signalPipe[0], QSocketNotifier::Read, &app);
        QObject::connect(signalNotifier, &QSocketNotifier::activated, &app, quitCleanly);
        std::signal(SIGTERM, onSignal);
        std::signal(SIGINT, onSignal);
    }
    std::signal(SIGPIPE, SIG_IGN);

    cli.joinAtStart(parser.values(joinOpt));
    session.client()->open();
    return app.exec();
}
