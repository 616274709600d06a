#include "jsonparse.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QStringList>

#include <cstring>
#include <future>
#include <optional>
#include <vector>

namespace Hallway {

namespace {

struct Span {
    qsizetype begin = 0; // a string's opening quote
    qsizetype end = 0;   // one past its closing quote
    bool isEmpty() const { return end <= begin; }
};

struct Level {
    char open;  // '{' or '['
    Span key;   // in an object: the last key read
};

// The cut: text[comma] is a comma between two elements of the array path.back(); every other
// level of path is an object, entered through its key.
struct Cut {
    qsizetype comma = -1;
    std::vector<Level> path;
};

constexpr size_t kMaxDepth = 64; // deeper texts are parsed in one go

// One past the closing quote of the string opening at text[at], or -1.
qsizetype stringEnd(const char *text, qsizetype size, qsizetype at)
{
    qsizetype from = at + 1;
    for (;;) {
        const void *quote = from < size ? std::memchr(text + from, '"', size_t(size - from)) : nullptr;
        if (!quote)
            return -1;
        const qsizetype q = static_cast<const char *>(quote) - text;
        qsizetype backslashes = 0;
        while (q - 1 - backslashes > at && text[q - 1 - backslashes] == '\\')
            ++backslashes;
        if (backslashes % 2 == 0)
            return q + 1;
        from = q + 1;
    }
}

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// The first comma from the middle on that lies between two elements of an array whose
// enclosing values are all objects. For valid JSON the scan sees what the parser sees; for
// anything else a side fails to parse and the whole text is parsed in one go.
std::optional<Cut> findCut(const char *text, qsizetype size)
{
    const qsizetype middle = size / 2;
    std::vector<Level> stack;
    stack.reserve(16);
    Span lastString;
    int arrays = 0;
    for (qsizetype i = 0; i < size; ++i) {
        switch (text[i]) {
        case '"': {
            const qsizetype end = stringEnd(text, size, i);
            if (end < 0)
                return std::nullopt;
            lastString = {i, end};
            i = end - 1;
            break;
        }
        case ':':
            if (!stack.empty() && stack.back().open == '{')
                stack.back().key = lastString;
            break;
        case '{':
        case '[':
            if (stack.size() >= kMaxDepth)
                return std::nullopt;
            arrays += text[i] == '[';
            stack.push_back({text[i], {}});
            break;
        case '}':
        case ']':
            if (stack.empty())
                return std::nullopt;
            arrays -= stack.back().open == '[';
            stack.pop_back();
            break;
        case ',': {
            if (i < middle || arrays != 1 || stack.back().open != '[')
                break;
            // An element on each side: "[," and ",]" must not become "[]" once cut.
            qsizetype before = i - 1;
            while (before >= 0 && isSpace(text[before]))
                --before;
            qsizetype after = i + 1;
            while (after < size && isSpace(text[after]))
                ++after;
            if (before < 0 || text[before] == '[' || text[before] == ',' || after >= size || text[after] == ']'
                || text[after] == ',')
                return std::nullopt;
            for (size_t l = 0; l + 1 < stack.size(); ++l) {
                if (stack[l].key.isEmpty())
                    return std::nullopt;
            }
            return Cut{i, stack};
        }
        default:
            break;
        }
    }
    return std::nullopt;
}

// Whether the text after the cut gives one of the path's objects a key the merge cannot place:
// the path's own key again (in the whole text the later one wins, replacing the cut array), or
// an escaped key (compared by its raw bytes, it might be the path's key).
bool reopensPathKey(const char *text, qsizetype size, const Cut &cut)
{
    const int pathDepth = int(cut.path.size());
    int depth = pathDepth; // inside the cut array
    int live = pathDepth;  // path levels still open: the shallowest depth seen
    Span lastString;
    for (qsizetype i = cut.comma + 1; i < size; ++i) {
        switch (text[i]) {
        case '"': {
            const qsizetype end = stringEnd(text, size, i);
            if (end < 0)
                return true;
            lastString = {i, end};
            i = end - 1;
            break;
        }
        case ':':
            if (depth == live && depth >= 1 && depth < pathDepth) {
                const Span key = cut.path[size_t(depth - 1)].key;
                const QByteArrayView raw(text + lastString.begin, lastString.end - lastString.begin);
                if (raw.contains('\\') || raw == QByteArrayView(text + key.begin, key.end - key.begin))
                    return true;
            }
            break;
        case '{':
        case '[':
            ++depth;
            break;
        case '}':
        case ']':
            --depth;
            live = qMin(live, depth);
            break;
        default:
            break;
        }
    }
    return false;
}

QJsonValue mergeAlong(QJsonValue first, const QJsonValue &second, const QStringList &keys, qsizetype level, bool &ok)
{
    if (level == keys.size()) {
        if (!first.isArray() || !second.isArray()) {
            ok = false;
            return {};
        }
        QJsonArray merged = first.toArray();
        first = QJsonValue(); // the array's only owner now: appending does not copy it
        const QJsonArray rest = second.toArray();
        for (const QJsonValue &v : rest)
            merged.append(v);
        return merged;
    }
    if (!first.isObject() || !second.isObject()) {
        ok = false;
        return {};
    }
    QJsonObject merged = first.toObject();
    first = QJsonValue();
    const QJsonObject rest = second.toObject();
    const QString &key = keys.at(level);
    QJsonValue inner = merged.take(key);
    for (auto it = rest.constBegin(); it != rest.constEnd(); ++it) {
        if (it.key() != key)
            merged.insert(it.key(), it.value()); // later keys win, as in the whole text
    }
    merged.insert(key, mergeAlong(std::move(inner), rest.value(key), keys, level + 1, ok));
    return merged;
}

QJsonValue rootOf(const QJsonDocument &doc)
{
    return doc.isArray() ? QJsonValue(doc.array()) : QJsonValue(doc.object());
}

std::optional<QJsonDocument> parseInTwo(const QByteArray &utf8)
{
    const char *text = utf8.constData();
    const qsizetype size = utf8.size();
    const std::optional<Cut> cut = findCut(text, size);
    if (!cut)
        return std::nullopt;

    QStringList keys;
    QByteArray closers;
    QByteArray openers;
    for (size_t l = 0; l < cut->path.size(); ++l) {
        const Level &level = cut->path[l];
        closers.prepend(level.open == '{' ? '}' : ']');
        openers.append(level.open);
        if (level.open == '{') {
            const QByteArray raw(text + level.key.begin, level.key.end - level.key.begin);
            const QJsonDocument key = QJsonDocument::fromJson('[' + raw + ']');
            if (!key.isArray() || !key.array().at(0).isString())
                return std::nullopt;
            keys << key.array().at(0).toString();
            openers.append(raw).append(':');
        }
    }

    auto second = std::async(std::launch::async, [&]() -> std::optional<QJsonDocument> {
        if (reopensPathKey(text, size, *cut))
            return std::nullopt;
        QByteArray reopened;
        reopened.reserve(openers.size() + size - cut->comma - 1);
        reopened.append(openers).append(text + cut->comma + 1, size - cut->comma - 1);
        QJsonParseError error;
        QJsonDocument doc = QJsonDocument::fromJson(reopened, &error);
        if (error.error != QJsonParseError::NoError)
            return std::nullopt;
        return doc;
    });
    QByteArray closed;
    closed.reserve(cut->comma + closers.size());
    closed.append(text, cut->comma).append(closers);
    QJsonParseError error;
    QJsonDocument first = QJsonDocument::fromJson(closed, &error);
    closed.clear();
    std::optional<QJsonDocument> rest = second.get();
    if (error.error != QJsonParseError::NoError || !rest)
        return std::nullopt;

    bool ok = true;
    QJsonValue root = rootOf(first);
    first = QJsonDocument(); // the merge's values are then their only owners: nothing is copied
    const QJsonValue merged = mergeAlong(std::move(root), rootOf(*rest), keys, 0, ok);
    if (!ok)
        return std::nullopt;
    return merged.isArray() ? QJsonDocument(merged.toArray()) : QJsonDocument(merged.toObject());
}

} // namespace

QJsonDocument parseJson(const QByteArray &utf8, QJsonParseError *error, qsizetype splitFrom, bool *inTwo)
{
    if (inTwo)
        *inTwo = false;
    if (utf8.size() >= splitFrom) {
        if (std::optional<QJsonDocument> doc = parseInTwo(utf8)) {
            if (error)
                *error = QJsonParseError{0, QJsonParseError::NoError};
            if (inTwo)
                *inTwo = true;
            return std::move(*doc);
        }
    }
    return QJsonDocument::fromJson(utf8, error);
}

} // namespace Hallway
