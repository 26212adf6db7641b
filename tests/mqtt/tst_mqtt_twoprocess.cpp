// SPDX-License-Identifier: MIT
// Two processes, each with its own bus, through a real broker: a burst of updates on one side
// ends with exactly the final values on the other, with far fewer messages on the wire than
// updates; a publisher that dies shows "offline" through its last will.
#include "mqtttestsupport.h"

#include <DropSlot/DropSlot>

#include <chrono>

using namespace DropSlot;
using namespace Qt::StringLiterals;

namespace {

// Milliseconds of CLOCK_MONOTONIC: one clock for every process on the machine.
qint64 monotonicMs()
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

//! Reads one line from the process, waiting for it.
QByteArray readLine(QProcess &process, int timeoutMs = 30000)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!process.canReadLine() && !deadline.hasExpired())
        process.waitForReadyRead(int(deadline.remainingTime()));
    return process.readLine().trimmed();
}

} // namespace

class tst_MqttTwoProcess : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void aBurstArrivesAsExactlyTheFinalValues()
    {
        TestBroker broker;
        REQUIRE_BROKER(broker);
        constexpr int topics = 50, updates = 1000000;

        // The floor for the bound below: the fastest round trip of one value from a bus through
        // the broker into another bus, in this process, on this machine.
        Bus<qint64> pingBus, pongBus;
        MqttBridge pinger(pingBus, optionsFor(broker)), ponger(pongBus, optionsFor(broker));
        pinger.exportTopics(u"ping"_s);
        ponger.importTopics(u"ping"_s);
        pinger.start();
        ponger.start();
        WAIT_CONNECTED(pinger);
        WAIT_CONNECTED(ponger);
        qint64 fastestNs = std::numeric_limits<qint64>::max();
        const Topic<qint64> pong = pongBus.topic(u"ping");
        for (int i = 1; i <= 50; ++i) {
            QEventLoop loop;
            QTimer::singleShot(10000, &loop, &QEventLoop::quit);
            const Connection arrival = DropSlot::connect(pong, &loop, [&](qint64 value) {
                if (value == i)
                    loop.quit();
            }, ConnectOptions{false, 0});
            QElapsedTimer rtt;
            rtt.start();
            pingBus.publish(u"ping", i);
            loop.exec();
            fastestNs = std::min(fastestNs, rtt.nsecsElapsed());
            QCOMPARE(pong.latest(), i);
        }

        Bus<qint64> bus;
        MqttBridge bridge(bus, optionsFor(broker));
        bridge.importTopics(u"burst/#"_s);
        bridge.start();
        WAIT_CONNECTED(bridge);

        QProcess publisher;
        publisher.setProcessChannelMode(QProcess::ForwardedErrorChannel); // its complaints, if any
        publisher.start(QStringLiteral(DROPSLOT_BURST_PUBLISHER),
                        {QString::number(broker.port()), QString::number(topics), QString::number(updates)});
        QVERIFY(publisher.waitForStarted());
        const QList<QByteArray> published = readLine(publisher, 120000).split(' ');
        QCOMPARE(published.size(), 4);
        QCOMPARE(published[0], QByteArray("published"));
        const qint64 firstPublishMs = published[2].toLongLong(), lastPublishMs = published[3].toLongLong();

        // Exactly the final values: topic t last got the largest i below updates with i % topics == t.
        const auto holdsFinalValues = [&] {
            for (int t = 0; t < topics; ++t) {
                const auto topic = bus.findTopic(u"burst/%1"_s.arg(t));
                if (!topic || topic->latest() != updates - topics + t)
                    return false;
            }
            return true;
        };
        QTRY_VERIFY_WITH_TIMEOUT(holdsFinalValues(), 30000);
        const qint64 convergedMs = monotonicMs();
        QCOMPARE(bus.topicCount(), topics);

        publisher.write("stats\n");
        const QList<QByteArray> stats = readLine(publisher).split(' ');
        QCOMPARE(stats.size(), 4);
        const quint64 sent = stats[1].toULongLong(), coalesced = stats[2].toULongLong();
        publisher.write("quit\n");
        QVERIFY(publisher.waitForFinished(10000));
        QCOMPARE(publisher.exitCode(), 0);

        // At most one message in flight per topic: each topic sends at most one message per
        // round trip, so from the first publish to the last value here no more than
        // topics x (that time / the fastest round trip + 1) messages.
        const qint64 durationNs = (convergedMs - firstPublishMs + 1) * 1000000;
        const quint64 bound = quint64(topics) * quint64(durationNs / std::max<qint64>(fastestNs, 1) + 1);
        qInfo("burst: %d updates over %d topics in %lld ms; %llu messages sent, %llu coalesced; "
              "every final value here %lld ms after the last publish; fastest round trip %lld us, "
              "bound %llu messages",
              updates, topics, lastPublishMs - firstPublishMs, sent, coalesced,
              convergedMs - lastPublishMs, fastestNs / 1000, bound);
        QVERIFY2(sent < quint64(updates) / 10, qPrintable(QString::number(sent))); // far fewer
        QCOMPARE(sent + coalesced, quint64(updates)); // every update was sent or replaced
        QVERIFY2(sent <= bound, qPrintable(u"%1 sent, bound %2"_s.arg(sent).arg(bound)));
        QCOMPARE(bridge.stats().received, sent);
    }

    void aPublisherThatDiesShowsOfflineThroughItsLastWill()
    {
        TestBroker broker;
        REQUIRE_BROKER(broker);
        Bus<QString> bus;
        MqttBridge bridge(bus, optionsFor(broker));
        bridge.importTopics(u"publisher/status"_s);
        bridge.start();
        WAIT_CONNECTED(bridge);
        QProcess publisher;
        publisher.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        publisher.start(QStringLiteral(DROPSLOT_BURST_PUBLISHER), {QString::number(broker.port()), u"1"_s, u"1"_s});
        QVERIFY2(publisher.waitForStarted(), qPrintable(publisher.errorString()));
        const QByteArray line = readLine(publisher, 120000);
        QVERIFY2(line.startsWith("published"),
                 qPrintable(u"publisher said \"%1\", state %2, exit code %3"_s.arg(QString::fromUtf8(line))
                                    .arg(int(publisher.state()))
                                    .arg(publisher.exitCode())));
        QTRY_COMPARE_WITH_TIMEOUT(bus.topic(u"publisher/status").latest(), std::optional<QString>(u"online"_s), 10000);
        publisher.write("crash\n");
        QVERIFY(publisher.waitForFinished(10000));
        QCOMPARE(publisher.exitCode(), 9);
        QTRY_COMPARE_WITH_TIMEOUT(bus.topic(u"publisher/status").latest(), std::optional<QString>(u"offline"_s), 10000);
    }
};

QTEST_GUILESS_MAIN(tst_MqttTwoProcess)
#include "tst_mqtt_twoprocess.moc"
