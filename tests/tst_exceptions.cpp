// SPDX-License-Identifier: MIT
// A T whose copy or move throws: the exception reaches the caller and the topic stays usable.
#include "testsupport.h"

#include <DropSlot/DropSlot>

#include <QtCore/QRegularExpression>
#include <QtCore/QSemaphore>
#include <QtTest/QTest>

#include <atomic>
#include <memory>
#include <stdexcept>
#include <thread>

using namespace DropSlot;
using namespace Qt::StringLiterals;

namespace {

// Copies throw on demand, once; moves throw on the movesUntilThrow-th move from now.
struct Fragile
{
    static inline std::atomic<bool> throwOnCopy{false};
    static inline std::atomic<int> movesUntilThrow{0};

    int value = 0;

    Fragile() = default;
    explicit Fragile(int v) : value(v) { }
    Fragile(const Fragile &other) : value(other.value) { maybeThrow(throwOnCopy); }
    Fragile(Fragile &&other) : value(other.value) { maybeThrowOnMove(); }
    Fragile &operator=(const Fragile &other)
    {
        maybeThrow(throwOnCopy);
        value = other.value;
        return *this;
    }
    Fragile &operator=(Fragile &&other)
    {
        maybeThrowOnMove();
        value = other.value;
        return *this;
    }
    friend bool operator==(const Fragile &a, const Fragile &b) { return a.value == b.value; }

private:
    static void maybeThrow(std::atomic<bool> &flag)
    {
        if (flag.exchange(false))
            throw std::runtime_error("copy failed");
    }
    static void maybeThrowOnMove()
    {
        int left = movesUntilThrow.load();
        while (left > 0 && !movesUntilThrow.compare_exchange_weak(left, left - 1)) { }
        if (left == 1)
            throw std::runtime_error("move failed");
    }
};

// Runs f on another thread and says whether it returned in time: a topic left locked would make
// it spin forever, and the test must fail, not hang.
template <typename F>
bool returnsInTime(F f)
{
    auto done = std::make_shared<QSemaphore>();
    std::thread([f = std::move(f), done]() mutable {
        f();
        done->release();
    }).detach();
    return done->tryAcquire(1, 10000);
}

// True when the topic can be read (holding 'expected') from another thread in time.
bool stillUsable(const Topic<Fragile> &topic, int expected)
{
    auto read = std::make_shared<std::atomic<int>>(-1);
    return returnsInTime([topic, read] { *read = topic.latest().value_or(Fragile(-2)).value; })
           && read->load() == expected;
}

} // namespace

class tst_Exceptions : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cleanup()
    {
        Fragile::throwOnCopy = false;
        Fragile::movesUntilThrow = 0;
    }

    void throwingCopyInAReadLeavesTheTopicUsable()
    {
        Bus<Fragile> bus;
        Topic<Fragile> topic = bus.topic("t");
        Sub<Fragile> sub = topic.subscribe();
        QVERIFY(topic.publish(Fragile(1)));

        Fragile::throwOnCopy = true;
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, topic.latest());
        QVERIFY(stillUsable(topic, 1));
        Fragile::throwOnCopy = true;
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, sub.tryGetMessage());
        QVERIFY(stillUsable(topic, 1));
        // latestWith() reads the value in place: it makes no copy that could throw.
        Fragile::throwOnCopy = true;
        QCOMPARE(sub.latestWith([](const Fragile &f) { return f.value; }), std::optional<int>(1));
        Fragile::throwOnCopy = false;
        QVERIFY(stillUsable(topic, 1));
        // A functor that throws leaves the topic as it was.
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, sub.latestWith([](const Fragile &) -> int {
            throw std::runtime_error("functor");
        }));
        QVERIFY(stillUsable(topic, 1));

        // The failed read took nothing: the Sub still has the value unseen (strong guarantee).
        QCOMPARE(sub.tryGetMessage().value().value, 1);
        std::atomic<bool> published{false};
        QVERIFY(returnsInTime([topic, &published] { published = topic.publish(Fragile(2)); }));
        QVERIFY(published.load());
        QCOMPARE(sub.tryGetMessage().value().value, 2);
    }

    void throwingMoveInAPublishLeavesTheTopicUsable()
    {
        Bus<Fragile> bus;
        Topic<Fragile> topic = bus.topic("t");
        QVERIFY(topic.publish(Fragile(1)));
        const quint64 version = topic.version();
        Fragile incoming(2);
        // publish(T &&) moves the argument once outside the lock, then swaps it in under the
        // lock: the swap's first move throws.
        Fragile::movesUntilThrow = 2;
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, topic.publish(std::move(incoming)));
        QCOMPARE(Fragile::movesUntilThrow.load(), 0);

        std::atomic<bool> published{false};
        QVERIFY(returnsInTime([topic, &published] { published = topic.publish(Fragile(3)); }));
        QVERIFY(published.load());
        QVERIFY(stillUsable(topic, 3));
        QVERIFY(topic.version() > version);

        Fragile::throwOnCopy = true; // the copy publishIfChanged makes of its argument
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, topic.publishIfChanged(Fragile(4)));
        QVERIFY(topic.publishIfChanged(Fragile(4)));
        QCOMPARE(topic.latest()->value, 4);
    }

    void asyncWaitGetsTheException()
    {
        Bus<Fragile> bus;
        Topic<Fragile> topic = bus.topic("t");
        Sub<Fragile> sub = topic.subscribe();
        QFuture<std::optional<Fragile>> future = sub.waitForMessage();
        Fragile::throwOnCopy = true; // the wait's read, made as the publish completes it
        QVERIFY(topic.publish(Fragile(5)));
        QVERIFY(future.isFinished());
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, future.result());
        QCOMPARE(sub.tryGetMessage().value().value, 5); // still unseen for the Sub
    }

    void asyncWaitWhoseResultMoveThrowsLeavesTheValueUnseen()
    {
        Bus<Fragile> bus;
        Topic<Fragile> topic = bus.topic("t");
        Sub<Fragile> sub = topic.subscribe();
        QObject context;
        int delivered = 0;
        Connection c = DropSlot::connect(topic, &context, [&](const Fragile &f) { delivered = f.value; },
                                         {.deliverCurrent = false});
        QFuture<std::optional<Fragile>> future = sub.waitForMessage();
        // publish(const T &) copies, then moves the copy into the empty topic (the first move);
        // the wait then reads a copy and moves it into its future: the second move throws.
        Fragile::movesUntilThrow = 2;
        const Fragile value(6);
        QVERIFY(topic.publish(value));
        QCOMPARE(Fragile::movesUntilThrow.load(), 0);
        QVERIFY(future.isFinished());
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, future.result());
        QCOMPARE(sub.tryGetMessage().value().value, 6); // the claim was given back
        QTRY_COMPARE(delivered, 6);                     // connections were not skipped
    }

    void deliveryWhoseReadThrowsIsSkippedWithAWarning()
    {
        Bus<Fragile> bus;
        Topic<Fragile> topic = bus.topic("t");
        QObject context;
        int last = 0;
        int calls = 0;
        Connection c = DropSlot::connect(topic, &context, [&](const Fragile &f) {
            last = f.value;
            ++calls;
        }, {.deliverCurrent = false});
        QVERIFY(topic.publish(Fragile(1)));
        Fragile::throwOnCopy = true; // the delivery's read
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"topic \"t\" for a delivery threw"_s));
        QTRY_VERIFY(!Fragile::throwOnCopy.load());
        QCOMPARE(calls, 0);
        QVERIFY(c.isConnected());
        QVERIFY(topic.publish(Fragile(2)));
        QTRY_COMPARE(last, 2);
        QCOMPARE(calls, 1);
    }
};

QTEST_GUILESS_MAIN(tst_Exceptions)
#include "tst_exceptions.moc"
