// SPDX-License-Identifier: MIT
#pragma once

#include <DropSlot/dropslotbus.h>

#include <QtCore/QBasicTimer>
#include <QtCore/QObject>
#include <QtCore/QPointer>
#include <QtCore/QProperty>
#include <QtQml/QJSValue>
#include <QtQml/QQmlParserStatus>
#include <QtQml/qqmlregistration.h>

#include <memory>

namespace DropSlot {

namespace detail {
class FrameGate;
}

//! One topic's newest value as bindable QML properties. Deliveries are coalesced, and inside a
//! QQuickWindow applied at most once per rendered frame (a hidden window gets none); outside a
//! window, at most once per event-loop turn.
//! The QML type is described on the \ref qml page.
class DROPSLOTQML_EXPORT DropSlotTopic : public QObject, public QQmlParserStatus
{
    Q_OBJECT
    QML_ELEMENT
    Q_INTERFACES(QQmlParserStatus)
    //! The topic; changing it re-subscribes and shows that topic's current value at once.
    Q_PROPERTY(QString name READ name WRITE setName NOTIFY nameChanged FINAL)
    //! The bus; null means DropSlot::defaultBus(). If the bus object is destroyed, the element
    //! clears its value and warns, and shows nothing until it is given another bus.
    Q_PROPERTY(DropSlot::DropSlotBus *bus READ bus WRITE setBus NOTIFY busChanged FINAL)
    //! false: no deliveries (e.g. a hidden page); true again shows the latest value.
    Q_PROPERTY(bool active READ isActive WRITE setActive NOTIFY activeChanged FINAL)
    //! At least this many ms between deliveries; 0: every frame (or event-loop turn). A negative
    //! value is refused with a warning.
    Q_PROPERTY(int minimumInterval READ minimumInterval WRITE setMinimumInterval NOTIFY minimumIntervalChanged FINAL)
    //! stale turns true when no new value arrived for this many ms; 0: never stale. A negative
    //! value is refused with a warning.
    Q_PROPERTY(int staleAfter READ staleAfter WRITE setStaleAfter NOTIFY staleAfterChanged FINAL)
    //! The topic's newest value shown; undefined before the first (read-only).
    Q_PROPERTY(QVariant value READ value NOTIFY valueChanged BINDABLE bindableValue FINAL)
    //! True once the topic's value is shown (read-only).
    Q_PROPERTY(bool hasValue READ hasValue NOTIFY hasValueChanged BINDABLE bindableHasValue FINAL)
    //! The version of value, as a JavaScript number; 0 before the first (read-only).
    Q_PROPERTY(double version READ version NOTIFY versionChanged BINDABLE bindableVersion FINAL)
    //! True when staleAfter ms passed since the last new value (read-only).
    Q_PROPERTY(bool stale READ isStale NOTIFY staleChanged BINDABLE bindableStale FINAL)

public:
    //! An element on no topic yet (its name is empty).
    explicit DropSlotTopic(QObject *parent = nullptr);
    //! Ends the subscription.
    ~DropSlotTopic() override;

    //! The name property.
    QString name() const { return m_name; }
    //! Sets the name property.
    void setName(const QString &name);
    //! The bus property.
    DropSlotBus *bus() const { return m_bus.get(); }
    //! Sets the bus property.
    void setBus(DropSlotBus *bus);
    //! The active property.
    bool isActive() const { return m_active; }
    //! Sets the active property.
    void setActive(bool active);
    //! The minimumInterval property.
    int minimumInterval() const { return m_minimumInterval; }
    //! Sets the minimumInterval property.
    void setMinimumInterval(int ms);
    //! The staleAfter property.
    int staleAfter() const { return m_staleAfter; }
    //! Sets the staleAfter property.
    void setStaleAfter(int ms);

    //! The value property.
    QVariant value() const { return m_value.value(); }
    //! The value property, bindable.
    QBindable<QVariant> bindableValue() { return &m_value; }
    //! The hasValue property.
    bool hasValue() const { return m_hasValue.value(); }
    //! The hasValue property, bindable.
    QBindable<bool> bindableHasValue() { return &m_hasValue; }
    //! The version property.
    double version() const { return m_version.value(); }
    //! The version property, bindable.
    QBindable<double> bindableVersion() { return &m_version; }
    //! The stale property.
    bool isStale() const { return m_stale.value(); }
    //! The stale property, bindable.
    QBindable<bool> bindableStale() { return &m_stale; }

    //! Publishes value to the topic. false, with a QML warning at the calling QML line, for an
    //! empty name, a closed topic, a destroyed bus, or a value the bus cannot hold (see README).
    Q_INVOKABLE bool publish(const QJSValue &value);

    //! Applies the staged delivery (called by the window's frame gate, which has dropped the
    //! element from its list).
    void applyStaged();

    //! Holds back subscribing until every property of the QML declaration is set.
    void classBegin() override;
    //! Subscribes, with every property of the QML declaration set.
    void componentComplete() override;

Q_SIGNALS:
    //! The name property changed.
    void nameChanged();
    //! The bus property changed (also when its DropSlotBus is destroyed).
    void busChanged();
    //! The active property changed.
    void activeChanged();
    //! The minimumInterval property changed.
    void minimumIntervalChanged();
    //! The staleAfter property changed.
    void staleAfterChanged();
    //! A new value is shown, or the topic changed.
    void valueChanged();
    //! The hasValue property changed.
    void hasValueChanged();
    //! The version property changed.
    void versionChanged();
    //! The stale property changed.
    void staleChanged();

protected:
    //! Turns stale true when staleAfter passes without a new value.
    void timerEvent(QTimerEvent *event) override;

private:
    void resubscribe();
    void receive(const QVariant &value, quint64 version);
    void show(const QVariant &value, quint64 version);
    detail::FrameGate *frameGate();
    void restartStaleTimer();

    QString m_name;
    detail::BusProperty m_bus;
    bool m_active = true;
    bool m_complete = true; // false between classBegin and componentComplete
    int m_minimumInterval = 0;
    int m_staleAfter = 0;

    std::unique_ptr<detail::QmlTopicHandle> m_topic;
    Connection m_connection;
    quint64 m_shownVersion = 0;
    bool m_staged = false;
    QVariant m_stagedValue;
    quint64 m_stagedVersion = 0;
    QPointer<detail::FrameGate> m_gate; // the gate holding this element, until it applies it
    QBasicTimer m_staleTimer;

    Q_OBJECT_BINDABLE_PROPERTY(DropSlotTopic, QVariant, m_value, &DropSlotTopic::valueChanged)
    Q_OBJECT_BINDABLE_PROPERTY(DropSlotTopic, bool, m_hasValue, &DropSlotTopic::hasValueChanged)
    Q_OBJECT_BINDABLE_PROPERTY(DropSlotTopic, double, m_version, &DropSlotTopic::versionChanged)
    Q_OBJECT_BINDABLE_PROPERTY(DropSlotTopic, bool, m_stale, &DropSlotTopic::staleChanged)
};

} // namespace DropSlot
