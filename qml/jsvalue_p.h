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
//! could dangle in another thread) and cyclic structures are refused: nullopt with *error set.
std::optional<QVariant> variantFromJs(const QJSValue &value, QString *error);

} // namespace DropSlot::detail
