#pragma once
// parseJson: QJsonDocument::fromJson, on two threads for a big text (a big room's member list
// is 4 MB at 20,000 members, 30 ms to parse on one thread).
//
// A text of splitFrom bytes (1 MiB) or more is cut at a comma between two elements of an array whose
// enclosing values are all objects (the member list in {"payload":{"present":[...]}}). The
// first side is closed ("]}}") and the second reopened ({"payload":{"present":[) into documents
// of their own, both are parsed at once, and the second is merged into the first. Both sides
// parse only if the whole text is valid JSON, and then the merge is the whole text's document.
// Anything else (no such comma, a side that does not parse, a key the merge cannot place as the
// whole parse would) parses the whole text in one go, so errors and their offsets are
// QJsonDocument's own. docs/threading.md lists the thread this uses.
#include <QByteArray>
#include <QJsonDocument>
#include <QJsonParseError>

namespace Hallway {

inline constexpr qsizetype kParseInTwoFrom = 1024 * 1024;

// inTwo, when given, tells whether the text was parsed in two (for tests).
QJsonDocument parseJson(const QByteArray &utf8, QJsonParseError *error, qsizetype splitFrom = kParseInTwoFrom,
                        bool *inTwo = nullptr);

} // namespace Hallway
