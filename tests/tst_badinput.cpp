// SPDX-License-Identifier: MIT
// Bad input and hostile timing. Each case gets its documented answer (a return value, or a
// warning naming the topic), never a crash, a hang or a silently dropped value. Any warning a
// case does not expect fails it.
#include "testsupport.h"

#include <DropSlot/DropSlot>

#include <QtCore/QSemaphore>
#include <QtCore/QThread>
#include <QtTest/QTest>

#include <atomic>
#include <chrono>
#include <limits>
#include <memory>
#include <thread>

using namespace DropSlot;
using TestSupport::watchers;
using namespace Qt::StringLiterals;

namespace {

const QRegularExpression emptyNameWarning(u"empty topic name was rejected"_s);

// Waits for a condition other threads bring about, without running this thread's event loop
// (so queued deliveries to this thread stay queued). False if it did not happen in time.
template <typename F>
bool becomes(F condition, int timeoutMs = 10000)
{
    const QDeadlineTimer deadline(timeoutMs);
    while (!condition()) {
        if (deadline.hasExpired())
            return false;
        std::this_thread::yield();
    }
    return true;
}

// The ways a name reaches the bus: QAnyStringView over UTF-16, UTF-8 or Latin-1 text.
enum class Encoding { Utf16, Utf8, Latin1 };

// Holds name in one encoding for as long as the view it gives is used.
class Encoded
{
public:
    Encoded(const QString &name, Encoding encoding) : m_name(name), m_encoding(encoding)
    {
        if (encoding == Encoding::Utf8)
            m_bytes = name.toUtf8();
        else if (encoding == Encoding::Latin1)
            m_bytes = name.toLatin1();
    }
    QAnyStringView view() const
    {
        switch (m_encoding) {
        case Encoding::Utf8: return QUtf8StringView(m_bytes);
        case Encoding::Latin1: return QLatin1StringView(m_bytes);
        case Encoding::Utf16: break;
        }
        return m_name;
    }

private:
    QString m_name;
    Encoding m_encoding;
    QByteArray m_bytes;
};

bool isLatin1(const QString &s)
{
    return std::all_of(s.cbegin(), s.cend(), [](QChar c) { return c.unicode() < 0x100; });
}

QList<Encoding> encodingsOf(const QString &name)
{
    if (isLatin1(name))
        return {Encoding::Utf16, Encoding::Utf8, Encoding::Latin1};
    return {Encoding::Utf16, Encoding::Utf8};
}

// The text a warning shows for a topic name: names reach the log as UTF-8.
QString asLogged(const QString &name)
{
    return QString::fromUtf8(name.toUtf8());
}

// A QObject whose thread can be held inside one of its events until released.
class Holder : public QObject
{
public:
    void hold() { QCoreApplication::postEvent(this, new QEvent(type())); }
    bool isHolding() const { return m_holding.load(); }
    void release() { m_release.release(); }

protected:
    bool event(QEvent *e) override
    {
        if (e->type() != type())
            return QObject::event(e);
        m_holding.store(true);
        m_release.acquire();
        m_holding.store(false);
        return true;
    }

private:
    static QEvent::Type type()
    {
        static const auto t = QEvent::Type(QEvent::registerEventType());
        return t;
    }
    std::atomic<bool> m_holding{false};
    QSemaphore m_release;
};

// Starts a thread with an event loop; quits and joins it on destruction.
class LoopThread
{
public:
    LoopThread() { m_thread.start(); }
    ~LoopThread() { stop(); }
    QThread *get() { return &m_thread; }
    bool stop()
    {
        m_thread.quit();
        return m_thread.wait(30000);
    }

private:
    QThread m_thread;
};

} // namespace

class tst_BadInput : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init()
    {
        QTest::failOnWarning(QRegularExpression(u".*"_s));
        m_connectionsBefore = detail::ConnectionCore::liveCount();
        m_topicsBefore = detail::TopicCore::liveCount();
        m_asyncWaitsBefore = detail::AsyncWaitBase::liveCount();
    }
    void cleanup()
    {
        if (QTest::currentTestFailed())
            return;
        QTRY_COMPARE(detail::ConnectionCore::liveCount(), m_connectionsBefore);
        QTRY_COMPARE(detail::TopicCore::liveCount(), m_topicsBefore);
        QCOMPARE(detail::AsyncWaitBase::liveCount(), m_asyncWaitsBefore);
    }

    void emptyName_data();
    void emptyName();
    void megabyteName_data();
    void megabyteName();
    void invalidUtf16Name_data();
    void invalidUtf16Name();
    void invalidUtf16NamesStayDistinct();
    void invalidUtf8Name_data();
    void invalidUtf8Name();
    void normalizationFormsAreDifferentNames();
    void publishingToAClosedTopic();
    void removeTopicWithEveryKindOfWaiterPending();
    void busDestroyedWhileSubscribersWaitInOtherThreads();
    void receiverDestroyedWhileItsDeliveryIsQueued();
    void connectRefusesBadArguments_data();
    void connectRefusesBadArguments();
    void connectWarningKeepsItsReasonForANameWithNul();
    void absurdCapacityHints_data();
    void absurdCapacityHints();
    void negativeMinimumIntervalMeansNone();
    void longMinimumIntervalDoesNotDelayTheFirstDelivery();
    void asyncWaitOfADestroyedSubStillFinishes_data();
    void asyncWaitOfADestroyedSubStillFinishes();

private:
    qsizetype m_topicsBefore = 0;
    qsizetype m_connectionsBefore = 0;
    qsizetype m_asyncWaitsBefore = 0;
};

void tst_BadInput::emptyName_data()
{
    QTest::addColumn<int>("form");
    QTest::newRow("null QString") << 0;
    QTest::newRow("empty QString") << 1;
    QTest::newRow("empty char literal") << 2;
    QTest::newRow("QLatin1StringView") << 3;
    QTest::newRow("QUtf8StringView") << 4;
    QTest::newRow("null QStringView") << 5;
}

void tst_BadInput::emptyName()
{
    QFETCH(int, form);
    static const QString nullString;
    static const QString emptyString(u""_s);
    static const QByteArray noBytes("");
    const QAnyStringView name = std::array<QAnyStringView, 6>{
        nullString, emptyString, "", QLatin1StringView(noBytes), QUtf8StringView(noBytes),
        QStringView()}[form];
    QVERIFY(name.isEmpty());

    Bus<int> bus;
    QTest::ignoreMessage(QtWarningMsg, emptyNameWarning);
    const Topic<int> topic = bus.topic(name);
    QVERIFY(!topic.isValid());
    QVERIFY(topic.isClosed());
    QVERIFY(topic.name().isEmpty());
    QVERIFY(!topic.publish(1));
    QVERIFY(!topic.publishIfChanged(1));
    QCOMPARE(topic.version(), quint64(0));
    QCOMPARE(topic.latest(), std::nullopt);

    QTest::ignoreMessage(QtWarningMsg, emptyNameWarning);
    QVERIFY(!bus.publish(name, 2));

    QTest::ignoreMessage(QtWarningMsg, emptyNameWarning);
    Sub<int> sub = bus.subscribe(name);
    QVERIFY(!sub.isValid());
    QCOMPARE(sub.tryGetMessage().error(), BusError::disconnected());
    QCOMPARE(sub.waitForMessage(QDeadlineTimer(QDeadlineTimer::Forever)).error(),
             BusError::disconnected()); // returns at once
    const QFuture<std::optional<int>> future = sub.waitForMessage();
    QVERIFY(future.isFinished());
    QCOMPARE(future.result(), std::nullopt);

    // Look-ups and removal of an empty name answer "none" (no warning: nothing was asked for).
    QVERIFY(!bus.findTopic(name).has_value());
    QCOMPARE(bus.removeTopic(name), std::nullopt);
    QCOMPARE(bus.topicCount(), 0);
    QVERIFY(bus.topicNames().isEmpty());
    QCOMPARE(bus.cleanupUnusedTopics(), 0);

    QObject context;
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"the topic handle is invalid"_s));
    QVERIFY(!DropSlot::connect(topic, &context, [](const int &) { }).isConnected());

    // The bus keeps working.
    QVERIFY(bus.publish("after", 3));
    QCOMPARE(bus.topicNames(), QStringList{u"after"_s});
}

void tst_BadInput::megabyteName_data()
{
    QTest::addColumn<QString>("name");
    constexpr qsizetype MiB = 1 << 20;
    QTest::newRow("ASCII") << QString(MiB, u'n');
    QTest::newRow("Latin-1") << QString(MiB, QChar(0xe9));
    QTest::newRow("CJK") << QString(MiB, QChar(0x6e29));
    QString astral;
    astral.reserve(MiB);
    while (astral.size() < MiB)
        astral += u"\U0001F600"_s; // a surrogate pair
    QTest::newRow("surrogate pairs") << astral;
}

void tst_BadInput::megabyteName()
{
    QFETCH(QString, name);
    Bus<QString> bus;
    QVERIFY(bus.publish(Encoded(name, Encoding::Utf8).view(), u"first"_s));
    Sub<QString> sub = bus.subscribe(name);
    for (Encoding encoding : encodingsOf(name)) {
        const auto found = bus.findTopic(Encoded(name, encoding).view());
        QVERIFY(found.has_value());
        QCOMPARE(found->name(), name);
        QCOMPARE(found->latest(), std::optional(u"first"_s));
    }
    QCOMPARE(bus.topicCount(), 1);
    QCOMPARE(bus.topicNames(), QStringList{name});

    // One code unit different, at either end, is another name.
    QString lastDiffers = name;
    lastDiffers.back() = u'x';
    QString firstDiffers = name;
    firstDiffers.front() = u'x';
    QVERIFY(!bus.findTopic(lastDiffers).has_value());
    QVERIFY(!bus.findTopic(firstDiffers).has_value());
    QVERIFY(!bus.findTopic(QStringView(name).chopped(1)).has_value());

    const Topic<QString> handle = bus.topic(Encoded(name, encodingsOf(name).back()).view());
    QVERIFY(handle.publish(u"second"_s));
    QCOMPARE(sub.tryGetMessage().value_or(QString()), u"second"_s);
    QCOMPARE(bus.removeTopic(Encoded(name, Encoding::Utf8).view()), std::optional<qsizetype>(1));
    QCOMPARE(sub.tryGetMessage().error(), BusError::disconnected());
    QVERIFY(!bus.findTopic(name).has_value());
    QCOMPARE(bus.topicCount(), 0);
    QVERIFY(!handle.publish(u"third"_s));

    // A refused connection names the topic in its warning.
    QObject context;
    const QString shown = QRegularExpression::escape(asLogged(name.left(64)));
    QTest::ignoreMessage(
        QtWarningMsg,
        QRegularExpression(u"cannot connect to topic \"%1.*the topic is closed"_s.arg(shown)));
    QVERIFY(!DropSlot::connect(handle, &context, [](const QString &) { }).isConnected());
}

void tst_BadInput::invalidUtf16Name_data()
{
    QTest::addColumn<QString>("name");
    QTest::newRow("lone high surrogate") << QString(QChar(0xd800));
    QTest::newRow("lone low surrogate") << QString(QChar(0xdc00));
    QTest::newRow("reversed pair") << QString(QChar(0xdc00)) + QChar(0xd800);
    QTest::newRow("high surrogate at the end") << u"abc"_s + QChar(0xdbff);
    QTest::newRow("low surrogate at the start") << QString(QChar(0xdfff)) + u"abc"_s;
    QTest::newRow("NUL inside") << u"a\0b"_s;
    QTest::newRow("only NUL") << QString(QChar(0));
    QTest::newRow("noncharacter U+FFFF") << QString(QChar(0xffff));
}

void tst_BadInput::invalidUtf16Name()
{
    QFETCH(QString, name);
    Bus<int> bus;
    QVERIFY(bus.publish(name, 1));
    Sub<int> sub = bus.subscribe(QStringView(name));
    QCOMPARE(sub.latest(), std::optional(1));
    QVERIFY(bus.topic(name).publish(2));
    QCOMPARE(sub.tryGetMessage().value_or(-1), 2);
    const QStringList names = bus.topicNames();
    QCOMPARE(names, QStringList{name}); // the exact code units come back
    QCOMPARE(names.front().size(), name.size());
    const auto found = bus.findTopic(name);
    QVERIFY(found.has_value());
    QCOMPARE(found->name(), name);
    QCOMPARE(sub.topicName(), name);
    QCOMPARE(bus.removeTopic(name), std::optional<qsizetype>(1));
    QCOMPARE(sub.tryGetMessage().error(), BusError::disconnected());
    QCOMPARE(bus.topicCount(), 0);
}

void tst_BadInput::invalidUtf16NamesStayDistinct()
{
    // The bus compares code units: no two of these may fold into one topic, nor into the
    // replacement character that a conversion to UTF-8 would produce.
    const QStringList names = {
        QString(QChar(0xd800)), QString(QChar(0xdbff)), QString(QChar(0xdc00)),
        QString(QChar(0xdfff)), QString(QChar(0xdc00)) + QChar(0xd800), u"\U0001F600"_s,
        u"\uFFFD"_s, u"\uFFFD\uFFFD"_s, QString(QChar(0)), u"a\0b"_s, u"a"_s, u"ab"_s};
    Bus<int> bus;
    for (qsizetype i = 0; i < names.size(); ++i)
        QVERIFY(bus.publish(names[i], int(i)));
    QCOMPARE(bus.topicCount(), names.size());
    for (qsizetype i = 0; i < names.size(); ++i)
        QCOMPARE(bus.topic(names[i]).latest(), std::optional(int(i)));
    QStringList listed = bus.topicNames();
    QStringList expected = names;
    listed.sort();
    expected.sort();
    QCOMPARE(listed, expected);
}

void tst_BadInput::invalidUtf8Name_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::newRow("0xff") << QByteArray("\xff");
    QTest::newRow("BOM bytes reversed") << QByteArray("\xfe\xff");
    QTest::newRow("overlong slash") << QByteArray("\xc0\xaf");
    QTest::newRow("truncated euro sign") << QByteArray("\xe2\x82");
    QTest::newRow("encoded surrogate") << QByteArray("\xed\xa0\x80");
    QTest::newRow("beyond U+10FFFF") << QByteArray("\xf4\x90\x80\x80");
    QTest::newRow("stray continuation inside") << QByteArray("a\x80z");
    QTest::newRow("long, invalid at the end") << QByteArray(300, 'x') + "\xc3";
}

void tst_BadInput::invalidUtf8Name()
{
    // Documented: a UTF-8 view names the topic that QString::fromUtf8 of its bytes names
    // (but for a leading U+FEFF, which fromUtf8 drops: tst_Bus::leadingByteOrderMarkIsPartOfTheName).
    QFETCH(QByteArray, bytes);
    const QString decoded = QString::fromUtf8(bytes);
    Bus<int> bus;
    QVERIFY(bus.publish(QUtf8StringView(bytes), 1));
    const auto found = bus.findTopic(decoded);
    QVERIFY(found.has_value());
    QCOMPARE(found->latest(), std::optional(1));
    QCOMPARE(bus.topicNames(), QStringList{decoded});
    QVERIFY(bus.topic(bytes.constData()) == *found); // a plain char pointer is UTF-8 too
    Sub<int> sub = bus.subscribe(QUtf8StringView(bytes));
    QVERIFY(bus.publish(decoded, 2));
    QCOMPARE(sub.tryGetMessage().value_or(-1), 2);
    // The same bytes read as Latin-1 are other characters, so another name.
    QVERIFY(!bus.findTopic(QLatin1StringView(bytes)).has_value());
    QCOMPARE(bus.removeTopic(QUtf8StringView(bytes)), std::optional<qsizetype>(1));
    QCOMPARE(sub.tryGetMessage().error(), BusError::disconnected());
}

void tst_BadInput::normalizationFormsAreDifferentNames()
{
    // "é" composed (U+00E9) and decomposed (e + U+0301) look the same but are different names;
    // each encoding of either finds that one only.
    const QString composed = u"caf\u00e9"_s;
    const QString decomposed = u"cafe\u0301"_s;
    Bus<int> bus;
    QVERIFY(bus.publish(Encoded(composed, Encoding::Latin1).view(), 1));
    QVERIFY(bus.publish(Encoded(decomposed, Encoding::Utf8).view(), 2));
    QCOMPARE(bus.topicCount(), 2);
    for (Encoding e : encodingsOf(composed))
        QCOMPARE(bus.topic(Encoded(composed, e).view()).latest(), std::optional(1));
    for (Encoding e : encodingsOf(decomposed))
        QCOMPARE(bus.topic(Encoded(decomposed, e).view()).latest(), std::optional(2));
    QCOMPARE(bus.removeTopic(composed.normalized(QString::NormalizationForm_D)),
             std::optional<qsizetype>(0));
    QCOMPARE(bus.topicNames(), QStringList{composed});
}

void tst_BadInput::publishingToAClosedTopic()
{
    // Closed by removal.
    Bus<QByteArray> bus;
    const Topic<QByteArray> removed = bus.topic("bytes");
    QVERIFY(removed.publish(QByteArray("kept")));
    Sub<QByteArray> sub = removed.subscribe();
    QVERIFY(removed.publish(QByteArray("unseen")));
    QCOMPARE(bus.removeTopic("bytes"), std::optional<qsizetype>(1));
    QVERIFY(removed.isClosed());
    QVERIFY(!removed.publish(QByteArray("late")));
    QByteArray movable("moved");
    QVERIFY(!removed.publish(std::move(movable)));
    QVERIFY(!removed.publishIfChanged(QByteArray("changed")));
    QVERIFY(!removed.publishSlice("slice"));
    QCOMPARE(removed.version(), quint64(2));
    QCOMPARE(removed.latest(), std::optional(QByteArray("unseen")));
    QCOMPARE(sub.tryGetMessage().value_or(QByteArray()), QByteArray("unseen")); // not dropped
    QCOMPARE(sub.tryGetMessage().error(), BusError::disconnected());
    // The name now makes a new, open topic; the old handle stays closed.
    QVERIFY(bus.publishSlice("bytes", "new"));
    QVERIFY(!(bus.topic("bytes") == removed));
    QVERIFY(!removed.publish(QByteArray("still late")));
    QCOMPARE(bus.topic("bytes").latest(), std::optional(QByteArray("new")));

    // Closed by the bus's destruction.
    std::optional<Bus<int>> shortLived(std::in_place);
    const Topic<int> orphan = shortLived->topic("t");
    QVERIFY(orphan.publish(1));
    shortLived.reset();
    QVERIFY(orphan.isClosed());
    QVERIFY(!orphan.publish(2));
    QVERIFY(!orphan.publishIfChanged(3));
    QCOMPARE(orphan.version(), quint64(1));
    QCOMPARE(orphan.latest(), std::optional(1));
    Sub<int> late = orphan.subscribe();
    QCOMPARE(late.tryGetMessage().error(), BusError::disconnected());
    QCOMPARE(late.latest(), std::optional(1));
}

void tst_BadInput::removeTopicWithEveryKindOfWaiterPending()
{
    Bus<int> bus;
    const Topic<int> topic = bus.topic("busy");
    QVERIFY(topic.publish(1));
    Sub<int> blocking = topic.subscribe();
    Sub<int> async = topic.subscribe();
    QObject context;
    QList<int> delivered;
    // deliverCurrent: a delivery of 1 is queued for this thread, whose loop does not run yet.
    Connection connection
        = DropSlot::connect(topic, &context, [&](const int &v) { delivered.append(v); });
    QFuture<std::optional<int>> future = async.waitForMessage();
    QVERIFY(!future.isFinished());
    Expected<int> blockingResult(0);
    std::thread waiter(
        [&] { blockingResult = blocking.waitForMessage(QDeadlineTimer(QDeadlineTimer::Forever)); });
    QVERIFY(becomes([&] { return watchers(topic) == 3; })); // blocked + async + connection

    QCOMPARE(bus.removeTopic("busy"), std::optional<qsizetype>(2));
    waiter.join();
    QCOMPARE(blockingResult.error(), BusError::disconnected());
    QVERIFY(future.isFinished());
    QCOMPARE(future.result(), std::nullopt);
    QVERIFY(delivered.isEmpty());
    QTRY_VERIFY(!connection.isConnected()); // ...after delivering the last value
    QCOMPARE(delivered, QList<int>{1});
    QCOMPARE(connection.deliveredCount(), quint64(1));
    QCOMPARE(watchers(topic), 0u);
}

void tst_BadInput::busDestroyedWhileSubscribersWaitInOtherThreads()
{
    std::optional<Bus<int>> bus(std::in_place);
    const Topic<int> withValue = bus->topic("with value");
    const Topic<int> without = bus->topic("without");
    constexpr int PerTopic = 3;
    // Each waiter records what its waits return until one says Disconnected.
    struct Waiter
    {
        Sub<int> sub;
        QList<int> values;
        bool disconnected = false;
        std::thread thread;
    };
    std::vector<std::unique_ptr<Waiter>> waiters;
    for (const Topic<int> &topic : {withValue, without}) {
        for (int i = 0; i < PerTopic; ++i) {
            auto w = std::make_unique<Waiter>();
            w->sub = topic.subscribe();
            w->thread = std::thread([w = w.get()] {
                for (;;) {
                    const Expected<int> r
                        = w->sub.waitForMessage(QDeadlineTimer(QDeadlineTimer::Forever));
                    if (!r) {
                        w->disconnected = r.error().isDisconnected();
                        return;
                    }
                    w->values.append(*r);
                }
            });
            waiters.push_back(std::move(w));
        }
    }
    Sub<int> asyncSub = without.subscribe();
    const QFuture<std::optional<int>> future = asyncSub.waitForMessage();
    QObject context;
    const Connection connection = DropSlot::connect(without, &context, [](const int &) { });
    QVERIFY(becomes(
        [&] { return watchers(withValue) == PerTopic && watchers(without) == PerTopic + 2; }));

    QVERIFY(withValue.publish(42)); // unseen by all of them when the bus goes
    bus.reset();
    for (auto &w : waiters)
        w->thread.join();
    for (qsizetype i = 0; i < qsizetype(waiters.size()); ++i) {
        QVERIFY(waiters[i]->disconnected);
        QCOMPARE(waiters[i]->values, i < PerTopic ? QList<int>{42} : QList<int>{});
    }
    QVERIFY(future.isFinished());
    QCOMPARE(future.result(), std::nullopt);
    QTRY_VERIFY(!connection.isConnected());
}

void tst_BadInput::receiverDestroyedWhileItsDeliveryIsQueued()
{
    LoopThread thread;
    auto *holder = new Holder;
    holder->moveToThread(thread.get());
    auto *receiver = new QObject;
    receiver->moveToThread(thread.get());

    Bus<int> bus;
    const Topic<int> topic = bus.topic("t");
    std::atomic<int> calls{0};
    const Connection connection = DropSlot::connect(topic, receiver, [&calls](const int &) {
        calls.fetch_add(1);
    }, {.deliverCurrent = false});
    holder->hold();
    QVERIFY(becomes([&] { return holder->isHolding(); })); // the thread's loop is busy now
    receiver->deleteLater(); // queued first...
    QVERIFY(topic.publish(1)); // ...then the delivery
    QVERIFY(connection.isConnected());
    holder->release();
    QTRY_VERIFY(!connection.isConnected());
    QVERIFY(topic.publish(2));
    holder->hold(); // everything queued before this has run once it holds
    QVERIFY(becomes([&] { return holder->isHolding(); }));
    holder->release();
    QCOMPARE(calls.load(), 0);
    QCOMPARE(connection.deliveredCount(), quint64(0));
    QCOMPARE(watchers(topic), 0u);
    holder->deleteLater();
    QVERIFY(thread.stop());
}

void tst_BadInput::connectRefusesBadArguments_data()
{
    QTest::addColumn<QString>("name");
    QTest::newRow("plain") << u"sensors/1"_s;
    QTest::newRow("non-ASCII") << u"größe/温度/\U0001F600"_s;
    QTest::newRow("lone surrogate") << u"bad"_s + QChar(0xd800) + u"name"_s;
}

void tst_BadInput::connectRefusesBadArguments()
{
    QFETCH(QString, name);
    const QString shown = QRegularExpression::escape(asLogged(name));
    const auto warning = [&](const char *reason) {
        return QRegularExpression(
            u"cannot connect to topic \"%1\": %2"_s.arg(shown, QLatin1StringView(reason)));
    };
    const auto noop = [](const int &) { };
    QObject context;

    std::optional<Bus<int>> bus(std::in_place);
    const Topic<int> open = bus->topic(name);
    QTest::ignoreMessage(QtWarningMsg, warning("the context object is null"));
    QVERIFY(!DropSlot::connect(open, static_cast<const QObject *>(nullptr), noop).isConnected());

    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"the topic handle is invalid"_s));
    QVERIFY(!DropSlot::connect(Topic<int>(), &context, noop).isConnected());

    const Topic<int> removed = bus->topic(name);
    bus->removeTopic(name);
    QTest::ignoreMessage(QtWarningMsg, warning("the topic is closed"));
    QVERIFY(!DropSlot::connect(removed, &context, noop).isConnected());

    const Topic<int> orphan = bus->topic(name);
    bus.reset();
    QTest::ignoreMessage(QtWarningMsg, warning("the topic is closed"));
    const Connection refused = DropSlot::connect(orphan, &context, noop);
    QVERIFY(!refused.isConnected());
    QCOMPARE(refused.deliveredCount(), quint64(0));
    QCOMPARE(watchers(orphan), 0u);
}

void tst_BadInput::connectWarningKeepsItsReasonForANameWithNul()
{
    // Names may contain U+0000; the warning must still name the topic and say why connect()
    // refused.
    const QString name = u"before\0after"_s;
    Bus<int> bus;
    const Topic<int> topic = bus.topic(name);
    bus.removeTopic(name);
    QObject context;
    static QStringList seen;
    seen.clear();
    const QtMessageHandler previous = qInstallMessageHandler(
        [](QtMsgType, const QMessageLogContext &, const QString &m) { seen.append(m); });
    const bool connected = DropSlot::connect(topic, &context, [](const int &) { }).isConnected();
    qInstallMessageHandler(previous);
    QVERIFY(!connected);
    QCOMPARE(seen.size(), 1);
    QVERIFY2(seen.front().contains(u"cannot connect to topic \"before"_s),
             qPrintable(seen.front()));
    QVERIFY2(seen.front().contains(u"the topic is closed"_s), qPrintable(seen.front()));
}

void tst_BadInput::absurdCapacityHints_data()
{
    QTest::addColumn<qsizetype>("capacity");
    QTest::newRow("negative") << qsizetype(-1);
    QTest::newRow("most negative") << std::numeric_limits<qsizetype>::min();
    QTest::newRow("zero") << qsizetype(0);
    QTest::newRow("one") << qsizetype(1);
}

void tst_BadInput::absurdCapacityHints()
{
    QFETCH(qsizetype, capacity);
    Bus<int> bus = Bus<int>::withCapacity(capacity);
    for (int i = 0; i < 500; ++i)
        QVERIFY(bus.publish(QString::number(i), i));
    QCOMPARE(bus.topicCount(), 500);
    QCOMPARE(bus.topic(u"499"_s).latest(), std::optional(499));
    QCOMPARE(bus.cleanupUnusedTopics(), 500);
}

void tst_BadInput::negativeMinimumIntervalMeansNone()
{
    Bus<int> bus;
    const Topic<int> topic = bus.topic("t");
    QObject context;
    int last = 0;
    const Connection c = DropSlot::connect(topic, &context, [&](const int &v) { last = v; },
                                           {.deliverCurrent = true, .minimumIntervalMs = -1000});
    QVERIFY(topic.publish(1));
    QTRY_COMPARE(last, 1);
    QVERIFY(topic.publish(2));
    QTRY_COMPARE(last, 2);
    QCOMPARE(c.deliveredCount(), quint64(2));
}

void tst_BadInput::longMinimumIntervalDoesNotDelayTheFirstDelivery()
{
    // At most one delivery per interval: the first one is not held back. The interval is chosen
    // longer than the monotonic clock's reading, which is where a "last delivery" that starts
    // at zero would still hold the first delivery back.
    using namespace std::chrono;
    const qint64 clockMs
        = duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
    if (clockMs > std::numeric_limits<int>::max() - 600'000)
        QSKIP("the monotonic clock reads more than an int of milliseconds");
    const int interval = int(clockMs + 600'000);
    Bus<int> bus;
    const Topic<int> topic = bus.topic("t");
    QVERIFY(topic.publish(7));
    QObject context;
    int last = 0;
    const Connection c = DropSlot::connect(topic, &context, [&](const int &v) { last = v; },
                                           {.deliverCurrent = true, .minimumIntervalMs = interval});
    QTRY_COMPARE_WITH_TIMEOUT(last, 7, 3000);
}

void tst_BadInput::asyncWaitOfADestroyedSubStillFinishes_data()
{
    QTest::addColumn<int>("ending");
    QTest::newRow("next publish") << 0;
    QTest::newRow("removeTopic") << 1;
    QTest::newRow("bus destroyed") << 2;
    QTest::newRow("cleanupUnusedTopics") << 3;
}

void tst_BadInput::asyncWaitOfADestroyedSubStillFinishes()
{
    // Documented: if the Sub is destroyed first, its future still finishes; it never hangs.
    // Here the Sub is destroyed while a publish is completing its waits: one wait's continuation
    // destroys it, and the other wait, which finds its value already taken, has no Sub left to
    // wait for: it is canceled at once instead of staying queued on the topic.
    QFETCH(int, ending);
    std::optional<Bus<int>> bus(std::in_place);
    std::optional<Topic<int>> topic = bus->topic("t");
    std::optional<Sub<int>> sub = topic->subscribe();
    QFuture<std::optional<int>> first = sub->waitForMessage();
    QFuture<std::optional<int>> second = sub->waitForMessage();
    const auto dropSub = [&sub](const std::optional<int> &) { sub.reset(); };
    QFuture<void> afterFirst = first.then(dropSub);
    QFuture<void> afterSecond = second.then(dropSub);
    QVERIFY(topic->publish(1)); // completes one wait, whose continuation destroys the Sub
    QVERIFY(!sub.has_value());
    QVERIFY(first.isFinished());
    QVERIFY(second.isFinished());
    QCOMPARE(int(first.isCanceled()) + int(second.isCanceled()), 1);
    const QFuture<std::optional<int>> &resolved = first.isCanceled() ? second : first;
    QCOMPARE(resolved.result(), std::optional(1));
    QCOMPARE(watchers(*topic), 0u);

    // Whatever happens to the topic next finds nothing left of the Sub (cleanup() checks that
    // no wait is alive).
    switch (ending) {
    case 0:
        QVERIFY(topic->publish(2));
        break;
    case 1:
        QCOMPARE(bus->removeTopic("t"), std::optional<qsizetype>(0));
        break;
    case 2:
        bus.reset();
        break;
    case 3:
        topic.reset(); // nothing but the bus refers to the topic now
        QCOMPARE(bus->cleanupUnusedTopics(), 1);
        break;
    }
}

QTEST_GUILESS_MAIN(tst_BadInput)
#include "tst_badinput.moc"
