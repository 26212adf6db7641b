// SPDX-License-Identifier: MIT
#pragma once

#include <DropSlot/connect.h>
#include <DropSlot/defaultbus.h>

#include <QtCore/QObject>
#include <QtCore/QProperty>
#include <QtCore/QVariant>

namespace DropSlot {

//! A QObject view of one Topic<QVariant>: its newest value as a bindable property with a
//! change signal, fed by a coalescing connection (one update per event-loop turn at most,
//! however fast the topic is published). Lives in, and updates in, its own thread.
class DROPSLOT_EXPORT TopicWatcher : public QObject
{
    Q_OBJECT
    //! The newest value delivered; an invalid QVariant before the first delivery.
    Q_PROPERTY(QVariant value READ value NOTIFY valueChanged BINDABLE bindableValue FINAL)
    //! True once a value was delivered.
    Q_PROPERTY(bool hasValue READ hasValue NOTIFY hasValueChanged BINDABLE bindableHasValue FINAL)
    //! The version of value; 0 before the first delivery.
    Q_PROPERTY(quint64 version READ version NOTIFY versionChanged BINDABLE bindableVersion FINAL)
    //! The watched topic's name; empty when no topic is watched.
    Q_PROPERTY(QString topicName READ topicName NOTIFY topicChanged FINAL)

public:
    //! A watcher of no topic yet; see setTopic().
    explicit TopicWatcher(QObject *parent = nullptr);
    //! Watches topic right away (its current value arrives queued if options.deliverCurrent).
    explicit TopicWatcher(const Topic<QVariant> &topic, QObject *parent = nullptr, ConnectOptions options = {});
    //! Ends the connection.
    ~TopicWatcher() override;

    //! Switches to topic (an invalid Topic stops watching); value, hasValue and version keep
    //! their last values until the new topic delivers.
    void setTopic(const Topic<QVariant> &topic, ConnectOptions options = {});
    //! The watched topic; an invalid Topic when none is.
    Topic<QVariant> topic() const { return m_topic; }
    //! The topicName property.
    QString topicName() const { return m_topic.name(); }

    //! The value property.
    QVariant value() const { return m_value.value(); }
    //! The value property, bindable.
    QBindable<QVariant> bindableValue() { return &m_value; }
    //! The hasValue property.
    bool hasValue() const { return m_hasValue.value(); }
    //! The hasValue property, bindable.
    QBindable<bool> bindableHasValue() { return &m_hasValue; }
    //! The version property.
    quint64 version() const { return m_version.value(); }
    //! The version property, bindable.
    QBindable<quint64> bindableVersion() { return &m_version; }
    //! The connection feeding this watcher (for its delivered/coalesced counts).
    Connection connection() const { return m_connection; }

Q_SIGNALS:
    //! A new value was delivered.
    void valueChanged();
    //! The first value was delivered.
    void hasValueChanged();
    //! A new version was delivered.
    void versionChanged();
    //! setTopic() switched to another topic.
    void topicChanged();

private:
    void receive(const QVariant &value, quint64 version);

    Topic<QVariant> m_topic;
    Connection m_connection;
    Q_OBJECT_BINDABLE_PROPERTY(TopicWatcher, QVariant, m_value, &TopicWatcher::valueChanged)
    Q_OBJECT_BINDABLE_PROPERTY(TopicWatcher, bool, m_hasValue, &TopicWatcher::hasValueChanged)
    Q_OBJECT_BINDABLE_PROPERTY(TopicWatcher, quint64, m_version, &TopicWatcher::versionChanged)
};

} // namespace DropSlot
