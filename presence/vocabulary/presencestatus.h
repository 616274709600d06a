#pragma once
// PresenceStatus: the presence status words, one vocabulary for the wire, the models, the app
// and QML. The wire and the models carry words ({"status":"away"}, StatusRole), because a
// state may hold any word ("ready", a game state); everything that *decides* on a status
// converts it here, the only place the words are spelled, and compares enum values.
#include <QObject>
#include <QString>
#include <QStringList>
#include <QtQml/qqmlregistration.h>

namespace Hallway {
namespace PresenceStatus {
Q_NAMESPACE
QML_ELEMENT

enum Status {
    Unknown,   // "" or "unknown": nothing is known (our link is down)
    Online,
    Away,
    Busy,
    Typing,    // published while typing; the models show it as a flag over the base status
    Offline,   // a word some clients publish; shown like Unknown, kept as a custom word
    Automatic, // a manual choice only (Online or Away by activity), never published
    Custom,    // any other word
};
Q_ENUM_NS(Status)

QString word(Status status);            // Custom: ""
Status fromWord(const QString &word);
// Online, Away, Busy and Typing: the words with rules of their own (usermodel.h); others are
// custom states, shown as they are.
bool isStandard(const QString &word);
QStringList manualChoiceWords();        // the manual status choices: automatic, online, away, busy

} // namespace PresenceStatus
} // namespace Hallway
