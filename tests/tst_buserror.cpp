// SPDX-License-Identifier: MIT
#include <DropSlot/DropSlot>

#include <QtTest/QTest>

using namespace DropSlot;
using namespace Qt::StringLiterals;

class tst_BusError : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void kinds()
    {
        QVERIFY(BusError::empty().isEmpty());
        QVERIFY(!BusError::empty().isDisconnected());
        QVERIFY(BusError::disconnected().isDisconnected());
        QCOMPARE(BusError::empty().kind(), BusError::Empty);
        QCOMPARE(BusError::disconnected().kind(), BusError::Disconnected);
        QVERIFY(BusError::empty() == BusError::empty());
        QVERIFY(!(BusError::empty() == BusError::disconnected()));
    }

    void text()
    {
        QCOMPARE(BusError::empty().toString(), QStringLiteral("no new message"));
        QCOMPARE(BusError::disconnected().toString(), QStringLiteral("topic disconnected"));
        QString printed;
        QDebug(&printed) << BusError::disconnected();
        QCOMPARE(printed, QStringLiteral("BusError(topic disconnected) "));
    }

    void expectedValue()
    {
        Expected<int> ok(42);
        QVERIFY(ok.has_value());
        QVERIFY(bool(ok));
        QCOMPARE(ok.value(), 42);
        QCOMPARE(*ok, 42);

        Expected<QString> text(QStringLiteral("hello"));
        QCOMPARE(text->size(), 5);
    }

    void expectedError()
    {
        Sub<int> invalid;
        Expected<int> failed = invalid.tryGetMessage();
        QVERIFY(!failed.has_value());
        QVERIFY(!failed);
        QCOMPARE(failed.error(), BusError::disconnected());
        QCOMPARE(failed.value_or(7), 7);
    }

    void expectedVoid()
    {
        Bus<int> bus;
        auto sub = bus.subscribe("t");
        int seen = 0;
        auto nothing = sub.tryGetMessageAndApply([&](const int &v) { seen = v; });
        QVERIFY(!nothing);
        QCOMPARE(nothing.error(), BusError::empty());
        bus.publish("t", 5);
        auto applied = sub.tryGetMessageAndApply([&](const int &v) { seen = v; });
        QVERIFY(applied.has_value());
        QCOMPARE(seen, 5);
    }

    void valueOnAnErrorThrows()
    {
        // "Nothing new" is the everyday result of a poll: value() on it must not end the process.
        Bus<int> bus;
        Sub<int> sub = bus.subscribe("t");
        QVERIFY_THROWS_EXCEPTION(BadExpectedAccess, sub.tryGetMessage().value());
        try {
            sub.tryGetMessage().value();
        } catch (const BadExpectedAccess &e) {
            QCOMPARE(e.error(), BusError::empty());
            QCOMPARE(QByteArray(e.what()), QByteArray("DropSlot::Expected::value() on an error: no new message"));
        }
        auto nothing = sub.tryGetMessageAndApply([](const int &) { });
        QVERIFY_THROWS_EXCEPTION(BadExpectedAccess, nothing.value());
        QVERIFY(bus.publish("t", 3)); // and the Sub carries on
        QCOMPARE(sub.tryGetMessage().value(), 3);
    }

    void debugOutput()
    {
        auto print = [](const auto &value) {
            QString text;
            QDebug(&text) << value;
            return text.trimmed();
        };
        Bus<QString> bus;
        Topic<QString> topic = bus.topic("printer/status");
        Sub<QString> sub = topic.subscribe();
        QCOMPARE(print(sub.tryGetMessage()), u"Expected(BusError(no new message))"_s);
        topic.publish(u"ready"_s);
        QCOMPARE(print(sub.tryGetMessage()), u"Expected(\"ready\")"_s);
        QCOMPARE(print(sub), u"Sub(\"printer/status\", seen version 1)"_s);
        QCOMPARE(print(topic), u"Topic(\"printer/status\", version 1, 1 subscriber)"_s);
        QCOMPARE(print(bus), u"Bus(1 topic)"_s);
        struct Opaque { };
        QCOMPARE(print(Expected<Opaque>(Opaque{})), u"Expected(<value>)"_s);
        QCOMPARE(print(sub.tryGetMessageAndApply([](const QString &) { })), u"Expected(BusError(no new message))"_s);
        bus.removeTopic("printer/status");
        QCOMPARE(print(topic), u"Topic(\"printer/status\", version 1, 1 subscriber, closed)"_s);
        QCOMPARE(print(sub), u"Sub(\"printer/status\", seen version 1, closed)"_s);
        QCOMPARE(print(Topic<QString>()), u"Topic(invalid)"_s);
        QCOMPARE(print(Sub<QString>()), u"Sub(invalid)"_s);
    }

    void sizeIsSmall()
    {
        // Errors are returned by value on hot paths: keep the error type a byte.
        QCOMPARE(sizeof(BusError), std::size_t(1));
    }
};

QTEST_GUILESS_MAIN(tst_BusError)
#include "tst_buserror.moc"
