#include "uihelpers.h"

#include <QLocale>
#include <QRegularExpression>

namespace Hallway {

UiHelpers::UiHelpers(QObject *parent)
    : QObject(parent)
{
}

QString UiHelpers::statusLabel(const QString &status)
{
    if (status == QLatin1String("online"))
        return tr("Online");
    if (status == QLatin1String("away"))
        return tr("Away");
    if (status == QLatin1String("busy"))
        return tr("Busy");
    if (status == QLatin1String("typing"))
        return tr("Typing");
    if (status.isEmpty() || status == QLatin1String("unknown"))
        return tr("Status unknown");
    return status;
}

QString UiHelpers::manualStatusLabel(const QString &manualStatus)
{
    if (manualStatus == QLatin1String("automatic"))
        return tr("Automatic");
    return statusLabel(manualStatus);
}

QString UiHelpers::time(const QDateTime &timestamp)
{
    if (!timestamp.isValid())
        return {};
    const QLocale locale;
    QString format = locale.timeFormat(QLocale::ShortFormat);
    // Some locales (C among them) put seconds in the short format: chat times don't need them.
    static const QRegularExpression seconds(QStringLiteral("[:.]ss?"));
    format.remove(seconds);
    return locale.toString(timestamp.toLocalTime().time(), format);
}

QString UiHelpers::sectionTitle(int statusRank)
{
    switch (statusRank) {
    case 0:
        return tr("Online");
    case 1:
        return tr("Away");
    case 2:
        return tr("Busy");
    default:
        return tr("Other");
    }
}

} // namespace Hallway
