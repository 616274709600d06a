#pragma once
// AppSetup: the wiring the desktop app does around its QML, in one place so the executable
// (app/hallway/main.cpp) and the GUI test (tests/gui) start the very same UI: the Controls
// style, the translators, the AppSettings instance QML sees and the engine's import path,
// then qrc:/Hallway/Main.qml. The caller owns the application, the engine and the settings;
// it also imports the static QML plugins (Q_IMPORT_QML_PLUGIN) in its own translation unit.
#include <QUrl>

class QCoreApplication;
class QQmlApplicationEngine;
class QQuickWindow;

namespace Hallway {
class AppSettings;

namespace Ui {

// Fusion (which follows the system palette) unless QT_QUICK_CONTROLS_STYLE chooses one.
// Call before the first engine loads anything.
void applyDefaultStyle();
// Qt's own translations and hallway_<locale> (English plural forms at least), owned by app.
void installTranslators(QCoreApplication &app);
// Hands `settings` to QML as the AppSettings singleton (the caller keeps it alive longer than
// the engine) and adds the qrc:/ import path where the static Hallway modules live.
void configureEngine(QQmlApplicationEngine &engine, AppSettings &settings);
// The main window's QML.
QUrl mainQmlUrl();
// configureEngine() and load mainQmlUrl(): the window, or nullptr when loading failed.
QQuickWindow *loadMainWindow(QQmlApplicationEngine &engine, AppSettings &settings);

} // namespace Ui
} // namespace Hallway
