#pragma once
// How a person looks when there is no picture: two initials and a stable hue. One derivation
// for every view (people panel rows from UserModel, message avatars from MessageModel), so
// the same person has the same colour and letters everywhere. Pure functions, no state.
#include <QString>

namespace Hallway {

// FNV-1a (32-bit) of the UTF-8 key: stable across runs, platforms and Qt versions.
quint32 colorSeedForKey(const QString &key);
// 0..359, from colorSeedForKey(key); key is the person's grouping key (their userId).
int hueForKey(const QString &key);
// The first letter of the first and of the last word ("Ada Lovelace" -> "AL", "jean luc
// picard" -> "JP"), upper-cased; characters that are not letters are skipped, so markup or
// punctuation never shows ("Bob <b>Builder</b>" -> "BB", "(ada)" -> "A"), and a word without
// any letter does not count. Letters outside the BMP stay whole. Empty when there is no letter.
QString initialsFor(const QString &name);

} // namespace Hallway
