// SPDX-License-Identifier: MIT
// The results chart, drawn offscreen with QPainter: for every case, the speed-up over its
// baseline (left) and the measured figure over its target (right), both on log scales.
#include "report.h"

#include <QtCore/QLocale>
#include <QtGui/QFont>
#include <QtGui/QFontMetrics>
#include <QtGui/QImage>
#include <QtGui/QPainter>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace {

constexpr int Width = 1600;
constexpr int Margin = 24;
constexpr int LabelWidth = 300;
constexpr int RowHeight = 26;
constexpr int HeaderHeight = 118;
constexpr int SectionGap = 34;
constexpr int PanelGap = 56;

const QColor Good(46, 139, 87);
const QColor Bad(205, 85, 60);
const QColor Neutral(120, 130, 145);
const QColor Grid(225, 228, 232);
const QColor Text(30, 34, 40);

//! A horizontal log axis from lo to hi mapped onto [left, right].
struct LogAxis
{
    double lo, hi;
    int left, right;

    double x(double v) const
    {
        const double clamped = std::clamp(v, lo, hi);
        const double t = (std::log10(clamped) - std::log10(lo)) / (std::log10(hi) - std::log10(lo));
        return left + t * (right - left);
    }
};

//! Grid lines and labels at ticks (ratios get a "×"), the reference line darker, a title.
void drawAxis(QPainter &p, const LogAxis &axis, int top, int bottom, const QList<double> &ticks,
              double reference, const QString &title, bool ratios)
{
    QFont small(u"DejaVu Sans"_s);
    small.setPixelSize(12);
    p.setFont(small);
    for (double t : ticks) {
        const double x = axis.x(t);
        p.setPen(QPen(t == reference ? QColor(60, 60, 60) : Grid, t == reference ? 1.5 : 1));
        p.drawLine(QPointF(x, top), QPointF(x, bottom));
        p.setPen(Text);
        p.drawText(QRectF(x - 40, bottom + 4, 80, 16), Qt::AlignHCenter | Qt::AlignTop,
                   ratios ? QString::number(t) + u"×"_s : QString::number(t));
    }
    QFont bold(u"DejaVu Sans"_s);
    bold.setPixelSize(14);
    bold.setBold(true);
    p.setFont(bold);
    p.setPen(Text);
    p.drawText(QRectF(axis.left, top - 26, axis.right - axis.left, 20),
               Qt::AlignLeft | Qt::AlignBottom, title);
}

//! A bar from the reference value to v, with its value written beside the free end (beyond
//! the marker at avoid, when it would overlap it).
void drawBar(QPainter &p, const LogAxis &axis, double reference, double v, int y,
             const QColor &color, const QString &text, double avoid = 0)
{
    if (std::isnan(v))
        return;
    const double x0 = axis.x(reference);
    const double x1 = axis.x(v);
    const QRectF bar(std::min(x0, x1), y + 5, std::max(std::abs(x1 - x0), 2.0), RowHeight - 10);
    p.fillRect(bar, color);
    const bool clipped = v > axis.hi || v < axis.lo;
    QFont small(u"DejaVu Sans"_s);
    small.setPixelSize(12);
    p.setFont(small);
    p.setPen(Text);
    const QString label = clipped ? text + u" ▸"_s : text;
    if (x1 >= x0) {
        double textLeft = bar.right() + 4;
        if (avoid > 0 && axis.x(avoid) >= bar.right() - 2 && axis.x(avoid) < textLeft + 40)
            textLeft = axis.x(avoid) + 5;
        p.drawText(QRectF(textLeft, y, 120, RowHeight), Qt::AlignLeft | Qt::AlignVCenter, label);
    } else {
        p.drawText(QRectF(bar.left() - 124, y, 120, RowHeight), Qt::AlignRight | Qt::AlignVCenter,
                   label);
    }
}

} // namespace

bool drawChart(const QList<ChartRow> &rows, const QString &title, const QString &subtitle,
               const QString &path)
{
    int sections = 0;
    QString lastSection;
    for (const ChartRow &row : rows) {
        if (row.section != lastSection) {
            ++sections;
            lastSection = row.section;
        }
    }
    const int plotHeight = int(rows.size()) * RowHeight + sections * SectionGap;
    const int height = HeaderHeight + plotHeight + 70;

    QImage image(Width, height, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::white);
    QPainter p(&image);
    p.setRenderHint(QPainter::Antialiasing);
    p.setRenderHint(QPainter::TextAntialiasing);

    QFont titleFont(u"DejaVu Sans"_s);
    titleFont.setPixelSize(24);
    titleFont.setBold(true);
    p.setFont(titleFont);
    p.setPen(Text);
    p.drawText(QRectF(Margin, 14, Width - 2 * Margin, 30), Qt::AlignLeft | Qt::AlignVCenter, title);
    QFont subtitleFont(u"DejaVu Sans"_s);
    subtitleFont.setPixelSize(14);
    p.setFont(subtitleFont);
    p.setPen(Neutral);
    p.drawText(QRectF(Margin, 44, Width - 2 * Margin, 20), Qt::AlignLeft | Qt::AlignVCenter,
               subtitle);

    const int plotLeft = Margin + LabelWidth;
    const int panelWidth = (Width - plotLeft - Margin - PanelGap) / 2;
    const LogAxis speedup{0.3, 1000, plotLeft + 10, plotLeft + panelWidth - 60};
    const LogAxis target{0.03, 30, plotLeft + panelWidth + PanelGap + 60, Width - Margin - 10};
    const int top = HeaderHeight;
    const int bottom = HeaderHeight + plotHeight;

    drawAxis(p, speedup, top, bottom, {0.3, 1, 3, 10, 30, 100, 300, 1000}, 1,
             u"Speed-up over the baseline (log; tick = required ratio)"_s, true);
    drawAxis(p, target, top, bottom, {0.03, 0.1, 0.3, 1, 3, 10, 30}, 1,
             u"Measured ÷ target (log; left of 1 = target met)"_s, false);

    QFont labelFont(u"DejaVu Sans"_s);
    labelFont.setPixelSize(13);
    QFont sectionFont(labelFont);
    sectionFont.setBold(true);

    int y = top;
    lastSection.clear();
    for (const ChartRow &row : rows) {
        if (row.section != lastSection) {
            lastSection = row.section;
            y += SectionGap - RowHeight + 4;
            p.setFont(sectionFont);
            p.setPen(Text);
            const QString heading = row.section == u"core"
                ? u"Core operations and threads — vs. hand-written bus"_s
                : u"Delivery into a receiving thread — vs. queued signal"_s;
            p.drawText(QRectF(Margin, y - 2, LabelWidth + 200, RowHeight),
                       Qt::AlignLeft | Qt::AlignVCenter, heading);
            y += RowHeight - 4;
        }
        if ((y / RowHeight) % 2 == 0)
            p.fillRect(QRectF(Margin, y, Width - 2 * Margin, RowHeight), QColor(248, 249, 251));
        p.setFont(labelFont);
        p.setPen(Text);
        p.drawText(QRectF(Margin + 8, y, LabelWidth - 8, RowHeight),
                   Qt::AlignLeft | Qt::AlignVCenter, row.label);

        const bool ratioOk =
            row.requiredRatio > 0 ? row.ratio >= row.requiredRatio : row.ratio >= 1;
        const QColor ratioColor = row.requiredRatio > 0 ? (ratioOk ? Good : Bad) : Neutral;
        drawBar(p, speedup, 1, row.ratio, y, ratioColor, formatRatio(row.ratio), row.requiredRatio);
        if (row.requiredRatio > 0) {
            const double x = speedup.x(row.requiredRatio);
            p.setPen(QPen(Text, 2));
            p.drawLine(QPointF(x, y + 2), QPointF(x, y + RowHeight - 2));
        }
        drawBar(p, target, 1, row.overTarget, y, row.overTarget <= 1 ? Good : Bad,
                std::isnan(row.overTarget) ? u"n/a"_s : QString::number(row.overTarget, 'f', 2));
        y += RowHeight;
    }

    p.setFont(subtitleFont);
    p.setPen(Neutral);
    p.drawText(QRectF(Margin, height - 34, Width - 2 * Margin, 20),
               Qt::AlignLeft | Qt::AlignVCenter,
               u"Green: requirement met; red: missed; grey: no ratio asked for. Figures and "
               "ratios are medians over runs; see results.md for the values."_s);
    p.end();
    return image.save(path, "PNG");
}
