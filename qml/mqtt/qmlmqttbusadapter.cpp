// SPDX-License-Identifier: MIT
#include "qmlmqttbusadapter_p.h"

#include <DropSlot/codec.h>

namespace DropSlot::detail {

namespace {

//! One topic of a QML-seen bus, held for the bridge (holding the handle keeps it from cleanup).
class QmlMqttTopicLink final : public MqttTopicLink
{
public:
    QmlMqttTopicLink(std::unique_ptr<QmlTopicHandle> topic, QMetaType valueType,
                     const QObject *context, std::function<void()> changed, int minimumIntervalMs)
        : m_topic(std::move(topic)), m_valueType(valueType)
    {
        if (m_topic && changed) {
            m_connection = m_topic->connect(
                    context, [changed = std::move(changed)](const QVariant &, quint64) { changed(); },
                    ConnectOptions{.deliverCurrent = true, .minimumIntervalMs = minimumIntervalMs});
        }
    }
    ~QmlMqttTopicLink() override { m_connection.disconnect(); }

    bool isClosed() const override { return !m_topic || m_topic->isClosed(); }

    std::optional<Encoded> take(bool evenIfTaken) override
    {
        if (!m_topic)
            return std::nullopt;
        // Value and version read together; a value published before the link counts as new.
        const auto [value, version] = m_topic->snapshot();
        if (version == 0 || (!evenIfTaken && version <= m_taken))
            return std::nullopt;
        m_taken = version;
        return Encoded{encode(value), version};
    }

    Import publish(QByteArrayView payload, QByteArray *reencoded) override
    {
        if (!m_topic)
            return Import::Closed;
        const std::optional<QVariant> decoded = Codec<QVariant>::decode(payload);
        if (!decoded)
            return Import::Invalid;
        // Converted here, as the handle would, so that the re-encoding is of what the bus holds
        // (a typed bus's int 21 for the payload "21.0"): that is what the export would send.
        QVariant value = *decoded;
        QString error;
        if (m_valueType.isValid() && !convertForBus(*decoded, m_valueType, &value, &error))
            return Import::Invalid;
        *reencoded = encode(value);
        if (m_topic->publish(value, &error))
            return Import::Published;
        return m_topic->isClosed() ? Import::Closed : Import::Invalid;
    }

private:
    static QByteArray encode(const QVariant &value)
    {
        try {
            return Codec<QVariant>::encode(value);
        } catch (...) { // an empty payload: the bridge refuses and counts it
            return {};
        }
    }

    std::unique_ptr<QmlTopicHandle> m_topic; // null for an empty name: a closed link
    QMetaType m_valueType;
    Connection m_connection;
    quint64 m_taken = 0;
};

} // namespace

QmlMqttBusAdapter::QmlMqttBusAdapter(std::shared_ptr<const QmlBusAdapter> bus)
    : m_bus(std::move(bus)), m_valueType(QMetaType::fromName(m_bus->valueTypeName()))
{
}

QStringList QmlMqttBusAdapter::topicNames() const
{
    return m_bus->topicNames();
}

Connection QmlMqttBusAdapter::watchTopics(const QObject *context, TopicEventFunction function) const
{
    return m_bus->watchTopics(context, std::move(function));
}

std::unique_ptr<MqttTopicLink> QmlMqttBusAdapter::link(const QString &name, const QObject *context,
                                                       std::function<void()> changed,
                                                       int minimumIntervalMs) const
{
    return std::make_unique<QmlMqttTopicLink>(m_bus->topic(name), m_valueType, context,
                                              std::move(changed), minimumIntervalMs);
}

bool QmlMqttBusAdapter::removeTopic(const QString &name) const
{
    return m_bus->removeTopic(name);
}

QByteArray QmlMqttBusAdapter::valueTypeName() const
{
    return m_bus->valueTypeName();
}

} // namespace DropSlot::detail
