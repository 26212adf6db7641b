// SPDX-License-Identifier: MIT
// libFuzzer target: decodes its input into a sequence of bus operations on topic names of every
// kind (empty, huge, with NULs, invalid UTF-8, lone surrogates, names that differ only in their
// Unicode normalization), passed as UTF-16, UTF-8 (views and C strings) and Latin-1, and checks
// every answer against a small reference model of what the bus must hold. Any difference, crash,
// sanitizer report or leak ends the run with the input that caused it.
//
// Input format: an optional first line starting with '#' is a comment (the committed corpus uses
// it for its licence header); the rest is read byte by byte, one operation after another.
#include <DropSlot/DropSlot>

#include <QtCore/QStringDecoder>
#include <QtCore/QStringList>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

using namespace DropSlot;
using namespace Qt::StringLiterals;

namespace {

[[noreturn]] void violated(const char *check, const QString &context)
{
    std::fprintf(stderr, "fuzz_bus: invariant violated: %s [%s]\n", check,
                 qUtf8Printable(context.left(300)));
    std::abort();
}

#define FUZZ_CHECK(condition, context)                                                             \
    do {                                                                                           \
        if (!(condition))                                                                          \
            violated(#condition, context);                                                         \
    } while (false)

// Reads the input; past its end every read gives zeros, so any input decodes completely.
class Input
{
public:
    Input(const uint8_t *data, size_t size) : m_data(data), m_size(size)
    {
        if (m_size > 0 && m_data[0] == '#') {
            while (m_pos < m_size && m_data[m_pos] != '\n')
                ++m_pos;
            if (m_pos < m_size)
                ++m_pos;
        }
    }
    bool atEnd() const { return m_pos >= m_size; }
    quint8 byte() { return atEnd() ? 0 : m_data[m_pos++]; }
    quint16 word() { return quint16(byte() | (byte() << 8)); }
    QByteArray bytes(qsizetype n)
    {
        n = std::min<qsizetype>(n, qsizetype(m_size - std::min(m_pos, m_size)));
        QByteArray out(reinterpret_cast<const char *>(m_data + m_pos), n);
        m_pos += size_t(n);
        return out;
    }

private:
    const uint8_t *m_data;
    size_t m_size;
    size_t m_pos = 0;
};

// A name as one caller passes it, and the UTF-16 the bus must store it as.
struct Name
{
    enum Form { Utf16, Utf8View, Utf8CString, Latin1 };
    Form form = Utf16;
    QString utf16;   // for Utf16
    QByteArray bytes; // for the other forms (a C string stops at its first NUL)
    QString key;     // what the bus must compare and list

    QAnyStringView view() const
    {
        switch (form) {
        case Utf8View: return QUtf8StringView(bytes);
        case Utf8CString: return bytes.constData();
        case Latin1: return QLatin1StringView(bytes);
        case Utf16: break;
        }
        return utf16;
    }
    static Name fromUtf16(const QString &s) { return Name{Utf16, s, {}, s}; }
    // The characters a UTF-8 name stands for, as QAnyStringView compares them: invalid sequences
    // become U+FFFD and a leading U+FEFF stays (QString::fromUtf8 would drop it).
    static QString decodeUtf8(const QByteArray &b)
    {
        QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless
                                                         | QStringDecoder::Flag::ConvertInitialBom);
        return decoder.decode(b);
    }
    static Name fromUtf8(const QByteArray &b) { return Name{Utf8View, {}, b, decodeUtf8(b)}; }
    static Name fromCString(QByteArray b)
    {
        b.truncate(b.indexOf('\0') < 0 ? b.size() : b.indexOf('\0'));
        return Name{Utf8CString, {}, b, decodeUtf8(b)};
    }
    static Name fromLatin1(const QByteArray &b)
    {
        return Name{Latin1, {}, b, QString::fromLatin1(b)};
    }
};

// Counts the warnings the library prints (the empty-name warning is the only one expected).
int s_warnings = 0;
void countMessage(QtMsgType type, const QMessageLogContext &, const QString &)
{
    if (type == QtWarningMsg)
        ++s_warnings;
}

struct ModelTopic
{
    QString name;
    quint64 version = 0;
    std::optional<QByteArray> value;
    bool closed = false;
};
using ModelRef = std::shared_ptr<ModelTopic>;

struct HandleSlot
{
    Topic<QByteArray> topic;
    ModelRef model; // null for an invalid handle
};

struct SubSlot
{
    Sub<QByteArray> sub;
    ModelRef model; // null for an invalid Sub
    quint64 seen = 0;
    QFuture<std::optional<QByteArray>> future;
    bool pending = false;
};

constexpr int Slots = 6;
constexpr int RecentNames = 8;

class Session
{
public:
    void run(Input &in)
    {
        for (int step = 0; step < 400 && !in.atEnd(); ++step)
            operate(in);
        finish();
    }

private:
    // ---- names ----
    QString dictionaryName(quint8 pick) const
    {
        static const std::array<QString, 16> names = {
            QString(), u"a"_s, u"A"_s, u"caf\u00e9"_s, u"cafe\u0301"_s, u"\uFFFD"_s,
            QString(QChar(0xd800)), QString(QChar(0xdc00)), QString(QChar(0)), u"a\0"_s,
            u"\U0001F600"_s, u"\uFB01"_s /* ﬁ ligature */, u"fi"_s, u"sensors/temperature"_s,
            u"\u00c5"_s, u"A\u030a"_s};
        return names[pick % names.size()];
    }

    QString recent(quint8 pick) const
    {
        return m_recent.empty() ? u"x"_s : m_recent[pick % m_recent.size()];
    }

    Name readName(Input &in)
    {
        Name name;
        switch (in.byte() % 9) {
        case 0: {
            QString s;
            for (int i = 0, n = in.byte() % 12; i < n; ++i)
                s.append(QChar(in.word()));
            name = Name::fromUtf16(s);
            break;
        }
        case 1: name = Name::fromUtf8(in.bytes(in.byte() % 16)); break;
        case 2: name = Name::fromCString(in.bytes(in.byte() % 16)); break;
        case 3: name = Name::fromLatin1(in.bytes(in.byte() % 16)); break;
        case 4: name = Name::fromUtf16(dictionaryName(in.byte())); break;
        case 5: { // an earlier name again, in another form
            const QString s = recent(in.byte());
            switch (in.byte() % 3) {
            case 0: name = Name::fromUtf8(s.toUtf8()); break;
            case 1:
                if (std::all_of(s.cbegin(), s.cend(),
                                [](QChar c) { return c.unicode() < 0x100; })) {
                    name = Name::fromLatin1(s.toLatin1());
                    break;
                }
                Q_FALLTHROUGH();
            default: name = Name::fromUtf16(s); break;
            }
            break;
        }
        case 6: { // an earlier name in another normalization form
            static constexpr std::array<QString::NormalizationForm, 4> forms = {
                QString::NormalizationForm_C, QString::NormalizationForm_D,
                QString::NormalizationForm_KC, QString::NormalizationForm_KD};
            name = Name::fromUtf16(recent(in.byte()).normalized(forms[in.byte() % forms.size()]));
            break;
        }
        case 7: { // huge: an earlier name repeated to 1 to 64 Ki code units
            QString unit = recent(in.byte());
            if (unit.isEmpty())
                unit = u"h"_s;
            const qsizetype target = qsizetype(1 + in.byte() % 64) * 1024;
            QString s;
            s.reserve(target + unit.size());
            while (s.size() < target)
                s += unit;
            name = in.byte() % 2 ? Name::fromUtf16(s) : Name::fromUtf8(s.toUtf8());
            break;
        }
        default: { // an earlier name with one code unit changed or dropped
            QString s = recent(in.byte());
            if (!s.isEmpty()) {
                const qsizetype at = in.byte() % s.size();
                if (in.byte() % 2)
                    s.remove(at, 1);
                else
                    s[at] = QChar(in.word());
            }
            name = Name::fromUtf16(s);
            break;
        }
        }
        if (!name.key.isEmpty() && name.key.size() <= 256) {
            if (m_recent.size() < RecentNames)
                m_recent.push_back(name.key);
            else
                m_recent[m_nextRecent++ % RecentNames] = name.key;
        }
        return name;
    }

    // ---- model helpers ----
    ModelRef obtain(const QString &key)
    {
        ModelRef &m = m_live[key];
        if (!m)
            m = std::make_shared<ModelTopic>(ModelTopic{key, 0, std::nullopt, false});
        return m;
    }

    void published(const ModelRef &m, const QByteArray &value)
    {
        ++m->version;
        m->value = value;
        // Async waits of subscribers to this topic complete in the publishing call.
        for (SubSlot &s : m_subs) {
            if (s.pending && s.model == m) {
                FUZZ_CHECK(s.future.isFinished(), m->name);
                FUZZ_CHECK(s.future.result() == std::optional(value), m->name);
                s.seen = m->version;
                s.pending = false;
            }
        }
    }

    void closed(const ModelRef &m)
    {
        m->closed = true;
        for (SubSlot &s : m_subs) {
            if (s.pending && s.model == m) {
                FUZZ_CHECK(s.future.isFinished(), m->name);
                FUZZ_CHECK(s.future.result() == std::nullopt, m->name);
                s.pending = false;
            }
        }
    }

    void checkTopic(const Topic<QByteArray> &t, const ModelRef &m) const
    {
        if (!m) {
            FUZZ_CHECK(!t.isValid() && t.isClosed() && t.name().isEmpty(), u"invalid handle"_s);
            FUZZ_CHECK(t.version() == 0 && !t.latest(), u"invalid handle"_s);
            return;
        }
        FUZZ_CHECK(t.isValid(), m->name);
        FUZZ_CHECK(t.name() == m->name, m->name);
        FUZZ_CHECK(t.version() == m->version, m->name);
        FUZZ_CHECK(t.latest() == m->value, m->name);
        FUZZ_CHECK(t.isClosed() == m->closed, m->name);
        qsizetype subscribers = 0;
        for (const SubSlot &s : m_subs)
            subscribers += s.model == m ? 1 : 0;
        FUZZ_CHECK(t.subscriberCount() == subscribers, m->name);
    }

    void dropSub(SubSlot &s)
    {
        const bool pending = s.pending;
        QFuture<std::optional<QByteArray>> future = s.future;
        s = SubSlot();
        if (pending) // destroying the Sub cancels its queued wait at once
            FUZZ_CHECK(future.isFinished() && future.isCanceled(), u"dropped Sub's wait"_s);
    }

    QByteArray readValue(Input &in) { return in.bytes(in.byte() % 4); }

    void expectWarnings(int expected, const QString &context)
    {
        FUZZ_CHECK(s_warnings == expected, context);
        s_warnings = 0;
    }

    // ---- one operation ----
    void operate(Input &in)
    {
        s_warnings = 0;
        switch (in.byte() % 16) {
        case 0: { // topic(name)
            const Name name = readName(in);
            HandleSlot &h = m_handles[in.byte() % Slots];
            h.topic = m_bus.topic(name.view());
            h.model = name.key.isEmpty() ? nullptr : obtain(name.key);
            expectWarnings(name.key.isEmpty() ? 1 : 0, u"topic: "_s + name.key);
            checkTopic(h.topic, h.model);
            break;
        }
        case 1: { // publish(name, value)
            const Name name = readName(in);
            const QByteArray value = readValue(in);
            const bool ok = m_bus.publish(name.view(), value);
            expectWarnings(name.key.isEmpty() ? 1 : 0, u"publish: "_s + name.key);
            FUZZ_CHECK(ok == !name.key.isEmpty(), name.key);
            if (ok)
                published(obtain(name.key), value);
            break;
        }
        case 2: { // publish through a handle
            HandleSlot &h = m_handles[in.byte() % Slots];
            const QByteArray value = readValue(in);
            const bool ok = h.topic.publish(value);
            FUZZ_CHECK(ok == (h.model && !h.model->closed), h.model ? h.model->name : QString());
            if (ok)
                published(h.model, value);
            checkTopic(h.topic, h.model);
            break;
        }
        case 3: { // publishIfChanged through a handle
            HandleSlot &h = m_handles[in.byte() % Slots];
            const QByteArray value = readValue(in);
            const bool ok = h.topic.publishIfChanged(value);
            const bool expected
                = h.model && !h.model->closed && h.model->value != std::optional(value);
            FUZZ_CHECK(ok == expected, h.model ? h.model->name : QString());
            if (ok)
                published(h.model, value);
            break;
        }
        case 4: { // subscribe(name)
            const Name name = readName(in);
            SubSlot &s = m_subs[in.byte() % Slots];
            dropSub(s);
            s.sub = m_bus.subscribe(name.view());
            expectWarnings(name.key.isEmpty() ? 1 : 0, u"subscribe: "_s + name.key);
            if (name.key.isEmpty()) {
                FUZZ_CHECK(!s.sub.isValid(), u"empty name"_s);
            } else {
                s.model = obtain(name.key);
                s.seen = s.model->version;
                FUZZ_CHECK(s.sub.topicName() == name.key, name.key);
                FUZZ_CHECK(s.sub.lastSeenVersion() == s.seen, name.key);
            }
            break;
        }
        case 5:   // tryGetMessage
        case 6: { // waitForMessage with an expired deadline: the same answers, without blocking
            SubSlot &s = m_subs[in.byte() % Slots];
            const Expected<QByteArray> got
                = (in.byte() % 2) ? s.sub.tryGetMessage() : s.sub.waitForMessage(QDeadlineTimer(0));
            const ModelRef &m = s.model;
            const QString context = m ? m->name : u"invalid Sub"_s;
            if (m && m->version > s.seen) {
                FUZZ_CHECK(got.has_value() && *got == m->value, context);
                s.seen = m->version;
            } else {
                FUZZ_CHECK(!got.has_value(), context);
                FUZZ_CHECK(got.error().isDisconnected() == (!m || m->closed), context);
            }
            FUZZ_CHECK(s.sub.lastSeenVersion() == (m ? s.seen : 0), context);
            break;
        }
        case 7: { // latest through a Sub and a handle
            const SubSlot &s = m_subs[in.byte() % Slots];
            FUZZ_CHECK(s.sub.latest() == (s.model ? s.model->value : std::nullopt),
                       u"Sub latest"_s);
            FUZZ_CHECK(s.sub.hasLatest() == (s.model && s.model->version > 0), u"Sub hasLatest"_s);
            const HandleSlot &h = m_handles[in.byte() % Slots];
            checkTopic(h.topic, h.model);
            break;
        }
        case 8: { // findTopic(name)
            const Name name = readName(in);
            const std::optional<Topic<QByteArray>> found = m_bus.findTopic(name.view());
            expectWarnings(0, u"findTopic: "_s + name.key);
            const auto it = m_live.find(name.key);
            FUZZ_CHECK(found.has_value() == (it != m_live.end() && !name.key.isEmpty()), name.key);
            if (found) {
                checkTopic(*found, it->second);
                for (const HandleSlot &h : m_handles) {
                    if (h.model)
                        FUZZ_CHECK((*found == h.topic) == (h.model == it->second), name.key);
                }
            }
            break;
        }
        case 9: { // removeTopic(name)
            const Name name = readName(in);
            const std::optional<qsizetype> removed = m_bus.removeTopic(name.view());
            expectWarnings(0, u"removeTopic: "_s + name.key);
            const auto it = name.key.isEmpty() ? m_live.end() : m_live.find(name.key);
            if (it == m_live.end()) {
                FUZZ_CHECK(!removed.has_value(), name.key);
                break;
            }
            const ModelRef m = it->second;
            qsizetype subscribers = 0;
            for (const SubSlot &s : m_subs)
                subscribers += s.model == m ? 1 : 0;
            FUZZ_CHECK(removed == std::optional(subscribers), name.key);
            m_live.erase(it);
            closed(m);
            break;
        }
        case 10: { // cleanupUnusedTopics: removes exactly the topics nobody but the bus holds
            std::vector<ModelRef> unused;
            for (const auto &entry : m_live) {
                const ModelRef &m = entry.second;
                const bool held = std::any_of(m_handles.cbegin(), m_handles.cend(),
                                              [&](const HandleSlot &h) { return h.model == m; })
                    || std::any_of(m_subs.cbegin(), m_subs.cend(),
                                   [&](const SubSlot &s) { return s.model == m; });
                if (!held)
                    unused.push_back(m);
            }
            const qsizetype removed = m_bus.cleanupUnusedTopics();
            FUZZ_CHECK(removed == qsizetype(unused.size()), u"cleanup count"_s);
            for (const ModelRef &m : unused) {
                m_live.erase(m->name);
                closed(m);
            }
            break;
        }
        case 11: { // topicNames and topicCount
            QStringList names = m_bus.topicNames();
            names.sort();
            QStringList expected;
            for (const auto &[key, m] : m_live)
                expected.append(key);
            expected.sort();
            FUZZ_CHECK(names == expected, u"topicNames"_s);
            FUZZ_CHECK(m_bus.topicCount() == qsizetype(m_live.size()), u"topicCount"_s);
            break;
        }
        case 12: // drop a handle
            m_handles[in.byte() % Slots] = HandleSlot();
            break;
        case 13: // drop a Sub
            dropSub(m_subs[in.byte() % Slots]);
            break;
        case 14: { // async wait
            SubSlot &s = m_subs[in.byte() % Slots];
            if (s.pending)
                break;
            s.future = s.sub.waitForMessage();
            const ModelRef &m = s.model;
            const QString context = m ? m->name : u"invalid Sub"_s;
            if (m && m->version > s.seen) {
                FUZZ_CHECK(s.future.isFinished() && s.future.result() == m->value, context);
                s.seen = m->version;
            } else if (!m || m->closed) {
                FUZZ_CHECK(s.future.isFinished() && s.future.result() == std::nullopt, context);
            } else {
                FUZZ_CHECK(!s.future.isFinished(), context);
                s.pending = true;
            }
            break;
        }
        case 15: { // destroy the bus now and then (closes every topic), start a new one
            if (in.byte() % 4)
                break;
            const qsizetype capacity = qsizetype(in.byte()) * 8 - 64; // negative hints included
            m_bus = Bus<QByteArray>(capacity);
            std::map<QString, ModelRef> gone;
            gone.swap(m_live);
            for (const auto &[key, m] : gone)
                closed(m);
            break;
        }
        }
        FUZZ_CHECK(s_warnings == 0, u"unexpected warning"_s);
    }

    void finish()
    {
        std::vector<QFuture<std::optional<QByteArray>>> pending;
        for (const SubSlot &s : m_subs) {
            if (s.pending)
                pending.push_back(s.future);
        }
        for (SubSlot &s : m_subs)
            s = SubSlot();
        m_handles = {};
        m_bus = Bus<QByteArray>(1);
        for (const auto &f : pending)
            FUZZ_CHECK(f.isFinished(), u"a wait outlived its Sub and bus"_s);
    }

    Bus<QByteArray> m_bus{Bus<QByteArray>::DefaultCapacity};
    std::map<QString, ModelRef> m_live;
    std::array<HandleSlot, Slots> m_handles;
    std::array<SubSlot, Slots> m_subs;
    std::vector<QString> m_recent;
    std::size_t m_nextRecent = 0;
};

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    qInstallMessageHandler(&countMessage);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    {
        Input in(data, size);
        Session session;
        session.run(in);
    }
    // Every topic and async wait of the session is gone with it.
    FUZZ_CHECK(detail::TopicCore::liveCount() == 0, u"topics leaked"_s);
    FUZZ_CHECK(detail::AsyncWaitBase::liveCount() == 0, u"async waits leaked"_s);
    return 0;
}
