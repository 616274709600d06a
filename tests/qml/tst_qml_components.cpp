// Qt Quick Test runner for tests/qml/tst_*.qml: loads the static Hallway QML module and keeps
// QSettings away from the user's real configuration.
#include <QCoreApplication>
#include <QQmlEngine>
#include <QQuickStyle>
#include <QStandardPaths>
#include <QTranslator>
#include <QtQml/qqmlextensionplugin.h>
#include <QtQuickTest/quicktest.h>

Q_IMPORT_QML_PLUGIN(HallwayPlugin)
Q_IMPORT_QML_PLUGIN(Hallway_VocabularyPlugin)

class Setup : public QObject
{
    Q_OBJECT
public slots:
    void applicationAvailable()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("HallwayTests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_qml_components"));
        QQuickStyle::setStyle(QStringLiteral("Fusion"));
        // English plural forms ("%n device(s)" -> "2 devices"), as the app loads them.
        auto *translator = new QTranslator(qApp);
        if (translator->load(QStringLiteral(":/i18n/hallway_en.qm")))
            QCoreApplication::installTranslator(translator);
        else
            qWarning("hallway_en.qm not found in resources");
    }
    void qmlEngineAvailable(QQmlEngine *engine)
    {
        engine->addImportPath(QStringLiteral("qrc:/"));
    }
};

QUICK_TEST_MAIN_WITH_SETUP(hallway_qml, Setup)

#include "tst_qml_components.moc"
