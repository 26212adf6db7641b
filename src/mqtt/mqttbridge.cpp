// SPDX-License-Identifier: MIT
#include <DropSlot/mqttbridge.h>

#include "mqttlogging_p.h"
#include "mqttsession_p.h"
#include "mqttstatus_p.h"

#include <QtCore/QThread>

namespace DropSlot {

namespace detail {

MqttTopicLink::~MqttTopicLink() = default;
MqttBusAdapter::~MqttBusAdapter() = default;

class MqttBridgePrivate
{
public:
    MqttOptions options;
    MqttStatus status;
    QThread thread;
    MqttSession *session = nullptr;

    //! Runs f in the session's thread and waits for it (never from that thread itself).
    void runAndWait(std::function<void()> f)
    {
        if (QThread::currentThread() == &thread)
            return f();
        session->enqueue(std::move(f));
        QMetaObject::invokeMethod(session, "runQueued", Qt::BlockingQueuedConnection);
    }
    //! Runs f in the session's thread, later.
    void post(std::function<void()> f)
    {
        session->enqueue(std::move(f));
        QMetaObject::invokeMethod(session, "runQueued", Qt::QueuedConnection);
    }
};

namespace {

MqttOptions checked(MqttOptions options)
{
    if (options.qos < 0 || options.qos > 2) {
        qCWarning(lcMqtt, "DropSlot MQTT bridge: qos %d is not 0, 1 or 2; using 1", options.qos);
        options.qos = 1;
    }
    if (options.keepAliveSeconds != 0 && options.keepAliveSeconds < 5) {
        qCWarning(lcMqtt, "DropSlot MQTT bridge: keepAliveSeconds %d is below MQTT clients' minimum "
                          "of 5; using 5", options.keepAliveSeconds);
        options.keepAliveSeconds = 5;
    }
    if (options.maxPayloadBytes < 1) {
        qCWarning(lcMqtt, "DropSlot MQTT bridge: maxPayloadBytes %lld refuses everything; using "
                          "the default", static_cast<long long>(options.maxPayloadBytes));
        options.maxPayloadBytes = MqttOptions{}.maxPayloadBytes;
    }
    options.minimumIntervalMs = std::max(0, options.minimumIntervalMs);
    return options;
}

} // namespace
} // namespace detail

MqttBridge::MqttBridge(std::shared_ptr<detail::MqttBusAdapter> bus, MqttOptions options, QObject *parent)
    : QObject(parent), d(std::make_unique<detail::MqttBridgePrivate>())
{
    d->options = detail::checked(std::move(options));
    d->session = new detail::MqttSession(std::move(bus), d->options, &d->status);
    d->session->moveToThread(&d->thread);
    d->thread.setObjectName(QStringLiteral("DropSlot MQTT"));
    // Queued into this object's thread: users see signals where the bridge lives.
    connect(d->session, &detail::MqttSession::stateChanged, this, &MqttBridge::stateChanged);
    connect(d->session, &detail::MqttSession::errorOccurred, this, &MqttBridge::errorOccurred);
    d->thread.start();
}

MqttBridge::~MqttBridge()
{
    d->runAndWait([s = d->session] { s->shutdown(); });
    d->thread.quit();
    d->thread.wait();
    delete d->session; // its thread has ended; it holds no timers or sockets any more
}

void MqttBridge::exportTopics(const QString &filter)
{
    d->post([s = d->session, filter] { s->addExport(filter); });
}

void MqttBridge::importTopics(const QString &filter)
{
    d->post([s = d->session, filter] { s->addImport(filter); });
}

void MqttBridge::start()
{
    d->post([s = d->session] { s->start(); });
}

void MqttBridge::stop()
{
    d->runAndWait([s = d->session] { s->stop(); });
}

MqttBridge::State MqttBridge::state() const
{
    return d->status.state.load();
}

QString MqttBridge::lastError() const
{
    return d->status.lastErrorCopy();
}

MqttBridge::Stats MqttBridge::stats() const
{
    const auto &s = d->status;
    return {s.sent.load(std::memory_order_relaxed),         s.received.load(std::memory_order_relaxed),
            s.coalesced.load(std::memory_order_relaxed),    s.decodeErrors.load(std::memory_order_relaxed),
            s.rejected.load(std::memory_order_relaxed),     s.reconnects.load(std::memory_order_relaxed)};
}

const MqttOptions &MqttBridge::options() const
{
    return d->options;
}

} // namespace DropSlot
