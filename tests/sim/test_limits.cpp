// The loader's hard limits (sim/limits.hpp; issue 12, item 6: scenarios that validated but could
// not run) and the work estimate (sim/estimate.hpp): exact counts for simple scenarios, within
// its stated factor of the actual event count of every built-in scenario and of real runs, and
// refusal beyond the limits.
#include <boost/test/unit_test.hpp>

#include <sim/estimate.hpp>
#include <sim/limits.hpp>
#include <sim/load.hpp>
#include <sim/run.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace surge::sim;
using namespace surge::literals;
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

const fs::path source_dir{SURGE_SOURCE_DIR};

const char* const minimal = R"({"name": "m", "duration": "60s", "load": [{"at": "0s", "rate": "10/s"}]})";

/// The message of the input_error that loading `minimal` with these overrides throws ("" if it loads).
std::string error_with(const std::vector<std::string>& sets, const std::string& text = minimal) {
    try {
        (void)load_scenario_text(text, "t.json", sets);
    } catch (const input_error& e) {
        return e.what();
    }
    return "";
}

bool contains(const std::string& haystack, const std::string& needle) { return haystack.find(needle) != std::string::npos; }

scenario load(const std::string& text, const std::vector<std::string>& sets = {}) {
    return load_scenario_text(text, "t.json", sets).scenario;
}

std::string read_text(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

/// Every built-in scenario, relative to sim/scenarios.
std::vector<std::string> builtin_scenarios() {
    std::vector<std::string> out;
    const fs::path root = source_dir / "sim" / "scenarios";
    for (const auto& e : fs::recursive_directory_iterator(root))
        if (e.is_regular_file() && e.path().extension() == ".json") out.push_back(e.path().lexically_relative(root).generic_string());
    std::sort(out.begin(), out.end());
    return out;
}

bool within_factor(double estimate, double actual, double factor) {
    return estimate <= actual * factor && actual <= estimate * factor;
}

} // namespace

BOOST_AUTO_TEST_SUITE(limits_tests)

// Issue 12, item 6: counts the run cannot allocate were accepted; each is now an error that names
// its limit.
BOOST_AUTO_TEST_CASE(counts_beyond_their_limits_are_rejected_naming_the_limit) {
    const std::string users = "(the limit on users.count";
    BOOST_TEST(contains(error_with({"/users={\"count\": 9223372036854775807}"}),
                        "t.json: /users/count: expected an integer between 0 and 1000000000 " + users));
    BOOST_TEST(contains(error_with({"/users={\"count\": 1e12}"}), "/users/count: expected an integer between 0 and 1000000000 " + users));
    BOOST_TEST(contains(error_with({"/users={\"count\": 1e12}"}), "found 1000000000000.0"));
    BOOST_TEST(error_with({"/users={\"count\": 1000000000}"}).empty());
    BOOST_TEST(contains(error_with({"/server={\"workers\": 1e9}"}),
                        "/server/workers: expected an integer between 1 and 1000000 (the limit on server.workers"));
    BOOST_TEST(error_with({"/server={\"workers\": 1000000}"}).empty());
    BOOST_TEST(contains(error_with({"/load/0={\"at\": \"0s\", \"clients\": 1e12}"}),
                        "/load/0/clients: expected an integer between 1 and 10000000 (the limit on closed-phase clients"));
    // The clients limit holds for all phases together.
    const std::string two = R"({"name": "m", "duration": "60s", "load": [{"at": "0s", "clients": 6000000},
                                                                          {"at": "1s", "clients": 4000001}]})";
    BOOST_TEST(contains(error_with({}, two), "/load/1/clients: expected clients adding up to at most 10000000 over all phases"));
    BOOST_TEST(error_with({"/load/1/clients=4000000"}, two).empty());
    BOOST_TEST(contains(error_with({"/load/0/batch=1000001"}), "/load/0/batch: expected an integer between 1 and 1000000 (the limit on a phase's batch"));
    BOOST_TEST(contains(error_with({"/database={\"pool_size\": 9223372036854775807, \"max_overflow\": 9223372036854775807}"}),
                        "/database/pool_size: expected an integer between 1 and 1000000 (the limit on database connections"));
    BOOST_TEST(contains(error_with({"/database={\"max_overflow\": 1000001}"}), "/database/max_overflow: expected an integer between 0 and 1000000"));
    // Below the minimum, the usual message, unchanged.
    BOOST_TEST(contains(error_with({"/users={\"count\": -5}"}), "/users/count: expected an integer >= 0, found -5"));
    BOOST_TEST(contains(error_with({"/users={\"count\": 1.5}"}), "/users/count: expected an integer >= 0, found 1.5"));
}

// The array limits, checked on documents built in memory (parsing a 100 001-entry file is the
// parser's business, and slow).
BOOST_AUTO_TEST_CASE(phases_and_faults_beyond_their_limits_are_rejected) {
    const load_detail::context c{"t.json", {}};
    const surge::models::scenario sc = load(minimal);
    json phases = json::array();
    for (std::size_t i = 0; i <= limits::max_phases; ++i) phases.push_back({{"at", "0s"}, {"rate", "1/s"}});
    try {
        (void)load_detail::read_load(c, phases, "/load", sc);
        BOOST_FAIL("100 001 phases must be rejected");
    } catch (const input_error& e) {
        BOOST_TEST(contains(e.what(), "t.json: /load: expected at most 100000 load phases (the limit on phases"), e.what());
        BOOST_TEST(contains(e.what(), "found 100001"));
    }
    phases.erase(phases.begin());
    BOOST_TEST(load_detail::read_load(c, phases, "/load", sc).size() == limits::max_phases);

    json faults = json::array();
    for (std::size_t i = 0; i <= limits::max_faults; ++i) faults.push_back({{"at", "1s"}, {"kind", "db_slowdown"}});
    try {
        (void)load_detail::read_faults(c, faults, "/faults", sc);
        BOOST_FAIL("100 001 faults must be rejected");
    } catch (const input_error& e) {
        BOOST_TEST(contains(e.what(), "t.json: /faults: expected at most 100000 faults (the limit on faults"), e.what());
    }
}

// Issue 12, item 6: durations beyond the event queue's horizon were accepted (up to 292 years), and
// a duration and a drain of 2562047h each overflowed std::int64_t when added.
BOOST_AUTO_TEST_CASE(run_length_is_held_inside_the_event_queue_horizon) {
    BOOST_TEST(surge::parse_duration("4800h") == limits::max_run_length);
    BOOST_TEST(limits::max_run_length.count() < surge::event_queue::horizon_ns);
    BOOST_TEST(contains(error_with({"/duration=12000h"}), "t.json: /duration: expected a duration <= 4800h = 200 days (the limit on a run's virtual time"));
    BOOST_TEST(contains(error_with({"/duration=2562047h", "/drain=2562047h"}), "/duration: expected a duration <= 4800h"));
    BOOST_TEST(contains(error_with({"/drain=2562047h"}), "/drain: expected a drain with duration + drain <= 4800h"));
    // The edge: exactly 4800h in all is a run; a nanosecond more is not.
    BOOST_TEST(error_with({"/duration=4800h"}).empty());
    BOOST_TEST(error_with({"/duration=4799h", "/drain=1h"}).empty());
    BOOST_TEST(contains(error_with({"/duration=4800h", "/drain=1ns"}), "/drain: expected a drain with duration + drain <= 4800h"));
    BOOST_TEST(contains(error_with({"/duration=1ns", "/drain=4800h"}), "/drain: expected a drain with duration + drain <= 4800h"));
    const scenario sc = load(minimal, {"/duration=4799h", "/drain=1h"});
    BOOST_TEST((sc.length + sc.drain) == limits::max_run_length);
}

// Issue 12, item 6: sample_interval "1ns" over "1h" asked for 3.6 * 10^12 samples.
BOOST_AUTO_TEST_CASE(samples_are_bounded) {
    const std::string e = error_with({"/duration=1h", "/sample_interval=1ns"});
    BOOST_TEST(contains(e, "t.json: /sample_interval: (duration + drain) / sample_interval is 3600000000000 samples"), e);
    BOOST_TEST(contains(e, "above the limit of 20000000"));
    BOOST_TEST(contains(e, "raise sample_interval to at least 180.001us"));
    BOOST_TEST(error_with({"/duration=1h", "/sample_interval=180.001us"}).empty());
    BOOST_TEST(error_with({"/duration=1h", "/sample_interval=180us"}).empty());  // exactly 2 * 10^7
    BOOST_TEST(!error_with({"/duration=1h", "/sample_interval=179.999us"}).empty());
    // The default interval (1 s) covers the longest run.
    BOOST_TEST(error_with({"/duration=4800h"}).empty());
}

// Issue 12, item 7: "0.000...1bit/s" reached the link model; the loader now stops at 1 bit/s.
BOOST_AUTO_TEST_CASE(bandwidth_below_one_bit_per_second_is_rejected) {
    const std::string e = error_with({"/links={\"bandwidth\": \"0.0000000000000000001bit/s\"}"});
    BOOST_TEST(contains(e, "/links/bandwidth: expected a bandwidth >= 1bit/s (the limit on a link's bandwidth"), e);
    BOOST_TEST(contains(error_with({"/links={\"slow\": {\"fraction\": 0.5, \"bandwidth\": \"0.5bit/s\"}}"}),
                        "/links/slow/bandwidth: expected a bandwidth >= 1bit/s"));
    BOOST_TEST(load(minimal, {"/links={\"bandwidth\": \"1bit/s\"}"}).links.bandwidth_bytes_per_s == 0.125);
}

// ---------------------------------------------------------------------------------------------
// The work estimate
// ---------------------------------------------------------------------------------------------

// Counts that follow from the parameters exactly.
BOOST_AUTO_TEST_CASE(estimate_counts_follow_the_parameters) {
    const scenario sc = load(R"({"name": "e", "duration": "60s", "users": {"count": 1000},
        "load": [{"at": "0s", "for": "30s", "rate": "100/s", "batch": 2},
                 {"at": "30s", "rate": "10/s", "ramp_to": "30/s", "target": "broadcast"}]})");
    const work_estimate w = estimate_work(sc);
    BOOST_TEST(w.connections == 1000);   // always online: one connection each
    BOOST_TEST(std::fabs(w.requests - (100 * 30 + 20 * 30)) < 1e-6);
    BOOST_TEST(std::fabs(w.notifications - (2 * 100 * 30 + 20 * 30)) < 1e-6);
    BOOST_TEST(std::fabs(w.deliveries - (2 * 100 * 30 + 20 * 30 * 1000)) < 1e-6);  // a broadcast reaches every online user
    BOOST_TEST(w.samples == 61);
    BOOST_TEST(w.client_messages == 0);
    // Sessions: online 1 min, offline 3 min means a quarter online, and a new session every 4 min.
    const scenario s2 = load(R"({"name": "e", "duration": "480s", "users": {"count": 100, "online": {"mean": "1m"},
        "offline": {"mean": "3m"}, "messages": "1/s"}, "load": [{"at": "0s", "rate": "1/s", "target": "broadcast"}]})");
    const work_estimate w2 = estimate_work(s2);
    BOOST_TEST(std::fabs(w2.connections - 100 * 3.0) < 1e-9);
    BOOST_TEST(std::fabs(w2.client_messages - 25 * 480.0) < 1e-9);
    BOOST_TEST(std::fabs(w2.deliveries - 480 * 25.0) < 1e-9);
    // Memory grows with users and is never below the program's own.
    const work_estimate big = estimate_work(load(minimal, {"/users={\"count\": 1000000}"}));
    const work_estimate small = estimate_work(load(minimal, {"/users={\"count\": 1000}"}));
    BOOST_TEST(big.memory_bytes > small.memory_bytes + 999'000 * 100.0);
    BOOST_TEST(small.memory_bytes >= 1e6);
}

// Within the stated factor of the actual event count of every built-in scenario: the counts in
// tests/golden are those of real runs (the golden.* tests check that the runs still give them).
BOOST_AUTO_TEST_CASE(estimate_within_its_factor_of_every_builtin_scenario) {
    const auto files = builtin_scenarios();
    BOOST_TEST_REQUIRE(files.size() >= 20u);
    for (const auto& rel : files) {
        const auto loaded = load_scenario_file((source_dir / "sim" / "scenarios" / rel).string());
        const json golden = json::parse(read_text(source_dir / "tests" / "golden" / rel));
        const double actual = golden.at("events").get<double>();
        const double estimate = estimate_work(loaded.scenario).events;
        BOOST_TEST(within_factor(estimate, actual, estimate_accuracy_factor),
                   rel << ": estimate " << estimate << " events, actual " << actual);
    }
}

// The same against runs made here, of scenarios small enough for a unit test.
BOOST_AUTO_TEST_CASE(estimate_within_its_factor_of_real_runs) {
    for (const char* rel : {"suite/websocket/resource-usage.json", "suite/memory/concurrent-operations.json",
                            "suite/notification/statistics-collection.json"}) {
        const auto loaded = load_scenario_file((source_dir / "sim" / "scenarios" / rel).string());
        const run_result r = run(loaded.scenario);
        BOOST_TEST_REQUIRE(r.completed);
        const double estimate = estimate_work(loaded.scenario).events;
        BOOST_TEST(within_factor(estimate, static_cast<double>(r.events), estimate_accuracy_factor),
                   rel << ": estimate " << estimate << " events, run " << r.events);
    }
}

// Beyond a limit, a reason naming it; within both, none.
BOOST_AUTO_TEST_CASE(work_beyond_the_limits_is_refused_with_the_reason) {
    const work_limits l{1e10, 16e9};
    BOOST_TEST(!beyond_limits(estimate_work(load(minimal)), l).has_value());
    // Issue 12, item 8's run: millions of events per second for days.
    const auto heavy = beyond_limits(estimate_work(load(minimal, {"/duration=100h", "/load/0/rate=1000000/s"})), l);
    BOOST_TEST_REQUIRE(heavy.has_value());
    BOOST_TEST(contains(*heavy, "above the limit of 10.0G"), *heavy);
    BOOST_TEST(contains(*heavy, "--force"));
    // 10^8 users: tens of gigabytes.
    const auto users = beyond_limits(estimate_work(load(minimal, {"/users={\"count\": 100000000}"})), l);
    BOOST_TEST_REQUIRE(users.has_value());
    BOOST_TEST(contains(*users, "of memory, above this machine's 16.0 GB"), *users);
    // A machine whose memory is unknown limits events only.
    BOOST_TEST(!beyond_limits(estimate_work(load(minimal, {"/users={\"count\": 100000000}"})), work_limits{1e10, 0}).has_value());
    BOOST_TEST(default_work_limits().max_memory_bytes > 0);  // Linux says
}

BOOST_AUTO_TEST_SUITE_END()
