// models/degradation.hpp: backoff with AWS-style jitter (exact values without jitter, exact
// bounds and replayed draws with it), the circuit breaker's state sequence at exact times, the
// rate limit's admissions on the kernel's token bucket (burst + rate x t, and the same verdicts as
// the integer bucket it replaced) and load shedding by priority.
#include "model_harness.hpp"

#include <models/admission.hpp>
#include <models/degradation.hpp>

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

using namespace surge;
using namespace surge::literals;
namespace m = surge::models;
using surge::model_test::ns;

namespace {

m::backoff_params backoff(duration base, duration max, double mult, m::backoff_params::jitter_kind j) {
    m::backoff_params b;
    b.base = base;
    b.max = max;
    b.multiplier = mult;
    b.jitter = j;
    return b;
}

time_point t_at(duration d) { return time_point{} + d; }

m::degradation_params::rate_limit_params limit(double per_second, std::int64_t burst) {
    m::degradation_params::rate_limit_params p;
    p.enabled = true;
    p.limit = m::rate{per_second};
    p.burst = burst;
    return p;
}

/// Advances the simulation to `at` and asks the limiter for n tokens then.
bool take_at(simulation& sim, m::rate_limiter& lim, duration at, std::int64_t n = 1) {
    sim.run_until(time_point{} + at);
    return lim.try_take(n);
}

} // namespace

BOOST_AUTO_TEST_SUITE(degradation_tests)

BOOST_AUTO_TEST_CASE(backoff_without_jitter_is_base_times_multiplier_power_capped) {
    const auto b = backoff(1_s, 30_s, 2.0, m::backoff_params::jitter_kind::none);
    rng r = make_stream(1, "backoff");
    const rng before = r;
    const std::int64_t expect_s[] = {1, 2, 4, 8, 16, 30, 30, 30};
    for (std::int64_t k = 1; k <= 8; ++k) BOOST_TEST(ns(m::backoff_delay(b, k, r)) == ns(duration::seconds(expect_s[k - 1])));
    // Attempt 0 (nothing failed yet) is treated as the first.
    BOOST_TEST(ns(m::backoff_delay(b, 0, r)) == ns(1_s));
    // No jitter draws nothing: the stream is where it was.
    rng copy = before;
    BOOST_TEST(r() == copy());

    // A non-integer multiplier: 100 ms * 1.5^(k-1), capped at 400 ms.
    const auto c = backoff(100_ms, 400_ms, 1.5, m::backoff_params::jitter_kind::none);
    BOOST_TEST(ns(m::backoff_delay(c, 1, r)) == ns(100_ms));
    BOOST_TEST(ns(m::backoff_delay(c, 2, r)) == ns(150_ms));
    BOOST_TEST(ns(m::backoff_delay(c, 3, r)) == ns(225_ms));
    BOOST_TEST(ns(m::backoff_delay(c, 4, r)) == ns(337'500_us));
    BOOST_TEST(ns(m::backoff_delay(c, 5, r)) == ns(400_ms));
}

BOOST_AUTO_TEST_CASE(backoff_full_jitter_is_uniform_in_zero_to_wait) {
    const auto b = backoff(1_s, 5_s, 2.0, m::backoff_params::jitter_kind::full);
    rng r = make_stream(7, "backoff");
    rng replay = r;
    double sum = 0;
    const int n = 20'000;
    for (int i = 0; i < n; ++i) {
        const std::int64_t k = 1 + i % 5;  // waits 1, 2, 4, 5 (capped), 5 s
        const double w = std::min(std::pow(2.0, static_cast<double>(k - 1)), 5.0);
        const duration d = m::backoff_delay(b, k, r);
        // Exactly wait * u with the stream's next uniform.
        BOOST_TEST_REQUIRE(ns(d) == ns(duration::from_seconds(w * replay.uniform01())));
        BOOST_TEST_REQUIRE(d >= duration::zero());
        BOOST_TEST_REQUIRE(d <= duration::from_seconds(w));
        sum += d.seconds_f() / w;
    }
    // d / wait is U(0,1): mean 1/2, sd of the mean sqrt(1/12 / n).
    BOOST_TEST(std::abs(sum / n - 0.5) < 5 * std::sqrt(1.0 / 12.0 / n));
}

BOOST_AUTO_TEST_CASE(backoff_equal_jitter_is_half_plus_uniform_half) {
    const auto b = backoff(1_s, 5_s, 2.0, m::backoff_params::jitter_kind::equal);
    rng r = make_stream(9, "backoff");
    rng replay = r;
    double sum = 0;
    const int n = 20'000;
    for (int i = 0; i < n; ++i) {
        const std::int64_t k = 1 + i % 4;
        const double w = std::min(std::pow(2.0, static_cast<double>(k - 1)), 5.0);
        const duration d = m::backoff_delay(b, k, r);
        BOOST_TEST_REQUIRE(ns(d) == ns(duration::from_seconds(w * 0.5 + w * 0.5 * replay.uniform01())));
        BOOST_TEST_REQUIRE(d >= duration::from_seconds(w / 2));
        BOOST_TEST_REQUIRE(d <= duration::from_seconds(w));
        sum += d.seconds_f() / w;
    }
    // d / wait is U(1/2, 1): mean 3/4, sd sqrt(1/48).
    BOOST_TEST(std::abs(sum / n - 0.75) < 5 * std::sqrt(1.0 / 48.0 / n));
}

BOOST_AUTO_TEST_CASE(circuit_breaker_closed_open_half_open_closed_at_exact_times) {
    m::degradation_params::circuit_breaker_params p;
    p.enabled = true;
    p.failure_threshold = 3;
    p.open_for = 5_s;
    m::circuit_breaker cb(p);
    using st = m::circuit_breaker::state;
    BOOST_TEST((cb.current() == st::closed));

    // Two failures, a success: the count of consecutive failures starts again.
    BOOST_TEST(!cb.failure(t_at(1_s)));
    BOOST_TEST(!cb.failure(t_at(2_s)));
    cb.success();
    BOOST_TEST(!cb.failure(t_at(3_s)));
    BOOST_TEST(!cb.failure(t_at(4_s)));
    BOOST_TEST((cb.current() == st::closed));
    BOOST_TEST(cb.allow(t_at(4_s)));
    // The third consecutive failure opens it until 10 s.
    BOOST_TEST(cb.failure(t_at(5_s)));
    BOOST_TEST((cb.current() == st::open));
    BOOST_TEST(!cb.allow(t_at(5_s)));
    BOOST_TEST(!cb.allow(t_at(10_s) - 1_ns));
    BOOST_TEST((cb.current() == st::open));
    // At exactly 10 s one probe goes through; a second caller is refused while it runs.
    BOOST_TEST(cb.allow(t_at(10_s)));
    BOOST_TEST((cb.current() == st::half_open));
    BOOST_TEST(!cb.allow(t_at(10_s)));
    BOOST_TEST(!cb.allow(t_at(11_s)));
    // The probe succeeds: closed, everyone allowed.
    cb.success();
    BOOST_TEST((cb.current() == st::closed));
    BOOST_TEST(cb.allow(t_at(11_s)));
    BOOST_TEST(cb.allow(t_at(11_s)));
}

BOOST_AUTO_TEST_CASE(circuit_breaker_failed_probe_reopens_for_open_for) {
    m::degradation_params::circuit_breaker_params p;
    p.enabled = true;
    p.failure_threshold = 2;
    p.open_for = 3_s;
    m::circuit_breaker cb(p);
    using st = m::circuit_breaker::state;
    BOOST_TEST(!cb.failure(t_at(1_s)));
    BOOST_TEST(cb.failure(t_at(2_s)));  // open until 5 s
    // A failure reported while open (a call let through before it opened) changes nothing.
    BOOST_TEST(!cb.failure(t_at(3_s)));
    BOOST_TEST(!cb.allow(t_at(5_s) - 1_ns));
    BOOST_TEST(cb.allow(t_at(5_s)));
    BOOST_TEST((cb.current() == st::half_open));
    // The probe fails at 6 s: open again until 9 s, counted as an opening.
    BOOST_TEST(cb.failure(t_at(6_s)));
    BOOST_TEST((cb.current() == st::open));
    BOOST_TEST(!cb.allow(t_at(9_s) - 1_ns));
    BOOST_TEST(cb.allow(t_at(9_s)));
    BOOST_TEST((cb.current() == st::half_open));
    cb.success();
    BOOST_TEST((cb.current() == st::closed));
}

BOOST_AUTO_TEST_CASE(disabled_circuit_breaker_never_opens) {
    m::degradation_params::circuit_breaker_params p;
    p.enabled = false;
    p.failure_threshold = 1;
    m::circuit_breaker cb(p);
    for (int i = 0; i < 100; ++i) {
        BOOST_TEST_REQUIRE(!cb.failure(t_at(duration::seconds(i))));
        BOOST_TEST_REQUIRE(cb.allow(t_at(duration::seconds(i))));
    }
    BOOST_TEST((cb.current() == m::circuit_breaker::state::closed));
}

BOOST_AUTO_TEST_CASE(rate_limit_admits_burst_plus_rate_times_t) {
    // 100/s, burst 10, a request every millisecond for 10 s (10 001 requests at 0, 1 ms, ..., 10 s):
    // the burst goes at once, then one token every 10 ms: 10 + 10 s * 100/s = 1 010.
    simulation sim;
    m::rate_limiter lim(sim, limit(100, 10));
    std::int64_t admitted = 0;
    std::vector<std::int64_t> admitted_at;
    for (std::int64_t k = 0; k <= 10'000; ++k)
        if (take_at(sim, lim, duration::milliseconds(k))) {
            ++admitted;
            admitted_at.push_back(k);
        }
    BOOST_TEST(admitted == 1'010);
    // The first ten at 0..9 ms, then exactly one every 10 ms from 10 ms on.
    for (std::int64_t i = 0; i < 10; ++i) BOOST_TEST(admitted_at[static_cast<std::size_t>(i)] == i);
    for (std::size_t i = 10; i < admitted_at.size(); ++i)
        BOOST_TEST_REQUIRE(admitted_at[i] == static_cast<std::int64_t>(10 * (i - 9)));
}

BOOST_AUTO_TEST_CASE(rate_limit_refills_to_burst_and_no_further) {
    simulation sim;
    m::rate_limiter lim(sim, limit(10, 5));
    for (int i = 0; i < 5; ++i) BOOST_TEST(take_at(sim, lim, 0_s));
    BOOST_TEST(!take_at(sim, lim, 0_s));
    // 100 ms later one token; an hour later only `burst` of them.
    BOOST_TEST(!take_at(sim, lim, 99_ms));
    BOOST_TEST(take_at(sim, lim, 100_ms));
    BOOST_TEST(!take_at(sim, lim, 100_ms));
    int n = 0;
    while (take_at(sim, lim, 3600_s)) ++n;
    BOOST_TEST(n == 5);
    // Taking several at once: 3 of the 5 refilled after 500 ms, then 2 more are there, not 3.
    BOOST_TEST(take_at(sim, lim, 3600_s + 500_ms, 3));
    BOOST_TEST(!take_at(sim, lim, 3600_s + 500_ms, 3));
    BOOST_TEST(take_at(sim, lim, 3600_s + 500_ms, 2));
}

BOOST_AUTO_TEST_CASE(disabled_rate_limit_admits_everything) {
    simulation sim;
    m::degradation_params::rate_limit_params p = limit(1, 1);
    p.enabled = false;
    m::rate_limiter lim(sim, p);
    for (int i = 0; i < 1000; ++i) BOOST_TEST_REQUIRE(take_at(sim, lim, 0_s));
}

BOOST_AUTO_TEST_CASE(rate_limit_token_interval_is_one_second_over_rate_rounded_at_least_1ns) {
    BOOST_TEST(ns(m::rate_limiter::token_interval(m::rate{100})) == 10'000'000);
    BOOST_TEST(ns(m::rate_limiter::token_interval(m::rate{3})) == 333'333'333);
    BOOST_TEST(ns(m::rate_limiter::token_interval(m::rate{1.5e9})) == 1);  // 0.67 ns rounds to 1
    BOOST_TEST(ns(m::rate_limiter::token_interval(m::rate{5e9})) == 1);    // 0.2 ns: at least 1 ns
}

BOOST_AUTO_TEST_CASE(rate_limit_on_the_kernel_token_bucket_admits_what_the_integer_reference_admits) {
    // The limiter used to be its own integer token bucket (below, verbatim arithmetic: a token
    // every `interval` ns, the refill clock advanced by whole intervals, reset to now when full).
    // The kernel's token_bucket keeps a carry instead; both must admit exactly the same requests,
    // or the goldens of scenarios with a rate limit would move.
    struct reference_bucket {
        std::int64_t burst, interval, tokens, last = 0;
        bool take(std::int64_t now, std::int64_t n) {
            const std::int64_t add = (now - last) / interval;
            if (add > 0) {
                tokens = std::min(burst, tokens + add);
                last += add * interval;
            }
            if (tokens == burst) last = now;
            if (tokens < n) return false;
            tokens -= n;
            return true;
        }
    };
    rng draws(20261202);
    std::int64_t differences = 0, admitted = 0, refused = 0;
    for (int trial = 0; trial < 200; ++trial) {
        const double per_second = 1.0 + draws.uniform01() * 5000.0;
        const auto burst = static_cast<std::int64_t>(1 + draws.below(20));
        simulation sim;
        m::rate_limiter lim(sim, limit(per_second, burst));
        reference_bucket ref{burst, ns(m::rate_limiter::token_interval(m::rate{per_second})), burst};
        std::int64_t t = 0;
        for (int k = 0; k < 2000; ++k) {
            // Gaps around the token interval, often zero (bursts at one instant).
            const std::int64_t gap = draws.below(4) == 0 ? 0 : static_cast<std::int64_t>(draws.uniform01() * 2.5 * static_cast<double>(ref.interval));
            t += gap;
            const auto n = static_cast<std::int64_t>(1 + draws.below(static_cast<std::uint64_t>(std::min<std::int64_t>(burst, 3))));
            const bool kernel = take_at(sim, lim, duration::nanoseconds(t), n);
            const bool expected = ref.take(t, n);
            if (kernel != expected) ++differences;
            (expected ? admitted : refused) += 1;
        }
    }
    BOOST_TEST(differences == 0);
    // Both outcomes were exercised in earnest.
    BOOST_TEST(admitted > 50'000);
    BOOST_TEST(refused > 50'000);
}

BOOST_AUTO_TEST_CASE(should_shed_only_lower_priorities_at_or_over_threshold) {
    m::degradation_params::shedding_params p;
    p.enabled = true;
    p.queue_threshold = 10;
    p.keep_at_least = m::priority_class::high;
    using pc = m::priority_class;
    BOOST_TEST(!m::should_shed(p, 9, pc::low));
    BOOST_TEST(m::should_shed(p, 10, pc::low));
    BOOST_TEST(m::should_shed(p, 10, pc::normal));
    BOOST_TEST(!m::should_shed(p, 10, pc::high));
    BOOST_TEST(!m::should_shed(p, 1'000'000, pc::critical));
    p.keep_at_least = pc::low;  // keeps everything
    BOOST_TEST(!m::should_shed(p, 1'000'000, pc::low));
    p.keep_at_least = pc::critical;
    BOOST_TEST(m::should_shed(p, 10, pc::high));
    p.enabled = false;
    BOOST_TEST(!m::should_shed(p, 1'000'000, pc::low));
}

BOOST_AUTO_TEST_SUITE_END()
