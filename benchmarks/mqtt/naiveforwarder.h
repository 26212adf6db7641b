// SPDX-License-Identifier: MIT
// The forwarder users write first: libmosquitto's threaded client (mosquitto_loop_start) and one
// mosquitto_publish per update, QoS 1, retained. libmosquitto queues whatever the in-flight
// window does not take, without bound.
#pragma once

#include <QtCore/QByteArray>

#include <mosquitto.h>

#include <atomic>

class NaiveForwarder
{
public:
    explicit NaiveForwarder(quint16 port, const char *clientId = nullptr)
    {
        mosquitto_lib_init();
        m_mosq = mosquitto_new(clientId, true, this);
        mosquitto_connect_callback_set(m_mosq, [](mosquitto *, void *self, int rc) {
            if (rc == 0)
                static_cast<NaiveForwarder *>(self)->m_connected.store(true);
        });
        mosquitto_disconnect_callback_set(m_mosq, [](mosquitto *, void *self, int) {
            static_cast<NaiveForwarder *>(self)->m_connected.store(false);
        });
        mosquitto_publish_callback_set(m_mosq, [](mosquitto *, void *self, int) {
            static_cast<NaiveForwarder *>(self)->m_acknowledged.fetch_add(1, std::memory_order_relaxed);
        });
        if (mosquitto_connect(m_mosq, "127.0.0.1", port, 30) == MOSQ_ERR_SUCCESS)
            mosquitto_loop_start(m_mosq);
    }
    ~NaiveForwarder()
    {
        mosquitto_disconnect(m_mosq);
        mosquitto_loop_stop(m_mosq, true);
        mosquitto_destroy(m_mosq);
        mosquitto_lib_cleanup();
    }
    NaiveForwarder(const NaiveForwarder &) = delete; // the callbacks hold this object's address
    NaiveForwarder &operator=(const NaiveForwarder &) = delete;

    void publish(const QByteArray &topic, const QByteArray &payload)
    {
        if (mosquitto_publish(m_mosq, nullptr, topic.constData(), int(payload.size()), payload.constData(), 1, true)
            != MOSQ_ERR_SUCCESS)
            ++m_errors;
    }
    bool isConnected() const { return m_connected.load(); }
    quint64 acknowledged() const { return m_acknowledged.load(std::memory_order_relaxed); }
    quint64 errors() const { return m_errors; }

private:
    mosquitto *m_mosq = nullptr;
    std::atomic<bool> m_connected{false};
    std::atomic<quint64> m_acknowledged{0};
    quint64 m_errors = 0;
};
