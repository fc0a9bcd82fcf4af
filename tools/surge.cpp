// surge — the command line: run a scenario in virtual time and report, validate scenario files.
//
//   surge run SCENARIO [--seed N] [--output report.json] [--trace trace.jsonl] [--set PATH=VALUE]... [--quiet]
//   surge validate SCENARIO...
//   surge version | surge --version
//
// Exit codes: 0 every threshold holds; 1 a threshold failed or the run stopped on an error (the
// report is still written); 2 bad input (a scenario that cannot be read or validated, a bad
// option, an output file that cannot be written), checked before anything runs. Every message
// on stderr starts with "surge: ". The report's schema is docs/report.md.
//
// Wall-clock time is measured here only for the progress line; the simulation never sees it.
#include <sim/load.hpp>
#include <sim/report.hpp>
#include <sim/run.hpp>
#include <sim/system.hpp>

#include <CLI/CLI.hpp>

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace {

namespace sim = surge::sim;

constexpr int exit_ok = 0;
constexpr int exit_bad_input = 2;

/// A message for the user on stderr, prefixed "surge: ".
void complain(const std::string& message) { std::cerr << "surge: " << message << '\n'; }

/// Bad input found by the command line itself (the loader throws sim::input_error).
struct usage_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// "--seed 7": a non-negative decimal integer that fits 64 bits, nothing else.
std::uint64_t parse_seed(const std::string& text) {
    std::uint64_t v = 0;
    const char* end = text.data() + text.size();
    const auto res = std::from_chars(text.data(), end, v);
    if (text.empty() || res.ec != std::errc{} || res.ptr != end)
        throw usage_error("--seed " + text + ": expected a non-negative integer below 2^64, e.g. --seed 7");
    return v;
}

/// Opens `path` for writing now, so that an unwritable path is bad input before the run starts.
std::ofstream open_output(const std::string& path, const char* what) {
    errno = 0;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) {
        const int err = errno;
        throw usage_error(std::string("cannot write the ") + what + " " + path + ": " +
                          (err != 0 ? std::strerror(err) : "cannot open the file"));
    }
    return out;
}

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

using action = std::function<int()>;

/// One subcommand: its name, its one-line help, and `define`, which declares its options on the
/// CLI11 subcommand and returns what to run once the command line is parsed.
struct subcommand {
    const char* name;
    const char* help;
    std::function<action(CLI::App&)> define;
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
        std::optional<std::ofstream> report_file, trace_file;
        if (!o->output.empty()) report_file.emplace(open_output(o->output, "report"));
        if (!o->trace.empty()) trace_file.emplace(open_output(o->trace, "trace"));

        sim::run_options opt;
        opt.seed = seed;
        if (trace_file) opt.trace_out = &*trace_file;
        progress_line progress;
        if (!o->quiet && ::isatty(STDERR_FILENO) == 1) {
            opt.on_progress = [&progress](const sim::progress& p) { progress(p); };
            opt.progress_every = surge::duration::seconds(1);
        }
        const sim::run_result result = sim::run(loaded.scenario, opt);
        progress.clear();

        const auto verdicts = sim::evaluate(loaded.scenario.thresholds, result.metrics);
        const int code = sim::exit_code(verdicts, result.completed);
        if (!result.completed) complain(o->scenario + ": the run stopped on an error: " + result.error);

        if (report_file) {
            const sim::scenario_info info{loaded.scenario.name, o->scenario, o->sets, loaded.document};
            *report_file << sim::report_text(sim::make_report(result, info, verdicts));
            report_file->close();
            if (!*report_file) throw usage_error("cannot write the report " + o->output + ": write failed");
        }
        if (trace_file) {
            trace_file->close();
            if (!*trace_file) throw usage_error("cannot write the trace " + o->trace + ": write failed");
        }

        if (o->quiet) std::cout << result.scenario << ": " << sim::verdict_line(verdicts, result.completed) << '\n';
        else std::cout << sim::summary_table(result, verdicts, o->scenario);
        std::cout.flush();
        return code;
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
                std::cout << f << ": ok (" << sc.name << ", " << plural(sc.load.size(), "phase", "phases") << ", "
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

/// The subcommands, in the order `surge --help` lists them. Later: suite, diff, golden, replay.
const std::vector<subcommand>& subcommands() {
    static const std::vector<subcommand> table{
        {"run", "Run a scenario in virtual time, print a summary, write the JSON report", define_run},
        {"validate", "Check scenario files without running them", define_validate},
        {"version", "Print the version", define_version},
    };
    return table;
}

int main_impl(int argc, char** argv) {
    CLI::App app{"surge — deterministic simulation of a notification system in virtual time.\n"
                 "Exit codes: 0 all thresholds hold, 1 a threshold failed or the run stopped on an error, 2 bad input.",
                 "surge"};
    // Set before the subcommands are added: they inherit it.
    app.failure_message([](const CLI::App*, const CLI::Error& e) {
        return "surge: " + std::string(e.what()) + " (run 'surge --help' for usage)\n";
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
    } catch (const std::exception& e) {
        complain(std::string("internal error: ") + e.what());
        return exit_bad_input;
    } catch (...) {
        complain("internal error: an unknown exception");
        return exit_bad_input;
    }
}
