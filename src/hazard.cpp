// SPDX-License-Identifier: MIT
// The registry of reading threads and the reclaimer's side of hazard.h: the heavy barrier and
// the snapshot of every thread's hazards.
#include <DropSlot/detail/hazard.h>

#include <mutex>

#if defined(__linux__)
#include <linux/membarrier.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace DropSlot::detail {

thread_local constinit ReaderSlots *t_readerSlots = nullptr;

namespace {

// Every record ever registered, linked through next; a record whose thread ended is marked
// free and taken by the next thread that registers, so the chain is as long as the largest
// number of threads alive at once that read lock-free or created or destroyed a topic.
std::atomic<ReaderSlots *> s_readers{nullptr};
std::mutex s_registerMutex;

#if defined(__linux__)
long membarrierCall(int command)
{
    return syscall(__NR_membarrier, command, 0, 0);
}
#endif

//! Whether the expedited private membarrier works here; registers the process for it once.
bool asymmetricBarrierAvailable()
{
    static const bool available = [] {
#if defined(__linux__) && defined(__NR_membarrier)
        const long commands = membarrierCall(MEMBARRIER_CMD_QUERY);
        if (commands < 0 || !(commands & MEMBARRIER_CMD_PRIVATE_EXPEDITED))
            return false;
        return membarrierCall(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED) == 0;
#else
        return false;
#endif
    }();
    return available;
}

//! Whether a thread other than the caller holds a record: only such a thread can have a hazard
//! store still on its way, which the heavy barrier must make visible. With the caller alone, its
//! own slots are exact (program order) and a thread that registers later cannot reach what the
//! caller replaced: the fence here and the one at the end of registerReaderThread() order the
//! replacement before the record's load or the registration before the newcomer's first load of
//! the replaced pointer (the store-buffering pattern, with a seq_cst fence on either side).
bool othersRegistered(const ReaderSlots *mine)
{
    std::atomic_thread_fence(std::memory_order_seq_cst);
    for (ReaderSlots *r = s_readers.load(std::memory_order_acquire); r; r = r->next) {
        // Acquire: a record given back by an ended thread carries that thread's reads with it.
        if (r != mine && r->inUse.load(std::memory_order_acquire))
            return true;
    }
    return false;
}

//! False if the barrier that readers rely on could not be made: then nothing may be reclaimed.
bool heavyBarrier()
{
    if (asymmetricBarrierAvailable()) {
#if defined(__linux__) && defined(__NR_membarrier)
        return membarrierCall(MEMBARRIER_CMD_PRIVATE_EXPEDITED) == 0;
#endif
    }
    // Readers fence too (ReaderSlots::fence): the symmetric form.
    std::atomic_thread_fence(std::memory_order_seq_cst);
    return true;
}

thread_local constinit bool t_exited = false;

//! Gives the thread's record back when the thread ends; later reads of that thread (from
//! other thread_local destructors) go under the topic lock.
struct ThreadExit
{
    ReaderSlots *mine = nullptr;
    ~ThreadExit()
    {
        t_exited = true;
        t_readerSlots = nullptr;
        if (mine)
            mine->inUse.store(false, std::memory_order_release);
    }
};
thread_local ThreadExit t_exit;

} // namespace

ReaderSlots *registerReaderThread() noexcept
{
    if (t_exited)
        return nullptr;
    const bool fence = !asymmetricBarrierAvailable();
    ReaderSlots *mine = nullptr;
    for (ReaderSlots *r = s_readers.load(std::memory_order_acquire); r; r = r->next) {
        bool expected = false;
        if (!r->inUse.load(std::memory_order_relaxed)
            && r->inUse.compare_exchange_strong(expected, true, std::memory_order_acquire)) {
            mine = r;
            break;
        }
    }
    if (!mine) {
        mine = new (std::nothrow) ReaderSlots;
        if (!mine)
            return nullptr;
        mine->inUse.store(true, std::memory_order_relaxed);
        std::lock_guard<std::mutex> locker(s_registerMutex);
        mine->next = s_readers.load(std::memory_order_relaxed);
        s_readers.store(mine, std::memory_order_release);
    }
    mine->fence = fence;
    t_exit.mine = mine;
    t_readerSlots = mine;
    // Pairs with othersRegistered(): a scan that did not see this record has its replacements
    // seen by every load this thread makes from here on.
    std::atomic_thread_fence(std::memory_order_seq_cst);
    return mine;
}

qint64 topicBalanceOfAllThreads() noexcept
{
    qint64 sum = 0;
    for (ReaderSlots *r = s_readers.load(std::memory_order_acquire); r; r = r->next)
        sum += r->topicBalance.load(std::memory_order_relaxed);
    return sum;
}

bool unreadByOthers(const void *node) noexcept
{
    const ReaderSlots *mine = t_readerSlots;
    if (othersRegistered(mine))
        return false;
    if (mine) {
        for (const auto &slot : mine->hazard) {
            if (slot.load(std::memory_order_relaxed) == node)
                return false;
        }
    }
    return true;
}

HazardScan::HazardScan() noexcept
{
    // A thread that reads alone (one that publishes and reads its own topics, or removes topics
    // it looked up) skips the barrier, a system call that costs about a microsecond.
    const ReaderSlots *mine = t_readerSlots;
    const bool alone = !othersRegistered(mine);
    if (!alone && !heavyBarrier()) {
        m_everything = true; // readers may not be seen: keep every node for a later scan
        return;
    }
    try {
        for (ReaderSlots *r = s_readers.load(std::memory_order_acquire); r; r = r->next) {
            if (alone && r != mine)
                continue; // not in use: its slots are empty
            for (const auto &slot : r->hazard) {
                if (const void *node = slot.load(std::memory_order_acquire))
                    m_hazards.push_back(node);
            }
        }
    } catch (...) {
        m_everything = true; // out of memory: keep every node for a later scan
    }
}

bool HazardScan::protects(const void *node) const noexcept
{
    if (m_everything)
        return true;
    for (const void *hazard : m_hazards) {
        if (hazard == node)
            return true;
    }
    return false;
}

} // namespace DropSlot::detail
