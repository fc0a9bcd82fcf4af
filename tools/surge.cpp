// surge — the command line: run a scenario in virtual time and report, validate scenario files,
// run the seed's performance suite, check golden files, compare two reports, replay a scenario
// against a live server.
//
//   surge run SCENARIO [--seed N] [--output report.json] [--trace trace.jsonl] [--set PATH=VALUE]... [--quiet]
//             [--force] [--verbose]
//   surge suite [--suites notification websocket memory | all | a,b] [--output report.json] [--verbose]
//               [--junit results.xml] [--html suite.html] [--seed N] [--set PATH=VALUE]... [--dir DIR] [--force]
//   surge golden [--update] [--dir tests/golden] [--scenarios DIR] [SCENARIO...]
//   surge diff OLD.json NEW.json [--tolerance 5%] [--metric-tolerance NAME=PCT]... [--ignore NAME]...
//              [--changed-only | --all] [--exact]
//   surge replay SCENARIO --target URL [--protocol socketio|ws-json] [--time-scale K] [--seed N]
//                [--output report.json] [--compare sim.json] [--set PATH=VALUE]... [--quiet] ...
//   surge sweep SCENARIO --vary POINTER=VALUES... [--zip POINTER=VALUES...] [--sample N] [--seeds 3] [-j N]
//               [-o sweep.json] [--csv sweep.csv] [--html sweep.html]       (also under mpirun -np N)
//   surge plan SCENARIO (--minimize POINTER | --max-load POINTER) --range LO..HI [--seeds 5] [-o plan.json] [--html FILE]
//   surge validate SCENARIO... [--force] [--verbose]   (every error of each file, at most 50 per file)
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
// golden and diff commands are described in docs/ci.md, replay in docs/replay.md, sweep and plan
// (and MPI: tools/distributed/) in docs/scaling.md. The options and
// conventions shared by the commands are in tools/commands/command.hpp; `surge replay` is its own
// translation unit (tools/replay/replay_command.cpp, on Beast and OpenSSL), so this file compiles
// none of it; it does read the replay's scenario section ("protocol", tools/replay/
// protocol_section.hpp, no Beast) for every command that loads a scenario
// (tools/commands/scenario_loading.hpp). The commands that live in tools/commands/ (golden,
// report, calibrate, sweep, plan) are included here: one translation unit for all but the replay.
//
// Wall-clock time is measured here only for the progress line; the simulation never sees it.
#include <sim/atomic_write.hpp>
#include <sim/html_report.hpp>
#include <sim/series_csv.hpp>
//
// Before anything runs, validate, run and suite estimate each scenario's work (sim/estimate.hpp)
// and refuse, as bad input, one beyond the work limits unless --force; --verbose prints it.
#include <sim/diff.hpp>
#include <sim/estimate.hpp>
#include <sim/format.hpp>
#include <sim/golden.hpp>
#include <sim/junit.hpp>
#include <sim/load.hpp>
#include <sim/report.hpp>
#include <sim/run.hpp>
#include <sim/stop_signal.hpp>
#include <sim/suite.hpp>
#include <sim/system.hpp>
#include <sim/terminal_style.hpp>
#include <sim/terminal_text.hpp>

#include "commands/command.hpp"
#include "commands/builtin_paths.hpp"
#include "commands/calibrate_command.hpp"
#include "commands/golden_command.hpp"
#include "commands/plan_command.hpp"
#include "commands/report_command.hpp"
#include "commands/scenario_loading.hpp"
#include "commands/sweep_command.hpp"
#include "replay/protocol_section.hpp"
#include "distributed/distributed.hpp"

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
using surge::cli::add_repeatable;
using surge::cli::complain;
using surge::cli::exit_bad_input;
using surge::cli::exit_ok;
using surge::cli::parse_percent;
using surge::cli::parse_seed;
using surge::cli::shell_word;
using surge::cli::usage_error;
using surge::cli::check_tool_sections;
using surge::cli::default_golden_dir;
using surge::cli::default_scenarios_dir;
using surge::cli::is_dir;
using surge::cli::load_checked;
using surge::cli::load_with_service;
using surge::cli::plural;

namespace fs = std::filesystem;


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
        std::fprintf(stderr, "\r[surge] t=%.1fs/%.1fs  %s events/s  ETA %s\033[K", done, total, sim::format_rate_number(rate).c_str(),
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

constexpr const char* force_help = "Run even if the work estimate is beyond the limits (10^10 events, this machine's memory)";

/// The work estimate of a loaded scenario, checked against the default limits: throws usage_error
/// (exit 2) naming `file` when it is beyond them and `force` is off.
sim::work_estimate check_work(const std::string& file, const sim::scenario& sc, bool force) {
    const sim::work_estimate w = sim::estimate_work(sc);
    if (const auto why = sim::beyond_limits(w, sim::default_work_limits()); why && !force) throw usage_error(file + ": " + *why);
    return w;
}

action define_run(CLI::App& cmd) {
    struct options {
        std::string scenario;
        std::optional<std::string> seed;
        std::string output;
        std::string trace;
        std::string csv;
        std::string html;
        std::vector<std::string> sets;
        std::string service;
        bool quiet = false;
        bool force = false;
        bool verbose = false;
    };
    auto o = std::make_shared<options>();
    cmd.add_option("SCENARIO", o->scenario, "Scenario file (JSON)")->required();
    cmd.add_option("--service", o->service,
                   "Take the service sections (links, server, offline_queue, database, degradation) from this scenario, "
                   "e.g. one surge calibrate wrote; SCENARIO gives the users, load and thresholds")
        ->type_name("FILE");
    cmd.add_option("--seed", o->seed, "Seed (overrides the scenario's)")->type_name("N");
    cmd.add_option("--output,-o", o->output, "Write the JSON report here")->type_name("FILE");
    cmd.add_option("--trace", o->trace, "Write the model trace (JSON lines) here")->type_name("FILE");
    cmd.add_option("--csv", o->csv, "Write the time series as CSV here (one row per window)")->type_name("FILE");
    cmd.add_option("--html", o->html, "Write the report as one self-contained HTML page here (charts over time)")->type_name("FILE");
    add_repeatable(cmd, "--set", o->sets, "Override a scenario field: --set /database/pool_size=40 (repeatable)", "POINTER=VALUE");
    cmd.add_flag("--quiet,-q", o->quiet, "Print only the verdict line");
    cmd.add_flag("--force", o->force, force_help);
    cmd.add_flag("--verbose,-v", o->verbose, "Print the work estimate (events, memory) before the run");

    return [o]() -> int {
        // Everything that can be bad input is checked before the run starts.
        std::optional<std::uint64_t> seed;
        if (o->seed) seed = parse_seed(*o->seed);
        const sim::loaded_scenario loaded =
            o->service.empty() ? load_checked(o->scenario, o->sets) : load_with_service(o->scenario, o->service, o->sets);
        const sim::work_estimate estimate = check_work(o->scenario, loaded.scenario, o->force);
        if (o->verbose) complain(o->scenario + ": estimate: " + sim::estimate_text(estimate));
        // Both files are replaced atomically (sim/atomic_write.hpp): a run that dies leaves the
        // previous report and trace in place. The report is only probed now; the trace is written
        // to its temporary file during the run.
        if (!o->output.empty()) sim::check_writable(o->output, "report");
        if (!o->csv.empty()) sim::check_writable(o->csv, "CSV");
        if (!o->html.empty()) sim::check_writable(o->html, "HTML report");
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

        if (!o->output.empty() || !o->html.empty()) {
            const sim::scenario_info info{loaded.scenario.name, o->scenario, o->sets, loaded.document};
            const auto report = sim::make_report(result, info, verdicts);
            if (!o->output.empty()) sim::write_file_atomically(o->output, sim::report_text(report), "report");
            if (!o->html.empty())
                sim::write_file_atomically(o->html, sim::html_report({report}, {surge::cli::file_name(o->scenario)}), "HTML report");
        }
        if (!o->csv.empty()) sim::write_file_atomically(o->csv, sim::series_csv(result.series), "CSV");
        if (trace_file) trace_file->commit();

        const sim::terminal_style style = sim::terminal_style::for_stdout();
        if (o->quiet)
            std::cout << style.lines(sim::terminal_text(result.scenario) + ": " +
                                     sim::styled_verdict_line(sim::verdict_line(verdicts, result), style))
                      << '\n';
        else std::cout << style.lines(sim::summary_table(result, verdicts, o->scenario, style));
        std::cout.flush();
        return code;
    };
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
        bool force = false;
        std::string junit;
        std::string html;
    };
    auto o = std::make_shared<options>();
    cmd.add_option("--suites", o->suites,
                   "Suites to run: notification websocket memory (or a comma list: notification,memory), or all "
                   "(the default)")
        ->type_name("SUITE...");
    cmd.add_option("--output,-o", o->output, "Write the JSON suite report (every test's full report) here")
        ->type_name("FILE");
    cmd.add_option("--junit", o->junit, "Write the results as JUnit XML here (GitLab, Jenkins)")->type_name("FILE");
    cmd.add_option("--html", o->html, "Write the suite as one self-contained HTML page here (a section per test)")->type_name("FILE");
    cmd.add_flag("--verbose,-v", o->verbose, "Print each test's summary table");
    cmd.add_option("--seed", o->seed, "Seed for every test (overrides each scenario's)")->type_name("N");
    add_repeatable(cmd, "--set", o->sets, "Override a field in every test where its parent exists: --set /users/count=1000 (repeatable)", "POINTER=VALUE");
    cmd.add_option("--dir", o->dir, "The suites' directory (default: the built-in sim/scenarios/suite)")
        ->type_name("DIR");
    cmd.add_flag("--force", o->force, force_help);

    return [o]() -> int {
        const auto wall0 = std::chrono::steady_clock::now();
        std::optional<std::uint64_t> seed;
        if (o->seed) seed = parse_seed(*o->seed);
        const fs::path dir = o->dir.empty() ? default_scenarios_dir() / "suite" : fs::path(o->dir);
        if (!is_dir(dir)) throw usage_error("--dir " + dir.string() + ": not a directory");
        const sim::suite_plan plan = sim::plan_suite(dir, o->suites, o->sets);
        for (const auto& t : plan.tests) {
            check_tool_sections(t.loaded);
            (void)check_work(t.file, t.loaded.scenario, o->force);
        }
        if (!o->output.empty()) sim::check_writable(o->output, "report");
        if (!o->junit.empty()) sim::check_writable(o->junit, "JUnit report");
        if (!o->html.empty()) sim::check_writable(o->html, "HTML report");
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
        for (const auto& t : plan.tests) width = std::max(width, sim::display_width(sim::terminal_text(t.loaded.scenario.name)));
        const sim::terminal_style style = sim::terminal_style::for_stdout();

        // SIGINT/SIGTERM stop the running test (its partial report is kept) and the suite.
        sim::install_stop_handlers();
        std::vector<sim::suite_result> results;
        results.reserve(plan.tests.size());
        for (const auto& t : plan.tests) {
            results.push_back(sim::run_suite_test(t, seed, &sim::stop_requested));
            const auto& r = results.back();
            std::cout << style.lines(sim::suite_line(r, width, style));
            if (o->verbose) std::cout << "\n" << style.lines(sim::summary_table(r.result, r.verdicts, t.file, style)) << "\n";
            std::cout.flush();
            if (r.result.interrupted != 0) break;
        }
        const int interrupted = sim::suite_interrupted(results);
        const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
        std::size_t passed = 0;
        for (const auto& r : results) passed += r.code == 0 ? 1 : 0;
        const std::size_t failed = results.size() - passed;

        if (!o->output.empty() || !o->html.empty()) {
            const auto report = sim::suite_report(plan, results, seed, o->sets, wall);
            if (!o->output.empty()) sim::write_file_atomically(o->output, sim::report_text(report), "report");
            if (!o->html.empty()) sim::write_file_atomically(o->html, sim::html_report({report}, {"surge suite"}), "HTML report");
        }
        if (!o->junit.empty()) sim::write_file_atomically(o->junit, sim::junit_xml(plan, results, wall), "JUnit report");
        const std::string verdict = interrupted != 0 ? "INTERRUPTED by " + sim::signal_name(interrupted)
                                                     : failed == 0 ? "PASS" : "FAIL";
        std::string last = verdict + ": " + std::to_string(passed) + " passed, " + std::to_string(failed) + " failed (" +
                           plural(results.size(), "test", "tests");
        if (results.size() < plan.tests.size()) last += "; " + std::to_string(plan.tests.size() - results.size()) + " not run";
        last += ") in " + sim::format_seconds(wall) + " wall";
        std::cout << "\n" << style.lines(sim::styled_verdict_line(last, style)) << "\n";
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
// surge diff
// ---------------------------------------------------------------------------------------------

action define_diff(CLI::App& cmd) {
    struct options {
        std::string old_file, new_file;
        std::string tolerance = "5%";
        std::vector<std::string> metric_tolerances;
        std::vector<std::string> ignored;
        bool changed_only = false;
        bool all = false;
        bool exact = false;
    };
    auto o = std::make_shared<options>();
    cmd.add_option("OLD", o->old_file, "The baseline report (surge run or surge suite --output)")->required();
    cmd.add_option("NEW", o->new_file, "The report to check against it")->required();
    cmd.add_option("--tolerance", o->tolerance, "How far a metric may move the bad way, relative to the old value")
        ->type_name("PCT")
        ->capture_default_str();
    add_repeatable(cmd, "--metric-tolerance", o->metric_tolerances, "Tolerance for the metrics matching NAME ('*' globs; TEST:NAME for one suite test) (repeatable)", "NAME=PCT");
    add_repeatable(cmd, "--ignore", o->ignored, "Leave the metrics matching NAME out of the verdict (repeatable)", "NAME");
    cmd.add_flag("--changed-only", o->changed_only,
                 "List every metric that changed, within the tolerance too (default: only those that moved beyond it)");
    cmd.add_flag("--all", o->all, "List every metric, changed or not");
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
        const sim::diff_rows rows = o->all ? sim::diff_rows::all : o->changed_only ? sim::diff_rows::changed : sim::diff_rows::moved;
        const sim::terminal_style style = sim::terminal_style::for_stdout();
        std::cout << style.lines(sim::diff_text(d, rows, style));
        std::cout.flush();
        return d.regression_count() == 0 ? exit_ok : 1;
    };
}

action define_validate(CLI::App& cmd) {
    struct options {
        std::vector<std::string> files;
        bool force = false;
        bool verbose = false;
    };
    auto o = std::make_shared<options>();
    cmd.add_option("SCENARIO", o->files, "Scenario files (JSON)")->required();
    cmd.add_flag("--force", o->force, "Accept a scenario whose work estimate is beyond the limits (10^10 events, this machine's memory)");
    cmd.add_flag("--verbose,-v", o->verbose, "Print each scenario's work estimate (events, memory)");
    return [o]() -> int {
        int code = exit_ok;
        for (const auto& f : o->files) {
            try {
                const auto loaded = load_checked(f, {}, sim::load_errors::all);
                const auto& sc = loaded.scenario;
                const sim::work_estimate estimate = check_work(f, sc, o->force);
                std::cout << sim::terminal_text(f) << ": ok (" << sim::terminal_text(sc.name) << ", " << plural(sc.load.size(), "phase", "phases") << ", "
                          << plural(sc.faults.size(), "fault", "faults") << ", "
                          << plural(sc.thresholds.size(), "threshold", "thresholds") << ")\n";
                if (o->verbose) std::cout << "  estimate: " << sim::estimate_text(estimate) << '\n';
            } catch (const sim::input_errors& e) {  // every error of the file, one line each
                std::cout.flush();
                for (const auto& m : e.messages()) complain(m);
                if (e.more() > 0) complain(sim::input_errors::more_line(e.more(), f));
                code = exit_bad_input;
            } catch (const sim::input_error& e) {
                std::cout.flush();
                complain(e.what());
                code = exit_bad_input;
            } catch (const usage_error& e) {
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
        {"golden", "Check (or --update) the golden trace hashes and metrics of the built-in scenarios", surge::cli::define_golden},
        {"diff", "Compare two reports metric by metric; exit 1 when a metric regressed beyond the tolerance",
         define_diff},
        {"replay", "Run a scenario against a live server over WebSocket (Socket.IO v4 or ws-json); the same report",
         surge::cli::define_replay},
        {"report", "Write one self-contained HTML page from JSON reports: verdict, thresholds, charts over time",
         surge::cli::define_report},
        {"calibrate", "Fit a scenario's service parameters to live reports of the real service; print the residuals, write the calibrated scenario",
         surge::cli::define_calibrate},
        {"sweep", "Run a scenario over a grid (or sample) of parameter values, several seeds per point: mean and 95 % CI per metric, pass rates",
         surge::cli::define_sweep},
        {"plan", "Search one parameter: the smallest value that meets every threshold (--minimize), or the highest load and its knee (--max-load)",
         surge::cli::define_plan},
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
    namespace distributed = surge::cli::distributed;
    if (!distributed::start(argc, argv)) return exit_bad_input;
    struct finish_at_exit {
        ~finish_at_exit() { distributed::finish(); }
    } finish;
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
