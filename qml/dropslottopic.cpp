// SPDX-License-Identifier: MIT
#include <DropSlot/dropslottopic.h>

#include "framegate_p.h"
#include "jsvalue_p.h"

#include <QtCore/QTimerEvent>
#include <QtQml/qqmlinfo.h>
#include <QtQuick/QQuickItem>
#include <QtQuick/QQuickWindow>

using namespace Qt::StringLiterals;

namespace DropSlot {

DropSlotTopic::DropSlotTopic(QObject *parent) : QObject(parent) { }

DropSlotTopic::~DropSlotTopic()
{
    m_connection.disconnect();
    if (m_gate) // a window that renders no frames would keep the entry for good
        m_gate->unstage(this);
}

void DropSlotTopic::classBegin()
{
    m_complete = false;
}

void DropSlotTopic::componentComplete()
{
    m_complete = true;
    resubscribe();
}

void DropSlotTopic::setName(const QString &name)
{
    if (name == m_name)
        return;
    m_name = name;
    Q_EMIT nameChanged();
    resubscribe();
}

void DropSlotTopic::setBus(DropSlotBus *bus)
{
    m_bus.set(bus, this, [this] {
        Q_EMIT busChanged();
        resubscribe();
    }, [this]() -> QString { // a QString, not a QStringBuilder of temporaries
        return u"the bus of topic \""_s + m_name
               + u"\" was destroyed; it shows no value until it is given a bus"_s;
    });
}

void DropSlotTopic::setActive(bool active)
{
    if (active == m_active)
        return;
    m_active = active;
    Q_EMIT activeChanged();
    resubscribe();
}

void DropSlotTopic::setMinimumInterval(int ms)
{
    if (ms < 0) {
        const QString message = QStringLiteral("DropSlotTopic \"%1\": minimumInterval cannot be "
                                               "negative (%2); it stays %3");
        detail::warnFromQml(this, message.arg(m_name, QString::number(ms),
                                              QString::number(m_minimumInterval)));
        return;
    }
    if (ms == m_minimumInterval)
        return;
    m_minimumInterval = ms;
    Q_EMIT minimumIntervalChanged();
    resubscribe();
}

void DropSlotTopic::setStaleAfter(int ms)
{
    if (ms < 0) {
        const QString message = QStringLiteral("DropSlotTopic \"%1\": staleAfter cannot be "
                                               "negative (%2); it stays %3");
        detail::warnFromQml(this, message.arg(m_name, QString::number(ms),
                                              QString::number(m_staleAfter)));
        return;
    }
    if (ms == m_staleAfter)
        return;
    m_staleAfter = ms;
    Q_EMIT staleAfterChanged();
    m_stale.setValue(false);
    restartStaleTimer();
}

void DropSlotTopic::resubscribe()
{
    if (!m_complete)
        return; // the remaining properties are not set yet
    m_connection.disconnect();
    // Left in its gate, if it is in one: that entry serves the next delivery, and applies
    // nothing until then.
    m_staged = false;
    m_stagedValue = QVariant();

    // A lost bus has no adapter: the element then shows nothing, rather than the default bus.
    const std::shared_ptr<const detail::QmlBusAdapter> adapter = m_bus.adapter();
    std::unique_ptr<detail::QmlTopicHandle> topic = adapter ? adapter->topic(m_name) : nullptr;
    const bool sameTopic = topic && m_topic && topic->identity() == m_topic->identity();
    m_topic = std::move(topic);
    if (!sameTopic) {
        // Another topic (or none): what was shown belonged to the old one.
        m_shownVersion = 0;
        const bool hadValue = m_hasValue.value();
        const bool wasStale = m_stale.value();
        const bool hadVersion = m_version.value() != 0;
        m_value.setValueBypassingBindings(QVariant());
        m_version.setValueBypassingBindings(0);
        m_hasValue.setValueBypassingBindings(false);
        m_stale.setValueBypassingBindings(false);
        m_staleTimer.stop();
        if (hadValue) {
            m_value.notify();
            m_hasValue.notify();
        }
        if (hadVersion)
            m_version.notify();
        if (wasStale)
            m_stale.notify();
    }
    if (!m_topic || !m_active)
        return;
    // Connect first, then read: a publish between the two is delivered, never missed; one
    // already shown by the read is skipped by its version.
    m_connection = m_topic->connect(this, [this](const QVariant &value, quint64 version) { receive(value, version); },
                                    ConnectOptions{.deliverCurrent = false, .minimumIntervalMs = m_minimumInterval});
    const auto [value, version] = m_topic->snapshot();
    if (version > 0)
        show(value, version);
}

void DropSlotTopic::receive(const QVariant &value, quint64 version)
{
    if (version <= m_shownVersion)
        return;
    detail::FrameGate *gate = frameGate();
    if (m_gate && m_gate != gate) {
        // The element changed windows or left them: the old gate would apply it on frames of a
        // window it is no longer in, or, if that window renders none, hold it forever.
        m_gate->unstage(this);
        m_gate = nullptr;
    }
    if (!gate) {
        m_staged = false;
        m_stagedValue = QVariant();
        show(value, version);
        return;
    }
    m_staged = true;
    m_stagedValue = value;
    m_stagedVersion = version;
    // Once per gate until applied: re-subscribing or a window that renders no frames must not
    // grow the gate's list with every delivery.
    if (!m_gate) {
        m_gate = gate;
        gate->stage(this);
    }
}

void DropSlotTopic::applyStaged()
{
    m_gate = nullptr; // the gate has let go of this element; the next delivery stages it again
    if (!m_staged)
        return;
    m_staged = false;
    show(std::exchange(m_stagedValue, QVariant()), m_stagedVersion);
}

void DropSlotTopic::show(const QVariant &value, quint64 version)
{
    if (version <= m_shownVersion)
        return;
    m_shownVersion = version;
    const bool hadValue = m_hasValue.value();
    const bool wasStale = m_stale.value();
    // Update all, then notify: a binding woken by one sees the others already current.
    m_value.setValueBypassingBindings(value);
    m_version.setValueBypassingBindings(double(version));
    m_hasValue.setValueBypassingBindings(true);
    m_stale.setValueBypassingBindings(false);
    m_value.notify();
    m_version.notify();
    if (!hadValue)
        m_hasValue.notify();
    if (wasStale)
        m_stale.notify();
    restartStaleTimer();
}

detail::FrameGate *DropSlotTopic::frameGate()
{
    // The window of the nearest item (or window) this element belongs to.
    for (QObject *p = parent(); p; p = p->parent()) {
        if (auto *item = qobject_cast<QQuickItem *>(p))
            return item->window() ? detail::FrameGate::of(item->window()) : nullptr;
        if (auto *window = qobject_cast<QQuickWindow *>(p))
            return detail::FrameGate::of(window);
    }
    return nullptr;
}

void DropSlotTopic::restartStaleTimer()
{
    if (m_staleAfter > 0 && m_hasValue.value())
        m_staleTimer.start(m_staleAfter, this);
    else
        m_staleTimer.stop();
}

void DropSlotTopic::timerEvent(QTimerEvent *event)
{
    if (event->timerId() != m_staleTimer.timerId())
        return QObject::timerEvent(event);
    m_staleTimer.stop();
    if (m_hasValue.value())
        m_stale.setValue(true);
}

bool DropSlotTopic::publish(const QJSValue &value)
{
    const std::shared_ptr<const detail::QmlBusAdapter> adapter = m_bus.adapter();
    if (!adapter) {
        const QString message = QStringLiteral("DropSlotTopic.publish to \"%1\": its bus was "
                                               "destroyed; nothing was published");
        detail::warnFromQml(this, message.arg(m_name));
        return false;
    }
    std::unique_ptr<detail::QmlTopicHandle> temporary;
    const detail::QmlTopicHandle *topic = m_topic.get();
    if (!topic) { // not subscribed (yet): during construction, or with an empty name
        temporary = adapter->topic(m_name);
        topic = temporary.get();
    }
    return detail::publishFromQml(this, "DropSlotTopic.publish", topic, value);
}

} // namespace DropSlot
