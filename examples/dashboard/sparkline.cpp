// SPDX-License-Identifier: MIT
#include "sparkline.h"

#include <QtGui/QPainter>

Sparkline::Sparkline(QQuickItem *parent) : QQuickPaintedItem(parent) { }

void Sparkline::setValue(double value)
{
    m_value = value;
    m_history[m_next] = value;
    m_next = (m_next + 1) % Samples;
    m_count = std::min(m_count + 1, Samples);
    Q_EMIT valueChanged();
    update();
}

void Sparkline::paint(QPainter *painter)
{
    if (m_count < 2)
        return;
    const double w = width();
    const double h = height();
    const double span = m_maximum > m_minimum ? m_maximum - m_minimum : 1;
    std::array<QPointF, Samples> points;
    for (int i = 0; i < m_count; ++i) {
        const double v = m_history[(m_next - m_count + i + Samples) % Samples];
        const double y = h - 1 - std::clamp((v - m_minimum) / span, 0.0, 1.0) * (h - 2);
        points[i] = QPointF(w * i / (Samples - 1), y);
    }
    painter->setPen(QPen(m_color, 1.2));
    painter->drawPolyline(points.data(), m_count);
}
