// SPDX-License-Identifier: MIT
#include "dispatcher_p.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QHash>
#include <QtCore/QThread>
#include <QtCore/QTimer>

#include <chrono>

#ifndef __has_feature
#define __has_feature(x) 0
#endif
#if defined(__SANITIZE_THREAD__) || __has_feature(thread_sanitizer)
#include <sanitizer/tsan_interface.h>
// Qt's event queue orders postEvent() before the event's delivery with its own futex-based
// locks, which ThreadSanitizer cannot see in an uninstrumented Qt. State that ordering.
#define DROPSLOT_ANNOTATE_HANDOFF(object) __tsan_release(object)
#define DROPSLOT_ANNOTATE_RECEIVED(object) __tsan_acquire(object)
#else
#define DROPSLOT_ANNOTATE_HANDOFF(object) ((void)(object))
#define DROPSLOT_ANNOTATE_RECEIVED(object) ((void)(object))
#endif

namespace DropSlot::detail {

// Finds and retires the dispatchers: one per thread, retired when the thread finishes (or, for
// the application thread, when QCoreApplication is destroyed).
class DispatcherRegistry
{
public:
    static DispatcherRegistry &instance()
    {
        static DispatcherRegistry registry;
        return registry;
    }

    Dispatcher *obtain(QThread *thread)
    {
        std::lock_guard<std::mutex> locker(m_mutex);
        if (Dispatcher *existing = m_dispatchers.value(thread)) {
            existing->ref();
            return existing;
        }
        auto *dispatcher = new Dispatcher(thread); // the registry's reference
        auto *object = new DispatcherObject(dispatcher);
        object->moveToThread(thread);
        dispatcher->m_object = object;
        m_dispatchers.insert(thread, dispatcher);
        const QCoreApplication *app = QCoreApplication::instance();
        if (app && thread == app->thread()) {
            if (!m_postRoutineAdded) {
                qAddPostRoutine(&DispatcherRegistry::retireApplicationThread);
                m_postRoutineAdded = true;
            }
        } else {
            // finished is emitted from the thread itself: delete its object there, then the
            // thread's deferred deletions run before it exits.
            QObject::connect(thread, &QThread::finished, object,
                             [thread] { instance().retire(thread, false); }, Qt::DirectConnection);
        }
        // A thread object destroyed without ever running never emits finished.
        QObject::connect(thread, &QObject::destroyed, object,
                         [thread] { instance().retire(thread, true); }, Qt::DirectConnection);
        dispatcher->ref(); // the caller's reference
        return dispatcher;
    }

    void retire(QThread *thread, bool deleteNow)
    {
        Dispatcher *dispatcher;
        {
            std::lock_guard<std::mutex> locker(m_mutex);
            dispatcher = m_dispatchers.take(thread);
        }
        if (!dispatcher)
            return;
        DispatcherObject *object;
        {
            std::lock_guard<std::mutex> locker(dispatcher->m_objectMutex);
            object = std::exchange(dispatcher->m_object, nullptr);
        }
        if (deleteNow)
            delete object;
        else
            object->deleteLater();
        // The thread delivers nothing more: release what is queued (queued connections hold a
        // reference to the dispatcher, so keeping them would keep both alive forever), and make
        // later enqueues take the same path instead of waiting for a throttle timer.
        dispatcher->m_throttled.store(false, std::memory_order_relaxed);
        std::atomic_thread_fence(std::memory_order_seq_cst);
        dispatcher->discardQueued();
        dispatcher->deref();
    }

    ~DispatcherRegistry()
    {
        // Process exit: only dispatchers of threads that are not running can be freed safely.
        // (Threads may still be finishing, and retiring their own dispatchers, meanwhile.)
        QHash<QThread *, Dispatcher *> dispatchers;
        {
            std::lock_guard<std::mutex> locker(m_mutex);
            dispatchers = m_dispatchers;
        }
        for (auto it = dispatchers.cbegin(); it != dispatchers.cend(); ++it) {
            if (it.key() == QThread::currentThread() || !it.key()->isRunning())
                retire(it.key(), true);
        }
    }

private:
    static void retireApplicationThread()
    {
        // Runs while QCoreApplication is destroyed, in its thread; a later application object
        // gets a fresh dispatcher.
        DispatcherRegistry &registry = instance();
        registry.retire(QThread::currentThread(), true);
        std::lock_guard<std::mutex> locker(registry.m_mutex);
        registry.m_postRoutineAdded = false;
    }

    std::mutex m_mutex;
    QHash<QThread *, Dispatcher *> m_dispatchers;
    bool m_postRoutineAdded = false;
};

Dispatcher *Dispatcher::forThread(QThread *thread)
{
    return DispatcherRegistry::instance().obtain(thread);
}

Dispatcher::Dispatcher(QThread *thread) : m_thread(thread) { }

Dispatcher::~Dispatcher()
{
    discardQueued();
}

void Dispatcher::discardQueued()
{
    // The thread has ended: nothing queued for it can be delivered, so those connections end
    // (they would otherwise stay "connected" and keep their sources alive).
    ConnectionCore *queued = m_queue.exchange(nullptr, std::memory_order_acq_rel);
    while (queued) {
        ConnectionCore *next = std::exchange(queued->m_nextQueued, nullptr);
        queued->disconnect();
        queued->deref();
        queued = next;
    }
}

void Dispatcher::enqueue(ConnectionCore *connection)
{
    connection->ref();
    ConnectionCore *head = m_queue.load(std::memory_order_relaxed);
    do {
        connection->m_nextQueued = head;
    } while (!m_queue.compare_exchange_weak(head, connection, std::memory_order_acq_rel,
                                            std::memory_order_relaxed));
    if (head)
        return; // a drain event is already on its way (or the queue is being discarded)
    // Pairs with the fence in drainNow(): either the throttle timer's drain sees this push, or
    // we see the throttle lifted and post.
    std::atomic_thread_fence(std::memory_order_seq_cst);
    if (m_throttled.load(std::memory_order_relaxed))
        return; // the throttle timer drains it
    {
        std::lock_guard<std::mutex> locker(m_objectMutex);
        if (m_object) {
            auto *drain = new QEvent(QEvent::Type(DispatcherObject::drainEventType()));
            DROPSLOT_ANNOTATE_HANDOFF(m_object);
            QCoreApplication::postEvent(m_object, drain);
            return;
        }
    }
    discardQueued(); // the thread has finished: nothing can be delivered there any more
}

namespace {
// Drains closer together than this mean the publishers are faster than the receiving thread;
// it then drains once per ThrottleFor, letting values coalesce in between. At ordinary rates
// every drain runs at once.
constexpr qint64 BackToBackNs = 250'000;
constexpr std::chrono::milliseconds ThrottleFor{1};

qint64 monotonicNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch()).count();
}
} // namespace

void Dispatcher::drainNow(bool fromTimer)
{
    if (fromTimer) {
        m_throttled.store(false, std::memory_order_relaxed);
        std::atomic_thread_fence(std::memory_order_seq_cst);
    }
    const qint64 now = monotonicNs();
    const bool backToBack = now - m_lastDrainNs < BackToBackNs;
    m_lastDrainNs = now;
    drain();
    if (backToBack && !m_throttled.load(std::memory_order_relaxed)) {
        // From now on values pile up (they coalesce) and the timer drains them in one go.
        m_throttled.store(true, std::memory_order_relaxed);
        m_object->startThrottle(int(ThrottleFor.count()));
    }
}

void Dispatcher::drain()
{
    ConnectionCore *stack = m_queue.exchange(nullptr, std::memory_order_acq_rel);
    // The queue is a stack; deliver in the order connections became pending.
    ConnectionCore *inOrder = nullptr;
    while (stack) {
        ConnectionCore *next = stack->m_nextQueued;
        stack->m_nextQueued = inOrder;
        inOrder = stack;
        stack = next;
    }
    while (inOrder) {
        ConnectionCore *connection = inOrder;
        inOrder = std::exchange(connection->m_nextQueued, nullptr);
        connection->deliverFromDispatcher();
        connection->deref();
    }
}

int DispatcherObject::drainEventType()
{
    static const int type = QEvent::registerEventType();
    return type;
}

bool DispatcherObject::event(QEvent *event)
{
    DROPSLOT_ANNOTATE_RECEIVED(this);
    if (event->type() == drainEventType()) {
        m_dispatcher->drainNow(false);
        return true;
    }
    return QObject::event(event);
}

void DispatcherObject::timerEvent(QTimerEvent *event)
{
    if (event->timerId() != m_throttle.timerId())
        return QObject::timerEvent(event);
    m_throttle.stop();
    m_dispatcher->drainNow(true);
}

} // namespace DropSlot::detail
