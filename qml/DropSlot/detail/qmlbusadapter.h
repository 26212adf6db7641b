// SPDX-License-Identifier: MIT
// Internals of the QML types: a Bus<T> seen through QVariant. Not part of the API; included by
// dropslotbus.h for DropSlotBus's constructor template.
#pragma once

#include <DropSlot/dropslotqml_export.h>

#include <DropSlot/DropSlot>

#include <QtCore/QMetaType>
#include <QtCore/QPointer>
#include <QtCore/QVariant>

#include <functional>
#include <memory>
#include <optional>

namespace DropSlot {

class DropSlotBus;

namespace detail {

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

//! Converts value (as QML handed it over) to target without losing information: numbers must
//! fit (whole and in range for integer types), a Q_GADGET is built from an object's properties.
//! On failure returns false and sets *error to a reason written in QML's terms.
DROPSLOTQML_EXPORT bool convertForBus(const QVariant &value, QMetaType target, QVariant *out,
                                      QString *error);

//! T to QVariant (identity for QVariant itself).
template <typename T>
QVariant toVariant(const T &value)
{
    if constexpr (std::is_same_v<T, QVariant>)
        return value;
    else
        return QVariant::fromValue(value);
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
        bool published;
        if constexpr (std::is_same_v<T, QVariant>) {
            published = m_topic.publish(value);
        } else {
            QVariant converted;
            if (!convertForBus(value, QMetaType::fromType<T>(), &converted, error))
                return false;
            Q_ASSERT(converted.metaType() == QMetaType::fromType<T>());
            published = m_topic.publish(std::move(*static_cast<T *>(converted.data())));
        }
        if (!published)
            *error = QStringLiteral("the topic is closed (it was removed or its bus destroyed)");
        return published;
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

//! The bus property of the QML types. Null means defaultBus(). When the DropSlotBus object is
//! destroyed the property reads null but the bus is lost, not replaced: adapter() is null (the
//! element shows nothing) until another bus is set; setting null then changes nothing.
class DROPSLOTQML_EXPORT BusProperty
{
public:
    DropSlotBus *get() const;
    //! True once the bus object was destroyed, until another bus is set.
    bool isLost() const { return m_lost; }
    //! The bus to use: the set bus's, defaultBus()'s when none is set, null when it was lost.
    std::shared_ptr<const QmlBusAdapter> adapter() const;
    //! Sets the bus; false if unchanged. onChanged runs now, and again if the bus object is
    //! destroyed (the property then reads null); owner is the property's object. If owner
    //! outlives that moment, it warns lostWarning() (a bus and its elements destroyed together,
    //! as a page closes, is nothing to warn about).
    bool set(DropSlotBus *bus, QObject *owner, std::function<void()> onChanged,
             std::function<QString()> lostWarning);

private:
    QPointer<DropSlotBus> m_bus;
    bool m_lost = false;
    std::shared_ptr<const QmlBusAdapter> m_adapter; // of m_bus, which may go at any time
    QMetaObject::Connection m_destroyed;
};

} // namespace detail
} // namespace DropSlot
