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

QString sanitizedAvatarUrl(const QString &text, bool allowHttp)
{
    if (text.isEmpty() || text.size() > kMaxAvatarUrlLength)
        return {};
    const QUrl url(text, QUrl::StrictMode);
    return isAllowedAvatarUrl(url, allowHttp) ? url.toString(QUrl::FullyEncoded) : QString();
}

} // namespace Hallway
