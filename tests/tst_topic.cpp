// SPDX-License-Identifier: MIT
#include "alloccounter.h"

#include <DropSlot/DropSlot>

#include <QtTest/QTest>

using namespace DropSlot;
using namespace Qt::StringLiterals;

class tst_Topic : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void versionsCountPublishes()
    {
        Bus<int> bus;
        Topic<int> topic = bus.topic("counter");
        QCOMPARE(topic.version(), quint64(0));
        QCOMPARE(topic.latest(), std::nullopt);
        for (int i = 1; i <= 10; ++i) {
            QVERIFY(topic.publish(i * 10));
            QCOMPARE(topic.version(), quint64(i));
            QCOMPARE(topic.latest(), std::optional<int>(i * 10));
        }
    }

    void publishCopyAndMove()
    {
        Bus<QString> bus;
        Topic<QString> topic = bus.topic("text");
        const QString copied = u"copied"_s;
        QVERIFY(topic.publish(copied));
        QCOMPARE(copied, u"copied"_s);
        QString moved = u"moved"_s;
        QVERIFY(topic.publish(std::move(moved)));
        QCOMPARE(*topic.latest(), u"moved"_s);
        QCOMPARE(topic.version(), quint64(2));
    }

    void publishDoesNotKeepTheOldValueAlive()
    {
        // The replaced value is destroyed by publish itself (after releasing the lock), not left
        // in the caller's moved-from variable.
        Bus<std::shared_ptr<int>> bus;
        Topic<std::shared_ptr<int>> topic = bus.topic("p");
        std::weak_ptr<int> first;
        {
            auto value = std::make_shared<int>(1);
            first = value;
            topic.publish(std::move(value));
        }
        auto second = std::make_shared<int>(2);
        topic.publish(std::move(second));
        QVERIFY(first.expired());
    }

    void publishIfChanged()
    {
        Bus<QString> bus;
        Topic<QString> topic = bus.topic("state");
        QVERIFY(topic.publishIfChanged(u"idle"_s)); // no value yet: publishes
        QCOMPARE(topic.version(), quint64(1));
        QVERIFY(!topic.publishIfChanged(u"idle"_s));
        QCOMPARE(topic.version(), quint64(1));
        QVERIFY(topic.publishIfChanged(u"busy"_s));
        QCOMPARE(topic.version(), quint64(2));
        QCOMPARE(*topic.latest(), u"busy"_s);

        bus.removeTopic("state");
        QVERIFY(!topic.publishIfChanged(u"other"_s));
    }

    void byteArrayZeroCopy()
    {
        Bus<QByteArray> bus;
        Topic<QByteArray> topic = bus.topic("frames");
        Sub<QByteArray> sub = topic.subscribe();
        const QByteArray payload(1 << 20, 'x');
        const char *buffer = payload.constData();
        QVERIFY(topic.publish(payload));
        QCOMPARE(topic.latest()->constData(), buffer);
        QCOMPARE(sub.latest()->constData(), buffer);
        auto received = sub.tryGetMessage();
        QVERIFY(received);
        QCOMPARE(received->constData(), buffer);
        QCOMPARE(sub.latestWith([](const QByteArray &b) { return b.constData(); }), std::optional(buffer));
    }

    void publishSliceCopiesOnce()
    {
        Bus<QByteArray> bus;
        Topic<QByteArray> topic = bus.topic("slice");
        const char bytes[] = "0123456789";
        QVERIFY(topic.publishSlice(QByteArrayView(bytes, 4)));
        QCOMPARE(*topic.latest(), QByteArray("0123"));
        QVERIFY(topic.latest()->constData() != bytes);
    }

    void publishAllocatesNothingForSharedPayloads()
    {
#ifdef DROPSLOT_HAS_ALLOC_COUNTER
        Bus<QByteArray> bus;
        Topic<QByteArray> topic = bus.topic("hot");
        Sub<QByteArray> sub = topic.subscribe();
        const QByteArray payload("hello world");
        topic.publish(payload); // first publish may set up the slot
        std::optional<QByteArray> last;
        // Once read lock-free, a topic replaces values instead of overwriting them: the first
        // batch of publishes allocates the nodes that later ones recycle.
        for (int i = 0; i < 200; ++i) {
            topic.publish(payload);
            last = topic.latest();
        }
        const std::size_t allocations = allocationsDuring([&] {
            for (int i = 0; i < 1000; ++i) {
                topic.publish(payload);
                auto message = sub.tryGetMessage();
                Q_UNUSED(message);
                last = topic.latest();
            }
        });
        QCOMPARE(allocations, std::size_t(0));
        QCOMPARE(*last, payload);
#else
        QSKIP("allocation counting is unavailable in this build (sanitizer or non-glibc)");
#endif
    }

    void subscriberCounts()
    {
        Bus<int> bus;
        Topic<int> topic = bus.topic("t");
        QCOMPARE(topic.subscriberCount(), 0);
        QVERIFY(!topic.hasSubscribers());
        {
            Sub<int> a = topic.subscribe();
            Sub<int> b = bus.subscribe("t");
            QCOMPARE(topic.subscriberCount(), 2);
            QVERIFY(topic.hasSubscribers());
            Sub<int> moved = std::move(a);
            QCOMPARE(topic.subscriberCount(), 2);
            QVERIFY(!a.isValid()); // NOLINT(bugprone-use-after-move): documented moved-from state
        }
        QCOMPARE(topic.subscriberCount(), 0);
        Topic<int> copy = topic; // handles are not subscribers
        QCOMPARE(topic.subscriberCount(), 0);
    }

    void invalidHandle()
    {
        Topic<int> topic;
        QVERIFY(!topic.isValid());
        QVERIFY(topic.isClosed());
        QVERIFY(!topic.publish(1));
        QVERIFY(!topic.publishIfChanged(1));
        QCOMPARE(topic.version(), quint64(0));
        QCOMPARE(topic.subscriberCount(), 0);
        QVERIFY(topic.name().isNull());
        Sub<int> sub = topic.subscribe();
        QVERIFY(!sub.isValid());
        QCOMPARE(sub.tryGetMessage().error(), BusError::disconnected());
    }

    void handlesCopyAndCompare()
    {
        Bus<int> bus;
        Topic<int> a = bus.topic("x");
        Topic<int> b = a;
        Topic<int> c;
        c = b;
        QVERIFY(a == b && b == c);
        Topic<int> moved = std::move(b);
        QVERIFY(moved == a);
        QCOMPARE(a.name(), u"x"_s);
    }
};

QTEST_GUILESS_MAIN(tst_Topic)
#include "tst_topic.moc"
