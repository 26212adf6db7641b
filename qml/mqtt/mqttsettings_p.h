// SPDX-License-Identifier: MIT
// Checks of DropSlotMqttBridge's settings, worded for QML warnings.
#pragma once

#include <QtCore/QString>
#include <QtCore/QStringView>

namespace DropSlot::detail {

//! Why filter is not a valid MQTT topic filter ("+" and "#" only as whole levels, "#" only as
//! the last level, not empty); empty when it is valid.
QString mqttFilterProblem(QStringView filter);
//! Why text cannot be part of an MQTT topic name (a wildcard or NUL in it); empty when it can.
QString mqttTopicTextProblem(QStringView text);

} // namespace DropSlot::detail
