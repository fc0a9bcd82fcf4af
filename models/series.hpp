// models/series.hpp — the time series of a run: one value per window of the run for each series
// of the catalogue (models/metric_catalogue.hpp, series_id), the window width, and what happened
// when (fault windows, load phases) as annotations. The meters fill it (emit_series), the report
// writes it (sim/report.hpp), `--csv` writes it as CSV. The window width is the scenario's
// sample_interval, coarsened to a whole multiple of it so that a run has at most
// `max_series_points` windows.
#pragma once

#include "models/load_schedule.hpp"
#include "models/metric_catalogue.hpp"
#include "models/metrics.hpp"

#include <surge/time.hpp>
#include <surge/windowed.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace surge::models {

/// Windows per series at most (a 10-hour run at sample_interval 1 s gets 18 s windows).
inline constexpr std::int64_t max_series_points = 2000;

/// The window width for a run of `span` sampled every `sample_interval`: the smallest whole
/// multiple of sample_interval that covers the span in at most max_series_points windows.
[[nodiscard]] inline duration series_window(duration span, duration sample_interval) noexcept {
    if (sample_interval.count() <= 0) return duration{};
    const std::int64_t samples = (std::max<std::int64_t>(span.count(), 1) + sample_interval.count() - 1) / sample_interval.count();
    const std::int64_t factor = (samples + max_series_points - 1) / max_series_points;
    return sample_interval * std::max<std::int64_t>(factor, 1);
}

/// Something that happened over an interval of the run, for a chart's shading.
struct series_annotation {
    std::string kind;   // "fault" or "phase"
    std::string label;  // "db_slowdown", "phase 1 (open, 200/s)"
    time_point from;
    time_point to;
};

/// What a scenario schedules, for both modes' series: each load phase from its start to its end,
/// each fault over its window (a disconnect storm is an instant).
[[nodiscard]] inline std::vector<series_annotation> scenario_annotations(const scenario& sc) {
    std::vector<series_annotation> out;
    const time_point end = time_point{} + sc.length;
    for (std::size_t i = 0; i < sc.load.size(); ++i) {
        const auto& ph = sc.load[i];
        out.push_back({"phase", "phase " + std::to_string(i + 1) + " (" + std::string(name_of(ph.type)) + ")", ph.at,
                       std::max(ph.at, phase_end(sc.load, i, end))});
    }
    for (const auto& f : sc.faults) {
        const bool instant = f.type == fault::kind::disconnect_storm;
        out.push_back({"fault", std::string(name_of(f.type)), f.at, instant ? f.at : f.at + f.length});
    }
    return out;
}

/// The series of one run. A value is NaN where a window had nothing to measure (a latency in a
/// window without deliveries); the report writes null there.
class series_set {
public:
    struct line {
        series_id id;
        std::vector<double> values;
    };

    series_set() = default;
    series_set(duration window, time_point end) : window_(window), windows_(windowed_detail::windows_until(window, end)) {}

    [[nodiscard]] duration window() const noexcept { return window_; }
    [[nodiscard]] std::size_t windows() const noexcept { return windows_; }
    [[nodiscard]] bool empty() const noexcept { return lines_.empty(); }

    /// Sets series `id` (replacing it); `values` has one value per window.
    void set(series_id id, std::vector<double> values) {
        values.resize(windows_, windowed_detail::no_value);
        for (auto& l : lines_)
            if (l.id == id) {
                l.values = std::move(values);
                return;
            }
        lines_.push_back(line{id, std::move(values)});
    }
    /// Lines in catalogue order.
    [[nodiscard]] std::vector<line> lines() const {
        std::vector<line> out;
        for (const auto& e : series_catalogue_entries)
            for (const auto& l : lines_)
                if (l.id == e.id) out.push_back(l);
        return out;
    }
    [[nodiscard]] const std::vector<double>* find(series_id id) const {
        for (const auto& l : lines_)
            if (l.id == id) return &l.values;
        return nullptr;
    }

    std::vector<series_annotation> annotations;

private:
    duration window_{};
    std::size_t windows_ = 0;
    std::vector<line> lines_;
};

/// A windowed_histogram's statistic per window, in seconds (nanoseconds / 1e9); NaN where a window
/// had no values.
[[nodiscard]] inline std::vector<double> seconds_per_window(const std::vector<windowed_histogram::summary>& s,
                                                            histogram_statistic which) {
    std::vector<double> out(s.size(), windowed_detail::no_value);
    for (std::size_t k = 0; k < s.size(); ++k) {
        if (s[k].count == 0) continue;
        switch (which) {
        case histogram_statistic::mean: out[k] = s[k].mean / 1e9; break;
        case histogram_statistic::p50: out[k] = static_cast<double>(s[k].p50) / 1e9; break;
        case histogram_statistic::p90: out[k] = static_cast<double>(s[k].p90) / 1e9; break;
        case histogram_statistic::p99: out[k] = static_cast<double>(s[k].p99) / 1e9; break;
        case histogram_statistic::p999: out[k] = static_cast<double>(s[k].p999) / 1e9; break;
        case histogram_statistic::max: out[k] = static_cast<double>(s[k].max) / 1e9; break;
        }
    }
    return out;
}

} // namespace surge::models
