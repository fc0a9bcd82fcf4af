// sim/golden.hpp's workflow (plan_goldens, check_goldens) on a scratch directory: a scenario with
// no golden file is missing; --update writes it; a check then matches with the run's own trace
// hash; a file edited by hand differs by exactly the edited values; a golden file without a
// scenario is an orphan, removed by --update; names that are no scenario are bad input.
#include <boost/test/unit_test.hpp>

#include <sim/golden.hpp>
#include <sim/run.hpp>

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
namespace sim = surge::sim;
using status = sim::golden_result::status;

namespace {

/// A fresh scratch directory (under the system's temporary directory), with one short scenario in scenarios/.
struct scratch {
    fs::path root;
    scratch() {
        root = fs::temp_directory_path() / ("surge-golden-test-" + std::to_string(::getpid()));
        fs::remove_all(root);
        fs::create_directories(root / "scenarios" / "nested");
        fs::create_directories(root / "golden");
        std::ofstream(root / "scenarios" / "nested" / "tiny.json")
            << R"({"name": "tiny", "duration": "5s", "seed": 7, "users": {"count": 10}, "load": [{"at": "0s", "rate": "20/s"}]})";
    }
    ~scratch() {
        std::error_code ec;
        fs::remove_all(root, ec);
    }
    [[nodiscard]] sim::golden_options options(bool update, std::vector<std::string> names = {}) const {
        sim::golden_options o;
        o.scenarios_dir = root / "scenarios";
        o.golden_dir = root / "golden";
        o.scenarios = std::move(names);
        o.update = update;
        return o;
    }
};

std::vector<status> statuses(const sim::golden_check& c) {
    std::vector<status> out;
    for (const auto& r : c.results) out.push_back(r.what);
    return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(golden_tests)

BOOST_AUTO_TEST_CASE(missing_written_match_differs_orphan) {
    const scratch s;
    // Nothing yet: missing, exit 1.
    const auto plan = sim::plan_goldens(s.options(false));
    BOOST_REQUIRE_EQUAL(plan.items.size(), 1U);
    BOOST_TEST(plan.items[0].rel == "nested/tiny.json");
    auto check = sim::check_goldens(plan);
    BOOST_TEST((statuses(check) == std::vector<status>{status::missing}));
    BOOST_TEST(check.results[0].name == "nested/tiny");
    BOOST_TEST(check.results[0].golden_file == s.root / "golden" / "nested" / "tiny.json");
    BOOST_TEST(check.exit_code() == 1);

    // --update writes it; the record is golden_json of the scenario's own run.
    std::vector<std::string> seen;
    check = sim::check_goldens(sim::plan_goldens(s.options(true)), [&](const sim::golden_result& r) { seen.push_back(r.name); });
    BOOST_TEST((statuses(check) == std::vector<status>{status::written}));
    BOOST_TEST((seen == std::vector<std::string>{"nested/tiny"}));
    BOOST_TEST(check.exit_code() == 0);
    const auto run = sim::run(plan.items[0].loaded.scenario);
    BOOST_TEST(check.results[0].trace_hash == run.trace_hash);
    const auto on_disk = sim::read_golden_file(s.root / "golden" / "nested" / "tiny.json", false);
    BOOST_REQUIRE(on_disk.has_value());
    BOOST_TEST(*on_disk == sim::golden_json(run, "nested/tiny.json"));
    BOOST_TEST(check.results[0].metrics == (*on_disk)["metrics"].size());

    // A check now matches; a second update leaves the file alone.
    BOOST_TEST((statuses(sim::check_goldens(sim::plan_goldens(s.options(false)))) == std::vector<status>{status::match}));
    BOOST_TEST((statuses(sim::check_goldens(sim::plan_goldens(s.options(true)))) == std::vector<status>{status::unchanged}));

    // A value edited by hand: differs, naming it old -> new; --update rewrites it.
    auto edited = *on_disk;
    edited["events"] = 1;
    std::ofstream(s.root / "golden" / "nested" / "tiny.json") << sim::golden_text(edited);
    check = sim::check_goldens(sim::plan_goldens(s.options(false)));
    BOOST_TEST((statuses(check) == std::vector<status>{status::differs}));
    BOOST_REQUIRE_EQUAL(check.results[0].changes.size(), 1U);
    BOOST_TEST(check.results[0].changes[0] == "events: 1 -> " + std::to_string(run.events));
    BOOST_TEST(check.exit_code() == 1);
    check = sim::check_goldens(sim::plan_goldens(s.options(true)));
    BOOST_TEST((statuses(check) == std::vector<status>{status::updated}));
    BOOST_TEST(check.results[0].changes.size() == 1U);

    // A golden file without a scenario: an orphan when all are checked, not when one is named;
    // --update removes it.
    std::ofstream(s.root / "golden" / "gone.json") << "{}\n";
    check = sim::check_goldens(sim::plan_goldens(s.options(false)));
    BOOST_TEST((statuses(check) == std::vector<status>{status::match, status::orphan}));
    BOOST_TEST(check.results[1].name == "gone.json");
    BOOST_TEST(check.results[1].scenario_file == s.root / "scenarios" / "gone.json");
    BOOST_TEST(check.exit_code() == 1);
    BOOST_TEST(sim::check_goldens(sim::plan_goldens(s.options(false, {"nested/tiny"}))).exit_code() == 0);
    check = sim::check_goldens(sim::plan_goldens(s.options(true)));
    BOOST_TEST((statuses(check) == std::vector<status>{status::unchanged, status::removed}));
    BOOST_TEST(!fs::exists(s.root / "golden" / "gone.json"));
}

BOOST_AUTO_TEST_CASE(bad_input_is_found_before_anything_runs) {
    const scratch s;
    // By name, with or without ".json"; a file outside the scenarios directory by its file name.
    BOOST_TEST(sim::plan_goldens(s.options(false, {"nested/tiny"})).items.at(0).rel == "nested/tiny.json");
    BOOST_TEST(sim::plan_goldens(s.options(false, {"nested/tiny.json"})).items.at(0).rel == "nested/tiny.json");
    fs::copy_file(s.root / "scenarios" / "nested" / "tiny.json", s.root / "elsewhere.json");
    BOOST_TEST(sim::plan_goldens(s.options(false, {(s.root / "elsewhere.json").string()})).items.at(0).rel == "elsewhere.json");
    try {
        (void)sim::plan_goldens(s.options(false, {"nope"}));
        BOOST_ERROR("no error");
    } catch (const sim::input_error& e) {
        BOOST_TEST(std::string(e.what()) ==
                   "nope: no such scenario file, and no built-in scenario of that name in " + (s.root / "scenarios").string());
    }
    // A golden file that is not JSON is bad input when checking, and rewritten when updating.
    fs::create_directories(s.root / "golden" / "nested");
    std::ofstream(s.root / "golden" / "nested" / "tiny.json") << "{not json";
    BOOST_CHECK_THROW(sim::check_goldens(sim::plan_goldens(s.options(false))), sim::input_error);
    BOOST_TEST((statuses(sim::check_goldens(sim::plan_goldens(s.options(true)))) == std::vector<status>{status::written}));
}

BOOST_AUTO_TEST_SUITE_END()
