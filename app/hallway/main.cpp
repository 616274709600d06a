// Hallway desktop app: parses the command line, applies it over the remembered settings,
// loads the QML UI (qrc:/Hallway/Main.qml) and, with --screenshot, saves one frame and quits.
// A second `hallway [--join room]` for the same user and server hands its rooms to the first
// one and exits; the first also gets the desktop layer (notifications, tray, idle and lock).
#include "appsettings.h"
#include "desktopintegration.h"
#include "desktopsettings.h"
#include "singleinstance.h"
#include "systempresence.h"
#include "unreadmodel.h"
#include "appsetup.h"
#include "tokensource.h"
#include "benchprobe.h"
#include "uilogging.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDBusConnection>
#include <QSettings>
#include <QIcon>
#include <QQmlApplicationEngine>
#include <QQuickWindow>
#include <QTimer>
#include <QtQml/qqmlextensionplugin.h>

#include <string>
#include <vector>

Q_IMPORT_QML_PLUGIN(HallwayPlugin)
Q_IMPORT_QML_PLUGIN(Hallway_VocabularyPlugin)
Q_IMPORT_QML_PLUGIN(Hallway_PresencePlugin)

namespace {

void scheduleScreenshot(QQmlApplicationEngine &engine, const QString &file, int delayMs)
{
    QTimer::singleShot(delayMs, &engine, [&engine, file] {
        auto *window = engine.rootObjects().isEmpty()
            ? nullptr : qobject_cast<QQuickWindow *>(engine.rootObjects().constFirst());
        if (!window) {
            qCCritical(lcUi) << "no window to take a screenshot of";
            QCoreApplication::exit(1);
            return;
        }
        const QImage image = window->grabWindow();
        if (image.isNull() || !image.save(file)) {
            qCCritical(lcUi) << "could not save the screenshot to" << file;
            QCoreApplication::exit(1);
            return;
        }
        qCInfo(lcUi) << "screenshot saved to" << file << image.size();
        QCoreApplication::quit();
    });
}

// With the xcb platform Qt itself takes "-name"/"--name" (the X11 resource name) before our
// parser sees it. Our --name means the display name, so it is renamed before Qt starts.
std::vector<char *> renameDisplayNameOption(int argc, char *argv[], std::vector<std::string> &storage)
{
    storage.reserve(argc);
    for (int i = 0; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "--") { // everything after it is positional
            for (; i < argc; ++i)
                storage.emplace_back(argv[i]);
            break;
        }
        if (arg == "--name" || arg == "-name")
            arg = "--display-name";
        else if (arg.rfind("--name=", 0) == 0)
            arg = "--display-name=" + arg.substr(7);
        storage.push_back(arg);
    }
    std::vector<char *> out;
    for (std::string &s : storage)
        out.push_back(s.data());
    out.push_back(nullptr);
    return out;
}

} // namespace

int main(int argc, char *argv[])
{
    std::vector<std::string> argStorage;
    std::vector<char *> args = renameDisplayNameOption(argc, argv, argStorage);
    argv = args.data();
    QCoreApplication::setOrganizationName(QStringLiteral("Hallway"));
    QCoreApplication::setApplicationName(QStringLiteral("hallway"));
    QCoreApplication::setApplicationVersion(QStringLiteral(HALLWAY_VERSION));
    int appArgc = argc;
    QApplication app(appArgc, argv); // QApplication: the tray icon's menu is a widget
    QGuiApplication::setApplicationDisplayName(QStringLiteral("Hallway"));
    QGuiApplication::setDesktopFileName(QStringLiteral("hallway"));
    QGuiApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/hallway.svg")));
    Hallway::Ui::installTranslators(app);

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QCoreApplication::translate("main", "Hallway: live presence chat for @prsm/realtime servers."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption urlOption(QStringLiteral("url"),
        QCoreApplication::translate("main", "Server WebSocket address (default %1).")
            .arg(Hallway::AppSettings::defaultServerUrl()),
        QStringLiteral("url"));
    const QCommandLineOption userOption(QStringLiteral("user"),
        QCoreApplication::translate("main", "Development sign-in: user ID to connect as."), QStringLiteral("id"));
    const QCommandLineOption nameOption({QStringLiteral("name"), QStringLiteral("display-name")},
        QCoreApplication::translate("main", "Development sign-in: display name."), QStringLiteral("name"));
    // No option takes the token itself: the process list would show it to every user.
    const QCommandLineOption tokenFileOption(QStringLiteral("token-file"),
        QCoreApplication::translate("main", "Sign in with the token in FILE (first line; keep it chmod 600). "
                                            "Used for this run, not saved in the keychain."),
        QStringLiteral("file"));
    const QCommandLineOption tokenEnvOption(QStringLiteral("token-env"),
        QCoreApplication::translate("main", "Sign in with the token in environment variable VAR. "
                                            "Used for this run, not saved in the keychain."),
        QStringLiteral("var"));
    const QCommandLineOption joinOption(QStringLiteral("join"),
        QCoreApplication::translate("main", "Join ROOM once connected (repeatable)."), QStringLiteral("room"));
    const QCommandLineOption shotOption(QStringLiteral("screenshot"),
        QCoreApplication::translate("main", "Render the window, save it as a PNG to FILE and quit."),
        QStringLiteral("file"));
    const QCommandLineOption delayOption(QStringLiteral("screenshot-delay"),
        QCoreApplication::translate("main", "Wait MS milliseconds before the screenshot (default 1500)."),
        QStringLiteral("ms"), QStringLiteral("1500"));
    // Measurement hooks for tests/bench/app-bench.mjs (commands on stdin), not for users.
    QCommandLineOption probeOption(QStringLiteral("bench-probe"));
    probeOption.setFlags(QCommandLineOption::HiddenFromHelp);
    const QCommandLineOption newInstanceOption(QStringLiteral("new-instance"),
        QCoreApplication::translate("main", "Start even if Hallway already runs for this user and server."));
    parser.addOptions({urlOption, userOption, nameOption, tokenFileOption, tokenEnvOption, joinOption,
                       shotOption, delayOption, probeOption, newInstanceOption});
    parser.process(app);

    Hallway::Ui::applyDefaultStyle();

    Hallway::AppSettings settings(nullptr);
    Hallway::AppSettings::Overrides overrides;
    if (parser.isSet(urlOption))
        overrides.url = parser.value(urlOption);
    if (parser.isSet(userOption))
        overrides.userId = parser.value(userOption);
    if (parser.isSet(nameOption))
        overrides.displayName = parser.value(nameOption);
    if (parser.isSet(tokenFileOption) && parser.isSet(tokenEnvOption)) {
        overrides.tokenError = QCoreApplication::translate("main", "Use either --token-file or --token-env, not both.");
    } else if (parser.isSet(tokenFileOption) || parser.isSet(tokenEnvOption)) {
        const Hallway::TokenSource source = parser.isSet(tokenFileOption)
            ? Hallway::TokenSource::fromFile(parser.value(tokenFileOption))
            : Hallway::TokenSource::fromEnvironment(parser.value(tokenEnvOption));
        if (!source.warning.isEmpty())
            qCWarning(lcUi).noquote() << source.warning;
        if (source.ok())
            overrides.token = source.token;
        else
            overrides.tokenError = QCoreApplication::translate("main", "Could not read the sign-in token: %1.")
                                       .arg(source.error);
    }
    overrides.joins = parser.values(joinOption);
    settings.applyOverrides(overrides);

    // One Hallway per user and server: a later start hands its rooms over and exits 0.
    // Screenshots and measurements always get a process of their own.
    const bool singleInstance = !parser.isSet(shotOption) && !parser.isSet(probeOption)
        && !parser.isSet(newInstanceOption);
    Hallway::SingleInstance instance(
        Hallway::SingleInstance::socketName(settings.userId(), settings.serverUrl()));
    if (singleInstance) {
        if (instance.handOver(overrides.joins, 3000)) {
            qCInfo(lcUi) << "Hallway already runs for this user and server; handed over to it";
            return 0;
        }
        instance.listen();
    }

    QQmlApplicationEngine engine;
    QObject::connect(&engine, &QQmlApplicationEngine::objectCreationFailed, &app,
                     [] { QCoreApplication::exit(1); }, Qt::QueuedConnection);
    QQuickWindow *window = Hallway::Ui::loadMainWindow(engine, settings);
    if (!window)
        return 1;
    if (parser.isSet(probeOption))
        new Hallway::BenchProbe(window); // owned by the window

    auto showRoom = [window](const QString &room) {
        window->show();
        window->raise();
        window->requestActivate();
        if (!room.isEmpty())
            QMetaObject::invokeMethod(window, "openRoomByName", Q_ARG(QVariant, room));
    };
    QObject::connect(&instance, &Hallway::SingleInstance::activated, window, [showRoom](const QStringList &rooms) {
        showRoom(QString());
        for (const QString &room : rooms)
            showRoom(room);
    });
    auto *session = window->property("hallwaySession").value<Hallway::Session *>();
    auto *unread = window->property("unreadModel").value<Hallway::UnreadModel *>();
    if (session && unread && !parser.isSet(shotOption)) {
        auto *desktop = new Hallway::DesktopIntegration(session, unread, QDBusConnection::sessionBus(),
                                                        Hallway::SystemPresence::systemBusFromEnvironment(), window);
        if (auto *prefs = window->property("desktopSettings").value<Hallway::DesktopSettings *>()) {
            desktop->setShowMessageText(prefs->showMessageText());
            QObject::connect(prefs, &Hallway::DesktopSettings::showMessageTextChanged, desktop,
                             [desktop, prefs] { desktop->setShowMessageText(prefs->showMessageText()); });
        }
        QObject::connect(desktop, &Hallway::DesktopIntegration::showRoomRequested, window, showRoom);
        QObject::connect(desktop, &Hallway::DesktopIntegration::quitRequested, &app, &QCoreApplication::quit);
        if (desktop->enableTray())
            window->setProperty("trayAvailable", true);
    }

    if (parser.isSet(shotOption)) {
        bool ok = false;
        const int delay = parser.value(delayOption).toInt(&ok);
        scheduleScreenshot(engine, parser.value(shotOption), ok && delay >= 0 ? delay : 1500);
    }
    return app.exec();
}
