// SPDX-License-Identifier: MIT
#include "dispatcher_p.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QHash>
#include <QtCore/QThread>

#include <algorithm>
#include <chrono>

#include "tsanannotations_p.h"

namespace DropSlot::detail {

// Finds and retires the dispatchers: one per thread, retired when the thread finishes (or, for
// the application thread, when QCoreApplication is destroyed).
//
// The registry is never destroyed: threads may finish, and globals' destructors may publish or
// connect, after static destruction has begun; a registry destroyed by then would be used
// after it was freed. What it still holds at exit stays reachable through it.
class DispatcherRegistry
{
public:
    static DispatcherRegistry &instance()
    {
        static DispatcherRegistry *const registry = new DispatcherRegistry;
        return *registry;
    }

    Dispatcher *obtain(QThread *thread)
    {
        if (!thread)
            return nullptr;
        std::lock_guard<std::mutex> locker(m_mutex);
        // A finishing thread has emitted (or is emitting) finished: what is connected to it now
        // would never be retired, so it gets nothing, whether its dispatcher is gone yet or not.
        // A thread started again is running again and gets a new dispatcher.
        if (thread->isFinished())
            return nullptr;
        if (Dispatcher *existing = m_dispatchers.value(thread)) {
            existing->ref();
            return existing;
        }
        Dispatcher *dispatcher = create(thread);
        // Checked again now that the handlers are connected: a thread that began finishing
        // before may have emitted finished without them (an emission skips connections made
        // during it). Such a dispatcher stays registered, unused, until the thread object is
        // destroyed or runs again; the caller gets nothing.
        if (thread->isFinished())
            return nullptr;
        dispatcher->ref(); // the caller's reference
        return dispatcher;
    }

private:
    // Creates and registers the dispatcher of thread, with its retirement handlers connected.
    // Called with m_mutex held.
    Dispatcher *create(QThread *thread)
    {
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
            // finished is emitted from the thread itself, after its event loop has returned:
            // retire there, then the thread's deferred deletions (the object) run before it exits.
            QObject::connect(thread, &QThread::finished, object, [thread] {
                DROPSLOT_ANNOTATE_RECEIVED(&instance());
                instance().retire(thread, false);
            }, Qt::DirectConnection);
        }
        // A thread object destroyed without ever running never emits finished.
        QObject::connect(thread, &QObject::destroyed, object, [thread] {
            DROPSLOT_ANNOTATE_RECEIVED(&instance());
            instance().retire(thread, true);
        }, Qt::DirectConnection);
        // The handlers' captures reach the thread through Qt's connection lists, whose locking
        // ThreadSanitizer cannot see in an uninstrumented Qt.
        DROPSLOT_ANNOTATE_HANDOFF(this);
        return dispatcher;
    }

public:
    void retire(QThread *thread, bool deleteObjectNow)
    {
        Dispatcher *dispatcher;
        {
            std::lock_guard<std::mutex> locker(m_mutex);
            dispatcher = m_dispatchers.take(thread);
        }
        if (!dispatcher)
            return;
        dispatcher->retire(deleteObjectNow);
        dispatcher->deref();
    }

private:
    DispatcherRegistry() = default;
    ~DispatcherRegistry() = delete;

    static void retireApplicationThread()
    {
        // Runs while QCoreApplication is destroyed, in its thread; a later application object
        // gets a fresh dispatcher, and adds the routine again (one critical section, so that a
        // dispatcher created meanwhile is not left without it).
        DispatcherRegistry &registry = instance();
        Dispatcher *dispatcher;
        {
            std::lock_guard<std::mutex> locker(registry.m_mutex);
            dispatcher = registry.m_dispatchers.take(QThread::currentThread());
            registry.m_postRoutineAdded = false;
        }
        if (dispatcher) {
            dispatcher->retire(true);
            dispatcher->deref();
        }
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
    // Every connection holds a reference while it is registered, queued or delayed.
    Q_ASSERT(m_connections.isEmpty() && m_delayed.empty());
    Q_ASSERT(m_queue.load(std::memory_order_relaxed) == nullptr);
}

qint64 Dispatcher::nowNs() noexcept
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch()).count();
}

bool Dispatcher::adopt(ConnectionCore *connection)
{
    std::lock_guard<std::mutex> locker(m_mutex);
    if (m_retired)
        return false;
    if (!m_connections.contains(connection)) {
        connection->ref();
        m_connections.insert(connection);
    }
    return true;
}

void Dispatcher::release(ConnectionCore *connection)
{
    bool removed;
    {
        std::lock_guard<std::mutex> locker(m_mutex);
        removed = m_connections.remove(connection);
    }
    if (removed)
        connection->deref();
}

void Dispatcher::retire(bool deleteObjectNow)
{
    DispatcherObject *object;
    QSet<ConnectionCore *> connections;
    std::vector<Delayed> delayed;
    {
        std::lock_guard<std::mutex> locker(m_mutex);
        m_retired = true; // no connection joins from now on
        connections.swap(m_connections);
        delayed.swap(m_delayed);
        object = m_object; // kept until the connections have moved: enqueues still post to it
    }
    // Each connection either follows its context to the thread it lives in now, or ends. This
    // happens before anything queued is passed on, so that what is passed on finds it moved.
    for (ConnectionCore *connection : std::as_const(connections)) {
        connection->followContext(this);
        connection->deref();
    }
    {
        std::lock_guard<std::mutex> locker(m_mutex);
        m_object = nullptr; // enqueues pass their connection on themselves from now on
    }
    // A finishing thread runs its deferred deletions before it exits, but Qt delivers no event
    // (deferred deletions included) without a QCoreApplication: then delete it here, in its own
    // thread, which also frees any drain event still posted to it.
    if (deleteObjectNow || !QCoreApplication::instance())
        delete object;
    else
        object->deleteLater();
    for (const Delayed &d : delayed) {
        d.connection->passOn(this);
        d.connection->deref();
    }
    // Pairs with the fence in enqueue(): either the enqueuer sees the throttle lifted (and then
    // m_object gone), or this exchange sees its push.
    m_throttled.store(false, std::memory_order_relaxed);
    std::atomic_thread_fence(std::memory_order_seq_cst);
    handOverQueued();
}

void Dispatcher::handOverQueued()
{
    ConnectionCore *queued = m_queue.exchange(nullptr, std::memory_order_acq_rel);
    while (queued) {
        ConnectionCore *next = std::exchange(queued->m_nextQueued, nullptr);
        queued->passOn(this);
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
        return; // a drain event is already on its way (or the queue is being handed over)
    // Pairs with the fence in drainNow() and retire(): either the throttle timer's drain (or the
    // retirement) sees this push, or we see the throttle lifted and post.
    std::atomic_thread_fence(std::memory_order_seq_cst);
    if (m_throttled.load(std::memory_order_relaxed))
        return; // the throttle timer drains it
    {
        std::lock_guard<std::mutex> locker(m_mutex);
        if (m_object) {
            auto *drain = new QEvent(QEvent::Type(DispatcherObject::drainEventType()));
            DROPSLOT_ANNOTATE_HANDOFF(m_object);
            QCoreApplication::postEvent(m_object, drain);
            return;
        }
    }
    handOverQueued(); // the thread has finished: pass the connections on to where they moved
}

void Dispatcher::delay(ConnectionCore *connection, qint64 dueNs)
{
    connection->ref();
    std::lock_guard<std::mutex> locker(m_mutex);
    m_delayed.push_back({dueNs, connection});
    armDelayTimer();
}

void Dispatcher::armDelayTimer()
{
    // Called with m_mutex held, in the dispatcher's thread (so m_object is alive).
    if (m_delayed.empty() || !m_object)
        return;
    const auto earliest = std::min_element(m_delayed.cbegin(), m_delayed.cend(),
                                           [](const Delayed &a, const Delayed &b) { return a.dueNs < b.dueNs; });
    const qint64 waitNs = std::max<qint64>(0, earliest->dueNs - nowNs());
    m_object->startDelay(int(std::min<qint64>((waitNs + 999'999) / 1'000'000, 24 * 3600 * 1000)));
}

void Dispatcher::deliverDue()
{
    std::vector<ConnectionCore *> due;
    {
        std::lock_guard<std::mutex> locker(m_mutex);
        const qint64 now = nowNs();
        const auto firstDue = std::stable_partition(m_delayed.begin(), m_delayed.end(),
                                                    [now](const Delayed &d) { return d.dueNs > now; });
        for (auto it = firstDue; it != m_delayed.end(); ++it)
            due.push_back(it->connection);
        m_delayed.erase(firstDue, m_delayed.end());
        armDelayTimer();
    }
    for (ConnectionCore *connection : due) {
        connection->deliverFromDispatcher(this);
        connection->deref();
    }
}

namespace {
// Drains closer together than this mean the publishers are faster than the receiving thread;
// it then drains once per ThrottleFor, letting values coalesce in between. At ordinary rates
// every drain runs at once.
constexpr qint64 BackToBackNs = 250'000;
constexpr std::chrono::milliseconds ThrottleFor{1};
} // namespace

void Dispatcher::drainNow(bool fromTimer)
{
    if (fromTimer) {
        m_throttled.store(false, std::memory_order_relaxed);
        std::atomic_thread_fence(std::memory_order_seq_cst);
    }
    const qint64 now = nowNs();
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
        connection->deliverFromDispatcher(this);
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
    if (event->timerId() == m_throttle.timerId()) {
        m_throttle.stop();
        m_dispatcher->drainNow(true);
    } else if (event->timerId() == m_delay.timerId()) {
        m_delay.stop();
        m_dispatcher->deliverDue();
    } else {
        QObject::timerEvent(event);
    }
}

} // namespace DropSlot::detail
