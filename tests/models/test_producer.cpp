// models/producer.hpp: open phases (evenly spaced arrivals: exact counts with the boundary
// convention "first arrival one gap after the start, none at or after the end"; Poisson arrivals
// replayed from the phase's stream and within 5 sigma; linear ramps against the integral of the
// rate), phase ends and overlaps, closed populations (clients x requests, think time, the
// closed loop's Little's law), batches and priority draws.
#include "model_harness.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

using namespace surge;
using namespace surge::literals;
namespace m = surge::models;
namespace mt = surge::model_test;
using mt::ns;

namespace {

/// One user, free work: only the producer matters.
m::scenario load_only(duration length) {
    auto sc = mt::exact_scenario(1);
    sc.length = length;
    sc.server.workers = 4;
    sc.server.queries_per_notification = 0;
    sc.server.cost_per_notification = m::duration_dist::fixed(0_s);
    sc.server.cost_per_message = m::duration_dist::fixed(0_s);
    return sc;
}

std::uint64_t published(const m::scenario& sc, std::uint64_t seed = 1) {
    mt::harness h(sc, seed);
    h.finish();
    return h.rec().publishing.published();
}

/// The rate of a linear ramp at t, as the producer computes it.
double ramp_rate(double r0, double r1, double t, double span) { return r0 + std::clamp(t / span, 0.0, 1.0) * (r1 - r0); }

} // namespace

BOOST_AUTO_TEST_SUITE(producer_tests)

BOOST_AUTO_TEST_CASE(uniform_arrivals_exclude_the_phase_start_and_end) {
    // 10/s over 10 s: arrivals at 0.1, 0.2, ..., 9.9 s — the one due at exactly 10 s is not sent,
    // so an evenly spaced phase sends rate x length - 1 requests when that product is whole.
    auto sc = load_only(10_s);
    sc.load.push_back(mt::uniform_phase(10));
    mt::harness h(sc);
    h.finish();
    BOOST_TEST(h.rec().publishing.published() == 99u);
    const auto ops = h.records("op.ok");
    BOOST_TEST_REQUIRE(ops.size() == 99u);
    for (std::size_t k = 0; k < ops.size(); ++k)
        BOOST_TEST_REQUIRE(ops[k].t - ops[k].a == static_cast<std::int64_t>(k + 1) * ns(100_ms));
    // A rate whose gap is not a whole number of ns: 7/s over 3 s gives 20 (ceil(21) - 1).
    auto seven = load_only(3_s);
    seven.load.push_back(mt::uniform_phase(7));
    BOOST_TEST(published(seven) == 20u);
    // 2.5/s over 3 s: arrivals at 0.4, 0.8, ..., 2.8 s: 7 (= floor(7.5)).
    auto frac = load_only(3_s);
    frac.load.push_back(mt::uniform_phase(2.5));
    BOOST_TEST(published(frac) == 7u);
}

BOOST_AUTO_TEST_CASE(phase_start_length_and_next_phase_bound_a_phase) {
    // A phase at 2 s for 3 s: 2.1 ... 4.9 s.
    auto one = load_only(10_s);
    one.load.push_back(mt::uniform_phase(10, mt::at(2_s), 3_s));
    BOOST_TEST(published(one) == 29u);
    // Without a length a phase ends where the next begins: 0.1..4.9 s at 10/s (49), then
    // 5.05..9.95 s at 20/s (99).
    auto two = load_only(10_s);
    two.load.push_back(mt::uniform_phase(10));
    two.load.push_back(mt::uniform_phase(20, mt::at(5_s)));
    BOOST_TEST(published(two) == 148u);
    // With an explicit length a phase runs for it, overlapping the next one: 0.1..7.9 s (79).
    auto overlap = two;
    overlap.load[0].length = 8_s;
    BOOST_TEST(published(overlap) == 178u);
    // No phase reaches past the scenario's end.
    auto past = load_only(10_s);
    past.load.push_back(mt::uniform_phase(10, mt::at(8_s), 100_s));
    BOOST_TEST(published(past) == 19u);
}

BOOST_AUTO_TEST_CASE(poisson_arrivals_replay_from_the_phase_stream_and_count_within_5_sigma) {
    auto sc = load_only(200_s);
    auto ph = mt::uniform_phase(100);
    ph.spacing = m::load_phase::arrivals::poisson;
    sc.load.push_back(ph);
    mt::harness h(sc, 17);
    h.finish();
    const std::uint64_t n = h.rec().publishing.published();
    // Each request: an exponential gap, then one draw for its recipients' seed.
    rng replay = h.sim.stream("producer/0");
    std::int64_t t = 0;
    std::uint64_t expect = 0;
    for (;;) {
        const duration d = duration::from_seconds(surge::standard_exponential(replay) / 100.0);
        if (t + ns(d) >= ns(200_s)) break;
        t += ns(d);
        (void)replay();
        ++expect;
    }
    BOOST_TEST(n == expect);
    // Poisson(20 000): sd 141.
    BOOST_TEST(std::abs(static_cast<double>(n) - 20'000.0) < 5 * std::sqrt(20'000.0));
    // Another seed, another count (same law).
    const std::uint64_t other = published(sc, 18);
    BOOST_TEST(other != n);
    BOOST_TEST(std::abs(static_cast<double>(other) - 20'000.0) < 5 * std::sqrt(20'000.0));
}

BOOST_AUTO_TEST_CASE(uniform_ramp_count_matches_the_integral_of_the_rate) {
    // 100/s rising to 300/s over 100 s: integral 20 000. Evenly spaced arrivals with the gap taken
    // from the rate at the gap's start: within a couple of requests of it.
    auto sc = load_only(100_s);
    auto ph = mt::uniform_phase(100);
    ph.end_rate = m::rate{300};
    sc.load.push_back(ph);
    const std::uint64_t n = published(sc);
    std::int64_t t = 0;
    std::uint64_t expect = 0;
    for (;;) {
        const double lambda = ramp_rate(100, 300, static_cast<double>(t) * 1e-9, 100.0);
        const duration d = duration::from_seconds(1.0 / lambda);
        if (t + ns(d) >= ns(100_s)) break;
        t += ns(d);
        ++expect;
    }
    BOOST_TEST(n == expect);
    BOOST_TEST(std::abs(static_cast<double>(n) - 20'000.0) <= 2.0);

    // Ramping down to zero ends when the rate does: integral 500.
    auto down = load_only(10_s);
    auto dp = mt::uniform_phase(100);
    dp.end_rate = m::rate{0};
    down.load.push_back(dp);
    BOOST_TEST(std::abs(static_cast<double>(published(down)) - 500.0) <= 10.0);
}

BOOST_AUTO_TEST_CASE(poisson_ramp_count_within_5_sigma_of_the_integral) {
    auto sc = load_only(100_s);
    auto ph = mt::uniform_phase(50);
    ph.spacing = m::load_phase::arrivals::poisson;
    ph.end_rate = m::rate{250};
    sc.load.push_back(ph);
    const double n = static_cast<double>(published(sc, 4));
    BOOST_TEST(std::abs(n - 15'000.0) < 5 * std::sqrt(15'000.0));
}

// Regression test for a fixed bug (models/producer.hpp, open_phase: `if (lambda <= 0) break;` with rate_at() evaluated at the
// phase start): a ramp that starts at rate 0 — the usual "ramp up from nothing" — stops before its
// first arrival and sends no request at all, instead of about the integral of its rate.
BOOST_AUTO_TEST_CASE(ramp_from_zero_sends_about_the_integral) {
    auto sc = load_only(10_s);
    auto ph = mt::uniform_phase(0);
    ph.end_rate = m::rate{100};
    sc.load.push_back(ph);
    // Integral of 0 -> 100/s over 10 s: 500.
    BOOST_TEST(std::abs(static_cast<double>(published(sc)) - 500.0) <= 10.0);
}

BOOST_AUTO_TEST_CASE(closed_clients_send_requests_per_client_with_think_time) {
    // 5 clients x 4 requests from 1 s, think 100 ms, 5 workers so nobody queues: each cycle is
    // 3.52 ms of operation + 100 ms of thinking; the last operation ends at 1 s + 3 x 103.52 ms +
    // 3.52 ms.
    auto sc = mt::exact_scenario(1);
    sc.server.workers = 5;
    m::load_phase ph;
    ph.type = m::load_phase::kind::closed;
    ph.at = mt::at(1_s);
    ph.clients = 5;
    ph.requests_per_client = 4;
    ph.think = m::duration_dist::fixed(100_ms);
    sc.load.push_back(ph);
    mt::harness h(sc);
    h.finish();
    BOOST_TEST(h.rec().publishing.published() == 20u);
    BOOST_TEST(h.rec().publishing.operations_ok() == 20u);
    const auto ops = h.records("op.ok");
    BOOST_TEST_REQUIRE(ops.size() == 20u);
    for (const auto& o : ops) BOOST_TEST_REQUIRE(o.a == ns(3'520_us));
    BOOST_TEST(ops.back().t == ns(1_s) + 3 * ns(103'520_us) + ns(3'520_us));
}

BOOST_AUTO_TEST_CASE(closed_clients_without_a_count_run_until_the_phase_ends) {
    // Cycle 3.52 + 96.48 = 100 ms: submits at 1.0, 1.1, ..., 1.9 s — 10 per client.
    auto sc = mt::exact_scenario(1);
    sc.server.workers = 3;
    m::load_phase ph;
    ph.type = m::load_phase::kind::closed;
    ph.at = mt::at(1_s);
    ph.length = 1_s;
    ph.clients = 3;
    ph.think = m::duration_dist::fixed(96'480_us);
    sc.load.push_back(ph);
    BOOST_TEST(published(sc) == 30u);
}

BOOST_AUTO_TEST_CASE(closed_loop_obeys_littles_law_on_a_saturated_server) {
    // 2 clients, no think time, one worker at 1 s per request, from 1 s to 11 s: the server does
    // 1 request/s, so each client waits N / X = 2 s per request after the first round.
    auto sc = mt::exact_scenario(1);
    sc.length = 11_s;
    sc.server.cost_per_notification = m::duration_dist::fixed(1_s);
    sc.server.cost_per_message = m::duration_dist::fixed(0_s);
    sc.server.queries_per_notification = 0;
    m::load_phase ph;
    ph.type = m::load_phase::kind::closed;
    ph.at = mt::at(1_s);
    ph.clients = 2;
    sc.load.push_back(ph);
    mt::harness h(sc);
    h.finish();
    // Client 0 submits at 1, 2, 4, 6, 8, 10 s; client 1 at 1, 3, 5, 7, 9 s (its answer at 11 s
    // comes at the end of the phase).
    BOOST_TEST(h.rec().publishing.published() == 11u);
    BOOST_TEST(h.rec().publishing.operations_ok() == 10u);
    BOOST_TEST(h.rec().publishing.operation_latency().min() == ns(1_s));
    BOOST_TEST(h.rec().publishing.operation_latency().max() == ns(2_s));
    BOOST_TEST(h.rec().publishing.operation_latency().mean() == static_cast<double>(ns(1_s) + 9 * ns(2_s)) / 10.0);
}

BOOST_AUTO_TEST_CASE(batches_count_every_notification) {
    auto sc = load_only(10_s);
    auto ph = mt::uniform_phase(10);
    ph.batch = 7;
    sc.load.push_back(ph);
    mt::harness h(sc);
    h.finish();
    BOOST_TEST(h.rec().publishing.published() == 99u * 7u);
    BOOST_TEST(h.rec().publishing.persisted() == 99u * 7u);
    BOOST_TEST(h.rec().delivery.delivered() == 99u * 7u);
    BOOST_TEST(h.rec().publishing.operations() == 99u);
}

BOOST_AUTO_TEST_CASE(priorities_are_drawn_by_weight_from_the_phase_stream) {
    // Half low, half normal; shedding at threshold 0 refuses every low one.
    auto sc = load_only(10_s);
    auto ph = mt::uniform_phase(100);
    ph.priority_weights = {1, 1, 0, 0};
    sc.load.push_back(ph);
    sc.degradation.shedding.enabled = true;
    sc.degradation.shedding.queue_threshold = 0;
    sc.degradation.shedding.keep_at_least = m::priority_class::normal;
    mt::harness h(sc, 21);
    h.finish();
    // Each request draws its recipients' seed, then its priority.
    rng replay = h.sim.stream("producer/0");
    std::uint64_t low = 0;
    for (int k = 0; k < 999; ++k) {
        (void)replay();
        if (replay.uniform01() * 2.0 < 1.0) ++low;
    }
    BOOST_TEST(h.rec().publishing.published() == 999u);
    BOOST_TEST(h.rec().publishing.shed() == low);
    BOOST_TEST(std::abs(static_cast<double>(low) - 499.5) < 5 * std::sqrt(999 * 0.25));
}

BOOST_AUTO_TEST_SUITE_END()
