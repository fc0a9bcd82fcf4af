// models/server_meter.hpp — the server's request queue and workers (models/server.hpp): queue
// length over time, the wait of each request for a worker, and the workers' busy time. Emits the
// catalogue's server.* entries.
#pragma once

#include "models/metrics.hpp"
#include "models/series.hpp"

#include <surge/stats.hpp>
#include <surge/time.hpp>

#include <algorithm>
#include <cstdint>

namespace surge::models {

class server_meter {
public:
    /// The request queue is `length` long from `t` on.
    void on_queue_length(time_point t, std::size_t length) {
        queue_.set(t, static_cast<double>(length));
        queue_w_.set(t, static_cast<double>(length));
    }
    /// A worker took a request at `start` that had waited since `enqueued`.
    void on_taken(time_point start, time_point enqueued) { wait_.record((start - enqueued).count()); }
    /// A worker begins or ends serving a request. Busy time is the integral of busy workers over
    /// time, in integer nanoseconds, so a request still in service when the run ends counts up to
    /// the end instant (summing finished requests alone under-reports a run that ends mid-request).
    void on_service_start(time_point t) { busy_change(t, +1); }
    void on_service_end(time_point t) { busy_change(t, -1); }

    [[nodiscard]] const time_weighted& server_queue() const noexcept { return queue_; }
    [[nodiscard]] const histogram& queue_wait() const noexcept { return wait_; }
    /// Worker-seconds of service up to `end` (which is not before the last start or end).
    [[nodiscard]] double worker_busy_s(time_point end) const noexcept { return static_cast<double>(busy_ns(end)) / 1e9; }
    [[nodiscard]] std::int64_t busy_workers() const noexcept { return busy_now_; }

    /// `end`: the instant the run ended; `workers`: the configured worker count.
    void emit(metric_set& m, time_point end, std::int64_t workers) const {
        using id = metric_id;
        m.set(id::server_queue_max, queue_.max());
        m.set(id::server_queue_mean, queue_.mean(std::max(end, queue_.last_update())));
        // Integer nanoseconds to one division: a busy fraction of 0.9 is printed as 0.9.
        const std::int64_t span_ns = (end - time_point{}).count();
        m.set(id::server_utilization, span_ns > 0 && workers > 0
                                          ? static_cast<double>(busy_ns(end)) / (static_cast<double>(span_ns) * static_cast<double>(workers))
                                          : 0.0);
        emit_histogram(m, wait_, id::server_queue_wait_mean);
    }

    /// Per-window series from now on, windows of `w`.
    void start_series(duration w) {
        queue_w_ = windowed_gauge(w);
        busy_w_ = windowed_gauge(w);
    }
    /// `workers`: the configured worker count (utilisation = mean busy workers / workers).
    void emit_series(series_set& s, time_point end, std::int64_t workers) const {
        if (!queue_w_.on()) return;
        s.set(series_id::server_queue_length, queue_w_.means(end));
        auto busy = busy_w_.means(end);
        for (auto& b : busy) b = workers > 0 ? b / static_cast<double>(workers) : 0.0;
        s.set(series_id::server_utilization, std::move(busy));
    }

private:
    void busy_change(time_point t, std::int64_t delta) {
        busy_ns_ += busy_now_ * (t - busy_since_).count();
        busy_since_ = t;
        busy_now_ += delta;
        busy_w_.set(t, static_cast<double>(busy_now_));
    }
    [[nodiscard]] std::int64_t busy_ns(time_point end) const noexcept {
        return busy_ns_ + busy_now_ * std::max<std::int64_t>(0, (end - busy_since_).count());
    }

    time_weighted queue_{};
    histogram wait_;
    std::int64_t busy_ns_ = 0;   // worker-nanoseconds of service up to busy_since_
    std::int64_t busy_now_ = 0;  // workers serving a request
    time_point busy_since_{};
    windowed_gauge queue_w_;   // the time series (start_series)
    windowed_gauge busy_w_;

};

} // namespace surge::models
