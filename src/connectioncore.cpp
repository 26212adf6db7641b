// SPDX-License-Identifier: MIT
#include <DropSlot/detail/connectioncore.h>

#include "dispatcher_p.h"
#include "logging_p.h"
#include "tsanannotations_p.h"

#include <DropSlot/detail/namekey.h>
#include <DropSlot/detail/topicconnection.h>

#include <QtCore/QThread>

namespace DropSlot::detail {

void (*testing::afterDeliveryRead)() = nullptr;

namespace {
std::atomic<qsizetype> s_liveConnections{0};
// The address through which ThreadSanitizer learns that a context watch was installed before
// it runs (see start()).
char s_watchInstalled = 0;

// Holds a reference for a lambda that may be destroyed without running, so the connection is
// released either way.
class ConnectionRef
{
public:
    explicit ConnectionRef(ConnectionCore *c) noexcept : m_c(c) { m_c->ref(); }
    ConnectionRef(const ConnectionRef &other) noexcept : m_c(other.m_c) { m_c->ref(); }
    ConnectionRef &operator=(const ConnectionRef &) = delete;
    ~ConnectionRef() { m_c->deref(); }
    ConnectionCore *operator->() const noexcept { return m_c; }

private:
    ConnectionCore *m_c;
};
} // namespace

ConnectionCore::ConnectionCore(const QObject *context, int minimumIntervalMs)
    : m_context(context), m_minimumIntervalNs(qint64(qMax(0, minimumIntervalMs)) * 1'000'000)
{
    s_liveConnections.fetch_add(1, std::memory_order_relaxed);
}

ConnectionCore::~ConnectionCore()
{
    Q_ASSERT(!isConnected());
    if (m_dispatcher)
        m_dispatcher->deref();
    s_liveConnections.fetch_sub(1, std::memory_order_relaxed);
}

qsizetype ConnectionCore::liveCount() noexcept
{
    return s_liveConnections.load(std::memory_order_relaxed);
}

bool ConnectionCore::start()
{
    // The watch holds a reference so the connection outlives a destruction racing with
    // disconnect(); disconnect() removes the watch, which releases it.
    // The context may be destroyed in another thread, reached through Qt's event queue (a
    // moveToThread() and deleteLater()): Qt orders the connect before that emission with locks
    // ThreadSanitizer cannot see, so the ordering is stated for the watch's captured state.
    m_contextWatch = QObject::connect(m_context, &QObject::destroyed,
                                      [self = ConnectionRef(this)] {
                                          DROPSLOT_ANNOTATE_RECEIVED(&s_watchInstalled);
                                          self->disconnect();
                                      });
    DROPSLOT_ANNOTATE_HANDOFF(&s_watchInstalled);
    attach();
    if (join(contextThread()))
        return true;
    disconnect();
    return false;
}

QThread *ConnectionCore::contextThread()
{
    SpinLocker locker(m_sourceLock);
    return m_connected.load(std::memory_order_relaxed) ? m_context->thread() : nullptr;
}

bool ConnectionCore::join(QThread *thread)
{
    // Serialized: a retirement following the context may race start() or a drain's move, and
    // the later join must see the dispatcher the earlier one left.
    const std::lock_guard<std::mutex> joining(m_joinMutex);
    Dispatcher *target = Dispatcher::forThread(thread);
    if (!target)
        return false;
    bool already;
    {
        SpinLocker locker(m_dispatcherLock);
        already = m_dispatcher == target;
    }
    if (already) {
        target->deref();
        return true;
    }
    if (!target->adopt(this)) {
        target->deref();
        return false;
    }
    Dispatcher *previous;
    bool parked;
    {
        SpinLocker locker(m_dispatcherLock);
        previous = std::exchange(m_dispatcher, target); // takes over target's reference
        parked = std::exchange(m_parked, false);
    }
    if (previous) {
        previous->release(this);
        previous->deref();
    }
    // A disconnect() that read the previous dispatcher has released us from that one only.
    if (!isConnected()) {
        target->release(this);
        return false;
    }
    if (parked)
        target->enqueue(this); // a publish flagged us before we had a thread to go to
    return true;
}

void ConnectionCore::schedule()
{
    Dispatcher *dispatcher;
    {
        SpinLocker locker(m_dispatcherLock);
        dispatcher = m_dispatcher;
        if (!dispatcher) {
            m_parked = true; // start() has not joined a thread yet: join() queues us
            return;
        }
        dispatcher->ref();
    }
    dispatcher->enqueue(this);
    dispatcher->deref();
}

void ConnectionCore::disconnect()
{
    const ConnectionRef keepAlive(this); // detach() may drop the source's reference to us
    {
        SpinLocker locker(m_sourceLock);
        if (!m_connected.load(std::memory_order_relaxed))
            return;
        m_connected.store(false, std::memory_order_release); // no delivery starts from now on
    }
    QObject::disconnect(m_contextWatch);
    detach();
    Dispatcher *dispatcher;
    {
        SpinLocker locker(m_dispatcherLock);
        dispatcher = m_dispatcher;
        if (dispatcher)
            dispatcher->ref();
    }
    if (dispatcher) {
        dispatcher->release(this);
        dispatcher->deref();
    }
    // The source may be released only once detached, and only when no delivery is reading it;
    // a delivery still running in the receiving thread releases it when it returns.
    bool releaseNow;
    {
        SpinLocker locker(m_sourceLock);
        releaseNow = m_delivering == 0;
        m_releaseAfterDelivery = !releaseNow;
    }
    if (releaseNow)
        releaseSource();
}

void ConnectionCore::followContext(Dispatcher *from)
{
    QThread *now = contextThread();
    if (!now)
        return; // already ended
    if (now != from->thread() && join(now))
        return; // moved away before its old thread finished: it lives on there
    disconnect();
}

void ConnectionCore::passOn(Dispatcher *from)
{
    if (!isConnected())
        return;
    Dispatcher *dispatcher;
    {
        SpinLocker locker(m_dispatcherLock);
        dispatcher = m_dispatcher;
        if (dispatcher == from || !dispatcher)
            return; // never joined another thread: it is ending
        dispatcher->ref();
    }
    dispatcher->enqueue(this);
    dispatcher->deref();
}

void ConnectionCore::deliverFromDispatcher(Dispatcher *from)
{
    QThread *target = contextThread();
    if (!target)
        return;
    if (Q_UNLIKELY(target != from->thread())) {
        // The context moved to another thread: deliver there instead (still pending).
        if (join(target))
            schedule();
        else
            disconnect();
        return;
    }
    if (m_minimumIntervalNs > 0) {
        const qint64 due = m_lastDeliveryNs + m_minimumIntervalNs;
        if (due > Dispatcher::nowNs()) {
            // Too soon: stay pending (publishes keep folding into this delivery) and let the
            // dispatcher come back when the interval has passed. It keeps us until then, so a
            // thread that finishes meanwhile ends us or hands us to where the context went.
            from->delay(this, due);
            return;
        }
    }
    {
        SpinLocker locker(m_sourceLock);
        if (!m_connected.load(std::memory_order_relaxed))
            return;
        ++m_delivering;
    }
    bool open = true;
    {
        // Also when the user's function throws (which, as with Qt's event handlers, is not
        // supported: the rest of the drain is lost): the source is released, disconnect() works.
        struct DeliveryEnd
        {
            ConnectionCore *self;
            bool *open;
            ~DeliveryEnd()
            {
                if (self->m_minimumIntervalNs > 0)
                    self->m_lastDeliveryNs = Dispatcher::nowNs();
                bool release;
                {
                    SpinLocker locker(self->m_sourceLock);
                    --self->m_delivering;
                    release = std::exchange(self->m_releaseAfterDelivery, false);
                }
                if (release)
                    self->releaseSource();
                else if (!*open)
                    self->disconnect();
            }
        } end{this, &open};
        open = deliver();
    }
}

void warnCannotConnect(const char *reason, const QString &topicName)
{
    qCWarning(lcConnect, "DropSlot::connect: cannot connect to topic \"%s\": %s; the returned Connection is "
             "not connected", qUtf8Printable(NameKey(topicName).forDisplay()), reason);
}

void warnDeliveryFailed(QStringView topicName)
{
    qCWarning(lcConnect, "DropSlot::connect: copying the value of topic \"%s\" for a delivery threw an "
             "exception; that delivery was skipped", qUtf8Printable(NameKey(topicName).forDisplay()));
}

} // namespace DropSlot::detail
