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
class DROPSLOTQML_EXPORT DropSlotTopic : public QObject, public QQmlParserStatus
{
    Q_OBJECT
    QML_ELEMENT
    Q_INTERFACES(QQmlParserStatus)
    //! The topic; changing it re-subscribes and shows that topic's current value at once.
    Q_PROPERTY(QString name READ name WRITE setName NOTIFY nameChanged FINAL)
    //! The bus; null means DropSlot::defaultBus().
    Q_PROPERTY(DropSlot::DropSlotBus *bus READ bus WRITE setBus NOTIFY busChanged FINAL)
    //! false: no deliveries (e.g. a hidden page); true again shows the latest value.
    Q_PROPERTY(bool active READ isActive WRITE setActive NOTIFY activeChanged FINAL)
    //! At least this many ms between deliveries; 0: every frame (or event-loop turn).
    Q_PROPERTY(int minimumInterval READ minimumInterval WRITE setMinimumInterval NOTIFY minimumIntervalChanged FINAL)
    //! stale turns true when no new value arrived for this many ms; 0: never stale.
    Q_PROPERTY(int staleAfter READ staleAfter WRITE setStaleAfter NOTIFY staleAfterChanged FINAL)
    Q_PROPERTY(QVariant value READ value NOTIFY valueChanged BINDABLE bindableValue FINAL)
    Q_PROPERTY(bool hasValue READ hasValue NOTIFY hasValueChanged BINDABLE bindableHasValue FINAL)
    Q_PROPERTY(double version READ version NOTIFY versionChanged BINDABLE bindableVersion FINAL)
    Q_PROPERTY(bool stale READ isStale NOTIFY staleChanged BINDABLE bindableStale FINAL)

public:
    explicit DropSlotTopic(QObject *parent = nullptr);
    ~DropSlotTopic() override;

    QString name() const { return m_name; }
    void setName(const QString &name);
    DropSlotBus *bus() const { return m_bus.get(); }
    void setBus(DropSlotBus *bus);
    bool isActive() const { return m_active; }
    void setActive(bool active);
    int minimumInterval() const { return m_minimumInterval; }
    void setMinimumInterval(int ms);
    int staleAfter() const { return m_staleAfter; }
    void setStaleAfter(int ms);

    QVariant value() const { return m_value.value(); }
    QBindable<QVariant> bindableValue() { return &m_value; }
    bool hasValue() const { return m_hasValue.value(); }
    QBindable<bool> bindableHasValue() { return &m_hasValue; }
    double version() const { return m_version.value(); }
    QBindable<double> bindableVersion() { return &m_version; }
    bool isStale() const { return m_stale.value(); }
    QBindable<bool> bindableStale() { return &m_stale; }

    //! Publishes value to the topic. false, with a QML warning, for an empty name, a closed
    //! topic, or a value the bus cannot hold (functions, QObjects, cyclic structures, values
    //! too large or too deeply nested to copy, or a value a typed bus cannot convert).
    Q_INVOKABLE bool publish(const QJSValue &value);

    //! Applies the staged delivery (called by the window's frame gate, which has dropped the
    //! element from its list).
    void applyStaged();

    void classBegin() override;
    void componentComplete() override;

Q_SIGNALS:
    void nameChanged();
    void busChanged();
    void activeChanged();
    void minimumIntervalChanged();
    void staleAfterChanged();
    void valueChanged();
    void hasValueChanged();
    void versionChanged();
    void staleChanged();

protected:
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
