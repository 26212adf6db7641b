// SPDX-License-Identifier: MIT
// The cases that do not fit QBENCHMARK: several threads at once, memory, and delivery into a
// receiving thread. Each case measures DropSlot beside a baseline in the same run: the
// hand-written bus in naivebus.h, a Qt::QueuedConnection signal, and the bare floor (thread
// start, a contended atomic, an event-loop wake-up, a bare posted event's latency).
//
//   bench_threads                    every case
//   bench_threads --only a,b         only the named cases (contended, threads16, memory,
//                                    delivery, latency)
//   bench_threads --child ...        one measurement in a fresh process: memory, delivery,
//                                    latency and the wake-up floor run this way, so that no
//                                    earlier case raises the memory high-water mark or warms
//                                    anything up
//
// It prints one line per figure, "RESULT <case> <variant> <metric> <value>" (tab-separated),
// which benchmarks/run collects. Never asserts timings.
#include "benchcommon.h"
#include "naivebus.h"

#include <DropSlot/DropSlot>

#include <QtCore/QAbstractEventDispatcher>
#include <QtCore/QCoreApplication>
#include <QtCore/QDeadlineTimer>
#include <QtCore/QHash>
#include <QtCore/QProcess>
#include <QtCore/QTimer>

#include <atomic>
#include <cstdio>
#include <functional>
#include <thread>
#include <type_traits>
#include <vector>

using namespace std::chrono_literals;
using Bench::keep;
using Bench::nowNs;

namespace {

// ---- output -------------------------------------------------------------------------------------

void result(const char *caseName, const char *variant, const char *metric, double value)
{
    std::printf("RESULT\t%s\t%s\t%s\t%.6g\n", caseName, variant, metric, value);
    std::fflush(stdout);
}

void childValue(const char *metric, double value)
{
    std::printf("CHILD\t%s\t%.9g\n", metric, value);
    std::fflush(stdout);
}

struct ChildResult
{
    QHash<QString, double> values;
    std::vector<double> samples;
};

//! Runs this program again with args; returns the CHILD values and SAMPLES it printed.
ChildResult runChild(const QStringList &args)
{
    QProcess child;
    child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    child.start(QCoreApplication::applicationFilePath(),
                QStringList{QStringLiteral("--child")} + args);
    if (!child.waitForFinished(-1) || child.exitCode() != 0) {
        std::fprintf(stderr, "bench_threads: child %s failed\n", qPrintable(args.join(u' ')));
        return {};
    }
    ChildResult out;
    const QList<QByteArray> lines = child.readAllStandardOutput().split('\n');
    for (const QByteArray &line : lines) {
        const QList<QByteArray> fields = line.split('\t');
        if (fields.size() == 3 && fields[0] == "CHILD") {
            out.values.insert(QString::fromLatin1(fields[1]), fields[2].toDouble());
        } else if (fields.size() == 2 && fields[0] == "SAMPLES") {
            for (const QByteArray &sample : fields[1].split(' '))
                out.samples.push_back(sample.toDouble());
        }
    }
    return out;
}

// ---- contended: 2 threads x 1M publishes to one topic while a third reads ---------------------

constexpr int ContendedPublishes = 1'000'000; // per publishing thread
constexpr int ContendedRounds = 7;

enum class ReaderMode { Polls, Waits };

//! A start line for the publishing threads: each spins (without yielding) until all have
//! arrived, so they start together instead of one finishing before the other is scheduled.
class StartLine
{
public:
    explicit StartLine(int threads) : m_threads(threads) { }
    void arriveAndWait()
    {
        m_arrived.fetch_add(1, std::memory_order_acq_rel);
        while (m_arrived.load(std::memory_order_acquire) < m_threads)
            Bench::cpuRelax();
    }
    bool passed() const { return m_arrived.load(std::memory_order_acquire) >= m_threads; }

private:
    const int m_threads;
    std::atomic<int> m_arrived{0};
};

struct Rate
{
    double millionsPerSecond;
    //! CPU time of both threads over the wall time: 2 when they ran side by side throughout,
    //! 1 when they only took turns (then they hardly contended: other load had a core).
    double parallelism;
};

//! Runs work() on two threads that start together; returns operations per second, in millions
//! (2 x ContendedPublishes operations), from the first start to the last end.
template <typename Work>
Rate twoThreadRate(Work work, StartLine &start)
{
    qint64 started[2] = {0, 0};
    qint64 finished[2] = {0, 0};
    qint64 cpu[2] = {0, 0};
    auto body = [&](int index) {
        start.arriveAndWait();
        started[index] = nowNs();
        const qint64 cpuStart = Bench::threadCpuNs();
        work();
        cpu[index] = Bench::threadCpuNs() - cpuStart;
        finished[index] = nowNs();
    };
    std::thread first(body, 0);
    std::thread second(body, 1);
    first.join();
    second.join();
    const qint64 elapsed = std::max(finished[0], finished[1]) - std::min(started[0], started[1]);
    return {2.0 * ContendedPublishes / double(elapsed) * 1e3,
            double(cpu[0] + cpu[1]) / double(elapsed)};
}

//! Two threads publish ContendedPublishes values each while a third thread reads.
template <typename TopicT, typename SubT>
Rate contendedRound(const TopicT &topic, SubT &sub, ReaderMode mode)
{
    StartLine start(2);
    std::atomic<bool> done{false};
    std::thread reader([&] {
        while (!start.passed())
            std::this_thread::yield();
        while (!done.load(std::memory_order_acquire)) {
            if (mode == ReaderMode::Polls) {
                auto message = sub.tryGetMessage();
                if (!message)
                    std::this_thread::yield();
                keep(message);
            } else {
                if constexpr (std::is_same_v<SubT, DropSlot::Sub<quint64>>)
                    keep(sub.waitForMessage(QDeadlineTimer(20)));
                else
                    keep(sub.waitForMessage(20ms));
            }
        }
    });
    const Rate rate = twoThreadRate(
        [&] {
            for (int i = 0; i < ContendedPublishes; ++i)
                topic.publish(quint64(i));
        },
        start);
    done.store(true, std::memory_order_release);
    reader.join();
    return rate;
}

//! The floor: two threads exchanging one atomic word, nobody reading.
Rate contendedFloorRound()
{
    alignas(64) std::atomic<quint64> word{0};
    StartLine start(2);
    return twoThreadRate(
        [&] {
            for (int i = 0; i < ContendedPublishes; ++i)
                keep(word.exchange(quint64(i), std::memory_order_acq_rel));
        },
        start);
}

void caseContended()
{
    struct Variant
    {
        explicit Variant(const char *variantName) : name(variantName) { }
        const char *name;
        std::vector<double> rates, parallelism;
        void add(Rate rate)
        {
            rates.push_back(rate.millionsPerSecond);
            parallelism.push_back(rate.parallelism);
        }
    };
    Variant floor("floor"), oursPolls("ours reader polls"), naivePolls("naive reader polls"),
        oursWaits("ours reader waits"), naiveWaits("naive reader waits");
    for (int round = 0; round < ContendedRounds; ++round) {
        floor.add(contendedFloorRound());
        {
            DropSlot::Bus<quint64> bus;
            auto topic = bus.topic("contended");
            auto sub = topic.subscribe();
            oursPolls.add(contendedRound(topic, sub, ReaderMode::Polls));
            oursWaits.add(contendedRound(topic, sub, ReaderMode::Waits));
        }
        {
            Naive::Bus<quint64> bus;
            auto topic = bus.topic("contended");
            auto sub = topic.subscribe();
            naivePolls.add(contendedRound(topic, sub, ReaderMode::Polls));
            naiveWaits.add(contendedRound(topic, sub, ReaderMode::Waits));
        }
    }
    for (const Variant *v : {&floor, &oursPolls, &naivePolls, &oursWaits, &naiveWaits}) {
        result("contended", v->name, "Mpublishes/s", Bench::median(v->rates));
        result("contended", v->name, "parallelism", Bench::median(v->parallelism));
    }
}

// ---- 16 threads: each topic + subscribe + publish + blocking read, wall incl. thread start -----

constexpr int ThreadCount = 16;
constexpr int ThreadRounds = 60;

template <typename Body>
double threadRound(Body body)
{
    const qint64 start = nowNs();
    std::vector<std::thread> threads;
    threads.reserve(ThreadCount);
    for (int i = 0; i < ThreadCount; ++i)
        threads.emplace_back(body, i);
    for (std::thread &thread : threads)
        thread.join();
    return double(nowNs() - start) / 1e3;
}

void caseThreads16()
{
    const QStringList names = Bench::topicNames(ThreadCount, QStringLiteral("thread/"));
    const std::vector<std::string> stdNames = Bench::stdTopicNames(ThreadCount, "thread/");
    std::vector<double> floor, ours, naive;
    for (int round = 0; round < ThreadRounds; ++round) {
        // Rotate the order so no variant always runs right after another.
        for (int step = 0; step < 3; ++step) {
            switch ((round + step) % 3) {
            case 0:
                floor.push_back(threadRound([](int i) { keep(i); }));
                break;
            case 1: {
                DropSlot::Bus<quint64> bus;
                ours.push_back(threadRound([&](int i) {
                    auto topic = bus.topic(names[i]);
                    auto sub = topic.subscribe();
                    topic.publish(quint64(i));
                    keep(sub.waitForMessage(QDeadlineTimer(QDeadlineTimer::Forever)));
                }));
                break;
            }
            default: {
                Naive::Bus<quint64> bus;
                naive.push_back(threadRound([&](int i) {
                    auto topic = bus.topic(stdNames[std::size_t(i)]);
                    auto sub = topic.subscribe();
                    topic.publish(quint64(i));
                    keep(sub.waitForMessage());
                }));
                break;
            }
            }
        }
    }
    result("threads16", "floor", "us", Bench::median(floor));
    result("threads16", "ours", "us", Bench::median(ours));
    result("threads16", "naive", "us", Bench::median(naive));
}

// ---- memory: 100,000 topics, 1 subscriber and a 16-byte value each ---------------------------

struct Value16
{
    quint64 first;
    quint64 second;
};
static_assert(sizeof(Value16) == 16 && std::is_trivially_copyable_v<Value16>);

constexpr int MemoryTopics = 100'000;

//! In a fresh process: the growth of VmHWM while the topics are built, per topic. The Sub
//! handles live in a vector reserved before the baseline (its pages count as they fill).
template <typename B, typename MakeName>
int childMemory(MakeName makeName)
{
    using SubT = decltype(std::declval<B &>().subscribe(makeName(0, nullptr)));
    std::vector<SubT> subs;
    subs.reserve(MemoryTopics);
    char buffer[32];
    const qint64 before = Bench::peakResidentKiB();
    B bus;
    for (int i = 0; i < MemoryTopics; ++i) {
        auto topic = bus.topic(makeName(i, buffer));
        subs.push_back(topic.subscribe());
        topic.publish(Value16{quint64(i), quint64(i)});
    }
    const qint64 after = Bench::peakResidentKiB();
    childValue("bytesPerTopic", double(after - before) * 1024.0 / MemoryTopics);
    return 0;
}

int childMemory(const QString &variant)
{
    if (variant == u"ours") {
        return childMemory<DropSlot::Bus<Value16>>([](int i, char *buffer) {
            if (!buffer)
                return QLatin1StringView();
            return QLatin1StringView(buffer, std::snprintf(buffer, 32, "topic/%d", i));
        });
    }
    return childMemory<Naive::Bus<Value16>>([](int i, char *buffer) {
        if (!buffer)
            return std::string();
        return std::string(buffer, std::size_t(std::snprintf(buffer, 32, "topic/%d", i)));
    });
}

void caseMemory()
{
    for (const char *variant : {"ours", "naive"}) {
        const auto values =
            runChild({QStringLiteral("memory"), QString::fromLatin1(variant)}).values;
        result("memory", variant, "bytesPerTopic",
               values.value(QStringLiteral("bytesPerTopic"), -1));
    }
}

// ---- delivery into a receiving thread: DropSlot::connect vs a queued signal --------------------

} // namespace

//! What every delivery carries: a sequence number and, for the latency case, the send time.
struct Sample
{
    qint64 seq = 0;
    qint64 sentNs = 0;
};
Q_DECLARE_METATYPE(Sample)

//! The sender of the queued-signal baseline.
class Emitter : public QObject
{
    Q_OBJECT
Q_SIGNALS:
    void updated(const Sample &sample);
};

//! A bare posted event carrying a Sample: the latency floor (one allocation, postEvent, the
//! receiving thread's wake-up and dispatch), which both DropSlot and a queued signal build on.
class SampleEvent : public QEvent
{
public:
    static QEvent::Type type()
    {
        static const auto registered = QEvent::Type(QEvent::registerEventType());
        return registered;
    }
    explicit SampleEvent(const Sample &carried) : QEvent(type()), sample(carried) {}
    Sample sample;
};

//! The receiving object; lives in the main thread, which runs the event loop.
class Receiver : public QObject
{
    Q_OBJECT
public:
    qint64 last = 0;                  // the seq of the final update
    qint64 received = 0;              // slot calls
    bool recordLatency = false;
    std::vector<qint64> latenciesNs;  // per received update, when recordLatency
    qint64 workNs = 0;                // busy time per update, standing in for a UI update
    std::function<void()> onFinal;

public Q_SLOTS:
    void take(const Sample &sample)
    {
        ++received;
        if (workNs > 0) {
            const qint64 until = nowNs() + workNs;
            while (nowNs() < until)
                Bench::cpuRelax();
        }
        if (recordLatency)
            latenciesNs.push_back(nowNs() - sample.sentNs);
        if (sample.seq == last && onFinal)
            onFinal();
    }

public:
    bool event(QEvent *event) override
    {
        if (event->type() != SampleEvent::type())
            return QObject::event(event);
        take(static_cast<SampleEvent *>(event)->sample);
        return true;
    }
};

//! Counts the events dispatched in its thread and how many fall in one event-loop turn.
class EventCounter : public QObject
{
    Q_OBJECT
public:
    bool counting = false;
    qint64 events = 0;
    qint64 turns = 0;
    qint64 maxPerTurn = 0;

    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (counting) {
            ++events;
            maxPerTurn = std::max(maxPerTurn, ++m_thisTurn);
        }
        return QObject::eventFilter(watched, event);
    }

public Q_SLOTS:
    void turnEnds()
    {
        if (counting)
            ++turns;
        m_thisTurn = 0;
    }

private:
    qint64 m_thisTurn = 0;
};

//! Receives the bare posted events of the wake-up floor and counts them.
class WakeTarget : public QObject
{
    Q_OBJECT
public:
    std::atomic<qint64> handled{0};

    bool event(QEvent *event) override
    {
        if (event->type() != QEvent::User)
            return QObject::event(event);
        handled.fetch_add(1, std::memory_order_release);
        return true;
    }
};

namespace {

enum class Pacing { FlatOut, OnePerMillisecond };

//! Slot work of the "busy receiver" runs: 5 µs per update, about a label update.
constexpr qint64 BusyWorkNs = 5'000;

//! One delivery run in this (child) process. The main thread receives; a worker thread
//! publishes count updates, flat out or one per millisecond (then carrying the send time).
int childDelivery(const QString &variant, qint64 count, Pacing pacing, qint64 workNs)
{
    qRegisterMetaType<Sample>();
    Receiver receiver;
    receiver.last = count - 1;
    receiver.workNs = workNs;
    receiver.recordLatency = pacing == Pacing::OnePerMillisecond;
    if (receiver.recordLatency)
        receiver.latenciesNs.reserve(std::size_t(count));

    const bool ours = variant == u"dropslot";
    const bool bareEvents = variant == u"event";
    DropSlot::Bus<Sample> bus;
    DropSlot::Topic<Sample> topic = bus.topic("delivery");
    Emitter emitter;
    if (ours)
        DropSlot::connect(topic, &receiver, &Receiver::take, {.deliverCurrent = false});
    else if (!bareEvents)
        QObject::connect(&emitter, &Emitter::updated, &receiver, &Receiver::take,
                         Qt::QueuedConnection);

    EventCounter counter;
    QCoreApplication::instance()->installEventFilter(&counter);
    QObject::connect(QAbstractEventDispatcher::instance(), &QAbstractEventDispatcher::aboutToBlock,
                     &counter, &EventCounter::turnEnds);

    std::atomic<bool> go{false};
    qint64 publisherNs = 0;
    qint64 lastPublishNs = 0;
    std::thread publisher([&] {
        go.wait(false);
        const qint64 start = nowNs();
        qint64 next = start;
        for (qint64 i = 0; i < count; ++i) {
            Sample sample;
            sample.seq = i;
            if (pacing == Pacing::OnePerMillisecond) {
                next += 1'000'000;
                std::this_thread::sleep_for(std::chrono::nanoseconds(next - nowNs()));
                sample.sentNs = nowNs();
            }
            if (i == count - 1)
                lastPublishNs = nowNs();
            if (ours)
                topic.publish(sample);
            else if (bareEvents)
                QCoreApplication::postEvent(&receiver, new SampleEvent(sample));
            else
                Q_EMIT emitter.updated(sample);
        }
        publisherNs = nowNs() - start;
    });

    qint64 baselineKiB = 0, peakKiB = 0, cpuStart = 0, cpuEnd = 0, wallStart = 0, wallEnd = 0;
    receiver.onFinal = [&] {
        cpuEnd = Bench::threadCpuNs();
        wallEnd = nowNs();
        peakKiB = Bench::peakResidentKiB();
        counter.counting = false;
        QCoreApplication::quit();
    };
    QTimer::singleShot(0, [&] {
        baselineKiB = Bench::peakResidentKiB();
        counter.counting = true;
        cpuStart = Bench::threadCpuNs();
        wallStart = nowNs();
        go.store(true);
        go.notify_one();
    });
    QCoreApplication::exec();
    publisher.join();

    childValue("publisherMs", double(publisherNs) / 1e6);
    childValue("receiverCpuMs", double(cpuEnd - cpuStart) / 1e6);
    childValue("receiverWallMs", double(wallEnd - wallStart) / 1e6);
    childValue("peakGrowthKiB", double(peakKiB - baselineKiB));
    childValue("events", double(counter.events));
    childValue("loopTurns", double(counter.turns));
    childValue("maxEventsPerTurn", double(counter.maxPerTurn));
    childValue("slotCalls", double(receiver.received));
    // From just before the last publish to the last value's arrival: how stale the receiver is
    // when publishing stops.
    childValue("finalLagMs", double(wallEnd - lastPublishNs) / 1e6);
    if (receiver.recordLatency) {
        // The first updates pay for warming up both threads: leave them out.
        const auto skip = std::min<std::ptrdiff_t>(20, std::ptrdiff_t(receiver.latenciesNs.size()));
        std::printf("SAMPLES\t");
        for (auto it = receiver.latenciesNs.begin() + skip; it != receiver.latenciesNs.end(); ++it)
            std::printf(it == receiver.latenciesNs.begin() + skip ? "%lld" : " %lld",
                        static_cast<long long>(*it));
        std::printf("\n");
        std::fflush(stdout);
    }
    return 0;
}

//! The floor under one delivery to an idle thread: a worker posts a bare event and waits until
//! the main thread's event loop has handled it, count times; the main thread's CPU per event.
int childWakeup(qint64 count)
{
    WakeTarget target;
    std::atomic<bool> go{false};
    std::thread poster([&] {
        go.wait(false);
        for (qint64 i = 0; i < count; ++i) {
            QCoreApplication::postEvent(&target, new QEvent(QEvent::User));
            while (target.handled.load(std::memory_order_acquire) <= i)
                Bench::cpuRelax();
        }
    });
    qint64 cpuStart = 0, cpuEnd = 0;
    QTimer::singleShot(0, [&] {
        cpuStart = Bench::threadCpuNs();
        go.store(true);
        go.notify_one();
    });
    QTimer poll;
    QObject::connect(&poll, &QTimer::timeout, [&] {
        if (target.handled.load() >= count) {
            cpuEnd = Bench::threadCpuNs();
            QCoreApplication::quit();
        }
    });
    poll.start(10);
    QCoreApplication::exec();
    poster.join();
    childValue("receiverCpuUsPerEvent", double(cpuEnd - cpuStart) / 1e3 / double(count));
    return 0;
}

void caseDelivery()
{
    {
        const auto values = runChild({QStringLiteral("wakeup"), QString(), QStringLiteral("5000")})
                                .values;
        result("delivery", "floor", "receiverCpuUsPerEvent",
               values.value(QStringLiteral("receiverCpuUsPerEvent"), -1));
    }
    // An idle receiver (the slot only records), then a busy one (5 µs of work per update).
    for (const char *work : {"idle", "busy"}) {
        for (const char *variant : {"dropslot", "queued"}) {
            for (qint64 count : {100'000, 1'000'000}) {
                const QStringList args = {QStringLiteral("delivery"), QString::fromLatin1(variant),
                                          QString::number(count), QString::fromLatin1(work)};
                const auto values = runChild(args).values;
                QByteArray suffix = count == 1'000'000 ? " 1M" : " 100k";
                if (qstrcmp(work, "busy") == 0)
                    suffix += " busy";
                for (auto it = values.cbegin(); it != values.cend(); ++it) {
                    const QByteArray metric = it.key().toLatin1() + suffix;
                    result("delivery", variant, metric.constData(), it.value());
                }
            }
        }
    }
}

void caseLatency()
{
    // 2,000 updates at 1,000/s per child; the variants alternate, twice each, and the
    // percentiles come from all their samples, so load that comes and goes hits all alike.
    // "event" posts bare events: the floor under both others.
    constexpr int Updates = 2000;
    constexpr int Segments = 2;
    constexpr int Variants = 3;
    std::vector<double> samples[Variants];
    double slotCalls[Variants] = {0, 0, 0};
    const char *variants[Variants] = {"dropslot", "queued", "event"};
    for (int segment = 0; segment < Segments; ++segment) {
        for (int v = 0; v < Variants; ++v) {
            const ChildResult child = runChild({QStringLiteral("latency"),
                                                QString::fromLatin1(variants[v]),
                                                QString::number(Updates)});
            samples[v].insert(samples[v].end(), child.samples.begin(), child.samples.end());
            slotCalls[v] += child.values.value(QStringLiteral("slotCalls"), 0);
        }
    }
    for (int v = 0; v < Variants; ++v) {
        result("latency", variants[v], "p50us", Bench::percentile(samples[v], 0.50) / 1e3);
        result("latency", variants[v], "p99us", Bench::percentile(samples[v], 0.99) / 1e3);
        result("latency", variants[v], "slotCalls", slotCalls[v]);
        result("latency", variants[v], "updates", double(Updates * Segments));
    }
}

int runChildCase(const QStringList &args)
{
    const QString kind = args.value(0);
    const QString variant = args.value(1);
    if (kind == u"memory")
        return childMemory(variant);
    int argc = 1;
    char name[] = "bench_threads";
    char *argv[] = {name, nullptr};
    QCoreApplication app(argc, argv);
    const qint64 count = args.value(2).toLongLong();
    if (kind == u"delivery") {
        const qint64 work = args.value(3) == u"busy" ? BusyWorkNs : 0;
        return childDelivery(variant, count, Pacing::FlatOut, work);
    }
    if (kind == u"latency")
        return childDelivery(variant, count, Pacing::OnePerMillisecond, 0);
    if (kind == u"wakeup")
        return childWakeup(count);
    std::fprintf(stderr, "bench_threads: unknown child case %s\n", qPrintable(kind));
    return 2;
}

} // namespace

int main(int argc, char **argv)
{
    QStringList args;
    for (int i = 1; i < argc; ++i)
        args.append(QString::fromLocal8Bit(argv[i]));
    if (args.value(0) == u"--child")
        return runChildCase(args.mid(1));

    QCoreApplication app(argc, argv);
    QStringList only;
    if (args.value(0) == u"--only")
        only = args.value(1).split(u',', Qt::SkipEmptyParts);
    const auto wanted = [&](const QString &name) { return only.isEmpty() || only.contains(name); };

    const std::pair<const char *, void (*)()> cases[] = {
        {"contended", caseContended}, {"threads16", caseThreads16}, {"memory", caseMemory},
        {"delivery", caseDelivery},   {"latency", caseLatency},
    };
    for (const auto &[name, run] : cases) {
        if (wanted(QString::fromLatin1(name))) {
            std::fprintf(stderr, "bench_threads: %s\n", name);
            run();
        }
    }
    return 0;
}

#include "bench_threads.moc"
