// SPDX-License-Identifier: MIT
#include <DropSlot/detail/buscore.h>

#include <DropSlot/detail/hazard.h>
#include <DropSlot/detail/namekey.h>
#include <DropSlot/detail/topiccore.h>
#include <DropSlot/detail/topicwatchlist.h>

#include "installonce_p.h"
#include "logging_p.h"
#include "wordloops_p.h"

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <limits>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

namespace DropSlot::detail {

namespace {

constexpr quint32 MinShards = 8;
constexpr quint32 MaxShards = 256;
constexpr quint32 TopicsPerShard = 128; // a capacity hint adds a shard per this many topics
constexpr quint32 MinSlots = 8;
// cleanupUnused() decides on at most this many topics per hazard scan (the room is allocated
// before any mark is set); a bus with more unused topics takes another round.
constexpr std::size_t CleanupBatch = 1024;
// What lock-free lookups may still read waits for a hazard scan until this many removed topics,
// or this many bytes of replaced tables, have piled up: the scan's barrier (0.1 to 2 µs) is paid
// once per batch, and memory stays bounded.
constexpr std::size_t RetiredTopicBatch = 256;
constexpr std::size_t RetiredTableBytes = 64 * 1024;

//! The first empty slot of table from hash's home slot on (linear probing; called with the
//! shard lock held, for the shard's table or a fresh one it is about to adopt).
template <typename SlotType>
quint32 vacantSlot(const SlotType *table, quint32 mask, quint64 hash) noexcept
{
    quint32 i = static_cast<quint32>(hash) & mask;
    while (table[i].topicLocked())
        i = (i + 1) & mask;
    return i;
}

//! Asks for the cache lines of the object at address (which may be freed: only the address
//! is used).
inline void prefetchLines(const void *address) noexcept
{
#if defined(__GNUC__)
    __builtin_prefetch(address);
    __builtin_prefetch(static_cast<const char *>(address) + 64);
#else
    Q_UNUSED(address);
#endif
}

constexpr quint32 slotsFor(qsizetype topics)
{
    // Room for 'topics' entries at the 3/4 load limit, rounded up to a power of two.
    const quint64 wanted = std::max<quint64>(MinSlots, (static_cast<quint64>(topics) * 4 + 2) / 3);
    return static_cast<quint32>(std::bit_ceil(std::min<quint64>(wanted, quint64(1) << 30)));
}

constexpr std::size_t occupancyWords(quint32 capacity)
{
    return (std::size_t(capacity) + 63) / 64;
}

} // namespace

// How a capacity hint shapes a bus: the shard count and the size of a shard's first table.
struct BusGeometry
{
    quint32 shardCount;
    quint32 shardShift;
    quint32 initialSlots;
};

constexpr BusGeometry geometryFor(qsizetype capacity)
{
    // A hint, not a promise: beyond 16M topics the tables grow as needed anyway.
    capacity = std::clamp<qsizetype>(capacity, 0, qsizetype(1) << 24);
    const quint64 wantedShards = static_cast<quint64>(capacity) / TopicsPerShard;
    const auto shardCount = static_cast<quint32>(
        std::clamp<quint64>(std::bit_ceil(std::max<quint64>(wantedShards, 1)), MinShards, MaxShards));
    return {shardCount, 64 - static_cast<quint32>(std::countr_zero(shardCount)),
            slotsFor((capacity + shardCount - 1) / shardCount)};
}

// Inline (defined before its only caller): a call to an exported constructor would go through
// the library's symbol table.
inline BusCore::BusCore(qsizetype capacity, Factory factory) noexcept : m_factory(factory)
{
    // The shape for Bus<T>::DefaultCapacity is worked out once, at compile time (any other
    // capacity, or a different default, takes the general path).
    constexpr qsizetype Default = 64;
    static constexpr BusGeometry DefaultGeometry = geometryFor(Default);
    const BusGeometry geometry = capacity == Default ? DefaultGeometry : geometryFor(capacity);
    m_shardCount = geometry.shardCount;
    m_shardShift = geometry.shardShift;
    m_initialSlots = geometry.initialSlots;
}

// Replaced tables and the table's references to removed topics, kept until a hazard scan shows
// that no lock-free lookup is reading them. The bus frees what is left when it is destroyed
// (no lookup can run then). A removal only stores a pointer under a spin lock; the batch is
// scanned when full.
struct BusCore::Retired
{
    // A retired topic: the table's reference to drop, or (low bit set) a topic nobody refers
    // to any more (cleanup took the last reference), to free.
    using Tagged = quintptr;
    static constexpr Tagged Unreferenced = 1;
    static Tagged tag(TopicCore *topic, bool unreferenced)
    {
        return reinterpret_cast<Tagged>(topic) | (unreferenced ? Unreferenced : 0);
    }
    static TopicCore *topicOf(Tagged t) { return reinterpret_cast<TopicCore *>(t & ~Unreferenced); }
    static void release(Tagged t) noexcept
    {
        if (t & Unreferenced)
            topicOf(t)->destroyUnreferenced();
        else
            topicOf(t)->deref();
    }

    SpinLock lock;
    std::mutex cleaning; // one cleanupUnused() at a time: a marked slot is the current call's
    quint32 count = 0;
    Tagged batch[RetiredTopicBatch];
    std::vector<Tagged> held;   // read by a lookup at the last scan
    std::vector<Slot *> tables; // replaced tables
    std::size_t tableBytes = 0;

    bool pending()
    {
        const SpinLocker locker(lock);
        return count || !held.empty() || !tables.empty();
    }

    //! Keeps a topic for the next scan; true when the batch is full (a scan is due).
    bool add(TopicCore *topic)
    {
        const SpinLocker locker(lock);
        if (Q_UNLIKELY(count == RetiredTopicBatch)) {
            held.push_back(tag(topic, false)); // another thread's scan is about to start
            return true;
        }
        batch[count++] = tag(topic, false);
        return count == RetiredTopicBatch;
    }

    //! Keeps a replaced table; true when enough bytes wait for a scan. (A table is replaced a
    //! few times in a shard's life: the vector's rare growth under the lock is acceptable.)
    bool addTable(Slot *table, quint32 capacity)
    {
        const SpinLocker locker(lock);
        tables.push_back(table);
        tableBytes += sizeof(Slot) * capacity;
        return tableBytes >= RetiredTableBytes;
    }

    //! What waits for a scan, taken out of the list.
    struct Batch
    {
        std::vector<Tagged> topics; // the batch, and cleanup's topics
        std::vector<Tagged> held;
        std::vector<Slot *> tables;
        bool empty() const noexcept { return topics.empty() && held.empty() && tables.empty(); }
    };

    //! Takes out everything that waits: a scan made after this tells which of it no lookup
    //! reads.
    Batch take()
    {
        // Room first, then under the lock only copies and swaps: nothing taken out is lost to
        // an allocation that fails.
        Batch out;
        out.topics.reserve(RetiredTopicBatch);
        const SpinLocker locker(lock);
        out.topics.assign(batch, batch + std::exchange(count, 0));
        out.held.swap(held);
        out.tables.swap(tables);
        tableBytes = 0;
        return out;
    }

    //! Frees what scan (made after take()) shows no lookup reads; what one still reads is kept
    //! for the next scan. Releasing a topic may destroy its value (user code): it happens with
    //! no lock held.
    void settle(Batch taken, const HazardScan &scan)
    {
        const auto unread = [&scan](Tagged t) { return !scan.protects(topicOf(t)); };
        auto &topics = taken.topics;
        auto &wasHeld = taken.held;
        auto &replaced = taken.tables;
        const auto readEnd = std::partition(topics.begin(), topics.end(), unread);
        const auto heldEnd = std::partition(wasHeld.begin(), wasHeld.end(), unread);
        const auto replacedEnd = std::partition(replaced.begin(), replaced.end(),
                                                [&scan](Slot *t) { return !scan.protects(t); });
        for (auto it = replaced.begin(); it != replacedEnd; ++it)
            freeTable(*it);
        for (auto it = topics.begin(); it != readEnd; ++it)
            release(*it);
        for (auto it = wasHeld.begin(); it != heldEnd; ++it)
            release(*it);
        if (readEnd != topics.end() || heldEnd != wasHeld.end() || replacedEnd != replaced.end()) {
            // Rare (a lookup was reading one of them): allocating under the lock is acceptable.
            const SpinLocker locker(lock);
            held.insert(held.end(), readEnd, topics.end());
            held.insert(held.end(), heldEnd, wasHeld.end());
            tables.insert(tables.end(), replacedEnd, replaced.end());
        }
    }

    //! Frees what no lookup reads; what one still reads is kept for the next scan.
    void reclaim()
    {
        Batch taken = take();
        const HazardScan scan; // after take(): it covers the whole batch
        settle(std::move(taken), scan);
    }

    //! At the bus's destruction: nothing can be read any more.
    void releaseAll() noexcept
    {
        for (Slot *table : tables)
            freeTable(table);
        for (quint32 i = 0; i < count; ++i)
            release(batch[i]);
        for (Tagged t : held)
            release(t);
    }
};

BusCore::Retired *BusCore::retired()
{
    return installOnce(m_retired, [] { return new Retired; }, [](Retired *r) { delete r; });
}

void BusCore::retireTable(Slot *table, quint32 capacity)
{
    Retired *list = retired();
    if (list->addTable(table, capacity))
        list->reclaim();
}

void BusCore::retireTopic(TopicCore *topic)
{
    Retired *list = retired();
    if (list->add(topic))
        list->reclaim();
}

BusCore *BusCore::create(qsizetype capacity, Factory factory)
{
    // malloc rather than operator new, whose wrapper is one more call on the path of every bus
    // built and dropped (destroy() pairs it with free).
    void *memory = std::malloc(sizeof(BusCore));
    Q_CHECK_PTR(memory);
    return new (memory) BusCore(capacity, factory);
}

BusCore::Shard *BusCore::makeShards() const
{
    // Each shard on its own cache line. An over-aligned operator new would leave the
    // allocator's fast path, so the block is aligned by hand, the address the allocator gave
    // kept just before the first shard.
    static_assert(std::is_trivially_destructible_v<Shard>);
    static_assert(sizeof(Shard) == 64, "a shard, its inline table included, is one cache line");
    constexpr std::size_t Line = alignof(Shard);
    void *block = ::operator new(sizeof(void *) + Line + sizeof(Shard) * m_shardCount);
    const auto first = (reinterpret_cast<std::uintptr_t>(block) + sizeof(void *) + Line - 1)
        & ~std::uintptr_t(Line - 1);
    auto *fresh = reinterpret_cast<Shard *>(first);
    reinterpret_cast<void **>(fresh)[-1] = block;
    for (quint32 s = 0; s < m_shardCount; ++s)
        new (&fresh[s]) Shard;
    return fresh;
}

BusCore::Shard *BusCore::allocateShards()
{
    // Another thread's first topic may get there first: its shards are kept.
    return installOnce(m_shards, [this] { return makeShards(); }, [this](Shard *lost) { freeShards(lost); });
}

TopicCore *BusCore::createFirst(const NameKey &key)
{
    // No watcher to announce to: watchList() makes the shards before the watch list, so this
    // compare-exchange fails once a watcher can exist, and the usual path announces.
    Shard *fresh = makeShards();
    TopicCore *topic = nullptr;
    try {
        topic = m_factory(key); // one reference: the table's
    } catch (...) {
        freeShards(fresh);
        throw;
    }
    topic->refUnshared(); // and one for the caller
    shardFor(fresh, key.hash()).insert(key.hash(), topic);
    Shard *none = nullptr;
    if (m_shards.compare_exchange_strong(none, fresh, std::memory_order_acq_rel, std::memory_order_acquire))
        return topic;
    // Another thread's first topic got there first; nobody saw ours.
    topic->deref(2 * TopicCore::OneRef);
    freeShards(fresh);
    return nullptr;
}

void BusCore::freeShards(Shard *shards) noexcept
{
    ::operator delete(reinterpret_cast<void **>(shards)[-1]);
}

BusCore::Slot *BusCore::allocateTable(quint32 capacity)
{
    // Slots and occupancy bits are plain data, cleared word by word (not calloc: see
    // wordloops_p.h).
    const std::size_t bytes = sizeof(Slot) * capacity + sizeof(quint64) * occupancyWords(capacity);
    static_assert(sizeof(Slot) % sizeof(quint64) == 0);
    void *table = std::malloc(bytes);
    Q_CHECK_PTR(table);
    zeroWords(static_cast<quint64 *>(table), bytes / sizeof(quint64));
    return static_cast<Slot *>(table);
}

void BusCore::freeTable(Slot *table) noexcept
{
    std::free(table);
}

void BusCore::destroy() noexcept
{
    // Nobody else can reach the table any more: close every topic (waking its subscribers),
    // then drop the table's references. A topic only the table refers to has nobody to see
    // it closed: it is simply freed.
    if (Shard *shards = m_shards.load(std::memory_order_acquire)) {
        for (quint32 s = 0; s < m_shardCount; ++s) {
            Slot *table = shards[s].entries();
            shards[s].forEachOccupied([table](quint32 i) {
                TopicCore *topic = table[i].topicLocked();
                if (topic->refCount() != 1)
                    topic->close();
                topic->deref();
            });
            if (!shards[s].isInline(table))
                freeTable(table);
        }
        freeShards(shards);
    }
    if (Retired *list = m_retired.load(std::memory_order_acquire)) {
        list->releaseAll();
        delete list;
    }
    if (TopicWatchList *watchers = m_watchList.load(std::memory_order_acquire)) {
        watchers->close();
        watchers->deref();
    }
    static_assert(alignof(BusCore) <= alignof(std::max_align_t));
    this->~BusCore();
    std::free(this);
}

template <typename F>
void BusCore::Shard::forEachOccupied(F &&f) const
{
    const quint64 *bits = occupancy();
    const std::size_t words = occupancyWords(capacity());
    for (std::size_t w = 0; w < words; ++w) {
        for (quint64 word = bits[w]; word; word &= word - 1)
            f(static_cast<quint32>(w * 64 + std::countr_zero(word)));
    }
}

qsizetype BusCore::Shard::indexOf(const NameKey &key, quint32 *vacant) const noexcept
{
    const Slot *table = entries();
    const quint64 hash = key.hash();
    const quint32 mask = this->mask();
    for (quint32 i = static_cast<quint32>(hash) & mask;; i = (i + 1) & mask) {
        const Slot &slot = table[i];
        TopicCore *topic = slot.topicLocked();
        if (!topic) {
            if (vacant)
                *vacant = i;
            return -1;
        }
        if (slot.hashLocked() == hash && topic->nameEquals(key))
            return i;
    }
}

BusCore::Shard::Probe BusCore::Shard::findLockFree(const NameKey &key) const noexcept
{
    ReaderSlots *mine = HazardGuard::readerSlots();
    HazardGuard tableGuard;
    HazardGuard topicGuard;
    if (Q_UNLIKELY(!mine || !tableGuard.acquire(mine) || !topicGuard.acquire(mine)))
        return {nullptr, false};
    // The mask first: the table loaded after it is at least that large (see slotMask).
    const quint32 mask = slotMask.load(std::memory_order_acquire);
    Slot *table = array.load(std::memory_order_acquire);
    while (!tableGuard.protect(table, array))
        table = array.load(std::memory_order_acquire);
    // The probe may see the table mid-edit (an entry moved back by an erase, a table still
    // filling): a miss is only a hint, which the caller checks under the lock. A hit is checked
    // here: the topic is still in its slot after its hazard is published, so a removal has not
    // yet let go of it, and its name is compared in memory that cannot be freed meanwhile.
    const quint64 hash = key.hash();
    quint32 i = static_cast<quint32>(hash) & mask;
    for (quint32 probes = 0; probes <= mask; ++probes, i = (i + 1) & mask) {
        const Slot &slot = table[i];
        const quintptr word = slot.word.load(std::memory_order_acquire);
        if (!word)
            return {nullptr, true};
        if (slot.hash.load(std::memory_order_relaxed) != hash)
            continue;
        if (Q_UNLIKELY(word & Slot::Marked))
            return {nullptr, false}; // cleanup is deciding on this topic: ask under the lock
        TopicCore *topic = Slot::topicOf(word);
        if (!topicGuard.protect(topic, slot.word, word))
            return {nullptr, false};
        if (topic->nameEquals(key))
            return {topic->tryRef() ? topic : nullptr, false};
    }
    return {nullptr, false};
}

qsizetype BusCore::Shard::indexOfMarked(quint64 hash, const TopicCore *topic, quint32 seen) const noexcept
{
    static_assert(alignof(TopicCore) > Slot::Marked, "the mark is a bit no topic address has");
    // The table is never full: the probe ends at an empty slot if the topic is gone.
    const Slot *table = entries();
    const quint32 mask = this->mask();
    const quintptr wanted = Slot::markedWord(topic);
    if (seen <= mask && table[seen].wordLocked() == wanted)
        return seen;
    for (quint32 i = static_cast<quint32>(hash) & mask;; i = (i + 1) & mask) {
        const quintptr word = table[i].wordLocked();
        if (word == wanted)
            return i;
        if (!word)
            return -1;
    }
}

void BusCore::Shard::insert(quint64 hash, TopicCore *topic) noexcept
{
    insertAt(vacantSlot(entries(), mask(), hash), hash, topic);
}

void BusCore::Shard::insertAt(quint32 index, quint64 hash, TopicCore *topic) noexcept
{
    Slot *table = entries();
    Q_ASSERT(!table[index].topicLocked());
    table[index].set(hash, topic);
    occupancy()[index / 64] |= quint64(1) << (index % 64);
    count.store(count.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    ++generation;
}

void BusCore::Shard::eraseAt(quint32 hole) noexcept
{
    // Backward-shift deletion for linear probing: pull later members of the cluster into the
    // hole unless they already sit at or after their home slot relative to it. The slot that
    // ends up empty is the last one moved from (or the hole itself): only its bit changes.
    Slot *table = entries();
    const quint32 mask = this->mask();
    for (quint32 j = (hole + 1) & mask; table[j].topicLocked(); j = (j + 1) & mask) {
        const quint32 home = static_cast<quint32>(table[j].hashLocked()) & mask;
        const bool stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
        if (!stays) {
            table[hole].set(table[j].hashLocked(), table[j].wordLocked()); // a mark moves along
            hole = j;
        }
    }
    table[hole].set(0, nullptr);
    occupancy()[hole / 64] &= ~(quint64(1) << (hole % 64));
    count.store(count.load(std::memory_order_relaxed) - 1, std::memory_order_relaxed);
    ++generation;
}

BusCore::Slot *BusCore::Shard::adopt(Slot *fresh, quint32 freshCapacity) noexcept
{
    // The fresh table is filled before it is published (a lookup reading it sees every entry),
    // and published before its mask (see slotMask). The old table is emptied as it is read: a
    // lookup still probing it must not find, and vouch for, a topic removed after this (the
    // topic may be freed while the old table waits for its own scan); it finds nothing and asks
    // again under the lock.
    Slot *old = entries();
    const quint64 *oldBits = occupancy();
    const quint32 oldCapacity = capacity();
    const quint32 freshMask = freshCapacity - 1;
    auto *freshBits = reinterpret_cast<quint64 *>(fresh + freshCapacity);
    for (std::size_t w = 0; w < occupancyWords(oldCapacity); ++w) {
        for (quint64 word = oldBits[w]; word; word &= word - 1) {
            Slot &slot = old[w * 64 + std::countr_zero(word)];
            const quint64 hash = slot.hashLocked();
            const quint32 i = vacantSlot(fresh, freshMask, hash);
            fresh[i].set(hash, slot.wordLocked()); // a mark moves along
            freshBits[i / 64] |= quint64(1) << (i % 64);
            slot.set(0, nullptr);
        }
    }
    array.store(fresh, std::memory_order_release);
    slotMask.store(freshMask, std::memory_order_release);
    ++generation;
    if (isInline(old)) {
        inlineOccupancy = 0;
        return nullptr;
    }
    return old;
}

TopicCore *BusCore::obtain(QAnyStringView name)
{
    // The usual case, a topic that exists, in a small frame; the rest in obtainSlowly().
    const NameKey key(name);
    bool absent = true; // an empty shard surely lacks the name: create at once
    if (Q_LIKELY(!key.isEmpty())) {
        if (Shard *shards = this->shards()) {
            Shard &shard = shardFor(shards, key.hash());
            if (shard.count.load(std::memory_order_relaxed) != 0) {
                const Shard::Probe probe = shard.findLockFree(key);
                if (probe.topic)
                    return probe.topic;
                absent = probe.absent;
            }
        }
    }
    return obtainSlowly(key, absent);
}

TopicCore *BusCore::obtainSlowly(const NameKey &key, bool likelyAbsent)
{
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
    Shard *shards = m_shards.load(std::memory_order_acquire);
    if (Q_UNLIKELY(!shards)) {
        // The bus's first topic goes into its shard before the shards are published: no lock.
        if (TopicCore *first = createFirst(key))
            return first;
        shards = shardsForInsert();
    }
    Shard &shard = shardFor(shards, key.hash());

    // What a creation needs is allocated outside the lock: the topic, and a table when the
    // shard has none or must grow. If another thread creates the same name meanwhile, its
    // topic wins and ours is discarded, so every caller gets the one topic.
    TopicCore *fresh = nullptr;
    Slot *freshSlots = nullptr;
    quint32 freshCapacity = 0;
    const auto prepare = [&](quint32 seenCapacity, bool grow) {
        if (!fresh) {
            fresh = m_factory(key); // one reference: the table's
            fresh->refUnshared();   // and one for the caller
        }
        if (grow) {
            // The first allocated table is sized by the capacity hint; small tables grow
            // fourfold, so a bus filling up from empty rehashes only a few times.
            freeTable(freshSlots);
            freshCapacity = std::max(m_initialSlots, seenCapacity * (seenCapacity < 1024 ? 4 : 2));
            freshSlots = allocateTable(freshCapacity);
        }
    };
    // When obtain()'s probe ended at an empty slot (or the shard was empty) the name is almost
    // surely absent: the topic, and a larger table if the shard looks full, are made before the
    // first lock, so a creation takes the lock once. A probe that gave up for another reason (a
    // topic cleanup is deciding on, a table changing, an exiting thread) likely finds the topic
    // under the lock, and allocates nothing.
    if (likelyAbsent)
        prepare(shard.capacity(), shard.needsGrowth());

    shard.lock.lock();
    quint32 vacant = 0;
    qsizetype index = shard.indexOf(key, &vacant);
    for (;;) {
        if (index >= 0) {
            TopicCore *topic = shard.entries()[index].topicLocked();
            topic->ref();
            shard.lock.unlock();
            freeTable(freshSlots);
            if (fresh)
                fresh->deref(2 * TopicCore::OneRef);
            return topic;
        }
        const bool grow = shard.needsGrowth();
        if (fresh && (!grow || freshCapacity > shard.capacity()))
            break;
        // Something is missing: allocate it unlocked, then look again (unless nothing changed
        // since this probe, in which case the name is still absent and its slot still free).
        const quint32 seenCapacity = shard.capacity();
        const quint32 seenGeneration = shard.generation;
        shard.lock.unlock();
        prepare(seenCapacity, grow);
        shard.lock.lock();
        if (shard.generation != seenGeneration || shard.capacity() != seenCapacity)
            index = shard.indexOf(key, &vacant);
    }
    Slot *unusedSlots = freshSlots; // unless the table grows into it
    Slot *replaced = nullptr;
    const quint32 replacedCapacity = shard.capacity();
    if (shard.needsGrowth()) {
        replaced = shard.adopt(freshSlots, freshCapacity);
        unusedSlots = nullptr;
        shard.insert(key.hash(), fresh);
    } else {
        shard.insertAt(vacant, key.hash(), fresh);
    }
    std::unique_lock<std::mutex> announcing = lockForAnnouncing();
    shard.lock.unlock();
    freeTable(unusedSlots);
    if (replaced)
        retireTable(replaced, replacedCapacity);
    if (announcing)
        announce(std::move(announcing), {&fresh, 1}, true);
    return fresh;
}

TopicCore *BusCore::find(QAnyStringView name) const
{
    const NameKey key(name);
    Shard *shards = this->shards();
    if (key.isEmpty() || !shards)
        return nullptr;
    Shard &shard = shardFor(shards, key.hash());
    if (TopicCore *topic = shard.findLockFree(key).topic)
        return topic;
    SpinLocker locker(shard.lock);
    const qsizetype index = shard.indexOf(key);
    if (index < 0)
        return nullptr;
    TopicCore *topic = shard.entries()[index].topicLocked();
    topic->ref();
    return topic;
}

qsizetype BusCore::remove(QAnyStringView name)
{
    const NameKey key(name);
    Shard *shards = this->shards();
    if (key.isEmpty() || !shards)
        return -1;
    Shard &shard = shardFor(shards, key.hash());
    shard.lock.lock();
    const qsizetype index = shard.indexOf(key);
    if (index < 0) {
        shard.lock.unlock();
        return -1;
    }
    TopicCore *topic = shard.entries()[index].topicLocked();
    shard.eraseAt(static_cast<quint32>(index));
    // Closed in the same critical section that removes it: once the name can resolve to a new
    // topic, the old one accepts no publish.
    bool mustWake = false;
    topic->markClosed(&mustWake);
    std::unique_lock<std::mutex> announcing = lockForAnnouncing();
    shard.lock.unlock();
    if (announcing)
        announce(std::move(announcing), {&topic, 1}, false);
    const qsizetype subscribers = topic->subscriberCount();
    if (mustWake)
        topic->wakeAfterClose();
    // A lookup of another thread may have found it just before the erase: it waits for a scan,
    // unless no other thread can be looking up.
    if (unreadByOthers(topic))
        topic->deref();
    else
        retireTopic(topic);
    return subscribers;
}

// Cleanup decides without a read-modify-write per topic. A lock-free lookup takes its reference
// with a compare-exchange after it published a hazard on the topic and saw it still in its slot;
// taking the table's reference away with a compare-exchange of our own would cost one per
// topic. Instead, cleanup marks the slots of the unused topics (first visit, under the shard
// lock), runs one hazard scan for all of them (whose barrier makes the marks visible to every
// reader), and removes a marked topic that is still unused and that no reader holds a hazard on
// (second visit, under the lock). A lookup that published its hazard before the barrier is seen
// by the scan, or, if it has let go of its hazard by then, its reference shows in the count the
// second visit reads; one that published it after re-checks the slot after the barrier, finds
// the mark and asks under the lock, where it finds the topic and takes a reference that the
// second visit sees. So a removed topic is unreachable and is freed at once. A topic some reader
// holds a hazard on is released with a compare-exchange instead, and freed after a later scan.
// One cleanup marks at a time per bus (Retired::cleaning), so every mark belongs to the running
// call, which resolves each before it lets go of the mutex. Room for what a round collects
// under the shard locks is made before its marks are set, and user code (destructors of values,
// watchers woken) runs after the mutex is released.
qsizetype BusCore::cleanupUnused()
{
    Shard *shards = this->shards();
    if (!shards)
        return 0; // never held a topic: nothing removed, nothing retired
    Retired *list = retired();
    Cleanup work;
    Retired::Batch pending;
    std::optional<HazardScan> scan;
    // With the mutex released: free what was removed and what waits for a scan (what a lookup
    // was reading when it was released needs a scan made after that), then wake the watchers
    // (the one step that may throw).
    const auto finish = [&] {
        for (TopicCore *topic : work.unreachable)
            topic->destroyUnreferenced();
        Retired::Batch released;
        released.topics = std::move(work.freeAfterScan);
        if (!released.empty())
            scan.reset();
        if (!pending.empty() || !released.empty()) {
            if (!scan)
                scan.emplace();
            list->settle(std::move(pending), *scan);
            list->settle(std::move(released), *scan);
        }
        TopicWatchList::wake(work.toWake);
    };
    qsizetype removed = 0;
    try {
        const std::lock_guard<std::mutex> cleaning(list->cleaning);
        // What earlier removals left waits for a scan: the scans below are made after this and
        // cover it too.
        if (list->pending())
            pending = list->take();
        for (quint32 next = 0; next < m_shardCount;) {
            next = markUnused(shards, next, work.marked);
            if (!work.marked.empty()) {
                scan.emplace();
                removed += removeMarked(shards, *scan, work);
                work.marked.clear();
            }
            // Out of room (at first there is none): every mark is decided, make room, go on.
            if (next < m_shardCount)
                work.makeRoom(std::min<std::size_t>(CleanupBatch, std::max<qsizetype>(topicCount(), 1)));
        }
    } catch (...) {
        // Out of memory (every mark is decided, or taken back, by then): finish what was done.
        finish();
        throw;
    }
    finish();
    return removed;
}

void BusCore::Cleanup::makeRoom(std::size_t room)
{
    marked.reserve(room);
    room = marked.capacity(); // what one round may mark
    removedHere.reserve(room);
    unreachable.reserve(unreachable.size() + room);
    freeAfterScan.reserve(freeAfterScan.size() + room);
}

quint32 BusCore::markUnused(Shard *shards, quint32 first, std::vector<Entry> &marked)
{
    // No allocation under the lock: marks only go where marked has room. A shard whose unused
    // topics do not fit (all of them, before any room is made) is visited again after room is
    // made (by then what this round marked is decided).
    for (quint32 s = first; s < m_shardCount; ++s) {
        Shard &shard = shards[s];
        if (shard.count.load(std::memory_order_relaxed) == 0)
            continue;
        bool full = false;
        {
            const SpinLocker locker(shard.lock);
            // Touches only occupied slots; a shard where every topic is in use gets no write.
            Slot *table = shard.entries();
            shard.forEachOccupied([&](quint32 i) {
                TopicCore *topic = table[i].topicLocked();
                if (!topic->onlyTableRefers())
                    return;
                if (marked.size() == marked.capacity()) {
                    full = true;
                    return;
                }
                table[i].mark();
                marked.push_back(Entry{table[i].hashLocked(), topic, i});
            });
        }
        if (full)
            return s;
    }
    return m_shardCount;
}

qsizetype BusCore::removeMarked(Shard *shards, const HazardScan &scan, Cleanup &work)
{
    // marked lists each shard's topics together, in shard order; the vectors have room for all.
    const std::vector<Entry> &marked = work.marked;
    qsizetype removed = 0;
    for (std::size_t k = 0; k < marked.size();) {
        Shard &shard = shardFor(shards, marked[k].hash);
        // The topics were last read before the scan: ask for their cache lines before the lock
        // (the decision reads each one's count). The address only: one may be gone already.
        const std::size_t first = k;
        for (; k < marked.size() && &shardFor(shards, marked[k].hash) == &shard; ++k)
            prefetchLines(marked[k].topic);
        work.removedHere.clear();
        shard.lock.lock();
        // Last slot first: an erase moves only entries after its hole, which are decided by then,
        // so the others are still where the first visit saw them (unless a cluster wraps around
        // the table's end, or the table changed between the visits: then they are looked for).
        for (std::size_t j = k; j-- > first;) {
            const auto [hash, topic, seen] = marked[j];
            const qsizetype index = shard.indexOfMarked(hash, topic, seen);
            if (index < 0)
                continue; // removed meanwhile: the removal owns it now
            const bool unused = topic->onlyTableRefers();
            if (unused && !scan.protects(topic)) {
                work.unreachable.push_back(topic);
            } else if (unused && topic->releaseIfOnlyTable()) {
                // A lookup may still be reading it (and will fail to take a reference).
                work.freeAfterScan.push_back(Retired::tag(topic, true));
            } else {
                shard.entries()[index].unmark(); // in use after all
                continue;
            }
            shard.eraseAt(static_cast<quint32>(index));
            work.removedHere.push_back(topic);
        }
        std::unique_lock<std::mutex> announcing =
            work.removedHere.empty() ? std::unique_lock<std::mutex>() : lockForAnnouncing();
        shard.lock.unlock();
        if (announcing) {
            try {
                announce(std::move(announcing), work.removedHere, false, &work.toWake);
            } catch (...) {
                // Out of memory: the marks not yet decided are taken back (the topics stay).
                for (std::size_t j = k; j < marked.size(); ++j) {
                    Shard &other = shardFor(shards, marked[j].hash);
                    const SpinLocker locker(other.lock);
                    if (const qsizetype index = other.indexOfMarked(marked[j].hash, marked[j].topic, marked[j].index);
                        index >= 0)
                        other.entries()[index].unmark();
                }
                throw;
            }
        }
        removed += static_cast<qsizetype>(work.removedHere.size());
    }
    return removed;
}

qsizetype BusCore::topicCount() const noexcept
{
    qsizetype total = 0;
    const Shard *shards = this->shards();
    for (quint32 s = 0; shards && s < m_shardCount; ++s)
        total += shards[s].count.load(std::memory_order_relaxed);
    return total;
}

QStringList BusCore::topicNames() const
{
    // Pin the topics under each shard's lock, build the strings after releasing it.
    std::vector<TopicCore *> pinned;
    pinned.reserve(static_cast<std::size_t>(topicCount()));
    Shard *shards = this->shards();
    for (quint32 s = 0; shards && s < m_shardCount; ++s) {
        Shard &shard = shards[s];
        SpinLocker locker(shard.lock);
        const Slot *table = shard.entries();
        shard.forEachOccupied([&](quint32 i) {
            TopicCore *topic = table[i].topicLocked();
            topic->ref();
            pinned.push_back(topic);
        });
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
    // The shards first: a bus's first topic skips the shard lock only while the bus has no
    // shards (createFirst()), so once a watcher can exist every creation takes a shard's lock,
    // where it is announced. A watcher that then lists the topics (watch, then list) sees the
    // shards, and with them a topic createFirst() published.
    shardsForInsert();
    return installOnce(m_watchList, [] { return new TopicWatchList; },
                       [](TopicWatchList *list) { list->deref(); });
}

std::unique_lock<std::mutex> BusCore::lockForAnnouncing()
{
    TopicWatchList *watchers = m_watchList.load(std::memory_order_acquire);
    return watchers ? watchers->lockForAnnouncing() : std::unique_lock<std::mutex>();
}

void BusCore::announce(std::unique_lock<std::mutex> announcing, std::span<TopicCore *const> topics,
                       bool created, std::vector<TopicWatchConnection *> *wakeLater)
{
    // The shard lock is released; the watch list's lock, taken before that, keeps each name's
    // events in the order its table changes happened.
    TopicWatchList *watchers = m_watchList.load(std::memory_order_acquire);
    std::vector<TopicWatchConnection *> flagged;
    for (TopicCore *topic : topics)
        watchers->queue(topic->name(), created, wakeLater ? wakeLater : &flagged);
    announcing.unlock();
    TopicWatchList::wake(flagged);
}

} // namespace DropSlot::detail
