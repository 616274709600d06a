#pragma once
// Frame: the codec for one @prsm/realtime message ({id?, command, payload}, docs/protocol.md §2–§3).
// parse() validates once and never throws; a malformed text gives ok == false and a sentence
// saying why. encodeRequest()/encodePush() build what the client sends. Error payloads
// ({error: string, code, name}) are recognised here so every caller treats them alike.
#include "presencetypes.h"

#include <QByteArray>
#include <QJsonValue>
#include <QString>

namespace Hallway {

struct Frame {
    QJsonValue id{QJsonValue::Undefined};      // Undefined when absent; an integral number or a string otherwise
    QString command;        // empty only for a reply without one
    QJsonValue payload{QJsonValue::Undefined}; // Undefined when absent

    bool hasId() const { return !id.isUndefined(); }
    // A key to correlate replies: "n:<int>" or "s:<string>", empty without an id.
    QString idKey() const;
    static QString idKey(qint64 numericId);

    struct ParseResult;
    static ParseResult parse(const QByteArray &utf8);

    static QByteArray encodeRequest(qint64 id, const QString &command, const QJsonValue &payload);
    // A frame without an id (pong, latency:response); payload defaults to {}.
    static QByteArray encodePush(const QString &command, const QJsonValue &payload = QJsonValue());

    static bool isErrorPayload(const QJsonValue &payload);
    static RtError errorFromPayload(const QJsonValue &payload); // null RtError if not an error
};

struct Frame::ParseResult {
    bool ok = false;
    Frame frame;
    QString error;      // why it was refused, for logs and EBADFRAME
};

} // namespace Hallway
