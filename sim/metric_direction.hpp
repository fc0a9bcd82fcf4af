// sim/metric_direction.hpp — which way is better for each report metric, for `surge diff`'s
// regression verdicts. It sits next to the metric catalogue (sim/metric_names.hpp) and covers
// every name in it (tests/sim/test_diff.cpp checks that); names outside the catalogue (a live
// report's extra metrics, a newer surge's) fall back to rules on the name's last parts.
//
//   higher   more is better: throughputs, success rates, delivered counts, recovered_fraction
//   lower    less is better: latencies, times, waits, failures, drops, queue lengths, memory
//   neutral  a count that describes the load rather than the system (published, attempts)
#pragma once

#include <string_view>
#include <utility>

namespace surge::sim {

enum class metric_direction { higher, lower, neutral };

inline constexpr std::string_view direction_name(metric_direction d) {
    switch (d) {
    case metric_direction::higher: return "higher is better";
    case metric_direction::lower: return "lower is better";
    case metric_direction::neutral: return "neutral";
    }
    return "neutral";
}

namespace direction_detail {

using enum metric_direction;

struct entry {
    std::string_view name;
    metric_direction direction;
};

/// Every metric of sim/metric_names.hpp, in catalogue order.
inline constexpr entry table[] = {
    {"notifications.published", neutral},          // the load
    {"notifications.accepted", higher},            // of the same load, more got in
    {"notifications.rejected", lower},
    {"notifications.shed", lower},
    {"notifications.rate_limited", lower},
    {"notifications.failed", lower},
    {"notifications.timed_out", lower},
    {"notifications.throughput", higher},
    {"operations.count", neutral},                 // requests answered: the load
    {"operations.success_rate", higher},
    {"operations.latency.mean", lower},
    {"operations.latency.p50", lower},
    {"operations.latency.p90", lower},
    {"operations.latency.p99", lower},
    {"operations.latency.max", lower},
    {"operations.time_per_notification", lower},
    {"delivery.attempted", neutral},               // one per recipient: the load
    {"delivery.delivered", higher},
    {"delivery.lost", lower},
    {"delivery.dropped_send_buffer", lower},
    {"delivery.dropped_offline", lower},
    {"delivery.expired", lower},
    {"delivery.pending", lower},                   // still undelivered when the run ended
    {"delivery.success_rate", higher},
    {"delivery.throughput", higher},
    {"delivery.latency.mean", lower},
    {"delivery.latency.p50", lower},
    {"delivery.latency.p90", lower},
    {"delivery.latency.p99", lower},
    {"delivery.latency.p999", lower},
    {"delivery.latency.max", lower},
    {"connections.attempts", neutral},             // first connects and reconnects: the load
    {"connections.succeeded", neutral},            // grows with reconnects after drops
    {"connections.failed", lower},
    {"connections.drops", lower},
    {"connections.peak", higher},                  // users connected at once
    {"connections.success_rate", higher},
    {"connections.time.mean", lower},
    {"connections.time.p50", lower},
    {"connections.time.p99", lower},
    {"connections.time.max", lower},
    {"messages.sent", neutral},                    // the load
    {"messages.handled", higher},
    {"messages.throughput", higher},
    {"messages.latency.mean", lower},
    {"messages.latency.p99", lower},
    {"broadcast.count", neutral},                  // the load
    {"broadcast.recipients.mean", higher},         // users a broadcast reached
    {"broadcast.time.mean", lower},
    {"broadcast.time.p99", lower},
    {"broadcast.time.max", lower},
    {"offline_queue.enqueued", neutral},           // users offline when notified: the load
    {"offline_queue.delivered", higher},
    {"offline_queue.dropped", lower},
    {"offline_queue.expired", lower},
    {"offline_queue.latency.mean", lower},
    {"offline_queue.latency.p50", lower},
    {"offline_queue.latency.p99", lower},
    {"offline_queue.latency.max", lower},
    {"offline_queue.length.max", lower},
    {"offline_queue.total.max", lower},
    {"offline_queue.total.mean", lower},
    {"server.queue.max", lower},
    {"server.queue.mean", lower},
    {"server.utilization", neutral},               // busier is neither better nor worse by itself
    {"server.queue_wait.mean", lower},
    {"server.queue_wait.p99", lower},
    {"database.queries", neutral},                 // the load
    {"database.failures", lower},
    {"database.timeouts", lower},
    {"database.retries", lower},
    {"database.breaker_opens", lower},
    {"database.breaker_rejected", lower},
    {"database.connections.max", lower},
    {"database.overflow.max", lower},
    {"database.pool_wait.mean", lower},
    {"database.pool_wait.p99", lower},
    {"database.pool_wait.max", lower},
    {"memory.peak_bytes", lower},
    {"memory.final_bytes", lower},
    {"memory.bytes_per_notification", lower},
    {"memory.bytes_per_queued_message", lower},
    {"memory.bytes_per_connection", lower},
    {"memory.growth_rate", lower},
    {"memory.recovered_fraction", higher},
    {"simulator.peak_rss_bytes", lower},
    {"live.protocol_errors", lower},
    {"live.transport_errors", lower},
    {"live.received_without_sent_at", lower},
    {"live.publish_requests", neutral},             // the load
    {"live.connections.peak_open", higher},         // of the same users, more got in
    {"live.scheduling_lag.p50", lower},
    {"live.scheduling_lag.p99", lower},
    {"live.scheduling_lag.max", lower},
    {"live.uncorrected_latency.p50", lower},
    {"live.uncorrected_latency.p99", lower},
    {"live.uncorrected_latency.max", lower},
    {"live.client.bytes_per_connection", lower},
};

inline constexpr bool ends_with_part(std::string_view name, std::string_view part) {
    return name == part || (name.size() > part.size() && name.ends_with(part) &&
                            name[name.size() - part.size() - 1] == '.');
}

inline constexpr bool has_part(std::string_view name, std::string_view part) {
    std::size_t start = 0;
    while (start <= name.size()) {
        const std::size_t dot = name.find('.', start);
        const std::string_view p = name.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
        if (p == part) return true;
        if (dot == std::string_view::npos) break;
        start = dot + 1;
    }
    return false;
}

} // namespace direction_detail

/// Whether `name` is in the table (as opposed to classified by the fallback rules).
inline constexpr bool metric_direction_known(std::string_view name) {
    for (const auto& e : direction_detail::table)
        if (e.name == name) return true;
    return false;
}

/// The direction of `name`: the table's entry, else by its parts — success_rate, throughput,
/// delivered, handled, recovered_fraction: higher; latency, time, wait, bytes, memory, failures,
/// errors, drops, lost, dropped, rejected, timeouts, queue lengths: lower; anything else neutral.
inline constexpr metric_direction direction_of(std::string_view name) {
    using namespace direction_detail;
    for (const auto& e : table)
        if (e.name == name) return e.direction;
    for (std::string_view p : {"success_rate", "throughput", "delivered", "handled", "recovered_fraction"})
        if (has_part(name, p)) return metric_direction::higher;
    for (std::string_view p : {"latency", "time", "wait", "pool_wait", "queue_wait", "failures", "failed", "errors",
                               "timeouts", "timed_out", "drops", "lost", "dropped", "rejected", "expired"})
        if (has_part(name, p)) return metric_direction::lower;
    if (name.starts_with("memory.") || ends_with_part(name, "bytes") || name.ends_with("_bytes")) return metric_direction::lower;
    return metric_direction::neutral;
}

} // namespace surge::sim
