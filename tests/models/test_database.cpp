// models/database.hpp: the SQLAlchemy-style QueuePool (pool_size kept, max_overflow more opened on
// demand and closed on checkin, checkout waiting up to checkout_timeout) and the query latency
// under slowdown, outage and statement timeout; driven directly by processes, and through the
// server where the recorder counts pool timeouts.
#include "model_harness.hpp"

#include <models/database.hpp>

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

struct outcome {
    bool got = false;
    std::int64_t at = -1;    // checkout returned (granted or timed out), ns
    std::int64_t done = -1;  // connection returned, ns
};

struct pool_probe {
    std::int64_t max_in_use = 0;
    std::int64_t max_open = 0;
};

/// Checks out a connection, pays the open cost, holds it for `hold`, checks it in.
process use_connection(simulation& sim, m::database& db, rng& r, duration start, duration hold, outcome& out,
                       pool_probe& probe) {
    if (start > duration::zero()) co_await sim.delay(start);
    auto c = co_await db.checkout();
    out.at = sim.now().count();
    out.got = static_cast<bool>(c);
    if (!c) co_return;
    co_await sim.delay(db.open_cost(r));
    probe.max_in_use = std::max(probe.max_in_use, db.in_use());
    probe.max_open = std::max(probe.max_open, db.open_connections());
    co_await sim.delay(hold);
    db.checkin(std::move(c));
    out.done = sim.now().count();
}

m::database_params pool(std::int64_t size, std::int64_t overflow, duration timeout) {
    m::database_params p;
    p.pool_size = size;
    p.max_overflow = overflow;
    p.checkout_timeout = timeout;
    p.connect = m::duration_dist::fixed(5_ms);
    p.query = m::duration_dist::fixed(3_ms);
    return p;
}

/// One connection and no overflow, 1 s queries, a 100 ms checkout timeout: a second request for
/// a connection while the first query runs times out.
void starve_the_pool(m::scenario& sc) {
    sc.database.pool_size = 1;
    sc.database.max_overflow = 0;
    sc.database.checkout_timeout = 100_ms;
    sc.database.query = m::duration_dist::fixed(1_s);
}

} // namespace

BOOST_AUTO_TEST_SUITE(database_tests)

BOOST_AUTO_TEST_CASE(pool_opens_at_most_size_plus_overflow_and_closes_overflow_on_checkin) {
    simulation sim(1);
    m::recorder rec;
    m::database db(sim, pool(2, 3, 30_s), rec.db);
    rng r = sim.stream("db-test");
    std::vector<outcome> out(8);
    pool_probe probe;
    for (std::size_t i = 0; i < out.size(); ++i) sim.spawn(use_connection(sim, db, r, 0_s, 1_s, out[i], probe));
    sim.run();
    // Five connections at once (2 + 3 overflow), each opened for 5 ms then held 1 s; the other
    // three wait for the checkins at 1.005 s and reuse those connections (no open cost).
    for (std::size_t i = 0; i < 5; ++i) {
        BOOST_TEST(out[i].got);
        BOOST_TEST(out[i].at == 0);
        BOOST_TEST(out[i].done == ns(1005_ms));
    }
    for (std::size_t i = 5; i < 8; ++i) {
        BOOST_TEST(out[i].got);
        BOOST_TEST(out[i].at == ns(1005_ms));
        BOOST_TEST(out[i].done == ns(2005_ms));
    }
    BOOST_TEST(probe.max_in_use == 5);
    BOOST_TEST(probe.max_open == 5);
    BOOST_TEST(rec.db.db_connections_max() == 5);
    BOOST_TEST(rec.db.db_overflow_max() == 3);
    // All returned: the overflow connections were closed, pool_size stay open and idle.
    BOOST_TEST(db.open_connections() == 2);
    BOOST_TEST(db.idle_connections() == 2);
    BOOST_TEST(db.in_use() == 0);
}

BOOST_AUTO_TEST_CASE(idle_connections_are_reused_without_open_cost) {
    simulation sim(1);
    m::recorder rec;
    m::database db(sim, pool(2, 0, 30_s), rec.db);
    rng r = sim.stream("db-test");
    outcome a, b, c;
    pool_probe probe;
    // a opens a connection (5 ms), b later reuses it: its hold starts at once.
    sim.spawn(use_connection(sim, db, r, 0_s, 100_ms, a, probe));
    sim.spawn(use_connection(sim, db, r, 1_s, 100_ms, b, probe));
    // c overlaps b: the second pooled connection is opened for it.
    sim.spawn(use_connection(sim, db, r, 1050_ms, 100_ms, c, probe));
    sim.run();
    BOOST_TEST(a.done == ns(105_ms));
    BOOST_TEST(b.done == ns(1100_ms));
    BOOST_TEST(c.done == ns(1155_ms));
    BOOST_TEST(rec.db.db_connections_max() == 2);
    BOOST_TEST(rec.db.db_overflow_max() == 0);
    BOOST_TEST(db.open_connections() == 2);
    BOOST_TEST(db.idle_connections() == 2);
}

BOOST_AUTO_TEST_CASE(checkout_times_out_exactly_at_checkout_timeout) {
    simulation sim(1);
    m::recorder rec;
    m::database db(sim, pool(1, 0, 2_s), rec.db);
    rng r = sim.stream("db-test");
    std::vector<outcome> out(3);
    pool_probe probe;
    for (auto& o : out) sim.spawn(use_connection(sim, db, r, 0_s, 1_s, o, probe));
    sim.run();
    // #0 holds it 0 .. 1.005 s; #1 gets it at 1.005 s (waited < 2 s) and holds it to 2.005 s; #2
    // would get it at 2.005 s, after waiting more than 2 s: it gives up at exactly 2 s.
    BOOST_TEST(out[0].got);
    BOOST_TEST(out[0].done == ns(1005_ms));
    BOOST_TEST(out[1].got);
    BOOST_TEST(out[1].at == ns(1005_ms));
    BOOST_TEST(out[1].done == ns(2005_ms));
    BOOST_TEST(!out[2].got);
    BOOST_TEST(out[2].at == ns(2_s));
    BOOST_TEST(db.waiting() == 0u);
    BOOST_TEST(db.open_connections() == 1);
}

BOOST_AUTO_TEST_CASE(pool_stress_never_exceeds_capacity_and_ends_with_at_most_pool_size_open) {
    simulation sim(3);
    m::recorder rec;
    auto p = pool(20, 30, 30_s);
    m::database db(sim, p, rec.db);
    rng r = sim.stream("db-test");
    rng arrivals = sim.stream("arrivals");
    std::vector<outcome> out(2'000);
    pool_probe probe;
    double t = 0;
    for (auto& o : out) {
        t += -std::log(arrivals.uniform01_open()) / 400.0;  // 400 checkouts/s
        const duration hold = duration::from_seconds(-std::log(arrivals.uniform01_open()) * 0.1);  // mean 100 ms
        sim.spawn(use_connection(sim, db, r, duration::from_seconds(t), hold, o, probe));
    }
    sim.run();
    // Offered load 40 connections on average: the pool goes into overflow but never beyond 50.
    BOOST_TEST(probe.max_in_use <= 50);
    BOOST_TEST(probe.max_open <= 50);
    BOOST_TEST(rec.db.db_connections_max() <= 50);
    BOOST_TEST(rec.db.db_overflow_max() > 0);
    BOOST_TEST(rec.db.db_overflow_max() == rec.db.db_connections_max() - 20);
    BOOST_TEST(db.in_use() == 0);
    BOOST_TEST(db.open_connections() == db.idle_connections());
    BOOST_TEST(db.open_connections() <= 20);
    for (const auto& o : out) BOOST_TEST_REQUIRE(o.got);
}

BOOST_AUTO_TEST_CASE(slowdown_multiplies_a_constant_query_exactly) {
    simulation sim(1);
    m::recorder rec;
    m::database db(sim, pool(1, 0, 1_s), rec.db);
    rng r = sim.stream("db-test");
    auto q = db.query(r);
    BOOST_TEST(q.ok);
    BOOST_TEST(ns(q.time) == ns(3_ms));
    db.slow_down(10);
    BOOST_TEST(ns(db.query(r).time) == ns(30_ms));
    db.slow_down(2);  // overlapping slowdowns compound
    BOOST_TEST(ns(db.query(r).time) == ns(60_ms));
    db.speed_up(10);
    BOOST_TEST(ns(db.query(r).time) == ns(6_ms));
    db.speed_up(2);
    BOOST_TEST(ns(db.query(r).time) == ns(3_ms));
    BOOST_TEST(db.slowdown() == 1.0);
    BOOST_TEST(rec.db.db_queries() == 5u);
    BOOST_TEST(rec.db.db_failures() == 0u);
}

BOOST_AUTO_TEST_CASE(outage_fails_every_query_after_error_after) {
    simulation sim(1);
    m::recorder rec;
    m::database db(sim, pool(1, 0, 1_s), rec.db);
    rng r = sim.stream("db-test");
    db.begin_outage(750_ms);
    BOOST_TEST(db.in_outage());
    for (int i = 0; i < 3; ++i) {
        const auto q = db.query(r);
        BOOST_TEST(!q.ok);
        BOOST_TEST(ns(q.time) == ns(750_ms));
    }
    // Two overlapping outages: the database is back only when both have ended.
    db.begin_outage(750_ms);
    db.end_outage();
    BOOST_TEST(!db.query(r).ok);
    db.end_outage();
    BOOST_TEST(!db.in_outage());
    const auto q = db.query(r);
    BOOST_TEST(q.ok);
    BOOST_TEST(ns(q.time) == ns(3_ms));
    BOOST_TEST(rec.db.db_queries() == 5u);
    BOOST_TEST(rec.db.db_failures() == 4u);
}

BOOST_AUTO_TEST_CASE(query_timeout_cuts_a_slow_query_at_the_timeout) {
    simulation sim(1);
    m::recorder rec;
    auto p = pool(1, 0, 1_s);
    p.query_timeout = 5_ms;
    m::database db(sim, p, rec.db);
    rng r = sim.stream("db-test");
    BOOST_TEST(db.query(r).ok);           // 3 ms
    db.slow_down(5.0 / 3.0);              // 5 ms: not over the timeout
    auto q = db.query(r);
    BOOST_TEST(q.ok);
    BOOST_TEST(ns(q.time) == ns(5_ms));
    db.speed_up(5.0 / 3.0);
    db.slow_down(2);                      // 6 ms: fails at 5 ms
    q = db.query(r);
    BOOST_TEST(!q.ok);
    BOOST_TEST(ns(q.time) == ns(5_ms));
    BOOST_TEST(rec.db.db_failures() == 1u);
}

BOOST_AUTO_TEST_CASE(server_counts_pool_timeouts_and_fails_those_requests) {
    // Three workers, a pool of one connection, a 1 s query, a 100 ms pool timeout; three publish
    // requests at 1 s: one is stored, two wait exactly 100 ms for a connection and fail.
    auto sc = mt::exact_scenario(1);
    sc.server.workers = 3;
    starve_the_pool(sc);
    sc.load.push_back(mt::burst_phase(3, mt::at(1_s)));
    mt::harness h(sc);
    h.finish();
    auto& rec = h.rec();
    BOOST_TEST(rec.db.db_timeouts() == 2u);
    BOOST_TEST(rec.publishing.failed() == 2u);
    BOOST_TEST(rec.publishing.persisted() == 1u);
    BOOST_TEST(rec.delivery.delivered() == 1u);
    BOOST_TEST(rec.db.db_queries() == 1u);
    BOOST_TEST(rec.db.pool_wait().count() == 3u);
    BOOST_TEST(rec.db.pool_wait().min() == 0);
    BOOST_TEST(rec.db.pool_wait().max() == ns(100_ms));
    BOOST_TEST(h.metric("database.timeouts") == 2.0);
    BOOST_TEST(h.metric("database.connections.max") == 1.0);
    BOOST_TEST(h.metric("operations.success_rate") == 1.0 / 3.0);
    // The stored one: 1 s query + 0.5 ms + one 20 us emit; delivered 10 ms later.
    BOOST_TEST(rec.publishing.operation_latency().max() == ns(1000_ms + 520_us));
    BOOST_TEST(rec.delivery.delivery_latency().max() == ns(1010_ms + 520_us));
}

BOOST_AUTO_TEST_CASE(server_transaction_of_a_batch_runs_queries_per_notification_times_batch) {
    // A batch of 4 with 2 queries per notification: 8 queries of 3 ms on one connection.
    auto sc = mt::exact_scenario(1);
    sc.server.queries_per_notification = 2;
    sc.load.push_back(mt::burst_phase(1, mt::at(1_s), m::target_kind::user, 4));
    mt::harness h(sc);
    h.finish();
    auto& rec = h.rec();
    BOOST_TEST(rec.db.db_queries() == 8u);
    BOOST_TEST(rec.publishing.persisted() == 4u);
    // 24 ms of queries + 4 x 0.5 ms + 4 x 20 us of emits.
    BOOST_TEST(rec.publishing.operation_latency().max() == ns(24_ms + 2_ms + 80_us));
    BOOST_TEST(rec.publishing.operation_latency().count() == 1u);
}

BOOST_AUTO_TEST_CASE(connect_look_ups_check_out_once_per_query_and_pay_opening_plus_query) {
    // Two look-ups per connect, a 5 ms opening, 3 ms queries: the first look-up opens a connection
    // (5 + 3 ms), the second reuses it idle (3 ms), so the connection is registered 11 ms later
    // than without look-ups. Look-ups are not pool-wait samples (only persisting is measured).
    auto base = mt::exact_scenario(1);
    base.server.queries_per_notification = 0;
    base.database.connect = m::duration_dist::fixed(5_ms);
    mt::harness without(base);
    without.finish();
    auto sc = base;
    sc.server.queries_per_connect = 2;
    mt::harness with(sc);
    with.finish();
    const auto a = without.records("connect");
    const auto b = with.records("connect");
    BOOST_TEST_REQUIRE(a.size() == 1u);
    BOOST_TEST_REQUIRE(b.size() == 1u);
    BOOST_TEST(b[0].t - a[0].t == ns(11_ms));
    BOOST_TEST(with.rec().db.db_queries() == 2u);
    BOOST_TEST(with.rec().db.pool_wait().count() == 0u);
    BOOST_TEST(with.rec().db.db_connections_max() == 1);
}

BOOST_AUTO_TEST_CASE(connect_look_ups_end_at_the_first_pool_timeout_which_is_no_database_timeout) {
    // Two workers, a pool of one connection, 1 s queries, a 100 ms pool timeout, three look-ups
    // per connect; two users whose connects reach the server together. The first worker holds the
    // connection for its three look-ups (3 s); the second waits 100 ms for it, gives up its
    // look-ups and registers the connection at once: 2.9 s before the first.
    auto sc = mt::exact_scenario(2);
    sc.server.workers = 2;
    sc.server.queries_per_notification = 0;
    sc.server.queries_per_connect = 3;
    starve_the_pool(sc);
    mt::harness h(sc);
    h.finish();
    const auto c = h.records("connect");
    BOOST_TEST_REQUIRE(c.size() == 2u);
    BOOST_TEST(c[1].t - c[0].t == ns(2900_ms));
    BOOST_TEST(h.rec().db.db_queries() == 3u);
    BOOST_TEST(h.rec().db.db_timeouts() == 0u);
    BOOST_TEST(h.rec().db.pool_wait().count() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
