// SPDX-License-Identifier: MIT
// A topic's value for types that cannot be copied as bytes (QByteArray, QString, QVariant,
// containers): a node that readers read in place, without a lock or a reference count.
//
// Until somebody reads lock-free, a publish swaps the new value into the one node, exactly as a
// locked cell would: a topic that is only published to and delivered (connections, waits) pays
// nothing for lock-free readers it does not have. The first lock-free read switches the topic,
// under its lock, to replacing nodes: a publish moves the value into a spare node, makes it
// current, and retires the old one; the old value stays readable until a hazard scan (hazard.h)
// proves that no reader holds it. Retired nodes are scanned in batches, so the heavy barrier of
// the scan is paid once per RetireBatch publishes. Memory stays bounded: a topic holds at most
// RetireBatch retired values plus the few that readers hold at the moment of a scan, and nodes
// are recycled, never freed before the topic.
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
        deleteNode(m_current.load(std::memory_order_relaxed));
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
        Node *current = m_current.load(std::memory_order_relaxed);
        if (current && !m_shared.load(std::memory_order_relaxed)) {
            // Nobody reads lock-free: swap in place, as a lock-guarded value would.
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
        m_current.store(node, std::memory_order_release);
        if (current) {
            current->next = m_retired;
            m_retired = current;
            if (++m_retiredCount >= RetireBatch) {
                retired->head = std::exchange(m_retired, nullptr);
                m_retiredCount = 0;
            }
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

    //! Called with the topic lock held: puts the result of reclaim() back.
    void spliceLocked(Node *spare, Node *kept) noexcept
    {
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
        if (Node *node = m_current.load(std::memory_order_relaxed))
            return node->value;
        return std::nullopt;
    }

    //! Whether lock-free reads are switched on; the first one calls shareLocked() under the lock.
    //! Acquire and release: a reader that sees the switch also sees every in-place swap made
    //! before it (they happened before the switch's critical section).
    bool isShared() const noexcept { return m_shared.load(std::memory_order_acquire); }
    void shareLocked() const noexcept { m_shared.store(true, std::memory_order_release); }

    //! The current node (nullptr before the first publish), protected by guard, which must
    //! hold a hazard slot (HazardGuard::acquire()).
    Node *protect(HazardGuard &guard) const noexcept
    {
        Node *node = m_current.load(std::memory_order_acquire);
        while (node && !guard.protect(node, m_current))
            node = m_current.load(std::memory_order_acquire);
        return node;
    }

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
    void deleteList(Node *node) noexcept
    {
        while (node)
            deleteNode(std::exchange(node, node->next));
    }

    // The first node lives in the topic: a topic's first publish allocates nothing.
    Node m_first;
    std::atomic<Node *> m_current{nullptr};
    mutable std::atomic<bool> m_shared{false}; // set by the first lock-free reader
    quint32 m_retiredCount = 0; // guarded by the topic lock, as are the lists
    Node *m_retired = nullptr;  // replaced values, newest first
    Node *m_spare = nullptr;    // nodes without a value
};

} // namespace DropSlot::detail
