#pragma once
// ConnectionStatus: what our link to the server is doing, one enum for the wire layer
// (Connection), the client (PresenceClient.status), QML (ConnectionStatus.Online) and
// hallway-cli's status events, which print word().
#include <QObject>
#include <QString>
#include <QtQml/qqmlregistration.h>

namespace Hallway {
namespace ConnectionStatus {
Q_NAMESPACE
QML_ELEMENT

enum Status { Offline, Connecting, Online, Reconnecting };
Q_ENUM_NS(Status)

QString word(Status status); // "offline", "connecting", "online", "reconnecting"

} // namespace ConnectionStatus
} // namespace Hallway
