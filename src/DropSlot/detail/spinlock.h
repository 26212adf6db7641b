// SPDX-License-Identifier: MIT
#pragma once

#include <DropSlot/dropslot_export.h>

#include <atomic>
#include <cstdint>

namespace DropSlot::detail {

//! A one-word lock for critical sections of a few instructions (swapping a value, probing a
//! table slot). Uncontended it costs one exchange; contended it spins briefly, then yields so a
//! preempted holder can finish. Never hold it across allocation, user code or notification.
class SpinLock
{
public:
    void lock() noexcept
    {
        if (!m_word.exchange(1, std::memory_order_acquire))
            return;
        lockContended();
    }
    void unlock() noexcept { m_word.store(0, std::memory_order_release); }

private:
    DROPSLOT_EXPORT void lockContended() noexcept;

    std::atomic<std::uint32_t> m_word{0};
};

//! RAII guard for SpinLock.
class SpinLocker
{
public:
    explicit SpinLocker(SpinLock &lock) noexcept : m_lock(lock) { m_lock.lock(); }
    ~SpinLocker() { m_lock.unlock(); }
    SpinLocker(const SpinLocker &) = delete;
    SpinLocker &operator=(const SpinLocker &) = delete;

private:
    SpinLock &m_lock;
};

} // namespace DropSlot::detail
