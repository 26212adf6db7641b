// SPDX-License-Identifier: MIT
// One MQTT 5 connection on libmosquitto, driven by the thread it lives in: its socket is watched
// by QSocketNotifiers and its keep-alive by a timer, so libmosquitto never runs a thread of its own
// and every call into it comes from this one thread. libmosquitto's callbacks only queue events;
// they are handed to the handlers after the library call returns (after publish() and
// subscribe(): from the event loop), so a handler may call publish() or subscribe() again. A lost connection is final: the owner creates a new client to reconnect,
// which also drops whatever the old one still held (nothing queues while disconnected).
#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QObject>
#include <QtCore/QString>

#include <functional>
#include <memory>
#include <variant>
#include <vector>

struct mosquitto;
class QSocketNotifier;
class QTimer;

namespace DropSlot::detail {

struct MqttClientConfig
{
    QByteArray host;
    int port = 1883;
    QByteArray clientId;
    QByteArray username, password; // username empty: none
    QByteArray caFile, certFile, keyFile;
    int keepAliveSeconds = 30;
    QByteArray willTopic, willPayload; // willTopic empty: no will
    int willQos = 1;
};

class MqttClient final : public QObject
{
    Q_OBJECT
public:
    struct Handlers
    {
        //! The broker accepted the connection; receiveMaximum bounds unacknowledged QoS>0 sends.
        std::function<void(int receiveMaximum)> connected;
        //! The connection failed or was lost (refused, TLS, network, keep-alive); the client is
        //! closed: destroy it (not from inside a handler: deleteLater).
        std::function<void(const QString &reason)> lost;
        //! The message sent as mid left (QoS 0) or was acknowledged (QoS 1, 2).
        std::function<void(int mid)> published;
        std::function<void(const QByteArray &topic, const QByteArray &payload, bool retained)> message;
    };

    MqttClient(const MqttClientConfig &config, Handlers handlers, QObject *parent = nullptr);
    ~MqttClient() override;

    //! Starts connecting; false (with *error) if it failed at once.
    bool open(QString *error);
    //! Queues a message; its mid, or -1 with *error. The message is written as the socket allows.
    int publish(const QByteArray &topic, const QByteArray &payload, int qos, bool retain, QString *error);
    bool subscribe(const QByteArray &filter, int qos, QString *error);
    //! Sends DISCONNECT, writes what the socket takes now without waiting, and closes.
    void close();
    bool isOpen() const;
    //! True while handlers run: the client is on the stack and must be let go of with deleteLater.
    bool isDelivering() const { return m_delivering; }

private:
    struct Connected { int receiveMaximum; };
    struct Lost { QString reason; };
    struct Published { int mid; };
    struct Message { QByteArray topic, payload; bool retained; };
    using Event = std::variant<Connected, Lost, Published, Message>;

    void installCallbacks();
    void watchSocket();
    enum class Delivery { Now, Later };
    //! After a libmosquitto call: rc != success means the connection is gone. Queued events
    //! reach the handlers now, or from the event loop.
    void afterCall(int rc, Delivery delivery = Delivery::Now);
    void fail(const QString &reason);
    void updateWriteInterest();
    void releaseNotifiers();
    void deliverEvents();

    MqttClientConfig m_config;
    Handlers m_handlers;
    mosquitto *m_mosq = nullptr;
    std::unique_ptr<QSocketNotifier> m_read, m_write;
    QTimer *m_keepAlive = nullptr;
    std::vector<Event> m_events;
    bool m_delivering = false;
    bool m_deliveryQueued = false;
    bool m_failed = false;
};

} // namespace DropSlot::detail
