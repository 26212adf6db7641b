// SPDX-License-Identifier: MIT
#pragma once

#include <DropSlot/dropslotqml_export.h>

#include <DropSlot/DropSlot>

#include <QtCore/QMetaType>
#include <QtCore/QVariant>

#include <functional>
#include <memory>

namespace DropSlot::detail {

//! One topic of some Bus<T>, seen through QVariant. Values are converted to QVariant only where
//! they are read (snapshot, deliveries: the GUI thread), never on the publish path of T.
class DROPSLOTQML_EXPORT QmlTopicHandle
{
public:
    virtual ~QmlTopicHandle();
    virtual QString name() const = 0;
    virtual bool isClosed() const = 0;
    //! Identifies the topic object (a removed and re-created name gives another identity).
    virtual const void *identity() const = 0;
    //! The current value (invalid QVariant if none) and its version, read together.
    virtual std::pair<QVariant, quint64> snapshot() const = 0;
    //! Converts value to T and publishes it; on failure returns false and sets *error.
    virtual bool publish(const QVariant &value, QString *error) const = 0;
    using Receiver = std::function<void(const QVariant &, quint64)>;
    //! A coalescing connection delivering (value as QVariant, version) in context's thread.
    virtual Connection connect(const QObject *context, Receiver receiver, ConnectOptions options) const = 0;
};

//! A Bus<T> seen through QVariant, for the QML types.
class DROPSLOTQML_EXPORT QmlBusAdapter
{
public:
    virtual ~QmlBusAdapter();
    //! Get or create (nullptr for an empty name, without a warning: QML's transient state).
    virtual std::unique_ptr<QmlTopicHandle> topic(const QString &name) const = 0;
    //! The topic if it exists; never creates one.
    virtual std::unique_ptr<QmlTopicHandle> findTopic(const QString &name) const = 0;
    virtual QStringList topicNames() const = 0;
    //! Removes and closes the topic; false if it did not exist.
    virtual bool removeTopic(const QString &name) const = 0;
    virtual Connection watchTopics(const QObject *context, TopicEventFunction function) const = 0;
    //! The name of T, for messages.
    virtual QByteArray valueTypeName() const = 0;
};

//! T to QVariant (identity for QVariant itself).
template <typename T>
QVariant toVariant(const T &value)
{
    if constexpr (std::is_same_v<T, QVariant>)
        return value;
    else
        return QVariant::fromValue(value);
}

//! QVariant to T, or nullopt when the value cannot be held by a Bus<T>.
template <typename T>
std::optional<T> fromVariant(const QVariant &value)
{
    if constexpr (std::is_same_v<T, QVariant>) {
        return value;
    } else {
        if (value.metaType() == QMetaType::fromType<T>())
            return value.value<T>();
        QVariant converted = value;
        if (!value.isValid() || !converted.convert(QMetaType::fromType<T>()))
            return std::nullopt;
        return converted.value<T>();
    }
}

template <typename T>
class TypedQmlTopicHandle final : public QmlTopicHandle
{
public:
    explicit TypedQmlTopicHandle(Topic<T> topic) : m_topic(std::move(topic)) { }
    QString name() const override { return m_topic.name(); }
    bool isClosed() const override { return m_topic.isClosed(); }
    const void *identity() const override { return TopicAccess::state(m_topic); }
    std::pair<QVariant, quint64> snapshot() const override
    {
        auto s = TopicAccess::state(m_topic)->read();
        return {s.value ? toVariant(*s.value) : QVariant(), TopicCore::versionOf(s.stamp)};
    }
    bool publish(const QVariant &value, QString *error) const override
    {
        std::optional<T> converted = fromVariant<T>(value);
        if (!converted) {
            *error = QStringLiteral("a %1 cannot be converted to %2")
                         .arg(QString::fromLatin1(value.isValid() ? value.typeName() : "undefined value"),
                              QString::fromLatin1(QMetaType::fromType<T>().name()));
            return false;
        }
        if (!m_topic.publish(std::move(*converted))) {
            *error = QStringLiteral("the topic is closed (it was removed or its bus destroyed)");
            return false;
        }
        return true;
    }
    Connection connect(const QObject *context, Receiver receiver, ConnectOptions options) const override
    {
        return DropSlot::connect(m_topic, context,
                                 [receiver = std::move(receiver)](const T &value, quint64 version) {
                                     receiver(toVariant(value), version);
                                 },
                                 options);
    }

private:
    Topic<T> m_topic;
};

template <typename T>
class TypedQmlBusAdapter final : public QmlBusAdapter
{
public:
    explicit TypedQmlBusAdapter(Bus<T> bus) : m_bus(std::move(bus)) { }
    std::unique_ptr<QmlTopicHandle> topic(const QString &name) const override
    {
        if (name.isEmpty())
            return nullptr;
        return std::make_unique<TypedQmlTopicHandle<T>>(m_bus.topic(name));
    }
    std::unique_ptr<QmlTopicHandle> findTopic(const QString &name) const override
    {
        if (auto found = m_bus.findTopic(name))
            return std::make_unique<TypedQmlTopicHandle<T>>(std::move(*found));
        return nullptr;
    }
    QStringList topicNames() const override { return m_bus.topicNames(); }
    bool removeTopic(const QString &name) const override { return m_bus.removeTopic(name).has_value(); }
    Connection watchTopics(const QObject *context, TopicEventFunction function) const override
    {
        return DropSlot::watchTopics(m_bus, context, std::move(function));
    }
    QByteArray valueTypeName() const override { return QMetaType::fromType<T>().name(); }

private:
    Bus<T> m_bus;
};

} // namespace DropSlot::detail
