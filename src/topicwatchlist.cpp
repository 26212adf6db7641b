// SPDX-License-Identifier: MIT
#include <DropSlot/detail/topicwatchlist.h>

#include "logging_p.h"

#include <DropSlot/watchtopics.h>
#include <DropSlot/detail/connectioncore.h>
#include <DropSlot/detail/topiccore.h>

#include <QtCore/QList>

#include <algorithm>

namespace DropSlot::detail {

//! A watchTopics() connection: collects events under its own mutex and delivers them all in
//! one pass of its thread's dispatcher.
class TopicWatchConnection final : public ConnectionCore
{
public:
    TopicWatchConnection(TopicWatchList *list, const QObject *context, TopicEventFunction function)
        : ConnectionCore(context, 0), m_list(list), m_function(std::move(function))
    {
        m_list->ref();
    }

    bool begin() { return start(); }

    //! Appends an event; true if the connection must now be scheduled.
    bool push(const QString &name, TopicEvent event)
    {
        {
            std::lock_guard<std::mutex> locker(m_eventsMutex);
            m_events.append({name, event});
        }
        return markPending();
    }

    void wake()
    {
        if (markPending())
            schedule();
    }

private:
    void attach() override
    {
        ref(); // the list holds one
        m_list->add(this);
    }
    void detach() override
    {
        m_list->remove(this);
        deref();
    }
    void releaseSource() noexcept override { std::exchange(m_list, nullptr)->deref(); }
    bool deliver() override
    {
        clearPending();
        QList<std::pair<QString, TopicEvent>> events;
        {
            std::lock_guard<std::mutex> locker(m_eventsMutex);
            events.swap(m_events);
        }
        for (const auto &[name, event] : std::as_const(events)) {
            if (!isConnected())
                break; // the function disconnected us
            countDelivery(0);
            m_function(name, event);
        }
        return !m_list->isClosed();
    }
    ~TopicWatchConnection() override
    {
        if (m_list)
            m_list->deref();
    }

    TopicWatchList *m_list;
    TopicEventFunction m_function;
    std::mutex m_eventsMutex;
    QList<std::pair<QString, TopicEvent>> m_events; // guarded by m_eventsMutex
};

void TopicWatchList::queue(const QString &name, bool created, std::vector<TopicWatchConnection *> *flagged)
{
    // The caller holds m_mutex (lockForAnnouncing). Room first: a watcher flagged is one woken.
    if (flagged->capacity() - flagged->size() < m_watchers.size())
        flagged->reserve(std::max(flagged->size() + m_watchers.size(), 2 * flagged->capacity()));
    for (TopicWatchConnection *watcher : m_watchers) {
        if (watcher->push(name, created ? TopicEvent::Created : TopicEvent::Removed)) {
            watcher->ref();
            flagged->push_back(watcher);
        }
    }
}

void TopicWatchList::wake(const std::vector<TopicWatchConnection *> &flagged)
{
    for (TopicWatchConnection *watcher : flagged) {
        watcher->schedule();
        watcher->deref();
    }
}

void TopicWatchList::close()
{
    std::vector<TopicWatchConnection *> watchers;
    {
        std::lock_guard<std::mutex> locker(m_mutex);
        m_closed = true;
        watchers = m_watchers;
        for (TopicWatchConnection *watcher : watchers)
            watcher->ref();
    }
    for (TopicWatchConnection *watcher : watchers) {
        watcher->wake(); // its next delivery sees the list closed and ends it
        watcher->deref();
    }
}

bool TopicWatchList::isClosed() const
{
    std::lock_guard<std::mutex> locker(m_mutex);
    return m_closed;
}

void TopicWatchList::add(TopicWatchConnection *watcher)
{
    std::lock_guard<std::mutex> locker(m_mutex);
    m_watchers.push_back(watcher);
    m_count.store(static_cast<int>(m_watchers.size()), std::memory_order_release);
}

void TopicWatchList::remove(TopicWatchConnection *watcher)
{
    std::lock_guard<std::mutex> locker(m_mutex);
    m_watchers.erase(std::remove(m_watchers.begin(), m_watchers.end(), watcher), m_watchers.end());
    m_count.store(static_cast<int>(m_watchers.size()), std::memory_order_release);
}

Connection watchTopics(BusCore *bus, const QObject *context, TopicEventFunction function)
{
    if (Q_UNLIKELY(!context)) {
        qCWarning(lcConnect, "DropSlot::watchTopics: the context object is null; the returned Connection is "
                 "not connected");
        return Connection();
    }
    auto *watcher = new TopicWatchConnection(bus->watchList(), context, std::move(function));
    if (Q_UNLIKELY(!watcher->begin())) {
        qCWarning(lcConnect, "DropSlot::watchTopics: the context object's thread has finished (or it has no "
                 "thread); the returned Connection is not connected");
    }
    return Connection(watcher);
}

} // namespace DropSlot::detail
