// SPDX-License-Identifier: MIT
#include "sensorfarm.h"

#include <QtCore/QElapsedTimer>

#include <cmath>

using namespace Qt::StringLiterals;

SensorFarm::SensorFarm(int sensors, int workers) : m_bus(sensors)
{
    static const char *const kinds[] = {"temp", "flow", "pres", "load"};
    for (int i = 0; i < sensors; ++i)
        m_names.append(u"plant/line%1/%2%3"_s.arg(i / 16 + 1, 2, 10, QChar(u'0')).arg(QLatin1StringView(kinds[i % 4])).arg(i % 16 / 4 + 1));
    // Every topic exists before the first worker starts: whoever lists the bus's topics once
    // the farm is built (the dashboard's model, an MQTT export) finds all of them. Each worker
    // owns every workers-th sensor and holds its Topic handle: a publish is then a swap under
    // a lock held for nanoseconds, with no lookup.
    for (int w = 0; w < workers; ++w) {
        Sensors mine;
        for (int i = w; i < sensors; i += workers)
            mine.emplace_back(i, m_bus.topic(m_names[i]));
        m_threads.emplace_back([this, mine = std::move(mine)]() mutable { work(std::move(mine)); });
    }
}

SensorFarm::~SensorFarm()
{
    stop();
}

void SensorFarm::stop()
{
    m_stop = true;
    for (std::thread &t : m_threads) {
        if (t.joinable())
            t.join();
    }
}

void SensorFarm::work(Sensors mine)
{
    QElapsedTimer clock;
    clock.start();
    quint64 local = 0;
    while (!m_stop.load(std::memory_order_relaxed)) {
        const double t = clock.elapsed() / 1000.0;
        const qint64 second = clock.elapsed() / 1000;
        quint64 published = 0;
        for (auto &[index, topic] : mine) {
            // Every 23rd sensor goes quiet from second 3 to 8 of every 11: its tile turns stale.
            if (index % 23 == 5 && second % 11 >= 3 && second % 11 < 8)
                continue;
            const double phase = index * 0.37;
            const double reading = 50 + 30 * std::sin(t * (0.5 + index % 7 * 0.15) + phase)
                                   + 8 * std::sin(t * 7.3 + phase * 3) + (local % 97) * 0.02;
            topic.publish(reading);
            ++published;
        }
        local += published;
        m_publishes.fetch_add(published, std::memory_order_relaxed);
    }
}
