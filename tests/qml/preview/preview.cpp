// hallway-preview: the chat UI on stand-in models (no server, no presence library), to look
// at the design. --page chat|connect, --dark, --screenshot FILE [--screenshot-delay MS].
#include <QCommandLineParser>
#include <QGuiApplication>
#include <QIcon>
#include <QPalette>
#include <QQmlApplicationEngine>
#include <QQmlContext>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QStandardPaths>
#include <QTimer>
#include <QTranslator>
#include <QtQml/qqmlextensionplugin.h>

Q_IMPORT_QML_PLUGIN(HallwayPlugin)
Q_IMPORT_QML_PLUGIN(Hallway_VocabularyPlugin)

static QPalette darkPalette()
{
    QPalette p;
    p.setColor(QPalette::Window, QColor(0x2b, 0x2d, 0x31));
    p.setColor(QPalette::WindowText, QColor(0xe6, 0xe6, 0xe6));
    p.setColor(QPalette::Base, QColor(0x1e, 0x1f, 0x22));
    p.setColor(QPalette::AlternateBase, QColor(0x26, 0x27, 0x2b));
    p.setColor(QPalette::Text, QColor(0xe6, 0xe6, 0xe6));
    p.setColor(QPalette::Button, QColor(0x35, 0x37, 0x3c));
    p.setColor(QPalette::ButtonText, QColor(0xe6, 0xe6, 0xe6));
    p.setColor(QPalette::Highlight, QColor(0x4f, 0x7c, 0xf5));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::PlaceholderText, QColor(0x8a, 0x8d, 0x93));
    p.setColor(QPalette::ToolTipBase, QColor(0x35, 0x37, 0x3c));
    p.setColor(QPalette::ToolTipText, QColor(0xe6, 0xe6, 0xe6));
    p.setColor(QPalette::Link, QColor(0x7a, 0xa2, 0xff));
    p.setColor(QPalette::Light, QColor(0x45, 0x47, 0x4c));
    p.setColor(QPalette::Midlight, QColor(0x3c, 0x3e, 0x43));
    p.setColor(QPalette::Mid, QColor(0x2a, 0x2b, 0x2f));
    p.setColor(QPalette::Dark, QColor(0x1a, 0x1b, 0x1e));
    p.setColor(QPalette::Shadow, Qt::black);
    p.setColor(QPalette::Disabled, QPalette::Text, QColor(0x80, 0x80, 0x80));
    p.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0x80, 0x80, 0x80));
    p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x80, 0x80, 0x80));
    return p;
}

int main(int argc, char *argv[])
{
    QStandardPaths::setTestModeEnabled(true); // keep the preview's settings away from the app's
    QCoreApplication::setOrganizationName(QStringLiteral("HallwayPreview"));
    QCoreApplication::setApplicationName(QStringLiteral("hallway-preview"));
    QGuiApplication app(argc, argv);
    QGuiApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/hallway.svg")));

    QTranslator translator;
    if (translator.load(QStringLiteral(":/i18n/hallway_en.qm")))
        QCoreApplication::installTranslator(&translator);

    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption pageOption(QStringLiteral("page"), QStringLiteral("chat or connect"),
                                        QStringLiteral("page"), QStringLiteral("chat"));
    const QCommandLineOption stateOption(QStringLiteral("connection"),
        QStringLiteral("online, reconnecting, offline, auth"), QStringLiteral("state"), QStringLiteral("online"));
    const QCommandLineOption darkOption(QStringLiteral("dark"), QStringLiteral("Use a dark palette"));
    const QCommandLineOption shotOption(QStringLiteral("screenshot"), QStringLiteral("Save a PNG and quit"),
                                        QStringLiteral("file"));
    const QCommandLineOption delayOption(QStringLiteral("screenshot-delay"), QStringLiteral("ms"),
                                         QStringLiteral("ms"), QStringLiteral("800"));
    parser.addOptions({pageOption, stateOption, darkOption, shotOption, delayOption});
    parser.process(app);

    if (qEnvironmentVariableIsEmpty("QT_QUICK_CONTROLS_STYLE"))
        QQuickStyle::setStyle(QStringLiteral("Fusion"));
    if (parser.isSet(darkOption))
        QGuiApplication::setPalette(darkPalette());

    QQmlApplicationEngine engine;
    engine.addImportPath(QStringLiteral("qrc:/")); // the static Hallway modules live under qrc:/
    engine.setInitialProperties({{QStringLiteral("page"), parser.value(pageOption)},
                                 {QStringLiteral("connection"), parser.value(stateOption)}});
    engine.load(QUrl(QStringLiteral("qrc:/preview/Preview.qml")));
    if (engine.rootObjects().isEmpty())
        return 1;

    if (parser.isSet(shotOption)) {
        const QString file = parser.value(shotOption);
        QTimer::singleShot(parser.value(delayOption).toInt(), &app, [&engine, file] {
            auto *window = qobject_cast<QQuickWindow *>(engine.rootObjects().constFirst());
            const QImage image = window ? window->grabWindow() : QImage();
            QCoreApplication::exit(!image.isNull() && image.save(file) ? 0 : 1);
        });
    }
    return app.exec();
}
