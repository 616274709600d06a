#include "backoff.h"

#include <QRandomGenerator>
#include <QtGlobal>

namespace Hallway {

BackoffPolicy::BackoffPolicy(int firstMinMs, int firstMaxMs, int capMs, RandomSource random)
    : m_firstMinMs(qMax(0, firstMinMs))
    , m_firstMaxMs(qMax(m_firstMinMs, firstMaxMs))
    , m_capMs(qMax(m_firstMaxMs, capMs))
    , m_random(std::move(random))
{
    if (!m_random)
        m_random = [] { return QRandomGenerator::global()->generateDouble(); };
}

int BackoffPolicy::nextDelayMs()
{
    const double r = qBound(0.0, m_random(), 1.0);
    // The window doubles per attempt; the exponent is bounded so the shift cannot overflow.
    const int exponent = qMin(m_attempt, 20);
    ++m_attempt;
    const double window = qMin(double(m_capMs), double(m_firstMaxMs) * double(1 << exponent));
    // Full jitter, but never below firstMin: an instant retry is what §7.1 warns against.
    const double delay = m_firstMinMs + r * (window - m_firstMinMs);
    return qBound(m_firstMinMs, int(delay), m_capMs);
}

void BackoffPolicy::reset()
{
    m_attempt = 0;
}

} // namespace Hallway
