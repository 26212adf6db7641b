// SPDX-License-Identifier: MIT
#include <DropSlot/DropSlot>

#include <QtTest/QTest>

using namespace DropSlot;
using namespace Qt::StringLiterals;

class tst_Sub : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void newSubHasSeenTheCurrentVersion()
    {
        Bus<int> bus;
        Topic<int> topic = bus.topic("t");
        topic.publish(1);
        topic.publish(2);
        Sub<int> sub = topic.subscribe();
        QCOMPARE(sub.lastSeenVersion(), quint64(2));
        QCOMPARE(sub.tryGetMessage().error(), BusError::empty());
        QVERIFY(sub.hasLatest());
        QCOMPARE(sub.latest(), std::optional<int>(2)); // published before the subscription
        topic.publish(3);
        QCOMPARE(*sub.tryGetMessage(), 3);
        QCOMPARE(sub.lastSeenVersion(), quint64(3));
    }

    void subscribingToAnEmptyTopic()
    {
        Bus<int> bus;
        Sub<int> sub = bus.subscribe("nothing-yet");
        QVERIFY(!sub.hasLatest());
        QCOMPARE(sub.latest(), std::nullopt);
        QCOMPARE(sub.lastSeenVersion(), quint64(0));
        QCOMPARE(sub.tryGetMessage().error(), BusError::empty());
        QCOMPARE(sub.topicName(), u"nothing-yet"_s);
    }

    void latestOnly()
    {
        Bus<int> bus;
        Sub<int> sub = bus.subscribe("t");
        for (int i = 1; i <= 100; ++i)
            bus.publish("t", i);
        auto message = sub.tryGetMessage();
        QCOMPARE(*message, 100);
        QCOMPARE(sub.lastSeenVersion(), quint64(100));
        QCOMPARE(sub.tryGetMessage().error(), BusError::empty());
    }

    void multipleSubscribersReadIndependently()
    {
        Bus<QString> bus;
        Topic<QString> topic = bus.topic("alerts");
        Sub<QString> email = topic.subscribe();
        Sub<QString> sms = topic.subscribe();
        Sub<QString> push = topic.subscribe();
        topic.publish(u"disk full"_s);
        QCOMPARE(*email.tryGetMessage(), u"disk full"_s);
        QCOMPARE(email.tryGetMessage().error(), BusError::empty());
        QCOMPARE(*sms.tryGetMessage(), u"disk full"_s);
        topic.publish(u"disk ok"_s);
        QCOMPARE(*sms.tryGetMessage(), u"disk ok"_s);
        QCOMPARE(*push.tryGetMessage(), u"disk ok"_s); // push skipped the first: latest only
        QCOMPARE(*email.tryGetMessage(), u"disk ok"_s);
    }

    void tryGetMessageAndApply()
    {
        Bus<QString> bus;
        Sub<QString> sub = bus.subscribe("t");
        auto none = sub.tryGetMessageAndApply([](const QString &s) { return s.size(); });
        QCOMPARE(none.error(), BusError::empty());
        bus.publish("t", u"four"_s);
        auto length = sub.tryGetMessageAndApply([](const QString &s) { return s.size(); });
        QCOMPARE(*length, qsizetype(4));
        QCOMPARE(sub.tryGetMessage().error(), BusError::empty()); // apply consumed it
    }

    void latestWithDoesNotConsume()
    {
        Bus<QString> bus;
        Sub<QString> sub = bus.subscribe("t");
        QCOMPARE(sub.latestWith([](const QString &s) { return s.size(); }), std::nullopt);
        bus.publish("t", u"abc"_s);
        QCOMPARE(sub.latestWith([](const QString &s) { return s.size(); }), std::optional<qsizetype>(3));
        QCOMPARE(*sub.tryGetMessage(), u"abc"_s);
    }

    void latestWithRunsWithoutTheLock()
    {
        // The functor may touch the same topic: it runs after the topic's lock is released.
        Bus<int> bus;
        Topic<int> topic = bus.topic("t");
        Sub<int> sub = topic.subscribe();
        topic.publish(1);
        auto result = sub.latestWith([&](const int &v) {
            topic.publish(v + 1);
            return *topic.latest();
        });
        QCOMPARE(result, std::optional<int>(2));
    }

    void moveKeepsSeenVersion()
    {
        Bus<int> bus;
        Topic<int> topic = bus.topic("t");
        Sub<int> first = topic.subscribe();
        topic.publish(1);
        QCOMPARE(*first.tryGetMessage(), 1);
        Sub<int> second = std::move(first);
        QVERIFY(!first.isValid()); // NOLINT(bugprone-use-after-move)
        QCOMPARE(first.tryGetMessage().error(), BusError::disconnected());
        QCOMPARE(second.tryGetMessage().error(), BusError::empty());
        QCOMPARE(second.lastSeenVersion(), quint64(1));
        Sub<int> third;
        third = std::move(second);
        topic.publish(2);
        QCOMPARE(*third.tryGetMessage(), 2);
    }

    void closedTopicGivesUnseenValueThenDisconnected()
    {
        Bus<int> bus;
        Sub<int> seen = bus.subscribe("t");
        Sub<int> unseen = bus.subscribe("t");
        bus.publish("t", 9);
        QCOMPARE(*seen.tryGetMessage(), 9);
        bus.removeTopic("t");
        QVERIFY(seen.isClosed());
        QCOMPARE(seen.tryGetMessage().error(), BusError::disconnected());
        QCOMPARE(*unseen.tryGetMessage(), 9);
        QCOMPARE(unseen.tryGetMessage().error(), BusError::disconnected());
        QCOMPARE(unseen.latest(), std::optional<int>(9)); // the last value stays readable
    }

    void subOutlivesBusAndTopicHandles()
    {
        Sub<QString> sub;
        {
            Bus<QString> bus;
            sub = bus.subscribe("t");
            bus.publish("t", u"last words"_s);
        }
        QCOMPARE(sub.topicName(), u"t"_s);
        QCOMPARE(*sub.tryGetMessage(), u"last words"_s);
        QCOMPARE(sub.tryGetMessage().error(), BusError::disconnected());
    }
};

QTEST_GUILESS_MAIN(tst_Sub)
#include "tst_sub.moc"
