// models/params.hpp — the parameters of every notification-system model: what a scenario file
// configures. Plain structs with the defaults a scenario gets when it leaves a field out; each
// field's meaning, unit and the real mechanism it mirrors are in docs/models.md.
//
// The defaults describe the seed's service (Flask-SocketIO on MySQL, SQLAlchemy pool 20 + 30
// overflow, Engine.IO v4 ping 25 s / timeout 20 s) on a healthy LAN.
//
// Each enum a scenario names has its name table right after it (models/enum_names.hpp): the
// table, not the declaration order, decides which scenario string means which enumerator.
#pragma once

#include "models/distribution.hpp"
#include "models/enum_names.hpp"

#include <surge/time.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace surge::models {

using namespace surge::literals;

/// Reconnect / retry timing: attempt k (1-based) waits min(max, base * multiplier^(k-1)), then
/// jitter: none (exact), full (uniform in [0, wait]) or equal (wait/2 + uniform in [0, wait/2]).
struct backoff_params {
    enum class jitter_kind : std::uint8_t { none, full, equal };
    duration base = 1_s;
    duration max = 30_s;
    double multiplier = 2.0;
    jitter_kind jitter = jitter_kind::full;
};

constexpr auto enum_names(backoff_params::jitter_kind) noexcept {
    using k = backoff_params::jitter_kind;
    return std::to_array<enum_name<k>>({{k::none, "none"}, {k::full, "full"}, {k::equal, "equal"}});
}
static_assert(is_one_to_one(enum_names(backoff_params::jitter_kind{})));

/// The simulated users (clients). Each user has one WebSocket link.
struct user_params {
    std::int64_t count = 100;
    /// Users open their first connection at uniformly spread instants in
    /// [connect_start, connect_start + connect_ramp] (until then they are offline, so what is
    /// published for them waits in their offline queues).
    duration connect_start = duration::zero();
    duration connect_ramp = duration::zero();
    /// Session lengths. Without `online`, a user stays connected for the whole run (unless a fault
    /// or the server drops it). With it, sessions alternate online/offline.
    std::optional<duration_dist> online;
    duration_dist offline = duration_dist::exponential_mean(2_min);
    /// After a failed connect or a drop the client retries with this backoff (Socket.IO client:
    /// reconnectionDelay 1 s, reconnectionDelayMax 5 s, randomizationFactor 0.5).
    backoff_params reconnect{1_s, 5_s, 2.0, backoff_params::jitter_kind::equal};
    /// Client -> server messages per online user per second (acks, "mark read", chat); 0 = none.
    rate messages{0};
    size_dist message_size = size_dist::fixed(200);
};

/// The WebSocket link of each user: handshake, one-way latency, bandwidth, loss and drops.
struct link_params {
    duration_dist handshake = duration_dist::fixed(20_ms);    // TCP + TLS + HTTP upgrade, network part
    duration_dist latency = duration_dist::fixed(10_ms);      // one-way, server -> client and back
    double bandwidth_bytes_per_s = 0;                          // per link; 0 = unlimited
    double loss = 0;                                           // probability a frame needs a TCP retransmit
    duration retransmit = 200_ms;                              // the delay a lost frame adds (TCP RTO)
    double connect_failure = 0;                                // probability a handshake fails
    duration connect_timeout = 10_s;                           // client gives up an attempt after this
    /// Spontaneous silent drops (a NAT timeout, a phone losing signal): mean time between drops
    /// per online link; nullopt = never.
    std::optional<duration> mean_time_between_drops;
    duration ping_interval = 25_s;                             // Engine.IO v4 pingInterval
    duration ping_timeout = 20_s;                              // Engine.IO v4 pingTimeout
    /// A fraction of users on a slow link (slow consumers), with this bandwidth.
    double slow_fraction = 0;
    double slow_bandwidth_bytes_per_s = 2'000;
};

/// What the server does with a full per-connection send buffer.
enum class slow_consumer_policy : std::uint8_t { drop_newest, drop_oldest, disconnect };

constexpr auto enum_names(slow_consumer_policy) noexcept {
    using p = slow_consumer_policy;
    return std::to_array<enum_name<p>>({{p::drop_newest, "drop_newest"}, {p::drop_oldest, "drop_oldest"},
                                        {p::disconnect, "disconnect"}});
}
static_assert(is_one_to_one(enum_names(slow_consumer_policy{})));

/// How the server's workers wait for the database. `threads`: a worker holds its request through
/// the transaction (Flask-SocketIO's worker threads, the default). `event_loop`: a worker starts
/// the transaction and takes the next request; when the transaction ends the request queues again
/// for the rest of its work (Node's single event loop with an asynchronous database driver).
enum class server_concurrency : std::uint8_t { threads, event_loop };

constexpr auto enum_names(server_concurrency) noexcept {
    using c = server_concurrency;
    return std::to_array<enum_name<c>>({{c::threads, "threads"}, {c::event_loop, "event_loop"}});
}
static_assert(is_one_to_one(enum_names(server_concurrency{})));

/// The notification server: workers, costs per operation, send buffers.
struct server_params {
    std::int64_t workers = 4;
    server_concurrency concurrency = server_concurrency::threads;
    duration_dist cost_per_notification = duration_dist::fixed(500_us);  // create + persist call overhead
    duration_dist cost_per_message = duration_dist::fixed(20_us);        // one emit to one connection
    duration_dist cost_per_connect = duration_dist::fixed(1_ms);         // handshake + auth + join room
    duration_dist cost_per_client_message = duration_dist::fixed(200_us);
    std::int64_t queue_capacity = 100'000;   // pending requests; beyond it requests are rejected
    std::int64_t send_buffer = 256;          // messages buffered per connection
    slow_consumer_policy slow_consumer = slow_consumer_policy::drop_oldest;
    std::int64_t max_connections = 0;        // 0 = unlimited
    std::int64_t queries_per_notification = 1;
    std::int64_t queries_per_connect = 0;
    std::int64_t queries_per_client_message = 0;
};

/// What an offline queue does when full.
enum class offline_drop_policy : std::uint8_t { oldest, newest };

constexpr auto enum_names(offline_drop_policy) noexcept {
    using p = offline_drop_policy;
    return std::to_array<enum_name<p>>({{p::oldest, "oldest"}, {p::newest, "newest"}});
}
static_assert(is_one_to_one(enum_names(offline_drop_policy{})));

/// Per-user queues of notifications for users who are offline, delivered in order on reconnect.
struct offline_queue_params {
    bool enabled = true;
    std::int64_t max_messages = 200;         // per user; 0 = unbounded
    std::optional<duration> ttl;             // messages older than this are discarded, not delivered
    offline_drop_policy drop = offline_drop_policy::oldest;
};

/// The database behind the server: a SQLAlchemy-style QueuePool and query latency.
struct database_params {
    std::int64_t pool_size = 20;             // DB_POOL_SIZE
    std::int64_t max_overflow = 30;          // DB_MAX_OVERFLOW
    duration checkout_timeout = 30_s;        // SQLAlchemy pool_timeout
    duration_dist connect = duration_dist::fixed(5_ms);  // opening an overflow connection
    duration_dist query = duration_dist::lognormal_median_p99(3_ms, 40_ms);
    std::optional<duration> query_timeout;   // statement timeout; a slower query fails at this time
};

/// Message priorities, lowest first. Load shedding keeps the higher ones.
enum class priority_class : std::uint8_t { low, normal, high, critical };

constexpr auto enum_names(priority_class) noexcept {
    using p = priority_class;
    return std::to_array<enum_name<p>>({{p::low, "low"}, {p::normal, "normal"}, {p::high, "high"}, {p::critical, "critical"}});
}
static_assert(is_one_to_one(enum_names(priority_class{})));

/// Who a notification is for.
enum class target_kind : std::uint8_t { user, users, broadcast };

constexpr auto enum_names(target_kind) noexcept {
    using t = target_kind;
    return std::to_array<enum_name<t>>({{t::user, "user"}, {t::users, "users"}, {t::broadcast, "broadcast"}});
}
static_assert(is_one_to_one(enum_names(target_kind{})));

/// One phase of load. Open phases generate requests at a rate regardless of how the server copes
/// (no coordinated omission); closed phases have `clients` that each wait for the answer and think.
struct load_phase {
    enum class kind : std::uint8_t { open, closed };
    enum class arrivals : std::uint8_t { poisson, uniform };
    kind type = kind::open;
    time_point at{};
    std::optional<duration> length;          // default: until the next phase starts, or the end
    // open
    rate start_rate{10};
    std::optional<rate> end_rate;            // linear ramp from start_rate to end_rate over the phase
    arrivals spacing = arrivals::poisson;
    // closed
    std::int64_t clients = 0;
    duration_dist think = duration_dist::fixed(duration::zero());
    std::int64_t requests_per_client = 0;    // 0 = until the phase ends
    // both
    std::int64_t batch = 1;                  // notifications per request (one DB transaction)
    target_kind target = target_kind::user;
    std::int64_t recipients = 1;             // for target users: how many distinct users
    std::vector<double> priority_weights{0, 1, 0, 0};  // low, normal, high, critical
    size_dist payload = size_dist::fixed(512);
};

/// A scenario never writes a phase's kind (a phase with "clients" is closed); the names are for
/// messages and traces.
constexpr auto enum_names(load_phase::kind) noexcept {
    using k = load_phase::kind;
    return std::to_array<enum_name<k>>({{k::open, "open"}, {k::closed, "closed"}});
}
static_assert(is_one_to_one(enum_names(load_phase::kind{})));

constexpr auto enum_names(load_phase::arrivals) noexcept {
    using a = load_phase::arrivals;
    return std::to_array<enum_name<a>>({{a::poisson, "poisson"}, {a::uniform, "uniform"}});
}
static_assert(is_one_to_one(enum_names(load_phase::arrivals{})));

/// Degradation mechanisms; each is off unless the scenario switches it on.
struct degradation_params {
    struct shedding_params {
        bool enabled = false;
        std::int64_t queue_threshold = 1000;                  // shed when this many requests wait
        priority_class keep_at_least = priority_class::high;  // lower priorities are shed
    } shedding;
    struct rate_limit_params {
        bool enabled = false;
        rate limit{1000};
        std::int64_t burst = 100;
    } rate_limit;
    struct circuit_breaker_params {
        bool enabled = false;
        std::int64_t failure_threshold = 5;                   // consecutive DB failures that open it
        duration open_for = 5_s;                              // then one probe is let through
    } circuit_breaker;
    struct retry_params {
        std::int64_t max_attempts = 1;                        // 1 = no retry
        backoff_params backoff{50_ms, 2_s, 2.0, backoff_params::jitter_kind::full};
    } retry;
    /// A request that waited longer than this before a worker took it is answered with a timeout
    /// and skipped (the client gave up); one that finishes later counts as failed. nullopt = none.
    std::optional<duration> request_timeout;
};

/// One entry of the fault timeline.
struct fault {
    enum class kind : std::uint8_t { db_slowdown, db_outage, disconnect_storm, latency_spike, worker_loss };
    kind type = kind::db_slowdown;
    time_point at{};
    duration length = 10_s;                  // ignored by disconnect_storm (an instant)
    double factor = 10;                      // db_slowdown, latency_spike: multiply latencies
    duration extra = duration::zero();       // latency_spike: added one-way latency
    double fraction = 0.5;                   // disconnect_storm: share of online users dropped
    bool silent = false;                     // disconnect_storm: the server notices only by ping timeout
    std::int64_t workers = 1;                // worker_loss: workers lost for `length`
    duration error_after = 1_s;              // db_outage: a query fails after this
};

constexpr auto enum_names(fault::kind) noexcept {
    using k = fault::kind;
    return std::to_array<enum_name<k>>({{k::db_slowdown, "db_slowdown"}, {k::db_outage, "db_outage"},
                                        {k::disconnect_storm, "disconnect_storm"}, {k::latency_spike, "latency_spike"},
                                        {k::worker_loss, "worker_loss"}});
}
static_assert(is_one_to_one(enum_names(fault::kind{})));

/// Modelled memory of the real service (what its objects would occupy), for the memory metrics.
/// Defaults approximate a CPython service: a notification dict plus ORM object, a Socket.IO session.
struct memory_params {
    std::int64_t per_connection = 48 * 1024;        // socket, TLS, Engine.IO/Socket.IO session, buffers
    std::int64_t per_notification = 2 * 1024;       // the notification object and its ORM row, plus payload
    std::int64_t per_queued_message = 600;          // queue entry + message dict, plus payload
    std::int64_t per_buffered_message = 200;        // a frame in a send buffer, plus payload
    std::int64_t per_request = 1024;                // a request waiting for a worker
};

/// A whole scenario: everything a run needs besides the seed. (The thresholds a report judges a
/// run by are not the models' business: sim::scenario adds them.)
struct scenario {
    std::string name;
    std::string description;
    duration length = 60_s;                  // virtual time simulated
    std::uint64_t seed = 1;                  // default seed; --seed overrides
    duration sample_interval = 1_s;          // time series resolution (memory, throughput)
    /// After `length`, keep running (no new load, no faults) up to this long so in-flight and queued
    /// messages can arrive; 0 = stop at `length`.
    duration drain = duration::zero();
    user_params users;
    link_params links;
    server_params server;
    offline_queue_params offline_queue;
    database_params database;
    std::vector<load_phase> load;
    degradation_params degradation;
    std::vector<fault> faults;
    memory_params memory;
};

} // namespace surge::models
