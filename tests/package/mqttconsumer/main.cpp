// SPDX-License-Identifier: MIT
// Built against an installed DropSlot with COMPONENTS Mqtt: a bridge that tries a port nobody
// listens on, reports why it cannot connect, and stops cleanly. No broker needed.
#include <DropSlot/MqttBridge>

#include <QtCore/QCoreApplication>
#include <QtCore/QTimer>

#include <cstdio>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    DropSlot::MqttOptions options;
    options.port = 1; // a privileged port nothing listens on: the connection is refused
    options.reconnectMinimumMs = 50;
    DropSlot::Bus<double> bus;
    DropSlot::MqttBridge bridge(bus, options);
    bridge.exportTopics(QStringLiteral("#"));
    QObject::connect(&bridge, &DropSlot::MqttBridge::errorOccurred, &app, [&] { app.quit(); });
    QTimer::singleShot(10000, &app, [&] { app.exit(2); }); // a guard against a hang
    bridge.start();
    const int rc = app.exec();
    bridge.stop();
    if (rc != 0 || bridge.lastError().isEmpty()
        || bridge.state() != DropSlot::MqttBridge::State::Disconnected) {
        std::fprintf(stderr, "mqttconsumer: expected a refused connection (exit code %d)\n", rc);
        return 1;
    }
    std::printf("mqttconsumer: refused as expected: %s\n", qPrintable(bridge.lastError()));
    return 0;
}
