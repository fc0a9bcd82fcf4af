// sim/golden.hpp — golden files: a run's trace hash and metrics for a fixed seed, kept in
// tests/golden/ and compared exactly by `surge golden` (and by CTest, in every build: g++
// optimised, the sanitizer build, clang++ at -O0), so that a change in any model's behaviour —
// or a compiler that rounds differently — shows up as a named metric that moved.
//
// A golden file is JSON, one metric per line so that a changed golden reads well in a diff:
//   {"scenario": NAME, "file": PATH, "seed": N, "trace_hash": HEX, "events": N,
//    "virtual_seconds": X, "completed": true, "metrics": {NAME: 1000.0, ...}}
// Metrics are every metric of the run except simulator.* (the host's), flat by dotted name, in
// the run's order, as exact doubles in nlohmann/json's shortest round-trip form (null when not
// finite) — the same numbers the report prints. The surge version is deliberately not in it.
#pragma once

#include "sim/report.hpp"
#include "sim/run.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <string>
#include <utility>
#include <vector>

namespace surge::sim {

/// The golden record of a run. `file` is the scenario's path relative to the scenarios directory.
inline nlohmann::ordered_json golden_json(const run_result& r, const std::string& file) {
    using nlohmann::ordered_json;
    ordered_json g = ordered_json::object();
    g["scenario"] = r.scenario;
    g["file"] = file;
    g["seed"] = r.seed;
    g["trace_hash"] = format_trace_hash(r.trace_hash);
    g["events"] = r.events;
    g["virtual_seconds"] = report_detail::number(r.virtual_seconds);
    g["completed"] = r.completed;
    if (!r.completed) g["error"] = r.error;
    ordered_json m = ordered_json::object();
    for (const auto& x : r.metrics.items())
        if (!report_detail::is_simulator_metric(x.name)) m[x.name] = report_detail::number(x.value);
    g["metrics"] = std::move(m);
    return g;
}

/// The file's text: 2-space indentation, a trailing newline.
inline std::string golden_text(const nlohmann::ordered_json& g) { return g.dump(2) + "\n"; }

/// What changed from `old_golden` to `new_golden`, one line each: "trace_hash: a -> b",
/// "metric NAME: 0.21 -> 0.22", "metric x: only in the new run", ... Empty when
/// they are the same. Values are compared exactly (as the JSON numbers they are).
inline std::vector<std::string> golden_differences(const nlohmann::ordered_json& old_golden,
                                                   const nlohmann::ordered_json& new_golden) {
    std::vector<std::string> out;
    const auto text = [](const nlohmann::ordered_json& v) { return v.dump(); };
    // nlohmann compares two numbers by value (an integer and a float holding it are equal).
    const auto same = [](const nlohmann::ordered_json& a, const nlohmann::ordered_json& b) { return a == b; };
    for (const char* key : {"scenario", "seed", "trace_hash", "events", "virtual_seconds", "completed", "error"}) {
        const bool in_old = old_golden.contains(key), in_new = new_golden.contains(key);
        if (!in_old && !in_new) continue;
        if (in_old && in_new) {
            if (!same(old_golden[key], new_golden[key]))
                out.push_back(std::string(key) + ": " + text(old_golden[key]) + " -> " + text(new_golden[key]));
        } else {
            out.push_back(std::string(key) + ": " + (in_old ? text(old_golden[key]) : "(none)") + " -> " +
                          (in_new ? text(new_golden[key]) : "(none)"));
        }
    }
    static const nlohmann::ordered_json empty = nlohmann::ordered_json::object();
    const auto metrics_of = [](const nlohmann::ordered_json& g) -> const nlohmann::ordered_json& {
        const auto it = g.find("metrics");
        return it != g.end() && it->is_object() ? *it : empty;
    };
    const auto& om = metrics_of(old_golden);
    const auto& nm = metrics_of(new_golden);
    for (const auto& item : om.items()) {
        const auto it = nm.find(item.key());
        if (it == nm.end()) out.push_back("metric " + item.key() + ": " + text(item.value()) + " -> (gone)");
        else if (!same(item.value(), *it)) out.push_back("metric " + item.key() + ": " + text(item.value()) + " -> " + text(*it));
    }
    for (const auto& item : nm.items())
        if (!om.contains(item.key())) out.push_back("metric " + item.key() + ": (none) -> " + text(item.value()));
    return out;
}

} // namespace surge::sim
