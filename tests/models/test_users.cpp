// models/user.hpp: connection time (handshake + connect handler + one-way latency), failed
// handshakes and connect timeouts with the reconnect backoff between attempts (exact without
// jitter, replayed draws with it), online/offline sessions alternating at exact times, the first
// connections spread over the ramp, and client messages answered with round-trip latency.
#include "model_harness.hpp"

#include <models/degradation.hpp>

#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstdint>
#include <vector>

using namespace surge;
using namespace surge::literals;
namespace m = surge::models;
namespace mt = surge::model_test;
using mt::ns;

BOOST_AUTO_TEST_SUITE(users_tests)

BOOST_AUTO_TEST_CASE(connection_time_is_handshake_plus_connect_cost_plus_one_way) {
    // 20 ms handshake, 1 ms on a worker (one worker per user: no queueing), the accept travels
    // back 10 ms: 31 ms for every user.
    auto sc = mt::exact_scenario(20);
    sc.server.workers = 20;
    mt::harness h(sc);
    h.finish();
    auto& rec = h.rec();
    BOOST_TEST(rec.connections.connect_attempts() == 20u);
    BOOST_TEST(rec.connections.connect_ok() == 20u);
    BOOST_TEST(rec.connections.connect_time().min() == ns(31_ms));
    BOOST_TEST(rec.connections.connect_time().max() == ns(31_ms));
    BOOST_TEST(h.metric("connections.time.mean") == 0.031, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(h.metric("connections.success_rate") == 1.0);
    BOOST_TEST(h.sys.users().online() == 20);
    // The server registers each connection when its handler ends, at 21 ms.
    for (const auto& c : h.records("connect")) BOOST_TEST(c.t == ns(21_ms));
}

BOOST_AUTO_TEST_CASE(connection_time_includes_queueing_for_a_worker) {
    // One worker, five users whose handshakes all end at 20 ms: the k-th waits k ms.
    auto sc = mt::exact_scenario(5);
    mt::harness h(sc);
    h.finish();
    BOOST_TEST(h.rec().connections.connect_time().min() == ns(31_ms));
    BOOST_TEST(h.rec().connections.connect_time().max() == ns(35_ms));
    BOOST_TEST(h.rec().connections.connect_time().mean() == static_cast<double>(ns(33_ms)));
}

BOOST_AUTO_TEST_CASE(failed_handshakes_retry_after_exact_backoff_without_jitter) {
    // Every handshake fails after its 20 ms; waits 1, 2, 4, 5, 5 s (base 1 s, x2, max 5 s).
    auto sc = mt::exact_scenario(1);
    sc.length = 20_s;
    sc.links.connect_failure = 1.0;
    sc.users.reconnect.jitter = m::backoff_params::jitter_kind::none;
    mt::harness h(sc);
    h.finish();
    const auto f = h.records("connect.fail");
    const std::int64_t expect_ms[] = {20, 1'040, 3'060, 7'080, 12'100, 17'120};
    BOOST_TEST_REQUIRE(f.size() == 6u);
    for (std::size_t k = 0; k < f.size(); ++k) {
        BOOST_TEST(f[k].t == ns(duration::milliseconds(expect_ms[k])));
        BOOST_TEST(f[k].a == static_cast<std::int64_t>(k + 1));  // attempt ids count up
    }
    BOOST_TEST(h.rec().connections.connect_attempts() == 6u);
    BOOST_TEST(h.rec().connections.connect_failed() == 6u);
    BOOST_TEST(h.rec().connections.connect_ok() == 0u);
    BOOST_TEST(h.metric("connections.success_rate") == 0.0);
    BOOST_TEST(!h.has_metric("connections.time.mean"));  // not measured
}

BOOST_AUTO_TEST_CASE(failed_handshakes_retry_after_replayed_jittered_backoff) {
    // Equal jitter: the k-th wait is backoff_delay(reconnect, k) drawn from the stream "user/u".
    auto sc = mt::exact_scenario(3);
    sc.length = 60_s;
    sc.links.connect_failure = 1.0;
    sc.users.reconnect = m::backoff_params{1_s, 5_s, 2.0, m::backoff_params::jitter_kind::equal};
    mt::harness h(sc, 5);
    h.finish();
    const auto f = h.records("connect.fail");
    for (std::uint32_t u = 0; u < 3; ++u) {
        rng replay = h.sim.stream("user/" + std::to_string(u));
        std::int64_t t = ns(20_ms);
        std::size_t k = 0;
        for (const auto& r : f) {
            if (r.entity != u) continue;
            BOOST_TEST_REQUIRE(r.t == t);
            ++k;
            const duration wait = m::backoff_delay(sc.users.reconnect, static_cast<std::int64_t>(k), replay);
            const double w = std::min(std::pow(2.0, static_cast<double>(k - 1)), 5.0);
            BOOST_TEST_REQUIRE(wait >= duration::from_seconds(w / 2));
            BOOST_TEST_REQUIRE(wait <= duration::from_seconds(w));
            t += ns(wait) + ns(20_ms);
        }
        BOOST_TEST(k >= 12u);  // 60 s at <= 5 s + 20 ms per attempt
    }
}

BOOST_AUTO_TEST_CASE(connect_timeout_gives_up_an_attempt_at_exactly_the_timeout) {
    // A 15 s handshake against a 10 s connect timeout: attempts fail at 10 s and, after 1 s of
    // backoff, at 21 s; the late handshakes never reach the server.
    auto sc = mt::exact_scenario(1);
    sc.length = 25_s;
    sc.links.handshake = m::duration_dist::fixed(15_s);
    sc.links.connect_timeout = 10_s;
    sc.users.reconnect.jitter = m::backoff_params::jitter_kind::none;
    mt::harness h(sc);
    h.finish();
    const auto f = h.records("connect.fail");
    BOOST_TEST_REQUIRE(f.size() == 2u);
    BOOST_TEST(f[0].t == ns(10_s));
    BOOST_TEST(f[1].t == ns(21_s));
    BOOST_TEST(h.rec().connections.connect_ok() == 0u);
    BOOST_TEST(h.records("connect").empty());
    BOOST_TEST(h.rec().serving.server_queue().max() == 0.0);
}

BOOST_AUTO_TEST_CASE(sessions_alternate_online_and_offline_at_exact_times) {
    // Online 10 s, offline 5 s: connected at 21 ms, closed at 10.021 s, back at 15.021 + 21 ms...
    auto sc = mt::exact_scenario(1);
    sc.length = 60_s;
    sc.users.online = m::duration_dist::fixed(10_s);
    sc.users.offline = m::duration_dist::fixed(5_s);
    mt::harness h(sc);
    h.finish();
    const auto c = h.records("connect");
    const auto d = h.records("disconnect");
    BOOST_TEST_REQUIRE(c.size() == 4u);
    BOOST_TEST_REQUIRE(d.size() == 4u);
    for (std::int64_t k = 0; k < 4; ++k) {
        const std::int64_t start = ns(21_ms) + k * ns(15'021_ms);
        BOOST_TEST(c[static_cast<std::size_t>(k)].t == start);
        BOOST_TEST(d[static_cast<std::size_t>(k)].t == start + ns(10_s));
    }
    BOOST_TEST(h.rec().connections.connect_ok() == 4u);
    BOOST_TEST(h.rec().connections.connected_peak() == 1);
    BOOST_TEST(h.rec().connections.drops() == 0u);  // clean closes are not drops
    // Connected 40 s of 60 s.
    BOOST_TEST(h.rec().connections.connected().mean(mt::at(60_s)) == 40.0 / 60.0, boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(notifications_published_while_offline_wait_for_the_next_session) {
    auto sc = mt::exact_scenario(1);
    sc.length = 30_s;
    sc.users.online = m::duration_dist::fixed(10_s);
    sc.users.offline = m::duration_dist::fixed(5_s);
    sc.load.push_back(mt::uniform_phase(1));  // 1, 2, ..., 29 s
    mt::harness h(sc);
    h.finish();
    auto& rec = h.rec();
    // Offline 10.021-15.042 s and 25.042-30 s: publishes at 11..15 s are queued (the one at 15 s
    // fans out at 15.0035, before the reconnection); 26..29 s are still queued at the end.
    BOOST_TEST(rec.offline.offline_enqueued() == 9u);
    BOOST_TEST(rec.offline.offline_delivered() == 5u);
    BOOST_TEST(rec.delivery.delivered() == 20u + 5u);
    BOOST_TEST(h.sys.pending() == 4u);
    BOOST_TEST(h.metric("delivery.pending") == 4.0);
    BOOST_TEST(h.metric("delivery.success_rate") == 1.0);  // pending is not a failure
}

BOOST_AUTO_TEST_CASE(first_connections_spread_uniformly_over_the_ramp) {
    auto sc = mt::exact_scenario(2'000);
    sc.server.workers = 16;
    sc.users.connect_start = 1_s;
    sc.users.connect_ramp = 10_s;
    sc.length = 12_s;
    mt::harness h(sc, 3);
    h.finish();
    const auto c = h.records("connect");
    BOOST_TEST_REQUIRE(c.size() == 2'000u);
    int first_half = 0;
    for (const auto& r : c) {
        // The attempt starts at 1 s + u x 10 s (u from the user's stream); handshake + handler.
        rng replay = h.sim.stream("user/" + std::to_string(r.entity));
        const auto offset = static_cast<std::int64_t>(replay.uniform01() * static_cast<double>(ns(10_s)));
        BOOST_TEST_REQUIRE(r.t >= ns(1_s) + offset + ns(21_ms));
        BOOST_TEST_REQUIRE(r.t < ns(1_s) + offset + ns(21_ms) + ns(50_ms));  // little queueing at 200/s on 16 workers
        if (offset < ns(5_s)) ++first_half;
    }
    BOOST_TEST(std::abs(first_half - 1000) < 5 * std::sqrt(2000 * 0.25));
}

BOOST_AUTO_TEST_CASE(client_messages_are_answered_after_a_round_trip) {
    // Up 10 ms, 200 us on a worker, the reply down 10 ms: 20.2 ms for every message.
    auto sc = mt::exact_scenario(1);
    sc.length = 500_s;
    sc.server.workers = 4;
    sc.users.messages = m::rate{2};
    mt::harness h(sc, 9);
    h.finish();
    auto& rec = h.rec();
    BOOST_TEST(rec.messages.message_latency().min() == ns(20'200_us));
    BOOST_TEST(rec.messages.message_latency().max() == ns(20'200_us));
    BOOST_TEST(rec.messages.messages_handled() + 1 >= rec.messages.messages_sent());  // at most one in flight at the end
    BOOST_TEST(rec.messages.message_latency().count() + 1 >= rec.messages.messages_handled());
    // Poisson(2/s over 500 s): 1000 +- 5 sd.
    BOOST_TEST(std::abs(static_cast<double>(rec.messages.messages_sent()) - 1000.0) < 5 * std::sqrt(1000.0));
    // Replies are not notifications.
    BOOST_TEST(rec.delivery.delivered() == 0u);
    // The send times replay from the user's stream: exponential gaps from the 21 ms accept.
    rng replay = h.sim.stream("user/0");
    std::int64_t t = ns(21_ms);
    std::uint64_t n = 0;
    for (;;) {
        t += ns(duration::from_seconds(surge::standard_exponential(replay) / 2.0));
        if (t >= ns(500_s)) break;
        ++n;
    }
    BOOST_TEST(rec.messages.messages_sent() == n);
    BOOST_TEST(h.records("reply").size() == rec.messages.message_latency().count());
}

BOOST_AUTO_TEST_CASE(replies_share_the_link_and_its_bandwidth) {
    // On a 1 000 B/s link a 200-byte reply spends 200 ms on the wire: 220.2 ms round trip.
    auto sc = mt::exact_scenario(1);
    sc.length = 100_s;
    sc.links.bandwidth_bytes_per_s = 1'000;
    sc.users.messages = m::rate{0.1};
    mt::harness h(sc, 2);
    h.finish();
    BOOST_TEST_REQUIRE(h.rec().messages.message_latency().count() > 0u);
    BOOST_TEST(h.rec().messages.message_latency().min() == ns(220'200_us));
}

BOOST_AUTO_TEST_SUITE_END()
