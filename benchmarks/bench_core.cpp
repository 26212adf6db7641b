// SPDX-License-Identifier: MIT
// Single-thread costs of the core operations, each measured for DropSlot ("ours" rows) and for
// the hand-written baseline in naivebus.h ("naive" rows) in the same process, so their ratio
// holds on a noisy machine. Never asserts timings.
//
// Reading the output:
// - Per-operation rows run a million operations per QBENCHMARK iteration: "msecs per iteration"
//   is nanoseconds per operation.
// - Scenario rows (scalability, highFrequency) run one scenario per iteration.
// - Bus lifetime rows (busNewDrop, busNewTopicDrop) build and drop a whole bus per operation,
//   a million times per iteration, like the per-operation rows.
// - Rows that need fresh state for every measurement (topicCreation, removeTopic,
//   cleanupUnusedTopics) time only the operation, over many rounds with the setup outside the
//   timed region, and report the median in nanoseconds (per operation, or per call).
// benchmarks/run collects these figures over several runs into benchmarks/results.md.
#include "benchcommon.h"
#include "naivebus.h"

#include <DropSlot/DropSlot>

#include <QtTest/QTest>

#include <memory>
#include <string>
#include <vector>

using namespace DropSlot;
using namespace Qt::StringLiterals;
using Bench::keep;
using Bench::OpsPerIteration;

namespace {

enum class Impl { Ours, Naive };

using OurBus = Bus<QByteArray>;
using NaiveBus = Naive::Bus<QByteArray>;

//! The payload of every publish: 11 bytes, implicitly shared, so a publish copies a refcount.
QByteArray payload()
{
    return QByteArray("hello world");
}

constexpr int BusTopics = 1000;

// ---- scenarios written once for both buses ----------------------------------------------------

template <typename B, typename Names>
void creation(const Names &names, std::size_t capacity)
{
    std::unique_ptr<B> bus;
    Bench::reportMedianPerOperation(
        200, qint64(names.size()),
        [&] { bus = capacity ? std::make_unique<B>(capacity) : std::make_unique<B>(); },
        [&] {
            for (const auto &name : names)
                keep(bus->topic(name));
        },
        [&] { bus.reset(); });
}

template <typename B, typename Name>
void publishLoop(B &bus, const Name &name)
{
    auto topic = bus.topic(name);
    auto sub = topic.subscribe();
    const QByteArray value = payload();
    QBENCHMARK {
        for (int i = 0; i < OpsPerIteration; ++i)
            topic.publish(value);
    }
    keep(sub);
}

template <typename B, typename Name>
void subscribeLoop(B &bus, const Name &name)
{
    auto topic = bus.topic(name);
    topic.publish(payload());
    QBENCHMARK {
        for (int i = 0; i < OpsPerIteration; ++i) {
            auto sub = topic.subscribe();
            keep(sub);
        }
    }
}

template <typename B, typename Name>
void nothingNewLoop(B &bus, const Name &name)
{
    auto topic = bus.topic(name);
    topic.publish(payload());
    auto sub = topic.subscribe();
    QBENCHMARK {
        for (int i = 0; i < OpsPerIteration; ++i)
            keep(sub.tryGetMessage());
    }
}

template <typename B, typename Name, typename Read>
void valueLoop(B &bus, const Name &name, Read read)
{
    // One publish, then 64 subscribers each read it with read(sub): every read finds a value,
    // and the publish adds 1/64 of its cost to each read.
    constexpr int Readers = 64;
    auto topic = bus.topic(name);
    std::vector<decltype(topic.subscribe())> subs;
    for (int i = 0; i < Readers; ++i)
        subs.push_back(topic.subscribe());
    const QByteArray value = payload();
    QBENCHMARK {
        for (int i = 0; i < OpsPerIteration / Readers; ++i) {
            topic.publish(value);
            for (auto &sub : subs)
                keep(read(sub));
        }
    }
}

//! The value as a copy.
constexpr auto copyOut = [](auto &sub) { return sub.tryGetMessage(); };
//! A function applied to the value in place.
constexpr auto applyInPlace = [](auto &sub) {
    return sub.tryGetMessageAndApply([](const QByteArray &bytes) { return bytes.size(); });
};

template <typename B, typename Name>
void latestLoop(B &bus, const Name &name)
{
    auto topic = bus.topic(name);
    topic.publish(payload());
    auto sub = topic.subscribe();
    QBENCHMARK {
        for (int i = 0; i < OpsPerIteration; ++i)
            keep(sub.latest());
    }
}

template <typename B, typename Name>
void latestWithLoop(B &bus, const Name &name)
{
    auto topic = bus.topic(name);
    topic.publish(payload());
    auto sub = topic.subscribe();
    QBENCHMARK {
        for (int i = 0; i < OpsPerIteration; ++i)
            keep(sub.latestWith([](const QByteArray &bytes) { return bytes.size(); }));
    }
}

template <typename B, typename Name>
void latestDoubleLoop(const Name &name)
{
    B bus;
    auto topic = bus.topic(name);
    topic.publish(21.5);
    auto sub = topic.subscribe();
    QBENCHMARK {
        for (int i = 0; i < OpsPerIteration; ++i)
            keep(sub.latest());
    }
}

template <typename B, typename Names>
void scalabilityScenario(const Names &names)
{
    const QByteArray value = payload();
    QBENCHMARK {
        B bus;
        std::vector<decltype(bus.subscribe(names[0]))> subs;
        subs.reserve(std::size_t(names.size()));
        for (const auto &name : names) {
            auto topic = bus.topic(name);
            subs.push_back(topic.subscribe());
            topic.publish(value);
        }
        for (auto &sub : subs)
            keep(sub.tryGetMessage());
    }
}

template <typename B, typename Name>
void highFrequencyScenario(B &bus, const Name &name)
{
    auto topic = bus.topic(name);
    auto sub = topic.subscribe();
    const QByteArray value = payload();
    QBENCHMARK {
        for (int i = 0; i < 1000; ++i)
            topic.publish(value);
        keep(sub.tryGetMessage());
    }
}

template <typename B, typename Names>
void cleanupScenario(const Names &names)
{
    // 1,000 topics; a Topic handle holds every second one, so 500 are unused.
    std::unique_ptr<B> bus;
    std::vector<decltype(bus->topic(names[0]))> held;
    Bench::reportMedianPerOperation(
        200, 1,
        [&] {
            bus = std::make_unique<B>();
            held.reserve(std::size_t(names.size()) / 2);
            for (qsizetype i = 0; i < qsizetype(names.size()); ++i) {
                auto topic = bus->topic(names[i]);
                if (i % 2 == 0)
                    held.push_back(topic);
            }
        },
        [&] { keep(bus->cleanupUnusedTopics()); },
        [&] {
            held.clear();
            bus.reset();
        });
}

template <typename B, typename Names>
void removeScenario(const Names &names)
{
    std::unique_ptr<B> bus;
    Bench::reportMedianPerOperation(
        200, qint64(names.size()),
        [&] {
            bus = std::make_unique<B>();
            for (const auto &name : names)
                keep(bus->topic(name));
        },
        [&] {
            for (const auto &name : names)
                keep(bus->removeTopic(name));
            // Timed until every removed topic is freed: ours lets go of removed topics in
            // batches, and cleanup frees what is pending (for the naive bus it finds nothing).
            keep(bus->cleanupUnusedTopics());
        },
        [&] { bus.reset(); });
}

template <typename B, typename Names>
void cleanupScanScenario(const Names &names)
{
    // Every topic held: cleanup scans them all and removes none.
    B bus;
    std::vector<decltype(bus.topic(names[0]))> held;
    for (const auto &name : names)
        held.push_back(bus.topic(name));
    Bench::reportMedianPerOperation(
        1000, 1, [] {}, [&] { keep(bus.cleanupUnusedTopics()); }, [] {});
}

void addImplRows()
{
    QTest::addColumn<Impl>("impl");
    QTest::newRow("ours") << Impl::Ours;
    QTest::newRow("naive") << Impl::Naive;
}

} // namespace

Q_DECLARE_METATYPE(Impl)

class bench_Core : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    //! bus.topic(name) for 1,000 distinct names on a fresh bus; per topic.
    void topicCreation_data()
    {
        QTest::addColumn<Impl>("impl");
        QTest::addColumn<int>("capacity");
        QTest::newRow("ours") << Impl::Ours << 0;
        QTest::newRow("naive") << Impl::Naive << 0;
        QTest::newRow("ours capacity 1000") << Impl::Ours << BusTopics;
        QTest::newRow("naive reserve 1000") << Impl::Naive << BusTopics;
    }
    void topicCreation()
    {
        QFETCH(Impl, impl);
        QFETCH(int, capacity);
        if (impl == Impl::Ours)
            creation<OurBus>(Bench::topicNames(BusTopics), std::size_t(capacity));
        else
            creation<NaiveBus>(Bench::stdTopicNames(BusTopics), std::size_t(capacity));
    }

    //! bus.topic(name) for an existing topic of a 1,000-topic bus; the handle is dropped.
    void topicLookup_data()
    {
        QTest::addColumn<Impl>("impl");
        QTest::addColumn<int>("form");
        QTest::newRow("ours") << Impl::Ours << 0;
        QTest::newRow("naive") << Impl::Naive << 0;
        QTest::newRow("ours UTF-8 literal") << Impl::Ours << 1;
        QTest::newRow("ours QLatin1StringView") << Impl::Ours << 2;
        QTest::newRow("naive UTF-8 literal") << Impl::Naive << 1;
        QTest::newRow("ours 1000 names in turn") << Impl::Ours << 3;
        QTest::newRow("naive 1000 names in turn") << Impl::Naive << 3;
    }
    void topicLookup()
    {
        QFETCH(Impl, impl);
        QFETCH(int, form);
        if (impl == Impl::Ours) {
            OurBus bus;
            const QStringList names = Bench::topicNames(BusTopics);
            for (const QString &name : names)
                bus.topic(name);
            switch (form) {
            case 0:
                QBENCHMARK {
                    for (int i = 0; i < OpsPerIteration; ++i)
                        keep(bus.topic(u"sensor/500"_s));
                }
                break;
            case 1:
                QBENCHMARK {
                    for (int i = 0; i < OpsPerIteration; ++i)
                        keep(bus.topic("sensor/500"));
                }
                break;
            case 2:
                QBENCHMARK {
                    for (int i = 0; i < OpsPerIteration; ++i)
                        keep(bus.topic("sensor/500"_L1));
                }
                break;
            default:
                QBENCHMARK {
                    for (int i = 0; i < OpsPerIteration; ++i)
                        keep(bus.topic(names[i % BusTopics]));
                }
                break;
            }
        } else {
            NaiveBus bus;
            const std::vector<std::string> names = Bench::stdTopicNames(BusTopics);
            for (const std::string &name : names)
                bus.topic(name);
            const std::string name = "sensor/500";
            if (form == 0) {
                QBENCHMARK {
                    for (int i = 0; i < OpsPerIteration; ++i)
                        keep(bus.topic(name));
                }
            } else if (form == 1) {
                // The naive bus takes std::string: a literal becomes one (inline, no allocation).
                QBENCHMARK {
                    for (int i = 0; i < OpsPerIteration; ++i)
                        keep(bus.topic("sensor/500"));
                }
            } else {
                QBENCHMARK {
                    for (int i = 0; i < OpsPerIteration; ++i)
                        keep(bus.topic(names[std::size_t(i % BusTopics)]));
                }
            }
        }
    }

    //! topic.publish(payload) on a held topic with one subscriber; the 11-byte payload is
    //! shared, so a publish copies a refcount.
    void publish_data() { addImplRows(); }
    void publish()
    {
        QFETCH(Impl, impl);
        if (impl == Impl::Ours) {
            OurBus bus;
            publishLoop(bus, u"hot"_s);
        } else {
            NaiveBus bus;
            publishLoop(bus, std::string("hot"));
        }
    }

    //! topic.subscribe(), then the Sub is destroyed.
    void subscribeAndDrop_data() { addImplRows(); }
    void subscribeAndDrop()
    {
        QFETCH(Impl, impl);
        if (impl == Impl::Ours) {
            OurBus bus;
            subscribeLoop(bus, u"t"_s);
        } else {
            NaiveBus bus;
            subscribeLoop(bus, std::string("t"));
        }
    }

    //! sub.tryGetMessage() when nothing was published since the last read.
    void tryGetMessageNothingNew_data() { addImplRows(); }
    void tryGetMessageNothingNew()
    {
        QFETCH(Impl, impl);
        if (impl == Impl::Ours) {
            OurBus bus;
            nothingNewLoop(bus, u"t"_s);
        } else {
            NaiveBus bus;
            nothingNewLoop(bus, std::string("t"));
        }
    }

    //! sub.tryGetMessage() returning a value: per read, with 1/64 of a publish.
    void tryGetMessageValue_data() { addImplRows(); }
    void tryGetMessageValue()
    {
        QFETCH(Impl, impl);
        if (impl == Impl::Ours) {
            OurBus bus;
            valueLoop(bus, u"t"_s, copyOut);
        } else {
            NaiveBus bus;
            valueLoop(bus, std::string("t"), copyOut);
        }
    }

    //! sub.latest() on a topic with a value.
    void latest_data() { addImplRows(); }
    void latest()
    {
        QFETCH(Impl, impl);
        if (impl == Impl::Ours) {
            OurBus bus;
            latestLoop(bus, u"t"_s);
        } else {
            NaiveBus bus;
            latestLoop(bus, std::string("t"));
        }
    }

    //! sub.latestWith(f) on a topic with a value; f returns the payload's size.
    void latestWith_data() { addImplRows(); }
    void latestWith()
    {
        QFETCH(Impl, impl);
        if (impl == Impl::Ours) {
            OurBus bus;
            latestWithLoop(bus, u"t"_s);
        } else {
            NaiveBus bus;
            latestWithLoop(bus, std::string("t"));
        }
    }

    //! sub.tryGetMessageAndApply(f) finding a value: per read, with 1/64 of a publish.
    void tryGetMessageAndApply_data() { addImplRows(); }
    void tryGetMessageAndApply()
    {
        QFETCH(Impl, impl);
        if (impl == Impl::Ours) {
            OurBus bus;
            valueLoop(bus, u"t"_s, applyInPlace);
        } else {
            NaiveBus bus;
            valueLoop(bus, std::string("t"), applyInPlace);
        }
    }

    //! sub.latest() of a double (a sequence-locked value for ours).
    void latestDouble_data() { addImplRows(); }
    void latestDouble()
    {
        QFETCH(Impl, impl);
        if (impl == Impl::Ours)
            latestDoubleLoop<Bus<double>>(u"t"_s);
        else
            latestDoubleLoop<Naive::Bus<double>>(std::string("t"));
    }

    //! A new bus; N topics each get topic() + subscribe() + publish(); then each Sub reads.
    //! One scenario (bus destruction included) per iteration.
    void scalability_data()
    {
        QTest::addColumn<Impl>("impl");
        QTest::addColumn<int>("topics");
        for (int n : {10, 100, 1000}) {
            QTest::addRow("ours N=%d", n) << Impl::Ours << n;
            QTest::addRow("naive N=%d", n) << Impl::Naive << n;
        }
    }
    void scalability()
    {
        QFETCH(Impl, impl);
        QFETCH(int, topics);
        if (impl == Impl::Ours)
            scalabilityScenario<OurBus>(Bench::topicNames(topics));
        else
            scalabilityScenario<NaiveBus>(Bench::stdTopicNames(topics));
    }

    //! 1,000 publishes to a held topic, then one read. One scenario per iteration.
    void highFrequency_data() { addImplRows(); }
    void highFrequency()
    {
        QFETCH(Impl, impl);
        if (impl == Impl::Ours) {
            OurBus bus;
            highFrequencyScenario(bus, u"fast"_s);
        } else {
            NaiveBus bus;
            highFrequencyScenario(bus, std::string("fast"));
        }
    }

    //! One cleanupUnusedTopics() call on a bus of 1,000 topics of which 500 are unused.
    void cleanupUnusedTopics_data() { addImplRows(); }
    void cleanupUnusedTopics()
    {
        QFETCH(Impl, impl);
        if (impl == Impl::Ours)
            cleanupScenario<OurBus>(Bench::topicNames(BusTopics));
        else
            cleanupScenario<NaiveBus>(Bench::stdTopicNames(BusTopics));
    }

    //! removeTopic(name) for each topic of a 1,000-topic bus; per removal.
    void removeTopic_data() { addImplRows(); }
    void removeTopic()
    {
        QFETCH(Impl, impl);
        if (impl == Impl::Ours)
            removeScenario<OurBus>(Bench::topicNames(BusTopics));
        else
            removeScenario<NaiveBus>(Bench::stdTopicNames(BusTopics));
    }

    //! A new bus with the default capacity, dropped at once. Ours is a shared handle; the naive
    //! bus is shared the way a hand-written one would be, through std::make_shared.
    void busNewDrop_data() { addImplRows(); }
    void busNewDrop()
    {
        QFETCH(Impl, impl);
        if (impl == Impl::Ours) {
            QBENCHMARK {
                for (int i = 0; i < OpsPerIteration; ++i) {
                    OurBus bus;
                    keep(bus);
                }
            }
        } else {
            QBENCHMARK {
                for (int i = 0; i < OpsPerIteration; ++i)
                    keep(std::make_shared<NaiveBus>());
            }
        }
    }

    //! A new bus, one topic looked up by name (created), then the handle and the bus dropped:
    //! the smallest whole life of a bus.
    void busNewTopicDrop_data() { addImplRows(); }
    void busNewTopicDrop()
    {
        QFETCH(Impl, impl);
        if (impl == Impl::Ours) {
            const QString name = u"sensor/500"_s;
            QBENCHMARK {
                for (int i = 0; i < OpsPerIteration; ++i) {
                    OurBus bus;
                    keep(bus.topic(name));
                }
            }
        } else {
            const std::string name = "sensor/500";
            QBENCHMARK {
                for (int i = 0; i < OpsPerIteration; ++i) {
                    auto bus = std::make_shared<NaiveBus>();
                    keep(bus->topic(name));
                }
            }
        }
    }

    //! One cleanupUnusedTopics() call on a bus of 500 topics, every one held by a Topic handle:
    //! the scan alone, nothing to remove.
    void cleanupNothingUnused_data() { addImplRows(); }
    void cleanupNothingUnused()
    {
        QFETCH(Impl, impl);
        if (impl == Impl::Ours)
            cleanupScanScenario<OurBus>(Bench::topicNames(BusTopics / 2));
        else
            cleanupScanScenario<NaiveBus>(Bench::stdTopicNames(BusTopics / 2));
    }
};

QTEST_GUILESS_MAIN(bench_Core)
#include "bench_core.moc"
