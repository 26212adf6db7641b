// SPDX-License-Identifier: MIT
#pragma once

#include <DropSlot/dropslot_export.h>

#include <QtCore/QtGlobal>

#include <atomic>

namespace DropSlot::detail {

class TopicCore;

//! The seen version of a Sub that has async waits in flight. The Sub and its waits share it,
//! so a value handed to one is never handed to the other; it outlives a destroyed Sub for as
//! long as a wait still refers to it.
class SubLink
{
public:
    explicit SubLink(quint64 seen) noexcept : m_seen(seen) { }

    void ref() noexcept { m_refs.fetch_add(1, std::memory_order_relaxed); }
    void deref() noexcept
    {
        if (m_refs.fetch_sub(1, std::memory_order_acq_rel) == 1)
            delete this;
    }

    quint64 seen() const noexcept { return m_seen.load(std::memory_order_acquire); }
    //! False once the Sub is destroyed: its waits are canceled instead of queued again.
    bool subAlive() const noexcept { return m_subAlive.load(std::memory_order_acquire); }
    void subDestroyed() noexcept { m_subAlive.store(false, std::memory_order_release); }
    //! Marks version seen; false if this or a newer version was already taken.
    bool claim(quint64 version) noexcept
    {
        quint64 current = m_seen.load(std::memory_order_relaxed);
        while (current < version) {
            if (m_seen.compare_exchange_weak(current, version, std::memory_order_acq_rel))
                return true;
        }
        return false;
    }
    //! Takes back a version claim() just took (its wait was canceled before it could deliver),
    //! unless a newer version was taken since.
    void unclaim(quint64 version) noexcept
    {
        quint64 expected = version;
        m_seen.compare_exchange_strong(expected, version - 1, std::memory_order_acq_rel);
    }

private:
    std::atomic<int> m_refs{1};
    std::atomic<quint64> m_seen;
    std::atomic<bool> m_subAlive{true};
};

//! One pending Sub::waitForMessage() future, queued on its topic until a publish or close.
class DROPSLOT_EXPORT AsyncWaitBase
{
public:
    explicit AsyncWaitBase(SubLink *link) noexcept;
    virtual ~AsyncWaitBase();
    AsyncWaitBase(const AsyncWaitBase &) = delete;
    AsyncWaitBase &operator=(const AsyncWaitBase &) = delete;

    //! Finishes the future from the topic's current state; false when there is nothing new for
    //! its Sub (the caller queues it again). Called without any lock held.
    virtual bool tryComplete(TopicCore *topic) = 0;
    //! True when the future was canceled: the wait can be dropped without completing.
    virtual bool isCanceled() const = 0;

    SubLink *link() const noexcept { return m_link; }

    //! Number of live async waits in the process (for leak checks in tests).
    static qsizetype liveCount() noexcept;

private:
    friend class TopicCore;
    SubLink *m_link;
    AsyncWaitBase *m_next = nullptr; // guarded by the topic's notifier mutex
};

} // namespace DropSlot::detail
