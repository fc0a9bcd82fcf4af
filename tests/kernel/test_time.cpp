// Virtual time: arithmetic, literals, the duration parser and its error messages.
#include <boost/test/unit_test.hpp>

#include <surge/time.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>

using namespace surge;
using namespace surge::literals;

namespace {
bool message_has(const parse_error& e, const std::string& what) {
    return std::string(e.what()).find(what) != std::string::npos;
}
} // namespace

BOOST_AUTO_TEST_SUITE(time_tests)

BOOST_AUTO_TEST_CASE(literals_and_arithmetic) {
    BOOST_TEST((1_s).count() == 1'000'000'000);
    BOOST_TEST((250_ms + 750_ms) == 1_s);
    BOOST_TEST((2_min).count() == 120'000'000'000);
    BOOST_TEST((1_h / 60) == 1_min);
    BOOST_TEST((1_s / 250_ms) == 4);
    const time_point t = time_point{} + 1500_ms;
    BOOST_TEST((t - time_point{}) == 1500_ms);
    BOOST_TEST(t.seconds_f() == 1.5);
    BOOST_TEST(duration::from_seconds(1.5e-9).count() == 2);  // rounds half away from zero
    BOOST_CHECK_THROW(duration::from_seconds(1e300), std::domain_error);
}

// Issue 12, item 6: a duration of "2562047h" plus a drain of the same overflowed std::int64_t
// (undefined behaviour, then a hang). Arithmetic saturates at the ends of the range instead, and
// stays exact everywhere below them.
BOOST_AUTO_TEST_CASE(arithmetic_saturates_instead_of_overflowing) {
    const duration big = parse_duration("2562047h");
    BOOST_TEST(big.count() == 2562047LL * 3'600'000'000'000LL);
    BOOST_TEST((big + big) == duration::max());
    BOOST_TEST((time_point{} + big + big) == time_point::max());
    BOOST_TEST((duration::max() + 1_ns) == duration::max());
    BOOST_TEST((duration::max() - 1_ns).count() == std::numeric_limits<std::int64_t>::max() - 1);
    const duration lowest = -duration::max() - 1_ns;
    BOOST_TEST(lowest.count() == std::numeric_limits<std::int64_t>::min());
    BOOST_TEST((lowest - 1_ns) == lowest);
    BOOST_TEST((-lowest) == duration::max());
    BOOST_TEST((lowest / -1) == duration::max());
    BOOST_TEST((lowest / -1_ns) == std::numeric_limits<std::int64_t>::max());
    BOOST_TEST((lowest % -1_ns) == duration::zero());
    BOOST_TEST((big * 4) == duration::max());
    BOOST_TEST((-4 * big).count() == std::numeric_limits<std::int64_t>::min());
    BOOST_TEST(duration::hours(3'000'000) == duration::max());
    BOOST_TEST(duration::seconds(-10'000'000'000'000) == lowest);
    BOOST_TEST((time_point::max() - time_point{} - 1_ns) == duration::max() - 1_ns);
    BOOST_TEST(((time_point{} + lowest) - time_point::max()) == lowest);
    // Exact just inside the range.
    BOOST_TEST((duration::max() - 1_ns + 1_ns) == duration::max());
    BOOST_TEST((big - 1_h + 1_h) == big);
    BOOST_TEST((big + big - big) == duration::max() - big);  // saturated first, then exact
    static_assert((duration::max() + 1_s) == duration::max(), "saturation is constexpr");
}

// from_seconds rounds without calling llround; it must agree with llround on every double it
// accepts: exact halves of both signs, the neighbours of halves, past 2^52 (all integers) and a
// sweep of bit patterns across every exponent in range.
BOOST_AUTO_TEST_CASE(from_seconds_agrees_with_llround) {
    auto check = [](double ns) {
        const double s = ns / 1e9;
        const double scaled = s * 1e9;  // what from_seconds rounds
        if (!(scaled > -9.2e18 && scaled < 9.2e18)) return;
        BOOST_TEST_REQUIRE(duration::from_seconds(s).count() == std::llround(scaled), "ns=" << scaled);
    };
    for (double h : {0.5, 1.5, 2.5, 1e6 + 0.5, 4503599627370495.5, 4503599627370496.0, 9007199254740993.0}) {
        for (double v : {h, -h, std::nextafter(h, 0.0), std::nextafter(h, 1e300), -std::nextafter(h, 0.0),
                         -std::nextafter(h, 1e300)})
            check(v);
    }
    // Around every power of two up to 2^53 (where ns + 0.5 changes binade) and the fast path's
    // ends at 0.5 and 2^51: each value and its four nearest neighbours.
    for (int k = -2; k <= 53; ++k) {
        const double p = std::ldexp(1.0, k);
        for (double v : {p - 0.5, p, p + 0.5}) {
            double lo = v, hi = v;
            for (int n = 0; n < 4; ++n) {
                check(lo = std::nextafter(lo, 0.0));
                check(hi = std::nextafter(hi, 1e300));
            }
            check(v);
        }
    }
    std::uint64_t x = 0x9E3779B97F4A7C15u;
    for (int i = 0; i < 200000; ++i) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;  // xorshift: a spread of mantissas and exponents
        double d;
        const std::uint64_t bits = (x & 0x800FFFFFFFFFFFFFu) | ((0x3C0u + (x >> 52) % 0x7Eu) << 52);
        std::memcpy(&d, &bits, sizeof d);  // |d| from 2^-63 to 2^62
        check(d);
    }
}

BOOST_AUTO_TEST_CASE(parse_exact_values) {
    BOOST_TEST(parse_duration("250ms").count() == 250'000'000);
    BOOST_TEST(parse_duration("1.5s").count() == 1'500'000'000);
    BOOST_TEST(parse_duration("2m").count() == 120'000'000'000);
    BOOST_TEST(parse_duration("1.5min").count() == 90'000'000'000);
    BOOST_TEST(parse_duration(" 10 us ").count() == 10'000);
    BOOST_TEST(parse_duration("0").count() == 0);
    BOOST_TEST(parse_duration("0.1s").count() == 100'000'000);  // no binary rounding: exact
    BOOST_TEST(parse_duration("0.0000000005s").count() == 1);   // half a nanosecond rounds up
    BOOST_TEST(parse_duration("0.0000000004s").count() == 0);
    BOOST_TEST(parse_duration("1.000000001h").count() == 3'600'000'003'600);
    BOOST_TEST(parse_duration("7ns").count() == 7);
}

BOOST_AUTO_TEST_CASE(to_string_round_trips) {
    for (const char* s : {"250ms", "1.5s", "17ns", "1.234567ms", "90s", "0.5us"}) {
        const duration d = parse_duration(s);
        BOOST_TEST(parse_duration(to_string(d)) == d);
    }
    BOOST_TEST(to_string(1500_ms) == "1.5s");
    BOOST_TEST(to_string(250_ms) == "250ms");
    BOOST_TEST(to_string(-3_ms) == "-3ms");
}

BOOST_AUTO_TEST_CASE(parse_errors_say_what_is_wrong) {
    const auto has = [](const char* what) { return [what](const parse_error& e) { return message_has(e, what); }; };
    BOOST_CHECK_EXCEPTION(parse_duration(""), parse_error, has("empty"));
    BOOST_CHECK_EXCEPTION(parse_duration("abc"), parse_error, has("\"abc\""));
    BOOST_CHECK_EXCEPTION(parse_duration("5"), parse_error, has("unit is missing"));
    BOOST_CHECK_EXCEPTION(parse_duration("-1s"), parse_error, has("negative"));
    BOOST_CHECK_EXCEPTION(parse_duration("10 parsecs"), parse_error, has("unknown unit \"parsecs\""));
    BOOST_CHECK_EXCEPTION(parse_duration("1e3ms"), parse_error, has("exponent"));
    BOOST_CHECK_EXCEPTION(parse_duration("99999999999h"), parse_error, has("largest duration"));
    BOOST_CHECK_EXCEPTION(parse_duration("1.5s"
                                         "x"),
                          parse_error, has("expected a non-negative number and a unit"));
}

BOOST_AUTO_TEST_SUITE_END()
