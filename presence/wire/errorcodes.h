#pragma once
// The error codes the client itself produces (RtError::code), in one list. They are part of
// the contract: hallway-cli prints them and scripts match on them. Server errors keep the
// server's own codes (ENOTFOUND for an unknown command, ESERVER, or a custom command's code).
#include <QString>

namespace Hallway::ErrorCode {

inline const QString Timeout = QStringLiteral("ETIMEOUT");         // no reply within commandTimeoutMs
inline const QString TooLarge = QStringLiteral("ETOOLARGE");       // a frame or command over its size cap
inline const QString BadFrame = QStringLiteral("EBADFRAME");       // the server sent something we cannot read
inline const QString ConnectionLost = QStringLiteral("ECONNLOST"); // the link dropped before the reply
inline const QString Offline = QStringLiteral("EOFFLINE");         // closed by the user
inline const QString Auth = QStringLiteral("EAUTH");               // HTTP 401/403 at the handshake; no retry
inline const QString Ssl = QStringLiteral("ESSL");                 // certificate not trusted; no retry
inline const QString NoUrl = QStringLiteral("ENOURL");             // no server address set
inline const QString Network = QStringLiteral("ENETWORK");         // a connection attempt failed; retrying
inline const QString RateLimited = QStringLiteral("ERATELIMIT"); // the server's rate limit refused it
inline const QString Refused = QStringLiteral("EREFUSED");         // the server answered false / {success:false}
inline const QString Canceled = QStringLiteral("ECANCELED");       // left or unsubscribed while it was under way
inline const QString NotFound = QStringLiteral("ENOTFOUND");       // e.g. metadata of a connection that has gone
inline const QString Send = QStringLiteral("ESEND");               // chat:send answered without ok
inline const QString Unknown = QStringLiteral("EUNKNOWN");         // an error without a code

// hallway-cli's own, for what it refuses before anything reaches the client.
inline const QString Usage = QStringLiteral("EUSAGE");             // bad command-line arguments
inline const QString BadText = QStringLiteral("EBADTEXT");         // a message empty or over the size cap

} // namespace Hallway::ErrorCode
