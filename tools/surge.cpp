// surge — the command line: run a scenario in virtual time and report, validate scenario files,
// run the seed's performance suite, check golden files, compare two reports, replay a scenario
// against a live server.
//
//   surge run SCENARIO [--seed N] [--output report.json] [--trace trace.jsonl] [--set PATH=VALUE]... [--quiet]
//   surge suite [--suites notification websocket memory | all] [--output report.json] [--verbose]
//               [--seed N] [--set PATH=VALUE]... [--dir DIR]
//   surge golden [--update] [--dir tests/golden] [--scenarios DIR] [SCENARIO...]
//   surge diff OLD.json NEW.json [--tolerance 5%] [--metric-tolerance NAME=PCT]... [--ignore NAME]...
//              [--changed-only] [--exact]
//   surge replay SCENARIO --target URL [--protocol socketio|ws-json] [--time-scale K] [--seed N]
//                [--output report.json] [--compare sim.json] [--set PATH=VALUE]... [--quiet] ...
//   surge validate SCENARIO...
//   surge version | surge --version
//
// Exit codes: 0 every threshold holds (suite: of every test; golden: every file matches; diff:
// nothing regressed); 1 a threshold failed or the run stopped on an error (the report is still
// written; golden: a file differs or is missing; diff: a metric regressed beyond the tolerance);
// 2 bad input (a scenario that cannot be read or validated, a bad option, an output file that
// cannot be written, a file that is not a surge report), checked before anything runs; 130 / 143
// (128 + the signal) run, suite or replay interrupted by SIGINT / SIGTERM: the run stops at its
// next safe point, the partial report is written (completed false, interrupted naming the signal)
// and the summary printed; a second signal ends the process at once with the same code. Reports,
// traces and golden files are replaced atomically (sim/atomic_write.hpp): a killed run leaves the
// previous file whole. Every message on stderr starts with "surge: ", and text from input is
// escaped for the terminal (sim/terminal_text.hpp). The report's schema is docs/report.md; the suite,
// golden and diff commands are described in docs/ci.md, replay in docs/replay.md. The options and
// conventions shared by the commands are in tools/commands/command.hpp; `surge replay` is its own
// translation unit (tools/replay/replay_command.cpp, on Beast and OpenSSL), so this file compiles
// none of it.
//
// Wall-clock time is measured here only for the progress line; the simulation never sees it.
#include <sim/atomic_write.hpp>
#include <sim/diff.hpp>
#include <sim/golden.hpp>
#include <sim/load.hpp>
#include <sim/report.hpp>
#include <sim/run.hpp>
#include <sim/stop_signal.hpp>
#include <sim/suite.hpp>
#include <sim/system.hpp>
#include <sim/terminal_text.hpp>

#include "commands/command.hpp"

#include <CLI/CLI.hpp>

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace {

namespace sim = surge::sim;

using surge::cli::action;
using surge::cli::complain;
using surge::cli::exit_bad_input;
using surge::cli::exit_ok;
using surge::cli::open_output;
using surge::cli::parse_seed;
using surge::cli::usage_error;

std::string plural(std::size_t n, std::string_view one, std::string_view many) {
    return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

// ---------------------------------------------------------------------------------------------
// The progress line
// ---------------------------------------------------------------------------------------------

/// "\r[surge] t=12.0s/60.0s  3.1M events/s  ETA 4s" on a terminal's stderr, once the run has
/// taken a second of wall time, at most five times per wall second, erased at the end.
class progress_line {
public:
    void operator()(const sim::progress& p) {
        const auto now = clock::now();
        const double elapsed = seconds(now - start_);
        if (elapsed < 1.0) return;
        if (shown_ && seconds(now - last_) < 0.2) return;
        last_ = now;
        shown_ = true;
        const double done = p.now.seconds_f();
        const double total = p.length.seconds_f();
        const double rate = static_cast<double>(p.events) / elapsed;
        std::string eta = "?";
        if (done > 0) eta = duration_text(elapsed * (total - done) / done);
        std::fprintf(stderr, "\r[surge] t=%.1fs/%.1fs  %s events/s  ETA %s\033[K", done, total, rate_text(rate).c_str(),
                     eta.c_str());
        std::fflush(stderr);
    }
    void clear() {
        if (!shown_) return;
        std::fputs("\r\033[K", stderr);
        std::fflush(stderr);
        shown_ = false;
    }

private:
    using clock = std::chrono::steady_clock;
    static double seconds(clock::duration d) { return std::chrono::duration<double>(d).count(); }
    static std::string rate_text(double r) {
        char buf[32];
        if (r >= 1e6) std::snprintf(buf, sizeof buf, "%.1fM", r / 1e6);
        else if (r >= 1e3) std::snprintf(buf, sizeof buf, "%.1fk", r / 1e3);
        else std::snprintf(buf, sizeof buf, "%.0f", r);
        return buf;
    }
    static std::string duration_text(double s) {
        if (!(s >= 0)) s = 0;
        const auto whole = static_cast<long long>(s + 0.5);
        char buf[32];
        if (whole < 60) std::snprintf(buf, sizeof buf, "%llds", whole);
        else if (whole < 3600) std::snprintf(buf, sizeof buf, "%lldm%02llds", whole / 60, whole % 60);
        else std::snprintf(buf, sizeof buf, "%lldh%02lldm", whole / 3600, whole / 60 % 60);
        return buf;
    }

    clock::time_point start_ = clock::now();
    clock::time_point last_ = start_;
    bool shown_ = false;
};

// ---------------------------------------------------------------------------------------------
// Subcommands
// ---------------------------------------------------------------------------------------------

/// One subcommand: its name, its one-line help, and `define`, which declares its options on the
/// CLI11 subcommand and returns what to run once the command line is parsed.
struct subcommand {
    const char* name;
    const char* help;
    surge::cli::definition define;
};

action define_run(CLI::App& cmd) {
    struct options {
        std::string scenario;
        std::optional<std::string> seed;
        std::string output;
        std::string trace;
        std::vector<std::string> sets;
        bool quiet = false;
    };
    auto o = std::make_shared<options>();
    cmd.add_option("SCENARIO", o->scenario, "Scenario file (JSON)")->required();
    cmd.add_option("--seed", o->seed, "Seed (overrides the scenario's)")->type_name("N");
    cmd.add_option("--output,-o", o->output, "Write the JSON report here")->type_name("FILE");
    cmd.add_option("--trace", o->trace, "Write the model trace (JSON lines) here")->type_name("FILE");
    cmd.add_option("--set", o->sets, "Override a scenario field: --set /database/pool_size=40 (repeatable)")
        ->type_name("POINTER=VALUE")
        ->allow_extra_args(false)  // one value per --set: a following SCENARIO stays positional
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    cmd.add_flag("--quiet,-q", o->quiet, "Print only the verdict line");

    return [o]() -> int {
        // Everything that can be bad input is checked before the run starts.
        std::optional<std::uint64_t> seed;
        if (o->seed) seed = parse_seed(*o->seed);
        const sim::loaded_scenario loaded = sim::load_scenario_file(o->scenario, o->sets);
        // Both files are replaced atomically (sim/atomic_write.hpp): a run that dies leaves the
        // previous report and trace in place. The report is only probed now; the trace is written
        // to its temporary file during the run.
        if (!o->output.empty()) sim::check_writable(o->output, "report");
        std::optional<sim::atomic_file> trace_file;
        if (!o->trace.empty()) trace_file.emplace(o->trace, "trace");

        sim::run_options opt;
        opt.seed = seed;
        if (trace_file) opt.trace_out = &trace_file->stream();
        opt.stop = &sim::stop_requested;
        progress_line progress;
        if (!o->quiet && ::isatty(STDERR_FILENO) == 1) {
            opt.on_progress = [&progress](const sim::progress& p) { progress(p); };
            opt.progress_every = surge::duration::seconds(1);
        }
        sim::install_stop_handlers();
        const sim::run_result result = sim::run(loaded.scenario, opt);
        progress.clear();

        const auto verdicts = sim::evaluate(loaded.scenario.thresholds, result.metrics);
        const int code = sim::exit_code(verdicts, result);
        if (result.interrupted != 0)
            complain(o->scenario + ": " + result.error + (o->output.empty() ? "" : "; the partial report is in " + o->output));
        else if (!result.completed)
            complain(o->scenario + ": the run stopped on an error: " + result.error);

        if (!o->output.empty()) {
            const sim::scenario_info info{loaded.scenario.name, o->scenario, o->sets, loaded.document};
            sim::write_file_atomically(o->output, sim::report_text(sim::make_report(result, info, verdicts)), "report");
        }
        if (trace_file) trace_file->commit();

        if (o->quiet) std::cout << sim::terminal_text(result.scenario) << ": " << sim::verdict_line(verdicts, result) << '\n';
        else std::cout << sim::terminal_lines(sim::summary_table(result, verdicts, o->scenario));
        std::cout.flush();
        return code;
    };
}

// ---------------------------------------------------------------------------------------------
// Where the built-in scenarios and golden files are
// ---------------------------------------------------------------------------------------------

namespace fs = std::filesystem;

#ifndef SURGE_SOURCE_DIR
#define SURGE_SOURCE_DIR ""
#endif
#ifndef SURGE_INSTALL_SCENARIOS_DIR
#define SURGE_INSTALL_SCENARIOS_DIR ""
#endif

bool is_dir(const fs::path& p) {
    std::error_code ec;
    return !p.empty() && fs::is_directory(p, ec);
}

/// The built-in scenarios: the source tree's sim/scenarios (SURGE_SOURCE_DIR), else
/// ./sim/scenarios, else the installed share/surge/scenarios (next to the program's bin/
/// directory, then the configured install prefix).
fs::path default_scenarios_dir() {
    std::vector<fs::path> candidates;
    if (std::string_view(SURGE_SOURCE_DIR).size() > 0) candidates.emplace_back(fs::path(SURGE_SOURCE_DIR) / "sim" / "scenarios");
    candidates.emplace_back(fs::path("sim") / "scenarios");
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) candidates.push_back(exe.parent_path().parent_path() / "share" / "surge" / "scenarios");
    if (std::string_view(SURGE_INSTALL_SCENARIOS_DIR).size() > 0) candidates.emplace_back(SURGE_INSTALL_SCENARIOS_DIR);
    for (const auto& c : candidates)
        if (is_dir(c)) return c;
    std::string tried;
    for (const auto& c : candidates) tried += (tried.empty() ? "" : ", ") + c.string();
    throw usage_error("cannot find the built-in scenarios (tried " + tried + "); give the directory with --dir");
}

/// The golden files: the source tree's tests/golden (while the source tree exists), else
/// ./tests/golden.
fs::path default_golden_dir() {
    if (std::string_view(SURGE_SOURCE_DIR).size() > 0 && is_dir(fs::path(SURGE_SOURCE_DIR) / "tests"))
        return fs::path(SURGE_SOURCE_DIR) / "tests" / "golden";
    return fs::path("tests") / "golden";
}

/// "5%", "5" (both five per cent) or "0.5%": a finite, non-negative percentage, as a fraction.
double parse_percent(const std::string& text, const std::string& what) {
    std::string t = text;
    if (!t.empty() && t.back() == '%') t.pop_back();
    double v = 0;
    const char* end = t.data() + t.size();
    const auto res = std::from_chars(t.data(), end, v);
    if (t.empty() || res.ec != std::errc{} || res.ptr != end || !std::isfinite(v) || v < 0)
        throw usage_error(what + ": expected a percentage, e.g. 5% or 0.5%");
    return v / 100;
}

// ---------------------------------------------------------------------------------------------
// surge suite
// ---------------------------------------------------------------------------------------------

action define_suite(CLI::App& cmd) {
    struct options {
        std::vector<std::string> suites;
        std::string output;
        bool verbose = false;
        std::optional<std::string> seed;
        std::vector<std::string> sets;
        std::string dir;
    };
    auto o = std::make_shared<options>();
    cmd.add_option("--suites", o->suites, "Suites to run: notification websocket memory, or all (the default)")
        ->type_name("SUITE...");
    cmd.add_option("--output,-o", o->output, "Write the JSON suite report (every test's full report) here")
        ->type_name("FILE");
    cmd.add_flag("--verbose,-v", o->verbose, "Print each test's summary table");
    cmd.add_option("--seed", o->seed, "Seed for every test (overrides each scenario's)")->type_name("N");
    cmd.add_option("--set", o->sets,
                   "Override a field in every test where its parent exists: --set /users/count=1000 (repeatable)")
        ->type_name("POINTER=VALUE")
        ->allow_extra_args(false)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    cmd.add_option("--dir", o->dir, "The suites' directory (default: the built-in sim/scenarios/suite)")
        ->type_name("DIR");

    return [o]() -> int {
        const auto wall0 = std::chrono::steady_clock::now();
        std::optional<std::uint64_t> seed;
        if (o->seed) seed = parse_seed(*o->seed);
        const fs::path dir = o->dir.empty() ? default_scenarios_dir() / "suite" : fs::path(o->dir);
        if (!is_dir(dir)) throw usage_error("--dir " + dir.string() + ": not a directory");
        const sim::suite_plan plan = sim::plan_suite(dir, o->suites, o->sets);
        if (!o->output.empty()) sim::check_writable(o->output, "report");
        for (const auto& skip : plan.skipped) {
            std::string files;
            for (const auto& f : skip.tests) files += (files.empty() ? "" : ", ") + fs::path(f).lexically_relative(dir).generic_string();
            complain("--set " + skip.spec + " does not apply to " + std::to_string(skip.tests.size()) + " of " +
                     plural(plan.tests.size(), "test", "tests") + " (" + skip.reason + "): " + files);
        }

        std::string suites;
        for (const auto& s : plan.suites) suites += (suites.empty() ? "" : ", ") + s;
        std::cout << "suite " << sim::terminal_text(suites) << ": " << plural(plan.tests.size(), "test", "tests");
        if (seed) std::cout << ", seed " << *seed;
        std::cout << "\n" << std::flush;
        std::size_t width = 0;
        for (const auto& t : plan.tests) width = std::max(width, sim::terminal_text(t.loaded.scenario.name).size());

        // SIGINT/SIGTERM stop the running test (its partial report is kept) and the suite.
        sim::install_stop_handlers();
        std::vector<sim::suite_result> results;
        results.reserve(plan.tests.size());
        for (const auto& t : plan.tests) {
            results.push_back(sim::run_suite_test(t, seed, &sim::stop_requested));
            const auto& r = results.back();
            std::cout << sim::suite_line(r, width);
            if (o->verbose) std::cout << "\n" << sim::terminal_lines(sim::summary_table(r.result, r.verdicts, t.file)) << "\n";
            std::cout.flush();
            if (r.result.interrupted != 0) break;
        }
        const int interrupted = sim::suite_interrupted(results);
        const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
        std::size_t passed = 0;
        for (const auto& r : results) passed += r.code == 0 ? 1 : 0;
        const std::size_t failed = results.size() - passed;

        if (!o->output.empty())
            sim::write_file_atomically(o->output, sim::report_text(sim::suite_report(plan, results, seed, o->sets, wall)),
                                       "report");
        const std::string verdict = interrupted != 0 ? "INTERRUPTED by " + sim::signal_name(interrupted)
                                                     : failed == 0 ? "PASS" : "FAIL";
        std::cout << "\n" << verdict << ": " << passed << " passed, " << failed << " failed ("
                  << plural(results.size(), "test", "tests");
        if (results.size() < plan.tests.size()) std::cout << "; " << plan.tests.size() - results.size() << " not run";
        std::cout << ") in " << sim::report_detail::printf_string("%.2f", wall) << " s wall\n";
        std::cout.flush();
        if (interrupted != 0) {
            complain(std::string("the suite was interrupted by ") + sim::signal_name(interrupted) +
                     (o->output.empty() ? "" : "; the partial report is in " + o->output));
            return sim::interrupted_exit_code(interrupted);
        }
        return failed == 0 ? exit_ok : 1;
    };
}

// ---------------------------------------------------------------------------------------------
// surge golden
// ---------------------------------------------------------------------------------------------

action define_golden(CLI::App& cmd) {
    struct options {
        std::vector<std::string> scenarios;
        bool update = false;
        std::string dir;
        std::string scenarios_dir;
    };
    auto o = std::make_shared<options>();
    cmd.add_option("SCENARIO", o->scenarios,
                   "Scenario files, or built-in scenarios by path under the scenarios directory "
                   "(baseline, suite/notification/high-volume-delivery; default: all)");
    cmd.add_flag("--update", o->update, "Rewrite the golden files instead of checking them");
    cmd.add_option("--dir", o->dir, "The golden files' directory (default: the source tree's tests/golden)")
        ->type_name("DIR");
    cmd.add_option("--scenarios", o->scenarios_dir, "The scenarios' directory (default: the built-in sim/scenarios)")
        ->type_name("DIR");

    return [o]() -> int {
        const fs::path root = o->scenarios_dir.empty() ? default_scenarios_dir() : fs::path(o->scenarios_dir);
        if (!is_dir(root)) throw usage_error("--scenarios " + root.string() + ": not a directory");
        const fs::path dir = o->dir.empty() ? default_golden_dir() : fs::path(o->dir);
        if (!o->update && !is_dir(dir)) throw usage_error("--dir " + dir.string() + ": not a directory");
        const auto builtin = sim::scenario_files(root);

        // Each scenario: its file and its golden name (its path relative to the scenarios directory).
        struct item {
            std::string file, rel;
        };
        std::vector<item> items;
        if (o->scenarios.empty()) {
            for (const auto& rel : builtin) items.push_back({(root / rel).string(), rel});
        }
        for (const auto& arg : o->scenarios) {
            std::error_code ec;
            if (fs::is_regular_file(arg, ec)) {
                const fs::path abs = fs::weakly_canonical(arg, ec);
                const fs::path rel = abs.lexically_relative(fs::weakly_canonical(root, ec));
                const std::string r = rel.empty() || *rel.begin() == ".." ? fs::path(arg).filename().string() : rel.generic_string();
                items.push_back({arg, r});
                continue;
            }
            const auto match = std::find_if(builtin.begin(), builtin.end(), [&](const std::string& rel) {
                return rel == arg || rel == arg + ".json" || rel == "suite/" + arg + ".json";
            });
            if (match == builtin.end())
                throw usage_error(arg + ": no such scenario file, and no built-in scenario of that name in " + root.string());
            items.push_back({(root / *match).string(), *match});
        }
        // Bad input first: every scenario must load.
        std::vector<sim::loaded_scenario> loaded;
        for (const auto& it : items) loaded.push_back(sim::load_scenario_file(it.file));

        int code = exit_ok;
        for (std::size_t i = 0; i < items.size(); ++i) {
            const auto& it = items[i];
            const fs::path golden_path = dir / it.rel;
            const sim::run_result result = sim::run(loaded[i].scenario);
            const auto now = sim::golden_json(result, it.rel);
            const std::string name = it.rel.ends_with(".json") ? it.rel.substr(0, it.rel.size() - 5) : it.rel;
            const std::string label = "golden " + sim::terminal_text(name) + ": ";
            const std::string shown_path = sim::terminal_text(golden_path.string());

            std::optional<nlohmann::ordered_json> before;
            std::error_code ec;
            if (fs::exists(golden_path, ec)) {
                std::ifstream in(golden_path, std::ios::binary);
                std::ostringstream buf;
                buf << in.rdbuf();
                try {
                    before = nlohmann::ordered_json::parse(buf.str());
                } catch (const nlohmann::json::exception& e) {
                    if (!o->update) throw usage_error(golden_path.string() + ": not valid JSON (" + e.what() + ")");
                }
            }
            const auto changes = before ? sim::golden_differences(*before, now) : std::vector<std::string>{};
            if (o->update) {
                if (before && changes.empty()) {
                    std::cout << label << "unchanged\n";
                    continue;
                }
                fs::create_directories(golden_path.parent_path(), ec);
                sim::write_file_atomically(golden_path.string(), sim::golden_text(now), "golden file");
                if (!before) std::cout << label << "written " << shown_path << " (trace hash "
                                       << sim::format_trace_hash(result.trace_hash) << ")\n";
                else std::cout << label << "updated " << shown_path << " ("
                               << plural(changes.size(), "change", "changes") << ")\n";
                for (const auto& c : changes) std::cout << "  " << c << '\n';
                continue;
            }
            if (!before) {
                std::cout << label << "MISSING: no golden file " << shown_path << "\n  (write it with: surge golden --update "
                          << sim::terminal_text(name) << ")\n";
                code = 1;
                continue;
            }
            if (changes.empty()) {
                std::cout << label << "ok (trace hash " << sim::format_trace_hash(result.trace_hash) << ", "
                          << plural(now["metrics"].size(), "metric", "metrics") << ")\n";
                continue;
            }
            code = 1;
            std::cout << label << "DIFFERS from " << shown_path << " ("
                      << plural(changes.size(), "change", "changes") << ", old -> new)\n";
            for (const auto& c : changes) std::cout << "  " << c << '\n';
            std::cout << "  (if the change is intended: surge golden --update " << sim::terminal_text(name)
                      << ", and review the diff)\n";
        }
        // With no scenarios named, every golden file must belong to a scenario.
        if (o->scenarios.empty() && is_dir(dir)) {
            for (const auto& rel : sim::scenario_files(dir)) {
                if (std::find(builtin.begin(), builtin.end(), rel) != builtin.end()) continue;
                if (o->update) {
                    std::error_code ec;
                    fs::remove(dir / rel, ec);
                    std::cout << "golden " << sim::terminal_text(rel) << ": removed (no scenario " << sim::terminal_text((root / rel).string()) << ")\n";
                } else {
                    std::cout << "golden " << sim::terminal_text(rel) << ": ORPHAN: no scenario " << sim::terminal_text((root / rel).string()) << "\n";
                    code = 1;
                }
            }
        }
        std::cout.flush();
        return code;
    };
}

// ---------------------------------------------------------------------------------------------
// surge diff
// ---------------------------------------------------------------------------------------------

action define_diff(CLI::App& cmd) {
    struct options {
        std::string old_file, new_file;
        std::string tolerance = "5%";
        std::vector<std::string> metric_tolerances;
        std::vector<std::string> ignored;
        bool changed_only = false;
        bool exact = false;
    };
    auto o = std::make_shared<options>();
    cmd.add_option("OLD", o->old_file, "The baseline report (surge run or surge suite --output)")->required();
    cmd.add_option("NEW", o->new_file, "The report to check against it")->required();
    cmd.add_option("--tolerance", o->tolerance, "How far a metric may move the bad way, relative to the old value")
        ->type_name("PCT")
        ->capture_default_str();
    cmd.add_option("--metric-tolerance", o->metric_tolerances,
                   "Tolerance for the metrics matching NAME ('*' globs; TEST:NAME for one suite test) (repeatable)")
        ->type_name("NAME=PCT")
        ->allow_extra_args(false)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    cmd.add_option("--ignore", o->ignored, "Leave the metrics matching NAME out of the verdict (repeatable)")
        ->type_name("NAME")
        ->allow_extra_args(false)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    cmd.add_flag("--changed-only", o->changed_only, "List only the metrics that changed");
    cmd.add_flag("--exact", o->exact,
                 "Any difference fails, the trace hash included (the same run by two builds or machines)");

    return [o]() -> int {
        sim::diff_options opt;
        opt.tolerance = parse_percent(o->tolerance, "--tolerance " + o->tolerance);
        for (const auto& spec : o->metric_tolerances) {
            const auto eq = spec.rfind('=');
            if (eq == std::string::npos || eq == 0)
                throw usage_error("--metric-tolerance " + spec + ": expected NAME=PCT, e.g. " +
                                  std::string(surge::models::metric_of(surge::models::metric_id::delivery_latency_p99).name) + "=10%");
            opt.metric_tolerances.emplace_back(spec.substr(0, eq),
                                               parse_percent(spec.substr(eq + 1), "--metric-tolerance " + spec));
        }
        opt.ignored = o->ignored;
        opt.exact = o->exact;
        const auto old_report = sim::read_report(o->old_file);
        const auto new_report = sim::read_report(o->new_file);
        const auto d = sim::compare_reports(old_report, new_report, opt);
        std::cout << sim::terminal_lines(sim::diff_text(d, o->changed_only));
        std::cout.flush();
        return d.regression_count() == 0 ? exit_ok : 1;
    };
}

action define_validate(CLI::App& cmd) {
    auto files = std::make_shared<std::vector<std::string>>();
    cmd.add_option("SCENARIO", *files, "Scenario files (JSON)")->required();
    return [files]() -> int {
        int code = exit_ok;
        for (const auto& f : *files) {
            try {
                const auto loaded = sim::load_scenario_file(f);
                const auto& sc = loaded.scenario;
                std::cout << sim::terminal_text(f) << ": ok (" << sim::terminal_text(sc.name) << ", " << plural(sc.load.size(), "phase", "phases") << ", "
                          << plural(sc.faults.size(), "fault", "faults") << ", "
                          << plural(sc.thresholds.size(), "threshold", "thresholds") << ")\n";
            } catch (const sim::input_error& e) {
                std::cout.flush();
                complain(e.what());
                code = exit_bad_input;
            }
        }
        return code;
    };
}

action define_version(CLI::App&) {
    return []() -> int {
        std::cout << "surge " << SURGE_VERSION << '\n';
        return exit_ok;
    };
}

/// The subcommands, in the order `surge --help` lists them.
const std::vector<subcommand>& subcommands() {
    static const std::vector<subcommand> table{
        {"run", "Run a scenario in virtual time, print a summary, write the JSON report", define_run},
        {"suite", "Run the performance suite (notification, websocket, memory): one line per test, a JSON report",
         define_suite},
        {"golden", "Check (or --update) the golden trace hashes and metrics of the built-in scenarios", define_golden},
        {"diff", "Compare two reports metric by metric; exit 1 when a metric regressed beyond the tolerance",
         define_diff},
        {"replay", "Run a scenario against a live server over WebSocket (Socket.IO v4 or ws-json); the same report",
         surge::cli::define_replay},
        {"validate", "Check scenario files without running them", define_validate},
        {"version", "Print the version", define_version},
    };
    return table;
}

int main_impl(int argc, char** argv) {
    CLI::App app{"surge — deterministic simulation of a notification system in virtual time, and its replay against "
                 "a live server.\n"
                 "Exit codes: 0 all thresholds hold, 1 a threshold failed or the run stopped on an error, 2 bad input, "
                 "130/143 interrupted by SIGINT/SIGTERM (the partial report is written).",
                 "surge"};
    // Set before the subcommands are added: they inherit it.
    app.failure_message([](const CLI::App*, const CLI::Error& e) {
        return "surge: " + sim::terminal_text(e.what()) + " (run 'surge --help' for usage)\n";
    });
    app.set_version_flag("--version", std::string("surge ") + SURGE_VERSION);
    app.require_subcommand(1);

    std::vector<std::pair<CLI::App*, action>> actions;
    for (const auto& s : subcommands()) {
        CLI::App* cmd = app.add_subcommand(s.name, s.help);
        actions.emplace_back(cmd, s.define(*cmd));
    }

    // CLI11 would report a misspelt subcommand as "a subcommand is required"; name it instead.
    std::string names;
    for (const auto& s : subcommands()) names += (names.empty() ? "" : ", ") + std::string(s.name);
    if (argc < 2) {
        complain("a subcommand is required: " + names + " (run 'surge --help' for usage)");
        return exit_bad_input;
    }
    const std::string_view first = argv[1];
    if (!first.starts_with("-") &&
        std::none_of(subcommands().begin(), subcommands().end(), [&](const subcommand& s) { return first == s.name; })) {
        complain("unknown subcommand '" + std::string(first) + "'; the subcommands are " + names);
        return exit_bad_input;
    }

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // --help and --version are "errors" with exit code 0; every real parse error is bad input.
        const int code = app.exit(e);
        return code == 0 ? exit_ok : exit_bad_input;
    }

    for (auto& [cmd, act] : actions)
        if (cmd->parsed()) return act();
    return exit_bad_input;  // unreachable: one subcommand is required
}

} // namespace

int main(int argc, char** argv) {
    try {
        return main_impl(argc, argv);
    } catch (const sim::input_error& e) {
        complain(e.what());
        return exit_bad_input;
    } catch (const usage_error& e) {
        complain(e.what());
        return exit_bad_input;
    } catch (const sim::report_error& e) {
        complain(e.what());
        return exit_bad_input;
    } catch (const sim::write_error& e) {
        complain(e.what());
        return exit_bad_input;
    } catch (const std::exception& e) {
        complain(std::string("internal error: ") + e.what());
        return exit_bad_input;
    } catch (...) {
        complain("internal error: an unknown exception");
        return exit_bad_input;
    }
}
