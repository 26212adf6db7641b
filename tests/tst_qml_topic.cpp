// SPDX-License-Identifier: MIT
// DropSlotTopic and DropSlotBus driven from C++: values published by worker threads reaching
// QML bindings, typed buses exposed to QML, frame alignment, and engine teardown under load.
#include <DropSlot/DropSlot>
#include <DropSlot/dropslotbus.h>
#include <DropSlot/dropslottopic.h>

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
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"DropSlotTopic.publish to \"t\": a QString cannot be converted to double"_s));
        QVERIFY(!d->publish(QJSValue(u"not a number"_s)));
        QCOMPARE(*doubles.topic("t").latest(), 12.25);
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
