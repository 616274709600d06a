#pragma once
// One logging category per layer: enable with QT_LOGGING_RULES="hallway.*.debug=true".
#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcWire)      // hallway.wire: socket, frames, heartbeat, reconnect
Q_DECLARE_LOGGING_CATEGORY(lcPresence)  // hallway.presence: client API, resync, models
