// sim/junit.hpp — `surge suite --junit FILE`: the suite's results as JUnit XML, the format GitLab
// (`artifacts: reports: junit:`) and Jenkins (the junit step) read. One <testsuite name="surge">
// with the counts and the suite's wall time, one <testcase classname="surge.SUITE" name="SCENARIO"
// time="..."> per test, and in a failed test one <failure> per failed threshold (metric, measured
// vs limit) or for the run that stopped on an error; a test an interruption kept from running is
// <skipped/>. The `time` attributes are wall-clock seconds, as JUnit defines them (the JSON report
// has the same wall_seconds); nothing else in the file depends on the host.
//
// All text is XML-escaped (xml_text, sim/markup_text.hpp).
#pragma once

#include "sim/format.hpp"
#include "sim/markup_text.hpp"
#include "sim/suite.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace surge::sim {

/// The message of a failed threshold: "METRIC < 1s: measured 1.52 s" or
/// "METRIC < 5s: not measured".
inline std::string junit_failure_message(const threshold_verdict& v, const models::metric_set& metrics) {
    std::string m = v.metric + " " + v.expression + ": ";
    if (v.measured) {
        const models::metric* metric = metrics.find(v.metric);
        m += "measured " + format_value(*v.measured, metric != nullptr ? metric->unit : std::string_view{});
        if (!v.note.empty()) m += " (" + v.note + ")";
    } else {
        m += v.note.empty() ? "not measured" : v.note;
    }
    return m;
}

/// The JUnit XML of a suite run: `results` in plan order (fewer than the plan's tests when the
/// suite was interrupted), `wall_seconds` the whole suite's wall time.
inline std::string junit_xml(const suite_plan& plan, const std::vector<suite_result>& results, double wall_seconds) {
    std::size_t failures = 0, skipped = plan.tests.size() - std::min(results.size(), plan.tests.size());
    for (const auto& r : results) {
        if (r.result.interrupted != 0) ++skipped;
        else if (r.code != 0) ++failures;
    }
    const auto seconds = [](double s) { return fmt::format("{:.3f}", std::isfinite(s) && s > 0 ? s : 0.0); };
    std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    const std::string counts = fmt::format("tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\" time=\"{}\"",
                                           plan.tests.size(), failures, skipped, seconds(wall_seconds));
    out += "<testsuites name=\"surge\" " + counts + ">\n";
    out += "  <testsuite name=\"surge\" " + counts + ">\n";
    for (std::size_t i = 0; i < plan.tests.size(); ++i) {
        const suite_test& t = plan.tests[i];
        const suite_result* r = i < results.size() ? &results[i] : nullptr;
        out += "    <testcase classname=\"" + xml_text("surge." + t.suite) + "\" name=\"" +
               xml_text(t.loaded.scenario.name) + "\" file=\"" + xml_text(t.file) + "\" time=\"" +
               seconds(r != nullptr ? r->result.wall_seconds : 0.0) + "\"";
        std::string body;
        if (r == nullptr) {
            body += "      <skipped message=\"not run: the suite was interrupted\"/>\n";
        } else if (r->result.interrupted != 0) {
            body += "      <skipped message=\"" + xml_text("interrupted by " + signal_name(r->result.interrupted)) + "\"/>\n";
        } else {
            if (!r->result.completed)
                body += "      <failure type=\"error\" message=\"" +
                        xml_text("the run stopped on an error: " + r->result.error) + "\"/>\n";
            for (const auto& v : r->verdicts)
                if (!v.pass)
                    body += "      <failure type=\"threshold\" message=\"" +
                            xml_text(junit_failure_message(v, r->result.metrics)) + "\"/>\n";
        }
        out += body.empty() ? "/>\n" : ">\n" + body + "    </testcase>\n";
    }
    out += "  </testsuite>\n</testsuites>\n";
    return out;
}

} // namespace surge::sim
