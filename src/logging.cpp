// SPDX-License-Identifier: MIT
#include "logging_p.h"

namespace DropSlot::detail {
Q_LOGGING_CATEGORY(lcBus, "dropslot.bus")
Q_LOGGING_CATEGORY(lcConnect, "dropslot.connect")
}
