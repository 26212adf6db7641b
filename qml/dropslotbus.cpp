// SPDX-License-Identifier: MIT
#include <DropSlot/dropslotbus.h>

#include "jsvalue_p.h"

#include <QtQml/QJSValue>
#include <QtQml/qqmlinfo.h>

namespace DropSlot {

namespace detail {
QmlTopicHandle::~QmlTopicHandle() = default;
QmlBusAdapter::~QmlBusAdapter() = default;
}

DropSlotBus::DropSlotBus(QObject *parent)
    : QObject(parent), m_adapter(std::make_shared<detail::TypedQmlBusAdapter<QVariant>>(VariantBus()))
{
}

DropSlotBus::~DropSlotBus() = default;

QString DropSlotBus::valueType() const
{
    return QString::fromLatin1(m_adapter->valueTypeName());
}

bool DropSlotBus::publish(const QString &name, const QJSValue &value)
{
    return detail::publishFromQml(this, "DropSlotBus.publish", m_adapter->topic(name).get(), value);
}

QVariant DropSlotBus::latest(const QString &name) const
{
    const auto topic = m_adapter->findTopic(name);
    return topic ? topic->snapshot().first : QVariant();
}

QStringList DropSlotBus::topicNames() const
{
    return m_adapter->topicNames();
}

bool DropSlotBus::removeTopic(const QString &name)
{
    return m_adapter->removeTopic(name);
}

std::shared_ptr<const detail::QmlBusAdapter> DropSlotBus::adapterFor(const DropSlotBus *bus)
{
    if (bus)
        return bus->m_adapter;
    // One adapter for the default bus, shared by every element that has no bus set.
    static const std::shared_ptr<const detail::QmlBusAdapter> defaultAdapter =
        std::make_shared<detail::TypedQmlBusAdapter<QVariant>>(defaultBus());
    return defaultAdapter;
}

bool detail::BusProperty::set(DropSlotBus *bus, QObject *owner, std::function<void()> onChanged)
{
    if (bus == m_bus)
        return false;
    QObject::disconnect(m_destroyed);
    m_bus = bus;
    if (bus) {
        m_destroyed = QObject::connect(bus, &QObject::destroyed, owner, [this, onChanged] {
            m_bus = nullptr;
            onChanged();
        });
    }
    onChanged();
    return true;
}

} // namespace DropSlot
