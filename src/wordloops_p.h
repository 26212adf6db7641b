// SPDX-License-Identifier: MIT
// Word-at-a-time loops for the small copies, comparisons and clears on the bus's paths (names,
// fresh tables), used instead of memcpy, memcmp, memset and calloc. On x86 CPUs with AVX-512,
// glibc picks versions of those that leave the vector registers in a state that stalls the SSE
// code around them: on a 2-vCPU Xeon, creating a topic took about 300 ns with them and 100 ns
// without. The data is short (names of tens of characters, tables of a few hundred bytes), so
// plain 64-bit loops lose nothing.
#pragma once

#include <QtCore/QtGlobal>

#include <cstddef>
#include <cstring>

namespace DropSlot::detail {

inline quint64 load64(const void *p) noexcept
{
    quint64 v;
    std::memcpy(&v, p, sizeof v); // a fixed 8 bytes: one move, never a call
    return v;
}

inline void store64(void *p, quint64 v) noexcept
{
    std::memcpy(p, &v, sizeof v);
}

//! Placed in a loop body, keeps the compiler from turning the loop back into a call to memcpy
//! or memset (which it otherwise does for copy and clear loops of unknown length).
inline void opaqueStep() noexcept
{
    asm volatile("" ::: "memory");
}

//! Clears words 64-bit words at p.
inline void zeroWords(quint64 *p, std::size_t words) noexcept
{
    for (std::size_t i = 0; i < words; ++i) {
        p[i] = 0;
        opaqueStep();
    }
}

} // namespace DropSlot::detail
