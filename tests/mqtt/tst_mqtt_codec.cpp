// SPDX-License-Identifier: MIT
// Codecs (text, JSON, CBOR and a user's own), and MQTT filter matching on local names.
#include "mqtttestsupport.h"
#include "topicfilter_p.h"

#include <DropSlot/DropSlot>

using namespace DropSlot;
using namespace Qt::StringLiterals;

// A user's own type and codec: "21.5 C".
struct Reading
{
    double value = 0;
    QString unit;
    bool operator==(const Reading &) const = default;
};

template <>
struct DropSlot::Codec<Reading>
{
    static QByteArray encode(const Reading &r) { return Codec<double>::encode(r.value) + ' ' + r.unit.toUtf8(); }
    static std::optional<Reading> decode(QByteArrayView payload)
    {
        const qsizetype space = payload.indexOf(' ');
        if (space < 0)
            return std::nullopt;
        const auto value = Codec<double>::decode(payload.first(space));
        if (!value)
            return std::nullopt;
        return Reading{*value, QString::fromUtf8(payload.sliced(space + 1))};
    }
};

struct Pose
{
    Q_GADGET
    Q_PROPERTY(double x MEMBER x)
    Q_PROPERTY(double y MEMBER y)
    Q_PROPERTY(QString frame MEMBER frame)
public:
    double x = 0, y = 0;
    QString frame;
    bool operator==(const Pose &) const = default;
};

class tst_MqttCodec : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void numbersAsDecimalText()
    {
        QCOMPARE(Codec<int>::encode(-42), QByteArray("-42"));
        QCOMPARE(Codec<int>::decode("42"), 42);
        QCOMPARE(Codec<int>::decode(" 42\n"), 42);
        QCOMPARE(Codec<int>::decode("+7"), 7);
        QCOMPARE(Codec<int>::decode("42abc"), std::nullopt); // partial
        QCOMPARE(Codec<int>::decode("2147483648"), std::nullopt); // out of range
        QCOMPARE(Codec<qint8>::decode("-129"), std::nullopt);
        QCOMPARE(Codec<quint16>::decode("-1"), std::nullopt);
        QCOMPARE(Codec<quint64>::decode("18446744073709551615"), std::numeric_limits<quint64>::max());
        QCOMPARE(Codec<int>::decode(""), std::nullopt);
        QCOMPARE(Codec<int>::decode("1.5"), std::nullopt);

        QCOMPARE(Codec<double>::encode(0.1), QByteArray("0.1"));
        QCOMPARE(Codec<double>::encode(21.5), QByteArray("21.5"));
        QCOMPARE(Codec<double>::decode("21.5"), 21.5);
        QCOMPARE(Codec<double>::decode("1e3"), 1000.0);
        QCOMPARE(Codec<double>::decode("1e999"), std::nullopt); // out of range
        QCOMPARE(Codec<double>::decode("21.5C"), std::nullopt);
        QVERIFY(std::isnan(*Codec<double>::decode(Codec<double>::encode(qQNaN()))));
        for (double v : {1.0 / 3, -1e-300, 123456789.125, 5e-324})
            QCOMPARE(Codec<double>::decode(Codec<double>::encode(v)), v); // round trips exactly
        QCOMPARE(Codec<float>::decode(Codec<float>::encode(0.1f)), 0.1f);
    }

    void booleansTextAndBytes()
    {
        QCOMPARE(Codec<bool>::encode(true), QByteArray("true"));
        QCOMPARE(Codec<bool>::decode("false"), false);
        QCOMPARE(Codec<bool>::decode("1"), true);
        QCOMPARE(Codec<bool>::decode("0"), false);
        QCOMPARE(Codec<bool>::decode("yes"), std::nullopt);
        QCOMPARE(Codec<QString>::decode(u"Zoë"_s.toUtf8()), u"Zoë"_s);
        QCOMPARE(Codec<QString>::decode("\xff\xfe"), std::nullopt); // not UTF-8
        QCOMPARE(Codec<QByteArray>::decode(QByteArrayView("\0\1", 2)), QByteArray("\0\1", 2));
    }

    void variantsAsJson()
    {
        QCOMPARE(Codec<QVariant>::encode(21.5), QByteArray("21.5"));
        QCOMPARE(Codec<QVariant>::encode(u"text"_s), QByteArray("\"text\""));
        QCOMPARE(Codec<QVariant>::encode(QVariantMap{{u"a"_s, 1}}), QByteArray("{\"a\":1}"));
        QCOMPARE(Codec<QVariant>::encode(QVariantList{1, u"b"_s}), QByteArray("[1,\"b\"]"));
        QCOMPARE(Codec<QVariant>::decode("21.5")->toDouble(), 21.5);
        QCOMPARE(Codec<QVariant>::decode("true")->toBool(), true);
        QCOMPARE(Codec<QVariant>::decode("{\"a\":[1,2]}")->toMap().value(u"a"_s).toList().size(), 2);
        // Not JSON: kept as text.
        QCOMPARE(Codec<QVariant>::decode("hello"), QVariant(u"hello"_s));
        QCOMPARE(Codec<QVariant>::decode("1,2"), QVariant(u"1,2"_s));
        // What JSON cannot hold encodes to nothing, which the bridge refuses.
        QCOMPARE(Codec<QVariant>::encode(QVariant::fromValue(Pose{})), QByteArray());
    }

    void cborForVariantsAndGadgets()
    {
        const QVariantMap map{{u"bytes"_s, QByteArray("\0\1", 2)}, {u"n"_s, 3}};
        QCOMPARE(CborCodec<QVariant>::decode(CborCodec<QVariant>::encode(map))->toMap(), map);
        QCOMPARE(CborCodec<QVariant>::decode("\xff"), std::nullopt);       // not CBOR
        const QByteArray two = CborCodec<QVariant>::encode(1) + CborCodec<QVariant>::encode(2);
        QCOMPARE(CborCodec<QVariant>::decode(two), std::nullopt);          // two items

        const Pose pose{1.5, -2, u"map"_s};
        QCOMPARE(CborCodec<Pose>::decode(CborCodec<Pose>::encode(pose)), pose);
        QCOMPARE(CborCodec<Pose>::decode(CborCodec<QVariant>::encode(QVariantMap{{u"x"_s, 4}})),
                 (Pose{4, 0, QString()})); // missing properties keep their defaults
        QCOMPARE(CborCodec<Pose>::decode(CborCodec<QVariant>::encode(42)), std::nullopt); // not a map
    }

    void aUserCodecCarriesItsTypeThroughTheBroker()
    {
        QCOMPARE(Codec<Reading>::decode(Codec<Reading>::encode({21.5, u"°C"_s})), (Reading{21.5, u"°C"_s}));
        TestBroker broker;
        REQUIRE_BROKER(broker);
        Bus<Reading> source, sink;
        Bus<Pose> poses, posesSink;
        MqttBridge out(source, optionsFor(broker)), in(sink, optionsFor(broker));
        MqttBridge poseOut(poses, withCodec<CborCodec<Pose>>, optionsFor(broker));
        MqttBridge poseIn(posesSink, withCodec<CborCodec<Pose>>, optionsFor(broker));
        out.exportTopics(u"temp/#"_s);
        in.importTopics(u"temp/#"_s);
        poseOut.exportTopics(u"pose"_s);
        poseIn.importTopics(u"pose"_s);
        for (MqttBridge *b : {&out, &in, &poseOut, &poseIn}) {
            b->start();
            WAIT_CONNECTED(*b);
        }
        source.publish(u"temp/room", Reading{21.5, u"°C"_s});
        poses.publish(u"pose", Pose{1, 2, u"odom"_s});
        QTRY_COMPARE_WITH_TIMEOUT(sink.topic(u"temp/room").latest(), std::optional<Reading>(Reading{21.5, u"°C"_s}), 10000);
        QTRY_COMPARE_WITH_TIMEOUT(posesSink.topic(u"pose").latest(), std::optional<Pose>(Pose{1, 2, u"odom"_s}), 10000);
        QCOMPARE(retained(broker, u"temp/room"_s), u"21.5 °C"_s.toUtf8()); // readable by other tools
    }

    void filtersMatchLocalNamesLevelByLevel()
    {
        using DropSlot::detail::filterMatches;
        QVERIFY(filterMatches(u"a/#", u"a"));
        QVERIFY(filterMatches(u"a/#", u"a/b/c"));
        QVERIFY(filterMatches(u"#", u"anything/at/all"));
        QVERIFY(filterMatches(u"a/+/c", u"a/b/c"));
        QVERIFY(filterMatches(u"a/+", u"a/"));
        QVERIFY(!filterMatches(u"a/+", u"a"));
        QVERIFY(!filterMatches(u"a/+", u"a/b/c"));
        QVERIFY(!filterMatches(u"+", u"a/b"));
        QVERIFY(!filterMatches(u"a/b", u"a/bc"));
        QVERIFY(!filterMatches(u"#", u"$SYS/x"));
        QVERIFY(filterMatches(u"$SYS/#", u"$SYS/x"));
        QVERIFY(DropSlot::detail::filterProblem(u"a/#/b").contains(u"last"_s));
        QVERIFY(DropSlot::detail::filterProblem(u"a/b+").contains(u"whole level"_s));
        QVERIFY(DropSlot::detail::filterProblem(u"a/+/#").isEmpty());
        QVERIFY(!DropSlot::detail::topicNameProblem(u"a/b#").isEmpty());
        QVERIFY(DropSlot::detail::topicNameProblem(u"a/b").isEmpty());
    }
};

QTEST_GUILESS_MAIN(tst_MqttCodec)
#include "tst_mqtt_codec.moc"
