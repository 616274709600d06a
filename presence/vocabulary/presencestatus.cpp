#include "presencestatus.h"

#include <array>
#include <utility>

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
    // Runs for every state and every sort comparison of the people list: the words are made
    // once, most frequent first.
    static const std::array<std::pair<QString, Status>, 7> words = [] {
        std::array<std::pair<QString, Status>, 7> out;
        const Status order[] = {Online, Away, Busy, Typing, Unknown, Offline, Automatic};
        for (size_t i = 0; i < out.size(); ++i)
            out[i] = {PresenceStatus::word(order[i]), order[i]};
        return out;
    }();
    for (const auto &[text, status] : words) {
        if (word == text)
            return status;
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
