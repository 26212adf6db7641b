// SPDX-License-Identifier: MIT
#pragma once

#include <DropSlot/bus.h>

#include <QtCore/QVariant>

namespace DropSlot {

//! A bus of QVariant values: what QML publishes and reads.
using VariantBus = Bus<QVariant>;

//! The process-wide bus QML uses when no bus is given. It lives in the DropSlot library, so an
//! application and the QML plugin loaded into it share this one instance.
DROPSLOT_EXPORT VariantBus defaultBus();

} // namespace DropSlot
