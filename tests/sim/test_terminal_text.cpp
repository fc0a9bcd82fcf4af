// sim/terminal_text.hpp (issue 12, item 12): text from input reaches the terminal with every
// control escaped, and the printers that show a scenario's name use it (exact output).
#include <sim/report.hpp>
#include <sim/suite.hpp>
#include <sim/terminal_text.hpp>

#include <boost/test/unit_test.hpp>

#include <string>

namespace sim = surge::sim;
using namespace std::string_literals;

BOOST_AUTO_TEST_SUITE(terminal_text_tests)

BOOST_AUTO_TEST_CASE(controls_are_escaped) {
    BOOST_TEST(sim::terminal_text("plain name, ümlaut, 日本") == "plain name, ümlaut, 日本");
    BOOST_TEST(sim::terminal_text("\x1b]0;owned\x07title") == "\\x1b]0;owned\\x07title");
    BOOST_TEST(sim::terminal_text("a\0b"s) == "a\\x00b");
    BOOST_TEST(sim::terminal_text("line\nbreak\r\ttab") == "line\\x0abreak\\x0d\\x09tab");
    BOOST_TEST(sim::terminal_text("del\x7f") == "del\\x7f");
    // C1 controls as UTF-8 (U+0085 NEL, U+009B CSI) and a lone 0x9B byte (CSI to 8-bit terminals).
    BOOST_TEST(sim::terminal_text("\xc2\x85\xc2\x9b[2J") == "\\u0085\\u009b[2J");
    BOOST_TEST(sim::terminal_text("\x9b[2J") == "\\x9b[2J");
    // Bidi embedding, override and isolate controls; U+202F (not one) is kept.
    BOOST_TEST(sim::terminal_text("gnp\xe2\x80\xae.exe") == "gnp\\u202e.exe");
    BOOST_TEST(sim::terminal_text("\xe2\x80\xaa\xe2\x80\xad\xe2\x81\xa6\xe2\x81\xa9") == "\\u202a\\u202d\\u2066\\u2069");
    BOOST_TEST(sim::terminal_text("\xe2\x80\xaf") == "\xe2\x80\xaf");
    // Invalid UTF-8: a truncated sequence, an overlong form, a surrogate: byte by byte.
    BOOST_TEST(sim::terminal_text("\xe2\x80") == "\\xe2\\x80");
    BOOST_TEST(sim::terminal_text("\xc0\xaf") == "\\xc0\\xaf");
    BOOST_TEST(sim::terminal_text("\xed\xa0\x80") == "\\xed\\xa0\\x80");
    BOOST_TEST(sim::terminal_text("\xf0\x9f\x98\x80") == "\xf0\x9f\x98\x80");  // U+1F600 kept
}

BOOST_AUTO_TEST_CASE(lines_keep_their_breaks_and_escaping_twice_is_harmless) {
    BOOST_TEST(sim::terminal_lines("one\ntwo\x1b[31m\n") == "one\ntwo\\x1b[31m\n");
    const std::string once = sim::terminal_text("\x1b\xe2\x80\xae\x9b\n");
    BOOST_TEST(sim::terminal_text(once) == once);
    BOOST_TEST(sim::terminal_lines(once) == once);
}

// The review's reproducer: ESC, U+202E and NUL in the scenario's name reach the summary escaped.
BOOST_AUTO_TEST_CASE(summary_and_suite_line_escape_the_name) {
    sim::run_result r;
    r.scenario = "evil\x1b[2J\xe2\x80\xae\0name"s;
    const std::string table = sim::summary_table(r, {}, "dir/\x1b]0;x\x07.json");
    BOOST_TEST(table.starts_with("scenario evil\\x1b[2J\\u202e\\x00name (dir/\\x1b]0;x\\x07.json)\n"), table);
    sim::suite_result sr;
    sr.result = r;
    BOOST_TEST(sim::suite_line(sr, 4).starts_with("  PASS  evil\\x1b[2J\\u202e\\x00name"));
}

BOOST_AUTO_TEST_SUITE_END()
