// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QString>
#include <QtCore/QVariant>

#include <optional>

QT_BEGIN_NAMESPACE
class QJSValue;
QT_END_NAMESPACE

namespace DropSlot::detail {

//! Converts a value published from QML into a QVariant a bus can hold: numbers, strings, bools,
//! dates, null, undefined, and arrays/objects of those (deeply copied). Functions, QObjects (they
//! could dangle in another thread), cyclic structures, and values too large or too deeply nested
//! to copy in bounded time (see MaxValues, MaxDepth) are refused: nullopt with *error set.
std::optional<QVariant> variantFromJs(const QJSValue &value, QString *error);

class QmlTopicHandle;

//! Publishes a value from QML to topic (null when the name is empty): converts it, publishes it,
//! and on failure prints a QML warning from element that starts with method and names the topic.
bool publishFromQml(const QObject *element, const char *method, const QmlTopicHandle *topic,
                    const QJSValue &value);

} // namespace DropSlot::detail
