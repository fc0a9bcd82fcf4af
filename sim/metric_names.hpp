// sim/metric_names.hpp — the catalogue of report metrics a scenario's thresholds may name, with
// the unit of each (the units of models/metrics.hpp: "s", "1/s", "B", "B/s", "ratio", "count").
// The models produce these names, and surge-replay the live.* ones; a threshold on any other name
// is a scenario error.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace surge::sim {

struct metric_info {
    std::string name;
    std::string unit;
};

/// Every metric a run reports, grouped by area, in report order.
inline const std::vector<metric_info>& metric_catalogue() {
    static const std::vector<metric_info> catalogue{
        {"notifications.published", "count"},
        {"notifications.accepted", "count"},
        {"notifications.rejected", "count"},
        {"notifications.shed", "count"},
        {"notifications.rate_limited", "count"},
        {"notifications.failed", "count"},
        {"notifications.timed_out", "count"},
        {"notifications.throughput", "1/s"},
        {"operations.count", "count"},
        {"operations.success_rate", "ratio"},
        {"operations.latency.mean", "s"},
        {"operations.latency.p50", "s"},
        {"operations.latency.p90", "s"},
        {"operations.latency.p99", "s"},
        {"operations.latency.max", "s"},
        {"operations.time_per_notification", "s"},
        {"delivery.attempted", "count"},
        {"delivery.delivered", "count"},
        {"delivery.lost", "count"},
        {"delivery.dropped_send_buffer", "count"},
        {"delivery.dropped_offline", "count"},
        {"delivery.expired", "count"},
        {"delivery.pending", "count"},
        {"delivery.success_rate", "ratio"},
        {"delivery.throughput", "1/s"},
        {"delivery.latency.mean", "s"},
        {"delivery.latency.p50", "s"},
        {"delivery.latency.p90", "s"},
        {"delivery.latency.p99", "s"},
        {"delivery.latency.p999", "s"},
        {"delivery.latency.max", "s"},
        {"connections.attempts", "count"},
        {"connections.succeeded", "count"},
        {"connections.failed", "count"},
        {"connections.drops", "count"},
        {"connections.peak", "count"},
        {"connections.success_rate", "ratio"},
        {"connections.time.mean", "s"},
        {"connections.time.p50", "s"},
        {"connections.time.p99", "s"},
        {"connections.time.max", "s"},
        {"messages.sent", "count"},
        {"messages.handled", "count"},
        {"messages.throughput", "1/s"},
        {"messages.latency.mean", "s"},
        {"messages.latency.p99", "s"},
        {"broadcast.count", "count"},
        {"broadcast.recipients.mean", "count"},
        {"broadcast.time.mean", "s"},
        {"broadcast.time.p99", "s"},
        {"broadcast.time.max", "s"},
        {"offline_queue.enqueued", "count"},
        {"offline_queue.delivered", "count"},
        {"offline_queue.dropped", "count"},
        {"offline_queue.expired", "count"},
        {"offline_queue.latency.mean", "s"},
        {"offline_queue.latency.p50", "s"},
        {"offline_queue.latency.p99", "s"},
        {"offline_queue.latency.max", "s"},
        {"offline_queue.length.max", "count"},
        {"offline_queue.total.max", "count"},
        {"offline_queue.total.mean", "count"},
        {"server.queue.max", "count"},
        {"server.queue.mean", "count"},
        {"server.utilization", "ratio"},
        {"server.queue_wait.mean", "s"},
        {"server.queue_wait.p99", "s"},
        {"database.queries", "count"},
        {"database.failures", "count"},
        {"database.timeouts", "count"},
        {"database.retries", "count"},
        {"database.breaker_opens", "count"},
        {"database.breaker_rejected", "count"},
        {"database.connections.max", "count"},
        {"database.overflow.max", "count"},
        {"database.pool_wait.mean", "s"},
        {"database.pool_wait.p99", "s"},
        {"database.pool_wait.max", "s"},
        {"memory.peak_bytes", "B"},
        {"memory.final_bytes", "B"},
        {"memory.bytes_per_notification", "B"},
        {"memory.bytes_per_queued_message", "B"},
        {"memory.bytes_per_connection", "B"},
        {"memory.growth_rate", "B/s"},
        {"memory.recovered_fraction", "ratio"},
        {"simulator.peak_rss_bytes", "B"},
        // A live replay only (surge-replay, docs/replay.md): what the client side measures. A
        // simulation does not produce these, so a threshold on one fails "not measured" there.
        {"live.protocol_errors", "count"},
        {"live.transport_errors", "count"},
        {"live.received_without_sent_at", "count"},
        {"live.publish_requests", "count"},
        {"live.connections.peak_open", "count"},
        {"live.scheduling_lag.p50", "s"},
        {"live.scheduling_lag.p99", "s"},
        {"live.scheduling_lag.max", "s"},
        {"live.uncorrected_latency.p50", "s"},
        {"live.uncorrected_latency.p99", "s"},
        {"live.uncorrected_latency.max", "s"},
        {"live.client.bytes_per_connection", "B"},
    };
    return catalogue;
}

/// The names of metric_catalogue(), in the same order.
inline const std::vector<std::string>& known_metrics() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> out;
        out.reserve(metric_catalogue().size());
        for (const auto& m : metric_catalogue()) out.push_back(m.name);
        return out;
    }();
    return names;
}

/// The unit of a known metric, or an empty view for an unknown name.
inline std::string_view metric_unit(std::string_view name) {
    for (const auto& m : metric_catalogue())
        if (m.name == name) return m.unit;
    return {};
}

} // namespace surge::sim
