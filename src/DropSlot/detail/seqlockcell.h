// SPDX-License-Identifier: MIT
// A topic's value for small trivially copyable types (double, int, small structs: the
// dashboard case), guarded by a sequence lock so that every read is lock-free and writes
// nothing.
//
// Why: copying eight words costs less than the atomic read-modify-write a lock or a reference
// count would add, and a reader that writes nothing never takes the cache line from another
// reader. Publishers still serialise on the topic's spin lock (the version must step once per
// publish); inside it they make the sequence odd, store the words and the stamp, and make it
// even again. A reader copies the words between two loads of the sequence and retries if it
// changed or was odd.
//
// Memory model (Boehm, "Can seqlocks get along with programming language memory models?",
// 2012): the words are relaxed atomics, so racing copies are not data races (ThreadSanitizer
// sees atomics only); the writer's release fence after making the sequence odd and the reader's
// acquire fence before re-reading it order the words between the two sequence values. On x86
// both fences cost nothing.
#pragma once

#include <QtCore/QtGlobal>

#include <array>
#include <atomic>
#include <bit>
#include <cstring>
#include <optional>
#include <thread>
#include <type_traits>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace DropSlot::detail {

//! Types held in a SeqlockCell: copyable as bytes, and at most a cache line.
template <typename T>
inline constexpr bool fitsSeqlock = std::is_trivially_copyable_v<T> && sizeof(T) <= 64;

template <typename T>
class SeqlockCell
{
    static constexpr std::size_t Words = (sizeof(T) + sizeof(quint64) - 1) / sizeof(quint64);

public:
    //! Called with the topic lock held. Stores value with stamp; stamp is stored to
    //! 'stampWord' inside the write section, so a reader gets the two together.
    void storeLocked(const T &value, quint64 stamp, std::atomic<quint64> &stampWord) noexcept
    {
        std::array<quint64, Words> words{};
        std::memcpy(words.data(), &value, sizeof(T));
        const quint64 seq = m_seq.load(std::memory_order_relaxed);
        m_seq.store(seq + 1, std::memory_order_relaxed);
        std::atomic_thread_fence(std::memory_order_release);
        for (std::size_t i = 0; i < Words; ++i)
            m_words[i].store(words[i], std::memory_order_relaxed);
        stampWord.store(stamp, std::memory_order_release);
        m_seq.store(seq + 2, std::memory_order_release);
    }

    //! Lock-free: the value and the stamp read together (nullopt before the first publish).
    std::optional<T> read(const std::atomic<quint64> &stampWord, quint64 *stamp) const noexcept
    {
        std::array<quint64, Words> words;
        for (int attempt = 0;; ++attempt) {
            const quint64 before = m_seq.load(std::memory_order_acquire);
            if (Q_LIKELY(!(before & 1))) {
                for (std::size_t i = 0; i < Words; ++i)
                    words[i] = m_words[i].load(std::memory_order_relaxed);
                *stamp = stampWord.load(std::memory_order_relaxed);
                std::atomic_thread_fence(std::memory_order_acquire);
                if (Q_LIKELY(m_seq.load(std::memory_order_relaxed) == before))
                    break;
            }
            // A publisher is inside its write section; if it was preempted there, let it run.
            if (attempt < 64)
                pause();
            else
                std::this_thread::yield();
        }
        if ((*stamp >> 1) == 0)
            return std::nullopt; // version 0: nothing published yet
        std::array<unsigned char, sizeof(T)> bytes;
        std::memcpy(bytes.data(), words.data(), sizeof(T));
        return std::bit_cast<T>(bytes);
    }

private:
    static void pause() noexcept
    {
#if defined(__x86_64__) || defined(__i386__)
        _mm_pause();
#endif
    }

    std::atomic<quint64> m_seq{0};
    std::atomic<quint64> m_words[Words] = {};
};

} // namespace DropSlot::detail
