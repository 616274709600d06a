#pragma once
// The app's one logging category (hallway.ui), shared by the UI module and the executable.
#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcUi)
