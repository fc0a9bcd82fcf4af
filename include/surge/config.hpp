// surge/config.hpp — every macro the kernel defines, in one place: what each one is for and on
// which compilers it does something. Nothing here changes results: these are performance hints
// and platform probes only (determinism never depends on a macro). The process layer's include
// guards (SURGE_*_INCLUDED, see surge/process.hpp) are the only other macros under include/surge.
#pragma once

// Force-inline a hot path. The event queue's heap loops are inlined into their callers: GCC and
// clang otherwise keep the child selection out of line, a call per heap level in the hold
// benchmark (tests/bench/kernel_bench.cpp).
#if defined(__GNUC__) || defined(__clang__)
#define SURGE_HOT_INLINE [[gnu::always_inline]] inline
#else
#define SURGE_HOT_INLINE inline
#endif

// Keep a function out of line, so that the small common path that calls it stays small.
#if defined(__GNUC__) || defined(__clang__)
#define SURGE_NOINLINE [[gnu::noinline]]
#else
#define SURGE_NOINLINE
#endif

// Start loading the cache line at address p (a hint; no effect on results).
#if defined(__GNUC__) || defined(__clang__)
#define SURGE_PREFETCH(p) __builtin_prefetch(p)
#else
#define SURGE_PREFETCH(p) ((void)(p))
#endif

// 1 where madvise(MADV_HUGEPAGE) can be asked for the event queue's big arrays (Linux), so that
// transparent huge pages back them (surge/detail/event_queue_storage.hpp).
#if defined(__linux__) && __has_include(<sys/mman.h>)
#define SURGE_HAS_MADVISE 1
#endif
