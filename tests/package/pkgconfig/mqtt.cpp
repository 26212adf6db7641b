// SPDX-License-Identifier: MIT
// Built with nothing but `pkg-config --cflags --libs DropSlotMqtt`: a bridge that is never started.
#include <DropSlot/Mqtt>

#include <QtCore/QCoreApplication>

#include <cstdio>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    DropSlot::Bus<int> bus;
    DropSlot::MqttOptions options;
    options.port = 1884;
    DropSlot::MqttBridge bridge(bus, options);
    if (bridge.state() != DropSlot::MqttBridge::State::Disconnected)
        return 1;
    std::printf("pkgconfig mqtt consumer: port %d\n", int(bridge.options().port));
    return 0;
}
