// SPDX-License-Identifier: MIT
// Shared between the report generator (report.cpp) and the chart it draws (chart.cpp).
#pragma once

#include <QtCore/QList>
#include <QtCore/QString>

//! One bar pair of the chart: a benchmark case, how it compares with its baseline and with
//! its target.
struct ChartRow
{
    QString label;
    QString section;
    //! Speed-up over the baseline (> 1: better than the baseline); NaN when not measured.
    double ratio = 0;
    //! The speed-up the case must reach; 0 when it has no ratio requirement.
    double requiredRatio = 0;
    //! Measured over target, oriented so that <= 1 meets the target; NaN when not measured.
    double overTarget = 0;
};

//! A ratio as the report and the chart print it: "1.91×", "92×", "2,493×", or "n/a".
QString formatRatio(double v);

//! Draws the chart offscreen with QPainter and saves it as a PNG; false on failure.
bool drawChart(const QList<ChartRow> &rows, const QString &title, const QString &subtitle,
               const QString &path);
