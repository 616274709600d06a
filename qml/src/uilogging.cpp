#include "uilogging.h"

Q_LOGGING_CATEGORY(lcUi, "hallway.ui", QtInfoMsg)
