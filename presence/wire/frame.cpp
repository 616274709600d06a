#include "frame.h"
#include "errorcodes.h"
#include "jsonparse.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <cmath>

namespace Hallway {

namespace {
// Integers a double holds exactly; larger ids could not round-trip.
constexpr double kMaxSafeInteger = 9007199254740991.0;

QJsonObject withPayload(const QJsonValue &payload)
{
    QJsonObject object;
    // A missing payload makes the server's built-in handlers throw (docs/protocol.md §3).
    object.insert(QStringLiteral("payload"),
                  payload.isUndefined() || payload.isNull() ? QJsonValue(QJsonObject()) : payload);
    return object;
}
} // namespace

QString Frame::idKey() const
{
    if (id.isString())
        return QStringLiteral("s:") + id.toString();
    if (id.isDouble())
        return idKey(qint64(id.toDouble()));
    return {};
}

QString Frame::idKey(qint64 numericId)
{
    return QStringLiteral("n:") + QString::number(numericId);
}

Frame::ParseResult Frame::parse(const QByteArray &utf8)
{
    ParseResult result;
    QJsonParseError parseError;
    const QJsonDocument doc = parseJson(utf8, &parseError); // a big one on two threads
    if (parseError.error != QJsonParseError::NoError) {
        result.error = QStringLiteral("not JSON: %1 at offset %2")
                           .arg(parseError.errorString())
                           .arg(parseError.offset);
        return result;
    }
    if (!doc.isObject()) {
        result.error = QStringLiteral("not a JSON object");
        return result;
    }
    const QJsonObject object = doc.object();
    Frame &frame = result.frame;

    const QJsonValue id = object.value(QStringLiteral("id"));
    if (id.isDouble()) {
        const double number = id.toDouble();
        if (!std::isfinite(number) || std::floor(number) != number || std::fabs(number) > kMaxSafeInteger) {
            result.error = QStringLiteral("id is not an integer");
            return result;
        }
        frame.id = id;
    } else if (id.isString()) {
        frame.id = id;
    } else if (!id.isUndefined() && !id.isNull()) {
        result.error = QStringLiteral("id is neither a number nor a string");
        return result;
    }

    const QJsonValue command = object.value(QStringLiteral("command"));
    if (command.isString()) {
        frame.command = command.toString();
    } else if (!command.isUndefined()) {
        result.error = QStringLiteral("command is not a string");
        return result;
    }
    if (frame.command.isEmpty() && !frame.hasId()) {
        result.error = QStringLiteral("frame has neither an id nor a command");
        return result;
    }
    frame.payload = object.value(QStringLiteral("payload"));
    result.ok = true;
    return result;
}

QByteArray Frame::encodeRequest(qint64 id, const QString &command, const QJsonValue &payload)
{
    QJsonObject object = withPayload(payload);
    object.insert(QStringLiteral("id"), double(id));
    object.insert(QStringLiteral("command"), command);
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QByteArray Frame::encodePush(const QString &command, const QJsonValue &payload)
{
    QJsonObject object = withPayload(payload);
    object.insert(QStringLiteral("command"), command);
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

bool Frame::isErrorPayload(const QJsonValue &payload)
{
    return payload.isObject() && payload.toObject().value(QStringLiteral("error")).isString();
}

RtError Frame::errorFromPayload(const QJsonValue &payload)
{
    if (!isErrorPayload(payload))
        return {};
    const QJsonObject object = payload.toObject();
    RtError error;
    error.code = object.value(QStringLiteral("code")).toString();
    if (error.code.isEmpty())
        error.code = ErrorCode::Unknown;
    error.message = object.value(QStringLiteral("error")).toString();
    return error;
}

} // namespace Hallway
