#pragma once
// IncubationPacer: drives the engine's asynchronous object creation (Loader { asynchronous:
// true } and the views' delegates made inside one) a couple of milliseconds per event-loop turn.
// Qt's own window controller incubates for two thirds of a frame at once (10 ms at 60 Hz) on
// the render loops that draw on the GUI thread (software, offscreen, basic); with a model
// slice in the same turn (a big room's members go in 4 ms at a time) that is a frame late.
// Shorter turns with the event loop in between keep every turn well under a frame.
#include <QObject>
#include <QQmlIncubationController>
#include <QTimer>

namespace Hallway::Ui {

class IncubationPacer : public QObject, public QQmlIncubationController
{
    Q_OBJECT

public:
    explicit IncubationPacer(int msPerTurn = 2, QObject *parent = nullptr);

    int msPerTurn() const { return m_msPerTurn; }

protected:
    void incubatingObjectCountChanged(int count) override;

private:
    void turn();

    int m_msPerTurn;
    QTimer m_timer;
};

} // namespace Hallway::Ui
