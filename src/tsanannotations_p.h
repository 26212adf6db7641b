// SPDX-License-Identifier: MIT
// Qt's event queue orders postEvent() before the event's delivery with its own futex-based
// locks, which ThreadSanitizer cannot see in an uninstrumented Qt. These macros state that
// ordering where DropSlot hands data to another thread through the queue.
#pragma once

#ifndef __has_feature
#define __has_feature(x) 0
#endif
#if defined(__SANITIZE_THREAD__) || __has_feature(thread_sanitizer)
#include <sanitizer/tsan_interface.h>
#define DROPSLOT_ANNOTATE_HANDOFF(object) __tsan_release(object)
#define DROPSLOT_ANNOTATE_RECEIVED(object) __tsan_acquire(object)
#else
#define DROPSLOT_ANNOTATE_HANDOFF(object) ((void)(object))
#define DROPSLOT_ANNOTATE_RECEIVED(object) ((void)(object))
#endif
