#include "handshakeerror.h"

#include <QRegularExpression>
#include <QUrlQuery>

namespace Hallway {

namespace {
const QString kRedacted = QStringLiteral("redacted");

bool isSecretKey(const QString &key)
{
    const QString k = key.toLower();
    return k == QLatin1String("token") || k == QLatin1String("access_token") || k == QLatin1String("auth")
        || k == QLatin1String("password") || k == QLatin1String("secret") || k.endsWith(QLatin1String("token"));
}
} // namespace

int handshakeHttpStatus(const QString &errorString)
{
    static const QRegularExpression re(QStringLiteral("http status code:?\\s*(\\d{3})"),
                                       QRegularExpression::CaseInsensitiveOption);
    const QRegularExpressionMatch match = re.match(errorString);
    return match.hasMatch() ? match.captured(1).toInt() : 0;
}

bool isAuthHandshakeError(const QString &errorString)
{
    const int status = handshakeHttpStatus(errorString);
    return status == 401 || status == 403;
}

QString redactUrl(const QUrl &url)
{
    QUrl copy = url;
    copy.setPassword(QString());
    if (copy.hasQuery()) {
        QUrlQuery query(copy);
        const auto items = query.queryItems(QUrl::FullyEncoded);
        QUrlQuery cleaned;
        for (const auto &item : items)
            cleaned.addQueryItem(item.first, isSecretKey(item.first) ? kRedacted : item.second);
        copy.setQuery(cleaned);
    }
    return copy.toString();
}

QString redactText(const QString &text)
{
    static const QRegularExpression query(
        QStringLiteral("([?&](?:[A-Za-z_]*token|auth|password|secret)=)[^&\\s\"']*"),
        QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression bearer(QStringLiteral("(Bearer\\s+)[^\\s\"']+"),
                                           QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression userinfo(QStringLiteral("(wss?://[^/:@\\s]+:)[^@/\\s]+@"),
                                             QRegularExpression::CaseInsensitiveOption);
    QString out = text;
    out.replace(query, QStringLiteral("\\1") + kRedacted);
    out.replace(bearer, QStringLiteral("\\1") + kRedacted);
    out.replace(userinfo, QStringLiteral("\\1") + kRedacted + QStringLiteral("@"));
    return out;
}

} // namespace Hallway
