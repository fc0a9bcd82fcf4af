// sim/report.hpp — a run's result -> threshold verdicts, the JSON report, the summary table for a
// terminal and the process exit code. Values in the summary are written by sim/format.hpp (the one
// formatting path, value_text_of), colour and ✓ / ✗ by sim/terminal_style.hpp. The report's schema is documented key by key in
// docs/report.md and described for validators by sim/report.schema.json; the summary's rows come
// from the metric catalogue (models/metric_catalogue.hpp).
//
// Determinism: the report of a run depends only on the run's result and the scenario, except
// `wall_seconds` and `simulator.*` (the only wall-clock and host-dependent fields). Numbers are
// written by nlohmann/json's shortest round-trip formatting, which does not depend on the locale;
// non-finite numbers are written as null.
#pragma once

#include "sim/format.hpp"
#include "sim/run.hpp"
#include "sim/stop_signal.hpp"
#include "sim/terminal_style.hpp"
#include "sim/terminal_text.hpp"
#include "sim/threshold.hpp"

#include <models/metric_catalogue.hpp>
#include <models/metrics.hpp>
#include <models/params.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#ifndef SURGE_VERSION
#define SURGE_VERSION "unknown"
#endif

namespace surge::sim {

/// The report schema's version: bumped when a key changes meaning or disappears.
inline constexpr int report_schema_version = 1;

// ---------------------------------------------------------------------------------------------
// Thresholds
// ---------------------------------------------------------------------------------------------

/// One threshold's outcome. `measured` is empty when the run did not produce the metric.
struct threshold_verdict {
    std::string metric;
    std::string expression;             // as written in the scenario, e.g. "< 1s"
    std::optional<double> measured;     // in the metric's unit (s, 1/s, B, B/s, ratio, count)
    bool pass = false;
    std::string note;                   // why it failed when not by comparison ("not measured", ...)
    /// The run's mode cannot measure the metric (the catalogue's modes) and the threshold is not
    /// required: it neither passes nor fails, and `pass` is true so that nothing counts it as a
    /// failure. The report's verdict is "not_measured".
    bool not_measured = false;
};

/// The report's word for a verdict: "pass", "fail" or "not_measured".
inline const char* verdict_name(const threshold_verdict& v) { return v.not_measured ? "not_measured" : v.pass ? "pass" : "fail"; }

/// Compares each threshold with the metrics of a run of `mode`. A metric the mode cannot measure
/// (the catalogue's modes: the server's insides in a live replay, live.* in a simulation) is "not
/// measured in a live run / a simulation" and does not fail, unless the threshold is required;
/// so one scenario gates both modes. A metric the mode measures but that is missing from the set
/// (nothing happened to measure, e.g. a broadcast time percentile in a run without broadcasts)
/// fails with the note "not measured": a threshold states a requirement, and an unmeasured
/// requirement is not met. A NaN or infinite measurement fails with the note "not a finite number".
inline std::vector<threshold_verdict> evaluate(const std::vector<threshold>& thresholds, const models::metric_set& metrics,
                                               models::run_mode mode = models::run_mode::sim) {
    using op = threshold::op;
    std::vector<threshold_verdict> out;
    out.reserve(thresholds.size());
    for (const auto& t : thresholds) {
        threshold_verdict v;
        v.metric = t.metric;
        v.expression = t.expression;
        v.measured = metrics.get(t.metric);
        const models::metric_entry* e = models::find_metric(t.metric);
        const bool measurable = e == nullptr || models::measurable_in(e->modes, mode);
        const char* here = mode == models::run_mode::live ? "a live run" : "a simulation";
        if (!v.measured && !measurable) {
            v.pass = !t.required;
            v.not_measured = !t.required;
            v.note = t.required ? std::string("required, but ") + here + " cannot measure it" : std::string("not measured in ") + here;
        } else if (!v.measured) {
            v.pass = false;
            v.note = "not measured";
        } else if (!std::isfinite(*v.measured)) {
            v.pass = false;
            v.note = "not a finite number";
        } else {
            const double x = *v.measured;
            switch (t.comparison) {
            case op::lt: v.pass = x < t.value; break;
            case op::le: v.pass = x <= t.value; break;
            case op::gt: v.pass = x > t.value; break;
            case op::ge: v.pass = x >= t.value; break;
            case op::eq: v.pass = x == t.value; break;
            case op::ne: v.pass = x != t.value; break;
            }
        }
        out.push_back(std::move(v));
    }
    return out;
}

/// 0: the run completed and every threshold holds; 1: a threshold failed or the run stopped on
/// an error. (2, bad input, is decided by the command line before a run starts.)
inline int exit_code(const std::vector<threshold_verdict>& verdicts, bool completed) {
    if (!completed) return 1;
    for (const auto& v : verdicts)
        if (!v.pass) return 1;
    return 0;
}

/// "PASS: all 3 thresholds hold", "FAIL: 1 of 3 thresholds failed", "FAIL: the run stopped on
/// an error", "PASS: no thresholds".
/// Thresholds the mode could not measure are counted apart: "PASS: all 9 thresholds hold (2 more
/// not measured in a live run)".
inline std::string verdict_line(const std::vector<threshold_verdict>& verdicts, bool completed) {
    const auto failed = static_cast<std::size_t>(
        std::count_if(verdicts.begin(), verdicts.end(), [](const threshold_verdict& v) { return !v.pass; }));
    const auto skipped = static_cast<std::size_t>(
        std::count_if(verdicts.begin(), verdicts.end(), [](const threshold_verdict& v) { return v.not_measured; }));
    const std::size_t judged = verdicts.size() - skipped;
    std::string more;
    if (skipped > 0) {
        const auto first = std::find_if(verdicts.begin(), verdicts.end(), [](const threshold_verdict& v) { return v.not_measured; });
        more = " (" + std::to_string(skipped) + " more " + first->note + ")";
    }
    const std::string n = std::to_string(judged);
    const std::string noun = judged == 1 ? " threshold" : " thresholds";
    if (!completed) {
        std::string s = "FAIL: the run stopped on an error";
        if (failed > 0) s += "; " + std::to_string(failed) + " of " + n + noun + " failed";
        return s + more;
    }
    if (verdicts.empty()) return "PASS: no thresholds";
    if (judged == 0) return "PASS: no threshold measured" + more;
    if (failed == 0) return (judged == 1 ? "PASS: the threshold holds" : "PASS: all " + n + noun + " hold") + more;
    return "FAIL: " + std::to_string(failed) + " of " + n + noun + " failed" + more;
}

/// exit_code() for a run: an interrupted run exits 128 + the signal (130 SIGINT, 143 SIGTERM),
/// whatever its thresholds say about the part that ran.
inline int exit_code(const std::vector<threshold_verdict>& verdicts, const run_result& result) {
    if (result.interrupted != 0) return interrupted_exit_code(result.interrupted);
    return exit_code(verdicts, result.completed);
}

/// verdict_line() for a run: "INTERRUPTED by SIGINT (partial run); 1 of 3 thresholds failed"
/// when a signal stopped it.
inline std::string verdict_line(const std::vector<threshold_verdict>& verdicts, const run_result& result) {
    if (result.interrupted == 0) return verdict_line(verdicts, result.completed);
    const auto failed = static_cast<std::size_t>(
        std::count_if(verdicts.begin(), verdicts.end(), [](const threshold_verdict& v) { return !v.pass; }));
    std::string s = "INTERRUPTED by " + signal_name(result.interrupted) + " (partial run)";
    if (failed > 0)
        s += "; " + std::to_string(failed) + " of " + std::to_string(verdicts.size()) +
             (verdicts.size() == 1 ? " threshold" : " thresholds") + " failed";
    return s;
}

// ---------------------------------------------------------------------------------------------
// The JSON report
// ---------------------------------------------------------------------------------------------

/// What the report says about the scenario besides the run's result.
struct scenario_info {
    std::string name;
    std::string file;                   // as given on the command line; empty if none
    std::vector<std::string> overrides; // the --set arguments, in order, as given
    nlohmann::json document;            // the scenario document after the overrides
};

namespace report_detail {

/// A number, or null when it is not finite (JSON has no NaN or infinity).
inline nlohmann::ordered_json number(double v) {
    if (!std::isfinite(v)) return nullptr;
    return v;
}

inline std::vector<std::string> split_dots(std::string_view name) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (true) {
        const std::size_t dot = name.find('.', start);
        parts.emplace_back(name.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
        if (dot == std::string_view::npos) break;
        start = dot + 1;
    }
    return parts;
}

/// Places `value` at the path of the dotted `name` inside `root`. If the path is blocked (a name
/// is a prefix of another, "a.b" and "a.b.c") or a part is empty, the value is kept under its
/// full dotted name at the top of `root`, so nothing is ever lost or overwritten.
inline void place(nlohmann::ordered_json& root, const std::string& name, nlohmann::ordered_json value) {
    const auto parts = split_dots(name);
    const bool empty_part = std::any_of(parts.begin(), parts.end(), [](const std::string& p) { return p.empty(); });
    nlohmann::ordered_json* node = &root;
    bool blocked = empty_part;
    for (std::size_t i = 0; !blocked && i + 1 < parts.size(); ++i) {
        auto it = node->find(parts[i]);
        if (it == node->end()) {
            node = &((*node)[parts[i]] = nlohmann::ordered_json::object());
        } else if (it->is_object()) {
            node = &*it;
        } else {
            blocked = true;
        }
    }
    if (!blocked && node->contains(parts.back())) blocked = true;
    if (blocked) {
        root[name] = std::move(value);
        return;
    }
    (*node)[parts.back()] = std::move(value);
}

inline bool is_simulator_metric(std::string_view name) { return name.starts_with("simulator."); }

} // namespace report_detail

/// 16 lower-case hexadecimal digits.
inline std::string format_trace_hash(std::uint64_t h) { return fmt::format("{:016x}", h); }

/// The metrics of a run as nested objects: "a.b.p99" -> {"a": {"b": {"p99": ...}}}, in the
/// order the run set them. simulator.* metrics are left out (they describe
/// the host, not the simulated system; the report has them under "simulator").
inline nlohmann::ordered_json metrics_json(const models::metric_set& metrics) {
    nlohmann::ordered_json out = nlohmann::ordered_json::object();
    for (const auto& m : metrics.items())
        if (!report_detail::is_simulator_metric(m.name)) report_detail::place(out, m.name, report_detail::number(m.value));
    return out;
}

/// Dotted metric name -> unit, flat, in the same order as metrics_json().
inline nlohmann::ordered_json units_json(const models::metric_set& metrics) {
    nlohmann::ordered_json out = nlohmann::ordered_json::object();
    for (const auto& m : metrics.items())
        if (!report_detail::is_simulator_metric(m.name)) out[m.name] = m.unit;
    return out;
}

/// The report of one run. Keys, in order: schema_version, surge_version, mode, scenario {name,
/// file, overrides, document}, seed, trace_hash, virtual_seconds, wall_seconds, events,
/// completed, error (only when the run did not complete), interrupted (only when a signal stopped
/// it), metrics, units, thresholds, simulator
/// {peak_rss_bytes, events_per_wall_second}.
/// The "series" object of a report (docs/report.md, "Time series"): the window width, the number
/// of windows, each series' unit and values (null where a window had nothing to measure), and the
/// annotations. Window i covers [i * bin_seconds, (i + 1) * bin_seconds) of virtual time.
inline nlohmann::ordered_json series_json(const models::series_set& s) {
    using nlohmann::ordered_json;
    ordered_json out = ordered_json::object();
    out["bin_seconds"] = report_detail::number(static_cast<double>(s.window().count()) / 1e9);
    out["bins"] = s.windows();
    ordered_json units = ordered_json::object();
    ordered_json values = ordered_json::object();
    for (const auto& line : s.lines()) {
        const auto& e = models::series_of(line.id);
        units[std::string(e.name)] = std::string(e.unit);
        ordered_json v = ordered_json::array();
        for (const double x : line.values) v.push_back(report_detail::number(x));
        values[std::string(e.name)] = std::move(v);
    }
    out["units"] = std::move(units);
    out["values"] = std::move(values);
    ordered_json notes = ordered_json::array();
    for (const auto& a : s.annotations) {
        ordered_json n = ordered_json::object();
        n["kind"] = a.kind;
        n["label"] = a.label;
        n["from_seconds"] = report_detail::number(static_cast<double>((a.from - time_point{}).count()) / 1e9);
        n["to_seconds"] = report_detail::number(static_cast<double>((a.to - time_point{}).count()) / 1e9);
        notes.push_back(std::move(n));
    }
    out["annotations"] = std::move(notes);
    return out;
}

inline nlohmann::ordered_json make_report(const run_result& result, const scenario_info& info,
                                          const std::vector<threshold_verdict>& verdicts,
                                          std::string_view mode = "sim") {
    using nlohmann::ordered_json;
    using report_detail::number;
    ordered_json r = ordered_json::object();
    r["schema_version"] = report_schema_version;
    r["surge_version"] = SURGE_VERSION;
    r["mode"] = std::string(mode);

    ordered_json sc = ordered_json::object();
    sc["name"] = info.name.empty() ? result.scenario : info.name;
    sc["file"] = info.file;
    sc["overrides"] = ordered_json::array();
    for (const auto& o : info.overrides) sc["overrides"].push_back(o);
    // nlohmann::json keeps object keys sorted, so the document's text does not depend on how the
    // file ordered them; the round trip through text converts it to ordered_json exactly.
    sc["document"] = info.document.is_null() ? ordered_json::object() : ordered_json::parse(info.document.dump());
    r["scenario"] = std::move(sc);

    r["seed"] = result.seed;
    r["trace_hash"] = format_trace_hash(result.trace_hash);
    r["virtual_seconds"] = number(result.virtual_seconds);
    r["wall_seconds"] = number(result.wall_seconds);
    r["events"] = result.events;
    r["completed"] = result.completed;
    if (!result.completed) r["error"] = result.error;
    if (result.interrupted != 0) r["interrupted"] = signal_name(result.interrupted);
    r["metrics"] = metrics_json(result.metrics);
    r["units"] = units_json(result.metrics);

    ordered_json th = ordered_json::array();
    for (const auto& v : verdicts) {
        ordered_json t = ordered_json::object();
        t["metric"] = v.metric;
        t["expression"] = v.expression;
        t["measured"] = v.measured ? number(*v.measured) : ordered_json(nullptr);
        t["verdict"] = verdict_name(v);
        if (!v.note.empty()) t["note"] = v.note;
        th.push_back(std::move(t));
    }
    r["thresholds"] = std::move(th);
    if (!result.series.empty()) r["series"] = series_json(result.series);

    ordered_json simulator = ordered_json::object();
    simulator["peak_rss_bytes"] = result.peak_rss_bytes;
    simulator["events_per_wall_second"] =
        result.wall_seconds > 0 ? number(static_cast<double>(result.events) / result.wall_seconds) : ordered_json(nullptr);
    r["simulator"] = std::move(simulator);
    return r;
}

/// The report as written to a file: 2-space indentation and a trailing newline.
inline std::string report_text(const nlohmann::ordered_json& report) { return report.dump(2) + "\n"; }

// ---------------------------------------------------------------------------------------------
// The summary table
// ---------------------------------------------------------------------------------------------

namespace report_detail {

/// A value in a metric's unit: sim/format.hpp's format_value(), the one formatting path.
inline std::string value_text(double v, std::string_view unit) { return format_value(v, unit); }

/// Several values of one unit on one line: "12.3 / 40.1 / 95.2 ms". The unit is written once, at
/// the end, when every value's text ends in the same one; else each keeps its own
/// ("850 µs / 12.0 ms / 1.20 s"). A metric the run did not produce is "-".
inline std::optional<std::string> values_text(const models::metric_set& metrics, const std::vector<std::string>& names) {
    std::vector<std::string> texts;
    std::string common;
    bool any = false, shared = names.size() > 1;
    for (const auto& n : names) {
        const models::metric* m = metrics.find(n);
        if (m == nullptr) {
            texts.emplace_back("-");
            continue;
        }
        any = true;
        texts.push_back(value_text(m->value, m->unit));
        const std::size_t sp = texts.back().rfind(' ');
        const std::string suffix = sp == std::string::npos ? std::string() : texts.back().substr(sp);
        if (suffix.empty() || (!common.empty() && suffix != common)) shared = false;
        if (common.empty()) common = suffix;
    }
    if (!any) return std::nullopt;
    std::string out;
    for (auto& t : texts) {
        if (shared && t != "-") t.resize(t.size() - common.size());
        if (!out.empty()) out += " / ";
        out += t;
    }
    return shared ? out + common : out;
}

struct row {
    std::string_view label;
    std::vector<std::string> metrics;   // one name, or several sharing a unit ("a/b/c" columns)
};

struct group {
    std::string_view title;
    std::vector<row> rows;
};

/// The summary's groups and rows, from the catalogue's summary cells: groups in catalogue order,
/// rows by number, values on a row by column.
inline const std::vector<group>& key_metrics() {
    static const std::vector<group> groups = [] {
        std::vector<group> out;
        std::vector<const models::metric_entry*> cells;
        for (const auto& e : models::metric_catalogue_entries)
            if (e.summary.row != 0) cells.push_back(&e);
        // Stable: ties cannot happen (the catalogue's static_assert), and groups keep their order.
        std::stable_sort(cells.begin(), cells.end(), [](const models::metric_entry* a, const models::metric_entry* b) {
            if (a->group != b->group) return a->group < b->group;
            if (a->summary.row != b->summary.row) return a->summary.row < b->summary.row;
            return a->summary.column < b->summary.column;
        });
        const models::metric_entry* previous = nullptr;
        for (const models::metric_entry* e : cells) {
            if (previous == nullptr || previous->group != e->group) out.push_back(group{models::group_title(e->group), {}});
            if (previous == nullptr || previous->group != e->group || previous->summary.row != e->summary.row)
                out.back().rows.push_back(row{e->summary.label, {}});
            out.back().rows.back().metrics.emplace_back(e->name);
            previous = e;
        }
        return out;
    }();
    return groups;
}

inline constexpr std::size_t label_width = 36;

/// `s` left-aligned in `width` columns. Filled then copied into, because GCC 12 at -O2 reports a
/// false -Warray-bounds on appending to a short temporary string here.
inline std::string padded(const std::string& s, std::size_t width) {
    std::string out(std::max(width, s.size()), ' ');
    std::copy(s.begin(), s.end(), out.begin());
    return out;
}

} // namespace report_detail

/// A verdict line ("PASS: ...", "FAIL: ...", "INTERRUPTED ...") with its first word styled:
/// green ✓ PASS, red ✗ FAIL, yellow otherwise; as it is when `style` is plain.
inline std::string styled_verdict_line(const std::string& line, terminal_style style) {
    if (!style.color) return line;
    const std::size_t end = line.find_first_of(": ");
    const std::string w = line.substr(0, end);
    const std::string rest = end == std::string::npos ? std::string() : line.substr(end);
    return style.word(w, w == "PASS" ? 1 : w == "FAIL" ? -1 : 0) + rest;
}

/// A value in a metric's unit, for people (sim/format.hpp's format_value(): "15.4 s", "12.6 KB",
/// "1.23k/s", "99.95 %", "1,234,567"). The one text form of a value in the summary, suite lines,
/// `surge diff` and the live replay's summary and --compare table.
inline std::string value_text_of(double v, std::string_view unit) { return format_value(v, unit); }

/// The human summary of a run for a terminal: a header, the key metrics grouped by area with
/// humanised units (metrics the run did not produce are left out), the thresholds with PASS or
/// FAIL, and the verdict line. Fixed-width; colour and ✓ / ✗ only when `style` says so (plain
/// ASCII words otherwise). `file` is the scenario file as given, shown after the name when not
/// empty.
inline std::string summary_table(const run_result& result, const std::vector<threshold_verdict>& verdicts,
                                 std::string_view file = {}, terminal_style style = {}) {
    using namespace report_detail;
    std::string out;
    const auto line = [&](std::string_view label, const std::string& value, std::size_t width = label_width) {
        out += padded("  " + std::string(label), width);
        out += value;
        out += '\n';
    };
    std::string name = terminal_text(result.scenario);
    if (!file.empty()) name += " (" + terminal_text(file) + ")";
    out += "scenario " + name + "\n";
    line("seed", std::to_string(result.seed));
    line("virtual time", format_seconds(result.virtual_seconds));
    line("events", format_count(static_cast<double>(result.events)));
    line("trace hash", format_trace_hash(result.trace_hash));
    std::string wall = format_seconds(result.wall_seconds);
    if (result.wall_seconds > 0)
        wall += " (" + format_rate_number(static_cast<double>(result.events) / result.wall_seconds) + " events/s)";
    line("wall time", wall);
    if (result.interrupted != 0) line("interrupted", terminal_text(result.error));
    else if (!result.completed) line("stopped on an error", terminal_text(result.error));

    for (const auto& g : key_metrics()) {
        std::string body;
        for (const auto& r : g.rows) {
            const auto text = values_text(result.metrics, r.metrics);
            if (!text) continue;
            // Built by appending: GCC 12 at -O2 misreads `"  " + std::string(...)` as an
            // out-of-bounds copy (-Warray-bounds false positive).
            std::string label(2, ' ');
            label.append(r.label);
            body += padded(label, label_width);
            body += *text;
            body += '\n';
        }
        if (!body.empty()) out += "\n" + std::string(g.title) + "\n" + body;
    }

    if (!verdicts.empty()) {
        out += "\nthresholds\n";
        std::size_t width = 0;
        for (const auto& v : verdicts) width = std::max(width, display_width(terminal_text(v.metric + " " + v.expression)));
        for (const auto& v : verdicts) {
            std::string s = "  ";
            s += (v.not_measured ? style.not_measured() : style.verdict(v.pass)) + "  ";
            s += pad_right(terminal_text(v.metric + " " + v.expression), width + 2);
            if (v.measured) {
                const models::metric* m = result.metrics.find(v.metric);
                s += "measured " + value_text(*v.measured, m != nullptr ? m->unit : std::string_view{});
            }
            if (!v.note.empty()) s += terminal_text(v.measured ? " (" + v.note + ")" : v.note);
            while (!s.empty() && s.back() == ' ') s.pop_back();
            out += s + "\n";
        }
    }
    out += "\nverdict: " + styled_verdict_line(verdict_line(verdicts, result), style) + "\n";
    return out;
}

} // namespace surge::sim
