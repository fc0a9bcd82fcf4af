// models/connection_meter.hpp — the users' connections: attempts and their outcomes (the client
// side, models/user.hpp, or a live replay's clients), drops, the time to connect, and the number
// of connections the server holds (models/connection_registry.hpp), of which this meter is the
// one count. Emits the catalogue's connections.* entries.
#pragma once

#include "models/metrics.hpp"
#include "models/series.hpp"

#include <surge/stats.hpp>
#include <surge/time.hpp>

#include <algorithm>
#include <cstdint>

namespace surge::models {

class connection_meter {
public:
    void on_attempt(time_point) noexcept { ++attempts_; }
    /// A connect attempt succeeded `took` after it began.
    void on_connected(time_point, duration took) {
        ++ok_;
        connect_time_.record(took.count());
    }
    void on_failed(time_point) noexcept { ++failed_; }
    /// A connection the client held was lost (network, storm, slow-consumer close).
    void on_drop(time_point) noexcept { ++drops_; }
    /// The server registered or forgot a connection.
    void on_opened(time_point t) { change(t, +1); }
    void on_closed(time_point t) { change(t, -1); }

    // A live replay's counts, taken from its threads after they joined; the peak of open sockets.
    void add_attempts(std::uint64_t attempts, std::uint64_t ok, std::uint64_t failed, std::uint64_t drops) noexcept {
        attempts_ += attempts;
        ok_ += ok;
        failed_ += failed;
        drops_ += drops;
    }
    void merge_connect_time(const histogram& h) { connect_time_.merge(h); }
    void note_peak(std::int64_t open) noexcept { peak_ = std::max(peak_, open); }

    [[nodiscard]] std::uint64_t connect_attempts() const noexcept { return attempts_; }
    [[nodiscard]] std::uint64_t connect_ok() const noexcept { return ok_; }
    [[nodiscard]] std::uint64_t connect_failed() const noexcept { return failed_; }
    [[nodiscard]] std::uint64_t drops() const noexcept { return drops_; }
    /// Connections the server holds now, the most it held, and their time-weighted count.
    [[nodiscard]] std::int64_t connected_now() const noexcept { return now_; }
    [[nodiscard]] std::int64_t connected_peak() const noexcept { return peak_; }
    [[nodiscard]] const time_weighted& connected() const noexcept { return connected_; }
    [[nodiscard]] const histogram& connect_time() const noexcept { return connect_time_; }

    void emit(metric_set& m) const {
        using id = metric_id;
        auto u = [](auto v) { return static_cast<double>(v); };
        m.set(id::connections_attempts, u(attempts_));
        m.set(id::connections_succeeded, u(ok_));
        m.set(id::connections_failed, u(failed_));
        m.set(id::connections_drops, u(drops_));
        m.set(id::connections_peak, u(peak_));
        m.set(id::connections_success_rate, success_ratio(ok_, ok_ + failed_));
        emit_histogram(m, connect_time_, id::connections_time_mean);
    }

    /// Per-window series from now on, windows of `w`.
    void start_series(duration w) { open_w_ = windowed_gauge(w); }
    void emit_series(series_set& s, time_point end) const {
        if (open_w_.on()) s.set(series_id::connections_open, open_w_.means(end));
    }

private:
    void change(time_point t, std::int64_t delta) {
        now_ += delta;
        peak_ = std::max(peak_, now_);
        connected_.set(t, static_cast<double>(now_));
        open_w_.set(t, static_cast<double>(now_));
    }

    std::uint64_t attempts_ = 0, ok_ = 0, failed_ = 0, drops_ = 0;
    std::int64_t now_ = 0, peak_ = 0;
    time_weighted connected_{};
    histogram connect_time_;
    windowed_gauge open_w_;  // the time series (start_series)
};

} // namespace surge::models
