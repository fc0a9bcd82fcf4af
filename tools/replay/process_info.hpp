// tools/replay/process_info.hpp — what the replay asks of the operating system: its resident
// memory (for the memory-per-connection figure), the wall clock, and scheduling hints for the
// control thread (a short EEVDF slice, or SCHED_FIFO with --realtime).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <string>
#include <unistd.h>

#if defined(__linux__)
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#endif

namespace surge::replay {

namespace detail {

inline std::int64_t rss_bytes() {
    std::ifstream f("/proc/self/statm");
    long long pages_total = 0, pages_resident = 0;
    f >> pages_total >> pages_resident;
    return static_cast<std::int64_t>(pages_resident) * sysconf(_SC_PAGESIZE);
}

inline std::int64_t unix_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

/// Asks the scheduler for a short time slice for the calling thread (Linux >= 6.12, EEVDF: a
/// SCHED_OTHER thread may set its slice with sched_setattr's sched_runtime, no privilege needed).
/// A thread with a short slice has an early virtual deadline, so when it wakes it preempts a
/// busy thread of the same nice level instead of waiting for that thread's slice (~1.5-3 ms) to
/// end. For the control thread, which sleeps between arrivals and works briefly. Best effort:
/// older kernels ignore the field or refuse, and nothing changes. Returns whether it was set.
inline bool request_short_slice(std::chrono::microseconds slice) {
#if defined(__linux__) && defined(SYS_sched_setattr)
    if (slice.count() <= 0) return false;
    struct {  // the kernel's struct sched_attr, first version (48 bytes); glibc has no wrapper
        std::uint32_t size, sched_policy;
        std::uint64_t sched_flags;
        std::int32_t sched_nice;
        std::uint32_t sched_priority;
        std::uint64_t sched_runtime, sched_deadline, sched_period;
    } a{};
    static_assert(sizeof a == 48);
    a.size = sizeof a;
    a.sched_policy = SCHED_OTHER;
    a.sched_nice = getpriority(PRIO_PROCESS, 0);
    a.sched_runtime = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(slice).count());
    return syscall(SYS_sched_setattr, 0, &a, 0) == 0;
#else
    (void)slice;
    return false;
#endif
}

/// Puts the calling thread in the real-time class (SCHED_FIFO, lowest priority), which any
/// SCHED_OTHER thread yields to at once. Needs CAP_SYS_NICE or an RLIMIT_RTPRIO; false if refused.
inline bool request_realtime() {
#if defined(__linux__)
    sched_param p{};
    p.sched_priority = 1;
    return sched_setscheduler(0, SCHED_FIFO, &p) == 0;
#else
    return false;
#endif
}

template <class T>
void atomic_max(std::atomic<T>& a, T v) {
    T cur = a.load(std::memory_order_relaxed);
    while (v > cur && !a.compare_exchange_weak(cur, v, std::memory_order_relaxed)) {}
}

} // namespace detail

} // namespace surge::replay
