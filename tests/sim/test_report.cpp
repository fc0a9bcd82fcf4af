// sim/report.hpp: threshold verdicts, the JSON report (key order, nesting, number formatting,
// determinism), the summary table and exit codes, on run results built by hand; the report
// against sim/report.schema.json; and sim/report_reader.hpp reading a report back.
#include "schema_check.hpp"

#include <sim/report.hpp>
#include <sim/report_reader.hpp>
#include <sim/run.hpp>

#include <boost/test/unit_test.hpp>

#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

namespace m = surge::models;
namespace sim = surge::sim;
using ojson = nlohmann::ordered_json;

namespace {

sim::threshold make_threshold(std::string metric, sim::threshold::op op, double value, std::string expression) {
    sim::threshold t;
    t.metric = std::move(metric);
    t.comparison = op;
    t.value = value;
    t.expression = std::move(expression);
    return t;
}

/// One threshold on metric "x" with the value 1, evaluated against x = `measured`.
bool holds(sim::threshold::op op, double measured) {
    m::metric_set ms;
    ms.set("x", measured, "count");
    const auto v = sim::evaluate({make_threshold("x", op, 1.0, "?")}, ms);
    BOOST_REQUIRE_EQUAL(v.size(), 1U);
    return v[0].pass;
}

sim::run_result sample_result() {
    sim::run_result r;
    r.scenario = "sample";
    r.seed = 7;
    r.trace_hash = 0x0123456789abcdefULL;
    r.virtual_seconds = 65;
    r.wall_seconds = 0.5;
    r.events = 123456;
    r.peak_rss_bytes = 10'000'000;
    r.metrics.set("notifications.published", 1200, "count");
    r.metrics.set("notifications.throughput", 20, "1/s");
    r.metrics.set("delivery.success_rate", 0.995, "ratio");
    r.metrics.set("delivery.latency.p50", 0.0125, "s");
    r.metrics.set("delivery.latency.p99", 0.25, "s");
    r.metrics.set("memory.bytes_per_connection", 49152, "B");
    r.metrics.set("simulator.peak_rss_bytes", 10'000'000, "B");
    return r;
}

sim::scenario_info sample_info() {
    sim::scenario_info info;
    info.name = "sample";
    info.file = "scenarios/sample.json";
    info.overrides = {"/server/workers=16"};
    info.document = nlohmann::json::parse(R"({"name": "sample", "duration": "60s", "server": {"workers": 16}})");
    return info;
}

std::vector<sim::threshold> sample_thresholds() {
    using op = sim::threshold::op;
    return {make_threshold("delivery.success_rate", op::ge, 0.99, ">= 0.99"),
            make_threshold("delivery.latency.p99", op::lt, 0.2, "< 200ms"),
            make_threshold("broadcast.time.p99", op::lt, 1.0, "< 1s")};
}

std::vector<std::string> keys_of(const ojson& j) {
    std::vector<std::string> out;
    for (const auto& item : j.items()) out.push_back(item.key());
    return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(report_tests)

BOOST_AUTO_TEST_CASE(every_operator_at_and_around_its_boundary) {
    using op = sim::threshold::op;
    BOOST_TEST(holds(op::lt, 0.5));
    BOOST_TEST(!holds(op::lt, 1.0));
    BOOST_TEST(!holds(op::lt, 1.5));
    BOOST_TEST(holds(op::le, 0.5));
    BOOST_TEST(holds(op::le, 1.0));
    BOOST_TEST(!holds(op::le, 1.5));
    BOOST_TEST(!holds(op::gt, 0.5));
    BOOST_TEST(!holds(op::gt, 1.0));
    BOOST_TEST(holds(op::gt, 1.5));
    BOOST_TEST(!holds(op::ge, 0.5));
    BOOST_TEST(holds(op::ge, 1.0));
    BOOST_TEST(holds(op::ge, 1.5));
    BOOST_TEST(!holds(op::eq, 0.5));
    BOOST_TEST(holds(op::eq, 1.0));
    BOOST_TEST(holds(op::ne, 0.5));
    BOOST_TEST(!holds(op::ne, 1.0));
    // The neighbouring doubles are not the boundary.
    BOOST_TEST(!holds(op::le, std::nextafter(1.0, 2.0)));
    BOOST_TEST(holds(op::lt, std::nextafter(1.0, 0.0)));
}

BOOST_AUTO_TEST_CASE(verdict_carries_metric_expression_and_measurement) {
    m::metric_set ms;
    ms.set("delivery.latency.p99", 0.25, "s");
    const auto v = sim::evaluate({make_threshold("delivery.latency.p99", sim::threshold::op::lt, 1.0, "< 1s")}, ms);
    BOOST_REQUIRE_EQUAL(v.size(), 1U);
    BOOST_TEST(v[0].metric == "delivery.latency.p99");
    BOOST_TEST(v[0].expression == "< 1s");
    BOOST_REQUIRE(v[0].measured.has_value());
    BOOST_TEST(*v[0].measured == 0.25);
    BOOST_TEST(v[0].pass);
    BOOST_TEST(v[0].note.empty());
}

BOOST_AUTO_TEST_CASE(nan_and_infinity_fail_every_operator) {
    using op = sim::threshold::op;
    for (const op o : {op::lt, op::le, op::gt, op::ge, op::eq, op::ne}) {
        for (const double x : {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(),
                               -std::numeric_limits<double>::infinity()}) {
            m::metric_set ms;
            ms.set("x", x, "s");
            const auto v = sim::evaluate({make_threshold("x", o, 1.0, "?")}, ms);
            BOOST_TEST(!v[0].pass);
            BOOST_TEST(v[0].note == "not a finite number");
        }
    }
}

BOOST_AUTO_TEST_CASE(missing_metric_fails_as_not_measured) {
    m::metric_set ms;
    ms.set("delivery.latency.p99", 0.1, "s");
    const auto v = sim::evaluate({make_threshold("broadcast.time.p99", sim::threshold::op::lt, 1.0, "< 1s")}, ms);
    BOOST_REQUIRE_EQUAL(v.size(), 1U);
    BOOST_TEST(!v[0].pass);
    BOOST_TEST(!v[0].measured.has_value());
    BOOST_TEST(v[0].note == "not measured");
}

/// One scenario gates both modes (issue 14): a metric the run's mode cannot measure is "not
/// measured" and does not fail, unless the threshold is required; a metric the mode measures but
/// that is missing still fails.
BOOST_AUTO_TEST_CASE(a_metric_the_mode_cannot_measure_is_not_measured) {
    using op = sim::threshold::op;
    m::metric_set ms;
    ms.set("delivery.latency.p99", 0.1, "s");
    auto required = make_threshold("memory.bytes_per_connection", op::lt, 1e6, "< 1MB");
    required.required = true;
    const std::vector<sim::threshold> ts{
        make_threshold("memory.bytes_per_connection", op::lt, 1e6, "< 1MB"),  // sim only
        required,
        make_threshold("live.protocol_errors", op::eq, 0, "== 0"),             // live only
        make_threshold("broadcast.time.p99", op::lt, 1.0, "< 1s"),             // both, but no broadcast happened
        make_threshold("delivery.latency.p99", op::lt, 1.0, "< 1s"),
    };
    const auto live = sim::evaluate(ts, ms, m::run_mode::live);
    BOOST_REQUIRE_EQUAL(live.size(), 5U);
    BOOST_TEST((live[0].pass && live[0].not_measured));
    BOOST_TEST(live[0].note == "not measured in a live run");
    BOOST_TEST(std::string(sim::verdict_name(live[0])) == "not_measured");
    BOOST_TEST((!live[1].pass && !live[1].not_measured));
    BOOST_TEST(live[1].note == "required, but a live run cannot measure it");
    BOOST_TEST(std::string(sim::verdict_name(live[1])) == "fail");
    BOOST_TEST((!live[2].pass && live[2].note == "not measured"));  // measurable live, and missing
    BOOST_TEST((!live[3].pass && live[3].note == "not measured"));
    BOOST_TEST((live[4].pass && !live[4].not_measured && std::string(sim::verdict_name(live[4])) == "pass"));

    const auto simulated = sim::evaluate(ts, ms);  // the default mode: a simulation
    BOOST_TEST((!simulated[0].pass && simulated[0].note == "not measured"));  // measurable, missing
    BOOST_TEST((simulated[2].pass && simulated[2].not_measured));
    BOOST_TEST(simulated[2].note == "not measured in a simulation");

    // The verdict line counts them apart; the exit code ignores them.
    const std::vector<sim::threshold_verdict> judged{live[0], live[4]};
    BOOST_TEST(sim::verdict_line(judged, true) == "PASS: the threshold holds (1 more not measured in a live run)");
    BOOST_TEST(sim::exit_code(judged, true) == 0);
    BOOST_TEST(sim::verdict_line({live[0], live[0], live[3], live[4]}, true) ==
               "FAIL: 1 of 2 thresholds failed (2 more not measured in a live run)");
    BOOST_TEST(sim::verdict_line({live[0]}, true) == "PASS: no threshold measured (1 more not measured in a live run)");
    BOOST_TEST(sim::exit_code(live, true) == 1);
}

BOOST_AUTO_TEST_CASE(exit_codes) {
    sim::threshold_verdict pass{"a", "< 1", 0.5, true, ""};
    sim::threshold_verdict fail{"b", "< 1", 1.5, false, ""};
    BOOST_TEST(sim::exit_code({}, true) == 0);
    BOOST_TEST(sim::exit_code({pass, pass}, true) == 0);
    BOOST_TEST(sim::exit_code({pass, fail}, true) == 1);
    BOOST_TEST(sim::exit_code({}, false) == 1);
    BOOST_TEST(sim::exit_code({pass}, false) == 1);
}

BOOST_AUTO_TEST_CASE(verdict_lines) {
    sim::threshold_verdict pass{"a", "< 1", 0.5, true, ""};
    sim::threshold_verdict fail{"b", "< 1", 1.5, false, ""};
    BOOST_TEST(sim::verdict_line({}, true) == "PASS: no thresholds");
    BOOST_TEST(sim::verdict_line({pass}, true) == "PASS: the threshold holds");
    BOOST_TEST(sim::verdict_line({pass, pass}, true) == "PASS: all 2 thresholds hold");
    BOOST_TEST(sim::verdict_line({pass, fail, fail}, true) == "FAIL: 2 of 3 thresholds failed");
    BOOST_TEST(sim::verdict_line({pass}, false) == "FAIL: the run stopped on an error");
    BOOST_TEST(sim::verdict_line({fail}, false) == "FAIL: the run stopped on an error; 1 of 1 threshold failed");
}

BOOST_AUTO_TEST_CASE(trace_hash_is_sixteen_lower_case_hex_digits) {
    BOOST_TEST(sim::format_trace_hash(0) == "0000000000000000");
    BOOST_TEST(sim::format_trace_hash(0xabcULL) == "0000000000000abc");
    BOOST_TEST(sim::format_trace_hash(0x0123456789ABCDEFULL) == "0123456789abcdef");
    BOOST_TEST(sim::format_trace_hash(~0ULL) == "ffffffffffffffff");
}

BOOST_AUTO_TEST_CASE(metrics_nest_by_dotted_name_in_set_order) {
    m::metric_set ms;
    ms.set("delivery.latency.p99", 0.25, "s");
    ms.set("delivery.latency.p50", 0.0125, "s");
    ms.set("delivery.success_rate", 1, "ratio");
    ms.set("broadcast.count", 3, "count");
    ms.set("delivery.delivered", 40, "count");
    ms.set("memory.growth_rate", -12.5, "B/s");
    ms.set("simulator.peak_rss_bytes", 1e7, "B");
    const std::string expected =
        R"({"delivery":{"latency":{"p99":0.25,"p50":0.0125},"success_rate":1.0,"delivered":40.0},)"
        R"("broadcast":{"count":3.0},"memory":{"growth_rate":-12.5}})";
    BOOST_TEST(sim::metrics_json(ms).dump() == expected);
    const std::string units =
        R"({"delivery.latency.p99":"s","delivery.latency.p50":"s","delivery.success_rate":"ratio",)"
        R"("broadcast.count":"count","delivery.delivered":"count","memory.growth_rate":"B/s"})";
    BOOST_TEST(sim::units_json(ms).dump() == units);
}

BOOST_AUTO_TEST_CASE(colliding_metric_names_keep_both_values) {
    m::metric_set ms;
    ms.set("a.b", 1, "count");
    ms.set("a.b.c", 2, "count");
    ms.set("x.y.z", 3, "count");
    ms.set("x.y", 4, "count");
    ms.set("odd..name", 5, "count");
    BOOST_TEST(sim::metrics_json(ms).dump() ==
               R"({"a":{"b":1.0},"a.b.c":2.0,"x":{"y":{"z":3.0}},"x.y":4.0,"odd..name":5.0})");
}

BOOST_AUTO_TEST_CASE(non_finite_numbers_are_null) {
    m::metric_set ms;
    ms.set("a.nan", std::numeric_limits<double>::quiet_NaN(), "s");
    ms.set("a.inf", std::numeric_limits<double>::infinity(), "s");
    BOOST_TEST(sim::metrics_json(ms).dump() == R"({"a":{"nan":null,"inf":null}})");

    auto r = sample_result();
    r.virtual_seconds = std::numeric_limits<double>::quiet_NaN();
    r.wall_seconds = 0;
    r.metrics.set("delivery.latency.p99", std::numeric_limits<double>::infinity(), "s");
    const auto verdicts = sim::evaluate(sample_thresholds(), r.metrics);
    const auto rep = sim::make_report(r, sample_info(), verdicts);
    BOOST_TEST(rep["virtual_seconds"].is_null());
    BOOST_TEST(rep["simulator"]["events_per_wall_second"].is_null());
    BOOST_TEST(rep["thresholds"][1]["measured"].is_null());
    BOOST_TEST(rep["thresholds"][1]["note"] == "not a finite number");
}

BOOST_AUTO_TEST_CASE(report_keys_in_order) {
    const auto r = sample_result();
    const auto rep = sim::make_report(r, sample_info(), sim::evaluate(sample_thresholds(), r.metrics));
    const std::vector<std::string> expected{"schema_version", "surge_version", "mode",       "scenario",
                                            "seed",           "trace_hash",    "virtual_seconds", "wall_seconds",
                                            "events",         "completed",     "metrics",    "units",
                                            "thresholds",     "simulator"};
    BOOST_TEST(keys_of(rep) == expected, boost::test_tools::per_element());
    BOOST_TEST(keys_of(rep["scenario"]) == (std::vector<std::string>{"name", "file", "overrides", "document"}),
               boost::test_tools::per_element());
    BOOST_TEST(keys_of(rep["simulator"]) == (std::vector<std::string>{"peak_rss_bytes", "events_per_wall_second"}),
               boost::test_tools::per_element());
    BOOST_TEST(keys_of(rep["thresholds"][0]) == (std::vector<std::string>{"metric", "expression", "measured", "verdict"}),
               boost::test_tools::per_element());
    BOOST_TEST(keys_of(rep["thresholds"][2]) ==
                   (std::vector<std::string>{"metric", "expression", "measured", "verdict", "note"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(report_values) {
    const auto r = sample_result();
    const auto rep = sim::make_report(r, sample_info(), sim::evaluate(sample_thresholds(), r.metrics));
    BOOST_TEST(rep["schema_version"] == 1);
    BOOST_TEST(rep["surge_version"] == SURGE_VERSION);
    BOOST_TEST(rep["mode"] == "sim");
    BOOST_TEST(rep["scenario"].dump() ==
               R"({"name":"sample","file":"scenarios/sample.json","overrides":["/server/workers=16"],)"
               R"("document":{"duration":"60s","name":"sample","server":{"workers":16}}})");
    BOOST_TEST(rep["seed"] == 7U);
    BOOST_TEST(rep["trace_hash"] == "0123456789abcdef");
    BOOST_TEST(rep["virtual_seconds"] == 65.0);
    BOOST_TEST(rep["wall_seconds"] == 0.5);
    BOOST_TEST(rep["events"] == 123456U);
    BOOST_TEST(rep["completed"] == true);
    BOOST_TEST(!rep.contains("error"));
    BOOST_TEST(rep["metrics"]["delivery"]["latency"]["p99"] == 0.25);
    BOOST_TEST(!rep["metrics"].contains("simulator"));
    BOOST_TEST(!rep["units"].contains("simulator.peak_rss_bytes"));
    BOOST_TEST(rep["thresholds"].dump() ==
               R"([{"metric":"delivery.success_rate","expression":">= 0.99","measured":0.995,"verdict":"pass"},)"
               R"({"metric":"delivery.latency.p99","expression":"< 200ms","measured":0.25,"verdict":"fail"},)"
               R"({"metric":"broadcast.time.p99","expression":"< 1s","measured":null,"verdict":"fail","note":"not measured"}])");
    BOOST_TEST(rep["simulator"].dump() == R"({"peak_rss_bytes":10000000,"events_per_wall_second":246912.0})");
    BOOST_TEST(sim::make_report(r, sample_info(), {}, "live")["mode"] == "live");
}

BOOST_AUTO_TEST_CASE(failed_run_reports_its_error_after_completed) {
    auto r = sample_result();
    r.completed = false;
    r.error = "database exploded";
    const auto rep = sim::make_report(r, sample_info(), {});
    const auto keys = keys_of(rep);
    BOOST_REQUIRE_EQUAL(keys.size(), 15U);
    BOOST_TEST(keys[9] == "completed");
    BOOST_TEST(keys[10] == "error");
    BOOST_TEST(rep["completed"] == false);
    BOOST_TEST(rep["error"] == "database exploded");
    BOOST_TEST(rep["metrics"]["notifications"]["published"] == 1200.0);
}

BOOST_AUTO_TEST_CASE(same_result_gives_byte_identical_report) {
    const auto r = sample_result();
    const auto info = sample_info();
    const auto a = sim::report_text(sim::make_report(r, info, sim::evaluate(sample_thresholds(), r.metrics)));
    const auto b = sim::report_text(sim::make_report(r, info, sim::evaluate(sample_thresholds(), r.metrics)));
    BOOST_TEST(a == b);
    BOOST_TEST(a.back() == '\n');
    BOOST_TEST(a.find("\n  \"schema_version\": 1,\n") != std::string::npos);  // 2-space indent
}

BOOST_AUTO_TEST_CASE(only_wall_clock_fields_differ_between_runs) {
    auto r1 = sample_result();
    auto r2 = sample_result();
    r2.wall_seconds = 3.25;
    r2.peak_rss_bytes = 20'000'000;
    r2.metrics.set("simulator.peak_rss_bytes", 2e7, "B");
    auto a = sim::make_report(r1, sample_info(), sim::evaluate(sample_thresholds(), r1.metrics));
    auto b = sim::make_report(r2, sample_info(), sim::evaluate(sample_thresholds(), r2.metrics));
    BOOST_TEST(a.dump() != b.dump());
    for (auto* rep : {&a, &b}) {
        rep->erase("wall_seconds");
        rep->erase("simulator");
    }
    BOOST_TEST(a.dump() == b.dump());
}

BOOST_AUTO_TEST_CASE(document_key_order_does_not_matter) {
    const auto r = sample_result();
    auto i1 = sample_info();
    auto i2 = sample_info();
    i2.document = nlohmann::json::parse(R"({"server": {"workers": 16}, "duration": "60s", "name": "sample"})");
    BOOST_TEST(sim::make_report(r, i1, {}).dump() == sim::make_report(r, i2, {}).dump());
}

BOOST_AUTO_TEST_CASE(summary_table_lists_thresholds_and_verdict) {
    const auto r = sample_result();
    const auto verdicts = sim::evaluate(sample_thresholds(), r.metrics);
    const std::string t = sim::summary_table(r, verdicts, "scenarios/sample.json");
    BOOST_TEST_MESSAGE(t);
    BOOST_TEST(t.find("scenario sample (scenarios/sample.json)\n") == 0U);
    BOOST_TEST(t.find("  trace hash                        0123456789abcdef\n") != std::string::npos);
    BOOST_TEST(t.find("  events                            123,456\n") != std::string::npos);
    BOOST_TEST(t.find("  latency p50 / p90 / p99           12.5 / - / 250 ms\n") != std::string::npos);
    BOOST_TEST(t.find("  success rate                      99.50 %\n") != std::string::npos);
    BOOST_TEST(t.find("  per connection                    49.2 KB\n") != std::string::npos);
    BOOST_TEST(t.find("  PASS  delivery.success_rate >= 0.99  measured 99.50 %\n") != std::string::npos);
    BOOST_TEST(t.find("  FAIL  delivery.latency.p99 < 200ms   measured 250 ms\n") != std::string::npos);
    BOOST_TEST(t.find("  FAIL  broadcast.time.p99 < 1s        not measured\n") != std::string::npos);
    BOOST_TEST(t.find("\nverdict: FAIL: 2 of 3 thresholds failed\n") != std::string::npos);
    BOOST_TEST(t.find("broadcast\n") == std::string::npos);  // no broadcast metrics, no group
    BOOST_TEST(t.find("peak_rss") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(summary_table_of_a_failed_run) {
    auto r = sample_result();
    r.completed = false;
    r.error = "boom";
    const std::string t = sim::summary_table(r, {});
    BOOST_TEST(t.find("scenario sample\n") == 0U);
    BOOST_TEST(t.find("  stopped on an error               boom\n") != std::string::npos);
    BOOST_TEST(t.find("\nverdict: FAIL: the run stopped on an error\n") != std::string::npos);
}

// The summary's values go through sim/format.hpp (tests/sim/test_format.cpp has the rules' edges).
BOOST_AUTO_TEST_CASE(humanised_values) {
    using sim::report_detail::value_text;
    BOOST_TEST(value_text(0.000250, "s") == "250 \u00b5s");
    BOOST_TEST(value_text(1.5, "s") == "1.50 s");
    BOOST_TEST(value_text(0.5, "ratio") == "50.00 %");
    BOOST_TEST(value_text(12.34, "1/s") == "12.3/s");
    BOOST_TEST(value_text(123456.7, "1/s") == "123k/s");
    BOOST_TEST(value_text(999, "B") == "999 B");
    BOOST_TEST(value_text(2560, "B") == "2.56 KB");
    BOOST_TEST(value_text(96.3e6, "B") == "96.3 MB");
    BOOST_TEST(value_text(-77200, "B/s") == "-77.2 KB/s");
    BOOST_TEST(value_text(1234567, "count") == "1,234,567");
    BOOST_TEST(value_text(1769.1, "count") == "1,769.1");
    BOOST_TEST(value_text(std::numeric_limits<double>::quiet_NaN(), "s") == "n/a");
}

// What make_report writes, report_metrics reads back: every metric but simulator.* (kept out of
// "metrics"), in document order (the run's, when its names come grouped by area as the catalogue
// has them), with its unit; null as NaN; a name whose path was blocked from its flat key.
BOOST_AUTO_TEST_CASE(a_report_reads_back_into_its_metrics) {
    auto r = sample_result();
    r.metrics.set("delivery.latency.p50", std::numeric_limits<double>::infinity(), "s");   // written as null
    r.metrics.set("delivery.latency.p99.extra", 7, "count");   // blocked by delivery.latency.p99: kept flat
    const auto rep = sim::make_report(r, sample_info(), {});
    const auto back = sim::report_metrics(rep, "r.json");
    std::vector<std::string> expected_names;
    for (const auto& x : r.metrics.items())
        if (!x.name.starts_with("simulator.")) expected_names.push_back(x.name);
    BOOST_REQUIRE_EQUAL(back.size(), expected_names.size());
    for (std::size_t i = 0; i < back.size(); ++i) {
        const auto& got = back.items()[i];
        BOOST_TEST(got.name == expected_names[i]);
        const auto* want = r.metrics.find(got.name);
        BOOST_REQUIRE(want != nullptr);
        BOOST_TEST(got.unit == want->unit);
        if (std::isfinite(want->value)) BOOST_TEST(got.value == want->value);
        else BOOST_TEST(std::isnan(got.value), got.name);
    }
    // The same through nlohmann::json, whose objects are sorted: the same metrics, in name order.
    const auto sorted = sim::report_metrics(nlohmann::json::parse(rep.dump()), "r.json");
    BOOST_TEST(sorted.size() == back.size());
    BOOST_TEST(*sorted.get("delivery.latency.p99.extra") == 7.0);
    BOOST_TEST(sorted.find("memory.bytes_per_connection")->unit == "B");

    const auto error_of = [](const ojson& doc) {
        try {
            (void)sim::report_metrics(doc, "r.json");
        } catch (const sim::report_error& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    BOOST_TEST(error_of(ojson::parse(R"({"units": {}})")) == "r.json: not a surge report (no \"metrics\" object)");
    BOOST_TEST(error_of(ojson::parse(R"({"metrics": {"a": {"b": "1"}}})")) == "r.json: metrics.a.b is not a number");
    BOOST_TEST(error_of(ojson::parse("[]")) == "r.json: not a JSON object");
    // No "units": the values still read back, with empty units.
    const auto bare = sim::report_metrics(ojson::parse(R"({"metrics": {"a": {"b": 1.5}}})"), "r.json");
    BOOST_TEST(bare.find("a.b")->value == 1.5);
    BOOST_TEST(bare.find("a.b")->unit == "");
}

// A row of several seconds keeps one unit at the end only when every value is in it.
BOOST_AUTO_TEST_CASE(a_row_of_values_shares_its_unit_only_when_all_have_it) {
    surge::models::metric_set m;
    m.set("a", 0.0125, "s");
    m.set("b", 0.25, "s");
    m.set("c", 1.5, "s");
    BOOST_TEST(*sim::report_detail::values_text(m, {"a", "b"}) == "12.5 / 250 ms");
    BOOST_TEST(*sim::report_detail::values_text(m, {"a", "x", "b"}) == "12.5 / - / 250 ms");
    BOOST_TEST(*sim::report_detail::values_text(m, {"a", "c"}) == "12.5 ms / 1.50 s");
    BOOST_TEST(!sim::report_detail::values_text(m, {"x", "y"}).has_value());
}

// Styled, the summary marks thresholds ✓ / ✗ in colour; plain it is the ASCII the tests match.
BOOST_AUTO_TEST_CASE(summary_table_styled_and_plain) {
    const auto r = sample_result();
    const auto verdicts = sim::evaluate(sample_thresholds(), r.metrics);
    const std::string plain = sim::summary_table(r, verdicts, {}, sim::terminal_style::plain());
    BOOST_TEST(plain == sim::summary_table(r, verdicts));
    BOOST_TEST(plain.find('\033') == std::string::npos);
    const std::string styled = sim::summary_table(r, verdicts, {}, sim::terminal_style::styled());
    BOOST_TEST(styled.find("  \033[32m\u2713 PASS\033[0m  delivery.success_rate >= 0.99  measured 99.50 %\n") !=
               std::string::npos);
    BOOST_TEST(styled.find("  \033[31m\u2717 FAIL\033[0m  delivery.latency.p99 < 200ms   measured 250 ms\n") !=
               std::string::npos);
    BOOST_TEST(styled.find("\nverdict: \033[31m\u2717 FAIL\033[0m: 2 of 3 thresholds failed\n") != std::string::npos);
    // What reaches the terminal keeps our colours and nothing else.
    BOOST_TEST(sim::terminal_style::styled().lines(styled) == styled);
    BOOST_TEST(sim::terminal_style::styled().lines("\033[2Jx\033[32my") == "\\x1b[2Jx\033[32my");
    BOOST_TEST(sim::terminal_style::plain().lines("\033[32my") == "\\x1b[32my");
}

BOOST_AUTO_TEST_CASE(report_matches_its_schema) {
    std::ifstream in(std::string(SURGE_SOURCE_DIR) + "/sim/report.schema.json");
    BOOST_REQUIRE(in);
    const surge::test::schema_validator schema(nlohmann::json::parse(in));
    BOOST_TEST(schema.unsupported_keywords().empty());

    auto r = sample_result();
    const auto check = [&](const ojson& rep) {
        const auto errors = schema.validate(nlohmann::json::parse(rep.dump()));
        for (const auto& e : errors) BOOST_TEST_MESSAGE(e.pointer << ": " << e.message);
        BOOST_TEST(errors.empty());
    };
    check(sim::make_report(r, sample_info(), sim::evaluate(sample_thresholds(), r.metrics)));
    r.completed = false;
    r.error = "boom";
    r.wall_seconds = 0;
    check(sim::make_report(r, {}, {}));

    // Every required key is produced: drop each in turn and the schema rejects the report.
    const auto rep = nlohmann::json::parse(sim::make_report(sample_result(), sample_info(), {}).dump());
    const auto& required = schema.schema()["required"];
    BOOST_TEST(required.size() == 14U);
    for (const auto& key : required) {
        BOOST_TEST(rep.contains(key.get<std::string>()), key);
        auto without = rep;
        without.erase(key.get<std::string>());
        BOOST_TEST(!schema.accepts(without), key);
    }
    // And nothing the schema does not know.
    auto extra = rep;
    extra["surprise"] = 1;
    BOOST_TEST(!schema.accepts(extra));
    auto bad_hash = rep;
    bad_hash["trace_hash"] = "0123456789ABCDEF";
    BOOST_TEST(!schema.accepts(bad_hash));
}


// Issue 12, item 15: virtual time is integer nanoseconds, so the report (and the golden file and
// the summary, which read the same field) gives its exact decimal: a 0.3 s run is 0.3, not
// 0.30000000000000004, and a 30 s run is 30, not 30.000000000000004.
BOOST_AUTO_TEST_CASE(virtual_seconds_is_the_exact_decimal_of_the_virtual_nanoseconds) {
    const std::pair<surge::duration, const char*> cases[] = {{surge::duration::milliseconds(300), "\"virtual_seconds\": 0.3,"},
                                                             {surge::duration::seconds(30), "\"virtual_seconds\": 30.0,"}};
    for (const auto& [length, expected] : cases) {
        m::scenario sc;
        sc.name = "short";
        sc.length = length;
        sc.drain = surge::duration::zero();
        sc.users.count = 1;
        const sim::run_result r = sim::run(sc);
        BOOST_TEST_REQUIRE(r.completed, r.error);
        BOOST_TEST(r.virtual_seconds == static_cast<double>(length.count()) / 1e9);
        const std::string text = sim::report_text(sim::make_report(r, sample_info(), {}));
        BOOST_TEST(text.find(expected) != std::string::npos, "report text lacks " << expected);
    }
}

BOOST_AUTO_TEST_SUITE_END()
