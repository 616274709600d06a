#include "windowgeometry.h"

#include <QGuiApplication>
#include <QQuickWindow>
#include <QScreen>
#include <QSettings>

namespace Hallway {

namespace {
const QString kSize = QStringLiteral("window/size");
const QString kPos = QStringLiteral("window/position");
} // namespace

WindowGeometry::WindowGeometry(QObject *parent)
    : QObject(parent)
{
}

void WindowGeometry::save(QQuickWindow *window)
{
    if (!window || window->visibility() == QWindow::FullScreen || window->visibility() == QWindow::Maximized)
        return;
    QSettings settings;
    settings.setValue(kSize, window->size());
    settings.setValue(kPos, window->position());
}

bool WindowGeometry::restore(QQuickWindow *window)
{
    if (!window)
        return false;
    QSettings settings;
    const QSize size = settings.value(kSize).toSize();
    if (!size.isValid())
        return false;
    window->resize(size.expandedTo(window->minimumSize()));
    const QPoint pos = settings.value(kPos).toPoint();
    const auto screens = QGuiApplication::screens();
    for (const QScreen *screen : screens) {
        if (screen->availableGeometry().contains(pos)) {
            window->setPosition(pos);
            break;
        }
    }
    return true;
}

} // namespace Hallway
