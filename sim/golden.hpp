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
//
// The workflow `surge golden` runs is here too (plan_goldens, check_goldens): which scenarios,
// their golden names, run, compare or rewrite, orphans. The command only prints the results. Its
// file reads and writes are read_golden_file, write_golden_file and remove_golden_file.
#pragma once

#include "sim/atomic_write.hpp"
#include "sim/load.hpp"
#include "sim/report.hpp"
#include "sim/run.hpp"
#include "sim/suite.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <system_error>
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

// ---------------------------------------------------------------------------------------------
// The workflow: surge golden [--update] [--dir DIR] [--scenarios DIR] [SCENARIO...]
// ---------------------------------------------------------------------------------------------

struct golden_options {
    std::filesystem::path scenarios_dir;   // a golden file is named by its scenario's path under it
    std::filesystem::path golden_dir;      // where the golden files are
    /// Scenario files, or scenarios under scenarios_dir by name ("baseline",
    /// "suite/notification/high-volume-delivery", "notification/high-volume-delivery"). Empty:
    /// every scenario under scenarios_dir, and every golden file must belong to one.
    std::vector<std::string> scenarios;
    bool update = false;                   // rewrite the golden files instead of checking them
};

/// One scenario to check: its file, its golden name (its path relative to the scenarios
/// directory, with ".json") and the scenario, loaded.
struct golden_item {
    std::string file;
    std::string rel;
    loaded_scenario loaded;
};

struct golden_plan {
    golden_options options;
    std::vector<std::string> builtin;      // every scenario under scenarios_dir, relative
    std::vector<golden_item> items;
};

/// The scenarios `options` names, each loaded: bad input (a name that is no scenario, a scenario
/// that does not load) is found before anything runs. Throws input_error.
inline golden_plan plan_goldens(golden_options options) {
    namespace fs = std::filesystem;
    golden_plan plan;
    plan.builtin = scenario_files(options.scenarios_dir);
    const fs::path& root = options.scenarios_dir;
    std::vector<std::pair<std::string, std::string>> named;  // file, rel
    if (options.scenarios.empty())
        for (const auto& rel : plan.builtin) named.emplace_back((root / rel).string(), rel);
    for (const auto& arg : options.scenarios) {
        std::error_code ec;
        if (fs::is_regular_file(arg, ec)) {
            const fs::path abs = fs::weakly_canonical(arg, ec);
            const fs::path rel = abs.lexically_relative(fs::weakly_canonical(root, ec));
            // A file outside the scenarios directory is named by its file name.
            named.emplace_back(arg, rel.empty() || *rel.begin() == ".." ? fs::path(arg).filename().string() : rel.generic_string());
            continue;
        }
        const auto match = std::find_if(plan.builtin.begin(), plan.builtin.end(), [&](const std::string& rel) {
            return rel == arg || rel == arg + ".json" || rel == "suite/" + arg + ".json";
        });
        if (match == plan.builtin.end())
            throw input_error(arg + ": no such scenario file, and no built-in scenario of that name in " + root.string());
        named.emplace_back((root / *match).string(), *match);
    }
    for (auto& [file, rel] : named) {
        loaded_scenario loaded = load_scenario_file(file);
        plan.items.push_back({std::move(file), std::move(rel), std::move(loaded)});
    }
    plan.options = std::move(options);
    return plan;
}

/// What became of one golden file.
struct golden_result {
    enum class status : std::uint8_t {
        match,       // check: the run is exactly the golden file
        differs,     // check: something moved (`changes`)
        missing,     // check: no golden file for the scenario
        orphan,      // check: a golden file without a scenario (`scenario_file` is where it would be)
        written,     // update: a new golden file
        updated,     // update: rewritten (`changes`)
        unchanged,   // update: already right, not touched
        removed,     // update: an orphan, deleted
    };
    status what = status::match;
    std::string name;                      // the golden name: "baseline"; an orphan's keeps ".json"
    std::filesystem::path golden_file;
    std::filesystem::path scenario_file;
    std::vector<std::string> changes;      // golden_differences(old, new), old -> new
    std::uint64_t trace_hash = 0;          // the run's (not for orphans)
    std::size_t metrics = 0;               // how many metrics the golden record holds

    /// Whether this result fails a check (exit 1).
    [[nodiscard]] bool failed() const noexcept {
        return what == status::differs || what == status::missing || what == status::orphan;
    }
};

/// The golden file at `path`: nullopt when there is none. One that is not JSON is bad input when
/// checking (input_error naming the file) and as good as absent when updating.
inline std::optional<nlohmann::ordered_json> read_golden_file(const std::filesystem::path& path, bool update) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return std::nullopt;
    const std::string text = read_text_file(path.string());
    try {
        return nlohmann::ordered_json::parse(text);
    } catch (const nlohmann::json::exception& e) {
        if (!update) throw input_error(path.string() + ": not valid JSON (" + e.what() + ")");
        return std::nullopt;
    }
}

/// Writes `golden` to `path` (creating its directory). Throws input_error when it cannot.
inline void write_golden_file(const std::filesystem::path& path, const nlohmann::ordered_json& golden) {
    std::error_code ec;
    std::filesystem::create_directories(path.parent_path(), ec);
    write_file_atomically(path.string(), golden_text(golden), "golden file");
}

inline void remove_golden_file(const std::filesystem::path& path) {
    std::error_code ec;
    std::filesystem::remove(path, ec);
}

/// Runs one scenario of the plan and compares its record with the golden file, or rewrites the
/// file (update). Throws input_error for a golden file that cannot be read or written.
inline golden_result check_golden(const golden_plan& plan, const golden_item& item) {
    golden_result r;
    r.name = item.rel.ends_with(".json") ? item.rel.substr(0, item.rel.size() - 5) : item.rel;
    r.golden_file = plan.options.golden_dir / item.rel;
    r.scenario_file = item.file;
    const run_result result = run(item.loaded.scenario);
    const auto now = golden_json(result, item.rel);
    r.trace_hash = result.trace_hash;
    r.metrics = now["metrics"].size();
    const auto before = read_golden_file(r.golden_file, plan.options.update);
    if (before) r.changes = golden_differences(*before, now);
    using status = golden_result::status;
    if (plan.options.update) {
        if (before && r.changes.empty()) {
            r.what = status::unchanged;
            return r;
        }
        write_golden_file(r.golden_file, now);
        r.what = before ? status::updated : status::written;
        return r;
    }
    r.what = !before ? status::missing : r.changes.empty() ? status::match : status::differs;
    return r;
}

/// With no scenarios named: the golden files that belong to no scenario (removed when updating).
inline std::vector<golden_result> golden_orphans(const golden_plan& plan) {
    std::vector<golden_result> out;
    std::error_code ec;
    if (!plan.options.scenarios.empty() || !std::filesystem::is_directory(plan.options.golden_dir, ec)) return out;
    for (const auto& rel : scenario_files(plan.options.golden_dir)) {
        if (std::find(plan.builtin.begin(), plan.builtin.end(), rel) != plan.builtin.end()) continue;
        golden_result r;
        r.name = rel;
        r.golden_file = plan.options.golden_dir / rel;
        r.scenario_file = plan.options.scenarios_dir / rel;
        if (plan.options.update) {
            remove_golden_file(r.golden_file);
            r.what = golden_result::status::removed;
        } else {
            r.what = golden_result::status::orphan;
        }
        out.push_back(std::move(r));
    }
    return out;
}

struct golden_check {
    std::vector<golden_result> results;    // the plan's scenarios in order, then the orphans

    /// 0 when every file matches (or was updated), 1 when one differs, is missing or is an orphan.
    [[nodiscard]] int exit_code() const {
        return std::any_of(results.begin(), results.end(), [](const golden_result& r) { return r.failed(); }) ? 1 : 0;
    }
};

/// The whole check (or update): every scenario of the plan, then the orphans. `on_result` sees each
/// result as soon as it is known (the command prints it then: a long scenario shows progress).
inline golden_check check_goldens(const golden_plan& plan, const std::function<void(const golden_result&)>& on_result = {}) {
    golden_check out;
    const auto add = [&](golden_result r) {
        if (on_result) on_result(r);
        out.results.push_back(std::move(r));
    };
    for (const auto& item : plan.items) add(check_golden(plan, item));
    for (auto& r : golden_orphans(plan)) add(std::move(r));
    return out;
}

} // namespace surge::sim
