// models/ws_link.hpp: in-order delivery even when latency draws would reorder frames, bandwidth
// serialisation, TCP retransmits on loss, close() handing back what is in flight with old-epoch
// arrivals ignored, the Engine.IO ping detection window, latency spikes, and per-link streams
// keyed by name (adding users leaves user 0's draws alone).
#include "model_harness.hpp"

#include <models/ws_link.hpp>

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

using namespace surge;
using namespace surge::literals;
namespace m = surge::models;
namespace mt = surge::model_test;
using mt::ns;

namespace {

/// A link table for `users` users whose arrivals are logged as (time, id) with id = the message's
/// `created` in ns.
struct bench {
    explicit bench(const m::link_params& p, std::size_t users = 1, std::uint64_t seed = 1)
        : sim(seed), links(sim, p, users, pool) {
        links.on_arrival(&bench::on_arrival, this);
    }
    static void on_arrival(void* self, std::uint32_t u, std::uint32_t ep) {
        auto* b = static_cast<bench*>(self);
        const std::uint32_t i = b->links.take_arrived(u, ep);
        if (i == m::no_index) {
            ++b->stale;
            return;
        }
        b->got.emplace_back(b->sim.now().count(), b->pool[i].created.count());
        b->pool.free(i);
    }
    /// Sends a message with this id and size to user u, leaving now.
    void send(std::uint32_t u, std::int64_t id, std::uint32_t bytes = 0) {
        m::message x;
        x.created = time_point::from_ns(id);
        x.bytes = bytes;
        links.send(u, pool.make(x), sim.now());
    }
    simulation sim;
    m::message_pool pool;
    m::link_table links;
    std::vector<std::pair<std::int64_t, std::int64_t>> got;
    int stale = 0;
};

m::link_params fixed_link(duration latency = 10_ms) {
    m::link_params p;
    p.latency = m::duration_dist::fixed(latency);
    return p;
}

} // namespace

BOOST_AUTO_TEST_SUITE(links_tests)

BOOST_AUTO_TEST_CASE(delivery_is_in_order_even_when_latency_draws_would_reorder) {
    auto p = fixed_link();
    p.latency = m::duration_dist::uniform_between(1_ms, 100_ms);
    bench b(p);
    b.links.open(0);
    // The link draws from the stream "link/0": replay it to know every latency.
    rng replay = b.sim.stream("link/0");
    const m::duration_dist lat = p.latency;
    std::vector<std::int64_t> expect;
    std::int64_t last = 0;
    int would_overtake = 0;
    for (std::int64_t k = 0; k < 300; ++k) {
        b.sim.run_until(mt::at(duration::milliseconds(k)));
        b.send(0, k);
        const std::int64_t raw = ns(duration::milliseconds(k)) + ns(lat.sample(replay));
        if (raw < last) ++would_overtake;
        last = std::max(last, raw);
        expect.push_back(last);
    }
    b.sim.run();
    BOOST_TEST(would_overtake > 100);  // the draws would reorder a lot
    BOOST_TEST_REQUIRE(b.got.size() == 300u);
    for (std::size_t k = 0; k < b.got.size(); ++k) {
        BOOST_TEST_REQUIRE(b.got[k].second == static_cast<std::int64_t>(k));  // in send order
        BOOST_TEST_REQUIRE(b.got[k].first == expect[k]);  // at max(own arrival, previous arrival)
    }
}

BOOST_AUTO_TEST_CASE(bandwidth_serialises_frames_bytes_over_bandwidth) {
    auto p = fixed_link();
    p.bandwidth_bytes_per_s = 1'000'000;  // 1 000 bytes: 1 ms on the wire
    bench b(p);
    b.links.open(0);
    b.send(0, 1, 1000);
    b.send(0, 2, 1000);
    b.send(0, 3, 500);
    b.sim.run_until(mt::at(100_ms));
    b.send(0, 4, 2000);  // the link is idle again
    b.sim.run();
    BOOST_TEST_REQUIRE(b.got.size() == 4u);
    BOOST_TEST(b.got[0].first == ns(11_ms));
    BOOST_TEST(b.got[1].first == ns(12_ms));
    BOOST_TEST(b.got[2].first == ns(12_ms + 500_us));
    BOOST_TEST(b.got[3].first == ns(112_ms));
}

// Issue 12, item 7: a bandwidth of "0.000...1bit/s" made bytes / bandwidth a double far beyond
// std::int64_t, converted anyway (undefined behaviour; UBSan's float-cast-overflow). Now the send
// throws an error that names the bandwidth, and the time on the wire is exact below the limit.
BOOST_AUTO_TEST_CASE(a_frame_beyond_the_horizon_on_a_tiny_bandwidth_is_an_error_not_an_overflow) {
    auto p = fixed_link();
    p.bandwidth_bytes_per_s = 1e-20;
    bench b(p);
    b.links.open(0);
    try {
        b.send(0, 1, 1000);
        BOOST_FAIL("a 1000-byte frame at 1e-20 bytes/s must not be sent");
    } catch (const std::out_of_range& e) {
        BOOST_TEST(std::string(e.what()).find("bandwidth") != std::string::npos, e.what());
    }
    BOOST_CHECK_THROW((void)m::link_table::on_the_wire(1, 1e-300), std::out_of_range);
    // 2^55 ns is the limit: just below it is a duration, at it an error.
    BOOST_TEST(m::link_table::on_the_wire(36028797, 1.0) == duration::nanoseconds(36'028'797'000'000'000));
    BOOST_CHECK_THROW((void)m::link_table::on_the_wire(36028798, 1.0), std::out_of_range);
    BOOST_TEST(m::link_table::on_the_wire(1000, 1'000'000) == 1_ms);
}

BOOST_AUTO_TEST_CASE(slow_fraction_one_puts_every_link_on_the_slow_bandwidth) {
    auto p = fixed_link();
    p.slow_fraction = 1.0;
    p.slow_bandwidth_bytes_per_s = 2'000;
    bench b(p, 3);
    for (std::uint32_t u = 0; u < 3; ++u) b.links.open(u);
    for (std::uint32_t u = 0; u < 3; ++u) b.send(u, u, 200);  // 100 ms each
    b.sim.run();
    BOOST_TEST_REQUIRE(b.got.size() == 3u);
    for (const auto& g : b.got) BOOST_TEST(g.first == ns(110_ms));
}

BOOST_AUTO_TEST_CASE(slow_fraction_assigns_about_that_share_of_links) {
    auto p = fixed_link();
    p.slow_fraction = 0.2;
    p.slow_bandwidth_bytes_per_s = 1'000;
    const std::size_t n = 5'000;
    bench b(p, n);
    for (std::uint32_t u = 0; u < n; ++u) {
        b.links.open(u);
        b.send(u, u, 100);  // 100 ms on a slow link, nothing on a fast one
    }
    b.sim.run();
    const auto slow = std::count_if(b.got.begin(), b.got.end(), [](const auto& g) { return g.first == ns(110_ms); });
    const auto fast = std::count_if(b.got.begin(), b.got.end(), [](const auto& g) { return g.first == ns(10_ms); });
    BOOST_TEST(static_cast<std::size_t>(slow + fast) == n);
    // Binomial(5000, 0.2): mean 1000, sd 28.3.
    BOOST_TEST(std::abs(static_cast<double>(slow) - 1000.0) < 5 * std::sqrt(5000 * 0.2 * 0.8));
}

BOOST_AUTO_TEST_CASE(a_lost_frame_adds_the_retransmit_delay_and_holds_back_the_next) {
    auto p = fixed_link();
    p.loss = 1.0;
    p.retransmit = 200_ms;
    bench b(p);
    b.links.open(0);
    b.send(0, 1);
    b.sim.run_until(mt::at(1_ms));
    b.send(0, 2);
    b.sim.run();
    BOOST_TEST_REQUIRE(b.got.size() == 2u);
    BOOST_TEST(b.got[0].first == ns(210_ms));
    BOOST_TEST(b.got[1].first == ns(211_ms));
}

BOOST_AUTO_TEST_CASE(loss_draws_replay_exactly_and_hit_about_the_loss_probability) {
    auto p = fixed_link();
    p.loss = 0.1;
    p.retransmit = 200_ms;
    bench b(p);
    b.links.open(0);
    rng replay = b.sim.stream("link/0");  // the constant latency draws nothing: one draw per frame
    std::vector<std::int64_t> expect;
    std::int64_t last = 0;
    int lost = 0;
    const int n = 4'000;
    for (int k = 0; k < n; ++k) {
        const duration t = duration::seconds(k);  // 1 s apart: no frame waits for another
        b.sim.run_until(mt::at(t));
        b.send(0, k);
        const bool loss = replay.uniform01() < 0.1;
        lost += loss ? 1 : 0;
        last = std::max(last, ns(t) + ns(10_ms) + (loss ? ns(200_ms) : 0));
        expect.push_back(last);
    }
    b.sim.run();
    BOOST_TEST_REQUIRE(b.got.size() == static_cast<std::size_t>(n));
    for (std::size_t k = 0; k < b.got.size(); ++k) BOOST_TEST_REQUIRE(b.got[k].first == expect[k]);
    BOOST_TEST(std::abs(lost - 400.0) < 5 * std::sqrt(n * 0.1 * 0.9));
}

BOOST_AUTO_TEST_CASE(close_returns_in_flight_messages_in_order_and_old_arrivals_are_ignored) {
    bench b(fixed_link());
    b.links.open(0);
    for (std::int64_t k = 1; k <= 3; ++k) b.send(0, k);
    BOOST_TEST(b.links.in_flight(0).size == 3u);
    b.sim.run_until(mt::at(1_ms));
    const std::uint32_t epoch_before = b.links.epoch(0);
    std::vector<std::int64_t> returned;
    b.links.close(0, [&](std::uint32_t i) {
        returned.push_back(b.pool[i].created.count());
        b.pool.free(i);
    });
    BOOST_TEST(returned == (std::vector<std::int64_t>{1, 2, 3}), boost::test_tools::per_element());
    BOOST_TEST(!b.links.alive(0));
    BOOST_TEST(b.links.epoch(0) == epoch_before + 1);
    // Reopened at 2 ms and sent a frame arriving at 12 ms: the three old arrivals at 10 ms belong
    // to the old epoch and must not take it.
    b.sim.run_until(mt::at(2_ms));
    b.links.open(0);
    b.send(0, 4);
    b.sim.run();
    BOOST_TEST(b.stale == 3);
    BOOST_TEST_REQUIRE(b.got.size() == 1u);
    BOOST_TEST(b.got[0].first == ns(12_ms));
    BOOST_TEST(b.got[0].second == 4);
    BOOST_TEST(b.pool.live() == 0u);
}

BOOST_AUTO_TEST_CASE(ping_detection_lies_within_timeout_and_interval_plus_timeout) {
    auto p = fixed_link();
    p.ping_interval = 25_s;
    p.ping_timeout = 20_s;
    bench b(p);
    rng replay = b.sim.stream("link/0");
    const int n = 10'000;
    double sum = 0;
    for (int i = 0; i < n; ++i) {
        const duration d = b.links.ping_detection(0);
        BOOST_TEST_REQUIRE(d >= 20_s);
        BOOST_TEST_REQUIRE(d < 45_s);
        const auto wait = static_cast<std::int64_t>(replay.uniform01() * static_cast<double>(ns(25_s)));
        BOOST_TEST_REQUIRE(ns(d) == wait + ns(20_s));
        sum += d.seconds_f();
    }
    // Uniform over the interval: mean 20 + 12.5 s, sd 25/sqrt(12) s.
    BOOST_TEST(std::abs(sum / n - 32.5) < 5 * 25.0 / std::sqrt(12.0) / std::sqrt(double(n)));
}

BOOST_AUTO_TEST_CASE(latency_spike_scales_and_adds_then_is_undone) {
    auto p = fixed_link();
    p.handshake = m::duration_dist::fixed(20_ms);
    bench b(p);
    BOOST_TEST(ns(b.links.one_way(0)) == ns(10_ms));
    b.links.spike(3.0, 5_ms);
    BOOST_TEST(ns(b.links.one_way(0)) == ns(35_ms));
    BOOST_TEST(ns(b.links.handshake_time(0)) == ns(60_ms));  // the factor scales handshakes too
    b.links.spike(1.0, 7_ms);  // overlapping spikes add up
    BOOST_TEST(ns(b.links.one_way(0)) == ns(42_ms));
    b.links.unspike(3.0, 5_ms);
    b.links.unspike(1.0, 7_ms);
    BOOST_TEST(ns(b.links.one_way(0)) == ns(10_ms));
    BOOST_TEST(ns(b.links.handshake_time(0)) == ns(20_ms));
}

BOOST_AUTO_TEST_CASE(handshake_failure_probability_zero_and_one) {
    auto p = fixed_link();
    p.connect_failure = 0;
    bench b(p);
    rng before = b.links.stream(0);
    for (int i = 0; i < 100; ++i) BOOST_TEST_REQUIRE(!b.links.handshake_fails(0));
    BOOST_TEST(b.links.stream(0)() == before());  // probability 0 draws nothing
    p.connect_failure = 1;
    bench c(p);
    for (int i = 0; i < 100; ++i) BOOST_TEST_REQUIRE(c.links.handshake_fails(0));
}

BOOST_AUTO_TEST_CASE(adding_users_leaves_user_zeros_draws_unchanged) {
    auto p = fixed_link();
    p.latency = m::duration_dist::lognormal_median_p99(40_ms, 250_ms);
    p.handshake = m::duration_dist::exponential_mean(30_ms);
    p.loss = 0.01;
    bench one(p, 1, 42), many(p, 1000, 42), other_seed(p, 1, 43);
    std::vector<std::int64_t> a, c, d;
    for (int i = 0; i < 50; ++i) {
        a.push_back(ns(one.links.one_way(0)) + ns(one.links.handshake_time(0)));
        c.push_back(ns(many.links.one_way(0)) + ns(many.links.handshake_time(0)));
        d.push_back(ns(other_seed.links.one_way(0)) + ns(other_seed.links.handshake_time(0)));
    }
    BOOST_TEST(a == c, boost::test_tools::per_element());
    BOOST_TEST(a != d);
    // User 1's link is a stream of its own.
    std::vector<std::int64_t> e;
    for (int i = 0; i < 50; ++i) e.push_back(ns(many.links.one_way(1)) + ns(many.links.handshake_time(1)));
    BOOST_TEST(a != e);
}

BOOST_AUTO_TEST_SUITE_END()
