#include "connectionstatus.h"

namespace Hallway {
namespace ConnectionStatus {

QString word(Status status)
{
    switch (status) {
    case Online: return QStringLiteral("online");
    case Connecting: return QStringLiteral("connecting");
    case Reconnecting: return QStringLiteral("reconnecting");
    case Offline: break;
    }
    return QStringLiteral("offline");
}

} // namespace ConnectionStatus
} // namespace Hallway
