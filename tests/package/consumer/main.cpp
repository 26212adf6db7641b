// SPDX-License-Identifier: MIT
// A program outside the DropSlot tree, built against an installed DropSlot.
#include <DropSlot/DropSlot>

#include <QtCore/QCoreApplication>
#include <QtCore/QTimer>

#include <cstdio>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    DropSlot::Bus<int> bus;
    auto sub = bus.subscribe("answer");
    bus.publish("answer", 41);
    bus.publish("answer", 42);
    auto message = sub.tryGetMessage();
    if (!message || *message != 42) {
        std::fprintf(stderr, "unexpected message\n");
        return 1;
    }
    DropSlot::defaultBus().publish("consumer/ok", true);

    int delivered = 0;
    DropSlot::connect(bus.topic("answer"), &app, [&](const int &value) {
        delivered = value;
        app.quit();
    });
    QTimer::singleShot(10000, &app, [&] { app.exit(2); });
    if (app.exec() != 0 || delivered != 42) {
        std::fprintf(stderr, "connection did not deliver\n");
        return 1;
    }
    std::printf("consumer: read %d through an installed DropSlot\n", *message);
    return 0;
}
