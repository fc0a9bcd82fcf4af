// models/memory_meter.hpp — the memory the real service would hold, by what holds it (each model
// adds and removes its bytes: connections, requests, notifications, send buffers, offline queues),
// sampled over the run for the growth rate. Emits the catalogue's memory.* entries.
#pragma once

#include "models/connection_meter.hpp"
#include "models/metrics.hpp"
#include "models/series.hpp"
#include "models/offline_queue_meter.hpp"

#include <surge/stats.hpp>
#include <surge/time.hpp>

#include <algorithm>
#include <cstdint>
#include <vector>

namespace surge::models {

class memory_meter {
public:
    enum category : std::uint8_t { connections, requests, notifications, send_buffers, offline_queues, count_ };

    void add(time_point t, category c, std::int64_t bytes) {
        by_[c] += bytes;
        total_ += bytes;
        if (total_ > peak_) peak_ = total_;
        total_w_.set(t, static_cast<double>(total_));
        if (c == connections || c == send_buffers) conn_bytes_.set(t, static_cast<double>(by_[connections] + by_[send_buffers]));
    }
    /// A notification object of `bytes` was created (for the bytes per notification).
    void on_notification_created(time_point, std::int64_t bytes) noexcept {
        ++notifications_created_;
        notification_bytes_sum_ += static_cast<std::uint64_t>(bytes);
    }
    void sample(time_point t) { samples_.push_back({t.seconds_f(), static_cast<double>(total_)}); }

    [[nodiscard]] std::int64_t total() const noexcept { return total_; }
    [[nodiscard]] std::int64_t peak() const noexcept { return peak_; }
    [[nodiscard]] std::int64_t of(category c) const noexcept { return by_[c]; }
    [[nodiscard]] const time_weighted& connection_bytes() const noexcept { return conn_bytes_; }
    [[nodiscard]] std::uint64_t notifications_created() const noexcept { return notifications_created_; }
    [[nodiscard]] std::uint64_t notification_bytes_sum() const noexcept { return notification_bytes_sum_; }

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

    /// Bytes per connection weigh the connection bytes by the connections held (`conns`); bytes
    /// per queued message come from the offline queues' meter. `end`: the instant the run ended.
    void emit(metric_set& m, time_point end, const connection_meter& conns, const offline_queue_meter& offline) const {
        using id = metric_id;
        auto u = [](auto v) { return static_cast<double>(v); };
        m.set(id::memory_peak_bytes, u(peak_));
        m.set(id::memory_final_bytes, u(total_));
        if (notifications_created_ > 0) m.set(id::memory_bytes_per_notification, u(notification_bytes_sum_) / u(notifications_created_));
        if (offline.offline_enqueued() > 0)
            m.set(id::memory_bytes_per_queued_message, u(offline.queued_bytes_sum()) / u(offline.offline_enqueued()));
        const time_weighted& connected = conns.connected();
        const time_point until = std::max({end, connected.last_update(), conn_bytes_.last_update()});
        const double conn_area = connected.integral(until);
        if (conn_area > 0) m.set(id::memory_bytes_per_connection, conn_bytes_.integral(until) / conn_area);
        m.set(id::memory_growth_rate, growth_rate());
        m.set(id::memory_recovered_fraction, peak_ > 0 ? u(peak_ - total_) / u(peak_) : 0.0);
    }

    /// Per-window series from now on, windows of `w`.
    void start_series(duration w) { total_w_ = windowed_gauge(w); }
    void emit_series(series_set& s, time_point end) const {
        if (total_w_.on()) s.set(series_id::memory_bytes, total_w_.means(end));
    }

private:
    struct point { double t; double bytes; };
    std::int64_t by_[count_] = {};
    std::int64_t total_ = 0;
    std::int64_t peak_ = 0;
    time_weighted conn_bytes_;
    std::vector<point> samples_;
    std::uint64_t notifications_created_ = 0, notification_bytes_sum_ = 0;
    windowed_gauge total_w_;  // the time series (start_series)

};

} // namespace surge::models
