// SPDX-License-Identifier: MIT
// Built with -std=c++2b and without inlining, so its call of Sub::tryGetMessage() is one
// the linker may merge with the other standard's.
#include "abiprobe.h"

#include <typeinfo>

namespace AbiProbe {

Report readCxx23(DropSlot::Sub<QString> &sub)
{
    DropSlot::Expected<QString> message = sub.tryGetMessage();
    return Report{sizeof(message), typeid(message).name(), long(__cplusplus), message.has_value(),
                  message.has_value() ? *message : QString()};
}

} // namespace AbiProbe
