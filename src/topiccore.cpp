// SPDX-License-Identifier: MIT
#include <DropSlot/detail/topiccore.h>

#include <DropSlot/detail/asyncwait.h>
#include <DropSlot/detail/connectioncore.h>
#include <DropSlot/detail/hazard.h>
#include <DropSlot/detail/namekey.h>

#include "installonce_p.h"

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace DropSlot::detail {

// Waiting machinery, allocated the first time somebody waits on a topic: most topics never
// have a blocked or async waiter, and a mutex plus a condition variable would double their size.
//
// Publishers read 'blocked' and 'asyncQueued' without the mutex: both are written under the
// mutex before the waiter counts itself in m_watchers under the topic's spin lock, so a publish
// that sees the waiter counted also sees them. 'wakePending' spares publishers the mutex and
// the futex wake while blocked threads have been woken but not yet run.
struct Notifier
{
    std::mutex mutex;
    std::condition_variable wake;
    std::atomic<int> blocked{0};            // threads inside waitForChange; written under mutex
    std::atomic<bool> asyncQueued{false};   // asyncWaits is not empty; written under mutex
    std::atomic<bool> wakePending{false};   // woken, not re-armed yet; set under mutex
    std::atomic<quint32> rewakes{0};        // versionReturned() calls; written under mutex
    AsyncWaitBase *asyncWaits = nullptr;    // singly linked through m_next; guarded by mutex
    ConnectionCore *connections = nullptr;  // intrusive list; guarded by the topic's spin lock
};

namespace {
// Topics are counted per thread, in the thread's hazard record, so creating and destroying one
// makes no read-modify-write; a thread that is exiting (it has no record any more) counts here.
std::atomic<qsizetype> s_liveTopicsOfExitingThreads{0};
std::atomic<qsizetype> s_liveAsyncWaits{0};

void countTopics(qint64 delta) noexcept
{
    if (ReaderSlots *mine = HazardGuard::readerSlots()) {
        std::atomic<qint64> &balance = mine->topicBalance;
        balance.store(balance.load(std::memory_order_relaxed) + delta, std::memory_order_relaxed);
    } else {
        s_liveTopicsOfExitingThreads.fetch_add(delta, std::memory_order_relaxed);
    }
}
}

TopicCore::TopicCore(const NameKey &key, quint32 nameOffset) noexcept
    : m_nameOffset(nameOffset), m_nameSize(static_cast<quint32>(key.size()))
{
    key.copyTo(const_cast<char16_t *>(nameData()));
    countTopics(1);
}

TopicCore::~TopicCore()
{
    Notifier *n = m_notifier.load(std::memory_order_acquire);
    Q_ASSERT(!n || n->connections == nullptr);
    if (n) {
        // Waits are queued only for live Subs, which keep the topic alive; should one remain,
        // destroying it cancels its future rather than leaving it unfinished.
        while (n->asyncWaits)
            delete std::exchange(n->asyncWaits, n->asyncWaits->m_next);
    }
    delete n;
    countTopics(-1);
}

qsizetype TopicCore::liveCount() noexcept
{
    return s_liveTopicsOfExitingThreads.load(std::memory_order_relaxed) + topicBalanceOfAllThreads();
}

bool TopicCore::nameEquals(const NameKey &key) const noexcept
{
    return key.equals(nameData(), m_nameSize);
}

Notifier *TopicCore::notifier()
{
    return installOnce(m_notifier, [] { return new Notifier; }, [](Notifier *n) { delete n; });
}

bool TopicCore::close()
{
    bool mustWake = false;
    if (!markClosed(&mustWake))
        return false;
    if (mustWake)
        wakeAfterClose();
    return true;
}

bool TopicCore::markClosed(bool *mustWake)
{
    SpinLocker locker(m_lock);
    const quint64 stamp = m_stamp.load(std::memory_order_relaxed);
    *mustWake = false;
    if (isClosedStamp(stamp))
        return false;
    m_stamp.store(stamp | ClosedBit, std::memory_order_release);
    *mustWake = m_watchers != 0;
    return true;
}

void TopicCore::notifyPublished()
{
    Notifier *n = m_notifier.load(std::memory_order_acquire);
    if (!n)
        return; // m_watchers counts only things that live in the notifier
    // Connections first: an async wait whose completion throws (T's move into the future) must
    // not keep connections from the value.
    flagConnections();
    // Orders the stamp this publish stored before the load of wakePending (pairs with the fence
    // in waitForChange): either we see a blocked thread re-armed, or it sees our stamp.
    std::atomic_thread_fence(std::memory_order_seq_cst);
    const bool mayWake = n->blocked.load(std::memory_order_relaxed) > 0
                         && !n->wakePending.load(std::memory_order_relaxed);
    if (mayWake || n->asyncQueued.load(std::memory_order_relaxed))
        wakeWaiters(n, false);
}

void TopicCore::wakeWaiters(Notifier *n, bool rewake)
{
    AsyncWaitBase *asyncWaits;
    bool wakeBlocked;
    {
        std::lock_guard<std::mutex> locker(n->mutex);
        asyncWaits = std::exchange(n->asyncWaits, nullptr);
        n->asyncQueued.store(false, std::memory_order_relaxed);
        if (rewake)
            n->rewakes.fetch_add(1, std::memory_order_relaxed);
        wakeBlocked = n->blocked.load(std::memory_order_relaxed) > 0
                      && (rewake || !n->wakePending.load(std::memory_order_relaxed));
        if (wakeBlocked)
            n->wakePending.store(true, std::memory_order_relaxed);
    }
    if (wakeBlocked)
        n->wake.notify_all();
    if (asyncWaits)
        completeAsyncWaits(asyncWaits);
}

void TopicCore::versionReturned()
{
    // A Sub's seen version went back (a canceled wait returned its claim): waiters that went to
    // sleep on the newer seen version must look again.
    if (Notifier *n = m_notifier.load(std::memory_order_acquire))
        wakeWaiters(n, true);
}

quint64 TopicCore::waitForChange(quint64 seenVersion, QDeadlineTimer deadline)
{
    quint64 stamp = this->stamp();
    if (versionOf(stamp) > seenVersion || isClosedStamp(stamp) || deadline.hasExpired())
        return stamp;
    Notifier *n = notifier();
    std::unique_lock<std::mutex> locker(n->mutex);
    const quint32 rewakes = n->rewakes.load(std::memory_order_relaxed);
    n->blocked.fetch_add(1, std::memory_order_relaxed);
    {
        // Counted and re-checked under the topic lock: a publish either sees us counted (and
        // then takes the mutex we hold, so its wake-up cannot be lost) or came before this check.
        SpinLocker spin(m_lock);
        ++m_watchers;
        stamp = m_stamp.load(std::memory_order_relaxed);
    }
    // A rewake (versionReturned) ends the wait too: the caller's seen version may have gone back.
    while (versionOf(stamp) <= seenVersion && !isClosedStamp(stamp)
           && n->rewakes.load(std::memory_order_relaxed) == rewakes) {
        // Re-arm: the next publish must wake us again. Then look once more, since a publish
        // that saw the old wake-up still pending did not take the mutex.
        n->wakePending.store(false, std::memory_order_relaxed);
        std::atomic_thread_fence(std::memory_order_seq_cst);
        stamp = m_stamp.load(std::memory_order_relaxed);
        if (versionOf(stamp) > seenVersion || isClosedStamp(stamp))
            break;
        if (deadline.isForever()) {
            n->wake.wait(locker);
        } else {
            const qint64 remaining = deadline.remainingTimeNSecs();
            if (remaining <= 0)
                break;
            n->wake.wait_for(locker, std::chrono::nanoseconds(remaining));
        }
        stamp = m_stamp.load(std::memory_order_acquire);
    }
    n->blocked.fetch_sub(1, std::memory_order_relaxed);
    {
        SpinLocker spin(m_lock);
        --m_watchers;
    }
    return stamp;
}

void TopicCore::addAsyncWait(AsyncWaitBase *wait)
{
    Notifier *n = notifier();
    bool orphaned = false;
    bool queued = false;
    AsyncWaitBase *canceled = nullptr;
    {
        std::lock_guard<std::mutex> locker(n->mutex);
        // Waits whose futures were canceled leave now rather than at the next publish, so
        // timeouts repeated on a quiet topic do not pile up.
        canceled = unlinkAsyncWaits(n, [](AsyncWaitBase *w) { return w->isCanceled(); });
        // Checked under the mutex that ~Sub's cancelAsyncWaits() takes after marking the link:
        // either we see the Sub gone, or its cancel finds this wait queued.
        orphaned = !wait->link()->subAlive();
        if (!orphaned) {
            // Counted and checked under the topic lock, inside the mutex (the order waitForChange
            // uses): a publish either sees the wait counted and queued, or came before the check,
            // and then the wait is completed here instead of being queued.
            SpinLocker spin(m_lock);
            const quint64 stamp = m_stamp.load(std::memory_order_relaxed);
            if (versionOf(stamp) <= wait->link()->seen() && !isClosedStamp(stamp)) {
                ++m_watchers;
                wait->m_next = n->asyncWaits;
                n->asyncWaits = wait;
                n->asyncQueued.store(true, std::memory_order_relaxed);
                queued = true;
            }
        }
    }
    deleteAsyncWaits(canceled);
    if (queued)
        return; // the next publish or close completes it (and may free it at any moment now)
    if (orphaned) {
        delete wait; // its Sub is gone: the future is canceled
        return;
    }
    if (wait->tryComplete(this))
        delete wait;
    else
        addAsyncWait(wait); // its Sub took that version meanwhile: wait for the next one
}

void TopicCore::completeAsyncWaits(AsyncWaitBase *list)
{
    quint32 count = 0;
    for (AsyncWaitBase *w = list; w; w = w->m_next)
        ++count;
    {
        SpinLocker spin(m_lock);
        m_watchers -= count;
    }
    while (list) {
        AsyncWaitBase *wait = std::exchange(list, list->m_next);
        wait->m_next = nullptr;
        if (wait->tryComplete(this))
            delete wait;
        else
            addAsyncWait(wait); // its Sub already took this version: wait for the next one
    }
}

template <typename Predicate>
AsyncWaitBase *TopicCore::unlinkAsyncWaits(Notifier *n, Predicate matches)
{
    // Called with n->mutex held. The unlinked waits leave m_watchers at once; the caller
    // deletes them with no lock held.
    AsyncWaitBase *unlinked = nullptr;
    quint32 count = 0;
    for (AsyncWaitBase **p = &n->asyncWaits; *p;) {
        AsyncWaitBase *w = *p;
        if (matches(w)) {
            *p = w->m_next;
            w->m_next = unlinked;
            unlinked = w;
            ++count;
        } else {
            p = &w->m_next;
        }
    }
    n->asyncQueued.store(n->asyncWaits != nullptr, std::memory_order_relaxed);
    if (count) {
        SpinLocker spin(m_lock);
        m_watchers -= count;
    }
    return unlinked;
}

void TopicCore::deleteAsyncWaits(AsyncWaitBase *list)
{
    // Destroying an unfinished QPromise cancels its future (and runs its continuations), so
    // this happens with no lock held.
    while (list)
        delete std::exchange(list, list->m_next);
}

void TopicCore::cancelAsyncWaits(const void *owner)
{
    Notifier *n = m_notifier.load(std::memory_order_acquire);
    if (!n)
        return;
    AsyncWaitBase *canceled;
    {
        std::lock_guard<std::mutex> locker(n->mutex);
        canceled = unlinkAsyncWaits(n, [owner](AsyncWaitBase *w) { return w->link() == owner; });
    }
    deleteAsyncWaits(canceled);
}

void TopicCore::attachConnection(ConnectionCore *connection)
{
    Notifier *n = notifier(); // allocated (if needed) before taking the spin lock
    SpinLocker spin(m_lock);
    connection->m_prevInTopic = nullptr;
    connection->m_nextInTopic = n->connections;
    if (n->connections)
        n->connections->m_prevInTopic = connection;
    n->connections = connection;
    ++m_watchers;
}

void TopicCore::detachConnection(ConnectionCore *connection)
{
    Notifier *n = m_notifier.load(std::memory_order_acquire);
    if (!n)
        return; // never attached
    SpinLocker spin(m_lock);
    if (connection->m_prevInTopic)
        connection->m_prevInTopic->m_nextInTopic = connection->m_nextInTopic;
    else if (n->connections == connection)
        n->connections = connection->m_nextInTopic;
    else
        return; // not attached
    if (connection->m_nextInTopic)
        connection->m_nextInTopic->m_prevInTopic = connection->m_prevInTopic;
    connection->m_prevInTopic = connection->m_nextInTopic = nullptr;
    --m_watchers;
}

void TopicCore::flagConnections()
{
    // Flag every idle connection pending under the lock (one load for each one already
    // pending), chaining the newly flagged ones through their own link field, then hand them
    // to their dispatchers with no lock held. Nothing is allocated: a connection can be on
    // one chain at most, because only the publish that flips its flag links it.
    Notifier *n = m_notifier.load(std::memory_order_acquire);
    if (!n)
        return;
    ConnectionCore *flagged = nullptr;
    {
        SpinLocker spin(m_lock);
        for (ConnectionCore *c = n->connections; c; c = c->m_nextInTopic) {
            if (c->markPending()) {
                c->ref();
                c->m_nextFlagged = flagged;
                flagged = c;
            }
        }
    }
    while (flagged) {
        ConnectionCore *c = std::exchange(flagged, flagged->m_nextFlagged);
        c->m_nextFlagged = nullptr;
        c->schedule();
        c->deref();
    }
}

AsyncWaitBase::AsyncWaitBase(SubLink *link) noexcept : m_link(link)
{
    m_link->ref();
    s_liveAsyncWaits.fetch_add(1, std::memory_order_relaxed);
}

AsyncWaitBase::~AsyncWaitBase()
{
    m_link->deref();
    s_liveAsyncWaits.fetch_sub(1, std::memory_order_relaxed);
}

qsizetype AsyncWaitBase::liveCount() noexcept
{
    return s_liveAsyncWaits.load(std::memory_order_relaxed);
}

} // namespace DropSlot::detail
