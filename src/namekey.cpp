// SPDX-License-Identifier: MIT
#include <DropSlot/detail/namekey.h>

#include "wordloops_p.h"

#include <QtCore/QRandomGenerator>
#include <QtCore/QStringDecoder>

#include <cstring>
#include <type_traits>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

//! Eight units as two 64-bit words (units 0-3, units 4-7).
struct WordPair
{
    quint64 low, high;
};

// Eight Latin-1 bytes widened to the two words their UTF-16 units would form: one unpack where
// SSE2 exists (every x86-64), two widen4() elsewhere.
inline WordPair widen8(const uchar *p) noexcept
{
#if defined(__SSE2__)
    const __m128i units = _mm_unpacklo_epi8(_mm_loadl_epi64(reinterpret_cast<const __m128i *>(p)),
                                            _mm_setzero_si128());
    return {quint64(_mm_cvtsi128_si64(units)), quint64(_mm_cvtsi128_si64(_mm_unpackhi_epi64(units, units)))};
#else
    return {widen4(load32(p)), widen4(load32(p + 4))};
#endif
}

// Comparing and copying names without memcmp and memcpy (see wordloops_p.h): four UTF-16 units
// per step (eight for Latin-1 against UTF-16), the last step overlapping the previous one
// instead of a tail unit by unit.

bool equalWide(const char16_t *a, const char16_t *b, qsizetype n) noexcept
{
    if (n < 4) {
        for (qsizetype i = 0; i < n; ++i) {
            if (a[i] != b[i])
                return false;
        }
        return true;
    }
    for (qsizetype i = 0; i + 4 < n; i += 4) {
        if (load64(a + i) != load64(b + i))
            return false;
    }
    return load64(a + n - 4) == load64(b + n - 4);
}

bool equalNarrow(const char16_t *a, const uchar *b, qsizetype n) noexcept
{
    if (n < 4) {
        for (qsizetype i = 0; i < n; ++i) {
            if (a[i] != b[i])
                return false;
        }
        return true;
    }
    if (n < 8)
        return load64(a) == widen4(load32(b)) && load64(a + n - 4) == widen4(load32(b + n - 4));
    const auto equal8 = [&](qsizetype i) {
        const WordPair wide = widen8(b + i);
        return ((load64(a + i) ^ wide.low) | (load64(a + i + 4) ^ wide.high)) == 0;
    };
    for (qsizetype i = 0; i + 8 < n; i += 8) {
        if (!equal8(i))
            return false;
    }
    return equal8(n - 8);
}

void copyWide(char16_t *out, const char16_t *in, qsizetype n) noexcept
{
    if (n < 4) {
        for (qsizetype i = 0; i < n; ++i) {
            out[i] = in[i];
            opaqueStep();
        }
        return;
    }
    for (qsizetype i = 0; i + 4 < n; i += 4) {
        store64(out + i, load64(in + i));
        opaqueStep();
    }
    store64(out + n - 4, load64(in + n - 4));
}

void copyNarrow(char16_t *out, const uchar *in, qsizetype n) noexcept
{
    if (n < 4) {
        for (qsizetype i = 0; i < n; ++i) {
            out[i] = in[i];
            opaqueStep();
        }
        return;
    }
    for (qsizetype i = 0; i + 4 < n; i += 4)
        store64(out + i, widen4(load32(in + i)));
    store64(out + n - 4, widen4(load32(in + n - 4)));
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
quint64 hashWords(qsizetype n, Words &&words) noexcept
{
    quint64 h = s_seed ^ (static_cast<quint64>(n) * K2);
    if (n >= 8) {
        qsizetype i = 0;
        for (; i + 8 <= n; i += 8) {
            const WordPair w = words.pair(i);
            h = mix(w.low ^ K1, w.high ^ h);
        }
        if (i < n) {
            const WordPair w = words.pair(n - 8);
            h = mix(w.low ^ K2, w.high ^ h);
        }
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
    WordPair pair(qsizetype i) const noexcept { return {load64(p + i), load64(p + i + 4)}; }
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
    WordPair pair(qsizetype i) const noexcept { return widen8(p + i); }
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

//! UTF-8 read as Latin-1 (identical for ASCII), noting every byte it reads: the hash reads each
//! byte at least once, so one pass both hashes an ASCII name and tells whether it is one.
struct Utf8Words
{
    const uchar *p;
    quint64 seen = 0; // the OR of the bytes read

    quint64 at(qsizetype i) noexcept
    {
        const quint32 bytes = load32(p + i);
        seen |= bytes;
        return widen4(bytes);
    }
    WordPair pair(qsizetype i) noexcept
    {
        seen |= load64(p + i);
        return widen8(p + i);
    }
    quint64 small(qsizetype n) noexcept
    {
        seen |= quint32(p[0]) | p[n / 2] | p[n - 1];
        return NarrowWords{p}.small(n);
    }
    bool ascii() const noexcept { return !(seen & 0x8080808080808080ull); }
};

} // namespace

NameKey::NameKey(QAnyStringView name) noexcept
{
    name.visit([this](auto view) {
        using View = decltype(view);
        m_data = view.data();
        m_size = view.size();
        if constexpr (std::is_same_v<View, QStringView>) {
            m_hash = hashWide(view.utf16(), m_size);
        } else if constexpr (std::is_same_v<View, QLatin1StringView>) {
            m_wide = false;
            m_hash = hashNarrow(reinterpret_cast<const uchar *>(view.data()), m_size);
        } else { // UTF-8
            // ASCII, the usual case, is Latin-1 too: hashed in the same pass that checks it.
            Utf8Words words{reinterpret_cast<const uchar *>(view.data())};
            m_hash = hashWords(m_size, words);
            if (words.ascii()) {
                m_wide = false;
                return;
            }
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
            m_hash = hashWide(m_decoded.constData(), m_size);
        }
    });
}

bool NameKey::equals(const char16_t *units, qsizetype size) const noexcept
{
    if (size != m_size)
        return false;
    if (size == 0)
        return true; // m_data may be null
    return m_wide ? equalWide(units, static_cast<const char16_t *>(m_data), size)
                  : equalNarrow(units, static_cast<const uchar *>(m_data), size);
}

void NameKey::copyTo(char16_t *out) const noexcept
{
    if (m_size == 0)
        return; // m_data may be null
    if (m_wide)
        copyWide(out, static_cast<const char16_t *>(m_data), m_size);
    else
        copyNarrow(out, static_cast<const uchar *>(m_data), m_size);
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
