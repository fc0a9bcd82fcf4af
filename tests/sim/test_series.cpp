// The time series of a run (models/series.hpp, the meters' emit_series, sim/report.hpp's
// "series", sim/series_csv.hpp): the window width rule, and a built-in scenario's series against
// the run's own metrics (a second method: the per-window delivery counts add up to
// delivery.delivered exactly, the mean of per-window utilisation is server.utilization) and
// against what the scenario says happens when (db-slowdown's fault shows in operations p99 from
// 80 s to 110 s, as issue 13 binned it by hand from the trace).
#include "schema_check.hpp"

#include <sim/load.hpp>
#include <sim/report.hpp>
#include <sim/run.hpp>
#include <sim/series_csv.hpp>

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

namespace m = surge::models;
namespace sim = surge::sim;
using namespace surge::literals;

namespace {

sim::run_result run_builtin(const std::string& name, const std::vector<std::string>& sets = {}) {
    const auto loaded = sim::load_scenario_file(std::string(SURGE_SOURCE_DIR) + "/sim/scenarios/" + name, sets);
    return sim::run(loaded.scenario);
}

const std::vector<double>& line(const sim::run_result& r, m::series_id id) {
    const auto* v = r.series.find(id);
    BOOST_REQUIRE(v != nullptr);
    return *v;
}

/// The largest value of windows [from, to) (seconds, 1-second windows).
double max_over(const std::vector<double>& v, std::size_t from, std::size_t to) {
    double x = 0;
    for (std::size_t k = from; k < to && k < v.size(); ++k)
        if (std::isfinite(v[k])) x = std::max(x, v[k]);
    return x;
}

} // namespace

BOOST_AUTO_TEST_SUITE(series_tests)

BOOST_AUTO_TEST_CASE(window_is_the_sample_interval_coarsened_to_2000_points) {
    using surge::duration;
    BOOST_TEST(m::series_window(130_s, 1_s) == 1_s);
    BOOST_TEST(m::series_window(2000_s, 1_s) == 1_s);
    BOOST_TEST(m::series_window(2001_s, 1_s) == 2_s);
    BOOST_TEST(m::series_window(duration::seconds(36000), 1_s) == 18_s);  // 10 h: 2000 windows of 18 s
    BOOST_TEST(m::series_window(125_s, 10_ms) == 70_ms);                  // 12 500 samples: 7 per window
    BOOST_TEST(surge::windowed_detail::windows_until(70_ms, surge::time_point{} + 125_s) == 1786U);
}

BOOST_AUTO_TEST_CASE(db_slowdown_shows_the_fault_over_time) {
    const auto r = run_builtin("db-slowdown.json");
    BOOST_TEST(r.series.window() == 1_s);
    BOOST_TEST(r.series.windows() == 130U);  // 120 s + 10 s drain
    const auto& ops = line(r, m::series_id::operations_latency_p99);
    // Before the fault p99 stays under 0.1 s in every window; during it (80-110 s) it climbs past 4 s.
    BOOST_TEST(max_over(ops, 0, 80) < 0.1);
    BOOST_TEST(max_over(ops, 80, 110) > 4.0);
    BOOST_TEST(ops[100] > ops[85]);  // the backlog grows while the database is slow
    // The run's metrics, by a second way.
    const auto& rate = line(r, m::series_id::delivery_rate);
    const double delivered = std::accumulate(rate.begin(), rate.end(), 0.0);  // 1-second windows: counts
    BOOST_TEST(delivered == *r.metrics.get("delivery.delivered"));
    const auto& util = line(r, m::series_id::server_utilization);
    const double mean_util = std::accumulate(util.begin(), util.end(), 0.0) / static_cast<double>(util.size());
    BOOST_TEST(mean_util == *r.metrics.get("server.utilization"), boost::test_tools::tolerance(1e-9));
    const auto& published = line(r, m::series_id::notifications_rate);
    BOOST_TEST(std::accumulate(published.begin(), published.end(), 0.0) == *r.metrics.get("notifications.published"));
    // The fault and the load phases are annotated.
    const auto fault = std::find_if(r.series.annotations.begin(), r.series.annotations.end(),
                                    [](const m::series_annotation& a) { return a.kind == "fault"; });
    BOOST_REQUIRE(fault != r.series.annotations.end());
    BOOST_TEST(fault->label == "db_slowdown");
    BOOST_TEST(fault->from == surge::time_point{} + 80_s);
    BOOST_TEST(fault->to == surge::time_point{} + 110_s);
    BOOST_TEST(r.series.annotations.front().kind == "phase");
}

BOOST_AUTO_TEST_CASE(the_report_and_the_csv_hold_the_series) {
    const auto r = run_builtin("baseline.json", {"/sample_interval=10ms"});
    // 125 s at 10 ms is 12 500 samples: coarsened to 70 ms windows, 1 786 of them.
    BOOST_TEST(r.series.window() == 70_ms);
    BOOST_TEST(r.series.windows() == 1786U);
    const auto report = sim::make_report(r, sim::scenario_info{"baseline", "baseline.json", {}, {}}, {});
    const surge::test::schema_validator schema(nlohmann::json::parse(surge::test::read_text(std::string(SURGE_SOURCE_DIR) + "/sim/report.schema.json")));
    const auto errors = schema.validate(nlohmann::json::parse(report.dump()));
    for (const auto& e : errors) BOOST_TEST_MESSAGE(e.pointer << ": " << e.message);
    BOOST_TEST(errors.empty());
    const auto& s = report["series"];
    BOOST_TEST(s["bin_seconds"].get<double>() == 0.07);
    BOOST_TEST(s["bins"].get<std::size_t>() == 1786U);
    BOOST_TEST(s["units"]["delivery.latency.p99"].get<std::string>() == "s");
    BOOST_TEST(s["values"]["delivery.rate"].size() == 1786U);
    // Every series of the catalogue a simulation measures, and none it does not (the live-only ones).
    std::size_t sim_series = 0;
    for (const auto& e : m::series_catalogue_entries) {
        const bool measured = m::measurable_in(e.modes, m::run_mode::sim);
        sim_series += measured ? 1 : 0;
        BOOST_TEST(s["values"].contains(std::string(e.name)) == measured, e.name);
    }
    BOOST_TEST(s["values"].size() == sim_series);
    BOOST_TEST(sim_series == 14U);
    // The last window is partial (124.95-125 s): its rates are per second of the 50 ms covered.
    const auto csv = sim::series_csv(r.series);
    std::istringstream in(csv);
    std::string header, first, row, last;
    std::getline(in, header);
    std::getline(in, first);
    std::size_t rows = 1;
    while (std::getline(in, row)) {
        ++rows;
        last = row;
    }
    BOOST_TEST(header.rfind("time_s,notifications.rate,delivery.rate,delivery.latency.p50,", 0) == 0U);
    BOOST_TEST(rows == 1786U);
    BOOST_TEST(first.rfind("0,", 0) == 0U);
    BOOST_TEST(last.rfind("124.95,", 0) == 0U);
    // An empty cell where nothing was measured: the first window has no deliveries yet.
    BOOST_TEST(first.find(",,") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
