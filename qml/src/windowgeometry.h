#pragma once
// WindowGeometry: remembers the main window's size and position across runs (QSettings group
// "window"), for Main.qml. A saved place that is no longer on any screen is not restored
// (only the size is), and the size never goes below the window's minimum.
#include <QObject>
#include <QtQml/qqmlregistration.h>

#include <QQuickWindow>

namespace Hallway {

class WindowGeometry : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON

public:
    explicit WindowGeometry(QObject *parent = nullptr);

    Q_INVOKABLE static void save(QQuickWindow *window);
    Q_INVOKABLE static bool restore(QQuickWindow *window); // false when nothing was saved
};

} // namespace Hallway
