// SPDX-License-Identifier: MIT
#pragma once

#include <DropSlot/connection.h>
#include <DropSlot/detail/connectioncore.h>
#include <DropSlot/detail/topicstate.h>

#include <functional>
#include <type_traits>

namespace DropSlot::detail {

namespace testing {
//! Test seam: when set, runs in every topic delivery right after the value was read, so a test
//! can land a publish exactly there. Never set outside tests.
DROPSLOT_EXPORT extern void (*afterDeliveryRead)();
}

//! Warns about a connect() that cannot be made.
DROPSLOT_EXPORT void warnCannotConnect(const char *reason, const QString &topicName);
//! Warns that reading a topic's value for a delivery threw (T's copy), so it was skipped.
DROPSLOT_EXPORT void warnDeliveryFailed(QStringView topicName);

//! Calls f(value, version) or f(value), whichever f accepts.
template <typename T, typename F>
void invokeWithVersion(F &function, const T &value, quint64 version)
{
    if constexpr (std::is_invocable_v<F &, const T &, quint64>)
        std::invoke(function, value, version);
    else
        std::invoke(function, value);
}

//! A coalescing connection from a TopicState<T> to a function run in the context's thread.
//! Publishes only flag it; each delivery reads the newest value and its version, so delivered
//! versions strictly increase and the last publish is always delivered.
template <typename T, typename F>
class TopicConnection final : public ConnectionCore
{
public:
    TopicConnection(TopicState<T> *state, const QObject *context, F function, ConnectOptions options)
        : ConnectionCore(context, options.minimumIntervalMs), m_state(state), m_function(std::move(function))
    {
        m_state->ref();
        const quint64 version = m_state->version();
        // deliverCurrent: pretend the version before the current one was delivered.
        m_lastVersion = options.deliverCurrent && version > 0 ? version - 1 : version;
    }

    //! Attaches, then schedules a delivery if there is already something to deliver (the
    //! current value, or a publish that came before the attach). False when the context's
    //! thread has finished: the connection is then already ended.
    bool begin()
    {
        // Read before start(): once attached, a delivery in the receiving thread may update the
        // baseline, or end the connection and release the topic, so keep a reference of our own.
        const quint64 baseline = m_lastVersion;
        TopicState<T> *state = m_state;
        state->ref();
        const bool started = start();
        // Something to deliver already: the current value, a publish that came before the
        // attach, or a close (which then ends the connection from the receiving thread).
        const quint64 stamp = state->stamp();
        state->deref();
        if (started && (TopicCore::versionOf(stamp) > baseline || TopicCore::isClosedStamp(stamp))
            && markPending())
            schedule();
        return started;
    }

private:
    void attach() override
    {
        ref(); // the topic's list holds one
        m_state->attachConnection(this);
    }
    void detach() override
    {
        m_state->detachConnection(this);
        deref();
    }
    void releaseSource() noexcept override
    {
        std::exchange(m_state, nullptr)->deref();
    }
    bool deliver() override
    {
        clearPending(); // before reading: a publish during the read schedules another delivery
        typename TopicState<T>::Snapshot snapshot{std::nullopt, 0};
        try {
            snapshot = m_state->read();
        } catch (...) {
            // T's copy threw: this delivery is skipped, the connection and the topic carry on.
            warnDeliveryFailed(m_state->nameView());
            return true;
        }
        if (Q_UNLIKELY(testing::afterDeliveryRead))
            testing::afterDeliveryRead();
        const quint64 version = TopicCore::versionOf(snapshot.stamp);
        if (version > m_lastVersion && snapshot.value) {
            countDelivery(version - m_lastVersion - 1);
            m_lastVersion = version;
            invokeWithVersion(m_function, *snapshot.value, version);
        }
        return !TopicCore::isClosedStamp(snapshot.stamp);
    }
    ~TopicConnection() override
    {
        if (m_state)
            m_state->deref();
    }

    TopicState<T> *m_state;
    F m_function;
    quint64 m_lastVersion; // receiving thread only, after construction
};

} // namespace DropSlot::detail
