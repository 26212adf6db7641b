// SPDX-License-Identifier: MIT
// The MQTT bridge's view of a bus that QML sees: any Bus<T> behind a DropSlotBus, with payloads
// in JSON (Codec<QVariant>). Not part of the API; exported for the tests.
#pragma once

#include <DropSlot/dropslotqmlmqtt_export.h>

#include <DropSlot/detail/mqttbusadapter.h>
#include <DropSlot/detail/qmlbusadapter.h>

#include <QtCore/QMetaType>

#include <memory>

namespace DropSlot::detail {

//! A QmlBusAdapter seen by MqttBridge. Values are encoded with Codec<QVariant>; received ones are
//! converted to the bus's type as a publish from QML is, and a value that does not fit is an
//! invalid payload (the bridge counts it in decodeErrors).
class DROPSLOTQMLMQTT_EXPORT QmlMqttBusAdapter final : public MqttBusAdapter
{
public:
    explicit QmlMqttBusAdapter(std::shared_ptr<const QmlBusAdapter> bus);

    QStringList topicNames() const override;
    Connection watchTopics(const QObject *context, TopicEventFunction function) const override;
    std::unique_ptr<MqttTopicLink> link(const QString &name, const QObject *context,
                                        std::function<void()> changed,
                                        int minimumIntervalMs) const override;
    bool removeTopic(const QString &name) const override;
    QByteArray valueTypeName() const override;

private:
    std::shared_ptr<const QmlBusAdapter> m_bus;
    QMetaType m_valueType; // invalid when the name is not registered: values go unconverted
};

} // namespace DropSlot::detail
