// SPDX-License-Identifier: MIT
// Shared between the report generator (report.cpp, dashboardreport.cpp) and the charts it
// draws (chart.cpp, dashboardchart.cpp).
#pragma once

#include <QtCore/QHash>
#include <QtCore/QList>
#include <QtCore/QString>

#include <limits>
#include <vector>

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

//! The median and range of some runs' values (NaN ones left out); NaN and 0 runs when none.
struct Stats
{
    double median = std::numeric_limits<double>::quiet_NaN();
    double min = std::numeric_limits<double>::quiet_NaN();
    double max = std::numeric_limits<double>::quiet_NaN();
    int count = 0;
};

//! The Stats of values.
Stats statsOf(std::vector<double> values);

//! A figure as the report prints it: "46.9", "7.00", "129", "1,211", or "n/a".
QString formatFigure(double v);

//! A ratio as the report and the chart print it: "1.91×", "92×", "2,493×", or "n/a".
QString formatRatio(double v);

//! Draws the chart offscreen with QPainter and saves it as a PNG; false on failure.
bool drawChart(const QList<ChartRow> &rows, const QString &title, const QString &subtitle,
               const QString &path);

//! One mode of the dashboard benchmark in its chart.
struct DashboardBar
{
    QString label;
    bool dropSlot = true;
    double framesPerSecond = 0;
    //! The lag in ms; with lagIsLowerBound, how long the run waited without seeing it.
    double lagMs = 0;
    bool lagIsLowerBound = false;
    //! The smallest and largest run (the lag's largest is a lower bound when a run did not
    //! drain).
    double framesPerSecondMin = 0, framesPerSecondMax = 0, lagMsMin = 0, lagMsMax = 0;
};

//! The dashboard benchmark's part of the report.
struct DashboardReport
{
    //! False when there are no dashboard results.
    bool valid = false;
    //! The section of results.md, without its markers.
    QString markdown;
    //! The table the README opens with, and the line under it naming the machine.
    QString readmeTable;
    QList<DashboardBar> bars;
    QString chartTitle;
    QString chartSubtitle;
};

//! The anchor of the dashboard section in results.md.
inline constexpr char DashboardAnchor[] = "a-qml-dashboard-dropslot-against-queued-signals";

//! Reads the dashboard-*.tsv files of rawDir (invalid report when there are none).
DashboardReport dashboardReport(const QString &rawDir, const QHash<QString, QString> &machine);

//! Draws the dashboard chart (frames/s and lag, log scales) as a PNG; false on failure.
bool drawDashboardChart(const DashboardReport &report, const QString &path);
