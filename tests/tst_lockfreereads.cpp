// SPDX-License-Identifier: MIT
// Reads that take no lock: the sequence lock of small trivially copyable values and the hazard
// pointers of every other type. Publishers race readers on every read form (latest(),
// tryGetMessage(), latestWith(), tryGetMessageAndApply()), with topics removed under them; a
// torn value, a value paired with another publish's version, or a value read after it was
// destroyed fails the test (the last one through the sanitizer presets, and through the
// payload check here).
#include "testsupport.h"

#include <DropSlot/DropSlot>

#include <QtTest/QTest>

#include <array>
#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <stdexcept>
#include <thread>
#include <vector>

using namespace DropSlot;
using TestSupport::Failures;
using namespace Qt::StringLiterals;

namespace {

// Eight words, every one equal to the publish's number: a torn read shows as unequal words.
struct Wide
{
    std::array<quint64, 8> words{};
    friend bool operator==(const Wide &, const Wide &) = default;
};
static_assert(sizeof(Wide) == 64 && detail::fitsSeqlock<Wide>);

Wide wide(quint64 n)
{
    Wide w;
    w.words.fill(n);
    return w;
}

bool uniform(const Wide &w)
{
    for (quint64 word : w.words) {
        if (word != w.words[0])
            return false;
    }
    return true;
}

// A payload that names its publish: a freed or torn one fails decode().
QByteArray payload(quint64 n)
{
    return QByteArray::number(n).repeated(8);
}

bool decodes(const QByteArray &bytes, quint64 n)
{
    return bytes == payload(n);
}

// A value that counts its live instances, to check that replaced values are destroyed.
struct Counted
{
    static inline std::atomic<int> live{0};
    quint64 n = 0;
    QByteArray bytes;
    Counted() { live.fetch_add(1, std::memory_order_relaxed); }
    explicit Counted(quint64 v) : n(v), bytes(payload(v)) { live.fetch_add(1, std::memory_order_relaxed); }
    Counted(const Counted &o) : n(o.n), bytes(o.bytes) { live.fetch_add(1, std::memory_order_relaxed); }
    Counted(Counted &&o) noexcept : n(o.n), bytes(std::move(o.bytes)) { live.fetch_add(1, std::memory_order_relaxed); }
    Counted &operator=(const Counted &) = default;
    Counted &operator=(Counted &&) noexcept = default;
    ~Counted() { live.fetch_sub(1, std::memory_order_relaxed); }
};

constexpr auto RaceTime = std::chrono::milliseconds(400);

void joinAll(std::thread &thread)
{
    thread.join();
}

void joinAll(std::vector<std::thread> &threads)
{
    for (auto &t : threads)
        t.join();
}

//! Lets the threads race for RaceTime, then stops them and waits for them.
template <typename... Threads>
void raceThenStop(std::atomic<bool> &stop, Threads &...threads)
{
    std::this_thread::sleep_for(RaceTime);
    stop.store(true);
    (joinAll(threads), ...);
}

//! A thread that has read lock-free, so it holds a hazard record, and waits until destroyed:
//! while it lives, no other thread reads alone.
class ParkedReader
{
public:
    explicit ParkedReader(const Topic<Counted> &topic)
        : m_thread([this, topic] {
              Sub<Counted> sub = topic.subscribe();
              sub.latestWith([](const Counted &) { return 0; });
              m_read.set_value();
              m_release.get_future().wait();
          })
    {
        m_read.get_future().wait();
    }
    ~ParkedReader()
    {
        m_release.set_value();
        m_thread.join();
    }

private:
    std::promise<void> m_read;
    std::promise<void> m_release;
    std::thread m_thread; // last: starts once the promises exist
};

} // namespace

class tst_LockFreeReads : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cellChoice()
    {
        QVERIFY(detail::TopicState<double>::UsesSeqlock);
        QVERIFY(detail::TopicState<int>::UsesSeqlock);
        QVERIFY(detail::TopicState<Wide>::UsesSeqlock);
        QVERIFY(!detail::TopicState<QByteArray>::UsesSeqlock);
        QVERIFY(!detail::TopicState<QString>::UsesSeqlock);
        struct Big
        {
            char bytes[65];
        };
        QVERIFY(!detail::TopicState<Big>::UsesSeqlock);
    }

    //! One publisher owns the topic, so the value published as version v holds v in every
    //! word; readers on every read form check that words agree and match the version.
    void seqlockValueMatchesVersion()
    {
        Bus<Wide> bus;
        Topic<Wide> topic = bus.topic(u"wide"_s);
        Failures failures;
        std::atomic<bool> stop{false};
        std::thread publisher([&] {
            for (quint64 n = 1; !stop.load(std::memory_order_relaxed); ++n)
                topic.publish(wide(n));
        });
        std::vector<std::thread> readers;
        for (int r = 0; r < 2; ++r) {
            readers.emplace_back([&, r] {
                Sub<Wide> sub = topic.subscribe();
                quint64 last = 0;
                while (!stop.load(std::memory_order_relaxed)) {
                    if (auto w = sub.latest(); w && !uniform(*w))
                        failures.add(u"latest() torn"_s);
                    auto checked = sub.tryGetMessageAndApply([&](const Wide &w) {
                        if (!uniform(w))
                            failures.add(u"tryGetMessageAndApply torn"_s);
                        // tryGetMessage and the version it marks seen come from one publish.
                        if (w.words[0] != sub.lastSeenVersion())
                            failures.add(u"value %1 paired with version %2"_s.arg(w.words[0]).arg(sub.lastSeenVersion()));
                        if (w.words[0] <= last)
                            failures.add(u"versions went back"_s);
                        last = w.words[0];
                        return true;
                    });
                    Q_UNUSED(checked);
                    if (r == 0) {
                        if (auto m = sub.tryGetMessage(); m && (!uniform(*m) || m->words[0] != sub.lastSeenVersion()))
                            failures.add(u"tryGetMessage torn or mispaired"_s);
                    }
                    sub.latestWith([&](const Wide &w) {
                        if (!uniform(w))
                            failures.add(u"latestWith torn"_s);
                        return 0;
                    });
                }
            });
        }
        raceThenStop(stop, publisher, readers);
        QVERIFY2(failures.count() == 0, qPrintable(failures.summary()));
        QCOMPARE(topic.latest()->words[0], topic.version());
    }

    //! Two publishers: values stay whole (whoever's they are).
    void seqlockTwoPublishers()
    {
        Bus<Wide> bus;
        Topic<Wide> topic = bus.topic(u"wide"_s);
        Failures failures;
        std::atomic<bool> stop{false};
        std::vector<std::thread> threads;
        for (quint64 base : {quint64(1), quint64(1) << 40}) {
            threads.emplace_back([&, base] {
                for (quint64 n = base; !stop.load(std::memory_order_relaxed); ++n)
                    topic.publish(wide(n));
            });
        }
        threads.emplace_back([&] {
            Sub<Wide> sub = topic.subscribe();
            while (!stop.load(std::memory_order_relaxed)) {
                if (auto w = sub.latest(); w && !uniform(*w))
                    failures.add(u"torn"_s);
            }
        });
        raceThenStop(stop, threads);
        QVERIFY2(failures.count() == 0, qPrintable(failures.summary()));
    }

    //! Hazard-pointer reads of QByteArray while two threads publish and a third removes and
    //! recreates the topic: every payload a reader sees decodes to the version it came with.
    void hazardReadsWithRemoval()
    {
        Bus<QByteArray> bus;
        Failures failures;
        std::atomic<bool> stop{false};
        std::vector<std::thread> threads;
        for (int p = 0; p < 2; ++p) {
            threads.emplace_back([&] {
                while (!stop.load(std::memory_order_relaxed)) {
                    Topic<QByteArray> topic = bus.topic(u"bytes"_s);
                    for (int i = 0; i < 200; ++i)
                        topic.publish(payload(quint64(i)));
                }
            });
        }
        for (int r = 0; r < 2; ++r) {
            threads.emplace_back([&] {
                while (!stop.load(std::memory_order_relaxed)) {
                    Sub<QByteArray> sub = bus.subscribe(u"bytes"_s);
                    for (int i = 0; i < 200; ++i) {
                        sub.latestWith([&](const QByteArray &b) {
                            bool ok = false;
                            const quint64 n = b.left(b.size() / 8).toULongLong(&ok);
                            if (!ok || !decodes(b, n))
                                failures.add(u"latestWith saw a broken payload"_s);
                            return 0;
                        });
                        auto m = sub.tryGetMessageAndApply([&](const QByteArray &b) { return b.size(); });
                        if (m && *m % 8 != 0)
                            failures.add(u"tryGetMessageAndApply saw a broken payload"_s);
                        if (auto v = sub.latest(); v && v->size() % 8 != 0)
                            failures.add(u"latest() saw a broken payload"_s);
                    }
                }
            });
        }
        threads.emplace_back([&] {
            while (!stop.load(std::memory_order_relaxed)) {
                bus.removeTopic(u"bytes"_s);
                std::this_thread::yield();
            }
        });
        raceThenStop(stop, threads);
        QVERIFY2(failures.count() == 0, qPrintable(failures.summary()));
    }

    //! One publisher per topic: a hazard read pairs value and version exactly.
    void hazardValueMatchesVersion()
    {
        Bus<QByteArray> bus;
        Topic<QByteArray> topic = bus.topic(u"owned"_s);
        Failures failures;
        std::atomic<bool> stop{false};
        std::thread publisher([&] {
            for (quint64 n = 1; !stop.load(std::memory_order_relaxed); ++n)
                topic.publish(payload(n));
        });
        std::thread reader([&] {
            Sub<QByteArray> sub = topic.subscribe();
            while (!stop.load(std::memory_order_relaxed)) {
                sub.tryGetMessageAndApply([&](const QByteArray &b) {
                    if (!decodes(b, sub.lastSeenVersion()))
                        failures.add(u"payload %1 with version %2"_s.arg(QString::fromLatin1(b)).arg(sub.lastSeenVersion()));
                    return 0;
                });
                if (auto m = sub.tryGetMessage(); m && !decodes(*m, sub.lastSeenVersion()))
                    failures.add(u"tryGetMessage mispaired"_s);
            }
        });
        raceThenStop(stop, publisher, reader);
        QVERIFY2(failures.count() == 0, qPrintable(failures.summary()));
    }

    //! Reads nested deeper than a thread has hazard slots fall back to copies and still work;
    //! a functor that throws gives its slot back.
    void nestingAndExceptions()
    {
        Bus<QByteArray> bus;
        std::vector<Topic<QByteArray>> topics;
        std::vector<Sub<QByteArray>> subs;
        for (int i = 0; i < 8; ++i) {
            topics.push_back(bus.topic(u"n/%1"_s.arg(i)));
            topics.back().publish(payload(quint64(i)));
            subs.push_back(topics.back().subscribe());
        }
        for (int round = 0; round < 3; ++round) {
            for (int i = 0; i < 10; ++i) {
                QVERIFY_THROWS_EXCEPTION(std::runtime_error, subs[0].latestWith([](const QByteArray &) -> int {
                    throw std::runtime_error("functor");
                }));
            }
            std::function<int(int)> nest = [&](int depth) -> int {
                if (depth == int(subs.size()))
                    return 0;
                return *subs[std::size_t(depth)].latestWith([&](const QByteArray &b) {
                    return (decodes(b, quint64(depth)) ? 1 : 0) + nest(depth + 1);
                });
            };
            QCOMPARE(nest(0), 8);
        }
    }

    //! Replaced values are destroyed in batches while a reader reads lock-free: the number
    //! alive stays bounded, and all are gone with the topic.
    void replacedValuesAreBounded()
    {
        const int before = Counted::live.load();
        {
            Bus<Counted> bus;
            Topic<Counted> topic = bus.topic(u"counted"_s);
            Sub<Counted> sub = topic.subscribe();
            int most = 0;
            for (quint64 n = 1; n <= 5000; ++n) {
                topic.publish(Counted(n));
                QCOMPARE(*sub.latestWith([](const Counted &c) { return c.n; }), n);
                most = std::max(most, Counted::live.load() - before);
            }
            QVERIFY2(most <= int(detail::NodeCell<Counted>::RetireBatch) + 4,
                     qPrintable(QString::number(most)));
        }
        QCOMPARE(Counted::live.load(), before);
    }

    //! After a lock-free read, the scan of the next batch of replaced values finds no reader
    //! and publishes go back to swapping in place: replaced values die at once again. A read
    //! soon after that turns replacing back on and sees the newest value.
    void publishesSwapInPlaceAgainAfterAScan()
    {
        constexpr quint64 Batch = detail::NodeCell<Counted>::RetireBatch;
        const int before = Counted::live.load();
        {
            Bus<Counted> bus;
            Topic<Counted> topic = bus.topic(u"counted"_s);
            Sub<Counted> sub = topic.subscribe();
            quint64 n = 0;
            for (int round = 0; round < 3; ++round) {
                topic.publish(Counted(++n));
                QCOMPARE(*sub.latestWith([](const Counted &c) { return c.n; }), n);
                // The read's node and Batch - 1 more are replaced: the batch's scan switches
                // replacing off; then Batch / 2 publishes swap in place.
                for (quint64 i = 0; i < Batch + Batch / 2; ++i)
                    topic.publish(Counted(++n));
                QCOMPARE(Counted::live.load() - before, 1);
                QCOMPARE(sub.latest()->n, n);
            }
        }
        QCOMPARE(Counted::live.load(), before);
    }

    //! A read that comes long after the previous one (a batch of versions or more) copies the
    //! value under the lock and leaves replacing off: the publishes after it keep swapping in
    //! place, and the replaced values die at once. A read soon after turns replacing on.
    void rareReadsLeaveReplacingOff()
    {
        constexpr quint64 Batch = detail::NodeCell<Counted>::RetireBatch;
        const int before = Counted::live.load();
        {
            Bus<Counted> bus;
            Topic<Counted> topic = bus.topic(u"counted"_s);
            Sub<Counted> sub = topic.subscribe();
            quint64 n = 0;
            for (int round = 0; round < 3; ++round) {
                for (quint64 i = 0; i < 2 * Batch; ++i)
                    topic.publish(Counted(++n));
                QCOMPARE(*sub.latestWith([](const Counted &c) { return c.n; }), n);
                topic.publish(Counted(++n));
                QCOMPARE(Counted::live.load() - before, 1);
            }
            // One version after the last read: this one turns replacing on, so the value it read
            // stays alive once replaced, until its batch is scanned.
            QCOMPARE(*sub.latestWith([](const Counted &c) { return c.n; }), n);
            topic.publish(Counted(++n));
            QCOMPARE(Counted::live.load() - before, 2);
            QCOMPARE(sub.latest()->n, n);
        }
        QCOMPARE(Counted::live.load(), before);
    }

    //! Readers that read in bursts now and then, while one thread publishes flat out: replacing
    //! switches off between their bursts and back on within a burst (the first read of a burst,
    //! long after the last, copies under the lock). Every read pairs its value with its
    //! version; a read racing an in-place swap is a data race for ThreadSanitizer.
    void intermittentReadersRaceSwitchingOff()
    {
        constexpr quint64 Batch = detail::NodeCell<QByteArray>::RetireBatch;
        Bus<QByteArray> bus;
        Topic<QByteArray> topic = bus.topic(u"intermittent"_s);
        Failures failures;
        std::atomic<bool> stop{false};
        std::atomic<quint64> reads{0};
        std::thread publisher([&] {
            for (quint64 n = 1; !stop.load(std::memory_order_relaxed); ++n)
                topic.publish(payload(n));
        });
        std::vector<std::thread> readers;
        for (int r = 0; r < 2; ++r) {
            readers.emplace_back([&, r] {
                Sub<QByteArray> sub = topic.subscribe();
                for (int i = 0; !stop.load(std::memory_order_relaxed); ++i) {
                    bool found = false;
                    // A burst: reads after the first come soon enough to turn replacing on.
                    for (int k = 0; k < 4; ++k) {
                        if ((i + k + r) % 2 == 0) {
                            found |= sub.tryGetMessageAndApply([&](const QByteArray &b) {
                                if (!decodes(b, sub.lastSeenVersion()))
                                    failures.add(u"tryGetMessageAndApply mispaired"_s);
                                return 0;
                            }).has_value();
                        } else if (auto m = sub.tryGetMessage()) {
                            found = true;
                            if (!decodes(*m, sub.lastSeenVersion()))
                                failures.add(u"tryGetMessage mispaired"_s);
                        }
                    }
                    if (found)
                        reads.fetch_add(1, std::memory_order_relaxed);
                    // Let at least two batches go by, so that a scan switches replacing off.
                    const quint64 from = topic.version();
                    while (!stop.load(std::memory_order_relaxed) && topic.version() < from + 2 * Batch)
                        std::this_thread::yield();
                }
            });
        }
        raceThenStop(stop, publisher, readers);
        QVERIFY2(failures.count() == 0, qPrintable(failures.summary()));
        QVERIFY(reads.load() > 0); // reads found values (each waits for two batches)
    }

    //! A value still read when its batch is scanned is kept, and replacing stays on: the kept
    //! value is scanned again with a later batch and freed, not left behind once publishes
    //! swap in place again.
    void valueReadDuringAScanIsFreedLater()
    {
        constexpr quint64 Batch = detail::NodeCell<Counted>::RetireBatch;
        const int before = Counted::live.load();
        {
            Bus<Counted> bus;
            Topic<Counted> topic = bus.topic(u"counted"_s);
            Sub<Counted> sub = topic.subscribe();
            quint64 n = 1;
            topic.publish(Counted(n));
            // Publishing from inside the read: the batch that retires the value being read is
            // scanned while the read holds it.
            const bool intact = *sub.latestWith([&](const Counted &c) {
                for (quint64 i = 0; i < Batch + Batch / 2; ++i)
                    topic.publish(Counted(++n));
                return c.n == 1 && decodes(c.bytes, 1);
            });
            QVERIFY(intact);
            // Two more batches: the next scan finds no reader and frees the kept value too;
            // afterwards publishes swap in place and only the current value is alive.
            for (quint64 i = 0; i < 2 * Batch; ++i)
                topic.publish(Counted(++n));
            QCOMPARE(Counted::live.load() - before, 1);
            QCOMPARE(sub.latest()->n, n);
        }
        QCOMPARE(Counted::live.load(), before);
    }

    //! A scan by a thread that reads alone skips the barrier; one made while another thread is
    //! inside a read must see that thread's hazard and keep the value it reads.
    void valueReadByAnotherThreadDuringAScanIsKept()
    {
        constexpr quint64 Batch = detail::NodeCell<Counted>::RetireBatch;
        Bus<Counted> bus;
        Topic<Counted> topic = bus.topic(u"counted"_s);
        topic.publish(Counted(1));
        std::promise<void> inside;
        std::promise<void> published;
        bool intact = false;
        std::thread reader([&] {
            Sub<Counted> sub = topic.subscribe();
            intact = *sub.latestWith([&](const Counted &c) {
                inside.set_value();
                published.get_future().wait();
                return c.n == 1 && decodes(c.bytes, 1);
            });
        });
        inside.get_future().wait();
        // Reads here too keep replacing on: a value the scan wrongly freed would be reused.
        Sub<Counted> own = topic.subscribe();
        quint64 n = 1;
        bool ownReadsRight = true;
        for (quint64 i = 0; i < 2 * Batch; ++i) {
            topic.publish(Counted(++n));
            ownReadsRight &= *own.latestWith([](const Counted &c) { return c.n; }) == n;
        }
        published.set_value();
        reader.join();
        QVERIFY(ownReadsRight);
        QVERIFY(intact);
    }

    //! Lookups find topics without the shard lock while other threads remove topics, clean up,
    //! and grow the table: every lookup returns the topic of the name it asked for.
    void lookupsRaceRemovalCleanupAndGrowth()
    {
        Bus<QByteArray> bus;
        constexpr int Names = 48;
        QStringList names;
        for (int i = 0; i < Names; ++i)
            names.append(u"k/%1"_s.arg(i));
        Failures failures;
        std::atomic<bool> stop{false};
        std::vector<std::thread> threads;
        for (int r = 0; r < 2; ++r) {
            threads.emplace_back([&, r] {
                for (quint64 n = 0; !stop.load(std::memory_order_relaxed); ++n) {
                    const QString &name = names[int((n * 7 + quint64(r)) % Names)];
                    Topic<QByteArray> topic = bus.topic(name);
                    if (topic.name() != name)
                        failures.add(u"topic(%1) returned %2"_s.arg(name, topic.name()));
                    topic.publish(payload(n));
                    if (auto found = bus.findTopic(name); found && found->name() != name)
                        failures.add(u"findTopic(%1) returned %2"_s.arg(name, found->name()));
                }
            });
        }
        threads.emplace_back([&] {
            for (quint64 n = 0; !stop.load(std::memory_order_relaxed); ++n)
                bus.removeTopic(names[int(n % Names)]);
        });
        threads.emplace_back([&] {
            // Fills the table (it grows, and replaced tables are retired), then empties it.
            for (quint64 round = 0; !stop.load(std::memory_order_relaxed); ++round) {
                for (int i = 0; i < 300; ++i)
                    bus.topic(u"g/%1/%2"_s.arg(round).arg(i));
                bus.cleanupUnusedTopics();
            }
        });
        raceThenStop(stop, threads);
        QVERIFY2(failures.count() == 0, qPrintable(failures.summary()));
    }

    //! cleanupUnusedTopics() racing a lookup: the lookup either keeps the topic in the bus or
    //! gets a new one, never the topic cleanup took out (publishing to it would reach nobody).
    void lookupNeverReturnsACleanedUpTopic()
    {
        Bus<QByteArray> bus;
        Failures failures;
        std::atomic<bool> stop{false};
        std::thread cleaner([&] {
            while (!stop.load(std::memory_order_relaxed))
                bus.cleanupUnusedTopics();
        });
        std::thread looker([&] {
            while (!stop.load(std::memory_order_relaxed))
                bus.findTopic(u"n"_s); // another reference that comes and goes
        });
        const auto deadline = std::chrono::steady_clock::now() + RaceTime;
        for (quint64 n = 1; std::chrono::steady_clock::now() < deadline; ++n) {
            Topic<QByteArray> held = bus.topic(u"n"_s);
            held.publish(payload(n));
            // While held exists, cleanup cannot take it: the bus's topic is this one.
            const std::optional<QByteArray> seen = bus.topic(u"n"_s).latest();
            if (!seen || !decodes(*seen, n))
                failures.add(u"the bus's topic \"n\" is not the one just looked up"_s);
        }
        stop.store(true);
        cleaner.join();
        looker.join();
        QVERIFY2(failures.count() == 0, qPrintable(failures.summary()));
    }

    //! With another thread reading lock-free, removed topics are released in batches while the
    //! bus lives (a lookup may still be reading one): the number alive stays bounded, and
    //! cleanupUnusedTopics() releases all.
    void removedTopicsAreReleased()
    {
        const int before = Counted::live.load();
        Bus<Counted> other;
        ParkedReader reader(other.topic(u"elsewhere"_s));
        Bus<Counted> bus;
        int most = 0;
        for (int i = 0; i < 1000; ++i) {
            const QString name = u"r/%1"_s.arg(i);
            bus.topic(name).publish(Counted(quint64(i)));
            QCOMPARE(bus.removeTopic(name), std::optional<qsizetype>(0));
            most = std::max(most, Counted::live.load() - before);
        }
        // Kept for a scan (not freed at once: the parked thread might be looking them up), but
        // never more than a batch.
        QVERIFY2(most > 1 && most <= 256 + 1, qPrintable(QString::number(most)));
        bus.cleanupUnusedTopics();
        QCOMPARE(Counted::live.load(), before);
        QCOMPARE(bus.topicCount(), 0);
    }

    //! A removed topic is freed at once while no other running thread has read lock-free (none
    //! can be looking it up); otherwise it waits for a scan. The first half relies on every
    //! test function joining the threads it starts (this process keeps no thread pool).
    void removedTopicIsFreedAtOnceOnlyWhenNoOtherThreadReads()
    {
        const int before = Counted::live.load();
        Bus<Counted> bus;
        bus.topic(u"a"_s).publish(Counted(1));
        QCOMPARE(bus.removeTopic(u"a"_s), std::optional<qsizetype>(0));
        QCOMPARE(Counted::live.load(), before);

        int keptWhileReaderRuns = 0;
        {
            ParkedReader reader(bus.topic(u"b"_s));
            bus.topic(u"a"_s).publish(Counted(2));
            QCOMPARE(bus.removeTopic(u"a"_s), std::optional<qsizetype>(0));
            keptWhileReaderRuns = Counted::live.load() - before;
        }
        QCOMPARE(keptWhileReaderRuns, 1);
        bus.cleanupUnusedTopics();
        QCOMPARE(Counted::live.load(), before);
    }

    //! A thread that reads alone frees a removed topic at once; threads that start reading
    //! meanwhile, registering while the remover checks whether it is alone, must never reach a
    //! freed topic or value (the sanitizer builds run this).
    void removalRacesThreadsThatStartReading()
    {
        Bus<QByteArray> bus;
        Failures failures;
        std::atomic<bool> stop{false};
        std::atomic<int> found{0};
        std::thread remover([&] {
            for (quint64 n = 1; !stop.load(std::memory_order_relaxed); ++n) {
                bus.topic(u"t"_s).publish(payload(n));
                bus.removeTopic(u"t"_s);
            }
        });
        std::thread starter([&] {
            while (!stop.load(std::memory_order_relaxed)) {
                std::thread newcomer([&] {
                    std::optional<Topic<QByteArray>> topic = bus.findTopic(u"t"_s);
                    if (!topic)
                        return;
                    found.fetch_add(1, std::memory_order_relaxed);
                    Sub<QByteArray> sub = topic->subscribe();
                    sub.latestWith([&](const QByteArray &bytes) {
                        const quint64 n = bytes.left(bytes.size() / 8).toULongLong();
                        if (n == 0 || !decodes(bytes, n))
                            failures.add(u"a removed topic's value read as %1"_s.arg(
                                QString::fromLatin1(bytes.left(32).toHex())));
                        return 0;
                    });
                });
                newcomer.join();
            }
        });
        raceThenStop(stop, remover, starter);
        QVERIFY2(failures.count() == 0, qPrintable(failures.summary()));
        QVERIFY(found.load() > 0); // the race took place
    }

    //! Threads that read once and end give their hazard slots back for later threads.
    void shortLivedReaderThreads()
    {
        Bus<QByteArray> bus;
        Topic<QByteArray> topic = bus.topic(u"t"_s);
        topic.publish(payload(1));
        std::atomic<int> ok{0};
        for (int round = 0; round < 50; ++round) {
            std::thread t([&] {
                Sub<QByteArray> sub = topic.subscribe();
                if (*sub.latestWith([](const QByteArray &b) { return decodes(b, 1); }))
                    ok.fetch_add(1);
            });
            t.join();
            topic.publish(payload(1));
        }
        QCOMPARE(ok.load(), 50);
    }
};

QTEST_GUILESS_MAIN(tst_LockFreeReads)
#include "tst_lockfreereads.moc"
