#include "presencestatus.h"

namespace Hallway {
namespace PresenceStatus {

QString word(Status status)
{
    switch (status) {
    case Unknown: return QStringLiteral("unknown");
    case Online: return QStringLiteral("online");
    case Away: return QStringLiteral("away");
    case Busy: return QStringLiteral("busy");
    case Typing: return QStringLiteral("typing");
    case Offline: return QStringLiteral("offline");
    case Automatic: return QStringLiteral("automatic");
    case Custom: break;
    }
    return {};
}

Status fromWord(const QString &word)
{
    if (word.isEmpty())
        return Unknown;
    for (Status s : {Online, Away, Busy, Typing, Unknown, Offline, Automatic}) {
        if (word == PresenceStatus::word(s))
            return s;
    }
    return Custom;
}

bool isStandard(const QString &word)
{
    switch (fromWord(word)) {
    case Online:
    case Away:
    case Busy:
    case Typing:
        return true;
    default:
        return false;
    }
}

QStringList manualChoiceWords()
{
    return {word(Automatic), word(Online), word(Away), word(Busy)};
}

} // namespace PresenceStatus
} // namespace Hallway
