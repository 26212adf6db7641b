// SPDX-License-Identifier: MIT
#include "dashboardstats.h"

DashboardStats::DashboardStats(std::function<quint64()> publishes, QObject *parent)
    : QObject(parent), m_publishes(std::move(publishes))
{
    m_sinceSample.start();
    m_running.start();
    connect(&m_timer, &QTimer::timeout, this, &DashboardStats::sample);
    m_timer.start(1000);
}

std::array<quint64, 3> DashboardStats::totals() const
{
    return {m_publishes(), m_totals[1], m_totals[2]};
}

void DashboardStats::sample()
{
    const double seconds = std::max<qint64>(1, m_sinceSample.restart()) / 1000.0;
    const std::array<quint64, 3> now = totals();
    for (std::size_t i = 0; i < now.size(); ++i)
        m_rates[i] = (now[i] - m_previous[i]) / seconds;
    m_previous = now;
    Q_EMIT sampled();
}
