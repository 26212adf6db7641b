// SPDX-License-Identifier: MIT
#pragma once

#include <DropSlot/qmlbusadapter.h>

#include <QtCore/QObject>
#include <QtCore/QPointer>
#include <QtQml/QJSValue>
#include <QtQml/qqmlregistration.h>

#include <functional>
#include <memory>

namespace DropSlot {

//! A bus for QML. Created in QML (`DropSlotBus {}`) it is a new, private Bus<QVariant>; created
//! in C++ from any Bus<T> whose T converts to QVariant (numbers, QString, QByteArray, Q_GADGET
//! types, QVariantMap) it exposes that bus: values convert to QVariant once per delivery, in
//! the GUI thread, never on the publish path. Elements whose bus is null use defaultBus().
//! The QML type is described on the \ref qml page.
class DROPSLOTQML_EXPORT DropSlotBus : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    //! The name of the bus's value type (constant).
    Q_PROPERTY(QString valueType READ valueType CONSTANT FINAL)

public:
    //! A new Bus<QVariant> of its own.
    explicit DropSlotBus(QObject *parent = nullptr);
    //! Exposes bus (shared with the C++ code that holds it) to QML.
    template <typename T>
    explicit DropSlotBus(const Bus<T> &bus, QObject *parent = nullptr)
        : QObject(parent), m_adapter(std::make_shared<detail::TypedQmlBusAdapter<T>>(bus))
    {
    }
    //! Releases this object's handle to the bus; the bus lives on while others hold it.
    ~DropSlotBus() override;

    //! The name of the bus's value type, e.g. "QVariant" or "double".
    QString valueType() const;

    //! Publishes value (converted to the bus's type) to the topic called name.
    Q_INVOKABLE bool publish(const QString &name, const QJSValue &value);
    //! The current value of the topic called name (undefined if none); never creates it.
    Q_INVOKABLE QVariant latest(const QString &name) const;
    //! The names of the bus's topics, in no particular order.
    Q_INVOKABLE QStringList topicNames() const;
    //! Removes and closes the topic called name (elements on it keep their last value, their
    //! publish() returns false); false if there was no such topic.
    Q_INVOKABLE bool removeTopic(const QString &name);

    //! The bus as QML's types use it.
    const std::shared_ptr<const detail::QmlBusAdapter> &adapter() const { return m_adapter; }
    //! The adapter for bus, or for defaultBus() when bus is null.
    static std::shared_ptr<const detail::QmlBusAdapter> adapterFor(const DropSlotBus *bus);

private:
    std::shared_ptr<const detail::QmlBusAdapter> m_adapter;
};

namespace detail {
//! The bus property of the QML types: follows a DropSlotBus object, and when that object is
//! destroyed falls back to null (the default bus), like an unset property.
class DROPSLOTQML_EXPORT BusProperty
{
public:
    DropSlotBus *get() const { return m_bus; }
    //! Sets the bus; false if unchanged. onChanged runs now, and again if the bus object is
    //! destroyed (with the property already null); owner is the object that has the property.
    bool set(DropSlotBus *bus, QObject *owner, std::function<void()> onChanged);

private:
    QPointer<DropSlotBus> m_bus;
    QMetaObject::Connection m_destroyed;
};
}

} // namespace DropSlot
