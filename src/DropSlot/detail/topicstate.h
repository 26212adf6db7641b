// SPDX-License-Identifier: MIT
#pragma once

#include <DropSlot/detail/asyncwait.h>
#include <DropSlot/detail/namekey.h>
#include <DropSlot/detail/topiccore.h>

#include <QtCore/QFuture>
#include <QtCore/QPromise>

#include <new>
#include <optional>
#include <utility>

namespace DropSlot::detail {

//! A topic holding values of type T. Allocated together with its name (one allocation per
//! topic). The value is guarded by the spin lock, held only to swap or copy it: for Qt's
//! implicitly shared types (QString, QByteArray, QVariant, containers) a copy is a reference
//! count, for types with deep copies it is the copy, made with the lock held.
template <typename T>
class TopicState final : public TopicCore
{
public:
    static TopicCore *create(const NameKey &key)
    {
        void *memory = allocate(sizeof(TopicState) + key.size() * sizeof(char16_t));
        return new (memory) TopicState(key);
    }

    // Publishes the value in 'incoming' and leaves the previous value there, so the caller
    // destroys it after the lock is released.
    bool publishSwap(T &incoming) { return publishSwapIf(incoming, AnyStamp, nullptr); }

    // As publishSwap, but only if the stamp is still 'expected' (publishIfChanged's compare
    // step); *raced tells a stamp that moved on from a closed topic.
    static constexpr quint64 AnyStamp = ~quint64(0);
    bool publishSwapIf(T &incoming, quint64 expected, bool *raced)
    {
        m_lock.lock();
        const quint64 stamp = m_stamp.load(std::memory_order_relaxed);
        if (Q_UNLIKELY(isClosedStamp(stamp) || (expected != AnyStamp && stamp != expected))) {
            m_lock.unlock();
            if (raced)
                *raced = !isClosedStamp(stamp);
            return false;
        }
        if (m_value) {
            using std::swap;
            swap(*m_value, incoming);
        } else {
            m_value.emplace(std::move(incoming));
        }
        m_stamp.store(stamp + VersionStep, std::memory_order_release);
        const bool notify = m_watchers != 0;
        m_lock.unlock();
        if (Q_UNLIKELY(notify))
            notifyPublished();
        return true;
    }

    //! The value and the stamp it belongs to, read together.
    struct Snapshot
    {
        std::optional<T> value;
        quint64 stamp;
    };
    Snapshot read() const
    {
        m_lock.lock();
        Snapshot s{m_value, m_stamp.load(std::memory_order_relaxed)};
        m_lock.unlock();
        return s;
    }

    std::optional<T> latest() const { return read().value; }

private:
    explicit TopicState(const NameKey &key) : TopicCore(key, sizeof(TopicState)) { }
    ~TopicState() override = default;

    static void *allocate(std::size_t bytes)
    {
        if constexpr (alignof(TopicState) > __STDCPP_DEFAULT_NEW_ALIGNMENT__)
            return ::operator new(bytes, std::align_val_t(alignof(TopicState)));
        else
            return ::operator new(bytes);
    }

    void destroy() noexcept override
    {
        this->~TopicState();
        if constexpr (alignof(TopicState) > __STDCPP_DEFAULT_NEW_ALIGNMENT__)
            ::operator delete(static_cast<void *>(this), std::align_val_t(alignof(TopicState)));
        else
            ::operator delete(static_cast<void *>(this));
    }

    std::optional<T> m_value;
};

//! An async wait for a TopicState<T>: resolves its promise with the newest value it can claim
//! for its Sub, or with nullopt once the topic is closed and nothing unseen is left.
template <typename T>
class AsyncWait final : public AsyncWaitBase
{
public:
    explicit AsyncWait(SubLink *link) : AsyncWaitBase(link) { m_promise.start(); }

    QFuture<std::optional<T>> future() const { return m_promise.future(); }

    bool tryComplete(TopicCore *topic) override
    {
        auto snapshot = static_cast<TopicState<T> *>(topic)->read();
        const quint64 version = TopicCore::versionOf(snapshot.stamp);
        if (version > 0 && link()->claim(version)) {
            m_promise.addResult(std::move(snapshot.value));
        } else if (TopicCore::isClosedStamp(snapshot.stamp)) {
            m_promise.addResult(std::optional<T>());
        } else {
            return false;
        }
        m_promise.finish();
        return true;
    }

private:
    QPromise<std::optional<T>> m_promise;
};

} // namespace DropSlot::detail
