// SPDX-License-Identifier: MIT
// DropSlotTopic and DropSlotBus driven from C++: values published by worker threads reaching
// QML bindings, typed buses exposed to QML, frame alignment, and engine teardown under load.
#include <DropSlot/DropSlot>
#include <DropSlot/dropslotbus.h>
#include <DropSlot/dropslottopic.h>
#include <DropSlot/dropslottopicmodel.h>

#include "framegate_p.h"

#include <QtQml/QQmlComponent>
#include <QtQml/QQmlContext>
#include <QtQml/QQmlEngine>
#include <QtQuick/QQuickItem>
#include <QtQuick/QQuickWindow>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <atomic>
#include <thread>

using namespace DropSlot;
using namespace Qt::StringLiterals;

namespace {

// A Q_GADGET value type that records which threads copy it: a typed bus must convert values to
// QVariant only where they are delivered, never where they are published.
struct Reading
{
    Q_GADGET
    Q_PROPERTY(double celsius MEMBER celsius)
    Q_PROPERTY(QString unit MEMBER unit)
public:
    double celsius = 0;
    QString unit = u"°C"_s;

    Reading() = default;
    Reading(double c) : celsius(c) { }
    Reading(const Reading &other) : celsius(other.celsius), unit(other.unit) { noteCopy(); }
    Reading(Reading &&other) noexcept = default;
    Reading &operator=(const Reading &other)
    {
        celsius = other.celsius;
        unit = other.unit;
        noteCopy();
        return *this;
    }
    Reading &operator=(Reading &&other) noexcept = default;
    friend bool operator==(const Reading &a, const Reading &b) { return a.celsius == b.celsius; }

    static inline std::atomic<int> copies{0};
    static inline std::atomic<int> copiesOutsideGui{0};
    static void noteCopy()
    {
        ++copies;
        if (QCoreApplication::instance() && QThread::currentThread() != QCoreApplication::instance()->thread())
            ++copiesOutsideGui;
    }
};

// Publishes to topics from a thread until stopped.
class Publisher
{
public:
    template <typename F>
    explicit Publisher(F &&step)
        : m_thread([this, step = std::forward<F>(step)]() mutable {
              for (quint64 i = 1; !m_stop.load(std::memory_order_relaxed); ++i)
                  step(i);
          })
    {
    }
    ~Publisher() { stop(); }
    void stop()
    {
        m_stop = true;
        if (m_thread.joinable())
            m_thread.join();
    }

private:
    std::atomic<bool> m_stop{false};
    std::thread m_thread;
};

// True while DropSlotBus hands out its internal adapter: public API must not expose detail types.
template <typename B>
concept ExposesAdapter = requires(const B &bus) { bus.adapter(); }
    || requires { B::adapterFor(nullptr); };

// The next warning must match pattern (and is not printed).
void expectWarning(const QString &pattern)
{
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(pattern));
}

std::unique_ptr<QObject> create(QQmlEngine &engine, const QByteArray &qml, const QVariantMap &properties = {})
{
    QQmlComponent component(&engine);
    component.setData(qml, QUrl(u"inline.qml"_s));
    std::unique_ptr<QObject> object(component.createWithInitialProperties(properties));
    if (!object)
        qWarning().noquote() << component.errorString();
    return object;
}

} // namespace

class tst_QmlTopic : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init() { m_engine = std::make_unique<QQmlEngine>(); m_engine->addImportPath(QStringLiteral(DROPSLOT_QML_IMPORT_DIR)); }
    void cleanup() { m_engine.reset(); }

    void workerValuesArriveInBindings()
    {
        auto object = create(*m_engine, R"(
            import QtQml
            import DropSlot
            QtObject {
                property DropSlotTopic topic: DropSlotTopic { name: "tst_qml_topic/worker" }
                property string text: topic.hasValue ? "reading " + topic.value : "no reading"
            })");
        QVERIFY(object);
        QCOMPARE(object->property("text").toString(), u"no reading"_s);
        constexpr int Last = 200'000;
        std::thread([] {
            Topic<QVariant> topic = defaultBus().topic("tst_qml_topic/worker");
            for (int i = 1; i <= Last; ++i)
                topic.publish(i);
        }).join();
        QTRY_COMPARE(object->property("text").toString(), u"reading %1"_s.arg(Last));
        auto *topic = object->property("topic").value<DropSlotTopic *>();
        QCOMPARE(topic->version(), double(Last));
    }

    void typedBuses()
    {
        Bus<double> doubles;
        Bus<QString> strings;
        Bus<QByteArray> bytes;
        Bus<QVariantMap> maps;
        DropSlotBus doublesForQml(doubles), stringsForQml(strings), bytesForQml(bytes), mapsForQml(maps);
        QCOMPARE(doublesForQml.valueType(), u"double"_s);
        auto object = create(*m_engine, R"(
            import QtQml
            import DropSlot
            QtObject {
                required property DropSlotBus doubles
                required property DropSlotBus strings
                required property DropSlotBus bytes
                required property DropSlotBus maps
                property DropSlotTopic d: DropSlotTopic { bus: doubles; name: "t" }
                property DropSlotTopic s: DropSlotTopic { bus: strings; name: "t" }
                property DropSlotTopic b: DropSlotTopic { bus: bytes; name: "t" }
                property DropSlotTopic m: DropSlotTopic { bus: maps; name: "t" }
                property string summary: d.value + "|" + s.value + "|" + b.value + "|" + (m.hasValue ? m.value.unit : "")
            })",
            {{u"doubles"_s, QVariant::fromValue(&doublesForQml)}, {u"strings"_s, QVariant::fromValue(&stringsForQml)},
             {u"bytes"_s, QVariant::fromValue(&bytesForQml)}, {u"maps"_s, QVariant::fromValue(&mapsForQml)}});
        QVERIFY(object);
        std::thread([&] {
            doubles.publish("t", 21.5);
            strings.publish("t", u"text"_s);
            bytes.publish("t", QByteArray("raw"));
            maps.publish("t", QVariantMap{{u"unit"_s, u"kPa"_s}});
        }).join();
        QTRY_COMPARE(object->property("summary").toString(), u"21.5|text|raw|kPa"_s);

        // QML publishes into typed buses, converting where it can...
        auto *d = object->property("d").value<DropSlotTopic *>();
        QVERIFY(d->publish(QJSValue(u"12.25"_s)));
        QCOMPARE(*doubles.topic("t").latest(), 12.25);
        // ...and refusing (with a warning naming the topic) where it cannot.
        expectWarning(u"DropSlotTopic.publish to \"t\": a string cannot be converted to real"_s);
        QVERIFY(!d->publish(QJSValue(u"not a number"_s)));
        QCOMPARE(*doubles.topic("t").latest(), 12.25);
    }

    void typedBusesRefuseWhatDoesNotFit_data()
    {
        QTest::addColumn<QString>("bus");        // the bus's type, as QML writes it
        QTest::addColumn<QString>("expression"); // the JavaScript value published
        QTest::addColumn<QVariant>("stored");    // what the bus then holds; invalid: refused
        QTest::addColumn<QString>("warning");    // the refusal's reason

        const auto fits = [](const char *tag, const QString &bus, const QString &expression,
                             const QVariant &stored) {
            QTest::newRow(tag) << bus << expression << stored << QString();
        };
        const auto refused = [](const char *tag, const QString &bus, const QString &expression,
                                const QString &warning) {
            QTest::newRow(tag) << bus << expression << QVariant() << warning;
        };
        fits("int: whole", u"int"_s, u"42"_s, 42);
        fits("int: whole as a fraction", u"int"_s, u"7.0"_s, 7);
        fits("int: lowest", u"int"_s, u"-2147483648"_s, INT_MIN);
        fits("int: highest", u"int"_s, u"2147483647"_s, INT_MAX);
        fits("int: numeric string", u"int"_s, u"'12'"_s, 12);
        refused("int: fraction", u"int"_s, u"3.7"_s,
                uR"(the number 3\.7 does not fit in int \(a whole number from -2147483648 to )"
                uR"(2147483647\))"_s);
        refused("int: huge", u"int"_s, u"1e20"_s, u"the number 1e\\+20 does not fit in int"_s);
        refused("int: just above", u"int"_s, u"2147483648"_s,
                u"the number 2147483648 does not fit in int"_s);
        refused("int: NaN", u"int"_s, u"NaN"_s, u"the number NaN does not fit in int"_s);
        refused("int: Infinity", u"int"_s, u"-Infinity"_s,
                u"the number -Infinity does not fit in int"_s);
        refused("int: fractional string", u"int"_s, u"'3.5'"_s,
                u"the number 3\\.5 does not fit in int"_s);
        refused("int: bool", u"int"_s, u"true"_s, u"a bool cannot be converted to int"_s);
        refused("int: null", u"int"_s, u"null"_s, u"null cannot be converted to int"_s);
        refused("int: undefined", u"int"_s, u"undefined"_s,
                u"undefined cannot be converted to int"_s);
        refused("int: object", u"int"_s, u"({ a: 1 })"_s,
                u"an object cannot be converted to int"_s);
        refused("int: array", u"int"_s, u"[1]"_s, u"an array cannot be converted to int"_s);
        refused("int: color", u"int"_s, u"Qt.rgba(1, 0, 0, 1)"_s,
                u"a color cannot be converted to int"_s);
        fits("real: huge", u"real"_s, u"1e300"_s, 1e300);
        fits("real: numeric string", u"real"_s, u"'12.25'"_s, 12.25);
        refused("real: text", u"real"_s, u"'warm'"_s, u"a string cannot be converted to real"_s);
        refused("real: bool", u"real"_s, u"false"_s, u"a bool cannot be converted to real"_s);
        fits("string: text", u"string"_s, u"'text'"_s, u"text"_s);
        refused("string: number", u"string"_s, u"5"_s, u"a number cannot be converted to string"_s);
        refused("string: null", u"string"_s, u"null"_s, u"null cannot be converted to string"_s);
    }

    void typedBusesRefuseWhatDoesNotFit()
    {
        QFETCH(QString, bus);
        QFETCH(QString, expression);
        QFETCH(QVariant, stored);
        QFETCH(QString, warning);
        Bus<int> ints;
        Bus<double> doubles;
        Bus<QString> strings;
        DropSlotBus intsForQml(ints), doublesForQml(doubles), stringsForQml(strings);
        DropSlotBus *forQml = bus == u"int"_s ? &intsForQml
            : bus == u"real"_s                ? &doublesForQml
                                              : &stringsForQml;
        DropSlotTopic topic;
        topic.setBus(forQml);
        topic.setName(u"t"_s);
        const QJSValue value = m_engine->evaluate(u"(%1)"_s.arg(expression));
        QVERIFY(!value.isError());
        if (!stored.isValid()) {
            expectWarning(u"DropSlotTopic.publish to \"t\": "_s + warning);
            expectWarning(u"DropSlotBus.publish to \"t\": "_s + warning);
        }
        QCOMPARE(topic.publish(value), stored.isValid());
        QCOMPARE(forQml->publish(u"t"_s, value), stored.isValid());
        QCOMPARE(forQml->latest(u"t"_s), stored);
    }

    void gadgetBusTakesObjectsWithItsProperties()
    {
        Bus<Reading> readings;
        DropSlotBus forQml(readings);
        DropSlotTopic topic;
        topic.setBus(&forQml);
        topic.setName(u"probe"_s);
        const auto publish = [&](const QString &expression) {
            return topic.publish(m_engine->evaluate(u"(%1)"_s.arg(expression)));
        };
        QVERIFY(publish(u"{ celsius: 30.5, unit: 'K' }"_s));
        QCOMPARE(readings.topic("probe").latest()->celsius, 30.5);
        QCOMPARE(readings.topic("probe").latest()->unit, u"K"_s);
        QVERIFY(publish(u"{ celsius: 12 }"_s)); // the others keep their default
        QCOMPARE(readings.topic("probe").latest()->celsius, 12.0);
        QCOMPARE(readings.topic("probe").latest()->unit, u"°C"_s);

        const QString refusal = uR"(DropSlotTopic.publish to "probe": )"_s;
        expectWarning(refusal + uR"(Reading has no property "kelvin")"_s);
        QVERIFY(!publish(u"{ celsius: 1, kelvin: 274 }"_s));
        expectWarning(refusal
                      + uR"(property "celsius" of Reading: a string cannot be converted to real)"_s);
        QVERIFY(!publish(u"{ celsius: 'hot' }"_s));
        expectWarning(refusal
                      + uR"(property "unit" of Reading: null cannot be converted to string)"_s);
        QVERIFY(!publish(u"{ unit: null }"_s));
        expectWarning(refusal + u"a number cannot be converted to Reading"_s);
        QVERIFY(!publish(u"5"_s));
        QCOMPARE(readings.topic("probe").latest()->celsius, 12.0);
        QCOMPARE(readings.topic("probe").version(), quint64(2));
        // What QML received from the bus goes back in as it is.
        QVERIFY(topic.publish(m_engine->toScriptValue(Reading(40))));
        QCOMPARE(readings.topic("probe").latest()->celsius, 40.0);
    }

    void warningsPointAtTheQmlCaller()
    {
        // Line numbers below count from the first line of this QML.
        Bus<int> ints;
        DropSlotBus forQml(ints); // created in C++: it has no QML context of its own
        auto object = create(*m_engine, R"(import QtQml
import DropSlot
QtObject {
    required property DropSlotBus ints
    property DropSlotTopic t: DropSlotTopic { bus: ints; name: "n" }
    function viaBus(v) { return ints.publish("n", v) }
    function viaTopic(v) {
        return t.publish(v)
    }
})",
            {{u"ints"_s, QVariant::fromValue(&forQml)}});
        QVERIFY(object);
        const auto call = [&](const char *function, const QVariant &argument) {
            QVariant result;
            QMetaObject::invokeMethod(object.get(), function, Q_RETURN_ARG(QVariant, result),
                                      Q_ARG(QVariant, argument));
            return result;
        };
        QTest::failOnWarning(
            QRegularExpression(u"Unknown File|a int|std::nullptr_t|undefined value"_s));
        const QString viaBus = uR"(^inline\.qml:6: DropSlotBus\.publish to "n": )"_s;
        const QString viaTopic = uR"(^inline\.qml:8: DropSlotTopic\.publish to "n": )"_s;
        expectWarning(viaBus + uR"(the number 3\.7 does not fit in int)"_s);
        QCOMPARE(call("viaBus", 3.7), QVariant(false));
        expectWarning(viaBus + u"null cannot be converted to int$"_s);
        QCOMPARE(call("viaBus", QVariant::fromValue(nullptr)), QVariant(false));
        expectWarning(viaTopic + u"undefined cannot be converted to int$"_s);
        QCOMPARE(call("viaTopic", QVariant()), QVariant(false));
        expectWarning(viaTopic + u"a string cannot be converted to int$"_s);
        QCOMPARE(call("viaTopic", u"many"_s), QVariant(false));
        QCOMPARE(call("viaTopic", 41), QVariant(true));
        QCOMPARE(*ints.topic("n").latest(), 41);
    }

    void destroyedBusIsNotReplacedByTheDefaultBus()
    {
        const QString name = u"tst_qml_topic/lost"_s;
        defaultBus().publish(name, u"another source"_s);
        Bus<QString> strings;
        strings.publish(name, u"mine"_s);
        auto forQml = std::make_unique<DropSlotBus>(strings);
        auto object = create(*m_engine, R"(
            import QtQml
            import DropSlot
            QtObject {
                required property DropSlotBus given
                property DropSlotTopic t: DropSlotTopic { bus: given; name: "tst_qml_topic/lost" }
                property DropSlotTopicModel m: DropSlotTopicModel {
                    bus: given
                    filter: "tst_qml_topic/lost*"
                }
            })", {{u"given"_s, QVariant::fromValue(forQml.get())}});
        QVERIFY(object);
        auto *topic = object->property("t").value<DropSlotTopic *>();
        auto *model = object->property("m").value<DropSlotTopicModel *>();
        QCOMPARE(topic->value(), QVariant(u"mine"_s));
        QCOMPARE(model->count(), 1);

        // The C++ handle goes, the DropSlotBus still holds the bus: nothing changes.
        strings = Bus<QString>();
        QCoreApplication::processEvents();
        QCOMPARE(topic->value(), QVariant(u"mine"_s));
        QVERIFY(forQml->publish(name, QJSValue(u"still mine"_s)));
        QTRY_COMPARE(topic->value(), QVariant(u"still mine"_s));

        // The DropSlotBus goes: the elements show nothing rather than another bus's data.
        QSignalSpy busChanged(topic, &DropSlotTopic::busChanged);
        expectWarning(uR"(DropSlotTopic: the bus of topic "tst_qml_topic/lost" was destroyed; )"
                      uR"(it shows no value until it is given a bus)"_s);
        expectWarning(uR"(DropSlotTopicModel: the bus of the model for "tst_qml_topic/lost\*" )"
                      uR"(was destroyed; it shows no topics until it is given a bus)"_s);
        forQml.reset();
        QCOMPARE(busChanged.count(), 1);
        QCOMPARE(topic->bus(), nullptr);
        QVERIFY(!topic->hasValue());
        QCOMPARE(topic->value(), QVariant());
        QCOMPARE(topic->version(), 0.0);
        QCOMPARE(model->count(), 0);
        QCoreApplication::processEvents(); // the warnings are posted: dying elements say nothing
        defaultBus().publish(name, u"another source, later"_s);
        QCoreApplication::processEvents();
        QVERIFY(!topic->hasValue());
        QCOMPARE(model->count(), 0);
        expectWarning(uR"(DropSlotTopic.publish to "tst_qml_topic/lost": its bus was destroyed)"_s);
        QVERIFY(!topic->publish(QJSValue(u"lost"_s)));
        QCOMPARE(*defaultBus().topic(name).latest(), QVariant(u"another source, later"_s));

        // Null is what bindings to the destroyed bus say now: it does not mean the default bus.
        topic->setBus(nullptr);
        model->setBus(nullptr);
        QCOMPARE(busChanged.count(), 1);
        QVERIFY(!topic->hasValue());
        QCOMPARE(model->count(), 0);
        // Another bus does.
        Bus<QString> next;
        next.publish(name, u"next"_s);
        DropSlotBus nextForQml(next);
        topic->setBus(&nextForQml);
        model->setBus(&nextForQml);
        QCOMPARE(topic->value(), QVariant(u"next"_s));
        QCOMPARE(model->count(), 1);
        QVERIFY(topic->publish(QJSValue(u"published"_s)));
        QCOMPARE(*next.topic(name).latest(), u"published"_s);
    }

    void busDestroyedWithItsElementsSaysNothing()
    {
        QTest::failOnWarning(QRegularExpression(u"was destroyed"_s));
        defaultBus().publish("tst_qml_topic/together", 1);
        for (int i = 0; i < 5; ++i) {
            auto object = create(*m_engine, R"(
                import QtQml
                import DropSlot
                QtObject {
                    property DropSlotBus b: DropSlotBus {}
                    property DropSlotTopic t: DropSlotTopic {
                        bus: b
                        name: "tst_qml_topic/together"
                    }
                })");
            QVERIFY(object);
            QVERIFY(object->property("t").value<DropSlotTopic *>()->publish(QJSValue(2)));
            object.reset();
            QCoreApplication::processEvents();
        }
    }

    void busAdapterIsNotPublic()
    {
        QVERIFY(!ExposesAdapter<DropSlotBus>);
        // A DropSlotBus is still built from C++ around any typed bus.
        QVERIFY((std::is_constructible_v<DropSlotBus, Bus<double>, QObject *>));
        QVERIFY((std::is_constructible_v<DropSlotBus, Bus<Reading>>));
    }

    void gadgetValuesConvertOnlyInTheGuiThread()
    {
        Bus<Reading> readings;
        DropSlotBus forQml(readings);
        auto object = create(*m_engine, R"(
            import QtQml
            import DropSlot
            QtObject {
                required property DropSlotBus readings
                property DropSlotTopic t: DropSlotTopic { bus: readings; name: "probe" }
                property string text: t.hasValue ? t.value.celsius + " " + t.value.unit : ""
            })", {{u"readings"_s, QVariant::fromValue(&forQml)}});
        QVERIFY(object);
        Reading::copies = 0;
        Reading::copiesOutsideGui = 0;
        constexpr int Publishes = 100'000;
        std::thread([&] {
            Topic<Reading> probe = readings.topic("probe");
            for (int i = 1; i <= Publishes; ++i)
                probe.publish(Reading(i)); // moved in: no copy, no conversion here
        }).join();
        QTRY_COMPARE(object->property("text").toString(), u"%1 °C"_s.arg(Publishes));
        QCOMPARE(Reading::copiesOutsideGui.load(), 0);
        auto *t = object->property("t").value<DropSlotTopic *>();
        QVERIFY2(Reading::copies.load() < 20, qPrintable(u"%1 copies for %2 publishes, %3 deliveries"_s
                     .arg(Reading::copies.load()).arg(Publishes).arg(t->version())));
    }

    void frameAlignedInAWindow()
    {
        QQuickWindow window;
        window.resize(200, 100);
        QQmlComponent component(m_engine.get());
        component.setData(R"(
            import QtQuick
            import DropSlot
            Item {
                property alias topic: topic
                Text { text: topic.value ?? "" }
                DropSlotTopic { id: topic; name: "tst_qml_topic/frames" }
            })", QUrl(u"frames.qml"_s));
        std::unique_ptr<QQuickItem> root(qobject_cast<QQuickItem *>(component.create()));
        QVERIFY2(root, qPrintable(component.errorString()));
        root->setParentItem(window.contentItem());
        int frames = 0;
        connect(&window, &QQuickWindow::afterAnimating, this, [&] { ++frames; });
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto *topic = root->property("topic").value<DropSlotTopic *>();
        QSignalSpy updates(topic, &DropSlotTopic::valueChanged);
        const int framesBefore = frames;
        std::atomic<quint64> last{0};
        {
            Publisher publisher([&](quint64 i) {
                defaultBus().publish("tst_qml_topic/frames", i);
                last.store(i, std::memory_order_relaxed);
            });
            QTRY_VERIFY(frames - framesBefore >= 20); // the window renders while it publishes
        }
        QTRY_COMPARE(topic->value().toULongLong(), last.load());
        const int rendered = frames - framesBefore;
        // At most one update per rendered frame, however fast the publisher ran.
        QVERIFY2(updates.count() <= rendered + 1,
                 qPrintable(u"%1 updates in %2 frames for %3 publishes"_s.arg(updates.count()).arg(rendered).arg(last.load())));
        QVERIFY(updates.count() >= 2);
        qInfo("%d updates in %d frames for %llu publishes", int(updates.count()), rendered,
              static_cast<unsigned long long>(last.load()));
    }

    void hiddenWindowGetsNoUpdatesUntilShown()
    {
        QQuickWindow window; // never shown yet: renders no frames
        QQmlComponent component(m_engine.get());
        component.setData(R"(
            import QtQuick
            import DropSlot
            Item { property alias topic: topic; DropSlotTopic { id: topic; name: "tst_qml_topic/hidden" } })",
                          QUrl(u"hidden.qml"_s));
        std::unique_ptr<QQuickItem> root(qobject_cast<QQuickItem *>(component.create()));
        QVERIFY(root);
        root->setParentItem(window.contentItem());
        auto *inWindow = root->property("topic").value<DropSlotTopic *>();
        DropSlotTopic witness; // outside any window: event-loop aligned
        witness.setName(u"tst_qml_topic/hidden"_s);
        defaultBus().publish("tst_qml_topic/hidden", 1);
        QTRY_COMPARE(witness.value().toInt(), 1);
        QCoreApplication::processEvents();
        QVERIFY(!inWindow->hasValue());
        window.show();
        QTRY_COMPARE(inWindow->value().toInt(), 1);
    }

    void stagedElementFollowsItsItemToAnotherWindow()
    {
        // A delivery staged for a window that never renders must not freeze the element once
        // its item moves to a window that does.
        QQuickWindow hidden;
        QQuickWindow shown;
        QQmlComponent component(m_engine.get());
        component.setData(R"(
            import QtQuick
            import DropSlot
            Item { property alias topic: topic; DropSlotTopic { id: topic; name: "tst_qml_topic/moving" } })",
                          QUrl(u"moving.qml"_s));
        std::unique_ptr<QQuickItem> root(qobject_cast<QQuickItem *>(component.create()));
        QVERIFY(root);
        root->setParentItem(hidden.contentItem());
        auto *topic = root->property("topic").value<DropSlotTopic *>();
        DropSlotTopic witness;
        witness.setName(u"tst_qml_topic/moving"_s);
        defaultBus().publish("tst_qml_topic/moving", 1);
        QTRY_COMPARE(witness.value().toInt(), 1); // delivered: staged in the hidden window's gate
        QVERIFY(!topic->hasValue());
        root->setParentItem(shown.contentItem());
        shown.show();
        QVERIFY(QTest::qWaitForWindowExposed(&shown));
        defaultBus().publish("tst_qml_topic/moving", 2);
        QTRY_COMPARE(topic->value().toInt(), 2);
    }

    void resubscribingInAHiddenWindowStagesOnce()
    {
        // A window that renders no frames never drains its gate: each element may wait there
        // once, however often it re-subscribes (as bindings on name or bus make it do).
        QQuickWindow hidden;
        const QString name = u"tst_qml_topic/restaged"_s;
        std::unique_ptr<QQuickItem> root = createItemWithTopic(name, hidden.contentItem());
        QVERIFY(root);
        auto *topic = root->property("topic").value<DropSlotTopic *>();
        detail::FrameGate *gate = detail::FrameGate::of(&hidden);
        DropSlotTopic witness;
        witness.setName(name);
        constexpr int Rounds = 50;
        for (int i = 1; i <= Rounds; ++i) {
            defaultBus().publish(name, i);
            QTRY_COMPARE(witness.value().toInt(), i); // delivered: staged in the hidden gate
            topic->setName(name + u"/elsewhere"_s);
            topic->setName(name); // shows the current value at once
            QCOMPARE(topic->value().toInt(), i);
        }
        QCOMPARE(gate->stagedCount(), 1);
        defaultBus().publish(name, Rounds + 1);
        QTRY_COMPARE(witness.value().toInt(), Rounds + 1);
        QCOMPARE(gate->stagedCount(), 1);
        QCOMPARE(topic->value().toInt(), Rounds);
        hidden.show();
        QTRY_COMPARE(topic->value().toInt(), Rounds + 1);
        QCOMPARE(gate->stagedCount(), 0);
        defaultBus().publish(name, Rounds + 2); // applied once, it is staged again
        QTRY_COMPARE(topic->value().toInt(), Rounds + 2);
    }

    void elementLeavingAWindowIsUnstaged()
    {
        QQuickWindow first, second; // neither renders: only leaving empties a gate
        const QString name = u"tst_qml_topic/leaving"_s;
        std::unique_ptr<QQuickItem> root = createItemWithTopic(name, first.contentItem());
        QVERIFY(root);
        auto *topic = root->property("topic").value<DropSlotTopic *>();
        detail::FrameGate *firstGate = detail::FrameGate::of(&first);
        detail::FrameGate *secondGate = detail::FrameGate::of(&second);
        DropSlotTopic witness;
        witness.setName(name);
        int published = 0;
        for (int round = 0; round < 10; ++round) {
            for (QQuickWindow *window : {&first, &second}) {
                root->setParentItem(window->contentItem());
                defaultBus().publish(name, ++published);
                QTRY_COMPARE(witness.value().toInt(), published);
                QCOMPARE(firstGate->stagedCount(), window == &first ? 1 : 0);
                QCOMPARE(secondGate->stagedCount(), window == &second ? 1 : 0);
            }
        }
        QVERIFY(!topic->hasValue());
        root->setParentItem(nullptr); // outside any window: shown without a gate
        defaultBus().publish(name, ++published);
        QTRY_COMPARE(topic->value().toInt(), published);
        QCOMPARE(firstGate->stagedCount(), 0);
        QCOMPARE(secondGate->stagedCount(), 0);
    }

    void destroyedElementIsUnstaged()
    {
        QQuickWindow hidden;
        const QString name = u"tst_qml_topic/destroyed"_s;
        detail::FrameGate *gate = detail::FrameGate::of(&hidden);
        DropSlotTopic witness;
        witness.setName(name);
        for (int i = 1; i <= 20; ++i) { // a Loader or Repeater in a hidden page does this
            std::unique_ptr<QQuickItem> root = createItemWithTopic(name, hidden.contentItem());
            QVERIFY(root);
            defaultBus().publish(name, i);
            QTRY_COMPARE(witness.value().toInt(), i);
            QCOMPARE(gate->stagedCount(), 1);
        }
        QCOMPARE(gate->stagedCount(), 0);
    }

    void engineTornDownWhilePublishing()
    {
        const qsizetype connectionsBefore = detail::ConnectionCore::liveCount();
        Publisher publisher([](quint64 i) {
            static thread_local Topic<QVariant> a = defaultBus().topic("tst_qml_topic/teardown/a");
            static thread_local Topic<QVariant> b = defaultBus().topic("tst_qml_topic/teardown/b");
            a.publish(i);
            b.publish(QVariantList{i, i + 1});
        });
        for (int round = 0; round < 20; ++round) {
            QQmlEngine engine;
            engine.addImportPath(QStringLiteral(DROPSLOT_QML_IMPORT_DIR));
            auto object = create(engine, R"(
                import QtQml
                import DropSlot
                QtObject {
                    property list<QtObject> topics: [
                        DropSlotTopic { name: "tst_qml_topic/teardown/a" },
                        DropSlotTopic { name: "tst_qml_topic/teardown/b" },
                        DropSlotTopic { name: "tst_qml_topic/teardown/a"; minimumInterval: 5 }
                    ]
                    property var sum: topics[0].value + topics[1].value.length
                })");
            QVERIFY(object);
            QTRY_VERIFY(object->property("sum").toInt() > 0);
            object.reset(); // elements die with deliveries pending; the engine follows
        }
        publisher.stop();
        QTRY_COMPARE(detail::ConnectionCore::liveCount(), connectionsBefore);
    }

private:
    // An Item holding a DropSlotTopic on name (its "topic" property), placed in parent.
    std::unique_ptr<QQuickItem> createItemWithTopic(const QString &name, QQuickItem *parent)
    {
        QQmlComponent component(m_engine.get());
        component.setData(R"(
            import QtQuick
            import DropSlot
            Item {
                required property string topicName
                property alias topic: topic
                DropSlotTopic { id: topic; name: topicName }
            })", QUrl(u"item.qml"_s));
        const QVariantMap properties{{u"topicName"_s, name}};
        std::unique_ptr<QQuickItem> root(
            qobject_cast<QQuickItem *>(component.createWithInitialProperties(properties)));
        if (!root) {
            qWarning().noquote() << component.errorString();
            return root;
        }
        root->setParentItem(parent);
        return root;
    }

    std::unique_ptr<QQmlEngine> m_engine;
};

QTEST_MAIN(tst_QmlTopic)
#include "tst_qml_topic.moc"
