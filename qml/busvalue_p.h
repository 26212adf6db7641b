// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QMetaType>
#include <QtCore/QString>
#include <QtCore/QVariant>

namespace DropSlot::detail {

//! type as QML writes it: int, real, string, bool, color, point, rect, size, date, url, var...;
//! a Q_GADGET's class name; otherwise the C++ name.
QString qmlTypeName(QMetaType type);
//! name with its indefinite article: "an int", "a color".
QString withArticle(const QString &name);
//! value (as converted from QML) described in QML's terms: "a number", "a string", "null",
//! "undefined", "an object", "an array", "a color"...
QString describeForQml(const QVariant &value);

} // namespace DropSlot::detail
