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

// Both hashes consume 8 UTF-16 units (two 64-bit words) per step, so a Latin-1 name and its
// UTF-16 form produce identical words and therefore identical hashes.
quint64 hashWide(const char16_t *p, qsizetype n) noexcept
{
    quint64 h = s_seed ^ (static_cast<quint64>(n) * K2);
    qsizetype i = 0;
    for (; i + 8 <= n; i += 8)
        h = mix(load64(p + i) ^ K1, load64(p + i + 4) ^ h);
    if (i < n) {
        char16_t tail[8] = {};
        std::memcpy(tail, p + i, (n - i) * sizeof(char16_t));
        h = mix(load64(tail) ^ K2, load64(tail + 4) ^ h);
    }
    return finish(h, n);
}

quint64 hashNarrow(const uchar *p, qsizetype n) noexcept
{
    quint64 h = s_seed ^ (static_cast<quint64>(n) * K2);
    qsizetype i = 0;
    for (; i + 8 <= n; i += 8)
        h = mix(widen4(load32(p + i)) ^ K1, widen4(load32(p + i + 4)) ^ h);
    if (i < n) {
        uchar tail[8] = {};
        std::memcpy(tail, p + i, n - i);
        h = mix(widen4(load32(tail)) ^ K2, widen4(load32(tail + 4)) ^ h);
    }
    return finish(h, n);
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
                // Beyond ASCII: decode exactly as QString::fromUtf8 would (invalid sequences
                // become U+FFFD), so the key equals the name a QString of these bytes gives.
                QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
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

quint64 NameKey::hashUtf16(const char16_t *units, qsizetype size) noexcept
{
    return hashWide(units, size);
}

bool NameKey::equals(const char16_t *units, qsizetype size) const noexcept
{
    if (size != m_size)
        return false;
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
    if (m_size <= Max)
        return toString();
    QString s(Max, Qt::Uninitialized);
    NameKey prefix(m_wide ? QAnyStringView(static_cast<const char16_t *>(m_data), Max)
                          : QAnyStringView(QLatin1StringView(static_cast<const char *>(m_data), Max)));
    prefix.copyTo(reinterpret_cast<char16_t *>(s.data()));
    return s + QStringLiteral("… (%1 characters)").arg(m_size);
}

} // namespace DropSlot::detail
