// SPDX-License-Identifier: MIT
// Turns bench_mqtt's output (suite-*.tsv and scale-*.tsv in DIR, "key<TAB>value" lines) into
// the MQTT section of results.md, between <!-- mqtt:begin --> and <!-- mqtt:end -->, and a chart.
//
//   bench_mqtt_report --raw DIR --machine FILE --markdown results.md --chart mqtt.png
#include <QtCore/QCommandLineParser>
#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QMap>
#include <QtCore/QTextStream>
#include <QtGui/QGuiApplication>
#include <QtGui/QImage>
#include <QtGui/QPainter>

#include <algorithm>
#include <cmath>
#include <vector>

using namespace Qt::StringLiterals;

namespace {

constexpr double NaN = std::numeric_limits<double>::quiet_NaN();

//! Every key's values over the runs; value() is their median.
class Figures
{
public:
    void add(const QString &key, double v) { m_values[key].push_back(v); }
    double value(const QString &key) const
    {
        auto values = m_values.value(key);
        if (values.empty())
            return NaN;
        std::sort(values.begin(), values.end());
        const size_t n = values.size();
        return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }
    bool has(const QString &key) const { return m_values.contains(key); }
    int runs(const QString &key) const { return int(m_values.value(key).size()); }
    QStringList keys() const { return m_values.keys(); }

private:
    QMap<QString, std::vector<double>> m_values;
};

QString fig(double v, int decimals = -1)
{
    if (std::isnan(v))
        return u"n/a"_s;
    if (decimals < 0)
        decimals = std::abs(v) >= 100 ? 0 : std::abs(v) >= 10 ? 1 : 2;
    return QLocale(QLocale::English).toString(v, 'f', decimals);
}

QString readText(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
}

void readRaw(const QString &dir, const QString &pattern, Figures &figures)
{
    const QStringList files = QDir(dir).entryList({pattern}, QDir::Files, QDir::Name);
    for (const QString &name : files) {
        for (const QString &line : readText(QDir(dir).filePath(name)).split(u'\n')) {
            const QStringList parts = line.split(u'\t');
            if (parts.size() == 2)
                figures.add(parts[0], parts[1].toDouble());
        }
    }
}

//! One group of bars of the chart: a label and its bars (DropSlot, naive, floor), log scale.
struct Group
{
    QString label, unit;
    QList<std::pair<QString, double>> bars;
};

bool drawChart(const QList<Group> &groups, const QString &subtitle, const QString &path)
{
    constexpr int width = 1000, barHeight = 22, left = 330, right = 140;
    int height = 90;
    for (const Group &g : groups)
        height += 30 + int(g.bars.size()) * (barHeight + 4);
    QImage image(width, height, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::white);
    QPainter p(&image);
    p.setRenderHint(QPainter::Antialiasing);
    QFont font = p.font();
    font.setPixelSize(16);
    font.setBold(true);
    p.setFont(font);
    p.drawText(20, 28, u"DropSlot MQTT bridge beside a naive libmosquitto forwarder (log scale)"_s);
    font.setPixelSize(12);
    font.setBold(false);
    p.setFont(font);
    p.drawText(20, 50, subtitle);
    const QColor colours[] = {QColor(0x2b, 0x7b, 0xb9), QColor(0xd7, 0x30, 0x27), QColor(0x88, 0x88, 0x88)};
    int y = 80;
    for (const Group &g : groups) {
        font.setBold(true);
        p.setFont(font);
        p.drawText(20, y + 14, g.label + u" ("_s + g.unit + u", shorter is better)"_s);
        font.setBold(false);
        p.setFont(font);
        y += 22;
        double hi = 0, lo = std::numeric_limits<double>::max();
        for (const auto &[name, v] : g.bars) {
            if (v > 0) {
                hi = std::max(hi, v);
                lo = std::min(lo, v);
            }
        }
        const double top = std::log10(hi * 1.5), bottom = std::log10(lo / 3);
        int index = 0;
        for (const auto &[name, v] : g.bars) {
            p.setPen(Qt::black);
            p.drawText(QRect(20, y, left - 30, barHeight), Qt::AlignRight | Qt::AlignVCenter, name);
            if (v > 0) {
                const int w = int((std::log10(v) - bottom) / (top - bottom) * (width - left - right));
                p.fillRect(left, y, std::max(2, w), barHeight, colours[index % 3]);
                p.drawText(left + w + 6, y + barHeight - 6, fig(v) + u' ' + g.unit);
            } else {
                p.drawText(left + 6, y + barHeight - 6, u"n/a"_s);
            }
            y += barHeight + 4;
            ++index;
        }
        y += 8;
    }
    return image.save(path, "PNG");
}

QString met(bool ok)
{
    return ok ? u"met"_s : u"**missed**"_s;
}

} // namespace

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);
    QCommandLineParser parser;
    const QCommandLineOption rawOption(u"raw"_s, u"bench_mqtt output"_s, u"dir"_s);
    const QCommandLineOption machineOption(u"machine"_s, u"machine description"_s, u"file"_s);
    const QCommandLineOption markdownOption(u"markdown"_s, u"results.md to update"_s, u"file"_s);
    const QCommandLineOption chartOption(u"chart"_s, u"PNG chart"_s, u"file"_s);
    parser.addOptions({rawOption, machineOption, markdownOption, chartOption});
    parser.process(app);

    Figures f, scale;
    readRaw(parser.value(rawOption), u"suite-*.tsv"_s, f);
    readRaw(parser.value(rawOption), u"scale-*.tsv"_s, scale);
    if (f.keys().isEmpty()) {
        qCritical("bench_mqtt_report: no results in %s", qPrintable(parser.value(rawOption)));
        return 1;
    }
    QMap<QString, QString> machine;
    for (const QString &line : readText(parser.value(machineOption)).split(u'\n')) {
        const qsizetype eq = line.indexOf(u'=');
        if (eq > 0)
            machine.insert(line.left(eq), line.mid(eq + 1));
    }
    const auto v = [&](const QString &key) { return f.value(key); };
    const int runs = f.runs(u"floor.cpu_ns_per_message"_s);

    QString md;
    QTextStream out(&md);
    out << "<!-- mqtt:begin -->\n## Across machines: the MQTT bridge through Mosquitto\n\n"
        << "Machine: " << machine.value(u"model"_s) << ", " << machine.value(u"cores"_s) << " cores, "
        << machine.value(u"kernel"_s) << "; " << machine.value(u"mosquitto"_s) << "; " << machine.value(u"date"_s)
        << ". Load average before/after: " << machine.value(u"load_before"_s) << " / "
        << machine.value(u"load_after"_s) << ". Command: `" << machine.value(u"command_line"_s)
        << "`. Figures are medians of " << runs << " run(s) of `bench_mqtt suite`.\n\n"
        << "Each publisher runs in a process of its own against a private Mosquitto on 127.0.0.1 "
        << "(no persistence); the remote importer is a bus with an importing `MqttBridge` in the "
        << "harness's process. The naive forwarder is libmosquitto's threaded client "
        << "(`mosquitto_loop_start`) and one `mosquitto_publish` per update, QoS 1, retained. "
        << "The floor is libmosquitto alone: QoS 1 publishes over 100 topics with at most 20 "
        << "unacknowledged (Mosquitto's receive maximum), and one QoS 1 message at a time from one "
        << "client to another.\n\n";

    // The burst.
    const double updates = v(u"burst.dropslot.updates"_s);
    const bool naiveConverged = v(u"burst.naive.converged"_s) == 1;
    const double dsConverge = v(u"burst.dropslot.converge_ms"_s);
    const double naiveConverge = naiveConverged ? v(u"burst.naive.converge_ms"_s)
                                                : v(u"burst.naive.converge_extrapolated_ms"_s);
    const double floorCpu = v(u"floor.cpu_ns_per_message"_s);
    out << "### " << fig(updates, 0) << " updates over " << fig(v(u"burst.dropslot.topics"_s), 0)
        << " topics, flat out\n\n"
        << "| | DropSlot bridge | naive forwarder | floor (libmosquitto) |\n|---|---:|---:|---:|\n"
        << "| publisher, ns per update | " << fig(v(u"burst.dropslot.publish_ns_per_update"_s)) << " | "
        << fig(v(u"burst.naive.publish_ns_per_update"_s)) << " | |\n"
        << "| messages on the wire (acknowledged by the broker) | " << fig(v(u"burst.dropslot.sent"_s), 0)
        << " | " << fig(v(u"burst.naive.sent"_s), 0) << (naiveConverged ? "" : " (at the cap)") << " | |\n"
        << "| messages the importer received | " << fig(v(u"burst.dropslot.received"_s), 0) << " | "
        << fig(v(u"burst.naive.received"_s), 0) << (naiveConverged ? "" : " (at the cap)") << " | |\n"
        << "| updates coalesced | " << fig(v(u"burst.dropslot.coalesced"_s), 0) << " | 0 | |\n"
        << "| sending CPU, ns per update (all threads but the publisher's) | "
        << fig(v(u"burst.dropslot.bridge_cpu_ns_per_update"_s)) << " | "
        << fig(v(u"burst.naive.bridge_cpu_ns_per_update"_s)) << " | " << fig(floorCpu) << " per message |\n"
        << "| sending CPU, ns per message sent | " << fig(v(u"burst.dropslot.bridge_cpu_ns_per_message"_s))
        << " | " << fig(v(u"burst.naive.bridge_cpu_ns_per_message"_s)) << " | " << fig(floorCpu) << " |\n"
        << "| process CPU, ns per update | " << fig(v(u"burst.dropslot.process_cpu_ns_per_update"_s)) << " | "
        << fig(v(u"burst.naive.process_cpu_ns_per_update"_s)) << " | |\n"
        << "| peak memory (VmHWM) before → after, MiB | " << fig(v(u"burst.dropslot.hwm_before_kb"_s) / 1024)
        << " → " << fig(v(u"burst.dropslot.hwm_kb"_s) / 1024) << " | "
        << fig(v(u"burst.naive.hwm_before_kb"_s) / 1024) << " → " << fig(v(u"burst.naive.hwm_kb"_s) / 1024)
        << " | |\n"
        << "| every final value at the importer, ms after the last publish | " << fig(dsConverge) << " | "
        << (naiveConverged ? fig(naiveConverge)
                           : u"> cap (%1 s); extrapolated %2 from its drain rate of %3 messages/s"_s
                                     .arg(fig(v(u"burst.naive.cap_s"_s), 0), fig(naiveConverge),
                                          fig(v(u"burst.naive.drain_per_s"_s), 0)))
        << " | |\n"
        << "| floor: QoS 1 messages/s, 20 unacknowledged | | | " << fig(v(u"floor.publish_per_s"_s), 0) << " |\n\n";

    out << "### 1,000 updates/s on one topic: publish → remote bus\n\n"
        << "| | DropSlot bridge | naive forwarder | floor (libmosquitto round trip) |\n|---|---:|---:|---:|\n"
        << "| p50, µs | " << fig(v(u"latency.dropslot.p50_us"_s)) << " | " << fig(v(u"latency.naive.p50_us"_s))
        << " | " << fig(v(u"floor.rtt_p50_us"_s)) << " |\n"
        << "| p99, µs | " << fig(v(u"latency.dropslot.p99_us"_s)) << " | " << fig(v(u"latency.naive.p99_us"_s))
        << " | " << fig(v(u"floor.rtt_p99_us"_s)) << " |\n"
        << "| max, µs | " << fig(v(u"latency.dropslot.max_us"_s)) << " | " << fig(v(u"latency.naive.max_us"_s))
        << " | |\n"
        << "| samples | " << fig(v(u"latency.dropslot.samples"_s), 0) << " | "
        << fig(v(u"latency.naive.samples"_s), 0) << " | 2,000 |\n\n";

    out << "### 100 topics × 10 Hz for 10 s, the broker killed at 4 s and started again at 5 s\n\n"
        << "| | DropSlot bridge | naive forwarder |\n|---|---:|---:|\n"
        << "| final values wrong at the importer (of 100) | " << fig(v(u"restart.dropslot.final_values_wrong"_s), 0)
        << " | " << fig(v(u"restart.naive.final_values_wrong"_s), 0) << " |\n"
        << "| recovery, ms (broker up → every topic holds a value published since) | "
        << fig(v(u"restart.dropslot.recover_ms"_s)) << " | " << fig(v(u"restart.naive.recover_ms"_s)) << " |\n"
        << "| values refused (bridge: `rejected`; naive: `mosquitto_publish` errors) | "
        << fig(v(u"restart.dropslot.publish_errors"_s), 0) << " | " << fig(v(u"restart.naive.publish_errors"_s), 0)
        << " |\n\n";

    const double convergeRatio = naiveConverge / dsConverge;
    const double growthMiB = (v(u"burst.dropslot.hwm_kb"_s) - v(u"burst.dropslot.hwm_before_kb"_s)) / 1024;
    const double latencyRatio = v(u"latency.dropslot.p99_us"_s) / v(u"latency.naive.p99_us"_s);
    const double cpuRatio = v(u"burst.dropslot.bridge_cpu_ns_per_update"_s) / floorCpu;
    out << "### Targets\n\n| target | measured | |\n|---|---:|---|\n"
        << "| burst: every final value ≥ 100× sooner than the naive forwarder | "
        << fig(convergeRatio, 0) << "×" << (naiveConverged ? "" : " (naive extrapolated)") << " | "
        << met(convergeRatio >= 100) << " |\n"
        << "| burst: flat memory (peak growth during the burst) | " << fig(growthMiB) << " MiB | "
        << met(growthMiB < 1) << " |\n"
        << "| 1,000 updates/s: p99 ≤ 1.2× the naive forwarder's | " << fig(latencyRatio) << "× | "
        << met(latencyRatio <= 1.2) << " |\n"
        << "| sending CPU per update ≤ 2× the floor's per message | " << fig(cpuRatio, 3) << "× | "
        << met(cpuRatio <= 2) << " |\n\n";

    const QStringList scaleKeys = scale.keys();
    QStringList cases;
    for (const QString &k : scaleKeys) {
        const QString name = k.section(u'.', 1, 1);
        if (!cases.contains(name))
            cases << name;
    }
    if (!cases.isEmpty()) {
        out << "### Many bridges on one Mosquitto (`bench_mqtt scale N M R S`)\n\n"
            << "N processes, each a bus of M topics exported by one bridge, every topic published at R Hz "
            << "(0: flat out) for S seconds; one subscriber to `fleet/#` (QoS 0) reads everything. "
            << "Broker CPU is the change of utime + stime in `/proc/<mosquitto pid>/stat` from the start "
            << "until the subscriber has been quiet for 300 ms, over that wall time.\n\n"
            << "| N × M at R Hz | updates | messages sent | coalesced (saved) | messages/s | subscriber got | "
               "broker CPU | broker CPU µs per message handled (in, or out to a subscriber) | bridges' CPU |\n"
            << "|---|---:|---:|---:|---:|---:|---:|---:|---:|\n";
        for (const QString &c : cases) {
            const auto s = [&](const char *what) { return scale.value(u"scale."_s + c + u'.' + QLatin1StringView(what)); };
            const double total = s("sent") + s("coalesced");
            out << "| " << fig(s("processes"), 0) << " × " << fig(s("topics"), 0) << " at "
                << (s("rate_hz") == 0 ? u"flat out"_s : fig(s("rate_hz"), 0) + u" Hz"_s) << " | "
                << fig(s("updates"), 0) << " | " << fig(s("sent"), 0) << " | " << fig(s("coalesced"), 0) << " ("
                << fig(100 * s("coalesced") / total, 1) << " %) | " << fig(s("messages_per_s"), 0) << " | "
                << fig(s("received"), 0) << " | " << fig(s("broker_cpu_percent"), 0) << " % of a core | "
                << fig(s("broker_cpu_us_per_message")) << " | " << fig(s("members_cpu_percent"), 0)
                << " % of a core |\n";
        }
        out << '\n';
    }
    out << "![MQTT bridge beside the naive forwarder](mqtt.png)\n<!-- mqtt:end -->";
    out.flush();

    // results.md: replace the section, or add it at the end.
    const QString path = parser.value(markdownOption);
    QString text = readText(path);
    const QString begin = u"<!-- mqtt:begin -->"_s, end = u"<!-- mqtt:end -->"_s;
    const qsizetype from = text.indexOf(begin);
    const qsizetype to = from < 0 ? -1 : text.indexOf(end, from);
    if (to >= 0)
        text.replace(from, to + end.size() - from, md);
    else
        text = text.trimmed() + u"\n\n"_s + md + u'\n';
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(text.toUtf8()) < 0) {
        qCritical("bench_mqtt_report: cannot write %s", qPrintable(path));
        return 1;
    }

    const QList<Group> groups{
            {u"Every final value after a burst"_s, u"ms"_s,
             {{u"DropSlot bridge"_s, dsConverge},
              {naiveConverged ? u"naive forwarder"_s : u"naive forwarder (extrapolated)"_s, naiveConverge}}},
            {u"Sending CPU per update"_s, u"ns"_s,
             {{u"DropSlot bridge"_s, v(u"burst.dropslot.bridge_cpu_ns_per_update"_s)},
              {u"naive forwarder"_s, v(u"burst.naive.bridge_cpu_ns_per_update"_s)},
              {u"floor, per message"_s, floorCpu}}},
            {u"Latency p99 at 1,000 updates/s"_s, u"µs"_s,
             {{u"DropSlot bridge"_s, v(u"latency.dropslot.p99_us"_s)},
              {u"naive forwarder"_s, v(u"latency.naive.p99_us"_s)},
              {u"floor round trip p99"_s, v(u"floor.rtt_p99_us"_s)}}},
            {u"Peak memory after the burst"_s, u"MiB"_s,
             {{u"DropSlot bridge"_s, v(u"burst.dropslot.hwm_kb"_s) / 1024},
              {u"naive forwarder"_s, v(u"burst.naive.hwm_kb"_s) / 1024}}},
    };
    const QString subtitle = machine.value(u"model"_s) + u", "_s + machine.value(u"cores"_s) + u" cores, "_s
                             + machine.value(u"date"_s) + u", Mosquitto on loopback"_s;
    if (parser.isSet(chartOption) && !drawChart(groups, subtitle, parser.value(chartOption))) {
        qCritical("bench_mqtt_report: cannot write %s", qPrintable(parser.value(chartOption)));
        return 1;
    }
    return 0;
}
