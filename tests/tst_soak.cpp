// SPDX-License-Identifier: MIT
// Long-running soak: 8 threads do random operations on one shared bus (topics, publishes,
// subscriptions, blocking and async waits, connections into two receiving threads, removals,
// cleanups, whole-bus replacement) for DROPSLOT_SOAK_SECONDS seconds, checking invariants as
// they go; then the test checks the final state and that every object was freed.
#include "futureresult.h"

#include "testsupport.h"

#include <DropSlot/DropSlot>

#include <QtCore/QFile>
#include <QtCore/QRandomGenerator>
#include <QtCore/QThread>
#include <QtTest/QTest>

#include <array>
#include <atomic>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

using namespace DropSlot;
using TestSupport::Failures;
using namespace Qt::StringLiterals;

namespace {

int soakSeconds()
{
    bool ok = false;
    const int seconds = qEnvironmentVariableIntValue("DROPSLOT_SOAK_SECONDS", &ok);
    return ok && seconds > 0 ? seconds : 10;
}

// QtTest's watchdog aborts a test function after QTEST_FUNCTION_TIMEOUT ms (5 minutes unless
// set). It reads that once, before the first test function: give the soak its length plus a
// margin from here, ahead of main().
const bool s_watchdogFitsTheSoak = [] {
    if (!qEnvironmentVariableIsSet("QTEST_FUNCTION_TIMEOUT"))
        qputenv("QTEST_FUNCTION_TIMEOUT", QByteArray::number((qint64(soakSeconds()) + 300) * 1000));
    return true;
}();

constexpr int Workers = 8;
constexpr int ReceivingThreads = 2;
constexpr int OwnedPerWorker = 2;
constexpr int SharedTopics = 8;
constexpr int TempTopics = 48;
constexpr int UnicodeTopics = 6;
constexpr std::size_t MaxReaders = 12;
constexpr std::size_t MaxLinks = 6;
constexpr std::size_t MaxDoomed = 32;
constexpr std::size_t MaxLooseFutures = 64;
// What the soak publishes. seq is the writer's running sequence number (it grows with every
// publish of that writer, so one reader must see a writer's values in increasing seq order).
// On owned topics (one writer per topic object) ownerCount is the number of publishes the owner
// made to that object, which must equal the version the value is read with.
struct Value
{
    int writer = -1;
    quint64 seq = 0;
    quint64 ownerCount = 0;
    QByteArray payload;
    friend bool operator==(const Value &, const Value &) = default;
};

// ---- reporting --------------------------------------------------------------------------------

enum Op {
    OpTopic, OpPublish, OpPublishByName, OpPublishIfChanged, OpSubscribe, OpSubscribeByName,
    OpUnsubscribe, OpTryGet, OpBlockingWait, OpAsyncWait, OpLatest, OpFind, OpConnect,
    OpDisconnect, OpDestroyReceiverPending, OpRemove, OpCleanup, OpListNames, OpReplaceBus,
    OpTryGetApply, OpLatestWith, OpCount
};
constexpr std::array<const char *, OpCount> OpLabels = {
    "topic (get or create)", "publish (handle)", "publish (by name)", "publishIfChanged",
    "subscribe (handle)", "subscribe (by name)", "unsubscribe", "tryGetMessage",
    "waitForMessage (deadline)", "waitForMessage (async)", "latest", "findTopic", "connect",
    "disconnect", "receiver destroyed, pending", "removeTopic", "cleanupUnusedTopics",
    "topicNames/topicCount", "bus destroyed/recreated", "tryGetMessageAndApply (in place)",
    "latestWith (in place)"};

enum Check {
    CheckReadVersion, CheckPairing, CheckWriterOrder, CheckDisconnected, CheckFuture,
    CheckPublishIfChanged, CheckDelivery, CheckFinalSub, CheckFinalConnection, CheckFinalOwner,
    CheckNoOrphan, CheckEndedConnection, CheckPayload, CheckCount
};
constexpr std::array<const char *, CheckCount> CheckLabels = {
    "read versions increase", "owned value matches version", "writer order per reader",
    "Disconnected only when closed and seen", "async results", "publishIfChanged answers",
    "delivered versions increase", "final sub holds latest", "final connection holds latest",
    "final owner version/value", "open topic is the bus's (no orphan)",
    "connection ended with receiver/topic", "payload whole when read in place"};

class Counters
{
public:
    void add(std::size_t index, quint64 n = 1)
    {
        m_values[index].fetch_add(n, std::memory_order_relaxed);
    }
    quint64 value(std::size_t index) const
    {
        return m_values[index].load(std::memory_order_relaxed);
    }

private:
    std::array<std::atomic<quint64>, 32> m_values{};
};


struct MemoryStatus
{
    qint64 rssKiB = -1;
    qint64 hwmKiB = -1;
};

MemoryStatus readMemoryStatus()
{
    MemoryStatus status;
    QFile file(u"/proc/self/status"_s);
    if (!file.open(QIODevice::ReadOnly))
        return status;
    const QList<QByteArray> lines = file.readAll().split('\n');
    for (const QByteArray &line : lines) {
        const auto kiB = [&line] { return line.mid(6).trimmed().split(' ').value(0).toLongLong(); };
        if (line.startsWith("VmRSS:"))
            status.rssKiB = kiB();
        else if (line.startsWith("VmHWM:"))
            status.hwmKiB = kiB();
    }
    return status;
}

// connect() to a topic removed a moment earlier is refused with a warning: an expected outcome
// here, counted instead of printed. Every other message passes on.
class RefusedConnectFilter
{
public:
    RefusedConnectFilter() { s_previous = qInstallMessageHandler(&RefusedConnectFilter::handle); }
    ~RefusedConnectFilter() { qInstallMessageHandler(s_previous); }
    static quint64 count() { return s_count.load(); }

private:
    static void handle(QtMsgType type, const QMessageLogContext &context, const QString &message)
    {
        if (type == QtWarningMsg && message.startsWith(u"DropSlot::connect: cannot connect"_s)
            && message.contains(u"the topic is closed"_s)) {
            s_count.fetch_add(1);
            return;
        }
        s_previous(type, context, message);
    }
    static inline QtMessageHandler s_previous = nullptr;
    static inline std::atomic<quint64> s_count{0};
};

// ---- shared state -----------------------------------------------------------------------------

// The bus every worker uses. replace() swaps in a fresh bus; each worker moves to it at its next
// step, so the old bus is destroyed (closing all of its topics) when the last worker lets go.
class SharedBus
{
public:
    Bus<Value> current(quint64 *generation) const
    {
        std::lock_guard<std::mutex> locker(m_mutex);
        *generation = m_generation.load(std::memory_order_relaxed);
        return m_bus;
    }
    quint64 generation() const noexcept { return m_generation.load(std::memory_order_acquire); }
    void replace()
    {
        Bus<Value> fresh(128);
        std::lock_guard<std::mutex> locker(m_mutex);
        std::swap(m_bus, fresh); // the old handle is dropped after the lock, with 'fresh'
        m_generation.fetch_add(1, std::memory_order_release);
    }

private:
    mutable std::mutex m_mutex;
    Bus<Value> m_bus{128};
    std::atomic<quint64> m_generation{0};
};

// What one connection delivered, written in the receiving thread and read by the test.
struct Probe
{
    bool owned = false;
    std::atomic<quint64> version{0};
    std::atomic<quint64> deliveries{0};
    std::atomic<bool> receiverDestroyed{false};
    mutable std::mutex mutex;
    Value value; // guarded by mutex

    Value lastValue() const
    {
        std::lock_guard<std::mutex> locker(mutex);
        return value;
    }
};

// A context object living in one of the receiving threads; notes its own destruction.
class SoakReceiver : public QObject
{
public:
    explicit SoakReceiver(std::shared_ptr<Probe> probe) : m_probe(std::move(probe)) { }
    ~SoakReceiver() override
    {
        // Pairs with handedOver(): the object was built in a worker thread and is destroyed in
        // its receiving thread (Qt's event queue orders the two, out of ThreadSanitizer's sight).
        m_handedOver.load(std::memory_order_acquire);
        m_probe->receiverDestroyed.store(true, std::memory_order_release);
    }
    void handedOver() { m_handedOver.store(true, std::memory_order_release); }

    // Runs connectNow in this object's thread and returns its result (blocks the caller until
    // that thread's event loop has run it).
    Connection connectInOwnThread(std::function<Connection()> connectNow)
    {
        std::future<Connection> result;
        {
            std::lock_guard<std::mutex> locker(m_requestMutex);
            m_request = std::packaged_task<Connection()>(std::move(connectNow));
            result = m_request.get_future();
        }
        QCoreApplication::postEvent(this, new QEvent(connectEventType()));
        return result.get();
    }

protected:
    bool event(QEvent *e) override
    {
        if (e->type() != connectEventType())
            return QObject::event(e);
        std::packaged_task<Connection()> request;
        {
            std::lock_guard<std::mutex> locker(m_requestMutex);
            request = std::move(m_request);
        }
        request();
        return true;
    }

private:
    static QEvent::Type connectEventType()
    {
        static const auto type = QEvent::Type(QEvent::registerEventType());
        return type;
    }

    std::shared_ptr<Probe> m_probe;
    std::atomic<bool> m_handedOver{false};
    std::mutex m_requestMutex;
    std::packaged_task<Connection()> m_request; // guarded by m_requestMutex
};

// The threads receivers live in, each running its own event loop; stopped on destruction too,
// so a failing check cannot leave a running QThread behind.
class ReceiverThreads
{
public:
    ReceiverThreads()
    {
        for (QThread &t : m_threads)
            t.start();
    }
    ~ReceiverThreads() { stop(); }
    std::array<QThread *, ReceivingThreads> pointers() { return {&m_threads[0], &m_threads[1]}; }
    bool stop()
    {
        bool stopped = true;
        for (QThread &t : m_threads) {
            t.quit();
            stopped &= t.wait(30000);
        }
        return stopped;
    }

private:
    std::array<QThread, ReceivingThreads> m_threads;
};

QString ownedName(int worker, int k) { return u"owned/%1/%2"_s.arg(worker).arg(k); }
QString sharedName(int k) { return u"shared/%1"_s.arg(k); }
QString tempName(int k) { return u"temp/%1"_s.arg(k); }
QString unicodeName(int k)
{
    // Latin-1 letters, the same word composed and decomposed (two different topics), and CJK.
    switch (k % 3) {
    case 0: return u"größe/%1"_s.arg(k);
    case 1: return (k % 2 ? u"caf\u00e9/%1"_s : u"cafe\u0301/%1"_s).arg(k);
    default: return u"温度/%1"_s.arg(k);
    }
}

bool isLatin1(const QString &s)
{
    return std::all_of(s.cbegin(), s.cend(), [](QChar c) { return c.unicode() < 0x100; });
}

// ---- a worker ---------------------------------------------------------------------------------

struct Owned
{
    Topic<Value> handle;
    quint64 count = 0; // publishes by the owner to handle's topic object
};

struct Reader
{
    Topic<Value> topic; // the topic object the Sub belongs to
    Sub<Value> sub;
    bool owned = false;
    quint64 lastVersion = 0;
    std::array<quint64, Workers> lastSeq{};
    QFuture<std::optional<Value>> future;
    bool futurePending = false;
};

struct Link
{
    SoakReceiver *receiver = nullptr; // lives in a receiving thread; this worker deletes it
    Topic<Value> topic;
    Connection connection;
    std::shared_ptr<Probe> probe;
};

struct Doomed
{
    Connection connection;
    std::shared_ptr<Probe> probe;
};

class Worker
{
public:
    Worker(int id, SharedBus &shared, std::array<QThread *, ReceivingThreads> threads,
           Failures &failures, Counters &ops, Counters &checks, quint32 seed)
        : m_id(id), m_shared(shared), m_threads(threads), m_failures(failures), m_ops(ops),
          m_checks(checks), m_rng(seed)
    {
        m_bus = m_shared.current(&m_generation);
        for (int k = 0; k < OwnedPerWorker; ++k)
            m_owned[k].handle = m_bus.topic(ownedName(id, k));
    }

    void run(QDeadlineTimer deadline, bool replaceAtHalfTime)
    {
        const qint64 half = deadline.remainingTime() / 2;
        bool replaced = !replaceAtHalfTime;
        while (!deadline.hasExpired()) {
            for (int i = 0; i < 32; ++i)
                step();
            if (!replaced && deadline.remainingTime() < half) {
                // At least one whole-bus replacement per run, whatever the dice say.
                m_shared.replace();
                m_ops.add(OpReplaceBus);
                replaced = true;
            }
        }
    }

    // Lets go of the bus (not of topics, subscriptions or connections).
    void dropBus() { m_bus = Bus<Value>(1); }

    int id() const { return m_id; }
    const Owned &owned(int k) const { return m_owned[k]; }
    std::vector<Reader> &readers() { return m_readers; }
    std::vector<Link> &links() { return m_links; }
    std::vector<Doomed> &doomed() { return m_doomed; }
    std::vector<QFuture<std::optional<Value>>> &looseFutures() { return m_looseFutures; }

    // Settles a finished async wait of a live Sub: a value it claimed, or nullopt once closed.
    void settle(Reader &r)
    {
        r.futurePending = false;
        m_checks.add(CheckFuture);
        if (r.future.isCanceled()) {
            fail(u"%1: async wait of a live Sub was canceled"_s.arg(r.topic.name()));
            return;
        }
        const std::optional<Value> v = finishedResult(r.future);
        const quint64 seen = r.sub.lastSeenVersion();
        if (!v) {
            if (!r.topic.isClosed())
                fail(u"%1: async wait gave nullopt on an open topic"_s.arg(r.topic.name()));
            return;
        }
        if (r.owned && (v->ownerCount == 0 || v->ownerCount > seen)) {
            fail(u"%1: async value #%2 but the Sub has seen only version %3"_s
                     .arg(r.topic.name()).arg(v->ownerCount).arg(seen));
        }
        // No writer-order check here: this thread may have read newer values since the wait
        // claimed this one.
    }

private:
    void fail(const QString &what) { m_failures.add(u"worker %1: "_s.arg(m_id) + what); }

    Value nextValue(quint64 ownerCount)
    {
        Value v{m_id, ++m_seq, ownerCount, {}};
        if (m_rng.bounded(4) == 0)
            v.payload = QByteArray(int(m_rng.bounded(1024)), char('a' + m_id));
        return v;
    }

    QString randomName(bool *owned)
    {
        *owned = false;
        switch (m_rng.bounded(8)) {
        case 0: case 1:
            *owned = true;
            return ownedName(int(m_rng.bounded(Workers)), int(m_rng.bounded(OwnedPerWorker)));
        case 2: case 3:
            return sharedName(int(m_rng.bounded(SharedTopics)));
        case 4:
            return unicodeName(int(m_rng.bounded(UnicodeTopics)));
        default:
            return tempName(int(m_rng.bounded(TempTopics)));
        }
    }

    // Calls f with name as UTF-16, UTF-8 or Latin-1: all three must reach the same topic.
    template <typename F>
    auto withEncoding(const QString &name, F &&f)
    {
        switch (m_rng.bounded(3)) {
        case 1: {
            const QByteArray utf8 = name.toUtf8();
            return f(QAnyStringView(QUtf8StringView(utf8)));
        }
        case 2:
            if (isLatin1(name)) {
                const QByteArray latin1 = name.toLatin1();
                return f(QAnyStringView(QLatin1StringView(latin1)));
            }
            break;
        default:
            break;
        }
        return f(QAnyStringView(name));
    }

    Topic<Value> topicFor(const QString &name)
    {
        return withEncoding(name, [this](QAnyStringView n) { return m_bus.topic(n); });
    }

    void checkWriterOrder(Reader &r, const Value &v)
    {
        if (v.writer < 0 || v.writer >= Workers) {
            fail(u"%1: value from unknown writer %2"_s.arg(r.topic.name()).arg(v.writer));
            return;
        }
        m_checks.add(CheckWriterOrder);
        quint64 &last = r.lastSeq[v.writer];
        if (v.seq <= last) {
            fail(u"%1: writer %2's value %3 read after its value %4"_s.arg(r.topic.name())
                     .arg(v.writer).arg(v.seq).arg(last));
        }
        last = v.seq;
    }

    void refreshBus()
    {
        if (m_shared.generation() != m_generation)
            m_bus = m_shared.current(&m_generation);
    }

    void publishOwned()
    {
        Owned &o = m_owned[m_rng.bounded(OwnedPerWorker)];
        const int k = int(&o - m_owned.data());
        if (!o.handle.publish(nextValue(o.count + 1))) {
            // Closed (removed, or its bus destroyed): continue with the name's current topic.
            if (!o.handle.isClosed())
                fail(u"publish to an open owned topic failed"_s);
            o.handle = topicFor(ownedName(m_id, k));
            o.count = 0;
            if (o.handle.version() != 0)
                fail(u"a fresh owned topic has version %1"_s.arg(o.handle.version()));
            if (!o.handle.publish(nextValue(1)))
                return; // removed again meanwhile
        }
        ++o.count;
    }

    void publishIfChangedOwned()
    {
        Owned &o = m_owned[m_rng.bounded(OwnedPerWorker)];
        m_checks.add(CheckPublishIfChanged);
        if (m_rng.bounded(2) == 0) {
            // Only this worker writes the topic object: its own current value is no change.
            if (const std::optional<Value> current = o.handle.latest()) {
                if (o.handle.publishIfChanged(*current))
                    fail(u"publishIfChanged published an unchanged value"_s);
            }
            return;
        }
        if (o.handle.publishIfChanged(nextValue(o.count + 1)))
            ++o.count;
        else if (!o.handle.isClosed())
            fail(u"publishIfChanged of a new value to an open topic returned false"_s);
    }

    void subscribe()
    {
        bool owned = false;
        const QString name = randomName(&owned);
        Reader r;
        r.topic = topicFor(name);
        r.sub = r.topic.subscribe();
        r.owned = owned;
        r.lastVersion = r.sub.lastSeenVersion();
        if (m_readers.size() < MaxReaders) {
            m_readers.push_back(std::move(r));
            return;
        }
        Reader &old = m_readers[m_rng.bounded(quint32(m_readers.size()))];
        retire(old);
        old = std::move(r);
    }

    // Prepares a reader for destruction (its Sub may have an async wait pending): a finished
    // future is checked now; a pending one must still finish once its Sub is gone.
    void retire(Reader &r)
    {
        if (r.futurePending && r.future.isFinished())
            settle(r);
        if (r.futurePending)
            keepLoose(std::move(r.future));
        r.futurePending = false;
    }

    void keepLoose(QFuture<std::optional<Value>> future)
    {
        if (m_looseFutures.size() >= MaxLooseFutures) {
            std::erase_if(m_looseFutures, [](const auto &f) { return f.isFinished(); });
        }
        m_looseFutures.push_back(std::move(future));
    }

    void read(Reader &r, bool blocking)
    {
        if (r.futurePending && r.future.isFinished())
            settle(r);
        // With an async wait in flight, the wait may claim a newer version between our read and
        // lastSeenVersion(), and its result is observed later; the value/version pairing and the
        // writer order are exact only without one.
        const bool exact = !r.futurePending;
        Expected<Value> message = detail::makeFailure<Value>(BusError::empty());
        if (blocking) {
            message = r.sub.waitForMessage(QDeadlineTimer(qint64(m_rng.bounded(3))));
        } else if (m_rng.bounded(2) == 0) {
            message = r.sub.tryGetMessage();
        } else {
            // The value read in place (hazard pointer, no lock): checked inside f, then copied.
            m_ops.add(OpTryGetApply);
            message = r.sub.tryGetMessageAndApply([this](const Value &v) {
                checkPayload(v);
                return v;
            });
        }
        const quint64 seen = r.sub.lastSeenVersion();
        m_checks.add(CheckReadVersion);
        if (seen < r.lastVersion)
            fail(u"%1: seen version went back from %2 to %3"_s.arg(r.topic.name())
                     .arg(r.lastVersion)
                     .arg(seen));
        if (message) {
            if (seen <= r.lastVersion)
                fail(u"%1: read a value without a newer version (%2)"_s.arg(r.topic.name())
                         .arg(seen));
            if (r.owned && exact) {
                m_checks.add(CheckPairing);
                if (message->ownerCount != seen) {
                    fail(u"%1: value #%2 read with version %3"_s.arg(r.topic.name())
                             .arg(message->ownerCount).arg(seen));
                }
            }
            if (exact)
                checkWriterOrder(r, *message);
        } else if (message.error().isDisconnected()) {
            m_checks.add(CheckDisconnected);
            if (!r.topic.isClosed() || seen != r.topic.version()) {
                fail(u"%1: Disconnected with the topic %2 at version %3, seen %4"_s
                         .arg(r.topic.name())
                         .arg(r.topic.isClosed() ? u"closed"_s : u"open"_s)
                         .arg(r.topic.version())
                         .arg(seen));
            }
        }
        r.lastVersion = std::max(r.lastVersion, seen);
    }

    // A value read in place must be whole: its payload is all its writer's letter.
    void checkPayload(const Value &v)
    {
        m_checks.add(CheckPayload);
        const char letter = char('a' + v.writer);
        for (char c : v.payload) {
            if (c != letter) {
                fail(u"payload of writer %1 holds %2"_s.arg(v.writer).arg(QLatin1Char(c)));
                return;
            }
        }
    }

    void asyncWait(Reader &r)
    {
        if (r.futurePending) {
            if (!r.future.isFinished())
                return;
            settle(r);
        }
        r.future = r.sub.waitForMessage();
        r.futurePending = true;
        if (r.future.isFinished())
            settle(r);
    }

    void connectReceiver()
    {
        if (m_links.size() >= MaxLinks) {
            disconnectReceiver();
            return;
        }
        bool owned = false;
        Link link;
        link.topic = topicFor(randomName(&owned));
        if (link.topic.isClosed())
            return; // removed right away by another worker
        link.probe = std::make_shared<Probe>();
        link.probe->owned = owned;
        link.receiver = new SoakReceiver(link.probe);
        link.receiver->moveToThread(m_threads[m_rng.bounded(ReceivingThreads)]);
        link.receiver->handedOver();
        const ConnectOptions options{.deliverCurrent = true,
                                     .minimumIntervalMs = m_rng.bounded(4) == 0 ? 2 : 0};
        const auto connectNow = [topic = link.topic, receiver = link.receiver, probe = link.probe,
                                 failures = &m_failures, checks = &m_checks, options] {
            return DropSlot::connect(
                topic, receiver,
                [probe, failures, checks](const Value &v, quint64 version) {
                    checks->add(CheckDelivery);
                    if (probe->receiverDestroyed.load(std::memory_order_acquire))
                        failures->add(u"delivery to a destroyed receiver"_s);
                    const quint64 last = probe->version.load(std::memory_order_relaxed);
                    if (version <= last)
                        failures->add(
                            u"delivered version went from %1 to %2"_s.arg(last).arg(version));
                    if (probe->owned && v.ownerCount != version)
                        failures->add(u"delivered value #%1 with version %2"_s.arg(v.ownerCount)
                                          .arg(version));
                    {
                        std::lock_guard<std::mutex> locker(probe->mutex);
                        probe->value = v;
                    }
                    probe->version.store(version, std::memory_order_release);
                    probe->deliveries.fetch_add(1, std::memory_order_relaxed);
                },
                options);
        };
        // Half the connections are made from this worker, half in the receiver's own thread.
        link.connection = m_rng.bounded(2) ? connectNow() : link.receiver->connectInOwnThread(connectNow);
        if (!link.connection.isConnected()) {
            // Only a topic closed since the check above may refuse the connection.
            if (!link.topic.isClosed())
                fail(u"%1: connect to an open topic failed"_s.arg(link.topic.name()));
            link.receiver->deleteLater();
            return;
        }
        m_links.push_back(std::move(link));
    }

    Link takeLink()
    {
        const auto index = m_rng.bounded(quint32(m_links.size()));
        Link link = std::move(m_links[index]);
        m_links.erase(m_links.begin() + index);
        return link;
    }

    void disconnectReceiver()
    {
        if (m_links.empty())
            return;
        Link link = takeLink();
        link.connection.disconnect();
        if (link.connection.isConnected())
            fail(u"connection still connected after disconnect()"_s);
        link.receiver->deleteLater();
    }

    void destroyReceiverWithPendingDelivery()
    {
        if (m_links.empty())
            return;
        Link link = takeLink();
        // Make a delivery pending (not on owned topics: they have one writer), then destroy
        // the receiver in its own thread before or while it runs.
        if (!link.probe->owned)
            link.topic.publish(nextValue(0));
        link.receiver->deleteLater();
        if (m_doomed.size() >= MaxDoomed) {
            std::erase_if(m_doomed, [](const Doomed &d) {
                return d.probe->receiverDestroyed.load() && !d.connection.isConnected();
            });
        }
        m_doomed.push_back(Doomed{std::move(link.connection), std::move(link.probe)});
    }

    void step()
    {
        refreshBus();
        const quint32 dice = m_rng.bounded(100);
        if (dice < 12) {
            m_ops.add(OpPublish);
            publishOwned();
        } else if (dice < 22) {
            m_ops.add(OpPublishByName);
            bool owned = false;
            QString name = randomName(&owned);
            if (owned)
                name = sharedName(int(m_rng.bounded(SharedTopics))); // owned topics have one writer
            withEncoding(name, [&](QAnyStringView n) { return m_bus.publish(n, nextValue(0)); });
        } else if (dice < 26) {
            m_ops.add(OpPublishIfChanged);
            publishIfChangedOwned();
        } else if (dice < 30) {
            m_ops.add(OpTopic);
            bool owned = false;
            const Topic<Value> t = topicFor(randomName(&owned));
            if (!t.isValid())
                fail(u"topic() gave an invalid handle for a non-empty name"_s);
        } else if (dice < 34) {
            m_ops.add(OpSubscribe);
            subscribe();
        } else if (dice < 36) {
            m_ops.add(OpSubscribeByName);
            bool owned = false;
            const Sub<Value> s = withEncoding(randomName(&owned), [this](QAnyStringView n) {
                return m_bus.subscribe(n);
            });
            if (!s.isValid())
                fail(u"subscribe() gave an invalid Sub for a non-empty name"_s);
        } else if (dice < 38) {
            m_ops.add(OpUnsubscribe);
            if (!m_readers.empty()) {
                const auto index = m_rng.bounded(quint32(m_readers.size()));
                retire(m_readers[index]);
                m_readers.erase(m_readers.begin() + index);
            }
        } else if (dice < 54) {
            m_ops.add(OpTryGet);
            if (!m_readers.empty())
                read(m_readers[m_rng.bounded(quint32(m_readers.size()))], false);
        } else if (dice < 58) {
            m_ops.add(OpBlockingWait);
            if (!m_readers.empty())
                read(m_readers[m_rng.bounded(quint32(m_readers.size()))], true);
        } else if (dice < 63) {
            if (!m_readers.empty()) {
                m_ops.add(OpAsyncWait);
                asyncWait(m_readers[m_rng.bounded(quint32(m_readers.size()))]);
            }
        } else if (dice < 67) {
            m_ops.add(OpLatest);
            if (!m_readers.empty()) {
                Reader &r = m_readers[m_rng.bounded(quint32(m_readers.size()))];
                std::optional<quint64> ownerCount;
                if (m_rng.bounded(2) == 0) {
                    if (const std::optional<Value> v = r.sub.latest())
                        ownerCount = v->ownerCount;
                } else {
                    m_ops.add(OpLatestWith);
                    ownerCount = r.sub.latestWith([this](const Value &v) {
                        checkPayload(v);
                        return v.ownerCount;
                    });
                }
                if (ownerCount && r.owned && *ownerCount == 0)
                    fail(u"%1: owned topic holds a value no owner wrote"_s.arg(r.topic.name()));
            }
        } else if (dice < 71) {
            m_ops.add(OpFind);
            bool owned = false;
            withEncoding(randomName(&owned),
                         [this](QAnyStringView n) { return m_bus.findTopic(n); });
        } else if (dice < 76) {
            m_ops.add(OpConnect);
            connectReceiver();
        } else if (dice < 79) {
            m_ops.add(OpDisconnect);
            disconnectReceiver();
        } else if (dice < 82) {
            m_ops.add(OpDestroyReceiverPending);
            destroyReceiverWithPendingDelivery();
        } else if (dice < 90) {
            m_ops.add(OpRemove);
            bool owned = false;
            withEncoding(randomName(&owned),
                         [this](QAnyStringView n) { return m_bus.removeTopic(n); });
        } else if (dice < 92) {
            m_ops.add(OpCleanup);
            m_bus.cleanupUnusedTopics();
        } else if (dice < 93) {
            m_ops.add(OpListNames);
            const QStringList names = m_bus.topicNames();
            if (names.contains(QString()))
                fail(u"topicNames() lists an empty name"_s);
            m_bus.topicCount();
        } else if (dice < 94) {
            if (m_rng.bounded(4000) == 0) {
                m_ops.add(OpReplaceBus);
                m_shared.replace();
            }
        } else {
            // Re-subscribe readers whose topic is gone, so the reads keep finding live topics.
            for (Reader &r : m_readers) {
                if (r.topic.isClosed() && !r.futurePending
                    && r.sub.lastSeenVersion() == r.topic.version()) {
                    m_ops.add(OpSubscribe);
                    r.topic = topicFor(r.topic.name());
                    r.sub = r.topic.subscribe();
                    r.lastVersion = r.sub.lastSeenVersion();
                    r.lastSeq = {};
                    break;
                }
            }
        }
    }

    const int m_id;
    SharedBus &m_shared;
    const std::array<QThread *, ReceivingThreads> m_threads;
    Failures &m_failures;
    Counters &m_ops;
    Counters &m_checks;
    QRandomGenerator m_rng;
    Bus<Value> m_bus{1};
    quint64 m_generation = 0;
    quint64 m_seq = 0;
    std::array<Owned, OwnedPerWorker> m_owned;
    std::vector<Reader> m_readers;
    std::vector<Link> m_links;
    std::vector<Doomed> m_doomed;
    std::vector<QFuture<std::optional<Value>>> m_looseFutures;
};

} // namespace

class tst_Soak : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void randomOperationsForTheWholeDuration();
};

void tst_Soak::randomOperationsForTheWholeDuration()
{
    const int seconds = soakSeconds();
    const qsizetype topicsBefore = detail::TopicCore::liveCount();
    const qsizetype connectionsBefore = detail::ConnectionCore::liveCount();
    const qsizetype asyncWaitsBefore = detail::AsyncWaitBase::liveCount();
    const MemoryStatus memoryBefore = readMemoryStatus();
    const quint32 seed = QRandomGenerator::global()->generate();
    qInfo("soak: %d s, %d threads, seed %u", seconds, Workers, seed);

    // Static: a receiving thread may still run a delivery that reports, even after a failure.
    static Failures failures;
    static Counters ops;
    static Counters checks;
    ReceiverThreads receiving;
    const RefusedConnectFilter refusedConnects;
    std::vector<QFuture<std::optional<Value>>> futures; // every async wait, checked at the end
    std::vector<std::shared_ptr<Probe>> probes;         // every live receiver's probe
    {
        SharedBus shared;
        std::vector<std::unique_ptr<Worker>> workers;
        for (int i = 0; i < Workers; ++i) {
            workers.push_back(std::make_unique<Worker>(i, shared, receiving.pointers(),
                                                       failures, ops, checks, seed + quint32(i)));
        }
        {
            const QDeadlineTimer deadline(qint64(seconds) * 1000);
            std::vector<std::jthread> threads;
            for (auto &w : workers) {
                threads.emplace_back([&deadline, worker = w.get()] {
                    worker->run(deadline, worker->id() == 0);
                });
            }
        } // joined: nothing publishes any more
        QVERIFY2(failures.count() == 0, qPrintable(failures.summary()));

        // Old buses die with the workers' handles (closing their topics); the current one stays.
        for (auto &w : workers)
            w->dropBus();
        quint64 generation = 0;
        const Bus<Value> bus = shared.current(&generation);

        for (auto &w : workers) {
            // Owned topics: an open one is the bus's topic of that name, and holds exactly the
            // owner's publishes.
            for (int k = 0; k < OwnedPerWorker; ++k) {
                const Owned &o = w->owned(k);
                checks.add(CheckFinalOwner);
                if (o.handle.isClosed())
                    continue;
                checks.add(CheckNoOrphan);
                QVERIFY(bus.findTopic(ownedName(w->id(), k)) == std::optional(o.handle));
                QCOMPARE(o.handle.version(), o.count);
                if (o.count)
                    QCOMPARE(o.handle.latest()->ownerCount, o.count);
            }
            // Subscribers: each holds its topic's last value, and reading drains to it.
            for (Reader &r : w->readers()) {
                if (r.futurePending && r.future.isFinished())
                    w->settle(r);
                checks.add(CheckFinalSub);
                if (!r.topic.isClosed()) {
                    checks.add(CheckNoOrphan);
                    QVERIFY2(bus.findTopic(r.topic.name()) == std::optional(r.topic),
                             qPrintable(r.topic.name()));
                }
                QCOMPARE(r.sub.latest(), r.topic.latest());
                QCOMPARE(r.sub.topicName(), r.topic.name());
                const quint64 version = r.topic.version();
                QVERIFY(r.sub.lastSeenVersion() <= version);
                if (Expected<Value> last = r.sub.tryGetMessage())
                    QCOMPARE(*last, *r.topic.latest());
                QCOMPARE(r.sub.lastSeenVersion(), version);
                const Expected<Value> after = r.sub.tryGetMessage();
                QVERIFY(!after);
                QCOMPARE(after.error().isDisconnected(), r.topic.isClosed());
                if (r.futurePending)
                    futures.push_back(r.future);
            }
            // Connections: each live one delivers its topic's last value; on a closed topic it
            // delivered the last value and ended.
            for (const Link &link : w->links()) {
                checks.add(CheckFinalConnection);
                const quint64 version = link.topic.version();
                if (!link.topic.isClosed()) {
                    checks.add(CheckNoOrphan);
                    QVERIFY(bus.findTopic(link.topic.name()) == std::optional(link.topic));
                    QVERIFY2(link.connection.isConnected(), qPrintable(link.topic.name()));
                } else {
                    QTRY_VERIFY_WITH_TIMEOUT(!link.connection.isConnected(), 30000);
                }
                QTRY_COMPARE_WITH_TIMEOUT(link.probe->version.load(std::memory_order_acquire),
                                          version, 30000);
                if (version > 0)
                    QCOMPARE(link.probe->lastValue(), *link.topic.latest());
                probes.push_back(link.probe);
            }
            for (const Doomed &d : w->doomed())
                probes.push_back(d.probe);
            for (auto &f : w->looseFutures())
                futures.push_back(f);
        }

        // Tear down: receivers are destroyed in their threads, then every handle goes.
        for (auto &w : workers) {
            for (const Link &link : w->links())
                link.receiver->deleteLater();
        }
        QTRY_VERIFY_WITH_TIMEOUT(std::all_of(probes.cbegin(), probes.cend(), [](const auto &p) {
            return p->receiverDestroyed.load(std::memory_order_acquire);
        }), 30000);
        for (auto &w : workers) {
            for (const Doomed &d : w->doomed()) {
                checks.add(CheckEndedConnection);
                QTRY_VERIFY_WITH_TIMEOUT(!d.connection.isConnected(), 30000);
            }
            for (const Link &link : w->links()) {
                checks.add(CheckEndedConnection);
                QTRY_VERIFY_WITH_TIMEOUT(!link.connection.isConnected(), 30000);
            }
        }
        workers.clear();
    } // the last bus handle goes: its topics close, pending async waits finish

    QVERIFY2(failures.count() == 0, qPrintable(failures.summary()));
    const auto unfinished = std::count_if(futures.cbegin(), futures.cend(), [](const auto &f) {
        return !f.isFinished();
    });
    QCOMPARE(unfinished, 0);
    futures.clear();
    QVERIFY(receiving.stop());
    QTRY_COMPARE(detail::ConnectionCore::liveCount(), connectionsBefore);
    QTRY_COMPARE(detail::TopicCore::liveCount(), topicsBefore);
    QCOMPARE(detail::AsyncWaitBase::liveCount(), asyncWaitsBefore);
    const MemoryStatus memoryAfter = readMemoryStatus();

    quint64 totalOps = 0;
    qInfo("operations:");
    for (std::size_t i = 0; i < OpCount; ++i) {
        totalOps += ops.value(i);
        qInfo("  %-32s %12llu", OpLabels[i], static_cast<unsigned long long>(ops.value(i)));
    }
    qInfo("  %-32s %12llu", "total", static_cast<unsigned long long>(totalOps));
    qInfo("  %-32s %12llu", "(connect refused: just closed)",
          static_cast<unsigned long long>(RefusedConnectFilter::count()));
    qInfo("invariants checked:");
    for (std::size_t i = 0; i < CheckCount; ++i)
        qInfo("  %-40s %12llu", CheckLabels[i], static_cast<unsigned long long>(checks.value(i)));
    qInfo(
        "live objects at start/end: topics %lld/%lld, connections %lld/%lld, async waits %lld/%lld",
        qlonglong(topicsBefore), qlonglong(detail::TopicCore::liveCount()),
        qlonglong(connectionsBefore), qlonglong(detail::ConnectionCore::liveCount()),
        qlonglong(asyncWaitsBefore), qlonglong(detail::AsyncWaitBase::liveCount()));
    qInfo("memory: VmRSS %lld kB at start, %lld kB at end; VmHWM %lld kB at start, %lld kB at end",
          memoryBefore.rssKiB, memoryAfter.rssKiB, memoryBefore.hwmKiB, memoryAfter.hwmKiB);
    QVERIFY(totalOps > 0);
}

QTEST_GUILESS_MAIN(tst_Soak)
#include "tst_soak.moc"
