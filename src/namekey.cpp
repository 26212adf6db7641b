// SPDX-License-Identifier: MIT
#include <DropSlot/detail/namekey.h>

#include <QtCore/QRandomGenerator>
#include <QtCore/QStringDecoder>

#include <cstring>
#include <type_traits>

namespace DropSlot::detail {
namespace {

// Per-process seed: topic names may come from untrusted input, so collisions must not be
// predictable from outside the process.
const quint64 s_seed = QRandomGenerator::system()->generate64() | 1;

constexpr quint64 K1 = 0xa0761d6478bd642full;
constexpr quint64 K2 = 0xe7037ed1a0b428dbull;
constexpr quint64 K3 = 0x8ebc6af09c88c6e3ull;

// Folded 64x64->128 multiply: the mixing step of the wyhash family.
__extension__ typedef unsigned __int128 UInt128;

inline quint64 mix(quint64 a, quint64 b) noexcept
{
    const UInt128 r = static_cast<UInt128>(a) * b;
    return static_cast<quint64>(r) ^ static_cast<quint64>(r >> 64);
}

inline quint64 load64(const void *p) noexcept
{
    quint64 v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

inline quint32 load32(const void *p) noexcept
{
    quint32 v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

// Four Latin-1 bytes widened to the 64-bit word their UTF-16 units would form (little-endian).
inline quint64 widen4(quint32 bytes) noexcept
{
    quint64 x = bytes;
    x = (x | (x << 16)) & 0x0000ffff0000ffffull;
    x = (x | (x << 8)) & 0x00ff00ff00ff00ffull;
    return x;
}

inline quint64 finish(quint64 h, qsizetype size) noexcept
{
    return mix(h ^ K3, static_cast<quint64>(size) ^ K1);
}

// Both hashes read the name as 64-bit words of four UTF-16 units (Latin-1 bytes widened), two
// words per step, so a Latin-1 name and its UTF-16 form give identical words and hashes. The
// last partial step re-reads the final 8 units (overlapping the previous step) instead of
// copying a tail: no variable-length copy, no store-to-load stall.
template <typename Words>
quint64 hashWords(qsizetype n, Words words) noexcept
{
    quint64 h = s_seed ^ (static_cast<quint64>(n) * K2);
    if (n >= 8) {
        qsizetype i = 0;
        for (; i + 8 <= n; i += 8)
            h = mix(words.at(i) ^ K1, words.at(i + 4) ^ h);
        if (i < n)
            h = mix(words.at(n - 8) ^ K2, words.at(n - 4) ^ h);
    } else if (n >= 4) {
        h = mix(words.at(0) ^ K2, words.at(n - 4) ^ h);
    } else if (n > 0) {
        h = mix(words.small(n) ^ K2, h ^ K1);
    }
    return finish(h, n);
}

struct WideWords
{
    const char16_t *p;
    quint64 at(qsizetype i) const noexcept { return load64(p + i); }
    // One to three units: first, middle and last (wyhash's trick for short inputs).
    quint64 small(qsizetype n) const noexcept
    {
        return quint64(p[0]) | (quint64(p[n / 2]) << 16) | (quint64(p[n - 1]) << 32);
    }
};

struct NarrowWords
{
    const uchar *p;
    quint64 at(qsizetype i) const noexcept { return widen4(load32(p + i)); }
    quint64 small(qsizetype n) const noexcept
    {
        return quint64(p[0]) | (quint64(p[n / 2]) << 16) | (quint64(p[n - 1]) << 32);
    }
};

quint64 hashWide(const char16_t *p, qsizetype n) noexcept
{
    return hashWords(n, WideWords{p});
}

quint64 hashNarrow(const uchar *p, qsizetype n) noexcept
{
    return hashWords(n, NarrowWords{p});
}

bool isAscii(const char *p, qsizetype n) noexcept
{
    qsizetype i = 0;
    for (; i + 8 <= n; i += 8) {
        if (load64(p + i) & 0x8080808080808080ull)
            return false;
    }
    for (; i < n; ++i) {
        if (static_cast<uchar>(p[i]) & 0x80)
            return false;
    }
    return true;
}

} // namespace

NameKey::NameKey(QAnyStringView name) noexcept
{
    name.visit([this](auto view) {
        using View = decltype(view);
        m_data = view.data();
        m_size = view.size();
        if constexpr (std::is_same_v<View, QLatin1StringView>) {
            m_wide = false;
        } else if constexpr (!std::is_same_v<View, QStringView>) { // UTF-8
            if (isAscii(view.data(), view.size())) {
                m_wide = false;
            } else {
                // Beyond ASCII: decode as QAnyStringView compares (invalid sequences become
                // U+FFFD), so the key equals the name a QString of these characters gives.
                // A leading U+FEFF is a character of the name, not a byte-order mark to drop:
                // QAnyStringView compares it as one.
                QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless
                                                                 | QStringDecoder::Flag::ConvertInitialBom);
                const QByteArrayView bytes(view.data(), view.size());
                m_decoded.resize(decoder.requiredSpace(bytes.size()));
                auto *out = reinterpret_cast<QChar *>(m_decoded.data());
                m_size = decoder.appendToBuffer(out, bytes) - out;
                m_data = m_decoded.constData();
            }
        }
    });
    m_hash = m_wide ? hashWide(static_cast<const char16_t *>(m_data), m_size)
                    : hashNarrow(static_cast<const uchar *>(m_data), m_size);
}

bool NameKey::equals(const char16_t *units, qsizetype size) const noexcept
{
    if (size != m_size)
        return false;
    if (size == 0)
        return true; // m_data may be null
    if (m_wide)
        return std::memcmp(units, m_data, size * sizeof(char16_t)) == 0;
    const auto *bytes = static_cast<const uchar *>(m_data);
    for (qsizetype i = 0; i < size; ++i) {
        if (units[i] != bytes[i])
            return false;
    }
    return true;
}

void NameKey::copyTo(char16_t *out) const noexcept
{
    if (m_size == 0)
        return; // m_data may be null
    if (m_wide) {
        std::memcpy(out, m_data, m_size * sizeof(char16_t));
        return;
    }
    const auto *bytes = static_cast<const uchar *>(m_data);
    for (qsizetype i = 0; i < m_size; ++i)
        out[i] = bytes[i];
}

QString NameKey::toString() const
{
    QString s(m_size, Qt::Uninitialized);
    copyTo(reinterpret_cast<char16_t *>(s.data()));
    return s;
}

QString NameKey::forDisplay() const
{
    constexpr qsizetype Max = 80;
    QString s(std::min(m_size, Max), Qt::Uninitialized);
    if (m_size <= Max) {
        copyTo(reinterpret_cast<char16_t *>(s.data()));
    } else {
        NameKey prefix(m_wide ? QAnyStringView(static_cast<const char16_t *>(m_data), Max)
                              : QAnyStringView(QLatin1StringView(static_cast<const char *>(m_data), Max)));
        prefix.copyTo(reinterpret_cast<char16_t *>(s.data()));
    }
    // A NUL would end the message early: show it.
    s.replace(QChar(u'\0'), QStringLiteral("\\0"));
    if (m_size > Max)
        s += QStringLiteral("… (%1 characters)").arg(m_size);
    return s;
}

} // namespace DropSlot::detail
