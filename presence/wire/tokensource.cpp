#include "tokensource.h"

#include <QFile>
#include <QFileInfo>

namespace Hallway {

QString TokenSource::check(const QString &token)
{
    if (token.isEmpty())
        return QStringLiteral("the token is empty");
    if (token.size() > kMaxBytes)
        return QStringLiteral("the token is longer than %1 bytes").arg(kMaxBytes);
    for (const QChar c : token) {
        // A bearer token is one printable word: a stray space or newline means a bad paste.
        if (c.isSpace() || c.category() == QChar::Other_Control)
            return QStringLiteral("the token contains spaces, line breaks or control characters");
    }
    return {};
}

TokenSource TokenSource::fromFile(const QString &path)
{
    TokenSource result;
    const QFileInfo info(path);
    if (!info.exists()) {
        result.error = QStringLiteral("token file %1 does not exist").arg(path);
        return result;
    }
    if (!info.isFile()) {
        result.error = QStringLiteral("token file %1 is not a regular file").arg(path);
        return result;
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        result.error = QStringLiteral("cannot read token file %1: %2").arg(path, file.errorString());
        return result;
    }
    const QByteArray content = file.read(kMaxBytes + 1);
    if (content.size() > kMaxBytes) {
        result.error = QStringLiteral("token file %1 is larger than %2 bytes").arg(path).arg(kMaxBytes);
        return result;
    }
    // Only the first line counts, so `echo TOKEN > file` works.
    const qsizetype nl = content.indexOf('\n');
    const QString token = QString::fromUtf8(nl < 0 ? content : content.left(nl)).trimmed();
    if (const QString problem = check(token); !problem.isEmpty()) {
        result.error = QStringLiteral("token file %1: %2").arg(path, problem);
        return result;
    }
    const auto perms = info.permissions();
    if (perms & (QFileDevice::ReadGroup | QFileDevice::ReadOther)) {
        result.warning = QStringLiteral("token file %1 can be read by other users; "
                                        "restrict it with chmod 600").arg(path);
    }
    result.token = token;
    return result;
}

TokenSource TokenSource::fromEnvironment(const QString &name)
{
    TokenSource result;
    if (name.isEmpty() || !qEnvironmentVariableIsSet(name.toLocal8Bit().constData())) {
        result.error = QStringLiteral("environment variable %1 is not set").arg(name);
        return result;
    }
    const QString token = qEnvironmentVariable(name.toLocal8Bit().constData()).trimmed();
    if (const QString problem = check(token); !problem.isEmpty()) {
        result.error = QStringLiteral("environment variable %1: %2").arg(name, problem);
        return result;
    }
    result.token = token;
    return result;
}

} // namespace Hallway
