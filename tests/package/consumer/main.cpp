// SPDX-License-Identifier: MIT
// A program outside the DropSlot tree, built against an installed DropSlot, that includes the
// Qt-style CamelCase headers (one per public name).
#include <DropSlot/Bus>
#include <DropSlot/Connection>
#include <DropSlot/Sub>
#include <DropSlot/Topic>
#include <DropSlot/VariantBus>
#ifdef CONSUMER_HAS_QML
#include <DropSlot/DropSlotBus>
#endif

#include <QtCore/QCoreApplication>
#include <QtCore/QTimer>

#include <cstdio>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    DropSlot::Bus<int> bus;
    DropSlot::Sub<int> sub = bus.subscribe("answer");
    DropSlot::Topic<int> topic = bus.topic("answer");
    topic.publish(41);
    bus.publish("answer", 42);
    auto message = sub.tryGetMessage();
    if (!message || *message != 42) {
        std::fprintf(stderr, "unexpected message\n");
        return 1;
    }
    DropSlot::defaultBus().publish("consumer/ok", true);

#ifdef CONSUMER_HAS_QML
    // The bus as QML sees it, from the QML module's library.
    DropSlot::DropSlotBus qmlBus(bus);
    if (qmlBus.latest(QStringLiteral("answer")).toInt() != 42) {
        std::fprintf(stderr, "DropSlotBus does not show the bus's value\n");
        return 1;
    }
#endif

    int delivered = 0;
    DropSlot::Connection connection = DropSlot::connect(topic, &app, [&](const int &value) {
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
