#include "appsetup.h"

#include "appsettings.h"
#include "incubationpacer.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QQmlApplicationEngine>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QTranslator>

namespace Hallway::Ui {

namespace {
// A big room's model slices are 4 ms: with one of them, a frame and an incubation turn in one
// go, still under a frame (2 ms measured a little better than 4 at 20,000 members).
constexpr int kIncubationMsPerTurn = 2;
} // namespace

void applyDefaultStyle()
{
    if (qEnvironmentVariableIsEmpty("QT_QUICK_CONTROLS_STYLE"))
        QQuickStyle::setStyle(QStringLiteral("Fusion")); // follows the system palette
}

void installTranslators(QCoreApplication &app)
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

void configureEngine(QQmlApplicationEngine &engine, AppSettings &settings)
{
    AppSettings::setInstance(&settings);
    engine.addImportPath(QStringLiteral("qrc:/")); // the static Hallway modules live under qrc:/
    // Set before the window is made, which otherwise installs its own (see incubationpacer.h).
    if (!engine.incubationController())
        engine.setIncubationController(new IncubationPacer(kIncubationMsPerTurn, &engine));
}

QUrl mainQmlUrl()
{
    return QUrl(QStringLiteral("qrc:/Hallway/Main.qml"));
}

QQuickWindow *loadMainWindow(QQmlApplicationEngine &engine, AppSettings &settings)
{
    configureEngine(engine, settings);
    engine.load(mainQmlUrl());
    const auto roots = engine.rootObjects();
    return roots.isEmpty() ? nullptr : qobject_cast<QQuickWindow *>(roots.constFirst());
}

} // namespace Hallway::Ui
