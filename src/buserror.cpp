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

namespace DropSlot::detail {

void failBadExpectedAccess(BusError error)
{
    qFatal("DropSlot::Expected::value() called on an error (%s)", qUtf8Printable(error.toString()));
}

} // namespace DropSlot::detail
