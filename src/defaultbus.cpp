// SPDX-License-Identifier: MIT
#include <DropSlot/defaultbus.h>

namespace DropSlot {

VariantBus defaultBus()
{
    // Never destroyed: globals whose destructors publish (loggers, service singletons) run
    // during static destruction, in an order nobody controls. Its topics stay reachable.
    static const VariantBus *const bus = new VariantBus(1024);
    return *bus;
}

} // namespace DropSlot
