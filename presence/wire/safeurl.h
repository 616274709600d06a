#pragma once
// Which URLs from other people (connection metadata, messages) we may load. Metadata is
// whatever a peer's client or the server's auth put there, so an avatar could point at
// file://, a LAN address over http:, data:, or a page many MB long. The models keep only
// avatars that pass isAllowedAvatarUrl(); QML then loads them as images, nothing else.
#include <QUrl>

namespace Hallway {

// At most this many characters: the server caps avatars at 2048 as well.
constexpr int kMaxAvatarUrlLength = 2048;

// True for absolute https:// URLs with a host, no user info, at most kMaxAvatarUrlLength
// characters (http:// too when allowHttp, for local development only).
bool isAllowedAvatarUrl(const QUrl &url, bool allowHttp = false);
// The same check on text from JSON; an empty string for anything refused.
QString sanitizedAvatarUrl(const QString &text, bool allowHttp = false);
// True for text that QUrl would accept and write back unchanged: "https://", a lower-case host
// name (letters, digits, inner dots and hyphens, at least one letter, no punycode), then only
// characters that need no encoding, no '%', '@' or port, and at most one '#'. Such an avatar
// skips the QUrl round trip, which is most of what a 20,000-member snapshot spends on avatars.
bool isPlainHttpsUrl(const QString &text);

} // namespace Hallway
