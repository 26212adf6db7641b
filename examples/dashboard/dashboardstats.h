// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QElapsedTimer>
#include <QtCore/QObject>
#include <QtCore/QTimer>
#include <QtQml/qqmlregistration.h>

#include <functional>

// Publishes/s, deliveries/s and frames/s, sampled once a second for the dashboard's header.
class DashboardStats : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("provided by the application")
    Q_PROPERTY(double publishesPerSecond READ publishesPerSecond NOTIFY sampled FINAL)
    Q_PROPERTY(double deliveriesPerSecond READ deliveriesPerSecond NOTIFY sampled FINAL)
    Q_PROPERTY(double framesPerSecond READ framesPerSecond NOTIFY sampled FINAL)

public:
    explicit DashboardStats(std::function<quint64()> publishes, QObject *parent = nullptr);

    double publishesPerSecond() const { return m_rates[0]; }
    double deliveriesPerSecond() const { return m_rates[1]; }
    double framesPerSecond() const { return m_rates[2]; }
    void countDelivery() { ++m_totals[1]; }
    void countFrame() { ++m_totals[2]; }
    //! Totals since start: publishes, deliveries, frames.
    std::array<quint64, 3> totals() const;
    double secondsRunning() const { return m_running.elapsed() / 1000.0; }

Q_SIGNALS:
    void sampled();

private:
    void sample();

    std::function<quint64()> m_publishes;
    std::array<quint64, 3> m_totals{};
    std::array<quint64, 3> m_previous{};
    std::array<double, 3> m_rates{};
    QElapsedTimer m_sinceSample;
    QElapsedTimer m_running;
    QTimer m_timer;
};
