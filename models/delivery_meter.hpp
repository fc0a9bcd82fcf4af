// models/delivery_meter.hpp — the fate of each copy of a notification sent to a connected user
// (models/fan_out.hpp, or a live replay's clients): attempted, delivered, lost on a dead link,
// dropped by a full send buffer; with the offline queues' drops and expiries (their own meter)
// this gives the delivery success rate. Emits the catalogue's delivery.* entries.
#pragma once

#include "models/activity_window.hpp"
#include "models/metrics.hpp"
#include "models/series.hpp"
#include "models/offline_queue_meter.hpp"

#include <surge/stats.hpp>
#include <surge/time.hpp>

#include <cstdint>

namespace surge::models {

class delivery_meter {
public:
    /// A copy was handed to a connected recipient's link.
    void on_attempted(time_point, std::uint64_t n = 1) noexcept { attempted_ += n; }
    /// A copy arrived; a copy from an offline queue has its latency in the offline queues' meter.
    void on_delivered(time_point t) {
        ++delivered_;
        delivered_w_.add(t);
    }
    void on_delivered(time_point t, std::int64_t latency_ns) {
        ++delivered_;
        latency_.record(latency_ns);
        delivered_w_.add(t);
        latency_w_.record(t, latency_ns);
    }
    void on_lost(time_point, std::uint64_t n = 1) noexcept { lost_ += n; }
    void on_dropped_send_buffer(time_point) noexcept { ++dropped_send_buffer_; }
    /// The delivering span: from the first publish request to the last delivery.
    void active_at(time_point t) noexcept { window_.note(t); }

    [[nodiscard]] std::uint64_t attempted() const noexcept { return attempted_; }
    [[nodiscard]] std::uint64_t delivered() const noexcept { return delivered_; }
    [[nodiscard]] std::uint64_t lost() const noexcept { return lost_; }
    [[nodiscard]] std::uint64_t dropped_send_buffer() const noexcept { return dropped_send_buffer_; }
    [[nodiscard]] const histogram& delivery_latency() const noexcept { return latency_; }

    /// `pending`: messages still on links or in queues at the end; `offline`: its drops and expiries.
    void emit(metric_set& m, double load_seconds, std::uint64_t pending, const offline_queue_meter& offline) const {
        using id = metric_id;
        auto u = [](std::uint64_t v) { return static_cast<double>(v); };
        const std::uint64_t dropped_offline = offline.dropped_offline(), expired = offline.expired();
        m.set(id::delivery_attempted, u(attempted_));
        m.set(id::delivery_delivered, u(delivered_));
        m.set(id::delivery_lost, u(lost_));
        m.set(id::delivery_dropped_send_buffer, u(dropped_send_buffer_));
        m.set(id::delivery_dropped_offline, u(dropped_offline));
        m.set(id::delivery_expired, u(expired));
        m.set(id::delivery_pending, u(pending));
        m.set(id::delivery_success_rate,
              success_ratio(delivered_, delivered_ + lost_ + dropped_send_buffer_ + dropped_offline + expired));
        m.set(id::delivery_throughput, window_.rate(u(delivered_), load_seconds));
        emit_histogram(m, latency_, id::delivery_latency_mean);
    }

    /// Per-window series from now on, windows of `w`.
    void start_series(duration w) {
        delivered_w_ = windowed_counter(w);
        latency_w_ = windowed_histogram(w);
    }
    void emit_series(series_set& s, time_point end) const {
        if (!delivered_w_.on()) return;
        s.set(series_id::delivery_rate, delivered_w_.rates(end));
        const auto w = latency_w_.summaries(end);
        s.set(series_id::delivery_latency_p50, seconds_per_window(w, histogram_statistic::p50));
        s.set(series_id::delivery_latency_p90, seconds_per_window(w, histogram_statistic::p90));
        s.set(series_id::delivery_latency_p99, seconds_per_window(w, histogram_statistic::p99));
        s.set(series_id::delivery_latency_max, seconds_per_window(w, histogram_statistic::max));
    }

private:
    std::uint64_t attempted_ = 0, delivered_ = 0, lost_ = 0, dropped_send_buffer_ = 0;
    histogram latency_;  // copies sent to a connected user (not from an offline queue)
    activity_window window_;
    windowed_counter delivered_w_;     // the time series (start_series)
    windowed_histogram latency_w_;
};

} // namespace surge::models
