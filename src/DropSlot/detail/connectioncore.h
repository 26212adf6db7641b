// SPDX-License-Identifier: MIT
#pragma once

#include <DropSlot/detail/spinlock.h>

#include <QtCore/QMetaObject>
#include <QtCore/QtGlobal>

#include <atomic>
#include <limits>
#include <mutex>

QT_BEGIN_NAMESPACE
class QObject;
class QThread;
QT_END_NAMESPACE

namespace DropSlot::detail {

class Dispatcher;
class TopicCore;

//! The type-independent half of a coalescing connection: the pending flag publishers test,
//! the link into its receiving thread's dispatcher, and the bookkeeping for disconnecting.
//! Subclasses read their source and call the user's function in deliver().
class DROPSLOT_EXPORT ConnectionCore
{
public:
    void ref() noexcept { m_refs.fetch_add(1, std::memory_order_relaxed); }
    void deref() noexcept
    {
        if (m_refs.fetch_sub(1, std::memory_order_acq_rel) == 1)
            delete this;
    }

    //! Sets the pending flag; true if this call set it (the caller must then schedule()).
    //! An already pending connection costs one relaxed load.
    bool markPending() noexcept
    {
        return !m_pending.load(std::memory_order_relaxed)
            && !m_pending.exchange(true, std::memory_order_acq_rel);
    }
    //! Queues this connection on its receiving thread's dispatcher (posting at most one event
    //! per thread until that thread drains). The caller holds the right to queue it (it set the
    //! pending flag, or took the connection from a queue).
    void schedule();
    //! Clears the pending flag. Deliveries call it before reading the value they deliver, so a
    //! publish landing during the read schedules another delivery instead of being lost.
    void clearPending() noexcept { m_pending.store(false, std::memory_order_seq_cst); }

    //! Ends the connection (from any thread); a delivery already running may finish.
    void disconnect();
    bool isConnected() const noexcept { return m_connected.load(std::memory_order_acquire); }
    quint64 deliveredCount() const noexcept { return m_delivered.load(std::memory_order_relaxed); }
    quint64 coalescedCount() const noexcept { return m_coalesced.load(std::memory_order_relaxed); }

    //! Runs in the receiving thread, from its dispatcher (from).
    void deliverFromDispatcher(Dispatcher *from);
    //! The thread of dispatcher 'from' has finished: follow the context to the thread it lives
    //! in now, or end when it still lives there (or its new thread has finished too).
    void followContext(Dispatcher *from);
    //! A retired dispatcher hands over a connection it had queued or delayed: queue it where it
    //! moved to; a connection that ended (or never joined a thread) is dropped.
    void passOn(Dispatcher *from);

    //! Number of live connections in the process (for leak checks in tests).
    static qsizetype liveCount() noexcept;

protected:
    //! context: the object whose thread receives; its destruction ends the connection.
    ConnectionCore(const QObject *context, int minimumIntervalMs);
    virtual ~ConnectionCore();
    ConnectionCore(const ConnectionCore &) = delete;
    ConnectionCore &operator=(const ConnectionCore &) = delete;

    //! Starts watching the context's destruction, attaches to the source and joins the
    //! dispatcher of the context's thread; call once the subclass is fully constructed. False
    //! (and disconnected) when the context's thread has finished or it has no thread.
    bool start();
    //! Attaches to / detaches from the source of values (a topic, a bus's watch list).
    virtual void attach() = 0;
    virtual void detach() = 0;
    //! Drops the reference to the source once disconnected and no delivery is reading it.
    virtual void releaseSource() noexcept = 0;
    //! Clears the pending flag, reads the newest state and calls the user's function;
    //! returns false when the source has closed and the connection should end.
    virtual bool deliver() = 0;

    void countDelivery(quint64 coalesced) noexcept
    {
        m_delivered.fetch_add(1, std::memory_order_relaxed);
        if (coalesced)
            m_coalesced.fetch_add(coalesced, std::memory_order_relaxed);
    }

    const QObject *m_context;

private:
    friend class TopicCore;
    friend class Dispatcher;

    std::atomic<int> m_refs{1};
    std::atomic<bool> m_pending{false};
    std::atomic<bool> m_connected{true};
    std::atomic<quint64> m_delivered{0};
    std::atomic<quint64> m_coalesced{0};
    const qint64 m_minimumIntervalNs;
    qint64 m_lastDeliveryNs = std::numeric_limits<qint64>::min() / 2; // receiving thread only

    //! Reads the context's thread, or null once disconnected. Taken under m_sourceLock, which
    //! the context's destroyed handler needs too, so the context cannot be freed meanwhile even
    //! when another thread is destroying it.
    QThread *contextThread();
    //! Joins the dispatcher of thread (or ends when it has finished); true if it joined.
    bool join(QThread *thread);

    SpinLock m_sourceLock;            // orders disconnect() against a running delivery
    int m_delivering = 0;             // deliveries running (nested event loops); m_sourceLock
    bool m_releaseAfterDelivery = false; // guarded by m_sourceLock

    std::mutex m_joinMutex;    // one join() at a time: a drain's, a retirement's, start()'s
    SpinLock m_dispatcherLock; // guards m_dispatcher (it changes when the context changes thread)
    Dispatcher *m_dispatcher = nullptr; // holds a reference; null until joined
    bool m_parked = false; // flagged pending before it joined; guarded by m_dispatcherLock
    QMetaObject::Connection m_contextWatch;

    // Intrusive links: the topic's connection list (guarded by the topic's lock), the chain a
    // publish builds of connections it flagged, and the dispatcher's queue.
    ConnectionCore *m_prevInTopic = nullptr;
    ConnectionCore *m_nextInTopic = nullptr;
    ConnectionCore *m_nextFlagged = nullptr;
    ConnectionCore *m_nextQueued = nullptr;
};

} // namespace DropSlot::detail
