// sim/host.hpp — what a report says about the process that ran it (the report's "simulator"
// object, the live report's client memory): its peak resident memory. The only host-dependent
// figure besides wall time; it never enters a metric the goldens hold. Also the machine's
// physical memory, the default memory limit of the work estimate (sim/estimate.hpp).
#pragma once

#include <sys/resource.h>
#include <unistd.h>

#include <cstdint>

namespace surge::sim {

/// The process's peak resident set so far, in bytes (getrusage's ru_maxrss: KiB on Linux, the
/// kernel's VmHWM), or 0 if the system does not say.
inline std::int64_t peak_rss_bytes() {
    rusage ru{};
    if (getrusage(RUSAGE_SELF, &ru) != 0) return 0;
    return static_cast<std::int64_t>(ru.ru_maxrss) * 1024;
}

/// The machine's physical memory in bytes (sysconf: pages times page size), or 0 if unknown.
inline std::int64_t physical_memory_bytes() {
    const long pages = ::sysconf(_SC_PHYS_PAGES);
    const long page = ::sysconf(_SC_PAGESIZE);
    if (pages <= 0 || page <= 0) return 0;
    return static_cast<std::int64_t>(pages) * static_cast<std::int64_t>(page);
}

} // namespace surge::sim
