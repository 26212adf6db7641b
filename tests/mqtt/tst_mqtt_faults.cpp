// SPDX-License-Identifier: MIT
// The bridge when things go wrong: the broker killed and restarted, refused credentials, TLS,
// a broker that never answers, and the bridge destroyed or stopped in every phase.
#include "mqtttestsupport.h"

#include <DropSlot/DropSlot>

#include <QtNetwork/QTcpServer>
#include <QtNetwork/QTcpSocket>

#include <atomic>
#include <thread>

using namespace DropSlot;
using namespace Qt::StringLiterals;

class tst_MqttFaults : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void brokerRestartReconnectsResubscribesAndRepublishes()
    {
        TestBroker broker;
        REQUIRE_BROKER(broker);
        Bus<int> bus;
        MqttBridge bridge(bus, optionsFor(broker));
        bridge.exportTopics(u"out/#"_s);
        bridge.importTopics(u"in/#"_s);
        QSignalSpy errors(&bridge, &MqttBridge::errorOccurred);
        bridge.start();
        WAIT_CONNECTED(bridge);
        bus.publish(u"out/a", 1);
        QTRY_COMPARE_WITH_TIMEOUT(retained(broker, u"out/a"_s), QByteArray("1"), 10000);

        broker.kill(); // no persistence: the restarted broker has forgotten every retained value
        QTRY_COMPARE_WITH_TIMEOUT(bridge.state(), MqttBridge::State::Connecting, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(errors.size() >= 1, 10000);
        const QString firstError = errors.first().first().toString();
        QVERIFY2(firstError.contains(u"connection lost"_s), qPrintable(firstError));
        QVERIFY(!bridge.lastError().isEmpty()); // the latest retry's reason
        for (int i = 2; i <= 1000; ++i) // nothing queues while the broker is away
            bus.publish(u"out/a", i);

        QElapsedTimer recovery;
        QVERIFY2(broker.start(), qPrintable(broker.lastError()));
        recovery.start();
        WAIT_CONNECTED(bridge);
        const qint64 reconnectedMs = recovery.elapsed();
        QTRY_COMPARE_WITH_TIMEOUT(retained(broker, u"out/a"_s), QByteArray("1000"), 10000);
        const qint64 republishedMs = recovery.elapsed();
        QCOMPARE(bridge.stats().reconnects, 1u);
        QCOMPARE(bridge.lastError(), QString()); // cleared by the new connection
        QVERIFY(publishExternally(broker, u"in/b"_s, "5")); // subscriptions were renewed
        QTRY_COMPARE_WITH_TIMEOUT(bus.topic(u"in/b").latest(), std::optional<int>(5), 10000);
        qInfo("broker restart: %llu reconnect(s), connected %lld ms after the broker started, "
              "latest value retained again within %lld ms (including mosquitto_sub's own start)",
              bridge.stats().reconnects, reconnectedMs, republishedMs);
    }

    void refusedCredentialsAreReportedAndRetried()
    {
        TestBroker broker({u"operator"_s, u"s3cret"_s, false});
        REQUIRE_BROKER(broker);
        Bus<int> bus;
        MqttOptions wrong = optionsFor(broker);
        wrong.username = u"operator"_s;
        wrong.password = u"guess"_s;
        MqttBridge refused(bus, wrong);
        QSignalSpy errors(&refused, &MqttBridge::errorOccurred);
        refused.start();
        QTRY_VERIFY_WITH_TIMEOUT(errors.size() >= 2, 10000); // retried, with backoff
        QVERIFY2(refused.lastError().contains(u"refused"_s), qPrintable(refused.lastError()));
        QVERIFY(!refused.lastError().contains(u"guess"_s)); // the password is never shown
        QVERIFY(refused.state() != MqttBridge::State::Connected);

        MqttOptions right = wrong;
        right.password = u"s3cret"_s;
        MqttBridge accepted(bus, right);
        accepted.exportTopics(u"#"_s);
        accepted.start();
        WAIT_CONNECTED(accepted);
        bus.publish(u"t", 4);
        QTRY_COMPARE_WITH_TIMEOUT(retained(broker, u"t"_s), QByteArray("4"), 10000);
    }

    void tlsWithTheBrokersCertificateAuthority()
    {
        if (QStandardPaths::findExecutable(u"openssl"_s).isEmpty())
            QSKIP("openssl is not installed");
        TestBroker broker({{}, {}, true});
        REQUIRE_BROKER(broker);
        Bus<int> bus;
        MqttOptions options = optionsFor(broker);
        options.caFile = broker.caFile();
        MqttBridge secure(bus, options);
        secure.exportTopics(u"#"_s);
        secure.start();
        WAIT_CONNECTED(secure);
        bus.publish(u"t", 8);
        QTRY_COMPARE_WITH_TIMEOUT(retained(broker, u"t"_s), QByteArray("8"), 10000);

        // Plain MQTT to the TLS listener, and a CA file that does not exist: errors, retries.
        MqttBridge plain(bus, optionsFor(broker));
        QSignalSpy plainErrors(&plain, &MqttBridge::errorOccurred);
        plain.start();
        QTRY_VERIFY_WITH_TIMEOUT(plainErrors.size() >= 2, 10000);
        QCOMPARE(plain.state(), MqttBridge::State::Connecting);

        options.caFile = broker.dir() + u"/missing.crt"_s;
        MqttBridge missingCa(bus, options);
        QSignalSpy caErrors(&missingCa, &MqttBridge::errorOccurred);
        missingCa.start();
        QTRY_VERIFY_WITH_TIMEOUT(caErrors.size() >= 1, 10000);
        QVERIFY2(missingCa.lastError().contains(u"TLS"_s), qPrintable(missingCa.lastError()));
        QVERIFY(secure.state() == MqttBridge::State::Connected); // the good one is unaffected
    }

    void aBrokerThatNeverAnswersTimesOut()
    {
        QTcpServer silent; // accepts, then says nothing
        QVERIFY(silent.listen(QHostAddress::LocalHost, 0));
        Bus<int> bus;
        MqttOptions options;
        options.port = silent.serverPort();
        options.connectTimeoutMs = 200;
        options.reconnectMinimumMs = 50;
        MqttBridge bridge(bus, options);
        QSignalSpy errors(&bridge, &MqttBridge::errorOccurred);
        bridge.start();
        QTRY_VERIFY_WITH_TIMEOUT(errors.size() >= 2, 10000);
        QVERIFY2(bridge.lastError().contains(u"no answer"_s), qPrintable(bridge.lastError()));
    }

    void destroyingTheBridgeIsCleanInEveryPhase()
    {
        TestBroker broker;
        REQUIRE_BROKER(broker);
        Bus<int> bus;
        std::atomic<bool> producing{true};
        std::thread producer([&] {
            for (int i = 0; producing.load(std::memory_order_relaxed); ++i)
                bus.publish(u"p/%1"_s.arg(i % 8), i);
        });

        QTcpServer silent;
        QVERIFY(silent.listen(QHostAddress::LocalHost, 0));
        for (int round = 0; round < 5; ++round) {
            { // connecting, to a server that never answers
                MqttOptions options = optionsFor(broker);
                options.port = silent.serverPort();
                MqttBridge bridge(bus, options);
                bridge.exportTopics(u"p/#"_s);
                bridge.start();
                QTRY_VERIFY_WITH_TIMEOUT(silent.hasPendingConnections() || silent.waitForNewConnection(0), 10000);
            }
            { // sending flat out
                MqttBridge bridge(bus, optionsFor(broker));
                bridge.exportTopics(u"p/#"_s);
                bridge.importTopics(u"p/#"_s);
                bridge.start();
                WAIT_CONNECTED(bridge);
                QTRY_VERIFY_WITH_TIMEOUT(bridge.stats().sent > 20, 10000);
            }
            { // waiting to reconnect, after its broker went away
                MqttBridge bridge(bus, optionsFor(broker));
                bridge.exportTopics(u"p/#"_s);
                bridge.start();
                WAIT_CONNECTED(bridge);
                broker.kill();
                QTRY_COMPARE_WITH_TIMEOUT(bridge.state(), MqttBridge::State::Connecting, 10000);
            }
            QVERIFY2(broker.start(), qPrintable(broker.lastError()));
        }
        producing = false;
        producer.join();
        bus.publish(u"p/0", -1); // the bus works on
        QCOMPARE(bus.topic(u"p/0").latest(), -1);
    }

    void stopWithTheBrokerGoneReturnsAtOnce()
    {
        TestBroker broker;
        REQUIRE_BROKER(broker);
        Bus<int> bus;
        MqttOptions options = optionsFor(broker);
        options.statusTopic = u"status"_s;
        auto bridge = std::make_unique<MqttBridge>(bus, options);
        bridge->exportTopics(u"#"_s);
        bridge->start();
        WAIT_CONNECTED(*bridge);
        bus.publish(u"x", 1);
        broker.kill();
        QElapsedTimer timer;
        timer.start();
        bridge->stop();
        QCOMPARE(bridge->state(), MqttBridge::State::Disconnected);
        bridge.reset();
        QVERIFY2(timer.elapsed() < 2000, qPrintable(QString::number(timer.elapsed())));
    }
};

QTEST_GUILESS_MAIN(tst_MqttFaults)
#include "tst_mqtt_faults.moc"
