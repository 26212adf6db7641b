// SPDX-License-Identifier: MIT
#include "mqttlogging_p.h"

namespace DropSlot::detail {
Q_LOGGING_CATEGORY(lcMqtt, "dropslot.mqtt")
}
