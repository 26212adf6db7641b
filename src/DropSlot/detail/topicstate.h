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
        bool notify;
        {
            // A throwing move or swap of T leaves the lock released, the version unchanged and
            // the exception on its way to the publisher (the basic guarantee: the held value is
            // whatever T's operation left).
            SpinLocker locker(m_lock);
            const quint64 stamp = m_stamp.load(std::memory_order_relaxed);
            if (Q_UNLIKELY(isClosedStamp(stamp) || (expected != AnyStamp && stamp != expected))) {
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
            notify = m_watchers != 0;
        }
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
    //! Copies the value under the lock; a copy of T that throws leaves the lock released and
    //! nothing changed (the strong guarantee), and the exception goes to the reader.
    Snapshot read() const
    {
        SpinLocker locker(m_lock);
        return Snapshot{m_value, m_stamp.load(std::memory_order_relaxed)};
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
        if (m_promise.isCanceled()) {
            // Canceled by its owner (a timeout, a destroyed continuation): it claims nothing, so
            // the value stays unseen for the Sub's next read or wait.
            m_promise.finish();
            return true;
        }
        typename TopicState<T>::Snapshot snapshot{std::nullopt, 0};
        try {
            snapshot = static_cast<TopicState<T> *>(topic)->read();
        } catch (...) {
            // T's copy threw: the waiter gets the exception, the value stays unseen.
            m_promise.setException(std::current_exception());
            m_promise.finish();
            return true;
        }
        const quint64 version = TopicCore::versionOf(snapshot.stamp);
        if (version > 0 && link()->claim(version)) {
            bool added = false;
            try {
                added = m_promise.addResult(std::move(snapshot.value));
            } catch (...) {
                m_promise.setException(std::current_exception()); // T's move threw
            }
            if (!added) {
                // Canceled meanwhile, or the move threw: give the version back, and let waiters
                // that saw it taken look again.
                link()->unclaim(version);
                topic->versionReturned();
            }
        } else if (TopicCore::isClosedStamp(snapshot.stamp)) {
            m_promise.addResult(std::optional<T>());
        } else {
            return false;
        }
        m_promise.finish();
        return true;
    }

    bool isCanceled() const override { return m_promise.isCanceled(); }

private:
    QPromise<std::optional<T>> m_promise;
};

} // namespace DropSlot::detail
