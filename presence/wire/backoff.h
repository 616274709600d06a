#pragma once
// BackoffPolicy: the reconnect delays. The first try waits a random time in
// [firstMin, firstMax] (never at once: a server in graceful shutdown must be left to finish,
// docs/protocol.md §7.1); later tries use full-jitter exponential backoff, doubling the window from
// firstMax up to the cap. The random source is injectable so tests can pin the bounds.
#include <functional>

namespace Hallway {

class BackoffPolicy
{
public:
    using RandomSource = std::function<double()>; // uniform in [0, 1)

    BackoffPolicy(int firstMinMs, int firstMaxMs, int capMs, RandomSource random = {});

    int nextDelayMs();           // the delay before the next try; counts one attempt
    void reset();                // after a successful connection
    int attempts() const { return m_attempt; }

private:
    int m_firstMinMs;
    int m_firstMaxMs;
    int m_capMs;
    int m_attempt = 0;
    RandomSource m_random;
};

} // namespace Hallway
