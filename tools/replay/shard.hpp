// tools/replay/shard.hpp — a shard of the live replay: an io_context on its own thread that owns
// a share of the users (user i lives on shard i % threads; across ranks, the rank's j-th user on
// shard j % threads), with the counters the control thread
// reads while the run goes on; and run_context, what a shard's users need from the run (settings,
// the scenario, time scaling, bookkeeping), so that they do not depend on the orchestration.
#pragma once

#include "connection.hpp"
#include "delivery_ledger.hpp"
#include "rank_merge.hpp"
#include "replay_result.hpp"

#include <models/params.hpp>

#include <surge/stats.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace surge::replay {

/// What the users of a shard need from the run. Implemented by replay_run.
class run_context {
public:
    [[nodiscard]] virtual const connection_settings& settings() const = 0;
    [[nodiscard]] virtual const replay_options& options() const = 0;
    [[nodiscard]] virtual const models::scenario& scenario() const = 0;
    /// The seed of the run (--seed, else the scenario's): names the users' streams.
    [[nodiscard]] virtual std::uint64_t seed() const = 0;
    /// A scenario duration in wall nanoseconds (divided by the time scale).
    [[nodiscard]] virtual std::int64_t scaled(duration d) const = 0;
    /// The run is ending: no new connections or messages.
    [[nodiscard]] virtual bool ending() const = 0;
    virtual void set_online(std::uint32_t user, bool on) = 0;
    /// A connection opened (+1) or closed (-1) now: the run's count, peak and series.
    virtual void note_open(std::int64_t delta) = 0;
    /// A notification delivered at steady time `at` (a `delivered` receipt), with its latency in
    /// nanoseconds, or -1 when it carried no send time: the run's delivery meter and its series.
    virtual void note_delivered(std::int64_t at, std::int64_t latency_ns) = 0;
    /// Unix milliseconds of a steady-clock instant, and back.
    [[nodiscard]] virtual double unix_ms_of(std::int64_t steady) const = 0;
    [[nodiscard]] virtual std::int64_t intended_from_unix_ms(double ms) const = 0;
    /// An error now (a failed connect, a lost connection, a protocol error): kept for the report
    /// (the first ten distinct ones) and counted in the errors series.
    virtual void note_error(const std::string& e) = 0;
    /// What a notification that `user` received with `id` at steady time `at` was (delivery_ledger): only a
    /// `delivered` one counts as a delivery; for it, `*intended` is the steady time its publish was
    /// intended for (the replay's own record: the start of its latency).
    virtual receipt classify(std::optional<std::int64_t> id, std::uint32_t user, std::int64_t at, std::int64_t* intended) = 0;

protected:
    ~run_context() = default;
};

/// Counters of one shard. Atomics: read by the control thread's progress line and watch.
struct alignas(64) shard_stats {
    std::atomic<std::uint64_t> connect_attempts{0}, connect_ok{0}, connect_failed{0}, drops{0};
    std::atomic<std::int64_t> open{0};
    std::atomic<std::uint64_t> received{0}, received_live{0}, received_offline{0};
    std::atomic<std::uint64_t> protocol_errors{0}, transport_errors{0}, no_time{0}, frames{0};
    std::atomic<std::uint64_t> sent_at_mismatch{0};  // deliveries whose echoed sent_at disagrees with the record
    std::atomic<std::uint64_t> unknown_ids{0}, duplicates{0}, wrong_recipients{0};  // received, not delivered
    std::atomic<std::int64_t> last_delivery_ns{0};
    // client -> server messages (users.messages)
    std::atomic<std::uint64_t> messages_sent{0}, messages_replied{0}, random_drops{0};
    std::atomic<std::int64_t> first_message_ns{-1}, last_reply_ns{-1};
    std::atomic<std::uint64_t> other_events{0};   // events/types the replay does not use
    /// Their names and counts, the first 8 distinct (the shard's thread only).
    std::vector<std::pair<std::string, std::uint64_t>> other_event_names;
    // only the shard's thread touches these
    // (summed_histogram: with their exact sums, so that ranks can merge them: rank_merge.hpp)
    summed_histogram offline_latency, connect_time, uncorrected, message_latency;  // deliveries: note_delivered
    // the parts of connect_time (connect_timing) and the links' ping round trips
    summed_histogram connect_tcp, connect_tls, connect_upgrade, connect_namespace, link_rtt;
};

class user_client;

class shard {
public:
    shard(run_context& r, unsigned i) : run(r), index(i) {}
    /// The shard's thread: runs `io` until it is stopped or out of work (see batch_interval).
    void run_loop(std::chrono::microseconds batch);
    run_context& run;
    unsigned index;
    net::io_context io{1};
    shard_stats stats;
    std::vector<std::unique_ptr<user_client>> users;
};

inline void shard::run_loop(std::chrono::microseconds batch) {
    if (batch.count() <= 0) {
        io.run();
        return;
    }
    // Non-blocking passes with a short sleep between them while there is traffic; a blocking wait
    // once it has been quiet for ~5 ms (idle connections cost no wake-ups).
    const auto quiet_passes = std::max<std::int64_t>(1, 5'000 / batch.count());
    std::int64_t idle = 0;
    for (;;) {
        const auto n = io.poll();
        if (io.stopped()) return;
        if (n > 0) {
            idle = 0;
        } else if (++idle >= quiet_passes) {
            idle = 0;
            io.run_one();
            if (io.stopped()) return;
            continue;
        }
        std::this_thread::sleep_for(batch);
    }
}

} // namespace surge::replay
