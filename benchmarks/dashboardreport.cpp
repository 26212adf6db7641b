// SPDX-License-Identifier: MIT
// The dashboard part of the report: the results.md section, the README's table and the chart,
// from the dashboard-*.tsv files of benchmarks/run (one run of one mode of bench_dashboard
// each: "RESULT dashboard <feed> <rate> <metric> <value>" lines).
#include "report.h"

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QHash>
#include <QtCore/QLocale>
#include <QtCore/QMap>
#include <QtCore/QTextStream>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

using namespace Qt::StringLiterals;

namespace {

constexpr double NaN = std::numeric_limits<double>::quiet_NaN();
constexpr double Infinity = std::numeric_limits<double>::infinity();

using Metrics = QHash<QString, double>;

//! One feed at one rate, and its runs.
struct Mode
{
    bool dropSlot = true;
    double rate = 0; // updates/s; 0: flat out
    std::vector<Metrics> runs;
};

QString rateText(double rate)
{
    return rate > 0 ? QLocale(QLocale::English).toString(rate, 'f', 0) + u" updates/s"_s
                    : u"flat out"_s;
}

QString label(const Mode &m)
{
    return (m.dropSlot ? u"DropSlot, "_s : u"queued signals, "_s) + rateText(m.rate);
}

//! The modes found in dir: flat out first, then by falling rate; DropSlot before queued.
std::vector<Mode> readModes(const QString &dir)
{
    QMap<QString, Mode> byVariant;
    const QStringList files =
        QDir(dir).entryList({u"dashboard-*.tsv"_s}, QDir::Files, QDir::Name);
    for (const QString &name : files) {
        QFile file(dir + u'/' + name);
        if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
            continue;
        QTextStream in(&file);
        QString variant;
        Metrics run;
        while (!in.atEnd()) {
            const QStringList fields = in.readLine().split(u'\t');
            if (fields.size() != 5 || fields[0] != u"RESULT" || fields[1] != u"dashboard")
                continue;
            bool ok = false;
            const double value = fields[4].toDouble(&ok);
            if (!ok)
                continue;
            variant = fields[2];
            run.insert(fields[3], value);
        }
        const QStringList parts = variant.split(u' ');
        if (parts.size() != 2 || run.isEmpty())
            continue;
        Mode &mode = byVariant[variant];
        mode.dropSlot = parts[0] == u"dropslot";
        mode.rate = parts[1] == u"max" ? 0 : parts[1].toDouble();
        mode.runs.push_back(run);
    }
    std::vector<Mode> modes;
    for (const Mode &m : std::as_const(byVariant))
        modes.push_back(m);
    std::sort(modes.begin(), modes.end(), [](const Mode &a, const Mode &b) {
        const double ra = a.rate > 0 ? a.rate : Infinity;
        const double rb = b.rate > 0 ? b.rate : Infinity;
        if (ra != rb)
            return ra > rb;
        return a.dropSlot && !b.dropSlot;
    });
    return modes;
}

// ---- statistics -------------------------------------------------------------------------------

double metric(const Metrics &run, const QString &name)
{
    return run.value(name, NaN);
}

Stats figureOf(const Mode &m, const QString &name)
{
    std::vector<double> values;
    for (const Metrics &run : m.runs)
        values.push_back(metric(run, name));
    return statsOf(values);
}

//! The lag: a run that did not drain counts as infinite; bound is the least such a run waited.
struct Lag
{
    Stats figure;
    double boundMs = Infinity;
    int undrained = 0;
};

Lag lagOf(const Mode &m)
{
    Lag lag;
    std::vector<double> values;
    for (const Metrics &run : m.runs) {
        if (metric(run, u"drained"_s) == 1) {
            values.push_back(metric(run, u"lagMs"_s));
        } else {
            values.push_back(Infinity);
            ++lag.undrained;
            lag.boundMs = std::min(lag.boundMs, metric(run, u"lagAtLeastMs"_s));
        }
    }
    lag.figure = statsOf(values);
    return lag;
}

// ---- formatting -------------------------------------------------------------------------------

QString number(double v)
{
    return v == 0 ? u"0"_s : formatFigure(v);
}

//! A count or a setting: "224", "2", "0.5", "60".
QString plainNumber(double v)
{
    return std::isnan(v) ? u"n/a"_s : QString::number(v, 'g', 3);
}

QString milliseconds(double ms, double boundMs = NaN)
{
    if (std::isinf(ms))
        return u"> "_s + milliseconds(boundMs);
    if (std::isnan(ms))
        return u"n/a"_s;
    if (ms >= 1000)
        return formatFigure(ms / 1000) + u" s"_s;
    return formatFigure(ms) + u" ms"_s;
}

//! median <sub>min–max</sub>, each formatted by f.
template <typename Format>
QString withRange(const Stats &fig, Format f)
{
    if (fig.count == 0)
        return u"n/a"_s;
    if (fig.count < 2)
        return f(fig.median);
    return f(fig.median) + u" <sub>"_s + f(fig.min) + u"–"_s + f(fig.max) + u"</sub>"_s;
}

QString lagText(const Lag &lag, bool range)
{
    const auto f = [&](double ms) { return milliseconds(ms, lag.boundMs); };
    return range ? withRange(lag.figure, f) : f(lag.figure.median);
}

QString memoryText(const Mode &m, bool range)
{
    const Stats fig = figureOf(m, u"memoryGrowthMiB"_s);
    QString text = range ? withRange(fig, [](double v) { return number(v); })
                         : number(fig.median);
    text += u" MiB"_s;
    int capped = 0;
    for (const Metrics &run : m.runs)
        capped += metric(run, u"memoryCapped"_s) == 1;
    if (capped > 0)
        text += u" (publishing stopped at the memory cap in "_s + QString::number(capped)
            + u" of "_s + QString::number(m.runs.size()) + u" runs)"_s;
    return text;
}

double firstOf(const std::vector<Mode> &modes, const QString &name)
{
    for (const Mode &m : modes) {
        for (const Metrics &run : m.runs) {
            if (!std::isnan(metric(run, name)))
                return metric(run, name);
        }
    }
    return NaN;
}

//! text with its spaces turned into line breaks so that no line exceeds width (where a word
//! allows).
QString wrapped(const QString &text, qsizetype width)
{
    QString out;
    qsizetype lineStart = 0;
    for (const QString &word : text.split(u' ')) {
        if (out.size() > lineStart && out.size() - lineStart + 1 + word.size() > width) {
            out += u'\n';
            lineStart = out.size();
        } else if (out.size() > lineStart) {
            out += u' ';
        }
        out += word;
    }
    return out;
}

//! How busy the rest of the machine was while the windows were measured.
QString sharing(const std::vector<Mode> &modes, const QHash<QString, QString> &machine)
{
    std::vector<double> other;
    for (const Mode &m : modes) {
        for (const Metrics &run : m.runs)
            other.push_back(metric(run, u"otherCpus"_s));
    }
    const double median = statsOf(other).median;
    if (std::isnan(median))
        return QString();
    const QString used = u"other processes used "_s + formatFigure(median) + u" of its "_s
        + machine.value(u"cores"_s) + u" CPUs during the measured windows"_s;
    // The 1-minute load average just before: other work that paused while this ran.
    const double loadBefore =
        machine.value(u"dashboard_load_before"_s).section(u' ', 0, 0).toDouble();
    if (median >= 0.1)
        return u"shared with other work ("_s + used + u", median)"_s;
    if (loadBefore >= 0.5)
        return u"shared with other work, quiet while measured (load average "_s
            + formatFigure(loadBefore) + u" just before; "_s + used + u')';
    return u"otherwise idle ("_s + used + u')';
}

} // namespace

// ---- the report -------------------------------------------------------------------------------

DashboardReport dashboardReport(const QString &rawDir, const QHash<QString, QString> &machine)
{
    DashboardReport report;
    const std::vector<Mode> modes = readModes(rawDir);
    if (modes.empty())
        return report;
    std::size_t runs = 0;
    for (const Mode &m : modes)
        runs = std::max(runs, m.runs.size());
    const QString tiles = plainNumber(firstOf(modes, u"tiles"_s));
    const QString workers = plainNumber(firstOf(modes, u"workers"_s));
    const QString warmup = plainNumber(firstOf(modes, u"warmupSeconds"_s));
    // The window measured lasts a poll longer than asked.
    const QString window = QString::number(firstOf(modes, u"windowSeconds"_s), 'g', 2);
    const QString drainCap = plainNumber(firstOf(modes, u"drainCapSeconds"_s));
    const QString shared = sharing(modes, machine);
    const QString command = machine.value(u"command"_s);
    const QString cpu = machine.value(u"model"_s);
    const QString cores = machine.value(u"cores"_s);
    const QString date = machine.value(u"date"_s);
    const QString qt = machine.value(u"qt"_s, QString::fromLatin1(qVersion()));

    // The README's table: the four figures a user sees on the screen.
    {
        QTextStream out(&report.readmeTable);
        out << "| " << tiles << " tiles, " << workers << " worker threads |";
        for (const Mode &m : modes)
            out << ' ' << label(m) << " |";
        out << "\n|---|";
        for (std::size_t i = 0; i < modes.size(); ++i)
            out << "---|";
        out << "\n| frames/s |";
        for (const Mode &m : modes)
            out << ' ' << number(figureOf(m, u"framesPerSecond"_s).median) << " |";
        out << "\n| lag from the last publish to the frame showing it |";
        for (const Mode &m : modes)
            out << ' ' << lagText(lagOf(m), false) << " |";
        out << "\n| a 16 ms GUI timer, worst lateness |";
        for (const Mode &m : modes)
            out << ' ' << number(figureOf(m, u"timerLatenessWorstMs"_s).median) << " ms |";
        out << "\n| peak memory growth |";
        for (const Mode &m : modes)
            out << ' ' << memoryText(m, false) << " |";
        const QString runsText = runs == 1
            ? u"One run"_s
            : u"Medians of "_s + QString::number(qsizetype(runs)) + u" runs"_s;
        const QString note = u"<sub>Measured by `"_s + command + u"` on a "_s + cores
            + u"-vCPU "_s + cpu + u", "_s + shared + u"; Qt "_s + qt
            + u", offscreen software renderer, "_s + date + u". "_s + runsText
            + u" per mode, each in its own process, the modes alternating. Every figure, its "
              "spread and how it is measured: [benchmarks/results.md](benchmarks/results.md#"_s
            + QLatin1StringView(DashboardAnchor) + u").</sub>"_s;
        out << "\n\n" << wrapped(note, 100) << '\n';
    }

    QTextStream out(&report.markdown);
    out << "## A QML dashboard: DropSlot against queued signals\n\n";
    out << "`benchmarks/dashboard`: one Qt Quick screen, a `Repeater` of " << tiles
        << " sensor tiles (`Scene.qml`, `Tile.qml`) rendered offscreen by the software renderer, "
        << "fed by " << workers << " worker threads in one of two ways:\n\n"
        << "- **DropSlot**: the workers publish to `Topic<double>` handles of a typed "
        << "`Bus<double>`; every tile holds a `DropSlotTopic` on that bus (through a "
        << "`DropSlotBus`).\n"
        << "- **queued signals**, as Qt applications are usually written: each worker `QObject` "
        << "emits `reading(sensor, value)` per reading, `Qt::QueuedConnection` into a "
        << "`QAbstractListModel` in the GUI thread whose slot stores the reading and emits "
        << "`dataChanged` for the row; the tiles bind to the row's roles.\n\n"
        << "The tiles are drawn the way the software renderer paints cheaply, for both feeds: "
        << "every part opaque, the tiles touching (a border in the window's colour draws the "
        << "gaps), the reading on a panel as wide as the tile whose colour follows it. A row of "
        << "changed tiles is then one dirty rectangle. With rounded, separated tiles and a level "
        << "bar, every changed text and bar stayed a dirty rectangle of its own, and a profile "
        << "of the GUI thread showed about a third of its time in the renderer's region "
        << "arithmetic (`QRegion`), quadratic in their number. Measured when the tiles changed "
        << "(2026-12-02, a 2-vCPU Intel Xeon, Qt 6.4.2; DropSlot flat out, three alternating "
        << "single runs of each): 38–45 frames/s and 14.5–17.9 ms of GUI thread CPU per frame "
        << "(11.7–14.6 ms of it drawing) before, 56–71 frames/s and 9.6–11.6 ms (6.2–7.7 ms) "
        << "after.\n\n"
        << "![The benchmark's scene, its final frame in a DropSlot run](dashboard-scene.png)\n\n"
        << "Flat out (the workers publish as fast as they can) and paced (the rate given for "
        << "both workers together). Each run of a mode is its own process and the modes "
        << "alternate; each figure is the median of " << runs
        << " runs (smallest–largest in small print, and as whiskers in the chart).\n\n";

    out << "| machine | |\n|---|---|\n";
    out << "| CPU | " << cpu << " |\n";
    out << "| cores | " << cores << " |\n";
    out << "| kernel | " << machine.value(u"kernel"_s) << " |\n";
    out << "| compiler, Qt | " << machine.value(u"compiler"_s) << ", Qt " << qt << " |\n";
    out << "| date | " << date << " |\n";
    out << "| command | `" << command << "` |\n";
    out << "| load average before / after | " << machine.value(u"dashboard_load_before"_s)
        << " / " << machine.value(u"dashboard_load_after"_s) << " |\n";
    out << "| the machine while measuring | " << shared << " |\n\n";

    const auto row = [&](const QString &name, auto &&cell) {
        out << "| " << name << " |";
        for (const Mode &m : modes)
            out << ' ' << cell(m) << " |";
        out << '\n';
    };
    const auto plain = [](const QString &name, const QString &unit = QString()) {
        return [=](const Mode &m) -> QString {
            return withRange(figureOf(m, name), [](double v) { return number(v); })
                + (unit.isEmpty() ? QString() : u' ' + unit);
        };
    };
    out << "| |";
    for (const Mode &m : modes)
        out << ' ' << label(m) << " |";
    out << "\n|---|";
    for (std::size_t i = 0; i < modes.size(); ++i)
        out << "---|";
    out << '\n';
    row(u"frames/s"_s, plain(u"framesPerSecond"_s));
    row(u"frame interval, worst"_s, plain(u"frameIntervalWorstMs"_s, u"ms"_s));
    row(u"frame interval, p99"_s, plain(u"frameIntervalP99Ms"_s, u"ms"_s));
    row(u"lag from the last publish to the first frame showing every final value"_s,
        [](const Mode &m) { return lagText(lagOf(m), true); });
    row(u"16 ms GUI timer, worst lateness"_s, plain(u"timerLatenessWorstMs"_s, u"ms"_s));
    row(u"16 ms GUI timer, p99 lateness"_s, plain(u"timerLatenessP99Ms"_s, u"ms"_s));
    row(u"GUI thread CPU"_s, plain(u"guiCpuPercent"_s, u"% of a core"_s));
    // A figure per run from two of its metrics, e.g. CPU per frame; NaN leaves a run out.
    const auto derived = [](auto &&of, const QString &unit) {
        return [=](const Mode &m) -> QString {
            std::vector<double> values;
            for (const Metrics &run : m.runs)
                values.push_back(of(run));
            const Stats fig = statsOf(values);
            return fig.count == 0 ? u"no frames"_s
                                  : withRange(fig, [](double v) { return number(v); }) + unit;
        };
    };
    // Milliseconds of a CPU share (percent of a core) per frame.
    const auto perFrame = [](const Metrics &run, double percent) {
        const double fps = metric(run, u"framesPerSecond"_s);
        return fps > 0 ? percent * 10 / fps : NaN;
    };
    row(u"GUI thread CPU per frame (its CPU over its frames; includes applying updates)"_s,
        derived([&](const Metrics &run) { return perFrame(run, metric(run, u"guiCpuPercent"_s)); },
                u" ms"_s));
    row(u"… of it drawing (scene graph sync and render)"_s,
        derived([&](const Metrics &run) { return perFrame(run, metric(run, u"drawCpuPercent"_s)); },
                u" ms"_s));
    row(u"… of it applying updates, polishing, other events"_s,
        derived(
            [&](const Metrics &run) {
                return perFrame(run, metric(run, u"guiCpuPercent"_s)
                                         - metric(run, u"drawCpuPercent"_s));
            },
            u" ms"_s));
    row(u"frames/s the GUI thread's CPU would give if it did nothing but draw"_s,
        derived(
            [](const Metrics &run) {
                const double draw = metric(run, u"drawCpuPercent"_s);
                return draw > 0 ? metric(run, u"framesPerSecond"_s)
                        * metric(run, u"guiCpuPercent"_s) / draw
                                : NaN;
            },
            QString()));
    row(u"updates published per second"_s, plain(u"publishedPerSecond"_s));
    row(u"updates applied to tiles per second"_s, plain(u"appliedPerSecond"_s));
    row(u"backlog left at stop (updates)"_s, plain(u"backlogAtStop"_s));
    row(u"peak memory growth"_s, [](const Mode &m) { return memoryText(m, true); });
    row(u"peak memory growth after the warm-up"_s,
        plain(u"memoryGrowthAfterWarmupMiB"_s, u"MiB"_s));
    row(u"runs that showed every final value within the drain cap"_s,
        [](const Mode &m) -> QString {
            return QString::number(int(m.runs.size()) - lagOf(m).undrained) + u" of "_s
                + QString::number(m.runs.size());
        });
    row(u"other processes' CPU during the window (CPUs)"_s, plain(u"otherCpus"_s));
    out << '\n';

    // The targets set for DropSlot on the developers' machine, checked against what this one
    // measured.
    QStringList checks;
    for (const Mode &m : modes) {
        if (!m.dropSlot)
            continue;
        const auto check = [&](const QString &what, double value, double target, bool atLeast,
                               const QString &unit, const QString &shown) {
            const bool met = atLeast ? value >= target : value <= target;
            checks.append(label(m) + u", "_s + what + (atLeast ? u" ≥ "_s : u" ≤ "_s)
                          + plainNumber(target) + unit + u": "_s + shown
                          + (met ? u" (met)"_s : u" (**missed**)"_s));
        };
        if (m.rate == 0) {
            const double fps = figureOf(m, u"framesPerSecond"_s).median;
            check(u"frames/s"_s, fps, 60, true, QString(), number(fps));
        }
        const Lag lag = lagOf(m);
        check(u"lag"_s, lag.figure.median, 50, false, u" ms"_s, lagText(lag, false));
        const double late = figureOf(m, u"timerLatenessWorstMs"_s).median;
        check(u"timer lateness"_s, late, 100, false, u" ms"_s, number(late) + u" ms"_s);
        const double memory = figureOf(m, u"memoryGrowthMiB"_s).median;
        check(u"memory growth"_s, memory, 5, false, u" MiB"_s, number(memory) + u" MiB"_s);
    }
    out << "DropSlot's targets, set for the developers' machine, against the medians above:\n\n";
    for (const QString &c : std::as_const(checks))
        out << "- " << c << '\n';
    out << "\nThe queued rows are what they are: measured, not tuned.\n\n";

    out << "How each figure is measured (`bench_dashboard`, one process per run):\n\n"
        << "- The run starts at the scene's first frame. After a " << warmup
        << " s warm-up the window is measured for " << window
        << " s; then the workers stop, and the run waits up to " << drainCap
        << " s for the final frame. A conductor thread keeps this clock, so a GUI thread buried "
        << "in queued events cannot stretch the run; a run that does not drain in time is "
        << "shown as \"> the time it waited\". Publishing also stops early if resident memory "
        << "grows past a cap (reported with the memory figure).\n"
        << "- frames/s: `QQuickWindow::frameSwapped` within the window, per second. Frame "
        << "interval: the time between consecutive frames; a gap still open at the end of the "
        << "window counts for as long as it lasted by then. Qt's defaults are kept: the "
        << "software renderer's basic render loop, and the offscreen platform, which has no frame "
        << "clock, delivers the next frame 5 ms after it is requested "
        << "(`QT_QPA_UPDATE_IDLE_TIME`), the GUI thread idle meanwhile unless events arrive. "
        << "Set to 0, the same DropSlot flat-out runs gave 60–72 frames/s against 47–59 with "
        << "the default (three alternating single runs each, 2-vCPU Intel Xeon, 2026-12-02).\n"
        << "- lag: from the last publish (the later of the two workers' last) to the first "
        << "frame after which every tile's displayed value, read back from the tile items on "
        << "the GUI thread right after `frameSwapped`, equals the final value published to its "
        << "sensor. Every published value differs from the sensor's earlier ones.\n"
        << "- 16 ms GUI timer: a `Qt::PreciseTimer` `QTimer` in the GUI thread, as a stand-in "
        << "for input handling; lateness is each gap between ticks less 16 ms (again counting "
        << "a gap still open at the end of the window).\n"
        << "- GUI thread CPU: the GUI thread's CPU clock (`pthread_getcpuclockid`, the clock of "
        << "`CLOCK_THREAD_CPUTIME_ID`) over the window, as a share of one core. Drawing: the same "
        << "clock from `beforeSynchronizing` to `frameSwapped` (the scene graph takes the items' "
        << "state and the software renderer paints it); the rest went to applying updates "
        << "(bindings, text layout), polishing and other events. The frames/s it would give: "
        << "the GUI thread's CPU over the drawing CPU per frame, a ceiling no feed can pass at "
        << "that share of the CPU.\n"
        << "- published: the workers' publishes (DropSlot) or emits (queued). Applied: values "
        << "the tiles took: `DropSlotTopic::valueChanged`, or calls of the model's slot.\n"
        << "- backlog left at stop: queued, the readings emitted but not yet applied when the "
        << "workers stopped; DropSlot, the tiles whose newest value was not shown yet (at most "
        << "one value each, by design).\n"
        << "- peak memory growth: the highest resident memory (VmRSS sampled every 10 ms, and "
        << "VmHWM) from the first publish to the final frame, less VmRSS just before the first "
        << "publish. Every tile already shows a reading by then, so what the scene needs for "
        << "readings (glyphs, text layouts) is not counted; the worker threads are. After the "
        << "warm-up: the same from the start of the window, less VmRSS then.\n"
        << "- other processes' CPU: the machine's busy time (`/proc/stat`) less this process's, "
        << "over the window.\n\n";
    out << "![Dashboard benchmark: frames/s and lag](dashboard.png)\n";

    // The chart.
    for (const Mode &m : modes) {
        const Lag lag = lagOf(m);
        const Stats fps = figureOf(m, u"framesPerSecond"_s);
        const auto bounded = [&](double ms) { return std::isinf(ms) ? lag.boundMs : ms; };
        report.bars.append({label(m), m.dropSlot, fps.median, bounded(lag.figure.median),
                            std::isinf(lag.figure.median), fps.min, fps.max,
                            bounded(lag.figure.min), bounded(lag.figure.max)});
    }
    report.chartTitle = tiles + u" QML tiles, "_s + workers
        + u" worker threads: DropSlot against queued signals"_s;
    report.chartSubtitle = cpu + u", "_s + cores + u" vCPUs ("_s
        + (shared.startsWith(u"shared"_s) ? u"shared"_s : u"idle"_s) + u"), Qt "_s + qt
        + u" software renderer, "_s + date + u" — median of "_s + QString::number(runs)
        + u" runs"_s;
    report.valid = true;
    return report;
}
