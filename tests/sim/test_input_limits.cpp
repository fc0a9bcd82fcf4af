// The input limits (issue 12, items 1-5, 13, 14): bounded reading (sim/input_file.hpp), the
// nesting limit and duplicate keys for every parse path (files, --set, reports read back),
// bounded quoting and "did you mean", linear parsing of large documents, and the messages for
// numbers out of range. Every input is generated here; the work is bounded by counting it
// (table cells, bytes read), never by timing it.
#include <boost/test/unit_test.hpp>

#include <sim/diff.hpp>
#include <sim/input_file.hpp>
#include <sim/load.hpp>
#include <sim/metric_names.hpp>
#include <sim/report_reader.hpp>

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

using nlohmann::json;
using surge::sim::input_error;
using surge::sim::report_error;
namespace load_detail = surge::sim::load_detail;

namespace {

const char* const minimal = R"({"name": "m", "duration": "60s", "load": [{"at": "0s", "rate": "10/s"}]})";

std::string error_of(const std::string& text, const std::vector<std::string>& sets = {}) {
    try {
        (void)surge::sim::load_scenario_text(text, "t.json", sets);
    } catch (const input_error& e) {
        return e.what();
    }
    return "";
}

bool contains(const std::string& haystack, const std::string& needle) { return haystack.find(needle) != std::string::npos; }

/// `depth` nested arrays around `inner`: [[[...inner...]]].
std::string nested(std::size_t depth, const std::string& inner = "1") {
    return std::string(depth, '[') + inner + std::string(depth, ']');
}

/// `minimal` with "name" replaced by `value` (JSON text).
std::string with_name(const std::string& value) {
    return R"({"name": )" + value + R"(, "duration": "60s", "load": [{"at": "0s", "rate": "10/s"}]})";
}

/// Sets an environment variable for the lifetime of the object.
struct scoped_env {
    std::string name;
    scoped_env(std::string n, const std::string& value) : name(std::move(n)) { ::setenv(name.c_str(), value.c_str(), 1); }
    ~scoped_env() { ::unsetenv(name.c_str()); }
    scoped_env(const scoped_env&) = delete;
    scoped_env& operator=(const scoped_env&) = delete;
};

std::filesystem::path temp_file(const std::string& name, const std::string& content) {
    const auto p = std::filesystem::temp_directory_path() / ("surge-limits-" + std::to_string(::getpid()) + "-" + name);
    std::ofstream(p, std::ios::binary) << content;
    return p;
}

} // namespace

BOOST_AUTO_TEST_SUITE(input_limits_tests)

// Item 1: a deeply nested value where a string is expected used to crash the message builder.
BOOST_AUTO_TEST_CASE(deep_value_where_a_string_is_expected_is_a_nesting_error) {
    const std::string e = error_of(with_name(nested(90'000)));
    BOOST_TEST(contains(e, "t.json:1:"));
    BOOST_TEST(contains(e, "nested more than 128 levels deep"));
    BOOST_TEST(e.size() < 300u);
}

// The limit is exact: 128 containers (the top-level object and 127 arrays) load; 129 do not.
BOOST_AUTO_TEST_CASE(nesting_limit_is_exact_and_located) {
    const std::string at_limit = error_of(with_name(nested(127)));
    BOOST_TEST(contains(at_limit, "t.json: /name: expected a string, found [[[["));
    BOOST_TEST(!contains(at_limit, "nested"));
    // Bounded quoting of a deep (but allowed) value: a prefix, then its size.
    BOOST_TEST(contains(at_limit, "\u2026 (an array of 1 elements)"));
    BOOST_TEST(at_limit.size() < 200u);
    // The 128th array opens at byte 9 + 127 (0-based) of the text: column 137.
    BOOST_TEST(error_of(with_name(nested(128))) ==
               "t.json:1:137: JSON nested more than 128 levels deep (the nesting limit; see \"Limits\" in docs/scenarios.md)");
    // Brackets inside strings do not count.
    BOOST_TEST(load_detail::nesting_offset(R"(["[[[[", {"a": "{{{{"}])", 2) == std::string(R"(["[[[[", {"a": "{{{{"}])").size());
}

// Item 2: protocol.auth takes any object; a deep one passed validate and crashed the report writer.
BOOST_AUTO_TEST_CASE(deep_protocol_auth_fails_at_load) {
    std::string auth = std::string(100'000, '[');
    auth = R"({"a": )" + auth + std::string(100'000, ']') + "}";
    const std::string text = R"({"name": "m", "duration": "60s", "load": [{"at": "0s", "rate": "10/s"}], "protocol": {"auth": )" +
                             auth + "}}";
    BOOST_TEST(contains(error_of(text), "nested more than 128 levels deep"));
    // The protocol file read on its own (--protocol-file): tests/tools/test_protocol_section.cpp.
}

// Items 2 and 13: a --set value is parsed like a file: nesting limit and duplicate keys.
BOOST_AUTO_TEST_CASE(set_values_get_the_checks_files_get) {
    const std::string dup = error_of(minimal, {R"(/users={"count": 1, "count": 2})"});
    BOOST_TEST(contains(dup, "--set /users={\"count\": 1, \"count\": 2}: /count: duplicate key"));
    const std::string deep = error_of(minimal, {"/name=" + nested(200)});
    BOOST_TEST(contains(deep, "--set /name=[[[["));
    BOOST_TEST(contains(deep, "nested more than 128 levels deep"));
    // Not JSON at all: still a string, as before.
    BOOST_TEST(error_of(minimal, {"/name={not json"}) == "");
}

// Item 3: "did you mean" on a huge word computes no table at all; near misses still work.
BOOST_AUTO_TEST_CASE(did_you_mean_is_bounded) {
    const std::vector<std::string> names{"pool_size", "max_overflow", "checkout_timeout"};
    std::size_t cells = 0;
    BOOST_TEST(load_detail::closest(std::string(1 << 20, 'x'), names, &cells) == "");
    BOOST_TEST(cells == 0u);
    BOOST_TEST(load_detail::closest("pool_szie", names, &cells) == "pool_size");
    BOOST_TEST(cells == 81u);  // one 9x9 table: the other names differ in length by more than 2
    // Words longer than the cap are not compared even when the lengths are close.
    cells = 0;
    BOOST_TEST(load_detail::edit_distance(std::string(65, 'a'), std::string(65, 'a'), &cells) == 3u);
    BOOST_TEST(cells == 0u);
    BOOST_TEST(load_detail::edit_distance("ab", "ba", &cells) == 1u);
}

// Item 3 through the loader: a 10 MB key, enum value and metric name each give a short message.
BOOST_AUTO_TEST_CASE(huge_names_give_short_messages) {
    const std::string big(10u << 20, 'k');
    const std::string key = error_of(R"({"name": "m", ")" + big + R"(": 1, "duration": "60s", "load": [{"at": "0s", "rate": "10/s"}]})");
    BOOST_TEST(contains(key, "t.json: /kkkk"));
    BOOST_TEST(contains(key, "\u2026 (10485760 bytes): unknown key"));
    BOOST_TEST(key.size() < 1000u);
    const std::string value = error_of(R"({"name": "m", "duration": "60s", "offline_queue": {"drop": ")" +
                                       big + R"("}, "load": [{"at": "0s", "rate": "10/s"}]})");
    BOOST_TEST(contains(value, "/offline_queue/drop: expected one of"));
    BOOST_TEST(contains(value, "\u2026 (10485760 bytes)"));
    BOOST_TEST(value.size() < 1000u);
    const std::string metric = error_of(R"({"name": "m", "duration": "60s", "load": [{"at": "0s", "rate": "10/s"}], "thresholds": {")" +
                                        big + R"(": "< 1"}})");
    BOOST_TEST(contains(metric, "unknown metric"));
    BOOST_TEST(metric.size() < 1000u);
    const std::string duration = error_of(R"({"name": "m", "duration": "1)" + big + R"(", "load": [{"at": "0s", "rate": "10/s"}]})");
    BOOST_TEST(contains(duration, "/duration: expected a duration"));
    BOOST_TEST(duration.size() < 1000u);
}

// Item 4: one object of 50 000 keys and arrays of 200 000 objects parse in linear time (a guard:
// the quadratic versions took 14 s and minutes); a duplicate among them is still found.
BOOST_AUTO_TEST_CASE(large_documents_parse_linearly) {
    std::string keys = "{";
    for (int i = 0; i < 50'000; ++i) keys += "\"k" + std::to_string(i) + "\": " + std::to_string(i) + ",";
    const json wide = load_detail::parse_document(keys.substr(0, keys.size() - 1) + "}", "w.json");
    BOOST_TEST(wide.size() == 50'000u);
    BOOST_TEST(wide["k49999"] == 49'999);
    try {
        (void)load_detail::parse_document(keys + "\"k17\": 0}", "w.json");
        BOOST_FAIL("a duplicate key was accepted");
    } catch (const input_error& e) {
        BOOST_TEST(std::string(e.what()) == "w.json: /k17: duplicate key (each key may appear once in an object)");
    }
    std::string phases = R"({"load": [)";
    for (int i = 0; i < 200'000; ++i) phases += R"({"at": ")" + std::to_string(i) + R"(ms", "rate": "10/s"},)";
    phases.back() = ']';
    const json doc = load_detail::parse_document(phases + "}", "p.json");
    BOOST_TEST(doc["load"].size() == 200'000u);
    BOOST_TEST(doc["load"][199'999]["at"] == "199999ms");
    // The same for the order-keeping documents reports are read into.
    const auto ordered = surge::sim::parse_report_json<nlohmann::ordered_json>(keys.substr(0, keys.size() - 1) + "}", "r.json");
    BOOST_TEST(ordered.size() == 50'000u);
    BOOST_TEST(ordered.begin().key() == "k0");
    // A duplicate deep inside an array element is named by its full pointer.
    try {
        (void)load_detail::parse_document(R"({"load": [{}, {"a": {"b": 1, "b": 2}}]})", "p.json");
        BOOST_FAIL("a duplicate key was accepted");
    } catch (const input_error& e) {
        BOOST_TEST(std::string(e.what()) == "p.json: /load/1/a/b: duplicate key (each key may appear once in an object)");
    }
}

// Item 5: reading stops at limit + 1 bytes, also for endless files, and names file and limit.
BOOST_AUTO_TEST_CASE(reading_is_bounded) {
    try {
        (void)surge::sim::read_text_file("/dev/zero", 1000);
        BOOST_FAIL("/dev/zero was read");
    } catch (const input_error& e) {
        BOOST_TEST(std::string(e.what()) == "/dev/zero: larger than the input size limit of 1000 bytes; set SURGE_MAX_INPUT_BYTES "
                                            "(e.g. SURGE_MAX_INPUT_BYTES=256MiB) to raise it");
    }
    const auto exact = temp_file("exact.txt", std::string(1000, 'a'));
    BOOST_TEST(surge::sim::read_text_file(exact.string(), 1000).size() == 1000u);
    BOOST_CHECK_THROW((void)surge::sim::read_text_file(exact.string(), 999), input_error);
    std::filesystem::remove(exact);
    try {
        (void)surge::sim::read_text_file(std::filesystem::temp_directory_path().string(), 1000);
        BOOST_FAIL("a directory was read");
    } catch (const input_error& e) {
        BOOST_TEST(contains(e.what(), ": cannot read: Is a directory"));
    }
    BOOST_CHECK_THROW((void)surge::sim::read_text_file("/nonexistent/surge.json", 1000), input_error);
}

BOOST_AUTO_TEST_CASE(input_limit_from_the_environment) {
    BOOST_TEST(surge::sim::max_input_bytes() == 64u << 20);
    BOOST_TEST(surge::sim::parse_input_limit("4096") == 4096u);
    BOOST_TEST(surge::sim::parse_input_limit("128MiB") == 128u << 20);
    BOOST_TEST(surge::sim::parse_input_limit("2GB") == 2'000'000'000u);
    for (const char* bad : {"0", "-1", "lots", "12XB", "99999999999999999999"}) {
        try {
            (void)surge::sim::parse_input_limit(bad);
            BOOST_FAIL(std::string("accepted ") + bad);
        } catch (const input_error& e) {
            BOOST_TEST(contains(e.what(), std::string("SURGE_MAX_INPUT_BYTES=") + bad + ": expected a positive number of bytes"));
        }
    }
    const scoped_env env("SURGE_MAX_INPUT_BYTES", "4KiB");
    try {
        (void)surge::sim::load_scenario_file("/dev/zero");
        BOOST_FAIL("/dev/zero loaded");
    } catch (const input_error& e) {
        BOOST_TEST(contains(e.what(), "/dev/zero: larger than the input size limit of 4096 bytes"));
    }
    BOOST_CHECK_THROW((void)surge::sim::read_report_json("/dev/zero"), report_error);
}

// Reports read back (surge diff, --compare) get the nesting limit and duplicate-key check too.
BOOST_AUTO_TEST_CASE(reports_read_back_are_checked) {
    try {
        (void)surge::sim::parse_report_json(R"({"metrics": )" + nested(100'000) + "}", "r.json");
        BOOST_FAIL("a deep report was read");
    } catch (const report_error& e) {
        BOOST_TEST(contains(e.what(), "r.json:1:"));
        BOOST_TEST(contains(e.what(), "nested more than 160 levels deep"));
    }
    BOOST_CHECK_THROW((void)surge::sim::parse_report(R"({"metrics": {"a": 1, "a": 2}})", "r.json"), report_error);
}

// Item 14: a rate too small for a double is "too small", not "too large"; a number out of range in
// a threshold on a count is "out of range", not an invalid duration.
BOOST_AUTO_TEST_CASE(out_of_range_numbers_have_true_messages) {
    const std::string tiny = "0." + std::string(400, '0') + "1/s";
    const std::string rate = error_of(R"({"name": "m", "duration": "60s", "load": [{"at": "0s", "rate": ")" + tiny + R"("}]})");
    BOOST_TEST(contains(rate, "too small"));
    BOOST_TEST(!contains(rate, "too large"));
    BOOST_CHECK_THROW((void)surge::sim::parse_rate("1" + std::string(400, '0') + "/s"), surge::parse_error);
    std::string count_metric;
    for (const auto& m : surge::sim::known_metrics())
        if (surge::sim::metric_unit(m) == "count") {
            count_metric = m;
            break;
        }
    BOOST_REQUIRE(!count_metric.empty());
    const std::string big = error_of(R"({"name": "m", "duration": "60s", "load": [{"at": "0s", "rate": "10/s"}], "thresholds": {")" +
                                     count_metric + R"(": "< 1e309"}})");
    BOOST_TEST(contains(big, "\"< 1e309\": the number is out of range"));
    BOOST_TEST(!contains(big, "duration"));
    BOOST_TEST(!contains(big, "250ms"));
}

BOOST_AUTO_TEST_SUITE_END()
