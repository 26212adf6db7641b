// SPDX-License-Identifier: MIT
#pragma once

#include <DropSlot/DropSlot>

#include <QtCore/QObject>

#include <atomic>
#include <vector>

//! What the publishing threads share with the harness.
struct FeedState
{
    //! Set by the harness: publishing stops.
    std::atomic<bool> stop{false};
    //! Updates published so far, by all workers.
    std::atomic<quint64> published{0};
    //! Each sensor's last published value, written by the worker that owns the sensor; read
    //! only after the workers have finished.
    std::vector<double> finalValues;
};

//! One publishing thread's work: every workers-th sensor, published flat out or at its share of
//! a paced rate, either to DropSlot Topic handles or as one queued signal per reading.
class FeedWorker : public QObject
{
    Q_OBJECT

public:
    //! Worker number worker of workers; ratePerSecond is the rate of all workers together, 0
    //! for flat out.
    FeedWorker(int worker, int workers, double ratePerSecond, FeedState *state);

    //! Publishes to these topics (indexed by sensor) instead of emitting reading().
    void setTopics(std::vector<DropSlot::Topic<double>> topics);
    //! The steady-clock time of this worker's last publish, in ns (once run() has returned).
    qint64 lastPublishNs() const { return m_lastPublishNs; }
    //! Publishes until the state's stop flag is set (runs in the worker's thread).
    void run();

    //! A reading of sensor at t seconds: a few slow waves per sensor.
    static double readingOf(int sensor, double t);

Q_SIGNALS:
    //! A new reading of sensor (the baseline feed), emitted in the worker's thread.
    void reading(int sensor, double value);

private:
    template <typename Publish>
    void publishUntilStopped(Publish &&publish);

    const int m_worker;
    const int m_workers;
    const double m_rate;
    FeedState *const m_state;
    std::vector<DropSlot::Topic<double>> m_topics;
    qint64 m_lastPublishNs = 0;
};
