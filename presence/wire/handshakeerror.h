#pragma once
// Recognising what Qt 6.4 tells only in words, and keeping secrets out of words we log.
// A refused WebSocket upgrade is reported by errorString() alone ("Unhandled http status
// code: 401 (Unauthorized)", docs/protocol.md §13); this is the one place that reads that text.
#include <QString>
#include <QUrl>

namespace Hallway {

// The HTTP status of a refused handshake, or 0 when the text names none.
int handshakeHttpStatus(const QString &errorString);
// 401 or 403: the server refused who we are; retrying cannot help.
bool isAuthHandshakeError(const QString &errorString);

// The URL as a string, with token-like query values replaced by "redacted".
QString redactUrl(const QUrl &url);
// Free text (an error string that may quote a URL or a header) with secrets replaced.
QString redactText(const QString &text);

} // namespace Hallway
