// Hallway desktop app: parses the command line, applies it over the remembered settings,
// loads the QML UI (qrc:/Hallway/Main.qml) and, with --screenshot, saves one frame and quits.
#include "appsettings.h"
#include "uilogging.h"

#include <QCommandLineParser>
#include <QGuiApplication>
#include <QIcon>
#include <QLibraryInfo>
#include <QLocale>
#include <QQmlApplicationEngine>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QTimer>
#include <QTranslator>
#include <QtQml/qqmlextensionplugin.h>

Q_IMPORT_QML_PLUGIN(HallwayPlugin)
Q_IMPORT_QML_PLUGIN(Hallway_PresencePlugin)

namespace {

void installTranslators(QGuiApplication &app)
{
    auto *qtTranslator = new QTranslator(&app);
    if (qtTranslator->load(QLocale(), QStringLiteral("qt"), QStringLiteral("_"),
                           QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QCoreApplication::installTranslator(qtTranslator);
    // hallway_en carries the English plural forms ("1 device" / "2 devices").
    auto *translator = new QTranslator(&app);
    if (translator->load(QLocale(), QStringLiteral("hallway"), QStringLiteral("_"), QStringLiteral(":/i18n"))
        || translator->load(QStringLiteral(":/i18n/hallway_en.qm")))
        QCoreApplication::installTranslator(translator);
}

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

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication::setOrganizationName(QStringLiteral("Hallway"));
    QCoreApplication::setApplicationName(QStringLiteral("hallway"));
    QCoreApplication::setApplicationVersion(QStringLiteral(HALLWAY_VERSION));
    QGuiApplication app(argc, argv);
    QGuiApplication::setApplicationDisplayName(QStringLiteral("Hallway"));
    QGuiApplication::setDesktopFileName(QStringLiteral("hallway"));
    QGuiApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/hallway.svg")));
    installTranslators(app);

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
        QCoreApplication::translate("main", "User ID to connect as."), QStringLiteral("id"));
    const QCommandLineOption nameOption(QStringLiteral("name"),
        QCoreApplication::translate("main", "Display name."), QStringLiteral("name"));
    const QCommandLineOption joinOption(QStringLiteral("join"),
        QCoreApplication::translate("main", "Join ROOM once connected (repeatable)."), QStringLiteral("room"));
    const QCommandLineOption shotOption(QStringLiteral("screenshot"),
        QCoreApplication::translate("main", "Render the window, save it as a PNG to FILE and quit."),
        QStringLiteral("file"));
    const QCommandLineOption delayOption(QStringLiteral("screenshot-delay"),
        QCoreApplication::translate("main", "Wait MS milliseconds before the screenshot (default 1500)."),
        QStringLiteral("ms"), QStringLiteral("1500"));
    parser.addOptions({urlOption, userOption, nameOption, joinOption, shotOption, delayOption});
    parser.process(app);

    if (qEnvironmentVariableIsEmpty("QT_QUICK_CONTROLS_STYLE"))
        QQuickStyle::setStyle(QStringLiteral("Fusion")); // follows the system palette

    Hallway::AppSettings settings(nullptr);
    Hallway::AppSettings::Overrides overrides;
    if (parser.isSet(urlOption))
        overrides.url = parser.value(urlOption);
    if (parser.isSet(userOption))
        overrides.userId = parser.value(userOption);
    if (parser.isSet(nameOption))
        overrides.displayName = parser.value(nameOption);
    overrides.joins = parser.values(joinOption);
    settings.applyOverrides(overrides);
    Hallway::AppSettings::setInstance(&settings);

    QQmlApplicationEngine engine;
    engine.addImportPath(QStringLiteral("qrc:/")); // the static Hallway modules live under qrc:/
    QObject::connect(&engine, &QQmlApplicationEngine::objectCreationFailed, &app,
                     [] { QCoreApplication::exit(1); }, Qt::QueuedConnection);
    engine.load(QUrl(QStringLiteral("qrc:/Hallway/Main.qml")));
    if (engine.rootObjects().isEmpty())
        return 1;

    if (parser.isSet(shotOption)) {
        bool ok = false;
        const int delay = parser.value(delayOption).toInt(&ok);
        scheduleScreenshot(engine, parser.value(shotOption), ok && delay >= 0 ? delay : 1500);
    }
    return app.exec();
}
