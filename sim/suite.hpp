// sim/suite.hpp — `surge suite`: the seed's performance suite (notification, websocket, memory),
// each test a scenario under sim/scenarios/suite/<suite>/, run one after another in virtual time;
// one line per test, the suite report (every test's full report), the exit code.
//
// Overrides (--set) apply to every test where the pointer's parent exists in the scenario: a
// pointer into an object that a scenario does not have (/degradation/request_timeout in a test
// without degradation) skips that test, with a note; a --set that applies to no test at all is
// bad input. Where it applies, the value is validated like any --set (a bad value is bad input).
#pragma once

#include "sim/load.hpp"
#include "sim/report.hpp"
#include "sim/run.hpp"
#include "sim/terminal_style.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace surge::sim {

/// Every *.json file under `dir` (recursively), sorted by path relative to `dir` (generic form,
/// '/' separators, byte order), returned as those relative paths.
inline std::vector<std::string> scenario_files(const std::filesystem::path& dir) {
    namespace fs = std::filesystem;
    std::vector<std::string> out;
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) return out;
    for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
        if (it->is_regular_file(ec) && it->path().extension() == ".json")
            out.push_back(it->path().lexically_relative(dir).generic_string());
    }
    std::sort(out.begin(), out.end());
    return out;
}

/// The suites under `dir`: its subdirectories that hold scenario files, in the seed runner's
/// order (notification, websocket, memory), then any others sorted by name.
inline std::vector<std::string> available_suites(const std::filesystem::path& dir) {
    namespace fs = std::filesystem;
    std::vector<std::string> found;
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) return found;
    for (const auto& e : fs::directory_iterator(dir, ec))
        if (e.is_directory() && !scenario_files(e.path()).empty()) found.push_back(e.path().filename().string());
    std::sort(found.begin(), found.end());
    std::vector<std::string> out;
    for (const char* known : {"notification", "websocket", "memory"})
        if (std::find(found.begin(), found.end(), known) != found.end()) out.emplace_back(known);
    for (const auto& s : found)
        if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
    return out;
}

/// One test of the suite, loaded and validated, ready to run.
struct suite_test {
    std::string suite;                  // "notification"
    std::string file;                   // the scenario file's path
    loaded_scenario loaded;
    std::vector<std::string> sets;      // the --set arguments that apply to it
};

/// A --set that does not apply to every test: which ones it skips, and why (the first reason).
struct skipped_set {
    std::string spec;
    std::vector<std::string> tests;     // scenario files it skipped
    std::string reason;
};

struct suite_plan {
    std::vector<std::string> suites;
    std::vector<suite_test> tests;
    std::vector<skipped_set> skipped;
};


/// Finds, reads and validates the tests of `suites` ("all" = every suite under `dir`; an entry may
/// be a comma-separated list, "notification,memory") with the
/// overrides `sets`. Throws input_error for an unknown suite, a suite without scenarios, a
/// scenario that does not validate, a --set that applies nowhere or has a bad value.
inline suite_plan plan_suite(const std::filesystem::path& dir, const std::vector<std::string>& suites,
                             const std::vector<std::string>& sets) {
    const auto available = available_suites(dir);
    if (available.empty())
        throw input_error(dir.string() + ": no suites here (expected directories of scenario files, e.g. " +
                          (dir / "notification").string() + "/*.json)");
    suite_plan plan;
    const auto add_suite = [&](const std::string& s) {
        if (std::find(plan.suites.begin(), plan.suites.end(), s) == plan.suites.end()) plan.suites.push_back(s);
    };
    if (suites.empty()) {
        for (const auto& s : available) add_suite(s);
    }
    // "--suites a,b" is "--suites a --suites b".
    std::vector<std::string> requested;
    for (const auto& arg : suites) {
        std::size_t start = 0;
        while (true) {
            const std::size_t comma = arg.find(',', start);
            std::string part = arg.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
            if (part.empty()) throw input_error("--suites " + arg + ": an empty suite name");
            requested.push_back(std::move(part));
            if (comma == std::string::npos) break;
            start = comma + 1;
        }
    }
    for (const auto& s : requested) {
        if (s == "all") {
            for (const auto& a : available) add_suite(a);
            continue;
        }
        if (std::find(available.begin(), available.end(), s) == available.end()) {
            std::string names;
            for (const auto& a : available) names += (names.empty() ? "" : ", ") + a;
            throw input_error("--suites " + s + ": no such suite in " + dir.string() + "; the suites are " + names +
                              " (or all)");
        }
        add_suite(s);
    }

    struct raw {
        std::string suite, file, text;
        nlohmann::json document;
    };
    std::vector<raw> raws;
    for (const auto& s : plan.suites)
        for (const auto& rel : scenario_files(dir / s)) {
            raw r;
            r.suite = s;
            r.file = (dir / s / rel).string();
            r.text = read_text_file(r.file);
            r.document = load_detail::parse_document(r.text, r.file);
            raws.push_back(std::move(r));
        }

    // Which --set applies where: it applies if its pointer's parent exists in the document.
    std::vector<std::vector<std::string>> applied(raws.size());
    for (const auto& spec : sets) {
        skipped_set skip{spec, {}, {}};
        std::optional<input_error> first_error;
        for (std::size_t i = 0; i < raws.size(); ++i) {
            nlohmann::json copy = raws[i].document;
            try {
                (void)load_detail::apply_override(copy, spec);
                applied[i].push_back(spec);
            } catch (const input_error& e) {
                if (!first_error) first_error = e;
                skip.tests.push_back(raws[i].file);
            }
        }
        if (skip.tests.size() == raws.size() && first_error)
            throw input_error(std::string(first_error->what()) + " (in every test of the suite)");
        if (!skip.tests.empty()) {
            std::string why = first_error->what();
            const std::string head = "--set " + spec + ": ";
            if (why.starts_with(head)) why = why.substr(head.size());
            skip.reason = why;
            plan.skipped.push_back(std::move(skip));
        }
    }
    for (std::size_t i = 0; i < raws.size(); ++i) {
        suite_test t;
        t.suite = raws[i].suite;
        t.file = raws[i].file;
        t.sets = applied[i];
        t.loaded = load_scenario_text(raws[i].text, raws[i].file, t.sets);
        plan.tests.push_back(std::move(t));
    }
    return plan;
}

/// A test after its run.
struct suite_result {
    const suite_test* test = nullptr;
    run_result result;
    std::vector<threshold_verdict> verdicts;
    int code = 0;                       // exit_code(): 0 pass, 1 fail
};

/// Runs one test. `seed` overrides the scenario's; `stop` as run_options::stop (an interrupted
/// test's code is 128 + the signal, and the suite runs no further test).
inline suite_result run_suite_test(const suite_test& t, std::optional<std::uint64_t> seed,
                                   const std::atomic<int>* stop = nullptr) {
    suite_result r;
    r.test = &t;
    run_options opt;
    opt.seed = seed;
    opt.stop = stop;
    r.result = run(t.loaded.scenario, opt);
    r.verdicts = evaluate(t.loaded.scenario.thresholds, r.result.metrics);
    r.code = exit_code(r.verdicts, r.result);
    return r;
}

/// The signal that interrupted the suite (its last test's), 0 if none did.
inline int suite_interrupted(const std::vector<suite_result>& results) {
    return results.empty() ? 0 : results.back().result.interrupted;
}

/// The 2-3 metrics a test's line shows: its failed thresholds first, then the others, in the
/// thresholds' order (by metric name), at most `n`.
inline std::vector<const threshold_verdict*> key_verdicts(const std::vector<threshold_verdict>& verdicts,
                                                          std::size_t n = 3) {
    std::vector<const threshold_verdict*> out;
    for (int pass = 0; pass < 2; ++pass)
        for (const auto& v : verdicts)
            if (v.pass == (pass == 1) && out.size() < n) out.push_back(&v);
    return out;
}

/// The widest a suite line gets, in columns (code points), and the widest its name column.
inline constexpr std::size_t suite_line_width = 100;
inline constexpr std::size_t suite_name_width = 40;

/// One line for a test, at most `max_width` columns (code points; the colour sequences of a styled
/// line take none): "  PASS  notification/high-volume-delivery  METRIC VALUE   METRIC VALUE ...".
/// `name_width` aligns the metrics column (at most suite_name_width: a longer name is cut, ending
/// in "..."). The metrics are key_verdicts(), failed ones first, each with its value; a failed one
/// says "(EXPRESSION fails)". As many as fit are shown; the first is cut to fit if it must.
inline std::string suite_line(const suite_result& r, std::size_t name_width, terminal_style style = {},
                              std::size_t max_width = suite_line_width) {
    using namespace report_detail;
    const bool pass = r.code == 0, stopped = r.result.interrupted != 0;
    std::string s = "  " + style.word(pass ? "PASS" : stopped ? "STOP" : "FAIL", pass ? 1 : stopped ? 0 : -1) + "  ";
    std::size_t used = 2 + style.word_width(4) + 2;
    name_width = std::min(name_width, suite_name_width);
    const std::string name = pad_right(fit_width(terminal_text(r.result.scenario), suite_name_width), name_width + 2);
    s += name;
    used += display_width(name);

    std::vector<std::string> items;
    if (!r.result.completed) {
        const std::string why = stopped ? "" : "stopped on an error: ";
        items.push_back(why + terminal_text(r.result.error));
    }
    for (const auto* v : key_verdicts(r.verdicts)) {
        std::string item = terminal_text(v->metric) + " ";
        if (v->measured) {
            const models::metric* m = r.result.metrics.find(v->metric);
            item += value_text(*v->measured, m != nullptr ? m->unit : std::string_view{});
        } else {
            item += v->note.empty() ? "n/a" : terminal_text(v->note);
        }
        if (!v->pass) item += " (" + terminal_text(v->expression) + " fails)";
        items.push_back(std::move(item));
    }
    const std::size_t room = max_width > used ? max_width - used : 0;
    std::string tail;
    for (std::size_t i = 0; i < items.size(); ++i) {
        const std::string sep = tail.empty() ? "" : (i == 1 && !r.result.completed) ? "; " : "  ";
        const std::size_t w = display_width(tail) + display_width(sep) + display_width(items[i]);
        if (w <= room) {
            tail += sep + items[i];
        } else {
            if (tail.empty()) tail = fit_width(items[i], room);
            break;
        }
    }
    s += tail;
    while (!s.empty() && s.back() == ' ') s.pop_back();
    return s + "\n";
}

/// The suite report: {schema_version, surge_version, mode: "suite", seed (null: each test's own),
/// suites, overrides, passed, failed, completed, [interrupted, not_run,] wall_seconds, tests: [each
/// test's report]}. An interrupted suite (`completed` false) names the signal and lists the scenario
/// files of the tests it did not run; its last test's report is that test's partial report.
inline nlohmann::ordered_json suite_report(const suite_plan& plan, const std::vector<suite_result>& results,
                                           std::optional<std::uint64_t> seed,
                                           const std::vector<std::string>& sets, double wall_seconds) {
    using nlohmann::ordered_json;
    ordered_json r = ordered_json::object();
    r["schema_version"] = report_schema_version;
    r["surge_version"] = SURGE_VERSION;
    r["mode"] = "suite";
    r["seed"] = seed ? ordered_json(*seed) : ordered_json(nullptr);
    r["suites"] = plan.suites;
    r["overrides"] = sets;
    std::size_t passed = 0;
    for (const auto& x : results) passed += x.code == 0 ? 1 : 0;
    r["passed"] = passed;
    r["failed"] = results.size() - passed;
    const int interrupted = suite_interrupted(results);
    r["completed"] = interrupted == 0 && results.size() == plan.tests.size();
    if (interrupted != 0) {
        r["interrupted"] = signal_name(interrupted);
        ordered_json not_run = ordered_json::array();
        for (std::size_t i = results.size(); i < plan.tests.size(); ++i) not_run.push_back(plan.tests[i].file);
        r["not_run"] = std::move(not_run);
    }
    r["wall_seconds"] = report_detail::number(wall_seconds);
    ordered_json tests = ordered_json::array();
    for (const auto& x : results) {
        const scenario_info info{x.test->loaded.scenario.name, x.test->file, x.test->sets, x.test->loaded.document};
        tests.push_back(make_report(x.result, info, x.verdicts));
    }
    r["tests"] = std::move(tests);
    return r;
}

} // namespace surge::sim
