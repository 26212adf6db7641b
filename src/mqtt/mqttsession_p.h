// SPDX-License-Identifier: MIT
// The bridge's work, in the bridge's own thread: which local topics go out and come in, what is
// in flight, and the connection's life (connect, lose, back off, reconnect). Everything here runs
// in that one thread; MqttBridge only queues calls to it.
#pragma once

#include "backoff_p.h"
#include "mqttclient_p.h"
#include "mqttstatus_p.h"

#include <DropSlot/mqttbridge.h>

#include <QtCore/QHash>
#include <QtCore/QObject>
#include <QtCore/QSet>
#include <QtCore/QStringList>

#include <deque>
#include <functional>
#include <mutex>
#include <memory>
#include <unordered_map>

class QTimer;

namespace DropSlot::detail {

class MqttSession final : public QObject
{
    Q_OBJECT
public:
    MqttSession(std::shared_ptr<MqttBusAdapter> bus, const MqttOptions &options, MqttStatus *status);
    ~MqttSession() override;

    void addExport(const QString &filter);
    void addImport(const QString &filter);
    void start();
    void stop();
    //! stop(), then lets go of every topic and timer: the last call, before the thread ends.
    void shutdown();

    //! Queues a call from another thread; runQueued() runs it in this one. The calls travel
    //! through a mutex rather than inside Qt's events, whose hand-over ThreadSanitizer cannot
    //! see in an uninstrumented Qt.
    void enqueue(std::function<void()> call);
    Q_INVOKABLE void runQueued();

Q_SIGNALS:
    void stateChanged(DropSlot::MqttBridge::State state);
    void errorOccurred(const QString &message);

private:
    struct Entry
    {
        std::unique_ptr<MqttTopicLink> link;
        QByteArray brokerTopic;
        bool exported = false;
        bool imported = false;
        QString refusal;           // why this exported name cannot travel; every value is rejected
        bool hasValue = false;     // the exported topic has had a value
        bool dirty = false;        // a value newer than the one sent exists
        bool force = false;        // send the newest value even if it was sent: after a connect
        bool queued = false;       // waiting in m_ready
        bool inFlight = false;
        bool localOrigin = false;  // the value the broker last got here came from this bus
        quint64 sentVersion = 0;
        QByteArray lastWire;       // what the broker last got from us or gave us on this topic
        QByteArray lastImported;   // the codec's encoding of the last imported value
        bool warned = false;       // warned about this topic since it last worked
    };

    Entry &entryFor(const QString &name);
    void exportIfMatching(const QString &name);
    void ensureExport(const QString &name);
    void onChanged(const QString &name);
    void onTopicEvent(const QString &name, TopicEvent event);
    void schedule(const QString &name, Entry &entry);
    void pump();
    void send(const QString &name, Entry &entry);
    void clearRetained(const QByteArray &brokerTopic);
    bool sendControl(const QByteArray &topic, const QByteArray &payload);

    void connectNow();
    void onConnected(int receiveMaximum);
    void onLost(const QString &reason);
    void onPublished(int mid);
    void onMessage(const QByteArray &topic, const QByteArray &payload, bool retained);
    void subscribe(const QString &filter);
    void dropClient();
    void setState(MqttBridge::State state);
    void reportError(const QString &message);
    void warnOnce(Entry *entry, const QString &name, const QString &message);

    std::mutex m_callsMutex;
    std::deque<std::function<void()>> m_calls;

    std::shared_ptr<MqttBusAdapter> m_bus;
    const MqttOptions m_options;
    MqttStatus *const m_status;
    QByteArray m_prefix;      // remotePrefix in UTF-8
    QByteArray m_statusTopic; // empty: no status topic
    QByteArray m_clientId;

    QStringList m_exportFilters, m_importFilters;
    Connection m_watch;
    std::unordered_map<QString, Entry> m_entries;
    std::deque<QString> m_ready;
    QHash<int, QString> m_inFlight; // mid -> local name (empty: a control message)
    QSet<QByteArray> m_pendingClears; // retained messages to delete once connected
    QSet<QString> m_warnedNames;      // names without an entry that were warned about
    int m_budget = 0;                 // unacknowledged messages the broker accepts
    bool m_pumping = false;

    MqttClient *m_client = nullptr;
    int m_inClient = 0;         // depth of calls from m_client's handlers
    bool m_running = false;     // between start() and stop()
    bool m_connected = false;
    bool m_everConnected = false;
    QString m_lastReported;
    Backoff m_backoff;
    QTimer *m_retryTimer = nullptr;
    QTimer *m_connectTimer = nullptr;
};

} // namespace DropSlot::detail
