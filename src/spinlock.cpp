// SPDX-License-Identifier: MIT
#include <DropSlot/detail/spinlock.h>

#include <thread>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define DROPSLOT_CPU_RELAX() _mm_pause()
#elif defined(__aarch64__)
#define DROPSLOT_CPU_RELAX() asm volatile("yield" ::: "memory")
#else
#define DROPSLOT_CPU_RELAX() ((void)0)
#endif

namespace DropSlot::detail {

void SpinLock::lockContended() noexcept
{
    // Spin on a plain load (no cache-line ping-pong), then yield: on a machine with fewer cores
    // than threads the holder may be preempted, and spinning would only delay it.
    for (int round = 0;; ++round) {
        for (int i = 0; i < 64; ++i) {
            if (m_word.load(std::memory_order_relaxed) == 0
                && !m_word.exchange(1, std::memory_order_acquire))
                return;
            DROPSLOT_CPU_RELAX();
        }
        std::this_thread::yield();
    }
}

} // namespace DropSlot::detail
