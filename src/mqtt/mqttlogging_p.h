// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QLoggingCategory>

namespace DropSlot::detail {
Q_DECLARE_LOGGING_CATEGORY(lcMqtt) // "dropslot.mqtt": connection errors, refused topics and payloads
}
