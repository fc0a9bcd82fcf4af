// Tests for surge/random.hpp. The golden values pin the exact bits a seed produces, so any change
// to an algorithm, a constant or the order of draws fails here before it silently changes every
// simulation result; the statistical tests check that what is pinned is also right.
#include "surge/random.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <limits>
#include <random>  // std::uniform_random_bit_generator only; no <random> distribution is used
#include <string>
#include <utility>
#include <vector>

using namespace surge;

namespace {

constexpr int n_draws = 200'000;

// Sample mean and variance of `n` draws, each compared with the formula within 5 standard errors.
// The standard error of the variance comes from the sample's fourth central moment:
// Var(s^2) ~ (m4 - s^4) / n.
void check_moments(const std::string& what, const std::function<double()>& draw, double mean,
                   double variance, int n = n_draws) {
    BOOST_TEST_CONTEXT(what) {
        std::vector<double> x(static_cast<std::size_t>(n));
        double sum = 0;
        for (auto& v : x) sum += (v = draw());
        const double m = sum / n;
        double s2 = 0, m4 = 0;
        for (const double v : x) {
            const double d2 = (v - m) * (v - m);
            s2 += d2;
            m4 += d2 * d2;
        }
        s2 /= n - 1;
        m4 /= n;
        BOOST_TEST(std::fabs(m - mean) <= 5 * std::sqrt(variance / n),
                   "sample mean " << m << " vs " << mean << " (5 SE = " << 5 * std::sqrt(variance / n) << ")");
        const double se_var = std::sqrt((m4 - s2 * s2) / n);
        BOOST_TEST(std::fabs(s2 - variance) <= 5 * se_var,
                   "sample variance " << s2 << " vs " << variance << " (5 SE = " << 5 * se_var << ")");
    }
}

// A predicate for BOOST_CHECK_EXCEPTION: what() contains every fragment.
auto says(std::initializer_list<std::string> fragments) {
    return [f = std::vector<std::string>(fragments)](const std::invalid_argument& e) {
        const std::string msg = e.what();
        for (const auto& s : f)
            if (msg.find(s) == std::string::npos) {
                BOOST_TEST_MESSAGE("message \"" << msg << "\" lacks \"" << s << "\"");
                return false;
            }
        return true;
    };
}

std::vector<std::uint64_t> first(rng r, int n) {
    std::vector<std::uint64_t> out;
    for (int i = 0; i < n; ++i) out.push_back(r());
    return out;
}

// Standard normal CDF through std::erfc: an independent check of the AS241 quantile.
double phi(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

} // namespace

static_assert(std::uniform_random_bit_generator<rng>);

BOOST_AUTO_TEST_SUITE(random_tests)

// ---- known answers for the building blocks --------------------------------------------------

BOOST_AUTO_TEST_CASE(splitmix64_known_answers) {
    // Vigna's splitmix64.c seeded with 1234567 (values also recomputed with an independent script).
    splitmix64 sm{1234567};
    BOOST_TEST(sm.next() == 6457827717110365317u);
    BOOST_TEST(sm.next() == 3203168211198807973u);
    BOOST_TEST(sm.next() == 9817491932198370423u);
    BOOST_TEST(sm.next() == 4593380528125082431u);
    BOOST_TEST(sm.next() == 16408922859458223821u);
    BOOST_TEST(splitmix64_mix(1234567) == 6457827717110365317u);
}

BOOST_AUTO_TEST_CASE(fnv1a_64_known_answers) {
    // Test vectors of the FNV reference (Fowler, Noll, Vo).
    BOOST_TEST(fnv1a_64("") == 0xcbf29ce484222325u);
    BOOST_TEST(fnv1a_64("a") == 0xaf63dc4c8601ec8cu);
    BOOST_TEST(fnv1a_64("foobar") == 0x85944171f73967e8u);
}

BOOST_AUTO_TEST_CASE(xoshiro256starstar_known_answers) {
    // The reference xoshiro256starstar.c from state {1, 2, 3, 4}.
    rng r = rng::from_state({1, 2, 3, 4});
    const std::uint64_t expected[] = {11520u, 0u, 1509978240u, 1215971899390074240u,
                                      1216172134540287360u, 607988272756665600u,
                                      16172922978634559625u, 8476171486693032832u,
                                      10595114339597558777u, 2904607092377533576u};
    for (const std::uint64_t e : expected) BOOST_TEST(r() == e);
}

BOOST_AUTO_TEST_CASE(seeding_fills_state_with_splitmix64) {
    rng r{42};
    splitmix64 sm{42};
    for (const std::uint64_t w : r.state()) BOOST_TEST(w == sm.next());
    BOOST_TEST(r.state()[0] == 13679457532755275413u);
    BOOST_TEST(r.state()[3] == 6349198060258255764u);
}

BOOST_AUTO_TEST_CASE(jump_known_answer) {
    // Expected state computed independently: the 256x256 GF(2) matrix of one xoshiro256 step,
    // squared 128 times, applied to the state of rng{42}. Agrees with the published polynomial.
    rng r{42};
    r.jump();
    const std::array<std::uint64_t, 4> expected = {9328193999328548533u, 7232381093710323886u,
                                                   17615662993374980140u, 2563666913258560417u};
    BOOST_TEST(r.state() == expected);
    BOOST_TEST(r() == 5766981335298035530u);
    BOOST_TEST(r() == 13414075677763163907u);
}

BOOST_AUTO_TEST_CASE(rng_is_a_uniform_random_bit_generator) {
    BOOST_TEST(rng::min() == 0u);
    BOOST_TEST(rng::max() == ~std::uint64_t{0});
    // std::shuffle only needs the bit generator; its use of it is standard-library specific, so
    // nothing is pinned here beyond "it compiles and permutes".
    std::vector<int> v = {1, 2, 3, 4, 5};
    rng r{7};
    std::shuffle(v.begin(), v.end(), r);
    std::sort(v.begin(), v.end());
    BOOST_TEST((v == std::vector<int>{1, 2, 3, 4, 5}));
}

// ---- golden values: seed 42 ------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(golden_raw_and_uniform) {
    constexpr std::uint64_t key = stream_key(42, "golden");  // also usable at compile time
    BOOST_TEST(key == 9109959962924005018u);
    rng r = make_stream(42, "golden");
    BOOST_TEST(r() == 15484586717426287948u);
    BOOST_TEST(r() == 5655021799340080887u);
    BOOST_TEST(r() == 4791373347446967401u);
    BOOST_TEST(r() == 14692105251713162369u);

    rng u = make_stream(42, "golden/uniform01");
    BOOST_TEST(u.uniform01() == 0.23939785453385665);
    BOOST_TEST(u.uniform01() == 0.24697328022097076);
    BOOST_TEST(u.uniform01() == 0.5552071666410312);

    rng o = make_stream(42, "golden/uniform01_open");
    BOOST_TEST(o.uniform01_open() == 0.34066630840626455);
    BOOST_TEST(o.uniform01_open() == 0.16271000467958363);
    BOOST_TEST(o.uniform01_open() == 0.46997668662898817);

    rng b = make_stream(42, "golden/below");
    BOOST_TEST(b.below(1000) == 429u);
    BOOST_TEST(b.below(1000) == 132u);
    BOOST_TEST(b.below(1000) == 960u);
}

BOOST_AUTO_TEST_CASE(golden_distributions) {
    {
        rng r = make_stream(42, "golden/uniform_real");
        const uniform_real d{2, 5};
        BOOST_TEST(d(r) == 3.7372714430673684);
        BOOST_TEST(d(r) == 2.5711781917142171);
        BOOST_TEST(d(r) == 2.4289864147129951);
    }
    {
        rng r = make_stream(42, "golden/uniform_int");
        const uniform_int d{-10, 10};
        BOOST_TEST(d(r) == -9);
        BOOST_TEST(d(r) == 9);
        BOOST_TEST(d(r) == 7);
    }
    {
        rng r = make_stream(42, "golden/exponential");
        const exponential d{0.5};
        BOOST_TEST(d(r) == 0.013540999845678695);
        BOOST_TEST(d(r) == 0.30013890810028371);
        BOOST_TEST(d(r) == 0.30244723159840525);
    }
    {
        rng r = make_stream(42, "golden/normal");
        const normal d{10, 2};
        BOOST_TEST(d(r) == 15.369241412320598);
        BOOST_TEST(d(r) == 10.621019345791883);
        BOOST_TEST(d(r) == 9.6526280133272149);
    }
    {
        rng r = make_stream(42, "golden/lognormal");
        const lognormal d{0, 0.5};
        BOOST_TEST(d(r) == 1.0458785234887988);
        BOOST_TEST(d(r) == 0.36640378203993446);
        BOOST_TEST(d(r) == 0.8753447256451008);
    }
    {
        rng r = make_stream(42, "golden/lognormal/from_median_p99");
        const lognormal d = lognormal::from_median_p99(0.04, 0.25);
        BOOST_TEST(d.mu() == -3.2188758248682006);
        BOOST_TEST(d.sigma() == 0.78775039803704672);
        BOOST_TEST(d(r) == 0.10789923673276688);
        BOOST_TEST(d(r) == 0.024083118055919315);
        BOOST_TEST(d(r) == 0.022349576166540753);
    }
    {
        rng r = make_stream(42, "golden/pareto");
        const pareto d{1, 2.5};
        BOOST_TEST(d(r) == 1.0842774140362166);
        BOOST_TEST(d(r) == 2.1670078637985766);
        BOOST_TEST(d(r) == 1.0219128505096953);
    }
    {
        rng r = make_stream(42, "golden/weibull");
        const weibull d{2, 1.5};
        BOOST_TEST(d(r) == 5.309857182190008);
        BOOST_TEST(d(r) == 1.2266740073911591);
        BOOST_TEST(d(r) == 2.5673380942663853);
    }
    {
        rng r = make_stream(42, "golden/gamma");
        const surge::gamma d{2.5, 2};
        BOOST_TEST(d(r) == 2.537507494076463);
        BOOST_TEST(d(r) == 4.2527409848009539);
        BOOST_TEST(d(r) == 15.764587260873448);
    }
    {
        rng r = make_stream(42, "golden/gamma/small_shape");
        const surge::gamma d{0.5, 2};
        BOOST_TEST(d(r) == 0.23564863997015659);
        BOOST_TEST(d(r) == 2.0193012336885445);
        BOOST_TEST(d(r) == 0.60446962571777763);
    }
    {
        rng r = make_stream(42, "golden/erlang");
        const erlang d{3, 1.5};
        BOOST_TEST(d(r) == 0.80127066358100729);
        BOOST_TEST(d(r) == 1.4690537861644268);
        BOOST_TEST(d(r) == 1.3694785044600901);
    }
    {
        rng r = make_stream(42, "golden/empirical");
        const empirical d{{8, 1, 16, 2, 4}};
        BOOST_TEST(d(r) == 12.094710771485666);
        BOOST_TEST(d(r) == 2.0044529799326147);
        BOOST_TEST(d(r) == 7.7711924003036561);
    }
    {
        rng r = make_stream(42, "golden/weighted_choice");
        const weighted_choice d{{1, 2, 3, 4}};
        BOOST_TEST(d(r) == 2u);
        BOOST_TEST(d(r) == 3u);
        BOOST_TEST(d(r) == 3u);
    }
    {
        rng r = make_stream(42, "golden/bernoulli");
        const bernoulli d{0.5};
        BOOST_TEST(d(r) == false);
        BOOST_TEST(d(r) == true);
        BOOST_TEST(d(r) == false);
    }
    {
        rng r = make_stream(42, "golden/constant");
        const constant d{7.5};
        BOOST_TEST(d(r) == 7.5);
        BOOST_TEST(d(r) == 7.5);
        BOOST_TEST(d(r) == 7.5);
    }
    {
        rng r = make_stream(42, "golden/sample_duration");
        const exponential d{0.25};
        BOOST_TEST(sample_duration(d, r).count() == 590661098);
        BOOST_TEST(sample_duration(d, r).count() == 654055634);
        BOOST_TEST(sample_duration(d, r).count() == 444823483);
    }
}

// ---- streams ---------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(same_seed_and_name_give_the_same_sequence) {
    BOOST_TEST(first(make_stream(7, "user/17/think"), 100) == first(make_stream(7, "user/17/think"), 100));
    BOOST_TEST(stream_key(7, "user/17/think") == stream_key(7, "user/17/think"));
}

BOOST_AUTO_TEST_CASE(different_names_or_seeds_give_different_sequences) {
    const auto base = first(make_stream(7, "user/1"), 16);
    BOOST_TEST(first(make_stream(7, "user/10"), 16) != base);
    BOOST_TEST(first(make_stream(7, "user/2"), 16) != base);
    BOOST_TEST(first(make_stream(7, "user/1 "), 16) != base);
    BOOST_TEST(first(make_stream(7, ""), 16) != base);
    BOOST_TEST(first(make_stream(8, "user/1"), 16) != base);
    BOOST_TEST(first(make_stream(0, "user/1"), 16) != base);

    // 10 000 names under 4 seeds: no two keys collide and no two first outputs collide.
    std::vector<std::uint64_t> keys, outputs;
    for (std::uint64_t seed : {0u, 1u, 2u, 42u})
        for (int i = 0; i < 10'000; ++i) {
            const std::string name = "entity/" + std::to_string(i);
            keys.push_back(stream_key(seed, name));
            outputs.push_back(make_stream(seed, name)());
        }
    for (auto* v : {&keys, &outputs}) {
        std::sort(v->begin(), v->end());
        BOOST_TEST((std::adjacent_find(v->begin(), v->end()) == v->end()));
    }
}

BOOST_AUTO_TEST_CASE(creating_other_streams_does_not_change_a_stream) {
    rng alone = make_stream(99, "db/query");
    const exponential e{1};
    std::vector<double> expected;
    for (int i = 0; i < 50; ++i) expected.push_back(e(alone));

    // Same stream, with other streams created and drawn from before and in between.
    rng a = make_stream(99, "user/1");
    rng b = make_stream(99, "user/2");
    for (int i = 0; i < 10; ++i) (void)e(a);
    rng db = make_stream(99, "db/query");
    std::vector<double> got;
    for (int i = 0; i < 50; ++i) {
        got.push_back(e(db));
        (void)e(b);
        rng extra = make_stream(99, "user/" + std::to_string(i + 3));
        (void)extra();
    }
    BOOST_TEST(got == expected);
}

BOOST_AUTO_TEST_CASE(distributions_hold_no_state_between_calls) {
    // A polar-method normal that cached its second variate would hand draws of one stream to
    // another; check that a draw depends only on the rng passed in.
    const normal n{0, 1};
    rng a = make_stream(5, "a");
    rng b = make_stream(5, "b");
    (void)n(a);
    const double from_b = n(b);
    rng b2 = make_stream(5, "b");
    BOOST_TEST(n(b2) == from_b);
}

BOOST_AUTO_TEST_CASE(jump_gives_a_different_stream_and_copies_are_independent) {
    rng r = make_stream(3, "split");
    rng copy = r;
    BOOST_TEST((copy == r));
    copy.jump();
    BOOST_TEST((copy != r));
    BOOST_TEST(first(copy, 16) != first(r, 16));
}

// ---- rng ---------------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(uniform01_is_uniform) {
    rng r = make_stream(1, "test/uniform01");
    constexpr int bins = 100;
    std::vector<int> count(bins, 0);
    std::vector<double> x(n_draws);
    int outside = 0;
    for (auto& v : x) {
        v = r.uniform01();
        if (!(v >= 0.0 && v < 1.0)) { ++outside; continue; }
        ++count[static_cast<std::size_t>(v * bins)];
    }
    BOOST_TEST(outside == 0);
    // Chi-square with 99 degrees of freedom: mean 99, sd sqrt(198) ~ 14; 5 sd above is ~169.
    const double expected = static_cast<double>(n_draws) / bins;
    double chi2 = 0;
    for (const int c : count) chi2 += (c - expected) * (c - expected) / expected;
    BOOST_TEST(chi2 < 99 + 5 * std::sqrt(198.0), "chi-square " << chi2);

    // Kolmogorov-Smirnov: sqrt(n) D < 1.95 at the 0.001 level.
    std::sort(x.begin(), x.end());
    double d = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        d = std::max(d, static_cast<double>(i + 1) / n_draws - x[i]);
        d = std::max(d, x[i] - static_cast<double>(i) / n_draws);
    }
    BOOST_TEST(std::sqrt(static_cast<double>(n_draws)) * d < 1.95, "KS D = " << d);
}

BOOST_AUTO_TEST_CASE(uniform01_open_excludes_both_ends) {
    rng r = make_stream(1, "test/uniform01_open");
    int outside = 0;
    check_moments("uniform01_open", [&] {
        const double u = r.uniform01_open();
        outside += !(u > 0.0 && u < 1.0);
        return u;
    }, 0.5, 1.0 / 12);
    BOOST_TEST(outside == 0);
    // The extreme outputs (k = 0 and k = 2^52 - 1) are exact and strictly inside (0, 1).
    BOOST_TEST((0.0 + 0.5) * 0x1.0p-52 > 0.0);
    BOOST_TEST((static_cast<double>((std::uint64_t{1} << 52) - 1) + 0.5) * 0x1.0p-52 < 1.0);
}

BOOST_AUTO_TEST_CASE(below_is_unbiased_and_hits_both_ends) {
    rng r = make_stream(1, "test/below");
    for (int i = 0; i < 100; ++i) BOOST_TEST(r.below(1) == 0u);

    constexpr std::uint64_t n = 7;
    std::array<int, n> count{};
    for (int i = 0; i < n_draws; ++i) ++count.at(r.below(n));  // at() throws if k >= n
    const double p = 1.0 / n, se = std::sqrt(p * (1 - p) / n_draws);
    for (const int c : count) BOOST_TEST(std::fabs(c / double(n_draws) - p) <= 5 * se);

    // n = 3 * 2^62: multiply-shift without rejection gives every value = 0 (mod 3) two chances
    // in 2^64 and the others one, i.e. P(k % 3 == 0) = 1/2 instead of 1/3.
    const std::uint64_t big = 3 * (std::uint64_t{1} << 62);
    constexpr int m = 30'000;
    int zero_mod_3 = 0, outside = 0;
    for (int i = 0; i < m; ++i) {
        const std::uint64_t k = r.below(big);
        outside += k >= big;
        zero_mod_3 += k % 3 == 0;
    }
    BOOST_TEST(outside == 0);
    BOOST_TEST(std::fabs(zero_mod_3 / double(m) - 1.0 / 3) <= 5 * std::sqrt(2.0 / 9 / m));
}

// ---- distributions: moments and shape ------------------------------------------------------

BOOST_AUTO_TEST_CASE(uniform_real_moments) {
    rng r = make_stream(1, "test/uniform_real");
    const uniform_real d{-2, 3};
    BOOST_TEST(d.a() == -2.0);
    BOOST_TEST(d.b() == 3.0);
    int outside = 0;
    check_moments("uniform_real", [&] {
        const double x = d(r);
        outside += !(x >= -2.0 && x < 3.0);
        return x;
    }, d.mean(), d.variance());
    BOOST_TEST(outside == 0);
    BOOST_TEST(d.mean() == 0.5);
    BOOST_TEST(d.variance() == 25.0 / 12);
}

BOOST_AUTO_TEST_CASE(uniform_int_moments_and_bounds) {
    rng r = make_stream(1, "test/uniform_int");
    const uniform_int d{-3, 3};
    bool lo = false, hi = false;
    int outside = 0;
    check_moments("uniform_int", [&] {
        const std::int64_t k = d(r);
        outside += !(k >= -3 && k <= 3);
        lo |= k == -3;
        hi |= k == 3;
        return static_cast<double>(k);
    }, 0.0, 4.0);
    BOOST_TEST(outside == 0);
    BOOST_TEST(lo);
    BOOST_TEST(hi);
    BOOST_TEST(d.mean() == 0.0);
    BOOST_TEST(d.variance() == 4.0);

    const uniform_int one{5, 5};
    for (int i = 0; i < 10; ++i) BOOST_TEST(one(r) == 5);

    // The full int64 range must not overflow: both signs appear.
    const uniform_int all{std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max()};
    bool neg = false, pos = false;
    for (int i = 0; i < 64; ++i) {
        const std::int64_t k = all(r);
        neg |= k < 0;
        pos |= k > 0;
    }
    BOOST_TEST(neg);
    BOOST_TEST(pos);
}

BOOST_AUTO_TEST_CASE(exponential_moments) {
    rng r = make_stream(1, "test/exponential");
    const exponential d{0.5};
    BOOST_TEST(d.rate() == 2.0);
    check_moments("exponential", [&] { return d(r); }, 0.5, 0.25);
}

BOOST_AUTO_TEST_CASE(normal_moments_and_quantile) {
    rng r = make_stream(1, "test/normal");
    const normal d{10, 2};
    check_moments("normal", [&] { return d(r); }, 10.0, 4.0);

    const normal point{3, 0};
    BOOST_TEST(point(r) == 3.0);

    BOOST_TEST(d.quantile(0.5) == 10.0);
    // 2.3263478740408408 is the 0.99 quantile to 17 digits.
    BOOST_TEST(normal(0, 1).quantile(0.99) == 2.3263478740408408, boost::test_tools::tolerance(1e-15));
    // AS241 against Phi computed with erfc, across the three branches of the approximation.
    for (const double p : {1e-300, 1e-20, 1e-12, 1e-6, 0.01, 0.07, 0.075, 0.3, 0.5, 0.6, 0.925, 0.93, 0.99, 1 - 1e-9}) {
        BOOST_TEST_CONTEXT("p = " << p) {
            const double z = normal(0, 1).quantile(p);
            BOOST_TEST(phi(z) == p, boost::test_tools::tolerance(1e-12));
            if (p >= 1e-6)  // below that, 1 - p itself has lost the digits being compared
                BOOST_TEST(normal(0, 1).quantile(1 - p) == -z, boost::test_tools::tolerance(1e-9));
        }
    }
}

BOOST_AUTO_TEST_CASE(lognormal_moments_and_helpers) {
    rng r = make_stream(1, "test/lognormal");
    const lognormal d{0.5, 0.4};
    BOOST_TEST(d.mean() == std::exp(0.5 + 0.08));
    check_moments("lognormal", [&] { return d(r); }, d.mean(), (std::exp(0.16) - 1) * std::exp(1.16));
    BOOST_TEST(d.median() == std::exp(0.5));
    BOOST_TEST(d.quantile(0.5) == d.median());
}

BOOST_AUTO_TEST_CASE(lognormal_from_median_p99) {
    const double median = 0.04, p99 = 0.25;
    const lognormal d = lognormal::from_median_p99(median, p99);
    BOOST_TEST(d.median() == median, boost::test_tools::tolerance(1e-15));
    BOOST_TEST(d.quantile(0.99) == p99, boost::test_tools::tolerance(1e-14));

    rng r = make_stream(1, "test/lognormal/from_median_p99");
    std::vector<double> x(n_draws);
    for (auto& v : x) v = d(r);
    std::sort(x.begin(), x.end());
    const double got_median = x[n_draws / 2];
    const double got_p99 = x[static_cast<std::size_t>(0.99 * n_draws)];
    // Standard errors of these order statistics are about 0.2% and 0.7%; the 2% asked is ~3 SE.
    BOOST_TEST(std::fabs(got_median / median - 1) <= 0.02, "median " << got_median);
    BOOST_TEST(std::fabs(got_p99 / p99 - 1) <= 0.02, "p99 " << got_p99);
}

BOOST_AUTO_TEST_CASE(pareto_moments) {
    rng r = make_stream(1, "test/pareto");
    // shape 5 keeps the fourth moment finite, which the variance check needs.
    const pareto d{2, 5};
    BOOST_TEST(d.mean() == 2.5);
    BOOST_TEST(d.variance() == 4.0 * 5 / (16 * 3));
    int below_scale = 0;
    check_moments("pareto", [&] {
        const double x = d(r);
        below_scale += x < 2.0;
        return x;
    }, d.mean(), d.variance());
    BOOST_TEST(below_scale == 0);
    BOOST_TEST(std::isinf(pareto(1, 1).mean()));
    BOOST_TEST(std::isinf(pareto(1, 2).variance()));
}

BOOST_AUTO_TEST_CASE(weibull_moments) {
    rng r = make_stream(1, "test/weibull");
    const weibull d{2, 1.5};
    check_moments("weibull", [&] { return d(r); }, d.mean(), d.variance());
    // shape 1 is the exponential with mean = scale.
    BOOST_TEST(weibull(3, 1).mean() == 3.0, boost::test_tools::tolerance(1e-15));
    BOOST_TEST(weibull(3, 1).variance() == 9.0, boost::test_tools::tolerance(1e-14));
}

BOOST_AUTO_TEST_CASE(gamma_moments_both_branches) {
    rng r = make_stream(1, "test/gamma");
    const surge::gamma big{2.5, 2};
    check_moments("gamma shape 2.5", [&] { return big(r); }, 5.0, 10.0);
    const surge::gamma small{0.5, 3};
    check_moments("gamma shape 0.5", [&] { return small(r); }, 1.5, 4.5);
    const surge::gamma one{1, 2};  // the exponential, at the branch boundary
    check_moments("gamma shape 1", [&] { return one(r); }, 2.0, 4.0);
}

BOOST_AUTO_TEST_CASE(erlang_moments) {
    rng r = make_stream(1, "test/erlang");
    const erlang d{3, 1.5};
    BOOST_TEST(d.k() == 3);
    check_moments("erlang k=3", [&] { return d(r); }, 1.5, 0.75);
    const erlang many{50, 2};
    check_moments("erlang k=50", [&] { return many(r); }, 2.0, 0.08);
}

BOOST_AUTO_TEST_CASE(empirical_interpolates_the_sorted_samples) {
    const empirical d{{8, 1, 16, 2, 4}};
    BOOST_TEST((d.samples() == std::vector<double>{1, 2, 4, 8, 16}));
    // Four segments of probability 1/4, each uniform: mean of midpoints.
    BOOST_TEST(d.mean() == (1.5 + 3 + 6 + 12) / 4);
    const empirical unit{{0, 1}};
    BOOST_TEST(unit.mean() == 0.5);
    BOOST_TEST(unit.variance() == 1.0 / 12, boost::test_tools::tolerance(1e-15));

    rng r = make_stream(1, "test/empirical");
    int at_most_2 = 0, at_most_4 = 0;
    double lo = 16, hi = 1;
    int outside = 0;
    check_moments("empirical", [&] {
        const double x = d(r);
        outside += !(x >= 1.0 && x <= 16.0);
        at_most_2 += x <= 2;
        at_most_4 += x <= 4;
        lo = std::min(lo, x);
        hi = std::max(hi, x);
        return x;
    }, d.mean(), d.variance());
    // The CDF is i / (n - 1) at the i-th sample.
    const double se = std::sqrt(0.25 * 0.75 / n_draws);
    BOOST_TEST(std::fabs(at_most_2 / double(n_draws) - 0.25) <= 5 * se);
    BOOST_TEST(std::fabs(at_most_4 / double(n_draws) - 0.5) <= 5 * se);
    BOOST_TEST(outside == 0);
    BOOST_TEST(lo < 1.001);
    BOOST_TEST(hi > 15.99);

    const empirical single{{2.5}};
    BOOST_TEST(single(r) == 2.5);
    BOOST_TEST(single.mean() == 2.5);
    // -0.0 and 0.0 compare equal; normalising them keeps the sorted vector identical everywhere.
    const empirical zeros{{0.0, -0.0}};
    BOOST_TEST(!std::signbit(zeros.samples()[0]));
    BOOST_TEST(!std::signbit(zeros.samples()[1]));
}

BOOST_AUTO_TEST_CASE(weighted_choice_frequencies) {
    rng r = make_stream(1, "test/weighted_choice");
    const weighted_choice d{{1, 2, 3, 4}};
    BOOST_TEST(d.size() == 4u);
    BOOST_TEST(d.probability(3) == 0.4);
    std::array<int, 4> count{};
    for (int i = 0; i < n_draws; ++i) ++count.at(d(r));
    for (std::size_t i = 0; i < 4; ++i) {
        const double p = d.probability(i), se = std::sqrt(p * (1 - p) / n_draws);
        BOOST_TEST(std::fabs(count[i] / double(n_draws) - p) <= 5 * se, "index " << i);
    }

    // Zero weights are never drawn.
    const weighted_choice sparse{{0, 1, 0, 2, 0}};
    std::array<int, 5> sc{};
    for (int i = 0; i < n_draws; ++i) ++sc.at(sparse(r));
    BOOST_TEST(sc[0] == 0);
    BOOST_TEST(sc[2] == 0);
    BOOST_TEST(sc[4] == 0);
    const double se = std::sqrt(2.0 / 9 / n_draws);
    BOOST_TEST(std::fabs(sc[1] / double(n_draws) - 1.0 / 3) <= 5 * se);

    const weighted_choice only{{5}};
    for (int i = 0; i < 10; ++i) BOOST_TEST(only(r) == 0u);

    // Many uneven weights exercise the alias pairing.
    std::vector<double> w;
    for (int i = 0; i < 37; ++i) w.push_back((i * 7919) % 13);
    const weighted_choice uneven{w};
    std::vector<int> uc(w.size(), 0);
    for (int i = 0; i < n_draws; ++i) ++uc.at(uneven(r));
    for (std::size_t i = 0; i < w.size(); ++i) {
        const double p = uneven.probability(i), sei = std::sqrt(p * (1 - p) / n_draws);
        if (p == 0) BOOST_TEST(uc[i] == 0, "index " << i);
        else BOOST_TEST(std::fabs(uc[i] / double(n_draws) - p) <= 5 * sei, "index " << i);
    }
}

BOOST_AUTO_TEST_CASE(bernoulli_frequency) {
    rng r = make_stream(1, "test/bernoulli");
    const bernoulli d{0.3};
    check_moments("bernoulli", [&] { return d(r) ? 1.0 : 0.0; }, 0.3, 0.21);
    const bernoulli never{0}, always{1};
    int wrong = 0;
    for (int i = 0; i < 1000; ++i) wrong += never(r) + !always(r);
    BOOST_TEST(wrong == 0);
}

BOOST_AUTO_TEST_CASE(constant_consumes_no_draws) {
    rng r = make_stream(1, "test/constant");
    const rng before = r;
    const constant d{0.25};
    BOOST_TEST(d(r) == 0.25);
    BOOST_TEST(d.mean() == 0.25);
    BOOST_TEST((r == before));
}

BOOST_AUTO_TEST_CASE(sample_duration_rounds_and_clamps) {
    rng r = make_stream(1, "test/sample_duration");
    BOOST_TEST(sample_duration(constant{0.25}, r).count() == 250'000'000);
    BOOST_TEST(sample_duration(constant{1.5e-9}, r).count() == 2);
    BOOST_TEST(sample_duration(constant{-3}, r).count() == 0);
    const normal mostly_negative{-1, 0.1};
    std::int64_t total = 0;
    for (int i = 0; i < 100; ++i) total += sample_duration(mostly_negative, r).count();
    BOOST_TEST(total == 0);
    const exponential e{0.001};
    int negative = 0;
    for (int i = 0; i < 1000; ++i) negative += sample_duration(e, r).count() < 0;
    BOOST_TEST(negative == 0);
}

// ---- validation ----------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(bad_parameters_throw_with_a_precise_message) {
    using std::invalid_argument;
    const double inf = std::numeric_limits<double>::infinity();
    const double nan = std::numeric_limits<double>::quiet_NaN();

    // The full message, once, as the format every other check relies on.
    BOOST_CHECK_EXCEPTION(exponential{-1}, invalid_argument,
                          [](const invalid_argument& e) {
                              return std::string(e.what()) == "exponential: mean must be finite and > 0, got -1";
                          });

    BOOST_CHECK_EXCEPTION((uniform_real{1, 1}), invalid_argument, says({"uniform_real", "b", "got 1"}));
    BOOST_CHECK_EXCEPTION((uniform_real{2, 1}), invalid_argument, says({"uniform_real", "b must be", "> a = 2", "got 1"}));
    BOOST_CHECK_EXCEPTION((uniform_real{nan, 1}), invalid_argument, says({"uniform_real", "a must be", "got nan"}));
    BOOST_CHECK_EXCEPTION((uniform_real{0, inf}), invalid_argument, says({"uniform_real", "b must be", "got inf"}));
    BOOST_CHECK_EXCEPTION((uniform_real{-1.7e308, 1.7e308}), invalid_argument, says({"uniform_real", "b - a"}));

    BOOST_CHECK_EXCEPTION((uniform_int{5, 3}), invalid_argument, says({"uniform_int", "hi must be >= lo = 5", "got 3"}));

    BOOST_CHECK_EXCEPTION(exponential{0}, invalid_argument, says({"exponential", "mean", "got 0"}));
    BOOST_CHECK_EXCEPTION(exponential{inf}, invalid_argument, says({"exponential", "mean", "got inf"}));
    BOOST_CHECK_EXCEPTION(exponential{nan}, invalid_argument, says({"exponential", "mean", "got nan"}));

    BOOST_CHECK_EXCEPTION((normal{nan, 1}), invalid_argument, says({"normal", "mean", "got nan"}));
    BOOST_CHECK_EXCEPTION((normal{0, -1}), invalid_argument, says({"normal", "stddev", ">= 0", "got -1"}));
    BOOST_CHECK_EXCEPTION((normal{0, inf}), invalid_argument, says({"normal", "stddev", "got inf"}));
    BOOST_CHECK_EXCEPTION((void)(normal{0, 1}.quantile(0)), invalid_argument, says({"normal::quantile", "q", "(0, 1)", "got 0"}));
    BOOST_CHECK_EXCEPTION((void)(normal{0, 1}.quantile(1)), invalid_argument, says({"normal::quantile", "q", "got 1"}));

    BOOST_CHECK_EXCEPTION((lognormal{inf, 1}), invalid_argument, says({"lognormal", "mu", "got inf"}));
    BOOST_CHECK_EXCEPTION((lognormal{0, -0.1}), invalid_argument, says({"lognormal", "sigma", "got -0.1"}));
    BOOST_CHECK_EXCEPTION(lognormal::from_median_p99(0, 1), invalid_argument,
                          says({"lognormal::from_median_p99", "median", "> 0", "got 0"}));
    BOOST_CHECK_EXCEPTION(lognormal::from_median_p99(-2, 1), invalid_argument, says({"median", "got -2"}));
    BOOST_CHECK_EXCEPTION(lognormal::from_median_p99(2, 1), invalid_argument,
                          says({"lognormal::from_median_p99", "p99", "> median = 2", "got 1"}));
    BOOST_CHECK_EXCEPTION(lognormal::from_median_p99(2, 2), invalid_argument, says({"p99", "got 2"}));
    BOOST_CHECK_EXCEPTION(lognormal::from_median_p99(2, inf), invalid_argument, says({"p99", "got inf"}));
    BOOST_CHECK_EXCEPTION((void)(lognormal{0, 1}.quantile(1.5)), invalid_argument, says({"lognormal::quantile", "q", "got 1.5"}));

    BOOST_CHECK_EXCEPTION((pareto{0, 1}), invalid_argument, says({"pareto", "scale", "got 0"}));
    BOOST_CHECK_EXCEPTION((pareto{1, -2}), invalid_argument, says({"pareto", "shape", "got -2"}));

    BOOST_CHECK_EXCEPTION((weibull{-1, 1}), invalid_argument, says({"weibull", "scale", "got -1"}));
    BOOST_CHECK_EXCEPTION((weibull{1, nan}), invalid_argument, says({"weibull", "shape", "got nan"}));

    BOOST_CHECK_EXCEPTION((surge::gamma{0, 1}), invalid_argument, says({"gamma", "shape", "got 0"}));
    BOOST_CHECK_EXCEPTION((surge::gamma{1, -0.5}), invalid_argument, says({"gamma", "scale", "got -0.5"}));

    BOOST_CHECK_EXCEPTION((erlang{0, 1}), invalid_argument, says({"erlang", "k must be an integer >= 1", "got 0"}));
    BOOST_CHECK_EXCEPTION((erlang{-3, 1}), invalid_argument, says({"erlang", "k", "got -3"}));
    BOOST_CHECK_EXCEPTION((erlang{2, 0}), invalid_argument, says({"erlang", "mean", "got 0"}));

    BOOST_CHECK_EXCEPTION(empirical{{}}, invalid_argument, says({"empirical", "samples", "non-empty"}));
    BOOST_CHECK_EXCEPTION((empirical{{1, nan}}), invalid_argument, says({"empirical", "samples[1]", "finite", "got nan"}));
    BOOST_CHECK_EXCEPTION((empirical{{-inf}}), invalid_argument, says({"samples[0]", "got -inf"}));

    BOOST_CHECK_EXCEPTION(weighted_choice{{}}, invalid_argument, says({"weighted_choice", "weights", "non-empty"}));
    BOOST_CHECK_EXCEPTION((weighted_choice{{1, -1}}), invalid_argument, says({"weighted_choice", "weights[1]", ">= 0", "got -1"}));
    BOOST_CHECK_EXCEPTION((weighted_choice{{inf}}), invalid_argument, says({"weights[0]", "got inf"}));
    BOOST_CHECK_EXCEPTION((weighted_choice{{0, 0}}), invalid_argument, says({"weighted_choice", "weights", "sum", "got sum 0"}));
    BOOST_CHECK_EXCEPTION((weighted_choice{{1e308, 1e308}}), invalid_argument, says({"weights", "got sum inf"}));

    BOOST_CHECK_EXCEPTION(bernoulli{-0.1}, invalid_argument, says({"bernoulli", "p must be in [0, 1]", "got -0.1"}));
    BOOST_CHECK_EXCEPTION(bernoulli{1.1}, invalid_argument, says({"bernoulli", "p", "got 1.1"}));
    BOOST_CHECK_EXCEPTION(bernoulli{nan}, invalid_argument, says({"bernoulli", "p", "got nan"}));

    BOOST_CHECK_EXCEPTION(constant{inf}, invalid_argument, says({"constant", "value", "got inf"}));

    rng r{1};
    BOOST_CHECK_EXCEPTION(r.below(0), invalid_argument, says({"rng::below", "n", "got 0"}));
    BOOST_CHECK_EXCEPTION(rng::from_state({0, 0, 0, 0}), invalid_argument, says({"rng::from_state", "state"}));
}

// ---- surge's own log and exp, and the exponential ziggurat ------------------------------------

namespace {

// Distance in units in the last place between two finite doubles of the same sign.
std::uint64_t ulp_distance(double a, double b) {
    const auto x = std::bit_cast<std::int64_t>(a);
    const auto y = std::bit_cast<std::int64_t>(b);
    return x > y ? static_cast<std::uint64_t>(x - y) : static_cast<std::uint64_t>(y - x);
}

} // namespace

// The second method is glibc's log and exp (correctly rounded in all but rare cases): ours must
// stay within 1 ulp everywhere, and give the exact values where there is one.
BOOST_AUTO_TEST_CASE(fp_log_and_fp_exp_are_within_one_ulp_of_the_c_library) {
    using surge::fp_exp;
    using surge::fp_log;
    rng g = make_stream(1, "test/fpmath");
    std::uint64_t worst_log = 0, worst_exp = 0;
    for (int i = 0; i < 1'000'000; ++i) {
        // Any positive finite double (random bits), draws in (0, 1), and arguments near 1.
        const double a = std::bit_cast<double>(g() & 0x7fefffffffffffffu);
        const double b = g.uniform01_open();
        const double c = 0.75 + 0.5 * g.uniform01();
        for (const double x : {a, b, c})
            if (x > 0.0) worst_log = std::max(worst_log, ulp_distance(fp_log(x), std::log(x)));
        // exp over its whole finite range, and where draws use it (-8..0).
        const double y = -745.0 + 1454.7 * g.uniform01();
        const double z = -8.0 * g.uniform01();
        worst_exp = std::max({worst_exp, ulp_distance(fp_exp(y), std::exp(y)), ulp_distance(fp_exp(z), std::exp(z))});
    }
    BOOST_TEST(worst_log <= 1u);
    BOOST_TEST(worst_exp <= 1u);

    constexpr double inf = std::numeric_limits<double>::infinity();
    BOOST_TEST(fp_log(1.0) == 0.0);
    BOOST_TEST(fp_log(2.0) == std::log(2.0));
    BOOST_TEST(fp_log(0x1p-1074) == std::log(0x1p-1074));  // subnormal
    BOOST_TEST(fp_log(0.0) == -inf);
    BOOST_TEST(fp_log(inf) == inf);
    BOOST_TEST(std::isnan(fp_log(-1.0)));
    BOOST_TEST(std::isnan(fp_log(std::numeric_limits<double>::quiet_NaN())));
    BOOST_TEST(fp_exp(0.0) == 1.0);
    BOOST_TEST(ulp_distance(fp_exp(1.0), std::exp(1.0)) <= 1u);
    BOOST_TEST(fp_exp(-inf) == 0.0);
    BOOST_TEST(fp_exp(inf) == inf);
    BOOST_TEST(fp_exp(710.0) == inf);
    BOOST_TEST(fp_exp(-746.0) == 0.0);
    BOOST_TEST(ulp_distance(fp_exp(-740.0), std::exp(-740.0)) <= 1u);  // subnormal result
    BOOST_TEST(std::isnan(fp_exp(std::numeric_limits<double>::quiet_NaN())));
    // Computed by the compiler too (the ziggurat tables depend on it), with the same bits.
    constexpr double at_compile_time = fp_log(0.3);
    BOOST_TEST(at_compile_time == fp_log(0.3));
}

BOOST_AUTO_TEST_CASE(fp_pow_is_exp_of_y_log_x) {
    rng g = make_stream(1, "test/fppow");
    for (int i = 0; i < 100'000; ++i) {
        const double x = g.uniform01_open();
        const double y = 0.1 + 4.0 * g.uniform01();
        // exp turns the absolute error of y ln x (ln's ulp plus the product's rounding, about
        // 1.5 |y ln x| ulp) into a relative one: the bound is 2 + 2 |y ln x| ulp.
        const double bound = 2.0 + 2.0 * std::fabs(y * std::log(x));
        BOOST_TEST(static_cast<double>(ulp_distance(fp_pow(x, y), std::pow(x, y))) <= bound);
    }
    BOOST_TEST(fp_pow(0.0, 2.0) == 0.0);
    BOOST_TEST(fp_pow(4.0, 0.5) == 2.0);
}

BOOST_AUTO_TEST_CASE(exponential_ziggurat_layers_have_equal_area) {
    const auto& t = detail::exponential_table;
    const double r = detail::exponential_ziggurat::r;
    const double v = (r + 1.0) * std::exp(-r);  // the base layer: r e^-r plus the tail e^-r
    BOOST_TEST(t.x[1] == r);
    BOOST_TEST(t.x[256] == 0.0);
    BOOST_TEST(t.f[256] == 1.0);
    BOOST_TEST(std::fabs(t.x[0] * t.f[1] - v) <= 1e-15);
    for (std::size_t i = 1; i < 256; ++i) {
        BOOST_TEST_CONTEXT("layer " << i) {
            BOOST_TEST(t.x[i + 1] < t.x[i]);
            BOOST_TEST(ulp_distance(t.f[i], std::exp(-t.x[i])) <= 1u);
            // Each layer's rectangle x[i] (f[i+1] - f[i]) has the same area; rounding accumulates
            // along the recurrence, and 1e-12 relative is far below what 2^53 draws could detect.
            BOOST_TEST(std::fabs(t.x[i] * (t.f[i + 1] - t.f[i]) - v) <= 1e-12 * v);
        }
    }
}

// Second method: the common case replayed by hand from a copy of the generator.
BOOST_AUTO_TEST_CASE(standard_exponential_follows_the_ziggurat) {
    const auto& t = detail::exponential_table;
    rng g = make_stream(3, "test/ziggurat");
    int fast = 0;
    for (int i = 0; i < 10'000; ++i) {
        rng copy = g;
        const std::uint64_t u = copy();
        const std::size_t layer = u & 0xffu;
        const double x = static_cast<double>(u >> 11) * 0x1.0p-53 * t.x[layer];
        const double drawn = standard_exponential(g);
        if (x < t.x[layer + 1]) {
            ++fast;
            BOOST_TEST(drawn == x);
            BOOST_TEST((g == copy));  // one raw output consumed
        }
    }
    // A draw is accepted at once with probability (1/256) sum_i x[i+1] / x[i] (97.8 %).
    double p = 0;
    for (std::size_t i = 0; i < 256; ++i) p += t.x[i + 1] / t.x[i] / 256;
    BOOST_TEST(p > 0.977);
    BOOST_TEST(std::fabs(fast - 10'000 * p) <= 5 * std::sqrt(10'000 * p * (1 - p)), fast << " fast draws, expected " << 10'000 * p);
}

// Equal-probability bins of the exact CDF 1 - e^-x, with the far tail split finely: the wedges,
// the base layer and the tail all have to come out right.
BOOST_AUTO_TEST_CASE(standard_exponential_matches_the_cdf) {
    rng g = make_stream(4, "test/exponential/cdf");
    constexpr int n = 4'000'000;
    constexpr int bins = 200;  // bin k: [-ln(1 - k/200), -ln(1 - (k+1)/200))
    std::vector<double> edge(bins);
    for (int k = 0; k < bins; ++k) edge[static_cast<std::size_t>(k)] = -std::log1p(-static_cast<double>(k) / bins);
    std::vector<int> count(bins, 0);
    int beyond_r = 0, beyond_10 = 0;
    double ks = 0;
    std::vector<double> xs;
    xs.reserve(200'000);
    for (int i = 0; i < n; ++i) {
        const double x = standard_exponential(g);
        BOOST_REQUIRE(x >= 0.0);
        const auto k = static_cast<std::size_t>(std::upper_bound(edge.begin(), edge.end(), x) - edge.begin()) - 1;
        ++count[k];
        beyond_r += x >= detail::exponential_ziggurat::r;
        beyond_10 += x >= 10.0;
        if (i < 200'000) xs.push_back(x);
    }
    const double expected = static_cast<double>(n) / bins;
    double chi2 = 0;
    for (const int c : count) chi2 += (c - expected) * (c - expected) / expected;
    // 199 degrees of freedom: mean 199, sd sqrt(398) ~ 20; 5 sd above is ~299.
    BOOST_TEST(chi2 < 199 + 5 * std::sqrt(398.0), "chi-square " << chi2);
    // The tail beyond r (drawn as r - ln U) and beyond 10: binomial counts within 5 sd.
    for (const auto& [seen, p] : {std::pair{beyond_r, std::exp(-detail::exponential_ziggurat::r)}, std::pair{beyond_10, std::exp(-10.0)}}) {
        const double mean = n * p;
        BOOST_TEST(std::fabs(seen - mean) <= 5 * std::sqrt(mean * (1 - p)), seen << " beyond, expected " << mean);
    }
    std::sort(xs.begin(), xs.end());
    for (std::size_t i = 0; i < xs.size(); ++i) {
        const double cdf = -std::expm1(-xs[i]);
        ks = std::max({ks, std::fabs(cdf - static_cast<double>(i) / xs.size()), std::fabs(cdf - static_cast<double>(i + 1) / xs.size())});
    }
    BOOST_TEST(std::sqrt(static_cast<double>(xs.size())) * ks < 1.95, "KS D = " << ks);
}

BOOST_AUTO_TEST_SUITE_END()
