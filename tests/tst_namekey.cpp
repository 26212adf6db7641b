// SPDX-License-Identifier: MIT
// Topic names as lookup keys: however a name is spelled (UTF-16, Latin-1, UTF-8), the same
// characters give the same hash and compare equal, including when ASCII and non-ASCII bytes
// sit at any position relative to the 4- and 8-unit steps the hash and comparison take.
#include <DropSlot/DropSlot>

#include <QtTest/QTest>

using namespace DropSlot;
using namespace Qt::StringLiterals;
using detail::NameKey;

namespace {

//! True when key names exactly the UTF-16 units of name.
bool keyEquals(const NameKey &key, const QString &name)
{
    return key.equals(reinterpret_cast<const char16_t *>(name.utf16()), name.size());
}

//! Checks that every spelling of name hashes like its UTF-16 form and equals it.
void checkSpellings(const QString &name)
{
    const NameKey wide(name);
    const QByteArray utf8 = name.toUtf8();
    const NameKey fromUtf8{QUtf8StringView(utf8)};
    QCOMPARE(fromUtf8.hash(), wide.hash());
    QCOMPARE(fromUtf8.size(), name.size());
    QVERIFY(keyEquals(fromUtf8, name));
    QCOMPARE(fromUtf8.toString(), name);
    bool latin1Only = true;
    for (QChar c : name)
        latin1Only = latin1Only && c.unicode() < 0x100;
    if (latin1Only) {
        const QByteArray latin1 = name.toLatin1();
        const NameKey fromLatin1{QLatin1StringView(latin1)};
        QCOMPARE(fromLatin1.hash(), wide.hash());
        QVERIFY(keyEquals(fromLatin1, name));
        QCOMPARE(fromLatin1.toString(), name);
    }
}

} // namespace

class tst_NameKey : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void asciiSpellingsAgreeAtEveryLength()
    {
        for (int n = 0; n <= 40; ++n) {
            QString name;
            for (int i = 0; i < n; ++i)
                name += QChar(u'!' + (i * 7) % 94); // printable ASCII, varied
            checkSpellings(name);
            if (QTest::currentTestFailed())
                QFAIL(qPrintable(u"length %1"_s.arg(n)));
        }
    }

    void oneNonAsciiCharacterAnywhere_data()
    {
        QTest::addColumn<QString>("character");
        QTest::newRow("Latin-1 e acute") << u"\u00e9"_s;
        QTest::newRow("Latin-1 y diaeresis") << u"\u00ff"_s;
        QTest::newRow("CJK") << u"\u6e29"_s;
        QTest::newRow("byte order mark") << u"\ufeff"_s;
        QTest::newRow("surrogate pair") << u"\U0001F600"_s;
    }
    void oneNonAsciiCharacterAnywhere()
    {
        // The UTF-8 fast path decides "ASCII" from the bytes the hash reads: a non-ASCII byte
        // in any position, for every length around the step sizes, must send the name to the
        // decoding path and still give the UTF-16 hash.
        QFETCH(QString, character);
        for (int n = 0; n <= 20; ++n) {
            for (int at = 0; at <= n; ++at) {
                QString name(n, u'a');
                for (int i = 0; i < n; ++i)
                    name[i] = QChar(u'a' + i % 26);
                name.insert(at, character);
                checkSpellings(name);
                if (QTest::currentTestFailed())
                    QFAIL(qPrintable(u"length %1, at %2"_s.arg(n).arg(at)));
            }
        }
    }

    void invalidUtf8ByteAnywhere()
    {
        // A stray continuation byte is not ASCII either: it decodes to U+FFFD, like
        // QString::fromUtf8 makes of it.
        for (int n = 1; n <= 20; ++n) {
            for (int at = 0; at < n; ++at) {
                QByteArray bytes(n, 'x');
                bytes[at] = char(0x80);
                const NameKey key{QUtf8StringView(bytes)};
                const QString decoded = QString::fromUtf8(bytes);
                QCOMPARE(key.hash(), NameKey(decoded).hash());
                QVERIFY(keyEquals(key, decoded));
            }
        }
    }

    void differentNamesDoNotCompareEqual()
    {
        // Equality takes words of four or eight units, the last overlapping: a difference in
        // any one position must show, in every spelling.
        for (int n = 1; n <= 24; ++n) {
            const QString name(n, u'q');
            for (int at = 0; at < n; ++at) {
                QString other = name;
                other[at] = u'r';
                const QByteArray latin1 = other.toLatin1();
                QVERIFY(!keyEquals(NameKey(other), name));
                QVERIFY(!keyEquals(NameKey(QLatin1StringView(latin1)), name));
                QVERIFY(!keyEquals(NameKey(QUtf8StringView(latin1)), name));
            }
            QVERIFY(!keyEquals(NameKey(name), name + u'q'));
        }
    }

    void spellingsFindOneTopic()
    {
        Bus<int> bus;
        const QString names[] = {u"a"_s, u"sensor/500"_s, u"caf\u00e9/cr\u00e8me"_s, u"\ufeffx"_s,
                                 u"\u6e29\u5ea6/\u30bb\u30f3\u30b5\u30fc"_s};
        for (const QString &name : names) {
            Topic<int> topic = bus.topic(name);
            const QByteArray utf8 = name.toUtf8();
            QVERIFY(bus.topic(QUtf8StringView(utf8)) == topic);
            QVERIFY(bus.findTopic(QUtf8StringView(utf8)) == topic);
        }
        QVERIFY(bus.topic("sensor/500") == bus.topic(u"sensor/500"_s));
        QVERIFY(bus.topic("sensor/500"_L1) == bus.topic(u"sensor/500"_s));
        QCOMPARE(bus.topicCount(), qsizetype(std::size(names)));
    }
};

QTEST_GUILESS_MAIN(tst_NameKey)
#include "tst_namekey.moc"
