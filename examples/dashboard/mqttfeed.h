// SPDX-License-Identifier: MIT
#pragma once

#include <DropSlot/DropSlot>
#include <DropSlot/Mqtt>

#include <QtCore/QElapsedTimer>
#include <QtCore/QHash>
#include <QtCore/QObject>
#include <QtCore/QTimer>
#include <QtQml/qqmlregistration.h>

// The dashboard's sensors imported from a sensor farm (examples/sensorfarm) through an MQTT
// broker, and the figures of that link for the dashboard's header: the bridge's state, the farm's
// status, messages/s received and the round trip.
class MqttFeed : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("provided by the application")
    Q_PROPERTY(QString endpoint READ endpoint CONSTANT FINAL)
    Q_PROPERTY(QString state READ state NOTIFY stateChanged FINAL)
    Q_PROPERTY(QString farmStatus READ farmStatus NOTIFY farmStatusChanged FINAL)
    Q_PROPERTY(double messagesPerSecond READ messagesPerSecond NOTIFY sampled FINAL)
    Q_PROPERTY(double roundTripMs READ roundTripMs NOTIFY roundTripChanged FINAL)

public:
    //! Imports the farm's sensors into sensors, through the broker and prefix of options.
    MqttFeed(const DropSlot::Bus<double> &sensors, const DropSlot::MqttOptions &options, QObject *parent = nullptr);

    //! "host:port prefix".
    QString endpoint() const;
    //! The sensor bridge's state: "Disconnected", "Connecting" or "Connected".
    QString state() const;
    //! What the farm's status topic says: "online", "offline", or "unknown" before it is heard.
    QString farmStatus() const { return m_farmStatus; }
    //! Messages received from the broker per second, over the last second.
    double messagesPerSecond() const { return m_rate; }
    //! The last ping's round trip in ms; -1 before the first pong.
    double roundTripMs() const { return m_roundTrips.isEmpty() ? -1 : m_roundTrips.last(); }
    //! The median round trip of the run so far (-1: none) and how many pings came back.
    double medianRoundTripMs() const;
    qsizetype pongs() const { return m_roundTrips.size(); }
    //! Messages received since the start.
    quint64 received() const;
    //! How many times the farm has published since this feed first heard of it (across farm
    //! restarts, whose own counts start again from zero).
    quint64 farmPublishes();
    //! Disconnects both bridges; the bus keeps the values it has.
    void stop();

Q_SIGNALS:
    void stateChanged();
    void farmStatusChanged();
    void sampled();
    void roundTripChanged();

private:
    void ping();
    void pong(const QString &stamp);
    void sample();

    DropSlot::Bus<double> m_sensors;
    // Status, ping and pong: text, and not retained, on a bus of their own.
    DropSlot::Bus<QString> m_link;
    DropSlot::MqttBridge m_sensorBridge;
    DropSlot::MqttBridge m_linkBridge;
    QString m_farmStatus = QStringLiteral("unknown");
    QTimer m_pingTimer;
    QTimer m_sampleTimer;
    QElapsedTimer m_clock;
    qint64 m_pingBase = 0;
    qint64 m_pingCount = 0;
    QHash<qint64, qint64> m_pingsSent; // stamp -> m_clock's ns when it was sent
    QList<double> m_roundTrips;
    quint64 m_lastReceived = 0;
    double m_rate = 0;
    QElapsedTimer m_sinceSample;
    bool m_farmCountSeen = false;
    double m_farmCount = 0;
    quint64 m_farmPublishes = 0;
};
