// SPDX-License-Identifier: MIT
// Connections across thread lifetimes: a context's thread that finishes, a context that moves
// between threads, connecting to a thread that has finished or is finishing, throttled
// connections caught in the middle of any of these.
#include "testsupport.h"

#include <DropSlot/DropSlot>

#include <QtCore/QRegularExpression>
#include <QtCore/QThread>
#include <QtTest/QTest>

#include <atomic>
#include <chrono>
#include <semaphore>
#include <thread>

using namespace DropSlot;
using namespace Qt::StringLiterals;

namespace {

// Runs f in context's thread and says whether it ran in time. It goes through a connection of
// DropSlot's own: a delivery queued in that thread before it (a drain of DropSlot's) has been
// handled by then. (A queued call of Qt's would do as well, but ThreadSanitizer cannot see the
// hand-over inside an uninstrumented Qt.)
template <typename F>
bool runIn(QObject *context, F f)
{
    Bus<int> bus;
    std::binary_semaphore done{0};
    Connection c = DropSlot::connect(bus.topic("run"), context, [&](const int &) {
        f();
        done.release();
    }, {.deliverCurrent = false});
    bus.publish("run", 1);
    const bool ran = done.try_acquire_for(std::chrono::seconds(10));
    c.disconnect();
    return ran;
}

// A new object living in thread, for the test to delete once it is done with it.
QObject *objectIn(QThread *thread)
{
    auto *object = new QObject;
    object->moveToThread(thread);
    return object;
}

// A started worker thread, quit and joined on destruction.
class Worker
{
public:
    Worker() { m_thread.start(); }
    ~Worker() { finish(); }
    void finish()
    {
        m_thread.quit();
        QVERIFY(m_thread.wait(10000));
    }
    QThread *thread() { return &m_thread; }

private:
    QThread m_thread;
};

} // namespace

class tst_Lifecycle : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init() { m_connectionsBefore = detail::ConnectionCore::liveCount(); }
    void cleanup() { QTRY_COMPARE(detail::ConnectionCore::liveCount(), m_connectionsBefore); }

    void throttledConnectionEndsWhenItsThreadFinishes()
    {
        Bus<int> bus;
        Topic<int> topic = bus.topic("t");
        Worker worker;
        QObject *context = objectIn(worker.thread());
        std::counting_semaphore<> delivered{0};
        std::atomic<int> calls{0};
        Connection c = DropSlot::connect(topic, context, [&](const int &) {
            // Publishing from the delivery makes the next delivery "too soon" (a minute from now):
            // it is held back, pending, while the thread finishes.
            if (++calls == 1)
                topic.publish(2);
            delivered.release();
        }, {.deliverCurrent = false, .minimumIntervalMs = 60'000});
        topic.publish(1);
        QVERIFY(delivered.try_acquire_for(std::chrono::seconds(10)));
        QVERIFY(runIn(context, [] {})); // the drain that holds value 2 back has run
        worker.finish();
        QVERIFY(!c.isConnected());
        QCOMPARE(calls.load(), 1);
        QCOMPARE(TestSupport::watchers(topic), 0u);
        topic = Topic<int>();
        QCOMPARE(bus.cleanupUnusedTopics(), 1); // the ended connection does not pin the topic
        delete context;
    }

    void throttledConnectionFollowsItsContextToARunningThread()
    {
        Bus<int> bus;
        Topic<int> topic = bus.topic("t");
        Worker worker;
        QObject *context = objectIn(worker.thread());
        std::counting_semaphore<> delivered{0};
        std::atomic<int> last{0};
        std::atomic<QThread *> lastIn{nullptr};
        Connection c = DropSlot::connect(topic, context, [&](const int &v) {
            if (v == 1)
                topic.publish(2); // held back for the interval
            last = v;
            lastIn = QThread::currentThread();
            delivered.release();
        }, {.deliverCurrent = false, .minimumIntervalMs = 1500});
        topic.publish(1);
        QVERIFY(delivered.try_acquire_for(std::chrono::seconds(10)));
        QVERIFY(runIn(context, [&] { context->moveToThread(qApp->thread()); }));
        worker.finish();
        QVERIFY(c.isConnected());
        QTRY_COMPARE_WITH_TIMEOUT(last.load(), 2, 10000); // the final value still arrives
        QCOMPARE(lastIn.load(), qApp->thread());
        QVERIFY(c.isConnected());
        delete context;
        QVERIFY(!c.isConnected());
    }

    void contextMovedOutOfAThreadThatFinishesKeepsItsConnection()
    {
        Bus<int> bus;
        Topic<int> topic = bus.topic("t");
        Worker worker;
        QObject *context = objectIn(worker.thread());
        std::atomic<int> value{0};
        std::atomic<QThread *> deliveredIn{nullptr};
        Connection c = DropSlot::connect(topic, context, [&](const int &v) {
            value = v;
            deliveredIn = QThread::currentThread();
        }, {.deliverCurrent = false});
        QVERIFY(runIn(context, [&] { context->moveToThread(qApp->thread()); }));
        worker.finish();
        QVERIFY(c.isConnected());
        topic.publish(5);
        QTRY_COMPARE(value.load(), 5);
        QCOMPARE(deliveredIn.load(), qApp->thread());
        QVERIFY(c.isConnected());
        delete context;
    }

    void contextMovedBetweenThreadsWithDeliveriesQueued()
    {
        // Moves back and forth while values keep coming: each value is delivered in the thread
        // the context lives in at that moment, and the last one always arrives.
        Bus<int> bus;
        Topic<int> topic = bus.topic("t");
        Worker a;
        Worker b;
        auto *context = new QObject;
        std::atomic<int> last{0};
        std::atomic<int> wrongThread{0};
        Connection c = DropSlot::connect(topic, context, [&](const int &v) {
            if (QThread::currentThread() != context->thread())
                ++wrongThread;
            last = v;
        }, {.deliverCurrent = false});
        QThread *threads[] = {a.thread(), b.thread(), qApp->thread()};
        int published = 0;
        for (int round = 0; round < 30; ++round) {
            QThread *to = threads[round % 3];
            if (context->thread() == QThread::currentThread())
                context->moveToThread(to);
            else
                QVERIFY(runIn(context, [&] { context->moveToThread(to); }));
            for (int i = 0; i < 100; ++i)
                topic.publish(++published);
        }
        QTRY_COMPARE(last.load(), published);
        QCOMPARE(wrongThread.load(), 0);
        if (context->thread() == QThread::currentThread())
            delete context;
        else
            QVERIFY(runIn(context, [&] { delete context; }));
        QVERIFY(!c.isConnected());
    }

    void contextMovedAndDeletedInItsNewThreadWhileDeliveriesRun()
    {
        // The old thread may still be draining a delivery for the context when the new thread
        // deletes it: the old thread reads the context's thread only under the lock that the
        // context's destroyed handler takes, so it never reads a freed object.
        Bus<int> bus;
        Topic<int> topic = bus.topic("t");
        Worker a;
        Worker b;
        std::atomic<bool> stop{false};
        std::thread publisher([&] {
            for (int i = 1; !stop.load(std::memory_order_relaxed); ++i)
                topic.publish(i);
        });
        std::atomic<int> delivered{0};
        for (int round = 0; round < 200; ++round) {
            QObject *context = objectIn(a.thread());
            Connection c = DropSlot::connect(topic, context, [&](const int &) { ++delivered; });
            Topic<int> control = bus.topic("control");
            QThread *to = b.thread();
            DropSlot::connect(control, context, [context, to](const int &) {
                context->moveToThread(to);
                context->deleteLater(); // runs in the new thread
            }, {.deliverCurrent = false});
            control.publish(round);
            QDeadlineTimer deadline(10000);
            while (c.isConnected() && !deadline.hasExpired())
                std::this_thread::yield();
            QVERIFY(!c.isConnected());
        }
        stop = true;
        publisher.join();
        QVERIFY(delivered.load() > 0);
        // isConnected() turns false before the destroyed handler in b's thread has finished
        // detaching from the topic.
        QTRY_COMPARE_WITH_TIMEOUT(TestSupport::watchers(topic), 0u, 10000);
    }

    void connectingToAFinishedThreadIsRefusedUntilItRunsAgain()
    {
        Bus<int> bus;
        Topic<int> topic = bus.topic("t");
        topic.publish(1);
        QThread thread;
        thread.start();
        auto *context = new QObject;
        context->moveToThread(&thread);
        thread.quit();
        QVERIFY(thread.wait(10000));

        std::atomic<int> value{0};
        auto receive = [&](const int &v) { value = v; };
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"cannot connect to topic \"t\".*thread has finished"_s));
        Connection refused = DropSlot::connect(topic, context, receive);
        QVERIFY(!refused.isConnected());
        QCOMPARE(TestSupport::watchers(topic), 0u);

        // Started again, the thread is a running thread like any other: a new connection
        // delivers the current value, then what follows.
        thread.start();
        Connection c = DropSlot::connect(topic, context, receive);
        QVERIFY(c.isConnected());
        QTRY_COMPARE(value.load(), 1);
        topic.publish(2);
        QTRY_COMPARE(value.load(), 2);
        QVERIFY(!refused.isConnected());
        QMetaObject::invokeMethod(context, &QObject::deleteLater);
        thread.quit();
        QVERIFY(thread.wait(10000));
        QVERIFY(!c.isConnected());
    }

    void connectingWhileTheThreadFinishesIsRefused_data()
    {
        QTest::addColumn<bool>("threadHadConnections");
        QTest::newRow("first connection of the thread") << false;
        QTest::newRow("thread already has connections") << true;
    }

    void connectingWhileTheThreadFinishesIsRefused()
    {
        QFETCH(bool, threadHadConnections);
        Bus<int> bus;
        Topic<int> topic = bus.topic("t");
        QThread thread;
        auto *context = new QObject;
        context->moveToThread(&thread);
        // Runs in the finishing thread, before DropSlot's own handler of finished (connected
        // first), so the thread's dispatcher, if any, is still there.
        // QThread::wait() orders the handler before the checks below with locks inside Qt
        // that ThreadSanitizer cannot see; the flag states it (and that the handler ran).
        Connection duringFinish;
        std::atomic<bool> handlerRan{false};
        QObject::connect(&thread, &QThread::finished, &thread, [&] {
            duringFinish = DropSlot::connect(topic, context, [](const int &) { });
            handlerRan.store(true, std::memory_order_release);
        }, Qt::DirectConnection);
        thread.start();
        Connection before;
        if (threadHadConnections) {
            before = DropSlot::connect(topic, context, [](const int &) { });
            QVERIFY(before.isConnected());
        }
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"cannot connect to topic \"t\".*thread has finished"_s));
        thread.quit();
        QVERIFY(thread.wait(10000));
        QVERIFY(handlerRan.load(std::memory_order_acquire));
        QVERIFY(!duringFinish.isConnected());
        QVERIFY(!before.isConnected()); // ended with its thread
        QCOMPARE(TestSupport::watchers(topic), 0u);
        delete context;
    }

    void connectionsEndWithTheirThreadNotAtTheNextPublish()
    {
        Bus<int> bus;
        Topic<int> topic = bus.topic("t");
        Worker worker;
        QObject *context = objectIn(worker.thread());
        Connection c = DropSlot::connect(topic, context, [](const int &) { });
        QVERIFY(c.isConnected());
        worker.finish();
        QVERIFY(!c.isConnected());
        QCOMPARE(TestSupport::watchers(topic), 0u);
        delete context;
    }

    void watchTopicsEndsWithItsThread()
    {
        Bus<int> bus;
        Worker worker;
        QObject *context = objectIn(worker.thread());
        Connection c = DropSlot::watchTopics(bus, context, [](const QString &, TopicEvent) { });
        QVERIFY(c.isConnected());
        worker.finish();
        QVERIFY(!c.isConnected());
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"watchTopics: the context object's thread has finished"_s));
        QVERIFY(!DropSlot::watchTopics(bus, context, [](const QString &, TopicEvent) { }).isConnected());
        delete context;
    }

private:
    qsizetype m_connectionsBefore = 0;
};

QTEST_GUILESS_MAIN(tst_Lifecycle)
#include "tst_lifecycle.moc"
