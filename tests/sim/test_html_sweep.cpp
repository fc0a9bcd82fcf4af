// sim/html_sweep.hpp: the page of a sweep.json lists the points by verdict (pass, mixed, fail,
// error, then index) and charts each threshold metric against the first axis, a line per value of
// the second, with the limit; the page of a max_load plan.json charts delivery p99 against load
// on a log axis, one marker per probe in load order, with the SLO line at the limit's y and the
// knee marked when there is one; a minimize page charts against the searched value. Text from the
// JSON is escaped, the same JSON gives the same bytes, and an odd document still gives a page.
#include <sim/html_sweep.hpp>

#include <models/metric_catalogue.hpp>

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <regex>
#include <string>
#include <utility>
#include <vector>

namespace sim = surge::sim;
namespace models = surge::models;
using ojson = nlohmann::ordered_json;

namespace {

const std::string p99_name(models::metric_of(models::metric_id::delivery_latency_p99).name);
const std::string success_name(models::metric_of(models::metric_id::delivery_success_rate).name);

/// A point or probe as summary_json writes it: `pass` of `n` runs pass; the p99 threshold "< 2s"
/// with `p99_rate` and, unless `p99` is none, the metric's mean and ci95.
ojson point_of(int index, ojson values, const std::string& verdict, std::optional<double> p99, std::optional<double> ci, int pass, int n,
               double p99_rate = -1) {
    ojson runs = ojson::array();
    for (int k = 0; k < n; ++k) runs.push_back({{"seed", k + 1}, {"trace_hash", "0000000000000000"}, {"completed", true}, {"pass", k < pass}});
    const double rate = p99_rate >= 0 ? p99_rate : static_cast<double>(pass) / n;
    ojson th = {{"metric", p99_name}, {"expression", "< 2s"}, {"pass_rate", rate}};
    if (p99) th["mean"] = *p99;
    ojson metrics = ojson::object();
    if (p99) {
        metrics[p99_name] = {{"unit", "s"}, {"n", n}, {"mean", *p99}};
        metrics[p99_name]["ci95"] = ci ? ojson(*ci) : ojson(nullptr);
        metrics[p99_name]["min"] = *p99;
        metrics[p99_name]["max"] = *p99;
    }
    return {{"index", index}, {"values", std::move(values)}, {"verdict", verdict}, {"pass_rate", static_cast<double>(pass) / n},
            {"runs", std::move(runs)}, {"thresholds", ojson::array({th})}, {"metrics", std::move(metrics)}};
}

ojson sweep_doc(ojson points, ojson axes) {
    ojson j;
    j["sweep_schema_version"] = 1;
    j["surge_version"] = "0.1.0";
    j["scenario"] = {{"name", "db-slowdown"}, {"file", "db-slowdown.json"}, {"overrides", ojson::array()}};
    j["axes"] = std::move(axes);
    j["seeds"] = {1, 2, 3};
    j["thresholds"] = ojson::array({{{"metric", p99_name}, {"expression", "< 2s"}}});
    j["summary"] = {{"points", points.size()}, {"run", points.size()}, {"completed", true}};
    j["points"] = std::move(points);
    j["wall"] = {{"seconds", 1.5}, {"jobs", 2}};
    return j;
}

/// A max_load plan: probes visited at 10, 20, 40, 80, 57, 68/s; p99 0.3 s at 10/s, 0.6 s at
/// 40/s (the knee limit, 2 x 0.3 s), exactly the SLO's 2 s at 80/s; the knee at 57/s.
ojson max_load_doc() {
    ojson j;
    j["plan_schema_version"] = 1;
    j["surge_version"] = "0.1.0";
    j["scenario"] = {{"name", "db-slowdown"}, {"file", "db-slowdown.json"}, {"overrides", ojson::array()}};
    j["mode"] = "max_load";
    j["pointer"] = "/load/0/rate";
    j["range"] = {"10/s", "1000/s"};
    j["seeds"] = {1, 2, 3, 4, 5};
    j["thresholds"] = ojson::array({{{"metric", p99_name}, {"expression", "< 2s"}}});
    j["answer"] = "68/s";
    j["failing_neighbour"] = "80/s";
    j["knee"] = {{"factor", 2.0}, {"metric", p99_name}, {"base_p99", 0.3}, {"load", "57/s"}, {"below", "40/s"}};
    j["warnings"] = ojson::array();
    j["completed"] = true;
    const auto probe = [](int i, const char* load, const char* verdict, double p99, int pass) {
        return point_of(i, {{"/load/0/rate", load}}, verdict, p99, p99 / 10, pass, 5);
    };
    j["probes"] = {probe(0, "10/s", "pass", 0.3, 5), probe(1, "20/s", "pass", 0.35, 5), probe(2, "40/s", "pass", 0.6, 5),
                   probe(3, "80/s", "fail", 2.0, 0),  probe(4, "57/s", "mixed", 0.9, 3), probe(5, "68/s", "pass", 1.2, 5)};
    return j;
}

std::size_t count(const std::string& s, const std::string& what) {
    std::size_t n = 0;
    for (auto at = s.find(what); at != std::string::npos; at = s.find(what, at + what.size())) ++n;
    return n;
}

/// The figure whose data-chart is `name` (the first), or "".
std::string figure(const std::string& page, const std::string& name, std::size_t nth = 0) {
    std::size_t at = 0;
    for (std::size_t k = 0;; ++k) {
        at = page.find("data-chart=\"" + name + "\"", at);
        if (at == std::string::npos) return {};
        if (k == nth) break;
        ++at;
    }
    return page.substr(at, page.find("</figure>", at) - at);
}

struct marker {
    std::string verdict;
    int index = 0;
    double x = 0, y = 0;
};

std::vector<marker> markers(const std::string& svg) {
    std::vector<marker> out;
    const std::regex re(R"re(<path class="pt (\w+)" data-index="(\d+)" data-x="([-0-9.]+)" data-y="([-0-9.]+)")re");
    for (auto it = std::sregex_iterator(svg.begin(), svg.end(), re); it != std::sregex_iterator(); ++it)
        out.push_back({(*it)[1], std::stoi((*it)[2]), std::stod((*it)[3]), std::stod((*it)[4])});
    return out;
}

/// The y (horizontal) or x (vertical) of each <line class="rule KIND">, with its data-value.
std::vector<std::pair<double, double>> rules(const std::string& svg, const std::string& kind) {
    std::vector<std::pair<double, double>> out;
    const std::regex re("<line class=\"rule " + kind + R"re(" data-value="([-0-9.e+]+)" x1="([-0-9.]+)" x2="([-0-9.]+)" y1="([-0-9.]+)" y2="([-0-9.]+)")re");
    for (auto it = std::sregex_iterator(svg.begin(), svg.end(), re); it != std::sregex_iterator(); ++it) {
        const bool vertical = (*it)[2] == (*it)[3];
        out.emplace_back(std::stod((*it)[1]), std::stod(vertical ? (*it)[2] : (*it)[4]));
    }
    return out;
}

double load_of(const std::string& text) { return std::stod(text.substr(0, text.find('/'))); }

} // namespace

BOOST_AUTO_TEST_SUITE(html_sweep_tests)

BOOST_AUTO_TEST_CASE(sweep_rows_come_in_verdict_order_then_index) {
    // One axis; verdicts by index: fail, pass, error, mixed, pass.
    ojson pts = ojson::array();
    pts.push_back(point_of(0, {{"/server/workers", 2}}, "fail", 9.0, 0.5, 0, 3));
    pts.push_back(point_of(1, {{"/server/workers", 4}}, "pass", 0.4, 0.1, 3, 3));
    pts.push_back(point_of(2, {{"/server/workers", 6}}, "error", std::nullopt, std::nullopt, 0, 3));
    pts.push_back(point_of(3, {{"/server/workers", 8}}, "mixed", 1.9, 0.3, 1, 3, 0.4));
    pts.push_back(point_of(4, {{"/server/workers", 10}}, "pass", 0.3, std::nullopt, 3, 3));
    const auto j = sweep_doc(pts, ojson::array({{{"pointer", "/server/workers"}, {"spec", "2..10:2"}, {"how", "grid"}, {"values", {2, 4, 6, 8, 10}}}}));
    const std::string page = sim::html_sweep(j);
    BOOST_TEST(page.rfind("<!DOCTYPE html>", 0) == 0U);
    BOOST_TEST(page.find("<script") == std::string::npos);
    BOOST_TEST(page.find("http") == std::string::npos);  // nothing fetched
    std::vector<std::pair<std::string, int>> rows;
    const std::regex re(R"re(<tr class="point (\w+)" data-index="(\d+)">)re");
    for (auto it = std::sregex_iterator(page.begin(), page.end(), re); it != std::sregex_iterator(); ++it) rows.emplace_back((*it)[1], std::stoi((*it)[2]));
    const std::vector<std::pair<std::string, int>> expected{{"pass", 1}, {"pass", 4}, {"mixed", 3}, {"fail", 0}, {"error", 2}};
    BOOST_TEST((rows == expected));
    // The mixed point's p99 holds in 40 % of its seeds: marked; the passing ones are not.
    const auto row3 = page.substr(page.find("data-index=\"3\">"), page.find("</tr>", page.find("data-index=\"3\">")) - page.find("data-index=\"3\">"));
    BOOST_TEST(row3.find("40.00 %") != std::string::npos);
    BOOST_TEST(row3.find("1.90 s \u00b1 300 ms") != std::string::npos);
    const auto row1 = page.substr(page.find("data-index=\"1\">"), page.find("</tr>", page.find("data-index=\"1\">")) - page.find("data-index=\"1\">"));
    BOOST_TEST(row1.find("class=\"rate\"") == std::string::npos);
    // The chart: a marker per point with the metric (not the error point), in axis order, the limit.
    const auto svg = figure(page, "metric");
    BOOST_REQUIRE(!svg.empty());
    const auto ms = markers(svg);
    BOOST_REQUIRE(ms.size() == 4U);
    for (std::size_t k = 1; k < ms.size(); ++k) BOOST_TEST(ms[k].x > ms[k - 1].x);
    BOOST_TEST(ms[0].index == 0);
    BOOST_TEST(ms[0].verdict == "fail");
    BOOST_TEST(rules(svg, "limit").size() == 1U);
    BOOST_TEST(rules(svg, "limit")[0].first == 2.0);
}

BOOST_AUTO_TEST_CASE(a_two_axis_sweep_has_a_line_per_value_of_the_second_axis) {
    ojson pts = ojson::array();
    int i = 0;
    for (const int w : {16, 8})  // the first axis out of order: x still follows the value
        for (const char* rate : {"100/s", "200/s", "300/s"})
            pts.push_back(point_of(i++, {{"/server/workers", w}, {"/load/0/rate", rate}}, "pass", 0.1 * w + load_of(rate) / 100, 0.05, 3, 3));
    const auto j = sweep_doc(pts, ojson::array({{{"pointer", "/server/workers"}, {"spec", "16,8"}, {"how", "grid"}},
                                                {{"pointer", "/load/0/rate"}, {"spec", "100/s..300/s:100/s"}, {"how", "grid"}}}));
    const std::string page = sim::html_sweep(j);
    const auto svg = figure(page, "metric");
    BOOST_REQUIRE(!svg.empty());
    BOOST_TEST(count(svg, "<polyline class=\"line\"") == 3U);
    BOOST_TEST(page.find("/load/0/rate = 200/s") != std::string::npos);  // the legend
    const auto ms = markers(svg);
    BOOST_REQUIRE(ms.size() == 6U);
    std::map<int, double> x;
    for (const auto& m : ms) x[m.index] = m.x;
    for (int k = 0; k < 3; ++k) BOOST_TEST(x[k] > x[k + 3]);  // 16 workers right of 8
    // Error bars: one per point (ci95 > 0).
    BOOST_TEST(count(svg, "<path class=\"ci\"") == 6U);
}

BOOST_AUTO_TEST_CASE(limits_parse_from_the_expressions_and_values_read_as_written) {
    namespace d = sim::sweep_page_detail;
    BOOST_TEST(d::limit_of("< 2s").value_or(-1) == 2.0);
    BOOST_TEST(d::limit_of("<= 250ms").value_or(-1) == 0.25);
    BOOST_TEST(d::limit_of(">= 0.95").value_or(-1) == 0.95);
    BOOST_TEST(d::limit_of(">= 95%").value_or(-1) == 0.95);
    BOOST_TEST(d::limit_of("> 100/s").value_or(-1) == 100.0);
    BOOST_TEST(d::limit_of("< 1.5KB").value_or(-1) == 1500.0);
    BOOST_TEST(!d::limit_of("< fast").has_value());
    BOOST_TEST(!d::limit_of("2s").has_value());
    BOOST_TEST(!d::limit_of("").has_value());
    // Values as written, but float noise from a bisection's midpoint shortened.
    BOOST_TEST(d::value_text(ojson("348.90000000000003/s")) == "348.9/s");
    BOOST_TEST(d::value_text(ojson(0.30000000000000004)) == "0.3");
    BOOST_TEST(d::value_text(ojson("100/s")) == "100/s");
    BOOST_TEST(d::value_text(ojson("0.1234567/s")) == "0.1234567/s");
    BOOST_TEST(d::value_text(ojson("12ms")) == "12ms");
    BOOST_TEST(d::value_text(ojson(16)) == "16");
    BOOST_TEST(d::value_text(ojson(nullptr)) == "\u2014");
    // No line for a limit that does not parse; the chart is still drawn.
    ojson pts = ojson::array({point_of(0, {{"/server/workers", 2}}, "pass", 0.4, 0.1, 3, 3), point_of(1, {{"/server/workers", 4}}, "pass", 0.3, 0.1, 3, 3)});
    auto j = sweep_doc(pts, ojson::array({{{"pointer", "/server/workers"}, {"spec", "2,4"}, {"how", "grid"}}}));
    j["thresholds"][0]["expression"] = "< soon";
    const auto svg = figure(sim::html_sweep(j), "metric");
    BOOST_TEST(markers(svg).size() == 2U);
    BOOST_TEST(rules(svg, "limit").empty());
}

BOOST_AUTO_TEST_CASE(the_max_load_chart_has_a_marker_per_probe_in_load_order_the_slo_and_the_knee) {
    const auto j = max_load_doc();
    const std::string page = sim::html_sweep(j);
    BOOST_TEST(page.find("<strong>68/s</strong>") != std::string::npos);
    BOOST_TEST(page.find("80/s fails") != std::string::npos);
    BOOST_TEST(page.find("<strong>57/s</strong>") != std::string::npos);  // the knee
    const auto svg = figure(page, "load");
    BOOST_REQUIRE(!svg.empty());
    const auto ms = markers(svg);
    BOOST_REQUIRE(ms.size() == j["probes"].size());
    std::map<double, marker> by_load;
    for (const auto& m : ms) {
        const auto& probe = j["probes"][static_cast<std::size_t>(m.index)];
        BOOST_TEST(m.verdict == probe["verdict"].get<std::string>());
        by_load[load_of(probe["values"]["/load/0/rate"].get<std::string>())] = m;
    }
    BOOST_REQUIRE(by_load.size() == ms.size());  // each probe once
    for (auto it = std::next(by_load.begin()); it != by_load.end(); ++it) BOOST_TEST(it->second.x > std::prev(it)->second.x);
    // A log axis: 10 -> 20 -> 40 -> 80 are equal steps.
    const double step = by_load[20].x - by_load[10].x;
    BOOST_TEST(step > 10);
    BOOST_TEST(std::fabs((by_load[40].x - by_load[20].x) - step) < 0.25);
    BOOST_TEST(std::fabs((by_load[80].x - by_load[40].x) - step) < 0.25);
    BOOST_TEST(page.find("(log scale)") != std::string::npos);
    // The SLO at 2 s: at the y of the probe whose p99 is 2 s; higher latency is higher up.
    const auto slo = rules(svg, "limit");
    BOOST_REQUIRE(slo.size() == 1U);
    BOOST_TEST(slo[0].first == 2.0);
    BOOST_TEST(slo[0].second == by_load[80].y);
    BOOST_TEST(by_load[80].y < by_load[10].y);
    // The knee at 57/s; its limit 2 x 0.3 s at the y of the 40/s probe (0.6 s).
    const auto knee = rules(svg, "knee");
    BOOST_REQUIRE(knee.size() == 1U);
    BOOST_TEST(knee[0].second == by_load[57].x);
    const auto knee_limit = rules(svg, "knee-limit");
    BOOST_REQUIRE(knee_limit.size() == 1U);
    BOOST_TEST(knee_limit[0].second == by_load[40].y);
    // The zoom around the answer: the probes within answer / 1.25 .. neighbour x 1.25.
    BOOST_TEST(markers(figure(page, "load-zoom")).size() == 3U);
    // The probes table in visit order.
    std::vector<int> order;
    const std::regex re(R"re(<tr class="point \w+" data-index="(\d+)">)re");
    for (auto it = std::sregex_iterator(page.begin(), page.end(), re); it != std::sregex_iterator(); ++it) order.push_back(std::stoi((*it)[1]));
    BOOST_TEST((order == std::vector<int>{0, 1, 2, 3, 4, 5}));
}

BOOST_AUTO_TEST_CASE(no_knee_line_without_a_knee_load) {
    auto j = max_load_doc();
    j["knee"]["load"] = nullptr;
    const auto svg = figure(sim::html_sweep(j), "load");
    BOOST_REQUIRE(!svg.empty());
    BOOST_TEST(rules(svg, "knee").empty());
    BOOST_TEST(rules(svg, "knee-limit").size() == 1U);
    BOOST_TEST(sim::html_sweep(j).find("No knee in the range") != std::string::npos);
    // Without the threshold on p99, no SLO line either.
    j["thresholds"] = ojson::array({{{"metric", success_name}, {"expression", ">= 0.95"}}});
    BOOST_TEST(rules(figure(sim::html_sweep(j), "load"), "limit").empty());
    BOOST_TEST(markers(figure(sim::html_sweep(j), "load")).size() == j["probes"].size());
}

BOOST_AUTO_TEST_CASE(a_minimize_page_has_the_answer_and_a_chart_against_the_value) {
    ojson j;
    j["plan_schema_version"] = 1;
    j["scenario"] = {{"name", "db-slowdown"}};
    j["mode"] = "minimize";
    j["pointer"] = "/server/workers";
    j["range"] = {1, 64};
    j["seeds"] = {1, 2};
    j["thresholds"] = ojson::array({{{"metric", p99_name}, {"expression", "< 2s"}}});
    j["answer"] = 5;
    j["failing_neighbour"] = 4;
    j["warnings"] = {"/server/workers is not monotone on the probes"};
    j["completed"] = true;
    j["probes"] = ojson::array();
    int i = 0;
    for (const auto& [w, v] : std::vector<std::pair<int, const char*>>{{1, "fail"}, {2, "fail"}, {4, "fail"}, {8, "pass"}, {6, "pass"}, {5, "pass"}})
        j["probes"].push_back(point_of(i++, {{"/server/workers", w}}, v, 10.0 / w, 0.1, v == std::string("pass") ? 2 : 0, 2));
    const std::string page = sim::html_sweep(j);
    BOOST_TEST(page.find("<strong>5</strong>") != std::string::npos);
    BOOST_TEST(page.find("4 fails") != std::string::npos);
    BOOST_TEST(page.find("<li>/server/workers is not monotone on the probes</li>") != std::string::npos);
    const auto svg = figure(page, "metric");
    const auto ms = markers(svg);
    BOOST_REQUIRE(ms.size() == 6U);
    const std::vector<int> by_value{0, 1, 2, 5, 4, 3};  // probes sorted by workers: 1, 2, 4, 5, 6, 8
    for (std::size_t k = 0; k < ms.size(); ++k) BOOST_TEST(ms[k].index == by_value[k]);
    for (std::size_t k = 1; k < ms.size(); ++k) BOOST_TEST(ms[k].x > ms[k - 1].x);
    BOOST_TEST(rules(svg, "limit").size() == 1U);
    BOOST_TEST(rules(svg, "answer").size() == 1U);
    BOOST_TEST(rules(svg, "answer")[0].second == ms[3].x);  // at the probe of 5 workers
    BOOST_TEST(figure(page, "load").empty());
}

BOOST_AUTO_TEST_CASE(text_from_the_json_is_escaped) {
    auto j = max_load_doc();
    j["scenario"]["name"] = "<script>alert(1)</script>";
    j["scenario"]["overrides"] = {"/x=\"<img src=x>\""};
    j["warnings"] = {"<script>bad()</script> & more"};
    j["probes"][0]["runs"][0]["error"] = "<b onclick=x>";
    const std::string plan = sim::html_sweep(j);
    BOOST_TEST(plan.find("<script") == std::string::npos);
    BOOST_TEST(plan.find("<img") == std::string::npos);
    BOOST_TEST(plan.find("<b onclick") == std::string::npos);
    BOOST_TEST(plan.find("surge plan \u2014 &lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
    BOOST_TEST(plan.find("&lt;script&gt;bad()&lt;/script&gt; &amp; more") != std::string::npos);

    ojson pts = ojson::array({point_of(0, {{"/a<script>", "<script>"}}, "<script>", 0.4, 0.1, 3, 3)});
    auto s = sweep_doc(pts, ojson::array({{{"pointer", "/a<script>"}, {"spec", "<script>"}, {"how", "grid"}, {"values", {"<script>"}}}}));
    s["scenario"]["name"] = "<script>alert(2)</script>";
    const std::string sweep = sim::html_sweep(s);
    BOOST_TEST(sweep.find("<script") == std::string::npos);
    BOOST_TEST(sweep.find("&lt;script&gt;alert(2)&lt;/script&gt;") != std::string::npos);
    BOOST_TEST(sweep.find("<tr class=\"point unknown\"") != std::string::npos);  // a verdict never becomes a class name
}

BOOST_AUTO_TEST_CASE(the_same_json_gives_the_same_bytes) {
    const auto j = max_load_doc();
    BOOST_TEST(sim::html_sweep(j) == sim::html_sweep(ojson::parse(j.dump())));
    ojson pts = ojson::array({point_of(0, {{"/server/workers", 2}}, "pass", 0.4, 0.1, 3, 3), point_of(1, {{"/server/workers", 4}}, "fail", 3.0, 0.1, 0, 3)});
    auto a = sweep_doc(pts, ojson::array({{{"pointer", "/server/workers"}, {"spec", "2,4"}, {"how", "grid"}}}));
    const std::string page = sim::html_sweep(a);
    BOOST_TEST(sim::html_sweep(a) == page);
    // The wall clock differs between equal sweeps; the page does not.
    a["wall"]["seconds"] = 99.0;
    BOOST_TEST(sim::html_sweep(a) == page);
    // But the data does show: another mean, another page.
    a["points"][0]["metrics"][p99_name]["mean"] = 0.5;
    BOOST_TEST(sim::html_sweep(a) != page);
}

BOOST_AUTO_TEST_CASE(an_odd_document_still_gives_a_page) {
    const auto ok = [](const ojson& j) {
        std::string page;
        BOOST_CHECK_NO_THROW(page = sim::html_sweep(j));
        BOOST_TEST(page.rfind("<!DOCTYPE html>", 0) == 0U);
        BOOST_TEST(page.ends_with("</html>\n"));
        BOOST_TEST(page.find("nan") == std::string::npos);
        return page;
    };
    ok(ojson::object());
    ok(ojson(nullptr));
    ok(ojson::array({1, 2}));
    ok(ojson(42));
    ok({{"sweep_schema_version", 1}, {"points", "many"}, {"axes", 3}, {"thresholds", {{{"metric", 5}}}}, {"summary", {{"points", "x"}}}});
    ok({{"sweep_schema_version", 1}, {"points", {1, "x", nullptr, {{"values", 3}, {"verdict", 7}}}}});
    // A plan with no probes and nothing found.
    ojson plan = {{"plan_schema_version", 1}, {"mode", "max_load"}, {"pointer", "/load/0/rate"}, {"answer", nullptr}, {"failing_neighbour", nullptr},
                  {"knee", {{"factor", 2.0}, {"base_p99", nullptr}, {"load", nullptr}, {"below", nullptr}}}, {"probes", ojson::array()},
                  {"completed", false}, {"interrupted", "SIGINT"}};
    const std::string page = ok(plan);
    BOOST_TEST(page.find("No load in the range passes") != std::string::npos);
    BOOST_TEST(page.find("interrupted by SIGINT") != std::string::npos);
    BOOST_TEST(page.find("No probes.") != std::string::npos);
    // Probes without metrics, with odd values: no chart, no crash.
    plan["probes"] = ojson::array({{{"index", 0}, {"values", {{"/load/0/rate", "fast"}}}, {"verdict", "error"}},
                                   {{"index", 1}, {"values", {{"/load/0/rate", "10/s"}}}, {"verdict", "error"}, {"metrics", {{p99_name, {{"mean", nullptr}}}}}},
                                   {{"index", 2}}});
    const std::string odd = ok(plan);
    BOOST_TEST(figure(odd, "load").empty());
    BOOST_TEST(count(odd, "<tr class=\"point error\"") == 2U);
    plan["mode"] = "minimize";
    plan["probes"].push_back(point_of(3, {{"/load/0/rate", "20/s"}}, "pass", 0.2, std::nullopt, 1, 1));
    plan["thresholds"] = ojson::array({{{"metric", p99_name}, {"expression", "< 2s"}}});
    BOOST_TEST(markers(figure(ok(plan), "metric")).size() == 1U);  // one probe measured it
}

BOOST_AUTO_TEST_SUITE_END()
