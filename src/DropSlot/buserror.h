// SPDX-License-Identifier: MIT
#pragma once

#include <DropSlot/dropslot_export.h>

#include <QtCore/QString>

QT_BEGIN_NAMESPACE
class QDebug;
QT_END_NAMESPACE

namespace DropSlot {

//! Why a read returned no value: nothing new yet, or the topic was closed.
class DROPSLOT_EXPORT BusError
{
public:
    //! The reason: Empty (nothing new yet) or Disconnected (the topic is closed).
    enum Kind : quint8 { Empty, Disconnected };

    //! "No new message since the last one this subscriber saw."
    static constexpr BusError empty() noexcept { return BusError(Empty); }
    //! "The topic was removed or its bus destroyed; no message will ever arrive."
    static constexpr BusError disconnected() noexcept { return BusError(Disconnected); }

    //! Which of the two reasons this is.
    constexpr Kind kind() const noexcept { return m_kind; }
    //! True for Empty: a later publish may bring a value.
    constexpr bool isEmpty() const noexcept { return m_kind == Empty; }
    //! True for Disconnected: no value will ever arrive.
    constexpr bool isDisconnected() const noexcept { return m_kind == Disconnected; }
    //! "no new message" or "topic disconnected".
    QString toString() const;

    //! True when a and b are the same kind of error.
    friend constexpr bool operator==(BusError a, BusError b) noexcept { return a.m_kind == b.m_kind; }

private:
    constexpr explicit BusError(Kind kind) noexcept : m_kind(kind) { }
    Kind m_kind;
};

//! Prints e.g. BusError(topic disconnected).
DROPSLOT_EXPORT QDebug operator<<(QDebug debug, BusError error);

} // namespace DropSlot
