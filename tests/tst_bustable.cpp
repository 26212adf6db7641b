// SPDX-License-Identifier: MIT
// The bus's table under the ways it is built up and torn down: a bus that never held a topic,
// the shards allocated by whichever threads create the first topics at once, shards growing
// from their one-topic inline table to allocated ones, and cleanup visiting shards with nothing
// to remove, or more to remove than it takes in one visit.
#include <DropSlot/DropSlot>

#include <QtTest/QTest>

#include <atomic>
#include <latch>
#include <optional>
#include <random>
#include <thread>
#include <vector>

using namespace DropSlot;
using namespace Qt::StringLiterals;

namespace {
//! A bus a thread keeps until it exits.
struct ThreadHolder
{
    std::optional<Bus<int>> bus;
};
thread_local ThreadHolder t_holder;
}

class tst_BusTable : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init() { m_topicsBefore = detail::TopicCore::liveCount(); }
    void cleanup() { QCOMPARE(detail::TopicCore::liveCount(), m_topicsBefore); }

    void busThatNeverHeldATopic()
    {
        // Nothing is allocated for topics until the first one: every query still answers.
        Bus<int> bus;
        const Bus<int> copy = bus;
        QCOMPARE(bus.topicCount(), 0);
        QVERIFY(bus.topicNames().isEmpty());
        QVERIFY(!bus.findTopic("a").has_value());
        QVERIFY(!bus.removeTopic("a").has_value());
        QCOMPARE(bus.cleanupUnusedTopics(), 0);
        QCOMPARE(copy.topicCount(), 0);
        // The first topic, through a copy, is seen by every handle.
        copy.publish("a", 1);
        QCOMPARE(bus.topicCount(), 1);
        QCOMPARE(bus.topic("a").latest(), std::optional<int>(1));
    }

    void concurrentFirstTopics_data()
    {
        QTest::addColumn<int>("threads");
        QTest::newRow("2 threads") << 2;
        QTest::newRow("6 threads") << 6;
    }
    void concurrentFirstTopics()
    {
        // Threads released at once on a fresh bus race to allocate its shards; one allocation
        // wins, every topic lands in it, and concurrent creations of one name give one topic.
        QFETCH(int, threads);
        for (int round = 0; round < 200; ++round) {
            Bus<int> bus;
            std::latch start(threads);
            std::vector<Topic<int>> shared(static_cast<std::size_t>(threads));
            std::vector<Topic<int>> own(static_cast<std::size_t>(threads));
            std::vector<std::thread> workers;
            for (int t = 0; t < threads; ++t) {
                workers.emplace_back([&, t] {
                    start.arrive_and_wait();
                    shared[std::size_t(t)] = bus.topic("shared");
                    own[std::size_t(t)] = bus.topic(u"own/%1"_s.arg(t));
                });
            }
            for (std::thread &worker : workers)
                worker.join();
            QCOMPARE(bus.topicCount(), threads + 1);
            for (int t = 0; t < threads; ++t) {
                QVERIFY(shared[std::size_t(t)] == shared[0]);
                QVERIFY(bus.findTopic(u"own/%1"_s.arg(t)) == own[std::size_t(t)]);
            }
        }
    }

    void growthKeepsEveryTopic_data()
    {
        QTest::addColumn<int>("capacity");
        QTest::newRow("default") << int(Bus<int>::DefaultCapacity);
        QTest::newRow("no hint") << 0;
        QTest::newRow("hint 1000") << 1000;
    }
    void growthKeepsEveryTopic()
    {
        // Shards start with a one-topic inline table and grow into allocated ones; after every
        // creation, every topic created so far is still found, and removals in any order
        // (from inline and from allocated tables) keep the others.
        QFETCH(int, capacity);
        Bus<int> bus(capacity);
        std::vector<Topic<int>> held;
        constexpr int Count = 300;
        for (int i = 0; i < Count; ++i) {
            held.push_back(bus.topic(u"t/%1"_s.arg(i)));
            for (int j = 0; j <= i; j += (i < 40 ? 1 : 37))
                QVERIFY(bus.findTopic(u"t/%1"_s.arg(j)) == held[std::size_t(j)]);
        }
        QCOMPARE(bus.topicCount(), Count);
        for (int i = 0; i < Count; i += 3)
            QCOMPARE(bus.removeTopic(u"t/%1"_s.arg(i)), std::optional<qsizetype>(0));
        for (int i = 0; i < Count; ++i) {
            const auto found = bus.findTopic(u"t/%1"_s.arg(i));
            if (i % 3 == 0) {
                QVERIFY(!found.has_value());
                QVERIFY(held[std::size_t(i)].isClosed());
            } else {
                QVERIFY(found == held[std::size_t(i)]);
            }
        }
        QCOMPARE(bus.topicCount(), Count - (Count + 2) / 3);
    }

    void smallBusesAgainstAModel()
    {
        // A few topics over eight shards, most in the shards' inline tables, some grown out of
        // them and back: lookups of present and absent names, creations, removals and cleanup
        // in any order, checked against what should exist.
        std::mt19937 random(20261203);
        for (int round = 0; round < 300; ++round) {
            Bus<int> bus;
            const int names = 2 + int(random() % 20);
            std::vector<Topic<int>> held(static_cast<std::size_t>(names));
            std::vector<bool> exists(static_cast<std::size_t>(names), false);
            const auto name = [round](int i) { return u"small/%1/%2"_s.arg(round).arg(i); };
            for (int step = 0; step < 60; ++step) {
                const int i = int(random() % unsigned(names));
                const auto k = static_cast<std::size_t>(i);
                switch (random() % 4) {
                case 0:
                case 1:
                    held[k] = bus.topic(name(i));
                    exists[k] = true;
                    break;
                case 2:
                    QCOMPARE(bus.removeTopic(name(i)).has_value(), bool(exists[k]));
                    exists[k] = false;
                    held[k] = Topic<int>();
                    break;
                default:
                    if (random() % 2)
                        held[k] = Topic<int>(); // unused now: cleanup takes it
                    bus.cleanupUnusedTopics();
                    for (int j = 0; j < names; ++j)
                        exists[std::size_t(j)] = exists[std::size_t(j)] && held[std::size_t(j)].isValid();
                    break;
                }
                int count = 0;
                for (int j = 0; j < names; ++j) {
                    const auto found = bus.findTopic(name(j));
                    QCOMPARE(found.has_value(), bool(exists[std::size_t(j)]));
                    if (found && held[std::size_t(j)].isValid())
                        QVERIFY(*found == held[std::size_t(j)]);
                    count += exists[std::size_t(j)] ? 1 : 0;
                }
                QCOMPARE(bus.topicCount(), count);
            }
        }
    }

    void cleanupLeavesShardsWithNothingToRemove()
    {
        // Every topic held: cleanup removes nothing and changes nothing.
        Bus<int> bus;
        std::vector<Topic<int>> held;
        for (int i = 0; i < 200; ++i)
            held.push_back(bus.topic(u"held/%1"_s.arg(i)));
        QCOMPARE(bus.cleanupUnusedTopics(), 0);
        QCOMPARE(bus.topicCount(), 200);
        // Release every fourth: only those go, wherever they sit, and the rest still resolve.
        for (int i = 0; i < 200; i += 4)
            held[std::size_t(i)] = Topic<int>();
        QCOMPARE(bus.cleanupUnusedTopics(), 50);
        QCOMPARE(bus.topicCount(), 150);
        for (int i = 0; i < 200; ++i) {
            const auto found = bus.findTopic(u"held/%1"_s.arg(i));
            QCOMPARE(found.has_value(), i % 4 != 0);
            if (found)
                QVERIFY(*found == held[std::size_t(i)]);
        }
        QCOMPARE(bus.cleanupUnusedTopics(), 0);
    }

    void cleanupInDenseClusters()
    {
        // Tables between 3/16 and 3/4 full have long clusters, some wrapping around the table's
        // end. Cleanup removes a shard's unused topics last slot first, erasing each by moving
        // later ones back: every held topic, moved or not, still resolves, and every unused one
        // is gone.
        std::mt19937 random(20261202);
        for (int round = 0; round < 30; ++round) {
            Bus<int> bus;
            const int count = 50 + int(random() % 950);
            std::vector<Topic<int>> held(static_cast<std::size_t>(count));
            int kept = 0;
            for (int i = 0; i < count; ++i) {
                Topic<int> topic = bus.topic(u"dense/%1"_s.arg(i));
                if (random() % 3 == 0) {
                    held[std::size_t(i)] = topic;
                    ++kept;
                }
            }
            QCOMPARE(bus.cleanupUnusedTopics(), count - kept);
            QCOMPARE(bus.topicCount(), kept);
            for (int i = 0; i < count; ++i) {
                const auto found = bus.findTopic(u"dense/%1"_s.arg(i));
                QCOMPARE(found.has_value(), held[std::size_t(i)].isValid());
                if (found)
                    QVERIFY(*found == held[std::size_t(i)]);
            }
        }
    }

    void cleanupOfMoreThanOneVisitTakes()
    {
        // Thousands of unused topics per shard: cleanup takes them in batches and visits a
        // shard again until it is done.
        Bus<int> bus;
        Topic<int> kept = bus.topic("kept");
        for (int i = 0; i < 5000; ++i)
            bus.topic(u"unused/%1"_s.arg(i));
        QCOMPARE(bus.topicCount(), 5001);
        QCOMPARE(bus.cleanupUnusedTopics(), 5000);
        QCOMPARE(bus.topicNames(), QStringList{u"kept"_s});
        QVERIFY(bus.findTopic("kept") == kept);
    }

    void liveCountAcrossThreads()
    {
        // Topics are counted by the thread that creates or destroys them: the count is right
        // whichever thread does which, also after those threads ended, and for a topic freed
        // while its thread is exiting (by a thread_local, after the thread's own record is gone).
        const qsizetype before = detail::TopicCore::liveCount();
        std::optional<Bus<int>> made;
        std::thread([&] {
            made.emplace();
            for (int i = 0; i < 10; ++i)
                made->publish(u"made/%1"_s.arg(i), i);
        }).join();
        QCOMPARE(detail::TopicCore::liveCount(), before + 10);

        std::thread([&made] { made.reset(); }).join(); // the last handle: its topics go here
        QCOMPARE(detail::TopicCore::liveCount(), before);

        std::thread([] {
            t_holder.bus.emplace(); // built before the thread's first topic: destroyed after it
            t_holder.bus->publish("exiting", 1);
        }).join();
        QCOMPARE(detail::TopicCore::liveCount(), before);
    }

    void cleanupRacingCreation()
    {
        // One thread creates and drops topics, another holds some, a third cleans up: a held
        // topic is never removed, and the bus ends consistent.
        Bus<int> bus;
        std::atomic<bool> stop{false};
        std::atomic<int> lost{0};
        std::thread creator([&] {
            for (int i = 0; i < 20000; ++i)
                bus.topic(u"churn/%1"_s.arg(i % 500));
            stop = true;
        });
        std::thread holder([&] {
            while (!stop) {
                for (int i = 0; i < 50; ++i) {
                    Topic<int> topic = bus.topic(u"hold/%1"_s.arg(i));
                    topic.publish(i);
                    if (!(bus.findTopic(u"hold/%1"_s.arg(i)) == topic))
                        ++lost;
                }
            }
        });
        while (!stop)
            bus.cleanupUnusedTopics();
        creator.join();
        holder.join();
        QCOMPARE(lost.load(), 0);
        bus.cleanupUnusedTopics();
        QCOMPARE(bus.topicCount(), 0);
    }

private:
    qsizetype m_topicsBefore = 0;
};

QTEST_GUILESS_MAIN(tst_BusTable)
#include "tst_bustable.moc"
