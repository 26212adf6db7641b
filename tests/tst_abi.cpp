// SPDX-License-Identifier: MIT
// One program, translation units built under C++20 and C++23: the headers' types and the
// functions the linker merges between them must be the same, or reads are lost.
#include "abi/abiprobe.h"

#include <DropSlot/DropSlot>

#include <QtTest/QTest>

#include <cstring>

using namespace DropSlot;
using namespace Qt::StringLiterals;

class tst_Abi : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sameTypesUnderEveryStandard()
    {
        Bus<QString> bus;
        Sub<QString> sub = bus.subscribe("t");
        bus.publish("t", u"first"_s);
        const AbiProbe::Report in20 = AbiProbe::readCxx20(sub);
        bus.publish("t", u"second"_s);
        const AbiProbe::Report in23 = AbiProbe::readCxx23(sub);

        QCOMPARE(in20.standard, 202002L);
        QVERIFY2(in23.standard > 202002L, "the probe was not built as C++23");
        QCOMPARE(in20.expectedSize, in23.expectedSize);
        QCOMPARE(QByteArray(in20.expectedTypeName), QByteArray(in23.expectedTypeName));
        QVERIFY(in20.gotValue);
        QCOMPARE(in20.value, u"first"_s);
        QVERIFY(in23.gotValue);
        QCOMPARE(in23.value, u"second"_s);
    }
};

QTEST_GUILESS_MAIN(tst_Abi)
#include "tst_abi.moc"
