// SPDX-License-Identifier: MIT
#pragma once

#include <DropSlot/dropslotmqtt_export.h>

#include <DropSlot/DropSlot>
#include <DropSlot/codec.h>
#include <DropSlot/mqttoptions.h>
#include <DropSlot/detail/mqttbusadapter.h>

#include <QtCore/QObject>
#include <QtCore/QString>

#include <memory>

namespace DropSlot {

namespace detail {
class MqttBridgePrivate;
}

//! Chooses the codec of an MqttBridge: MqttBridge bridge(bus, withCodec<CborCodec<T>>, options).
template <typename C>
struct WithCodec
{
};
//! The tag value that chooses codec C (see WithCodec).
template <typename C>
inline constexpr WithCodec<C> withCodec{};

//! Carries topics of a bus to and from an MQTT broker, latest-only on the wire: each exported
//! topic has at most one message in flight, publishes meanwhile only replace the value to send
//! next, and the last value published always reaches the broker. Network work runs on a thread
//! of the bridge's own; signals arrive queued in the thread the bridge lives in. See the README,
//! "Across machines (MQTT)".
class DROPSLOTMQTT_EXPORT MqttBridge : public QObject
{
    Q_OBJECT
public:
    //! Disconnected (before start(), after stop()), Connecting (also between retries), Connected.
    enum class State { Disconnected, Connecting, Connected };
    Q_ENUM(State)
    //! Counters since construction.
    struct Stats
    {
        quint64 sent = 0;         //!< messages handed to the broker
        quint64 received = 0;     //!< messages received on imported topics
        quint64 coalesced = 0;    //!< exported values replaced before they were sent
        quint64 decodeErrors = 0; //!< received payloads the codec refused
        quint64 rejected = 0;     //!< refused: bad local name, oversized or empty payload
        quint64 reconnects = 0;   //!< connections re-established after one was lost
    };

    //! A bridge for bus with codec C (Codec<T> unless chosen with withCodec). Does not connect
    //! before start().
    template <typename T, typename C = Codec<T>>
    explicit MqttBridge(const Bus<T> &bus, MqttOptions options = {}, QObject *parent = nullptr)
        : MqttBridge(std::make_shared<detail::TypedMqttBusAdapter<T, C>>(bus), std::move(options), parent)
    {
    }
    //! A bridge for bus with codec C: MqttBridge(bus, withCodec<CborCodec<T>>, options).
    template <typename T, typename C>
    MqttBridge(const Bus<T> &bus, WithCodec<C>, MqttOptions options = {}, QObject *parent = nullptr)
        : MqttBridge(std::make_shared<detail::TypedMqttBusAdapter<T, C>>(bus), std::move(options), parent)
    {
    }
    //! A bridge for a bus seen through an adapter (how the QML element bridges any bus).
    MqttBridge(std::shared_ptr<detail::MqttBusAdapter> bus, MqttOptions options, QObject *parent = nullptr);
    //! stop(), then ends the bridge's thread.
    ~MqttBridge() override;

    //! Local topics matching filter (MQTT syntax, "+" one level, "#" the rest; matched against
    //! local names) are sent to the broker, now and whenever one is created.
    void exportTopics(const QString &filter);
    //! Broker topics matching remotePrefix + filter are published into the bus.
    void importTopics(const QString &filter);
    //! Connects asynchronously; reconnects with backoff until stop().
    void start();
    //! Disconnects cleanly (status "offline" first, if set); on return state() == Disconnected.
    //! Never waits on the network: what the socket does not take at once is dropped.
    void stop();

    //! The connection's state, from any thread.
    State state() const;
    //! Why the last connection attempt failed or the last connection ended; empty if none did.
    QString lastError() const;
    //! The counters, from any thread.
    Stats stats() const;
    //! The options, as corrected at construction (out-of-range values are warned about).
    const MqttOptions &options() const;

Q_SIGNALS:
    //! The state changed.
    void stateChanged(DropSlot::MqttBridge::State state);
    //! A connection attempt failed, a connection was lost, or a filter was refused.
    void errorOccurred(const QString &message);

private:
    std::unique_ptr<detail::MqttBridgePrivate> d;
};

} // namespace DropSlot
