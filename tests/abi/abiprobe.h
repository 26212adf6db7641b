// SPDX-License-Identifier: MIT
// Reads a Sub from translation units built under different language standards.
#pragma once

#include <DropSlot/sub.h>

#include <QtCore/QString>

#include <cstddef>

namespace AbiProbe {

struct Report
{
    std::size_t expectedSize;     // sizeof(Expected<QString>) in that translation unit
    const char *expectedTypeName; // typeid(Expected<QString>).name() there
    long standard;                // __cplusplus there
    bool gotValue;                // what tryGetMessage() said there
    QString value;
};

Report readCxx20(DropSlot::Sub<QString> &sub);
Report readCxx23(DropSlot::Sub<QString> &sub);

} // namespace AbiProbe
