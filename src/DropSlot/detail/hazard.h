// SPDX-License-Identifier: MIT
// Hazard pointers whose readers write only their own thread's slot and need no fence.
//
// Why: a read that takes a lock or a reference count writes the topic's cache line, and readers
// on many cores then bounce it between them; on x86 every such write is an atomic
// read-modify-write (7-8 ns each on our benchmark machine). A reader here announces the node it
// reads with a plain store into a slot that only its thread writes, re-checks that the node is
// still current, and reads it. The classic hazard pointer puts a full fence between that store
// and the re-check; we move that fence to the reclaiming side instead: before it looks at the
// slots, a reclaimer runs membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED), which executes a full
// barrier on every CPU running a thread of this process. Reclaimers are rare (one per batch of
// replaced values), readers are not.
//
// Why it is safe (N is a node that was current and has been replaced; R a reader; C the thread
// that reclaims N, after N's replacement happened-before C detached N):
//   R: slot = N; (compiler barrier) ; if (current == N) read N ... ; slot = nullptr (release)
//   C: heavy barrier ; for each slot: load (acquire) ; free N only if no slot holds N
// The heavy barrier executes a full fence in R at some point of R's program. If R's store of N
// precedes that point, C's later load of the slot sees N (or a later store of R, made after R
// finished with N, which R's release ordering then makes happen-before the free). If it follows
// that point, so does R's re-check, which then runs after N's replacement became visible to
// every CPU and fails: R never touches N. Where membarrier is not available (old kernels,
// seccomp), readers put a seq_cst fence between the store and the re-check and the reclaimer
// uses one too: the textbook form, slower for readers, equally correct.
// A reclaimer that is the only thread holding a slot record skips the barrier: no other thread
// can have a hazard store in flight, and one that registers after the reclaimer looked cannot
// reach what was replaced (a seq_cst fence on each side; see othersRegistered() in hazard.cpp).
//
// ThreadSanitizer does not model the barrier, and needs not: in every execution it observes,
// a node is freed only after the reclaimer read a slot value that the reader released after its
// last access, so the happens-before edge it checks is there. A reclaimer that frees at once
// because it reads alone has acquired every other record's inUse flag as false: a thread that
// read the node gave its record back (a release) after its last access, and one that registers
// later never reaches the node.
#pragma once

#include <DropSlot/dropslot_export.h>

#include <QtCore/QtGlobal>

#include <atomic>
#include <vector>

namespace DropSlot::detail {

//! One reading thread's hazard slots: one per nesting level (a latestWith() functor that reads
//! another topic takes the next free one). Only the owning thread writes them; a reclaimer reads
//! them. Aligned to a cache line so that two readers never share one.
struct alignas(64) ReaderSlots
{
    static constexpr int Depth = 4;
    std::atomic<const void *> hazard[Depth] = {};
    bool fence = false;         // no membarrier: readers fence (read-only after registration)
    std::atomic<bool> inUse{false};
    ReaderSlots *next = nullptr; // registry chain; records are recycled, never freed
    // Topics created less topics destroyed by the threads that held this record: written only
    // by the owning thread (a load and a store, no read-modify-write); see TopicCore::liveCount().
    std::atomic<qint64> topicBalance{0};
};

//! The calling thread's slots, or nullptr before its first lock-free read or its first topic
//! created or destroyed.
extern DROPSLOT_EXPORT thread_local constinit ReaderSlots *t_readerSlots;

//! Registers the calling thread (a reader, or a thread counting its topics) and returns its
//! slots (stored in t_readerSlots); nullptr once the thread is exiting (it then reads under the
//! topic's lock, and counts topics in a process-wide atomic).
DROPSLOT_EXPORT ReaderSlots *registerReaderThread() noexcept;

//! The sum of every record's topicBalance (exact when no thread is creating or destroying one).
DROPSLOT_EXPORT qint64 topicBalanceOfAllThreads() noexcept;

//! True when the calling thread is the only one holding a slot record and holds no hazard on
//! node: a node replaced before the call may then be reused at once, with no scan.
bool unreadByOthers(const void *node) noexcept;

//! The hazards of every thread, snapshotted after the heavy barrier (or, when the scanning
//! thread is the only one holding a record, its own hazards with no barrier): a node not among
//! them, replaced before the snapshot, is read by nobody and may be reused.
class DROPSLOT_EXPORT HazardScan
{
public:
    HazardScan() noexcept;
    bool protects(const void *node) const noexcept;

private:
    std::vector<const void *> m_hazards;
    bool m_everything = false;
};

//! Holds one hazard slot of the calling thread for the duration of a read.
class HazardGuard
{
public:
    //! The calling thread's slots (registering it first), or nullptr once it is exiting.
    static ReaderSlots *readerSlots() noexcept
    {
        ReaderSlots *mine = t_readerSlots;
        return Q_LIKELY(mine) ? mine : registerReaderThread();
    }

    //! False if no slot is free (nested too deep, or the thread is exiting): read under the lock.
    bool acquire() noexcept
    {
        ReaderSlots *mine = readerSlots();
        return mine && acquire(mine);
    }

    //! acquire() for a reader that protects a node before it takes any other slot: the slot
    //! stays empty until protect() (a store less per read). A slot taken this way and never
    //! protected may be taken again by a nested read, which leaves it empty when it is done.
    bool acquireUnmarked() noexcept
    {
        ReaderSlots *mine = readerSlots();
        if (Q_UNLIKELY(!mine))
            return false;
        for (std::atomic<const void *> &slot : mine->hazard) {
            if (Q_LIKELY(!slot.load(std::memory_order_relaxed))) {
                m_slot = &slot;
                m_fence = mine->fence;
                return true;
            }
        }
        return false;
    }

    //! acquire() with the thread's slots already at hand (a reader that needs two).
    bool acquire(ReaderSlots *mine) noexcept
    {
        // The first empty slot is free: a guard marks its slot taken at once. No count of slots
        // in use: a counter kept in memory would chain each read to the one before it through a
        // store and a reload (two store-to-load forwards per read); an empty slot only steers a
        // predicted branch.
        for (std::atomic<const void *> &slot : mine->hazard) {
            if (Q_LIKELY(!slot.load(std::memory_order_relaxed))) {
                // Release: a scan that reads Taken also sees what this thread did before (a
                // reference it took under its previous hazard, say).
                slot.store(Taken, std::memory_order_release);
                m_slot = &slot;
                m_fence = mine->fence;
                return true;
            }
        }
        return false;
    }

    //! Publishes node as read and returns whether it is still what current holds; on false the
    //! caller loads current again and retries.
    template <typename Node>
    bool protect(Node *node, const std::atomic<Node *> &current) noexcept
    {
        return protect(node, current, node);
    }

    //! As above, for a current that holds a word (a tagged address): node is protected if
    //! current still holds expected.
    template <typename Word>
    bool protect(const void *node, const std::atomic<Word> &current, Word expected) noexcept
    {
        m_slot->store(node, std::memory_order_release);
        if (Q_UNLIKELY(m_fence))
            std::atomic_thread_fence(std::memory_order_seq_cst);
        else
            std::atomic_signal_fence(std::memory_order_seq_cst); // the compiler keeps the order
        return current.load(std::memory_order_acquire) == expected;
    }

    //! Publishes node as read where nothing can replace it meanwhile (its owner's lock is held).
    void hold(const void *node) noexcept { m_slot->store(node, std::memory_order_release); }

    //! Whether acquire() took a slot.
    bool held() const noexcept { return m_slot != nullptr; }

    ~HazardGuard()
    {
        if (m_slot)
            m_slot->store(nullptr, std::memory_order_release);
    }

    HazardGuard() noexcept = default;
    HazardGuard(const HazardGuard &) = delete; // owns a slot until it is destroyed
    HazardGuard &operator=(const HazardGuard &) = delete;

private:
    //! What a taken slot holds until the first protect(): no node has this address.
    static inline const char TakenMark = 0;
    static constexpr const void *Taken = &TakenMark;

    std::atomic<const void *> *m_slot = nullptr;
    bool m_fence = false;
};

} // namespace DropSlot::detail
