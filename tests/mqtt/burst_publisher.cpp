// SPDX-License-Identifier: MIT
// The other process of tst_mqtt_twoprocess: its own bus, exported through a bridge, published
// to flat out. Usage: burst_publisher PORT TOPICS UPDATES. Prints "published <updates>
// <monotonic ms of the last publish>" when done, then on each line of its standard input:
// "stats" prints "stats <sent> <coalesced> <rejected>"; "quit" exits; "crash" dies at once.
#include <DropSlot/DropSlot>
#include <DropSlot/Mqtt>

#include <QtCore/QCoreApplication>
#include <QtCore/QElapsedTimer>
#include <QtCore/QSocketNotifier>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <unistd.h>

using namespace DropSlot;

// Milliseconds of CLOCK_MONOTONIC: one clock for every process on the machine.
static qint64 monotonicMs()
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (argc != 4)
        return 2;
    const int topics = std::atoi(argv[2]);
    const int updates = std::atoi(argv[3]);
    Bus<qint64> bus;
    std::vector<Topic<qint64>> handles;
    for (int t = 0; t < topics; ++t)
        handles.push_back(bus.topic(QStringLiteral("burst/%1").arg(t)));
    MqttOptions options;
    options.port = quint16(std::atoi(argv[1]));
    options.statusTopic = QStringLiteral("publisher/status");
    MqttBridge bridge(bus, options);
    bridge.exportTopics(QStringLiteral("burst/#"));

    bool done = false;
    QObject::connect(&bridge, &MqttBridge::stateChanged, &app, [&](MqttBridge::State state) {
        if (state != MqttBridge::State::Connected || std::exchange(done, true))
            return;
        // Flat out, on this thread; the bridge's own thread sends what it can meanwhile.
        const qint64 firstMs = monotonicMs();
        for (int i = 0; i < updates; ++i)
            handles[size_t(i % topics)].publish(i);
        std::printf("published %d %lld %lld\n", updates, firstMs, monotonicMs());
        std::fflush(stdout);
    });

    QSocketNotifier input(STDIN_FILENO, QSocketNotifier::Read);
    QObject::connect(&input, &QSocketNotifier::activated, &app, [&] {
        char line[64] = {};
        if (!std::fgets(line, sizeof line, stdin) || line[0] == 'q')
            return app.quit();
        if (line[0] == 'c')
            std::_Exit(9); // no clean disconnect: the broker publishes the last will
        const auto s = bridge.stats();
        std::printf("stats %llu %llu %llu\n", s.sent, s.coalesced, s.rejected);
        std::fflush(stdout);
    });
    bridge.start();
    return app.exec();
}
