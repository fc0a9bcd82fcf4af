// sim/junit.hpp: `surge suite --junit`'s XML — the exact text for the fixture suite (a failing and
// a passing test), escaping of names that hold markup, quotes, control characters and bytes that
// are not UTF-8, an interrupted suite's skipped tests, and well-formedness checked by parsing the
// text back with a small XML 1.0 reader (no XML library is installed).
#include <sim/junit.hpp>

#include <boost/test/unit_test.hpp>

#include <cctype>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace sim = surge::sim;
namespace fs = std::filesystem;

namespace {

const fs::path fixture = fs::path(SURGE_SOURCE_DIR) / "tests" / "sim" / "suite_fixture";

/// The elements of a well-formed XML document in document order ("testsuite", "testcase" ...),
/// with their attributes' values unescaped; or an error. Checks what this XML uses: a declaration,
/// elements with double-quoted attributes, empty elements, whitespace between elements, the five
/// entities and decimal character references of XML 1.0 characters, and no raw '<' or '&' in
/// values, no C0 control characters but tab/newline/CR, balanced tags.
struct xml_element {
    std::string name;
    std::vector<std::pair<std::string, std::string>> attributes;
    std::size_t depth = 0;
};

std::string parse_xml(const std::string& s, std::vector<xml_element>& out) {
    std::size_t i = 0;
    const std::string decl = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    if (s.compare(0, decl.size(), decl) != 0) return "no XML declaration";
    i = decl.size();
    std::vector<std::string> open;
    const auto is_name = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'; };
    const auto unescape = [](const std::string& v, std::string& err) {
        std::string r;
        for (std::size_t k = 0; k < v.size(); ++k) {
            const auto c = static_cast<unsigned char>(v[k]);
            if (c == '<') err = "raw '<' in a value";
            if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') err = "a control character in a value";
            if (c != '&') {
                r += v[k];
                continue;
            }
            const std::size_t semi = v.find(';', k);
            if (semi == std::string::npos) {
                err = "'&' without ';'";
                return r;
            }
            const std::string ent = v.substr(k + 1, semi - k - 1);
            if (ent == "amp") r += '&';
            else if (ent == "lt") r += '<';
            else if (ent == "gt") r += '>';
            else if (ent == "quot") r += '"';
            else if (ent == "apos") r += '\'';
            else if (ent.size() > 1 && ent[0] == '#' && ent.find_first_not_of("0123456789", 1) == std::string::npos) {
                const long cp = std::stol(ent.substr(1));
                if (cp != 9 && cp != 10 && cp != 13 && cp < 0x20) err = "a character reference XML 1.0 forbids";
                r += static_cast<char>(cp);  // only the three ASCII ones appear here
            } else {
                err = "unknown entity &" + ent + ";";
            }
            k = semi;
        }
        return r;
    };
    while (i < s.size()) {
        if (s[i] == ' ' || s[i] == '\n') {
            ++i;
            continue;
        }
        if (s[i] != '<') return "text outside an element at " + std::to_string(i);
        if (s.compare(i, 2, "</") == 0) {
            const std::size_t end = s.find('>', i);
            if (end == std::string::npos) return "unterminated end tag";
            const std::string name = s.substr(i + 2, end - i - 2);
            if (open.empty() || open.back() != name) return "end tag </" + name + "> does not match";
            open.pop_back();
            i = end + 1;
            continue;
        }
        ++i;
        xml_element e;
        e.depth = open.size();
        while (i < s.size() && is_name(s[i])) e.name += s[i++];
        if (e.name.empty()) return "an element without a name at " + std::to_string(i);
        while (true) {
            while (i < s.size() && s[i] == ' ') ++i;
            if (i >= s.size()) return "unterminated start tag";
            if (s.compare(i, 2, "/>") == 0) {
                i += 2;
                break;
            }
            if (s[i] == '>') {
                open.push_back(e.name);
                ++i;
                break;
            }
            std::string attr;
            while (i < s.size() && is_name(s[i])) attr += s[i++];
            if (attr.empty() || s.compare(i, 2, "=\"") != 0) return "a malformed attribute in <" + e.name + ">";
            i += 2;
            const std::size_t close = s.find('"', i);
            if (close == std::string::npos) return "an unterminated attribute value";
            std::string err;
            std::string value = unescape(s.substr(i, close - i), err);
            if (!err.empty()) return err + " in " + e.name + "/@" + attr;
            for (const auto& [a, v] : e.attributes)
                if (a == attr) return "a repeated attribute " + attr;
            e.attributes.emplace_back(attr, std::move(value));
            i = close + 1;
        }
        out.push_back(std::move(e));
    }
    if (!open.empty()) return "unclosed <" + open.back() + ">";
    return "";
}

std::string attribute(const xml_element& e, const std::string& name) {
    for (const auto& [a, v] : e.attributes)
        if (a == name) return v;
    return "(none)";
}

struct fixture_run {
    sim::suite_plan plan = sim::plan_suite(fixture, {"all"}, {});
    std::vector<sim::suite_result> results;
    fixture_run() {
        for (const auto& t : plan.tests) {
            results.push_back(sim::run_suite_test(t, 3));
            results.back().result.wall_seconds = 0.25;   // the one host-dependent value, fixed
        }
    }
};

} // namespace

BOOST_AUTO_TEST_SUITE(junit_tests)

BOOST_AUTO_TEST_CASE(xml_text_escapes_what_xml_cannot_hold) {
    BOOST_TEST(sim::xml_text("a<b>&\"c'") == "a&lt;b&gt;&amp;&quot;c&apos;");
    BOOST_TEST(sim::xml_text("tab\tnl\ncr\r") == "tab&#9;nl&#10;cr&#13;");
    BOOST_TEST(sim::xml_text(std::string("nul\0esc\x1b", 8)) == "nul\\x00esc\\x1b");
    BOOST_TEST(sim::xml_text("bad \xff byte") == "bad \\xff byte");
    BOOST_TEST(sim::xml_text("\xef\xbf\xbe") == "\\ufffe");               // U+FFFE is no XML character
    BOOST_TEST(sim::xml_text("\u00b5s \u2713 \u202e") == "\u00b5s \u2713 \u202e");   // other UTF-8 is kept
}

// The whole file for the fixture suite: one testsuite, a testcase per scenario, a failure per
// failed threshold with the measured value and the limit.
BOOST_AUTO_TEST_CASE(the_fixture_suite_as_junit) {
    const fixture_run f;
    BOOST_REQUIRE_EQUAL(f.results.size(), 2U);
    const auto published = f.results[0].result.metrics.get("notifications.published");
    BOOST_REQUIRE(published.has_value());
    const std::string xml = sim::junit_xml(f.plan, f.results, 1.5);
    BOOST_TEST_MESSAGE(xml);
    const std::string expected =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<testsuites name=\"surge\" tests=\"2\" failures=\"1\" errors=\"0\" skipped=\"0\" time=\"1.500\">\n"
        "  <testsuite name=\"surge\" tests=\"2\" failures=\"1\" errors=\"0\" skipped=\"0\" time=\"1.500\">\n"
        "    <testcase classname=\"surge.demo\" name=\"demo/fails\" file=\"" + sim::xml_text(f.plan.tests[0].file) +
        "\" time=\"0.250\">\n"
        "      <failure type=\"threshold\" message=\"notifications.published &gt;= 1000000: measured " +
        sim::format_count(*published) + "\"/>\n"
        "    </testcase>\n"
        "    <testcase classname=\"surge.demo\" name=\"demo/passes\" file=\"" + sim::xml_text(f.plan.tests[1].file) +
        "\" time=\"0.250\"/>\n"
        "  </testsuite>\n"
        "</testsuites>\n";
    BOOST_TEST(xml == expected);
    std::vector<xml_element> elements;
    BOOST_TEST(parse_xml(xml, elements) == "");
    BOOST_REQUIRE_EQUAL(elements.size(), 5U);
    BOOST_TEST(elements[3].name == "failure");
    BOOST_TEST(attribute(elements[3], "message").starts_with("notifications.published >= 1000000: measured "));
}

// Names holding markup, quotes and control characters stay well-formed and readable; an
// interrupted suite's test that did not run is skipped.
BOOST_AUTO_TEST_CASE(hostile_names_and_an_interrupted_suite) {
    fixture_run f;
    auto& t = f.plan.tests[0];
    t.suite = "de<mo>&";
    t.loaded.scenario.name = std::string("a \"b\" <c> & 'd'\x01\x1b[2J\n\xfe", 22);
    f.results[0].result.error = "boom <&>";
    f.results[0].result.completed = false;
    f.results[0].verdicts[0].note = "not \x02 measured";
    f.results.pop_back();   // the second test did not run
    const std::string xml = sim::junit_xml(f.plan, f.results, 2);
    BOOST_TEST_MESSAGE(xml);
    std::vector<xml_element> elements;
    BOOST_TEST(parse_xml(xml, elements) == "");
    BOOST_REQUIRE(elements.size() >= 6U);
    BOOST_TEST(attribute(elements[0], "skipped") == "1");
    BOOST_TEST(attribute(elements[0], "failures") == "1");
    BOOST_TEST(attribute(elements[2], "classname") == "surge.de<mo>&");
    BOOST_TEST(attribute(elements[2], "name") == "a \"b\" <c> & 'd'\\x01\\x1b[2J\n\\xfe");
    BOOST_TEST(attribute(elements[3], "message") == "the run stopped on an error: boom <&>");
    BOOST_TEST(attribute(elements[4], "message").find("not \\x02 measured") != std::string::npos);
    BOOST_TEST(elements.back().name == "skipped");
    BOOST_TEST(attribute(elements.back(), "message") == "not run: the suite was interrupted");
}

BOOST_AUTO_TEST_CASE(the_reader_rejects_broken_xml) {
    std::vector<xml_element> e;
    const std::string decl = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    BOOST_TEST(parse_xml(decl + "<a><b></a>", e) != "");
    BOOST_TEST(parse_xml(decl + "<a x=\"<\"/>", e) != "");
    BOOST_TEST(parse_xml(decl + "<a x=\"&\"/>", e) != "");
    BOOST_TEST(parse_xml(decl + "<a x=\"&#1;\"/>", e) != "");
    BOOST_TEST(parse_xml(decl + "<a x=\"\x01\"/>", e) != "");
    BOOST_TEST(parse_xml(decl + "<a>", e) != "");
    BOOST_TEST(parse_xml(decl + "<a x=\"1\" x=\"2\"/>", e) != "");
    BOOST_TEST(parse_xml(decl + "<a x=\"&amp;&#10;\"/>", e) == "");
}

BOOST_AUTO_TEST_SUITE_END()
