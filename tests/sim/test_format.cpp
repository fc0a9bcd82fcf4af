// sim/format.hpp and sim/terminal_style.hpp: the one text form of values with units (each in the
// unit that suits it, three significant digits, the edges: 0, negatives, rounding up to the next
// unit, NaN and infinity), column widths in code points, and the decision for colour (a terminal
// and no NO_COLOR), checked on a pipe and on a real pseudo-terminal.
#include <sim/format.hpp>
#include <sim/terminal_style.hpp>

#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <limits>
#include <string>

namespace sim = surge::sim;

namespace {
constexpr double nan_v = std::numeric_limits<double>::quiet_NaN();
constexpr double inf_v = std::numeric_limits<double>::infinity();
} // namespace

BOOST_AUTO_TEST_SUITE(format_tests)

BOOST_AUTO_TEST_CASE(seconds_in_the_unit_that_suits_them) {
    BOOST_TEST(sim::format_seconds(0) == "0 s");
    BOOST_TEST(sim::format_seconds(850e-9) == "850 ns");
    BOOST_TEST(sim::format_seconds(0.5e-9) == "0.500 ns");
    BOOST_TEST(sim::format_seconds(12e-6) == "12.0 \u00b5s");
    BOOST_TEST(sim::format_seconds(0.183) == "183 ms");
    BOOST_TEST(sim::format_seconds(0.0125) == "12.5 ms");
    BOOST_TEST(sim::format_seconds(15.401) == "15.4 s");
    BOOST_TEST(sim::format_seconds(1.5) == "1.50 s");
    BOOST_TEST(sim::format_seconds(183) == "183 s");
    BOOST_TEST(sim::format_seconds(599) == "599 s");
    BOOST_TEST(sim::format_seconds(750) == "12.5 min");
    BOOST_TEST(sim::format_seconds(5990) == "99.8 min");
    BOOST_TEST(sim::format_seconds(6000) == "1.67 h");
    BOOST_TEST(sim::format_seconds(36000) == "10.0 h");
    BOOST_TEST(sim::format_seconds(-0.0125) == "-12.5 ms");
    BOOST_TEST(sim::format_seconds(-15.4) == "-15.4 s");
}

// A value that rounds to 1000 of its unit is written in the next one.
BOOST_AUTO_TEST_CASE(rounding_up_moves_to_the_next_unit) {
    BOOST_TEST(sim::format_seconds(0.99995) == "1.00 s");       // 999.95 ms
    BOOST_TEST(sim::format_seconds(0.9994) == "999 ms");
    BOOST_TEST(sim::format_seconds(999.95e-6) == "1.00 ms");
    BOOST_TEST(sim::format_seconds(999.95e-9) == "1.00 \u00b5s");
    BOOST_TEST(sim::format_seconds(599.8) == "10.0 min");
    BOOST_TEST(sim::format_seconds(5999) == "1.67 h");          // 99.98 min
    BOOST_TEST(sim::format_bytes(999.95) == "1.00 KB");
    BOOST_TEST(sim::format_bytes(999.95e3) == "1.00 MB");
    BOOST_TEST(sim::format_rate(999.95) == "1.00k/s");
    BOOST_TEST(sim::format_rate(-999.95e3) == "-1.00M/s");
    BOOST_TEST(sim::format_number(9.996) == "10.0");
    BOOST_TEST(sim::format_number(99.96) == "100");
}

BOOST_AUTO_TEST_CASE(bytes_are_decimal_si) {
    BOOST_TEST(sim::format_bytes(0) == "0 B");
    BOOST_TEST(sim::format_bytes(512) == "512 B");
    BOOST_TEST(sim::format_bytes(12.5) == "12.5 B");
    BOOST_TEST(sim::format_bytes(12620) == "12.6 KB");
    BOOST_TEST(sim::format_bytes(3.4e6) == "3.40 MB");
    BOOST_TEST(sim::format_bytes(1.5e9) == "1.50 GB");
    BOOST_TEST(sim::format_bytes(2e12) == "2.00 TB");
    BOOST_TEST(sim::format_bytes(2.5e15) == "2500 TB");
    BOOST_TEST(sim::format_bytes(-77200) == "-77.2 KB");
    BOOST_TEST(sim::format_value(-77200, "B/s") == "-77.2 KB/s");
}

BOOST_AUTO_TEST_CASE(rates_ratios_and_counts) {
    BOOST_TEST(sim::format_rate(0) == "0/s");
    BOOST_TEST(sim::format_rate(0.25) == "0.250/s");
    BOOST_TEST(sim::format_rate(12.34) == "12.3/s");
    BOOST_TEST(sim::format_rate(850) == "850/s");
    BOOST_TEST(sim::format_rate(1234) == "1.23k/s");
    BOOST_TEST(sim::format_rate(45.6e6) == "45.6M/s");
    BOOST_TEST(sim::format_rate(2e9) == "2.00G/s");
    BOOST_TEST(sim::format_ratio(0) == "0 %");
    BOOST_TEST(sim::format_ratio(0.5) == "50.00 %");
    BOOST_TEST(sim::format_ratio(0.9995) == "99.95 %");
    BOOST_TEST(sim::format_ratio(0.99995) == "100.00 %");
    BOOST_TEST(sim::format_ratio(1) == "100.00 %");
    BOOST_TEST(sim::format_ratio(0.005) == "0.500 %");
    BOOST_TEST(sim::format_ratio(0.000123) == "0.0123 %");
    BOOST_TEST(sim::format_ratio(-0.25) == "-25.00 %");
    BOOST_TEST(sim::format_count(0) == "0");
    BOOST_TEST(sim::format_count(999) == "999");
    BOOST_TEST(sim::format_count(1000) == "1,000");
    BOOST_TEST(sim::format_count(1234567) == "1,234,567");
    BOOST_TEST(sim::format_count(-1234.5) == "-1,234.5");
    BOOST_TEST(sim::format_count(0.5) == "0.5");
    BOOST_TEST(sim::format_count(2.5e15) == "2.5e+15");
    BOOST_TEST(sim::format_value(3, "") == "3");
    BOOST_TEST(sim::format_value(3, "widgets") == "3.00 widgets");
}

BOOST_AUTO_TEST_CASE(non_finite_values_and_deltas) {
    for (const char* unit : {"s", "B", "B/s", "1/s", "ratio", "count", ""}) {
        BOOST_TEST(sim::format_value(nan_v, unit) == "n/a");
        BOOST_TEST(sim::format_value(inf_v, unit) == "inf");
        BOOST_TEST(sim::format_value(-inf_v, unit) == "-inf");
        BOOST_TEST(sim::format_delta(nan_v, unit) == "n/a");
        BOOST_TEST(sim::format_delta(inf_v, unit) == "inf");
    }
    BOOST_TEST(sim::format_delta(0.04, "s") == "+40.0 ms");
    BOOST_TEST(sim::format_delta(-0.04, "s") == "-40.0 ms");
    BOOST_TEST(sim::format_delta(0, "s") == "0 s");
    BOOST_TEST(sim::format_delta(100, "count") == "+100");
    BOOST_TEST(sim::format_delta(-5, "1/s") == "-5.00/s");
    BOOST_TEST(sim::format_relative(0.2) == "+20.0 %");
    BOOST_TEST(sim::format_relative(-0.025) == "-2.50 %");
    BOOST_TEST(sim::format_relative(1.5) == "+150 %");
    BOOST_TEST(sim::format_relative(0) == "0 %");
    BOOST_TEST(sim::format_relative(inf_v) == "+inf");
    BOOST_TEST(sim::format_relative(nan_v) == "n/a");
}

BOOST_AUTO_TEST_CASE(widths_are_code_points) {
    BOOST_TEST(sim::display_width("12.0 \u00b5s") == 7U);
    BOOST_TEST(sim::display_width("\u2713 PASS") == 6U);
    BOOST_TEST(sim::pad_right("\u00b5s", 4) == "\u00b5s  ");
    BOOST_TEST(sim::pad_left("\u00b5s", 4) == "  \u00b5s");
    BOOST_TEST(sim::fit_width("abcdef", 6) == "abcdef");
    BOOST_TEST(sim::fit_width("abcdefg", 6) == "abc...");
    BOOST_TEST(sim::fit_width("\u00b5\u00b5\u00b5\u00b5\u00b5\u00b5\u00b5", 6) == "\u00b5\u00b5\u00b5...");
    BOOST_TEST(sim::fit_width("abc", 2) == "..");
}

// Colour on a terminal only, and never when NO_COLOR is set to something.
BOOST_AUTO_TEST_CASE(colour_only_on_a_terminal_without_no_color) {
    int p[2];
    BOOST_REQUIRE(::pipe(p) == 0);
    BOOST_TEST(!sim::terminal_style::detect(p[1], nullptr).color);
    ::close(p[0]);
    ::close(p[1]);

    const int master = ::posix_openpt(O_RDWR | O_NOCTTY);
    if (master < 0 || ::grantpt(master) != 0 || ::unlockpt(master) != 0) {
        BOOST_TEST_MESSAGE("no pseudo-terminal here: the terminal half is not checked");
        if (master >= 0) ::close(master);
        return;
    }
    const int slave = ::open(::ptsname(master), O_RDWR | O_NOCTTY);
    BOOST_REQUIRE(slave >= 0);
    BOOST_TEST(sim::terminal_style::detect(slave, nullptr).color);
    BOOST_TEST(sim::terminal_style::detect(slave, "").color);     // empty counts as absent
    BOOST_TEST(!sim::terminal_style::detect(slave, "1").color);
    BOOST_TEST(!sim::terminal_style::detect(slave, "0").color);   // any value turns it off
    ::close(slave);
    ::close(master);
}

BOOST_AUTO_TEST_CASE(verdict_words_plain_and_styled) {
    const auto plain = sim::terminal_style::plain();
    const auto styled = sim::terminal_style::styled();
    BOOST_TEST(plain.verdict(true) == "PASS");
    BOOST_TEST(plain.verdict(false) == "FAIL");
    BOOST_TEST(styled.verdict(true) == "\033[32m\u2713 PASS\033[0m");
    BOOST_TEST(styled.verdict(false) == "\033[31m\u2717 FAIL\033[0m");
    BOOST_TEST(styled.word("STOP", 0) == "\033[33m- STOP\033[0m");
    BOOST_TEST(plain.word_width(4) == 4U);
    BOOST_TEST(styled.word_width(4) == 6U);
}

BOOST_AUTO_TEST_SUITE_END()
