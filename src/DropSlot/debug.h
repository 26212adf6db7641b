// SPDX-License-Identifier: MIT
// qDebug() output for the bus's types, as Qt's own types have it. Included by <DropSlot/DropSlot>.
#pragma once

#include <DropSlot/bus.h>
#include <DropSlot/expected.h>
#include <DropSlot/sub.h>
#include <DropSlot/topic.h>

#include <QtCore/QDebug>

#include <type_traits>

namespace DropSlot {

namespace detail {
// Values print themselves when QDebug knows their type, else only the fact that one is there.
template <typename T>
void debugValue(QDebug &debug, const T &value)
{
    if constexpr (QTypeTraits::has_ostream_operator_v<QDebug, T>)
        debug << value;
    else
        debug << "<value>";
}

// Expected<T> is an alias of this class, so its operator lives in this namespace, where
// argument-dependent lookup finds it.
//! Prints Expected("warming up") or Expected(BusError(no new message)).
template <typename T>
QDebug operator<<(QDebug debug, const BasicExpected<T> &expected)
{
    const QDebugStateSaver saver(debug);
    debug.nospace() << "Expected(";
    if (expected.has_value()) {
        if constexpr (!std::is_void_v<T>)
            debugValue(debug, *expected);
    } else {
        debug << expected.error();
    }
    debug << ')';
    return debug;
}

} // namespace detail

//! Prints Topic("printer/status", version 3, 1 subscriber), with ", closed" once it is closed.
template <typename T>
QDebug operator<<(QDebug debug, const Topic<T> &topic)
{
    const QDebugStateSaver saver(debug);
    debug.nospace();
    if (!topic.isValid())
        return debug << "Topic(invalid)";
    debug << "Topic(" << topic.name() << ", version " << topic.version() << ", "
          << topic.subscriberCount() << (topic.subscriberCount() == 1 ? " subscriber" : " subscribers");
    if (topic.isClosed())
        debug << ", closed";
    return debug << ')';
}

//! Prints Sub("printer/status", seen version 3), with ", closed" once its topic is closed.
template <typename T>
QDebug operator<<(QDebug debug, const Sub<T> &sub)
{
    const QDebugStateSaver saver(debug);
    debug.nospace();
    if (!sub.isValid())
        return debug << "Sub(invalid)";
    debug << "Sub(" << sub.topicName() << ", seen version " << sub.lastSeenVersion();
    if (sub.isClosed())
        debug << ", closed";
    return debug << ')';
}

//! Prints Bus(3 topics).
template <typename T>
QDebug operator<<(QDebug debug, const Bus<T> &bus)
{
    const QDebugStateSaver saver(debug);
    const qsizetype count = bus.topicCount();
    debug.nospace() << "Bus(" << count << (count == 1 ? " topic)" : " topics)");
    return debug;
}

} // namespace DropSlot
