// sim/metric_direction.hpp — which way is better for a report metric, for `surge diff`'s
// regression verdicts: the catalogue's direction (models/metric_catalogue.hpp) for its names;
// names outside it (a live report's extra metrics, a newer surge's) fall back to rules on the
// name's parts.
#pragma once

#include <models/metric_catalogue.hpp>

#include <string_view>

namespace surge::sim {

using models::metric_direction;

inline constexpr std::string_view direction_name(metric_direction d) {
    switch (d) {
    case metric_direction::higher: return "higher is better";
    case metric_direction::lower: return "lower is better";
    case metric_direction::neutral: return "neutral";
    }
    return "neutral";
}

namespace direction_detail {

inline constexpr bool ends_with_part(std::string_view name, std::string_view part) {
    return name == part || (name.size() > part.size() && name.ends_with(part) &&
                            name[name.size() - part.size() - 1] == '.');
}

inline constexpr bool has_part(std::string_view name, std::string_view part) {
    std::size_t start = 0;
    while (start <= name.size()) {
        const std::size_t dot = name.find('.', start);
        const std::string_view p = name.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
        if (p == part) return true;
        if (dot == std::string_view::npos) break;
        start = dot + 1;
    }
    return false;
}

} // namespace direction_detail

/// Whether `name` is in the catalogue (as opposed to classified by the fallback rules).
inline constexpr bool metric_direction_known(std::string_view name) { return models::find_metric(name) != nullptr; }

/// The direction of `name`: the catalogue's, else by its parts — success_rate, throughput,
/// delivered, handled, recovered_fraction: higher; latency, time, wait, bytes, memory, failures,
/// errors, drops, lost, dropped, rejected, timeouts, queue lengths: lower; anything else neutral.
inline constexpr metric_direction direction_of(std::string_view name) {
    using namespace direction_detail;
    if (const models::metric_entry* e = models::find_metric(name)) return e->direction;
    for (std::string_view p : {"success_rate", "throughput", "delivered", "handled", "recovered_fraction"})
        if (has_part(name, p)) return metric_direction::higher;
    for (std::string_view p : {"latency", "time", "wait", "pool_wait", "queue_wait", "failures", "failed", "errors",
                               "timeouts", "timed_out", "drops", "lost", "dropped", "rejected", "expired"})
        if (has_part(name, p)) return metric_direction::lower;
    if (name.starts_with("memory.") || ends_with_part(name, "bytes") || name.ends_with("_bytes")) return metric_direction::lower;
    return metric_direction::neutral;
}

} // namespace surge::sim
