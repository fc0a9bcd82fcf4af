// models/recorder.hpp — what the models measure while a scenario runs, and how those measurements
// become the report's metrics (the names of docs/report.md). Every model writes into one recorder;
// nothing here reads the wall clock.
#pragma once

#include "models/metrics.hpp"
#include "models/params.hpp"

#include <surge/stats.hpp>
#include <surge/time.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <initializer_list>
#include <utility>
#include <vector>

namespace surge::models {

/// Modelled memory of the real service, by what holds it.
class memory_meter {
public:
    enum category : std::uint8_t { connections, requests, notifications, send_buffers, offline_queues, count_ };

    void add(time_point t, category c, std::int64_t bytes) {
        by_[c] += bytes;
        total_ += bytes;
        if (total_ > peak_) peak_ = total_;
        if (c == connections || c == send_buffers) conn_bytes_.set(t, static_cast<double>(by_[connections] + by_[send_buffers]));
    }
    void sample(time_point t) { samples_.push_back({t.seconds_f(), static_cast<double>(total_)}); }
    [[nodiscard]] std::int64_t total() const noexcept { return total_; }
    [[nodiscard]] std::int64_t peak() const noexcept { return peak_; }
    [[nodiscard]] std::int64_t of(category c) const noexcept { return by_[c]; }
    [[nodiscard]] const time_weighted& connection_bytes() const noexcept { return conn_bytes_; }

    /// Least-squares slope of the sampled total, bytes per second; 0 with fewer than 2 samples.
    [[nodiscard]] double growth_rate() const noexcept {
        const auto n = static_cast<double>(samples_.size());
        if (samples_.size() < 2) return 0;
        double sx = 0, sy = 0;
        for (const auto& s : samples_) { sx += s.t; sy += s.bytes; }
        const double mx = sx / n, my = sy / n;
        double sxy = 0, sxx = 0;
        for (const auto& s : samples_) {
            sxy += (s.t - mx) * (s.bytes - my);
            sxx += (s.t - mx) * (s.t - mx);
        }
        return sxx > 0 ? sxy / sxx : 0;
    }

private:
    struct point { double t; double bytes; };
    std::int64_t by_[count_] = {};
    std::int64_t total_ = 0;
    std::int64_t peak_ = 0;
    time_weighted conn_bytes_;
    std::vector<point> samples_;
};

/// The span of virtual time in which something happened: throughputs are counts over it, so a
/// test that sends 1 000 notifications in 3 s of a 60 s scenario reports their rate, not 1000/60.
struct activity_window {
    bool seen = false;
    time_point first{}, last{};
    void note(time_point t) noexcept {
        if (!seen) first = t;
        seen = true;
        last = t;
    }
    /// count / span; count / fallback_seconds when the span is empty.
    [[nodiscard]] double rate(double count, double fallback_seconds) const noexcept {
        const double span = seen ? (last - first).seconds_f() : 0.0;
        if (span > 0) return count / span;
        return fallback_seconds > 0 ? count / fallback_seconds : 0.0;
    }
};

/// All measurements of one run.
struct recorder {
    activity_window publishing;     // first publish request .. last notification stored
    activity_window delivering;     // first publish request .. last delivery
    activity_window messaging;      // first client message sent .. last one handled
    tally per_notification;         // a successful operation's latency divided by its batch
    // publishing
    std::uint64_t published = 0, accepted = 0, rejected = 0, shed = 0, rate_limited = 0, failed = 0, timed_out = 0;
    std::uint64_t persisted = 0;                 // notifications stored and fanned out
    std::uint64_t operations = 0, operations_ok = 0;
    histogram operation_latency;
    // delivery
    std::uint64_t attempted = 0, delivered = 0, lost = 0, dropped_send_buffer = 0, dropped_offline = 0, expired = 0;
    histogram delivery_latency;     // notifications sent to a connected user
    histogram offline_latency;      // notifications delivered from an offline queue on reconnection
    // connections
    std::uint64_t connect_attempts = 0, connect_ok = 0, connect_failed = 0, drops = 0;
    std::int64_t connected_now = 0, connected_peak = 0;
    time_weighted connected{};
    histogram connect_time;
    // client messages
    std::uint64_t messages_sent = 0, messages_handled = 0;
    histogram message_latency;
    // broadcasts
    std::uint64_t broadcasts = 0;
    tally broadcast_recipients;
    histogram broadcast_time;
    // offline queues
    std::uint64_t offline_enqueued = 0, offline_delivered = 0;
    std::int64_t offline_total = 0, offline_longest = 0;
    time_weighted offline_total_tw{};
    std::int64_t offline_total_max = 0;
    std::uint64_t queued_bytes_sum = 0;
    // server
    time_weighted server_queue{};
    histogram queue_wait;
    double worker_busy_s = 0;
    // database
    std::uint64_t db_queries = 0, db_failures = 0, db_timeouts = 0, db_retries = 0, breaker_opens = 0,
                  breaker_rejected = 0;
    std::int64_t db_connections_max = 0, db_overflow_max = 0;
    histogram pool_wait;
    // memory
    memory_meter memory;
    std::uint64_t notification_bytes_sum = 0, notifications_created = 0;

    void connection_change(time_point t, std::int64_t delta) {
        connected_now += delta;
        connected_peak = std::max(connected_peak, connected_now);
        connected.set(t, static_cast<double>(connected_now));
    }
    void offline_change(time_point t, std::int64_t delta) {
        offline_total += delta;
        offline_total_max = std::max(offline_total_max, offline_total);
        offline_total_tw.set(t, static_cast<double>(offline_total));
    }

    /// The report's metrics at the end of a run that simulated up to `end` (`load_seconds` of it
    /// with load), with `workers` workers and `pending` messages still queued or on links. Set in
    /// catalogue order, which is the report's order.
    [[nodiscard]] metric_set to_metrics(time_point end, double load_seconds, std::int64_t workers,
                                        std::uint64_t pending) const {
        using id = metric_id;
        using stat = histogram_statistic;
        metric_set m;
        const double secs = std::max(load_seconds, 1e-9);
        auto ratio = [](std::uint64_t a, std::uint64_t b) { return b == 0 ? 1.0 : static_cast<double>(a) / static_cast<double>(b); };
        auto latency = [&m](const histogram& h, std::initializer_list<std::pair<metric_id, histogram_statistic>> which) {
            if (h.count() == 0) return;  // not measured: thresholds on it fail with "not measured"
            for (const auto& [entry, statistic] : which) m.set(entry, seconds_of(h, statistic));
        };
        auto u = [](auto v) { return static_cast<double>(v); };

        m.set(id::notifications_published, u(published));
        m.set(id::notifications_accepted, u(accepted));
        m.set(id::notifications_rejected, u(rejected));
        m.set(id::notifications_shed, u(shed));
        m.set(id::notifications_rate_limited, u(rate_limited));
        m.set(id::notifications_failed, u(failed));
        m.set(id::notifications_timed_out, u(timed_out));
        m.set(id::notifications_throughput, publishing.rate(u(persisted), secs));
        m.set(id::operations_count, u(operations));
        m.set(id::operations_success_rate, ratio(operations_ok, operations));
        latency(operation_latency, {{id::operations_latency_mean, stat::mean}, {id::operations_latency_p50, stat::p50},
                                    {id::operations_latency_p90, stat::p90}, {id::operations_latency_p99, stat::p99},
                                    {id::operations_latency_max, stat::max}});
        if (per_notification.count() > 0) m.set(id::operations_time_per_notification, per_notification.mean());

        m.set(id::delivery_attempted, u(attempted));
        m.set(id::delivery_delivered, u(delivered));
        m.set(id::delivery_lost, u(lost));
        m.set(id::delivery_dropped_send_buffer, u(dropped_send_buffer));
        m.set(id::delivery_dropped_offline, u(dropped_offline));
        m.set(id::delivery_expired, u(expired));
        m.set(id::delivery_pending, u(pending));
        m.set(id::delivery_success_rate, ratio(delivered, delivered + lost + dropped_send_buffer + dropped_offline + expired));
        m.set(id::delivery_throughput, delivering.rate(u(delivered), secs));
        latency(delivery_latency, {{id::delivery_latency_mean, stat::mean}, {id::delivery_latency_p50, stat::p50},
                                   {id::delivery_latency_p90, stat::p90}, {id::delivery_latency_p99, stat::p99},
                                   {id::delivery_latency_p999, stat::p999}, {id::delivery_latency_max, stat::max}});

        m.set(id::connections_attempts, u(connect_attempts));
        m.set(id::connections_succeeded, u(connect_ok));
        m.set(id::connections_failed, u(connect_failed));
        m.set(id::connections_drops, u(drops));
        m.set(id::connections_peak, u(connected_peak));
        m.set(id::connections_success_rate, ratio(connect_ok, connect_ok + connect_failed));
        latency(connect_time, {{id::connections_time_mean, stat::mean}, {id::connections_time_p50, stat::p50},
                               {id::connections_time_p99, stat::p99}, {id::connections_time_max, stat::max}});

        m.set(id::messages_sent, u(messages_sent));
        m.set(id::messages_handled, u(messages_handled));
        m.set(id::messages_throughput, messaging.rate(u(messages_handled), secs));
        latency(message_latency, {{id::messages_latency_mean, stat::mean}, {id::messages_latency_p99, stat::p99}});

        m.set(id::broadcast_count, u(broadcasts));
        if (broadcasts > 0) m.set(id::broadcast_recipients_mean, broadcast_recipients.mean());
        latency(broadcast_time, {{id::broadcast_time_mean, stat::mean}, {id::broadcast_time_p99, stat::p99},
                                 {id::broadcast_time_max, stat::max}});

        m.set(id::offline_queue_enqueued, u(offline_enqueued));
        m.set(id::offline_queue_delivered, u(offline_delivered));
        m.set(id::offline_queue_dropped, u(dropped_offline));
        m.set(id::offline_queue_expired, u(expired));
        latency(offline_latency, {{id::offline_queue_latency_mean, stat::mean}, {id::offline_queue_latency_p50, stat::p50},
                                  {id::offline_queue_latency_p99, stat::p99}, {id::offline_queue_latency_max, stat::max}});
        m.set(id::offline_queue_length_max, u(offline_longest));
        m.set(id::offline_queue_total_max, u(offline_total_max));
        m.set(id::offline_queue_total_mean, offline_total_tw.mean(std::max(end, offline_total_tw.last_update())));

        m.set(id::server_queue_max, server_queue.max());
        m.set(id::server_queue_mean, server_queue.mean(std::max(end, server_queue.last_update())));
        const double span = end.seconds_f();
        m.set(id::server_utilization, span > 0 && workers > 0 ? worker_busy_s / (span * u(workers)) : 0.0);
        latency(queue_wait, {{id::server_queue_wait_mean, stat::mean}, {id::server_queue_wait_p99, stat::p99}});

        m.set(id::database_queries, u(db_queries));
        m.set(id::database_failures, u(db_failures));
        m.set(id::database_timeouts, u(db_timeouts));
        m.set(id::database_retries, u(db_retries));
        m.set(id::database_breaker_opens, u(breaker_opens));
        m.set(id::database_breaker_rejected, u(breaker_rejected));
        m.set(id::database_connections_max, u(db_connections_max));
        m.set(id::database_overflow_max, u(db_overflow_max));
        latency(pool_wait, {{id::database_pool_wait_mean, stat::mean}, {id::database_pool_wait_p99, stat::p99},
                            {id::database_pool_wait_max, stat::max}});

        m.set(id::memory_peak_bytes, u(memory.peak()));
        m.set(id::memory_final_bytes, u(memory.total()));
        if (notifications_created > 0) m.set(id::memory_bytes_per_notification, u(notification_bytes_sum) / u(notifications_created));
        if (offline_enqueued > 0) m.set(id::memory_bytes_per_queued_message, u(queued_bytes_sum) / u(offline_enqueued));
        const time_point until = std::max({end, connected.last_update(), memory.connection_bytes().last_update()});
        const double conn_area = connected.integral(until);
        if (conn_area > 0) m.set(id::memory_bytes_per_connection, memory.connection_bytes().integral(until) / conn_area);
        m.set(id::memory_growth_rate, memory.growth_rate());
        m.set(id::memory_recovered_fraction, memory.peak() > 0 ? u(memory.peak() - memory.total()) / u(memory.peak()) : 0.0);
        return m;
    }
};

} // namespace surge::models
