// SPDX-License-Identifier: MIT
// The MQTT bridge through a real Mosquitto on loopback, beside the naive forwarder and
// libmosquitto's own floor. Every publisher runs in a process of its own (its CPU time and peak
// memory are its own); this process starts the broker, the publishers and the remote importer
// (a bus with an importing MqttBridge) and prints "key<TAB>value" lines for bench_mqtt_report.
//
//   bench_mqtt suite [--updates N] [--cap-seconds S]   floor, burst, latency, broker restart
//   bench_mqtt scale N M R SECONDS                       N bridge processes x M topics at R Hz
//                                                        (R = 0: flat out) on one broker
//
// The other forms (floor, burst, steady, member) are the child processes.
#include "testbroker.h"
#include "mqttbenchcommon.h"
#include "naiveforwarder.h"

#include <DropSlot/DropSlot>
#include <DropSlot/Mqtt>

#include <QtCore/QCoreApplication>
#include <QtCore/QSocketNotifier>

#include <condition_variable>
#include <cstdio>
#include <memory>
#include <mutex>

using namespace DropSlot;
using namespace MqttBench;

namespace {

void out(const QByteArray &key, double value)
{
    std::printf("%s\t%.10g\n", key.constData(), value);
    std::fflush(stdout);
}

void say(const QByteArray &line)
{
    std::printf("%s\n", line.constData());
    std::fflush(stdout);
}

QByteArray topicName(const QByteArray &prefix, int t)
{
    return prefix + '/' + QByteArray::number(t);
}

//! Answers the orchestrator's lines on standard input: "report" calls report(), "quit" exits.
class Commands
{
public:
    template <typename F>
    Commands(QCoreApplication &app, F report) : m_input(STDIN_FILENO, QSocketNotifier::Read)
    {
        QObject::connect(&m_input, &QSocketNotifier::activated, &app, [&app, report, this] {
            char line[64] = {};
            if (!std::fgets(line, sizeof line, stdin) || line[0] == 'q') {
                m_input.setEnabled(false);
                return app.quit();
            }
            report(QByteArray(line).trimmed());
        });
    }

private:
    QSocketNotifier m_input;
};

MqttOptions bridgeOptions(quint16 port)
{
    MqttOptions options;
    options.port = port;
    return options;
}

// ---- child: libmosquitto's own floor -------------------------------------------------------

struct FloorClient
{
    mosquitto *mosq = nullptr;
    std::mutex mutex;
    std::condition_variable changed;
    int inFlight = 0;
    bool connected = false, subscribed = false;
    qint64 received = -1;
};

int runFloor(quint16 port)
{
    mosquitto_lib_init();
    FloorClient pub, sub;
    for (FloorClient *c : {&pub, &sub}) {
        c->mosq = mosquitto_new(nullptr, true, c);
        mosquitto_connect_callback_set(c->mosq, [](mosquitto *, void *self, int) {
            auto *fc = static_cast<FloorClient *>(self);
            std::lock_guard lock(fc->mutex);
            fc->connected = true;
            fc->changed.notify_all();
        });
        mosquitto_publish_callback_set(c->mosq, [](mosquitto *, void *self, int) {
            auto *fc = static_cast<FloorClient *>(self);
            std::lock_guard lock(fc->mutex);
            --fc->inFlight;
            fc->changed.notify_all();
        });
        mosquitto_subscribe_callback_set(c->mosq, [](mosquitto *, void *self, int, int, const int *) {
            auto *fc = static_cast<FloorClient *>(self);
            std::lock_guard lock(fc->mutex);
            fc->subscribed = true;
            fc->changed.notify_all();
        });
        mosquitto_message_callback_set(c->mosq, [](mosquitto *, void *self, const mosquitto_message *m) {
            auto *fc = static_cast<FloorClient *>(self);
            std::lock_guard lock(fc->mutex);
            fc->received = QByteArray(static_cast<const char *>(m->payload), m->payloadlen).toLongLong();
            fc->changed.notify_all();
        });
        mosquitto_connect(c->mosq, "127.0.0.1", port, 30);
        mosquitto_loop_start(c->mosq);
        std::unique_lock lock(c->mutex);
        c->changed.wait(lock, [c] { return c->connected; });
    }

    // Throughput: QoS 1 over 100 topics with at most 20 unacknowledged (Mosquitto's receive
    // maximum): what the client library and the broker sustain without a queue.
    constexpr int messages = 100000, window = 20;
    std::vector<QByteArray> topics;
    for (int t = 0; t < 100; ++t)
        topics.push_back(topicName("floor", t));
    const qint64 cpu0 = selfCpuNs(), t0 = nowNs();
    for (int i = 0; i < messages; ++i) {
        {
            std::unique_lock lock(pub.mutex);
            pub.changed.wait(lock, [&] { return pub.inFlight < window; });
            ++pub.inFlight;
        }
        const QByteArray payload = QByteArray::number(i);
        mosquitto_publish(pub.mosq, nullptr, topics[size_t(i % 100)].constData(), int(payload.size()),
                          payload.constData(), 1, true);
    }
    {
        std::unique_lock lock(pub.mutex);
        pub.changed.wait(lock, [&] { return pub.inFlight == 0; });
    }
    const qint64 wall = nowNs() - t0, cpu = selfCpuNs() - cpu0;

    // Round trip: one QoS 1 message from one client through the broker to another, one at a time.
    mosquitto_subscribe(sub.mosq, nullptr, "floor/rtt", 1);
    {
        std::unique_lock lock(sub.mutex);
        sub.changed.wait(lock, [&] { return sub.subscribed; });
    }
    std::vector<qint64> rtts;
    for (int i = 0; i < 2200; ++i) {
        const QByteArray payload = QByteArray::number(i);
        const qint64 start = nowNs();
        mosquitto_publish(pub.mosq, nullptr, "floor/rtt", int(payload.size()), payload.constData(), 1, false);
        std::unique_lock lock(sub.mutex);
        sub.changed.wait(lock, [&] { return sub.received == i; });
        if (i >= 200) // the first ones warm up
            rtts.push_back(nowNs() - start);
    }
    say("floor " + QByteArray::number(double(messages) * 1e9 / double(wall), 'f', 0) + ' '
        + QByteArray::number(cpu / messages) + ' ' + QByteArray::number(percentile(rtts, 50)) + ' '
        + QByteArray::number(percentile(rtts, 99)));
    for (FloorClient *c : {&pub, &sub}) {
        mosquitto_disconnect(c->mosq);
        mosquitto_loop_stop(c->mosq, true);
        mosquitto_destroy(c->mosq);
    }
    mosquitto_lib_cleanup();
    return 0;
}

// ---- a publishing child's side --------------------------------------------------------

//! Topics prefix/0 .. prefix/(count - 1), published through a bridge that exports them or,
//! naive, through the forwarder (then the bus stays empty). Members in destruction order.
struct Publisher
{
    Publisher(bool naive, quint16 port, const QByteArray &prefix, int topicCount)
    {
        for (int t = 0; t < topicCount; ++t)
            names.push_back(topicName(prefix, t));
        if (naive) {
            forwarder = std::make_unique<NaiveForwarder>(port);
            return;
        }
        for (const QByteArray &name : names)
            topics.push_back(bus.topic(QString::fromLatin1(name)));
        bridge = std::make_unique<MqttBridge>(bus, bridgeOptions(port));
        bridge->exportTopics(QString::fromLatin1(prefix + "/#"));
        bridge->start();
    }

    bool waitConnected() const
    {
        return spinUntil([this] {
            return forwarder ? forwarder->isConnected() : bridge->state() == MqttBridge::State::Connected;
        }, 10000);
    }

    std::vector<QByteArray> names;
    Bus<qint64> bus;
    std::vector<Topic<qint64>> topics;          // empty for the naive variant
    std::unique_ptr<MqttBridge> bridge;         // null for the naive variant
    std::unique_ptr<NaiveForwarder> forwarder;  // null for the bridge
};

// ---- child: a flat-out burst ------------------------------------------------------------

int runBurst(QCoreApplication &app, bool naive, quint16 port, int topicCount, int updates)
{
    // Both variants prepare their topics first; only the publishing loop differs.
    Publisher pub(naive, port, "burst", topicCount);
    if (!pub.waitConnected())
        return 3;
    const std::vector<QByteArray> &names = pub.names;
    std::vector<Topic<qint64>> &topics = pub.topics;
    NaiveForwarder *const forwarder = pub.forwarder.get();
    MqttBridge *const bridge = pub.bridge.get();
    const qint64 hwmBefore = statusKb("VmHWM");
    const qint64 first = nowNs();
    if (naive) {
        for (int i = 0; i < updates; ++i)
            forwarder->publish(names[size_t(i % topicCount)], QByteArray::number(i));
    } else {
        for (int i = 0; i < updates; ++i)
            topics[size_t(i % topicCount)].publish(i);
    }
    const qint64 last = nowNs();
    say("published " + QByteArray::number(first) + ' ' + QByteArray::number(last));

    Commands commands(app, [&](const QByteArray &) {
        quint64 sent = 0, coalesced = 0;
        if (naive) {
            sent = forwarder->acknowledged();
        } else {
            const auto s = bridge->stats();
            sent = s.sent;
            coalesced = s.coalesced;
        }
        say("report " + QByteArray::number(selfCpuNs()) + ' ' + QByteArray::number(threadCpuNs()) + ' '
            + QByteArray::number(hwmBefore) + ' ' + QByteArray::number(statusKb("VmHWM")) + ' '
            + QByteArray::number(sent) + ' ' + QByteArray::number(coalesced));
    });
    return app.exec();
}

// ---- child: steady publishing at a rate ---------------------------------------------------

int runSteady(QCoreApplication &app, bool naive, quint16 port, const QByteArray &prefix, int topicCount,
              int rateHz, int seconds)
{
    Publisher pub(naive, port, prefix, topicCount);
    if (!pub.waitConnected())
        return 3;
    const std::vector<QByteArray> &names = pub.names;
    std::vector<Topic<qint64>> &topics = pub.topics;
    NaiveForwarder *const forwarder = pub.forwarder.get();
    MqttBridge *const bridge = pub.bridge.get();

    // Each tick publishes the tick's monotonic time to every topic: the receiver's latency and the
    // final value in one number.
    const int ticks = rateHz * seconds;
    const qint64 periodNs = 1000000000LL / rateHz, start = nowNs();
    int tick = 0;
    qint64 value = 0;
    say("started " + QByteArray::number(start));
    QTimer timer;
    timer.setTimerType(Qt::PreciseTimer);
    QObject::connect(&timer, &QTimer::timeout, &app, [&] {
        // Catch up by the clock, not by timer events, so the rate holds when a tick is late.
        while (tick < ticks && nowNs() >= start + tick * periodNs) {
            value = nowNs();
            const QByteArray payload = QByteArray::number(value);
            for (int t = 0; t < topicCount; ++t) {
                if (naive)
                    forwarder->publish(names[size_t(t)], payload);
                else
                    topics[size_t(t)].publish(value);
            }
            ++tick;
        }
        if (tick == ticks) {
            timer.stop();
            say("final " + QByteArray::number(value) + ' '
                + QByteArray::number(naive ? forwarder->errors() : bridge->stats().rejected));
        }
    });
    timer.start(std::max(1, 1000 / rateHz / 2));
    Commands commands(app, [](const QByteArray &) {});
    return app.exec();
}

// ---- child: one member of a fleet of bridges ---------------------------------------------

int runMember(QCoreApplication &app, quint16 port, int index, int topicCount, int rateHz, int seconds)
{
    Bus<qint64> bus;
    std::vector<Topic<qint64>> topics;
    const QString prefix = QStringLiteral("fleet/%1").arg(index);
    for (int t = 0; t < topicCount; ++t)
        topics.push_back(bus.topic(QStringLiteral("%1/%2").arg(prefix).arg(t)));
    MqttOptions options = bridgeOptions(port);
    options.clientId = QStringLiteral("fleet-member-%1").arg(index);
    MqttBridge bridge(bus, options);
    bridge.exportTopics(prefix + QStringLiteral("/#"));
    bridge.start();
    if (!spinUntil([&] { return bridge.state() == MqttBridge::State::Connected; }, 30000))
        return 3;
    say("ready");

    qint64 updates = 0;
    QTimer timer;
    timer.setTimerType(Qt::PreciseTimer);
    qint64 start = 0, tick = 0;
    const qint64 endOffset = qint64(seconds) * 1000000000;
    Commands commands(app, [&](const QByteArray &line) {
        if (line == "go") {
            start = nowNs();
            if (rateHz > 0)
                return timer.start(std::max(1, 1000 / rateHz / 2));
            // Flat out on this thread; the bridge's thread sends what it can meanwhile.
            for (qint64 i = 0;; ++i) {
                topics[size_t(i % topicCount)].publish(i);
                ++updates;
                if ((i & 1023) == 0 && nowNs() - start >= endOffset)
                    break;
            }
            return say("done " + QByteArray::number(updates));
        }
        const auto s = bridge.stats();
        say("stats " + QByteArray::number(s.sent) + ' ' + QByteArray::number(s.coalesced) + ' '
            + QByteArray::number(selfCpuNs()));
    });
    QObject::connect(&timer, &QTimer::timeout, &app, [&] {
        const qint64 periodNs = 1000000000LL / rateHz;
        while (nowNs() - start >= tick * periodNs && tick * periodNs < endOffset) {
            for (auto &topic : topics)
                topic.publish(tick);
            updates += topicCount;
            ++tick;
        }
        if (tick * periodNs >= endOffset) {
            timer.stop();
            say("done " + QByteArray::number(updates));
        }
    });
    return app.exec();
}

// ---- the orchestrator ---------------------------------------------------------------------

struct Child
{
    explicit Child(const QStringList &args)
    {
        process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        process.start(QCoreApplication::applicationFilePath(), args);
        process.waitForStarted();
    }
    ~Child()
    {
        if (process.state() != QProcess::NotRunning) {
            process.write("quit\n");
            if (!process.waitForFinished(5000)) {
                process.kill();
                process.waitForFinished(5000);
            }
        }
    }
    QList<QByteArray> line(int timeoutMs = 30000) { return readLine(process, timeoutMs).split(' '); }
    QProcess process;
};

//! The remote side: a bus of its own and an importing bridge, in this process.
struct Importer
{
    Importer(quint16 port, const QString &filter) : bridge(bus, bridgeOptions(port))
    {
        bridge.importTopics(filter);
        bridge.start();
    }
    bool waitConnected() { return spinUntil([&] { return bridge.state() == MqttBridge::State::Connected; }, 10000); }
    qint64 value(const QString &name) const
    {
        const auto topic = bus.findTopic(name);
        return topic ? topic->latest().value_or(-1) : -1;
    }
    Bus<qint64> bus;
    MqttBridge bridge;
};

const char *variantName(bool naive)
{
    return naive ? "naive" : "dropslot";
}

QByteArray key(const char *scenario, bool naive, const char *what)
{
    return QByteArray(scenario) + '.' + variantName(naive) + '.' + what;
}

void runFloorRow()
{
    TestBroker broker;
    if (!broker.start())
        return (void)std::fprintf(stderr, "bench_mqtt: %s\n", qPrintable(broker.lastError()));
    Child floor({QStringLiteral("floor"), QString::number(broker.port())});
    const QList<QByteArray> f = floor.line(120000);
    if (f.size() != 5 || f[0] != "floor")
        return (void)std::fprintf(stderr, "bench_mqtt: the floor run failed\n");
    out("floor.publish_per_s", f[1].toDouble());
    out("floor.cpu_ns_per_message", f[2].toDouble());
    out("floor.rtt_p50_us", f[3].toDouble() / 1000);
    out("floor.rtt_p99_us", f[4].toDouble() / 1000);
}

void runBurstRow(bool naive, int topicCount, int updates, int capSeconds)
{
    TestBroker broker;
    if (!broker.start())
        return (void)std::fprintf(stderr, "bench_mqtt: %s\n", qPrintable(broker.lastError()));
    Importer importer(broker.port(), QStringLiteral("burst/#"));
    if (!importer.waitConnected())
        return (void)std::fprintf(stderr, "bench_mqtt: the importer did not connect\n");
    std::vector<QString> names;
    for (int t = 0; t < topicCount; ++t)
        names.push_back(QStringLiteral("burst/%1").arg(t));
    const auto holdsFinalValues = [&] {
        for (int t = 0; t < topicCount; ++t) {
            if (importer.value(names[size_t(t)]) != updates - topicCount + t)
                return false;
        }
        return true;
    };

    std::fprintf(stderr, "bench_mqtt: burst, %s\n", variantName(naive));
    Child publisher({QStringLiteral("burst"), QLatin1StringView(variantName(naive)), QString::number(broker.port()),
                     QString::number(topicCount), QString::number(updates)});
    const QList<QByteArray> published = publisher.line(300000);
    if (published.size() != 3 || published[0] != "published")
        return (void)std::fprintf(stderr, "bench_mqtt: the burst publisher failed\n");
    const qint64 first = published[1].toLongLong(), last = published[2].toLongLong();
    const quint64 receivedAtLast = importer.bridge.stats().received;
    const bool converged = spinUntil(holdsFinalValues, capSeconds * 1000);
    const qint64 convergedAt = nowNs();
    const quint64 received = importer.bridge.stats().received;

    publisher.process.write("report\n");
    const QList<QByteArray> report = publisher.line();
    if (report.size() != 7 || report[0] != "report")
        return (void)std::fprintf(stderr, "bench_mqtt: no report from the burst publisher\n");
    const double processCpu = report[1].toDouble(), mainCpu = report[2].toDouble();
    out(key("burst", naive, "updates"), updates);
    out(key("burst", naive, "topics"), topicCount);
    out(key("burst", naive, "publish_ns_per_update"), double(last - first) / updates);
    out(key("burst", naive, "sent"), report[5].toDouble());
    out(key("burst", naive, "coalesced"), report[6].toDouble());
    out(key("burst", naive, "received"), double(received));
    out(key("burst", naive, "process_cpu_ns_per_update"), processCpu / updates);
    // Everything but the publishing thread: the bridge's thread, or libmosquitto's loop thread.
    out(key("burst", naive, "bridge_cpu_ns_per_update"), (processCpu - mainCpu) / updates);
    out(key("burst", naive, "bridge_cpu_ns_per_message"),
        (processCpu - mainCpu) / std::max(1.0, report[5].toDouble()));
    out(key("burst", naive, "hwm_before_kb"), report[3].toDouble());
    out(key("burst", naive, "hwm_kb"), report[4].toDouble());
    out(key("burst", naive, "converged"), converged ? 1 : 0);
    if (converged) {
        out(key("burst", naive, "converge_ms"), double(convergedAt - last) / 1e6);
    } else {
        // The cap: the drain rate since the last publish, extrapolated to the remaining messages.
        const double seconds = double(convergedAt - last) / 1e9;
        const double rate = double(received - receivedAtLast) / seconds;
        out(key("burst", naive, "cap_s"), capSeconds);
        out(key("burst", naive, "drain_per_s"), rate);
        if (rate > 0)
            out(key("burst", naive, "converge_extrapolated_ms"),
                (seconds + double(quint64(updates) - std::min<quint64>(received, updates)) / rate) * 1000);
    }
    out(key("burst", naive, "total_ms"), double(convergedAt - first) / 1e6);
    publisher.process.kill(); // the naive forwarder's queue may still hold messages: no goodbye
    publisher.process.waitForFinished(10000);
}

void runLatencyRow(bool naive, int seconds)
{
    TestBroker broker;
    if (!broker.start())
        return (void)std::fprintf(stderr, "bench_mqtt: %s\n", qPrintable(broker.lastError()));
    Importer importer(broker.port(), QStringLiteral("lat/#"));
    if (!importer.waitConnected())
        return;
    std::vector<qint64> latencies;
    latencies.reserve(size_t(seconds) * 1000);
    qint64 measureFrom = std::numeric_limits<qint64>::max();
    const Connection arrivals = DropSlot::connect(importer.bus.topic(u"lat/0"), qApp, [&](qint64 sentAt) {
        if (sentAt >= measureFrom)
            latencies.push_back(nowNs() - sentAt);
    }, ConnectOptions{false, 0});

    std::fprintf(stderr, "bench_mqtt: 1000 updates/s, %s\n", variantName(naive));
    Child publisher({QStringLiteral("steady"), QLatin1StringView(variantName(naive)), QString::number(broker.port()),
                     QStringLiteral("lat"), QStringLiteral("1"), QStringLiteral("1000"), QString::number(seconds)});
    const QList<QByteArray> started = publisher.line();
    if (started.value(0) != "started")
        return (void)std::fprintf(stderr, "bench_mqtt: the steady publisher failed\n");
    measureFrom = started[1].toLongLong() + 500000000; // the first half second warms up
    const QList<QByteArray> final = publisher.line(seconds * 1000 + 30000);
    spinUntil([&] { return importer.value(QStringLiteral("lat/0")) == final.value(1).toLongLong(); }, 5000);
    out(key("latency", naive, "samples"), double(latencies.size()));
    out(key("latency", naive, "p50_us"), double(percentile(latencies, 50)) / 1000);
    out(key("latency", naive, "p99_us"), double(percentile(latencies, 99)) / 1000);
    out(key("latency", naive, "max_us"), double(percentile(latencies, 100)) / 1000);
}

void runRestartRow(bool naive)
{
    constexpr int topicCount = 100, rateHz = 10, seconds = 10;
    TestBroker broker;
    if (!broker.start())
        return (void)std::fprintf(stderr, "bench_mqtt: %s\n", qPrintable(broker.lastError()));
    Importer importer(broker.port(), QStringLiteral("rs/#"));
    if (!importer.waitConnected())
        return;
    std::vector<QString> names;
    for (int t = 0; t < topicCount; ++t)
        names.push_back(QStringLiteral("rs/%1").arg(t));

    std::fprintf(stderr, "bench_mqtt: broker restart, %s\n", variantName(naive));
    Child publisher({QStringLiteral("steady"), QLatin1StringView(variantName(naive)), QString::number(broker.port()),
                     QStringLiteral("rs"), QString::number(topicCount), QString::number(rateHz),
                     QString::number(seconds)});
    const QList<QByteArray> started = publisher.line();
    if (started.value(0) != "started")
        return (void)std::fprintf(stderr, "bench_mqtt: the steady publisher failed\n");
    const qint64 start = started[1].toLongLong();
    // Down at 4 s, up again at 5 s (the broker keeps nothing: no persistence, retained values gone).
    spinUntil([&] { return nowNs() - start >= 4000000000LL; }, 10000);
    broker.kill();
    spinUntil([&] { return nowNs() - start >= 5000000000LL; }, 10000);
    if (!broker.start())
        return (void)std::fprintf(stderr, "bench_mqtt: %s\n", qPrintable(broker.lastError()));
    const qint64 up = nowNs();
    // Recovered: every topic holds a value published after the broker came back.
    std::vector<qint64> recoveredAt(topicCount, 0);
    const auto recovered = [&] {
        bool all = true;
        for (int t = 0; t < topicCount; ++t) {
            if (recoveredAt[size_t(t)] == 0 && importer.value(names[size_t(t)]) >= up)
                recoveredAt[size_t(t)] = nowNs();
            all = all && recoveredAt[size_t(t)] != 0;
        }
        return all;
    };
    const bool allRecovered = spinUntil(recovered, 20000);
    const QList<QByteArray> final = publisher.line(seconds * 1000 + 30000);
    const qint64 finalValue = final.value(1).toLongLong();
    const auto finalValuesHeld = [&] {
        return std::all_of(names.begin(), names.end(), [&](const QString &n) { return importer.value(n) == finalValue; });
    };
    spinUntil(finalValuesHeld, 15000);
    const auto wrong = std::count_if(names.begin(), names.end(),
                                     [&](const QString &n) { return importer.value(n) != finalValue; });
    out(key("restart", naive, "topics"), topicCount);
    out(key("restart", naive, "final_values_wrong"), double(wrong));
    out(key("restart", naive, "recovered"), allRecovered ? 1 : 0);
    if (allRecovered)
        out(key("restart", naive, "recover_ms"), double(*std::max_element(recoveredAt.begin(), recoveredAt.end()) - up) / 1e6);
    out(key("restart", naive, "publish_errors"), final.value(2).toDouble());
}

int runSuite(const QStringList &args)
{
    int updates = 1000000, capSeconds = 120;
    for (qsizetype i = 0; i + 1 < args.size(); ++i) {
        if (args[i] == QLatin1StringView("--updates"))
            updates = args[i + 1].toInt();
        else if (args[i] == QLatin1StringView("--cap-seconds"))
            capSeconds = args[i + 1].toInt();
    }
    std::fprintf(stderr, "bench_mqtt: floor\n");
    runFloorRow();
    for (bool naive : {false, true})
        runBurstRow(naive, 100, updates, capSeconds);
    for (bool naive : {false, true})
        runLatencyRow(naive, 10);
    for (bool naive : {false, true})
        runRestartRow(naive);
    return 0;
}

struct Subscriber
{
    explicit Subscriber(quint16 port)
    {
        mosquitto_lib_init();
        mosq = mosquitto_new(nullptr, true, this);
        mosquitto_message_callback_set(mosq, [](mosquitto *, void *self, const mosquitto_message *) {
            static_cast<Subscriber *>(self)->received.fetch_add(1, std::memory_order_relaxed);
        });
        mosquitto_connect_callback_set(mosq, [](mosquitto *m, void *, int) {
            mosquitto_subscribe(m, nullptr, "fleet/#", 0);
        });
        mosquitto_connect(mosq, "127.0.0.1", port, 30);
        mosquitto_loop_start(mosq);
    }
    ~Subscriber()
    {
        mosquitto_disconnect(mosq);
        mosquitto_loop_stop(mosq, true);
        mosquitto_destroy(mosq);
        mosquitto_lib_cleanup();
    }
    mosquitto *mosq = nullptr;
    std::atomic<quint64> received{0};
};

int runScale(int processes, int topicCount, int rateHz, int seconds)
{
    TestBroker broker;
    if (!broker.start()) {
        std::fprintf(stderr, "bench_mqtt: %s\n", qPrintable(broker.lastError()));
        return 1;
    }
    Subscriber subscriber(broker.port());
    std::vector<std::unique_ptr<Child>> members;
    for (int i = 0; i < processes; ++i)
        members.push_back(std::make_unique<Child>(QStringList{
                QStringLiteral("member"), QString::number(broker.port()), QString::number(i),
                QString::number(topicCount), QString::number(rateHz), QString::number(seconds)}));
    for (auto &m : members) {
        if (m->line(60000).value(0) != "ready") {
            std::fprintf(stderr, "bench_mqtt: a fleet member did not connect\n");
            return 1;
        }
    }
    const quint64 received0 = subscriber.received.load();
    const qint64 brokerCpu0 = MqttBench::processCpuNs(broker.pid()), t0 = nowNs();
    for (auto &m : members)
        m->process.write("go\n");
    qint64 updates = 0;
    for (auto &m : members)
        updates += m->line(seconds * 1000 + 60000).value(1).toLongLong();
    // Then until the subscriber has had nothing new for 300 ms: the last values have arrived.
    quint64 seen = subscriber.received.load();
    qint64 quietSince = nowNs();
    spinUntil([&] {
        const quint64 now = subscriber.received.load();
        if (now != seen) {
            seen = now;
            quietSince = nowNs();
        }
        return nowNs() - quietSince > 300000000;
    }, 30000);
    const qint64 wallNs = quietSince - t0, brokerCpu = MqttBench::processCpuNs(broker.pid()) - brokerCpu0;
    quint64 sent = 0, coalesced = 0;
    double memberCpu = 0;
    for (auto &m : members) {
        m->process.write("stats\n");
        const QList<QByteArray> s = m->line();
        sent += s.value(1).toULongLong();
        coalesced += s.value(2).toULongLong();
        memberCpu += s.value(3).toDouble();
    }
    const QByteArray row = "scale." + QByteArray::number(processes) + 'x' + QByteArray::number(topicCount) + '@'
                           + QByteArray::number(rateHz) + '.';
    out(row + "processes", processes);
    out(row + "topics", topicCount);
    out(row + "rate_hz", rateHz);
    out(row + "seconds", double(wallNs) / 1e9);
    out(row + "updates", double(updates));
    out(row + "sent", double(sent));
    out(row + "coalesced", double(coalesced));
    out(row + "received", double(seen - received0));
    out(row + "messages_per_s", double(sent) * 1e9 / double(wallNs));
    out(row + "broker_cpu_percent", 100.0 * double(brokerCpu) / double(wallNs));
    out(row + "broker_cpu_us_per_message", double(brokerCpu) / 1000 / double(std::max<quint64>(1, sent + seen - received0)));
    out(row + "members_cpu_percent", 100.0 * memberCpu / double(wallNs));
    return 0;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments().mid(1);
    const QString role = args.value(0, QStringLiteral("suite"));
    const auto arg = [&](int i) { return args.value(i).toInt(); };
    const bool naive = args.value(1) == QLatin1StringView("naive");
    if (role == QLatin1StringView("suite"))
        return runSuite(args.mid(1));
    if (role == QLatin1StringView("scale") && args.size() == 5)
        return runScale(arg(1), arg(2), arg(3), arg(4));
    if (role == QLatin1StringView("floor"))
        return runFloor(quint16(arg(1)));
    if (role == QLatin1StringView("burst"))
        return runBurst(app, naive, quint16(arg(2)), arg(3), arg(4));
    if (role == QLatin1StringView("steady"))
        return runSteady(app, naive, quint16(arg(2)), args.value(3).toLatin1(), arg(4), arg(5), arg(6));
    if (role == QLatin1StringView("member"))
        return runMember(app, quint16(arg(1)), arg(2), arg(3), arg(4), arg(5));
    std::fprintf(stderr, "usage: bench_mqtt suite [--updates N] [--cap-seconds S] | scale N M R SECONDS\n");
    return 2;
}
