// models/broadcast_meter.hpp — broadcasts (models/fan_out.hpp's broadcast_tracker, or a live
// replay's publisher): how many, to how many recipients, and the time from publish to the last
// copy's arrival. Emits the catalogue's broadcast.* entries.
#pragma once

#include "models/metrics.hpp"

#include <surge/stats.hpp>
#include <surge/time.hpp>

#include <cstdint>

namespace surge::models {

class broadcast_meter {
public:
    /// A broadcast went out to `recipients` connected users.
    void on_broadcast(time_point, std::uint64_t recipients) {
        ++count_;
        recipients_.add(static_cast<double>(recipients));
    }
    /// Its last copy settled; the last arrival was `took` after the publish.
    void on_completed(time_point, duration took) { time_.record(took.count()); }
    /// A live replay's broadcast times (from its delivery ledger), after the run.
    void merge_time(const histogram& h) { time_.merge(h); }

    [[nodiscard]] std::uint64_t broadcasts() const noexcept { return count_; }
    [[nodiscard]] const tally& broadcast_recipients() const noexcept { return recipients_; }
    [[nodiscard]] const histogram& broadcast_time() const noexcept { return time_; }

    void emit(metric_set& m) const {
        using id = metric_id;
        m.set(id::broadcast_count, static_cast<double>(count_));
        if (count_ > 0) m.set(id::broadcast_recipients_mean, recipients_.mean());
        emit_histogram(m, time_, id::broadcast_time_mean);
    }

private:
    std::uint64_t count_ = 0;
    tally recipients_;
    histogram time_;
};

} // namespace surge::models
