// SPDX-License-Identifier: MIT
#include <DropSlot/detail/buscore.h>

#include <DropSlot/detail/namekey.h>
#include <DropSlot/detail/topiccore.h>
#include <DropSlot/detail/topicwatchlist.h>

#include "logging_p.h"

#include <algorithm>
#include <bit>
#include <cstdlib>
#include <cstring>
#include <new>
#include <limits>
#include <vector>

namespace DropSlot::detail {

namespace {

constexpr quint32 MinShards = 8;
constexpr quint32 MaxShards = 256;
constexpr quint32 TopicsPerShard = 128; // a capacity hint adds a shard per this many topics
constexpr quint32 MinSlots = 8;

quint32 slotsFor(qsizetype topics)
{
    // Room for 'topics' entries at the 3/4 load limit, rounded up to a power of two.
    const quint64 wanted = std::max<quint64>(MinSlots, (static_cast<quint64>(topics) * 4 + 2) / 3);
    return static_cast<quint32>(std::bit_ceil(std::min<quint64>(wanted, quint64(1) << 30)));
}

// Slots are plain data: calloc gives zeroed (empty) table without a constructor pass.
template <typename Slot>
Slot *allocateSlots(quint32 count)
{
    auto *table = static_cast<Slot *>(std::calloc(count, sizeof(Slot)));
    Q_CHECK_PTR(table);
    return table;
}

} // namespace

BusCore *BusCore::create(qsizetype capacity, Factory factory)
{
    return new BusCore(capacity, factory);
}

BusCore::BusCore(qsizetype capacity, Factory factory) : m_factory(factory)
{
    // A hint, not a promise: beyond 16M topics the tables grow as needed anyway.
    capacity = std::clamp<qsizetype>(capacity, 0, qsizetype(1) << 24);
    const quint64 wantedShards = static_cast<quint64>(capacity) / TopicsPerShard;
    m_shardCount = static_cast<quint32>(std::clamp<quint64>(std::bit_ceil(std::max<quint64>(wantedShards, 1)),
                                                            MinShards, MaxShards));
    m_shardShift = 64 - static_cast<quint32>(std::countr_zero(m_shardCount));
    m_initialSlots = slotsFor((capacity + m_shardCount - 1) / m_shardCount);
    // One allocation for the shards and their first tables: a small bus costs two allocations
    // (this object and the block), not one per shard.
    const std::size_t shardBytes = sizeof(Shard) * m_shardCount;
    const std::size_t tableBytes = sizeof(Slot) * m_initialSlots * m_shardCount;
    m_block = ::operator new(shardBytes + tableBytes, std::align_val_t(alignof(Shard)));
    m_shards = static_cast<Shard *>(m_block);
    m_firstTables = reinterpret_cast<Slot *>(static_cast<char *>(m_block) + shardBytes);
    std::memset(static_cast<void *>(m_firstTables), 0, tableBytes);
    for (quint32 s = 0; s < m_shardCount; ++s) {
        Shard *shard = new (&m_shards[s]) Shard;
        shard->table = m_firstTables + std::size_t(s) * m_initialSlots;
        shard->mask = m_initialSlots - 1;
    }
}

BusCore::~BusCore()
{
    for (quint32 s = 0; s < m_shardCount; ++s)
        m_shards[s].~Shard();
    ::operator delete(m_block, std::align_val_t(alignof(Shard)));
}

void BusCore::releaseTable(Slot *table) const noexcept
{
    // The first tables live in the shards' block; only grown ones were allocated alone.
    const Slot *firstEnd = m_firstTables + std::size_t(m_initialSlots) * m_shardCount;
    if (table && (table < m_firstTables || table >= firstEnd))
        std::free(table);
}

void BusCore::destroy() noexcept
{
    // Nobody else can reach the table any more: close every topic (waking its subscribers),
    // then drop the table's references.
    for (quint32 s = 0; s < m_shardCount; ++s) {
        Shard &shard = m_shards[s];
        for (quint32 i = 0; i < shard.capacity(); ++i) {
            if (TopicCore *topic = shard.table[i].topic) {
                topic->close();
                topic->deref();
            }
        }
        releaseTable(shard.table);
        shard.table = nullptr;
    }
    if (TopicWatchList *watchers = m_watchList.load(std::memory_order_acquire)) {
        watchers->close();
        watchers->deref();
    }
    delete this;
}

qsizetype BusCore::Shard::indexOf(const NameKey &key, quint32 *vacant) const noexcept
{
    if (!table)
        return -1;
    const quint64 hash = key.hash();
    for (quint32 i = static_cast<quint32>(hash) & mask;; i = (i + 1) & mask) {
        const Slot &slot = table[i];
        if (!slot.topic) {
            if (vacant)
                *vacant = i;
            return -1;
        }
        if (slot.hash == hash && slot.topic->nameEquals(key))
            return i;
    }
}

void BusCore::Shard::insert(quint64 hash, TopicCore *topic) noexcept
{
    quint32 i = static_cast<quint32>(hash) & mask;
    while (table[i].topic)
        i = (i + 1) & mask;
    insertAt(i, hash, topic);
}

void BusCore::Shard::insertAt(quint32 index, quint64 hash, TopicCore *topic) noexcept
{
    Q_ASSERT(!table[index].topic);
    table[index] = Slot{hash, topic};
    count.store(count.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    ++generation;
}

void BusCore::Shard::eraseAt(quint32 hole) noexcept
{
    // Backward-shift deletion for linear probing: pull later members of the cluster into the
    // hole unless they already sit at or after their home slot relative to it.
    for (quint32 j = (hole + 1) & mask; table[j].topic; j = (j + 1) & mask) {
        const quint32 home = static_cast<quint32>(table[j].hash) & mask;
        const bool stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
        if (!stays) {
            table[hole] = table[j];
            hole = j;
        }
    }
    table[hole] = Slot{0, nullptr};
    count.store(count.load(std::memory_order_relaxed) - 1, std::memory_order_relaxed);
    ++generation;
}

BusCore::Slot *BusCore::Shard::adopt(Slot *fresh, quint32 freshCapacity) noexcept
{
    Slot *old = table;
    const quint32 oldCapacity = capacity();
    table = fresh;
    mask = freshCapacity - 1;
    const quint32 kept = count.load(std::memory_order_relaxed);
    count.store(0, std::memory_order_relaxed);
    for (quint32 i = 0; i < oldCapacity; ++i) {
        if (old[i].topic)
            insert(old[i].hash, old[i].topic);
    }
    Q_ASSERT(count.load(std::memory_order_relaxed) == kept);
    Q_UNUSED(kept);
    ++generation;
    return old;
}

TopicCore *BusCore::obtain(QAnyStringView name)
{
    const NameKey key(name);
    if (Q_UNLIKELY(key.isEmpty())) {
        qCWarning(lcBus, "DropSlot: an empty topic name was rejected; the returned topic handle is "
                         "invalid (closed, nameless) and publishing to it returns false");
        return nullptr;
    }
    if (Q_UNLIKELY(key.size() > std::numeric_limits<qint32>::max())) {
        qCWarning(lcBus, "DropSlot: a topic name of %lld characters was rejected (at most 2^31 - 1); "
                         "the returned topic handle is invalid", static_cast<long long>(key.size()));
        return nullptr;
    }
    Shard &shard = shardFor(key.hash());
    shard.lock.lock();
    quint32 vacant = 0;
    qsizetype index = shard.indexOf(key, &vacant);
    if (index >= 0) {
        TopicCore *topic = shard.table[index].topic;
        topic->ref();
        shard.lock.unlock();
        return topic;
    }
    const quint32 seenCapacity = shard.capacity();
    const quint32 seenGeneration = shard.generation;
    const bool grow = shard.needsGrowth();
    shard.lock.unlock();

    // Allocate outside the lock; if another thread creates the same name meanwhile, its topic
    // wins and ours is discarded, so every caller gets the one topic.
    TopicCore *fresh = m_factory(key); // one reference: the table's
    fresh->ref();                      // and one for the caller
    // Small tables grow fourfold, so a bus filling up from empty rehashes only a few times.
    const quint32 freshCapacity = !seenCapacity ? m_initialSlots : seenCapacity * (seenCapacity < 1024 ? 4 : 2);
    Slot *freshSlots = grow ? allocateSlots<Slot>(freshCapacity) : nullptr;
    Slot *discardSlots = nullptr;

    shard.lock.lock();
    if (!grow && shard.generation == seenGeneration) {
        // Nothing changed since the probe: the name is still absent and its slot still free.
        shard.insertAt(vacant, key.hash(), fresh);
    } else {
        index = shard.indexOf(key);
        if (index >= 0) {
            TopicCore *topic = shard.table[index].topic;
            topic->ref();
            shard.lock.unlock();
            std::free(freshSlots);
            fresh->deref(2 * TopicCore::OneRef);
            return topic;
        }
        if (freshSlots && shard.capacity() == seenCapacity)
            discardSlots = shard.adopt(freshSlots, freshCapacity);
        else
            discardSlots = freshSlots; // another creator grew the table first
        if (Q_UNLIKELY(shard.needsGrowth())) {
            // Rare: the table filled up between our two visits. Grow in place.
            const quint32 capacity = shard.capacity() ? shard.capacity() * 2 : m_initialSlots;
            releaseTable(shard.adopt(allocateSlots<Slot>(capacity), capacity));
        }
        shard.insert(key.hash(), fresh);
    }
    std::unique_lock<std::mutex> announcing = lockForAnnouncing();
    shard.lock.unlock();
    releaseTable(discardSlots);
    if (announcing)
        announce(std::move(announcing), {fresh}, true);
    return fresh;
}

TopicCore *BusCore::find(QAnyStringView name) const
{
    const NameKey key(name);
    if (key.isEmpty())
        return nullptr;
    Shard &shard = shardFor(key.hash());
    SpinLocker locker(shard.lock);
    const qsizetype index = shard.indexOf(key);
    if (index < 0)
        return nullptr;
    TopicCore *topic = shard.table[index].topic;
    topic->ref();
    return topic;
}

std::optional<qsizetype> BusCore::remove(QAnyStringView name)
{
    const NameKey key(name);
    if (key.isEmpty())
        return std::nullopt;
    Shard &shard = shardFor(key.hash());
    shard.lock.lock();
    const qsizetype index = shard.indexOf(key);
    if (index < 0) {
        shard.lock.unlock();
        return std::nullopt;
    }
    TopicCore *topic = shard.table[index].topic;
    shard.eraseAt(static_cast<quint32>(index));
    // Closed in the same critical section that removes it: once the name can resolve to a new
    // topic, the old one accepts no publish.
    bool mustWake = false;
    topic->markClosed(&mustWake);
    std::unique_lock<std::mutex> announcing = lockForAnnouncing();
    shard.lock.unlock();
    if (announcing)
        announce(std::move(announcing), {topic}, false);
    const qsizetype subscribers = topic->subscriberCount();
    if (mustWake)
        topic->wakeAfterClose();
    topic->deref();
    return subscribers;
}

qsizetype BusCore::cleanupUnused()
{
    std::vector<TopicCore *> unused;
    qsizetype removed = 0;
    for (quint32 s = 0; s < m_shardCount; ++s) {
        Shard &shard = m_shards[s];
        if (shard.count.load(std::memory_order_relaxed) == 0)
            continue;
        unused.clear();
        // Room for every topic the shard holds now, plus some: nothing is allocated under the
        // lock. Should the shard have grown past that meanwhile, the scan stops when the room
        // is used up and the shard is scanned again.
        unused.reserve(shard.count.load(std::memory_order_relaxed) + 16);
        bool full = false;
        shard.lock.lock();
        const quint32 capacity = shard.capacity();
        // Start just after an empty slot so no cluster wraps past the starting point; after an
        // erase, the same slot is examined again because a later entry may have moved into it.
        quint32 start = 0;
        while (capacity && shard.table[start].topic)
            ++start;
        for (quint32 step = 1; step <= capacity;) {
            const quint32 i = (start + step) & shard.mask;
            TopicCore *topic = shard.table[i].topic;
            // Only the table refers to it, and new references come only through the table,
            // which we hold: nobody can start using it while we remove it.
            if (topic && topic->refCount() == 1) {
                if (unused.size() == unused.capacity()) {
                    full = true;
                    break;
                }
                // Nothing refers to it, so nobody can see it closed: it is simply freed.
                unused.push_back(topic);
                shard.eraseAt(i);
                continue;
            }
            ++step;
        }
        std::unique_lock<std::mutex> announcing = unused.empty() ? std::unique_lock<std::mutex>() : lockForAnnouncing();
        shard.lock.unlock();
        if (announcing)
            announce(std::move(announcing), unused, false);
        for (TopicCore *topic : unused)
            topic->deref();
        removed += static_cast<qsizetype>(unused.size());
        if (full)
            --s; // this shard again
    }
    return removed;
}

qsizetype BusCore::topicCount() const noexcept
{
    qsizetype total = 0;
    for (quint32 s = 0; s < m_shardCount; ++s)
        total += m_shards[s].count.load(std::memory_order_relaxed);
    return total;
}

QStringList BusCore::topicNames() const
{
    // Pin the topics under each shard's lock, build the strings after releasing it.
    std::vector<TopicCore *> pinned;
    pinned.reserve(static_cast<std::size_t>(topicCount()));
    for (quint32 s = 0; s < m_shardCount; ++s) {
        Shard &shard = m_shards[s];
        SpinLocker locker(shard.lock);
        for (quint32 i = 0; i < shard.capacity(); ++i) {
            if (TopicCore *topic = shard.table[i].topic) {
                topic->ref();
                pinned.push_back(topic);
            }
        }
    }
    QStringList names;
    names.reserve(static_cast<qsizetype>(pinned.size()));
    for (TopicCore *topic : pinned) {
        names.append(topic->name());
        topic->deref();
    }
    return names;
}

TopicWatchList *BusCore::watchList()
{
    TopicWatchList *list = m_watchList.load(std::memory_order_acquire);
    if (list)
        return list;
    auto *fresh = new TopicWatchList;
    if (m_watchList.compare_exchange_strong(list, fresh, std::memory_order_acq_rel))
        return fresh;
    fresh->deref();
    return list;
}

std::unique_lock<std::mutex> BusCore::lockForAnnouncing()
{
    TopicWatchList *watchers = m_watchList.load(std::memory_order_acquire);
    return watchers ? watchers->lockForAnnouncing() : std::unique_lock<std::mutex>();
}

void BusCore::announce(std::unique_lock<std::mutex> announcing, const std::vector<TopicCore *> &topics, bool created)
{
    // The shard lock is released; the watch list's lock, taken before that, keeps each name's
    // events in the order its table changes happened.
    TopicWatchList *watchers = m_watchList.load(std::memory_order_acquire);
    std::vector<TopicWatchConnection *> flagged;
    for (TopicCore *topic : topics)
        watchers->queue(topic->name(), created, &flagged);
    announcing.unlock();
    TopicWatchList::wake(flagged);
}

} // namespace DropSlot::detail
