// SPDX-License-Identifier: MIT
#pragma once

#include <DropSlot/DropSlot>

#include <QtCore/QElapsedTimer>
#include <QtWidgets/QMainWindow>

#include <atomic>

QT_BEGIN_NAMESPACE
class QLabel;
QT_END_NAMESPACE

// A grid of sensor readouts (label + bar), each fed by DropSlot::connect from a topic that worker
// threads publish to flat out, and a status bar comparing publishes/s with deliveries/s.
class MonitorWindow : public QMainWindow
{
    Q_OBJECT
public:
    MonitorWindow(DropSlot::Bus<double> bus, const QStringList &sensors,
                  const std::atomic<quint64> &publishes, QWidget *parent = nullptr);

    struct Figures
    {
        double publishesPerSecond = 0;
        double deliveriesPerSecond = 0;
        qint64 worstLoopStallMs = 0; // how late a 10 ms timer fired at worst: GUI responsiveness
    };
    Figures figures() const { return m_figures; }

private:
    void sample();

    const std::atomic<quint64> &m_publishes;
    quint64 m_deliveries = 0;
    quint64 m_lastPublishes = 0;
    quint64 m_lastDeliveries = 0;
    qint64 m_worstStallMs = 0;
    QElapsedTimer m_sinceSample;
    QElapsedTimer m_sinceTick;
    QLabel *m_status;
    Figures m_figures;
};
