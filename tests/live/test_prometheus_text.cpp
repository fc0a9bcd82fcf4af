// tests/live/test_prometheus_text.cpp — tools/replay/prometheus_text.hpp, the reader of the
// Prometheus text exposition format behind `surge replay --server-metrics`, and
// tools/replay/server_figures.hpp, what the run's report makes of the scrapes: exact values,
// labels and escapes, comments, and malformed input counted and skipped, never a crash.
#include <boost/test/unit_test.hpp>

#include "prometheus_text.hpp"
#include "server_figures.hpp"

#include <cmath>
#include <limits>
#include <string>

namespace {

using surge::replay::parse_prometheus_text;
using surge::replay::prom_limits;

} // namespace

BOOST_AUTO_TEST_SUITE(prometheus_text_tests)

BOOST_AUTO_TEST_CASE(samples_with_help_type_labels_and_timestamps) {
    const auto t = parse_prometheus_text("# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.\n"
                                         "# TYPE process_cpu_seconds_total counter\n"
                                         "process_cpu_seconds_total 12.47\n"
                                         "\n"
                                         "# a free comment\n"
                                         "http_requests_total{method=\"post\",code=\"200\"} 1027 1395066363000\n"
                                         "http_requests_total{method=\"post\",code=\"400\"}    3   1395066363000\n"
                                         "queue_length{shard=\"a\",} 4\n"
                                         "metric_without_timestamp_and_labels 12.47\n"
                                         "  indented_gauge\t-2.5e-3\r\n"
                                         "ns:rule_name 7\n");
    BOOST_TEST(t.malformed_lines == 0u);
    BOOST_TEST(t.errors.empty());
    BOOST_REQUIRE_EQUAL(t.samples.size(), 7u);
    BOOST_TEST(t.samples[0].name == "process_cpu_seconds_total");
    BOOST_TEST(t.samples[0].value == 12.47);
    BOOST_TEST(t.samples[1].name == "http_requests_total");
    BOOST_REQUIRE_EQUAL(t.samples[1].labels.size(), 2u);
    BOOST_TEST(t.samples[1].labels[0].first == "method");
    BOOST_TEST(t.samples[1].labels[0].second == "post");
    BOOST_TEST(t.samples[1].labels[1].second == "200");
    BOOST_TEST(t.samples[1].value == 1027.0);
    BOOST_TEST(t.samples[2].value == 3.0);
    BOOST_TEST(t.samples[3].labels.size() == 1u);  // a trailing comma
    BOOST_TEST(t.samples[5].name == "indented_gauge");
    BOOST_TEST(t.samples[5].value == -0.0025);
    BOOST_TEST(t.samples[6].name == "ns:rule_name");
    BOOST_TEST(*t.sum("http_requests_total") == 1030.0);
    BOOST_TEST(*t.max("http_requests_total") == 1027.0);
    BOOST_TEST(!t.sum("absent_metric").has_value());
    BOOST_TEST(t.all("http_requests_total").size() == 2u);
}

BOOST_AUTO_TEST_CASE(escapes_in_label_values) {
    const auto t = parse_prometheus_text("msdos_file_access_time_seconds{path=\"C:\\\\DIR\\\\FILE.TXT\",error=\"Cannot find file:\\n\\\"FILE.TXT\\\"\"} 1.458255915e9\n"
                                         "braces{v=\"a}b{c,d=\\\"e\"} 1\n");
    BOOST_TEST(t.malformed_lines == 0u);
    BOOST_REQUIRE_EQUAL(t.samples.size(), 2u);
    BOOST_TEST(t.samples[0].labels[0].second == "C:\\DIR\\FILE.TXT");
    BOOST_TEST(t.samples[0].labels[1].second == "Cannot find file:\n\"FILE.TXT\"");
    BOOST_TEST(t.samples[0].value == 1.458255915e9);
    BOOST_TEST(t.samples[1].labels[0].second == "a}b{c,d=\"e");
}

BOOST_AUTO_TEST_CASE(special_values) {
    const auto t = parse_prometheus_text("a NaN\nb +Inf\nc -Inf\nd +1.5\ne -0\nf 1e3\ng 0.000420928\n");
    BOOST_TEST(t.malformed_lines == 0u);
    BOOST_REQUIRE_EQUAL(t.samples.size(), 7u);
    BOOST_TEST(std::isnan(t.samples[0].value));
    BOOST_TEST(t.samples[1].value == std::numeric_limits<double>::infinity());
    BOOST_TEST(t.samples[2].value == -std::numeric_limits<double>::infinity());
    BOOST_TEST(t.samples[3].value == 1.5);
    BOOST_TEST(t.samples[4].value == 0.0);
    BOOST_TEST(t.samples[5].value == 1000.0);
    BOOST_TEST(t.samples[6].value == 0.000420928);
    // Not finite: no sum; max skips it.
    BOOST_TEST(!t.sum("a").has_value());
    BOOST_TEST(!t.max("a").has_value());
}

BOOST_AUTO_TEST_CASE(malformed_lines_are_counted_and_skipped) {
    const auto t = parse_prometheus_text("good 1\n"
                                         "9starts_with_digit 1\n"
                                         "no_value\n"
                                         "no_value_after_labels{a=\"b\"}\n"
                                         "bad_value 1.2.3x\n"
                                         "hex_value 0x10\n"
                                         "words abc\n"
                                         "unterminated{a=\"b} 1\n"
                                         "unclosed{a=\"b\" 1\n"
                                         "noquote{a=b} 1\n"
                                         "bad_escape{a=\"\\t\"} 1\n"
                                         "label_colon{a:b=\"c\"} 1\n"
                                         "junk_after 1 2 3\n"
                                         "bad_timestamp 1 12x\n"
                                         "{a=\"b\"} 1\n"
                                         "also_good{x=\"y\"} 2\n");
    BOOST_TEST(t.samples.size() == 2u);
    BOOST_TEST(t.malformed_lines == 14u);
    BOOST_REQUIRE_EQUAL(t.errors.size(), 5u);  // the first five kept
    BOOST_TEST(t.errors[0] == "line 2: expected a metric name");
    BOOST_TEST(t.errors[1] == "line 3: no value");
    BOOST_TEST(t.errors[2] == "line 4: no value");
    BOOST_TEST(t.errors[3] == "line 5: bad value \"1.2.3x\"");
    BOOST_TEST(t.errors[4] == "line 6: bad value \"0x10\"");
    BOOST_TEST(*t.sum("good") == 1.0);
    BOOST_TEST(*t.sum("also_good") == 2.0);
}

BOOST_AUTO_TEST_CASE(hostile_input_is_bounded) {
    // Nothing but garbage, binary bytes, an endless line without a newline, an empty text.
    BOOST_TEST(parse_prometheus_text("").samples.empty());
    BOOST_TEST(parse_prometheus_text("\n\n\r\n#\n# TYPE\n").malformed_lines == 0u);
    const std::string binary("\x00\xff{}\"\\\n\x01=\"\"} 1\n", 15);
    BOOST_TEST(parse_prometheus_text(binary).samples.empty());
    BOOST_TEST(parse_prometheus_text("x{a=\"\\").malformed_lines == 1u);  // ends inside an escape
    BOOST_TEST(parse_prometheus_text("x{a=\"b\",").malformed_lines == 1u);
    BOOST_TEST(parse_prometheus_text("x 1").samples.size() == 1u);      // no final newline

    prom_limits lim;
    lim.max_bytes = 22;
    const auto cut = parse_prometheus_text("a 1\nb 2\nc 3\nd 4\ne 5\nf 6\n", lim);  // cut inside "f 6"
    BOOST_TEST(cut.truncated);
    BOOST_TEST(cut.samples.size() == 5u);
    BOOST_TEST(cut.malformed_lines == 0u);

    lim = prom_limits{};
    lim.max_samples = 3;
    const auto many = parse_prometheus_text("a 1\nb 2\nc 3\nd 4\ne 5\n", lim);
    BOOST_TEST(many.samples.size() == 3u);
    BOOST_TEST(many.skipped_samples == 2u);

    lim = prom_limits{};
    lim.max_labels = 2;
    const auto labels = parse_prometheus_text("a{x=\"1\",y=\"2\",z=\"3\"} 1\nb{x=\"1\",y=\"2\"} 1\n", lim);
    BOOST_TEST(labels.samples.size() == 1u);
    BOOST_TEST(labels.malformed_lines == 1u);

    std::string big(100'000, 'x');
    big += " 1\n{";
    big += std::string(100'000, '"');
    BOOST_TEST(parse_prometheus_text(big).samples.size() == 1u);
}

BOOST_AUTO_TEST_CASE(the_values_of_a_scrape) {
    const auto t = parse_prometheus_text("process_cpu_seconds_total 2.5\n"
                                         "nodejs_eventloop_lag_seconds 0.001\n"
                                         "nodejs_eventloop_lag_max_seconds 0.02\n"
                                         "nodejs_eventloop_lag_p99_seconds NaN\n"
                                         "surge_offline_queue_messages{room=\"a\"} 3\n"
                                         "surge_offline_queue_messages{room=\"b\"} 4\n");
    const auto s = surge::replay::read_scrape(t, "surge_offline_queue_messages");
    BOOST_TEST(*s.cpu_seconds == 2.5);
    BOOST_TEST(*s.lag == 0.001);
    BOOST_TEST(*s.lag_max == 0.02);
    BOOST_TEST(!s.lag_p99.has_value());  // NaN: nothing recorded since the last scrape
    BOOST_TEST(*s.queue == 7.0);
    BOOST_TEST(!surge::replay::read_scrape(t, "").queue.has_value());
}

BOOST_AUTO_TEST_CASE(the_run_figures_from_the_scrapes) {
    using surge::replay::server_scrape;
    std::vector<server_scrape> scrapes(3);
    scrapes[0] = {1'000'000'000, 10.0, 0.001, 0.5, 0.4, 0.0};  // baseline: its lag covers the time before the run
    scrapes[1] = {2'000'000'000, 10.25, 0.002, 0.010, 0.004, 12.0};
    scrapes[2] = {5'000'000'000, 11.5, 0.001, 0.030, 0.002, 3.0};
    const auto f = surge::replay::summarise_scrapes(scrapes);
    BOOST_TEST(f.scrapes == 3u);
    BOOST_TEST(*f.cpu_seconds == 1.5);
    BOOST_TEST(*f.cpu_utilization == 0.375, boost::test_tools::tolerance(1e-12));  // 1.5 s of CPU in 4 s
    BOOST_TEST(*f.event_loop_lag_max == 0.030);
    BOOST_TEST(*f.event_loop_lag_p99 == 0.004);
    BOOST_TEST(*f.queue_max == 12.0);

    // Without the max gauge, the lag gauge; one scrape: no CPU figures; none: nothing.
    scrapes[1].lag_max.reset();
    scrapes[2].lag_max.reset();
    BOOST_TEST(*surge::replay::summarise_scrapes(scrapes).event_loop_lag_max == 0.002);
    scrapes.resize(1);
    const auto one = surge::replay::summarise_scrapes(scrapes);
    BOOST_TEST(!one.cpu_seconds.has_value());
    BOOST_TEST(!one.event_loop_lag_max.has_value());
    BOOST_TEST(*one.queue_max == 0.0);
    const auto none = surge::replay::summarise_scrapes({});
    BOOST_TEST(!none.cpu_seconds.has_value());
    BOOST_TEST(!none.queue_max.has_value());
}

BOOST_AUTO_TEST_SUITE_END()
