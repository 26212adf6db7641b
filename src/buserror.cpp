// SPDX-License-Identifier: MIT
#include <DropSlot/buserror.h>

#include <QtCore/QDebug>

namespace DropSlot {

QString BusError::toString() const
{
    return m_kind == Empty ? QStringLiteral("no new message") : QStringLiteral("topic disconnected");
}

QDebug operator<<(QDebug debug, BusError error)
{
    QDebugStateSaver saver(debug);
    debug.nospace() << "BusError(" << qUtf8Printable(error.toString()) << ')';
    return debug;
}

} // namespace DropSlot

#include <DropSlot/expected.h>

namespace DropSlot {

const char *BadExpectedAccess::what() const noexcept
{
    return m_error.isEmpty() ? "DropSlot::Expected::value() on an error: no new message"
                             : "DropSlot::Expected::value() on an error: topic disconnected";
}

namespace detail {

void throwBadExpectedAccess(BusError error)
{
    throw BadExpectedAccess(error);
}

} // namespace detail
} // namespace DropSlot
