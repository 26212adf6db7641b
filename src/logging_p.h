// SPDX-License-Identifier: MIT
// DropSlot's logging categories, so QT_LOGGING_RULES can filter its messages
// (e.g. QT_LOGGING_RULES="dropslot.*.warning=false").
#pragma once

#include <QtCore/QLoggingCategory>

namespace DropSlot::detail {
Q_DECLARE_LOGGING_CATEGORY(lcBus)     // "dropslot.bus": rejected names
Q_DECLARE_LOGGING_CATEGORY(lcConnect) // "dropslot.connect": connect() and watchTopics()
}
