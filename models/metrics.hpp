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
    [[nodiscard]] std::optional<double> get(metric_id id) const { return get(metric_of(id).name); }
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

/// The statistic a catalogue metric takes of a histogram of nanoseconds: the last part of its
/// name (mean, p50, p90, p99, p999, max) when its unit is seconds; none for any other metric.
[[nodiscard]] constexpr std::optional<histogram_statistic> statistic_of(const metric_entry& e) noexcept {
    if (e.unit != metric_units::seconds) return std::nullopt;
    const std::string_view last = e.name.substr(e.name.rfind('.') + 1);
    if (last == "mean") return histogram_statistic::mean;
    if (last == "p50") return histogram_statistic::p50;
    if (last == "p90") return histogram_statistic::p90;
    if (last == "p99") return histogram_statistic::p99;
    if (last == "p999") return histogram_statistic::p999;
    if (last == "max") return histogram_statistic::max;
    return std::nullopt;
}

/// A metric's name without its last part: the histogram family of "area.latency.p99" is
/// "area.latency".
[[nodiscard]] constexpr std::string_view family_of(std::string_view name) noexcept { return name.substr(0, name.rfind('.')); }

/// Sets every statistic of a histogram of nanoseconds that the catalogue lists for it, in seconds:
/// the entries from `first` on that share its family and name a statistic (catalogue order; a
/// family's entries are adjacent). Adding a p75 to a family is one catalogue entry (and p75 in
/// statistic_of). Nothing when nothing was measured: a metric nothing measured is absent, and a
/// threshold on it fails with "not measured".
inline void emit_histogram(metric_set& m, const histogram& h, metric_id first) {
    if (h.count() == 0) return;
    const std::string_view family = family_of(metric_of(first).name);
    for (auto i = static_cast<std::size_t>(first); i < metric_catalogue_entries.size(); ++i) {
        const metric_entry& e = metric_catalogue_entries[i];
        if (family_of(e.name) != family) break;
        if (const auto s = statistic_of(e)) m.set(e.id, seconds_of(h, *s));
    }
}

/// a / b, 1 when nothing was tried.
[[nodiscard]] inline double success_ratio(std::uint64_t a, std::uint64_t b) noexcept {
    return b == 0 ? 1.0 : static_cast<double>(a) / static_cast<double>(b);
}

} // namespace surge::models
