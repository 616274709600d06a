#include "incubationpacer.h"

namespace Hallway::Ui {

IncubationPacer::IncubationPacer(int msPerTurn, QObject *parent)
    : QObject(parent), m_msPerTurn(qMax(1, msPerTurn))
{
    // Zero interval: the next turn after everything the event loop has waiting (input, model
    // slices, frames) has had its go.
    m_timer.setInterval(0);
    connect(&m_timer, &QTimer::timeout, this, &IncubationPacer::turn);
}

void IncubationPacer::incubatingObjectCountChanged(int count)
{
    if (count > 0)
        m_timer.start();
    else
        m_timer.stop();
}

void IncubationPacer::turn()
{
    incubateFor(m_msPerTurn);
}

} // namespace Hallway::Ui
