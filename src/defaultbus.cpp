// SPDX-License-Identifier: MIT
#include <DropSlot/defaultbus.h>

namespace DropSlot {

VariantBus defaultBus()
{
    static const VariantBus bus(1024);
    return bus;
}

} // namespace DropSlot
