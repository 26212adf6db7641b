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
//! null, undefined, Qt value types (color, point, date, url, Q_GADGETs... as themselves),
//! ArrayBuffers (as QByteArray), and plain arrays/objects of those (deeply copied). Functions,
//! QObjects (they could dangle in another thread), other JavaScript objects (Map, Set, Promise,
//! Error, class instances...), symbols, cyclic structures, and values too large or too deeply
//! nested to copy in bounded time (see MaxValues, MaxDepth) are refused: nullopt, *error set.
std::optional<QVariant> variantFromJs(const QJSValue &value, QString *error);

//! Prints a QML warning: at the QML code calling into C++ when there is some (for elements
//! created in C++ too), else at element's location.
void warnFromQml(const QObject *element, const QString &message);

class QmlTopicHandle;

//! Publishes a value from QML to topic (null when the name is empty): converts it, publishes it,
//! and on failure prints a QML warning (see warnFromQml) that starts with method and names the
//! topic.
bool publishFromQml(const QObject *element, const char *method, const QmlTopicHandle *topic,
                    const QJSValue &value);

} // namespace DropSlot::detail
