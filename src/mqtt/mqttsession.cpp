// SPDX-License-Identifier: MIT
#include "mqttsession_p.h"

#include "mqttlogging_p.h"
#include "topicfilter_p.h"

#include <QtCore/QRandomGenerator>
#include <QtCore/QTimer>

namespace DropSlot::detail {

namespace {

QByteArray generatedClientId()
{
    // MQTT 3.1.1 servers must accept 23 characters of [0-9a-zA-Z]; stay within that.
    return "dropslot" + QByteArray::number(QRandomGenerator::system()->generate64(), 36).left(15);
}

const QByteArray online = QByteArrayLiteral("online");
const QByteArray offline = QByteArrayLiteral("offline");

} // namespace

MqttSession::MqttSession(std::shared_ptr<MqttBusAdapter> bus, const MqttOptions &options, MqttStatus *status)
    : m_bus(std::move(bus)),
      m_options(options),
      m_status(status),
      m_prefix(options.remotePrefix.toUtf8()),
      m_clientId(options.clientId.isEmpty() ? generatedClientId() : options.clientId.toUtf8()),
      m_backoff(options.reconnectMinimumMs, options.reconnectMaximumMs)
{
    if (!options.statusTopic.isEmpty())
        m_statusTopic = m_prefix + options.statusTopic.toUtf8();
}

MqttSession::~MqttSession()
{
    Q_ASSERT(!m_client); // shutdown() ran in the session's thread
}

void MqttSession::enqueue(std::function<void()> call)
{
    std::lock_guard<std::mutex> lock(m_callsMutex);
    m_calls.push_back(std::move(call));
}

void MqttSession::runQueued()
{
    for (;;) {
        std::function<void()> call;
        {
            std::lock_guard<std::mutex> lock(m_callsMutex);
            if (m_calls.empty())
                return;
            call = std::move(m_calls.front());
            m_calls.pop_front();
        }
        call();
    }
}

// ---- topics --------------------------------------------------------------------------------

MqttSession::Entry &MqttSession::entryFor(const QString &name)
{
    Entry &entry = m_entries[name];
    if (entry.brokerTopic.isEmpty())
        entry.brokerTopic = m_prefix + name.toUtf8();
    return entry;
}

void MqttSession::addExport(const QString &filter)
{
    if (const QString problem = filterProblem(filter); !problem.isEmpty()) {
        reportError(QStringLiteral("exportTopics(\"%1\") ignored: %2").arg(filter, problem));
        return;
    }
    if (m_exportFilters.contains(filter))
        return;
    m_exportFilters.append(filter);
    if (!m_watch.isConnected())
        m_watch = m_bus->watchTopics(this, [this](const QString &name, TopicEvent event) {
            onTopicEvent(name, event);
        });
    const QStringList names = m_bus->topicNames();
    for (const QString &name : names) {
        if (filterMatches(filter, name))
            ensureExport(name);
    }
}

void MqttSession::addImport(const QString &filter)
{
    if (const QString problem = filterProblem(filter); !problem.isEmpty()) {
        reportError(QStringLiteral("importTopics(\"%1\") ignored: %2").arg(filter, problem));
        return;
    }
    if (m_importFilters.contains(filter))
        return;
    m_importFilters.append(filter);
    if (m_connected)
        subscribe(filter);
}

void MqttSession::exportIfMatching(const QString &name)
{
    for (const QString &filter : std::as_const(m_exportFilters)) {
        if (filterMatches(filter, name))
            return ensureExport(name);
    }
}

void MqttSession::ensureExport(const QString &name)
{
    if (name.isEmpty())
        return;
    Entry &entry = entryFor(name);
    if (entry.exported && entry.link && !entry.link->isClosed())
        return;
    entry.exported = true;
    entry.hasValue = false;
    entry.sentVersion = 0; // versions count from 1 again in a re-created topic
    entry.refusal = topicNameProblem(name);
    if (entry.refusal.isEmpty() && entry.brokerTopic.startsWith('$'))
        entry.refusal = QStringLiteral("MQTT topics starting with \"$\" belong to the broker");
    entry.link.reset(); // a removed topic's handle, or an import's handle without a connection
    entry.link = m_bus->link(name, this, [this, name] { onChanged(name); },
                             m_options.minimumIntervalMs);
}

void MqttSession::onChanged(const QString &name)
{
    auto it = m_entries.find(name);
    if (it == m_entries.end())
        return;
    Entry &entry = it->second;
    entry.hasValue = true;
    if (!entry.refusal.isEmpty()) {
        // Taken so that the next publish is news again; each one is counted.
        entry.link->take(false);
        MqttStatus::add(m_status->rejected);
        warnOnce(&entry, name, QStringLiteral("not exported: %1").arg(entry.refusal));
        return;
    }
    entry.dirty = true;
    schedule(name, entry);
}

void MqttSession::onTopicEvent(const QString &name, TopicEvent event)
{
    if (event == TopicEvent::Created)
        return exportIfMatching(name);
    auto it = m_entries.find(name);
    if (it == m_entries.end() || !it->second.link || !it->second.link->isClosed())
        return; // not ours, or already re-created and linked again
    Entry &entry = it->second;
    // Removing an exported topic deletes its retained message: that is how it leaves the network.
    if (entry.exported && entry.refusal.isEmpty() && m_options.retain)
        clearRetained(entry.brokerTopic);
    m_entries.erase(it);
}

void MqttSession::clearRetained(const QByteArray &brokerTopic)
{
    if (!m_connected || !sendControl(brokerTopic, QByteArray()))
        m_pendingClears.insert(brokerTopic);
}

// ---- sending, one message in flight per topic ---------------------------------------------------

void MqttSession::schedule(const QString &name, Entry &entry)
{
    if (!m_connected || entry.inFlight || entry.queued)
        return; // sent on connect, on acknowledgement, or already waiting for budget
    entry.queued = true;
    m_ready.push_back(name);
    pump();
}

void MqttSession::pump()
{
    if (m_pumping)
        return; // an acknowledgement during a send: the loop below goes on
    m_pumping = true;
    while (m_connected && m_client->isOpen() && !m_ready.empty() && m_inFlight.size() < m_budget) {
        const QString name = std::move(m_ready.front());
        m_ready.pop_front();
        auto it = m_entries.find(name);
        if (it == m_entries.end())
            continue;
        it->second.queued = false;
        send(name, it->second);
    }
    m_pumping = false;
}

void MqttSession::send(const QString &name, Entry &entry)
{
    const bool force = entry.force;
    entry.force = false;
    entry.dirty = false;
    if (!entry.link || entry.link->isClosed())
        return;
    auto encoded = entry.link->take(force);
    if (!encoded)
        return;
    QByteArray &payload = encoded->payload;
    if (payload.isEmpty()) {
        MqttStatus::add(m_status->rejected);
        return warnOnce(&entry, name,
                        QStringLiteral("not exported: the value encodes to an empty payload, which "
                                       "MQTT reads as deleting the retained message (or the codec "
                                       "failed)"));
    }
    if (payload.size() > m_options.maxPayloadBytes) {
        MqttStatus::add(m_status->rejected);
        return warnOnce(&entry, name,
                        QStringLiteral("not exported: its payload of %1 bytes is larger than "
                                       "maxPayloadBytes (%2)")
                                .arg(payload.size())
                                .arg(m_options.maxPayloadBytes));
    }
    // An imported value coming back through the export, or one the broker already holds from
    // this bridge, is not sent again; after a connect it is, the broker may have lost it.
    if (!force && entry.imported && (payload == entry.lastWire || payload == entry.lastImported))
        return;
    // Every version of the topic between two sent ones (from its first) was replaced unsent.
    if (encoded->version > entry.sentVersion + 1)
        MqttStatus::add(m_status->coalesced, encoded->version - entry.sentVersion - 1);
    entry.sentVersion = std::max(entry.sentVersion, encoded->version);

    entry.localOrigin = true; // a value of this bus: after a reconnect it is sent again
    QString error;
    ++m_inClient;
    const int mid = m_client->publish(entry.brokerTopic, payload, m_options.qos, m_options.retain, &error);
    --m_inClient;
    if (mid < 0) {
        // A connection that just broke (its loss is reported from the event loop) refuses too:
        // the value is not refused, it goes out after the reconnect.
        if (m_client->isOpen()) { // refused by the library (e.g. larger than the broker accepts)
            MqttStatus::add(m_status->rejected);
            warnOnce(&entry, name, QStringLiteral("not exported: %1").arg(error));
        }
        return;
    }
    entry.inFlight = true;
    entry.lastWire = std::move(payload);
    entry.warned = false;
    m_inFlight.insert(mid, name);
    MqttStatus::add(m_status->sent);
}

bool MqttSession::sendControl(const QByteArray &topic, const QByteArray &payload)
{
    QString error;
    ++m_inClient;
    const int mid = m_client->publish(topic, payload, m_options.qos, true, &error);
    --m_inClient;
    if (mid < 0)
        return false;
    m_inFlight.insert(mid, QString());
    return true;
}

void MqttSession::onPublished(int mid)
{
    const auto it = m_inFlight.constFind(mid);
    if (it == m_inFlight.cend())
        return;
    const QString name = *it;
    m_inFlight.erase(it);
    if (!name.isEmpty()) {
        auto entry = m_entries.find(name);
        if (entry != m_entries.end()) {
            entry->second.inFlight = false;
            if (entry->second.dirty)
                schedule(name, entry->second);
        }
    }
    pump();
}

// ---- receiving ------------------------------------------------------------------------------

void MqttSession::onMessage(const QByteArray &topic, const QByteArray &payload, bool retained)
{
    if (!topic.startsWith(m_prefix) || topic == m_statusTopic)
        return; // not under our prefix, or our own status coming back
    const QString name = QString::fromUtf8(topic.mid(m_prefix.size()));
    auto it = m_entries.find(name);
    Entry *entry = it == m_entries.end() ? nullptr : &it->second;
    // A retained copy of what this bridge holds, or one that this bridge is about to overwrite
    // with its own newer value (sent after every connect), is not news.
    if (entry && retained
        && (payload == entry->lastWire
            || (entry->exported && (entry->localOrigin || entry->force || entry->dirty))))
        return;

    MqttStatus::add(m_status->received);
    if (name.isEmpty()) {
        MqttStatus::add(m_status->rejected);
        return warnOnce(nullptr, QString::fromUtf8(topic),
                        QStringLiteral("not imported: the topic is the remote prefix itself, which "
                                       "leaves no local name"));
    }
    if (payload.size() > m_options.maxPayloadBytes) {
        MqttStatus::add(m_status->rejected);
        return warnOnce(entry, name,
                        QStringLiteral("not imported: its payload of %1 bytes is larger than "
                                       "maxPayloadBytes (%2)")
                                .arg(payload.size())
                                .arg(m_options.maxPayloadBytes));
    }
    if (payload.isEmpty()) {
        // An empty retained payload is how MQTT deletes a topic: the local topic goes too.
        if (entry)
            m_entries.erase(it);
        m_bus->removeTopic(name);
        return;
    }
    if (!entry) {
        entry = &entryFor(name);
        entry->link = m_bus->link(name, this, nullptr, 0);
    }
    entry->imported = true;
    QByteArray reencoded;
    auto result = entry->link->publish(payload, &reencoded);
    if (result == MqttTopicLink::Import::Closed) { // removed meanwhile: a new topic takes it
        entry->link.reset();
        if (entry->exported) {
            entry->exported = false;
            ensureExport(name);
        } else {
            entry->link = m_bus->link(name, this, nullptr, 0);
        }
        result = entry->link->publish(payload, &reencoded);
    }
    if (result != MqttTopicLink::Import::Published) {
        MqttStatus::add(m_status->decodeErrors);
        return warnOnce(entry, name,
                        QStringLiteral("not imported: the payload (%1 bytes) is not a valid %2")
                                .arg(payload.size())
                                .arg(QString::fromLatin1(m_bus->valueTypeName())));
    }
    entry->lastWire = payload;
    entry->lastImported = std::move(reencoded);
    entry->localOrigin = false;
    entry->warned = false;
}

void MqttSession::subscribe(const QString &filter)
{
    QString error;
    ++m_inClient;
    const bool ok = m_client->subscribe(m_prefix + filter.toUtf8(), m_options.qos, &error);
    --m_inClient;
    if (!ok && m_connected)
        reportError(QStringLiteral("cannot subscribe to \"%1\": %2").arg(filter, error));
}

// ---- the connection -------------------------------------------------------------------------

void MqttSession::start()
{
    if (m_running)
        return;
    m_running = true;
    m_backoff.reset();
    if (!m_retryTimer) {
        m_retryTimer = new QTimer(this);
        m_retryTimer->setSingleShot(true);
        connect(m_retryTimer, &QTimer::timeout, this, &MqttSession::connectNow);
        m_connectTimer = new QTimer(this);
        m_connectTimer->setSingleShot(true);
        connect(m_connectTimer, &QTimer::timeout, this, [this] {
            onLost(QStringLiteral("no answer from %1:%2 within %3 ms")
                           .arg(m_options.host)
                           .arg(m_options.port)
                           .arg(m_options.connectTimeoutMs));
        });
    }
    connectNow();
}

void MqttSession::connectNow()
{
    if (!m_running || m_client)
        return;
    setState(MqttBridge::State::Connecting);
    MqttClientConfig config;
    config.host = m_options.host.toUtf8();
    config.port = m_options.port;
    config.clientId = m_clientId;
    config.username = m_options.username.toUtf8();
    config.password = m_options.password.toUtf8();
    config.caFile = m_options.caFile.toLocal8Bit();
    config.certFile = m_options.certFile.toLocal8Bit();
    config.keyFile = m_options.keyFile.toLocal8Bit();
    config.keepAliveSeconds = m_options.keepAliveSeconds;
    config.willTopic = m_statusTopic;
    config.willPayload = offline;
    config.willQos = m_options.qos;

    // Handlers run from inside the client's calls: the client is only let go of later.
    MqttClient::Handlers handlers;
    handlers.connected = [this](int receiveMaximum) { onConnected(receiveMaximum); };
    handlers.lost = [this](const QString &reason) { onLost(reason); };
    handlers.published = [this](int mid) { onPublished(mid); };
    handlers.message = [this](const QByteArray &topic, const QByteArray &payload, bool retained) {
        onMessage(topic, payload, retained);
    };
    m_client = new MqttClient(config, std::move(handlers));
    QString error;
    ++m_inClient;
    const bool opened = m_client->open(&error);
    --m_inClient;
    if (!opened)
        return onLost(error);
    if (m_client) // open() may already have failed through the lost handler
        m_connectTimer->start(std::max(1, m_options.connectTimeoutMs));
}

void MqttSession::onConnected(int receiveMaximum)
{
    m_connectTimer->stop();
    m_connected = true;
    m_budget = std::max(1, receiveMaximum);
    m_backoff.reset();
    if (m_everConnected)
        MqttStatus::add(m_status->reconnects);
    m_everConnected = true;
    m_status->setLastError(QString());
    m_lastReported.clear();
    setState(MqttBridge::State::Connected);

    // Subscriptions first: the broker then sends the retained values of imported topics, and
    // ignores for them the ones this bridge republishes below (same connection, in order).
    for (const QString &filter : std::as_const(m_importFilters))
        subscribe(filter);
    if (!m_statusTopic.isEmpty())
        sendControl(m_statusTopic, online);
    const QSet<QByteArray> clears = std::exchange(m_pendingClears, {});
    for (const QByteArray &topic : clears)
        clearRetained(topic);
    // Every exported topic sends its newest value: nothing was queued while disconnected.
    for (auto &[name, entry] : m_entries) {
        if (entry.exported && entry.refusal.isEmpty() && entry.hasValue) {
            // A value that came from the broker is the broker's to resync, not ours to resend.
            entry.force = !entry.imported || entry.localOrigin;
            entry.queued = true;
            m_ready.push_back(name);
        }
    }
    pump();
}

void MqttSession::onLost(const QString &reason)
{
    const bool wasConnected = m_connected;
    dropClient();
    if (!m_running)
        return;
    reportError(wasConnected ? reason : QStringLiteral("cannot connect to %1:%2: %3")
                                                .arg(m_options.host)
                                                .arg(m_options.port)
                                                .arg(reason));
    setState(MqttBridge::State::Connecting);
    m_retryTimer->start(m_backoff.next());
}

void MqttSession::dropClient()
{
    m_connected = false;
    if (m_connectTimer)
        m_connectTimer->stop();
    m_inFlight.clear();
    m_ready.clear();
    for (auto &[name, entry] : m_entries) {
        entry.inFlight = false;
        entry.queued = false;
    }
    if (!m_client)
        return;
    m_client->close();
    if (m_inClient > 0 || m_client->isDelivering())
        m_client->deleteLater(); // called from its handler: it is still on the stack
    else
        delete m_client;
    m_client = nullptr;
}

void MqttSession::stop()
{
    if (!m_running)
        return;
    m_running = false;
    if (m_retryTimer)
        m_retryTimer->stop();
    if (m_connected && !m_statusTopic.isEmpty())
        sendControl(m_statusTopic, offline);
    dropClient();
    setState(MqttBridge::State::Disconnected);
}

void MqttSession::shutdown()
{
    stop();
    m_watch.disconnect();
    m_entries.clear(); // ends every connection while this thread still runs
    delete m_retryTimer;
    delete m_connectTimer;
    m_retryTimer = m_connectTimer = nullptr;
}

void MqttSession::setState(MqttBridge::State state)
{
    if (m_status->state.exchange(state) != state)
        Q_EMIT stateChanged(state);
}

void MqttSession::reportError(const QString &message)
{
    m_status->setLastError(message);
    if (message != m_lastReported) // a broker that stays down is reported once, not per retry
        qCWarning(lcMqtt).noquote() << "DropSlot MQTT bridge:" << message;
    m_lastReported = message;
    Q_EMIT errorOccurred(message);
}

void MqttSession::warnOnce(Entry *entry, const QString &name, const QString &message)
{
    if (entry ? entry->warned : m_warnedNames.contains(name))
        return;
    if (entry)
        entry->warned = true;
    else
        m_warnedNames.insert(name);
    qCWarning(lcMqtt).noquote() << QStringLiteral("DropSlot MQTT bridge: topic \"%1\" %2").arg(name, message);
}

} // namespace DropSlot::detail
