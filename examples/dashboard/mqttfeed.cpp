// SPDX-License-Identifier: MIT
#include "mqttfeed.h"

#include "../sensorfarm/farmlink.h"

#include <QtCore/QMetaEnum>
#include <QtCore/QRandomGenerator>

#include <algorithm>

namespace {

DropSlot::MqttOptions withoutRetain(DropSlot::MqttOptions options)
{
    options.retain = false; // a ping is for the farm that is there now, not for a later one
    return options;
}

} // namespace

MqttFeed::MqttFeed(const DropSlot::Bus<double> &sensors, const DropSlot::MqttOptions &options, QObject *parent)
    : QObject(parent),
      m_sensors(sensors),
      m_sensorBridge(m_sensors, options),
      m_linkBridge(m_link, withoutRetain(options))
{
    m_sensorBridge.importTopics(FarmLink::sensorFilter());
    m_sensorBridge.importTopics(FarmLink::publishesTopic());
    m_linkBridge.importTopics(FarmLink::statusTopic());
    m_linkBridge.importTopics(FarmLink::pongTopic());
    m_linkBridge.exportTopics(FarmLink::pingTopic());
    connect(&m_sensorBridge, &DropSlot::MqttBridge::stateChanged, this, &MqttFeed::stateChanged);
    DropSlot::connect(m_link.topic(FarmLink::statusTopic()), this, [this](const QString &status) {
        if (status != m_farmStatus) {
            m_farmStatus = status;
            Q_EMIT farmStatusChanged();
        }
    });
    DropSlot::connect(m_link.topic(FarmLink::pongTopic()), this, &MqttFeed::pong);

    // The round trip: a stamp goes from this thread into the link bus, through this process's
    // bridge and the broker to the farm's bridge and bus, is published back by the farm's main
    // thread, and returns the same way to this thread. It measures what a value meets on the
    // link both ways, both event loops included. Stamps start at a random base so that a pong
    // meant for another dashboard (or a farm's retained one) is never taken for ours.
    m_pingBase = qint64(QRandomGenerator::global()->bounded(1 << 20)) * 1000000;
    m_clock.start();
    connect(&m_pingTimer, &QTimer::timeout, this, &MqttFeed::ping);
    m_pingTimer.start(500);
    connect(&m_sampleTimer, &QTimer::timeout, this, &MqttFeed::sample);
    m_sampleTimer.start(1000);
    m_sinceSample.start();

    m_sensorBridge.start();
    m_linkBridge.start();
}

QString MqttFeed::endpoint() const
{
    const DropSlot::MqttOptions &o = m_sensorBridge.options();
    return QStringLiteral("%1:%2 %3").arg(o.host).arg(o.port).arg(o.remotePrefix);
}

QString MqttFeed::state() const
{
    return QString::fromLatin1(QMetaEnum::fromType<DropSlot::MqttBridge::State>().valueToKey(int(m_sensorBridge.state())));
}

double MqttFeed::medianRoundTripMs() const
{
    if (m_roundTrips.isEmpty())
        return -1;
    QList<double> sorted = m_roundTrips;
    std::sort(sorted.begin(), sorted.end());
    return sorted[sorted.size() / 2];
}

quint64 MqttFeed::received() const
{
    return m_sensorBridge.stats().received + m_linkBridge.stats().received;
}

quint64 MqttFeed::farmPublishes()
{
    const std::optional<double> count = m_sensors.topic(FarmLink::publishesTopic()).latest();
    if (!count)
        return m_farmPublishes;
    // The first count heard may be an old retained one: only what it grows by counts. A farm
    // that restarted counts from zero again.
    if (m_farmCountSeen)
        m_farmPublishes += quint64(*count >= m_farmCount ? *count - m_farmCount : *count);
    m_farmCountSeen = true;
    m_farmCount = *count;
    return m_farmPublishes;
}

void MqttFeed::stop()
{
    m_pingTimer.stop();
    m_sampleTimer.stop();
    m_sensorBridge.stop();
    m_linkBridge.stop();
}

void MqttFeed::ping()
{
    const qint64 stamp = m_pingBase + ++m_pingCount;
    m_pingsSent.insert(stamp, m_clock.nsecsElapsed());
    m_pingsSent.remove(stamp - 20); // a ping unanswered for 10 s is lost
    m_link.topic(FarmLink::pingTopic()).publish(QString::number(stamp));
}

void MqttFeed::pong(const QString &stamp)
{
    bool ok = false;
    const auto sent = m_pingsSent.constFind(qint64(stamp.toDouble(&ok))); // the farm sends doubles
    if (!ok || sent == m_pingsSent.cend())
        return;
    m_roundTrips.append((m_clock.nsecsElapsed() - *sent) / 1e6);
    m_pingsSent.erase(sent);
    Q_EMIT roundTripChanged();
}

void MqttFeed::sample()
{
    const double seconds = std::max<qint64>(1, m_sinceSample.restart()) / 1000.0;
    const quint64 now = received();
    m_rate = (now - m_lastReceived) / seconds;
    m_lastReceived = now;
    Q_EMIT sampled();
}
