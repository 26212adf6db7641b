// SPDX-License-Identifier: MIT
// Small helpers the test suites share.
#pragma once

#include <DropSlot/DropSlot>

#include <QtCore/QStringList>

#include <mutex>

namespace TestSupport {

//! Blocked waiters, queued async waits and connections on the topic: lets a test act exactly
//! when a waiter is blocked instead of guessing with a sleep.
template <typename T>
quint32 watchers(const DropSlot::Topic<T> &topic)
{
    return DropSlot::detail::TopicAccess::state(topic)->watcherCount();
}

//! Collects invariant violations from any thread (QCOMPARE only works on the test thread).
class Failures
{
public:
    void add(const QString &what)
    {
        std::lock_guard<std::mutex> locker(m_mutex);
        if (m_messages.size() < 20)
            m_messages.append(what);
        ++m_count;
    }
    int count() const
    {
        std::lock_guard<std::mutex> locker(m_mutex);
        return m_count;
    }
    QString summary() const
    {
        std::lock_guard<std::mutex> locker(m_mutex);
        return m_messages.join(u'\n');
    }

private:
    mutable std::mutex m_mutex;
    QStringList m_messages;
    int m_count = 0;
};

} // namespace TestSupport
