// SPDX-License-Identifier: MIT
#include "monitorwindow.h"

#include <QtCore/QTimer>
#include <QtWidgets/QGridLayout>
#include <QtWidgets/QLabel>
#include <QtWidgets/QProgressBar>
#include <QtWidgets/QStatusBar>

using namespace Qt::StringLiterals;

MonitorWindow::MonitorWindow(DropSlot::Bus<double> bus, const QStringList &sensors,
                             const std::atomic<quint64> &publishes, QWidget *parent)
    : QMainWindow(parent), m_publishes(publishes), m_status(new QLabel(this))
{
    setWindowTitle(u"DropSlot live monitor"_s);
    auto *grid = new QGridLayout;
    const int columns = 4;
    for (int i = 0; i < sensors.size(); ++i) {
        auto *name = new QLabel(sensors[i]);
        auto *value = new QLabel(u"–"_s);
        value->setMinimumWidth(60);
        value->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
        auto *bar = new QProgressBar;
        bar->setRange(0, 1000);
        bar->setTextVisible(false);
        const int row = i / columns;
        const int column = (i % columns) * 3;
        grid->addWidget(name, row, column);
        grid->addWidget(value, row, column + 1);
        grid->addWidget(bar, row, column + 2);

        // The whole integration: however fast the workers publish, this runs at most once per
        // event-loop turn, in the GUI thread, with the newest value.
        DropSlot::connect(bus.topic(sensors[i]), value, [this, value, bar](const double &v) {
            value->setText(QString::number(v, 'f', 1));
            bar->setValue(int(v * 10));
            ++m_deliveries;
        });
    }
    auto *central = new QWidget;
    central->setLayout(grid);
    setCentralWidget(central);
    statusBar()->addWidget(m_status, 1);

    auto *tick = new QTimer(this); // measures how late the GUI loop runs a 10 ms timer
    m_sinceTick.start();
    connect(tick, &QTimer::timeout, this, [this] {
        m_worstStallMs = std::max(m_worstStallMs, m_sinceTick.restart() - 10);
    });
    tick->start(10);
    auto *sampler = new QTimer(this);
    connect(sampler, &QTimer::timeout, this, &MonitorWindow::sample);
    sampler->start(1000);
    m_sinceSample.start();
    sample();
}

void MonitorWindow::sample()
{
    const double seconds = std::max<qint64>(1, m_sinceSample.restart()) / 1000.0;
    const quint64 publishes = m_publishes.load(std::memory_order_relaxed);
    m_figures.publishesPerSecond = (publishes - m_lastPublishes) / seconds;
    m_figures.deliveriesPerSecond = (m_deliveries - m_lastDeliveries) / seconds;
    m_figures.worstLoopStallMs = std::max<qint64>(0, m_worstStallMs);
    m_lastPublishes = publishes;
    m_lastDeliveries = m_deliveries;
    m_worstStallMs = 0;
    m_status->setText(u"publishes/s: %1    deliveries/s: %2    worst GUI stall: %3 ms"_s
                          .arg(m_figures.publishesPerSecond, 0, 'f', 0)
                          .arg(m_figures.deliveriesPerSecond, 0, 'f', 0)
                          .arg(m_figures.worstLoopStallMs));
}
