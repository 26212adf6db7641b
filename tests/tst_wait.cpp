// SPDX-License-Identifier: MIT
#include "testsupport.h"

#include <DropSlot/DropSlot>

#include <QtCore/QElapsedTimer>
#include <QtCore/QThread>
#include <QtTest/QTest>

#include <atomic>
#include <thread>

using namespace DropSlot;
using TestSupport::watchers;
using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace {
// Runs f on a new thread; joins on destruction.
class Background
{
public:
    template <typename F>
    explicit Background(F &&f) : m_thread(std::forward<F>(f)) { }
    ~Background() { m_thread.join(); }

private:
    std::thread m_thread;
};
} // namespace

class tst_Wait : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void blockingWaitTimesOutWithEmpty()
    {
        Bus<int> bus;
        Sub<int> sub = bus.subscribe("t");
        QElapsedTimer clock;
        clock.start();
        auto result = sub.waitForMessage(QDeadlineTimer(50ms));
        QVERIFY(clock.elapsed() >= 45);
        QCOMPARE(result.error(), BusError::empty());
        QCOMPARE(watchers(bus.topic("t")), 0u);
    }

    void expiredDeadlineDoesNotBlock()
    {
        Bus<int> bus;
        Sub<int> sub = bus.subscribe("t");
        QCOMPARE(sub.waitForMessage(QDeadlineTimer(0)).error(), BusError::empty());
    }

    void blockingWaitReturnsAnUnseenValueAtOnce()
    {
        Bus<int> bus;
        Sub<int> sub = bus.subscribe("t");
        bus.publish("t", 4);
        QCOMPARE(*sub.waitForMessage(QDeadlineTimer(QDeadlineTimer::Forever)), 4);
        QCOMPARE(sub.waitForMessage(QDeadlineTimer(0)).error(), BusError::empty());
    }

    void blockingWaitWakesOnPublish()
    {
        Bus<int> bus;
        Topic<int> topic = bus.topic("t");
        Sub<int> sub = topic.subscribe();
        Expected<int> result = detail::makeFailure<int>(BusError::empty());
        {
            Background waiter([&] { result = sub.waitForMessage(QDeadlineTimer(30s)); });
            QTRY_COMPARE(watchers(topic), 1u); // the waiter is blocked now
            topic.publish(42);
        }
        QCOMPARE(*result, 42);
        QCOMPARE(watchers(topic), 0u);
    }

    void pingPongNeverLosesAWakeUp()
    {
        // Two threads that each block until the other publishes: a single lost wake-up stalls
        // the exchange until the deadline and fails the round.
        Bus<int> bus;
        Topic<int> ping = bus.topic("ping");
        Topic<int> pong = bus.topic("pong");
        Sub<int> pongs = pong.subscribe();
        constexpr int Rounds = 20'000;
        int failures = 0;
        {
            Background partner([&, pings = ping.subscribe()]() mutable {
                for (int i = 1; i <= Rounds; ++i) {
                    auto v = pings.waitForMessage(QDeadlineTimer(10s));
                    if (!v || *v != i)
                        return;
                    pong.publish(i);
                }
            });
            for (int i = 1; i <= Rounds; ++i) {
                ping.publish(i);
                auto v = pongs.waitForMessage(QDeadlineTimer(10s));
                if (!v || *v != i) {
                    ++failures;
                    break;
                }
            }
        }
        QCOMPARE(failures, 0);
    }

    void manyBlockedWaitersAllWake()
    {
        Bus<int> bus;
        Topic<int> topic = bus.topic("t");
        constexpr int Waiters = 8;
        std::atomic<int> woke{0};
        {
            std::vector<std::unique_ptr<Background>> threads;
            for (int i = 0; i < Waiters; ++i) {
                threads.push_back(std::make_unique<Background>([&, sub = topic.subscribe()]() mutable {
                    if (auto v = sub.waitForMessage(QDeadlineTimer(30s)); v && *v == 7)
                        woke.fetch_add(1);
                }));
            }
            QTRY_COMPARE(watchers(topic), quint32(Waiters));
            topic.publish(7);
        }
        QCOMPARE(woke.load(), Waiters);
    }

    void blockingWaitEndsWhenTopicIsRemoved()
    {
        Bus<int> bus;
        Topic<int> topic = bus.topic("t");
        Sub<int> sub = topic.subscribe();
        Expected<int> result(0);
        {
            Background waiter([&] { result = sub.waitForMessage(QDeadlineTimer(QDeadlineTimer::Forever)); });
            QTRY_COMPARE(watchers(topic), 1u);
            bus.removeTopic("t");
        }
        QCOMPARE(result.error(), BusError::disconnected());
    }

    void blockingWaitEndsWhenBusIsDestroyed()
    {
        std::optional<Bus<int>> bus(std::in_place);
        Topic<int> topic = bus->topic("t");
        std::vector<Expected<int>> results(3, Expected<int>(0));
        {
            std::vector<std::unique_ptr<Background>> threads;
            for (auto &result : results) {
                threads.push_back(std::make_unique<Background>([&result, sub = topic.subscribe()]() mutable {
                    result = sub.waitForMessage(QDeadlineTimer(QDeadlineTimer::Forever));
                }));
            }
            QTRY_COMPARE(watchers(topic), 3u);
            topic.publish(1); // an unseen value comes first...
            bus.reset();
        }
        for (const auto &result : results)
            QCOMPARE(*result, 1);
        Sub<int> late = topic.subscribe();
        QCOMPARE(late.waitForMessage(QDeadlineTimer(QDeadlineTimer::Forever)).error(),
                 BusError::disconnected()); // ...then Disconnected, without blocking
    }

    void asyncWaitResolvesOnPublish()
    {
        Bus<int> bus;
        Topic<int> topic = bus.topic("t");
        Sub<int> sub = topic.subscribe();
        QFuture<std::optional<int>> future = sub.waitForMessage();
        QVERIFY(!future.isFinished());
        QCOMPARE(watchers(topic), 1u);
        topic.publish(3); // completes the future in this (the publishing) thread
        QVERIFY(future.isFinished());
        QCOMPARE(future.result(), std::optional<int>(3));
        QCOMPARE(watchers(topic), 0u);
        // The future and the Sub share the seen version: 3 is not handed out twice.
        QCOMPARE(sub.lastSeenVersion(), quint64(1));
        QCOMPARE(sub.tryGetMessage().error(), BusError::empty());
        topic.publish(4);
        QCOMPARE(*sub.tryGetMessage(), 4);
    }

    void asyncWaitCompletesAtOnceWithAnUnseenValue()
    {
        Bus<int> bus;
        Sub<int> sub = bus.subscribe("t");
        bus.publish("t", 8);
        auto future = sub.waitForMessage();
        QVERIFY(future.isFinished());
        QCOMPARE(future.result(), std::optional<int>(8));
        QCOMPARE(sub.tryGetMessage().error(), BusError::empty());
    }

    void asyncWaitWithThen()
    {
        Bus<QString> bus;
        Sub<QString> sub = bus.subscribe("name");
        QFuture<qsizetype> length = sub.waitForMessage().then([](std::optional<QString> v) {
            return v ? v->size() : qsizetype(-1);
        });
        bus.publish("name", u"seven!!"_s);
        QVERIFY(length.isFinished());
        QCOMPARE(length.result(), qsizetype(7));
    }

    void asyncWaitAcrossThreadsWithContext()
    {
        Bus<int> bus;
        Sub<int> sub = bus.subscribe("t");
        std::optional<int> received;
        QThread *continuationThread = nullptr;
        auto done = sub.waitForMessage().then(this, [&](std::optional<int> v) {
            received = v;
            continuationThread = QThread::currentThread();
        });
        Background publisher([&] { bus.publish("t", 11); });
        QTRY_VERIFY(done.isFinished());
        QCOMPARE(received, std::optional<int>(11));
        QCOMPARE(continuationThread, QThread::currentThread());
    }

    void asyncWaitFinishesWithNulloptOnClose()
    {
        Bus<int> bus;
        Sub<int> sub = bus.subscribe("t");
        auto future = sub.waitForMessage();
        QVERIFY(!future.isFinished());
        bus.removeTopic("t");
        QVERIFY(future.isFinished());
        QCOMPARE(future.result(), std::nullopt);
        QVERIFY(sub.waitForMessage().isFinished()); // closed: resolves at once
        QCOMPARE(sub.waitForMessage().result(), std::nullopt);
    }

    void asyncWaitFinishesWhenBusIsDestroyed()
    {
        std::optional<Bus<int>> bus(std::in_place);
        Sub<int> sub = bus->subscribe("t");
        auto future = sub.waitForMessage();
        bus.reset();
        QVERIFY(future.isFinished());
        QCOMPARE(future.result(), std::nullopt);
    }

    void asyncWaitOfDestroyedSubIsCanceled()
    {
        Bus<int> bus;
        Topic<int> topic = bus.topic("t");
        QFuture<std::optional<int>> future;
        {
            Sub<int> sub = topic.subscribe();
            future = sub.waitForMessage();
            QCOMPARE(watchers(topic), 1u);
        }
        QVERIFY(future.isFinished());
        QVERIFY(future.isCanceled());
        QCOMPARE(watchers(topic), 0u);
        topic.publish(1); // nothing left to complete; must not touch the freed wait
        QCOMPARE(detail::AsyncWaitBase::liveCount(), 0);
    }

    void canceledAsyncWaitLeavesTheValueUnseen()
    {
        // dropslot's timeout(wait_for_message()) pattern: a wait given up on must not take the
        // next value away from the Sub's next read or wait.
        Bus<int> bus;
        Topic<int> topic = bus.topic("t");
        Sub<int> sub = topic.subscribe();
        QFuture<std::optional<int>> abandoned = sub.waitForMessage();
        abandoned.cancel();
        QVERIFY(topic.publish(1));
        QFuture<std::optional<int>> next = sub.waitForMessage();
        QVERIFY(next.isFinished());
        QCOMPARE(next.result(), std::optional<int>(1));

        QFuture<std::optional<int>> again = sub.waitForMessage();
        again.cancel();
        QVERIFY(topic.publish(2));
        QCOMPARE(sub.tryGetMessage().value(), 2);
    }

    void canceledAsyncWaitsDoNotPileUpOnAQuietTopic()
    {
        Bus<int> bus;
        Topic<int> topic = bus.topic("t");
        Sub<int> sub = topic.subscribe();
        for (int i = 0; i < 100; ++i)
            sub.waitForMessage().cancel();
        QCOMPARE(watchers(topic), 1u); // only the last one, until the next wait or publish
        QVERIFY(topic.publish(7));
        QCOMPARE(watchers(topic), 0u);
        QCOMPARE(sub.tryGetMessage().value(), 7);
    }

    void twoAsyncWaitsOnOneSubNeverShareAValue()
    {
        Bus<int> bus;
        Topic<int> topic = bus.topic("t");
        Sub<int> sub = topic.subscribe();
        auto first = sub.waitForMessage();
        auto second = sub.waitForMessage();
        topic.publish(1);
        QCOMPARE(int(first.isFinished()) + int(second.isFinished()), 1);
        auto &done = first.isFinished() ? first : second;
        auto &pending = first.isFinished() ? second : first;
        QCOMPARE(done.result(), std::optional<int>(1));
        topic.publish(2);
        QVERIFY(pending.isFinished());
        QCOMPARE(pending.result(), std::optional<int>(2));
    }

    void blockingAndAsyncWaitShareTheSeenVersion()
    {
        Bus<int> bus;
        Topic<int> topic = bus.topic("t");
        Sub<int> sub = topic.subscribe();
        auto future = sub.waitForMessage();
        topic.publish(5);
        QCOMPARE(future.result(), std::optional<int>(5));
        QCOMPARE(sub.waitForMessage(QDeadlineTimer(0)).error(), BusError::empty());
    }

    void subMayMoveToAnotherThread()
    {
        Bus<int> bus;
        Topic<int> topic = bus.topic("t");
        Sub<int> sub = topic.subscribe();
        topic.publish(1);
        std::optional<int> inThread;
        {
            Background worker([&, moved = std::move(sub)]() mutable {
                inThread = *moved.waitForMessage(QDeadlineTimer(5s));
            });
        }
        QCOMPARE(inThread, std::optional<int>(1));
    }
};

QTEST_GUILESS_MAIN(tst_Wait)
#include "tst_wait.moc"
