// SPDX-License-Identifier: MIT
// A program whose global object uses the default bus from its destructor, during static
// destruction, as loggers and service singletons do: it publishes, reads back, subscribes, and
// connects into a thread that then finishes. tst_atexit runs it and reads what it prints.
#include <DropSlot/DropSlot>

#include <QtCore/QCoreApplication>
#include <QtCore/QThread>

#include <cstdio>

namespace {

struct PublishesAtExit
{
    ~PublishesAtExit()
    {
        const DropSlot::Topic<QVariant> topic = DropSlot::defaultBus().topic("exit/value");
        topic.publish(42);
        std::printf("read back %d\n", topic.latest().value_or(QVariant()).toInt());

        DropSlot::Sub<QVariant> sub = topic.subscribe();
        topic.publish(43);
        std::printf("subscriber read %d\n", sub.tryGetMessage().value_or(QVariant()).toInt());

        // Without a QCoreApplication, Qt delivers no events, so nothing arrives; but the
        // connection is made, and ends when its thread finishes: the dispatcher registry is
        // still there to be told.
        QThread thread;
        thread.start();
        auto *context = new QObject;
        context->moveToThread(&thread);
        DropSlot::Connection c = DropSlot::connect(topic, context, [](const QVariant &) { });
        std::printf("connection %s\n", c.isConnected() ? "made" : "refused");
        topic.publish(44);
        thread.quit(); // its finished handler retires the thread's dispatcher
        thread.wait();
        delete context;
        std::printf("connection %s\n", c.isConnected() ? "still connected" : "ended");
        std::fflush(stdout);
    }
};

// Constructed before main(), so destroyed after everything the library creates on first use.
PublishesAtExit publishesAtExit;

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    // Use the default bus and a dispatcher in the application thread before exit.
    QObject receiver;
    int got = 0;
    DropSlot::Connection c = DropSlot::connect(DropSlot::defaultBus().topic("exit/value"), &receiver,
                                               [&](const QVariant &v) { got = v.toInt(); });
    DropSlot::defaultBus().publish("exit/value", 1);
    QCoreApplication::processEvents();
    std::printf("main got %d\n", got);
    return 0;
}
