// SPDX-License-Identifier: MIT
#include <DropSlot/DropSlot>

#include <QtTest/QTest>

using namespace DropSlot;

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

    void sizeIsSmall()
    {
        // Errors are returned by value on hot paths: keep the error type a byte.
        QCOMPARE(sizeof(BusError), std::size_t(1));
    }
};

QTEST_GUILESS_MAIN(tst_BusError)
#include "tst_buserror.moc"
