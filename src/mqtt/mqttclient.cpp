// SPDX-License-Identifier: MIT
#include "mqttclient_p.h"

#include <QtCore/QSocketNotifier>
#include <QtCore/QTimer>

#include <mosquitto.h>
#include <mqtt_protocol.h>

#include <mutex>

namespace DropSlot::detail {

namespace {

void initLibrary()
{
    // Never cleaned up: bridges may be destroyed by static destructors, after any atexit hook.
    static std::once_flag once;
    std::call_once(once, [] { mosquitto_lib_init(); });
}

QString describe(int rc)
{
    if (rc == MOSQ_ERR_ERRNO)
        return QString::fromLocal8Bit(strerror(errno));
    return QString::fromUtf8(mosquitto_strerror(rc));
}

const char *orNull(const QByteArray &text)
{
    return text.isEmpty() ? nullptr : text.constData();
}

} // namespace

MqttClient::MqttClient(const MqttClientConfig &config, Handlers handlers, QObject *parent)
    : QObject(parent), m_config(config), m_handlers(std::move(handlers))
{
    initLibrary();
}

MqttClient::~MqttClient()
{
    m_read.reset();
    m_write.reset();
    if (m_mosq)
        mosquitto_destroy(m_mosq); // closes the socket
}

void MqttClient::installCallbacks()
{
    mosquitto_connect_v5_callback_set(m_mosq, [](mosquitto *, void *self, int rc, int,
                                                 const mosquitto_property *props) {
        auto *client = static_cast<MqttClient *>(self);
        if (rc != 0) {
            client->m_events.emplace_back(Lost{QStringLiteral("the broker refused the connection: %1")
                                                   .arg(QString::fromUtf8(mosquitto_reason_string(rc)))});
            return;
        }
        uint16_t receiveMaximum = 65535; // MQTT 5: absent means no limit below 65535
        mosquitto_property_read_int16(props, MQTT_PROP_RECEIVE_MAXIMUM, &receiveMaximum, false);
        client->m_events.emplace_back(Connected{receiveMaximum});
    });
    mosquitto_disconnect_v5_callback_set(m_mosq, [](mosquitto *, void *self, int rc,
                                                    const mosquitto_property *) {
        auto *client = static_cast<MqttClient *>(self);
        client->m_events.emplace_back(Lost{rc == MOSQ_ERR_SUCCESS
                                               ? QStringLiteral("disconnected")
                                               : QStringLiteral("connection lost: %1").arg(describe(rc))});
    });
    mosquitto_publish_v5_callback_set(m_mosq, [](mosquitto *, void *self, int mid, int,
                                                 const mosquitto_property *) {
        static_cast<MqttClient *>(self)->m_events.emplace_back(Published{mid});
    });
    mosquitto_message_v5_callback_set(m_mosq, [](mosquitto *, void *self, const mosquitto_message *m,
                                                 const mosquitto_property *) {
        static_cast<MqttClient *>(self)->m_events.emplace_back(
                Message{QByteArray(m->topic),
                        QByteArray(static_cast<const char *>(m->payload), m->payloadlen), m->retain});
    });
}

bool MqttClient::open(QString *error)
{
    Q_ASSERT(!m_mosq);
    m_mosq = mosquitto_new(m_config.clientId.constData(), true, this);
    if (!m_mosq) {
        *error = QStringLiteral("cannot create an MQTT client: %1").arg(describe(MOSQ_ERR_ERRNO));
        return false;
    }
    mosquitto_int_option(m_mosq, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5);
    mosquitto_int_option(m_mosq, MOSQ_OPT_TCP_NODELAY, 1);
    // Our own sending keeps at most the broker's receive maximum unacknowledged, so libmosquitto
    // never has to hold messages back in a queue of its own.
    mosquitto_int_option(m_mosq, MOSQ_OPT_SEND_MAXIMUM, 65535);
    installCallbacks();

    int rc = MOSQ_ERR_SUCCESS;
    if (!m_config.username.isEmpty())
        rc = mosquitto_username_pw_set(m_mosq, m_config.username.constData(), orNull(m_config.password));
    if (rc == MOSQ_ERR_SUCCESS && !m_config.caFile.isEmpty()) {
        rc = mosquitto_tls_set(m_mosq, m_config.caFile.constData(), nullptr, orNull(m_config.certFile),
                               orNull(m_config.keyFile), nullptr);
        if (rc != MOSQ_ERR_SUCCESS) {
            *error = QStringLiteral("TLS setup failed (CA file %1): %2")
                             .arg(QString::fromLocal8Bit(m_config.caFile), describe(rc));
            return false;
        }
    }
    if (rc == MOSQ_ERR_SUCCESS && !m_config.willTopic.isEmpty())
        rc = mosquitto_will_set_v5(m_mosq, m_config.willTopic.constData(), int(m_config.willPayload.size()),
                                   m_config.willPayload.constData(), m_config.willQos, true, nullptr);
    if (rc != MOSQ_ERR_SUCCESS) {
        *error = QStringLiteral("invalid connection settings: %1").arg(describe(rc));
        return false;
    }
    rc = mosquitto_connect_bind_async(m_mosq, m_config.host.constData(), m_config.port,
                                      m_config.keepAliveSeconds, nullptr);
    if (rc != MOSQ_ERR_SUCCESS) {
        *error = describe(rc);
        return false;
    }
    watchSocket();
    afterCall(MOSQ_ERR_SUCCESS);
    return true;
}

void MqttClient::watchSocket()
{
    const int fd = mosquitto_socket(m_mosq);
    Q_ASSERT(fd >= 0);
    m_read = std::make_unique<QSocketNotifier>(fd, QSocketNotifier::Read);
    connect(m_read.get(), &QSocketNotifier::activated, this, [this] {
        afterCall(mosquitto_loop_read(m_mosq, 1));
    });
    m_write = std::make_unique<QSocketNotifier>(fd, QSocketNotifier::Write);
    connect(m_write.get(), &QSocketNotifier::activated, this, [this] {
        afterCall(mosquitto_loop_write(m_mosq, 1));
    });
    m_keepAlive = new QTimer(this);
    m_keepAlive->setInterval(1000);
    connect(m_keepAlive, &QTimer::timeout, this, [this] { afterCall(mosquitto_loop_misc(m_mosq)); });
    m_keepAlive->start();
}

void MqttClient::afterCall(int rc, Delivery delivery)
{
    if (!m_failed) {
        if (rc != MOSQ_ERR_SUCCESS && rc != MOSQ_ERR_CONN_PENDING)
            fail(QStringLiteral("connection lost: %1").arg(describe(rc)));
        else if (mosquitto_socket(m_mosq) < 0)
            fail(QStringLiteral("connection lost"));
        else
            updateWriteInterest();
    }
    if (m_events.empty())
        return;
    if (delivery == Delivery::Now)
        return deliverEvents();
    // From publish() or subscribe(): their caller has not yet seen the mid whose completion may
    // be among the events (a QoS 0 message written at once), so the events come from the loop.
    if (!m_deliveryQueued) {
        m_deliveryQueued = true;
        QMetaObject::invokeMethod(this, [this] {
            m_deliveryQueued = false;
            deliverEvents();
        }, Qt::QueuedConnection);
    }
}

void MqttClient::releaseNotifiers()
{
    // Possibly from inside one of their activations: disabled now, deleted from the event loop.
    for (auto *notifier : {&m_read, &m_write}) {
        if (*notifier) {
            (*notifier)->setEnabled(false);
            notifier->release()->deleteLater();
        }
    }
    if (m_keepAlive)
        m_keepAlive->stop();
}

void MqttClient::updateWriteInterest()
{
    if (m_write)
        m_write->setEnabled(mosquitto_want_write(m_mosq));
}

void MqttClient::fail(const QString &reason)
{
    if (m_failed)
        return;
    m_failed = true;
    releaseNotifiers();
    // A refusal or disconnect queued its own, more precise, reason already.
    const bool explained = std::any_of(m_events.begin(), m_events.end(),
                                       [](const Event &e) { return std::holds_alternative<Lost>(e); });
    if (!explained)
        m_events.emplace_back(Lost{reason});
}

void MqttClient::deliverEvents()
{
    if (m_delivering)
        return; // the outer call delivers what this one queued
    m_delivering = true;
    bool lost = false;
    for (size_t i = 0; i < m_events.size() && !lost; ++i) {
        Event event = std::move(m_events[i]);
        if (auto *c = std::get_if<Connected>(&event)) {
            if (m_handlers.connected)
                m_handlers.connected(c->receiveMaximum);
        } else if (auto *l = std::get_if<Lost>(&event)) {
            fail(l->reason); // closes the socket watchers; queues nothing more
            lost = true;
            if (m_handlers.lost)
                m_handlers.lost(l->reason); // the last event: the owner may deleteLater() us
        } else if (auto *p = std::get_if<Published>(&event)) {
            if (m_handlers.published)
                m_handlers.published(p->mid);
        } else if (auto *m = std::get_if<Message>(&event)) {
            if (m_handlers.message)
                m_handlers.message(m->topic, m->payload, m->retained);
        }
    }
    m_events.clear();
    m_delivering = false;
}

int MqttClient::publish(const QByteArray &topic, const QByteArray &payload, int qos, bool retain,
                        QString *error)
{
    if (m_failed || !m_mosq) {
        *error = QStringLiteral("not connected");
        return -1;
    }
    int mid = 0;
    const int rc = mosquitto_publish_v5(m_mosq, &mid, topic.constData(), int(payload.size()),
                                        payload.constData(), qos, retain, nullptr);
    if (rc != MOSQ_ERR_SUCCESS) {
        *error = describe(rc);
        afterCall(rc == MOSQ_ERR_NO_CONN || rc == MOSQ_ERR_CONN_LOST || rc == MOSQ_ERR_ERRNO
                          ? rc : MOSQ_ERR_SUCCESS, Delivery::Later);
        return -1;
    }
    afterCall(MOSQ_ERR_SUCCESS, Delivery::Later);
    return mid;
}

bool MqttClient::subscribe(const QByteArray &filter, int qos, QString *error)
{
    if (m_failed || !m_mosq) {
        *error = QStringLiteral("not connected");
        return false;
    }
    // No local: the broker does not send this client its own messages back.
    const int rc = mosquitto_subscribe_v5(m_mosq, nullptr, filter.constData(), qos,
                                          MQTT_SUB_OPT_NO_LOCAL, nullptr);
    if (rc != MOSQ_ERR_SUCCESS)
        *error = describe(rc);
    afterCall(MOSQ_ERR_SUCCESS, Delivery::Later);
    return rc == MOSQ_ERR_SUCCESS;
}

void MqttClient::close()
{
    if (!m_mosq || m_failed)
        return;
    m_failed = true;
    releaseNotifiers();
    mosquitto_disconnect_v5(m_mosq, MQTT_RC_NORMAL_DISCONNECTION, nullptr);
    // What the socket does not take now is dropped: stop() must not wait on the network.
    for (int i = 0; i < 64 && mosquitto_want_write(m_mosq) && mosquitto_socket(m_mosq) >= 0; ++i) {
        if (mosquitto_loop_write(m_mosq, 1) != MOSQ_ERR_SUCCESS)
            break;
    }
    m_events.clear(); // a disconnect callback, if any: the owner closed us and knows
}

bool MqttClient::isOpen() const
{
    return m_mosq && !m_failed;
}

} // namespace DropSlot::detail
