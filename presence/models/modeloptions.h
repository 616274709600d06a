#pragma once
// Every timing and limit of the model layer in one place, with its documented default
// (docs/design.md "Presence state we publish"), plus the injectable clock the timed models use.
// Tests inject a fake clock and call the models' processTimers() after advancing it; in the
// app the default monotonic clock and the models' own single-shot QTimers drive them.
#include <QtGlobal>
#include <functional>

namespace Hallway {

// Milliseconds on a monotonic clock with an arbitrary epoch.
using Clock = std::function<qint64()>;
Clock steadyClock();

// Outgoing typing (TypingPublisher).
struct TypingOptions {
    int expireAfterMs = 6000;   // expireAfter of each {"status":"typing"} publish
    int republishMs = 4000;     // while typing continues, re-publish at most this often
    int idleStopMs = 3000;      // stop typing after this long without a keystroke
};

// Incoming presence, people and messages.
struct ModelOptions {
    TypingOptions typing;
    int remoteTypingExpiryMs = 10000; // a remote typist counts as typing this long after their last typing state
    int userGraceMs = 3000;           // a person whose last device left stays listed this long (no flicker)
    int outageGraceMs = 15000;        // after our own outage, people not back yet stay listed this long
    int outageQuietMs = 30000;        // after our resync, people listed before the outage get no join/leave lines
    int historyLimit = 1000;          // asked for on chat:<room>: the server answers with what it keeps
                                      // (its HALLWAY_HISTORY, bounded in bytes too), up to what we show
    int maxMessages = 1000;           // rows kept per room; the oldest are dropped first
    int headerRunMs = 5 * 60 * 1000;  // messages by one sender within this gap form one run (showHeader)
    int idleTimeoutMs = 5 * 60 * 1000; // ActivityMonitor: idle after this long without input
    bool allowHttpAvatars = false;    // accept http:// avatars too (local development); https only by default
};

} // namespace Hallway
