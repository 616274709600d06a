#pragma once
// Every timing and limit of the wire layer in one place, with its documented default.
#include <QString>
#include <QStringList>

namespace Hallway {

struct ConnectionOptions {
    int commandTimeoutMs = 30000;       // a command without a reply fails with ETIMEOUT
    int pingTimeoutMs = 15000;          // watchdog tick; must exceed the server's pingInterval
    int maxMissedPings = 1;             // reconnect after (maxMissedPings+1) ticks without a server ping
    int reconnectFirstMinMs = 500;      // first retry after a random delay in [min, max] ...
    int reconnectFirstMaxMs = 1500;     // ... never at once, so a closing server can finish (docs/protocol.md §7.1)
    int reconnectMaxMs = 30000;         // cap of the full-jitter exponential backoff
    int connectTimeoutMs = 10000;       // TCP + upgrade + rt/assign-id must finish within this, else retry
    qint64 maxFrameBytes = 64 * 1024 * 1024; // an incoming frame above this closes the connection (ETOOLARGE);
                                        // big on purpose: a 25,000-member snapshot is a few MB
    qint64 maxItemBytes = 64 * 1024;    // one peer's presence state or metadata above this is dropped
                                        // with an ETOOLARGE error event; the link and the room stay
    int departedMemory = 20000;         // connection ids per room remembered as gone (never resurrected)
    int stableAfterMs = 10000;          // a session must last this long before the backoff resets: one
                                        // that dies sooner counts as a failed attempt (no reconnect storm)
    qint64 maxOutgoingBytes = 256 * 1024; // a command above this is refused locally (ETOOLARGE)
    int incomingSliceMs = 4;            // longest stretch of frame handling per event-loop turn, so an
                                        // event storm never stalls the UI; the rest waits for the next turn
    int membershipCheckMs = 30000;      // how often PresenceClient checks the server still lists us
                                        // in our rooms (Redis restart, expired presence); 0 = never
    QString caFile;                     // extra PEM CA certificates for private wss:// servers
    bool ignoreSslErrors = false;       // never on by default; for tests with throwaway certs only
    QString bearerToken;                // sent as "Authorization: Bearer ..."; never logged
};

} // namespace Hallway
