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
    : DropSlotBus(std::make_shared<detail::TypedQmlBusAdapter<QVariant>>(VariantBus()), parent)
{
}

DropSlotBus::DropSlotBus(std::shared_ptr<const detail::QmlBusAdapter> adapter, QObject *parent)
    : QObject(parent), m_adapter(std::move(adapter))
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

DropSlotBus *detail::BusProperty::get() const
{
    return m_bus;
}

std::shared_ptr<const detail::QmlBusAdapter> detail::BusProperty::adapter() const
{
    if (m_lost)
        return nullptr;
    if (m_adapter)
        return m_adapter;
    // One adapter for the default bus, shared by every element that has no bus set.
    static const std::shared_ptr<const QmlBusAdapter> defaultAdapter =
        std::make_shared<TypedQmlBusAdapter<QVariant>>(defaultBus());
    return defaultAdapter;
}

bool detail::BusProperty::set(DropSlotBus *bus, QObject *owner, std::function<void()> onChanged,
                              std::function<QString()> lostWarning)
{
    // A lost bus stays lost until another bus is set: null is what a binding to the destroyed
    // object evaluates to as it goes, not a choice of the default bus.
    if (bus == m_bus)
        return false;
    QObject::disconnect(m_destroyed);
    m_bus = bus;
    m_lost = false;
    m_adapter = bus ? bus->m_adapter : nullptr;
    if (bus) {
        m_destroyed = QObject::connect(bus, &QObject::destroyed, owner,
                                       [this, owner, onChanged, lostWarning] {
            // Not the default bus: that would show another source's data under the same name.
            m_bus = nullptr;
            m_lost = true;
            m_adapter.reset();
            onChanged();
            // Said a moment later, and only if the owner outlives the moment.
            QMetaObject::invokeMethod(owner, [this, owner, lostWarning] {
                if (m_lost)
                    qmlWarning(owner).noquote() << lostWarning();
            }, Qt::QueuedConnection);
        });
    }
    onChanged();
    return true;
}

} // namespace DropSlot
