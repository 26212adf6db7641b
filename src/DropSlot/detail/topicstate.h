// SPDX-License-Identifier: MIT
#pragma once

#include <DropSlot/detail/asyncwait.h>
#include <DropSlot/detail/namekey.h>
#include <DropSlot/detail/nodecell.h>
#include <DropSlot/detail/seqlockcell.h>
#include <DropSlot/detail/topiccore.h>

#include <QtCore/QFuture>
#include <QtCore/QPromise>

#include <new>
#include <optional>
#include <type_traits>
#include <utility>

namespace DropSlot::detail {

//! A topic holding values of type T. Allocated together with its name (one allocation per
//! topic). Publishers serialise on the spin lock; where the value lives depends on T:
//! - small trivially copyable T (SeqlockCell): in words under a sequence lock; every read is
//!   lock-free and writes no shared memory, and a publish makes no copy that counts references;
//! - any other T (NodeCell): in a node that public reads (Sub, Topic) read in place under a
//!   hazard pointer (a rare read of a topic whose replacing is off copies under the lock, see
//!   nodecell.h); internal reads (connections, async waits, publishIfChanged) copy under the
//!   lock, which for Qt's implicitly shared types is a reference count.
template <typename T>
class TopicState final : public TopicCore
{
public:
    static constexpr bool UsesSeqlock = fitsSeqlock<T>;
    using Cell = std::conditional_t<UsesSeqlock, SeqlockCell<T>, NodeCell<T>>;

    static TopicCore *create(const NameKey &key)
    {
        void *memory = allocate(sizeof(TopicState) + key.size() * sizeof(char16_t));
        return new (memory) TopicState(key);
    }

    // Publishes the value in 'incoming' and leaves in it what the caller destroys after the
    // lock is released (the previous value, or a moved-from one).
    bool publishSwap(T &incoming) { return publishSwapIf(incoming, AnyStamp, nullptr); }

    // As publishSwap, but only if the stamp is still 'expected' (publishIfChanged's compare
    // step); *raced tells a stamp that moved on from a closed topic.
    static constexpr quint64 AnyStamp = ~quint64(0);
    bool publishSwapIf(T &incoming, quint64 expected, bool *raced)
    {
        if constexpr (UsesSeqlock)
            return publishWords(incoming, expected, raced);
        else
            return publishNode(incoming, expected, raced);
    }

    //! The value and the stamp it belongs to, read together.
    struct Snapshot
    {
        std::optional<T> value;
        quint64 stamp;
    };
    //! Copies the value (under the lock unless T uses the sequence lock); a copy of T that
    //! throws leaves the lock released and nothing changed (the strong guarantee), and the
    //! exception goes to the reader.
    Snapshot read() const
    {
        if constexpr (UsesSeqlock) {
            Snapshot snapshot{std::nullopt, 0};
            snapshot.value = m_cell.read(m_stamp, &snapshot.stamp);
            return snapshot;
        } else {
            SpinLocker locker(m_lock);
            return Snapshot{m_cell.copyLocked(), m_stamp.load(std::memory_order_relaxed)};
        }
    }

    //! The current value held for reading without a lock or a reference count where the cell
    //! allows (for the public reads): in place under a hazard pointer, or a copy (small
    //! trivially copyable T, no hazard slot left, or a rare read that leaves replacing off).
    //! User code runs while a Pin exists, never under the lock. Constructed in place (it owns a
    //! hazard slot): Pin pin(state);
    class Pin
    {
    public:
        explicit Pin(const TopicState &state)
        {
            if constexpr (UsesSeqlock) {
                m_copy = state.m_cell.read(state.m_stamp, &m_stamp);
                if (m_copy)
                    m_value = &*m_copy;
            } else {
                if (Q_LIKELY(m_guard.acquire())) {
                    if (const quintptr word = state.m_cell.protect(m_guard); Q_LIKELY(word)) {
                        if (auto *node = Cell::nodeOf(word)) {
                            m_value = &node->value;
                            m_stamp = node->stamp;
                        }
                        return;
                    }
                }
                pinSlowly(state);
            }
        }
        Pin(const Pin &) = delete; // holds a hazard slot of this thread
        Pin &operator=(const Pin &) = delete;

        //! The value, or nullptr before the first publish.
        const T *value() const noexcept { return m_value; }
        //! The stamp the value was published with (its closed bit may lag: ask the topic).
        quint64 stamp() const noexcept { return m_stamp; }

    private:
        Q_NEVER_INLINE void pinSlowly(const TopicState &state)
        {
            if (m_guard.held() || m_guard.acquire()) {
                // Lock-free reads are off (none yet, or a publish's scan found no reader): turn
                // them on, which makes publishes replace nodes rather than swap values in place,
                // if reads come often; a rare reader copies (see nodecell.h).
                SpinLocker locker(state.m_lock);
                const quint64 stamp = state.m_stamp.load(std::memory_order_relaxed);
                if (!state.m_cell.readsComeOftenLocked(stamp))
                    return keep(state.m_cell.copyLocked(), stamp);
                if (auto *node = state.m_cell.protectLocked(m_guard)) {
                    m_value = &node->value;
                    m_stamp = node->stamp;
                }
                return;
            }
            // No hazard slot (nested too deep, or a thread that is ending): copy instead.
            Snapshot snapshot = state.read();
            keep(std::move(snapshot.value), snapshot.stamp);
        }
        //! Holds a copy of the value as the one read.
        void keep(std::optional<T> copy, quint64 stamp)
        {
            m_copy = std::move(copy);
            m_stamp = stamp;
            if (m_copy)
                m_value = &*m_copy;
        }

        HazardGuard m_guard;
        std::optional<T> m_copy;
        const T *m_value = nullptr;
        quint64 m_stamp = 0;
    };

    //! f(const T *value, quint64 stamp) with the current value pinned as a Pin would (value is
    //! nullptr before the first publish). The usual case, a shared cell and a free hazard slot,
    //! keeps the guard in registers: a Pin object, whose slow path takes its address, lives in
    //! memory, and its stores and reloads cost about as much as the read itself.
    template <typename F>
    decltype(auto) withPinned(F &&f) const
    {
        if constexpr (!UsesSeqlock) {
            // The guard gives its slot back before the Pin of the slow path takes one.
            HazardGuard guard;
            if (Q_LIKELY(guard.acquireUnmarked())) {
                if (const quintptr word = m_cell.protect(guard); Q_LIKELY(word)) {
                    if (const auto *node = Cell::nodeOf(word))
                        return f(&node->value, node->stamp);
                    return f(static_cast<const T *>(nullptr), quint64(0));
                }
            }
        }
        const Pin pin(*this);
        return f(pin.value(), pin.stamp());
    }

    std::optional<T> latest() const
    {
        if constexpr (UsesSeqlock) {
            quint64 stamp = 0;
            return m_cell.read(m_stamp, &stamp);
        } else {
            return withPinned([](const T *value, quint64) {
                return value ? std::optional<T>(*value) : std::optional<T>();
            });
        }
    }

private:
    explicit TopicState(const NameKey &key) : TopicCore(key, sizeof(TopicState)) { }
    ~TopicState() override = default;

    bool rejects(quint64 stamp, quint64 expected, bool *raced) const noexcept
    {
        if (Q_LIKELY(!isClosedStamp(stamp) && (expected == AnyStamp || stamp == expected)))
            return false;
        if (raced)
            *raced = !isClosedStamp(stamp);
        return true;
    }

    bool publishWords(const T &incoming, quint64 expected, bool *raced)
    {
        bool notify;
        {
            SpinLocker locker(m_lock);
            const quint64 stamp = m_stamp.load(std::memory_order_relaxed);
            if (Q_UNLIKELY(rejects(stamp, expected, raced)))
                return false;
            m_cell.storeLocked(incoming, stamp + VersionStep, m_stamp);
            notify = m_watchers != 0;
        }
        if (Q_UNLIKELY(notify))
            notifyPublished();
        return true;
    }

    bool publishNode(T &incoming, quint64 expected, bool *raced)
    {
        using Node = typename Cell::Node;
        // A node allocated outside the lock when the cell had none to spare; freed here if
        // another publish gave one back meanwhile.
        struct Fresh
        {
            Node *node = nullptr;
            ~Fresh() { delete node; }
        } fresh;
        typename Cell::Retired retired;
        bool notify;
        for (;;) {
            {
                // A throwing move or swap of T leaves the lock released, the version unchanged
                // and the exception on its way to the publisher (the basic guarantee: the held
                // value is whatever T's operation left).
                SpinLocker locker(m_lock);
                const quint64 stamp = m_stamp.load(std::memory_order_relaxed);
                if (Q_UNLIKELY(rejects(stamp, expected, raced)))
                    return false;
                if (m_cell.storeLocked(incoming, stamp + VersionStep, fresh.node, &retired)) {
                    m_stamp.store(stamp + VersionStep, std::memory_order_release);
                    notify = m_watchers != 0;
                    break;
                }
            }
            fresh.node = Cell::newNode();
        }
        if (Q_UNLIKELY(retired.head)) {
            Node *spare = nullptr;
            Node *kept = Cell::reclaim(retired, &spare);
            SpinLocker locker(m_lock);
            m_cell.spliceLocked(spare, kept);
        }
        if (Q_UNLIKELY(notify))
            notifyPublished();
        return true;
    }

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

    Cell m_cell;
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
