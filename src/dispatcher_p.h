// SPDX-License-Identifier: MIT
#pragma once

#include <DropSlot/detail/connectioncore.h>

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
    //! Handles a drain event in the dispatcher's thread: delivers everything queued, or, when
    //! drains come back to back (publishers outpace this thread), waits a moment first.
    void onDrainEvent();
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
    qint64 m_lastDrainNs = 0;             // m_thread only
    bool m_deferred = false;              // m_thread only
};

//! The QObject that receives a dispatcher's drain events in its thread.
class DispatcherObject final : public QObject
{
    Q_OBJECT
public:
    explicit DispatcherObject(Dispatcher *dispatcher) : m_dispatcher(dispatcher) { }
    bool event(QEvent *event) override;
    static int drainEventType();

private:
    Dispatcher *m_dispatcher;
};

} // namespace DropSlot::detail
