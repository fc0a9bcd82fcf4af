// models/offline_queue_meter.hpp — the offline queues' measurements (models/offline_queue.hpp):
// what was queued, handed over on reconnection, dropped or expired, how long the queues grew, and
// the latency of queued notifications (recorded on arrival by models/fan_out.hpp, or by a live
// replay). Emits the catalogue's offline_queue.* entries.
#pragma once

#include "models/metrics.hpp"
#include "models/series.hpp"

#include <surge/stats.hpp>
#include <surge/time.hpp>

#include <algorithm>
#include <cstdint>

namespace surge::models {

class offline_queue_meter {
public:
    /// A message of `bytes` was queued; its user's queue is now `length` long.
    void on_enqueued(time_point t, std::int64_t bytes, std::int64_t length) {
        ++enqueued_;
        bytes_sum_ += static_cast<std::uint64_t>(bytes);
        change(t, +1);
        longest_ = std::max(longest_, length);
    }
    /// A message left its queue: handed over, expired or dropped (counted by the methods below).
    void on_removed(time_point t) { change(t, -1); }
    void on_handed_over(time_point) noexcept { ++delivered_; }
    void on_dropped(time_point) noexcept { ++dropped_; }
    void on_expired(time_point) noexcept { ++expired_; }
    /// A queued notification arrived `latency_ns` after it was published.
    void on_arrived(time_point, std::int64_t latency_ns) { latency_.record(latency_ns); }

    // A live replay's counts, taken from its threads after they joined.
    void add_enqueued(std::uint64_t n) noexcept { enqueued_ += n; }
    void add_handed_over(std::uint64_t n) noexcept { delivered_ += n; }
    void merge_latency(const histogram& h) { latency_.merge(h); }

    [[nodiscard]] std::uint64_t offline_enqueued() const noexcept { return enqueued_; }
    [[nodiscard]] std::uint64_t offline_delivered() const noexcept { return delivered_; }
    [[nodiscard]] std::uint64_t dropped_offline() const noexcept { return dropped_; }
    [[nodiscard]] std::uint64_t expired() const noexcept { return expired_; }
    [[nodiscard]] std::uint64_t queued_bytes_sum() const noexcept { return bytes_sum_; }
    [[nodiscard]] const histogram& offline_latency() const noexcept { return latency_; }
    [[nodiscard]] std::int64_t offline_total() const noexcept { return total_; }
    [[nodiscard]] std::int64_t offline_total_max() const noexcept { return total_max_; }
    [[nodiscard]] std::int64_t offline_longest() const noexcept { return longest_; }
    [[nodiscard]] const time_weighted& offline_total_tw() const noexcept { return total_tw_; }

    /// `end`: the instant the run ended.
    void emit(metric_set& m, time_point end) const {
        using id = metric_id;
        auto u = [](auto v) { return static_cast<double>(v); };
        m.set(id::offline_queue_enqueued, u(enqueued_));
        m.set(id::offline_queue_delivered, u(delivered_));
        m.set(id::offline_queue_dropped, u(dropped_));
        m.set(id::offline_queue_expired, u(expired_));
        emit_histogram(m, latency_, id::offline_queue_latency_mean);
        m.set(id::offline_queue_length_max, u(longest_));
        m.set(id::offline_queue_total_max, u(total_max_));
        m.set(id::offline_queue_total_mean, total_tw_.mean(std::max(end, total_tw_.last_update())));
    }

    /// Per-window series from now on, windows of `w`.
    void start_series(duration w) { total_w_ = windowed_gauge(w); }
    void emit_series(series_set& s, time_point end) const {
        if (total_w_.on()) s.set(series_id::offline_queue_total, total_w_.means(end));
    }

private:
    void change(time_point t, std::int64_t delta) {
        total_ += delta;
        total_max_ = std::max(total_max_, total_);
        total_tw_.set(t, static_cast<double>(total_));
        total_w_.set(t, static_cast<double>(total_));
    }

    std::uint64_t enqueued_ = 0, delivered_ = 0, dropped_ = 0, expired_ = 0, bytes_sum_ = 0;
    std::int64_t total_ = 0, total_max_ = 0, longest_ = 0;  // messages in all queues; the longest queue
    time_weighted total_tw_{};
    histogram latency_;
    windowed_gauge total_w_;  // the time series (start_series)

};

} // namespace surge::models
