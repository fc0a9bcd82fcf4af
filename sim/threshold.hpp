// sim/threshold.hpp — a pass/fail rule on one report metric (in a scenario: "<metric name>": "< 1s",
// or {"limit": "< 1s", "required": true}), and
// sim::scenario: what a scenario file describes, the models' parameters plus these rules. A
// threshold is a report concept: the models never see one. sim/load/thresholds.hpp reads them,
// sim/report.hpp judges a run by them.
#pragma once

#include <models/enum_names.hpp>
#include <models/params.hpp>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace surge::sim {

/// A pass/fail rule on one report metric: `metric` `op` `value`.
struct threshold {
    std::string metric;                      // a name of models/metric_catalogue.hpp
    std::string expression;                  // as written, e.g. "< 1s"
    enum class op : std::uint8_t { lt, le, gt, ge, eq, ne } comparison = op::lt;
    double value = 0;                        // in the metric's unit (seconds, bytes, ratio, per second)
    /// A threshold on a metric the run's mode cannot measure (a live-only metric in a simulation,
    /// the server's insides in a live replay) is "not measured" and does not fail the run, unless
    /// it is required ({"limit": "< 1s", "required": true}): then it fails.
    bool required = false;
};

/// The operators as a threshold writes them.
constexpr auto enum_names(threshold::op) noexcept {
    using o = threshold::op;
    return std::to_array<models::enum_name<o>>(
        {{o::lt, "<"}, {o::le, "<="}, {o::gt, ">"}, {o::ge, ">="}, {o::eq, "=="}, {o::ne, "!="}});
}
static_assert(models::is_one_to_one(enum_names(threshold::op{})));

/// A scenario as its file describes it: what the models run (models::scenario) and the thresholds
/// the report judges the run by. Passes as a models::scenario wherever a run needs one.
struct scenario : models::scenario {
    std::vector<threshold> thresholds;
};

} // namespace surge::sim
