// SPDX-License-Identifier: MIT
#include "alloccounter.h"

#include <DropSlot/DropSlot>

#include <QtCore/QLoggingCategory>
#include <QtTest/QTest>

#include <set>

using namespace DropSlot;
using namespace Qt::StringLiterals;

namespace {
struct Reading
{
    QString sensor;
    double value = 0;
    friend bool operator==(const Reading &, const Reading &) = default;
};

const QRegularExpression emptyNameWarning(u"empty topic name was rejected"_s);
} // namespace

class tst_Bus : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void basicFlow()
    {
        Bus<QString> bus;
        auto sub = bus.subscribe("greetings");
        QVERIFY(bus.publish("greetings", u"hello"_s));
        auto message = sub.tryGetMessage();
        QVERIFY(message);
        QCOMPARE(*message, u"hello"_s);
        QCOMPARE(sub.tryGetMessage().error(), BusError::empty());
    }

    void copiesShareOneBus()
    {
        Bus<int> bus;
        Bus<int> copy = bus;
        QVERIFY(copy == bus);
        copy.publish("shared", 3);
        QCOMPARE(bus.topicCount(), 1);
        QCOMPARE(bus.topic("shared").latest(), std::optional<int>(3));
        QVERIFY(!(Bus<int>() == bus));
    }

    void topicIsGetOrCreate()
    {
        Bus<int> bus;
        Topic<int> first = bus.topic("a");
        Topic<int> second = bus.topic("a");
        QVERIFY(first == second);
        QCOMPARE(bus.topicCount(), 1);
        QVERIFY(!(bus.topic("b") == first));
        QCOMPARE(bus.topicCount(), 2);
    }

    void findTopicNeverCreates()
    {
        Bus<int> bus;
        QVERIFY(!bus.findTopic("missing").has_value());
        QCOMPARE(bus.topicCount(), 0);
        bus.publish("present", 1);
        auto found = bus.findTopic("present");
        QVERIFY(found.has_value());
        QCOMPARE(found->latest(), std::optional<int>(1));
        QVERIFY(!bus.findTopic("").has_value());
    }

    void heterogeneousLookup_data()
    {
        QTest::addColumn<QString>("name");
        QTest::newRow("ascii") << u"sensors/temperature"_s;
        QTest::newRow("latin1 range") << u"caf\u00e9/cr\u00e8me"_s;
        QTest::newRow("cjk") << u"\u6e29\u5ea6/\u30bb\u30f3\u30b5\u30fc"_s;
        QTest::newRow("emoji (surrogate pair)") << u"robot/\U0001F916/battery"_s;
        QTest::newRow("exactly 8 units") << u"abcdefgh"_s;
        QTest::newRow("one unit") << u"x"_s;
    }
    void heterogeneousLookup()
    {
        QFETCH(QString, name);
        Bus<int> bus;
        Topic<int> topic = bus.topic(name);
        const QByteArray utf8 = name.toUtf8();
        QVERIFY(bus.topic(QStringView(name)) == topic);
        QVERIFY(bus.topic(QUtf8StringView(utf8)) == topic);
        QVERIFY(bus.topic(QAnyStringView(utf8.constData())) == topic);
        bool latin1Representable = true;
        for (QChar c : name)
            latin1Representable &= c.unicode() < 0x100;
        if (latin1Representable) {
            const QByteArray latin1 = name.toLatin1();
            QVERIFY(bus.topic(QLatin1StringView(latin1)) == topic);
        }
        QCOMPARE(bus.topicCount(), 1);
        QCOMPARE(topic.name(), name);
        QCOMPARE(bus.topicNames(), QStringList{name});
    }

    void everyLengthHashesAlikeInEveryEncoding()
    {
        // The hash reads names in 8-unit steps with special short and tail paths; every length
        // must give UTF-16, Latin-1 and UTF-8 spellings of a name the same hash and topic.
        Bus<int> bus;
        const QString alphabet = u"abcdefghijklmnopqrstuvwxyz\u00e9\u00fc0123456789/_-.ABCDEFGHIJKLMNOPQRSTUVWXYZ"_s;
        for (int n = 1; n <= 70; ++n) {
            const QString name = alphabet.repeated(2).left(n);
            const QByteArray latin1 = name.toLatin1();
            const QByteArray utf8 = name.toUtf8();
            const quint64 wide = detail::NameKey(name).hash();
            QCOMPARE(detail::NameKey(QLatin1StringView(latin1)).hash(), wide);
            QCOMPARE(detail::NameKey(QUtf8StringView(utf8)).hash(), wide);
            Topic<int> topic = bus.topic(name);
            QVERIFY(bus.topic(QLatin1StringView(latin1)) == topic);
            QVERIFY(bus.topic(QUtf8StringView(utf8)) == topic);
        }
        QCOMPARE(bus.topicCount(), 70);
        // Names that differ in one unit anywhere hash apart (no collision among these).
        QSet<quint64> hashes;
        const QString base(40, u'x');
        for (int i = 0; i < base.size(); ++i) {
            QString changed = base;
            changed[i] = u'y';
            hashes.insert(detail::NameKey(changed).hash());
        }
        QCOMPARE(hashes.size(), base.size());
    }

    void literalsOfEveryKindFindTheSameTopic()
    {
        Bus<int> bus;
        Topic<int> topic = bus.topic("a");
        QVERIFY(bus.topic(u"a") == topic);
        QVERIFY(bus.topic(u"a"_s) == topic);
        QVERIFY(bus.topic("a"_L1) == topic);
        QVERIFY(bus.topic(u8"a") == topic);
    }

    void lookupDoesNotAllocate()
    {
#ifdef DROPSLOT_HAS_ALLOC_COUNTER
        // The counter itself works: building a QString allocates.
        QVERIFY(allocationsDuring([] { QString s(100, u'x'); Q_UNUSED(s); }) > 0);
        Bus<QByteArray> bus;
        const QString wide = u"sensors/\u00e9t\u00e9/temperature-42"_s;
        const QByteArray utf8 = wide.toUtf8();
        Topic<QByteArray> keep = bus.topic(wide);
        bus.topic("plain/ascii/name");
        bus.topic(u"caf\u00e9"_s);
        for (int i = 0; i < 200; ++i) // fill several shards so probing is exercised
            bus.topic(QString::number(i));
        bool found = false;
        const std::size_t allocations = allocationsDuring([&] {
            for (int i = 0; i < 100; ++i) {
                Topic<QByteArray> a = bus.topic(QStringView(wide));
                Topic<QByteArray> b = bus.topic(QUtf8StringView(utf8));
                Topic<QByteArray> c = bus.topic("plain/ascii/name");
                Topic<QByteArray> d = bus.topic("caf\xe9"_L1);
                found = bus.findTopic(u"plain/ascii/name").has_value();
                Q_UNUSED(a);
                Q_UNUSED(b);
                Q_UNUSED(c);
                Q_UNUSED(d);
            }
        });
        QCOMPARE(allocations, std::size_t(0));
        QVERIFY(found);
#else
        QSKIP("allocation counting is unavailable in this build (sanitizer or non-glibc)");
#endif
    }

    void emptyNameIsRejected()
    {
        Bus<int> bus;
        QTest::ignoreMessage(QtWarningMsg, emptyNameWarning);
        Topic<int> topic = bus.topic("");
        QVERIFY(!topic.isValid());
        QVERIFY(topic.isClosed());
        QVERIFY(topic.name().isEmpty());
        QVERIFY(!topic.publish(1));
        QCOMPARE(topic.version(), quint64(0));
        QCOMPARE(topic.latest(), std::nullopt);

        QTest::ignoreMessage(QtWarningMsg, emptyNameWarning);
        QVERIFY(!bus.publish(QString(), 1));
        QTest::ignoreMessage(QtWarningMsg, emptyNameWarning);
        Sub<int> sub = bus.subscribe(u""_s);
        QVERIFY(!sub.isValid());
        QCOMPARE(sub.tryGetMessage().error(), BusError::disconnected());
        QCOMPARE(bus.topicCount(), 0);
        QCOMPARE(bus.removeTopic(""), std::nullopt);

        // The bus keeps working.
        QVERIFY(bus.publish("after", 2));
        QCOMPARE(bus.topicCount(), 1);
    }

    void longName()
    {
        Bus<int> bus;
        const QString name = QString(100'000, u'n') + u"\u00e9"_s;
        QVERIFY(bus.publish(name, 7));
        QCOMPARE(bus.topic(name).latest(), std::optional<int>(7));
        QCOMPARE(bus.topic(name.toUtf8()).latest(), std::optional<int>(7));
        QCOMPARE(bus.topicNames().value(0), name);
        // One character different at the very end is another topic.
        QString other = name;
        other.back() = u'e';
        QVERIFY(!bus.findTopic(other).has_value());
        QCOMPARE(bus.removeTopic(name), std::optional<qsizetype>(0));
    }

    void nonAsciiNamesAreDistinct()
    {
        Bus<int> bus;
        // Same characters in different normalization forms are different names: the bus
        // compares code units, like QString's operator==.
        const QString composed = u"\u00e9"_s;
        const QString decomposed = u"e\u0301"_s;
        bus.publish(composed, 1);
        bus.publish(decomposed, 2);
        QCOMPARE(bus.topicCount(), 2);
        QCOMPARE(bus.topic(composed).latest(), std::optional<int>(1));
        QCOMPARE(bus.topic(decomposed).latest(), std::optional<int>(2));
    }

    void invalidUtf16AndUtf8Names()
    {
        Bus<int> bus;
        const QString loneSurrogate = QString(QChar(0xd800)) + u"x"_s;
        QVERIFY(bus.publish(loneSurrogate, 1));
        QCOMPARE(bus.topic(loneSurrogate).latest(), std::optional<int>(1));
        QCOMPARE(bus.topicNames(), QStringList{loneSurrogate});

        // Invalid UTF-8 names the same topic as the QString that QString::fromUtf8 makes of it.
        const QByteArray broken("bad\xff\xfename");
        QVERIFY(bus.publish(QUtf8StringView(broken), 2));
        QCOMPARE(bus.topic(QString::fromUtf8(broken)).latest(), std::optional<int>(2));

        const QString withNul = u"nul\0inside"_s;
        QCOMPARE(withNul.size(), 10);
        QVERIFY(bus.publish(withNul, 3));
        QVERIFY(!bus.findTopic(u"nul"_s).has_value());
        QCOMPARE(bus.topic(withNul).latest(), std::optional<int>(3));
    }

    void leadingByteOrderMarkIsPartOfTheName()
    {
        // U+FEFF at the start of a name is a character like any other: every spelling that
        // QAnyStringView compares equal finds the same topic, and no other.
        Bus<int> bus;
        const QString bomX = u"\uFEFFx"_s;
        const QByteArray bomXUtf8("\xEF\xBB\xBFx");
        QVERIFY(QAnyStringView(QUtf8StringView(bomXUtf8)) == QAnyStringView(bomX));
        QVERIFY(QAnyStringView(QUtf8StringView(bomXUtf8)) != QAnyStringView(u"x"));
        QVERIFY(bus.publish(bomX, 1));
        QVERIFY(bus.publish(u"x"_s, 2));
        QCOMPARE(bus.topicCount(), 2);
        QCOMPARE(bus.topic(QUtf8StringView(bomXUtf8)).latest(), std::optional<int>(1));
        QCOMPARE(bus.topic(QUtf8StringView(bomXUtf8)), bus.topic(bomX));
        QVERIFY(bus.findTopic(QUtf8StringView(bomXUtf8)).has_value());
        QCOMPARE(bus.topic("x").latest(), std::optional<int>(2));
        // A BOM followed by non-ASCII text takes the decoding path too.
        const QString bomE = u"\uFEFF\u00e9"_s;
        QVERIFY(bus.publish(QUtf8StringView("\xEF\xBB\xBF\xC3\xA9"), 3));
        QCOMPARE(bus.topic(bomE).latest(), std::optional<int>(3));
        QVERIFY(!bus.findTopic(u"\u00e9"_s).has_value());
        QCOMPARE(bus.topicCount(), 3);
    }

    void warningsHaveLoggingCategories()
    {
        // QT_LOGGING_RULES can select or silence DropSlot's messages by category.
        static QStringList seen;
        seen.clear();
        const QtMessageHandler previous = qInstallMessageHandler(
            [](QtMsgType, const QMessageLogContext &context, const QString &) {
                seen.append(QString::fromUtf8(context.category));
            });
        Bus<int> bus;
        const QObject *noContext = nullptr;
        QVERIFY(!bus.topic("").isValid());
        QVERIFY(!DropSlot::connect(bus.topic("t"), noContext, [](const int &) { }).isConnected());
        QCOMPARE(seen, QStringList({u"dropslot.bus"_s, u"dropslot.connect"_s}));
        QLoggingCategory::setFilterRules(u"dropslot.*.warning=false"_s);
        QVERIFY(!bus.topic("").isValid());
        QVERIFY(!DropSlot::connect(bus.topic("t"), noContext, [](const int &) { }).isConnected());
        QLoggingCategory::setFilterRules(QString());
        qInstallMessageHandler(previous);
        QCOMPARE(seen.size(), 2);
    }

    void countsAndNames()
    {
        Bus<int> bus;
        QCOMPARE(bus.topicCount(), 0);
        QVERIFY(bus.topicNames().isEmpty());
        std::set<QString> expected;
        for (int i = 0; i < 50; ++i) {
            const QString name = u"topic/"_s + QString::number(i);
            bus.topic(name);
            expected.insert(name);
        }
        QCOMPARE(bus.topicCount(), 50);
        const QStringList names = bus.topicNames();
        QCOMPARE(std::set<QString>(names.cbegin(), names.cend()), expected);
    }

    void capacityConfigurations_data()
    {
        QTest::addColumn<qsizetype>("capacity");
        QTest::addColumn<int>("topics");
        QTest::newRow("zero") << qsizetype(0) << 100;
        QTest::newRow("one") << qsizetype(1) << 100;
        QTest::newRow("low latency (8)") << qsizetype(8) << 1000;
        QTest::newRow("default") << Bus<int>::DefaultCapacity << 5000;
        QTest::newRow("high throughput (10000)") << qsizetype(10000) << 20000;
        QTest::newRow("negative is treated as zero") << qsizetype(-5) << 10;
    }
    void capacityConfigurations()
    {
        QFETCH(qsizetype, capacity);
        QFETCH(int, topics);
        Bus<int> bus = Bus<int>::withCapacity(capacity);
        for (int i = 0; i < topics; ++i)
            QVERIFY(bus.publish(QString::number(i), i));
        QCOMPARE(bus.topicCount(), topics);
        for (int i = 0; i < topics; ++i)
            QCOMPARE(bus.topic(QString::number(i)).latest(), std::optional<int>(i));
    }

    void removalKeepsOtherTopicsReachable()
    {
        // Removing from an open-addressing table must not hide the entries probed past it.
        Bus<int> bus(1);
        const int n = 3000;
        for (int i = 0; i < n; ++i)
            bus.publish(QString::number(i), i);
        for (int i = 0; i < n; i += 2)
            QCOMPARE(bus.removeTopic(QString::number(i)), std::optional<qsizetype>(0));
        QCOMPARE(bus.topicCount(), n / 2);
        for (int i = 0; i < n; ++i) {
            auto found = bus.findTopic(QString::number(i));
            QCOMPARE(found.has_value(), i % 2 == 1);
            if (found)
                QCOMPARE(found->latest(), std::optional<int>(i));
        }
    }

    void removeTopic()
    {
        Bus<int> bus;
        QCOMPARE(bus.removeTopic("missing"), std::nullopt);
        Topic<int> stale = bus.topic("t");
        Sub<int> a = stale.subscribe();
        Sub<int> b = stale.subscribe();
        QVERIFY(stale.publish(1));
        QCOMPARE(bus.removeTopic("t"), std::optional<qsizetype>(2));
        QCOMPARE(bus.topicCount(), 0);
        QVERIFY(stale.isClosed());
        QVERIFY(!stale.publish(2));               // stale handle: refused, nothing changes
        QCOMPARE(stale.version(), quint64(1));
        QCOMPARE(stale.latest(), std::optional<int>(1));

        // The unseen value first, then Disconnected.
        QCOMPARE(*a.tryGetMessage(), 1);
        QCOMPARE(a.tryGetMessage().error(), BusError::disconnected());
        QCOMPARE(*b.tryGetMessage(), 1);
        QCOMPARE(b.tryGetMessage().error(), BusError::disconnected());

        // The name now makes a new, open topic.
        Topic<int> fresh = bus.topic("t");
        QVERIFY(!(fresh == stale));
        QVERIFY(!fresh.isClosed());
        QCOMPARE(fresh.version(), quint64(0));
        QVERIFY(fresh.publish(3));
        QCOMPARE(a.tryGetMessage().error(), BusError::disconnected());
    }

    void cleanupRemovesOnlyUnreferencedTopics()
    {
        Bus<int> bus;
        bus.publish("orphan-1", 1);
        bus.publish("orphan-2", 2);
        Topic<int> publisher = bus.topic("held-by-publisher");
        Sub<int> subscriber = bus.subscribe("held-by-subscriber");
        QCOMPARE(bus.topicCount(), 4);

        QCOMPARE(bus.cleanupUnusedTopics(), 2);
        QCOMPARE(bus.topicCount(), 2);
        QVERIFY(!bus.findTopic("orphan-1"));
        QVERIFY(bus.findTopic("held-by-publisher"));
        QVERIFY(bus.findTopic("held-by-subscriber"));
        QCOMPARE(bus.cleanupUnusedTopics(), 0);
    }

    void cleanupNeverOrphansAPublisher()
    {
        // dropslot 0.2 removed a topic whose publisher still held it; later publishes then went
        // to a topic no new subscriber could reach. Here the publisher keeps its topic.
        Bus<int> bus;
        Topic<int> publisher = bus.topic("status");
        publisher.publish(1);
        QCOMPARE(bus.cleanupUnusedTopics(), 0);
        QVERIFY(publisher.publish(2));
        Sub<int> late = bus.subscribe("status");
        QCOMPARE(late.latest(), std::optional<int>(2));
        QVERIFY(publisher.publish(3));
        QCOMPARE(*late.tryGetMessage(), 3);

        // Once every handle is gone the topic is unused and cleanup takes it.
        late = Sub<int>();
        publisher = Topic<int>();
        QCOMPARE(bus.cleanupUnusedTopics(), 1);
        QCOMPARE(bus.topicCount(), 0);
    }

    void cleanupOfManyTopics()
    {
        Bus<int> bus;
        std::vector<Topic<int>> kept;
        for (int i = 0; i < 1000; ++i) {
            Topic<int> t = bus.topic(u"t"_s + QString::number(i));
            if (i % 2)
                kept.push_back(t);
        }
        QCOMPARE(bus.cleanupUnusedTopics(), 500);
        QCOMPARE(bus.topicCount(), 500);
        for (const Topic<int> &t : kept)
            QVERIFY(bus.findTopic(t.name()).has_value());
    }

    void destroyingTheBusClosesItsTopics()
    {
        std::optional<Bus<int>> bus(std::in_place);
        Topic<int> topic = bus->topic("t");
        Sub<int> sub = topic.subscribe();
        Sub<int> upToDate = topic.subscribe();
        topic.publish(5);
        QCOMPARE(*upToDate.tryGetMessage(), 5);
        bus.reset();
        QVERIFY(topic.isClosed());
        QVERIFY(!topic.publish(6));
        QCOMPARE(*sub.tryGetMessage(), 5);
        QCOMPARE(sub.tryGetMessage().error(), BusError::disconnected());
        QCOMPARE(upToDate.tryGetMessage().error(), BusError::disconnected());
        QCOMPARE(topic.name(), u"t"_s); // handles stay usable
    }

    void customTypes()
    {
        Bus<Reading> bus;
        auto sub = bus.subscribe("reading");
        bus.publish("reading", Reading{u"probe"_s, 21.5});
        QCOMPARE(*sub.tryGetMessage(), (Reading{u"probe"_s, 21.5}));

        Bus<std::vector<int>> vectors;
        vectors.publish("v", {1, 2, 3});
        QCOMPARE(vectors.topic("v").latest()->size(), std::size_t(3));

        Bus<std::unique_ptr<int>> moveOnlyLike; // publish(T&&) is enough for move-only types
        Topic<std::unique_ptr<int>> t = moveOnlyLike.topic("p");
        QVERIFY(t.publish(std::make_unique<int>(4)));
        QCOMPARE(t.version(), quint64(1));
    }

    void byteArrayPublishSlice()
    {
        Bus<QByteArray> bus;
        const char raw[] = "raw bytes";
        QVERIFY(bus.publishSlice("bytes", QByteArrayView(raw)));
        QCOMPARE(*bus.topic("bytes").latest(), QByteArray("raw bytes"));
    }

    void defaultBusIsOneInstance()
    {
        VariantBus a = defaultBus();
        VariantBus b = defaultBus();
        QVERIFY(a == b);
        a.publish("tst_bus/default", 12);
        QCOMPARE(b.topic("tst_bus/default").latest()->toInt(), 12);
        b.removeTopic("tst_bus/default");
    }
};

QTEST_GUILESS_MAIN(tst_Bus)
#include "tst_bus.moc"
