// sim/stop_signal.hpp — SIGINT and SIGTERM as a request to stop: the first one sets a flag that
// the simulation loop (sim/system.hpp) and the live replay's control loop poll, so that the run
// ends at its next safe point and the partial report is still written; a second one ends the
// process at once (a run that does not react must stay killable by Ctrl-C).
//
// The exit code of an interrupted command is the shells' convention, 128 + the signal's number:
// 130 for SIGINT, 143 for SIGTERM (docs/ci.md, tools/surge.cpp).
#pragma once

#include <atomic>
#include <csignal>
#include <string>

#include <signal.h>
#include <unistd.h>

namespace surge::sim {

// Read and written from a signal handler: it must be lock-free to be async-signal-safe.
static_assert(std::atomic<int>::is_always_lock_free);

/// The signal that asked the run to stop (SIGINT, SIGTERM); 0 while none has.
inline std::atomic<int> stop_requested{0};

/// 128 + signal: what a shell reports for a process that a signal ended.
constexpr int interrupted_exit_code(int signal) { return 128 + signal; }

/// "SIGINT", "SIGTERM", else "signal N".
inline std::string signal_name(int signal) {
    if (signal == SIGINT) return "SIGINT";
    if (signal == SIGTERM) return "SIGTERM";
    return "signal " + std::to_string(signal);
}

namespace stop_detail {
inline void on_signal(int signal) {
    int none = 0;
    // Only async-signal-safe calls here: a lock-free atomic, and _exit for the second signal.
    if (!stop_requested.compare_exchange_strong(none, signal)) ::_exit(interrupted_exit_code(signal));
}
} // namespace stop_detail

/// From now on SIGINT and SIGTERM set stop_requested (the second one: _exit(128 + signal)).
/// SA_RESTART: a write or read in progress resumes instead of failing with EINTR.
inline void install_stop_handlers() {
    struct sigaction sa {};
    sa.sa_handler = &stop_detail::on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    ::sigaction(SIGINT, &sa, nullptr);
    ::sigaction(SIGTERM, &sa, nullptr);
}

} // namespace surge::sim
