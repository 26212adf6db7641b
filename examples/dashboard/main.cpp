// SPDX-License-Identifier: MIT
// The DropSlot dashboard: a few hundred sensor tiles in Qt Quick, fed by worker threads that
// publish as fast as they can. Each tile changes at most once per frame.
//
//   dashboard [--sensors N] [--workers N] [--offscreen] [--seconds N] [--screenshot file.png]
//             [--report file.json] [--mqtt HOST:PORT [--prefix P]]
// Without a display (or with --offscreen) it renders with the software backend. With --seconds
// it runs that long, stops the sensors, waits until every tile shows its sensor's final reading,
// saves a screenshot, prints the figures (and writes them, with every tile, to --report).
// With --mqtt the sensors are not run here: they come from a sensor farm (examples/sensorfarm)
// through that broker, and the header also shows the link (see mqttfeed.h).
#include "dashboardstats.h"
#include "sensorfarm.h"
#ifdef DASHBOARD_WITH_MQTT
#include "mqttfeed.h"
#include "../sensorfarm/farmlink.h"
#endif

#include <DropSlot/dropslotbus.h>
#include <DropSlot/dropslottopic.h>

#include <QtCore/QCommandLineParser>
#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtGui/QGuiApplication>
#include <QtGui/QImage>
#include <QtQml/QQmlApplicationEngine>
#include <QtQuick/QQuickItem>
#include <QtQuick/QQuickWindow>

#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <utility>

using namespace Qt::StringLiterals;

namespace {

struct TileView
{
    QQuickItem *tile;
    DropSlot::DropSlotTopic *topic;
};

// The tiles: items of the visual tree that expose a DropSlotTopic as "topic".
void collectTiles(QQuickItem *item, QList<TileView> *tiles)
{
    if (auto *topic = qobject_cast<DropSlot::DropSlotTopic *>(item->property("topic").value<QObject *>()))
        tiles->append({item, topic});
    const auto children = item->childItems();
    for (QQuickItem *child : children)
        collectTiles(child, tiles);
}

// Keeps the list of tiles, and counts each new value a tile shows as a delivery. Tiles of topics
// imported over MQTT appear while the dashboard runs, so it looks again now and then.
void trackTiles(QQuickWindow *window, DashboardStats *stats, QList<TileView> *tiles)
{
    QList<TileView> now;
    collectTiles(window->contentItem(), &now);
    for (const TileView &t : std::as_const(now)) {
        const bool known = std::any_of(tiles->cbegin(), tiles->cend(), [&](const TileView &o) { return o.topic == t.topic; });
        if (!known)
            QObject::connect(t.topic, &DropSlot::DropSlotTopic::valueChanged, stats, &DashboardStats::countDelivery);
    }
    *tiles = now;
}

// Runs the event loop until every tile shows its topic's final version (or the deadline).
bool settle(const QList<TileView> &tiles, const DropSlot::Bus<double> &bus, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    auto settled = [&] {
        for (const TileView &t : tiles) {
            if (t.topic->version() != double(bus.topic(t.topic->name()).version()))
                return false;
        }
        return true;
    };
    while (!settled()) {
        if (deadline.hasExpired())
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    }
    // One more frame so the screenshot shows what the properties say.
    QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    return true;
}

QString withSeparators(double v)
{
    return QLocale(QLocale::English).toString(qRound64(v));
}

[[maybe_unused]] QString milliseconds(double ms)
{
    return ms < 0 ? u"–"_s : u"%1 ms"_s.arg(ms, 0, 'f', 1);
}

} // namespace

int main(int argc, char **argv)
{
    bool offscreen = qEnvironmentVariable("QT_QPA_PLATFORM") == u"offscreen"_s;
    for (int i = 1; i < argc; ++i)
        offscreen |= std::strcmp(argv[i], "--offscreen") == 0;
    if (!qEnvironmentVariableIsSet("QT_QPA_PLATFORM") && !qEnvironmentVariableIsSet("DISPLAY")
        && !qEnvironmentVariableIsSet("WAYLAND_DISPLAY"))
        offscreen = true; // a headless machine
    if (offscreen) {
        qputenv("QT_QPA_PLATFORM", "offscreen");
        if (!qEnvironmentVariableIsSet("QT_QUICK_BACKEND"))
            qputenv("QT_QUICK_BACKEND", "software");
    }
    QGuiApplication app(argc, argv);
    QCommandLineParser cli;
    cli.addHelpOption();
    cli.addOptions({{u"sensors"_s, u"Number of sensors (tiles)."_s, u"n"_s, u"224"_s},
                    {u"workers"_s, u"Publishing threads."_s, u"n"_s, u"2"_s},
                    {u"offscreen"_s, u"Render without a display (software backend)."_s},
                    {u"seconds"_s, u"Run this long, then report and exit."_s, u"n"_s},
                    {u"screenshot"_s, u"Where --seconds saves the screenshot."_s, u"file"_s, u"dashboard.png"_s},
                    {u"report"_s, u"Also write the figures and every tile as JSON here."_s, u"file"_s}});
#ifdef DASHBOARD_WITH_MQTT
    cli.addOptions({{u"mqtt"_s, u"Import the sensors from a sensor farm through this MQTT broker."_s, u"host:port"_s},
                    {u"prefix"_s, u"The sensor farm's topic prefix on the broker."_s, u"prefix"_s, FarmLink::defaultPrefix()}});
#endif
    cli.process(app);
    const int seconds = cli.isSet(u"seconds"_s) ? cli.value(u"seconds"_s).toInt() : (offscreen ? 5 : 0);
    const int sensors = std::clamp(cli.value(u"sensors"_s).toInt(), 1, 4096);

    // The sensors: worker threads of this process, or (--mqtt) a sensor farm's, imported.
    std::optional<SensorFarm> farm;
    DropSlot::Bus<double> bus(sensors);
#ifdef DASHBOARD_WITH_MQTT
    std::unique_ptr<MqttFeed> feed;
    if (cli.isSet(u"mqtt"_s)) {
        DropSlot::MqttOptions options;
        if (!FarmLink::parseHostPort(cli.value(u"mqtt"_s), &options.host, &options.port)) {
            std::fprintf(stderr, "dashboard: --mqtt wants host:port, not %s\n", qPrintable(cli.value(u"mqtt"_s)));
            return 2;
        }
        options.remotePrefix = cli.value(u"prefix"_s);
        feed = std::make_unique<MqttFeed>(bus, options);
    }
#else
    const std::unique_ptr<QObject> feed;
#endif
    if (!feed) {
        farm.emplace(sensors, std::max(1, cli.value(u"workers"_s).toInt()));
        bus = farm->bus();
    }
    DropSlot::DropSlotBus sensorBus(bus); // a typed Bus<double>, shown to QML as is
#ifdef DASHBOARD_WITH_MQTT
    DashboardStats stats([&farm, &feed] { return farm ? farm->publishes() : feed->farmPublishes(); });
    if (feed) {
        // Printed as they happen, so that a person (or a test) watching sees the farm come and go.
        auto printLink = [&feed, printed = QString()]() mutable {
            const QString now = u"link %1, sensor farm %2"_s.arg(feed->state(), feed->farmStatus());
            if (now != std::exchange(printed, now)) {
                std::printf("dashboard: %s\n", qPrintable(now));
                std::fflush(stdout);
            }
        };
        QObject::connect(feed.get(), &MqttFeed::stateChanged, &app, printLink);
        QObject::connect(feed.get(), &MqttFeed::farmStatusChanged, &app, printLink);
    }
#else
    DashboardStats stats([&farm] { return farm->publishes(); });
#endif

    QQmlApplicationEngine engine;
#ifdef DROPSLOT_QML_BUILD_DIR
    engine.addImportPath(QStringLiteral(DROPSLOT_QML_BUILD_DIR)); // running from the build tree
#endif
    QVariantMap properties{{u"sensorBus"_s, QVariant::fromValue(&sensorBus)}, {u"stats"_s, QVariant::fromValue(&stats)}};
    if (feed)
        properties.insert(u"link"_s, QVariant::fromValue(static_cast<QObject *>(feed.get())));
    engine.setInitialProperties(properties);
    engine.load(QUrl(u"qrc:/Dashboard/Main.qml"_s));
    auto *window = engine.rootObjects().isEmpty() ? nullptr : qobject_cast<QQuickWindow *>(engine.rootObjects().first());
    if (!window)
        return 1;
    QObject::connect(window, &QQuickWindow::afterAnimating, &stats, &DashboardStats::countFrame);
    QList<TileView> tiles;
    trackTiles(window, &stats, &tiles);
    QTimer tileTracker;
    if (feed) {
        QObject::connect(&tileTracker, &QTimer::timeout, &app, [&] { trackTiles(window, &stats, &tiles); });
        tileTracker.start(250);
    }
#ifdef DASHBOARD_WITH_MQTT
    if (feed && offscreen) {
        // Without a window to look at, the link's figures once a second: stale tiles count up
        // when the farm dies and down when it is back.
        QObject::connect(feed.get(), &MqttFeed::sampled, &app, [&] {
            const auto stale = std::count_if(tiles.cbegin(), tiles.cend(), [](const TileView &t) { return t.topic->isStale(); });
            std::printf("dashboard: %.1f s: link %s, sensor farm %s, %lld tiles, %lld stale, %s messages/s, round trip %s\n",
                        stats.secondsRunning(), qPrintable(feed->state()), qPrintable(feed->farmStatus()),
                        static_cast<long long>(tiles.size()), static_cast<long long>(stale),
                        qPrintable(withSeparators(feed->messagesPerSecond())), qPrintable(milliseconds(feed->roundTripMs())));
            std::fflush(stdout);
        });
    }
#endif

    if (seconds > 0) {
        QTimer::singleShot(seconds * 1000, &app, [&] {
            const double live[3] = {stats.publishesPerSecond(), stats.deliveriesPerSecond(), stats.framesPerSecond()};
            const auto totals = stats.totals();
            const double elapsed = stats.secondsRunning();
            QImage image;
            QJsonObject link;
            QByteArray linkFigures;
#ifdef DASHBOARD_WITH_MQTT
            if (feed) {
                // The screenshot first, while the header shows the link live; then the link stops
                // so that every tile can settle on the last value this process received.
                image = window->grabWindow();
                const quint64 received = feed->received();
                link = QJsonObject{{u"endpoint"_s, feed->endpoint()}, {u"state"_s, feed->state()},
                                   {u"farmStatus"_s, feed->farmStatus()},
                                   {u"messagesPerSecond"_s, feed->messagesPerSecond()},
                                   {u"received"_s, double(received)}, {u"roundTripMs"_s, feed->roundTripMs()},
                                   {u"medianRoundTripMs"_s, feed->medianRoundTripMs()},
                                   {u"pongs"_s, double(feed->pongs())}};
                linkFigures = u"dashboard: MQTT %1: link %2, sensor farm %3, %4 messages/s received (run average %5), "
                              "round trip %6 (median %7 of %8 pings)\n"_s
                                  .arg(feed->endpoint(), link[u"state"_s].toString(), feed->farmStatus(),
                                       withSeparators(feed->messagesPerSecond()), withSeparators(received / elapsed),
                                       milliseconds(feed->roundTripMs()), milliseconds(feed->medianRoundTripMs()))
                                  .arg(feed->pongs())
                                  .toUtf8();
                QObject::disconnect(feed.get(), nullptr, &app, nullptr); // no "Disconnected" news
                feed->stop();
            }
#endif
            if (farm)
                farm->stop();
            const bool settled = settle(tiles, bus, 5000);
            const QString screenshot = cli.value(u"screenshot"_s);
            if (image.isNull())
                image = window->grabWindow();
            const bool saved = image.save(screenshot);
            std::printf("dashboard: %lld tiles, %lld s %s: %s publishes/s%s, %s deliveries/s, %s frames/s "
                        "(run averages: %s, %s, %s)\ndashboard: screenshot %s%s%s\n",
                        static_cast<long long>(tiles.size()), static_cast<long long>(seconds),
                        offscreen ? "offscreen (software renderer)" : "on screen",
                        qPrintable(withSeparators(live[0])), farm ? "" : " (in the sensor farm)", qPrintable(withSeparators(live[1])),
                        qPrintable(withSeparators(live[2])), qPrintable(withSeparators(totals[0] / elapsed)),
                        qPrintable(withSeparators(totals[1] / elapsed)), qPrintable(withSeparators(totals[2] / elapsed)),
                        qPrintable(QDir::current().absoluteFilePath(screenshot)), saved ? "" : " (could not be written)",
                        settled ? "" : "; some tiles did not reach their final reading");
            std::fputs(linkFigures.constData(), stdout);
            if (cli.isSet(u"report"_s)) {
                QJsonArray tileList;
                for (const TileView &t : tiles) {
                    const auto *text = t.tile->findChild<QQuickItem *>(u"tileValue"_s);
                    tileList.append(QJsonObject{{u"name"_s, t.topic->name()},
                                                {u"shown"_s, text ? text->property("text").toString() : QString()},
                                                {u"value"_s, t.topic->value().toDouble()},
                                                {u"latest"_s, bus.topic(t.topic->name()).latest().value_or(-1)},
                                                {u"stale"_s, t.topic->isStale()}});
                }
                QJsonObject report{{u"publishesPerSecond"_s, live[0]}, {u"deliveriesPerSecond"_s, live[1]},
                                   {u"framesPerSecond"_s, live[2]}, {u"publishes"_s, double(totals[0])},
                                   {u"deliveries"_s, double(totals[1])}, {u"frames"_s, double(totals[2])},
                                   {u"settled"_s, settled}, {u"screenshot"_s, QDir::current().absoluteFilePath(screenshot)},
                                   {u"tiles"_s, tileList}};
                if (!link.isEmpty())
                    report.insert(u"mqtt"_s, link);
                QFile file(cli.value(u"report"_s));
                if (!file.open(QIODevice::WriteOnly) || file.write(QJsonDocument(report).toJson()) < 0)
                    std::fprintf(stderr, "dashboard: cannot write %s\n", qPrintable(file.fileName()));
            }
            app.exit(saved && settled ? 0 : 1);
        });
    }
    return app.exec();
}
