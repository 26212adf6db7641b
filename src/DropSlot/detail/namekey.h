// SPDX-License-Identifier: MIT
#pragma once

#include <DropSlot/dropslot_export.h>

#include <QtCore/QAnyStringView>
#include <QtCore/QString>
#include <QtCore/QVarLengthArray>

namespace DropSlot::detail {

//! A topic name as a lookup key: hashed once, in UTF-16 code units, whatever encoding the
//! caller's QAnyStringView uses, so "a", u"a", QLatin1StringView("a") and a UTF-8 view all find
//! the same topic. Building one allocates nothing (UTF-8 with non-ASCII bytes is decoded into an
//! inline buffer; only names beyond that buffer's size would allocate).
class DROPSLOT_EXPORT NameKey
{
public:
    explicit NameKey(QAnyStringView name) noexcept;
    NameKey(const NameKey &) = delete;
    NameKey &operator=(const NameKey &) = delete;

    quint64 hash() const noexcept { return m_hash; }
    //! Length in UTF-16 code units.
    qsizetype size() const noexcept { return m_size; }
    bool isEmpty() const noexcept { return m_size == 0; }
    //! True when the key names exactly these UTF-16 code units.
    bool equals(const char16_t *units, qsizetype size) const noexcept;
    //! Writes the name's size() UTF-16 code units to out.
    void copyTo(char16_t *out) const noexcept;
    QString toString() const;
    //! The name shortened for a warning message.
    QString forDisplay() const;

private:
    const void *m_data = nullptr;
    qsizetype m_size = 0;
    bool m_wide = true; // UTF-16 units, else Latin-1 bytes (also used for pure-ASCII UTF-8)
    quint64 m_hash = 0;
    QVarLengthArray<char16_t, 128> m_decoded;
};

} // namespace DropSlot::detail
