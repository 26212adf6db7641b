// SPDX-License-Identifier: MIT
#include <DropSlot/DropSlot>

#include <QtCore/QDeadlineTimer>
#include <QtCore/QElapsedTimer>
#include <QtCore/QSemaphore>
#include <QtCore/QThread>
#include <QtCore/QTimer>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <atomic>
#include <thread>

using namespace DropSlot;
using namespace Qt::StringLiterals;

namespace {

// Counts the drain events DropSlot's dispatchers receive in the thread it is installed in.
class DrainEventCounter : public QObject
{
public:
    DrainEventCounter() { QCoreApplication::instance()->installEventFilter(this); }
    ~DrainEventCounter() override { QCoreApplication::instance()->removeEventFilter(this); }
    int count() const { return m_count; }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (qstrcmp(watched->metaObject()->className(), "DropSlot::detail::DispatcherObject") == 0
            && event->type() >= QEvent::User)
            ++m_count;
        return false;
    }

private:
    int m_count = 0;
};

// A receiver with a slot, for the member-function overload.
class Receiver : public QObject
{
    Q_OBJECT
public:
    int value = 0;
    QString text;
    quint64 version = 0;
    int calls = 0;
    void onValue(int v) { value = v; ++calls; }
    void onText(const QString &t) { text = t; ++calls; }
    void onValueWithVersion(const int &v, quint64 ver) { value = v; version = ver; ++calls; }
};

// Runs the event loop, waking for every event, until done() or the deadline.
template <typename F>
bool runLoopUntil(F done, int timeoutMs = 10000)
{
    QDeadlineTimer deadline(timeoutMs);
    QTimer tick; // bounds each blocking wait so the deadline is checked
    tick.start(20);
    while (!done()) {
        if (deadline.hasExpired())
            return false;
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
    }
    return true;
}

} // namespace

class tst_Connect : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init() { m_connectionsBefore = detail::ConnectionCore::liveCount(); }
    void cleanup()
    {
        // Connections end when their context dies; none may leak.
        QTRY_COMPARE(detail::ConnectionCore::liveCount(), m_connectionsBefore);
    }

    void deliveryIsQueuedNeverInsidePublish()
    {
        Bus<int> bus;
        Topic<int> topic = bus.topic("t");
        QObject context;
        int calls = 0;
        Connection c = DropSlot::connect(topic, &context, [&](const int &) { ++calls; });
        QVERIFY(c.isConnected());
        topic.publish(1);
        QCOMPARE(calls, 0); // not synchronous
        QTRY_COMPARE(calls, 1);
    }

    void deliverCurrentOption()
    {
        Bus<int> bus;
        Topic<int> topic = bus.topic("t");
        topic.publish(5);
        QObject context;
        int current = 0;
        int withoutCurrent = 0;
        DropSlot::connect(topic, &context, [&](const int &v) { current = v; });
        DropSlot::connect(topic, &context, [&](const int &v) { withoutCurrent = v; },
                          ConnectOptions{.deliverCurrent = false});
        QCOMPARE(current, 0); // queued, like every delivery
        QTRY_COMPARE(current, 5);
        QCoreApplication::processEvents();
        QCOMPARE(withoutCurrent, 0);
        topic.publish(6);
        QTRY_COMPARE(withoutCurrent, 6);
        QTRY_COMPARE(current, 6);
    }

    void burstOfAMillionWhileReceiverIsBlocked()
    {
        Bus<int> bus;
        Topic<int> topic = bus.topic("burst");
        QObject context;
        int deliveries = 0;
        int last = -1;
        Connection c = DropSlot::connect(topic, &context, [&](const int &v) {
            ++deliveries;
            last = v;
        });
        DrainEventCounter events;
        constexpr int Publishes = 1'000'000;
        // The main thread is blocked in join() for the whole burst.
        std::thread([&] {
            for (int i = 1; i <= Publishes; ++i)
                topic.publish(i);
        }).join();
        QCOMPARE(deliveries, 0);
        QTRY_COMPARE(deliveries, 1);
        QCOMPARE(last, Publishes);
        QCoreApplication::processEvents();
        QCoreApplication::processEvents();
        QCOMPARE(deliveries, 1);
        QVERIFY2(events.count() <= 2, qPrintable(QString::number(events.count())));
        QCOMPARE(c.deliveredCount(), quint64(1));
        QCOMPARE(c.coalescedCount(), quint64(Publishes - 1));
    }

    void thousandTopicsOneEventPerTurn()
    {
        Bus<int> bus;
        QObject context;
        constexpr int Topics = 1000;
        std::vector<Topic<int>> topics;
        std::vector<int> deliveries(Topics, 0);
        std::vector<int> values(Topics, 0);
        std::vector<Connection> connections;
        for (int i = 0; i < Topics; ++i) {
            topics.push_back(bus.topic(QString::number(i)));
            connections.push_back(DropSlot::connect(topics.back(), &context, [&, i](const int &v) {
                ++deliveries[i];
                values[i] = v;
            }));
        }
        DrainEventCounter events;
        std::thread([&] {
            for (int round = 1; round <= 100; ++round) {
                for (auto &t : topics)
                    t.publish(round);
            }
        }).join();
        QCoreApplication::processEvents();
        QTRY_VERIFY(std::all_of(deliveries.begin(), deliveries.end(), [](int d) { return d == 1; }));
        QVERIFY(std::all_of(values.begin(), values.end(), [](int v) { return v == 100; }));
        QCOMPARE(events.count(), 1); // one drain event delivered all 1000 connections
    }

    void receiverInAnotherThread()
    {
        Bus<int> bus;
        Topic<int> topic = bus.topic("t");
        QThread thread;
        thread.start();
        auto *receiver = new QObject;
        receiver->moveToThread(&thread);
        std::atomic<QThread *> deliveredIn{nullptr};
        std::atomic<int> value{0};
        DropSlot::connect(topic, receiver, [&](const int &v) {
            deliveredIn = QThread::currentThread();
            value = v;
        });
        topic.publish(9);
        QTRY_COMPARE(value.load(), 9);
        QCOMPARE(deliveredIn.load(), &thread);
        QMetaObject::invokeMethod(receiver, &QObject::deleteLater);
        thread.quit();
        QVERIFY(thread.wait(10000));
    }

    void contextMovedToAnotherThreadFollowsIt()
    {
        Bus<int> bus;
        Topic<int> topic = bus.topic("t");
        auto *receiver = new QObject;
        std::atomic<QThread *> deliveredIn{nullptr};
        std::atomic<int> value{0};
        DropSlot::connect(topic, receiver, [&](const int &v) {
            deliveredIn = QThread::currentThread();
            value = v;
        });
        QThread thread;
        thread.start();
        receiver->moveToThread(&thread);
        topic.publish(3);
        QTRY_COMPARE(value.load(), 3);
        QCOMPARE(deliveredIn.load(), &thread);
        QMetaObject::invokeMethod(receiver, &QObject::deleteLater);
        thread.quit();
        QVERIFY(thread.wait(10000));
    }

    void contextDestroyedWithDeliveryPending()
    {
        Bus<int> bus;
        Topic<int> topic = bus.topic("t");
        int calls = 0;
        auto *context = new QObject;
        Connection c = DropSlot::connect(topic, context, [&](const int &) { ++calls; });
        topic.publish(1); // a delivery is now queued for the context's thread
        delete context;
        QVERIFY(!c.isConnected());
        QCoreApplication::processEvents();
        QCoreApplication::processEvents();
        QCOMPARE(calls, 0);
        QVERIFY(topic.publish(2));
        QCOMPARE(detail::TopicAccess::state(topic)->watcherCount(), 0u);
    }

    void droppingTheHandleDoesNotDisconnect()
    {
        Bus<int> bus;
        Topic<int> topic = bus.topic("t");
        QObject context;
        int last = 0;
        DropSlot::connect(topic, &context, [&](const int &v) { last = v; }); // handle dropped
        topic.publish(4);
        QTRY_COMPARE(last, 4);
    }

    void disconnectStopsDeliveries()
    {
        Bus<int> bus;
        Topic<int> topic = bus.topic("t");
        QObject context;
        int calls = 0;
        Connection c = DropSlot::connect(topic, &context, [&](const int &) { ++calls; });
        topic.publish(1);
        QTRY_COMPARE(calls, 1);
        topic.publish(2); // pending...
        c.disconnect();   // ...but disconnected first
        QVERIFY(!c.isConnected());
        c.disconnect(); // repeatable
        topic.publish(3);
        QCoreApplication::processEvents();
        QCoreApplication::processEvents();
        QCOMPARE(calls, 1);
        QCOMPARE(detail::TopicAccess::state(topic)->watcherCount(), 0u);
        // A disconnected connection no longer keeps the topic from cleanup.
        topic = Topic<int>();
        QCOMPARE(bus.cleanupUnusedTopics(), 1);
    }

    void topicCloseEndsTheConnectionAfterTheLastValue()
    {
        Bus<int> bus;
        Topic<int> topic = bus.topic("t");
        QObject context;
        int last = 0;
        Connection c = DropSlot::connect(topic, &context, [&](const int &v) { last = v; });
        topic.publish(7);
        bus.removeTopic("t");
        QTRY_VERIFY(!c.isConnected());
        QCOMPARE(last, 7); // the value published before the close still arrived
        QCOMPARE(c.deliveredCount(), quint64(1));
    }

    void connectRacingACloseStillEnds()
    {
        // connect() checks that the topic is open, then attaches; a close in between must still
        // end the connection (without a current value to deliver, nothing else would).
        Bus<int> bus;
        QObject context;
        std::vector<Connection> connections;
        for (int round = 0; round < 2000; ++round) {
            const QString name = u"racing/%1"_s.arg(round);
            Topic<int> topic = bus.topic(name);
            std::thread remover([&] { bus.removeTopic(name); });
            connections.push_back(DropSlot::connect(topic, &context, [](const int &) { }, {.deliverCurrent = false}));
            remover.join();
        }
        QTRY_VERIFY(std::none_of(connections.begin(), connections.end(),
                                 [](const Connection &c) { return c.isConnected(); }));
    }

    void busDestructionEndsConnections()
    {
        std::optional<Bus<int>> bus(std::in_place);
        QObject context;
        Connection c = DropSlot::connect(bus->topic("t"), &context, [](const int &) { });
        bus.reset();
        QTRY_VERIFY(!c.isConnected());
    }

    void invalidArgumentsWarnAndReturnAnUnconnectedHandle()
    {
        Bus<int> bus;
        QObject context;
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"topic handle is invalid"_s));
        QVERIFY(!DropSlot::connect(Topic<int>(), &context, [](const int &) { }).isConnected());
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"\"t\": the context object is null"_s));
        QVERIFY(!DropSlot::connect(bus.topic("t"), static_cast<QObject *>(nullptr), [](const int &) { }).isConnected());
        Topic<int> closed = bus.topic("closed");
        bus.removeTopic("closed");
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"\"closed\": the topic is closed"_s));
        QVERIFY(!DropSlot::connect(closed, &context, [](const int &) { }).isConnected());
        Connection none;
        QVERIFY(!none.isConnected());
        none.disconnect();
        QCOMPARE(none.deliveredCount(), quint64(0));
    }

    void functorAndSlotSignatures()
    {
        Bus<int> ints;
        Bus<QString> texts;
        Topic<int> number = ints.topic("n");
        Topic<QString> text = texts.topic("s");
        Receiver receiver;
        quint64 versionSeen = 0;
        DropSlot::connect(number, &receiver, [&](const int &, quint64 version) { versionSeen = version; });
        DropSlot::connect(number, &receiver, &Receiver::onValue);
        DropSlot::connect(text, &receiver, &Receiver::onText);
        number.publish(10);
        number.publish(11);
        text.publish(u"hi"_s);
        QTRY_COMPARE(receiver.calls, 2);
        QCOMPARE(receiver.value, 11);
        QCOMPARE(receiver.text, u"hi"_s);
        QCOMPARE(versionSeen, quint64(2));

        Receiver versioned;
        DropSlot::connect(number, &versioned, &Receiver::onValueWithVersion);
        QTRY_COMPARE(versioned.calls, 1);
        QCOMPARE(versioned.version, quint64(2));
        QCOMPARE(versioned.value, 11);
    }

    void countsDeliveredAndCoalesced()
    {
        Bus<int> bus;
        Topic<int> topic = bus.topic("t");
        QObject context;
        Connection c = DropSlot::connect(topic, &context, [](const int &) { }, {.deliverCurrent = false});
        for (int i = 0; i < 10; ++i)
            topic.publish(i);
        QTRY_COMPARE(c.deliveredCount(), quint64(1));
        QCOMPARE(c.coalescedCount(), quint64(9));
        topic.publish(10);
        QTRY_COMPARE(c.deliveredCount(), quint64(2));
        QCOMPARE(c.coalescedCount(), quint64(9));
    }

    void functorMayUseTheTopicAndEndItsOwnConnection()
    {
        // Deliveries run with no lock held: the functor can publish, read and disconnect.
        Bus<int> bus;
        Topic<int> topic = bus.topic("t");
        QObject context;
        Connection self;
        int calls = 0;
        self = DropSlot::connect(topic, &context, [&](const int &v) {
            ++calls;
            if (v < 3)
                topic.publish(v + 1); // schedules the next delivery
            else
                self.disconnect();
            QCOMPARE(*topic.latest(), v < 3 ? v + 1 : v);
        });
        topic.publish(1);
        QTRY_VERIFY(!self.isConnected());
        QCOMPARE(calls, 3);
    }

    void functorMayDeleteItsContext()
    {
        Bus<int> bus;
        Topic<int> topic = bus.topic("t");
        auto *context = new QObject;
        int calls = 0;
        Connection c = DropSlot::connect(topic, context, [&](const int &) {
            ++calls;
            delete context;
        });
        topic.publish(1);
        QTRY_VERIFY(!c.isConnected());
        topic.publish(2);
        QCoreApplication::processEvents();
        QCOMPARE(calls, 1);
    }

    void minimumIntervalBoundsTheRate()
    {
        Bus<int> bus;
        Topic<int> topic = bus.topic("t");
        QObject context;
        constexpr int Interval = 40;
        QElapsedTimer clock;
        clock.start();
        std::vector<qint64> at;
        int last = 0;
        Connection c = DropSlot::connect(topic, &context, [&](const int &v) {
            at.push_back(clock.elapsed());
            last = v;
        }, {.deliverCurrent = false, .minimumIntervalMs = Interval});
        std::atomic<bool> stop{false};
        std::atomic<int> published{0};
        std::thread publisher([&] {
            for (int i = 1; !stop.load(); ++i) {
                topic.publish(i);
                published = i;
            }
        });
        QTest::qWait(400); // the main loop runs while the publisher goes flat out
        stop = true;
        publisher.join();
        QTRY_COMPARE(last, published.load()); // the final value still arrives
        for (std::size_t i = 1; i < at.size(); ++i)
            QVERIFY2(at[i] - at[i - 1] >= Interval - 1, qPrintable(u"%1 ms apart"_s.arg(at[i] - at[i - 1])));
        QVERIFY(at.size() <= std::size_t(400 / Interval + 3));
        QVERIFY(at.size() >= 2);
    }

    void publishLandingRightAfterTheReadIsNotLost()
    {
        // Deterministic form of the race below: a publish lands right after a delivery read the
        // value. It must schedule another delivery, so the receiver ends with the newest value.
        Bus<int> bus;
        static Topic<int> topic;
        topic = bus.topic("t");
        QObject context;
        int last = 0;
        DropSlot::connect(topic, &context, [&](const int &v) { last = v; });
        detail::testing::afterDeliveryRead = [] {
            if (*topic.latest() < 5)
                topic.publish(*topic.latest() + 1);
        };
        topic.publish(1);
        const bool arrived = runLoopUntil([&] { return last == 5; }, 5000);
        detail::testing::afterDeliveryRead = nullptr;
        topic = Topic<int>();
        QVERIFY2(arrived, qPrintable(u"receiver holds %1, the topic %2"_s.arg(last).arg(5)));
    }

    void noLostFinalUpdateRace()
    {
        // Thousands of rounds of "burst from a thread while the receiver's loop runs": each must
        // end with the receiver holding the burst's last value. Short bursts make the last
        // publish often land while a delivery is reading the value, the moment a lost update
        // would happen.
        Bus<int> bus;
        Topic<int> topic = bus.topic("race");
        QObject context;
        int last = 0;
        bool backwards = false;
        DropSlot::connect(topic, &context, [&](const int &v) {
            backwards |= v <= last;
            last = v;
        });
        QSemaphore go;
        std::atomic<int> burst{0};
        std::atomic<bool> finished{false};
        std::thread publisher([&] {
            int value = 0;
            for (;;) {
                go.acquire();
                if (finished)
                    return;
                for (int i = 0, n = burst.load(); i < n; ++i)
                    topic.publish(++value);
            }
        });
        int expected = 0;
        for (int round = 0; round < 3000; ++round) {
            burst = 1 + round % 23;
            expected += burst;
            go.release();
            if (!runLoopUntil([&] { return last == expected; }, 5000)) {
                QFAIL(qPrintable(u"round %1 lost its final update: holds %2, expected %3"_s.arg(round).arg(last).arg(expected)));
            }
        }
        finished = true;
        go.release();
        publisher.join();
        QVERIFY(!backwards);
    }

    void fourPublishersFlatOut()
    {
        Bus<qint64> bus;
        constexpr int Publishers = 4;
        constexpr qint64 PerThread = 200'000;
        std::vector<Topic<qint64>> own;
        Topic<qint64> shared = bus.topic("shared");
        QObject context;
        std::vector<qint64> ownLast(Publishers, 0);
        std::vector<quint64> ownVersion(Publishers, 0);
        bool backwards = false;
        quint64 deliveries = 0;
        quint64 sharedVersion = 0;
        for (int p = 0; p < Publishers; ++p) {
            own.push_back(bus.topic(u"own/"_s + QString::number(p)));
            DropSlot::connect(own.back(), &context, [&, p](const qint64 &v, quint64 version) {
                backwards |= version <= ownVersion[p] || v <= ownLast[p];
                ownVersion[p] = version;
                ownLast[p] = v;
                ++deliveries;
            });
        }
        DropSlot::connect(shared, &context, [&](const qint64 &, quint64 version) {
            backwards |= version <= sharedVersion;
            sharedVersion = version;
            ++deliveries;
        });
        std::atomic<int> running{Publishers};
        std::vector<std::thread> threads;
        for (int p = 0; p < Publishers; ++p) {
            threads.emplace_back([&, p] {
                for (qint64 i = 1; i <= PerThread; ++i) {
                    own[p].publish(i);
                    shared.publish(i);
                }
                running.fetch_sub(1);
            });
        }
        QTRY_VERIFY_WITH_TIMEOUT(running.load() == 0, 60000); // the loop delivers meanwhile
        for (auto &t : threads)
            t.join();
        for (int p = 0; p < Publishers; ++p)
            QTRY_COMPARE(ownLast[p], PerThread);
        QTRY_COMPARE(sharedVersion, quint64(Publishers * PerThread));
        QVERIFY(!backwards);
        const quint64 publishes = 2 * Publishers * PerThread;
        QVERIFY2(deliveries * 20 < publishes, qPrintable(u"%1 deliveries for %2 publishes"_s.arg(deliveries).arg(publishes)));
    }

    void watchTopicsReportsCreationAndRemoval()
    {
        Bus<int> bus;
        bus.topic("before"); // existed before watching: not reported
        QObject context;
        QList<std::pair<QString, TopicEvent>> events;
        Connection c = DropSlot::watchTopics(bus, &context, [&](const QString &name, TopicEvent e) {
            events.append({name, e});
        });
        bus.topic("a");
        bus.publish("b", 1);
        bus.topic("a"); // exists: no event
        QCOMPARE(events.size(), 0); // queued
        bus.removeTopic("a");
        QCOMPARE(bus.cleanupUnusedTopics(), 2); // "before" and "b"
        QTRY_COMPARE(events.size(), 5);
        QCOMPARE(events[0], std::make_pair(u"a"_s, TopicEvent::Created));
        QCOMPARE(events[1], std::make_pair(u"b"_s, TopicEvent::Created));
        QCOMPARE(events[2], std::make_pair(u"a"_s, TopicEvent::Removed));
        QVERIFY(events.contains(std::make_pair(u"b"_s, TopicEvent::Removed)));
        QVERIFY(events.contains(std::make_pair(u"before"_s, TopicEvent::Removed)));
        c.disconnect();
        bus.topic("after");
        QCoreApplication::processEvents();
        QCOMPARE(events.size(), 5);
    }

    void watchThenListCatchesARacingFirstTopic()
    {
        // Watch, then list: a bus's first topic, created by another thread meanwhile, is either
        // listed or announced (what the MQTT bridge and the topic model rely on).
        for (int round = 0; round < 300; ++round) {
            Bus<int> bus;
            QObject context;
            QStringList announced;
            std::atomic<bool> go{false};
            std::thread creator([&] {
                while (!go.load(std::memory_order_acquire)) { }
                bus.topic("first");
            });
            go.store(true, std::memory_order_release);
            Connection c = DropSlot::watchTopics(bus, &context, [&](const QString &name, TopicEvent) {
                announced.append(name);
            });
            const QStringList listed = bus.topicNames();
            creator.join();
            if (listed.contains(u"first"_s))
                continue;
            // Waits for the announcement in 1 ms steps (QTRY's 50 ms steps would make this
            // test take seconds).
            const QDeadlineTimer deadline(5000);
            while (!announced.contains(u"first"_s) && !deadline.hasExpired())
                QTest::qWait(1);
            QVERIFY2(announced.contains(u"first"_s), qPrintable(u"round %1"_s.arg(round)));
        }
    }

    void watchTopicsFromManyThreadsKeepsEachNamesOrder()
    {
        Bus<int> bus;
        QObject context;
        QHash<QString, int> alive; // +1 created, -1 removed; must end at 0 or 1 and never leave that range
        bool outOfOrder = false;
        DropSlot::watchTopics(bus, &context, [&](const QString &name, TopicEvent e) {
            int &state = alive[name];
            state += e == TopicEvent::Created ? 1 : -1;
            outOfOrder |= state < 0 || state > 1;
        });
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t) {
            threads.emplace_back([&bus] {
                for (int i = 0; i < 2000; ++i) {
                    const QString name = u"n"_s + QString::number(i % 16);
                    if (i % 3 == 2)
                        bus.removeTopic(name);
                    else
                        bus.topic(name);
                }
            });
        }
        for (auto &t : threads)
            t.join();
        const QStringList finalNames = bus.topicNames();
        QTRY_VERIFY(std::all_of(alive.keyBegin(), alive.keyEnd(), [&](const QString &name) {
            return alive.value(name) == (finalNames.contains(name) ? 1 : 0);
        }) && alive.size() == 16);
        QVERIFY(!outOfOrder);
    }

    void topicWatcherProperty()
    {
        Bus<QVariant> bus;
        Topic<QVariant> topic = bus.topic("temperature");
        topic.publish(20.5);
        TopicWatcher watcher(topic);
        QSignalSpy valueSpy(&watcher, &TopicWatcher::valueChanged);
        QSignalSpy hasValueSpy(&watcher, &TopicWatcher::hasValueChanged);
        QVERIFY(valueSpy.isValid());
        QCOMPARE(watcher.topicName(), u"temperature"_s);
        QVERIFY(!watcher.hasValue());
        QTRY_COMPARE(watcher.value().toDouble(), 20.5);
        QVERIFY(watcher.hasValue());
        QCOMPARE(watcher.version(), quint64(1));
        QCOMPARE(valueSpy.size(), 1);
        QCOMPARE(hasValueSpy.size(), 1);

        // Bindable: a QProperty bound to it follows it.
        QProperty<QString> label;
        label.setBinding([&] { return u"%1 °C"_s.arg(watcher.bindableValue().value().toDouble()); });
        std::thread([&] {
            for (int i = 0; i < 1000; ++i)
                topic.publish(21.0 + i);
        }).join();
        QTRY_COMPARE(label.value(), u"1020 °C"_s);
        QCOMPARE(watcher.version(), quint64(1001));
        QCOMPARE(valueSpy.size(), 2); // a thousand publishes, one change notification
        QCOMPARE(hasValueSpy.size(), 1);

        Topic<QVariant> other = bus.topic("pressure");
        QSignalSpy topicSpy(&watcher, &TopicWatcher::topicChanged);
        watcher.setTopic(other);
        QCOMPARE(topicSpy.size(), 1);
        other.publish(1013);
        QTRY_COMPARE(watcher.value().toInt(), 1013);
        topic.publish(99.0);
        QCoreApplication::processEvents();
        QCOMPARE(watcher.value().toInt(), 1013); // the old topic no longer feeds it
    }

private:
    qsizetype m_connectionsBefore = 0;
};

QTEST_GUILESS_MAIN(tst_Connect)
#include "tst_connect.moc"
