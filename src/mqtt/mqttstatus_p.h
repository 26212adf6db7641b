// SPDX-License-Identifier: MIT
// What the bridge's thread reports and any thread may read: state, counters, last error.
#pragma once

#include <DropSlot/mqttbridge.h>

#include <QtCore/QMutex>
#include <QtCore/QString>

#include <atomic>

namespace DropSlot::detail {

struct MqttStatus
{
    std::atomic<MqttBridge::State> state{MqttBridge::State::Disconnected};
    std::atomic<quint64> sent{0}, received{0}, coalesced{0}, decodeErrors{0}, rejected{0}, reconnects{0};

    void setLastError(const QString &message)
    {
        QMutexLocker lock(&mutex);
        lastError = message;
    }
    QString lastErrorCopy() const
    {
        QMutexLocker lock(&mutex);
        return lastError;
    }

    static void add(std::atomic<quint64> &counter, quint64 n = 1)
    {
        // One writer (the bridge's thread): a plain store keeps the hot path free of a locked
        // read-modify-write; readers on other threads see whole values.
        counter.store(counter.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
    }

private:
    mutable QMutex mutex;
    QString lastError;
};

} // namespace DropSlot::detail
