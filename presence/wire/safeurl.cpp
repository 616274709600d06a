#include "safeurl.h"

namespace Hallway {

bool isAllowedAvatarUrl(const QUrl &url, bool allowHttp)
{
    if (!url.isValid() || url.isRelative() || url.host().isEmpty())
        return false;
    const QString scheme = url.scheme().toLower();
    if (scheme != QLatin1String("https") && !(allowHttp && scheme == QLatin1String("http")))
        return false;
    if (!url.userInfo().isEmpty())
        return false; // https://user:password@host/ leaks credentials and misleads readers
    return url.toString(QUrl::FullyEncoded).size() <= kMaxAvatarUrlLength;
}

bool isPlainHttpsUrl(const QString &text)
{
    static const QLatin1String scheme("https://");
    if (!text.startsWith(scheme) || text.size() > kMaxAvatarUrlLength)
        return false;
    const auto isLower = [](QChar c) { return c >= u'a' && c <= u'z'; };
    const auto isDigit = [](QChar c) { return c >= u'0' && c <= u'9'; };
    const QStringView url(text);
    qsizetype i = scheme.size();
    while (i < url.size() && url[i] != u'/' && url[i] != u'?' && url[i] != u'#')
        ++i;
    const QStringView host = url.mid(scheme.size(), i - scheme.size());
    bool lastStartsWithLetter = false;
    for (const QStringView label : host.tokenize(u'.')) {
        if (label.isEmpty() || label.front() == u'-' || label.back() == u'-' || label.startsWith(u"xn--"))
            return false;
        for (const QChar c : label) {
            if (!isLower(c) && !isDigit(c) && c != u'-')
                return false;
        }
        lastStartsWithLetter = isLower(label.front());
    }
    if (!lastStartsWithLetter) // empty, or maybe an IP address ("0x10", "1.2.3.4"), which QUrl rewrites
        return false;
    // The rest: unreserved characters and the delimiters QUrl leaves as they are.
    static const QLatin1String extra("-._~!$&'()*+,;=:/?");
    bool fragment = false;
    for (; i < url.size(); ++i) {
        const QChar c = url[i];
        if (isLower(c) || isDigit(c) || (c >= u'A' && c <= u'Z'))
            continue;
        if (c == u'#' && !fragment) {
            fragment = true;
            continue;
        }
        if (c.unicode() > 0x7f || !extra.contains(c))
            return false;
    }
    return true;
}

QString sanitizedAvatarUrl(const QString &text, bool allowHttp)
{
    if (text.isEmpty() || text.size() > kMaxAvatarUrlLength)
        return {};
    if (isPlainHttpsUrl(text))
        return text;
    const QUrl url(text, QUrl::StrictMode);
    return isAllowedAvatarUrl(url, allowHttp) ? url.toString(QUrl::FullyEncoded) : QString();
}

} // namespace Hallway
