// SPDX-License-Identifier: MIT
#pragma once

#include <DropSlot/topic.h>
#include <DropSlot/detail/buscore.h>

#include <QtCore/QStringList>

#include <optional>

namespace DropSlot {

namespace detail {
struct BusAccess;
}

//! A set of string-keyed, latest-only topics of type T. A cheap, copyable, thread-safe handle:
//! copies share one bus; destroying the last handle closes every topic (subscribers then read
//! their unseen value, then Disconnected).
template <typename T>
class Bus
{
public:
    //! The capacity a default bus is sized for.
    static constexpr qsizetype DefaultCapacity = 64;

    //! A new bus with no topics, sized for DefaultCapacity of them.
    Bus() : Bus(DefaultCapacity) { }
    //! capacity: the number of topics expected (sizes the table and its shards up front).
    explicit Bus(qsizetype capacity)
        : d(detail::BusCore::create(capacity, &detail::TopicState<T>::create)) { }
    //! Same as Bus(capacity).
    static Bus withCapacity(qsizetype capacity) { return Bus(capacity); }

    //! Another handle to other's bus.
    Bus(const Bus &other) noexcept : d(other.d) { d->ref(); }
    //! Makes this a handle to other's bus, releasing the one it had.
    Bus &operator=(const Bus &other) noexcept
    {
        Bus copy(other);
        std::swap(d, copy.d);
        return *this;
    }
    //! Releases this handle; releasing the last one closes every topic.
    ~Bus() { d->deref(); }

    //! The topic called name, created if missing. An empty name gets a qWarning and an
    //! invalid (closed, nameless) handle. name may be UTF-16, UTF-8 or Latin-1: the same
    //! characters find the same topic, without allocating when it exists.
    Topic<T> topic(QAnyStringView name) const { return Topic<T>(detail::Adopt{}, d->obtain(name)); }
    //! The topic called name if it exists; never creates one.
    std::optional<Topic<T>> findTopic(QAnyStringView name) const
    {
        if (detail::TopicCore *state = d->find(name))
            return Topic<T>(detail::Adopt{}, state);
        return std::nullopt;
    }
    //! Publishes to the topic called name, creating it if needed; false for an empty name.
    bool publish(QAnyStringView name, T value) const { return topic(name).publish(std::move(value)); }
    //! Publishes a copy of bytes to the topic called name.
    bool publishSlice(QAnyStringView name, QByteArrayView bytes) const
        requires std::same_as<T, QByteArray>
    {
        return topic(name).publishSlice(bytes);
    }
    //! Subscribes to the topic called name, creating it if needed.
    Sub<T> subscribe(QAnyStringView name) const { return topic(name).subscribe(); }

    //! The number of topics on the bus.
    qsizetype topicCount() const noexcept { return d->topicCount(); }
    //! The names of the bus's topics, in no particular order.
    QStringList topicNames() const { return d->topicNames(); }
    //! Removes and closes the topic; returns its subscriber count, or nullopt if it did not
    //! exist. Later topic(name) calls create a new, open topic. Lookups take no lock: while
    //! other threads read, the bus lets go of removed topics in batches (within 256 removals,
    //! at the next cleanupUnusedTopics(), or with the bus), so only then is a topic nobody
    //! holds freed; a thread that reads alone frees it at once.
    std::optional<qsizetype> removeTopic(QAnyStringView name) const
    {
        const qsizetype subscribers = d->remove(name);
        return subscribers >= 0 ? std::optional<qsizetype>(subscribers) : std::nullopt;
    }
    //! Removes the topics that nobody but the bus refers to (no Topic, Sub or connection);
    //! returns how many, and frees them and the removed topics still pending. A publisher
    //! holding a Topic never loses it to cleanup.
    qsizetype cleanupUnusedTopics() const { return d->cleanupUnused(); }

    //! True when a and b are handles to the same bus.
    friend bool operator==(const Bus &a, const Bus &b) noexcept { return a.d == b.d; }

private:
    friend struct detail::BusAccess;
    detail::BusCore *d;
};

namespace detail {
//! Lets the library's own templates (topic watchers) reach a bus's core.
struct BusAccess
{
    template <typename T>
    static BusCore *core(const Bus<T> &bus) noexcept { return bus.d; }
};
}

} // namespace DropSlot
