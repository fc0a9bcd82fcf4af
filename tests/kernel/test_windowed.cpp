// surge/windowed.hpp: per-window counts, time-weighted levels and distributions, each against a
// second method — the same values binned by hand, integrated by hand, or recorded into one
// surge::histogram per window — including empty windows, skipped windows and a partial last one.
#include <boost/test/unit_test.hpp>

#include <surge/rng.hpp>
#include <surge/windowed.hpp>

#include <cmath>
#include <cstdint>
#include <vector>

using namespace surge;
using namespace surge::literals;

BOOST_AUTO_TEST_SUITE(windowed_tests)

BOOST_AUTO_TEST_CASE(off_by_default) {
    windowed_counter c;
    windowed_gauge g;
    windowed_histogram h;
    c.add(time_point{} + 1_s);
    g.set(time_point{} + 1_s, 5);
    h.record(time_point{} + 1_s, 7);
    BOOST_TEST(!c.on());
    BOOST_TEST(c.counts(time_point{} + 10_s).empty());
    BOOST_TEST(g.means(time_point{} + 10_s).empty());
    BOOST_TEST(h.summaries(time_point{} + 10_s).empty());
}

BOOST_AUTO_TEST_CASE(counter_bins_and_rates) {
    windowed_counter c(2_s);
    for (const double s : {0.0, 0.5, 1.999999999, 2.0, 7.5, 7.9}) c.add(time_point{} + duration::from_seconds(s));
    c.add(time_point{} + 8_s, 10);
    // [0,2) 3, [2,4) 1, [4,6) 0, [6,8) 2, [8,9) 10 (partial: 1 s covered)
    const auto n = c.counts(time_point{} + 9_s);
    BOOST_TEST(n == (std::vector<std::uint64_t>{3, 1, 0, 2, 10}), boost::test_tools::per_element());
    const auto r = c.rates(time_point{} + 9_s);
    BOOST_TEST(r == (std::vector<double>{1.5, 0.5, 0.0, 1.0, 10.0}), boost::test_tools::per_element());
    BOOST_TEST(c.counts(time_point{} + 4_s).size() == 2U);  // an earlier end cuts the series
}

BOOST_AUTO_TEST_CASE(gauge_means_are_time_weighted) {
    windowed_gauge g(10_s);
    g.set(time_point{} + 0_s, 2);    // 2 on [0, 5)
    g.set(time_point{} + 5_s, 4);    // 4 on [5, 25)
    g.set(time_point{} + 25_s, 1);   // 1 on [25, 32)
    const auto m = g.means(time_point{} + 32_s);
    // [0,10): (2*5 + 4*5)/10 = 3; [10,20): 4; [20,30): (4*5 + 1*5)/10 = 2.5; [30,32): 1
    BOOST_TEST(m == (std::vector<double>{3.0, 4.0, 2.5, 1.0}), boost::test_tools::per_element());
    // Reading does not change it: more levels may follow.
    g.add(time_point{} + 35_s, 1);   // 2 on [35, 40)
    const auto m2 = g.means(time_point{} + 40_s);
    BOOST_TEST(m2[3] == (1.0 * 5 + 2.0 * 5) / 10);
    BOOST_TEST(g.value() == 2.0);
}

BOOST_AUTO_TEST_CASE(histogram_windows_match_one_histogram_per_window) {
    const duration w = 100_ms;
    windowed_histogram wh(w);
    std::vector<histogram> direct(60);
    rng r = make_stream(42, "windowed");
    std::int64_t t = 0;
    for (int i = 0; i < 20000; ++i) {
        t += static_cast<std::int64_t>(r() % 600'000);  // gaps up to 0.6 ms, some windows empty below
        if (t >= 3'000'000'000 && t < 3'400'000'000) continue;  // windows 30..33 stay empty
        if (t >= 5'900'000'000) break;
        const auto v = static_cast<std::int64_t>(r() % 5'000'000'000ULL);
        wh.record(time_point{} + duration::nanoseconds(t), v);
        direct[static_cast<std::size_t>(t / w.count())].record(v);
    }
    const auto s = wh.summaries(time_point{} + 6_s);
    BOOST_REQUIRE_EQUAL(s.size(), 60U);
    for (std::size_t k = 0; k < 60; ++k) {
        BOOST_TEST_CONTEXT("window " << k) {
            BOOST_TEST((s[k] == windowed_histogram::summarise(direct[k])));
            if (k >= 30 && k <= 33) BOOST_TEST(s[k].count == 0U);
        }
    }
    BOOST_TEST(s[0].count > 0U);
    BOOST_TEST(s[10].p99 == direct[10].percentile(99.0));
}

BOOST_AUTO_TEST_SUITE_END()
