// SPDX-License-Identifier: MIT
#include "testsupport.h"

#include <DropSlot/DropSlot>

#include <QtCore/QRandomGenerator>
#include <QtTest/QTest>

#include <atomic>
#include <mutex>
#include <thread>

using namespace DropSlot;
using TestSupport::Failures;
using namespace Qt::StringLiterals;

namespace {

// What the stress test publishes: who wrote it, that writer's sequence number, and for topics
// with a single owner, how many times the owner had published to that topic object (which
// must then equal the version it is read with).
struct Value
{
    int writer = -1;
    quint64 seq = 0;
    quint64 ownerCount = 0;
    friend bool operator==(const Value &, const Value &) = default;
};

int stressMilliseconds()
{
    bool ok = false;
    const int ms = qEnvironmentVariableIntValue("DROPSLOT_STRESS_MS", &ok);
    return ok && ms > 0 ? ms : 1500;
}


// Starts all threads at once so they actually race.
class StartLine
{
public:
    explicit StartLine(int threads) : m_waiting(threads) { }
    void arriveAndWait()
    {
        m_waiting.fetch_sub(1);
        while (m_waiting.load() > 0)
            std::this_thread::yield();
    }

private:
    std::atomic<int> m_waiting;
};

constexpr int Threads = 8;
constexpr int OwnedPerThread = 3;
constexpr int SharedTopics = 6;
constexpr int TempTopics = 48;

QString ownedName(int thread, int k) { return u"owned/%1/%2"_s.arg(thread).arg(k); }
QString sharedName(int k) { return u"shared/%1"_s.arg(k); }
QString tempName(int k) { return u"temp/%1"_s.arg(k); }

struct Written
{
    Topic<Value> handle;
    quint64 count = 0;   // successful publishes by this thread to handle's topic object
    quint64 lastSeq = 0; // seq of this thread's last successful publish to it
};

struct Reader
{
    Sub<Value> sub;
    quint64 lastVersion = 0;
    bool owned = false;
};

class Worker
{
public:
    Worker(int id, Bus<Value> bus, Failures &failures)
        : m_id(id), m_bus(std::move(bus)), m_failures(failures), m_rng(quint32(0x5eed + id))
    {
        for (int k = 0; k < OwnedPerThread; ++k)
            m_owned[k].handle = m_bus.topic(ownedName(id, k));
        for (int k = 0; k < SharedTopics; ++k)
            m_shared[k].handle = m_bus.topic(sharedName(k));
    }

    void run(QDeadlineTimer deadline)
    {
        while (!deadline.hasExpired()) {
            for (int i = 0; i < 64; ++i)
                step();
        }
    }

    int id() const { return m_id; }
    const Written &owned(int k) const { return m_owned[k]; }
    const Written &shared(int k) const { return m_shared[k]; }
    quint64 operations() const { return m_operations; }

    // Drops every handle and subscription this worker holds.
    void release()
    {
        m_readers.clear();
        for (auto &w : m_owned)
            w.handle = Topic<Value>();
        for (auto &w : m_shared)
            w.handle = Topic<Value>();
    }

private:
    void publishTo(Written &w, const QString &name, bool owned)
    {
        const quint64 seq = ++m_seq;
        if (!w.handle.publish(Value{m_id, seq, owned ? w.count + 1 : 0})) {
            // Closed by a removeTopic: move on to the name's current topic object.
            w.handle = m_bus.topic(name);
            w.count = 0;
            w.lastSeq = 0;
            if (!w.handle.publish(Value{m_id, seq, owned ? quint64(1) : quint64(0)}))
                return; // removed again in between; fine
        }
        ++w.count;
        w.lastSeq = seq;
    }

    QString randomName(bool *owned)
    {
        const int kind = m_rng.bounded(3);
        *owned = kind == 0;
        if (kind == 0)
            return ownedName(m_rng.bounded(Threads), m_rng.bounded(OwnedPerThread));
        if (kind == 1)
            return sharedName(m_rng.bounded(SharedTopics));
        return tempName(m_rng.bounded(TempTopics));
    }

    void read(Reader &r)
    {
        Expected<Value> message = (m_rng.bounded(8) == 0)
                                      ? r.sub.waitForMessage(QDeadlineTimer(m_rng.bounded(2)))
                                      : r.sub.tryGetMessage();
        if (!message)
            return;
        const quint64 version = r.sub.lastSeenVersion();
        if (version <= r.lastVersion) {
            m_failures.add(u"%1: version went from %2 to %3"_s.arg(r.sub.topicName()).arg(r.lastVersion).arg(version));
        }
        if (r.owned && message->ownerCount != version) {
            m_failures.add(u"%1: value %2 read with version %3"_s.arg(r.sub.topicName())
                               .arg(message->ownerCount).arg(version));
        }
        r.lastVersion = version;
    }

    void step()
    {
        ++m_operations;
        switch (m_rng.bounded(16)) {
        case 0: case 1: case 2: { // publish to one of our own topics
            const int k = m_rng.bounded(OwnedPerThread);
            publishTo(m_owned[k], ownedName(m_id, k), true);
            break;
        }
        case 3: case 4: { // publish to a topic every thread writes
            const int k = m_rng.bounded(SharedTopics);
            publishTo(m_shared[k], sharedName(k), false);
            break;
        }
        case 5: { // subscribe (creating the topic if needed)
            bool owned = false;
            Reader r{m_bus.subscribe(randomName(&owned)), 0, owned};
            r.lastVersion = r.sub.lastSeenVersion();
            if (m_readers.size() < 16)
                m_readers.push_back(std::move(r));
            else
                m_readers[m_rng.bounded(16)] = std::move(r);
            break;
        }
        case 6: case 7: case 8: case 9:
            if (!m_readers.empty())
                read(m_readers[m_rng.bounded(int(m_readers.size()))]);
            break;
        case 10: // unsubscribe
            if (!m_readers.empty())
                m_readers.erase(m_readers.begin() + m_rng.bounded(int(m_readers.size())));
            break;
        case 11: { // remove any topic
            bool owned = false;
            m_bus.removeTopic(randomName(&owned));
            break;
        }
        case 12:
            if (m_rng.bounded(8) == 0)
                m_bus.cleanupUnusedTopics();
            break;
        case 13: { // a short-lived topic
            Topic<Value> t = m_bus.topic(tempName(m_rng.bounded(TempTopics)));
            t.publishIfChanged(Value{m_id, 0, 0});
            break;
        }
        case 14: { // look up without creating
            bool owned = false;
            if (auto t = m_bus.findTopic(randomName(&owned)); t && owned) {
                const quint64 before = t->version();
                if (t->version() < before)
                    m_failures.add(u"topic version went backwards"_s);
            }
            break;
        }
        case 15:
            if (m_rng.bounded(64) == 0) {
                m_bus.topicNames();
                m_bus.topicCount();
            }
            break;
        }
    }

    const int m_id;
    Bus<Value> m_bus;
    Failures &m_failures;
    QRandomGenerator m_rng;
    quint64 m_seq = 0;
    quint64 m_operations = 0;
    Written m_owned[OwnedPerThread];
    Written m_shared[SharedTopics];
    std::vector<Reader> m_readers;
};

} // namespace

class tst_Concurrency : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void concurrentCreationYieldsOneTopic()
    {
        for (int round = 0; round < 20; ++round) {
            Bus<int> bus;
            constexpr int N = 16;
            StartLine start(N);
            std::vector<Topic<int>> got(N);
            {
                std::vector<std::jthread> threads;
                for (int i = 0; i < N; ++i) {
                    threads.emplace_back([&, i] {
                        start.arriveAndWait();
                        got[i] = bus.topic(u"contended/name"_s);
                        got[i].publish(i);
                    });
                }
            }
            QCOMPARE(bus.topicCount(), 1);
            for (const auto &t : got)
                QVERIFY(t == got.front());
            QCOMPARE(got.front().version(), quint64(N));
        }
    }

    void concurrentCreationOfManyNames()
    {
        Bus<int> bus;
        constexpr int N = 8;
        constexpr int Names = 2000;
        StartLine start(N);
        {
            std::vector<std::jthread> threads;
            for (int i = 0; i < N; ++i) {
                threads.emplace_back([&] {
                    start.arriveAndWait();
                    for (int k = 0; k < Names; ++k)
                        bus.publish(QString::number(k), k);
                });
            }
        }
        QCOMPARE(bus.topicCount(), Names);
        for (int k = 0; k < Names; ++k)
            QCOMPARE(bus.topic(QString::number(k)).version(), quint64(N));
    }

    void concurrentPublishersCountEveryPublish()
    {
        Bus<int> bus;
        Topic<int> topic = bus.topic("hot");
        constexpr int Publishers = 4;
        constexpr int PerThread = 50'000;
        StartLine start(Publishers + 1);
        std::atomic<bool> done{false};
        bool backwards = false;
        {
            std::vector<std::jthread> threads;
            for (int p = 0; p < Publishers; ++p) {
                threads.emplace_back([&, p] {
                    start.arriveAndWait();
                    for (int i = 0; i < PerThread; ++i)
                        topic.publish(p * PerThread + i);
                });
            }
            std::jthread reader([&] {
                Sub<int> sub = topic.subscribe();
                quint64 last = sub.lastSeenVersion();
                start.arriveAndWait();
                while (!done.load()) {
                    if (sub.tryGetMessage()) {
                        backwards |= sub.lastSeenVersion() <= last;
                        last = sub.lastSeenVersion();
                    }
                }
            });
            threads.clear(); // join the publishers
            done = true;
        }
        QVERIFY(!backwards);
        QCOMPARE(topic.version(), quint64(Publishers * PerThread));
    }

    void versionsStayPairedWithValues()
    {
        // One writer publishes its n-th value as n, so every read must see value == version.
        Bus<quint64> bus;
        Topic<quint64> topic = bus.topic("paired");
        constexpr quint64 Publishes = 200'000;
        std::atomic<bool> done{false};
        std::atomic<int> mismatches{0};
        {
            std::vector<std::jthread> readers;
            for (int r = 0; r < 3; ++r) {
                readers.emplace_back([&] {
                    Sub<quint64> sub = topic.subscribe();
                    while (!done.load()) {
                        if (auto v = sub.tryGetMessage(); v && *v != sub.lastSeenVersion())
                            mismatches.fetch_add(1);
                        if (auto l = topic.latest(); l && *l > topic.version())
                            mismatches.fetch_add(1); // a value newer than any version seen yet
                    }
                });
            }
            for (quint64 i = 1; i <= Publishes; ++i)
                topic.publish(i);
            done = true;
        }
        QCOMPARE(mismatches.load(), 0);
        QCOMPARE(*topic.latest(), Publishes);
    }

    void randomOperationsKeepInvariants()
    {
        const qsizetype topicsBefore = detail::TopicCore::liveCount();
        Failures failures;
        quint64 operations = 0;
        {
            Bus<Value> bus(256);
            std::vector<std::unique_ptr<Worker>> workers;
            for (int i = 0; i < Threads; ++i)
                workers.push_back(std::make_unique<Worker>(i, bus, failures));
            const int ms = stressMilliseconds();
            {
                StartLine start(Threads);
                std::vector<std::jthread> threads;
                for (auto &w : workers) {
                    threads.emplace_back([&, worker = w.get()] {
                        start.arriveAndWait();
                        worker->run(QDeadlineTimer(ms));
                    });
                }
            }
            QVERIFY2(failures.count() == 0, qPrintable(failures.summary()));

            // Owned topics: the live object has exactly the owner's publishes, and its value is
            // the owner's last one (or it was re-created and nobody published to it yet).
            for (const auto &w : workers) {
                operations += w->operations();
                for (int k = 0; k < OwnedPerThread; ++k) {
                    const QString name = ownedName(w->id(), k);
                    auto live = bus.findTopic(name);
                    if (!live)
                        continue;
                    const Written &mine = w->owned(k);
                    if (*live == mine.handle) {
                        QCOMPARE(live->version(), mine.count);
                        if (mine.count) {
                            const Value v = *live->latest();
                            QCOMPARE(v.writer, w->id());
                            QCOMPARE(v.ownerCount, mine.count);
                            QCOMPARE(v.seq, mine.lastSeq);
                        }
                    } else {
                        QCOMPARE(live->version(), quint64(0));
                    }
                }
            }
            // Shared topics: the version counts every successful publish to the live object,
            // and its value is the last one its writer published there.
            for (int k = 0; k < SharedTopics; ++k) {
                auto live = bus.findTopic(sharedName(k));
                if (!live)
                    continue;
                quint64 total = 0;
                for (const auto &w : workers) {
                    if (w->shared(k).handle == *live)
                        total += w->shared(k).count;
                }
                QCOMPARE(live->version(), total);
                if (total) {
                    const Value v = *live->latest();
                    const Written &writer = workers[v.writer]->shared(k);
                    QVERIFY(writer.handle == *live);
                    QCOMPARE(v.seq, writer.lastSeq);
                }
            }
            for (auto &w : workers)
                w->release();
            bus.cleanupUnusedTopics();
            QCOMPARE(bus.topicCount(), 0);
        }
        QCOMPARE(detail::TopicCore::liveCount(), topicsBefore);
        qInfo("%llu random operations by %d threads", static_cast<unsigned long long>(operations), Threads);
    }
};

QTEST_GUILESS_MAIN(tst_Concurrency)
#include "tst_concurrency.moc"
