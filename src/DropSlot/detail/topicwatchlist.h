// SPDX-License-Identifier: MIT
#pragma once

#include <DropSlot/dropslot_export.h>

#include <QtCore/QString>

#include <atomic>
#include <mutex>
#include <vector>

namespace DropSlot::detail {

class TopicCore;
class TopicWatchConnection;

//! The watchTopics() connections of one bus. Announcing costs one load while nobody watches.
class DROPSLOT_EXPORT TopicWatchList
{
public:
    void ref() noexcept { m_refs.fetch_add(1, std::memory_order_relaxed); }
    void deref() noexcept
    {
        if (m_refs.fetch_sub(1, std::memory_order_acq_rel) == 1)
            delete this;
    }

    //! Announcing takes three steps so that the events of one name reach watchers in the order
    //! the table changed, yet nothing is allocated or posted under the bus's spin lock: under the
    //! shard lock, lockForAnnouncing() (empty when nobody watches, which costs one load); after
    //! the shard lock is released, queue() each event with the list still locked; then, with
    //! nothing locked, wake() the watchers queue() flagged.
    std::unique_lock<std::mutex> lockForAnnouncing()
    {
        if (m_count.load(std::memory_order_acquire) == 0)
            return {};
        return std::unique_lock<std::mutex>(m_mutex);
    }
    void queue(const QString &name, bool created, std::vector<TopicWatchConnection *> *flagged);
    static void wake(const std::vector<TopicWatchConnection *> &flagged);
    //! The bus is gone: every watcher ends after delivering what it has queued.
    void close();
    bool isClosed() const;

    void add(TopicWatchConnection *watcher);
    void remove(TopicWatchConnection *watcher);

private:
    std::atomic<int> m_refs{1};
    std::atomic<int> m_count{0};
    mutable std::mutex m_mutex;
    std::vector<TopicWatchConnection *> m_watchers; // guarded by m_mutex
    bool m_closed = false;                           // guarded by m_mutex
};

} // namespace DropSlot::detail
