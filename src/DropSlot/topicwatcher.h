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
    Q_PROPERTY(QVariant value READ value NOTIFY valueChanged BINDABLE bindableValue FINAL)
    Q_PROPERTY(bool hasValue READ hasValue NOTIFY hasValueChanged BINDABLE bindableHasValue FINAL)
    Q_PROPERTY(quint64 version READ version NOTIFY versionChanged BINDABLE bindableVersion FINAL)
    Q_PROPERTY(QString topicName READ topicName NOTIFY topicChanged FINAL)

public:
    explicit TopicWatcher(QObject *parent = nullptr);
    //! Watches topic right away (its current value arrives queued if options.deliverCurrent).
    explicit TopicWatcher(const Topic<QVariant> &topic, QObject *parent = nullptr, ConnectOptions options = {});
    ~TopicWatcher() override;

    //! Switches to topic (an invalid Topic stops watching); value, hasValue and version keep
    //! their last values until the new topic delivers.
    void setTopic(const Topic<QVariant> &topic, ConnectOptions options = {});
    Topic<QVariant> topic() const { return m_topic; }
    QString topicName() const { return m_topic.name(); }

    QVariant value() const { return m_value.value(); }
    QBindable<QVariant> bindableValue() { return &m_value; }
    bool hasValue() const { return m_hasValue.value(); }
    QBindable<bool> bindableHasValue() { return &m_hasValue; }
    quint64 version() const { return m_version.value(); }
    QBindable<quint64> bindableVersion() { return &m_version; }
    //! The connection feeding this watcher (for its delivered/coalesced counts).
    Connection connection() const { return m_connection; }

Q_SIGNALS:
    void valueChanged();
    void hasValueChanged();
    void versionChanged();
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
