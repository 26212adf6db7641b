// SPDX-License-Identifier: MIT
#pragma once

#include <DropSlot/DropSlot>
#include <DropSlot/dropslotqml_export.h>

#include <QtCore/QObject>
#include <QtQml/QJSValue>
#include <QtQml/qqmlregistration.h>

#include <memory>

namespace DropSlot {

namespace detail {
class QmlBusAdapter;
template <typename T>
class TypedQmlBusAdapter;
class BusProperty;
}

//! A bus for QML. Created in QML (`DropSlotBus {}`) it is a new, private Bus<QVariant>; created
//! in C++ around any Bus<T> it shows QML that bus (see the README, "Giving QML a bus from C++").
//! Elements whose bus is null use defaultBus(); elements whose bus is destroyed show nothing.
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
    //! Shows QML bus, shared with the C++ code that holds it. T must convert to QVariant (numbers,
    //! QString, QByteArray, Qt value types, Q_GADGET types, QVariantMap...); values convert once
    //! per delivery, in the GUI thread, never on the publish path.
    template <typename T>
    explicit DropSlotBus(const Bus<T> &bus, QObject *parent = nullptr)
        : DropSlotBus(std::make_shared<detail::TypedQmlBusAdapter<T>>(bus), parent)
    {
    }
    //! Releases this object's handle to the bus; the bus lives on while others hold it.
    ~DropSlotBus() override;

    //! The C++ name of the bus's value type, e.g. "QVariant" or "double".
    QString valueType() const;

    //! Publishes value (converted to the bus's type) to the topic called name; false, with a QML
    //! warning, when it cannot (see DropSlotTopic::publish).
    Q_INVOKABLE bool publish(const QString &name, const QJSValue &value);
    //! The current value of the topic called name (undefined if none); never creates it.
    Q_INVOKABLE QVariant latest(const QString &name) const;
    //! The names of the bus's topics, in no particular order.
    Q_INVOKABLE QStringList topicNames() const;
    //! Removes and closes the topic called name (elements on it keep their last value, their
    //! publish() returns false); false if there was no such topic.
    Q_INVOKABLE bool removeTopic(const QString &name);

private:
    friend class detail::BusProperty;
    DropSlotBus(std::shared_ptr<const detail::QmlBusAdapter> adapter, QObject *parent);

    std::shared_ptr<const detail::QmlBusAdapter> m_adapter;
};

} // namespace DropSlot

#include <DropSlot/detail/qmlbusadapter.h>
