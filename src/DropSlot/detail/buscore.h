// SPDX-License-Identifier: MIT
#pragma once

#include <DropSlot/detail/spinlock.h>

#include <QtCore/QAnyStringView>
#include <QtCore/QStringList>

#include <atomic>
#include <mutex>
#include <vector>
#include <optional>
#include <span>

namespace DropSlot::detail {

class HazardScan;
class NameKey;
class TopicCore;
class TopicWatchList;
class TopicWatchConnection;

//! The type-independent bus: a sharded open-addressing table from name to topic, compiled once
//! into the library. Each shard has its own spin lock, held only to edit the table (and to probe
//! it when a lookup must create or a lock-free probe was inconclusive); topics and tables are
//! allocated, closed and freed outside it.
//!
//! Lookups of an existing topic take no lock: they read the table and the topic under hazard
//! pointers (hazard.h) and take their reference with one compare-exchange. So what they read
//! is freed only after a hazard scan: a table replaced by a larger one, and the table's
//! reference to a removed topic, wait in a per-bus list that is scanned in batches.
//!
//! Nothing is allocated before it is needed: a new bus is this small object alone; its first
//! topic allocates the shards (one block, a cache line each), and a shard's first table lives in
//! its own cache line (room for one topic) until a second topic needs a table of its own. So a
//! bus built and dropped costs one small allocation, and a bus of a few topics one more.
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
        // The last handle needs no read-modify-write: whoever holds the only reference is the
        // only one who could make another.
        if (m_refs.load(std::memory_order_acquire) == 1 || m_refs.fetch_sub(1, std::memory_order_acq_rel) == 1)
            destroy();
    }

    //! Finds or creates the topic, returning it with a reference for the caller; nullptr (with
    //! a warning) for an empty name. Concurrent creations of one name yield one topic.
    TopicCore *obtain(QAnyStringView name);
    //! The topic with a reference for the caller, or nullptr; never creates.
    TopicCore *find(QAnyStringView name) const;
    //! Removes and closes the topic; its subscriber count, or -1 if there was none. (A count,
    //! not an optional: one returned from here went through memory, a byte store then a wider
    //! load that the CPU cannot forward, which cost as much as an atomic operation.)
    qsizetype remove(QAnyStringView name);
    //! Removes and closes every topic nobody but the bus refers to; the number removed.
    qsizetype cleanupUnused();
    qsizetype topicCount() const noexcept;
    QStringList topicNames() const;

    //! The topic lifecycle watchers (created on first use, after the shards; never freed
    //! before the bus).
    TopicWatchList *watchList();

private:
    //! Written under the shard lock; read by lock-free lookups as well, hence atomic (plain
    //! moves on x86). The topic is stored last, with release: a lookup that sees it sees its name.
    struct Slot
    {
        //! Set in word while cleanupUnused() decides whether the topic is unused: lock-free
        //! lookups take the slot for a miss and ask again under the lock (see cleanupUnused()).
        static constexpr quintptr Marked = 1;

        std::atomic<quint64> hash;
        std::atomic<quintptr> word; // the topic's address, maybe | Marked; 0: empty slot

        static TopicCore *topicOf(quintptr w) noexcept { return reinterpret_cast<TopicCore *>(w & ~Marked); }
        static quintptr markedWord(const TopicCore *t) noexcept { return reinterpret_cast<quintptr>(t) | Marked; }
        quint64 hashLocked() const noexcept { return hash.load(std::memory_order_relaxed); }
        quintptr wordLocked() const noexcept { return word.load(std::memory_order_relaxed); }
        TopicCore *topicLocked() const noexcept { return topicOf(wordLocked()); }
        void set(quint64 h, quintptr w) noexcept
        {
            hash.store(h, std::memory_order_relaxed);
            word.store(w, std::memory_order_release);
        }
        void set(quint64 h, TopicCore *t) noexcept { set(h, reinterpret_cast<quintptr>(t)); }
        void mark() noexcept { word.store(wordLocked() | Marked, std::memory_order_relaxed); }
        void unmark() noexcept { word.store(wordLocked() & ~Marked, std::memory_order_release); }
    };
    //! A copy of a slot taken under the lock, and where it was.
    struct Entry
    {
        quint64 hash;
        TopicCore *topic;
        quint32 index;
    };
    //! A shard's first table, inside the shard: two slots, so one topic at the 3/4 load limit.
    static constexpr quint32 InlineSlots = 2;
    struct alignas(64) Shard
    {
        SpinLock lock;
        std::atomic<quint32> count{0};
        // capacity - 1. Tables only grow, and a new table is stored before its mask: a lookup
        // that loads the mask, then the table, never probes beyond the table's end.
        std::atomic<quint32> slotMask{InlineSlots - 1};
        quint32 generation = 0;         // bumped by every change to the table
        // The table: written under the lock, read by lock-free lookups under a hazard pointer.
        std::atomic<Slot *> array{inlineSlots};
        Slot inlineSlots[InlineSlots] = {};
        quint64 inlineOccupancy = 0;

        //! The table, under the lock.
        Slot *entries() const noexcept { return array.load(std::memory_order_relaxed); }
        bool isInline(const Slot *table) const noexcept { return table == inlineSlots; }
        quint32 mask() const noexcept { return slotMask.load(std::memory_order_relaxed); }
        quint32 capacity() const noexcept { return mask() + 1; }
        //! One bit per slot, set when the slot holds a topic (behind the slots of an allocated
        //! table): scans visit the topics without reading, and mispredicting, every empty slot.
        quint64 *occupancy() const noexcept
        {
            Slot *table = entries();
            return isInline(table) ? const_cast<quint64 *>(&inlineOccupancy)
                                   : reinterpret_cast<quint64 *>(table + capacity());
        }
        bool needsGrowth() const noexcept { return (count.load(std::memory_order_relaxed) + 1) * 4 > capacity() * 3; }
        //! Calls f(index) for each occupied slot, in index order; f must not edit the table.
        template <typename F>
        void forEachOccupied(F &&f) const;
        //! The slot holding key, or -1; *vacant (if given) receives the empty slot that ended
        //! the probe, where key would be inserted.
        qsizetype indexOf(const NameKey &key, quint32 *vacant = nullptr) const noexcept;
        //! What a lock-free probe found. Two words, so it comes back in registers.
        struct Probe
        {
            TopicCore *topic; // with a reference for the caller, or nullptr
            bool absent;      // nullptr because an empty slot ended the probe: likely absent
        };
        //! The topic named key, found without the lock; nullptr when absent or when the table
        //! changed under the probe (ask again under the lock).
        Probe findLockFree(const NameKey &key) const noexcept;
        //! The slot holding topic (whose hash is hash) marked by this cleanup, or -1 when it is
        //! gone (a removal took it out meanwhile); seen is where it was last, tried first.
        qsizetype indexOfMarked(quint64 hash, const TopicCore *topic, quint32 seen) const noexcept;
        void insert(quint64 hash, TopicCore *topic) noexcept;
        void insertAt(quint32 index, quint64 hash, TopicCore *topic) noexcept;
        void eraseAt(quint32 index) noexcept;
        //! Moves the entries to fresh (rehashing) and returns the old table to retire, or
        //! nullptr when it was the inline one.
        Slot *adopt(Slot *fresh, quint32 freshCapacity) noexcept;
    };
    struct Retired;

    BusCore(qsizetype capacity, Factory factory) noexcept;
    //! obtain() once a lock-free lookup found nothing: validates the name, creates if needed;
    //! likelyAbsent when the lookup's probe ended at an empty slot (or the shard was empty).
    Q_NEVER_INLINE TopicCore *obtainSlowly(const NameKey &key, bool likelyAbsent);
    ~BusCore() = default;
    void destroy() noexcept;
    static Slot *allocateTable(quint32 capacity);
    static void freeTable(Slot *table) noexcept;
    //! Frees a replaced table once no lock-free lookup can be reading it.
    void retireTable(Slot *table, quint32 capacity);
    //! Drops the table's reference to a removed topic once no lock-free lookup can be reading it.
    void retireTopic(TopicCore *topic);
    Retired *retired();
    //! The shards, or nullptr while the bus has never held a topic.
    Shard *shards() const noexcept { return m_shards.load(std::memory_order_acquire); }
    //! The shards, allocated by the first caller (concurrent first callers agree on one block).
    Shard *shardsForInsert()
    {
        Shard *shards = m_shards.load(std::memory_order_acquire);
        return Q_LIKELY(shards) ? shards : allocateShards();
    }
    Shard *allocateShards();
    //! A block of empty shards, not yet published.
    Shard *makeShards() const;
    //! The bus's first topic, inserted into fresh shards before they are published (no lock
    //! taken); nullptr when another thread's shards got there first (then the usual path
    //! creates it).
    TopicCore *createFirst(const NameKey &key);
    void freeShards(Shard *shards) noexcept;
    Shard &shardFor(Shard *shards, quint64 hash) const noexcept { return shards[hash >> m_shardShift]; }
    //! What a cleanupUnused() call collects; room is made before marks are set.
    struct Cleanup
    {
        std::vector<Entry> marked;                 // this round's marks
        std::vector<TopicCore *> removedHere;      // removed from the shard being visited
        std::vector<TopicCore *> unreachable;      // freed once the cleanup mutex is released
        std::vector<quintptr> freeAfterScan;       // released, but a lookup may still read them
        std::vector<TopicWatchConnection *> toWake; // watchers of the removals
        void makeRoom(std::size_t room);
    };
    //! cleanupUnused()'s first visit: marks the unused topics of shards from 'first' on while
    //! marked has room; returns the shard to start from next time (m_shardCount when done).
    quint32 markUnused(Shard *shards, quint32 first, std::vector<Entry> &marked);
    //! cleanupUnused()'s second visit: removes the marked topics still unused; returns how many.
    qsizetype removeMarked(Shard *shards, const HazardScan &scan, Cleanup &work);
    //! Announcing to watchTopics() connections; see TopicWatchList::lockForAnnouncing().
    std::unique_lock<std::mutex> lockForAnnouncing();
    //! Queues the events; wakes the watchers, or leaves them in wakeLater for the caller.
    void announce(std::unique_lock<std::mutex> announcing, std::span<TopicCore *const> topics,
                  bool created, std::vector<TopicWatchConnection *> *wakeLater = nullptr);

    std::atomic<int> m_refs{1};
    Factory m_factory;
    quint32 m_shardShift;
    quint32 m_shardCount;
    quint32 m_initialSlots; // the size of a shard's first allocated table
    std::atomic<Shard *> m_shards{nullptr};
    std::atomic<TopicWatchList *> m_watchList{nullptr};
    std::atomic<Retired *> m_retired{nullptr}; // created by the first retirement
};

} // namespace DropSlot::detail
