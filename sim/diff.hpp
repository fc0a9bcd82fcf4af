// sim/diff.hpp — `surge diff OLD.json NEW.json`: two reports compared metric by metric with a
// direction-aware regression verdict (sim/metric_direction.hpp), for CI gates.
//
// Both reports are single-run reports (mode "sim" or "live"), or both are suite reports (mode
// "suite", written by `surge suite --output`), compared test by test (paired by scenario name).
//
// Verdicts, per metric present in both reports:
//   same       the values are equal (both null counts as equal)
//   changed    a neutral metric (a count describing the load) changed
//   better     moved the good way
//   worse      moved the bad way by at most the tolerance (relative to |old|)
//   REGRESSED  moved the bad way by more than the tolerance; from 0, any bad move is infinitely
//              relative and regresses; a finite value that became null (NaN, infinity) regresses
// and: new (only in NEW; never a regression), missing (only in OLD; a regression: a measurement
// was lost), ignored (--ignore). With --exact (determinism checks) every difference regresses,
// the trace hash included. Besides metrics, these regress too: a test missing from NEW, a
// run that completed in OLD and stopped on an error in NEW, a threshold that passed in OLD and
// fails in NEW (unless its metric is ignored). Tolerances are fractions (0.05 = 5 %).
//
// For people (diff_text): each run's block leads with warnings when the two runs are not like for
// like (scenario name, scenario document after overrides, overrides, seed, mode) and with the
// thresholds that changed verdict either way; the metric table lists by default only the metrics
// that moved beyond their tolerance (diff_rows). Values are written by sim/format.hpp.
#pragma once

#include "sim/metric_direction.hpp"
#include "sim/report.hpp"
#include "sim/report_reader.hpp"
#include "sim/terminal_style.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace surge::sim {

struct diff_options {
    double tolerance = 0.05;
    /// (pattern, tolerance): the last pattern that matches a metric sets its tolerance.
    std::vector<std::pair<std::string, double>> metric_tolerances;
    /// Patterns of metrics left out of the verdict.
    std::vector<std::string> ignored;
    /// Any difference regresses: a changed trace hash, a neutral or better metric, a new one
    /// (for determinism checks: the same run by two builds, or on two machines).
    bool exact = false;
};

enum class change_verdict { same, changed, better, worse, regressed, added, missing, ignored };

inline constexpr std::string_view verdict_name(change_verdict v) {
    switch (v) {
    case change_verdict::same: return "same";
    case change_verdict::changed: return "changed";
    case change_verdict::better: return "better";
    case change_verdict::worse: return "worse";
    case change_verdict::regressed: return "REGRESSED";
    case change_verdict::added: return "new";
    case change_verdict::missing: return "missing";
    case change_verdict::ignored: return "ignored";
    }
    return "?";
}

struct metric_change {
    std::string metric;
    std::string unit;
    bool in_old = false, in_new = false;
    double old_value = 0, new_value = 0;   // NaN when the report has null
    double absolute = 0;                   // new - old (NaN when not both finite)
    double relative = 0;                   // (new - old) / |old|; ±inf from 0; NaN when n/a
    metric_direction direction = metric_direction::neutral;
    double tolerance = 0;
    change_verdict verdict = change_verdict::same;
};

/// One run compared with another (one test of a suite, or the single runs).
struct run_diff {
    std::string name;                      // the scenario's name
    bool in_old = true, in_new = true;
    std::string old_hash, new_hash;        // trace hashes
    bool old_completed = true, new_completed = true;
    std::vector<metric_change> metrics;    // in OLD's order, then metrics only in NEW
    std::vector<std::string> regressions;  // one line each, for the summary
    /// Thresholds (by "metric expression") whose verdict differs between the reports, in the
    /// order of NEW's thresholds; a threshold in only one report is not listed.
    struct threshold_change {
        std::string threshold;             // "METRIC EXPRESSION", e.g. "<latency metric> < 1s"
        bool old_pass = false, new_pass = false;
        std::optional<double> old_measured, new_measured;
        std::string unit;
    };
    std::vector<threshold_change> threshold_changes;
    /// What makes the two runs not like for like: a different scenario name, scenario document
    /// (after the overrides), overrides, seed or mode. One line each, without "warning: ".
    std::vector<std::string> warnings;
};

/// Which metrics diff_text() lists: those that moved beyond their tolerance (the default), every
/// one that differs at all (--changed-only), or all (--all).
enum class diff_rows { moved, changed, all };

/// True when a metric's change is one `surge diff` lists by default: it regressed, went missing
/// or appeared, became or stopped being a finite number, or moved (either way, neutral metrics
/// too) by more than its tolerance relative to the old value.
inline bool moved_beyond_tolerance(const metric_change& c) {
    switch (c.verdict) {
    case change_verdict::same:
    case change_verdict::ignored: return false;
    case change_verdict::regressed:
    case change_verdict::missing:
    case change_verdict::added: return true;
    default: break;
    }
    return std::isnan(c.relative) || std::fabs(c.relative) > c.tolerance;
}

struct report_diff {
    bool suite = false;
    std::vector<run_diff> runs;
    [[nodiscard]] std::size_t regression_count() const {
        std::size_t n = 0;
        for (const auto& r : runs) n += r.regressions.size();
        return n;
    }
};

namespace diff_detail {

/// Glob match: '*' matches any run of characters (dots included), everything else itself.
inline bool glob_match(std::string_view pattern, std::string_view text) {
    std::size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
    while (t < text.size()) {
        if (p < pattern.size() && pattern[p] == '*') {
            star = p++;
            mark = t;
        } else if (p < pattern.size() && pattern[p] == text[t]) {
            ++p;
            ++t;
        } else if (star != std::string_view::npos) {
            p = star + 1;
            t = ++mark;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*') ++p;
    return p == pattern.size();
}

/// A pattern is METRIC or TEST:METRIC (the test part matches a suite test's scenario name).
inline bool pattern_matches(std::string_view pattern, std::string_view test, std::string_view metric) {
    const std::size_t colon = pattern.find(':');
    if (colon == std::string_view::npos) return glob_match(pattern, metric);
    return glob_match(pattern.substr(0, colon), test) && glob_match(pattern.substr(colon + 1), metric);
}

struct run_view {
    std::string name;
    std::string hash;
    bool completed = true;
    models::metric_set metrics;   // with the units the report gives
    std::map<std::string, bool, std::less<>> thresholds;   // "metric expression" -> pass
    std::vector<std::string> threshold_order;              // NEW's order for the listing
    std::map<std::string, std::optional<double>, std::less<>> measured;
    // What the run ran: null / empty when the report does not say.
    std::string mode;
    nlohmann::ordered_json seed;
    nlohmann::ordered_json overrides;
    nlohmann::ordered_json document;
};

inline run_view view_of(const nlohmann::ordered_json& r, const std::string& where) {
    run_view v;
    if (!r.is_object()) throw report_error(where + ": not a JSON object");
    const auto sc = r.find("scenario");
    if (sc != r.end() && sc->is_object() && sc->contains("name") && (*sc)["name"].is_string())
        v.name = (*sc)["name"].get<std::string>();
    if (const auto h = r.find("trace_hash"); h != r.end() && h->is_string()) v.hash = h->get<std::string>();
    if (const auto c = r.find("completed"); c != r.end() && c->is_boolean()) v.completed = c->get<bool>();
    v.metrics = report_metrics(r, where);
    if (const auto th = r.find("thresholds"); th != r.end() && th->is_array())
        for (const auto& t : *th)
            if (t.is_object() && t.contains("metric") && t.contains("verdict") && t["metric"].is_string() &&
                t["verdict"].is_string()) {
                const auto e = t.find("expression");
                const std::string key =
                    t["metric"].get<std::string>() + " " + (e != t.end() && e->is_string() ? e->get<std::string>() : "");
                if (!v.thresholds.contains(key)) v.threshold_order.push_back(key);
                v.thresholds[key] = t["verdict"].get<std::string>() != "fail";  // "not_measured" does not fail
                const auto m = t.find("measured");
                v.measured[key] = m != t.end() && m->is_number() ? std::optional<double>(m->get<double>()) : std::nullopt;
            }
    if (const auto m = r.find("mode"); m != r.end() && m->is_string()) v.mode = m->get<std::string>();
    if (const auto sd = r.find("seed"); sd != r.end()) v.seed = *sd;
    if (sc != r.end() && sc->is_object()) {
        if (const auto o = sc->find("overrides"); o != sc->end()) v.overrides = *o;
        if (const auto d = sc->find("document"); d != sc->end()) v.document = *d;
    }
    return v;
}

inline std::string percent_text(double fraction) {
    return fmt::format("{:.4g}%", fraction * 100);
}

/// A JSON value in a warning: compact, at most 40 characters.
inline std::string short_json(const nlohmann::ordered_json& v) {
    std::string t = v.dump();
    return t.size() > 40 ? t.substr(0, 37) + "..." : t;
}

/// The warnings of compare_runs(): what differs between what the two runs ran.
inline std::vector<std::string> run_warnings(const run_view& o, const run_view& n) {
    std::vector<std::string> w;
    if (o.name != n.name) w.push_back("different scenarios: OLD ran \"" + o.name + "\", NEW ran \"" + n.name + "\"");
    if (!o.document.is_null() && !n.document.is_null() && o.document != n.document) {
        const auto patch = nlohmann::ordered_json::diff(o.document, n.document);
        std::string what;
        std::size_t shown = 0;
        for (const auto& op : patch) {
            if (shown == 5) {
                what += ", and " + std::to_string(patch.size() - shown) + " more";
                break;
            }
            const std::string path = op.value("path", std::string());
            const std::string kind = op.value("op", std::string());
            const nlohmann::ordered_json::json_pointer ptr(path);
            const std::string before = kind == "add" || !o.document.contains(ptr) ? "(none)" : short_json(o.document.at(ptr));
            const std::string after = kind == "remove" || !n.document.contains(ptr) ? "(none)" : short_json(n.document.at(ptr));
            what += (what.empty() ? "" : ", ") + (path.empty() ? std::string("/") : path) + " " + before + " -> " + after;
            ++shown;
        }
        w.push_back("the scenarios differ (documents after overrides): " + what);
    }
    const auto set_list = [](const nlohmann::ordered_json& sets) {
        if (!sets.is_array() || sets.empty()) return std::string("none");
        std::string t;
        for (const auto& x : sets) t += (t.empty() ? "" : " ") + std::string("--set ") + (x.is_string() ? x.get<std::string>() : x.dump());
        return t;
    };
    if (!o.overrides.is_null() && !n.overrides.is_null() && o.overrides != n.overrides)
        w.push_back("different overrides: OLD " + set_list(o.overrides) + ", NEW " + set_list(n.overrides));
    if (!o.seed.is_null() && !n.seed.is_null() && o.seed != n.seed)
        w.push_back("different seeds: OLD " + o.seed.dump() + ", NEW " + n.seed.dump());
    if (!o.mode.empty() && !n.mode.empty() && o.mode != n.mode)
        w.push_back("different modes: OLD " + o.mode + ", NEW " + n.mode);
    return w;
}

} // namespace diff_detail

/// A parsed report: its mode and its runs (one, or a suite's tests).
struct loaded_report {
    std::string file;
    bool suite = false;
    nlohmann::ordered_json document;
};

/// Checks that `doc` is a surge report this version can read. `file` names it in messages.
inline loaded_report check_report(nlohmann::ordered_json doc, const std::string& file) {
    if (!doc.is_object()) throw report_error(file + ": not a surge report (not a JSON object)");
    const auto sv = doc.find("schema_version");
    if (sv == doc.end()) throw report_error(file + ": not a surge report (no \"schema_version\")");
    if (!sv->is_number_integer() || sv->get<long long>() < 1)
        throw report_error(file + ": not a surge report (\"schema_version\" is not a positive integer)");
    if (sv->get<long long>() > report_schema_version)
        throw report_error(file + ": schema_version " + std::to_string(sv->get<long long>()) +
                           " is newer than this surge reads (" + std::to_string(report_schema_version) + ")");
    const auto mode = doc.find("mode");
    if (mode == doc.end() || !mode->is_string()) throw report_error(file + ": not a surge report (no \"mode\")");
    loaded_report out;
    out.file = file;
    out.suite = mode->get<std::string>() == "suite";
    if (out.suite) {
        const auto tests = doc.find("tests");
        if (tests == doc.end() || !tests->is_array())
            throw report_error(file + ": a suite report without a \"tests\" array");
        for (std::size_t i = 0; i < tests->size(); ++i)
            (void)diff_detail::view_of((*tests)[i], file + ": tests[" + std::to_string(i) + "]");
    } else {
        (void)diff_detail::view_of(doc, file);
    }
    out.document = std::move(doc);
    return out;
}

inline loaded_report parse_report(const std::string& text, const std::string& file) {
    return check_report(parse_report_json<nlohmann::ordered_json>(text, file), file);
}

inline loaded_report read_report(const std::string& path) {
    return check_report(read_report_json<nlohmann::ordered_json>(path), path);
}

/// Compares one metric's values. `in_old`/`in_new` say whether each report has it.
inline metric_change compare_metric(std::string_view test, const std::string& metric, std::optional<double> old_value,
                                    std::optional<double> new_value, const diff_options& opt) {
    metric_change c;
    c.metric = metric;
    c.in_old = old_value.has_value();
    c.in_new = new_value.has_value();
    c.old_value = old_value.value_or(std::numeric_limits<double>::quiet_NaN());
    c.new_value = new_value.value_or(std::numeric_limits<double>::quiet_NaN());
    c.direction = direction_of(metric);
    c.tolerance = opt.tolerance;
    for (const auto& [pattern, tol] : opt.metric_tolerances)
        if (diff_detail::pattern_matches(pattern, test, metric)) c.tolerance = tol;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const bool both_finite = c.in_old && c.in_new && std::isfinite(c.old_value) && std::isfinite(c.new_value);
    c.absolute = both_finite ? c.new_value - c.old_value : nan;
    if (!both_finite) c.relative = nan;
    else if (c.old_value != 0) c.relative = (c.new_value - c.old_value) / std::fabs(c.old_value);
    else if (c.new_value == 0) c.relative = 0;
    else c.relative = c.new_value > 0 ? std::numeric_limits<double>::infinity() : -std::numeric_limits<double>::infinity();

    for (const auto& pattern : opt.ignored)
        if (diff_detail::pattern_matches(pattern, test, metric)) {
            c.verdict = change_verdict::ignored;
            return c;
        }
    if (!c.in_new) {
        c.verdict = change_verdict::missing;
        return c;
    }
    if (!c.in_old) {
        c.verdict = change_verdict::added;
        return c;
    }
    if (!both_finite) {
        const bool old_finite = std::isfinite(c.old_value), new_finite = std::isfinite(c.new_value);
        if (!old_finite && !new_finite) c.verdict = change_verdict::same;
        else if (c.direction == metric_direction::neutral) c.verdict = change_verdict::changed;
        else c.verdict = old_finite ? change_verdict::regressed : change_verdict::better;
        return c;
    }
    if (c.new_value == c.old_value) {
        c.verdict = change_verdict::same;
        return c;
    }
    if (c.direction == metric_direction::neutral) {
        c.verdict = change_verdict::changed;
        return c;
    }
    const bool up = c.new_value > c.old_value;
    const bool good = (c.direction == metric_direction::higher) == up;
    if (good) c.verdict = change_verdict::better;
    else c.verdict = std::fabs(c.relative) > c.tolerance ? change_verdict::regressed : change_verdict::worse;
    return c;
}

/// compare_metric() under --exact: whatever is not the same (or ignored) regresses.
inline metric_change compare_metric_exact(std::string_view test, const std::string& metric,
                                          std::optional<double> old_value, std::optional<double> new_value,
                                          const diff_options& opt) {
    metric_change c = compare_metric(test, metric, old_value, new_value, opt);
    if (c.verdict != change_verdict::same && c.verdict != change_verdict::ignored) c.verdict = change_verdict::regressed;
    return c;
}

/// Compares two runs' reports (objects with "metrics"). `old_report` or `new_report` may be null
/// (a suite test only in one of the reports).
inline run_diff compare_runs(const nlohmann::ordered_json* old_report, const nlohmann::ordered_json* new_report,
                             const std::string& name, const diff_options& opt) {
    using diff_detail::run_view;
    run_diff d;
    d.name = name;
    d.in_old = old_report != nullptr;
    d.in_new = new_report != nullptr;
    if (!d.in_new) {
        d.regressions.push_back(name + ": the test is missing from the new report");
        return d;
    }
    if (!d.in_old) return d;
    const run_view o = diff_detail::view_of(*old_report, "old");
    const run_view n = diff_detail::view_of(*new_report, "new");
    d.old_hash = o.hash;
    d.new_hash = n.hash;
    d.old_completed = o.completed;
    d.new_completed = n.completed;
    const std::string prefix = name.empty() ? "" : name + ": ";
    if (o.completed && !n.completed) d.regressions.push_back(prefix + "the run stopped on an error");
    if (opt.exact && o.hash != n.hash) d.regressions.push_back(prefix + "trace hash " + o.hash + " -> " + n.hash);

    const auto find = [](const run_view& v, std::string_view metric) { return v.metrics.get(metric); };
    const auto unit_of = [&](const std::string& metric) {
        for (const run_view* v : {&n, &o})
            if (const models::metric* m = v->metrics.find(metric); m != nullptr && !m->unit.empty()) return m->unit;
        return std::string();
    };
    const auto add = [&](const std::string& metric) {
        metric_change c = opt.exact ? compare_metric_exact(name, metric, find(o, metric), find(n, metric), opt)
                                    : compare_metric(name, metric, find(o, metric), find(n, metric), opt);
        c.unit = unit_of(metric);
        if (c.verdict == change_verdict::regressed) {
            std::string why = prefix + metric + " ";
            // Exact values under --exact: the JSON numbers (null when not finite), as the reports hold them.
            const auto exact_text = [](bool present, double v) { return present ? nlohmann::json(v).dump() : "(none)"; };
            if (opt.exact)
                why += exact_text(c.in_old, c.old_value) + " -> " + exact_text(c.in_new, c.new_value) + " (--exact)";
            else if (!std::isfinite(c.new_value)) why += "is no longer a finite number";
            else if (c.old_value == 0) why += value_text_of(c.old_value, c.unit) + " -> " + value_text_of(c.new_value, c.unit);
            else why += (c.relative > 0 ? "+" : "") + diff_detail::percent_text(c.relative) + " (" +
                        value_text_of(c.old_value, c.unit) + " -> " + value_text_of(c.new_value, c.unit) +
                        "; tolerance " + diff_detail::percent_text(c.tolerance) + ")";
            d.regressions.push_back(why);
        } else if (c.verdict == change_verdict::missing) {
            d.regressions.push_back(prefix + metric + " is missing from the new report");
        }
        d.metrics.push_back(std::move(c));
    };
    for (const auto& m : o.metrics.items()) add(m.name);
    for (const auto& m : n.metrics.items())
        if (!find(o, m.name)) add(m.name);

    for (const auto& [key, passed] : o.thresholds) {
        const auto it = n.thresholds.find(key);
        if (!passed || it == n.thresholds.end() || it->second) continue;
        const std::string metric = key.substr(0, key.find(' '));
        bool ignored = false;
        for (const auto& pattern : opt.ignored) ignored = ignored || diff_detail::pattern_matches(pattern, name, metric);
        if (!ignored) d.regressions.push_back(prefix + "threshold " + key + " passed before and fails now");
    }
    for (const auto& key : n.threshold_order) {
        const auto it = o.thresholds.find(key);
        if (it == o.thresholds.end() || it->second == n.thresholds.at(key)) continue;
        run_diff::threshold_change tc;
        tc.threshold = key;
        tc.old_pass = it->second;
        tc.new_pass = n.thresholds.at(key);
        tc.old_measured = o.measured.at(key);
        tc.new_measured = n.measured.at(key);
        tc.unit = unit_of(key.substr(0, key.find(' ')));
        d.threshold_changes.push_back(std::move(tc));
    }
    d.warnings = diff_detail::run_warnings(o, n);
    return d;
}

/// Compares two reports: both single runs, or both suites.
inline report_diff compare_reports(const loaded_report& old_report, const loaded_report& new_report,
                                   const diff_options& opt) {
    if (old_report.suite != new_report.suite)
        throw report_error("cannot compare a " + std::string(old_report.suite ? "suite" : "single-run") + " report (" +
                           old_report.file + ") with a " + (new_report.suite ? "suite" : "single-run") + " report (" +
                           new_report.file + ")");
    report_diff out;
    out.suite = old_report.suite;
    if (!out.suite) {
        out.runs.push_back(compare_runs(&old_report.document, &new_report.document, "", opt));
        const auto name_of = [](const nlohmann::ordered_json& r) {
            return diff_detail::view_of(r, "").name;
        };
        out.runs.back().name = name_of(new_report.document);
        if (out.runs.back().name.empty()) out.runs.back().name = name_of(old_report.document);
        return out;
    }
    const auto name_of = [](const nlohmann::ordered_json& t) {
        const auto sc = t.find("scenario");
        if (sc != t.end() && sc->is_object() && sc->contains("name") && (*sc)["name"].is_string())
            return (*sc)["name"].get<std::string>();
        return std::string();
    };
    const auto& old_tests = old_report.document["tests"];
    const auto& new_tests = new_report.document["tests"];
    const auto find = [&](const nlohmann::ordered_json& tests, const std::string& name) -> const nlohmann::ordered_json* {
        for (const auto& t : tests)
            if (name_of(t) == name) return &t;
        return nullptr;
    };
    for (const auto& t : old_tests) {
        const std::string name = name_of(t);
        out.runs.push_back(compare_runs(&t, find(new_tests, name), name, opt));
    }
    for (const auto& t : new_tests) {
        const std::string name = name_of(t);
        if (find(old_tests, name) == nullptr) out.runs.push_back(compare_runs(nullptr, &t, name, opt));
    }
    return out;
}

/// "PASS -> FAIL  METRIC < 1s  (850 ms -> 1.52 s)": one threshold that changed verdict.
inline std::string threshold_change_text(const run_diff::threshold_change& c, terminal_style style = {}) {
    const auto measured = [&](const std::optional<double>& m) { return m ? value_text_of(*m, c.unit) : std::string("-"); };
    return (c.old_pass ? "PASS" : "FAIL") + std::string(" -> ") + style.verdict(c.new_pass) + "  " +
           terminal_text(c.threshold) + "  (" + measured(c.old_measured) + " -> " + measured(c.new_measured) + ")";
}

/// The diff for a terminal. Per run: warnings (the runs ran different scenarios, overrides, seeds
/// or modes), the thresholds that changed verdict, the trace hash, and one row per metric (`rows`:
/// those that moved beyond their tolerance, those that changed at all, or all); then the
/// thresholds that changed verdict over all runs, the regressions and a verdict line. Colour and
/// ✓ / ✗ only when `style` says so.
inline std::string diff_text(const report_diff& d, diff_rows rows = diff_rows::moved, terminal_style style = {}) {
    std::string out;
    std::size_t compared = 0, changed = 0, now_pass = 0, now_fail = 0;
    for (const auto& r : d.runs) {
        const std::string name = terminal_text(r.name);
        if (d.suite || !r.name.empty()) out += (out.empty() ? "" : "\n") + std::string(d.suite ? "test " : "scenario ") + name;
        if (!r.in_new) {
            out += ": only in the old report\n";
            continue;
        }
        if (!r.in_old) {
            out += ": only in the new report (new test)\n";
            continue;
        }
        if (d.suite || !r.name.empty()) out += "\n";
        for (const auto& w : r.warnings) out += "  " + style.paint(terminal_style::yellow, "warning:") + " " + terminal_text(w) + "\n";
        if (!r.threshold_changes.empty()) {
            out += "  thresholds that changed verdict:\n";
            for (const auto& c : r.threshold_changes) {
                out += "    " + threshold_change_text(c, style) + "\n";
                ++(c.new_pass ? now_pass : now_fail);
            }
        }
        if (r.old_hash != r.new_hash) out += "  trace hash " + terminal_text(r.old_hash) + " -> " + terminal_text(r.new_hash) + "\n";
        else out += "  trace hash " + terminal_text(r.new_hash) + " (unchanged)\n";
        if (r.old_completed != r.new_completed)
            out += std::string("  completed ") + (r.old_completed ? "true" : "false") + " -> " +
                   (r.new_completed ? "true" : "false") + "\n";
        std::vector<std::array<std::string, 6>> table;
        std::vector<int> tone;   // per row: -1 regressed/missing, 1 better, 0 otherwise
        std::size_t hidden = 0;
        for (const auto& c : r.metrics) {
            ++compared;
            const bool differs = c.verdict != change_verdict::same;
            const bool beyond = moved_beyond_tolerance(c);
            if (differs) ++changed;
            if ((rows == diff_rows::changed && !differs) || (rows == diff_rows::moved && !beyond)) {
                if (differs) ++hidden;
                continue;
            }
            std::array<std::string, 6> row;
            row[0] = terminal_text(c.metric);
            row[1] = c.in_old ? value_text_of(c.old_value, c.unit) : "-";
            row[2] = c.in_new ? value_text_of(c.new_value, c.unit) : "-";
            row[3] = std::isfinite(c.absolute) ? format_delta(c.absolute, c.unit) : "-";
            row[4] = format_relative(c.relative);
            if (row[4] == "n/a") row[4] = "-";
            row[5] = std::string(verdict_name(c.verdict));
            table.push_back(std::move(row));
            tone.push_back(c.verdict == change_verdict::regressed || c.verdict == change_verdict::missing ? -1
                           : c.verdict == change_verdict::better                                         ? 1
                                                                                                          : 0);
        }
        if (table.empty()) {
            if (hidden > 0)
                out += "  no metric moved beyond its tolerance (" + std::to_string(hidden) +
                       (hidden == 1 ? " changed less; --all lists it)\n" : " changed less; --all lists them)\n");
            else out += "  no metric changed\n";
            continue;
        }
        std::array<std::size_t, 6> width{6, 3, 3, 6, 8, 7};
        for (const auto& row : table)
            for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], display_width(row[i]));
        const auto line = [&](const std::array<std::string, 6>& row, int t) {
            std::string s = "  " + pad_right(row[0], width[0] + 2);
            for (std::size_t i = 1; i < 5; ++i) s += pad_left(row[i], width[i]) + "  ";  // numbers right-aligned
            s += t < 0 ? style.paint(terminal_style::red, row[5]) : t > 0 ? style.paint(terminal_style::green, row[5]) : row[5];
            out += s + "\n";
        };
        line({"metric", "old", "new", "change", "relative", "verdict"}, 0);
        for (std::size_t i = 0; i < table.size(); ++i) line(table[i], tone[i]);
        if (hidden > 0)
            out += "  (" + std::to_string(hidden) + (hidden == 1 ? " other metric" : " other metrics") +
                   " changed within the tolerance; --all lists every metric)\n";
    }
    const std::size_t n = d.regression_count();
    out += "\n";
    if (now_pass + now_fail > 0) {
        out += "thresholds that changed verdict: ";
        if (now_pass > 0) out += style.paint(terminal_style::green, std::to_string(now_pass) + " now pass");
        if (now_pass > 0 && now_fail > 0) out += ", ";
        if (now_fail > 0) out += style.paint(terminal_style::red, std::to_string(now_fail) + " now fail");
        out += "\n";
    }
    if (n == 0) {
        out += "diff: " + style.paint(terminal_style::green, "no regressions") + " (" + std::to_string(compared) +
               " metrics compared, " + std::to_string(changed) + " changed)\n";
    } else {
        out += "diff: " + style.paint(terminal_style::red, std::to_string(n) + (n == 1 ? " regression" : " regressions")) + "\n";
        for (const auto& r : d.runs)
            for (const auto& why : r.regressions) out += "  " + terminal_text(why) + "\n";
    }
    return out;
}

} // namespace surge::sim
