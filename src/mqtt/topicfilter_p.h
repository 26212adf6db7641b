// SPDX-License-Identifier: MIT
// MQTT topic filters applied to local names, and what a name needs to travel as an MQTT topic.
#pragma once

#include <QtCore/QString>
#include <QtCore/QStringView>

namespace DropSlot::detail {

//! Why filter is not a valid MQTT filter ("+" and "#" only as whole levels, "#" last), or empty.
QString filterProblem(QStringView filter);
//! Whether name matches filter, level by level ("+" one level, "#" the rest, including none).
//! As in MQTT, wildcards at the first level do not match names starting with "$".
bool filterMatches(QStringView filter, QStringView name);
//! Why name cannot be sent as (the end of) an MQTT topic name: "+", "#" or NUL in it, or its
//! UTF-8 too long. Empty when it can.
QString topicNameProblem(QStringView name);

} // namespace DropSlot::detail
