#include "uihelpers.h"

#include <QLocale>
#include <QRegularExpression>

namespace Hallway {

UiHelpers::UiHelpers(QObject *parent)
    : QObject(parent)
{
}

PresenceStatus::Status UiHelpers::presenceStatus(const QString &status)
{
    return PresenceStatus::fromWord(status);
}

bool UiHelpers::isCustomStatus(const QString &status)
{
    return !status.isEmpty() && !PresenceStatus::isStandard(status);
}

QStringList UiHelpers::manualStatuses()
{
    return PresenceStatus::manualChoiceWords();
}

QString UiHelpers::statusLabel(const QString &status)
{
    switch (PresenceStatus::fromWord(status)) {
    case PresenceStatus::Online: return tr("Online");
    case PresenceStatus::Away: return tr("Away");
    case PresenceStatus::Busy: return tr("Busy");
    case PresenceStatus::Typing: return tr("Typing");
    case PresenceStatus::Unknown: return tr("Status unknown");
    case PresenceStatus::Offline:
    case PresenceStatus::Automatic:
    case PresenceStatus::Custom: break;
    }
    return status; // custom states are shown as they are
}

QString UiHelpers::manualStatusLabel(const QString &manualStatus)
{
    if (PresenceStatus::fromWord(manualStatus) == PresenceStatus::Automatic)
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

namespace Hallway {

namespace {
const QRegularExpression &linkPattern()
{
    // An address ends at white space or a character that rarely ends one in prose.
    static const QRegularExpression re(QStringLiteral("https://[^\\s<>\"']+[^\\s<>\"'.,;:!?)\\]]"),
                                       QRegularExpression::CaseInsensitiveOption);
    return re;
}
} // namespace

bool UiHelpers::hasLink(const QString &text)
{
    return linkPattern().match(text).hasMatch();
}

QString UiHelpers::linkify(const QString &text)
{
    QString out;
    qsizetype pos = 0;
    auto it = linkPattern().globalMatch(text);
    while (it.hasNext()) {
        const QRegularExpressionMatch m = it.next();
        out += text.mid(pos, m.capturedStart() - pos).toHtmlEscaped();
        const QString url = m.captured().toHtmlEscaped();
        out += QStringLiteral("<a href=\"%1\">%1</a>").arg(url);
        pos = m.capturedEnd();
    }
    out += text.mid(pos).toHtmlEscaped();
    out.replace(QLatin1Char('\n'), QStringLiteral("<br>"));
    return out;
}

QString UiHelpers::dayLabel(const QString &day)
{
    const QDate date = QDate::fromString(day, Qt::ISODate);
    if (!date.isValid())
        return day;
    const QDate today = QDate::currentDate();
    if (date == today)
        return tr("Today");
    if (date == today.addDays(-1))
        return tr("Yesterday");
    return QLocale().toString(date, QLocale::LongFormat);
}

} // namespace Hallway
