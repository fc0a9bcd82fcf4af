// sim/html_report.hpp: the page holds the verdict, one row per threshold (pass and fail marked),
// a chart per (area, unit) of the series catalogue with points in it, the fault shaded and the
// phases marked; two reports share axes; a suite gets a section per test; text from a report is
// escaped; the same reports give the same bytes.
#include <sim/html_report.hpp>
#include <sim/load.hpp>
#include <sim/run.hpp>

#include <boost/test/unit_test.hpp>

#include <regex>
#include <string>
#include <vector>

namespace sim = surge::sim;
using ojson = nlohmann::ordered_json;

namespace {

ojson report_of(const std::string& file, const std::vector<std::string>& sets = {}) {
    const auto loaded = sim::load_scenario_file(std::string(SURGE_SOURCE_DIR) + "/sim/scenarios/" + file, sets);
    const auto r = sim::run(loaded.scenario);
    return sim::make_report(r, sim::scenario_info{loaded.scenario.name, file, sets, loaded.document},
                            sim::evaluate(loaded.scenario.thresholds, r.metrics));
}

std::size_t count(const std::string& s, const std::string& what) {
    std::size_t n = 0;
    for (auto at = s.find(what); at != std::string::npos; at = s.find(what, at + what.size())) ++n;
    return n;
}

/// The data-points attribute of every chart.
std::vector<long> chart_points(const std::string& page) {
    std::vector<long> out;
    const std::regex re("<figure class=\"chart\" data-points=\"([0-9]+)\"");
    for (auto it = std::sregex_iterator(page.begin(), page.end(), re); it != std::sregex_iterator(); ++it)
        out.push_back(std::stol((*it)[1]));
    return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(html_report_tests)

BOOST_AUTO_TEST_CASE(a_run_page_has_verdict_thresholds_and_charts) {
    const auto r = report_of("db-slowdown.json");
    const auto page = sim::html_report({r}, {"db-slowdown.json"});
    BOOST_TEST(page.rfind("<!DOCTYPE html>", 0) == 0U);
    BOOST_TEST(page.find("<script") == std::string::npos);  // no script: works offline, nothing fetched
    BOOST_TEST(page.find("http://") == std::string::npos);
    BOOST_TEST(page.find("https://") == std::string::npos);
    BOOST_TEST(page.find("class=\"verdict fail\"") != std::string::npos);
    // One row per threshold, as many fails as the report has.
    std::size_t fails = 0;
    for (const auto& t : r["thresholds"]) fails += t["verdict"] == "fail" ? 1 : 0;
    BOOST_TEST(count(page, "<tr class=\"threshold ") == r["thresholds"].size());
    BOOST_TEST(count(page, "<tr class=\"threshold fail\"") == fails);
    BOOST_TEST(fails > 0U);
    // A chart per (area, unit) with points; the fault shaded once per chart, the phases marked.
    const auto points = chart_points(page);
    BOOST_TEST(points.size() == 11U);  // 14 series: the four delivery latencies share a chart
    for (const long p : points) BOOST_TEST(p > 0);
    BOOST_TEST(count(page, "<rect class=\"fault\"") == points.size());
    BOOST_TEST(count(page, "<line class=\"phase\"") == 2 * points.size());
    BOOST_TEST(page.find("nan") == std::string::npos);
    BOOST_TEST(page.find("inf,") == std::string::npos);
    BOOST_TEST(sim::html_report({r}, {"db-slowdown.json"}) == page);  // deterministic
}

BOOST_AUTO_TEST_CASE(two_reports_share_the_axes) {
    const auto a = report_of("db-slowdown.json");
    const auto b = report_of("db-slowdown.json", {"/server/workers=12"});
    const auto page = sim::html_report({a, b}, {"a.json", "b.json"});
    BOOST_TEST(page.find("Side by side") != std::string::npos);
    BOOST_TEST(count(page, "<section class=\"run\">") == 2U);
    BOOST_TEST(chart_points(page).size() == 11U);  // the same charts, each with both reports' lines
    BOOST_TEST(count(page, "stroke-dasharray=\"6 3\" points=") > 0U);  // the second report's lines
    BOOST_TEST(page.find("delivery latency p99 — b.json (sim)") != std::string::npos);
    // The percentile plot: both runs' five points (p50, p90, p99, p99.9, max), the second dashed.
    const auto plot = page.substr(page.find("<figure class=\"chart percentiles\">"));
    BOOST_TEST(count(plot.substr(0, plot.find("</figure>")), "<circle ") == 10U);
}

BOOST_AUTO_TEST_CASE(a_suite_gets_a_section_per_test_and_text_is_escaped) {
    auto t = report_of("baseline.json");
    t["scenario"]["name"] = "<script>alert(1)</script> & \"x\"";
    ojson suite = ojson::object();
    suite["mode"] = "suite";
    suite["passed"] = 2;
    suite["failed"] = 0;
    suite["tests"] = ojson::array({t, report_of("baseline.json")});
    t["thresholds"][0]["verdict"] = "fail";  // the first test fails one threshold
    suite["tests"][0] = t;
    const auto page = sim::html_report({suite}, {"suite.json"});
    BOOST_TEST(count(page, "<section class=\"run\" id=\"suite-0-test-") == 2U);
    // The overview: a row per test with its verdict, linked to the test's section.
    const auto n = t["thresholds"].size();
    BOOST_TEST(count(page, "<tr class=\"fail\"><td>&#10007;</td><td><a href=\"#suite-0-test-0\">") == 1U);
    BOOST_TEST(count(page, "<tr class=\"pass\"><td>&#10003;</td><td><a href=\"#suite-0-test-1\">") == 1U);
    BOOST_TEST(page.find(fmt::format("1 of {} thresholds failed</td>", n)) != std::string::npos);
    BOOST_TEST(page.find(fmt::format("all {} thresholds hold</td>", n)) != std::string::npos);
    BOOST_TEST(page.find("<script>") == std::string::npos);
    BOOST_TEST(page.find("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;") != std::string::npos);
}

/// A threshold the mode could not measure: its own row mark, and counted apart in the verdict,
/// worded as the terminal's verdict line.
BOOST_AUTO_TEST_CASE(a_threshold_not_measured_is_neither_pass_nor_fail) {
    auto r = report_of("baseline.json");
    const auto n = r["thresholds"].size();
    for (auto& t : r["thresholds"]) t["verdict"] = "pass";
    r["thresholds"][0]["verdict"] = "not_measured";
    r["thresholds"][0]["note"] = "not measured in a live run";
    const auto page = sim::html_report({r}, {"live.json"});
    BOOST_TEST(count(page, "<tr class=\"threshold not_measured\"><td>&#8211;</td>") == 1U);
    BOOST_TEST(count(page, "<tr class=\"threshold pass\">") == n - 1);
    BOOST_TEST(page.find(fmt::format("PASS — all {} thresholds hold (1 more not measured in a live run)", n - 1)) != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
