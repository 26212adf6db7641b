// SPDX-License-Identifier: MIT
// The DropSlot basics in one console program: publish, latest-only reads, several subscribers,
// an async wait with .then(), and what a failed read tells you.
#include <DropSlot/DropSlot>

#include <QtCore/QCoreApplication>
#include <QtCore/QTextStream>
#include <QtCore/QThread>

using namespace Qt::StringLiterals;

static QTextStream out(stdout);

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    DropSlot::Bus<QString> bus;

    // 1. Publish and read. A subscriber starts "up to date": only later publishes are new.
    auto status = bus.subscribe("printer/status");
    bus.publish("printer/status", u"warming up"_s);
    out << "1. read: " << *status.tryGetMessage() << '\n';

    // 2. Latest only: a burst of publishes is read as its newest value, once.
    auto topic = bus.topic("printer/progress");
    auto progress = topic.subscribe();
    for (int percent = 0; percent <= 100; percent += 10)
        topic.publish(QString::number(percent) + u'%');
    out << "2. after 11 publishes: " << *progress.tryGetMessage() << " (version " << topic.version() << ")\n";

    // 3. Several subscribers each read the same newest value, independently.
    auto display = bus.subscribe("printer/job");
    auto logger = bus.subscribe("printer/job");
    bus.publish("printer/job", u"report.pdf"_s);
    out << "3. display: " << *display.tryGetMessage() << ", logger: " << *logger.tryGetMessage() << '\n';

    // 4. Async wait: a QFuture that resolves with the next value; .then() chains on it.
    auto ink = bus.subscribe("printer/ink");
    auto lowInk = ink.waitForMessage().then(&app, [](std::optional<QString> level) {
        out << "4. async wait resolved: ink " << level.value_or(u"(topic closed)"_s) << '\n';
    });
    QThread *worker = QThread::create([bus] { bus.publish("printer/ink", u"12%"_s); });
    worker->start();
    while (!lowInk.isFinished())
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
    worker->wait();
    delete worker;

    // 5. Errors say why there is no value: Empty (nothing new) or Disconnected (topic removed).
    auto result = status.tryGetMessage();
    out << "5. nothing new: " << result.error().toString();
    auto oldHandle = bus.topic("printer/status");
    bus.removeTopic("printer/status");
    out << "; after removeTopic: " << status.tryGetMessage().error().toString()
        << "; publish through the old handle: " << (oldHandle.publish(u"x"_s) ? "accepted" : "refused")
        << '\n';
    out.flush();
    return 0;
}
