// models/metric_catalogue.hpp — the one table of report metrics. Each entry gives a metric's
// dotted name, unit, which way is better (for `surge diff`), its area, where it appears in the
// summary table, and which modes can measure it (a simulation, a live replay, or both). The
// models emit entries by identifier (metric_id), and everything else derives from this table:
// threshold names and units (sim/metric_names.hpp), diff directions (sim/metric_direction.hpp),
// the summary's rows (sim/report.hpp), the live replay's metrics, and — checked by
// tests/sim/test_catalogue.cpp and test_schema.cpp — the schema's threshold names and the table in
// docs/report.md. A metric's name is written here and nowhere else in the sources.
//
// Adding a metric: an identifier in metric_id and an entry at the same position in the table,
// then its measurement (a meter's emit, models/*_meter.hpp, or the replay's live metrics). The
// table's order is the report's order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <span>
#include <string_view>

namespace surge::models {

/// Which way is better, for regression verdicts.
///   higher   more is better: throughputs, success rates, delivered counts, recovered_fraction
///   lower    less is better: latencies, times, waits, failures, drops, queue lengths, memory
///   neutral  a count that describes the load rather than the system (published, attempts)
enum class metric_direction : std::uint8_t { higher, lower, neutral };

/// Who can measure a metric: the simulation (the server's insides are modelled, so it sees
/// queues, workers, the database and memory), a live replay (only what a client observes), or both.
enum class metric_modes : std::uint8_t { sim_only, live_only, both };

/// The two ways of running a scenario (a report's "mode").
enum class run_mode : std::uint8_t { sim, live };

[[nodiscard]] constexpr bool measurable_in(metric_modes modes, run_mode mode) noexcept {
    return modes == metric_modes::both || (modes == metric_modes::sim_only) == (mode == run_mode::sim);
}

/// The area a metric belongs to: the first part of its name, a section of docs/report.md and a
/// group of the summary table.
enum class metric_group : std::uint8_t {
    notifications, operations, delivery, connections, messages, broadcast, offline_queue, server, database, memory,
    simulator, live
};

/// The first part of the names in `g` ("offline_queue").
[[nodiscard]] constexpr std::string_view group_name(metric_group g) noexcept {
    switch (g) {
    case metric_group::notifications: return "notifications";
    case metric_group::operations: return "operations";
    case metric_group::delivery: return "delivery";
    case metric_group::connections: return "connections";
    case metric_group::messages: return "messages";
    case metric_group::broadcast: return "broadcast";
    case metric_group::offline_queue: return "offline_queue";
    case metric_group::server: return "server";
    case metric_group::database: return "database";
    case metric_group::memory: return "memory";
    case metric_group::simulator: return "simulator";
    case metric_group::live: return "live";
    }
    return "";
}

/// The heading of `g` in the summary table.
[[nodiscard]] constexpr std::string_view group_title(metric_group g) noexcept {
    switch (g) {
    case metric_group::offline_queue: return "offline queue";
    case metric_group::memory: return "memory (modelled)";
    default: return group_name(g);
    }
}

/// Units are SI base units, so a threshold can be written with any unit suffix (sim/units.hpp).
namespace metric_units {
inline constexpr std::string_view seconds = "s";
inline constexpr std::string_view per_second = "1/s";
inline constexpr std::string_view bytes = "B";
inline constexpr std::string_view bytes_per_second = "B/s";
inline constexpr std::string_view ratio = "ratio";  // 0..1
inline constexpr std::string_view count = "count";  // a mean count may be fractional
} // namespace metric_units

/// Where a metric appears in the summary table: row `row` (from 1, in its group) at column
/// `column` (from 0); every metric of a row carries the row's whole label, and several values on
/// one row share a unit ("latency p50 / p90 / p99"). Row 0: not in the summary.
struct summary_cell {
    std::uint8_t row = 0;
    std::uint8_t column = 0;
    std::string_view label;
};

/// Every metric, in report order. The identifier of an entry is its name with '_' for '.'.
enum class metric_id : std::uint8_t {
    notifications_published,
    notifications_accepted,
    notifications_rejected,
    notifications_shed,
    notifications_rate_limited,
    notifications_failed,
    notifications_timed_out,
    notifications_throughput,
    operations_count,
    operations_success_rate,
    operations_latency_mean,
    operations_latency_p50,
    operations_latency_p90,
    operations_latency_p99,
    operations_latency_max,
    operations_time_per_notification,
    delivery_attempted,
    delivery_delivered,
    delivery_lost,
    delivery_dropped_send_buffer,
    delivery_dropped_offline,
    delivery_expired,
    delivery_pending,
    delivery_success_rate,
    delivery_throughput,
    delivery_latency_mean,
    delivery_latency_p50,
    delivery_latency_p90,
    delivery_latency_p99,
    delivery_latency_p999,
    delivery_latency_max,
    connections_attempts,
    connections_succeeded,
    connections_failed,
    connections_drops,
    connections_peak,
    connections_success_rate,
    connections_time_mean,
    connections_time_p50,
    connections_time_p99,
    connections_time_max,
    messages_sent,
    messages_handled,
    messages_throughput,
    messages_latency_mean,
    messages_latency_p99,
    broadcast_count,
    broadcast_recipients_mean,
    broadcast_time_mean,
    broadcast_time_p99,
    broadcast_time_max,
    offline_queue_enqueued,
    offline_queue_delivered,
    offline_queue_dropped,
    offline_queue_expired,
    offline_queue_latency_mean,
    offline_queue_latency_p50,
    offline_queue_latency_p99,
    offline_queue_latency_max,
    offline_queue_length_max,
    offline_queue_total_max,
    offline_queue_total_mean,
    server_queue_max,
    server_queue_mean,
    server_utilization,
    server_queue_wait_mean,
    server_queue_wait_p99,
    database_queries,
    database_failures,
    database_timeouts,
    database_retries,
    database_breaker_opens,
    database_breaker_rejected,
    database_connections_max,
    database_overflow_max,
    database_pool_wait_mean,
    database_pool_wait_p99,
    database_pool_wait_max,
    memory_peak_bytes,
    memory_final_bytes,
    memory_bytes_per_notification,
    memory_bytes_per_queued_message,
    memory_bytes_per_connection,
    memory_growth_rate,
    memory_recovered_fraction,
    simulator_peak_rss_bytes,
    live_protocol_errors,
    live_transport_errors,
    live_received_without_sent_at,
    live_received_unknown_id,
    live_received_duplicate,
    live_received_wrong_recipient,
    live_publish_requests,
    live_publish_retries,
    live_connections_peak_open,
    live_scheduling_lag_p50,
    live_scheduling_lag_p99,
    live_scheduling_lag_max,
    live_uncorrected_latency_p50,
    live_uncorrected_latency_p99,
    live_uncorrected_latency_max,
    live_client_bytes_per_connection,
    live_connect_tcp_mean,
    live_connect_tcp_p99,
    live_connect_tls_mean,
    live_connect_tls_p99,
    live_connect_upgrade_mean,
    live_connect_upgrade_p99,
    live_connect_namespace_mean,
    live_connect_namespace_p99,
    live_link_rtt_mean,
    live_link_rtt_p50,
    live_link_rtt_p99,
    live_link_rtt_max,
    live_server_cpu_seconds,
    live_server_cpu_utilization,
    live_server_event_loop_lag_p99,
    live_server_event_loop_lag_max,
    live_server_queue_max,
    live_sent_at_mismatch,
};

struct metric_entry {
    metric_id id;
    std::string_view name;
    std::string_view unit;
    metric_direction direction;
    metric_modes modes;
    metric_group group;
    summary_cell summary;
};

namespace catalogue_detail {

using enum metric_id;
using enum metric_direction;
using enum metric_modes;
using enum metric_group;
using namespace metric_units;

// {identifier, name, unit, direction, modes, group, summary {row, column, row label}}; comments say why
// a direction is what it is where that is not obvious.
inline constexpr metric_entry table[] = {
    {notifications_published, "notifications.published", count, neutral, both, notifications, {1, 0, "published"}},  // the load
    // of the same load, more got in
    {notifications_accepted, "notifications.accepted", count, higher, both, notifications, {2, 0, "accepted"}},
    {notifications_rejected, "notifications.rejected", count, lower, both, notifications, {3, 0, "rejected / shed / rate-limited"}},
    {notifications_shed, "notifications.shed", count, lower, sim_only, notifications, {3, 1, "rejected / shed / rate-limited"}},
    {notifications_rate_limited, "notifications.rate_limited", count, lower, sim_only, notifications, {3, 2, "rejected / shed / rate-limited"}},
    {notifications_failed, "notifications.failed", count, lower, both, notifications, {4, 0, "failed / timed out"}},
    {notifications_timed_out, "notifications.timed_out", count, lower, both, notifications, {4, 1, "failed / timed out"}},
    {notifications_throughput, "notifications.throughput", per_second, higher, both, notifications, {5, 0, "throughput"}},
    {operations_count, "operations.count", count, neutral, both, operations, {1, 0, "count"}},  // requests answered: the load
    {operations_success_rate, "operations.success_rate", ratio, higher, both, operations, {2, 0, "success rate"}},
    {operations_latency_mean, "operations.latency.mean", seconds, lower, both, operations, {3, 0, "time mean / p50 / p99 / max"}},
    {operations_latency_p50, "operations.latency.p50", seconds, lower, both, operations, {3, 1, "time mean / p50 / p99 / max"}},
    {operations_latency_p90, "operations.latency.p90", seconds, lower, both, operations, {}},
    {operations_latency_p99, "operations.latency.p99", seconds, lower, both, operations, {3, 2, "time mean / p50 / p99 / max"}},
    {operations_latency_max, "operations.latency.max", seconds, lower, both, operations, {3, 3, "time mean / p50 / p99 / max"}},
    {operations_time_per_notification, "operations.time_per_notification", seconds, lower, both, operations, {}},
    // one per recipient: the load
    {delivery_attempted, "delivery.attempted", count, neutral, both, delivery, {1, 1, "delivered / attempted"}},
    {delivery_delivered, "delivery.delivered", count, higher, both, delivery, {1, 0, "delivered / attempted"}},
    {delivery_lost, "delivery.lost", count, lower, both, delivery, {6, 0, "lost / dropped (buffer, offline)"}},
    {delivery_dropped_send_buffer, "delivery.dropped_send_buffer", count, lower, sim_only, delivery, {6, 1, "lost / dropped (buffer, offline)"}},
    {delivery_dropped_offline, "delivery.dropped_offline", count, lower, sim_only, delivery, {6, 2, "lost / dropped (buffer, offline)"}},
    {delivery_expired, "delivery.expired", count, lower, sim_only, delivery, {7, 0, "expired / pending"}},
    // still undelivered when the run ended
    {delivery_pending, "delivery.pending", count, lower, both, delivery, {7, 1, "expired / pending"}},
    {delivery_success_rate, "delivery.success_rate", ratio, higher, both, delivery, {2, 0, "success rate"}},
    {delivery_throughput, "delivery.throughput", per_second, higher, both, delivery, {3, 0, "throughput"}},
    {delivery_latency_mean, "delivery.latency.mean", seconds, lower, both, delivery, {}},
    {delivery_latency_p50, "delivery.latency.p50", seconds, lower, both, delivery, {4, 0, "latency p50 / p90 / p99"}},
    {delivery_latency_p90, "delivery.latency.p90", seconds, lower, both, delivery, {4, 1, "latency p50 / p90 / p99"}},
    {delivery_latency_p99, "delivery.latency.p99", seconds, lower, both, delivery, {4, 2, "latency p50 / p90 / p99"}},
    {delivery_latency_p999, "delivery.latency.p999", seconds, lower, both, delivery, {5, 0, "latency p999 / max"}},
    {delivery_latency_max, "delivery.latency.max", seconds, lower, both, delivery, {5, 1, "latency p999 / max"}},
    // first connects and reconnects: the load
    {connections_attempts, "connections.attempts", count, neutral, both, connections, {1, 1, "succeeded / attempts"}},
    // grows with reconnects after drops
    {connections_succeeded, "connections.succeeded", count, neutral, both, connections, {1, 0, "succeeded / attempts"}},
    {connections_failed, "connections.failed", count, lower, both, connections, {}},
    {connections_drops, "connections.drops", count, lower, both, connections, {4, 0, "drops / peak"}},
    {connections_peak, "connections.peak", count, higher, both, connections, {4, 1, "drops / peak"}},  // users connected at once
    {connections_success_rate, "connections.success_rate", ratio, higher, both, connections, {2, 0, "success rate"}},
    {connections_time_mean, "connections.time.mean", seconds, lower, both, connections, {3, 0, "time mean / p99 / max"}},
    {connections_time_p50, "connections.time.p50", seconds, lower, both, connections, {}},
    {connections_time_p99, "connections.time.p99", seconds, lower, both, connections, {3, 1, "time mean / p99 / max"}},
    {connections_time_max, "connections.time.max", seconds, lower, both, connections, {3, 2, "time mean / p99 / max"}},
    {messages_sent, "messages.sent", count, neutral, both, messages, {1, 0, "sent / handled"}},  // the load
    {messages_handled, "messages.handled", count, higher, both, messages, {1, 1, "sent / handled"}},
    {messages_throughput, "messages.throughput", per_second, higher, both, messages, {2, 0, "throughput"}},
    {messages_latency_mean, "messages.latency.mean", seconds, lower, both, messages, {3, 0, "latency mean / p99"}},
    {messages_latency_p99, "messages.latency.p99", seconds, lower, both, messages, {3, 1, "latency mean / p99"}},
    {broadcast_count, "broadcast.count", count, neutral, both, broadcast, {1, 0, "count"}},  // the load
    // users a broadcast reached
    {broadcast_recipients_mean, "broadcast.recipients.mean", count, higher, both, broadcast, {2, 0, "recipients mean"}},
    {broadcast_time_mean, "broadcast.time.mean", seconds, lower, both, broadcast, {3, 0, "time mean / p99 / max"}},
    {broadcast_time_p99, "broadcast.time.p99", seconds, lower, both, broadcast, {3, 1, "time mean / p99 / max"}},
    {broadcast_time_max, "broadcast.time.max", seconds, lower, both, broadcast, {3, 2, "time mean / p99 / max"}},
    // users offline when notified: the load
    {offline_queue_enqueued, "offline_queue.enqueued", count, neutral, both, offline_queue, {1, 0, "enqueued / delivered"}},
    {offline_queue_delivered, "offline_queue.delivered", count, higher, both, offline_queue, {1, 1, "enqueued / delivered"}},
    {offline_queue_dropped, "offline_queue.dropped", count, lower, sim_only, offline_queue, {2, 0, "dropped / expired"}},
    {offline_queue_expired, "offline_queue.expired", count, lower, sim_only, offline_queue, {2, 1, "dropped / expired"}},
    {offline_queue_latency_mean, "offline_queue.latency.mean", seconds, lower, both, offline_queue, {}},
    {offline_queue_latency_p50, "offline_queue.latency.p50", seconds, lower, both, offline_queue, {}},
    {offline_queue_latency_p99, "offline_queue.latency.p99", seconds, lower, both, offline_queue, {}},
    {offline_queue_latency_max, "offline_queue.latency.max", seconds, lower, both, offline_queue, {}},
    {offline_queue_length_max, "offline_queue.length.max", count, lower, sim_only, offline_queue, {3, 0, "longest queue / total max"}},
    {offline_queue_total_max, "offline_queue.total.max", count, lower, sim_only, offline_queue, {3, 1, "longest queue / total max"}},
    {offline_queue_total_mean, "offline_queue.total.mean", count, lower, sim_only, offline_queue, {}},
    {server_queue_max, "server.queue.max", count, lower, sim_only, server, {2, 1, "queue mean / max"}},
    {server_queue_mean, "server.queue.mean", count, lower, sim_only, server, {2, 0, "queue mean / max"}},
    // busier is neither better nor worse by itself
    {server_utilization, "server.utilization", ratio, neutral, sim_only, server, {1, 0, "utilization"}},
    {server_queue_wait_mean, "server.queue_wait.mean", seconds, lower, sim_only, server, {3, 0, "queue wait mean / p99"}},
    {server_queue_wait_p99, "server.queue_wait.p99", seconds, lower, sim_only, server, {3, 1, "queue wait mean / p99"}},
    {database_queries, "database.queries", count, neutral, sim_only, database, {1, 0, "queries"}},  // the load
    {database_failures, "database.failures", count, lower, sim_only, database, {2, 0, "failures / timeouts / retries"}},
    {database_timeouts, "database.timeouts", count, lower, sim_only, database, {2, 1, "failures / timeouts / retries"}},
    {database_retries, "database.retries", count, lower, sim_only, database, {2, 2, "failures / timeouts / retries"}},
    {database_breaker_opens, "database.breaker_opens", count, lower, sim_only, database, {3, 0, "breaker opens / rejected"}},
    {database_breaker_rejected, "database.breaker_rejected", count, lower, sim_only, database, {3, 1, "breaker opens / rejected"}},
    {database_connections_max, "database.connections.max", count, lower, sim_only, database, {5, 0, "connections max / overflow max"}},
    {database_overflow_max, "database.overflow.max", count, lower, sim_only, database, {5, 1, "connections max / overflow max"}},
    {database_pool_wait_mean, "database.pool_wait.mean", seconds, lower, sim_only, database, {4, 0, "pool wait mean / p99 / max"}},
    {database_pool_wait_p99, "database.pool_wait.p99", seconds, lower, sim_only, database, {4, 1, "pool wait mean / p99 / max"}},
    {database_pool_wait_max, "database.pool_wait.max", seconds, lower, sim_only, database, {4, 2, "pool wait mean / p99 / max"}},
    {memory_peak_bytes, "memory.peak_bytes", bytes, lower, sim_only, memory, {1, 0, "peak"}},
    {memory_final_bytes, "memory.final_bytes", bytes, lower, sim_only, memory, {2, 0, "final"}},
    {memory_bytes_per_notification, "memory.bytes_per_notification", bytes, lower, sim_only, memory, {3, 0, "per notification"}},
    {memory_bytes_per_queued_message, "memory.bytes_per_queued_message", bytes, lower, sim_only, memory, {4, 0, "per queued message"}},
    {memory_bytes_per_connection, "memory.bytes_per_connection", bytes, lower, sim_only, memory, {5, 0, "per connection"}},
    {memory_growth_rate, "memory.growth_rate", bytes_per_second, lower, sim_only, memory, {6, 0, "growth rate"}},
    {memory_recovered_fraction, "memory.recovered_fraction", ratio, higher, sim_only, memory, {7, 0, "recovered"}},
    // The host, not the modelled system: the report keeps it out of "metrics" (top-level "simulator").
    {simulator_peak_rss_bytes, "simulator.peak_rss_bytes", bytes, lower, sim_only, simulator, {}},
    // A live replay only (docs/replay.md): what the client side measures. A simulation does not
    // produce these, so a threshold on one fails "not measured" there.
    {live_protocol_errors, "live.protocol_errors", count, lower, live_only, live, {}},
    {live_transport_errors, "live.transport_errors", count, lower, live_only, live, {}},
    {live_received_without_sent_at, "live.received_without_sent_at", count, lower, live_only, live, {}},
    {live_received_unknown_id, "live.received_unknown_id", count, lower, live_only, live, {}},  // not delivered: a stray
    {live_received_duplicate, "live.received_duplicate", count, lower, live_only, live, {}},  // not delivered: a repeat
    {live_received_wrong_recipient, "live.received_wrong_recipient", count, lower, live_only, live, {}},  // not delivered: misrouted
    {live_publish_requests, "live.publish_requests", count, neutral, live_only, live, {}},  // the load
    {live_publish_retries, "live.publish_retries", count, neutral, live_only, live, {}},  // a keep-alive closed under them
    {live_connections_peak_open, "live.connections.peak_open", count, higher, live_only, live, {}},  // of the same users, more got in
    {live_scheduling_lag_p50, "live.scheduling_lag.p50", seconds, lower, live_only, live, {}},
    {live_scheduling_lag_p99, "live.scheduling_lag.p99", seconds, lower, live_only, live, {}},
    {live_scheduling_lag_max, "live.scheduling_lag.max", seconds, lower, live_only, live, {}},
    {live_uncorrected_latency_p50, "live.uncorrected_latency.p50", seconds, lower, live_only, live, {}},
    {live_uncorrected_latency_p99, "live.uncorrected_latency.p99", seconds, lower, live_only, live, {}},
    {live_uncorrected_latency_max, "live.uncorrected_latency.max", seconds, lower, live_only, live, {}},
    {live_client_bytes_per_connection, "live.client.bytes_per_connection", bytes, lower, live_only, live, {}},
    // The parts of connections.time (per attempt that came up; docs/replay.md, "Connection time and
    // round trips"): TCP connect, TLS handshake (wss only), WebSocket upgrade, Socket.IO namespace
    // CONNECT until its acknowledgement (socketio only).
    {live_connect_tcp_mean, "live.connect.tcp.mean", seconds, lower, live_only, live, {}},
    {live_connect_tcp_p99, "live.connect.tcp.p99", seconds, lower, live_only, live, {}},
    {live_connect_tls_mean, "live.connect.tls.mean", seconds, lower, live_only, live, {}},
    {live_connect_tls_p99, "live.connect.tls.p99", seconds, lower, live_only, live, {}},
    {live_connect_upgrade_mean, "live.connect.upgrade.mean", seconds, lower, live_only, live, {}},
    {live_connect_upgrade_p99, "live.connect.upgrade.p99", seconds, lower, live_only, live, {}},
    {live_connect_namespace_mean, "live.connect.namespace.mean", seconds, lower, live_only, live, {}},
    {live_connect_namespace_p99, "live.connect.namespace.p99", seconds, lower, live_only, live, {}},
    // WebSocket ping -> pong round trips of the users' links (--rtt-interval).
    {live_link_rtt_mean, "live.link.rtt.mean", seconds, lower, live_only, live, {}},
    {live_link_rtt_p50, "live.link.rtt.p50", seconds, lower, live_only, live, {}},
    {live_link_rtt_p99, "live.link.rtt.p99", seconds, lower, live_only, live, {}},
    {live_link_rtt_max, "live.link.rtt.max", seconds, lower, live_only, live, {}},
    // Scraped from the server's Prometheus endpoint (--server-metrics): the real server's figures,
    // under live. because only a live run has them (the modelled server's are server.*).
    {live_server_cpu_seconds, "live.server.cpu.seconds", seconds, lower, live_only, live, {}},  // for the same load
    // busier is neither better nor worse by itself (as the modelled workers' utilization)
    {live_server_cpu_utilization, "live.server.cpu.utilization", ratio, neutral, live_only, live, {}},
    {live_server_event_loop_lag_p99, "live.server.event_loop_lag.p99", seconds, lower, live_only, live, {}},
    {live_server_event_loop_lag_max, "live.server.event_loop_lag.max", seconds, lower, live_only, live, {}},
    {live_server_queue_max, "live.server.queue.max", count, lower, live_only, live, {}},
    // Deliveries whose echoed sent_at is more than 1 ms off the replay's own record of the id's
    // intended send time (which the latency is measured from): a server that rewrites the field.
    {live_sent_at_mismatch, "live.sent_at_mismatch", count, lower, live_only, live, {}},
};

} // namespace catalogue_detail

/// The whole catalogue, in report order (index = static_cast<std::size_t>(id)).
inline constexpr std::span<const metric_entry> metric_catalogue_entries{catalogue_detail::table, std::size(catalogue_detail::table)};

[[nodiscard]] constexpr const metric_entry& metric_of(metric_id id) noexcept {
    return catalogue_detail::table[static_cast<std::size_t>(id)];
}

/// The entry named `name`, or nullptr for a name outside the catalogue.
[[nodiscard]] constexpr const metric_entry* find_metric(std::string_view name) noexcept {
    for (const auto& e : catalogue_detail::table)
        if (e.name == name) return &e;
    return nullptr;
}

/// Every time series of a report (docs/report.md, "Time series"): one value per window of the
/// run (the report's series.bin_seconds), in report order. Rates are per second of the window,
/// levels time-weighted means over it, latencies the window's own distribution (not a cumulative
/// one). Series are written by the meters (emit_series) by identifier, as metrics are. The modes
/// say which runs have a series: a live replay measures what its clients and its load generator
/// see (windows of scenario time on the wall clock), not the server's insides.
enum class series_id : std::uint8_t {
    notifications_rate,
    delivery_rate,
    delivery_latency_p50,
    delivery_latency_p90,
    delivery_latency_p99,
    delivery_latency_max,
    operations_latency_p99,
    server_queue_length,
    server_utilization,
    connections_open,
    offline_queue_total,
    database_connections_open,
    database_pool_wait_p99,
    memory_bytes,
    live_scheduling_lag_max,
    live_errors_rate,
};

struct series_entry {
    series_id id;
    std::string_view name;
    std::string_view unit;
    metric_modes modes;
    metric_group group;
    std::string_view label;  // a chart's title
};

namespace series_detail {  // apart from catalogue_detail: the two enums share names

using enum series_id;
using namespace metric_units;
using enum metric_modes;
using enum metric_group;

// A series that is the per-window form of a run-wide metric takes the metric's name from its entry
// (a name is written once).
inline constexpr series_entry series_table[] = {
    {notifications_rate, "notifications.rate", per_second, both, notifications, "notifications published per second"},
    {delivery_rate, "delivery.rate", per_second, both, delivery, "deliveries per second"},
    {delivery_latency_p50, metric_of(metric_id::delivery_latency_p50).name, seconds, both, delivery, "delivery latency p50"},
    {delivery_latency_p90, metric_of(metric_id::delivery_latency_p90).name, seconds, both, delivery, "delivery latency p90"},
    {delivery_latency_p99, metric_of(metric_id::delivery_latency_p99).name, seconds, both, delivery, "delivery latency p99"},
    {delivery_latency_max, metric_of(metric_id::delivery_latency_max).name, seconds, both, delivery, "delivery latency max"},
    {operations_latency_p99, metric_of(metric_id::operations_latency_p99).name, seconds, both, operations, "publish request latency p99"},
    {server_queue_length, "server.queue_length", count, sim_only, server, "server queue length (mean)"},
    {server_utilization, metric_of(metric_id::server_utilization).name, ratio, sim_only, server, "worker utilisation"},
    {connections_open, "connections.open", count, both, connections, "connections open (mean)"},
    {offline_queue_total, "offline_queue.total", count, sim_only, offline_queue, "notifications in offline queues (mean)"},
    {database_connections_open, "database.connections_open", count, sim_only, database, "database connections open (mean)"},
    {database_pool_wait_p99, metric_of(metric_id::database_pool_wait_p99).name, seconds, sim_only, database, "database pool wait p99"},
    {memory_bytes, "memory.bytes", bytes, sim_only, memory, "modelled server memory (mean)"},
    {live_scheduling_lag_max, metric_of(metric_id::live_scheduling_lag_max).name, seconds, live_only, live,
     "load generator's scheduling lag (max)"},
    {live_errors_rate, "live.errors.rate", per_second, live_only, live,
     "errors per second (failed connects and publishes, protocol and transport errors)"},
};

consteval bool series_consistent() {
    for (std::size_t i = 0; i < std::size(series_table); ++i) {
        if (static_cast<std::size_t>(series_table[i].id) != i) return false;
        for (std::size_t j = i + 1; j < std::size(series_table); ++j)
            if (series_table[i].name == series_table[j].name) return false;
    }
    return true;
}
static_assert(series_consistent(), "models/metric_catalogue.hpp: the series table is out of order or repeats a name");

} // namespace series_detail

/// Every series, in report order (index = static_cast<std::size_t>(id)).
inline constexpr std::span<const series_entry> series_catalogue_entries{series_detail::series_table,
                                                                        std::size(series_detail::series_table)};

[[nodiscard]] constexpr const series_entry& series_of(series_id id) noexcept {
    return series_detail::series_table[static_cast<std::size_t>(id)];
}

namespace catalogue_detail {

/// The table's invariants, checked when this header compiles: entries in identifier order, unique
/// names, each name starting with its group's name, and the cells of a summary row sharing one
/// label, with one cell per column.
consteval bool consistent() {
    constexpr std::size_t n = std::size(table);
    for (std::size_t i = 0; i < n; ++i) {
        const metric_entry& a = table[i];
        if (static_cast<std::size_t>(a.id) != i) return false;
        const std::string_view g = group_name(a.group);
        if (!a.name.starts_with(g) || a.name.size() <= g.size() || a.name[g.size()] != '.') return false;
        if ((a.summary.row == 0) != a.summary.label.empty()) return false;
        for (std::size_t j = i + 1; j < n; ++j) {
            const metric_entry& b = table[j];
            if (a.name == b.name) return false;
            if (a.summary.row != 0 && a.group == b.group && a.summary.row == b.summary.row &&
                (a.summary.label != b.summary.label || a.summary.column == b.summary.column))
                return false;
        }
    }
    return true;
}

static_assert(consistent(), "models/metric_catalogue.hpp: the table is out of order, repeats a name, or has a bad summary row");

} // namespace catalogue_detail

} // namespace surge::models
