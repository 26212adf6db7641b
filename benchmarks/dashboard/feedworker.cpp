// SPDX-License-Identifier: MIT
#include "feedworker.h"

#include "benchcommon.h"

#include <chrono>
#include <cmath>
#include <thread>

using namespace std::chrono_literals;

FeedWorker::FeedWorker(int worker, int workers, double ratePerSecond, FeedState *state)
    : m_worker(worker), m_workers(workers), m_rate(ratePerSecond), m_state(state)
{
}

void FeedWorker::setTopics(std::vector<DropSlot::Topic<double>> topics)
{
    m_topics = std::move(topics);
}

double FeedWorker::readingOf(int sensor, double t)
{
    const double phase = sensor * 0.37;
    return 50 + 30 * std::sin(t * (0.5 + sensor % 7 * 0.15) + phase)
        + 8 * std::sin(t * 7.3 + phase * 3);
}

void FeedWorker::run()
{
    if (m_topics.empty()) {
        publishUntilStopped([this](int sensor, double value) { Q_EMIT reading(sensor, value); });
    } else {
        publishUntilStopped(
            [this](int sensor, double value) { m_topics[std::size_t(sensor)].publish(value); });
    }
}

template <typename Publish>
void FeedWorker::publishUntilStopped(Publish &&publish)
{
    std::vector<int> mine;
    for (int sensor = m_worker; sensor < int(m_state->finalValues.size()); sensor += m_workers)
        mine.push_back(sensor);
    if (mine.empty())
        return;
    // Paced: this worker's share of the rate, caught up in batches after each short sleep.
    const double perNs = m_rate / m_workers / 1e9;
    const qint64 start = Bench::nowNs();
    std::size_t next = 0;
    quint64 sent = 0;
    while (!m_state->stop.load(std::memory_order_relaxed)) {
        const qint64 now = Bench::nowNs();
        std::size_t batch = mine.size();
        if (m_rate > 0) {
            const auto due = quint64(double(now - start) * perNs);
            if (due <= sent) {
                std::this_thread::sleep_for(100us);
                continue;
            }
            batch = std::size_t(std::min<quint64>(due - sent, mine.size()));
        }
        // One time per batch, and a sensor at most once per batch: every value differs from
        // the sensor's earlier ones, so a tile showing its final value shows the last update.
        const double t = double(now - start) / 1e9;
        for (std::size_t k = 0; k < batch; ++k) {
            const int sensor = mine[next];
            next = next + 1 == mine.size() ? 0 : next + 1;
            const double value = readingOf(sensor, t);
            publish(sensor, value);
            m_state->finalValues[std::size_t(sensor)] = value;
        }
        m_lastPublishNs = Bench::nowNs();
        sent += batch;
        m_state->published.fetch_add(batch, std::memory_order_relaxed);
    }
}
