// SPDX-License-Identifier: MIT
// A topic's value for types that cannot be copied as bytes (QByteArray, QString, QVariant,
// containers): a node that readers read in place, without a lock or a reference count.
//
// While nobody reads lock-free, a publish swaps the new value into the one node, exactly as a
// locked cell would: a topic that is only published to and delivered (connections, waits) pays
// nothing for lock-free readers it does not have. A lock-free read switches the topic, under its
// lock, to replacing nodes: a publish moves the value into a spare node, makes it current, and
// retires the old one; the old value stays readable until a hazard scan (hazard.h) proves that
// no reader holds it. Retired nodes are scanned in batches, so the heavy barrier of the scan is
// paid once per RetireBatch publishes. Memory stays bounded: a topic holds at most RetireBatch
// retired values plus the few that readers hold at the moment of a scan, and nodes are
// recycled, never freed before the topic.
//
// Lock-free reads switch off again at each batch: the publish that detaches one makes its new
// node current with the shared bit cleared, so later publishes swap in place until a lock-free
// read turns replacing back on under the lock. If the batch's scan finds a reader still in one
// of its nodes, replacing goes back on at once (readers are busy, and the nodes they hold are
// scanned again with a later batch). A topic read now and then but published often (the
// latest-only case) so pays for replacing nodes only between a read and the next batch. A read
// that finds replacing off turns it on only if reads come often: if fewer than RetireBatch
// versions passed since replacing went off, or since the previous read that found it off. A
// rarer reader copies the value under the lock instead (the lock that turning replacing on
// takes too), and the publishes after it keep swapping in place, with no batch to scan for that
// one read.
// Why in-place swaps stay safe: the bit is cleared only together with installing a new node,
// which no reader can have validated (a reader's re-check of its node requires the bit), and
// once set on a node it stays set until that node is replaced. So a value is swapped in place
// only before any lock-free reader can reach it, and the reader that sets the bit (under the
// lock, or by acquiring it) sees those swaps.
#pragma once

#include <DropSlot/detail/hazard.h>

#include <QtCore/QtGlobal>

#include <atomic>
#include <new>
#include <optional>
#include <type_traits>
#include <utility>

namespace DropSlot::detail {

template <typename T>
class NodeCell
{
public:
    //! Retired values per scan: the scan's barrier (0.1 to 0.5 µs) spread over this many
    //! publishes, and the most replaced values a topic keeps alive.
    static constexpr quint32 RetireBatch = 64;

    struct Node
    {
        Node() noexcept { }
        ~Node()
        {
            if (stamp)
                value.~T();
        }
        Node(const Node &) = delete; // owned by one cell, linked by address
        Node &operator=(const Node &) = delete;

        union {
            T value; // constructed while stamp is not 0
        };
        quint64 stamp = 0; // the topic's stamp when value was published; 0: no value
        Node *next = nullptr;
    };

    //! Nodes that a publish detached for a hazard scan; reclaim() takes them after the lock.
    struct Retired
    {
        Node *head = nullptr;
    };

    NodeCell() noexcept { m_spare = &m_first; }
    NodeCell(const NodeCell &) = delete; // owns its nodes
    NodeCell &operator=(const NodeCell &) = delete;
    ~NodeCell()
    {
        // Readers hold the topic alive while they read, so no hazard can name these nodes.
        deleteNode(nodeOf(m_current.load(std::memory_order_relaxed)));
        deleteList(m_retired);
        deleteList(m_spare);
    }

    //! Called with the topic lock held. Stores incoming as the value with stamp; incoming is
    //! left holding what the caller destroys after the lock (the previous value, or a moved-from
    //! one). Returns false when a node is needed and fresh is null: the caller allocates one
    //! with newNode() outside the lock and calls again. Detaches a batch of retired nodes into
    //! *retired when one is due.
    bool storeLocked(T &incoming, quint64 stamp, Node *&fresh, Retired *retired)
    {
        const quintptr word = m_current.load(std::memory_order_relaxed);
        Node *current = nodeOf(word);
        const bool shared = word & SharedBit;
        if (current && !shared) {
            // Lock-free reads are off (none yet, or none since the last batch): swap in place,
            // as a lock-guarded value would.
            using std::swap;
            swap(current->value, incoming);
            current->stamp = stamp;
            return true;
        }
        Node *node = m_spare;
        if (node) {
            m_spare = node->next;
        } else if (fresh) {
            node = std::exchange(fresh, nullptr);
        } else {
            return false;
        }
        try {
            new (&node->value) T(std::move(incoming));
        } catch (...) {
            node->next = m_spare; // T's move threw: the node goes back, nothing changed
            m_spare = node;
            throw;
        }
        node->stamp = stamp;
        node->next = nullptr;
        bool detach = false;
        if (current) {
            current->next = m_retired;
            m_retired = current;
            detach = ++m_retiredCount >= RetireBatch;
        }
        // Detaching a batch switches lock-free reads off (the only place the bit is cleared,
        // and always with a new node) until a reader (protectLocked()) or the batch's scan
        // (spliceLocked()) turns them back on.
        m_current.store(addressOf(node) | (shared && !detach ? SharedBit : 0), std::memory_order_release);
        if (detach) {
            retired->head = std::exchange(m_retired, nullptr);
            m_retiredCount = 0;
            m_offStamp = stamp; // reads that come soon after turn replacing back on
        }
        return true;
    }

    static Node *newNode() { return new Node; }

    //! With no lock held: the hazard scan of a detached batch. Destroys the values nobody
    //! reads; returns the batch split into reusable nodes (*spare) and nodes still read
    //! (returned), for spliceLocked().
    static Node *reclaim(Retired retired, Node **spare) noexcept
    {
        const HazardScan scan;
        Node *kept = nullptr;
        *spare = nullptr;
        for (Node *node = retired.head; node;) {
            Node *next = node->next;
            if (scan.protects(node)) {
                node->next = kept;
                kept = node;
            } else {
                destroyValue(node);
                node->next = *spare;
                *spare = node;
            }
            node = next;
        }
        return kept;
    }

    //! Called with the topic lock held: puts the result of reclaim() back. Nodes still read
    //! turn lock-free reads back on: readers are busy, and replacing retires nodes again, so
    //! the kept ones are scanned with a later batch instead of waiting for the next read.
    void spliceLocked(Node *spare, Node *kept) noexcept
    {
        if (kept)
            shareLocked();
        while (spare) {
            Node *next = spare->next;
            spare->next = m_spare;
            m_spare = spare;
            spare = next;
        }
        while (kept) {
            Node *next = kept->next;
            kept->next = m_retired;
            m_retired = kept;
            ++m_retiredCount; // scanned again with the next batch
            kept = next;
        }
    }

    //! Called with the topic lock held: a copy of the value, if any.
    std::optional<T> copyLocked() const
    {
        if (Node *node = nodeOf(m_current.load(std::memory_order_relaxed)))
            return node->value;
        return std::nullopt;
    }

    //! A lock-free read: the current word with the current node protected by guard (which
    //! holds a slot); nodeOf() it is nullptr before the first publish. 0 when lock-free reads
    //! are off: the reader calls protectLocked() instead. Acquire: a reader that sees the
    //! shared bit also sees every in-place swap made before it was set.
    quintptr protect(HazardGuard &guard) const noexcept
    {
        quintptr word = m_current.load(std::memory_order_acquire);
        while (word & SharedBit) {
            Node *node = nodeOf(word);
            if (!node || guard.protect(node, m_current, word))
                return word;
            word = m_current.load(std::memory_order_acquire);
        }
        return 0;
    }

    //! Called with the topic lock held by a reader that found lock-free reads off, with the
    //! topic's stamp: whether reads come often enough to turn them on (replacing went off, or
    //! the previous such read came, less than RetireBatch versions ago). Otherwise the reader
    //! copies.
    bool readsComeOftenLocked(quint64 stamp) const noexcept
    {
        if (m_current.load(std::memory_order_relaxed) & SharedBit)
            return true; // another reader turned them on meanwhile
        return versionOf(stamp) - versionOf(std::exchange(m_offStamp, stamp)) < RetireBatch;
    }

    //! Called with the topic lock held: switches lock-free reads on and protects the current
    //! node (nullptr before the first publish) with guard. Under the lock no publish can
    //! replace the node or switch reads off, so the hazard needs no re-check; the lock orders
    //! it before any later scan.
    Node *protectLocked(HazardGuard &guard) const noexcept
    {
        shareLocked();
        Node *node = nodeOf(m_current.load(std::memory_order_relaxed));
        if (node)
            guard.hold(node);
        return node;
    }

    static Node *nodeOf(quintptr word) noexcept { return reinterpret_cast<Node *>(word & ~SharedBit); }

private:
    static void destroyValue(Node *node) noexcept
    {
        static_assert(std::is_nothrow_destructible_v<T>);
        node->value.~T();
        node->stamp = 0;
    }
    void deleteNode(Node *node) noexcept
    {
        if (node != &m_first)
            delete node;
        else if (node->stamp)
            destroyValue(node); // the member's own destructor then finds no value
    }
    static quintptr addressOf(Node *node) noexcept { return reinterpret_cast<quintptr>(node); }
    //! A topic's stamp is (version << 1) | closed (see TopicCore).
    static quint64 versionOf(quint64 stamp) noexcept { return stamp >> 1; }
    //! Called with the topic lock held: lock-free reads on (publishes replace nodes). Release:
    //! a reader that sees the bit also sees the in-place swaps made before it.
    void shareLocked() const noexcept
    {
        const quintptr word = m_current.load(std::memory_order_relaxed);
        if (!(word & SharedBit))
            m_current.store(word | SharedBit, std::memory_order_release);
    }
    void deleteList(Node *node) noexcept
    {
        while (node)
            deleteNode(std::exchange(node, node->next));
    }

    // Set in the current word while lock-free reads are on (nodes are aligned, the bit is free).
    static constexpr quintptr SharedBit = 1;
    static_assert(alignof(Node) > SharedBit);

    // The first node lives in the topic: a topic's first publish allocates nothing.
    Node m_first;
    // The current node's address, with SharedBit; written under the topic lock (a reader's
    // protectLocked() too, hence mutable).
    mutable std::atomic<quintptr> m_current{0};
    quint32 m_retiredCount = 0; // guarded by the topic lock, as are the lists
    // The stamp when replacing last went off, or readsComeOftenLocked() last ran; guarded by the
    // topic lock.
    mutable quint64 m_offStamp = 0;
    Node *m_retired = nullptr;  // replaced values, newest first
    Node *m_spare = nullptr;    // nodes without a value
};

} // namespace DropSlot::detail
