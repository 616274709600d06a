#include "logging.h"

Q_LOGGING_CATEGORY(lcWire, "hallway.wire", QtInfoMsg)
Q_LOGGING_CATEGORY(lcPresence, "hallway.presence", QtInfoMsg)
