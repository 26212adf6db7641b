// SPDX-License-Identifier: MIT
// Reading a QFuture's result in one thread while the QPromise lives in another.
#pragma once

#include <QtCore/QFuture>

#ifndef __has_feature
#define __has_feature(x) 0
#endif
#if defined(__SANITIZE_THREAD__) || __has_feature(thread_sanitizer)
extern "C" void AnnotateIgnoreReadsBegin(const char *file, int line);
extern "C" void AnnotateIgnoreReadsEnd(const char *file, int line);
#define DROPSLOT_IGNORE_READS_BEGIN() AnnotateIgnoreReadsBegin(__FILE__, __LINE__)
#define DROPSLOT_IGNORE_READS_END() AnnotateIgnoreReadsEnd(__FILE__, __LINE__)
#else
#define DROPSLOT_IGNORE_READS_BEGIN() ((void)0)
#define DROPSLOT_IGNORE_READS_END() ((void)0)
#endif

//! The result of a finished future. QFuture's reference count lives in QtCore, which
//! ThreadSanitizer does not instrument: when this thread drops the last QFuture after reading and
//! the thread that finished the QPromise destroys it (and the result) later, TSan cannot see that
//! the read came first and reports the destruction as a race. So this read is not recorded.
template <typename T>
T finishedResult(const QFuture<T> &future)
{
    DROPSLOT_IGNORE_READS_BEGIN();
    T result = future.result();
    DROPSLOT_IGNORE_READS_END();
    return result;
}
