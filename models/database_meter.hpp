// models/database_meter.hpp — the database and the server's use of it: queries and failures
// (models/database.hpp), pool timeouts, retries, the circuit breaker and the wait for a pooled
// connection (models/db_client.hpp), and the most connections open. Emits the catalogue's
// database.* entries.
#pragma once

#include "models/metrics.hpp"
#include "models/series.hpp"

#include <surge/stats.hpp>
#include <surge/time.hpp>

#include <algorithm>
#include <cstdint>

namespace surge::models {

class database_meter {
public:
    void on_query(time_point) noexcept { ++queries_; }
    void on_query_failed(time_point) noexcept { ++failures_; }
    void on_pool_timeout(time_point) noexcept { ++timeouts_; }
    void on_retry(time_point) noexcept { ++retries_; }
    void on_breaker_opened(time_point) noexcept { ++breaker_opens_; }
    void on_breaker_rejected(time_point) noexcept { ++breaker_rejected_; }
    /// A checkout that asked at `asked` got its answer at `t`.
    void on_checkout(time_point t, time_point asked) {
        pool_wait_.record((t - asked).count());
        pool_wait_w_.record(t, (t - asked).count());
    }
    /// `open` connections are open now, `pool_size` of them without overflow.
    void on_open_connections(time_point t, std::int64_t open, std::int64_t pool_size) {
        open_w_.set(t, static_cast<double>(open));
        connections_max_ = std::max(connections_max_, open);
        overflow_max_ = std::max(overflow_max_, open - pool_size);
    }

    [[nodiscard]] std::uint64_t db_queries() const noexcept { return queries_; }
    [[nodiscard]] std::uint64_t db_failures() const noexcept { return failures_; }
    [[nodiscard]] std::uint64_t db_timeouts() const noexcept { return timeouts_; }
    [[nodiscard]] std::uint64_t db_retries() const noexcept { return retries_; }
    [[nodiscard]] std::uint64_t breaker_opens() const noexcept { return breaker_opens_; }
    [[nodiscard]] std::uint64_t breaker_rejected() const noexcept { return breaker_rejected_; }
    [[nodiscard]] std::int64_t db_connections_max() const noexcept { return connections_max_; }
    [[nodiscard]] std::int64_t db_overflow_max() const noexcept { return overflow_max_; }
    [[nodiscard]] const histogram& pool_wait() const noexcept { return pool_wait_; }

    void emit(metric_set& m) const {
        using id = metric_id;
        auto u = [](auto v) { return static_cast<double>(v); };
        m.set(id::database_queries, u(queries_));
        m.set(id::database_failures, u(failures_));
        m.set(id::database_timeouts, u(timeouts_));
        m.set(id::database_retries, u(retries_));
        m.set(id::database_breaker_opens, u(breaker_opens_));
        m.set(id::database_breaker_rejected, u(breaker_rejected_));
        m.set(id::database_connections_max, u(connections_max_));
        m.set(id::database_overflow_max, u(overflow_max_));
        emit_histogram(m, pool_wait_, id::database_pool_wait_mean);
    }

    /// Per-window series from now on, windows of `w`.
    void start_series(duration w) {
        open_w_ = windowed_gauge(w);
        pool_wait_w_ = windowed_histogram(w);
    }
    void emit_series(series_set& s, time_point end) const {
        if (!open_w_.on()) return;
        s.set(series_id::database_connections_open, open_w_.means(end));
        s.set(series_id::database_pool_wait_p99, seconds_per_window(pool_wait_w_.summaries(end), histogram_statistic::p99));
    }

private:
    std::uint64_t queries_ = 0, failures_ = 0, timeouts_ = 0, retries_ = 0, breaker_opens_ = 0, breaker_rejected_ = 0;
    std::int64_t connections_max_ = 0, overflow_max_ = 0;
    histogram pool_wait_;
    windowed_gauge open_w_;  // the time series (start_series)
    windowed_histogram pool_wait_w_;

};

} // namespace surge::models
