// sim/diff.hpp, sim/metric_direction.hpp and sim/golden.hpp: the regression verdict of one metric
// (direction, tolerance, zero, null, missing, ignored), glob patterns, whole reports (single and
// suite, thresholds that tip, runs that stop), bad reports, the catalogue's directions before the
// rules on name parts, and the differences between two golden records.
#include <sim/diff.hpp>
#include <sim/golden.hpp>

#include <boost/test/unit_test.hpp>

#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace sim = surge::sim;
using ojson = nlohmann::ordered_json;
using sim::change_verdict;

namespace {

change_verdict verdict(const std::string& metric, std::optional<double> old_value, std::optional<double> new_value,
                       const sim::diff_options& opt = {}) {
    return sim::compare_metric("", metric, old_value, new_value, opt).verdict;
}

/// A minimal single-run report with the given flat metrics.
ojson report(const std::string& name, const std::vector<std::pair<std::string, ojson>>& metrics,
             ojson thresholds = ojson::array(), bool completed = true, const std::string& hash = "00000000000000aa") {
    ojson r = ojson::object();
    r["schema_version"] = 1;
    r["surge_version"] = "0.1.0";
    r["mode"] = "sim";
    r["scenario"] = {{"name", name}};
    r["trace_hash"] = hash;
    r["completed"] = completed;
    ojson m = ojson::object();
    ojson u = ojson::object();
    for (const auto& [k, v] : metrics) {
        m[k] = v;  // flat keys at the top of "metrics" read the same as nested ones
        u[k] = "count";
    }
    r["metrics"] = m;
    r["units"] = u;
    r["thresholds"] = std::move(thresholds);
    return r;
}

ojson suite(std::vector<ojson> tests) {
    ojson r = ojson::object();
    r["schema_version"] = 1;
    r["mode"] = "suite";
    r["tests"] = std::move(tests);
    return r;
}

sim::loaded_report loaded(ojson doc, const std::string& file = "r.json") { return sim::check_report(std::move(doc), file); }

ojson threshold(const std::string& metric, const std::string& expression, bool pass) {
    return {{"metric", metric}, {"expression", expression}, {"measured", 1.0}, {"verdict", pass ? "pass" : "fail"}};
}

} // namespace

BOOST_AUTO_TEST_SUITE(diff_tests)

// A catalogue name takes the catalogue's direction, even where the rules on name parts would say
// otherwise (they know nothing of peaks, pending or accepted); other names take the rules'.
BOOST_AUTO_TEST_CASE(catalogue_directions_come_before_the_name_rules) {
    using D = sim::metric_direction;
    BOOST_TEST(sim::metric_direction_known("connections.peak"));
    BOOST_TEST(!sim::metric_direction_known("live.frames.throughput"));
    BOOST_TEST((sim::direction_of("connections.peak") == D::higher));
    BOOST_TEST((sim::direction_of("delivery.pending") == D::lower));
    BOOST_TEST((sim::direction_of("notifications.accepted") == D::higher));
    BOOST_TEST((sim::direction_of("x.connections.peak") == D::neutral));
    BOOST_TEST((sim::direction_of("x.delivery.pending") == D::neutral));
    BOOST_TEST((sim::direction_of("notifications.throughput") == D::higher));
    BOOST_TEST((sim::direction_of("delivery.success_rate") == D::higher));
    BOOST_TEST((sim::direction_of("memory.recovered_fraction") == D::higher));
    BOOST_TEST((sim::direction_of("delivery.latency.p99") == D::lower));
    BOOST_TEST((sim::direction_of("memory.bytes_per_notification") == D::lower));
    BOOST_TEST((sim::direction_of("offline_queue.length.max") == D::lower));
    BOOST_TEST((sim::direction_of("database.failures") == D::lower));
    BOOST_TEST((sim::direction_of("notifications.published") == D::neutral));
    BOOST_TEST((sim::direction_of("connections.attempts") == D::neutral));
}

BOOST_AUTO_TEST_CASE(direction_of_names_outside_the_catalogue) {
    using D = sim::metric_direction;
    BOOST_TEST((sim::direction_of("live.delivery.latency.p95") == D::lower));
    BOOST_TEST((sim::direction_of("live.frames.throughput") == D::higher));
    BOOST_TEST((sim::direction_of("live.socket.errors") == D::lower));
    BOOST_TEST((sim::direction_of("live.heap.peak_bytes") == D::lower));
    BOOST_TEST((sim::direction_of("live.frames.sent") == D::neutral));
    BOOST_TEST((sim::direction_of("timeline") == D::neutral));  // "time" is a whole part, not a prefix
}

BOOST_AUTO_TEST_CASE(lower_is_better) {
    const std::string m = "delivery.latency.p99";
    BOOST_TEST((verdict(m, 0.2, 0.2) == change_verdict::same));
    BOOST_TEST((verdict(m, 0.2, 0.1) == change_verdict::better));
    BOOST_TEST((verdict(m, 0.2, 0.209) == change_verdict::worse));       // +4.5 %
    BOOST_TEST((verdict(m, 100.0, 105.0) == change_verdict::worse));     // exactly 5 %: not beyond
    BOOST_TEST((verdict(m, 100.0, 105.001) == change_verdict::regressed));
    BOOST_TEST((verdict(m, 0.2, 0.24) == change_verdict::regressed));    // +20 %
}

BOOST_AUTO_TEST_CASE(higher_is_better) {
    const std::string m = "notifications.throughput";
    BOOST_TEST((verdict(m, 200.0, 250.0) == change_verdict::better));
    BOOST_TEST((verdict(m, 200.0, 195.0) == change_verdict::worse));     // -2.5 %
    BOOST_TEST((verdict(m, 200.0, 189.0) == change_verdict::regressed)); // -5.5 %
    sim::diff_options strict;
    strict.tolerance = 0;
    BOOST_TEST((verdict(m, 200.0, 199.9, strict) == change_verdict::regressed));
    BOOST_TEST((verdict(m, 200.0, 200.0, strict) == change_verdict::same));
}

BOOST_AUTO_TEST_CASE(neutral_metrics_change_but_never_regress) {
    BOOST_TEST((verdict("notifications.published", 1000.0, 2000.0) == change_verdict::changed));
    BOOST_TEST((verdict("notifications.published", 1000.0, 10.0) == change_verdict::changed));
    BOOST_TEST((verdict("notifications.published", 1000.0, 1000.0) == change_verdict::same));
}

BOOST_AUTO_TEST_CASE(from_zero) {
    const auto c = sim::compare_metric("", "delivery.lost", 0.0, 3.0, {});
    BOOST_TEST((c.verdict == change_verdict::regressed));
    BOOST_TEST(std::isinf(c.relative));
    BOOST_TEST(c.absolute == 3.0);
    BOOST_TEST((verdict("delivery.lost", 0.0, 0.0) == change_verdict::same));
    BOOST_TEST((verdict("delivery.lost", 3.0, 0.0) == change_verdict::better));
    BOOST_TEST((verdict("delivery.delivered", 0.0, 5.0) == change_verdict::better));
}

BOOST_AUTO_TEST_CASE(relative_and_absolute_change) {
    const auto c = sim::compare_metric("", "delivery.latency.p99", 0.25, 0.2, {});
    BOOST_TEST(c.absolute == 0.2 - 0.25);
    BOOST_TEST(c.relative == (0.2 - 0.25) / 0.25);
    const auto n = sim::compare_metric("", "x.success_rate", -2.0, -1.0, {});  // relative to |old|
    BOOST_TEST(n.relative == 0.5);
}

BOOST_AUTO_TEST_CASE(null_missing_new_and_ignored) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    BOOST_TEST((verdict("delivery.latency.p99", 0.2, nan) == change_verdict::regressed));
    BOOST_TEST((verdict("delivery.latency.p99", nan, 0.2) == change_verdict::better));
    BOOST_TEST((verdict("delivery.latency.p99", nan, nan) == change_verdict::same));
    BOOST_TEST((verdict("notifications.published", 5.0, nan) == change_verdict::changed));
    BOOST_TEST((verdict("delivery.latency.p99", 0.2, std::nullopt) == change_verdict::missing));
    BOOST_TEST((verdict("delivery.latency.p99", std::nullopt, 0.2) == change_verdict::added));
    sim::diff_options opt;
    opt.ignored = {"delivery.latency.*"};
    BOOST_TEST((verdict("delivery.latency.p99", 0.2, 0.4, opt) == change_verdict::ignored));
    BOOST_TEST((verdict("delivery.latency.p99", 0.2, std::nullopt, opt) == change_verdict::ignored));
    BOOST_TEST((verdict("operations.latency.p99", 0.2, 0.4, opt) == change_verdict::regressed));
}

BOOST_AUTO_TEST_CASE(per_metric_tolerance_last_match_wins) {
    sim::diff_options opt;
    opt.tolerance = 0.05;
    opt.metric_tolerances = {{"delivery.*", 0.5}, {"delivery.latency.max", 0.1}};
    BOOST_TEST(sim::compare_metric("", "delivery.latency.p99", 1.0, 1.4, opt).tolerance == 0.5);
    BOOST_TEST((verdict("delivery.latency.p99", 1.0, 1.4, opt) == change_verdict::worse));
    BOOST_TEST((verdict("delivery.latency.max", 1.0, 1.2, opt) == change_verdict::regressed));
    BOOST_TEST((verdict("operations.latency.p99", 1.0, 1.06, opt) == change_verdict::regressed));
    // TEST:METRIC patterns only match in that test.
    opt.metric_tolerances = {{"memory/*:memory.peak_bytes", 1.0}};
    BOOST_TEST((sim::compare_metric("memory/reclamation", "memory.peak_bytes", 1.0, 1.5, opt).verdict ==
                change_verdict::worse));
    BOOST_TEST((sim::compare_metric("websocket/broadcast", "memory.peak_bytes", 1.0, 1.5, opt).verdict ==
                change_verdict::regressed));
}

BOOST_AUTO_TEST_CASE(glob) {
    using sim::diff_detail::glob_match;
    BOOST_TEST(glob_match("a.b", "a.b"));
    BOOST_TEST(!glob_match("a.b", "a.bc"));
    BOOST_TEST(glob_match("a.*", "a.b.c"));
    BOOST_TEST(glob_match("*.p99", "delivery.latency.p99"));
    BOOST_TEST(!glob_match("*.p99", "delivery.latency.p999"));
    BOOST_TEST(glob_match("*latency*", "delivery.latency.p99"));
    BOOST_TEST(glob_match("*", ""));
    BOOST_TEST(!glob_match("", "x"));
}

BOOST_AUTO_TEST_CASE(single_reports) {
    const auto old_r = loaded(report("demo", {{"delivery.latency.p99", 0.2}, {"notifications.published", 100.0},
                                              {"delivery.lost", 0.0}}));
    const auto new_r = loaded(report("demo", {{"delivery.latency.p99", 0.3}, {"notifications.published", 200.0},
                                              {"connections.peak", 5.0}}, ojson::array(), true, "00000000000000bb"));
    const auto d = sim::compare_reports(old_r, new_r, {});
    BOOST_TEST(!d.suite);
    BOOST_REQUIRE_EQUAL(d.runs.size(), 1U);
    const auto& r = d.runs[0];
    BOOST_TEST(r.name == "demo");
    BOOST_TEST(r.old_hash == "00000000000000aa");
    BOOST_TEST(r.new_hash == "00000000000000bb");
    BOOST_REQUIRE_EQUAL(r.metrics.size(), 4U);
    BOOST_TEST((r.metrics[0].verdict == change_verdict::regressed));
    BOOST_TEST((r.metrics[1].verdict == change_verdict::changed));
    BOOST_TEST((r.metrics[2].verdict == change_verdict::missing));
    BOOST_TEST(r.metrics[3].metric == "connections.peak");
    BOOST_TEST((r.metrics[3].verdict == change_verdict::added));
    BOOST_REQUIRE_EQUAL(d.regression_count(), 2U);
    BOOST_TEST(r.regressions[0] == "delivery.latency.p99 +50% (0.2 -> 0.3; tolerance 5%)");
    BOOST_TEST(r.regressions[1] == "delivery.lost is missing from the new report");
}

BOOST_AUTO_TEST_CASE(nested_metrics_are_flattened) {
    ojson r = report("demo", {});
    r["metrics"] = {{"delivery", {{"latency", {{"p99", 0.2}}}, {"lost", nullptr}}}};
    const auto d = sim::compare_reports(loaded(r), loaded(r), {});
    BOOST_REQUIRE_EQUAL(d.runs[0].metrics.size(), 2U);
    BOOST_TEST(d.runs[0].metrics[0].metric == "delivery.latency.p99");
    BOOST_TEST(d.runs[0].metrics[1].metric == "delivery.lost");
    BOOST_TEST((d.runs[0].metrics[1].verdict == change_verdict::same));  // null and null
    BOOST_TEST(d.regression_count() == 0U);
}

BOOST_AUTO_TEST_CASE(a_threshold_that_tips_and_a_run_that_stops_regress) {
    const ojson pass = ojson::array({threshold("delivery.latency.p99", "< 230ms", true)});
    const ojson fail = ojson::array({threshold("delivery.latency.p99", "< 230ms", false)});
    const auto old_r = loaded(report("demo", {{"delivery.latency.p99", 0.229}}, pass));
    const auto new_r = loaded(report("demo", {{"delivery.latency.p99", 0.231}}, fail, false));
    const auto d = sim::compare_reports(old_r, new_r, {});
    // +0.87 %: within the tolerance, but the threshold now fails and the run stopped.
    BOOST_TEST((d.runs[0].metrics[0].verdict == change_verdict::worse));
    BOOST_REQUIRE_EQUAL(d.regression_count(), 2U);
    BOOST_TEST(d.runs[0].regressions[0] == "the run stopped on an error");
    BOOST_TEST(d.runs[0].regressions[1] == "threshold delivery.latency.p99 < 230ms passed before and fails now");
    sim::diff_options opt;
    opt.ignored = {"delivery.latency.p99"};
    BOOST_TEST(sim::compare_reports(old_r, new_r, opt).regression_count() == 1U);
    // A threshold that failed before and still fails is no new regression.
    BOOST_TEST(sim::compare_reports(loaded(report("demo", {}, fail)), loaded(report("demo", {}, fail)), {})
                   .regression_count() == 0U);
}

BOOST_AUTO_TEST_CASE(suite_reports_test_by_test) {
    const auto a = report("s/a", {{"delivery.lost", 0.0}});
    const auto b = report("s/b", {{"delivery.lost", 0.0}});
    const auto b2 = report("s/b", {{"delivery.lost", 2.0}});
    const auto c = report("s/c", {{"delivery.lost", 0.0}});
    const auto d = sim::compare_reports(loaded(suite({a, b})), loaded(suite({c, b2})), {});
    BOOST_TEST(d.suite);
    BOOST_REQUIRE_EQUAL(d.runs.size(), 3U);
    BOOST_TEST(d.runs[0].name == "s/a");
    BOOST_TEST(!d.runs[0].in_new);
    BOOST_TEST(d.runs[1].name == "s/b");
    BOOST_TEST((d.runs[1].metrics[0].verdict == change_verdict::regressed));
    BOOST_TEST(d.runs[2].name == "s/c");
    BOOST_TEST(!d.runs[2].in_old);
    BOOST_REQUIRE_EQUAL(d.regression_count(), 2U);
    BOOST_TEST(d.runs[0].regressions[0] == "s/a: the test is missing from the new report");
    BOOST_TEST(d.runs[1].regressions[0] == "s/b: delivery.lost 0 -> 2");
    const std::string text = sim::diff_text(d);
    BOOST_TEST(text.find("test s/a: only in the old report\n") != std::string::npos);
    BOOST_TEST(text.find("test s/c: only in the new report (new test)\n") != std::string::npos);
    BOOST_TEST(text.ends_with("diff: 2 regressions\n  s/a: the test is missing from the new report\n"
                              "  s/b: delivery.lost 0 -> 2\n"));
}

namespace {

/// The what-if of issue 13: the same scenario with /server/workers 8 -> 20. Both thresholds failed
/// and now pass; database.connections.max rises 150 % (a regression); the queue wait falls.
std::pair<sim::loaded_report, sim::loaded_report> workers_8_and_20() {
    const auto make = [](int workers, bool pass, double connections, double wait, double published) {
        ojson r = report("what-if", {{"database.connections.max", connections}, {"server.queue.wait.p99", wait},
                                     {"notifications.published", published}, {"delivery.lost", 0.0}},
                         ojson::array({{{"metric", "server.queue.wait.p99"}, {"expression", "< 1s"}, {"measured", wait},
                                        {"verdict", pass ? "pass" : "fail"}},
                                       {{"metric", "delivery.lost"}, {"expression", "== 0"}, {"measured", 0.0},
                                        {"verdict", "pass"}}}));
        r["scenario"]["document"] = {{"name", "what-if"}, {"server", {{"workers", workers}, {"queue", 1000}}}};
        r["scenario"]["overrides"] = workers == 8 ? ojson::array() : ojson::array({"/server/workers=20"});
        r["seed"] = 1;
        r["units"]["server.queue.wait.p99"] = "s";
        return r;
    };
    return {loaded(make(8, false, 4, 2.5, 1000)), loaded(make(20, true, 10, 0.0125, 1010))};
}

} // namespace

// The diff leads with what changed verdict, warns that the runs are not like for like, and lists
// only the metrics that moved beyond the tolerance (published moved 1 %: listed with --changed-only).
BOOST_AUTO_TEST_CASE(thresholds_that_changed_verdict_lead_the_diff) {
    const auto [old_r, new_r] = workers_8_and_20();
    const auto d = sim::compare_reports(old_r, new_r, {});
    BOOST_REQUIRE_EQUAL(d.runs.size(), 1U);
    const auto& r = d.runs[0];
    BOOST_REQUIRE_EQUAL(r.threshold_changes.size(), 1U);
    BOOST_TEST(r.threshold_changes[0].threshold == "server.queue.wait.p99 < 1s");
    BOOST_TEST(!r.threshold_changes[0].old_pass);
    BOOST_TEST(r.threshold_changes[0].new_pass);
    BOOST_REQUIRE_EQUAL(r.warnings.size(), 2U);
    BOOST_TEST(r.warnings[0] == "the scenarios differ (documents after overrides): /server/workers 8 -> 20");
    BOOST_TEST(r.warnings[1] == "different overrides: OLD none, NEW --set /server/workers=20");
    const std::string text = sim::diff_text(d);
    BOOST_TEST_MESSAGE(text);
    BOOST_TEST(text ==
               "scenario what-if\n"
               "  warning: the scenarios differ (documents after overrides): /server/workers 8 -> 20\n"
               "  warning: different overrides: OLD none, NEW --set /server/workers=20\n"
               "  thresholds that changed verdict:\n"
               "    FAIL -> PASS  server.queue.wait.p99 < 1s  (2.50 s -> 12.5 ms)\n"
               "  trace hash 00000000000000aa (unchanged)\n"
               "  metric                       old      new   change  relative  verdict\n"
               "  database.connections.max       4       10       +6    +150 %  REGRESSED\n"
               "  server.queue.wait.p99     2.50 s  12.5 ms  -2.49 s   -99.5 %  better\n"
               "  (1 other metric changed within the tolerance; --all lists every metric)\n"
               "\n"
               "thresholds that changed verdict: 1 now pass\n"
               "diff: 1 regression\n"
               "  database.connections.max +150% (4 -> 10; tolerance 5%)\n");
    const std::string changed = sim::diff_text(d, sim::diff_rows::changed);
    BOOST_TEST(changed.find("  notifications.published ") != std::string::npos);
    BOOST_TEST(changed.find("  delivery.lost ") == std::string::npos);
    const std::string all = sim::diff_text(d, sim::diff_rows::all);
    BOOST_TEST(all.find("  delivery.lost ") != std::string::npos);
    // Styled: the new verdict marked, the regression in red; nothing else differs.
    const std::string styled = sim::diff_text(d, sim::diff_rows::moved, sim::terminal_style::styled());
    BOOST_TEST(styled.find("    FAIL -> \033[32m\u2713 PASS\033[0m  server.queue.wait.p99 < 1s") != std::string::npos);
    BOOST_TEST(styled.find("\033[31mREGRESSED\033[0m\n") != std::string::npos);
    // The same reports the other way round: the threshold now fails, and that is a regression.
    const auto back = sim::compare_reports(new_r, old_r, {});
    BOOST_TEST(sim::diff_text(back).find("    PASS -> FAIL  server.queue.wait.p99 < 1s  (12.5 ms -> 2.50 s)\n") !=
               std::string::npos);
    BOOST_TEST(sim::diff_text(back).find("thresholds that changed verdict: 1 now fail\n") != std::string::npos);
}

// Like for like: the same document, overrides and seed give no warning; a different name, seed
// or mode does.
BOOST_AUTO_TEST_CASE(warnings_name_what_differs_between_the_runs) {
    const auto [old_r, new_r] = workers_8_and_20();
    BOOST_TEST(sim::compare_reports(old_r, old_r, {}).runs[0].warnings.empty());
    BOOST_TEST(sim::compare_reports(old_r, old_r, {}).runs[0].threshold_changes.empty());
    ojson other = old_r.document;
    other["scenario"]["name"] = "other";
    other["seed"] = 2;
    other["mode"] = "live";
    const auto w = sim::compare_reports(old_r, loaded(other), {}).runs[0].warnings;
    BOOST_REQUIRE_EQUAL(w.size(), 3U);
    BOOST_TEST(w[0] == "different scenarios: OLD ran \"what-if\", NEW ran \"other\"");
    BOOST_TEST(w[1] == "different seeds: OLD 1, NEW 2");
    BOOST_TEST(w[2] == "different modes: OLD sim, NEW live");
    // Reports that record no document, overrides or seed (older ones, hand-made ones): no warning.
    BOOST_TEST(sim::compare_reports(loaded(report("a", {})), loaded(report("a", {})), {}).runs[0].warnings.empty());
}

BOOST_AUTO_TEST_CASE(bad_reports) {
    const auto message = [](const std::string& text) -> std::string {
        try {
            (void)sim::parse_report(text, "f.json");
        } catch (const sim::report_error& e) {
            return e.what();
        }
        return "no error";
    };
    BOOST_TEST(message("{").starts_with("f.json:1:2: JSON syntax error: "));
    // A number beyond a double is nlohmann's out_of_range, not a parse_error (found by fuzz_report).
    BOOST_TEST(message(R"({"schema_version": 1, "mode": "sim", "metrics": {"a": 1e999}})").starts_with("f.json:1:"));
    BOOST_TEST(message(R"({"schema_version": 1, "mode": "sim", "metrics": {"a": 1e999}})").find("1e999") != std::string::npos);
    BOOST_TEST(message("[1]") == "f.json: not a surge report (not a JSON object)");
    BOOST_TEST(message("{}") == "f.json: not a surge report (no \"schema_version\")");
    BOOST_TEST(message(R"({"schema_version": "1"})") ==
               "f.json: not a surge report (\"schema_version\" is not a positive integer)");
    BOOST_TEST(message(R"({"schema_version": 2, "mode": "sim", "metrics": {}})") ==
               "f.json: schema_version 2 is newer than this surge reads (1)");
    BOOST_TEST(message(R"({"schema_version": 1, "metrics": {}})") == "f.json: not a surge report (no \"mode\")");
    BOOST_TEST(message(R"({"schema_version": 1, "mode": "sim"})") == "f.json: not a surge report (no \"metrics\" object)");
    BOOST_TEST(message(R"({"schema_version": 1, "mode": "sim", "metrics": {"a": "x"}})") ==
               "f.json: metrics.a is not a number");
    BOOST_TEST(message(R"({"schema_version": 1, "mode": "suite"})") == "f.json: a suite report without a \"tests\" array");
    BOOST_TEST(message(R"({"schema_version": 1, "mode": "suite", "tests": [{}]})") ==
               "f.json: tests[0]: not a surge report (no \"metrics\" object)");
    BOOST_TEST(message(R"({"schema_version": 1, "mode": "sim", "metrics": {}})") == "no error");
    BOOST_CHECK_THROW(sim::compare_reports(loaded(report("a", {})), loaded(suite({})), {}), sim::report_error);
}

BOOST_AUTO_TEST_CASE(golden_differences_name_what_moved) {
    sim::run_result r;
    r.scenario = "demo";
    r.seed = 1;
    r.trace_hash = 0xabcULL;
    r.events = 10;
    r.virtual_seconds = 5;
    r.metrics.set("delivery.latency.p99", 0.1 + 0.2, "s");
    r.metrics.set("delivery.lost", 0, "count");
    r.metrics.set("simulator.peak_rss_bytes", 1e6, "B");
    const ojson g = sim::golden_json(r, "demo.json");
    BOOST_TEST(!g["metrics"].contains("simulator.peak_rss_bytes"));
    BOOST_TEST(g["trace_hash"] == "0000000000000abc");
    // The text round-trips exactly: a golden read back equals the one written.
    BOOST_TEST(sim::golden_differences(ojson::parse(sim::golden_text(g)), g).empty());
    BOOST_TEST(sim::golden_text(g).find("\"delivery.latency.p99\": 0.30000000000000004") != std::string::npos);

    sim::run_result r2 = r;
    r2.trace_hash = 0xabdULL;
    r2.metrics.set("delivery.latency.p99", 0.3, "s");
    r2.metrics.set("connections.peak", 4, "count");
    sim::run_result r3 = r2;
    r3.metrics = {};
    r3.metrics.set("delivery.latency.p99", 0.3, "s");
    r3.metrics.set("connections.peak", 4, "count");
    const auto diffs = sim::golden_differences(g, sim::golden_json(r3, "demo.json"));
    BOOST_REQUIRE_EQUAL(diffs.size(), 4U);
    BOOST_TEST(diffs[0] == "trace_hash: \"0000000000000abc\" -> \"0000000000000abd\"");
    BOOST_TEST(diffs[1] == "metric delivery.latency.p99: 0.30000000000000004 -> 0.3");
    BOOST_TEST(diffs[2] == "metric delivery.lost: 0.0 -> (gone)");
    BOOST_TEST(diffs[3] == "metric connections.peak: (none) -> 4.0");
}

BOOST_AUTO_TEST_CASE(exact_fails_on_any_difference) {
    sim::diff_options exact;
    exact.exact = true;
    const auto a = loaded(report("demo", {{"notifications.published", 100.0}, {"delivery.latency.p99", 0.2}}));
    const auto b = loaded(report("demo", {{"notifications.published", 101.0}, {"delivery.latency.p99", 0.1}}, ojson::array(),
                                 true, "00000000000000bb"));
    BOOST_TEST(sim::compare_reports(a, a, exact).regression_count() == 0U);
    const auto d = sim::compare_reports(a, b, exact);
    BOOST_REQUIRE_EQUAL(d.regression_count(), 3U);
    BOOST_TEST(d.runs[0].regressions[0] == "trace hash 00000000000000aa -> 00000000000000bb");
    BOOST_TEST(d.runs[0].regressions[1] == "notifications.published 100.0 -> 101.0 (--exact)");
    BOOST_TEST(d.runs[0].regressions[2] == "delivery.latency.p99 0.2 -> 0.1 (--exact)");
    BOOST_TEST(sim::compare_reports(a, b, {}).regression_count() == 0U);  // without --exact: changed, better
}

BOOST_AUTO_TEST_SUITE_END()
