// SPDX-License-Identifier: MIT
#include <DropSlot/topicwatcher.h>

namespace DropSlot {

TopicWatcher::TopicWatcher(QObject *parent) : QObject(parent) { }

TopicWatcher::TopicWatcher(const Topic<QVariant> &topic, QObject *parent, ConnectOptions options)
    : QObject(parent)
{
    setTopic(topic, options);
}

TopicWatcher::~TopicWatcher()
{
    m_connection.disconnect();
}

void TopicWatcher::setTopic(const Topic<QVariant> &topic, ConnectOptions options)
{
    m_connection.disconnect();
    const bool changed = !(topic == m_topic);
    m_topic = topic;
    m_connection = topic.isValid() ? DropSlot::connect(topic, this, &TopicWatcher::receive, options) : Connection();
    if (changed)
        Q_EMIT topicChanged();
}

void TopicWatcher::receive(const QVariant &value, quint64 version)
{
    // Set all three, then notify: observers of one signal already see the others updated.
    const bool hadValue = m_hasValue.value();
    m_value.setValueBypassingBindings(value);
    m_version.setValueBypassingBindings(version);
    m_hasValue.setValueBypassingBindings(true);
    m_value.notify();
    m_version.notify();
    if (!hadValue)
        m_hasValue.notify();
}

} // namespace DropSlot
