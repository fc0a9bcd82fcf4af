// sim/limits.hpp — the scenario loader's hard limits: what the models can represent and the event
// queue can reach. A scenario beyond one is bad input, rejected by `surge validate` with the limit
// named. What merely costs memory or time (a million users, a long run) is not limited here: the
// work estimate (sim/estimate.hpp) refuses a run that would not fit the machine unless --force.
// docs/scenarios.md lists each limit and why it is where it is.
#pragma once

#include <surge/event_queue.hpp>
#include <surge/time.hpp>

#include <cstddef>
#include <cstdint>

namespace surge::sim::limits {

using namespace surge::literals;

/// users.count: users are numbered with 32-bit ids (and 2^32 - 1 means "no user"); a billion
/// users would take about 450 GB of simulator memory, so the estimate stops far sooner.
inline constexpr std::int64_t max_users = 1'000'000'000;
/// server.workers: one coroutine each; a real service has tens or hundreds.
inline constexpr std::int64_t max_workers = 1'000'000;
/// Closed-phase "clients", all phases together: one coroutine each.
inline constexpr std::int64_t max_clients = 10'000'000;
/// Entries of "load" and "faults": one process or timer pair each.
inline constexpr std::size_t max_phases = 100'000;
inline constexpr std::size_t max_faults = 100'000;
/// A phase's "batch" (notifications per request): a request carries it in 32 bits.
inline constexpr std::int64_t max_batch = 1'000'000;
/// database.pool_size and database.max_overflow, each (their sum is the pool's capacity).
inline constexpr std::int64_t max_db_connections = 1'000'000;
/// duration + drain. The event queue holds times below 2^55 ns (about 417 days); a run may reach
/// 200 days, so that what it schedules past its end (session ends, offline-queue TTLs, reconnect
/// backoffs) still has 217 days of room. Because each of duration and drain is checked against
/// this before they are added, their sum cannot overflow.
inline constexpr duration max_run_length = 4800_h;
static_assert(max_run_length.count() < surge::event_queue::horizon_ns / 2 + surge::event_queue::horizon_ns / 4);
/// (duration + drain) / sample_interval: each sample is an event and a 16-byte point of the
/// memory series. Set so that the default 1 s interval covers the longest run (200 days).
inline constexpr std::int64_t max_samples = 20'000'000;
static_assert(max_run_length / 1_s <= max_samples);
/// A link's bandwidth, in bytes per second: 1 bit/s. Below it a single frame outlasts the run.
inline constexpr double min_bandwidth_bytes_per_s = 0.125;

} // namespace surge::sim::limits
