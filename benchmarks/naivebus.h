// SPDX-License-Identifier: MIT
// The baseline the benchmarks compare against: the latest-only bus a Qt developer would write by
// hand in an afternoon. One std::mutex guards the name -> slot map; every slot has its own
// std::mutex guarding a value and a version, and a condition variable for blocking reads.
// Handles are std::shared_ptr copies of the slot. It is deliberately reasonable (no needless
// copies, notification outside the lock), not deliberately slow.
#pragma once

#include <QtCore/QtGlobal>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

namespace Naive {

//! One topic: the newest value, its version, and a way to wait for the next one.
template <typename T>
struct Slot
{
    std::mutex mutex;
    std::condition_variable changed;
    std::optional<T> value;
    quint64 version = 0;
    bool closed = false;

    void close()
    {
        {
            std::lock_guard<std::mutex> lock(mutex);
            closed = true;
        }
        changed.notify_all();
    }
};

//! A subscriber: the slot and the version it has seen.
template <typename T>
class Sub
{
public:
    Sub() = default;
    Sub(std::shared_ptr<Slot<T>> slot, quint64 seen) : m_slot(std::move(slot)), m_seen(seen) { }

    //! The next unseen value, or nothing.
    std::optional<T> tryGetMessage()
    {
        std::lock_guard<std::mutex> lock(m_slot->mutex);
        if (m_slot->version == m_seen)
            return std::nullopt;
        m_seen = m_slot->version;
        return m_slot->value;
    }

    //! Blocks until an unseen value exists, the topic closes or timeout passes.
    std::optional<T> waitForMessage(std::chrono::nanoseconds timeout)
    {
        std::unique_lock<std::mutex> lock(m_slot->mutex);
        const bool ready = m_slot->changed.wait_for(lock, timeout, [this] {
            return m_slot->version != m_seen || m_slot->closed;
        });
        if (!ready || m_slot->version == m_seen)
            return std::nullopt;
        m_seen = m_slot->version;
        return m_slot->value;
    }

    //! Blocks until an unseen value exists or the topic closes.
    std::optional<T> waitForMessage()
    {
        std::unique_lock<std::mutex> lock(m_slot->mutex);
        m_slot->changed.wait(lock, [this] { return m_slot->version != m_seen || m_slot->closed; });
        if (m_slot->version == m_seen)
            return std::nullopt;
        m_seen = m_slot->version;
        return m_slot->value;
    }

    //! The current value, seen or not.
    std::optional<T> latest() const
    {
        std::lock_guard<std::mutex> lock(m_slot->mutex);
        return m_slot->value;
    }

    //! f(value) on the current value. f runs under the slot's mutex: the cheapest way a
    //! hand-written bus does it (no copy), though it holds a lock over the caller's code.
    template <typename F>
    auto latestWith(F &&f) const -> std::optional<decltype(f(std::declval<const T &>()))>
    {
        std::lock_guard<std::mutex> lock(m_slot->mutex);
        if (!m_slot->value)
            return std::nullopt;
        return f(*m_slot->value);
    }

    //! f(value) on the next unseen value, under the slot's mutex as latestWith().
    template <typename F>
    auto tryGetMessageAndApply(F &&f) -> std::optional<decltype(f(std::declval<const T &>()))>
    {
        std::lock_guard<std::mutex> lock(m_slot->mutex);
        if (m_slot->version == m_seen)
            return std::nullopt;
        m_seen = m_slot->version;
        return f(*m_slot->value);
    }

private:
    std::shared_ptr<Slot<T>> m_slot;
    quint64 m_seen = 0;
};

//! A publishing handle.
template <typename T>
class Topic
{
public:
    Topic() = default;
    explicit Topic(std::shared_ptr<Slot<T>> slot) : m_slot(std::move(slot)) { }

    //! Stores the value and bumps the version; false once the topic was removed.
    bool publish(const T &value) const
    {
        {
            std::lock_guard<std::mutex> lock(m_slot->mutex);
            if (m_slot->closed)
                return false;
            m_slot->value = value;
            ++m_slot->version;
        }
        m_slot->changed.notify_all();
        return true;
    }

    //! A subscriber that has seen the current version.
    Sub<T> subscribe() const
    {
        std::lock_guard<std::mutex> lock(m_slot->mutex);
        return Sub<T>(m_slot, m_slot->version);
    }

    std::optional<T> latest() const
    {
        std::lock_guard<std::mutex> lock(m_slot->mutex);
        return m_slot->value;
    }

private:
    std::shared_ptr<Slot<T>> m_slot;
};

//! The bus: a map of named slots under one mutex.
template <typename T>
class Bus
{
public:
    Bus() = default;
    //! Reserves room for capacity topics.
    explicit Bus(std::size_t capacity) { m_slots.reserve(capacity); }
    Bus(const Bus &) = delete; // owns its mutex and map
    Bus &operator=(const Bus &) = delete;

    //! The topic called name, created if missing.
    Topic<T> topic(const std::string &name)
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        std::shared_ptr<Slot<T>> &slot = m_slots[name];
        if (!slot)
            slot = std::make_shared<Slot<T>>();
        return Topic<T>(slot);
    }

    bool publish(const std::string &name, const T &value) { return topic(name).publish(value); }
    Sub<T> subscribe(const std::string &name) { return topic(name).subscribe(); }

    //! Removes the topic and closes it (waiting subscribers wake up); false if it did not exist.
    bool removeTopic(const std::string &name)
    {
        std::shared_ptr<Slot<T>> slot;
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            auto it = m_slots.find(name);
            if (it == m_slots.end())
                return false;
            slot = std::move(it->second);
            m_slots.erase(it);
        }
        slot->close();
        return true;
    }

    //! Removes the topics nobody but the map refers to; returns how many.
    std::size_t cleanupUnusedTopics()
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        std::size_t removed = 0;
        for (auto it = m_slots.begin(); it != m_slots.end();) {
            if (it->second.use_count() == 1) {
                it = m_slots.erase(it);
                ++removed;
            } else {
                ++it;
            }
        }
        return removed;
    }

    std::size_t topicCount() const
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        return m_slots.size();
    }

private:
    mutable std::mutex m_mutex;
    std::unordered_map<std::string, std::shared_ptr<Slot<T>>> m_slots;
};

} // namespace Naive
