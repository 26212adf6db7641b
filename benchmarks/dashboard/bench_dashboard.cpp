// SPDX-License-Identifier: MIT
// The dashboard benchmark: one QML screen of sensor tiles (a Repeater of 224 by default) fed by
// two worker threads, either through DropSlot (a DropSlotTopic per tile on a typed Bus<double>)
// or the way Qt applications are usually written (a signal per reading, Qt::QueuedConnection
// into a QAbstractListModel that emits dataChanged for the row), flat out or at a paced rate.
//
//   bench_dashboard --feed dropslot|queued --rate max|N [--warmup s] [--window s]
//                   [--drain-cap s] [--memory-cap MiB] [--tiles N] [--workers N]
//
// After the warm-up it measures over a fixed window: frames/s, the worst and p99 interval
// between frames, GUI thread CPU (and how much of it drawing took), updates published and
// applied per second, and the lateness of
// a 16 ms GUI timer (a stand-in for input handling). Then it stops the publishers and measures
// the backlog left, the time from the last publish to the first frame whose tiles all show
// their final values (read back from every tile on the GUI thread right after each frame), and
// the peak memory growth since publishing started.
//
// A conductor thread keeps the clock, so a GUI thread buried in queued events cannot stretch
// the run: publishing stops at the end of the window, or earlier once resident memory has grown
// by --memory-cap, and the final frame is waited for at most --drain-cap seconds. A run that
// did not drain reports how long it waited and exits without unwinding the queue.
//
// Renders offscreen with the software Qt Quick backend unless QT_QPA_PLATFORM or
// QT_QUICK_BACKEND say otherwise. Prints "RESULT dashboard <feed> <rate> <metric> <value>"
// lines (tab-separated, as bench_threads does) on stdout and a summary on stderr. Never asserts
// a figure.
#include "benchcommon.h"
#include "feedworker.h"
#include "sensorlistmodel.h"

#include <DropSlot/dropslotbus.h>
#include <DropSlot/dropslottopic.h>

#include <QtCore/QCommandLineParser>
#include <QtCore/QThread>
#include <QtCore/QTimer>
#include <QtGui/QGuiApplication>
#include <QtQml/QQmlApplicationEngine>
#include <QtQuick/QQuickItem>
#include <QtQuick/QQuickWindow>

#include <pthread.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using Bench::nowNs;

namespace {

constexpr std::chrono::milliseconds TimerInterval{16};
constexpr qint64 TimerIntervalNs = std::chrono::nanoseconds(TimerInterval).count();
constexpr auto PollInterval = 10ms;

// ---- the process and the machine ----------------------------------------------------------------

//! A "Vm...:" line of /proc/self/status in KiB, or -1. Read with stdio: no Qt allocation.
qint64 statusKiB(const char *key)
{
    std::FILE *file = std::fopen("/proc/self/status", "r");
    if (!file)
        return -1;
    const std::size_t length = std::strlen(key);
    char line[256];
    qint64 kib = -1;
    while (std::fgets(line, sizeof line, file)) {
        if (std::strncmp(line, key, length) == 0 && line[length] == ':') {
            kib = std::strtoll(line + length + 1, nullptr, 10);
            break;
        }
    }
    std::fclose(file);
    return kib;
}

//! CPU time in seconds: the whole machine's busy and stolen time, and this process's.
struct CpuTimes
{
    double busy = 0;
    double steal = 0;
    double own = 0;
};

CpuTimes cpuTimes()
{
    CpuTimes t;
    const double tick = double(sysconf(_SC_CLK_TCK));
    if (std::FILE *file = std::fopen("/proc/stat", "r")) {
        unsigned long long user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0,
                           softirq = 0, steal = 0;
        if (std::fscanf(file, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &user, &nice,
                        &system, &idle, &iowait, &irq, &softirq, &steal)
            == 8) {
            t.busy = double(user + nice + system + irq + softirq) / tick;
            t.steal = double(steal) / tick;
        }
        std::fclose(file);
    }
    if (std::FILE *file = std::fopen("/proc/self/stat", "r")) {
        char buffer[1024];
        const std::size_t n = std::fread(buffer, 1, sizeof buffer - 1, file);
        buffer[n] = 0;
        // Fields after the command name (which may hold spaces): state is field 3, utime 14.
        if (const char *p = std::strrchr(buffer, ')')) {
            unsigned long long utime = 0, stime = 0;
            if (std::sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
                            &utime, &stime)
                == 2)
                t.own = double(utime + stime) / tick;
        }
        std::fclose(file);
    }
    return t;
}

double threadCpuSeconds(clockid_t clock)
{
    timespec ts{};
    clock_gettime(clock, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

// ---- figures ------------------------------------------------------------------------------------

struct Gaps
{
    double worstMs = 0;
    double p99Ms = 0;
};

//! The gaps between consecutive events (sorted times) that end within [from, to], counting from
//! the last event before from, plus the gap still open at to: a stall that outlasts the window
//! counts for as long as it was seen. less is subtracted from each gap (for timer lateness).
Gaps gapsWithin(const std::vector<qint64> &times, qint64 from, qint64 to, qint64 less = 0)
{
    const auto first = std::lower_bound(times.begin(), times.end(), from);
    const auto end = std::upper_bound(times.begin(), times.end(), to);
    qint64 previous = first == times.begin() ? from : *(first - 1);
    std::vector<double> gaps;
    for (auto it = first; it != end; ++it) {
        gaps.push_back(double(*it - previous - less) / 1e6);
        previous = *it;
    }
    gaps.push_back(double(to - previous - less) / 1e6);
    for (double &gap : gaps)
        gap = std::max(gap, 0.0);
    return {*std::max_element(gaps.begin(), gaps.end()), Bench::percentile(gaps, 0.99)};
}

qsizetype countWithin(const std::vector<qint64> &times, qint64 from, qint64 to)
{
    return std::upper_bound(times.begin(), times.end(), to)
        - std::lower_bound(times.begin(), times.end(), from);
}

// ---- the harness --------------------------------------------------------------------------------

struct Options
{
    bool dropSlot = true;
    double rate = 0; // updates/s of all workers together; 0: flat out
    QString rateName;
    double warmupS = 2;
    double windowS = 6;
    double drainCapS = 60;
    double memoryCapMiB = 1536;
    int tiles = 224;
    int workers = 2;
    QString screenshot; // where to save the final frame; empty: nowhere
};

//! The GUI thread's CPU spent drawing: from beforeSynchronizing (the scene graph takes the
//! items' state) through rendering to frameSwapped. The rest of the thread's CPU went to
//! applying updates (bindings, text layout), polishing and other events.
class DrawCpuClock
{
public:
    explicit DrawCpuClock(QQuickWindow *window, clockid_t guiClock) : m_guiClock(guiClock)
    {
        // Direct: the software render loop synchronizes on the GUI thread.
        m_connection = QObject::connect(
            window, &QQuickWindow::beforeSynchronizing, window,
            [this] { m_startSeconds = threadCpuSeconds(m_guiClock); }, Qt::DirectConnection);
    }
    ~DrawCpuClock() { QObject::disconnect(m_connection); }
    DrawCpuClock(const DrawCpuClock &) = delete;
    DrawCpuClock &operator=(const DrawCpuClock &) = delete;
    //! Called on frameSwapped.
    void frameEnded()
    {
        if (m_startSeconds >= 0)
            m_totalNs.fetch_add(qint64((threadCpuSeconds(m_guiClock) - m_startSeconds) * 1e9),
                                std::memory_order_relaxed);
        m_startSeconds = -1;
    }
    //! Any thread: the CPU seconds of every frame drawn so far.
    double totalSeconds() const { return double(m_totalNs.load(std::memory_order_relaxed)) / 1e9; }

private:
    const clockid_t m_guiClock;
    QMetaObject::Connection m_connection;
    double m_startSeconds = -1; // GUI thread only
    std::atomic<qint64> m_totalNs{0};
};

struct Tile
{
    QQuickItem *item = nullptr;
    DropSlot::DropSlotTopic *topic = nullptr; // the DropSlot feed's
};

class Harness
{
public:
    //! initial: the reading each tile shows before publishing starts.
    Harness(const Options &options, QQuickWindow *window, std::vector<Tile> tiles,
            const DropSlot::Bus<double> &bus, const QStringList &names, SensorListModel *model,
            std::vector<double> initial)
        : m_options(options), m_window(window), m_tiles(std::move(tiles)), m_bus(bus),
          m_names(names), m_model(model), m_appliedVersions(m_tiles.size())
    {
        m_state.finalValues = std::move(initial);
        pthread_getcpuclockid(pthread_self(), &m_guiClock);
        m_drawCpu = std::make_unique<DrawCpuClock>(window, m_guiClock);
        QObject::connect(window, &QQuickWindow::frameSwapped, window, [this] { onFrame(); });
        m_timer.setTimerType(Qt::PreciseTimer);
        m_timer.setInterval(TimerInterval);
        QObject::connect(&m_timer, &QTimer::timeout, &m_timer, [this] { record(m_ticks); });
        for (std::size_t i = 0; i < m_tiles.size(); ++i) {
            DropSlot::DropSlotTopic *topic = m_tiles[i].topic;
            if (!topic)
                continue;
            const auto applied = [this, i, topic] {
                m_appliedVersions[i].store(quint64(topic->version()), std::memory_order_relaxed);
                m_applied.store(m_applied.load(std::memory_order_relaxed) + 1,
                                std::memory_order_relaxed);
            };
            QObject::connect(topic, &DropSlot::DropSlotTopic::valueChanged, topic, applied);
        }
        for (int w = 0; w < options.workers; ++w) {
            auto worker = std::make_unique<FeedWorker>(w, options.workers, options.rate, &m_state);
            auto thread = std::make_unique<QThread>();
            thread->setObjectName(u"feed worker "_s + QString::number(w));
            if (m_model) {
                // The baseline as it is usually written: a queued signal per reading.
                QObject::connect(worker.get(), &FeedWorker::reading, m_model,
                                 &SensorListModel::setReading, Qt::QueuedConnection);
            } else {
                std::vector<DropSlot::Topic<double>> topics;
                for (const QString &name : names)
                    topics.push_back(bus.topic(name));
                worker->setTopics(std::move(topics));
            }
            worker->moveToThread(thread.get());
            QObject::connect(thread.get(), &QThread::started, worker.get(), &FeedWorker::run);
            m_workers.push_back(std::move(worker));
            m_threads.push_back(std::move(thread));
        }
    }

    ~Harness()
    {
        if (m_conductor.joinable())
            m_conductor.join();
        stopWorkers();
    }

private:
    //! Every frame: its time; once publishing is over, whether it shows every final value.
    void onFrame()
    {
        const qint64 now = nowNs();
        m_drawCpu->frameEnded();
        record(m_frames);
        if (!m_started) {
            // The scene has rendered its first frame: start publishing.
            m_started = true;
            QTimer::singleShot(0, m_window, [this] { start(); });
            return;
        }
        if (m_verified || !m_finished.load(std::memory_order_acquire))
            return;
        for (std::size_t i = 0; i < m_tiles.size(); ++i) {
            const QQuickItem *item = m_tiles[i].item;
            if (!item->property("hasValue").toBool()
                || item->property("value").toDouble() != m_state.finalValues[i])
                return;
        }
        m_verified = true;
        m_verifiedNs.store(now, std::memory_order_release);
    }

    void record(std::vector<qint64> &times)
    {
        const qint64 now = nowNs();
        const std::lock_guard lock(m_recordMutex);
        times.push_back(now);
    }

    void start()
    {
        m_rssStartKiB = statusKiB("VmRSS");
        m_hwmStartKiB = statusKiB("VmHWM");
        m_timer.start();
        for (const auto &thread : m_threads)
            thread->start();
        m_conductor = std::thread([this] { conduct(); });
    }

    void stopWorkers()
    {
        m_state.stop.store(true, std::memory_order_relaxed);
        for (const auto &thread : m_threads) {
            thread->quit();
            thread->wait();
        }
    }

    quint64 applied() const
    {
        return m_model ? m_model->applied() : m_applied.load(std::memory_order_relaxed);
    }

    //! Sleeps one poll interval, following resident memory; true once it grew past the cap.
    bool pollMemory()
    {
        std::this_thread::sleep_for(PollInterval);
        const qint64 rss = statusKiB("VmRSS");
        m_rssPeakKiB = std::max(m_rssPeakKiB, rss);
        m_rssWindowPeakKiB = std::max(m_rssWindowPeakKiB, rss);
        return double(m_rssPeakKiB - m_rssStartKiB) / 1024 > m_options.memoryCapMiB;
    }

    //! The conductor thread: warm-up, window, stop, drain, report.
    void conduct()
    {
        m_rssPeakKiB = m_rssStartKiB;
        const qint64 publishStart = nowNs();
        bool capped = false;
        while (!capped && nowNs() - publishStart < qint64(m_options.warmupS * 1e9))
            capped = pollMemory();

        const qint64 t0 = nowNs();
        // Memory also counted from here on, without the warm-up.
        const qint64 rss0 = statusKiB("VmRSS");
        const qint64 hwm0 = statusKiB("VmHWM");
        m_rssWindowPeakKiB = rss0;
        const quint64 published0 = m_state.published.load(std::memory_order_relaxed);
        const quint64 applied0 = applied();
        const double gui0 = threadCpuSeconds(m_guiClock);
        const double draw0 = m_drawCpu->totalSeconds();
        const CpuTimes cpu0 = cpuTimes();
        while (!capped && nowNs() - t0 < qint64(m_options.windowS * 1e9))
            capped = pollMemory();
        const qint64 t1 = nowNs();
        const quint64 published1 = m_state.published.load(std::memory_order_relaxed);
        const quint64 applied1 = applied();
        const double gui1 = threadCpuSeconds(m_guiClock);
        const double draw1 = m_drawCpu->totalSeconds();
        const CpuTimes cpu1 = cpuTimes();

        stopWorkers();
        qint64 lastPublish = 0;
        for (const auto &worker : m_workers)
            lastPublish = std::max(lastPublish, worker->lastPublishNs());
        const quint64 publishedTotal = m_state.published.load(std::memory_order_relaxed);
        // Updates still waiting to reach a tile: every queued reading not yet applied; with
        // DropSlot, the tiles whose newest value is not shown yet (one each at most).
        double backlog = 0;
        if (m_model) {
            backlog = double(publishedTotal - m_model->applied());
        } else {
            for (std::size_t i = 0; i < m_tiles.size(); ++i) {
                if (m_appliedVersions[i].load(std::memory_order_relaxed)
                    < m_bus.topic(m_names[qsizetype(i)]).version())
                    ++backlog;
            }
        }
        m_finished.store(true, std::memory_order_release);
        // A frame after this point checks the tiles, even if nothing changes any more.
        QMetaObject::invokeMethod(m_window, [window = m_window] { window->update(); },
                                  Qt::QueuedConnection);

        qint64 verified = 0;
        while (!(verified = m_verifiedNs.load(std::memory_order_acquire))
               && nowNs() - lastPublish < qint64(m_options.drainCapS * 1e9))
            pollMemory();
        const qint64 drainEnd = nowNs();
        const qint64 hwmEnd = statusKiB("VmHWM");
        // Between polls the high-water mark catches what sampling missed, if it rose at all.
        const qint64 peak =
            hwmEnd > m_hwmStartKiB ? std::max(m_rssPeakKiB, hwmEnd) : m_rssPeakKiB;
        const qint64 windowPeak =
            hwmEnd > hwm0 ? std::max(m_rssWindowPeakKiB, hwmEnd) : m_rssWindowPeakKiB;

        std::vector<qint64> frames, ticks;
        {
            const std::lock_guard lock(m_recordMutex);
            frames = m_frames;
            ticks = m_ticks;
        }
        const double window = double(t1 - t0) / 1e9;
        const Gaps frameGaps = gapsWithin(frames, t0, t1);
        const Gaps timerGaps = gapsWithin(ticks, t0, t1, TimerIntervalNs);

        const QByteArray variant = (m_options.dropSlot ? u"dropslot "_s : u"queued "_s).toLatin1()
            + m_options.rateName.toLatin1();
        const auto result = [&](const char *metric, double value) {
            std::printf("RESULT\tdashboard\t%s\t%s\t%.6g\n", variant.constData(), metric, value);
        };
        result("tiles", double(m_tiles.size()));
        result("workers", m_options.workers);
        result("warmupSeconds", m_options.warmupS);
        result("windowSeconds", window);
        result("drainCapSeconds", m_options.drainCapS);
        result("framesPerSecond", double(countWithin(frames, t0, t1)) / window);
        result("frameIntervalWorstMs", frameGaps.worstMs);
        result("frameIntervalP99Ms", frameGaps.p99Ms);
        result("timerLatenessWorstMs", timerGaps.worstMs);
        result("timerLatenessP99Ms", timerGaps.p99Ms);
        result("guiCpuPercent", 100 * (gui1 - gui0) / window);
        result("drawCpuPercent", 100 * (draw1 - draw0) / window);
        result("publishedPerSecond", double(published1 - published0) / window);
        result("appliedPerSecond", double(applied1 - applied0) / window);
        result("published", double(publishedTotal));
        result("backlogAtStop", backlog);
        result("memoryGrowthMiB", double(peak - m_rssStartKiB) / 1024);
        result("memoryGrowthAfterWarmupMiB", double(windowPeak - rss0) / 1024);
        result("memoryCapped", capped ? 1 : 0);
        result("drained", verified ? 1 : 0);
        if (verified)
            result("lagMs", double(verified - lastPublish) / 1e6);
        else
            result("lagAtLeastMs", double(drainEnd - lastPublish) / 1e6);
        // Both clocks tick in 1/CLK_TCK s: a quiet machine can come out a tick below zero.
        result("otherCpus",
               std::max(0.0, (cpu1.busy - cpu0.busy) - (cpu1.own - cpu0.own)) / window);
        result("stealCpus", (cpu1.steal - cpu0.steal) / window);
        result("ownCpus", (cpu1.own - cpu0.own) / window);
        std::fflush(stdout);
        std::fprintf(stderr,
                     "bench_dashboard: %s: %.1f frames/s, worst frame interval %.0f ms, timer "
                     "late by up to %.0f ms, %.0f published/s, %.0f applied/s, backlog %.0f, "
                     "memory +%.1f MiB%s, %s %.1f ms\n",
                     variant.constData(), double(countWithin(frames, t0, t1)) / window,
                     frameGaps.worstMs, timerGaps.worstMs,
                     double(published1 - published0) / window,
                     double(applied1 - applied0) / window, backlog,
                     double(peak - m_rssStartKiB) / 1024, capped ? " (capped)" : "",
                     verified ? "lag" : "not drained after",
                     double((verified ? verified : drainEnd) - lastPublish) / 1e6);
        if (!verified) {
            // The GUI thread is still working through the queue and would finish it (and free
            // every queued event) before it could quit: the figures are out, end here.
            std::fflush(stderr);
            std::_Exit(0);
        }
        QMetaObject::invokeMethod(
            m_window,
            [window = m_window, path = m_options.screenshot] {
                if (!path.isEmpty() && !window->grabWindow().save(path))
                    std::fprintf(stderr, "bench_dashboard: could not write %s\n", qPrintable(path));
                QCoreApplication::quit();
            },
            Qt::QueuedConnection);
    }

    const Options m_options;
    QQuickWindow *const m_window;
    const std::vector<Tile> m_tiles;
    const DropSlot::Bus<double> m_bus;
    const QStringList m_names;
    SensorListModel *const m_model; // the queued feed's; null for DropSlot

    FeedState m_state;
    std::vector<std::unique_ptr<FeedWorker>> m_workers;
    std::vector<std::unique_ptr<QThread>> m_threads;
    std::thread m_conductor;

    // Written by the GUI thread, read by the conductor.
    std::vector<std::atomic<quint64>> m_appliedVersions;
    std::atomic<quint64> m_applied{0};
    std::mutex m_recordMutex;
    std::vector<qint64> m_frames;
    std::vector<qint64> m_ticks;
    std::atomic<bool> m_finished{false};
    std::atomic<qint64> m_verifiedNs{0};

    // GUI thread only.
    QTimer m_timer;
    bool m_started = false;
    bool m_verified = false;

    std::unique_ptr<DrawCpuClock> m_drawCpu;

    // Set before the conductor starts, then the conductor's.
    clockid_t m_guiClock{};
    qint64 m_rssStartKiB = 0;
    qint64 m_hwmStartKiB = 0;
    qint64 m_rssPeakKiB = 0;
    qint64 m_rssWindowPeakKiB = 0;
};

//! The tiles: items of the scene named "benchTile", in sensor order.
void collectTiles(QQuickItem *item, std::vector<Tile> *tiles)
{
    if (item->objectName() == u"benchTile"_s) {
        const auto index = std::size_t(item->property("index").toInt());
        if (index < tiles->size()) {
            (*tiles)[index].item = item;
            (*tiles)[index].topic = qobject_cast<DropSlot::DropSlotTopic *>(
                item->property("topic").value<QObject *>());
        }
    }
    const auto children = item->childItems();
    for (QQuickItem *child : children)
        collectTiles(child, tiles);
}

} // namespace

int main(int argc, char **argv)
{
    if (!qEnvironmentVariableIsSet("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    if (!qEnvironmentVariableIsSet("QT_QUICK_BACKEND"))
        qputenv("QT_QUICK_BACKEND", "software");
    QGuiApplication app(argc, argv);

    QCommandLineParser cli;
    cli.setApplicationDescription(u"A QML dashboard fed by DropSlot or by queued signals"_s);
    cli.addHelpOption();
    cli.addOptions({{u"feed"_s, u"dropslot or queued."_s, u"feed"_s, u"dropslot"_s},
                    {u"rate"_s, u"Updates/s of all workers, or max."_s, u"rate"_s, u"max"_s},
                    {u"warmup"_s, u"Seconds before the window."_s, u"s"_s, u"2"_s},
                    {u"window"_s, u"Seconds measured."_s, u"s"_s, u"6"_s},
                    {u"drain-cap"_s, u"Most seconds to wait for the final frame."_s, u"s"_s,
                     u"60"_s},
                    {u"memory-cap"_s, u"Stop publishing past this growth (MiB)."_s, u"MiB"_s,
                     u"1536"_s},
                    {u"tiles"_s, u"Sensors (tiles)."_s, u"n"_s, u"224"_s},
                    {u"workers"_s, u"Publishing threads."_s, u"n"_s, u"2"_s},
                    {u"screenshot"_s, u"Save the final frame to this image file."_s, u"file"_s}});
    cli.process(app);

    Options options;
    const QString feed = cli.value(u"feed"_s);
    if (feed != u"dropslot"_s && feed != u"queued"_s)
        cli.showHelp(2);
    options.dropSlot = feed == u"dropslot"_s;
    options.rateName = cli.value(u"rate"_s);
    if (options.rateName != u"max"_s) {
        bool ok = false;
        options.rate = options.rateName.toDouble(&ok);
        if (!ok || options.rate <= 0)
            cli.showHelp(2);
    }
    options.warmupS = std::max(0.0, cli.value(u"warmup"_s).toDouble());
    options.windowS = std::max(0.1, cli.value(u"window"_s).toDouble());
    options.drainCapS = std::max(0.1, cli.value(u"drain-cap"_s).toDouble());
    options.memoryCapMiB = std::max(1.0, cli.value(u"memory-cap"_s).toDouble());
    options.tiles = std::clamp(cli.value(u"tiles"_s).toInt(), 1, 4096);
    options.workers = std::clamp(cli.value(u"workers"_s).toInt(), 1, 64);
    options.screenshot = cli.value(u"screenshot"_s);

    QStringList names;
    static const char *const kinds[] = {"temp", "flow", "pres", "load"};
    for (int i = 0; i < options.tiles; ++i) {
        names.append(u"plant/line%1/%2%3"_s.arg(i / 16 + 1, 2, 10, QChar(u'0'))
                         .arg(QLatin1StringView(kinds[i % 4]))
                         .arg(i % 16 / 4 + 1));
    }
    DropSlot::Bus<double> bus(options.tiles);
    DropSlot::DropSlotBus sensorBus(bus);
    std::unique_ptr<SensorListModel> model;
    if (!options.dropSlot)
        model = std::make_unique<SensorListModel>(names);
    // Every tile shows a reading from the first frame on, so that what the scene needs for
    // readings (glyphs, text layouts) is in place before memory is counted.
    std::vector<double> initial;
    for (int i = 0; i < options.tiles; ++i) {
        initial.push_back(FeedWorker::readingOf(i, 0));
        if (model)
            model->setReading(i, initial.back());
        else
            bus.topic(names[i]).publish(initial.back());
    }

    QQmlApplicationEngine engine;
#ifdef DROPSLOT_QML_BUILD_DIR
    engine.addImportPath(QStringLiteral(DROPSLOT_QML_BUILD_DIR)); // running from the build tree
#endif
    engine.setInitialProperties({{u"feed"_s, feed},
                                 {u"sensorNames"_s, names},
                                 {u"sensorBus"_s, QVariant::fromValue(&sensorBus)},
                                 {u"sensorModel"_s, QVariant::fromValue<QObject *>(model.get())}});
    engine.load(QUrl(u"qrc:/DashboardBench/Scene.qml"_s));
    auto *window = engine.rootObjects().isEmpty()
        ? nullptr
        : qobject_cast<QQuickWindow *>(engine.rootObjects().first());
    if (!window) {
        std::fprintf(stderr, "bench_dashboard: the scene did not load\n");
        return 1;
    }
    std::vector<Tile> tiles(std::size_t(options.tiles));
    collectTiles(window->contentItem(), &tiles);
    const bool complete = std::all_of(tiles.begin(), tiles.end(), [&](const Tile &t) {
        return t.item && (t.topic || !options.dropSlot);
    });
    if (!complete) {
        std::fprintf(stderr, "bench_dashboard: the scene does not have %d tiles\n", options.tiles);
        return 1;
    }

    Harness harness(options, window, std::move(tiles), bus, names, model.get(),
                    std::move(initial));
    window->update(); // the first frame starts the run
    return app.exec();
}
