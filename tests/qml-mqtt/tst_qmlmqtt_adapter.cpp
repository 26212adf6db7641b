// SPDX-License-Identifier: MIT
// The adapter that lets MqttBridge carry any bus QML sees: encoding of what it exports, decoding
// and conversion of what it imports into typed and QVariant buses, closed topics, and holding;
// then a bridge built on it, against a real broker.
#include "mqtttestsupport.h"
#include "qmlmqttbusadapter_p.h"

#include <QtTest/QtTest>

using namespace DropSlot;
using Import = detail::MqttTopicLink::Import;

namespace {
template <typename T>
std::shared_ptr<detail::QmlMqttBusAdapter> adapterFor(const Bus<T> &bus)
{
    return std::make_shared<detail::QmlMqttBusAdapter>(
            std::make_shared<detail::TypedQmlBusAdapter<T>>(bus));
}
} // namespace

class tst_QmlMqttAdapter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void takeEncodesNewValuesOnce()
    {
        Bus<int> bus;
        const auto adapter = adapterFor(bus);
        QCOMPARE(adapter->valueTypeName(), QByteArray("int"));
        auto link = adapter->link(QStringLiteral("n"), this, nullptr, 0);
        QVERIFY(!link->take(false));
        bus.publish("n", 41);
        const auto first = link->take(false);
        QVERIFY(first);
        QCOMPARE(first->payload, QByteArray("41"));
        QCOMPARE(first->version, 1u);
        QVERIFY(!link->take(false));
        const auto again = link->take(true);
        QVERIFY(again);
        QCOMPARE(again->payload, QByteArray("41"));
    }

    void publishConvertsToTheBusType_data()
    {
        QTest::addColumn<QByteArray>("payload");
        QTest::addColumn<bool>("accepted");
        QTest::addColumn<QByteArray>("reencoded");
        QTest::addColumn<int>("value");
        QTest::newRow("integer") << QByteArray("42") << true << QByteArray("42") << 42;
        QTest::newRow("whole double") << QByteArray("21.0") << true << QByteArray("21") << 21;
        QTest::newRow("fraction") << QByteArray("21.5") << false << QByteArray() << 0;
        QTest::newRow("out of range") << QByteArray("1e12") << false << QByteArray() << 0;
        // As a publish from QML: text that is a whole number fits.
        QTest::newRow("numeric JSON string") << QByteArray("\"7\"") << true << QByteArray("7") << 7;
        QTest::newRow("JSON string") << QByteArray("\"seven\"") << false << QByteArray() << 0;
        QTest::newRow("plain text") << QByteArray("seven") << false << QByteArray() << 0;
        QTest::newRow("object") << QByteArray("{\"a\":1}") << false << QByteArray() << 0;
    }

    void publishConvertsToTheBusType()
    {
        QFETCH(QByteArray, payload);
        QFETCH(bool, accepted);
        QFETCH(QByteArray, reencoded);
        QFETCH(int, value);
        Bus<int> bus;
        auto link = adapterFor(bus)->link(QStringLiteral("n"), this, nullptr, 0);
        QByteArray out;
        QCOMPARE(link->publish(payload, &out), accepted ? Import::Published : Import::Invalid);
        if (accepted) {
            QCOMPARE(out, reencoded);
            QCOMPARE(bus.topic("n").latest(), std::optional<int>(value));
        } else {
            QVERIFY(!bus.topic("n").latest());
        }
    }

    void variantBusTakesAnyPayload()
    {
        VariantBus bus;
        auto link = adapterFor(bus)->link(QStringLiteral("v"), this, nullptr, 0);
        QByteArray out;
        QCOMPARE(link->publish("plain text", &out), Import::Published);
        QCOMPARE(out, QByteArray("\"plain text\""));
        QCOMPARE(bus.topic("v").latest()->toString(), QStringLiteral("plain text"));
        QCOMPARE(link->publish("{\"a\":[1,2]}", &out), Import::Published);
        QCOMPARE(out, QByteArray("{\"a\":[1,2]}"));
        QCOMPARE(link->take(true)->payload, QByteArray("{\"a\":[1,2]}"));
    }

    void closedTopic()
    {
        Bus<int> bus;
        const auto adapter = adapterFor(bus);
        auto link = adapter->link(QStringLiteral("gone"), this, nullptr, 0);
        QVERIFY(!link->isClosed());
        QVERIFY(adapter->removeTopic(QStringLiteral("gone")));
        QVERIFY(link->isClosed());
        QByteArray out;
        QCOMPARE(link->publish("1", &out), Import::Closed);
        QVERIFY(!adapter->removeTopic(QStringLiteral("gone")));
    }

    void changedRunsForNewValues()
    {
        Bus<int> bus;
        bus.publish("c", 1);
        int calls = 0;
        auto link = adapterFor(bus)->link(QStringLiteral("c"), this, [&calls] { ++calls; }, 0);
        QTRY_COMPARE(calls, 1); // the value that was there
        bus.publish("c", 2);
        QTRY_COMPARE(calls, 2);
        link.reset();
        bus.publish("c", 3);
        QCoreApplication::processEvents();
        QCOMPARE(calls, 2);
    }

    void linkKeepsTopicFromCleanup()
    {
        Bus<int> bus;
        const auto adapter = adapterFor(bus);
        auto link = adapter->link(QStringLiteral("held"), this, nullptr, 0);
        QCOMPARE(adapter->topicNames(), QStringList{QStringLiteral("held")});
        QCOMPARE(bus.cleanupUnusedTopics(), 0);
        link.reset();
        QCOMPARE(bus.cleanupUnusedTopics(), 1);
    }

    void emptyNameIsAClosedLink()
    {
        Bus<int> bus;
        auto link = adapterFor(bus)->link(QString(), this, [] {}, 0);
        QVERIFY(link->isClosed());
        QVERIFY(!link->take(true));
        QByteArray out;
        QCOMPARE(link->publish("1", &out), Import::Closed);
    }

    void bridgeOverTypedBus()
    {
        TestBroker broker;
        REQUIRE_BROKER(broker);
        Bus<int> bus;
        MqttOptions options = optionsFor(broker);
        options.remotePrefix = QStringLiteral("typed/");
        MqttBridge bridge(adapterFor(bus), options);
        bridge.exportTopics(QStringLiteral("out/#"));
        bridge.importTopics(QStringLiteral("in/#"));
        bridge.start();
        WAIT_CONNECTED(bridge);

        bus.publish("out/n", 7);
        QTRY_COMPARE_WITH_TIMEOUT(retained(broker, QStringLiteral("typed/out/n")), QByteArray("7"), 10000);

        QVERIFY(publishExternally(broker, QStringLiteral("typed/in/n"), "21.5"));
        QTRY_COMPARE_WITH_TIMEOUT(bridge.stats().decodeErrors, 1u, 10000);
        QVERIFY(!bus.topic("in/n").latest());
        QVERIFY(publishExternally(broker, QStringLiteral("typed/in/n"), "42"));
        QTRY_COMPARE_WITH_TIMEOUT(bus.topic("in/n").latest(), std::optional<int>(42), 10000);
        bridge.stop();
        QCOMPARE(bridge.state(), MqttBridge::State::Disconnected);
    }
};

QTEST_GUILESS_MAIN(tst_QmlMqttAdapter)
#include "tst_qmlmqtt_adapter.moc"
