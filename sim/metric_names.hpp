// sim/metric_names.hpp — the metric names a scenario's thresholds may use, with their units, as
// the loader and the tests want them. They come from the catalogue (models/metric_catalogue.hpp):
// the models produce those names, and the live replay the live.* ones; a threshold on any other
// name is a scenario error.
#pragma once

#include <models/metric_catalogue.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace surge::sim {

struct metric_info {
    std::string name;
    std::string unit;
};

/// Every metric a run reports, grouped by area, in report order.
inline const std::vector<metric_info>& metric_catalogue() {
    static const std::vector<metric_info> catalogue = [] {
        std::vector<metric_info> out;
        out.reserve(models::metric_catalogue_entries.size());
        for (const auto& e : models::metric_catalogue_entries) out.push_back({std::string(e.name), std::string(e.unit)});
        return out;
    }();
    return catalogue;
}

/// The names of metric_catalogue(), in the same order.
inline const std::vector<std::string>& known_metrics() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> out;
        out.reserve(metric_catalogue().size());
        for (const auto& m : metric_catalogue()) out.push_back(m.name);
        return out;
    }();
    return names;
}

/// The unit of a known metric, or an empty view for an unknown name.
inline std::string_view metric_unit(std::string_view name) {
    const models::metric_entry* e = models::find_metric(name);
    return e != nullptr ? e->unit : std::string_view{};
}

} // namespace surge::sim
