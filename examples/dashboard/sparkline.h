// SPDX-License-Identifier: MIT
#pragma once

#include <QtQuick/QQuickPaintedItem>
#include <QtQml/qqmlregistration.h>

#include <array>

// A tiny line chart of the last readings: each new value is appended and the line repainted.
class Sparkline : public QQuickPaintedItem
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(double value READ value WRITE setValue NOTIFY valueChanged FINAL)
    Q_PROPERTY(double minimum MEMBER m_minimum NOTIFY rangeChanged FINAL)
    Q_PROPERTY(double maximum MEMBER m_maximum NOTIFY rangeChanged FINAL)
    Q_PROPERTY(QColor color MEMBER m_color NOTIFY colorChanged FINAL)

public:
    explicit Sparkline(QQuickItem *parent = nullptr);
    double value() const { return m_value; }
    void setValue(double value);
    void paint(QPainter *painter) override;

Q_SIGNALS:
    void valueChanged();
    void rangeChanged();
    void colorChanged();

private:
    static constexpr int Samples = 40;
    std::array<double, Samples> m_history{};
    int m_next = 0;
    int m_count = 0;
    double m_value = 0;
    double m_minimum = 0;
    double m_maximum = 100;
    QColor m_color = QColor(0x6f, 0xcf, 0x97);
};
