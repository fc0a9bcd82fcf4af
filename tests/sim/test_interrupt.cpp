// Interruption (issue 12, item 8) inside the process: run() polling its stop flag, the partial
// result and report, the exit codes and verdict lines of an interrupted run, the interrupted suite
// report, the progress callback that fires while the virtual clock stands still, and the atomic
// writer (sim/atomic_write.hpp). The signals themselves, through the built program, are
// tests/sim/interrupt_check.cpp.
#include "schema_check.hpp"

#include <sim/atomic_write.hpp>
#include <sim/load.hpp>
#include <sim/report.hpp>
#include <sim/stop_signal.hpp>
#include <sim/suite.hpp>
#include <sim/system.hpp>

#include <boost/test/unit_test.hpp>

#include <atomic>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <sys/stat.h>
#include <unistd.h>

namespace sim = surge::sim;
namespace fs = std::filesystem;

namespace {

const std::string source_dir = SURGE_SOURCE_DIR;

sim::loaded_scenario small_scenario() {
    return sim::load_scenario_text(R"({"name": "small", "duration": "20s", "users": {"count": 50},
        "load": [{"at": "0s", "rate": "100/s"}], "thresholds": {"operations.success_rate": ">= 0.9"}})",
                                   "small.json");
}

using surge::test::read_text;

/// A fresh, empty directory for one test's files.
fs::path scratch(const std::string& name) {
    const fs::path d = fs::temp_directory_path() / ("surge-interrupt-" + std::to_string(::getpid()) + "-" + name);
    fs::remove_all(d);
    fs::create_directories(d);
    return d;
}

bool has_temporary_file(const fs::path& dir) {
    for (const auto& e : fs::directory_iterator(dir))
        if (e.path().filename().string().find(".tmp-") != std::string::npos) return true;
    return false;
}

} // namespace

BOOST_AUTO_TEST_SUITE(interrupt_tests)

// Polling the flag in bursts must not change the run: the same events in the same order.
BOOST_AUTO_TEST_CASE(bursts_do_not_change_the_run) {
    const auto sc = small_scenario();
    std::atomic<int> never{0};
    sim::run_options plain;
    sim::run_options polled;
    polled.stop = &never;
    polled.check_every = 1;
    const auto a = sim::run(sc.scenario, plain);
    const auto b = sim::run(sc.scenario, polled);
    BOOST_TEST(a.completed);
    BOOST_TEST(b.completed);
    BOOST_TEST(a.trace_hash == b.trace_hash);
    BOOST_TEST(a.events == b.events);
    BOOST_TEST(a.virtual_seconds == b.virtual_seconds);
}

// The flag set: the run stops at the first check, with what it measured so far.
BOOST_AUTO_TEST_CASE(a_stop_request_ends_the_run_with_a_partial_result) {
    const auto sc = small_scenario();
    const auto full = sim::run(sc.scenario);
    std::atomic<int> stop{SIGTERM};
    sim::run_options opt;
    opt.stop = &stop;
    opt.check_every = 1000;
    opt.progress_every = surge::duration::hours(1);  // one slice: the first check is after 1000 events
    const auto r = sim::run(sc.scenario, opt);
    BOOST_TEST(!r.completed);
    BOOST_TEST(r.interrupted == SIGTERM);
    BOOST_TEST(r.events == 1000U);  // the first check, after the first burst
    BOOST_TEST(r.error.starts_with("interrupted by SIGTERM at "));
    BOOST_TEST(r.error.ends_with(" s of virtual time"));
    BOOST_TEST(r.virtual_seconds < full.virtual_seconds);
    BOOST_TEST(r.metrics.find("notifications.published") != nullptr);

    const auto verdicts = sim::evaluate(sc.scenario.thresholds, r.metrics);
    BOOST_TEST(sim::exit_code(verdicts, r) == 143);
    BOOST_TEST(sim::verdict_line(verdicts, r) == "INTERRUPTED by SIGTERM (partial run)");
    const std::string table = sim::summary_table(r, verdicts, "small.json");
    BOOST_TEST(table.find("\n  interrupted ") != std::string::npos, table);
    BOOST_TEST(table.find(" interrupted by SIGTERM at ") != std::string::npos, table);
    BOOST_TEST(table.ends_with("\nverdict: INTERRUPTED by SIGTERM (partial run)\n"), table);

    // The report names the signal and fits the schema.
    const auto report = sim::make_report(r, {sc.scenario.name, "small.json", {}, sc.document}, verdicts);
    BOOST_TEST(report["completed"] == false);
    BOOST_TEST(report["interrupted"] == "SIGTERM");
    BOOST_TEST(report["error"] == r.error);
    std::ifstream in(source_dir + "/sim/report.schema.json");
    const surge::test::schema_validator schema(nlohmann::json::parse(in));
    const auto errors = schema.validate(nlohmann::json::parse(report.dump()));
    for (const auto& e : errors) BOOST_TEST_MESSAGE(e.pointer << ": " << e.message);
    BOOST_TEST(errors.empty());
    // A run that was not interrupted has no "interrupted" key.
    BOOST_TEST(!sim::make_report(full, {}, {}).contains("interrupted"));
}

BOOST_AUTO_TEST_CASE(interrupted_verdicts_and_exit_codes) {
    sim::run_result r;
    r.completed = false;
    r.interrupted = SIGINT;
    sim::threshold_verdict fail;
    fail.pass = false;
    sim::threshold_verdict pass;
    pass.pass = true;
    BOOST_TEST(sim::exit_code({pass}, r) == 130);
    BOOST_TEST(sim::verdict_line({pass, fail}, r) == "INTERRUPTED by SIGINT (partial run); 1 of 2 thresholds failed");
    r.interrupted = 0;
    BOOST_TEST(sim::exit_code({pass}, r) == 1);  // stopped on an error
    BOOST_TEST(sim::verdict_line({pass}, r) == "FAIL: the run stopped on an error");
    BOOST_TEST(sim::interrupted_exit_code(SIGTERM) == 143);
    BOOST_TEST(sim::signal_name(SIGINT) == "SIGINT");
    BOOST_TEST(sim::signal_name(SIGHUP) == "signal " + std::to_string(SIGHUP));
}

// The progress callback fires every check_every events, not only when a virtual second passes:
// a run whose clock crawls still shows progress.
BOOST_AUTO_TEST_CASE(progress_between_virtual_seconds) {
    const auto sc = small_scenario();
    std::vector<std::uint64_t> events;
    sim::run_options opt;
    opt.progress_every = surge::duration::hours(1);  // one slice: no callback from the clock until the end
    opt.check_every = 500;
    opt.on_progress = [&](const sim::progress& p) { events.push_back(p.events); };
    const auto r = sim::run(sc.scenario, opt);
    BOOST_REQUIRE(events.size() >= 3U);
    BOOST_TEST(events[0] == 500U);
    BOOST_TEST(events[1] == 1000U);
    BOOST_TEST(events.back() == r.events);
}

BOOST_AUTO_TEST_CASE(stop_handlers) {
    // The first signal only asks: the flag holds it, the process goes on.
    sim::stop_requested.store(0);
    struct sigaction before_int {}, before_term {};
    ::sigaction(SIGINT, nullptr, &before_int);
    ::sigaction(SIGTERM, nullptr, &before_term);
    sim::install_stop_handlers();
    ::raise(SIGTERM);
    BOOST_TEST(sim::stop_requested.load() == SIGTERM);
    ::sigaction(SIGINT, &before_int, nullptr);
    ::sigaction(SIGTERM, &before_term, nullptr);
    sim::stop_requested.store(0);
}

// An interrupted suite: completed false, the signal, the tests not run; its last test is partial.
BOOST_AUTO_TEST_CASE(interrupted_suite_report) {
    const auto plan = sim::plan_suite(source_dir + "/tests/sim/suite_fixture", {}, {});
    BOOST_REQUIRE_EQUAL(plan.tests.size(), 2U);
    std::atomic<int> stop{SIGINT};
    std::vector<sim::suite_result> results;
    results.push_back(sim::run_suite_test(plan.tests[0], std::nullopt, &stop));
    BOOST_TEST(results[0].code == 130);
    BOOST_TEST(sim::suite_interrupted(results) == SIGINT);
    BOOST_TEST(sim::suite_line(results[0], 11).starts_with("  STOP  demo/fails   interrupted by SIGINT at "));
    const auto r = sim::suite_report(plan, results, std::nullopt, {}, 0.5);
    BOOST_TEST(r["completed"] == false);
    BOOST_TEST(r["interrupted"] == "SIGINT");
    BOOST_TEST(r["not_run"] == nlohmann::ordered_json::array({plan.tests[1].file}));
    BOOST_TEST(r["tests"][0]["interrupted"] == "SIGINT");

    // Not interrupted: completed true, no interrupted or not_run keys.
    std::vector<sim::suite_result> all;
    for (const auto& t : plan.tests) all.push_back(sim::run_suite_test(t, std::nullopt));
    const auto whole = sim::suite_report(plan, all, std::nullopt, {}, 0.5);
    BOOST_TEST(whole["completed"] == true);
    BOOST_TEST(!whole.contains("interrupted"));
    BOOST_TEST(!whole.contains("not_run"));
}

// ---- sim/atomic_write.hpp ----

BOOST_AUTO_TEST_CASE(atomic_write_replaces_whole) {
    const fs::path d = scratch("replace");
    const std::string path = (d / "r.json").string();
    sim::write_file_atomically(path, "first\n", "report");
    BOOST_TEST(read_text(path) == "first\n");
    ::chmod(path.c_str(), 0640);
    sim::write_file_atomically(path, "second\n", "report");
    BOOST_TEST(read_text(path) == "second\n");
    struct stat st {};
    BOOST_REQUIRE(::stat(path.c_str(), &st) == 0);
    BOOST_TEST((st.st_mode & 07777) == 0640U);  // an existing file keeps its permissions
    BOOST_TEST(!has_temporary_file(d));
    fs::remove_all(d);
}

// Until commit() the target is untouched; without commit() nothing changes and nothing is left.
BOOST_AUTO_TEST_CASE(atomic_file_uncommitted_leaves_the_old_file) {
    const fs::path d = scratch("uncommitted");
    const std::string path = (d / "trace.jsonl").string();
    { std::ofstream(path) << "old\n"; }
    {
        sim::atomic_file f(path, "trace");
        f.stream() << "new, half written";
        f.stream().flush();
        BOOST_TEST(read_text(path) == "old\n");
        BOOST_TEST(has_temporary_file(d));
    }
    BOOST_TEST(read_text(path) == "old\n");
    BOOST_TEST(!has_temporary_file(d));
    sim::check_writable(path, "report");  // probes without touching
    BOOST_TEST(read_text(path) == "old\n");
    BOOST_TEST(!has_temporary_file(d));
    fs::remove_all(d);
}

BOOST_AUTO_TEST_CASE(atomic_write_errors_name_the_file) {
    const fs::path d = scratch("errors");
    const auto message = [](const std::string& path) {
        try {
            sim::check_writable(path, "report");
        } catch (const sim::write_error& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    BOOST_TEST(message((d / "no-such-dir" / "r.json").string()) ==
               "cannot write the report " + (d / "no-such-dir" / "r.json").string() + ": No such file or directory");
    BOOST_TEST(message(d.string()) == "cannot write the report " + d.string() + ": is a directory");
    fs::remove_all(d);
}

// A symbolic link stays a link (its target is replaced); a device is written in place.
BOOST_AUTO_TEST_CASE(atomic_write_links_and_devices) {
    const fs::path d = scratch("links");
    fs::create_directories(d / "real");
    { std::ofstream(d / "real" / "r.json") << "old\n"; }
    fs::create_symlink(d / "real" / "r.json", d / "link.json");
    sim::write_file_atomically((d / "link.json").string(), "new\n", "report");
    BOOST_TEST(fs::is_symlink(d / "link.json"));
    BOOST_TEST(read_text(d / "real" / "r.json") == "new\n");
    BOOST_TEST(!has_temporary_file(d / "real"));
    sim::write_file_atomically("/dev/null", "discarded\n", "report");
    BOOST_TEST(fs::is_character_file("/dev/null"));
    fs::remove_all(d);
}

BOOST_AUTO_TEST_SUITE_END()
