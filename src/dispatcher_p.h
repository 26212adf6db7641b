// SPDX-License-Identifier: MIT
#pragma once

#include <DropSlot/detail/connectioncore.h>

#include <QtCore/QBasicTimer>
#include <QtCore/QObject>

#include <atomic>
#include <mutex>

namespace DropSlot::detail {

class DispatcherObject;

//! One per receiving thread: a lock-free stack of connections with something to deliver and a
//! single posted event that drains all of them in one pass. However many connections and
//! publishes there are, the thread has at most one drain event queued at a time.
class Dispatcher
{
public:
    //! The dispatcher of thread, created on first use; returned with a reference.
    static Dispatcher *forThread(QThread *thread);

    void ref() noexcept { m_refs.fetch_add(1, std::memory_order_relaxed); }
    void deref() noexcept
    {
        if (m_refs.fetch_sub(1, std::memory_order_acq_rel) == 1)
            delete this;
    }

    //! Queues connection (taking a reference); posts the drain event if the queue was empty.
    void enqueue(ConnectionCore *connection);
    //! Runs in the dispatcher's thread, for its drain event (fromTimer false) or its throttle
    //! timer: delivers everything queued. When drains come back to back (publishers outpace
    //! this thread), it then throttles: enqueues stop posting events and the timer drains once
    //! a millisecond until a drain finds the pace ordinary again.
    void drainNow(bool fromTimer);
    //! Delivers everything queued; runs in the dispatcher's thread.
    void drain();
    //! Drops every queued connection without delivering (the thread has ended).
    void discardQueued();

private:
    friend class DispatcherRegistry;
    explicit Dispatcher(QThread *thread);
    ~Dispatcher();

    std::atomic<int> m_refs{1};
    std::atomic<ConnectionCore *> m_queue{nullptr};
    QThread *const m_thread;
    mutable std::mutex m_objectMutex;
    DispatcherObject *m_object = nullptr; // lives in m_thread; guarded by m_objectMutex
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

protected:
    void timerEvent(QTimerEvent *event) override;

private:
    Dispatcher *m_dispatcher;
    QBasicTimer m_throttle;
};

} // namespace DropSlot::detail
