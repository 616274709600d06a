#include "identity.h"

#include <QStringList>
#include <QStringView>

namespace Hallway {

namespace {
// The first letter of a word (as a whole code point), upper-cased; empty if it has none.
QString firstLetter(QStringView word)
{
    for (qsizetype i = 0; i < word.size(); ++i) {
        char32_t ucs4 = word.at(i).unicode();
        qsizetype len = 1;
        if (word.at(i).isHighSurrogate() && i + 1 < word.size() && word.at(i + 1).isLowSurrogate()) {
            ucs4 = QChar::surrogateToUcs4(word.at(i), word.at(i + 1));
            len = 2;
        }
        if (QChar::isLetter(ucs4))
            return word.mid(i, len).toString().toUpper();
        i += len - 1;
    }
    return {};
}
} // namespace

quint32 colorSeedForKey(const QString &key)
{
    quint32 h = 2166136261u;
    const QByteArray bytes = key.toUtf8();
    for (const char c : bytes) {
        h ^= quint8(c);
        h *= 16777619u;
    }
    return h;
}

int hueForKey(const QString &key)
{
    return int(colorSeedForKey(key) % 360u);
}

QString initialsFor(const QString &name)
{
    QString first;
    QString last;
    const QStringList words = name.simplified().split(QLatin1Char(' '), Qt::SkipEmptyParts);
    for (const QString &word : words) {
        const QString letter = firstLetter(word);
        if (letter.isEmpty())
            continue;
        if (first.isEmpty())
            first = letter;
        else
            last = letter;
    }
    return first + last;
}

} // namespace Hallway
