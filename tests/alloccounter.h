// SPDX-License-Identifier: MIT
// Counts heap allocations made by the current thread, to prove that a code path allocates
// nothing. Include in exactly one source file of a test executable. glibc only; sanitizers
// replace malloc themselves, so under them the counter is unavailable.
#pragma once

#include <cstddef>
#include <cstdlib>

#ifndef __has_feature
#define __has_feature(x) 0
#endif

#if defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__) \
    && !__has_feature(address_sanitizer) && !__has_feature(thread_sanitizer)
#define DROPSLOT_HAS_ALLOC_COUNTER 1

namespace AllocCounter {
inline thread_local std::size_t allocations = 0;
}

extern "C" {
void *__libc_malloc(std::size_t);
void *__libc_calloc(std::size_t, std::size_t);
void *__libc_realloc(void *, std::size_t);
void *__libc_memalign(std::size_t, std::size_t);

void *malloc(std::size_t size) noexcept
{
    ++AllocCounter::allocations;
    return __libc_malloc(size);
}
void *calloc(std::size_t count, std::size_t size) noexcept
{
    ++AllocCounter::allocations;
    return __libc_calloc(count, size);
}
void *realloc(void *p, std::size_t size) noexcept
{
    ++AllocCounter::allocations;
    return __libc_realloc(p, size);
}
void *aligned_alloc(std::size_t alignment, std::size_t size) noexcept
{
    ++AllocCounter::allocations;
    return __libc_memalign(alignment, size);
}
}

//! Allocations made by this thread while f runs.
template <typename F>
std::size_t allocationsDuring(F &&f)
{
    const std::size_t before = AllocCounter::allocations;
    f();
    return AllocCounter::allocations - before;
}
#endif
