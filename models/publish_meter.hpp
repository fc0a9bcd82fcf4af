// models/publish_meter.hpp — what happened to publish requests: the server's admission decisions
// (models/server.hpp), their service (models/request_handlers.hpp), or the real service's answers
// in a live replay. Emits the catalogue's notifications.* and operations.* entries.
#pragma once

#include "models/activity_window.hpp"
#include "models/metrics.hpp"
#include "models/series.hpp"

#include <surge/stats.hpp>
#include <surge/time.hpp>

#include <algorithm>
#include <cstdint>

namespace surge::models {

class publish_meter {
public:
    // Every method takes the instant of the event, so that per-window series can be added here.

    /// A publish request of n notifications reached the server (whatever happens to it next).
    void on_published(time_point t, std::uint64_t n) {
        published_ += n;
        published_w_.add(t, n);
    }
    void on_accepted(time_point, std::uint64_t n) noexcept { accepted_ += n; }
    void on_rejected(time_point, std::uint64_t n) noexcept { rejected_ += n; }  // queue full
    void on_shed(time_point, std::uint64_t n) noexcept { shed_ += n; }
    void on_rate_limited(time_point, std::uint64_t n) noexcept { rate_limited_ += n; }
    void on_failed(time_point, std::uint64_t n) noexcept { failed_ += n; }
    void on_timed_out(time_point, std::uint64_t n) noexcept { timed_out_ += n; }
    /// n notifications were stored and go out to their recipients.
    void on_stored(time_point, std::uint64_t n) noexcept { persisted_ += n; }
    /// A request ended, whichever way (the operations count).
    void on_operation(time_point) noexcept { ++operations_; }
    /// A request of `batch` notifications succeeded `took` after it was issued.
    void on_succeeded(time_point t, duration took, std::uint32_t batch) {
        ++operations_ok_;
        latency_.record(took.count());
        latency_w_.record(t, took.count());
        per_notification_.add(took.seconds_f() / static_cast<double>(std::max<std::uint32_t>(batch, 1)));
    }
    /// The publishing span: from the first publish request to the last notification stored.
    void active_at(time_point t) noexcept { window_.note(t); }

    [[nodiscard]] std::uint64_t published() const noexcept { return published_; }
    [[nodiscard]] std::uint64_t accepted() const noexcept { return accepted_; }
    [[nodiscard]] std::uint64_t rejected() const noexcept { return rejected_; }
    [[nodiscard]] std::uint64_t shed() const noexcept { return shed_; }
    [[nodiscard]] std::uint64_t rate_limited() const noexcept { return rate_limited_; }
    [[nodiscard]] std::uint64_t failed() const noexcept { return failed_; }
    [[nodiscard]] std::uint64_t timed_out() const noexcept { return timed_out_; }
    [[nodiscard]] std::uint64_t persisted() const noexcept { return persisted_; }
    [[nodiscard]] std::uint64_t operations() const noexcept { return operations_; }
    [[nodiscard]] std::uint64_t operations_ok() const noexcept { return operations_ok_; }
    [[nodiscard]] const histogram& operation_latency() const noexcept { return latency_; }
    [[nodiscard]] const tally& per_notification() const noexcept { return per_notification_; }

    /// `load_seconds`: the loaded part of the run, the throughput's span when nothing was stored.
    void emit(metric_set& m, double load_seconds) const {
        using id = metric_id;
        auto u = [](std::uint64_t v) { return static_cast<double>(v); };
        m.set(id::notifications_published, u(published_));
        m.set(id::notifications_accepted, u(accepted_));
        m.set(id::notifications_rejected, u(rejected_));
        m.set(id::notifications_shed, u(shed_));
        m.set(id::notifications_rate_limited, u(rate_limited_));
        m.set(id::notifications_failed, u(failed_));
        m.set(id::notifications_timed_out, u(timed_out_));
        m.set(id::notifications_throughput, window_.rate(u(persisted_), load_seconds));
        m.set(id::operations_count, u(operations_));
        m.set(id::operations_success_rate, success_ratio(operations_ok_, operations_));
        emit_histogram(m, latency_, id::operations_latency_mean);
        if (per_notification_.count() > 0) m.set(id::operations_time_per_notification, per_notification_.mean());
    }

    /// Per-window series from now on, windows of `w`.
    void start_series(duration w) {
        published_w_ = windowed_counter(w);
        latency_w_ = windowed_histogram(w);
    }
    void emit_series(series_set& s, time_point end) const {
        if (!published_w_.on()) return;
        s.set(series_id::notifications_rate, published_w_.rates(end));
        s.set(series_id::operations_latency_p99, seconds_per_window(latency_w_.summaries(end), histogram_statistic::p99));
    }

private:
    std::uint64_t published_ = 0, accepted_ = 0, rejected_ = 0, shed_ = 0, rate_limited_ = 0, failed_ = 0,
                  timed_out_ = 0, persisted_ = 0, operations_ = 0, operations_ok_ = 0;
    histogram latency_;
    tally per_notification_;  // a successful operation's latency divided by its batch
    activity_window window_;
    windowed_counter published_w_;     // the time series (start_series)
    windowed_histogram latency_w_;

};

} // namespace surge::models
