// The scenario JSON Schema (sim/scenario.schema.json) against the loader: every good scenario —
// the fixtures in tests/sim/good and the built-in ones in sim/scenarios — passes both; every
// broken one in tests/sim/bad fails the loader with the expected message, and fails the schema
// too unless it is one of the few rules a schema does not express.
#include <boost/test/unit_test.hpp>

#include "schema_check.hpp"

#include <sim/load.hpp>
#include <sim/metric_names.hpp>

#include <models/enum_names.hpp>
#include <models/params.hpp>

#include <models/metric_catalogue.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const fs::path source_dir{SURGE_SOURCE_DIR};

using surge::test::read_text;

const surge::test::schema_validator& schema() { return surge::test::scenario_schema(); }

/// The *.json files under `dir` (recursively if asked), in sorted order; none if `dir` is absent.
std::vector<fs::path> json_files(const fs::path& dir, bool recursive) {
    std::vector<fs::path> out;
    if (!fs::is_directory(dir)) return out;
    const auto take = [&](const fs::directory_entry& e) {
        if (e.is_regular_file() && e.path().extension() == ".json") out.push_back(e.path());
    };
    if (recursive)
        for (const auto& e : fs::recursive_directory_iterator(dir)) take(e);
    else
        for (const auto& e : fs::directory_iterator(dir)) take(e);
    std::sort(out.begin(), out.end());
    return out;
}

std::string describe(const std::vector<surge::test::schema_error>& errors) {
    std::string s;
    for (const auto& e : errors) s += "\n  " + (e.pointer.empty() ? std::string("/") : e.pointer) + ": " + e.message;
    return s;
}

void check_good(const fs::path& file) {
    BOOST_TEST_CONTEXT(file.string()) {
        const std::string text = read_text(file);
        BOOST_CHECK_NO_THROW((void)surge::sim::load_scenario_text(text, file.string()));
        try {
            (void)surge::sim::load_scenario_text(text, file.string());
        } catch (const surge::sim::input_error& e) {
            BOOST_TEST_MESSAGE(e.what());
        }
        const auto errors = schema().validate(json::parse(text));
        BOOST_TEST(errors.empty(), "schema errors:" << describe(errors));
    }
}

/// Each broken scenario and a fragment of the loader's message, which names the place.
const std::map<std::string, std::string>& bad_cases() {
    static const std::map<std::string, std::string> cases{
        {"bad_bandwidth.json", "/links/bandwidth: expected a bandwidth string"},
        {"bad_duration.json", "/duration: expected a duration string like \"250ms\" (a number and a unit: ns, us, ms, s, m, h), "
                              "found \"12 parsecs\": unknown unit \"parsecs\""},
        {"bare_number_duration.json", "/duration: expected a duration string like \"250ms\" (a number and a unit: ns, us, ms, "
                                      "s, m, h), found 120"},
        {"closed_phase_with_rate.json", "/load/0/rate: 'rate' applies to open phases; a closed phase (one with \"clients\") has no rate"},
        {"distribution_key_of_other_form.json", "/server/cost_per_message/p99: 'p99' does not belong to a pareto distribution"},
        {"duplicate_key.json", "/server/workers: duplicate key"},
        {"empty_load.json", "/load: expected a non-empty array of load phases, found []"},
        {"enum_typo.json", "/offline_queue/drop: expected one of \"oldest\", \"newest\", found \"olderst\"; did you mean \"oldest\"?"},
        {"fault_field_of_other_kind.json", "/faults/0/fraction: 'fraction' applies to disconnect_storm, not db_slowdown"},
        {"incomplete_distribution.json", "/links/latency: a lognormal needs both \"median\" and \"p99\""},
        {"instant_fault_with_for.json", "/faults/0/for: 'for' does not apply to disconnect_storm"},
        {"loss_above_one.json", "/links/loss: expected a number >= 0 and < 1, found 1.5"},
        {"missing_duration.json", "/duration: required key is missing"},
        {"missing_load.json", "/load: required key is missing"},
        {"misspelt_key.json", "/database/pool_sise: unknown key; did you mean 'pool_size'?"},
        {"negative_count.json", "/users/count: expected an integer >= 0, found -5"},
        {"negative_seed.json", "/seed: expected an integer between 0 and 18446744073709551615, found -1"},
        {"open_phase_without_rate.json", "/load/0/rate: required key is missing; an open phase needs \"rate\""},
        {"p99_below_median.json", "/database/query/p99: expected a duration greater than the median (40ms), found \"3ms\""},
        {"phase_at_end.json", "/load/1/at: expected a time before the end of the run (duration 60s), found \"60s\""},
        {"pool_timeout_alias.json", "/database/pool_timeout: unknown key; allowed: pool_size, max_overflow, checkout_timeout"},
        {"rate_without_unit.json", "/load/0/rate: expected a rate string like \"100/s\""},
        {"recipients_without_users_target.json", "/load/0/recipients: 'recipients' applies to \"target\": \"users\" only"},
        {"size_without_unit.json", "/memory/per_connection: expected a size string like \"512B\""},
        {"syntax_error.json", "syntax_error.json:4:41: JSON syntax error: unexpected ']'"},
        {"threshold_ratio_above_one.json", "/thresholds/delivery.success_rate: \">= 95\": a ratio is between 0 and 1"},
        {"threshold_unit_mismatch.json", "/thresholds/delivery.latency.p99: \"< 10KB\": 10KB is a size, but delivery.latency.p99 is in seconds"},
        {"threshold_without_unit.json", "/thresholds/delivery.latency.p99: \"< 5\": the unit is missing"},
        {"unknown_key.json", "/colour: unknown key; allowed: $schema, name"},
        {"unknown_metric.json", "/thresholds/delivery.latncy.p99: unknown metric; did you mean 'delivery.latency.p99'?"},
        {"unsorted_phases.json", "/load/1/at: phases must be sorted by \"at\": 10s comes before the previous phase's 30s"},
        {"worker_loss_above_workers.json", "/faults/0/workers: expected an integer between 1 and server.workers (4), found 5"},
        {"wrong_type.json", "/users: expected an object, found \"many\""},
    };
    return cases;
}

/// Rules the schema does not express (orderings, cross-field relations, what JSON parsers drop),
/// so these broken files pass the schema and only the loader catches them. syntax_error.json is
/// not JSON at all.
const std::set<std::string>& loader_only() {
    static const std::set<std::string> names{
        "duplicate_key.json",            // a JSON parser keeps one of the values
        "p99_below_median.json",         // a relation between two fields
        "phase_at_end.json",             // relative to "duration"
        "recipients_without_users_target.json",  // depends on "target"
        "threshold_ratio_above_one.json",        // a numeric range inside a string
        "unsorted_phases.json",          // an ordering across array items
        "worker_loss_above_workers.json",  // relative to server.workers
        "syntax_error.json",
    };
    return names;
}

} // namespace

BOOST_AUTO_TEST_SUITE(schema_tests)

BOOST_AUTO_TEST_CASE(schema_uses_only_the_checked_subset) {
    const json& s = schema().schema();
    BOOST_TEST(s.at("$schema").get<std::string>() == "https://json-schema.org/draft/2020-12/schema");
    const auto unsupported = schema().unsupported_keywords();
    std::string list;
    for (const auto& k : unsupported) list += " " + k;
    BOOST_TEST(unsupported.empty(), "keywords the test validator does not implement:" << list);
}

/// Every object in the schema forbids unknown keys, and every property has a description (what
/// editors show as help).
BOOST_AUTO_TEST_CASE(schema_is_closed_and_documented) {
    std::vector<std::string> problems;
    std::function<void(const json&, const std::string&)> walk = [&](const json& s, const std::string& where) {
        if (!s.is_object()) return;
        // Closed (false), or a map whose values have a schema of their own (the protocol
        // section's query and auth): never open by omission.
        if (s.value("type", "") == "object" && !(s.contains("additionalProperties") &&
                                                 (s["additionalProperties"] == false || s["additionalProperties"].is_object())))
            problems.push_back(where + ": object without additionalProperties: false or a schema for its values");
        if (auto p = s.find("properties"); p != s.end())
            for (const auto& [name, sub] : p->items()) {
                if (!sub.contains("description")) problems.push_back(where + "/properties/" + name + ": no description");
                walk(sub, where + "/properties/" + name);
            }
        if (auto d = s.find("$defs"); d != s.end())
            for (const auto& [name, sub] : d->items()) walk(sub, where + "/$defs/" + name);
        for (const char* k : {"oneOf", "anyOf"})
            if (auto a = s.find(k); a != s.end())
                for (std::size_t i = 0; i < a->size(); ++i) walk((*a)[i], where + "/" + k + "/" + std::to_string(i));
        if (auto i = s.find("items"); i != s.end()) walk(*i, where + "/items");
    };
    walk(schema().schema(), "#");
    std::string all;
    for (const auto& p : problems) all += "\n  " + p;
    BOOST_TEST(problems.empty(), all);
}

/// The schema's threshold properties are the metric catalogue (models/metric_catalogue.hpp): the
/// same names in the same order, nothing missing and nothing extra, each with the rule for its
/// unit and a description saying the unit and, for live_only metrics, that only a live replay
/// measures it. On a mismatch the message holds the whole expected "properties" object, ready to
/// paste into sim/scenario.schema.json.
BOOST_AUTO_TEST_CASE(schema_thresholds_match_the_metric_catalogue) {
    namespace models = surge::models;
    const auto doc = nlohmann::ordered_json::parse(read_text(source_dir / "sim" / "scenario.schema.json"));
    const auto& props = doc.at("properties").at("thresholds").at("properties");
    const std::map<std::string_view, std::pair<std::string, std::string>> rule_of_unit{
        {"s", {"threshold_seconds", "seconds"}},     {"1/s", {"threshold_rate", "per second"}},
        {"B", {"threshold_bytes", "bytes"}},          {"B/s", {"threshold_bytes_per_second", "bytes per second"}},
        {"ratio", {"threshold_ratio", "ratio 0..1"}}, {"count", {"threshold_count", "count"}}};
    nlohmann::ordered_json expected = nlohmann::ordered_json::object();
    for (const auto& m : models::metric_catalogue_entries) {
        BOOST_REQUIRE_MESSAGE(rule_of_unit.count(m.unit) == 1, m.name << ": no threshold rule for unit " << m.unit);
        const auto& [def, words] = rule_of_unit.at(m.unit);
        const std::string only_live =
            m.modes == models::metric_modes::live_only ? "; measured by a live replay only (surge replay)" : "";
        expected[std::string(m.name)] = {{"$ref", "#/$defs/" + def},
                                         {"description", "Pass/fail rule on " + std::string(m.name) + " (" + words + ")" +
                                                             only_live + "."}};
    }
    for (const auto& [name, rule] : props.items())
        BOOST_TEST(expected.contains(name), name << " is in the schema but not in the catalogue");
    for (const auto& [name, rule] : expected.items())
        BOOST_TEST(props.contains(name), name << " is in the catalogue but not in the schema");
    BOOST_TEST(props == expected, "sim/scenario.schema.json /properties/thresholds/properties should be:\n" << expected.dump(2));
    // ordered_json's == compares key order too: the schema lists metrics in report order.
}

/// Every enum the schema lists is the loader's name table for that field, in the table's order;
/// the fault kinds (one oneOf branch each) are the fault::kind table. (The protocol section's
/// enums are the replay's tables: tests/tools/test_protocol_section.cpp.)
BOOST_AUTO_TEST_CASE(schema_enums_are_the_name_tables) {
    namespace m = surge::models;
    const json& s = schema().schema();
    const auto names_at = [&](const std::string& pointer) {
        std::vector<std::string> out;
        for (const auto& v : s.at(json::json_pointer(pointer)).at("enum")) out.push_back(v.get<std::string>());
        return out;
    };
    const std::vector<std::pair<std::string, std::vector<std::string>>> fields{
        {"/properties/users/properties/reconnect/properties/jitter", m::names_of<m::backoff_params::jitter_kind>()},
        {"/properties/degradation/properties/retry/properties/jitter", m::names_of<m::backoff_params::jitter_kind>()},
        {"/properties/server/properties/slow_consumer", m::names_of<m::slow_consumer_policy>()},
        {"/properties/offline_queue/properties/drop", m::names_of<m::offline_drop_policy>()},
        {"/properties/degradation/properties/shedding/properties/keep", m::names_of<m::priority_class>()},
        {"/$defs/priority/oneOf/0", m::names_of<m::priority_class>()},
        {"/$defs/load_phase/oneOf/0/properties/arrivals", m::names_of<m::load_phase::arrivals>()},
        {"/$defs/load_phase/oneOf/0/properties/target", m::names_of<m::target_kind>()},
        {"/$defs/load_phase/oneOf/1/properties/target", m::names_of<m::target_kind>()},
    };
    for (const auto& [pointer, names] : fields) BOOST_TEST(names_at(pointer) == names, pointer);

    std::vector<std::string> fault_kinds;
    for (const auto& branch : s.at("$defs").at("fault").at("oneOf"))
        fault_kinds.push_back(branch.at("properties").at("kind").at("const").get<std::string>());
    BOOST_TEST(fault_kinds == m::names_of<m::fault::kind>());
}

/// The unit patterns accept what the loader's parsers accept, on a table of examples.
BOOST_AUTO_TEST_CASE(unit_patterns_agree_with_the_parsers) {
    struct example {
        const char* def;
        const char* text;
        bool ok;
    };
    const example examples[] = {
        {"duration", "250ms", true},   {"duration", "1.5s", true},  {"duration", "2m", true},     {"duration", "100us", true},
        {"duration", "1h", true},      {"duration", "0", true},     {"duration", " 10 us ", true}, {"duration", "5min", true},
        {"duration", "3ns", true},     {"duration", "\xC2\xB5s", false}, {"duration", "2\xC2\xB5s", true},
        {"duration", "12 parsecs", false}, {"duration", "5", false}, {"duration", "-1s", false},  {"duration", "1e3ms", false},
        {"duration", "", false},       {"duration", "s", false},
        {"rate", "100/s", true},       {"rate", "6000/min", true},  {"rate", "2/ms", true},       {"rate", "3600/h", true},
        {"rate", "0.5 / s", true},     {"rate", "0", true},         {"rate", "100", false},       {"rate", "100/parsec", false},
        {"rate", "-1/s", false},
        {"size", "512B", true},        {"size", "1KB", true},       {"size", "1kB", true},        {"size", "1KiB", true},
        {"size", "1.5MB", true},       {"size", "2MiB", true},      {"size", "1GB", true},        {"size", "1GiB", true},
        {"size", "0", true},           {"size", "4096", false},     {"size", "1kb", false},       {"size", "1TB", false},
        {"bandwidth", "1MB/s", true},  {"bandwidth", "100KB/s", true}, {"bandwidth", "10Mbit/s", true},
        {"bandwidth", "16kbit/s", true}, {"bandwidth", "10Mbps", false}, {"bandwidth", "1MB", false},
        {"bandwidth", "1MB/min", false},
    };
    for (const auto& e : examples) {
        BOOST_TEST_CONTEXT(e.def << " " << e.text) {
            BOOST_TEST(schema().accepts(json(e.text), e.def) == e.ok);
            bool parsed = true;
            try {
                const std::string def = e.def;
                if (def == "duration") (void)surge::parse_duration(e.text);
                else if (def == "rate") (void)surge::sim::parse_rate(e.text);
                else if (def == "size") (void)surge::sim::parse_size(e.text);
                else (void)surge::sim::parse_bandwidth(e.text);
            } catch (const surge::parse_error&) {
                parsed = false;
            }
            BOOST_TEST(parsed == e.ok);
        }
    }
}

BOOST_AUTO_TEST_CASE(threshold_patterns_agree_with_the_loader) {
    struct example {
        const char* metric;
        const char* expression;
        bool ok;
    };
    const example examples[] = {
        {"delivery.latency.p99", "< 1s", true},          {"delivery.latency.p99", "<= 100ms", true},
        {"delivery.latency.p99", "< 0", true},            {"delivery.latency.p99", "< 5", false},
        {"delivery.latency.p99", "< 10KB", false},        {"delivery.latency.p99", "1s", false},
        {"delivery.latency.p99", "=< 1s", false},         {"delivery.success_rate", ">= 0.95", true},
        {"delivery.success_rate", ">= 95%", true},        {"delivery.success_rate", ">= 95 %", true},
        {"delivery.success_rate", ">= 1s", false},        {"delivery.throughput", "> 100/s", true},
        {"delivery.throughput", "> 100", false},          {"memory.peak_bytes", "< 10KB", true},
        {"memory.peak_bytes", "< 10MB/s", false},         {"memory.growth_rate", "> -1MB/s", true},
        {"memory.growth_rate", "< 1KB", false},           {"delivery.lost", "== 0", true},
        {"delivery.lost", "!= 1e3", true},                {"delivery.lost", "< 5%", false},
        {"delivery.lost", "< -1", false},
    };
    for (const auto& e : examples) {
        BOOST_TEST_CONTEXT(e.metric << " " << e.expression) {
            const json doc = {{"name", "t"},
                              {"duration", "10s"},
                              {"load", json::array({{{"at", "0s"}, {"rate", "1/s"}}})},
                              {"thresholds", {{e.metric, e.expression}}}};
            BOOST_TEST(schema().accepts(doc) == e.ok);
            bool loaded = true;
            try {
                (void)surge::sim::load_scenario_text(doc.dump(), "t.json");
            } catch (const surge::sim::input_error&) {
                loaded = false;
            }
            BOOST_TEST(loaded == e.ok);
        }
    }
}

/// The validator itself, on a small schema with each keyword it implements.
BOOST_AUTO_TEST_CASE(validator_keywords) {
    const surge::test::schema_validator v(json::parse(R"({
        "type": "object", "additionalProperties": false, "required": ["a"],
        "properties": {
            "a": {"type": "integer", "minimum": 1, "maximum": 5},
            "b": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1},
            "c": {"enum": ["x", "y"]},
            "d": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/word"}},
            "e": {"oneOf": [{"type": "string"}, {"type": "string", "minLength": 3}]},
            "f": {"anyOf": [{"const": 1}, {"type": "null"}]}
        },
        "$defs": {"word": {"type": "string", "pattern": "^[a-z]+$"}}
    })"));
    BOOST_TEST(v.accepts(json::parse(R"({"a": 3})")));
    BOOST_TEST(v.accepts(json::parse(R"({"a": 3.0, "b": 0.5, "c": "x", "d": ["ab"], "e": "ab", "f": null})")));
    BOOST_TEST(!v.accepts(json::parse(R"({})")));                    // required
    BOOST_TEST(!v.accepts(json::parse(R"({"a": 3, "z": 1})")));      // additionalProperties
    BOOST_TEST(!v.accepts(json::parse(R"({"a": 3.5})")));            // integer
    BOOST_TEST(!v.accepts(json::parse(R"({"a": 0})")));              // minimum
    BOOST_TEST(!v.accepts(json::parse(R"({"a": 6})")));              // maximum
    BOOST_TEST(!v.accepts(json::parse(R"({"a": 1, "b": 0})")));      // exclusiveMinimum
    BOOST_TEST(!v.accepts(json::parse(R"({"a": 1, "b": 1})")));      // exclusiveMaximum
    BOOST_TEST(!v.accepts(json::parse(R"({"a": 1, "c": "z"})")));    // enum
    BOOST_TEST(!v.accepts(json::parse(R"({"a": 1, "d": []})")));     // minItems
    BOOST_TEST(!v.accepts(json::parse(R"({"a": 1, "d": ["A"]})")));  // $ref + pattern
    BOOST_TEST(!v.accepts(json::parse(R"({"a": 1, "e": "abc"})")));  // oneOf: both match
    BOOST_TEST(!v.accepts(json::parse(R"({"a": 1, "f": 2})")));      // anyOf / const
    const auto errors = v.validate(json::parse(R"({"a": 1, "d": ["ok", "NO"]})"));
    BOOST_REQUIRE(errors.size() == 1);
    BOOST_TEST(errors[0].pointer == "/d/1");
}

BOOST_AUTO_TEST_CASE(good_fixtures_pass_schema_and_loader) {
    const auto files = json_files(source_dir / "tests" / "sim" / "good", false);
    BOOST_TEST(files.size() >= 4u);
    for (const auto& f : files) check_good(f);
}

/// Every built-in scenario passes both the schema and the loader.
BOOST_AUTO_TEST_CASE(builtin_scenarios_pass_schema_and_loader) {
    const auto files = json_files(source_dir / "sim" / "scenarios", true);
    BOOST_TEST_MESSAGE(files.size() << " built-in scenario file(s)");
    // The built-in set has 7 top-level scenarios and 16 suite tests: finding none (a moved folder,
    // a wrong SURGE_SOURCE_DIR) must fail, not pass vacuously.
    BOOST_TEST_REQUIRE(files.size() >= 23u);
    for (const auto& f : files) check_good(f);
}

BOOST_AUTO_TEST_CASE(bad_fixtures_are_rejected_with_their_message) {
    const auto files = json_files(source_dir / "tests" / "sim" / "bad", false);
    BOOST_TEST(files.size() >= 15u);
    std::set<std::string> seen;
    for (const auto& f : files) {
        const std::string name = f.filename().string();
        seen.insert(name);
        BOOST_TEST_CONTEXT(name) {
            const auto it = bad_cases().find(name);
            BOOST_TEST_REQUIRE((it != bad_cases().end()), "no expected message listed for " << name);
            const std::string text = read_text(f);
            std::string message;
            try {
                (void)surge::sim::load_scenario_text(text, f.string());
            } catch (const surge::sim::input_error& e) {
                message = e.what();
            }
            BOOST_TEST(!message.empty(), "the loader accepted " << name);
            BOOST_TEST(message.starts_with(f.string() + (name == "syntax_error.json" ? ":" : ": ")), message);
            BOOST_TEST(message.find(it->second) != std::string::npos, message << "\n  does not contain\n" << it->second);

            if (name == "syntax_error.json") continue;
            const bool schema_rejects = !schema().accepts(json::parse(text));
            if (loader_only().count(name) != 0)
                BOOST_TEST(!schema_rejects, name << " is listed as loader-only but the schema rejects it: update the list");
            else
                BOOST_TEST(schema_rejects, "the schema accepts " << name);
        }
    }
    for (const auto& [name, fragment] : bad_cases()) BOOST_TEST(seen.count(name) == 1, name << " is listed but missing");
}

BOOST_AUTO_TEST_SUITE_END()
