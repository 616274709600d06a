#include "desktopsettings.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QSaveFile>
#include <QSettings>
#include <QStandardPaths>

namespace Hallway {

namespace {
const QString kSendTyping = QStringLiteral("privacy/sendTyping");
const QString kShowText = QStringLiteral("desktop/showMessageText");
const QString kKeepInTray = QStringLiteral("desktop/keepInTray");
const QString kAppId = QStringLiteral("io.github.hallway_chat.Hallway");
} // namespace

DesktopSettings::DesktopSettings(QObject *parent) : QObject(parent)
{
    const QSettings settings;
    m_sendTyping = settings.value(kSendTyping, true).toBool();
    m_showMessageText = settings.value(kShowText, true).toBool();
    m_keepInTray = settings.value(kKeepInTray, false).toBool();
}

void DesktopSettings::setSendTyping(bool on)
{
    if (on == m_sendTyping)
        return;
    m_sendTyping = on;
    QSettings().setValue(kSendTyping, on);
    Q_EMIT sendTypingChanged();
}

void DesktopSettings::setShowMessageText(bool on)
{
    if (on == m_showMessageText)
        return;
    m_showMessageText = on;
    QSettings().setValue(kShowText, on);
    Q_EMIT showMessageTextChanged();
}

void DesktopSettings::setKeepInTray(bool on)
{
    if (on == m_keepInTray)
        return;
    m_keepInTray = on;
    QSettings().setValue(kKeepInTray, on);
    Q_EMIT keepInTrayChanged();
}

QString DesktopSettings::autostartPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation)
        + QStringLiteral("/autostart/") + kAppId + QStringLiteral(".desktop");
}

bool DesktopSettings::startAtLogin() const
{
    return QFile::exists(autostartPath());
}

void DesktopSettings::setStartAtLogin(bool on)
{
    if (on == startAtLogin())
        return;
    const QString path = autostartPath();
    if (on) {
        QDir().mkpath(QFileInfo(path).absolutePath());
        QSaveFile file(path);
        const QString exec = QCoreApplication::applicationFilePath();
        const QByteArray entry = "[Desktop Entry]\nType=Application\nName=Hallway\n"
                                 "Comment=Live presence chat\nExec=\"" + exec.toUtf8() + "\"\n"
                                 "Icon=" + kAppId.toUtf8() + "\nX-GNOME-Autostart-enabled=true\n";
        if (!file.open(QIODevice::WriteOnly) || file.write(entry) != entry.size() || !file.commit()) {
            setError(tr("Could not write %1: %2").arg(path, file.errorString()));
            return;
        }
    } else if (!QFile::remove(path)) {
        setError(tr("Could not remove %1.").arg(path));
        return;
    }
    setError(QString());
    Q_EMIT startAtLoginChanged();
}

void DesktopSettings::setError(const QString &error)
{
    if (error == m_error)
        return;
    m_error = error;
    Q_EMIT errorChanged();
}

} // namespace Hallway
