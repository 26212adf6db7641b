// SPDX-License-Identifier: MIT
#include <DropSlot/dropslotmqttbridge.h>

#include "mqttsettings_p.h"
#include "qmlmqttbusadapter_p.h"

#include <QtCore/QTimerEvent>
#include <QtQml/qqmlinfo.h>

using namespace Qt::StringLiterals;

namespace DropSlot {

namespace {

constexpr int refreshIntervalMs = 250;

//! Sets field to value; true if that changed it.
template <typename V>
bool assign(V &field, const V &value)
{
    if (field == value)
        return false;
    field = value;
    return true;
}

MqttBridge::Stats operator+(const MqttBridge::Stats &a, const MqttBridge::Stats &b)
{
    return {a.sent + b.sent,
            a.received + b.received,
            a.coalesced + b.coalesced,
            a.decodeErrors + b.decodeErrors,
            a.rejected + b.rejected,
            a.reconnects + b.reconnects};
}

} // namespace

DropSlotMqttBridge::DropSlotMqttBridge(QObject *parent) : QObject(parent) { }

DropSlotMqttBridge::~DropSlotMqttBridge()
{
    if (m_bridge)
        QObject::disconnect(m_bridge.get(), nullptr, this, nullptr);
    m_bridge.reset();
}

void DropSlotMqttBridge::classBegin()
{
    m_complete = false;
}

void DropSlotMqttBridge::componentComplete()
{
    m_complete = true;
    rebuild();
}

DropSlotBus *DropSlotMqttBridge::bus() const
{
    return m_bus.get();
}

void DropSlotMqttBridge::setBus(DropSlotBus *bus)
{
    m_bus.set(bus, this, [this] {
        Q_EMIT busChanged();
        settingsChanged();
    }, [] { return u"DropSlotMqttBridge: its bus was destroyed; it bridges nothing until it is "
                   u"given a bus"_s; });
}

void DropSlotMqttBridge::setHost(const QString &host)
{
    if (assign(m_options.host, host)) {
        Q_EMIT hostChanged();
        settingsChanged();
    }
}

void DropSlotMqttBridge::setPort(int port)
{
    if (port < 1 || port > 65535) {
        warn(u"port %1 is not between 1 and 65535; it stays %2"_s.arg(port).arg(m_options.port));
        return;
    }
    if (assign(m_options.port, quint16(port))) {
        Q_EMIT portChanged();
        settingsChanged();
    }
}

void DropSlotMqttBridge::setClientId(const QString &clientId)
{
    if (assign(m_options.clientId, clientId)) {
        Q_EMIT clientIdChanged();
        settingsChanged();
    }
}

void DropSlotMqttBridge::setUsername(const QString &username)
{
    if (assign(m_options.username, username)) {
        Q_EMIT usernameChanged();
        settingsChanged();
    }
}

void DropSlotMqttBridge::setPassword(const QString &password)
{
    if (assign(m_options.password, password)) {
        Q_EMIT passwordChanged();
        settingsChanged();
    }
}

void DropSlotMqttBridge::setCaFile(const QString &caFile)
{
    if (assign(m_options.caFile, caFile)) {
        Q_EMIT caFileChanged();
        settingsChanged();
    }
}

void DropSlotMqttBridge::setRemotePrefix(const QString &prefix)
{
    if (const QString problem = detail::mqttTopicTextProblem(prefix); !problem.isEmpty()) {
        warn(u"remotePrefix \"%1\" refused: %2; it stays \"%3\""_s.arg(prefix, problem,
                                                                        m_options.remotePrefix));
        return;
    }
    if (assign(m_options.remotePrefix, prefix)) {
        Q_EMIT remotePrefixChanged();
        settingsChanged();
    }
}

void DropSlotMqttBridge::setQos(int qos)
{
    if (qos < 0 || qos > 2) {
        warn(u"qos %1 is not 0, 1 or 2; it stays %2"_s.arg(qos).arg(m_options.qos));
        return;
    }
    if (assign(m_options.qos, qos)) {
        Q_EMIT qosChanged();
        settingsChanged();
    }
}

void DropSlotMqttBridge::setRetain(bool retain)
{
    if (assign(m_options.retain, retain)) {
        Q_EMIT retainChanged();
        settingsChanged();
    }
}

void DropSlotMqttBridge::setKeepAliveSeconds(int seconds)
{
    if (seconds < 0 || (seconds > 0 && seconds < 5)) {
        warn(u"keepAliveSeconds %1 is neither 0 nor at least 5; it stays %2"_s.arg(seconds).arg(
                m_options.keepAliveSeconds));
        return;
    }
    if (assign(m_options.keepAliveSeconds, seconds)) {
        Q_EMIT keepAliveSecondsChanged();
        settingsChanged();
    }
}

void DropSlotMqttBridge::setMinimumInterval(int ms)
{
    if (ms < 0) {
        warn(u"minimumInterval cannot be negative (%1); it stays %2"_s.arg(ms).arg(
                m_options.minimumIntervalMs));
        return;
    }
    if (assign(m_options.minimumIntervalMs, ms)) {
        Q_EMIT minimumIntervalChanged();
        settingsChanged();
    }
}

void DropSlotMqttBridge::setStatusTopic(const QString &topic)
{
    if (const QString problem = detail::mqttTopicTextProblem(topic); !problem.isEmpty()) {
        warn(u"statusTopic \"%1\" refused: %2; it stays \"%3\""_s.arg(topic, problem,
                                                                       m_options.statusTopic));
        return;
    }
    if (assign(m_options.statusTopic, topic)) {
        Q_EMIT statusTopicChanged();
        settingsChanged();
    }
}

void DropSlotMqttBridge::setExports(const QStringList &filters)
{
    const QStringList old = m_exports;
    if (!assign(m_exports, filters))
        return;
    Q_EMIT exportsChanged();
    // Filters only appended: the running bridge takes the new ones; else it is replaced.
    if (m_bridge && !m_rebuildPending && filters.size() > old.size()
        && filters.mid(0, old.size()) == old)
        addFilters(filters, old.size(), true);
    else
        settingsChanged();
}

void DropSlotMqttBridge::setImports(const QStringList &filters)
{
    const QStringList old = m_imports;
    if (!assign(m_imports, filters))
        return;
    Q_EMIT importsChanged();
    if (m_bridge && !m_rebuildPending && filters.size() > old.size()
        && filters.mid(0, old.size()) == old)
        addFilters(filters, old.size(), false);
    else
        settingsChanged();
}

void DropSlotMqttBridge::setActive(bool active)
{
    if (assign(m_active, active)) {
        Q_EMIT activeChanged();
        settingsChanged();
    }
}

void DropSlotMqttBridge::settingsChanged()
{
    if (!m_complete || m_rebuildPending)
        return;
    // Once per event-loop turn: bindings that change host and port together make one bridge.
    m_rebuildPending = true;
    QMetaObject::invokeMethod(this, &DropSlotMqttBridge::rebuild, Qt::QueuedConnection);
}

void DropSlotMqttBridge::rebuild()
{
    m_rebuildPending = false;
    retire();
    const std::shared_ptr<const detail::QmlBusAdapter> adapter = m_bus.adapter();
    // An empty host is a binding not evaluated yet, like DropSlotTopic's empty name.
    if (!m_active || !adapter || m_options.host.isEmpty()) {
        setState(MqttBridge::State::Disconnected);
        refresh();
        return;
    }
    m_bridge = std::make_unique<MqttBridge>(std::make_shared<detail::QmlMqttBusAdapter>(adapter),
                                            m_options);
    connect(m_bridge.get(), &MqttBridge::stateChanged, this, [this](MqttBridge::State state) {
        setState(state);
        refresh();
    });
    connect(m_bridge.get(), &MqttBridge::errorOccurred, this, [this](const QString &message) {
        setLastError(message);
        Q_EMIT errorOccurred(message);
    });
    addFilters(m_exports, 0, true);
    addFilters(m_imports, 0, false);
    setLastError(QString());
    m_bridge->start();
    setState(m_bridge->state());
    m_refreshTimer.start(refreshIntervalMs, this);
}

void DropSlotMqttBridge::retire()
{
    m_refreshTimer.stop();
    if (!m_bridge)
        return;
    QObject::disconnect(m_bridge.get(), nullptr, this, nullptr);
    m_bridge->stop();
    m_retired = m_retired + m_bridge->stats();
    m_bridge.reset();
}

void DropSlotMqttBridge::addFilters(const QStringList &filters, qsizetype from, bool exporting)
{
    for (qsizetype i = from; i < filters.size(); ++i) {
        const QString &filter = filters.at(i);
        if (const QString problem = detail::mqttFilterProblem(filter); !problem.isEmpty()) {
            warn(u"%1 filter \"%2\" ignored: %3"_s.arg(exporting ? u"export"_s : u"import"_s,
                                                        filter, problem));
            continue;
        }
        if (exporting)
            m_bridge->exportTopics(filter);
        else
            m_bridge->importTopics(filter);
    }
}

void DropSlotMqttBridge::setState(MqttBridge::State state)
{
    const State shown = state == MqttBridge::State::Connected  ? Connected
                        : state == MqttBridge::State::Connecting ? Connecting
                                                                 : Disconnected;
    const bool wasConnected = isConnected();
    if (!assign(m_state, shown))
        return;
    Q_EMIT stateChanged();
    if (wasConnected != isConnected())
        Q_EMIT connectedChanged();
}

void DropSlotMqttBridge::setLastError(const QString &message)
{
    if (assign(m_lastError, message))
        Q_EMIT lastErrorChanged();
}

void DropSlotMqttBridge::refresh()
{
    const MqttBridge::Stats now = m_bridge ? m_retired + m_bridge->stats() : m_retired;
    const MqttBridge::Stats before = m_stats;
    m_stats = now;
    if (now.sent != before.sent)
        Q_EMIT sentChanged();
    if (now.received != before.received)
        Q_EMIT receivedChanged();
    if (now.coalesced != before.coalesced)
        Q_EMIT coalescedChanged();
    if (now.decodeErrors != before.decodeErrors)
        Q_EMIT decodeErrorsChanged();
    if (now.rejected != before.rejected)
        Q_EMIT rejectedChanged();
    if (now.reconnects != before.reconnects)
        Q_EMIT reconnectsChanged();
    // The bridge clears its error when a connection succeeds.
    if (m_bridge)
        setLastError(m_bridge->lastError());
}

void DropSlotMqttBridge::timerEvent(QTimerEvent *event)
{
    if (event->timerId() == m_refreshTimer.timerId())
        refresh();
    else
        QObject::timerEvent(event);
}

void DropSlotMqttBridge::warn(const QString &message)
{
    qmlWarning(this).noquote() << "DropSlotMqttBridge: " << message;
}

} // namespace DropSlot
