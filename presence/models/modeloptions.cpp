#include "modeloptions.h"

#include <QElapsedTimer>

namespace Hallway {

Clock steadyClock()
{
    return [] {
        static const QElapsedTimer started = [] { QElapsedTimer t; t.start(); return t; }();
        return started.elapsed();
    };
}

} // namespace Hallway
