// SPDX-License-Identifier: MIT
// The bridge against a real Mosquitto and its own command-line clients: exports, imports,
// wildcards and prefixes, no echo, removal, status, bad input, latest-only sending.
#include "mqtttestsupport.h"

#include <DropSlot/DropSlot>

#include <algorithm>
#include <thread>

using namespace DropSlot;
using namespace Qt::StringLiterals;

class tst_MqttBridge : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void exportedValuesAreRetainedOnTheBroker()
    {
        TestBroker broker;
        REQUIRE_BROKER(broker);
        Bus<double> bus;
        bus.publish(u"plant/t1", 21.5); // exists before the bridge: sent on connect
        MqttBridge bridge(bus, optionsFor(broker));
        bridge.exportTopics(u"plant/#"_s);
        bridge.start();
        WAIT_CONNECTED(bridge);
        bus.publish(u"plant/t2", 0.1); // created later: exported as it appears
        bus.publish(u"other/t", 1.0);  // not matched
        QTRY_COMPARE_WITH_TIMEOUT(retained(broker, u"plant/t1"_s), QByteArray("21.5"), 10000);
        QTRY_COMPARE_WITH_TIMEOUT(retained(broker, u"plant/t2"_s), QByteArray("0.1"), 10000);
        QCOMPARE(retained(broker, u"other/t"_s), QByteArray("<none>"));
        QCOMPARE(bridge.stats().sent, 2u);
    }

    void importsFromOtherClientsWithWildcardsAndPrefix()
    {
        TestBroker broker;
        REQUIRE_BROKER(broker);
        QVERIFY(publishExternally(broker, u"site1/plant/early"_s, "7", {u"-r"_s})); // retained before
        Bus<int> bus;
        MqttOptions options = optionsFor(broker);
        options.remotePrefix = u"site1/"_s;
        MqttBridge bridge(bus, options);
        bridge.importTopics(u"plant/+"_s);
        bridge.start();
        WAIT_CONNECTED(bridge);
        QTRY_VERIFY_WITH_TIMEOUT(bus.findTopic(u"plant/early"), 10000);
        QCOMPARE(bus.topic(u"plant/early").latest(), 7);

        QVERIFY(publishExternally(broker, u"site1/plant/live"_s, "42"));
        QVERIFY(publishExternally(broker, u"site1/plant/a/deeper"_s, "1")); // "+" is one level
        QVERIFY(publishExternally(broker, u"site2/plant/live"_s, "2"));     // other prefix
        QTRY_COMPARE_WITH_TIMEOUT(bus.topic(u"plant/live").latest(), std::optional<int>(42), 10000);
        QVERIFY(publishExternally(broker, u"site1/plant/z"_s, "3")); // after the others, in order
        QTRY_VERIFY_WITH_TIMEOUT(bus.findTopic(u"plant/z"), 10000);
        QVERIFY(!bus.findTopic(u"plant/a/deeper"));
        QCOMPARE(bus.topicCount(), 3);
        QCOMPARE(bridge.stats().received, 3u);
    }

    void exportedTopicsTravelUnderTheRemotePrefix()
    {
        TestBroker broker;
        REQUIRE_BROKER(broker);
        Bus<QString> bus;
        MqttOptions options = optionsFor(broker);
        options.remotePrefix = u"site1/"_s;
        MqttBridge bridge(bus, options);
        bridge.exportTopics(u"+/name"_s);
        bridge.start();
        WAIT_CONNECTED(bridge);
        bus.publish(u"robot/name", u"Zoë"_s);
        QTRY_COMPARE_WITH_TIMEOUT(retained(broker, u"site1/robot/name"_s), u"Zoë"_s.toUtf8(), 10000);
    }

    void aLateJoinerGetsEveryCurrentValue()
    {
        TestBroker broker;
        REQUIRE_BROKER(broker);
        Bus<int> source;
        MqttBridge out(source, optionsFor(broker));
        out.exportTopics(u"farm/#"_s);
        out.start();
        WAIT_CONNECTED(out);
        for (int round = 0; round < 3; ++round)
            for (int t = 0; t < 20; ++t)
                source.publish(u"farm/%1"_s.arg(t), round * 100 + t);
        QTRY_COMPARE_WITH_TIMEOUT(retained(broker, u"farm/19"_s), QByteArray("219"), 10000);

        Bus<int> late; // starts after every value was published
        MqttBridge in(late, optionsFor(broker));
        in.importTopics(u"farm/#"_s);
        in.start();
        WAIT_CONNECTED(in);
        QTRY_COMPARE_WITH_TIMEOUT(late.topicCount(), 20, 10000);
        for (int t = 0; t < 20; ++t)
            QCOMPARE(late.topic(u"farm/%1"_s.arg(t)).latest(), 200 + t);
    }

    void liveMessagesReachOtherSubscribers()
    {
        TestBroker broker;
        REQUIRE_BROKER(broker);
        Bus<QString> bus;
        MqttBridge bridge(bus, optionsFor(broker));
        bridge.exportTopics(u"live"_s);
        bridge.start();
        WAIT_CONNECTED(bridge);
        // mosquitto_sub -R prints only messages that are not retained copies: live traffic.
        QProcess sub;
        // stdbuf: its output to a pipe is line-buffered, so its SUBACK is seen when it happens.
        sub.start(u"stdbuf"_s, QStringList{u"-oL"_s, u"mosquitto_sub"_s} + broker.clientArgs()
                                      + QStringList{u"-t"_s, u"live"_s, u"-R"_s, u"-d"_s});
        QVERIFY(sub.waitForStarted());
        QByteArray output; // -d: wait for its SUBACK before publishing
        // What the event loop already read into the process's buffer counts: waitForReadyRead()
        // only reports data that arrives after it is called.
        const auto readUntil = [&](const QByteArray &marker) {
            QDeadlineTimer deadline(20000);
            for (;;) {
                output += sub.readAllStandardOutput();
                if (output.contains(marker) || deadline.hasExpired()
                    || sub.state() == QProcess::NotRunning)
                    return output.contains(marker);
                sub.waitForReadyRead(int(std::min<qint64>(500, deadline.remainingTime())));
            }
        };
        QVERIFY2(readUntil("SUBACK"), output.constData());
        bus.publish(u"live", u"now"_s);
        QTRY_COMPARE_WITH_TIMEOUT(bridge.stats().sent, 1u, 10000);
        const bool received = readUntil("\nnow\n");
        sub.kill();
        sub.waitForFinished();
        QVERIFY2(received, output.constData());
    }

    void ownMessagesAreNotImportedBackNorImportsExportedAgain()
    {
        TestBroker broker;
        REQUIRE_BROKER(broker);
        Bus<int> bus;
        MqttBridge bridge(bus, optionsFor(broker));
        bridge.exportTopics(u"shared/#"_s);
        bridge.importTopics(u"shared/#"_s);
        bridge.start();
        WAIT_CONNECTED(bridge);
        const Topic<int> topic = bus.topic(u"shared/x");
        topic.publish(1);
        QTRY_COMPARE_WITH_TIMEOUT(retained(broker, u"shared/x"_s), QByteArray("1"), 10000);
        QCOMPARE(topic.version(), 1u);

        // Reconnecting makes the broker send the retained copy of our own value: not news.
        bridge.stop();
        bridge.start();
        WAIT_CONNECTED(bridge);
        QTRY_COMPARE_WITH_TIMEOUT(bridge.stats().sent, 2u, 10000); // republished after the connect
        // A marker from another client, imported after the retained copy would have been.
        QVERIFY(publishExternally(broker, u"shared/marker"_s, "5"));
        QTRY_COMPARE_WITH_TIMEOUT(bus.topic(u"shared/marker").latest(), std::optional<int>(5), 10000);
        QCOMPARE(topic.version(), 1u);
        QCOMPARE(topic.latest(), 1);

        // Another client's value is imported and not sent back.
        const quint64 sentBefore = bridge.stats().sent;
        QVERIFY(publishExternally(broker, u"shared/x"_s, "9"));
        QTRY_COMPARE_WITH_TIMEOUT(topic.latest(), std::optional<int>(9), 10000);
        QVERIFY(publishExternally(broker, u"shared/marker"_s, "6"));
        QTRY_COMPARE_WITH_TIMEOUT(bus.topic(u"shared/marker").latest(), std::optional<int>(6), 10000);
        QCOMPARE(bridge.stats().sent, sentBefore);
    }

    void removingAnExportedTopicClearsItsRetainedMessage()
    {
        TestBroker broker;
        REQUIRE_BROKER(broker);
        Bus<int> bus;
        MqttBridge bridge(bus, optionsFor(broker));
        bridge.exportTopics(u"#"_s);
        bridge.start();
        WAIT_CONNECTED(bridge);
        bus.publish(u"gone", 3);
        QTRY_COMPARE_WITH_TIMEOUT(retained(broker, u"gone"_s), QByteArray("3"), 10000);
        QVERIFY(bus.removeTopic(u"gone"));
        QTRY_COMPARE_WITH_TIMEOUT(retained(broker, u"gone"_s), QByteArray("<none>"), 10000);
    }

    void anEmptyRetainedPayloadRemovesTheImportedTopic()
    {
        TestBroker broker;
        REQUIRE_BROKER(broker);
        Bus<int> bus;
        MqttBridge bridge(bus, optionsFor(broker));
        bridge.importTopics(u"in/#"_s);
        bridge.start();
        WAIT_CONNECTED(bridge);
        QVERIFY(publishExternally(broker, u"in/a"_s, "1", {u"-r"_s}));
        QTRY_VERIFY_WITH_TIMEOUT(bus.findTopic(u"in/a"), 10000);
        const Topic<int> held = bus.topic(u"in/a");
        QVERIFY(publishExternally(broker, u"in/a"_s, QByteArray(), {u"-r"_s}));
        QTRY_VERIFY_WITH_TIMEOUT(held.isClosed(), 10000);
        QVERIFY(!bus.findTopic(u"in/a"));
    }

    void theBridgeKeepsItsTopicsFromCleanup()
    {
        TestBroker broker;
        REQUIRE_BROKER(broker);
        Bus<int> bus;
        MqttBridge bridge(bus, optionsFor(broker));
        bridge.exportTopics(u"kept/#"_s);
        bridge.importTopics(u"in/#"_s);
        bridge.start();
        WAIT_CONNECTED(bridge);
        bus.publish(u"kept/a", 1);
        bus.publish(u"loose", 1);
        QVERIFY(publishExternally(broker, u"in/b"_s, "2"));
        QTRY_VERIFY_WITH_TIMEOUT(bus.findTopic(u"in/b"), 10000);
        QTRY_COMPARE_WITH_TIMEOUT(retained(broker, u"kept/a"_s), QByteArray("1"), 10000);
        QCOMPARE(bus.cleanupUnusedTopics(), 1); // "loose" only
        QVERIFY(bus.findTopic(u"kept/a"));
        QVERIFY(bus.findTopic(u"in/b"));
    }

    void statusTopicSaysOnlineThenOffline()
    {
        TestBroker broker;
        REQUIRE_BROKER(broker);
        Bus<int> bus;
        MqttOptions options = optionsFor(broker);
        options.remotePrefix = u"farm/"_s;
        options.statusTopic = u"status"_s;
        MqttBridge bridge(bus, options);
        bridge.start();
        WAIT_CONNECTED(bridge);
        QTRY_COMPARE_WITH_TIMEOUT(retained(broker, u"farm/status"_s), QByteArray("online"), 10000);
        bridge.stop();
        QCOMPARE(bridge.state(), MqttBridge::State::Disconnected);
        QTRY_COMPARE_WITH_TIMEOUT(retained(broker, u"farm/status"_s), QByteArray("offline"), 10000);
    }

    void badInputIsCountedWarnedAndNeverReachesTheBus()
    {
        TestBroker broker;
        REQUIRE_BROKER(broker);
        Bus<double> bus;
        MqttOptions options = optionsFor(broker);
        options.maxPayloadBytes = 16;
        MqttBridge bridge(bus, options);
        bridge.exportTopics(u"out/#"_s);
        bridge.importTopics(u"in/#"_s);
        bridge.start();
        WAIT_CONNECTED(bridge);

        // A local name MQTT cannot carry.
        QTest::ignoreMessage(QtWarningMsg,
                             QRegularExpression(u"topic \"out/a\\+b\" not exported: .*\"\\+\" or \"#\""_s));
        bus.publish(u"out/a+b", 1.0);
        QTRY_COMPARE_WITH_TIMEOUT(bridge.stats().rejected, 1u, 10000);
        bus.publish(u"out/a+b", 2.0); // counted again, warned once
        QTRY_COMPARE_WITH_TIMEOUT(bridge.stats().rejected, 2u, 10000);

        // Payloads that do not decode, or are too large.
        QTest::ignoreMessage(QtWarningMsg,
                             QRegularExpression(u"topic \"in/x\" not imported: .* not a valid double"_s));
        QVERIFY(publishExternally(broker, u"in/x"_s, "twenty"));
        QTRY_COMPARE_WITH_TIMEOUT(bridge.stats().decodeErrors, 1u, 10000);
        QTest::ignoreMessage(QtWarningMsg,
                             QRegularExpression(u"topic \"in/y\" not imported: .* larger than maxPayloadBytes"_s));
        QVERIFY(publishExternally(broker, u"in/y"_s, QByteArray(100, '1')));
        QTRY_COMPARE_WITH_TIMEOUT(bridge.stats().rejected, 3u, 10000);
        QVERIFY(!bus.findTopic(u"in/y"));
        QVERIFY(!bus.topic(u"in/x").latest());

        // The bridge keeps working, and a topic that recovers is imported again.
        QVERIFY(publishExternally(broker, u"in/x"_s, "20.5"));
        QTRY_COMPARE_WITH_TIMEOUT(bus.topic(u"in/x").latest(), std::optional<double>(20.5), 10000);
        bus.publish(u"out/ok", 1.5);
        QTRY_COMPARE_WITH_TIMEOUT(retained(broker, u"out/ok"_s), QByteArray("1.5"), 10000);

        // Filters that are not MQTT filters are refused with an error.
        QSignalSpy errors(&bridge, &MqttBridge::errorOccurred);
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"exportTopics\\(\"a/#/b\"\\) ignored"_s));
        bridge.exportTopics(u"a/#/b"_s);
        QTRY_COMPARE_WITH_TIMEOUT(errors.size(), 1, 10000);
        QVERIFY(errors.first().first().toString().contains(u"must be a whole level and the last one"_s));
    }

    void emptyEncodingsAreRefused()
    {
        TestBroker broker;
        REQUIRE_BROKER(broker);
        Bus<QString> bus;
        MqttBridge bridge(bus, optionsFor(broker));
        bridge.exportTopics(u"#"_s);
        bridge.start();
        WAIT_CONNECTED(bridge);
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"topic \"s\" not exported: .*empty payload"_s));
        bus.publish(u"s", QString());
        QTRY_COMPARE_WITH_TIMEOUT(bridge.stats().rejected, 1u, 10000);
        bus.publish(u"s", u"text"_s);
        QTRY_COMPARE_WITH_TIMEOUT(retained(broker, u"s"_s), QByteArray("text"), 10000);
    }

    void aBurstIsCoalescedAndTheLastValueArrives()
    {
        TestBroker broker;
        REQUIRE_BROKER(broker);
        Bus<int> bus;
        MqttBridge bridge(bus, optionsFor(broker));
        bridge.exportTopics(u"burst/#"_s);
        bridge.start();
        WAIT_CONNECTED(bridge);
        constexpr int topics = 10, updates = 200000;
        std::vector<Topic<int>> handles;
        for (int t = 0; t < topics; ++t)
            handles.push_back(bus.topic(u"burst/%1"_s.arg(t)));
        std::thread producer([&] {
            for (int i = 0; i < updates; ++i)
                handles[size_t(i % topics)].publish(i);
        });
        producer.join();
        for (int t = 0; t < topics; ++t)
            QTRY_COMPARE_WITH_TIMEOUT(retained(broker, u"burst/%1"_s.arg(t)),
                                      QByteArray::number(updates - topics + t), 10000);
        const auto stats = bridge.stats();
        // Each topic sends at most one message per broker round trip; the rest is coalesced.
        QVERIFY2(stats.sent < quint64(updates) / 10, qPrintable(QString::number(stats.sent)));
        QVERIFY(stats.coalesced > 0);
        QVERIFY(stats.sent + stats.coalesced <= quint64(updates));
    }

    void minimumIntervalLimitsMessagesPerTopic()
    {
        TestBroker broker;
        REQUIRE_BROKER(broker);
        Bus<int> bus;
        MqttOptions options = optionsFor(broker);
        options.minimumIntervalMs = 100;
        MqttBridge bridge(bus, options);
        bridge.exportTopics(u"slow"_s);
        bridge.start();
        WAIT_CONNECTED(bridge);
        const Topic<int> topic = bus.topic(u"slow");
        QElapsedTimer elapsed;
        elapsed.start();
        int i = 0;
        while (bridge.stats().sent < 4) { // publishing all the while, on this thread
            topic.publish(++i);
            QCoreApplication::processEvents();
            QVERIFY(elapsed.elapsed() < 20000);
        }
        // At most one message per 100 ms: the first at once, then one per interval.
        QVERIFY2(bridge.stats().sent <= quint64(elapsed.elapsed() / 100 + 1),
                 qPrintable(u"%1 sent in %2 ms"_s.arg(bridge.stats().sent).arg(elapsed.elapsed())));
        QVERIFY(elapsed.elapsed() >= 300);
        QTRY_COMPARE_WITH_TIMEOUT(retained(broker, u"slow"_s), QByteArray::number(i), 10000); // the last arrives
    }

    void qos0AndQos2Work()
    {
        TestBroker broker;
        REQUIRE_BROKER(broker);
        for (int qos : {0, 2}) {
            Bus<int> bus;
            MqttOptions options = optionsFor(broker);
            options.qos = qos;
            MqttBridge bridge(bus, options);
            bridge.exportTopics(u"q/#"_s);
            bridge.start();
            WAIT_CONNECTED(bridge);
            for (int i = 0; i <= 1000; ++i)
                bus.publish(u"q/%1"_s.arg(qos), i);
            QTRY_COMPARE_WITH_TIMEOUT(retained(broker, u"q/%1"_s.arg(qos)), QByteArray("1000"), 10000);
        }
    }
};

QTEST_GUILESS_MAIN(tst_MqttBridge)
#include "tst_mqtt_bridge.moc"
