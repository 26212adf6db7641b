// SPDX-License-Identifier: MIT
// The sensor farm: the dashboard's sensors in a headless process of their own, published flat
// out into its bus and exported to an MQTT broker, where `dashboard --mqtt` imports them.
//
//   sensorfarm [--mqtt HOST:PORT] [--prefix P] [--sensors N] [--workers N] [--seconds N]
// Topics go to the broker under the prefix (default "sensorfarm/"); "<prefix>farm/status" holds
// "online" while the farm is connected and "offline" once it stops or dies (the last will). It
// runs until --seconds pass, SIGINT or SIGTERM, then disconnects cleanly and prints its figures.
#include "../dashboard/sensorfarm.h"
#include "farmlink.h"

#include <DropSlot/DropSlot>
#include <DropSlot/Mqtt>

#include <QtCore/QCommandLineParser>
#include <QtCore/QCoreApplication>
#include <QtCore/QElapsedTimer>
#include <QtCore/QLocale>
#include <QtCore/QMetaEnum>
#include <QtCore/QTimer>

#include <csignal>
#include <cstdio>

using namespace Qt::StringLiterals;

namespace {

volatile std::sig_atomic_t stopRequested = 0;

void requestStop(int)
{
    stopRequested = 1;
}

QString withSeparators(double v)
{
    return QLocale(QLocale::English).toString(qRound64(v));
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser cli;
    cli.addHelpOption();
    cli.addOptions({{u"mqtt"_s, u"The MQTT broker."_s, u"host:port"_s, u"127.0.0.1:1883"_s},
                    {u"prefix"_s, u"Prefix of the farm's topics on the broker."_s, u"prefix"_s, FarmLink::defaultPrefix()},
                    {u"sensors"_s, u"Number of sensors."_s, u"n"_s, u"224"_s},
                    // One thread publishing flat out leaves the other cores to the broker and the bridge.
                    {u"workers"_s, u"Publishing threads."_s, u"n"_s, u"1"_s},
                    {u"seconds"_s, u"Stop after this long (default: run until SIGINT or SIGTERM)."_s, u"n"_s}});
    cli.process(app);
    DropSlot::MqttOptions options;
    if (!FarmLink::parseHostPort(cli.value(u"mqtt"_s), &options.host, &options.port)) {
        std::fprintf(stderr, "sensorfarm: --mqtt wants host:port, not %s\n", qPrintable(cli.value(u"mqtt"_s)));
        return 2;
    }
    options.remotePrefix = cli.value(u"prefix"_s);
    options.statusTopic = FarmLink::statusTopic();

    SensorFarm farm(std::clamp(cli.value(u"sensors"_s).toInt(), 1, 4096), std::max(1, cli.value(u"workers"_s).toInt()));
    DropSlot::Bus<double> bus = farm.bus();
    DropSlot::MqttBridge bridge(bus, options);
    bridge.exportTopics(FarmLink::sensorFilter());
    bridge.exportTopics(FarmLink::publishesTopic());
    bridge.exportTopics(FarmLink::pongTopic());
    bridge.importTopics(FarmLink::pingTopic());

    // Each ping a dashboard sends comes back as it is: the dashboard times the round trip.
    DropSlot::Topic<double> pong = bus.topic(FarmLink::pongTopic());
    DropSlot::connect(bus.topic(FarmLink::pingTopic()), &app, [pong](const double &stamp) mutable {
        pong.publish(stamp);
    }, {.deliverCurrent = false});
    DropSlot::Topic<double> publishes = bus.topic(FarmLink::publishesTopic());
    QTimer counter;
    QObject::connect(&counter, &QTimer::timeout, &app, [&] { publishes.publish(double(farm.publishes())); });
    counter.start(250);

    QObject::connect(&bridge, &DropSlot::MqttBridge::stateChanged, &app, [&](DropSlot::MqttBridge::State state) {
        std::printf("sensorfarm: %s %s:%u, topics under \"%s\"\n",
                    QMetaEnum::fromType<DropSlot::MqttBridge::State>().valueToKey(int(state)),
                    qPrintable(options.host), unsigned(options.port), qPrintable(options.remotePrefix));
        std::fflush(stdout);
    });
    QObject::connect(&bridge, &DropSlot::MqttBridge::errorOccurred, &app, [](const QString &message) {
        std::fprintf(stderr, "sensorfarm: %s\n", qPrintable(message));
    });

    std::signal(SIGINT, requestStop);
    std::signal(SIGTERM, requestStop);
    QTimer stopWatch; // a signal handler may only set a flag: the event loop looks at it
    QObject::connect(&stopWatch, &QTimer::timeout, &app, [] {
        if (stopRequested)
            QCoreApplication::quit();
    });
    stopWatch.start(100);
    if (cli.isSet(u"seconds"_s))
        QTimer::singleShot(cli.value(u"seconds"_s).toInt() * 1000, &app, &QCoreApplication::quit);

    QElapsedTimer running;
    running.start();
    bridge.start();
    const int code = app.exec();

    farm.stop();
    bridge.stop(); // "offline" on the status topic, then a clean disconnect
    const double seconds = std::max<qint64>(1, running.elapsed()) / 1000.0;
    const DropSlot::MqttBridge::Stats stats = bridge.stats();
    std::printf("sensorfarm: %lld sensors, %.1f s: %s publishes/s into its bus, %s messages/s to the broker "
                "(%s values replaced before they were sent)\n",
                static_cast<long long>(farm.topicNames().size()), seconds, qPrintable(withSeparators(farm.publishes() / seconds)),
                qPrintable(withSeparators(stats.sent / seconds)), qPrintable(withSeparators(double(stats.coalesced))));
    return code;
}
