// SPDX-License-Identifier: MIT
#pragma once

#include <DropSlot/expected.h>
#include <DropSlot/detail/topicstate.h>

#include <QtCore/QDeadlineTimer>
#include <QtCore/QFuture>
#include <QtCore/QString>

#include <functional>
#include <optional>
#include <type_traits>

namespace DropSlot {

template <typename T>
class Topic;

//! A subscriber: reads the newest value of one topic, each version at most once.
//! Move-only; used by one thread at a time, but it may move between threads.
//! A new Sub has already seen the topic's current version: tryGetMessage() reports Empty until
//! the next publish, while latest() returns the current value.
template <typename T>
class Sub
{
public:
    //! An invalid subscriber; every read reports Disconnected.
    Sub() noexcept = default;
    //! Takes over other's subscription and seen version; other becomes invalid.
    Sub(Sub &&other) noexcept { swap(other); }
    //! Takes over other's subscription, ending the one this Sub had.
    Sub &operator=(Sub &&other) noexcept
    {
        Sub(std::move(other)).swap(*this);
        return *this;
    }
    //! Not copyable: a Sub owns its seen version.
    Sub(const Sub &) = delete; // a Sub owns its seen version; two copies would both claim it
    //! Not copyable: a Sub owns its seen version.
    Sub &operator=(const Sub &) = delete;
    //! Ends the subscription; see waitForMessage() for its pending futures.
    ~Sub() { release(); }

    //! The next unseen value; Empty when there is none yet, Disconnected once the topic is
    //! closed and its last value was seen. An unchanged topic costs one atomic load.
    Expected<T> tryGetMessage();
    //! tryGetMessage(), then f(const T &) on the value; Expected<R> of f's result. Like
    //! latestWith(), f reads the value in place, with no copy, lock or reference count (with
    //! latestWith()'s exceptions).
    template <typename F>
    auto tryGetMessageAndApply(F &&f);
    //! Blocks until an unseen value exists, the topic closes (Disconnected) or deadline passes
    //! (Empty). QDeadlineTimer::Forever waits without limit.
    Expected<T> waitForMessage(QDeadlineTimer deadline);
    //! Resolves with the newest value once one this Sub has not seen exists (at once if one
    //! does), or with nullopt when the topic closes. Continuations without a context run in the
    //! publishing thread. If the Sub is destroyed first, the future is canceled (or resolves,
    //! if a publish is completing it at that moment); it never stays unfinished. Cancel a future
    //! you give up on: a canceled wait claims nothing, the value stays for the next read.
    QFuture<std::optional<T>> waitForMessage();

    //! The topic's current value (seen or not), if it ever had one. Does not mark it seen.
    std::optional<T> latest() const { return m_state ? m_state->latest() : std::nullopt; }
    //! f(const T &) on the current value, without a lock or a reference count: f reads the
    //! value in place (or a copy of it, for small trivially copyable T, and for a read that
    //! comes long after the topic's last reads: see the README's "Reads take no lock").
    template <typename F>
    auto latestWith(F &&f) const;
    //! True once the topic has a value.
    bool hasLatest() const noexcept { return m_state && m_state->version() > 0; }

    //! The topic's name; empty for an invalid Sub.
    QString topicName() const { return m_state ? m_state->name() : QString(); }
    //! The version of the last value this Sub received (or that existed when it subscribed).
    quint64 lastSeenVersion() const noexcept { return seen(); }
    //! False for a default-constructed or moved-from Sub, or one from an invalid Topic.
    bool isValid() const noexcept { return m_state != nullptr; }
    //! True when the topic is closed (unseen values may still be readable).
    bool isClosed() const noexcept { return !m_state || m_state->isClosed(); }

    //! Exchanges the subscriptions of two Subs.
    void swap(Sub &other) noexcept
    {
        std::swap(m_state, other.m_state);
        std::swap(m_seen, other.m_seen);
        std::swap(m_link, other.m_link);
    }

private:
    friend class Topic<T>;
    using State = detail::TopicState<T>;

    // Takes over one reference and one subscriber count of state.
    Sub(State *state, quint64 seen) noexcept : m_state(state), m_seen(seen) { }

    quint64 seen() const noexcept { return m_link ? m_link->seen() : m_seen; }
    bool markSeen(quint64 version) noexcept { return markSeen(m_link, version); }
    //! markSeen() with m_link loaded before (a read that checked it already: the compiler cannot
    //! keep it across the hazard slot's stores).
    bool markSeen(detail::SubLink *link, quint64 version) noexcept
    {
        if (link)
            return link->claim(version);
        m_seen = version;
        return true;
    }
    void release() noexcept;
    //! Why a read found nothing to claim: Disconnected once the topic is closed, else Empty.
    BusError nothingNew() const noexcept;
    //! tryGetMessage() once it knows a newer version exists (kept apart: the check that finds
    //! nothing new stays small enough to inline).
    Expected<T> takeMessage();
    static QFuture<std::optional<T>> readyFuture(std::optional<T> value);

    State *m_state = nullptr;
    quint64 m_seen = 0;
    // Created by the first async wait; from then on it holds the seen version.
    detail::SubLink *m_link = nullptr;
};

// ---- implementation -------------------------------------------------------------------------

template <typename T>
BusError Sub<T>::nothingNew() const noexcept
{
    return detail::TopicCore::isClosedStamp(m_state->stamp()) ? BusError::disconnected()
                                                               : BusError::empty();
}

template <typename T>
Expected<T> Sub<T>::tryGetMessage()
{
    using detail::TopicCore;
    if (Q_UNLIKELY(!m_state))
        return detail::makeFailure<T>(BusError::disconnected());
    const quint64 stamp = m_state->stamp();
    if (TopicCore::versionOf(stamp) <= seen())
        return detail::makeFailure<T>(TopicCore::isClosedStamp(stamp) ? BusError::disconnected()
                                                                      : BusError::empty());
    return takeMessage();
}

template <typename T>
Expected<T> Sub<T>::takeMessage()
{
    using detail::TopicCore;
    return m_state->withPinned([this](const T *value, quint64 stamp) {
        if (Q_UNLIKELY(!value))
            return detail::makeFailure<T>(nothingNew());
        // Copied before the version is marked seen: a copy that throws leaves it unseen.
        Expected<T> message(*value);
        if (Q_UNLIKELY(!markSeen(TopicCore::versionOf(stamp))))
            return detail::makeFailure<T>(nothingNew()); // an async wait of this Sub took it first
        return message;
    });
}

template <typename T>
template <typename F>
auto Sub<T>::tryGetMessageAndApply(F &&f)
{
    using detail::TopicCore;
    using R = std::invoke_result_t<F, const T &>;
    if (Q_UNLIKELY(!m_state))
        return detail::makeFailure<R>(BusError::disconnected());
    const quint64 stamp = m_state->stamp();
    detail::SubLink *const link = m_link; // only this Sub's own calls change it
    if (TopicCore::versionOf(stamp) <= (link ? link->seen() : m_seen))
        return detail::makeFailure<R>(TopicCore::isClosedStamp(stamp) ? BusError::disconnected()
                                                                      : BusError::empty());
    // f is user code: it runs only on a version this Sub has claimed. What comes out of the
    // pinned read is a std::optional (or a bool), which compilers keep in registers; the
    // Expected is built after.
    const auto claim = [this, link](const T *value, quint64 pinned) {
        return value && markSeen(link, TopicCore::versionOf(pinned));
    };
    if constexpr (std::is_void_v<R>) {
        const bool ran = m_state->withPinned([&](const T *value, quint64 pinned) {
            if (Q_UNLIKELY(!claim(value, pinned)))
                return false;
            std::invoke(std::forward<F>(f), *value);
            return true;
        });
        return ran ? Expected<void>() : detail::makeFailure<void>(nothingNew());
    } else {
        std::optional<R> result = m_state->withPinned([&](const T *value, quint64 pinned) {
            if (Q_UNLIKELY(!claim(value, pinned)))
                return std::optional<R>();
            return std::optional<R>(std::invoke(std::forward<F>(f), *value));
        });
        if (Q_UNLIKELY(!result))
            return detail::makeFailure<R>(nothingNew());
        return Expected<R>(std::move(*result));
    }
}

template <typename T>
Expected<T> Sub<T>::waitForMessage(QDeadlineTimer deadline)
{
    for (;;) {
        Expected<T> message = tryGetMessage();
        if (message || message.error().isDisconnected())
            return message;
        const quint64 stamp = m_state->waitForChange(seen(), deadline);
        if (detail::TopicCore::versionOf(stamp) <= seen() && !detail::TopicCore::isClosedStamp(stamp))
            return detail::makeFailure<T>(BusError::empty()); // deadline passed
    }
}

template <typename T>
QFuture<std::optional<T>> Sub<T>::waitForMessage()
{
    Expected<T> message = tryGetMessage();
    if (message)
        return readyFuture(std::move(*message));
    if (message.error().isDisconnected())
        return readyFuture(std::nullopt);
    if (!m_link)
        m_link = new detail::SubLink(m_seen);
    auto *wait = new detail::AsyncWait<T>(m_link);
    QFuture<std::optional<T>> future = wait->future();
    m_state->addAsyncWait(wait); // may complete it at once; the future stays valid
    return future;
}

template <typename T>
template <typename F>
auto Sub<T>::latestWith(F &&f) const
{
    using R = std::invoke_result_t<F, const T &>;
    static_assert(!std::is_void_v<R>, "latestWith needs a function that returns a value");
    if (Q_UNLIKELY(!m_state))
        return std::optional<R>();
    return m_state->withPinned([&](const T *value, quint64) {
        return value ? std::optional<R>(std::invoke(std::forward<F>(f), *value)) : std::optional<R>();
    });
}

template <typename T>
void Sub<T>::release() noexcept
{
    if (m_state) {
        if (m_link) {
            m_link->subDestroyed(); // before canceling: a wait being re-queued sees it
            m_state->cancelAsyncWaits(m_link);
        }
        m_state->deref(detail::TopicCore::OneRef + detail::TopicCore::OneSubscriber);
        m_state = nullptr;
    }
    if (m_link) {
        m_link->deref();
        m_link = nullptr;
    }
}

template <typename T>
QFuture<std::optional<T>> Sub<T>::readyFuture(std::optional<T> value)
{
#if QT_VERSION >= QT_VERSION_CHECK(6, 6, 0)
    return QtFuture::makeReadyValueFuture(std::move(value));
#else
    return QtFuture::makeReadyFuture(std::move(value));
#endif
}

} // namespace DropSlot
