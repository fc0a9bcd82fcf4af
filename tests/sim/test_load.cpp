// The scenario loader (sim/load.hpp): exact values of the design example, every unit and
// distribution form, --set overrides and their errors, syntax error positions, "did you mean",
// and that no malformed document crashes it.
#include <boost/test/unit_test.hpp>

#include <sim/load.hpp>
#include <sim/metric_names.hpp>
#include <sim/system.hpp>
#include <sim/units.hpp>

#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

using namespace surge::literals;
using nlohmann::json;
using surge::sim::input_error;
using surge::sim::load_scenario_text;
namespace models = surge::models;

namespace {

// docs/scenarios.md and design.md show this example; it must load unchanged.
const char* const design_example = R"({
  "name": "db-slowdown-under-broadcast",
  "duration": "120s",
  "users": {"count": 5000, "connect": {"ramp": "30s"}, "online": {"mean": "10m"}, "offline": {"mean": "2m"}},
  "links": {"latency": {"median": "40ms", "p99": "250ms"}, "loss": 0.001},
  "server": {"workers": 8, "cost_per_message": "200us", "send_buffer": 256},
  "database": {"pool_size": 20, "max_overflow": 30, "query": {"median": "3ms", "p99": "40ms"}},
  "offline_queue": {"max_messages": 200, "ttl": "1h", "drop": "oldest"},
  "load": [{"at": "0s", "rate": "100/s", "batch": 50, "target": "user"},
           {"at": "60s", "rate": "5000/s", "target": "broadcast"}],
  "faults": [{"at": "80s", "for": "20s", "kind": "db_slowdown", "factor": 10}],
  "thresholds": {"delivery.success_rate": ">= 0.95", "delivery.latency.p99": "< 1s"}
})";

const char* const minimal = R"({"name": "m", "duration": "60s", "load": [{"at": "0s", "rate": "10/s"}]})";

surge::sim::scenario load(const std::string& text, const std::vector<std::string>& sets = {}) {
    return load_scenario_text(text, "t.json", sets).scenario;
}
surge::sim::scenario load_minimal(const std::vector<std::string>& sets) { return load(minimal, sets); }

/// The message of the input_error that loading throws ("" if it loads).
std::string error_of(const std::string& text, const std::vector<std::string>& sets = {}) {
    try {
        (void)load_scenario_text(text, "t.json", sets);
    } catch (const input_error& e) {
        return e.what();
    }
    return "";
}
std::string set_error(const std::vector<std::string>& sets) { return error_of(minimal, sets); }

bool contains(const std::string& haystack, const std::string& needle) { return haystack.find(needle) != std::string::npos; }

/// The lognormal's mean from median and p99, computed here independently of the library.
double lognormal_mean(double median, double p99) {
    const double z99 = 2.3263478740408408;  // the standard normal's 0.99 quantile
    const double mu = std::log(median);
    const double sigma = (std::log(p99) - mu) / z99;
    return std::exp(mu + sigma * sigma / 2);
}

bool close(double a, double b, double rel = 1e-9) { return std::fabs(a - b) <= rel * std::max(std::fabs(a), std::fabs(b)); }

} // namespace

BOOST_AUTO_TEST_SUITE(load_tests)

BOOST_AUTO_TEST_CASE(design_example_exact_values) {
    const auto loaded = load_scenario_text(design_example, "design.json");
    const surge::sim::scenario& sc = loaded.scenario;
    BOOST_TEST(loaded.file == "design.json");
    BOOST_TEST(loaded.document.at("users").at("count") == 5000);
    BOOST_TEST(sc.name == "db-slowdown-under-broadcast");
    BOOST_TEST(sc.description.empty());
    BOOST_TEST(sc.length == 120_s);
    BOOST_TEST(sc.seed == 1u);

    BOOST_TEST(sc.users.count == 5000);
    BOOST_TEST(sc.users.connect_ramp == 30_s);
    BOOST_TEST(sc.users.connect_start == 0_s);
    BOOST_REQUIRE(sc.users.online.has_value());
    BOOST_TEST((sc.users.online->which() == models::duration_dist::kind::exponential));
    BOOST_TEST(close(sc.users.online->mean_seconds(), 600.0));
    BOOST_TEST((sc.users.offline.which() == models::duration_dist::kind::exponential));
    BOOST_TEST(close(sc.users.offline.mean_seconds(), 120.0));

    BOOST_TEST((sc.links.latency.which() == models::duration_dist::kind::lognormal));
    BOOST_TEST(close(sc.links.latency.mean_seconds(), lognormal_mean(0.040, 0.250)));
    BOOST_TEST(sc.links.loss == 0.001);
    BOOST_TEST(sc.links.bandwidth_bytes_per_s == 0.0);   // default: unlimited
    BOOST_TEST(sc.links.handshake.is_constant());       // default 20ms
    BOOST_TEST(sc.links.handshake.mean_seconds() == 0.020);

    BOOST_TEST(sc.server.workers == 8);
    BOOST_TEST(sc.server.cost_per_message.is_constant());
    BOOST_TEST(close(sc.server.cost_per_message.mean_seconds(), 200e-6));
    BOOST_TEST(sc.server.send_buffer == 256);
    BOOST_TEST(sc.server.queue_capacity == 100'000);     // default

    BOOST_TEST(sc.database.pool_size == 20);
    BOOST_TEST(sc.database.max_overflow == 30);
    BOOST_TEST(sc.database.checkout_timeout == 30_s);    // default
    BOOST_TEST((sc.database.query.which() == models::duration_dist::kind::lognormal));
    BOOST_TEST(close(sc.database.query.mean_seconds(), lognormal_mean(0.003, 0.040)));

    BOOST_TEST(sc.offline_queue.enabled);
    BOOST_TEST(sc.offline_queue.max_messages == 200);
    BOOST_REQUIRE(sc.offline_queue.ttl.has_value());
    BOOST_TEST(*sc.offline_queue.ttl == 1_h);
    BOOST_TEST((sc.offline_queue.drop == models::offline_drop_policy::oldest));

    BOOST_REQUIRE(sc.load.size() == 2u);
    const auto& p0 = sc.load[0];
    BOOST_TEST((p0.type == models::load_phase::kind::open));
    BOOST_TEST(p0.at.count() == 0);
    BOOST_TEST(!p0.length.has_value());
    BOOST_TEST(p0.start_rate.per_second == 100.0);
    BOOST_TEST(!p0.end_rate.has_value());
    BOOST_TEST((p0.spacing == models::load_phase::arrivals::poisson));
    BOOST_TEST(p0.batch == 50);
    BOOST_TEST((p0.target == models::target_kind::user));
    BOOST_TEST((p0.priority_weights == std::vector<double>{0, 1, 0, 0}));
    BOOST_TEST(p0.payload.min_bytes == 512);
    const auto& p1 = sc.load[1];
    BOOST_TEST((p1.at == surge::time_point{} + 60_s));
    BOOST_TEST(p1.start_rate.per_second == 5000.0);
    BOOST_TEST(p1.batch == 1);
    BOOST_TEST((p1.target == models::target_kind::broadcast));

    BOOST_REQUIRE(sc.faults.size() == 1u);
    BOOST_TEST((sc.faults[0].type == models::fault::kind::db_slowdown));
    BOOST_TEST((sc.faults[0].at == surge::time_point{} + 80_s));
    BOOST_TEST(sc.faults[0].length == 20_s);
    BOOST_TEST(sc.faults[0].factor == 10.0);

    BOOST_REQUIRE(sc.thresholds.size() == 2u);
    // Object keys come in sorted order.
    BOOST_TEST(sc.thresholds[0].metric == "delivery.latency.p99");
    BOOST_TEST(sc.thresholds[0].expression == "< 1s");
    BOOST_TEST((sc.thresholds[0].comparison == surge::sim::threshold::op::lt));
    BOOST_TEST(sc.thresholds[0].value == 1.0);
    BOOST_TEST(sc.thresholds[1].metric == "delivery.success_rate");
    BOOST_TEST((sc.thresholds[1].comparison == surge::sim::threshold::op::ge));
    BOOST_TEST(sc.thresholds[1].value == 0.95);
}

/// A scenario that sets only the required keys gets every default of models/params.hpp.
BOOST_AUTO_TEST_CASE(defaults_are_those_of_params) {
    const surge::sim::scenario sc = load(minimal);
    const models::scenario d{};
    BOOST_TEST(sc.sample_interval == d.sample_interval);
    BOOST_TEST(sc.drain == d.drain);
    BOOST_TEST(sc.seed == d.seed);
    BOOST_TEST(sc.users.count == d.users.count);
    BOOST_TEST(!sc.users.online.has_value());
    BOOST_TEST(sc.users.offline.mean_seconds() == d.users.offline.mean_seconds());
    BOOST_TEST(sc.users.reconnect.base == d.users.reconnect.base);
    BOOST_TEST(sc.users.reconnect.max == d.users.reconnect.max);
    BOOST_TEST((sc.users.reconnect.jitter == d.users.reconnect.jitter));
    BOOST_TEST(sc.links.ping_interval == d.links.ping_interval);
    BOOST_TEST(!sc.links.mean_time_between_drops.has_value());
    BOOST_TEST(sc.links.slow_bandwidth_bytes_per_s == d.links.slow_bandwidth_bytes_per_s);
    BOOST_TEST(sc.server.workers == d.server.workers);
    BOOST_TEST((sc.server.slow_consumer == d.server.slow_consumer));
    BOOST_TEST(sc.server.queries_per_notification == d.server.queries_per_notification);
    BOOST_TEST(sc.offline_queue.enabled == d.offline_queue.enabled);
    BOOST_TEST(!sc.offline_queue.ttl.has_value());
    BOOST_TEST(close(sc.database.query.mean_seconds(), d.database.query.mean_seconds()));
    BOOST_TEST(!sc.degradation.shedding.enabled);
    BOOST_TEST(!sc.degradation.rate_limit.enabled);
    BOOST_TEST(!sc.degradation.circuit_breaker.enabled);
    BOOST_TEST(sc.degradation.retry.max_attempts == 1);
    BOOST_TEST(sc.memory.per_connection == d.memory.per_connection);
    BOOST_TEST(sc.faults.empty());
    BOOST_TEST(sc.thresholds.empty());
}

BOOST_AUTO_TEST_CASE(duration_forms) {
    const std::pair<const char*, surge::duration> cases[] = {
        {"250ms", 250_ms}, {"1.5s", 1500_ms}, {"2m", 2_min},  {"5min", 5_min}, {"100us", 100_us},
        {"1h", 1_h},       {"3ns", surge::duration::nanoseconds(3)}, {"2\xC2\xB5s", 2_us}, {" 10 s ", 10_s},
    };
    for (const auto& [text, want] : cases) {
        BOOST_TEST_CONTEXT(text) {
            BOOST_TEST(load_minimal({std::string("/duration=") + text}).length == want);
            BOOST_TEST(load_minimal({std::string("/drain=") + text}).drain == want);
        }
    }
    BOOST_TEST(load_minimal({"/drain=0s"}).drain == 0_s);
    BOOST_TEST(load_minimal({"/drain=\"0\""}).drain == 0_s);
    BOOST_TEST(contains(set_error({"/duration=0s"}), "t.json: /duration: expected a duration > 0, found \"0s\""));
    BOOST_TEST(contains(set_error({"/duration=120"}), "/duration: expected a duration string like \"250ms\""));
    BOOST_TEST(contains(set_error({"/duration=120"}), "found 120"));
    BOOST_TEST(contains(set_error({"/duration=-1s"}), "found \"-1s\": durations cannot be negative"));
    BOOST_TEST(contains(set_error({"/duration=\"1.5\""}), "found \"1.5\": the unit is missing"));
}

BOOST_AUTO_TEST_CASE(rate_size_and_bandwidth_forms) {
    using surge::sim::parse_bandwidth;
    using surge::sim::parse_rate;
    using surge::sim::parse_size;
    BOOST_TEST(parse_rate("100/s").per_second == 100.0);
    BOOST_TEST(parse_rate("6000/min").per_second == 100.0);
    BOOST_TEST(parse_rate("6000/m").per_second == 100.0);
    BOOST_TEST(parse_rate("2/ms").per_second == 2000.0);
    BOOST_TEST(parse_rate("3600/h").per_second == 1.0);
    BOOST_TEST(parse_rate("0.5 / s").per_second == 0.5);
    BOOST_TEST(parse_rate("0").per_second == 0.0);
    BOOST_CHECK_THROW(parse_rate("100"), surge::parse_error);
    BOOST_CHECK_THROW(parse_rate("100/parsec"), surge::parse_error);
    BOOST_CHECK_THROW(parse_rate("/s"), surge::parse_error);

    BOOST_TEST(parse_size("512B") == 512);
    BOOST_TEST(parse_size("1KB") == 1000);
    BOOST_TEST(parse_size("1kB") == 1000);
    BOOST_TEST(parse_size("1KiB") == 1024);
    BOOST_TEST(parse_size("1.5MB") == 1'500'000);
    BOOST_TEST(parse_size("1MiB") == 1'048'576);
    BOOST_TEST(parse_size("2GB") == 2'000'000'000);
    BOOST_TEST(parse_size("1GiB") == 1'073'741'824);
    BOOST_TEST(parse_size("0.5B") == 1);  // rounded half-up to whole bytes
    BOOST_TEST(parse_size("0") == 0);
    BOOST_CHECK_THROW(parse_size("4096"), surge::parse_error);
    BOOST_CHECK_THROW(parse_size("1kb"), surge::parse_error);

    BOOST_TEST(parse_bandwidth("1MB/s") == 1e6);
    BOOST_TEST(parse_bandwidth("100KB/s") == 1e5);
    BOOST_TEST(parse_bandwidth("10Mbit/s") == 1.25e6);
    BOOST_TEST(parse_bandwidth("8bit/s") == 1.0);
    BOOST_TEST(parse_bandwidth("1KiB/s") == 1024.0);
    BOOST_CHECK_THROW(parse_bandwidth("10Mbps"), surge::parse_error);
    BOOST_CHECK_THROW(parse_bandwidth("1MB/min"), surge::parse_error);

    // Through a scenario.
    BOOST_TEST(load_minimal({"/load/0/rate=6000/min"}).load[0].start_rate.per_second == 100.0);
    BOOST_TEST(load_minimal({"/users={\"messages\": \"2/min\", \"message_size\": \"1KiB\"}"}).users.messages.per_second ==
               2.0 / 60);
    BOOST_TEST(load_minimal({"/links={\"bandwidth\": \"10Mbit/s\"}"}).links.bandwidth_bytes_per_s == 1.25e6);
    BOOST_TEST(load_minimal({"/links={\"bandwidth\": \"unlimited\"}"}).links.bandwidth_bytes_per_s == 0.0);
    BOOST_TEST(contains(set_error({"/links={\"bandwidth\": \"0B/s\"}"}), "/links/bandwidth: expected a bandwidth > 0 (write \"unlimited\""));
    BOOST_TEST(contains(set_error({"/links={\"slow\": {\"bandwidth\": \"unlimited\"}}"}), "/links/slow/bandwidth: expected a bandwidth string"));
    const auto payload = load_minimal({"/load/0/payload={\"min\": \"1KB\", \"max\": \"1KiB\"}"}).load[0].payload;
    BOOST_TEST(payload.min_bytes == 1000);
    BOOST_TEST(payload.max_bytes == 1024);
    BOOST_TEST(contains(set_error({"/load/0/payload={\"min\": \"2KB\", \"max\": \"1KB\"}"}),
                        "/load/0/payload/max: expected a size >= min (2000 B), found \"1KB\""));
    BOOST_TEST(contains(set_error({"/load/0/rate=100"}), "/load/0/rate: expected a rate string like \"100/s\""));
    BOOST_TEST(contains(set_error({"/load/0/rate=5"}), "found 5"));  // a JSON number
}

BOOST_AUTO_TEST_CASE(distribution_forms) {
    using kind = models::duration_dist::kind;
    struct form {
        const char* json;
        kind k;
        double mean;
    };
    const form forms[] = {
        {R"("5ms")", kind::constant, 0.005},
        {R"({"constant": "5ms"})", kind::constant, 0.005},
        {R"({"mean": "10ms"})", kind::exponential, 0.010},
        {R"({"median": "40ms", "p99": "250ms"})", kind::lognormal, lognormal_mean(0.040, 0.250)},
        {R"({"min": "10ms", "max": "30ms"})", kind::uniform, 0.020},
        {R"({"mean": "20ms", "stddev": "5ms"})", kind::normal, 0.020},
        {R"({"dist": "pareto", "scale": "1ms", "shape": 3})", kind::pareto, 0.0015},
        {R"({"dist": "weibull", "scale": "10ms", "shape": 1})", kind::weibull, 0.010},
        {R"({"dist": "gamma", "mean": "6ms", "shape": 3})", kind::gamma, 0.006},
        {R"({"dist": "constant", "value": "7ms"})", kind::constant, 0.007},
        {R"({"dist": "exponential", "mean": "10ms"})", kind::exponential, 0.010},
        {R"({"dist": "lognormal", "median": "3ms", "p99": "40ms"})", kind::lognormal, lognormal_mean(0.003, 0.040)},
        {R"({"dist": "uniform", "min": "0s", "max": "2ms"})", kind::uniform, 0.001},
        {R"({"dist": "normal", "mean": "1s", "stddev": "0s"})", kind::normal, 1.0},
    };
    for (const auto& f : forms) {
        BOOST_TEST_CONTEXT(f.json) {
            const auto d = load_minimal({std::string("/links={\"latency\": ") + f.json + "}"}).links.latency;
            BOOST_TEST((d.which() == f.k));
            BOOST_TEST(close(d.mean_seconds(), f.mean, 1e-6));
        }
    }
    // Optional distributions: present sets, null clears.
    BOOST_TEST(load_minimal({"/users={\"online\": {\"mean\": \"1m\"}}"}).users.online.has_value());
    BOOST_TEST(!load(design_example, {"/users/online=null"}).users.online.has_value());
}

BOOST_AUTO_TEST_CASE(distribution_errors) {
    const auto err = [](const std::string& dist) { return set_error({"/links={\"latency\": " + dist + "}"}); };
    BOOST_TEST(contains(err("{}"), "/links/latency: the object is empty; expected a duration distribution"));
    BOOST_TEST(contains(err(R"({"median": "3ms"})"), "/links/latency: a lognormal needs both \"median\" and \"p99\""));
    BOOST_TEST(contains(err(R"({"min": "3ms"})"), "a uniform distribution needs both \"min\" and \"max\""));
    BOOST_TEST(contains(err(R"({"stddev": "3ms"})"), "a normal distribution needs \"mean\" and \"stddev\""));
    BOOST_TEST(contains(err(R"({"scale": "3ms", "shape": 2})"), "needs \"dist\": \"pareto\", \"weibull\" or \"gamma\""));
    BOOST_TEST(contains(err(R"({"constant": "3ms", "mean": "3ms"})"), "the keys \"constant\", \"mean\" do not form one distribution"));
    BOOST_TEST(contains(err(R"({"meen": "3ms"})"), "/links/latency/meen: unknown key; did you mean 'mean'?"));
    BOOST_TEST(contains(err("5"), "/links/latency: expected a duration distribution: a duration string (constant)"));
    BOOST_TEST(contains(err(R"({"dist": "cauchy"})"), "/links/latency/dist: expected one of \"constant\", \"exponential\""));
    BOOST_TEST(contains(err(R"({"dist": "pareto", "scale": "1ms"})"),
                        "/links/latency/shape: required key is missing; a pareto distribution needs scale and shape"));
    BOOST_TEST(contains(err(R"({"dist": "pareto", "scale": "1ms", "shape": -1})"),
                        "/links/latency/shape: expected a number > 0, found -1"));
    BOOST_TEST(contains(err(R"({"dist": "gamma", "mean": "1ms", "shape": 2, "scale": "1ms"})"),
                        "/links/latency/scale: 'scale' does not belong to a gamma distribution (it takes mean, shape)"));
    BOOST_TEST(contains(err(R"({"mean": "0s"})"), "/links/latency/mean: expected a duration > 0, found \"0s\""));
    BOOST_TEST(contains(err(R"({"min": "3ms", "max": "1ms"})"), "/links/latency/max: expected a duration >= min (3ms), found \"1ms\""));
    BOOST_TEST(contains(err(R"({"median": "3ms", "p99": "3ms"})"),
                        "/links/latency/p99: expected a duration greater than the median (3ms)"));
}

BOOST_AUTO_TEST_CASE(phases_open_and_closed) {
    const auto sc = load(R"({"name": "p", "duration": "10m", "users": {"count": 50}, "load": [
        {"at": "0s", "for": "1m", "rate": "10/s", "ramp_to": "100/s", "arrivals": "uniform", "target": "users",
         "recipients": 50, "priority": {"normal": 3, "critical": 1}},
        {"at": "1m", "clients": 20, "think": {"mean": "2s"}, "requests": 5, "batch": 4, "priority": "high"}]})");
    BOOST_REQUIRE(sc.load.size() == 2u);
    const auto& open = sc.load[0];
    BOOST_TEST((open.type == models::load_phase::kind::open));
    BOOST_TEST(*open.length == 1_min);
    BOOST_TEST(open.end_rate->per_second == 100.0);
    BOOST_TEST((open.spacing == models::load_phase::arrivals::uniform));
    BOOST_TEST((open.target == models::target_kind::users));
    BOOST_TEST(open.recipients == 50);
    BOOST_TEST((open.priority_weights == std::vector<double>{0, 3, 0, 1}));
    const auto& closed = sc.load[1];
    BOOST_TEST((closed.type == models::load_phase::kind::closed));
    BOOST_TEST(closed.clients == 20);
    BOOST_TEST(closed.think.mean_seconds() == 2.0);
    BOOST_TEST(closed.requests_per_client == 5);
    BOOST_TEST(closed.batch == 4);
    BOOST_TEST((closed.priority_weights == std::vector<double>{0, 0, 1, 0}));

    BOOST_TEST(contains(set_error({"/load/0/think=1s"}),
                        "/load/0/think: 'think' applies to closed phases (with \"clients\"), not to open ones"));
    BOOST_TEST(contains(set_error({"/load/0/target=users", "/load/0/recipients=101"}),
                        "/load/0/recipients: expected an integer between 1 and users.count (100), found 101"));
    BOOST_TEST(contains(set_error({"/load/0/priority={}"}), "/load/0/priority: expected weights with at least one > 0"));
    BOOST_TEST(contains(set_error({"/load/0/priority=urgent"}), "/load/0/priority: expected one of \"low\", \"normal\""));
    BOOST_TEST(contains(set_error({"/load/0/batch=0"}), "/load/0/batch: expected an integer >= 1, found 0"));
    BOOST_TEST(contains(set_error({"/load/0/target=user_list"}), "did you mean \"user\"?"));
    BOOST_TEST(contains(set_error({"/load/0/clients=0"}), "/load/0/rate: 'rate' applies to open phases"));
    BOOST_TEST(contains(set_error({"/load/0=5"}), "/load/0: expected a load phase object, found 5"));
    BOOST_TEST(contains(set_error({"/load={}"}), "/load: expected a non-empty array of load phases, found {}"));
    // Phases that start together are sorted.
    BOOST_TEST(load_minimal({"/load/-={\"at\": \"0s\", \"rate\": \"1/s\"}"}).load.size() == 2u);
}

BOOST_AUTO_TEST_CASE(degradation_sections) {
    const auto sc = load_minimal({R"(/degradation={"shedding": {"keep": "critical"}, "rate_limit": {"enabled": false},
        "circuit_breaker": {"failure_threshold": 3, "open_for": "2s"}, "retry": {"max_attempts": 4, "base": "10ms"},
        "request_timeout": "3s"})"});
    BOOST_TEST(sc.degradation.shedding.enabled);  // present without "enabled": on
    BOOST_TEST((sc.degradation.shedding.keep_at_least == models::priority_class::critical));
    BOOST_TEST(sc.degradation.shedding.queue_threshold == 1000);
    BOOST_TEST(!sc.degradation.rate_limit.enabled);
    BOOST_TEST(sc.degradation.circuit_breaker.enabled);
    BOOST_TEST(sc.degradation.circuit_breaker.failure_threshold == 3);
    BOOST_TEST(sc.degradation.circuit_breaker.open_for == 2_s);
    BOOST_TEST(sc.degradation.retry.max_attempts == 4);
    BOOST_TEST(sc.degradation.retry.backoff.base == 10_ms);
    BOOST_TEST(sc.degradation.retry.backoff.max == 2_s);  // default kept
    BOOST_TEST(*sc.degradation.request_timeout == 3_s);
    BOOST_TEST(contains(set_error({R"(/degradation={"retry": {"base": "5s"}})"}),
                        "/degradation/retry/base: expected a duration <= max (2s), found \"5s\""));
    BOOST_TEST(contains(set_error({R"(/degradation={"rate_limit": {"rate": "0/s"}})"}),
                        "/degradation/rate_limit/rate: expected a rate > 0, found \"0/s\""));
    BOOST_TEST(contains(set_error({R"(/degradation={"shedding": {"enabled": "yes"}})"}),
                        "/degradation/shedding/enabled: expected true or false, found \"yes\""));
}

BOOST_AUTO_TEST_CASE(fault_kinds) {
    const auto sc = load(R"({"name": "f", "duration": "10m", "server": {"workers": 6},
        "load": [{"at": "0s", "rate": "1/s"}], "faults": [
        {"at": "1m", "kind": "db_outage", "error_after": "2s"},
        {"at": "2m", "kind": "disconnect_storm", "fraction": 0.25, "silent": true},
        {"at": "3m", "for": "30s", "kind": "latency_spike", "extra": "100ms"},
        {"at": "4m", "kind": "latency_spike", "factor": 3},
        {"at": "5m", "kind": "worker_loss", "workers": 6}]})");
    BOOST_REQUIRE(sc.faults.size() == 5u);
    BOOST_TEST((sc.faults[0].type == models::fault::kind::db_outage));
    BOOST_TEST(sc.faults[0].error_after == 2_s);
    BOOST_TEST(sc.faults[0].length == 10_s);  // default
    BOOST_TEST((sc.faults[1].type == models::fault::kind::disconnect_storm));
    BOOST_TEST(sc.faults[1].fraction == 0.25);
    BOOST_TEST(sc.faults[1].silent);
    BOOST_TEST(sc.faults[1].length == 0_s);
    BOOST_TEST(sc.faults[2].extra == 100_ms);
    BOOST_TEST(sc.faults[2].factor == 1.0);  // only "extra": no multiplication
    BOOST_TEST(sc.faults[2].length == 30_s);
    BOOST_TEST(sc.faults[3].factor == 3.0);
    BOOST_TEST(sc.faults[3].extra == 0_s);
    BOOST_TEST(sc.faults[4].workers == 6);

    const std::string base = R"({"name": "f", "duration": "10m", "load": [{"at": "0s", "rate": "1/s"}], "faults": [)";
    BOOST_TEST(contains(error_of(base + R"({"at": "1m", "kind": "worker_loss", "factor": 2}]})"),
                        "/faults/0/factor: 'factor' applies to db_slowdown and latency_spike, not worker_loss"));
    BOOST_TEST(contains(error_of(base + R"({"at": "1m", "kind": "db_slow"}]})"),
                        "/faults/0/kind: expected one of \"db_slowdown\", \"db_outage\", \"disconnect_storm\", \"latency_spike\", "
                        "\"worker_loss\", found \"db_slow\"; did you mean \"db_slowdown\"?"));
    BOOST_TEST(contains(error_of(base + R"({"at": "1m"}]})"), "/faults/0/kind: required key is missing"));
    BOOST_TEST(contains(error_of(base + R"({"at": "10m", "kind": "db_outage"}]})"),
                        "/faults/0/at: expected a time before the end of the run (duration 600s), found \"10m\""));
    BOOST_TEST(contains(error_of(base + R"({"at": "1m", "kind": "db_outage", "fro": "1s"}]})"),
                        "/faults/0/fro: unknown key; did you mean 'for'?"));
    BOOST_TEST(contains(error_of(base + R"({"at": "1m", "kind": "db_slowdown", "factor": 0}]})"),
                        "/faults/0/factor: expected a number > 0, found 0"));
    BOOST_TEST(contains(error_of(R"({"name": "f", "duration": "10m", "load": [{"at": "0s", "rate": "1/s"}], "faults": {}})"),
                        "/faults: expected an array of faults, found {}"));
}

BOOST_AUTO_TEST_CASE(threshold_expressions) {
    struct example {
        const char* metric;
        const char* expression;
        surge::sim::threshold::op op;
        double value;
    };
    using op = surge::sim::threshold::op;
    const example examples[] = {
        {"delivery.latency.p99", "< 1s", op::lt, 1.0},
        {"delivery.latency.p99", "<= 100ms", op::le, 0.1},
        {"delivery.latency.p99", "<0", op::lt, 0.0},
        {"delivery.success_rate", ">= 0.95", op::ge, 0.95},
        {"delivery.success_rate", ">= 95%", op::ge, 0.95},
        {"notifications.throughput", "> 100/s", op::gt, 100.0},
        {"notifications.throughput", "> 6000/min", op::gt, 100.0},
        {"memory.bytes_per_notification", "< 10KB", op::lt, 10'000.0},
        {"memory.peak_bytes", "< 1GiB", op::lt, 1073741824.0},
        {"memory.growth_rate", "> -1KB/s", op::gt, -1000.0},
        {"memory.growth_rate", "< 10Mbit/s", op::lt, 1.25e6},
        {"delivery.lost", "== 0", op::eq, 0.0},
        {"connections.peak", "!= 1e3", op::ne, 1000.0},
        {"server.utilization", "<  0.8 ", op::lt, 0.8},
    };
    for (const auto& e : examples) {
        BOOST_TEST_CONTEXT(e.metric << " " << e.expression) {
            const auto sc = load_minimal({std::string("/thresholds={\"") + e.metric + "\": \"" + e.expression + "\"}"});
            BOOST_REQUIRE(sc.thresholds.size() == 1u);
            BOOST_TEST(sc.thresholds[0].metric == e.metric);
            BOOST_TEST(sc.thresholds[0].expression == e.expression);
            BOOST_TEST((sc.thresholds[0].comparison == e.op));
            BOOST_TEST(close(sc.thresholds[0].value, e.value));
        }
    }
    const auto err = [](const std::string& metric, const std::string& expr) {
        return set_error({"/thresholds={\"" + metric + "\": \"" + expr + "\"}"});
    };
    BOOST_TEST(contains(err("delivery.latency.p99", "< 10KB"),
                        "/thresholds/delivery.latency.p99: \"< 10KB\": 10KB is a size, but delivery.latency.p99 is in seconds"));
    BOOST_TEST(contains(err("delivery.latency.p99", "< 100/s"), "100/s is a rate, but delivery.latency.p99 is in seconds"));
    BOOST_TEST(contains(err("memory.peak_bytes", "< 1s"), "1s is a duration, but memory.peak_bytes is in bytes"));
    BOOST_TEST(contains(err("delivery.lost", "< 5%"), "5% is a percentage, but delivery.lost is a count"));
    BOOST_TEST(contains(err("delivery.throughput", "> 100"), "\"> 100\": the unit is missing: delivery.throughput is a rate"));
    BOOST_TEST(contains(err("delivery.latency.p99", "1s"), "expected a comparison like \"< 1s\""));
    BOOST_TEST(contains(err("delivery.latency.p99", "<"), "the value after the operator is missing"));
    BOOST_TEST(contains(err("delivery.latency.p99", "< 1 parsec"), "unknown unit \"parsec\""));
    BOOST_TEST(contains(err("delivery.latency.p99", "< -1s"), "delivery.latency.p99 is never negative"));
    BOOST_TEST(contains(err("delivery.success_rate", ">= 1.5"), "a ratio is between 0 and 1"));
    BOOST_TEST(contains(set_error({"/thresholds={\"delivery.latency.p99\": 1}"}), "found 1"));
    BOOST_TEST(contains(set_error({"/thresholds=[]"}), "/thresholds: expected an object of metric -> comparison"));
}

/// The object form: {"limit": COMPARISON, "required": BOOL}; the string form is not required.
BOOST_AUTO_TEST_CASE(threshold_objects) {
    const auto sc = load_minimal({R"(/thresholds={"memory.peak_bytes": {"limit": "< 1GB", "required": true},)"
                                  R"( "delivery.latency.p99": {"limit": "< 2s"}, "delivery.lost": "== 0"})"});
    BOOST_REQUIRE(sc.thresholds.size() == 3u);
    const auto of = [&](std::string_view metric) {
        for (const auto& t : sc.thresholds)
            if (t.metric == metric) return t;
        BOOST_FAIL("no threshold on " << metric);
        return surge::sim::threshold{};
    };
    BOOST_TEST(of("memory.peak_bytes").expression == "< 1GB");
    BOOST_TEST(close(of("memory.peak_bytes").value, 1e9));
    BOOST_TEST(of("memory.peak_bytes").required);
    BOOST_TEST(!of("delivery.latency.p99").required);
    BOOST_TEST(close(of("delivery.latency.p99").value, 2.0));
    BOOST_TEST(!of("delivery.lost").required);
    BOOST_TEST(contains(set_error({R"(/thresholds={"delivery.lost": {"limit": "== 0", "requried": true}})"}),
                        "/thresholds/delivery.lost/requried: unknown key"));
    BOOST_TEST(contains(set_error({R"(/thresholds={"delivery.lost": {"required": true}})"}),
                        "/thresholds/delivery.lost: missing key \"limit\""));
    BOOST_TEST(contains(set_error({R"(/thresholds={"delivery.lost": {"limit": "== 0", "required": "yes"}})"}),
                        "/thresholds/delivery.lost/required: expected true or false"));
    BOOST_TEST(contains(set_error({R"(/thresholds={"delivery.lost": {"limit": "< 1s"}})"}),
                        "/thresholds/delivery.lost/limit: \"< 1s\": 1s is a duration, but delivery.lost is a count"));
}

BOOST_AUTO_TEST_CASE(metric_names) {
    const auto& names = surge::sim::known_metrics();
    BOOST_TEST(names.size() == surge::sim::metric_catalogue().size());
    BOOST_TEST(std::set<std::string>(names.begin(), names.end()).size() == names.size());
    const std::set<std::string> units{"s", "1/s", "B", "B/s", "ratio", "count"};
    for (const auto& m : surge::sim::metric_catalogue()) BOOST_TEST(units.count(m.unit) == 1u, m.name << " " << m.unit);
    BOOST_TEST(surge::sim::metric_unit("delivery.latency.p99") == "s");
    BOOST_TEST(surge::sim::metric_unit("memory.growth_rate") == "B/s");
    BOOST_TEST(surge::sim::metric_unit("no.such").empty());

    const auto err = [](const std::string& metric) { return set_error({"/thresholds={\"" + metric + "\": \"== 0\"}"}); };
    BOOST_TEST(contains(err("delivery.latncy.p99"), "/thresholds/delivery.latncy.p99: unknown metric; did you mean 'delivery.latency.p99'?"));
    BOOST_TEST(contains(err("database.pool_wait.p95"), "did you mean 'database.pool_wait.p99'?"));
    BOOST_TEST(contains(err("database.whatever"), "unknown metric; the database metrics are: database.queries, database.failures"));
    BOOST_TEST(contains(err("latency"), "unknown metric; metrics are grouped by area: notifications, operations, delivery"));
}

/// The catalogue thresholds are checked against covers what a run reports, unit for unit.
BOOST_AUTO_TEST_CASE(metric_catalogue_covers_a_run) {
    const auto loaded = surge::sim::load_scenario_file(std::string(SURGE_SOURCE_DIR) + "/tests/sim/good/everything.json",
                                                       {"/duration=20s", "/users/count=50", "/load/0/recipients=10",
                                                        "/load/1/at=5s", "/load/2/at=10s", "/faults=[]"});
    const auto result = surge::sim::run(loaded.scenario, {});
    BOOST_TEST(result.completed, result.error);
    BOOST_TEST(result.metrics.size() > 0u);
    for (const auto& m : result.metrics.items())
        BOOST_TEST(surge::sim::metric_unit(m.name) == m.unit, m.name << " [" << m.unit << "] is not in the catalogue with that unit");
}


BOOST_AUTO_TEST_CASE(unknown_keys_and_did_you_mean) {
    using surge::sim::load_detail::closest;
    using surge::sim::load_detail::edit_distance;
    BOOST_TEST(edit_distance("pool_sise", "pool_size") == 1u);
    BOOST_TEST(edit_distance("fro", "for") == 1u);  // a transposition is one edit
    BOOST_TEST(edit_distance("", "abc") == 3u);
    const std::vector<std::string> keys{"pool_size", "max_overflow", "checkout_timeout", "connect", "query", "query_timeout"};
    BOOST_TEST(closest("pool_sise", keys) == "pool_size");
    BOOST_TEST(closest("max_overflw", keys) == "max_overflow");
    BOOST_TEST(closest("checkout", keys) == "checkout_timeout");  // a prefix
    BOOST_TEST(closest("queries", keys) == "");
    BOOST_TEST(closest("xy", {"ab"}) == "");                        // two edits of two letters is no match

    BOOST_TEST(error_of(R"({"name": "n", "duration": "1s", "load": [{"at": "0s", "rate": "1/s"}], "database": {"pool_sise": 3}})") ==
               "t.json: /database/pool_sise: unknown key; did you mean 'pool_size'?");
    BOOST_TEST(contains(set_error({"/users={\"cont\": 1}"}), "/users/cont: unknown key; did you mean 'count'?"));
    BOOST_TEST(contains(set_error({"/server={\"wrokers\": 1}"}), "/server/wrokers: unknown key; did you mean 'workers'?"));
    BOOST_TEST(contains(set_error({"/database={\"pool_timeout\": \"1s\"}"}),
                        "/database/pool_timeout: unknown key; allowed: pool_size, max_overflow, checkout_timeout, connect, query, "
                        "query_timeout"));
    BOOST_TEST(contains(set_error({"/load/0/rates=1/s"}), "/load/0/rates: unknown key; did you mean 'rate'?"));
    BOOST_TEST(contains(set_error({"/~1odd~0key=1"}), "t.json: /~1odd~0key: unknown key"));
}

BOOST_AUTO_TEST_CASE(wrong_types_name_the_place) {
    BOOST_TEST(set_error({"/users=many"}) == "t.json: /users: expected an object, found \"many\" (the value comes from --set /users=many)");
    BOOST_TEST(contains(set_error({"/users={\"count\": \"5\"}"}), "/users/count: expected an integer >= 0, found \"5\""));
    BOOST_TEST(contains(set_error({"/users={\"count\": 2.5}"}), "/users/count: expected an integer >= 0, found 2.5"));
    BOOST_TEST(load_minimal({"/users={\"count\": 20.0}"}).users.count == 20);  // an integral number is an integer
    BOOST_TEST(contains(set_error({"/server={\"workers\": 1e30}"}), "/server/workers: expected an integer between 1 and 1000000 (the limit on server.workers"));
    BOOST_TEST(contains(set_error({"/name=5"}), "/name: expected a string, found 5"));
    BOOST_TEST(contains(set_error({"/name=\"\""}), "/name: expected a non-empty string, found \"\""));
    BOOST_TEST(contains(set_error({"/offline_queue={\"enabled\": 1}"}), "/offline_queue/enabled: expected true or false, found 1"));
    BOOST_TEST(contains(set_error({"/links={\"loss\": \"1%\"}"}), "/links/loss: expected a number >= 0 and < 1, found \"1%\""));
    BOOST_TEST(contains(set_error({"/links={\"connect_failure\": 2}"}), "/links/connect_failure: expected a number between 0 and 1"));
    BOOST_TEST(contains(set_error({"/seed=1.5"}), "/seed: expected an integer between 0 and 18446744073709551615, found 1.5"));
    BOOST_TEST(contains(set_error({"/memory={\"per_request\": {}}"}), "/memory/per_request: expected a size string"));
    const std::string long_value(200, 'x');
    const std::string e = set_error({"/users=" + long_value});
    BOOST_TEST(contains(e, "found \"" + std::string(56, 'x') + "\u2026 (200 bytes)"));  // long values are cut short
    BOOST_TEST(!contains(e, std::string(100, 'x')));  // in the value and in the --set note
    BOOST_TEST(error_of("[1, 2]") == "t.json: expected a JSON object (a scenario) at the top level, found [1,2]");
    BOOST_TEST(contains(error_of(R"({"duration": "1s", "load": []})"), "t.json: /name: required key is missing"));
}

/// Every value of a full scenario replaced by values of every other type: each gives an
/// input_error that names the file, never another exception.
BOOST_AUTO_TEST_CASE(never_crashes_on_wrong_values) {
    std::ifstream in(std::filesystem::path(SURGE_SOURCE_DIR) / "tests" / "sim" / "good" / "everything.json");
    const json doc = json::parse(in);
    std::set<std::string> pointers;
    const json flat = doc.flatten();
    for (const auto& item : flat.items()) {
        // The leaf and each of its containers.
        std::string p = item.key();
        while (!p.empty()) {
            pointers.insert(p);
            p = p.substr(0, p.rfind('/'));
        }
    }
    const json replacements[] = {nullptr, true, "zzz", -1, 0.5, 1e300, json::array(), json::object(), "0", "1s"};
    std::size_t rejected = 0, total = 0;
    for (const auto& p : pointers) {
        for (const auto& r : replacements) {
            json d = doc;
            d[json::json_pointer(p)] = r;
            ++total;
            try {
                (void)load_scenario_text(d.dump(), "e.json");
            } catch (const input_error& e) {
                ++rejected;
                BOOST_TEST(std::string(e.what()).starts_with("e.json: /"), p << " = " << r.dump() << ": " << e.what());
            } catch (const std::exception& e) {
                BOOST_ERROR(p << " = " << r.dump() << " threw a non-input_error: " << e.what());
            }
        }
    }
    BOOST_TEST_MESSAGE(rejected << " of " << total << " mutations rejected");
    BOOST_TEST(rejected > total * 3 / 4);
}

BOOST_AUTO_TEST_CASE(set_overrides) {
    const auto loaded = load_scenario_text(design_example, "d.json",
                                           {"/database/pool_size=7", "/load/1/rate=250/s", "/duration=30m", "/name=\"quoted\"",
                                            "/faults/0={\"at\": \"1s\", \"kind\": \"worker_loss\"}", "/users/online=null",
                                            "/load/-={\"at\": \"70s\", \"clients\": 3}", "/description=what if"});
    const auto& sc = loaded.scenario;
    BOOST_TEST(sc.database.pool_size == 7);
    BOOST_TEST(sc.load[1].start_rate.per_second == 250.0);
    BOOST_TEST(sc.length == 30_min);  // "30m" is not JSON, so it is taken as a string
    BOOST_TEST(sc.name == "quoted");
    BOOST_TEST((sc.faults[0].type == models::fault::kind::worker_loss));
    BOOST_TEST(!sc.users.online.has_value());
    BOOST_REQUIRE(sc.load.size() == 3u);
    BOOST_TEST(sc.load[2].clients == 3);
    BOOST_TEST(sc.description == "what if");
    // The document is the one after overrides.
    BOOST_TEST(loaded.document.at("database").at("pool_size") == 7);
    BOOST_TEST(loaded.document.at("duration") == "30m");
    // Later overrides win.
    BOOST_TEST(load_minimal({"/duration=1m", "/duration=2m"}).length == 2_min);
    // Validation errors of an overridden value say where it came from.
    BOOST_TEST(error_of(design_example, {"/server/workers=0"}) ==
               "t.json: /server/workers: expected an integer >= 1, found 0 (the value comes from --set /server/workers=0)");
    BOOST_TEST(contains(error_of(design_example, {"/database/pool_sise=3"}),
                        "/database/pool_sise: unknown key; did you mean 'pool_size'? (the value comes from --set "));
}

BOOST_AUTO_TEST_CASE(set_errors) {
    BOOST_TEST(set_error({"/duration"}) ==
               "--set /duration: expected POINTER=VALUE, e.g. --set /server/workers=16 (there is no '=')");
    BOOST_TEST(set_error({"duration=1s"}) ==
               "--set duration=1s: the part before '=' must be a JSON pointer starting with '/', e.g. /database/pool_size");
    BOOST_TEST(contains(set_error({"=1s"}), "must be a JSON pointer starting with '/'"));
    BOOST_TEST(contains(set_error({"/a~2b=1"}), "--set /a~2b=1: bad JSON pointer: "));
    BOOST_TEST(set_error({"/server/workers=16"}) ==
               "--set /server/workers=16: no such parent /server in the scenario (set the whole /server object instead)");
    BOOST_TEST(contains(set_error({"/users/reconnect/base=1s", "/x=1"}), "--set /users/reconnect/base=1s: no such parent /users"));
    BOOST_TEST(set_error({"/load/3=1"}) == "--set /load/3=1: index 3 is not an element of /load (it has 1 elements; /load/- appends)");
    BOOST_TEST(set_error({"/load/01=1"}) == "--set /load/01=1: index 01 is not an element of /load (it has 1 elements; /load/- appends)");
    BOOST_TEST(set_error({"/load/9/rate=1/s"}) == "--set /load/9/rate=1/s: no such parent /load/9: /load has 1 elements");
    BOOST_TEST(set_error({"/load/x/rate=1/s"}) == "--set /load/x/rate=1/s: no such parent /load/x: /load has 1 elements");
    BOOST_TEST(set_error({"/duration/x=1"}) == "--set /duration/x=1: /duration is a string, not an object or array");
    BOOST_TEST(set_error({"/duration/x/y=1"}) == "--set /duration/x/y=1: no such parent /duration/x: /duration is a string");
    // A new key is set, and validation then names it.
    BOOST_TEST(contains(set_error({"/colour=red"}), "t.json: /colour: unknown key"));
    // The value: JSON if it parses, else a string.
    BOOST_TEST(load_minimal({"/seed=7"}).seed == 7u);
    BOOST_TEST(contains(set_error({"/seed=seven"}), "/seed: expected an integer between 0 and 18446744073709551615, found \"seven\""));
    BOOST_TEST(load_minimal({"/description="}).description.empty());
    BOOST_TEST(load_minimal({"/description=a=b"}).description == "a=b");  // split at the first '='
    // A string value must be UTF-8 (fuzz_scenario's finding: it reached the report writer, which threw).
    BOOST_TEST(set_error({"/description=ab\xC0" "cd"}) ==
               "--set /description=ab\xC0" "cd: the value is not UTF-8 text (invalid UTF-8 byte at index 2: 0xC0)");
    BOOST_TEST(load_minimal({"/description=caf\xC3\xA9"}).description == "caf\xC3\xA9");  // UTF-8 is kept
}

BOOST_AUTO_TEST_CASE(syntax_errors_name_line_and_column) {
    // Line 3, column 17 is the 's' that follows the number 10.
    const std::string text = "{\n  \"name\": \"x\",\n  \"duration\": 10s\n}\n";
    BOOST_TEST(contains(error_of(text), "t.json:3:17: JSON syntax error: "));
    // A trailing comma: the '}' on line 4, column 1.
    BOOST_TEST(error_of("{\n  \"a\": 1,\n  \"b\": 2,\n}") ==
               "t.json:4:1: JSON syntax error: unexpected '}'; expected string literal (while parsing object key)");
    // Columns count characters, not bytes: "é" is two bytes, one column.
    BOOST_TEST(contains(error_of("{\"name\": \"\xC3\xA9\", x}"), "t.json:1:15: JSON syntax error: "));
    // The end of the input.
    BOOST_TEST(error_of("") == "t.json:1:1: JSON syntax error: unexpected end of input; expected '[', '{', or a literal (while parsing value)");
    BOOST_TEST(contains(error_of("{\n\"a\": [1,\n"), "t.json:3:1: JSON syntax error: unexpected end of input"));
    // A number too large for a double is found in the text.
    BOOST_TEST(error_of("{\n  \"seed\": 1e400}") == "t.json:2:11: JSON error: number overflow parsing '1e400'");
    BOOST_TEST(contains(set_error({"/load/0/rate=\"1" + std::string(400, '0') + "/s\""}), "it is too large"));
    // No comments: a scenario is plain JSON.
    BOOST_TEST(contains(error_of("// hi\n{}"), "t.json:1:1: JSON syntax error: "));
    // Duplicate keys are reported with their pointer, inside arrays too.
    BOOST_TEST(error_of(R"({"load": [{"at": "0s"}, {"at": "1s", "rate": "1/s", "at": "2s"}]})") ==
               "t.json: /load/1/at: duplicate key (each key may appear once in an object)");
    BOOST_TEST(contains(error_of(R"({"a": [[1, 2], {"b": {"c": 1, "c": 2}}]})"), "t.json: /a/1/b/c: duplicate key"));
}

BOOST_AUTO_TEST_CASE(reading_files) {
    BOOST_TEST(std::string(surge::sim::load_scenario_file(std::string(SURGE_SOURCE_DIR) + "/tests/sim/good/minimal.json").scenario.name) ==
               "minimal");
    try {
        (void)surge::sim::load_scenario_file("/nonexistent/scenario.json");
        BOOST_ERROR("no error for a missing file");
    } catch (const input_error& e) {
        BOOST_TEST(std::string(e.what()) == "/nonexistent/scenario.json: cannot read: No such file or directory");
    }
    try {
        (void)surge::sim::load_scenario_file(SURGE_SOURCE_DIR);
        BOOST_ERROR("no error for a directory");
    } catch (const input_error& e) {
        BOOST_TEST(std::string(e.what()) == std::string(SURGE_SOURCE_DIR) + ": cannot read: Is a directory");
    }
    // The file name in messages is the path as given.
    const auto file = std::string(SURGE_SOURCE_DIR) + "/tests/sim/bad/misspelt_key.json";
    try {
        (void)surge::sim::load_scenario_file(file, {"/users={}"});
        BOOST_ERROR("no error");
    } catch (const input_error& e) {
        BOOST_TEST(std::string(e.what()) == file + ": /database/pool_sise: unknown key; did you mean 'pool_size'?");
    }
}

/// The live replay's "protocol" section is the tool's (tools/replay/protocol_section.hpp, tested
/// in tests/tools): the loader allows the key and carries the value without reading it.
BOOST_AUTO_TEST_CASE(protocol_section_is_carried_raw) {
    const auto plain = surge::sim::load_scenario_text(minimal, "t.json");
    BOOST_TEST(!plain.protocol.has_value());
    const auto loaded = surge::sim::load_scenario_text(minimal, "t.json", {"/protocol={\"protocol\": \"mqtt\"}"});
    BOOST_REQUIRE(loaded.protocol.has_value());
    BOOST_TEST(loaded.protocol->value == nlohmann::json::parse(R"({"protocol": "mqtt"})"));
    BOOST_TEST(loaded.protocol->pointer == "/protocol");
    BOOST_TEST(loaded.protocol->context.file == "t.json");
}

/// Every error of a file (load_errors::all, what surge validate prints), or an empty list if the
/// file loads.
std::vector<std::string> all_errors_of(const std::string& text, std::size_t* more = nullptr) {
    try {
        (void)load_scenario_text(text, "t.json", {}, surge::sim::load_errors::all);
    } catch (const surge::sim::input_errors& e) {
        if (more != nullptr) *more = e.more();
        return e.messages();
    }
    return {};
}

BOOST_AUTO_TEST_CASE(all_errors_of_a_file_each_with_its_pointer) {
    const auto file = std::string(SURGE_SOURCE_DIR) + "/tests/sim/several_errors/three_errors.json";
    const std::vector<std::string> expected{
        file + ": /users/count: expected an integer >= 0, found -5",
        file + ": /database/pool_sise: unknown key; did you mean 'pool_size'?",
        file + ": /thresholds/delivery.latncy.p99: unknown metric; did you mean 'delivery.latency.p99'?",
    };
    try {
        (void)surge::sim::load_scenario_file(file, {}, surge::sim::load_errors::all);
        BOOST_ERROR("no error");
    } catch (const surge::sim::input_errors& e) {
        BOOST_TEST(e.messages() == expected, boost::test_tools::per_element());
        BOOST_TEST(e.more() == 0u);
        BOOST_TEST(std::string(e.what()) == expected[0] + "\n" + expected[1] + "\n" + expected[2]);
    }
    // Reading for the first error only (surge run) stops at the first of them.
    try {
        (void)surge::sim::load_scenario_file(file);
        BOOST_ERROR("no error");
    } catch (const surge::sim::input_errors&) {
        BOOST_ERROR("load_errors::first threw the list");
    } catch (const input_error& e) {
        BOOST_TEST(std::string(e.what()) == expected[0]);
    }
}

BOOST_AUTO_TEST_CASE(all_errors_go_on_inside_a_section_and_an_array) {
    // Two bad keys in one object, a bad phase between good ones (the sort check compares the good
    // ones), and a bad fault: each reported, the good keys around them read.
    const auto errors = all_errors_of(R"({"name": "m", "duration": "60s",
        "links": {"loss": 1.5, "retransmit": "soon", "ping_interval": "5s"},
        "load": [{"at": "10s", "rate": "10/s"}, {"at": "20s", "rate": "ten"}, {"at": "30s", "rate": "10/s"}],
        "faults": [{"at": "5s", "for": "1s", "kind": "db_slowdown", "fraction": 0.5}]})");
    BOOST_TEST_REQUIRE(errors.size() == 4u);
    BOOST_TEST(errors[0] == "t.json: /links/loss: expected a number >= 0 and < 1, found 1.5");
    BOOST_TEST(errors[1].starts_with("t.json: /links/retransmit: expected a duration string"));
    BOOST_TEST(errors[2].starts_with("t.json: /load/1/rate: expected a rate string"));
    BOOST_TEST(errors[3] == "t.json: /faults/0/fraction: 'fraction' applies to disconnect_storm, not db_slowdown");
}

BOOST_AUTO_TEST_CASE(all_errors_of_one_load_phase) {
    // A phase whose "at" is good is read key by key: each bad key is reported.
    const auto errors = all_errors_of(R"({"name": "m", "duration": "60s",
        "load": [{"at": "0s", "rate": "ten", "batch": 0, "think": "1s", "priority": "urgent"}]})");
    BOOST_TEST_REQUIRE(errors.size() == 4u);
    BOOST_TEST(errors[0] == "t.json: /load/0/think: 'think' applies to closed phases (with \"clients\"), not to open ones (with \"rate\")");
    BOOST_TEST(errors[1].starts_with("t.json: /load/0/rate: expected a rate string"));
    BOOST_TEST(errors[2] == "t.json: /load/0/batch: expected an integer >= 1, found 0");
    BOOST_TEST(errors[3].starts_with("t.json: /load/0/priority: expected one of \"low\""));
}

BOOST_AUTO_TEST_CASE(all_errors_of_one_fault) {
    // Once its kind is known, a fault is read key by key.
    const auto errors = all_errors_of(R"({"name": "m", "duration": "60s", "load": [{"at": "0s", "rate": "10/s"}],
        "faults": [{"at": "90s", "for": "0s", "kind": "db_slowdown", "fraction": 0.5, "factor": -2}]})");
    BOOST_TEST_REQUIRE(errors.size() == 4u);
    BOOST_TEST(errors[0] == "t.json: /faults/0/fraction: 'fraction' applies to disconnect_storm, not db_slowdown");
    BOOST_TEST(errors[1] == "t.json: /faults/0/at: expected a time before the end of the run (duration 60s), found \"90s\"");
    BOOST_TEST(errors[2] == "t.json: /faults/0/for: expected a duration > 0, found \"0s\"");
    BOOST_TEST(errors[3].starts_with("t.json: /faults/0/factor: expected a number > 0"));
}

BOOST_AUTO_TEST_CASE(all_errors_leave_out_checks_against_a_value_in_error) {
    // "at" is checked against the duration, recipients against users.count, a worker loss against
    // server.workers: when those had an error themselves, the checks would compare with defaults
    // (60s, 1000 users, 1 worker) the file never asked for, so only the 3 real errors are reported.
    const auto errors = all_errors_of(R"({"name": "m", "duration": "12 parsecs", "users": {"count": "many"},
        "server": {"workers": 0},
        "load": [{"at": "90s", "rate": "10/s", "target": "users", "recipients": 5000}],
        "faults": [{"at": "100s", "for": "5s", "kind": "worker_loss", "workers": 3}]})");
    BOOST_TEST_REQUIRE(errors.size() == 3u);
    BOOST_TEST(errors[0].starts_with("t.json: /duration: expected a duration string"));
    BOOST_TEST(errors[1] == "t.json: /users/count: expected an integer >= 0, found \"many\"");
    BOOST_TEST(errors[2] == "t.json: /server/workers: expected an integer >= 1, found 0");
    // The same checks do apply when the values they refer to are good.
    const auto good_refs = all_errors_of(R"({"name": "m", "duration": "60s", "users": {"count": 10},
        "server": {"workers": 2},
        "load": [{"at": "90s", "rate": "10/s", "target": "users", "recipients": 50}],
        "faults": [{"at": "10s", "for": "5s", "kind": "worker_loss", "workers": 3}]})");
    BOOST_TEST_REQUIRE(good_refs.size() == 2u);
    BOOST_TEST(good_refs[0] == "t.json: /load/0/at: expected a time before the end of the run (duration 60s), found \"90s\"");
    BOOST_TEST(good_refs[1] == "t.json: /faults/0/workers: expected an integer between 1 and server.workers (2), found 3");
}

BOOST_AUTO_TEST_CASE(all_errors_are_bounded) {
    std::string text = R"({"name": "m", "duration": "60s", "load": [{"at": "0s", "rate": "10/s"}])";
    // Zero-padded: the loader reads an object's keys in sorted order.
    for (int i = 0; i < 62; ++i) text += std::string(", \"unknown_") + (i < 10 ? "0" : "") + std::to_string(i) + "\": 1";
    text += "}";
    std::size_t more = 0;
    const auto errors = all_errors_of(text, &more);
    BOOST_TEST(errors.size() == surge::sim::load_detail::error_list::max_reported);
    BOOST_TEST(errors.size() == 50u);
    BOOST_TEST(more == 12u);
    BOOST_TEST(errors.front().starts_with("t.json: /unknown_00: unknown key; "));
    BOOST_TEST(errors.back().starts_with("t.json: /unknown_49: unknown key; "));
    BOOST_TEST(surge::sim::input_errors::more_line(more, "t.json") == "t.json: ... and 12 more errors");
}

BOOST_AUTO_TEST_CASE(all_errors_stop_at_what_makes_the_rest_meaningless) {
    // Not JSON, and not an object: one error each, as when reading stops at the first.
    BOOST_TEST(all_errors_of("{\"name\": ") == std::vector<std::string>{error_of("{\"name\": ")});
    BOOST_TEST(all_errors_of("[1, 2]") == std::vector<std::string>{error_of("[1, 2]")});
    BOOST_TEST(all_errors_of(minimal).empty());
}

/// Each broken fixture of tests/sim/bad (one error each) gives exactly its one message, the same
/// whether reading stops at the first error or collects them all.
BOOST_AUTO_TEST_CASE(single_error_fixtures_give_one_unchanged_message) {
    std::size_t files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(std::string(SURGE_SOURCE_DIR) + "/tests/sim/bad")) {
        if (entry.path().extension() != ".json") continue;
        ++files;
        const std::string path = entry.path().string();
        std::string first;
        try {
            (void)surge::sim::load_scenario_file(path);
        } catch (const input_error& e) {
            first = e.what();
        }
        BOOST_TEST_CONTEXT(path) {
            BOOST_TEST(!first.empty());
            try {
                (void)surge::sim::load_scenario_file(path, {}, surge::sim::load_errors::all);
                BOOST_ERROR("no error");
            } catch (const surge::sim::input_errors& e) {
                BOOST_TEST(e.messages() == std::vector<std::string>{first}, boost::test_tools::per_element());
                BOOST_TEST(e.more() == 0u);
            }
        }
    }
    BOOST_TEST(files >= 30u);
}

BOOST_AUTO_TEST_SUITE_END()
