// SPDX-License-Identifier: MIT
// The dashboard chart, drawn offscreen with QPainter: frames/s and the lag to the final frame
// of every mode, on log scales, sized to sit beside the dashboard's screenshot.
#include "report.h"

#include <QtGui/QFont>
#include <QtGui/QImage>
#include <QtGui/QPainter>

#include <algorithm>
#include <cmath>
#include <utility>

using namespace Qt::StringLiterals;

namespace {

constexpr int Width = 1000;
constexpr int Margin = 28;
constexpr int Top = 128;
constexpr int LabelWidth = 292;
constexpr int RowHeight = 44;
constexpr int PlotRight = Width - Margin - 8;
// A panel: its title, the rows, the tick labels and the gap below.
constexpr int PanelChrome = 32 + 30 + 38;

const QColor DropSlotColor(46, 139, 87);
const QColor QueuedColor(205, 85, 60);
const QColor Grid(225, 228, 232);
const QColor Text(30, 34, 40);
const QColor Muted(110, 118, 130);

QFont font(int pixels, bool bold = false)
{
    QFont f(u"DejaVu Sans"_s);
    f.setPixelSize(pixels);
    f.setBold(bold);
    return f;
}

//! A horizontal log axis from lo to hi mapped onto [left, right].
struct LogAxis
{
    double lo, hi;
    int left, right;

    double x(double v) const
    {
        const double clamped = std::clamp(v, lo, hi);
        return left
            + (std::log10(clamped) - std::log10(lo)) / (std::log10(hi) - std::log10(lo))
            * (right - left);
    }
};

QString lagText(double ms)
{
    if (ms >= 1000)
        return formatFigure(ms / 1000) + u" s"_s;
    return formatFigure(ms) + u" ms"_s;
}

struct Tick
{
    double value;
    QString text;
};

//! One panel: a title, a row per mode with its bar and value, the grid and its ticks.
void drawPanel(QPainter &p, int top, const QString &title, const LogAxis &axis,
               const QList<Tick> &ticks, const QList<DashboardBar> &bars,
               double (*value)(const DashboardBar &), QString (*text)(const DashboardBar &),
               std::pair<double, double> (*range)(const DashboardBar &))
{
    p.setFont(font(17, true));
    p.setPen(Text);
    p.drawText(QRectF(Margin, top, Width - 2 * Margin, 24), Qt::AlignLeft | Qt::AlignVCenter,
               title);
    const int rowsTop = top + 32;
    const int rowsBottom = rowsTop + int(bars.size()) * RowHeight;
    for (qsizetype i = 0; i < bars.size(); ++i) {
        if (i % 2 == 0) {
            p.fillRect(QRectF(Margin, rowsTop + i * RowHeight, Width - 2 * Margin, RowHeight),
                       QColor(247, 248, 250));
        }
    }
    p.setFont(font(13));
    for (const Tick &t : ticks) {
        const double x = axis.x(t.value);
        p.setPen(QPen(Grid, 1));
        p.drawLine(QPointF(x, rowsTop), QPointF(x, rowsBottom));
        p.setPen(Muted);
        p.drawText(QRectF(x - 50, rowsBottom + 3, 100, 18), Qt::AlignHCenter | Qt::AlignTop,
                   t.text);
    }
    for (qsizetype i = 0; i < bars.size(); ++i) {
        const DashboardBar &bar = bars[i];
        const int y = rowsTop + int(i) * RowHeight;
        p.setFont(font(15));
        p.setPen(Text);
        p.drawText(QRectF(Margin + 8, y, LabelWidth - 8, RowHeight),
                   Qt::AlignLeft | Qt::AlignVCenter, bar.label);
        const double v = value(bar);
        const double x0 = axis.left;
        const double x1 = std::isnan(v) || v <= 0 ? x0 : axis.x(v);
        const QColor color = bar.dropSlot ? DropSlotColor : QueuedColor;
        if (x1 > x0)
            p.fillRect(QRectF(x0, y + 9, x1 - x0, RowHeight - 18), color);
        // The smallest to the largest run.
        const auto [lo, hi] = range(bar);
        if (!std::isnan(lo) && !std::isnan(hi) && hi > lo) {
            const double xl = lo > 0 ? axis.x(lo) : x0;
            const double xh = axis.x(hi);
            const double mid = y + RowHeight / 2.0;
            p.setPen(QPen(Text, 1.5));
            p.drawLine(QPointF(xl, mid), QPointF(xh, mid));
            p.drawLine(QPointF(xl, mid - 6), QPointF(xl, mid + 6));
            p.drawLine(QPointF(xh, mid - 6), QPointF(xh, mid + 6));
        }
        p.setFont(font(16, true));
        const QString label = text(bar);
        const double textLeft = std::max(x1, std::isnan(hi) ? x1 : axis.x(hi));
        const int textWidth = p.fontMetrics().horizontalAdvance(label) + 10;
        if (textLeft + textWidth > PlotRight) {
            p.setPen(Qt::white);
            p.drawText(QRectF(x1 - textWidth - 4, y, textWidth, RowHeight),
                       Qt::AlignRight | Qt::AlignVCenter, label);
        } else {
            p.setPen(Text);
            p.drawText(QRectF(textLeft + 6, y, textWidth, RowHeight),
                       Qt::AlignLeft | Qt::AlignVCenter, label);
        }
    }
    p.setPen(QPen(Muted, 1));
    p.drawLine(QPointF(axis.left, rowsTop), QPointF(axis.left, rowsBottom));
}

} // namespace

bool drawDashboardChart(const DashboardReport &report, const QString &path)
{
    const int panelHeight = PanelChrome + int(report.bars.size()) * RowHeight;
    QImage image(Width, Top + 2 * panelHeight - 10, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::white);
    QPainter p(&image);
    p.setRenderHint(QPainter::Antialiasing);
    p.setRenderHint(QPainter::TextAntialiasing);

    p.setFont(font(23, true));
    p.setPen(Text);
    p.drawText(QRectF(Margin, 14, Width - 2 * Margin, 32), Qt::AlignLeft | Qt::AlignVCenter,
               report.chartTitle);
    p.setFont(font(14));
    p.setPen(Muted);
    p.drawText(QRectF(Margin, 48, Width - 2 * Margin, 20), Qt::AlignLeft | Qt::AlignVCenter,
               report.chartSubtitle);

    // The legend.
    p.setFont(font(15));
    const auto legend = [&](int x, const QColor &color, const QString &text) {
        p.fillRect(QRectF(x, 84, 16, 16), color);
        p.setPen(Text);
        p.drawText(QRectF(x + 24, 80, 420, 24), Qt::AlignLeft | Qt::AlignVCenter, text);
    };
    legend(Margin, DropSlotColor, u"DropSlot: a DropSlotTopic per tile"_s);
    legend(Margin + 420, QueuedColor, u"queued signals into a QAbstractListModel"_s);
    p.setFont(font(13));
    p.setPen(Muted);
    p.drawText(QRectF(Width - Margin - 200, 80, 200, 24), Qt::AlignRight | Qt::AlignVCenter,
               u"├┤ runs: min–max"_s);

    const int plotLeft = Margin + LabelWidth;
    const LogAxis fps{0.1, 1000, plotLeft, PlotRight};
    drawPanel(p, Top, u"Frames per second — higher is better (log scale)"_s, fps,
              {{0.1, u"0.1"_s}, {1, u"1"_s}, {10, u"10"_s}, {100, u"100"_s}, {1000, u"1,000"_s}},
              report.bars, [](const DashboardBar &b) { return b.framesPerSecond; },
              [](const DashboardBar &b) -> QString {
                  return b.framesPerSecond == 0 ? u"0"_s : formatFigure(b.framesPerSecond);
              },
              [](const DashboardBar &b) {
                  return std::pair(b.framesPerSecondMin, b.framesPerSecondMax);
              });
    const LogAxis lag{1, 100'000, plotLeft, PlotRight};
    drawPanel(p, Top + panelHeight,
              u"Last publish → frame showing every final value — lower is better (log)"_s, lag,
              {{1, u"1 ms"_s},
               {10, u"10 ms"_s},
               {100, u"100 ms"_s},
               {1000, u"1 s"_s},
               {10'000, u"10 s"_s},
               {100'000, u"100 s"_s}},
              report.bars, [](const DashboardBar &b) { return b.lagMs; },
              [](const DashboardBar &b) -> QString {
                  return (b.lagIsLowerBound ? u"> "_s : QString()) + lagText(b.lagMs);
              },
              [](const DashboardBar &b) { return std::pair(b.lagMsMin, b.lagMsMax); });
    p.end();
    return image.save(path, "PNG");
}
