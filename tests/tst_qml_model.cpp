// SPDX-License-Identifier: MIT
// DropSlotTopicModel from C++: rows follow topics created and removed by other threads, and a
// batch of deliveries is reported with one range-covering dataChanged.
#include <DropSlot/DropSlot>
#include <DropSlot/dropslotbus.h>
#include <DropSlot/dropslottopicmodel.h>

#include <QtTest/QAbstractItemModelTester>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <thread>

using namespace DropSlot;
using namespace Qt::StringLiterals;

class tst_QmlModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void oneDataChangedPerBatch()
    {
        Bus<int> bus;
        DropSlotBus forQml(bus);
        for (int i = 0; i < 100; ++i)
            bus.publish(u"m/%1"_s.arg(i, 3, 10, QChar(u'0')), 0);
        DropSlotTopicModel model;
        QAbstractItemModelTester tester(&model);
        model.setBus(&forQml);
        model.setFilter(u"m/*"_s);
        QCOMPARE(model.count(), 100);
        QCoreApplication::processEvents(); // the connections' first (current-value) delivery
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QVERIFY(changed.isValid());
        std::thread([&] { // the GUI thread is blocked meanwhile
            for (int round = 1; round <= 50; ++round) {
                for (int i = 10; i < 60; ++i)
                    bus.publish(u"m/%1"_s.arg(i, 3, 10, QChar(u'0')), round);
            }
        }).join();
        QTRY_COMPARE(changed.count(), 1);
        QCOMPARE(changed.at(0).at(0).toModelIndex().row(), 10);
        QCOMPARE(changed.at(0).at(1).toModelIndex().row(), 59);
        for (int i = 0; i < 100; ++i)
            QCOMPARE(model.index(i).data(DropSlotTopicModel::ValueRole).toInt(), i >= 10 && i < 60 ? 50 : 0);
        QCoreApplication::processEvents();
        QCOMPARE(changed.count(), 1);
    }

    void rowsFollowTopicsOfOtherThreads()
    {
        Bus<int> bus;
        DropSlotBus forQml(bus);
        DropSlotTopicModel model;
        QAbstractItemModelTester tester(&model);
        model.setBus(&forQml);
        model.setFilter(u"dev/*/status"_s);
        QSignalSpy counted(&model, &DropSlotTopicModel::countChanged);
        std::thread([&] {
            for (int i = 0; i < 40; ++i)
                bus.publish(u"dev/%1/status"_s.arg(i), i);
            bus.publish("dev/ignored", 1);
        }).join();
        QTRY_COMPARE(model.count(), 40);
        QVERIFY(counted.count() >= 1);
        std::thread([&] {
            for (int i = 0; i < 40; i += 2)
                bus.removeTopic(u"dev/%1/status"_s.arg(i));
        }).join();
        QTRY_COMPARE(model.count(), 20);
        QCOMPARE(model.indexOf(u"dev/1/status"_s), 0);
        QCOMPARE(model.index(0).data(DropSlotTopicModel::ValueRole).toInt(), 1);
        // The model uses the topics it shows: cleanup leaves them, and the unmatched one goes.
        QCOMPARE(bus.cleanupUnusedTopics(), 1);
        QCOMPARE(model.count(), 20);
    }

    void globConversion_data()
    {
        QTest::addColumn<QString>("glob");
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("matches");
        QTest::newRow("star crosses slash") << u"sensors/*"_s << u"sensors/a/b/c"_s << true;
        QTest::newRow("star in the middle") << u"a*z"_s << u"a/b/z"_s << true;
        QTest::newRow("anchored") << u"sensors/*"_s << u"x/sensors/a"_s << false;
        QTest::newRow("question mark") << u"v?"_s << u"v1"_s << true;
        QTest::newRow("question mark is one char") << u"v?"_s << u"v12"_s << false;
        QTest::newRow("regex characters are literal") << u"a.b+(c)"_s << u"a.b+(c)"_s << true;
        QTest::newRow("dot is not any") << u"a.b"_s << u"axb"_s << false;
        QTest::newRow("newline in name") << u"*"_s << u"line\nbreak"_s << true;
    }
    void globConversion()
    {
        QFETCH(QString, glob);
        QFETCH(QString, name);
        QFETCH(bool, matches);
        QCOMPARE(DropSlotTopicModel::globToRegularExpression(glob).match(name).hasMatch(), matches);
    }
};

QTEST_MAIN(tst_QmlModel)
#include "tst_qml_model.moc"
