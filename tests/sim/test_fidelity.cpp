// Fidelity of the assembled notification system against queueing theory, and determinism of
// whole-system runs: the scenario reduced to Poisson arrivals, exponential service and c workers
// is an M/M/c queue, so its measured wait must match Erlang C, and Little's law must hold on the
// queue the server measured.
#include <models/notification_system.hpp>
#include <examples/mmc/mmc_queue.hpp>
#include <sim/system.hpp>

#include <boost/test/unit_test.hpp>

#include <cmath>

using namespace surge::literals;
namespace m = surge::models;

namespace {

/// Poisson publishes at `lambda`/s, exponential service with mean 1/mu, `c` workers, nothing
/// else on the path (no database, free emits, one always-online user).
m::scenario mmc_scenario(double lambda, double mu, int c, surge::duration length) {
    m::scenario sc;
    sc.name = "mmc";
    sc.length = length;
    sc.users.count = 1;
    sc.server.workers = c;
    sc.server.cost_per_notification = m::duration_dist::exponential_mean(surge::duration::from_seconds(1.0 / mu));
    sc.server.cost_per_message = m::duration_dist::fixed(0_s);
    sc.server.cost_per_connect = m::duration_dist::fixed(0_s);
    sc.server.queries_per_notification = 0;
    sc.server.queue_capacity = 10'000'000;
    m::load_phase ph;
    ph.start_rate = m::rate{lambda};
    ph.spacing = m::load_phase::arrivals::poisson;
    sc.load.push_back(ph);
    return sc;
}

surge::sim::run_options seeded(std::uint64_t seed) {
    surge::sim::run_options o;
    o.seed = seed;
    return o;
}

double metric(const surge::sim::run_result& r, const char* name) {
    const auto v = r.metrics.get(name);
    BOOST_TEST_REQUIRE(v.has_value(), "metric " << name << " missing");
    return *v;
}

} // namespace

BOOST_AUTO_TEST_SUITE(fidelity_tests)

BOOST_AUTO_TEST_CASE(mmc_scenario_matches_erlang_c_and_littles_law) {
    // rho = 0.75 on 4 workers: Wq = C(4, 3) / (c mu - lambda) = 0.5094 s. 400 000 s of virtual
    // time is about 1.2 million customers.
    const double lambda = 3.0, mu = 1.0;
    const int c = 4;
    const auto r = surge::sim::run(mmc_scenario(lambda, mu, c, 400'000_s), seeded(11));
    BOOST_TEST_REQUIRE(r.completed, r.error);
    const double theory = mmc::mmc_wait(c, lambda, mu);
    const double wait = metric(r, "server.queue_wait.mean");
    BOOST_TEST_MESSAGE("M/M/4 mean wait: simulated " << wait << " s, Erlang C " << theory << " s");
    BOOST_TEST(std::abs(wait - theory) / theory < 0.03);

    // Little's law on the measured queue: L = lambda_measured * W.
    const double served = metric(r, "operations.count");
    const double lambda_measured = served / r.virtual_seconds;
    const double queue_mean = metric(r, "server.queue.mean");
    BOOST_TEST_MESSAGE("Little: L = " << queue_mean << ", lambda W = " << lambda_measured * wait);
    BOOST_TEST(std::abs(queue_mean - lambda_measured * wait) / queue_mean < 0.01);

    // Utilisation is rho = lambda / (c mu).
    BOOST_TEST(std::abs(metric(r, "server.utilization") - lambda / (c * mu)) < 0.01);
}

BOOST_AUTO_TEST_CASE(md1_scenario_matches_pollaczek_khinchine) {
    // Deterministic service 0.5 s at lambda = 1.5: Wq = rho / (2 mu (1 - rho)) = 0.75 / (2*2*0.25) = 0.75 s.
    auto sc = mmc_scenario(1.5, 2.0, 1, 100'000_s);
    sc.server.cost_per_notification = m::duration_dist::fixed(500_ms);
    const auto r = surge::sim::run(sc, seeded(5));
    const double wait = metric(r, "server.queue_wait.mean");
    BOOST_TEST_MESSAGE("M/D/1 mean wait: simulated " << wait << " s, P-K 0.75 s");
    BOOST_TEST(std::abs(wait - 0.75) / 0.75 < 0.03);
}

namespace {
/// A scenario that exercises every model: sessions, messages, broadcasts, faults, degradation.
m::scenario busy_scenario() {
    m::scenario sc;
    sc.name = "busy";
    sc.length = 30_s;
    sc.drain = 5_s;
    sc.users.count = 300;
    sc.users.connect_ramp = 2_s;
    sc.users.online = m::duration_dist::exponential_mean(10_s);
    sc.users.offline = m::duration_dist::exponential_mean(3_s);
    sc.users.messages = m::rate{0.5};
    sc.links.latency = m::duration_dist::lognormal_median_p99(20_ms, 150_ms);
    sc.links.loss = 0.01;
    sc.links.slow_fraction = 0.05;
    sc.links.mean_time_between_drops = 20_s;
    sc.offline_queue.ttl = 10_s;
    sc.offline_queue.max_messages = 20;
    sc.degradation.retry.max_attempts = 3;
    sc.degradation.circuit_breaker.enabled = true;
    m::load_phase a;
    a.start_rate = m::rate{200};
    a.end_rate = m::rate{400};
    a.batch = 2;
    a.priority_weights = {1, 2, 1, 0};
    sc.load.push_back(a);
    m::load_phase b;
    b.at = surge::time_point{} + 10_s;
    b.start_rate = m::rate{2};
    b.target = m::target_kind::broadcast;
    sc.load.push_back(b);
    m::fault f;
    f.type = m::fault::kind::db_outage;
    f.at = surge::time_point{} + 15_s;
    f.length = 3_s;
    sc.faults.push_back(f);
    m::fault storm;
    storm.type = m::fault::kind::disconnect_storm;
    storm.at = surge::time_point{} + 20_s;
    storm.fraction = 0.3;
    storm.silent = true;
    sc.faults.push_back(storm);
    return sc;
}

bool same_metrics(const surge::sim::run_result& a, const surge::sim::run_result& b) {
    if (a.metrics.size() != b.metrics.size()) return false;
    for (std::size_t i = 0; i < a.metrics.size(); ++i) {
        const auto& x = a.metrics.items()[i];
        const auto& y = b.metrics.items()[i];
        if (x.name.rfind("simulator.", 0) == 0) continue;
        if (x.name != y.name || x.value != y.value) return false;
    }
    return true;
}
} // namespace

BOOST_AUTO_TEST_CASE(same_seed_same_trace_and_report_other_seed_differs) {
    const auto sc = busy_scenario();
    const auto a = surge::sim::run(sc, seeded(42));
    const auto b = surge::sim::run(sc, seeded(42));
    const auto c = surge::sim::run(sc, seeded(43));
    BOOST_TEST_REQUIRE(a.completed, a.error);
    BOOST_TEST(a.trace_hash == b.trace_hash);
    BOOST_TEST(a.events == b.events);
    BOOST_TEST(same_metrics(a, b));
    BOOST_TEST(a.trace_hash != c.trace_hash);
    // The scenario did exercise what it claims to.
    BOOST_TEST(metric(a, "delivery.delivered") > 1000);
    BOOST_TEST(metric(a, "broadcast.count") > 10);
    BOOST_TEST(metric(a, "database.failures") > 0);
    BOOST_TEST(metric(a, "connections.drops") > 10);
    BOOST_TEST(metric(a, "offline_queue.enqueued") > 0);
    BOOST_TEST(metric(a, "messages.handled") > 100);
}

BOOST_AUTO_TEST_CASE(a_failed_run_keeps_what_it_measured) {
    // A run that throws mid-way (here: a distribution draw out of range) keeps its metrics.
    auto sc = busy_scenario();
    sc.links.latency = m::duration_dist::pareto_scale_shape(1_ms, 0.0001);  // heavy tail: draws overflow
    const auto r = surge::sim::run(sc, seeded(1));
    BOOST_TEST(!r.completed);
    BOOST_TEST(!r.error.empty());
    BOOST_TEST(r.metrics.get("notifications.published").has_value());
}

BOOST_AUTO_TEST_SUITE_END()
