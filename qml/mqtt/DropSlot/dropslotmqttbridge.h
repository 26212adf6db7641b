// SPDX-License-Identifier: MIT
#pragma once

#include <DropSlot/dropslotqmlmqtt_export.h>

#include <DropSlot/dropslotbus.h>
#include <DropSlot/mqttbridge.h>
#include <DropSlot/mqttoptions.h>

#include <QtCore/QBasicTimer>
#include <QtCore/QObject>
#include <QtCore/QStringList>
#include <QtQml/QQmlParserStatus>
#include <QtQml/qqmlregistration.h>

#include <memory>

namespace DropSlot {

//! MqttBridge for QML (`import DropSlot.Mqtt`): carries topics of any DropSlotBus to and from an
//! MQTT broker, values as JSON. While active and complete it runs one bridge; changing a
//! connection setting or the bus replaces it. Bad settings are refused with a QML warning.
class DROPSLOTQMLMQTT_EXPORT DropSlotMqttBridge : public QObject, public QQmlParserStatus
{
    Q_OBJECT
    QML_ELEMENT
    Q_INTERFACES(QQmlParserStatus)
    //! The bus to bridge; null means DropSlot::defaultBus(). A destroyed bus stops the bridge.
    Q_PROPERTY(DropSlot::DropSlotBus *bus READ bus WRITE setBus NOTIFY busChanged FINAL)
    //! The broker's host name or address; empty: no bridge (a binding not evaluated yet).
    Q_PROPERTY(QString host READ host WRITE setHost NOTIFY hostChanged FINAL)
    //! The broker's port, 1 to 65535 (default 1883).
    Q_PROPERTY(int port READ port WRITE setPort NOTIFY portChanged FINAL)
    //! The MQTT client id; empty: a generated, unique one.
    Q_PROPERTY(QString clientId READ clientId WRITE setClientId NOTIFY clientIdChanged FINAL)
    //! The user name, if the broker asks for credentials.
    Q_PROPERTY(QString username READ username WRITE setUsername NOTIFY usernameChanged FINAL)
    //! The password; never logged.
    Q_PROPERTY(QString password READ password WRITE setPassword NOTIFY passwordChanged FINAL)
    //! A CA certificate file; set: the connection uses TLS.
    Q_PROPERTY(QString caFile READ caFile WRITE setCaFile NOTIFY caFileChanged FINAL)
    //! Prepended to local names on the broker: "site1/" maps "plant/t" to "site1/plant/t".
    Q_PROPERTY(QString remotePrefix READ remotePrefix WRITE setRemotePrefix NOTIFY remotePrefixChanged FINAL)
    //! The MQTT quality of service, 0, 1 or 2 (default 1).
    Q_PROPERTY(int qos READ qos WRITE setQos NOTIFY qosChanged FINAL)
    //! Whether exported messages are retained (default true: late joiners get the latest).
    Q_PROPERTY(bool retain READ retain WRITE setRetain NOTIFY retainChanged FINAL)
    //! The MQTT keep-alive in seconds: 0 (none) or at least 5 (default 30).
    Q_PROPERTY(int keepAliveSeconds READ keepAliveSeconds WRITE setKeepAliveSeconds NOTIFY keepAliveSecondsChanged FINAL)
    //! At least this many ms between two messages of one exported topic (default 0).
    Q_PROPERTY(int minimumInterval READ minimumInterval WRITE setMinimumInterval NOTIFY minimumIntervalChanged FINAL)
    //! Non-empty: a retained "online"/"offline" on remotePrefix + statusTopic.
    Q_PROPERTY(QString statusTopic READ statusTopic WRITE setStatusTopic NOTIFY statusTopicChanged FINAL)
    //! MQTT filters ("+" one level, "#" the rest) of local topics sent to the broker.
    Q_PROPERTY(QStringList exports READ exports WRITE setExports NOTIFY exportsChanged FINAL)
    //! MQTT filters, relative to remotePrefix, of broker topics published into the bus.
    Q_PROPERTY(QStringList imports READ imports WRITE setImports NOTIFY importsChanged FINAL)
    //! false: no bridge, no connection (default true).
    Q_PROPERTY(bool active READ isActive WRITE setActive NOTIFY activeChanged FINAL)

    //! The connection's state (read-only).
    Q_PROPERTY(State state READ state NOTIFY stateChanged FINAL)
    //! state == Connected (read-only).
    Q_PROPERTY(bool connected READ isConnected NOTIFY connectedChanged FINAL)
    //! Why the last connection attempt failed or the last connection ended; empty once a
    //! connection succeeds and when the settings change (read-only).
    Q_PROPERTY(QString lastError READ lastError NOTIFY lastErrorChanged FINAL)
    //! Counters since the element's creation, across bridges (read-only; see MqttBridge::Stats).
    //! Messages handed to the broker.
    Q_PROPERTY(double sent READ sent NOTIFY sentChanged FINAL)
    //! Messages received on imported topics.
    Q_PROPERTY(double received READ received NOTIFY receivedChanged FINAL)
    //! Exported values replaced before they were sent.
    Q_PROPERTY(double coalesced READ coalesced NOTIFY coalescedChanged FINAL)
    //! Received payloads that did not convert to the bus's type.
    Q_PROPERTY(double decodeErrors READ decodeErrors NOTIFY decodeErrorsChanged FINAL)
    //! Messages refused: bad local name, oversized or empty payload.
    Q_PROPERTY(double rejected READ rejected NOTIFY rejectedChanged FINAL)
    //! Connections re-established after one was lost.
    Q_PROPERTY(double reconnects READ reconnects NOTIFY reconnectsChanged FINAL)

public:
    //! MqttBridge::State for QML: DropSlotMqttBridge.Connected and so on.
    enum State { Disconnected, Connecting, Connected };
    Q_ENUM(State)

    //! An element with the default settings; it connects once complete.
    explicit DropSlotMqttBridge(QObject *parent = nullptr);
    //! Stops the bridge.
    ~DropSlotMqttBridge() override;

    //! The bus property.
    DropSlotBus *bus() const;
    //! Sets the bus property.
    void setBus(DropSlotBus *bus);
    //! The host property.
    QString host() const { return m_options.host; }
    //! Sets the host property.
    void setHost(const QString &host);
    //! The port property.
    int port() const { return m_options.port; }
    //! Sets the port property.
    void setPort(int port);
    //! The clientId property.
    QString clientId() const { return m_options.clientId; }
    //! Sets the clientId property.
    void setClientId(const QString &clientId);
    //! The username property.
    QString username() const { return m_options.username; }
    //! Sets the username property.
    void setUsername(const QString &username);
    //! The password property.
    QString password() const { return m_options.password; }
    //! Sets the password property.
    void setPassword(const QString &password);
    //! The caFile property.
    QString caFile() const { return m_options.caFile; }
    //! Sets the caFile property.
    void setCaFile(const QString &caFile);
    //! The remotePrefix property.
    QString remotePrefix() const { return m_options.remotePrefix; }
    //! Sets the remotePrefix property.
    void setRemotePrefix(const QString &prefix);
    //! The qos property.
    int qos() const { return m_options.qos; }
    //! Sets the qos property.
    void setQos(int qos);
    //! The retain property.
    bool retain() const { return m_options.retain; }
    //! Sets the retain property.
    void setRetain(bool retain);
    //! The keepAliveSeconds property.
    int keepAliveSeconds() const { return m_options.keepAliveSeconds; }
    //! Sets the keepAliveSeconds property.
    void setKeepAliveSeconds(int seconds);
    //! The minimumInterval property.
    int minimumInterval() const { return m_options.minimumIntervalMs; }
    //! Sets the minimumInterval property.
    void setMinimumInterval(int ms);
    //! The statusTopic property.
    QString statusTopic() const { return m_options.statusTopic; }
    //! Sets the statusTopic property.
    void setStatusTopic(const QString &topic);
    //! The exports property.
    QStringList exports() const { return m_exports; }
    //! Sets the exports property.
    void setExports(const QStringList &filters);
    //! The imports property.
    QStringList imports() const { return m_imports; }
    //! Sets the imports property.
    void setImports(const QStringList &filters);
    //! The active property.
    bool isActive() const { return m_active; }
    //! Sets the active property.
    void setActive(bool active);

    //! The state property.
    State state() const { return m_state; }
    //! The connected property.
    bool isConnected() const { return m_state == Connected; }
    //! The lastError property.
    QString lastError() const { return m_lastError; }
    //! The sent property.
    double sent() const { return double(m_stats.sent); }
    //! The received property.
    double received() const { return double(m_stats.received); }
    //! The coalesced property.
    double coalesced() const { return double(m_stats.coalesced); }
    //! The decodeErrors property.
    double decodeErrors() const { return double(m_stats.decodeErrors); }
    //! The rejected property.
    double rejected() const { return double(m_stats.rejected); }
    //! The reconnects property.
    double reconnects() const { return double(m_stats.reconnects); }

    //! Holds back the bridge until every property of the QML declaration is set.
    void classBegin() override;
    //! Starts the bridge, with every property of the QML declaration set.
    void componentComplete() override;

Q_SIGNALS:
    //! The bus property changed.
    void busChanged();
    //! The host property changed.
    void hostChanged();
    //! The port property changed.
    void portChanged();
    //! The clientId property changed.
    void clientIdChanged();
    //! The username property changed.
    void usernameChanged();
    //! The password property changed.
    void passwordChanged();
    //! The caFile property changed.
    void caFileChanged();
    //! The remotePrefix property changed.
    void remotePrefixChanged();
    //! The qos property changed.
    void qosChanged();
    //! The retain property changed.
    void retainChanged();
    //! The keepAliveSeconds property changed.
    void keepAliveSecondsChanged();
    //! The minimumInterval property changed.
    void minimumIntervalChanged();
    //! The statusTopic property changed.
    void statusTopicChanged();
    //! The exports property changed.
    void exportsChanged();
    //! The imports property changed.
    void importsChanged();
    //! The active property changed.
    void activeChanged();
    //! The state property changed.
    void stateChanged();
    //! The connected property changed.
    void connectedChanged();
    //! The lastError property changed.
    void lastErrorChanged();
    //! The sent property changed.
    void sentChanged();
    //! The received property changed.
    void receivedChanged();
    //! The coalesced property changed.
    void coalescedChanged();
    //! The decodeErrors property changed.
    void decodeErrorsChanged();
    //! The rejected property changed.
    void rejectedChanged();
    //! The reconnects property changed.
    void reconnectsChanged();
    //! A connection attempt failed or a connection ended (lastError holds message too).
    void errorOccurred(const QString &message);

protected:
    //! Refreshes the counters while a bridge runs.
    void timerEvent(QTimerEvent *event) override;

private:
    //! Sets the tingsChanged property.
    void settingsChanged();
    void rebuild();
    void retire();
    void addFilters(const QStringList &filters, qsizetype from, bool exporting);
    //! Sets the state property.
    void setState(MqttBridge::State state);
    //! Sets the lastError property.
    void setLastError(const QString &message);
    void refresh();
    void warn(const QString &message);

    MqttOptions m_options;
    QStringList m_exports;
    QStringList m_imports;
    detail::BusProperty m_bus;
    bool m_active = true;
    bool m_complete = true; // false between classBegin and componentComplete
    bool m_rebuildPending = false;

    std::unique_ptr<MqttBridge> m_bridge;
    State m_state = Disconnected;
    QString m_lastError;
    MqttBridge::Stats m_retired; // counters of the bridges replaced so far
    MqttBridge::Stats m_stats;   // shown: m_retired plus the running bridge's
    QBasicTimer m_refreshTimer;
};

} // namespace DropSlot
