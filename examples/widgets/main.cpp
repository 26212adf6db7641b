// SPDX-License-Identifier: MIT
// A widgets "live monitor": worker threads publish simulated sensor values as fast as they can;
// labels and bars follow through DropSlot::connect, and the window stays responsive.
//
//   widgets-monitor [--workers N] [--offscreen] [--seconds N] [--screenshot file.png]
// Without a display it runs offscreen. With --seconds (or offscreen) it runs N seconds, prints
// the figures and saves a screenshot.
#include "monitorwindow.h"

#include <QtCore/QCommandLineParser>
#include <QtCore/QRandomGenerator>
#include <QtCore/QThread>
#include <QtCore/QTimer>
#include <QtWidgets/QApplication>

#include <cmath>
#include <cstdio>
#include <cstring>

using namespace Qt::StringLiterals;

int main(int argc, char **argv)
{
    bool offscreen = false;
    for (int i = 1; i < argc; ++i)
        offscreen |= std::strcmp(argv[i], "--offscreen") == 0;
    if (!qEnvironmentVariableIsSet("QT_QPA_PLATFORM") && !qEnvironmentVariableIsSet("DISPLAY")
        && !qEnvironmentVariableIsSet("WAYLAND_DISPLAY"))
        offscreen = true; // a headless machine: the default platform plugin would abort
    if (offscreen)
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QCommandLineParser cli;
    cli.addHelpOption();
    cli.addOptions({{u"workers"_s, u"Publishing threads."_s, u"n"_s, QString::number(std::max(2, QThread::idealThreadCount()))},
                    {u"offscreen"_s, u"Render without a display."_s},
                    {u"seconds"_s, u"Run this long, print figures, save a screenshot."_s, u"n"_s},
                    {u"screenshot"_s, u"Where to save the screenshot."_s, u"file"_s, u"widgets-monitor.png"_s}});
    cli.process(app);
    const bool headless = QGuiApplication::platformName() == u"offscreen"_s;
    const int seconds = cli.isSet(u"seconds"_s) ? cli.value(u"seconds"_s).toInt() : (headless ? 5 : 0);

    DropSlot::Bus<double> bus;
    QStringList sensors;
    for (int i = 0; i < 32; ++i)
        sensors.append(u"sensor/%1"_s.arg(i, 2, 10, QChar(u'0')));

    std::atomic<quint64> publishes{0};
    std::atomic<bool> stop{false};
    QList<QThread *> workers;
    for (int w = 0; w < cli.value(u"workers"_s).toInt(); ++w) {
        workers.append(QThread::create([&, w] {
            std::vector<DropSlot::Topic<double>> topics; // held handles: publishing is a swap
            for (const QString &name : sensors)
                topics.push_back(bus.topic(name));
            QRandomGenerator rng(quint32(w + 1));
            double phase = w;
            while (!stop.load(std::memory_order_relaxed)) {
                for (std::size_t i = 0; i < topics.size(); ++i)
                    topics[i].publish(50 + 45 * std::sin(phase + i * 0.3) + rng.bounded(2.0));
                phase += 1e-5;
                publishes.fetch_add(topics.size(), std::memory_order_relaxed);
            }
        }));
        workers.back()->start();
    }

    MonitorWindow window(bus, sensors, publishes);
    window.resize(900, 320);
    window.show();

    if (seconds > 0) {
        QTimer::singleShot(seconds * 1000, &app, [&] {
            const auto f = window.figures(); // the last full one-second sample
            const QString file = cli.value(u"screenshot"_s);
            const bool saved = window.grab().save(file);
            std::printf("widgets-monitor: %d workers, %lld topics: %.0f publishes/s, %.0f deliveries/s, "
                        "worst GUI stall %lld ms; screenshot %s%s\n",
                        int(workers.size()), static_cast<long long>(sensors.size()), f.publishesPerSecond,
                        f.deliveriesPerSecond, static_cast<long long>(f.worstLoopStallMs),
                        qPrintable(file), saved ? "" : " (could not be written)");
            app.exit(saved ? 0 : 1);
        });
    }
    const int rc = app.exec();
    stop = true;
    for (QThread *t : workers) {
        t->wait();
        delete t;
    }
    return rc;
}
