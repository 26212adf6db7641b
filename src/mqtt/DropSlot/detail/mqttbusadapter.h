// SPDX-License-Identifier: MIT
// Internals of MqttBridge: a Bus<T> and its codec seen through encoded payloads, so that the
// bridge itself is compiled once, not per value type. Not part of the API.
#pragma once

#include <DropSlot/dropslotmqtt_export.h>

#include <DropSlot/DropSlot>

#include <QtCore/QByteArray>
#include <QtCore/QByteArrayView>
#include <QtCore/QStringList>

#include <functional>
#include <memory>
#include <optional>

namespace DropSlot::detail {

//! One topic the bridge uses: holding it keeps it from cleanupUnusedTopics(); an exported one
//! also has a coalescing connection that tells the bridge a newer value exists.
class DROPSLOTMQTT_EXPORT MqttTopicLink
{
public:
    virtual ~MqttTopicLink();
    struct Encoded
    {
        QByteArray payload;
        quint64 version = 0;
    };
    virtual bool isClosed() const = 0;
    //! The newest value not taken before, encoded; with evenIfTaken, the newest value anyway.
    //! nullopt if there is none; payload is empty if the codec produced nothing (or threw).
    virtual std::optional<Encoded> take(bool evenIfTaken) = 0;
    enum class Import { Published, Invalid, Closed };
    //! Decodes payload and publishes it; *reencoded is the codec's encoding of what was
    //! published (how this bridge would send the same value).
    virtual Import publish(QByteArrayView payload, QByteArray *reencoded) = 0;
};

//! A bus and a codec, type-erased for the bridge's thread.
class DROPSLOTMQTT_EXPORT MqttBusAdapter
{
public:
    virtual ~MqttBusAdapter();
    virtual QStringList topicNames() const = 0;
    virtual Connection watchTopics(const QObject *context, TopicEventFunction function) const = 0;
    //! Gets or creates the topic called name and holds it. With changed, also connects to it:
    //! changed runs in context's thread, coalesced, when a value newer than the last taken exists
    //! (at once if the topic has one), at most once per minimumIntervalMs.
    virtual std::unique_ptr<MqttTopicLink> link(const QString &name, const QObject *context,
                                                std::function<void()> changed,
                                                int minimumIntervalMs) const = 0;
    //! Removes and closes the topic; false if it did not exist.
    virtual bool removeTopic(const QString &name) const = 0;
    //! The value type's name, for messages.
    virtual QByteArray valueTypeName() const = 0;
};

template <typename T, typename C>
class TypedMqttTopicLink final : public MqttTopicLink
{
public:
    TypedMqttTopicLink(Topic<T> topic, const QObject *context, std::function<void()> changed,
                       int minimumIntervalMs)
        : m_topic(std::move(topic)), m_sub(m_topic.subscribe())
    {
        if (changed)
            m_connection = DropSlot::connect(
                    m_topic, context, [changed = std::move(changed)](const T &) { changed(); },
                    ConnectOptions{true, minimumIntervalMs});
    }
    ~TypedMqttTopicLink() override { m_connection.disconnect(); }

    bool isClosed() const override { return m_topic.isClosed(); }

    std::optional<Encoded> take(bool evenIfTaken) override
    {
        // Value and version read together; encoding happens here, once per message sent, not
        // once per publish. A value published before the link existed counts as not taken.
        auto snapshot = TopicAccess::state(m_topic)->read();
        const quint64 version = TopicCore::versionOf(snapshot.stamp);
        if (!snapshot.value || (!evenIfTaken && version <= m_taken))
            return std::nullopt;
        m_taken = version;
        return Encoded{encode(*snapshot.value), version};
    }

    Import publish(QByteArrayView payload, QByteArray *reencoded) override
    {
        std::optional<T> value;
        try {
            value = C::decode(payload);
            if (value)
                *reencoded = C::encode(*value);
        } catch (...) { // a user's codec: its failure is an invalid payload, not a dead bridge
            return Import::Invalid;
        }
        if (!value)
            return Import::Invalid;
        return m_topic.publish(std::move(*value)) ? Import::Published : Import::Closed;
    }

private:
    static QByteArray encode(const T &value)
    {
        try {
            return C::encode(value);
        } catch (...) {
            return {};
        }
    }

    Topic<T> m_topic;
    Sub<T> m_sub; // a user of the topic, like any subscriber: keeps it from cleanup
    Connection m_connection;
    quint64 m_taken = 0;
};

template <typename T, typename C>
class TypedMqttBusAdapter final : public MqttBusAdapter
{
public:
    explicit TypedMqttBusAdapter(Bus<T> bus) : m_bus(std::move(bus)) { }
    QStringList topicNames() const override { return m_bus.topicNames(); }
    Connection watchTopics(const QObject *context, TopicEventFunction function) const override
    {
        return DropSlot::watchTopics(m_bus, context, std::move(function));
    }
    std::unique_ptr<MqttTopicLink> link(const QString &name, const QObject *context,
                                        std::function<void()> changed, int minimumIntervalMs) const override
    {
        return std::make_unique<TypedMqttTopicLink<T, C>>(m_bus.topic(name), context, std::move(changed),
                                                          minimumIntervalMs);
    }
    bool removeTopic(const QString &name) const override { return m_bus.removeTopic(name).has_value(); }
    QByteArray valueTypeName() const override { return QMetaType::fromType<T>().name(); }

private:
    Bus<T> m_bus;
};

} // namespace DropSlot::detail
