// sim/suite.hpp: finding the suites and their scenario files, where a --set applies, the key
// metrics of a test's line, and the suite report — on the fixture in tests/sim/suite_fixture and
// the built-in suite in sim/scenarios/suite.
#include <sim/format.hpp>
#include <sim/suite.hpp>
#include <sim/system.hpp>

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

namespace sim = surge::sim;
namespace fs = std::filesystem;

namespace {

const fs::path fixture = fs::path(SURGE_SOURCE_DIR) / "tests" / "sim" / "suite_fixture";
const fs::path builtin = fs::path(SURGE_SOURCE_DIR) / "sim" / "scenarios" / "suite";

std::string error_of(const fs::path& dir, const std::vector<std::string>& suites, const std::vector<std::string>& sets) {
    try {
        (void)sim::plan_suite(dir, suites, sets);
    } catch (const sim::input_error& e) {
        return e.what();
    }
    return "no error";
}

} // namespace

BOOST_AUTO_TEST_SUITE(suite_tests)

BOOST_AUTO_TEST_CASE(scenario_files_are_sorted_relative_paths) {
    BOOST_TEST(sim::scenario_files(fixture) == (std::vector<std::string>{"demo/fails.json", "demo/passes.json"}));
    BOOST_TEST(sim::scenario_files(fixture / "nonexistent").empty());
    const auto all = sim::scenario_files(builtin);
    BOOST_TEST(std::is_sorted(all.begin(), all.end()));
    BOOST_TEST(all.size() >= 16U);
}

BOOST_AUTO_TEST_CASE(suites_in_the_seed_runners_order) {
    BOOST_TEST(sim::available_suites(builtin) == (std::vector<std::string>{"notification", "websocket", "memory"}));
    BOOST_TEST(sim::available_suites(fixture) == (std::vector<std::string>{"demo"}));
    const auto plan = sim::plan_suite(builtin, {"memory", "all"}, {});
    BOOST_TEST(plan.suites == (std::vector<std::string>{"memory", "notification", "websocket"}));
    BOOST_TEST(plan.tests.front().suite == "memory");
}

BOOST_AUTO_TEST_CASE(a_set_applies_where_its_parent_exists) {
    const auto plan = sim::plan_suite(builtin, {"notification"}, {"/degradation/request_timeout=3s", "/users/count=30"});
    BOOST_REQUIRE_EQUAL(plan.skipped.size(), 1U);
    BOOST_TEST(plan.skipped[0].spec == "/degradation/request_timeout=3s");
    BOOST_TEST(plan.skipped[0].tests.size() == plan.tests.size() - 1);
    BOOST_TEST(plan.skipped[0].reason.starts_with("no such parent /degradation"));
    for (const auto& t : plan.tests) {
        const bool degradation = t.loaded.scenario.name == "notification/graceful-degradation";
        BOOST_TEST(t.sets.size() == (degradation ? 2U : 1U), t.loaded.scenario.name);
        BOOST_TEST(t.sets.back() == "/users/count=30");
        BOOST_TEST(t.loaded.document["users"]["count"] == 30);
    }
}

// "--suites a,b" is "--suites a --suites b"; an empty name in a list is bad input.
BOOST_AUTO_TEST_CASE(suites_take_a_comma_list) {
    BOOST_TEST(sim::plan_suite(builtin, {"memory,websocket"}, {}).suites ==
               (std::vector<std::string>{"memory", "websocket"}));
    BOOST_TEST(sim::plan_suite(builtin, {"memory,websocket"}, {}).tests.size() ==
               sim::plan_suite(builtin, {"memory", "websocket"}, {}).tests.size());
    BOOST_TEST(sim::plan_suite(builtin, {"memory,all"}, {}).suites ==
               (std::vector<std::string>{"memory", "notification", "websocket"}));
    BOOST_TEST(error_of(builtin, {"memory,"}, {}) == "--suites memory,: an empty suite name");
    BOOST_TEST(error_of(builtin, {",memory"}, {}) == "--suites ,memory: an empty suite name");
    BOOST_TEST(error_of(builtin, {"memory,nope"}, {}).starts_with("--suites nope: no such suite in "));
}

BOOST_AUTO_TEST_CASE(bad_input) {
    BOOST_TEST(error_of(fixture, {}, {"/degradation/request_timeout=3s"})
                   .starts_with("--set /degradation/request_timeout=3s: no such parent /degradation"));
    BOOST_TEST(error_of(fixture, {}, {"/users/count=-1"}).find("/users/count: expected an integer") != std::string::npos);
    BOOST_TEST(error_of(fixture, {"nope"}, {}).starts_with("--suites nope: no such suite in "));
    BOOST_TEST(error_of(fixture / "demo", {}, {}).find("no suites here") != std::string::npos);
    BOOST_TEST(error_of(fixture, {}, {"users=1"}).starts_with("--set users=1: the part before '='"));
}

BOOST_AUTO_TEST_CASE(failed_thresholds_lead_the_line) {
    const auto plan = sim::plan_suite(fixture, {"all"}, {});
    BOOST_REQUIRE_EQUAL(plan.tests.size(), 2U);
    std::vector<sim::suite_result> results;
    for (const auto& t : plan.tests) results.push_back(sim::run_suite_test(t, 3));
    BOOST_TEST(results[0].code == 1);
    BOOST_TEST(results[1].code == 0);
    BOOST_TEST(results[0].result.seed == 3U);
    const auto keys = sim::key_verdicts(results[0].verdicts, 1);
    BOOST_REQUIRE_EQUAL(keys.size(), 1U);
    BOOST_TEST(keys[0]->metric == "notifications.published");
    const std::string line = sim::suite_line(results[0], 11);
    BOOST_TEST(line.starts_with("  FAIL  demo/fails   notifications.published "));
    BOOST_TEST(line.find("(>= 1000000 fails)") != std::string::npos);

    const auto report = sim::suite_report(plan, results, 3, {}, 0.5);
    BOOST_TEST(report["mode"] == "suite");
    BOOST_TEST(report["seed"] == 3);
    BOOST_TEST(report["passed"] == 1);
    BOOST_TEST(report["failed"] == 1);
    BOOST_REQUIRE_EQUAL(report["tests"].size(), 2U);
    BOOST_TEST(report["tests"][0]["scenario"]["name"] == "demo/fails");
    BOOST_TEST(report["tests"][0]["thresholds"][0]["verdict"] == "fail");
}

namespace {

/// The columns a line takes on a terminal: code points, without the colour sequences.
std::size_t columns(const std::string& line) {
    std::string visible;
    for (std::size_t i = 0; i < line.size(); ++i) {
        if (line[i] == '\033') {
            while (i < line.size() && line[i] != 'm') ++i;
            continue;
        }
        if (line[i] != '\n') visible += line[i];
    }
    return sim::display_width(visible);
}

} // namespace

// Every line of the built-in suite fits in 100 columns, plain and styled, even when every
// threshold of every test fails with a long value, and when a run stops on a long error.
BOOST_AUTO_TEST_CASE(suite_lines_fit_in_100_columns) {
    const auto plan = sim::plan_suite(builtin, {"all"}, {});
    std::size_t width = 0;
    for (const auto& t : plan.tests) width = std::max(width, sim::display_width(t.loaded.scenario.name));
    for (const auto& t : plan.tests) {
        sim::suite_result r;
        r.test = &t;
        r.result.scenario = t.loaded.scenario.name;
        r.result.completed = true;
        for (const auto& th : t.loaded.scenario.thresholds) {
            sim::threshold_verdict v;
            v.metric = th.metric;
            v.expression = th.expression;
            v.measured = -123456.789e-3;
            v.pass = false;
            r.verdicts.push_back(v);
            r.result.metrics.set(th.metric, *v.measured, "s");
        }
        r.code = r.verdicts.empty() ? 0 : 1;
        for (const auto style : {sim::terminal_style::plain(), sim::terminal_style::styled()}) {
            const std::string line = sim::suite_line(r, width, style);
            BOOST_TEST(columns(line) <= 100U, line);
            BOOST_TEST(line.find(t.loaded.scenario.name) != std::string::npos, line);
            // A failed metric is shown; cut, if it alone is wider than the room left.
            if (!r.verdicts.empty())
                BOOST_TEST((line.find(" fails)") != std::string::npos || line.ends_with("...\n")), line);
        }
        r.result.completed = false;
        r.result.error = std::string(300, 'e');
        r.code = 1;
        const std::string line = sim::suite_line(r, width);
        BOOST_TEST(columns(line) == 100U, line);
        BOOST_TEST(line.ends_with("...\n"), line);
    }
    // A long name is cut at 40 columns, a short one padded to the widest name.
    sim::suite_result r;
    r.result.scenario = std::string(60, 'n') + "\u00b5";
    r.result.completed = true;
    const std::string line = sim::suite_line(r, 70);
    BOOST_TEST(line == "  PASS  " + std::string(37, 'n') + "...\n");
}

BOOST_AUTO_TEST_CASE(styled_suite_lines_mark_the_verdict) {
    sim::suite_result r;
    r.result.scenario = "demo/x";
    r.result.completed = true;
    BOOST_TEST(sim::suite_line(r, 8, sim::terminal_style::styled()) == "  \033[32m\u2713 PASS\033[0m  demo/x\n");
    r.code = 1;
    BOOST_TEST(sim::suite_line(r, 8, sim::terminal_style::styled()) == "  \033[31m\u2717 FAIL\033[0m  demo/x\n");
    BOOST_TEST(sim::suite_line(r, 8) == "  FAIL  demo/x\n");
}

BOOST_AUTO_TEST_SUITE_END()
