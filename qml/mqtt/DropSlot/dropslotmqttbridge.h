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
    //! Credentials; never logged.
    Q_PROPERTY(QString username READ username WRITE setUsername NOTIFY usernameChanged FINAL)
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
    Q_PROPERTY(double sent READ sent NOTIFY sentChanged FINAL)
    Q_PROPERTY(double received READ received NOTIFY receivedChanged FINAL)
    Q_PROPERTY(double coalesced READ coalesced NOTIFY coalescedChanged FINAL)
    Q_PROPERTY(double decodeErrors READ decodeErrors NOTIFY decodeErrorsChanged FINAL)
    Q_PROPERTY(double rejected READ rejected NOTIFY rejectedChanged FINAL)
    Q_PROPERTY(double reconnects READ reconnects NOTIFY reconnectsChanged FINAL)

public:
    //! MqttBridge::State for QML: DropSlotMqttBridge.Connected and so on.
    enum State { Disconnected, Connecting, Connected };
    Q_ENUM(State)

    //! An element with the default settings; it connects once complete.
    explicit DropSlotMqttBridge(QObject *parent = nullptr);
    //! Stops the bridge.
    ~DropSlotMqttBridge() override;

    DropSlotBus *bus() const;
    void setBus(DropSlotBus *bus);
    QString host() const { return m_options.host; }
    void setHost(const QString &host);
    int port() const { return m_options.port; }
    void setPort(int port);
    QString clientId() const { return m_options.clientId; }
    void setClientId(const QString &clientId);
    QString username() const { return m_options.username; }
    void setUsername(const QString &username);
    QString password() const { return m_options.password; }
    void setPassword(const QString &password);
    QString caFile() const { return m_options.caFile; }
    void setCaFile(const QString &caFile);
    QString remotePrefix() const { return m_options.remotePrefix; }
    void setRemotePrefix(const QString &prefix);
    int qos() const { return m_options.qos; }
    void setQos(int qos);
    bool retain() const { return m_options.retain; }
    void setRetain(bool retain);
    int keepAliveSeconds() const { return m_options.keepAliveSeconds; }
    void setKeepAliveSeconds(int seconds);
    int minimumInterval() const { return m_options.minimumIntervalMs; }
    void setMinimumInterval(int ms);
    QString statusTopic() const { return m_options.statusTopic; }
    void setStatusTopic(const QString &topic);
    QStringList exports() const { return m_exports; }
    void setExports(const QStringList &filters);
    QStringList imports() const { return m_imports; }
    void setImports(const QStringList &filters);
    bool isActive() const { return m_active; }
    void setActive(bool active);

    State state() const { return m_state; }
    bool isConnected() const { return m_state == Connected; }
    QString lastError() const { return m_lastError; }
    double sent() const { return double(m_stats.sent); }
    double received() const { return double(m_stats.received); }
    double coalesced() const { return double(m_stats.coalesced); }
    double decodeErrors() const { return double(m_stats.decodeErrors); }
    double rejected() const { return double(m_stats.rejected); }
    double reconnects() const { return double(m_stats.reconnects); }

    //! Holds back the bridge until every property of the QML declaration is set.
    void classBegin() override;
    //! Starts the bridge, with every property of the QML declaration set.
    void componentComplete() override;

Q_SIGNALS:
    void busChanged();
    void hostChanged();
    void portChanged();
    void clientIdChanged();
    void usernameChanged();
    void passwordChanged();
    void caFileChanged();
    void remotePrefixChanged();
    void qosChanged();
    void retainChanged();
    void keepAliveSecondsChanged();
    void minimumIntervalChanged();
    void statusTopicChanged();
    void exportsChanged();
    void importsChanged();
    void activeChanged();
    void stateChanged();
    void connectedChanged();
    void lastErrorChanged();
    void sentChanged();
    void receivedChanged();
    void coalescedChanged();
    void decodeErrorsChanged();
    void rejectedChanged();
    void reconnectsChanged();
    //! A connection attempt failed or a connection ended (lastError holds message too).
    void errorOccurred(const QString &message);

protected:
    //! Refreshes the counters while a bridge runs.
    void timerEvent(QTimerEvent *event) override;

private:
    void settingsChanged();
    void rebuild();
    void retire();
    void addFilters(const QStringList &filters, qsizetype from, bool exporting);
    void setState(MqttBridge::State state);
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
