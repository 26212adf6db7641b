// SPDX-License-Identifier: MIT
#pragma once

#include <DropSlot/DropSlot>

#include <QtCore/QStringList>

#include <atomic>
#include <memory>
#include <thread>
#include <utility>
#include <vector>

// Simulated plant sensors: worker threads publish readings to a Bus<double> as fast as they
// can. A few sensors drop out now and then, so the dashboard has stale readings to show.
class SensorFarm
{
public:
    SensorFarm(int sensors, int workers);
    ~SensorFarm();

    DropSlot::Bus<double> bus() const { return m_bus; }
    QStringList topicNames() const { return m_names; }
    quint64 publishes() const { return m_publishes.load(std::memory_order_relaxed); }
    //! Stops publishing and waits for the workers to finish.
    void stop();

private:
    //! A worker's sensors: index and held topic.
    using Sensors = std::vector<std::pair<int, DropSlot::Topic<double>>>;
    void work(Sensors mine);

    DropSlot::Bus<double> m_bus;
    QStringList m_names;
    std::atomic<bool> m_stop{false};
    std::atomic<quint64> m_publishes{0};
    std::vector<std::thread> m_threads;
};
