// SPDX-License-Identifier: MIT
// Turns the raw output of several benchmark runs into benchmarks/results.md and the charts.
//
//   bench_report --raw DIR --machine FILE --markdown OUT.md --chart OUT.png
//                [--dashboard-chart DASHBOARD.png] [--readme README.md]
//
// DIR holds, for each run N = 1, 2, ...: core-N.csv and floor-N.csv (QTest's CSV logger) and
// threads-N.tsv (the RESULT lines of bench_threads); and dashboard-*.tsv, one per run of one
// mode of bench_dashboard (dashboardreport.cpp), whose table also replaces the one between the
// README's dashboard-table markers. The machine FILE holds key=value lines. Every figure is the
// median over the runs; every ratio is the median of the ratios measured within each run, so
// drift between processes does not leak into the comparison.
#include "report.h"

#include <QtCore/QCommandLineParser>
#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QHash>
#include <QtCore/QLocale>
#include <QtCore/QTextStream>
#include <QtGui/QGuiApplication>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <utility>
#include <vector>

using namespace Qt::StringLiterals;

namespace {

using Run = QHash<QString, double>;
using Getter = std::function<double(const Run &)>;

constexpr double NaN = std::numeric_limits<double>::quiet_NaN();
constexpr double PerIteration = 1e6; // operations per QBENCHMARK iteration in per-op rows

double get(const Run &run, const QString &key)
{
    return run.value(key, NaN);
}

// ---- reading ----------------------------------------------------------------------------------

//! Splits one line of QTest's CSV output (fields optionally quoted, "" escapes a quote).
QStringList splitCsv(const QString &line)
{
    QStringList fields;
    QString field;
    bool quoted = false;
    for (qsizetype i = 0; i < line.size(); ++i) {
        const QChar c = line.at(i);
        if (quoted) {
            if (c == u'"' && i + 1 < line.size() && line.at(i + 1) == u'"') {
                field += u'"';
                ++i;
            } else if (c == u'"') {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == u'"') {
            quoted = true;
        } else if (c == u',') {
            fields.append(field);
            field.clear();
        } else {
            field += c;
        }
    }
    fields.append(field);
    return fields;
}

//! Reads "function","tag","metric",value,... lines into suite/function/tag -> nanoseconds per
//! iteration.
bool readQTestCsv(const QString &path, const QString &suite, Run &run)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return false;
    QTextStream in(&file);
    while (!in.atEnd()) {
        const QStringList fields = splitCsv(in.readLine());
        if (fields.size() < 4)
            continue;
        bool ok = false;
        const double value = fields[3].toDouble(&ok);
        if (!ok)
            continue;
        double ns;
        if (fields[2] == u"WalltimeMilliseconds")
            ns = value * 1e6;
        else if (fields[2] == u"WalltimeNanoseconds")
            ns = value;
        else
            continue;
        run.insert(suite + u'/' + fields[0] + u'/' + fields[1], ns);
    }
    return true;
}

//! Reads RESULT<TAB>case<TAB>variant<TAB>metric<TAB>value lines into threads/case/variant/metric.
bool readThreadsTsv(const QString &path, Run &run)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return false;
    QTextStream in(&file);
    while (!in.atEnd()) {
        const QStringList fields = in.readLine().split(u'\t');
        if (fields.size() != 5 || fields[0] != u"RESULT")
            continue;
        bool ok = false;
        const double value = fields[4].toDouble(&ok);
        if (ok)
            run.insert(u"threads/"_s + fields[1] + u'/' + fields[2] + u'/' + fields[3], value);
    }
    return true;
}

std::vector<Run> readRuns(const QString &dir)
{
    std::vector<Run> runs;
    for (int n = 1;; ++n) {
        Run run;
        const QString suffix = QString::number(n);
        bool any = readQTestCsv(dir + u"/core-"_s + suffix + u".csv"_s, u"core"_s, run);
        any |= readQTestCsv(dir + u"/floor-"_s + suffix + u".csv"_s, u"floor"_s, run);
        any |= readThreadsTsv(dir + u"/threads-"_s + suffix + u".tsv"_s, run);
        if (!any)
            break;
        runs.push_back(run);
    }
    return runs;
}

QHash<QString, QString> readMachine(const QString &path)
{
    QHash<QString, QString> machine;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return machine;
    QTextStream in(&file);
    while (!in.atEnd()) {
        const QString line = in.readLine();
        const qsizetype eq = line.indexOf(u'=');
        if (eq > 0)
            machine.insert(line.left(eq).trimmed(), line.mid(eq + 1).trimmed());
    }
    return machine;
}

// ---- statistics -------------------------------------------------------------------------------

Stats over(const std::vector<Run> &runs, const Getter &f)
{
    std::vector<double> values;
    for (const Run &run : runs)
        values.push_back(f(run));
    return statsOf(values);
}

// ---- formatting -------------------------------------------------------------------------------

QString fmt(double v)
{
    return formatFigure(v);
}


QString withRange(const Stats &s)
{
    if (std::isnan(s.median))
        return u"n/a"_s;
    if (s.count < 2)
        return fmt(s.median);
    return fmt(s.median) + u" <sub>"_s + fmt(s.min) + u"–"_s + fmt(s.max) + u"</sub>"_s;
}

// ---- the cases --------------------------------------------------------------------------------

//! The medians of the floor rows (bench_floor, and the floors bench_threads measures).
struct Floors
{
    double load = NaN, exchange = NaN, increment = NaN, spin = NaN, mutex = NaN, alloc = NaN,
           miss = NaN, qbenchmark = NaN, refPair = NaN, lockedCopy = NaN, lockedPublish = NaN,
           hash = NaN, threadStart = NaN, contended = NaN, wakeupUs = NaN,
           deliveries = NaN, loadCall = NaN, hazardRead = NaN, eventLatencyP50 = NaN,
           eventLatencyP99 = NaN;
};

struct Case
{
    QString section;     // "core" (vs the naive bus) or "delivery" (vs a queued signal)
    QString name;        // as in the table
    QString unit;
    Getter ours;
    Getter base;
    //! The target in the case's unit, possibly from a floor or baseline measured in the same
    //! run; empty for rows that only inform.
    Getter target;
    QString targetText;
    bool higherIsBetter = false;
    double requiredRatio = 1.5; // 0: no ratio requirement
    QString reference;          // the dropslot 0.2 figure on this kind of machine
    //! The least the operation can cost here (for throughput, the most it can reach), built
    //! from the floor rows; empty when there is no meaningful floor.
    QString floorText;
    std::function<double(const Floors &)> floor;
    QString chartLabel;
};

Getter coreOp(const QString &function, const QString &tag)
{
    return [=](const Run &r) { return get(r, u"core/"_s + function + u'/' + tag) / PerIteration; };
}
Getter coreNs(const QString &function, const QString &tag, double divisor = 1)
{
    return [=](const Run &r) { return get(r, u"core/"_s + function + u'/' + tag) / divisor; };
}
Getter harness(const QString &caseName, const QString &variant, const QString &metric)
{
    return [=](const Run &r) {
        return get(r, u"threads/"_s + caseName + u'/' + variant + u'/' + metric);
    };
}
Getter constant(double value)
{
    return [=](const Run &) { return value; };
}

QString ns(double v)
{
    return fmt(v) + u" ns"_s;
}

// Floors of the single-thread operations, from the composite floor rows.
double creationFloor(const Floors &f)
{
    return f.alloc + f.hash + f.spin;
}
double scenarioFloor(const Floors &f) // one topic of the scalability scenario, in ns
{
    return creationFloor(f) + f.refPair + f.lockedPublish + f.lockedCopy;
}

QList<Case> cases()
{
    QList<Case> c;
    const auto add = [&](Case item) { c.append(std::move(item)); };

    add({u"core"_s, u"topic creation, 1,000 distinct names on a fresh bus"_s, u"ns/op"_s,
         coreNs(u"topicCreation"_s, u"ours"_s), coreNs(u"topicCreation"_s, u"naive"_s),
         constant(100), u"≤ 100 ns/op"_s, false, 1.5, u"~500 ns/op"_s,
         u"alloc+free, hash, lock"_s, creationFloor, u"topic creation"_s});
    add({u"core"_s, u"topic lookup, existing topic, bus of 1,000 topics"_s, u"ns"_s,
         coreOp(u"topicLookup"_s, u"ours"_s), coreOp(u"topicLookup"_s, u"naive"_s), constant(20),
         u"≤ 20 ns"_s, false, 1.5, u"52–81 ns"_s, u"hash, refcount up + down"_s,
         [](const Floors &f) { return f.hash + f.refPair; }, u"topic lookup"_s});
    // A bus's own cost, and lookups by the other name encodings.
    add({u"core"_s, u"Bus new + drop, default capacity (naive: std::make_shared of the bus)"_s,
         u"ns"_s, coreOp(u"busNewDrop"_s, u"ours"_s), coreOp(u"busNewDrop"_s, u"naive"_s),
         constant(100), u"≤ 100 ns"_s, false, 1.3, u"124–223 ns"_s,
         // The last handle's release is a plain load: no read-modify-write to count.
         u"alloc+free"_s, [](const Floors &f) { return f.alloc; }, u"bus new + drop"_s});
    add({u"core"_s, u"new bus + one topic + drop"_s, u"ns"_s, coreOp(u"busNewTopicDrop"_s, u"ours"_s),
         coreOp(u"busNewTopicDrop"_s, u"naive"_s), constant(250),
         u"≤ 250 ns (2× ahead of dropslot)"_s, false, 1.3, u"~500 ns"_s,
         u"2 × alloc+free, hash, lock, 2 refcount pairs"_s,
         [](const Floors &f) { return 2 * f.alloc + f.hash + f.spin + 2 * f.refPair; },
         u"new bus + topic + drop"_s});
    for (const auto &[tag, label] : {std::pair{u"UTF-8 literal"_s, u"a UTF-8 literal"_s},
                                     std::pair{u"QLatin1StringView"_s, u"a QLatin1StringView"_s}}) {
        const Getter qstring = coreOp(u"topicLookup"_s, u"ours"_s);
        add({u"core"_s, u"topic lookup by "_s + label + u", bus of 1,000 topics"_s, u"ns"_s,
             coreOp(u"topicLookup"_s, u"ours "_s + tag),
             // The naive bus takes std::string: a literal becomes one (inline, no allocation).
             coreOp(u"topicLookup"_s, u"naive UTF-8 literal"_s),
             [qstring](const Run &r) { return 1.15 * qstring(r); },
             u"≤ 1.15 × the QString lookup"_s, false, 1.3, u"52–81 ns"_s,
             u"hash, refcount up + down"_s,
             [](const Floors &f) { return f.hash + f.refPair; },
             u"lookup, "_s + tag});
    }
    add({u"core"_s, u"publish on a held topic, 1 subscriber, shared 11-byte payload"_s, u"ns"_s,
         coreOp(u"publish"_s, u"ours"_s), coreOp(u"publish"_s, u"naive"_s), constant(10),
         u"≤ 10 ns"_s, false, 1.5, u"~40 ns"_s, u"locked refcounted swap"_s,
         [](const Floors &f) { return f.lockedPublish; }, u"publish"_s});
    add({u"core"_s, u"subscribe + drop"_s, u"ns"_s, coreOp(u"subscribeAndDrop"_s, u"ours"_s),
         coreOp(u"subscribeAndDrop"_s, u"naive"_s), constant(15), u"≤ 15 ns"_s, false, 1.5,
         u"~30 ns"_s, u"refcount up + down"_s, [](const Floors &f) { return f.refPair; },
         u"subscribe + drop"_s});
    add({u"core"_s, u"tryGetMessage with nothing new"_s, u"ns"_s,
         coreOp(u"tryGetMessageNothingNew"_s, u"ours"_s),
         coreOp(u"tryGetMessageNothingNew"_s, u"naive"_s), constant(3), u"≤ 3 ns"_s, false, 1.5,
         u"~12 ns"_s, u"1 L1 load"_s, [](const Floors &f) { return f.load; },
         u"tryGetMessage, nothing new"_s});
    add({u"core"_s, u"tryGetMessage returning a value"_s, u"ns"_s,
         coreOp(u"tryGetMessageValue"_s, u"ours"_s), coreOp(u"tryGetMessageValue"_s, u"naive"_s),
         constant(12), u"≤ 12 ns"_s, false, 1.5, u"~30 ns"_s, u"locked refcount copy"_s,
         [](const Floors &f) { return f.lockedCopy; }, u"tryGetMessage, value"_s});
    add({u"core"_s, u"latest()"_s, u"ns"_s, coreOp(u"latest"_s, u"ours"_s),
         coreOp(u"latest"_s, u"naive"_s), constant(8), u"≤ 8 ns"_s, false, 1.5, u"17–28 ns"_s,
         u"locked refcount copy"_s, [](const Floors &f) { return f.lockedCopy; }, u"latest()"_s});
    // Reads that hand f the value in place: no lock, no reference count.
    const auto inPlaceTarget = [](const Run &r) {
        return 2 * get(r, u"floor/l1LoadAndCall/"_s) / PerIteration;
    };
    add({u"core"_s, u"latestWith(f) on a topic with a value"_s, u"ns"_s,
         coreOp(u"latestWith"_s, u"ours"_s), coreOp(u"latestWith"_s, u"naive"_s), inPlaceTarget,
         u"≤ 2 × (L1 load + call)"_s, false, 2, QString(),
         u"bare hazard-pointer read + call"_s, [](const Floors &f) { return f.hazardRead; },
         u"latestWith"_s});
    add({u"core"_s, u"tryGetMessageAndApply(f) finding a value"_s, u"ns"_s,
         coreOp(u"tryGetMessageAndApply"_s, u"ours"_s),
         coreOp(u"tryGetMessageAndApply"_s, u"naive"_s), inPlaceTarget,
         u"≤ 2 × (L1 load + call)"_s, false, 2, QString(),
         u"bare hazard-pointer read + call"_s, [](const Floors &f) { return f.hazardRead; },
         u"tryGetMessageAndApply"_s});
    add({u"core"_s, u"latest() of a double"_s, u"ns"_s, coreOp(u"latestDouble"_s, u"ours"_s),
         coreOp(u"latestDouble"_s, u"naive"_s),
         [](const Run &r) { return 4 * get(r, u"floor/l1Load/"_s) / PerIteration; },
         u"≤ 4 L1 loads"_s, false, 1.5, QString(),
         u"4 L1 loads (sequence twice, value, version)"_s,
         [](const Floors &f) { return 4 * f.load; }, u"latest() of a double"_s});
    const struct
    {
        int n;
        double target;
        const char16_t *reference;
    } scales[] = {{10, 2, u"6 µs"}, {100, 15, u"55 µs"}, {1000, 150, u"550 µs"}};
    for (const auto &s : scales) {
        const QString n = QString::number(s.n);
        add({u"core"_s,
             u"scalability: new bus, N topics each topic+subscribe+publish, then read each; N = "_s
                 + n,
             u"µs"_s, coreNs(u"scalability"_s, u"ours N="_s + n, 1e3),
             coreNs(u"scalability"_s, u"naive N="_s + n, 1e3), constant(s.target),
             u"≤ "_s + fmt(s.target) + u" µs"_s, false, 1.5, QString::fromUtf16(s.reference),
             u"N × (creation + refcount pair + publish + read floors)"_s,
             [n = s.n](const Floors &f) { return n * scenarioFloor(f) / 1e3; },
             u"scalability N="_s + n});
    }
    add({u"core"_s, u"high frequency: 1,000 publishes then 1 read"_s, u"µs"_s,
         coreNs(u"highFrequency"_s, u"ours"_s, 1e3), coreNs(u"highFrequency"_s, u"naive"_s, 1e3),
         constant(10), u"≤ 10 µs"_s, false, 1.5, u"23–30 µs"_s,
         u"1,000 locked refcounted swaps + 1 copy"_s,
         [](const Floors &f) { return (1000 * f.lockedPublish + f.lockedCopy) / 1e3; },
         u"high frequency"_s});
    add({u"core"_s, u"16 threads: each topic+subscribe+publish+blocking read, incl. thread start"_s,
         u"µs"_s, harness(u"threads16"_s, u"ours"_s, u"us"_s),
         harness(u"threads16"_s, u"naive"_s, u"us"_s),
         [](const Run &r) { return 1.1 * get(r, u"threads/threads16/floor/us"_s); },
         u"≤ 1.1 × thread start alone"_s, false, 1.5, u"660–900 µs (thread start ~780)"_s,
         u"16 threads started and joined"_s, [](const Floors &f) { return f.threadStart; },
         u"16 threads"_s});
    for (const char16_t *mode : {u"polls", u"waits"}) {
        const QString m = QString::fromUtf16(mode);
        add({u"core"_s,
             u"contended: 2 threads × 1M publishes to one topic, a third thread "_s
                 + (m == u"polls" ? u"polls (tryGetMessage)"_s : u"waits (waitForMessage)"_s),
             u"M publishes/s"_s, harness(u"contended"_s, u"ours reader "_s + m, u"Mpublishes/s"_s),
             harness(u"contended"_s, u"naive reader "_s + m, u"Mpublishes/s"_s), constant(20),
             u"≥ 20 M/s"_s, true, 1.5, u"~7 M/s"_s, u"ceiling: 2 threads exchanging one word"_s,
             [](const Floors &f) { return f.contended; }, u"contended, reader "_s + m});
    }
    add({u"core"_s, u"cleanupUnusedTopics, 1,000 topics of which 500 unused"_s, u"µs"_s,
         coreNs(u"cleanupUnusedTopics"_s, u"ours"_s, 1e3),
         coreNs(u"cleanupUnusedTopics"_s, u"naive"_s, 1e3), constant(25), u"≤ 25 µs"_s, false, 1.5,
         u"63–78 µs"_s, u"500 × alloc+free, 1,000 L1 loads"_s,
         [](const Floors &f) { return (500 * f.alloc + 1000 * f.load) / 1e3; },
         u"cleanupUnusedTopics"_s});
    add({u"core"_s, u"cleanupUnusedTopics, 500 topics all in use (nothing to remove)"_s, u"µs"_s,
         coreNs(u"cleanupNothingUnused"_s, u"ours"_s, 1e3),
         coreNs(u"cleanupNothingUnused"_s, u"naive"_s, 1e3), constant(1.2),
         u"≤ 1.2 µs (dropslot's best)"_s, false, 1.3, u"1.2–1.5 µs"_s, u"500 L1 loads"_s,
         [](const Floors &f) { return 500 * f.load / 1e3; }, u"cleanup, nothing unused"_s});
    add({u"core"_s, u"removeTopic"_s, u"ns"_s, coreNs(u"removeTopic"_s, u"ours"_s),
         coreNs(u"removeTopic"_s, u"naive"_s), constant(80), u"≤ 80 ns"_s, false, 1.5,
         u"175–276 ns"_s, u"hash, 2 locks, alloc+free"_s,
         [](const Floors &f) { return f.hash + 2 * f.spin + f.alloc; }, u"removeTopic"_s});
    add({u"core"_s, u"memory: 100,000 topics, 1 subscriber and a 16-byte value each"_s,
         u"B/topic"_s, harness(u"memory"_s, u"ours"_s, u"bytesPerTopic"_s),
         harness(u"memory"_s, u"naive"_s, u"bytesPerTopic"_s), constant(200), u"≤ 200 B/topic"_s,
         false, 1.5, u"~535 B/topic"_s,
         u"value 16 + name 22 + version 8 + refcount 8 + table slot 16 + Sub 24"_s,
         [](const Floors &) { return 94.0; }, u"memory per topic"_s});

    // Delivery into a receiving thread: DropSlot::connect against a queued signal.
    const auto delivery = [](const QString &variant, const QString &metric) {
        return harness(u"delivery"_s, variant, metric);
    };
    add({u"delivery"_s, u"publisher time, 1,000,000 updates"_s, u"ms"_s,
         delivery(u"dropslot"_s, u"publisherMs 1M"_s), delivery(u"queued"_s, u"publisherMs 1M"_s),
         [](const Run &r) { return get(r, u"threads/delivery/queued/publisherMs 1M"_s) / 10; },
         u"≥ 10× less than queued"_s, false, 10, QString(), u"1M locked refcounted swaps"_s,
         // ns per publish is ms per million publishes.
         [](const Floors &f) { return f.lockedPublish; }, u"publisher time"_s});
    add({u"delivery"_s, u"receiver-thread CPU, 1,000,000 updates"_s, u"ms"_s,
         delivery(u"dropslot"_s, u"receiverCpuMs 1M"_s),
         delivery(u"queued"_s, u"receiverCpuMs 1M"_s),
         [](const Run &r) { return get(r, u"threads/delivery/queued/receiverCpuMs 1M"_s) / 100; },
         u"≥ 100× less than queued"_s, false, 100, QString(),
         u"1 idle-loop wake-up per DropSlot delivery"_s,
         [](const Floors &f) { return f.wakeupUs * f.deliveries / 1e3; }, u"receiver CPU"_s});
    for (const char16_t *work : {u"", u" busy"}) {
        const QString w = QString::fromUtf16(work);
        const QString how = w.isEmpty() ? u"slot only records"_s : u"slot works 5 µs"_s;
        for (const char16_t *count : {u"100k", u"1M"}) {
            const QString n = QString::fromUtf16(count);
            const QString base = u"threads/delivery/dropslot/peakGrowthKiB 100k"_s + w;
            add({u"delivery"_s,
                 u"peak memory growth (VmHWM), "_s + n + u" updates, "_s + how, u"KiB"_s,
                 delivery(u"dropslot"_s, u"peakGrowthKiB "_s + n + w),
                 delivery(u"queued"_s, u"peakGrowthKiB "_s + n + w),
                 // Flat: the 1M run may not grow more than 512 KiB over the 100k run.
                 [base](const Run &r) { return get(r, base) + 512; },
                 u"flat: ≤ the 100k figure + 512 KiB"_s, false, 0, QString(), QString(), {},
                 u"peak memory, "_s + n + (w.isEmpty() ? QString() : u", busy slot"_s)});
        }
    }
    add({u"delivery"_s,
         u"last value's arrival after the last publish, 1M updates, slot works 5 µs"_s, u"ms"_s,
         delivery(u"dropslot"_s, u"finalLagMs 1M busy"_s),
         delivery(u"queued"_s, u"finalLagMs 1M busy"_s), {}, QString(), false, 0, QString(),
         QString(), {}, u"staleness, busy slot"_s});
    add({u"delivery"_s,
         u"events dispatched per loop turn in the receiver thread (max, 1M updates)"_s, u"events"_s,
         delivery(u"dropslot"_s, u"maxEventsPerTurn 1M"_s),
         delivery(u"queued"_s, u"maxEventsPerTurn 1M"_s), constant(1), u"≤ 1"_s, false, 0,
         QString(), QString(), {}, u"events per loop turn"_s});
    // Both deliveries sit on a posted event's wake-up: the floor says how far either can get.
    for (const char16_t *p : {u"p50", u"p99"}) {
        const QString q = QString::fromUtf16(p);
        const bool median = q == u"p50";
        add({u"delivery"_s, u"publish → slot latency at 1,000 updates/s, "_s + q, u"µs"_s,
             harness(u"latency"_s, u"dropslot"_s, q + u"us"_s),
             harness(u"latency"_s, u"queued"_s, q + u"us"_s), {}, QString(), false, 1.0,
             QString(), u"a bare posted event, same pacing"_s,
             [median](const Floors &f) { return median ? f.eventLatencyP50 : f.eventLatencyP99; },
             u"latency "_s + q});
    }
    return c;
}

struct Evaluated
{
    Stats ours, base, ratio, overTarget, target;
    double floor = NaN;
    double ceiling = NaN; // the best ratio the floor allows
    bool hasTarget = false;
    bool targetMet = false;
    bool ratioMet = true;
};

Evaluated evaluate(const Case &c, const std::vector<Run> &runs, const Floors &floors)
{
    Evaluated e;
    e.ours = over(runs, c.ours);
    e.base = over(runs, c.base);
    e.ratio = over(runs, [&](const Run &r) {
        return c.higherIsBetter ? c.ours(r) / c.base(r) : c.base(r) / c.ours(r);
    });
    if (c.target) {
        e.hasTarget = true;
        e.target = over(runs, c.target);
        e.overTarget = over(runs, [&](const Run &r) {
            return c.higherIsBetter ? c.target(r) / c.ours(r) : c.ours(r) / c.target(r);
        });
        e.targetMet = !std::isnan(e.overTarget.median) && e.overTarget.median <= 1.0;
    }
    if (c.requiredRatio > 0)
        e.ratioMet = !std::isnan(e.ratio.median) && e.ratio.median >= c.requiredRatio;
    if (c.floor) {
        e.floor = c.floor(floors);
        e.ceiling = c.higherIsBetter ? e.floor / e.base.median : e.base.median / e.floor;
    }
    return e;
}

QString verdict(const Case &c, const Evaluated &e)
{
    if (std::isnan(e.ours.median))
        return u"not measured"_s;
    if (!e.hasTarget && c.requiredRatio <= 0)
        return u"—"_s;
    if ((e.targetMet || !e.hasTarget) && e.ratioMet)
        return u"**met**"_s;
    QStringList missed;
    if (e.hasTarget && !e.targetMet)
        missed.append(u"target"_s);
    if (!e.ratioMet) {
        QString ratio = formatRatio(c.requiredRatio) + u" ratio"_s;
        QStringList notes;
        if (formatRatio(e.ratio.median) == formatRatio(c.requiredRatio))
            notes.append(u"here "_s + QString::number(e.ratio.median, 'f', 3) + u"×"_s);
        if (!std::isnan(e.ceiling))
            notes.append(u"floor allows at most "_s + formatRatio(e.ceiling));
        if (!notes.isEmpty())
            ratio += u" ("_s + notes.join(u"; "_s) + u')';
        missed.append(ratio);
    }
    return u"missed: "_s + missed.join(u", "_s);
}

Floors floorsOf(const std::vector<Run> &runs)
{
    const auto m = [&](const QString &key, double divisor) {
        return over(runs, [&](const Run &r) { return get(r, key) / divisor; }).median;
    };
    Floors f;
    f.load = m(u"floor/l1Load/"_s, PerIteration);
    f.exchange = m(u"floor/atomicExchange/"_s, PerIteration);
    f.increment = m(u"floor/atomicIncrement/"_s, PerIteration);
    f.spin = m(u"floor/spinLockUnlock/"_s, PerIteration);
    f.mutex = m(u"floor/mutexLockUnlock/"_s, PerIteration);
    f.alloc = m(u"floor/allocateFree/"_s, PerIteration);
    f.miss = m(u"floor/cacheMiss/"_s, PerIteration);
    f.refPair = m(u"floor/refcountPair/"_s, PerIteration);
    f.lockedCopy = m(u"floor/lockedCopy/"_s, PerIteration);
    f.lockedPublish = m(u"floor/lockedPublish/"_s, PerIteration);
    f.hash = m(u"floor/hashName/"_s, PerIteration);
    f.loadCall = m(u"floor/l1LoadAndCall/"_s, PerIteration);
    f.hazardRead = m(u"floor/hazardPointerRead/"_s, PerIteration);
    f.qbenchmark = m(u"floor/qbenchmarkIteration/"_s, 1);
    f.threadStart = m(u"threads/threads16/floor/us"_s, 1);
    f.contended = m(u"threads/contended/floor/Mpublishes/s"_s, 1);
    f.wakeupUs = m(u"threads/delivery/floor/receiverCpuUsPerEvent"_s, 1);
    f.deliveries = m(u"threads/delivery/dropslot/events 1M"_s, 1);
    f.eventLatencyP50 = m(u"threads/latency/event/p50us"_s, 1);
    f.eventLatencyP99 = m(u"threads/latency/event/p99us"_s, 1);
    return f;
}

// ---- writing ----------------------------------------------------------------------------------

//! Atomic read-modify-writes per public operation (counted in the code, not measured), beside
//! the operation's measured time and the floor those RMWs alone imply here.
void writeRmwTable(QTextStream &out, const std::vector<Run> &runs, const Floors &floors)
{
    const struct
    {
        const char16_t *operation, *ours, *naive;
        int oursCount, naiveCount;
        const char16_t *function; // bench_core row of the time, if any
        bool timedPerRound = false; // the row reports a median of rounds (coreNs), not QBENCHMARK
        int oursFences = 0;         // seq_cst fences, priced like an RMW (x86 makes one of each)
    } rows[] = {
        {u"topic lookup, existing topic", u"ref (a compare-exchange), caller's release",
         u"lock, unlock, shared_ptr ref, caller's release", 2, 4, u"topicLookup"},
        {u"publish (QByteArray)", u"copy's ref, lock, old value's release", u"lock, unlock, "
         u"copy's ref, old value's release", 3, 4, u"publish"},
        {u"publish (QByteArray) once read lock-free", u"as above, + 1/64 (relock after the "
         u"batched hazard scan; replacing goes off with the batch unless a reader still holds "
         u"one of its values)", u"—", 3, 4, nullptr},
        {u"first read after replacing went off", u"lock (switches it on; 64 or more versions "
         u"after it went off, copies instead and leaves it off: + the copy's ref and release "
         u"for a QByteArray)",
         u"lock, unlock (every read)", 1, 2, nullptr},
        {u"publish (double, small trivially copyable)", u"lock", u"lock, unlock", 1, 2, nullptr},
        {u"subscribe + drop", u"ref, deref", u"lock, unlock, shared_ptr ref, deref", 2, 4,
         u"subscribeAndDrop"},
        {u"tryGetMessage, nothing new", u"none", u"lock, unlock", 0, 2, u"tryGetMessageNothingNew"},
        {u"tryGetMessage returning a value (QByteArray)", u"copy's ref, caller's release",
         u"lock, unlock, copy's ref, caller's release", 2, 4, u"tryGetMessageValue"},
        {u"latest() (QByteArray)", u"copy's ref, caller's release",
         u"lock, unlock, copy's ref, caller's release", 2, 4, u"latest"},
        {u"latest(), tryGetMessage() (double)", u"none", u"lock, unlock", 0, 2, u"latestDouble"},
        {u"latestWith(f)", u"none", u"lock, unlock", 0, 2, u"latestWith"},
        {u"tryGetMessageAndApply(f)", u"none", u"lock, unlock", 0, 2, u"tryGetMessageAndApply"},
        {u"Bus new + drop", u"none: the last handle's release is a load",
         u"none: std::shared_ptr's last release is a load too", 0, 0, u"busNewDrop"},
        {u"removeTopic", u"shard lock, topic lock (closing); the fence checks whether other "
         u"threads read: if none does, the topic is freed at once, else + the retired list's "
         u"lock and 1/256 of a hazard scan", u"map lock, unlock, slot lock, unlock (closing)", 2, 4,
         u"removeTopic", true, 1},
        {u"cleanupUnusedTopics, per topic removed", u"none (per call: its mutex, two visits "
         u"of each shard's lock, one hazard scan)", u"none (per call: lock, unlock)", 0, 0, nullptr},
    };
    out << "Atomic read-modify-writes per operation (counted in the code; before this release "
           "a read also took the topic's spin lock: latest() and tryGetMessage() 3 with the "
           "caller's release, latestWith() and tryGetMessageAndApply() 3; a lookup took the "
           "shard's spin lock: 3). The floor is the "
           "RMW count (a fence counted as one) times an uncontended atomic exchange here ("
        << ns(floors.exchange) << "); a hazard-protected read adds no RMW and no fence.\n\n";
    out << "| operation | ours: RMWs | ours: floor | ours: measured | naive: RMWs | naive: floor "
           "| naive: measured |\n|---|---|---|---|---|---|---|\n";
    for (const auto &row : rows) {
        QString oursTime = u"—"_s, naiveTime = u"—"_s;
        if (row.function) {
            const QString f = QString::fromUtf16(row.function);
            const auto time = [&](const QString &impl) {
                return row.timedPerRound ? coreNs(f, impl) : coreOp(f, impl);
            };
            oursTime = ns(over(runs, time(u"ours"_s)).median);
            naiveTime = ns(over(runs, time(u"naive"_s)).median);
        }
        const QString fences = row.oursFences ? u" + "_s + QString::number(row.oursFences)
                + (row.oursFences == 1 ? u" fence"_s : u" fences"_s) : QString();
        out << "| " << QString::fromUtf16(row.operation) << " | " << row.oursCount << fences
            << " (" << QString::fromUtf16(row.ours) << ") | "
            << ns((row.oursCount + row.oursFences) * floors.exchange)
            << " | " << oursTime << " | " << row.naiveCount << " ("
            << QString::fromUtf16(row.naive) << ") | " << ns(row.naiveCount * floors.exchange)
            << " | " << naiveTime << " |\n";
    }
    out << "\n";
}

void writeMarkdown(QTextStream &out, const QList<Case> &all, const std::vector<Run> &runs,
                   const QHash<QString, QString> &machine, QList<ChartRow> &chart)
{
    const Floors floors = floorsOf(runs);
    const auto median = [&](const QString &key) {
        return over(runs, [&](const Run &r) { return get(r, key); }).median;
    };

    out << "# DropSlot benchmark results\n\n";
    out << "Generated by `benchmarks/run`; the chart is [results.png](results.png).\n\n";
    out << "| machine | |\n|---|---|\n";
    out << "| CPU | " << machine.value(u"model"_s);
    if (machine.contains(u"cpu_id"_s))
        out << " (" << machine.value(u"cpu_id"_s) << ")";
    out << " |\n";
    if (machine.contains(u"clock"_s))
        out << "| clock, vector extensions | " << machine.value(u"clock"_s) << ", "
            << machine.value(u"vector"_s) << " |\n";
    if (machine.contains(u"hypervisor"_s))
        out << "| hypervisor | " << machine.value(u"hypervisor"_s) << " |\n";
    out << "| cores | " << machine.value(u"cores"_s) << " |\n";
    out << "| kernel | " << machine.value(u"kernel"_s) << " |\n";
    out << "| compiler, Qt | " << machine.value(u"compiler"_s) << ", Qt "
        << machine.value(u"qt"_s, QString::fromLatin1(qVersion())) << " |\n";
    out << "| date | " << machine.value(u"date"_s) << " |\n";
    out << "| load average before / after | " << machine.value(u"load_before"_s) << " / "
        << machine.value(u"load_after"_s) << " |\n";
    out << "| command | `" << machine.value(u"command"_s) << "` |\n";
    out << "| runs | " << runs.size() << " (each suite in its own process per run";
    if (const QString medians = machine.value(u"medians"_s); !medians.isEmpty() && medians != u"1")
        out << "; within a run, every `bench_floor` and `bench_core` row is measured " << medians
            << " times and its median kept (QTest `-median`)";
    if (!machine.value(u"pinned"_s).isEmpty())
        out << "; `bench_core` pinned to one CPU per run, another each run (`taskset`)";
    out << ") |\n\n";

    out << "Each figure is the median over the runs (smallest–largest in small print); each "
           "ratio is the median of the ratios measured within one run, baseline over DropSlot "
           "(for throughput, DropSlot over baseline), so above 1 means DropSlot is better. "
           "A row is met when it reaches its target and, where one is asked for, the ratio. "
           "The floor column is what the bare hardware operations the row cannot avoid cost "
           "on this machine (rows of `bench_floor`, below).\n\n";

    const auto table = [&](const QString &section, const QString &baseName) {
        out << "| case | ours | " << baseName << " | ratio | target | dropslot 0.2 | floor | "
            << "verdict |\n";
        out << "|---|---|---|---|---|---|---|---|\n";
        for (const Case &c : all) {
            if (c.section != section)
                continue;
            const Evaluated e = evaluate(c, runs, floors);
            QString target = c.targetText.isEmpty() ? u"—"_s : c.targetText;
            if (!std::isnan(e.target.median) && !target.contains(fmt(e.target.median)))
                target += u" (here "_s + fmt(e.target.median) + u')';
            QString floor = u"—"_s;
            if (c.floor)
                floor = c.floorText + u": "_s + fmt(e.floor) + u' ' + c.unit;
            QString ratio = formatRatio(e.ratio.median);
            if (c.requiredRatio > 0)
                ratio += u" (≥ "_s + formatRatio(c.requiredRatio) + u')';
            out << "| " << c.name << " (" << c.unit << ") | " << withRange(e.ours) << " | "
                << withRange(e.base) << " | " << ratio << " | " << target << " | "
                << (c.reference.isEmpty() ? u"—"_s : c.reference) << " | "
                << floor << " | " << verdict(c, e) << " |\n";
            chart.append({c.chartLabel, section, e.ratio.median, c.requiredRatio,
                          e.overTarget.median});
        }
        out << "\n";
    };

    out << "## Core operations and threads: DropSlot against a hand-written bus\n\n";
    out << "The baseline is `benchmarks/naivebus.h`: one `std::mutex` over a "
           "`std::unordered_map<std::string, std::shared_ptr<Slot>>`, and per slot a "
           "`std::mutex`, the value, a version and a `std::condition_variable`. Same payload "
           "(`QByteArray(\"hello world\")`, shared, so a publish copies a refcount), same "
           "operation, same process. How the rows are measured:\n\n"
           "- Per-operation rows run a million operations per QBENCHMARK iteration; names are "
           "prebuilt (`u\"sensor/500\"_s` for ours, a `std::string` for the naive bus).\n"
           "- topic creation, removeTopic and cleanupUnusedTopics need fresh state: 200 rounds "
           "each time only the operation (bus construction, filling and destruction outside the "
           "timed part), median.\n"
           "- tryGetMessage returning a value: one publish, then 64 subscribers read it; per read "
           "(1/64 of a publish included).\n"
           "- scalability and high frequency: the whole scenario per iteration (for scalability "
           "including the bus's destruction).\n"
           "- 16 threads: `std::thread` start to join, 60 rounds with the variants rotating, "
           "median. contended: 7 rounds, median; the third thread either polls "
           "`tryGetMessage()` (yielding when there is nothing new) or blocks in "
           "`waitForMessage()`. memory: a fresh process per variant, VmHWM growth while the "
           "100,000 topics are built; the Sub handles' vector is reserved before (its pages count "
           "as they fill).\n\n";
    table(u"core"_s, u"naive"_s);
    writeRmwTable(out, runs, floors);

    out << "Details:\n";
    out << "- 16 threads: time above thread start alone (median " << fmt(floors.threadStart)
        << " µs): ours "
        << fmt(median(u"threads/threads16/ours/us"_s) - floors.threadStart) << " µs, naive "
        << fmt(median(u"threads/threads16/naive/us"_s) - floors.threadStart) << " µs.\n";
    out << "- contended: parallelism (CPU time of both publishers over wall time; 2 = side by "
           "side throughout, 1 = taking turns): floor "
        << fmt(median(u"threads/contended/floor/parallelism"_s)) << ", ours polls "
        << fmt(median(u"threads/contended/ours reader polls/parallelism"_s)) << ", naive polls "
        << fmt(median(u"threads/contended/naive reader polls/parallelism"_s)) << ", ours waits "
        << fmt(median(u"threads/contended/ours reader waits/parallelism"_s)) << ", naive waits "
        << fmt(median(u"threads/contended/naive reader waits/parallelism"_s)) << ".\n";
    out << "- with a capacity hint (`Bus(1000)`, `reserve(1000)`), topic creation costs ours "
        << fmt(median(u"core/topicCreation/ours capacity 1000"_s)) << " ns, naive "
        << fmt(median(u"core/topicCreation/naive reserve 1000"_s)) << " ns.\n";
    out << "- lookup of other name forms (ours): UTF-8 literal "
        << fmt(median(u"core/topicLookup/ours UTF-8 literal"_s) / PerIteration)
        << " ns, `QLatin1StringView` "
        << fmt(median(u"core/topicLookup/ours QLatin1StringView"_s) / PerIteration)
        << " ns; 1,000 names in turn: ours "
        << fmt(median(u"core/topicLookup/ours 1000 names in turn"_s) / PerIteration)
        << " ns, naive "
        << fmt(median(u"core/topicLookup/naive 1000 names in turn"_s) / PerIteration)
        << " ns.\n\n";

    out << "## Delivery into a receiving thread: `DropSlot::connect` against "
           "`Qt::QueuedConnection`\n\n";
    out << "A worker thread publishes (or emits a signal carrying the value); the receiver lives "
           "in the main thread's event loop. Every variant and update count runs in its own "
           "process; memory is the growth of VmHWM from just before publishing to the final "
           "update's arrival. Receiver CPU is `CLOCK_THREAD_CPUTIME_ID` of the receiving thread "
           "over the same span. Rows marked \"slot works 5 µs\" give the slot 5 µs of busy work "
           "per call (about a label update), so the receiver cannot keep up with the publisher. "
           "Latency: updates at 1,000/s, each carrying its `steady_clock` send time, 2 s per "
           "process, the variants alternating twice (DropSlot, the queued signal, and a bare "
           "posted event for the floor); percentiles over all samples.\n\n";
    table(u"delivery"_s, u"queued signal"_s);
    out << "Details: over 1,000,000 updates, the receiver handled "
        << fmt(median(u"threads/delivery/dropslot/events 1M"_s)) << " events and "
        << fmt(median(u"threads/delivery/dropslot/slotCalls 1M"_s))
        << " slot calls with DropSlot, against "
        << fmt(median(u"threads/delivery/queued/events 1M"_s)) << " events and "
        << fmt(median(u"threads/delivery/queued/slotCalls 1M"_s))
        << " slot calls with the queued signal. With the 5 µs slot, DropSlot made "
        << fmt(median(u"threads/delivery/dropslot/slotCalls 1M busy"_s))
        << " slot calls and used "
        << fmt(median(u"threads/delivery/dropslot/receiverCpuMs 1M busy"_s))
        << " ms of receiver CPU; the queued signal made "
        << fmt(median(u"threads/delivery/queued/slotCalls 1M busy"_s)) << " calls and used "
        << fmt(median(u"threads/delivery/queued/receiverCpuMs 1M busy"_s))
        << " ms. At 1,000 updates/s DropSlot called the slot "
        << fmt(median(u"threads/latency/dropslot/slotCalls"_s)) << " times for "
        << fmt(median(u"threads/latency/dropslot/updates"_s))
        << " updates (a publish that lands while a delivery is pending folds into it).\n\n";

    out << "## Floor: the bare operations on this machine\n\n";
    out << "| operation | cost |\n|---|---|\n";
    out << "| L1 load (atomic, acquire) | " << ns(floors.load) << " |\n";
    out << "| L1 load passed to a function that is not inlined | " << ns(floors.loadCall)
        << " |\n";
    out << "| hazard-pointer read (thread_local slot, load, publish, confirm, call, clear) | "
        << ns(floors.hazardRead) << " |\n";
    out << "| atomic exchange, uncontended | " << ns(floors.exchange) << " |\n";
    out << "| atomic increment, uncontended | " << ns(floors.increment) << " |\n";
    out << "| spin lock + unlock (exchange + store) | " << ns(floors.spin) << " |\n";
    out << "| `std::mutex` lock + unlock, uncontended | " << ns(floors.mutex) << " |\n";
    out << "| `operator new` + `delete`, 112 bytes | " << ns(floors.alloc) << " |\n";
    out << "| refcount up + down | " << ns(floors.refPair) << " |\n";
    out << "| locked refcount copy (spin lock, ref, unlock, unref) | " << ns(floors.lockedCopy)
        << " |\n";
    out << "| locked refcounted swap (ref new, spin lock, swap, version, unlock, unref old) | "
        << ns(floors.lockedPublish) << " |\n";
    out << "| `qHash` of a 10-character `QStringView` | " << ns(floors.hash) << " |\n";
    out << "| cache miss (pointer chase over 128 MiB) | " << ns(floors.miss) << " |\n";
    out << "| one QBENCHMARK iteration, empty body | " << ns(floors.qbenchmark) << " |\n";
    out << "| 16 threads started and joined, empty bodies | " << fmt(floors.threadStart)
        << " µs |\n";
    out << "| 2 threads × 1M exchanges of one word | " << fmt(floors.contended) << " M/s |\n";
    out << "| waking an idle Qt event loop with one posted event (receiver CPU) | "
        << fmt(floors.wakeupUs) << " µs |\n\n";

    out << "![benchmark chart](results.png)\n";
}

} // namespace

QString formatFigure(double v)
{
    if (std::isnan(v))
        return u"n/a"_s;
    const double a = std::abs(v);
    if (a >= 1000)
        return QLocale(QLocale::English).toString(v, 'f', 0);
    if (a >= 100)
        return QString::number(v, 'f', 0);
    if (a >= 10)
        return QString::number(v, 'f', 1);
    return QString::number(v, 'f', 2);
}

QString formatRatio(double v)
{
    if (std::isnan(v))
        return u"n/a"_s;
    if (v >= 1000)
        return QLocale(QLocale::English).toString(v, 'f', 0) + u"×"_s;
    return (v >= 10 ? QString::number(v, 'f', 0) : QString::number(v, 'f', 2)) + u"×"_s;
}

//! The text of path, or an empty string.
QString readText(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return QString();
    return QString::fromUtf8(file.readAll());
}

bool writeText(const QString &path, const QString &text)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Text)
        || file.write(text.toUtf8()) < 0) {
        qCritical("bench_report: cannot write %s", qPrintable(path));
        return false;
    }
    return true;
}

//! Where text holds begin ... end: the start of begin and the end of end; {-1, -1} if not.
std::pair<qsizetype, qsizetype> markedSpan(const QString &text, const QString &begin,
                                           const QString &end)
{
    const qsizetype from = text.indexOf(begin);
    const qsizetype to = from < 0 ? -1 : text.indexOf(end, from);
    if (to < 0)
        return {-1, -1};
    return {from, to + end.size()};
}

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);

    QCommandLineParser parser;
    parser.setApplicationDescription(u"Writes results.md and the charts from benchmark runs"_s);
    parser.addHelpOption();
    const QCommandLineOption rawOption(u"raw"_s, u"Directory of raw results"_s, u"dir"_s);
    const QCommandLineOption machineOption(u"machine"_s, u"key=value machine file"_s, u"file"_s);
    const QCommandLineOption markdownOption(u"markdown"_s, u"Markdown output"_s, u"file"_s);
    const QCommandLineOption chartOption(u"chart"_s, u"PNG output"_s, u"file"_s);
    const QCommandLineOption dashboardChartOption(u"dashboard-chart"_s,
                                                  u"The dashboard chart's PNG output"_s,
                                                  u"file"_s);
    const QCommandLineOption readmeOption(
        u"readme"_s, u"README whose dashboard table to replace"_s, u"file"_s);
    parser.addOptions({rawOption, machineOption, markdownOption, chartOption,
                       dashboardChartOption, readmeOption});
    parser.process(app);

    const std::vector<Run> runs = readRuns(parser.value(rawOption));
    const QHash<QString, QString> machine = readMachine(parser.value(machineOption));
    const DashboardReport dashboard = dashboardReport(parser.value(rawOption), machine);
    if (runs.empty() && !dashboard.valid) {
        qCritical("bench_report: no results in %s", qPrintable(parser.value(rawOption)));
        return 1;
    }

    // results.md: the suites' part, then the dashboard's section between markers. A part
    // whose results are not in DIR (benchmarks/run --only ...) keeps its text from before.
    const QString begin = u"<!-- dashboard:begin -->"_s;
    const QString end = u"<!-- dashboard:end -->"_s;
    QString previous = readText(parser.value(markdownOption));
    // The MQTT section (benchmarks/run --only mqtt writes it) is kept as it is, at the end.
    const QString mqttBegin = u"<!-- mqtt:begin -->"_s, mqttEnd = u"<!-- mqtt:end -->"_s;
    const auto [mqttFrom, mqttTo] = markedSpan(previous, mqttBegin, mqttEnd);
    const QString mqttSection = mqttFrom < 0 ? QString() : previous.mid(mqttFrom, mqttTo - mqttFrom);
    if (mqttFrom >= 0)
        previous.remove(mqttFrom, mqttTo - mqttFrom);
    const auto [from, to] = markedSpan(previous, begin, end);
    QString suites = from < 0 ? previous : previous.left(from) + previous.mid(to);
    QString dashboardSection = from < 0 ? QString() : previous.mid(from, to - from);

    if (!runs.empty()) {
        suites.clear();
        QList<ChartRow> chart;
        {
            QTextStream out(&suites);
            writeMarkdown(out, cases(), runs, machine, chart);
        }
        const QString subtitle = machine.value(u"model"_s) + u", "_s + machine.value(u"cores"_s)
            + u" cores, "_s + machine.value(u"date"_s) + u" — median of "_s
            + QString::number(runs.size()) + u" runs"_s;
        if (!drawChart(chart, u"DropSlot for Qt: benchmark results"_s, subtitle,
                       parser.value(chartOption))) {
            qCritical("bench_report: cannot write %s", qPrintable(parser.value(chartOption)));
            return 1;
        }
    }
    if (dashboard.valid) {
        dashboardSection = begin + u'\n' + dashboard.markdown + end;
        if (parser.isSet(dashboardChartOption)
            && !drawDashboardChart(dashboard, parser.value(dashboardChartOption))) {
            qCritical("bench_report: cannot write %s",
                      qPrintable(parser.value(dashboardChartOption)));
            return 1;
        }
        if (parser.isSet(readmeOption)) {
            const QString tableBegin = u"<!-- dashboard-table:begin -->"_s;
            const QString tableEnd = u"<!-- dashboard-table:end -->"_s;
            QString readme = readText(parser.value(readmeOption));
            const auto [tableFrom, tableTo] = markedSpan(readme, tableBegin, tableEnd);
            if (tableFrom < 0) {
                qWarning("bench_report: %s has no %s ... %s: its table is left as it is",
                         qPrintable(parser.value(readmeOption)), qPrintable(tableBegin),
                         qPrintable(tableEnd));
            } else {
                readme.replace(tableFrom, tableTo - tableFrom,
                               tableBegin + u'\n' + dashboard.readmeTable + tableEnd);
                if (!writeText(parser.value(readmeOption), readme))
                    return 1;
            }
        }
    }
    QString markdown = suites.trimmed() + u'\n';
    if (!dashboardSection.isEmpty())
        markdown += u'\n' + dashboardSection + u'\n';
    if (!mqttSection.isEmpty())
        markdown += u'\n' + mqttSection + u'\n';
    return writeText(parser.value(markdownOption), markdown) ? 0 : 1;
}

Stats statsOf(std::vector<double> values)
{
    const auto missing = [](double v) { return std::isnan(v); };
    values.erase(std::remove_if(values.begin(), values.end(), missing), values.end());
    Stats s;
    if (values.empty())
        return s;
    std::sort(values.begin(), values.end());
    const std::size_t mid = values.size() / 2;
    s.median = values.size() % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    s.min = values.front();
    s.max = values.back();
    s.count = int(values.size());
    return s;
}
