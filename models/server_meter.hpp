// models/server_meter.hpp — the server's request queue and workers (models/server.hpp): queue
// length over time, the wait of each request for a worker, and the workers' busy time. Emits the
// catalogue's server.* entries.
#pragma once

#include "models/metrics.hpp"

#include <surge/stats.hpp>
#include <surge/time.hpp>

#include <algorithm>
#include <cstdint>

namespace surge::models {

class server_meter {
public:
    /// The request queue is `length` long from `t` on.
    void on_queue_length(time_point t, std::size_t length) { queue_.set(t, static_cast<double>(length)); }
    /// A worker took a request at `start` that had waited since `enqueued`.
    void on_taken(time_point start, time_point enqueued) { wait_.record((start - enqueued).count()); }
    /// A worker served a request from `start` to `end`.
    void on_served(time_point start, time_point end) noexcept { busy_s_ += (end - start).seconds_f(); }

    [[nodiscard]] const time_weighted& server_queue() const noexcept { return queue_; }
    [[nodiscard]] const histogram& queue_wait() const noexcept { return wait_; }
    [[nodiscard]] double worker_busy_s() const noexcept { return busy_s_; }

    /// `end`: the instant the run ended; `workers`: the configured worker count.
    void emit(metric_set& m, time_point end, std::int64_t workers) const {
        using id = metric_id;
        using stat = histogram_statistic;
        m.set(id::server_queue_max, queue_.max());
        m.set(id::server_queue_mean, queue_.mean(std::max(end, queue_.last_update())));
        const double span = end.seconds_f();
        m.set(id::server_utilization, span > 0 && workers > 0 ? busy_s_ / (span * static_cast<double>(workers)) : 0.0);
        emit_latency(m, wait_, {{id::server_queue_wait_mean, stat::mean}, {id::server_queue_wait_p99, stat::p99}});
    }

private:
    time_weighted queue_{};
    histogram wait_;
    double busy_s_ = 0;
};

} // namespace surge::models
