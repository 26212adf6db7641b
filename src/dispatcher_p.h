// SPDX-License-Identifier: MIT
#pragma once

#include <DropSlot/detail/connectioncore.h>

#include <QtCore/QBasicTimer>
#include <QtCore/QObject>
#include <QtCore/QSet>

#include <atomic>
#include <mutex>
#include <vector>

namespace DropSlot::detail {

class DispatcherObject;

//! One per receiving thread: a lock-free stack of connections with something to deliver and a
//! single posted event that drains all of them in one pass. However many connections and
//! publishes there are, the thread has at most one drain event queued at a time.
//!
//! A dispatcher also knows every connection whose context lives in its thread, so that when the
//! thread finishes it can end them, or hand them over to the thread their context moved to.
//!
//! Ownership of a pending connection: the publish that flags it pending (markPending) owns the
//! right to queue it once; that right passes to the queue, to the drain that pops it, and to
//! the delayed list of a throttled connection. Exactly one of them holds it at any time, so a
//! connection is never in two queues.
class Dispatcher
{
public:
    //! The dispatcher of thread, created on first use; returned with a reference. Null when the
    //! thread has finished (or is finishing), or is null: nothing can be delivered there.
    static Dispatcher *forThread(QThread *thread);

    void ref() noexcept { m_refs.fetch_add(1, std::memory_order_relaxed); }
    void deref() noexcept
    {
        if (m_refs.fetch_sub(1, std::memory_order_acq_rel) == 1)
            delete this;
    }

    QThread *thread() const noexcept { return m_thread; }

    //! Takes connection into the thread's set (taking a reference); false once the thread has
    //! finished. A registered connection is ended or handed over when the thread finishes.
    bool adopt(ConnectionCore *connection);
    //! Removes connection from the set if it is there (releasing the set's reference).
    void release(ConnectionCore *connection);

    //! Queues connection (taking a reference); posts the drain event if the queue was empty.
    void enqueue(ConnectionCore *connection);
    //! Holds connection back until dueNs (a throttled delivery); runs in the dispatcher's thread.
    void delay(ConnectionCore *connection, qint64 dueNs);
    //! Runs in the dispatcher's thread, for its drain event (fromTimer false) or its throttle
    //! timer: delivers everything queued. When drains come back to back (publishers outpace
    //! this thread), it then throttles: enqueues stop posting events and the timer drains once
    //! a millisecond until a drain finds the pace ordinary again.
    void drainNow(bool fromTimer);
    //! Delivers the delayed connections whose time has come; runs in the dispatcher's thread.
    void deliverDue();

    //! The monotonic clock dispatchers and throttled connections share.
    static qint64 nowNs() noexcept;

private:
    friend class DispatcherRegistry;
    explicit Dispatcher(QThread *thread);
    ~Dispatcher();

    //! Delivers everything queued; runs in the dispatcher's thread.
    void drain();
    //! The thread has finished: ends or hands over every registered connection, then passes on
    //! whatever is queued or delayed. Runs once, with no lock held.
    void retire(bool deleteObjectNow);
    //! Passes on the queued connections of a retired dispatcher (to their new dispatcher).
    void handOverQueued();
    void armDelayTimer();

    std::atomic<int> m_refs{1};
    std::atomic<ConnectionCore *> m_queue{nullptr};
    QThread *const m_thread;
    mutable std::mutex m_mutex;
    DispatcherObject *m_object = nullptr; // lives in m_thread; guarded by m_mutex
    bool m_retired = false;               // guarded by m_mutex
    QSet<ConnectionCore *> m_connections; // guarded by m_mutex; each holds a reference
    struct Delayed
    {
        qint64 dueNs;
        ConnectionCore *connection; // holds a reference
    };
    std::vector<Delayed> m_delayed;       // guarded by m_mutex
    std::atomic<bool> m_throttled{false}; // the throttle timer drains; enqueues post nothing
    qint64 m_lastDrainNs = 0;             // m_thread only
};

//! The QObject that receives a dispatcher's drain events in its thread.
class DispatcherObject final : public QObject
{
    Q_OBJECT
public:
    explicit DispatcherObject(Dispatcher *dispatcher) : m_dispatcher(dispatcher) { }
    bool event(QEvent *event) override;
    static int drainEventType();
    void startThrottle(int ms) { m_throttle.start(ms, Qt::PreciseTimer, this); }
    void startDelay(int ms) { m_delay.start(ms, Qt::PreciseTimer, this); }

protected:
    void timerEvent(QTimerEvent *event) override;

private:
    Dispatcher *m_dispatcher;
    QBasicTimer m_throttle;
    QBasicTimer m_delay;
};

} // namespace DropSlot::detail
