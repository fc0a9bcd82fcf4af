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
#include <string>
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
    /// with load), with `workers` workers and `pending` messages still queued or on links.
    [[nodiscard]] metric_set to_metrics(time_point end, double load_seconds, std::int64_t workers,
                                        std::uint64_t pending) const {
        metric_set m;
        const double secs = std::max(load_seconds, 1e-9);
        auto ratio = [](std::uint64_t a, std::uint64_t b) { return b == 0 ? 1.0 : static_cast<double>(a) / static_cast<double>(b); };
        auto latency = [&m](const std::string& base, const histogram& h, std::initializer_list<const char*> which) {
            if (h.count() == 0) return;  // not measured: thresholds on it fail with "not measured"
            for (const char* w : which) {
                const std::string n = base + "." + w;
                double v = 0;
                const std::string s = w;
                if (s == "mean") v = h.mean() * 1e-9;
                else if (s == "max") v = static_cast<double>(h.max()) * 1e-9;
                else if (s == "p50") v = static_cast<double>(h.percentile(50.0)) * 1e-9;
                else if (s == "p90") v = static_cast<double>(h.percentile(90.0)) * 1e-9;
                else if (s == "p99") v = static_cast<double>(h.percentile(99.0)) * 1e-9;
                else if (s == "p999") v = static_cast<double>(h.percentile(99.9)) * 1e-9;
                m.set(n, v, "s");
            }
        };
        auto count = [&m](const char* n, double v) { m.set(n, v, "count"); };
        auto u = [](auto v) { return static_cast<double>(v); };

        count("notifications.published", u(published));
        count("notifications.accepted", u(accepted));
        count("notifications.rejected", u(rejected));
        count("notifications.shed", u(shed));
        count("notifications.rate_limited", u(rate_limited));
        count("notifications.failed", u(failed));
        count("notifications.timed_out", u(timed_out));
        m.set("notifications.throughput", publishing.rate(u(persisted), secs), "1/s");
        count("operations.count", u(operations));
        m.set("operations.success_rate", ratio(operations_ok, operations), "ratio");
        latency("operations.latency", operation_latency, {"mean", "p50", "p90", "p99", "max"});
        if (per_notification.count() > 0) m.set("operations.time_per_notification", per_notification.mean(), "s");

        count("delivery.attempted", u(attempted));
        count("delivery.delivered", u(delivered));
        count("delivery.lost", u(lost));
        count("delivery.dropped_send_buffer", u(dropped_send_buffer));
        count("delivery.dropped_offline", u(dropped_offline));
        count("delivery.expired", u(expired));
        count("delivery.pending", u(pending));
        m.set("delivery.success_rate",
              ratio(delivered, delivered + lost + dropped_send_buffer + dropped_offline + expired), "ratio");
        m.set("delivery.throughput", delivering.rate(u(delivered), secs), "1/s");
        latency("delivery.latency", delivery_latency, {"mean", "p50", "p90", "p99", "p999", "max"});

        count("connections.attempts", u(connect_attempts));
        count("connections.succeeded", u(connect_ok));
        count("connections.failed", u(connect_failed));
        count("connections.drops", u(drops));
        count("connections.peak", u(connected_peak));
        m.set("connections.success_rate", ratio(connect_ok, connect_ok + connect_failed), "ratio");
        latency("connections.time", connect_time, {"mean", "p50", "p99", "max"});

        count("messages.sent", u(messages_sent));
        count("messages.handled", u(messages_handled));
        m.set("messages.throughput", messaging.rate(u(messages_handled), secs), "1/s");
        latency("messages.latency", message_latency, {"mean", "p99"});

        count("broadcast.count", u(broadcasts));
        if (broadcasts > 0) count("broadcast.recipients.mean", broadcast_recipients.mean());
        latency("broadcast.time", broadcast_time, {"mean", "p99", "max"});

        count("offline_queue.enqueued", u(offline_enqueued));
        count("offline_queue.delivered", u(offline_delivered));
        count("offline_queue.dropped", u(dropped_offline));
        count("offline_queue.expired", u(expired));
        latency("offline_queue.latency", offline_latency, {"mean", "p50", "p99", "max"});
        count("offline_queue.length.max", u(offline_longest));
        count("offline_queue.total.max", u(offline_total_max));
        count("offline_queue.total.mean", offline_total_tw.mean(std::max(end, offline_total_tw.last_update())));

        count("server.queue.max", server_queue.max());
        count("server.queue.mean", server_queue.mean(std::max(end, server_queue.last_update())));
        const double span = end.seconds_f();
        m.set("server.utilization", span > 0 && workers > 0 ? worker_busy_s / (span * u(workers)) : 0.0, "ratio");
        latency("server.queue_wait", queue_wait, {"mean", "p99"});

        count("database.queries", u(db_queries));
        count("database.failures", u(db_failures));
        count("database.timeouts", u(db_timeouts));
        count("database.retries", u(db_retries));
        count("database.breaker_opens", u(breaker_opens));
        count("database.breaker_rejected", u(breaker_rejected));
        count("database.connections.max", u(db_connections_max));
        count("database.overflow.max", u(db_overflow_max));
        latency("database.pool_wait", pool_wait, {"mean", "p99", "max"});

        m.set("memory.peak_bytes", u(memory.peak()), "B");
        m.set("memory.final_bytes", u(memory.total()), "B");
        if (notifications_created > 0)
            m.set("memory.bytes_per_notification", u(notification_bytes_sum) / u(notifications_created), "B");
        if (offline_enqueued > 0)
            m.set("memory.bytes_per_queued_message", u(queued_bytes_sum) / u(offline_enqueued), "B");
        const time_point until = std::max({end, connected.last_update(), memory.connection_bytes().last_update()});
        const double conn_area = connected.integral(until);
        if (conn_area > 0)
            m.set("memory.bytes_per_connection", memory.connection_bytes().integral(until) / conn_area, "B");
        m.set("memory.growth_rate", memory.growth_rate(), "B/s");
        m.set("memory.recovered_fraction",
              memory.peak() > 0 ? u(memory.peak() - memory.total()) / u(memory.peak()) : 0.0, "ratio");
        return m;
    }
};

} // namespace surge::models
