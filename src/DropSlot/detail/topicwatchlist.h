// SPDX-License-Identifier: MIT
#pragma once

#include <DropSlot/dropslot_export.h>

#include <QtCore/QtGlobal>

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

    //! Queues (name, created/removed) to every watcher. Called under the shard lock that made
    //! the change, so the events of one name reach watchers in the order they happened.
    void announce(TopicCore *topic, bool created)
    {
        if (m_count.load(std::memory_order_acquire) != 0)
            announceSlow(topic, created);
    }
    //! The bus is gone: every watcher ends after delivering what it has queued.
    void close();
    bool isClosed() const;

    void add(TopicWatchConnection *watcher);
    void remove(TopicWatchConnection *watcher);

private:
    void announceSlow(TopicCore *topic, bool created);

    std::atomic<int> m_refs{1};
    std::atomic<int> m_count{0};
    mutable std::mutex m_mutex;
    std::vector<TopicWatchConnection *> m_watchers; // guarded by m_mutex
    bool m_closed = false;                           // guarded by m_mutex
};

} // namespace DropSlot::detail
