// SPDX-License-Identifier: MIT
#pragma once

#include <DropSlot/bus.h>
#include <DropSlot/connection.h>

#include <QtCore/QObject>
#include <QtCore/QString>

#include <functional>

namespace DropSlot {

//! What happened to a topic, for watchTopics().
enum class TopicEvent { Created, Removed };

namespace detail {
using TopicEventFunction = std::function<void(const QString &, TopicEvent)>;
DROPSLOT_EXPORT Connection watchTopics(BusCore *bus, const QObject *context, TopicEventFunction function);
}

//! Calls f(const QString &name, TopicEvent event) in context's thread, queued and batched, for
//! every topic created or removed (by removeTopic or cleanupUnusedTopics) after this call. The
//! events of one name arrive in the order they happened. Costs the bus nothing while nobody
//! watches. Ends on disconnect(), context's destruction or the bus's destruction.
template <typename T, typename F>
Connection watchTopics(const Bus<T> &bus, const QObject *context, F &&f)
{
    return detail::watchTopics(detail::BusAccess::core(bus), context,
                               detail::TopicEventFunction(std::forward<F>(f)));
}

} // namespace DropSlot
