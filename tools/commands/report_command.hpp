// tools/commands/report_command.hpp — `surge report REPORT.json [MORE.json...] -o page.html`: JSON
// reports (run, replay, suite) read back (bounded, strict: sim/report_reader.hpp) into one HTML
// page (sim/html_report.hpp). A file that is not a surge report is bad input: exit 2, named.
#pragma once

#include "command.hpp"

#include <sim/atomic_write.hpp>
#include <sim/html_report.hpp>
#include <sim/report_reader.hpp>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

namespace surge::cli {

inline action define_report(CLI::App& cmd) {
    struct options {
        std::vector<std::string> reports;
        std::string output;
    };
    auto o = std::make_shared<options>();
    cmd.add_option("REPORTS", o->reports, "JSON reports of surge run, surge replay or surge suite (several: drawn on the same axes)")
        ->required();
    cmd.add_option("--output,-o", o->output, "The HTML file to write")->type_name("FILE")->required();
    return [o]() -> int {
        sim::check_writable(o->output, "HTML report");
        std::vector<nlohmann::ordered_json> reports;
        std::vector<std::string> names;
        try {
            for (const auto& f : o->reports) {
                reports.push_back(sim::read_report_json<nlohmann::ordered_json>(f));
                if (!reports.back().is_object() || !reports.back().contains("mode"))
                    throw sim::report_error(f + ": not a surge report (expected an object with \"mode\")");
                names.push_back(file_name(f));
            }
        } catch (const sim::report_error& e) {
            complain(e.what());
            return exit_bad_input;
        }
        sim::write_file_atomically(o->output, sim::html_report(reports, names), "HTML report");
        return exit_ok;
    };
}

} // namespace surge::cli
