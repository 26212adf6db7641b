// SPDX-License-Identifier: MIT
#pragma once

#include <DropSlot/detail/spinlock.h>

#include <QtCore/QAnyStringView>
#include <QtCore/QStringList>

#include <atomic>
#include <mutex>
#include <vector>
#include <optional>

namespace DropSlot::detail {

class NameKey;
class TopicCore;
class TopicWatchList;
class TopicWatchConnection;

//! The type-independent bus: a sharded open-addressing table from name to topic, compiled once
//! into the library. Each shard has its own spin lock, held only to probe or edit the table;
//! topics are allocated, closed and freed outside it.
class DROPSLOT_EXPORT BusCore
{
public:
    using Factory = TopicCore *(*)(const NameKey &);

    //! A new bus with one reference; capacity is the number of topics expected.
    static BusCore *create(qsizetype capacity, Factory factory);

    void ref() noexcept { m_refs.fetch_add(1, std::memory_order_relaxed); }
    //! Dropping the last reference closes every topic and frees the bus.
    void deref() noexcept
    {
        if (m_refs.fetch_sub(1, std::memory_order_acq_rel) == 1)
            destroy();
    }

    //! Finds or creates the topic, returning it with a reference for the caller; nullptr (with
    //! a warning) for an empty name. Concurrent creations of one name yield one topic.
    TopicCore *obtain(QAnyStringView name);
    //! The topic with a reference for the caller, or nullptr; never creates.
    TopicCore *find(QAnyStringView name) const;
    //! Removes and closes the topic; its subscriber count, or nullopt if there was none.
    std::optional<qsizetype> remove(QAnyStringView name);
    //! Removes and closes every topic nobody but the bus refers to; the number removed.
    qsizetype cleanupUnused();
    qsizetype topicCount() const noexcept;
    QStringList topicNames() const;

    //! The topic lifecycle watchers (created on first use; never freed before the bus).
    TopicWatchList *watchList();

private:
    struct Slot
    {
        quint64 hash;
        TopicCore *topic; // nullptr: empty slot
    };
    struct alignas(64) Shard
    {
        SpinLock lock;
        std::atomic<quint32> count{0};
        quint32 mask = 0;       // capacity - 1; meaningful once table is set
        quint32 generation = 0; // bumped by every change to the table
        Slot *table = nullptr;

        quint32 capacity() const noexcept { return table ? mask + 1 : 0; }
        bool needsGrowth() const noexcept { return (count.load(std::memory_order_relaxed) + 1) * 4 > capacity() * 3; }
        //! The slot holding key, or -1; *vacant (if given) receives the empty slot that ended
        //! the probe, where key would be inserted.
        qsizetype indexOf(const NameKey &key, quint32 *vacant = nullptr) const noexcept;
        void insert(quint64 hash, TopicCore *topic) noexcept;
        void insertAt(quint32 index, quint64 hash, TopicCore *topic) noexcept;
        void eraseAt(quint32 index) noexcept;
        Slot *adopt(Slot *fresh, quint32 freshCapacity) noexcept; // rehash; returns the old array
    };

    BusCore(qsizetype capacity, Factory factory);
    ~BusCore();
    void destroy() noexcept;
    void releaseTable(Slot *table) const noexcept;
    Shard &shardFor(quint64 hash) const noexcept { return m_shards[hash >> m_shardShift]; }
    //! Announcing to watchTopics() connections; see TopicWatchList::lockForAnnouncing().
    std::unique_lock<std::mutex> lockForAnnouncing();
    void announce(std::unique_lock<std::mutex> announcing, const std::vector<TopicCore *> &topics, bool created);

    std::atomic<int> m_refs{1};
    Factory m_factory;
    quint32 m_shardShift;
    quint32 m_shardCount;
    quint32 m_initialSlots;
    void *m_block;        // the shards, then their first tables
    Shard *m_shards;
    Slot *m_firstTables;
    std::atomic<TopicWatchList *> m_watchList{nullptr};
};

} // namespace DropSlot::detail
