// SPDX-License-Identifier: MIT
#pragma once

#include <DropSlot/sub.h>

#include <QtCore/QByteArray>
#include <QtCore/QByteArrayView>

#include <concepts>
#include <optional>
#include <utility>

namespace DropSlot {

template <typename T>
class Bus;

namespace detail {
struct Adopt { };
struct TopicAccess;
}

//! A handle to one topic of a Bus<T>: cheap to copy, safe to use from any thread. Holding a
//! Topic keeps it alive (cleanupUnusedTopics() never removes it) until removeTopic() or the
//! bus's destruction closes it; then publishes return false.
template <typename T>
class Topic
{
public:
    //! An invalid handle: closed and nameless; publish() returns false.
    Topic() noexcept = default;
    //! Another handle to other's topic.
    Topic(const Topic &other) noexcept : d(other.d) { if (d) d->ref(); }
    //! Takes over other's topic; other becomes invalid.
    Topic(Topic &&other) noexcept : d(std::exchange(other.d, nullptr)) { }
    //! Makes this a handle to other's topic.
    Topic &operator=(const Topic &other) noexcept { Topic(other).swap(*this); return *this; }
    //! Takes over other's topic; other becomes invalid.
    Topic &operator=(Topic &&other) noexcept { Topic(std::move(other)).swap(*this); return *this; }
    //! Releases this handle; the topic stays on the bus.
    ~Topic() { if (d) d->deref(); }

    //! Replaces the value and bumps the version; false if the topic is closed. The lock is held
    //! only to swap the value in; the old value is destroyed after it is released.
    bool publish(const T &value) const
    {
        if (Q_UNLIKELY(!d))
            return false;
        T incoming(value);
        return d->publishSwap(incoming);
    }
    //! As publish(const T &), moving value in instead of copying it.
    bool publish(T &&value) const
    {
        if (Q_UNLIKELY(!d))
            return false;
        T incoming(std::move(value));
        return d->publishSwap(incoming);
    }
    //! Publishes only if value differs (operator==) from the current value; true if it did.
    bool publishIfChanged(const T &value) const
        requires std::equality_comparable<T>;
    //! Publishes a copy of bytes (the one copy a QByteArray needs).
    bool publishSlice(QByteArrayView bytes) const
        requires std::same_as<T, QByteArray>
    {
        return publish(bytes.toByteArray());
    }

    //! A new subscriber; it has seen the current version already.
    Sub<T> subscribe() const
    {
        if (Q_UNLIKELY(!d))
            return Sub<T>();
        d->ref(detail::TopicCore::OneRef + detail::TopicCore::OneSubscriber);
        return Sub<T>(d, d->version());
    }

    //! The topic's name; empty for an invalid handle.
    QString name() const { return d ? d->name() : QString(); }
    //! 0 before the first publish, then +1 per publish.
    quint64 version() const noexcept { return d ? d->version() : 0; }
    //! The current value, if the topic ever had one.
    std::optional<T> latest() const { return d ? d->latest() : std::nullopt; }
    //! The number of Subs of this topic.
    qsizetype subscriberCount() const noexcept { return d ? d->subscriberCount() : 0; }
    //! True when subscriberCount() is not 0.
    bool hasSubscribers() const noexcept { return subscriberCount() > 0; }
    //! True once removeTopic() or the bus's destruction closed the topic, and for an
    //! invalid handle.
    bool isClosed() const noexcept { return !d || d->isClosed(); }
    //! False for a default-constructed handle or one returned for an empty name.
    bool isValid() const noexcept { return d != nullptr; }

    //! Exchanges the topics of two handles.
    void swap(Topic &other) noexcept { std::swap(d, other.d); }
    //! Same topic object (a removed and re-created name gives a different one).
    friend bool operator==(const Topic &a, const Topic &b) noexcept { return a.d == b.d; }

private:
    friend class Bus<T>;
    friend struct detail::TopicAccess;
    using State = detail::TopicState<T>;
    Topic(detail::Adopt, detail::TopicCore *state) noexcept : d(static_cast<State *>(state)) { }

    State *d = nullptr;
};

namespace detail {
//! Lets the library's own templates (connections) reach a topic's state.
struct TopicAccess
{
    template <typename T>
    static TopicState<T> *state(const Topic<T> &topic) noexcept { return topic.d; }
};
}

template <typename T>
bool Topic<T>::publishIfChanged(const T &value) const
    requires std::equality_comparable<T>
{
    if (Q_UNLIKELY(!d))
        return false;
    // Compare outside the lock (operator== is user code), then publish only if nobody
    // published in between; otherwise compare again with the newer value.
    for (;;) {
        auto snapshot = d->read();
        if (detail::TopicCore::isClosedStamp(snapshot.stamp))
            return false;
        if (snapshot.value && *snapshot.value == value)
            return false;
        T incoming(value);
        bool raced = false;
        if (d->publishSwapIf(incoming, snapshot.stamp, &raced))
            return true;
        if (!raced)
            return false;
    }
}

} // namespace DropSlot
