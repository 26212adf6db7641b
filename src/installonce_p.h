// SPDX-License-Identifier: MIT
// Parts of a bus or a topic that most never need (the retired list, the watch list, the
// notifier, the shards) are made on first use by whichever thread gets there, without a lock.
#pragma once

#include <atomic>

namespace DropSlot::detail {

//! The object in slot, made by make() if slot is empty; when two threads race, the first to
//! install wins, and the loser's object goes to discard(). Acquire on every path: the caller
//! sees the winner's object fully built.
template <typename T, typename Make, typename Discard>
T *installOnce(std::atomic<T *> &slot, Make &&make, Discard &&discard)
{
    T *current = slot.load(std::memory_order_acquire);
    if (current)
        return current;
    T *fresh = make();
    if (slot.compare_exchange_strong(current, fresh, std::memory_order_acq_rel,
                                     std::memory_order_acquire))
        return fresh;
    discard(fresh);
    return current;
}

} // namespace DropSlot::detail
