// sim/suite.hpp: finding the suites and their scenario files, where a --set applies, the key
// metrics of a test's line, and the suite report — on the fixture in tests/sim/suite_fixture and
// the built-in suite in sim/scenarios/suite.
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

BOOST_AUTO_TEST_SUITE_END()
