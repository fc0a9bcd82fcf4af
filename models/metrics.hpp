// models/metrics.hpp — the named numbers a run produces (`delivery.latency.p99` = 0.183 s), in a
// fixed order, for the report, thresholds and `surge diff`.
#pragma once

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

} // namespace surge::models
