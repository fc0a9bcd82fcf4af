// sim/series_csv.hpp — a run's time series as CSV (`surge run --csv FILE`), for spreadsheets and
// plotting tools, in the manner of Locust's _stats_history.csv and k6's --out csv: a header row
// `time_s,<series name>,...` (units in docs/report.md, "Time series"), then one row per window
// with the window's start in seconds and each series' value; an empty cell where a window had
// nothing to measure. Numbers are written shortest round-trip (fmt), so the file is identical on
// every machine.
#pragma once

#include <models/metric_catalogue.hpp>
#include <models/series.hpp>

#include <fmt/format.h>

#include <cmath>
#include <string>

namespace surge::sim {

inline std::string series_csv(const models::series_set& s) {
    const auto lines = s.lines();
    std::string out = "time_s";
    for (const auto& l : lines) {
        out += ',';
        out += models::series_of(l.id).name;
    }
    out += '\n';
    for (std::size_t k = 0; k < s.windows(); ++k) {
        out += fmt::format("{}", static_cast<double>(s.window().count() * static_cast<std::int64_t>(k)) / 1e9);
        for (const auto& l : lines) {
            out += ',';
            if (k < l.values.size() && std::isfinite(l.values[k])) out += fmt::format("{}", l.values[k]);
        }
        out += '\n';
    }
    return out;
}

} // namespace surge::sim
