// SPDX-License-Identifier: MIT
#pragma once

#include <DropSlot/connection.h>
#include <DropSlot/topic.h>
#include <DropSlot/detail/topicconnection.h>

#include <QtCore/QObject>

#include <concepts>
#include <type_traits>

namespace DropSlot {

//! Calls f(const T &value) or f(const T &value, quint64 version) in context's thread, through
//! its event loop, with the topic's newest value. Publishes only flag the connection: while a
//! delivery is pending they fold into it, so a burst of any size costs the receiving thread one
//! delivery, and its event queue one event per loop turn for all of the thread's connections.
//! Delivered versions strictly increase; the last value published is always delivered. Follows
//! the context to another thread; ends on Connection::disconnect(), the context's destruction,
//! the topic's closing or the context's thread finishing. A context whose thread has finished
//! gets a Connection that is not connected, and a warning. f must not throw (it runs from the
//! thread's event loop, like a slot).
template <typename T, typename F>
    requires(!std::is_member_function_pointer_v<std::decay_t<F>>)
Connection connect(const Topic<T> &topic, const QObject *context, F &&f, ConnectOptions options = {})
{
    static_assert(std::is_invocable_v<std::decay_t<F> &, const T &, quint64>
                      || std::is_invocable_v<std::decay_t<F> &, const T &>,
                  "DropSlot::connect needs a function taking (const T &) or (const T &, quint64)");
    detail::TopicState<T> *state = detail::TopicAccess::state(topic);
    if (Q_UNLIKELY(!state)) {
        detail::warnCannotConnect("the topic handle is invalid", QString());
        return Connection();
    }
    if (Q_UNLIKELY(!context)) {
        detail::warnCannotConnect("the context object is null", topic.name());
        return Connection();
    }
    if (Q_UNLIKELY(state->isClosed())) {
        detail::warnCannotConnect("the topic is closed", topic.name());
        return Connection();
    }
    auto *connection = new detail::TopicConnection<T, std::decay_t<F>>(state, context, std::forward<F>(f), options);
    if (Q_UNLIKELY(!connection->begin())) {
        detail::warnCannotConnect("the context object's thread has finished (or it has no thread)",
                                  topic.name());
    }
    return Connection(connection);
}

//! Calls receiver->slot(value) (or slot(value, version)) in receiver's thread, coalesced as above.
template <typename T, typename Receiver, typename Slot>
    requires std::is_member_function_pointer_v<Slot> && std::derived_from<Receiver, QObject>
Connection connect(const Topic<T> &topic, Receiver *receiver, Slot slot, ConnectOptions options = {})
{
    return connect(topic, static_cast<const QObject *>(receiver),
                   [receiver, slot](const T &value, quint64 version) {
                       if constexpr (std::is_invocable_v<Slot, Receiver *, const T &, quint64>)
                           std::invoke(slot, receiver, value, version);
                       else
                           std::invoke(slot, receiver, value);
                   },
                   options);
}

} // namespace DropSlot
