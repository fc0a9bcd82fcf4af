// models/metrics.hpp — the named numbers a run produces (the p99 delivery latency = 0.183 s), in a
// fixed order, for the report, thresholds and `surge diff`. The models set them by catalogue
// identifier (models/metric_catalogue.hpp), which supplies the name and the unit.
#pragma once

#include "models/metric_catalogue.hpp"

#include <surge/stats.hpp>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace surge::models {

/// One metric: a dotted name, a value and its unit. Units are SI base units so thresholds can be
/// written with any unit suffix: "s" (seconds), "1/s" (per second), "B" (bytes), "B/s", "ratio"
/// (0..1) and "count".
struct metric {
    std::string name;
    double value = 0;
    std::string unit;
};

/// Metrics in the order they were set (the report's order). Setting a name again replaces it.
class metric_set {
public:
    /// A catalogue metric, in its catalogue unit.
    void set(metric_id id, double value) {
        const metric_entry& e = metric_of(id);
        set(e.name, value, e.unit);
    }
    /// Any metric: a report read back, or a name outside the catalogue.
    void set(std::string_view name, double value, std::string_view unit) {
        for (auto& m : items_)
            if (m.name == name) {
                m.value = value;
                m.unit = std::string(unit);
                return;
            }
        items_.push_back(metric{std::string(name), value, std::string(unit)});
    }
    [[nodiscard]] std::optional<double> get(std::string_view name) const {
        for (const auto& m : items_)
            if (m.name == name) return m.value;
        return std::nullopt;
    }
    [[nodiscard]] const metric* find(std::string_view name) const {
        for (const auto& m : items_)
            if (m.name == name) return &m;
        return nullptr;
    }
    [[nodiscard]] const std::vector<metric>& items() const noexcept { return items_; }
    [[nodiscard]] std::size_t size() const noexcept { return items_.size(); }

private:
    std::vector<metric> items_;
};

/// How a metric summarises a histogram of nanoseconds, in seconds.
enum class histogram_statistic : std::uint8_t { mean, p50, p90, p99, p999, max };

[[nodiscard]] inline double seconds_of(const histogram& h, histogram_statistic s) {
    switch (s) {
    case histogram_statistic::mean: return h.mean() * 1e-9;
    case histogram_statistic::p50: return static_cast<double>(h.percentile(50.0)) * 1e-9;
    case histogram_statistic::p90: return static_cast<double>(h.percentile(90.0)) * 1e-9;
    case histogram_statistic::p99: return static_cast<double>(h.percentile(99.0)) * 1e-9;
    case histogram_statistic::p999: return static_cast<double>(h.percentile(99.9)) * 1e-9;
    case histogram_statistic::max: return static_cast<double>(h.max()) * 1e-9;
    }
    return 0;
}

/// Sets each (metric, statistic) of a histogram of nanoseconds, in seconds, when something was
/// measured: a metric nothing measured is absent, and a threshold on it fails with "not measured".
inline void emit_latency(metric_set& m, const histogram& h,
                         std::initializer_list<std::pair<metric_id, histogram_statistic>> which) {
    if (h.count() == 0) return;
    for (const auto& [entry, statistic] : which) m.set(entry, seconds_of(h, statistic));
}

/// a / b, 1 when nothing was tried.
[[nodiscard]] inline double success_ratio(std::uint64_t a, std::uint64_t b) noexcept {
    return b == 0 ? 1.0 : static_cast<double>(a) / static_cast<double>(b);
}

} // namespace surge::models
