// SPDX-License-Identifier: MIT
#pragma once

#include <DropSlot/dropslot_export.h>

#include <QtCore/QtGlobal>

namespace DropSlot {

namespace detail {
class ConnectionCore;
}

//! How a coalescing connection delivers.
struct ConnectOptions
{
    //! Deliver the topic's current value (queued, like every delivery) right after connecting.
    bool deliverCurrent = true;
    //! At most one delivery per this many milliseconds; the final value still arrives when
    //! publishing stops. 0: one delivery per event-loop turn at most.
    int minimumIntervalMs = 0;
};

//! A copyable handle to a coalescing connection, like QMetaObject::Connection: dropping the
//! last handle does not end the connection; disconnect(), the context's destruction or the
//! topic's closing does.
class DROPSLOT_EXPORT Connection
{
public:
    //! A handle to no connection; isConnected() is false.
    Connection() noexcept = default;
    //! Takes over one reference to core (the library's connect functions use this).
    explicit Connection(detail::ConnectionCore *core) noexcept : d(core) { }
    //! Another handle to other's connection.
    Connection(const Connection &other) noexcept;
    //! Takes over other's connection; other becomes a handle to none.
    Connection(Connection &&other) noexcept : d(other.d) { other.d = nullptr; }
    //! Makes this a handle to other's connection (the old one carries on).
    Connection &operator=(const Connection &other) noexcept;
    //! Takes over other's connection (the old one carries on).
    Connection &operator=(Connection &&other) noexcept;
    //! Releases this handle; the connection itself carries on.
    ~Connection();

    //! Ends the connection; no delivery starts afterwards. Safe from any thread and repeatable;
    //! called from another thread, a delivery already running in the receiving thread may
    //! finish after it returns (as with Qt's queued connections).
    void disconnect();
    //! True until the connection ends: disconnect(), the context's destruction, the topic's
    //! closing or the context's thread finishing.
    bool isConnected() const noexcept;
    //! Deliveries made so far.
    quint64 deliveredCount() const noexcept;
    //! Publishes folded into a later delivery (each delivery skips the versions in between).
    quint64 coalescedCount() const noexcept;

private:
    detail::ConnectionCore *d = nullptr;
};

} // namespace DropSlot
