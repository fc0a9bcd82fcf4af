// tests/fuzz/fuzz_report.cpp — libFuzzer target: the report reader behind `surge diff`
// (sim/diff.hpp: parse_report, compare_reports, diff_text; sim/report_reader.hpp). Input: the OLD
// report, then optionally a line "%%" and the NEW report (without one, the report is compared with
// itself). A report_error is the expected answer to bad input; anything else is a finding.
#include "fuzz_split.hpp"

#include <sim/diff.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto [old_text, new_text] = surge::fuzz::split_once(surge::fuzz::as_text(data, size));
    const bool self = new_text.empty();
    try {
        const auto old_report = surge::sim::parse_report(std::string(old_text), "old.json");
        const auto new_report = self ? old_report : surge::sim::parse_report(std::string(new_text), "new.json");
        surge::sim::diff_options opt;
        opt.metric_tolerances.emplace_back("delivery.*", 0.1);
        opt.ignored.emplace_back("*.wall*");
        const auto d = surge::sim::compare_reports(old_report, new_report, opt);
        (void)surge::sim::diff_text(d, surge::sim::diff_rows::moved);
        (void)surge::sim::diff_text(d, surge::sim::diff_rows::changed);
        (void)surge::sim::diff_text(d, surge::sim::diff_rows::all, surge::sim::terminal_style::styled());
        opt.exact = true;
        (void)surge::sim::compare_reports(old_report, new_report, opt);
    } catch (const surge::sim::report_error&) {
    }
    return 0;
}
