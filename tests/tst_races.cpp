// SPDX-License-Identifier: MIT
// connect(), disconnect() and async waits are documented as safe from any thread; these cases
// make them overlap deliveries and publishes in other threads at the worst moments. Cases that
// show a known fault run their rounds in a child process, so that a crash or a sanitizer report
// is a result rather than the end of the run.
#include "futureresult.h"

#include <DropSlot/DropSlot>

#include <QtCore/QMetaMethod>
#include <QtCore/QProcess>
#include <QtCore/QThread>
#include <QtTest/QTest>

#include <atomic>
#include <memory>
#include <thread>

#ifndef __has_feature
#define __has_feature(x) 0
#endif
#if defined(__SANITIZE_THREAD__) || __has_feature(thread_sanitizer)
#define DROPSLOT_UNDER_TSAN 1
#else
#define DROPSLOT_UNDER_TSAN 0
#endif
#if defined(__SANITIZE_ADDRESS__) || __has_feature(address_sanitizer)
#define DROPSLOT_UNDER_ASAN 1
#else
#define DROPSLOT_UNDER_ASAN 0
#endif

using namespace DropSlot;
using namespace Qt::StringLiterals;

namespace {

constexpr char ChildVariable[] = "DROPSLOT_RACES_CHILD";

// Lives in the receiving thread. hold() queues a marker event behind the delivery now running;
// the next disconnectNotify() for destroyed() (called in the disconnecting thread) then waits
// until the marker has been handled, that is until the delivery has completely returned.
class HoldingContext : public QObject
{
public:
    void hold()
    {
        m_markerHandled.store(false);
        m_holding.store(true);
        QCoreApplication::postEvent(this, new QEvent(markerType()));
    }
    bool markerHandled() const { return m_markerHandled.load(); }

protected:
    bool event(QEvent *e) override
    {
        if (e->type() == markerType()) {
            m_markerHandled.store(true);
            return true;
        }
        return QObject::event(e);
    }
    void disconnectNotify(const QMetaMethod &signal) override
    {
        if (signal != QMetaMethod::fromSignal(&QObject::destroyed) || !m_holding.exchange(false))
            return;
        const QDeadlineTimer deadline(10000);
        while (!m_markerHandled.load() && !deadline.hasExpired())
            std::this_thread::yield();
    }

private:
    static QEvent::Type markerType()
    {
        static const auto type = QEvent::Type(QEvent::registerEventType());
        return type;
    }

    std::atomic<bool> m_holding{false};
    std::atomic<bool> m_markerHandled{false};
};

} // namespace

class tst_Races : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void disconnectFromAnotherThreadWhileDelivering();
    void connectFromAnotherThreadWhilePublishing();
    void connectRounds(); // the child process's part of the case above
    void asyncWaitWhilePublishing();
    void asyncWaitRounds(); // the child process's part of the case above
};

namespace {
// Runs this test executable again with the given test function as a child process (where the
// rounds of a race run, so that a crash or sanitizer report is a result, not the end of the
// run); true if it passed.
bool runChild(const QString &function)
{
    QProcess child;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QString::fromLatin1(ChildVariable), u"1"_s);
    child.setProcessEnvironment(env);
    child.setProcessChannelMode(QProcess::MergedChannels);
    child.start(QCoreApplication::applicationFilePath(), {function});
    if (!child.waitForStarted() || !child.waitForFinished(180000)) {
        qWarning("child process %s did not run to its end", qPrintable(function));
        return false;
    }
    const bool passed = child.exitStatus() == QProcess::NormalExit && child.exitCode() == 0;
    if (!passed)
        qInfo("child process output (end):\n%s", child.readAll().right(4000).constData());
    return passed;
}
} // namespace

// The delivery finishes after disconnect() has marked the connection ended, before it detaches
// from the topic. disconnect() drops its watch of the context's destruction in between, which
// calls the context's disconnectNotify(): the context holds disconnect() there until the
// receiving thread has finished the delivery.
void tst_Races::disconnectFromAnotherThreadWhileDelivering()
{
    if (qEnvironmentVariableIsSet(ChildVariable))
        QSKIP("running as a child process");
    const qsizetype connectionsBefore = detail::ConnectionCore::liveCount();
    QThread thread;
    thread.start();
    auto *context = new HoldingContext;
    context->moveToThread(&thread);

    // Shared with the user function, which may still be returning when a round ends.
    struct Round
    {
        std::atomic<bool> delivering{false};
        std::atomic<int> calls{0};
        Connection connection; // assigned before the publish that starts the delivery
    };
    for (int round = 0; round < 20; ++round) {
        Bus<int> bus;
        Topic<int> topic = bus.topic("race");
        auto state = std::make_shared<Round>();
        state->connection = DropSlot::connect(topic, context, [state](const int &) {
            state->calls.fetch_add(1);
            state->delivering.store(true);
            while (state->connection.isConnected()) // return once disconnect() has begun
                std::this_thread::yield();
        }, {.deliverCurrent = false});
        QVERIFY(state->connection.isConnected());
        topic.publish(round);
        while (!state->delivering.load())
            std::this_thread::yield();
        context->hold();
        state->connection.disconnect(); // the delivery returns while this runs
        QVERIFY(context->markerHandled()); // it really did
        QVERIFY(!state->connection.isConnected());
        QCOMPARE(detail::TopicAccess::state(topic)->watcherCount(), 0u);
        QCOMPARE(state->calls.load(), 1);
        // The topic is unharmed and the connection holds no reference to it any more: only
        // this handle and the bus refer to it.
        QCOMPARE(detail::TopicAccess::state(topic)->refCount(), 2u);
        QVERIFY(topic.publish(round + 1));
        QCOMPARE(bus.removeTopic("race"), std::optional<qsizetype>(0));
        state->connection = Connection(); // the function holds 'state': break the cycle
    }
    QMetaObject::invokeMethod(context, &QObject::deleteLater);
    thread.quit();
    QVERIFY(thread.wait(30000));
    QTRY_COMPARE(detail::ConnectionCore::liveCount(), connectionsBefore);
}

// connect() from one thread while another publishes and the context's thread delivers: the
// first delivery may run while connect() is still finishing. Under ThreadSanitizer any data race
// between them fails the child process that runs the rounds; elsewhere the rounds check that
// every connection gets its first value.
void tst_Races::connectFromAnotherThreadWhilePublishing()
{
    if (qEnvironmentVariableIsSet(ChildVariable))
        QSKIP("running as a child process");
    const bool passed = runChild(u"connectRounds"_s);
    QVERIFY2(passed, "the child process failed or reported a data race");
}

void tst_Races::connectRounds()
{
    if (!qEnvironmentVariableIsSet(ChildVariable))
        QSKIP("runs as the child process of connectFromAnotherThreadWhilePublishing");
    QThread thread;
    thread.start();
    auto *context = new QObject;
    context->moveToThread(&thread);
    Bus<int> bus;
    const Topic<int> topic = bus.topic("hot");
    std::atomic<bool> stop{false};
    std::thread publisher([&] {
        for (int i = 1; !stop.load(std::memory_order_relaxed); ++i)
            topic.publish(i);
    });
    for (int round = 0; round < 50; ++round) {
        auto delivered = std::make_shared<std::atomic<int>>(0);
        Connection c = DropSlot::connect(topic, context, [delivered](const int &) {
            delivered->fetch_add(1);
        }, {.deliverCurrent = false});
        QVERIFY(c.isConnected());
        QTRY_VERIFY(delivered->load() > 0);
        c.disconnect();
    }
    stop = true;
    publisher.join();
    QMetaObject::invokeMethod(context, &QObject::deleteLater);
    thread.quit();
    QVERIFY(thread.wait(30000));
}

// Async waits queued while other threads publish flat out to a topic that also has a connection
// (so every publish looks at the queued waits), their Subs reading meanwhile (so publishes often
// find nothing new for a wait and queue it again): one publish may complete and free a wait while
// another thread is still queuing it. AddressSanitizer reports the use of the freed wait, which
// fails the child.
void tst_Races::asyncWaitWhilePublishing()
{
    if (qEnvironmentVariableIsSet(ChildVariable))
        QSKIP("running as a child process");
#if !DROPSLOT_UNDER_ASAN
    // Without AddressSanitizer a read of the freed wait usually goes unseen (ThreadSanitizer
    // reports it only now and then), so the result would be left to chance.
    QSKIP("needs AddressSanitizer to see a use of freed memory every time");
#else
    const bool passed = runChild(u"asyncWaitRounds"_s);
    QVERIFY2(passed, "the child process crashed or reported an error");
#endif
}

void tst_Races::asyncWaitRounds()
{
    if (!qEnvironmentVariableIsSet(ChildVariable))
        QSKIP("runs as the child process of asyncWaitWhilePublishing");
    QThread thread;
    thread.start();
    auto *context = new QObject;
    context->moveToThread(&thread);
    Bus<QByteArray> bus;
    const Topic<QByteArray> topic = bus.topic("hot");
    const Connection connection = DropSlot::connect(topic, context, [](const QByteArray &) { });
    // More threads than cores, so that a waiter is often preempted in the middle of queuing.
    constexpr int Publishers = 6;
    constexpr int Waiters = 6;
    std::atomic<bool> stop{false};
    std::atomic<int> completed{0};
    const QDeadlineTimer deadline(5000);
    std::vector<std::thread> publishers;
    for (int p = 0; p < Publishers; ++p) {
        publishers.emplace_back([&] {
            const QByteArray payload(64, 'p');
            while (!stop.load(std::memory_order_relaxed))
                topic.publish(payload);
        });
    }
    std::vector<std::thread> waiters;
    for (int w = 0; w < Waiters; ++w) {
        waiters.emplace_back([&, sub = topic.subscribe()]() mutable {
            while (!deadline.hasExpired()) {
                const QFuture<std::optional<QByteArray>> f = sub.waitForMessage();
                // Reading meanwhile takes versions the wait wanted: a publish then finds nothing
                // for it and queues it again, from the publishing thread.
                for (int i = 0; i < 64 && !f.isFinished(); ++i)
                    sub.tryGetMessage();
                while (!f.isFinished())
                    std::this_thread::yield();
                if (!f.isCanceled() && finishedResult(f))
                    completed.fetch_add(1, std::memory_order_relaxed);
            }
        });
    }
    for (std::thread &t : waiters)
        t.join();
    stop = true;
    for (std::thread &t : publishers)
        t.join();
    QVERIFY(completed.load() > 0);
    QMetaObject::invokeMethod(context, &QObject::deleteLater);
    thread.quit();
    QVERIFY(thread.wait(30000));
}

QTEST_GUILESS_MAIN(tst_Races)
#include "tst_races.moc"
