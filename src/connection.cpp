// SPDX-License-Identifier: MIT
#include <DropSlot/connection.h>

#include <DropSlot/detail/connectioncore.h>

#include <utility>

namespace DropSlot {

Connection::Connection(const Connection &other) noexcept : d(other.d)
{
    if (d)
        d->ref();
}

Connection &Connection::operator=(const Connection &other) noexcept
{
    Connection copy(other);
    std::swap(d, copy.d);
    return *this;
}

Connection &Connection::operator=(Connection &&other) noexcept
{
    std::swap(d, other.d);
    return *this;
}

Connection::~Connection()
{
    if (d)
        d->deref();
}

void Connection::disconnect()
{
    if (d)
        d->disconnect();
}

bool Connection::isConnected() const noexcept
{
    return d && d->isConnected();
}

quint64 Connection::deliveredCount() const noexcept
{
    return d ? d->deliveredCount() : 0;
}

quint64 Connection::coalescedCount() const noexcept
{
    return d ? d->coalescedCount() : 0;
}

} // namespace DropSlot
