// SPDX-License-Identifier: MIT
#include <DropSlot/detail/connectioncore.h>

#include "dispatcher_p.h"

#include <DropSlot/detail/namekey.h>
#include <DropSlot/detail/topicconnection.h>

#include <QtCore/QThread>
#include <QtCore/QTimer>

#include <chrono>

namespace DropSlot::detail {

void (*testing::afterDeliveryRead)() = nullptr;

namespace {
std::atomic<qsizetype> s_liveConnections{0};

qint64 monotonicMs()
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

// Holds a reference for a lambda that may be destroyed without running (a timer whose
// context died), so the connection is released either way.
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
    : m_context(context), m_minimumIntervalMs(qMax(0, minimumIntervalMs))
{
    s_liveConnections.fetch_add(1, std::memory_order_relaxed);
    m_dispatcher = Dispatcher::forThread(context->thread());
}

ConnectionCore::~ConnectionCore()
{
    Q_ASSERT(!isConnected());
    m_dispatcher->deref();
    s_liveConnections.fetch_sub(1, std::memory_order_relaxed);
}

qsizetype ConnectionCore::liveCount() noexcept
{
    return s_liveConnections.load(std::memory_order_relaxed);
}

void ConnectionCore::start()
{
    // The watch holds a reference so the connection outlives a destruction racing with
    // disconnect(); disconnect() removes the watch, which releases it.
    m_contextWatch = QObject::connect(m_context, &QObject::destroyed,
                                      [self = ConnectionRef(this)] { self->disconnect(); });
    attach();
}

void ConnectionCore::schedule()
{
    Dispatcher *dispatcher;
    {
        SpinLocker locker(m_dispatcherLock);
        dispatcher = m_dispatcher;
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
    // The source may be released only once detached, and only when no delivery is reading it;
    // a delivery still running in the receiving thread releases it when it returns.
    bool releaseNow;
    {
        SpinLocker locker(m_sourceLock);
        releaseNow = !m_delivering;
        m_releaseAfterDelivery = !releaseNow;
    }
    if (releaseNow)
        releaseSource();
}

void ConnectionCore::deliverFromDispatcher()
{
    if (!isConnected())
        return;
    QThread *here = QThread::currentThread();
    if (Q_UNLIKELY(m_context->thread() != here)) {
        // The context moved to another thread: deliver there instead (still pending).
        Dispatcher *moved = Dispatcher::forThread(m_context->thread());
        {
            SpinLocker locker(m_dispatcherLock);
            std::swap(m_dispatcher, moved);
        }
        moved->deref();
        schedule();
        return;
    }
    if (m_minimumIntervalMs > 0) {
        const qint64 wait = m_lastDeliveryMs + m_minimumIntervalMs - monotonicMs();
        if (wait > 0) {
            // Too soon: stay pending (publishes keep folding into this delivery) and come back
            // when the interval has passed.
            if (!m_throttleArmed) {
                m_throttleArmed = true;
                QTimer::singleShot(std::chrono::milliseconds(wait), m_context,
                                   [self = ConnectionRef(this)] {
                                       self->m_throttleArmed = false;
                                       self->deliverFromDispatcher();
                                   });
            }
            return;
        }
    }
    {
        SpinLocker locker(m_sourceLock);
        if (!m_connected.load(std::memory_order_relaxed))
            return;
        m_delivering = true;
    }
    const bool open = deliver();
    if (m_minimumIntervalMs > 0)
        m_lastDeliveryMs = monotonicMs();
    bool release;
    {
        SpinLocker locker(m_sourceLock);
        m_delivering = false;
        release = std::exchange(m_releaseAfterDelivery, false);
    }
    if (release)
        releaseSource();
    else if (!open)
        disconnect();
}

void warnCannotConnect(const char *reason, const QString &topicName)
{
    qWarning("DropSlot::connect: cannot connect to topic \"%s\": %s; the returned Connection is "
             "not connected", qUtf8Printable(NameKey(topicName).forDisplay()), reason);
}

} // namespace DropSlot::detail
