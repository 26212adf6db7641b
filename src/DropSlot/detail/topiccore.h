// SPDX-License-Identifier: MIT
#pragma once

#include <DropSlot/detail/spinlock.h>

#include <QtCore/QDeadlineTimer>
#include <QtCore/QString>

#include <atomic>

namespace DropSlot::detail {

class NameKey;
class AsyncWaitBase;
class ConnectionCore;
struct Notifier;

//! The type-independent half of a topic: identity, reference counts, the version stamp, and
//! the slow paths (waiting, notification, closing) compiled once into the library.
//! TopicState<T> adds the value. Publish and read paths stay inline in TopicState<T>.
class DROPSLOT_EXPORT TopicCore
{
public:
    // m_stamp holds (version << 1) | closed, so one atomic load answers both "anything new?"
    // and "closed?".
    static constexpr quint64 ClosedBit = 1;
    static constexpr quint64 VersionStep = 2;
    static constexpr quint64 versionOf(quint64 stamp) noexcept { return stamp >> 1; }
    static constexpr bool isClosedStamp(quint64 stamp) noexcept { return stamp & ClosedBit; }

    // m_counts holds (subscribers << 32) | references: a Sub costs one RMW to create and one
    // to drop, and "only the bus refers to it" is one load.
    static constexpr quint64 OneRef = 1;
    static constexpr quint64 OneSubscriber = quint64(1) << 32;

    void ref(quint64 amount = OneRef) noexcept { m_counts.fetch_add(amount, std::memory_order_relaxed); }
    //! ref() for a topic no other thread can reach yet (just created, not yet in a table):
    //! a plain store, no read-modify-write.
    void refUnshared(quint64 amount = OneRef) noexcept
    {
        m_counts.store(m_counts.load(std::memory_order_relaxed) + amount, std::memory_order_relaxed);
    }
    void deref(quint64 amount = OneRef) noexcept
    {
        // Holding every reference and subscription means nobody else can make a new one (they
        // all come from an existing holder): the last holder frees without a read-modify-write.
        if (m_counts.load(std::memory_order_acquire) == amount) {
            destroy();
            return;
        }
        const quint64 before = m_counts.fetch_sub(amount, std::memory_order_acq_rel);
        if (static_cast<quint32>(before) == static_cast<quint32>(amount))
            destroy();
    }
    //! ref() for a lock-free lookup, which found the topic in a table but holds no reference
    //! yet: fails once cleanup took the table's last reference (releaseIfOnlyTable()).
    bool tryRef() noexcept
    {
        quint64 counts = m_counts.load(std::memory_order_relaxed);
        do {
            if (static_cast<quint32>(counts) == 0)
                return false;
        } while (!m_counts.compare_exchange_weak(counts, counts + OneRef, std::memory_order_relaxed));
        return true;
    }
    //! Takes the only reference, the table's, leaving none, unless someone (a lookup racing
    //! with cleanup) holds another. The caller then owns the topic: destroyUnreferenced().
    bool releaseIfOnlyTable() noexcept
    {
        quint64 only = OneRef;
        return m_counts.compare_exchange_strong(only, 0, std::memory_order_acquire, std::memory_order_relaxed);
    }
    //! True when the bus's table holds the only reference (no handle, no subscriber).
    bool onlyTableRefers() const noexcept { return m_counts.load(std::memory_order_acquire) == OneRef; }
    //! Frees a topic after releaseIfOnlyTable() succeeded, or one that only the table refers to
    //! and that no lookup can reach any more (see BusCore::cleanupUnused()).
    void destroyUnreferenced() noexcept { destroy(); }
    quint32 refCount() const noexcept { return static_cast<quint32>(m_counts.load(std::memory_order_acquire)); }
    qsizetype subscriberCount() const noexcept
    {
        return static_cast<qsizetype>(m_counts.load(std::memory_order_relaxed) >> 32);
    }

    quint64 stamp() const noexcept { return m_stamp.load(std::memory_order_acquire); }
    quint64 version() const noexcept { return versionOf(stamp()); }
    bool isClosed() const noexcept { return isClosedStamp(stamp()); }

    QString name() const { return QString(reinterpret_cast<const QChar *>(nameData()), m_nameSize); }
    QStringView nameView() const noexcept { return QStringView(nameData(), m_nameSize); }
    bool nameEquals(const NameKey &key) const noexcept;

    //! Closes the topic: later publishes fail, waiters wake, connections end. False if it
    //! was already closed.
    bool close();
    //! The first half of close(): sets the closed bit (publishes fail from here on) and says
    //! whether anyone must be woken with wakeAfterClose(). Takes only the topic's lock, so a bus
    //! can close a topic in the same critical section that removes it from its table.
    bool markClosed(bool *mustWake);
    //! The second half of close(): wakes waiters and ends connections. No lock may be held.
    void wakeAfterClose() { notifyPublished(); }

    //! Blocks until the version passes seenVersion, the topic closes or the deadline expires;
    //! returns the stamp it saw last.
    quint64 waitForChange(quint64 seenVersion, QDeadlineTimer deadline);

    //! Queues an async wait; it completes on the next publish or close (maybe at once).
    void addAsyncWait(AsyncWaitBase *wait);
    //! Cancels every queued async wait registered with this owner tag (a destroyed Sub's).
    void cancelAsyncWaits(const void *owner);

    //! Adds/removes a coalescing connection; publishes flag it pending and hand it to its
    //! dispatcher. Both take the topic lock briefly; neither allocates under it.
    void attachConnection(ConnectionCore *connection);
    void detachConnection(ConnectionCore *connection);

    //! A Sub's seen version went back (its canceled async wait returned a claim): wakes blocked
    //! and async waiters so they look again. No lock may be held.
    void versionReturned();

    //! Blocked waiters, queued async waits and connections (for tests and diagnostics).
    quint32 watcherCount() const noexcept
    {
        SpinLocker locker(m_lock);
        return m_watchers;
    }

    //! Number of live topic objects in the process (for leak checks in tests).
    static qsizetype liveCount() noexcept;

protected:
    //! The name is stored nameOffset bytes after the start of the object (behind the subclass).
    TopicCore(const NameKey &key, quint32 nameOffset) noexcept;
    virtual ~TopicCore();
    //! Destroys and frees the object (it was allocated with its name stored behind it).
    virtual void destroy() noexcept = 0;

    //! Out-of-line tail of publish: wakes waiters, completes async waits, flags connections.
    //! Called without the lock, only when m_watchers was non-zero during the publish.
    void notifyPublished();

    mutable SpinLock m_lock;
    quint32 m_watchers = 0; // blocked + async waits + connections; guarded by m_lock
    std::atomic<quint64> m_stamp{0};
    std::atomic<quint64> m_counts{OneRef};

private:
    Notifier *notifier();
    void completeAsyncWaits(AsyncWaitBase *list);
    //! Wakes blocked waiters (rewake: even if a wake-up is pending, and make them return) and
    //! completes the queued async waits.
    void wakeWaiters(Notifier *n, bool rewake);
    template <typename Predicate>
    AsyncWaitBase *unlinkAsyncWaits(Notifier *n, Predicate matches);
    static void deleteAsyncWaits(AsyncWaitBase *list);
    void flagConnections();
    const char16_t *nameData() const noexcept
    {
        return reinterpret_cast<const char16_t *>(reinterpret_cast<const char *>(this) + m_nameOffset);
    }

    const quint32 m_nameOffset;
    const quint32 m_nameSize;
    // Waiters and connections, allocated by the first of them: most topics never have either,
    // and a mutex and a condition variable would double a topic's size.
    std::atomic<Notifier *> m_notifier{nullptr};
};

} // namespace DropSlot::detail
