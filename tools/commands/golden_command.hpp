// tools/commands/golden_command.hpp — `surge golden [--update] [--dir tests/golden] [--scenarios DIR]
// [SCENARIO...]`: checks (or rewrites) the golden trace hashes and metrics of the built-in
// scenarios; prints a line per scenario, the changes old -> new, and the command that updates a
// file that differs. The workflow is sim/golden.hpp's (plan_goldens, check_goldens); docs/ci.md.
// Exit 0 every file matches, 1 one differs or is missing, 2 bad input.
#pragma once

#include "builtin_paths.hpp"
#include "command.hpp"
#include "scenario_loading.hpp"

#include <sim/golden.hpp>
#include <sim/load.hpp>
#include <sim/report.hpp>
#include <sim/terminal_text.hpp>

#include <CLI/CLI.hpp>

#include <filesystem>
#include <functional>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

namespace surge::cli {

inline action define_golden(CLI::App& cmd) {
    struct options {
        std::vector<std::string> scenarios;
        bool update = false;
        std::string dir;
        std::string scenarios_dir;
    };
    auto o = std::make_shared<options>();
    cmd.add_option("SCENARIO", o->scenarios,
                   "Scenario files, or built-in scenarios by path under the scenarios directory "
                   "(baseline, suite/notification/high-volume-delivery; default: all)");
    cmd.add_flag("--update", o->update, "Rewrite the golden files instead of checking them");
    cmd.add_option("--dir", o->dir, "The golden files' directory (default: the source tree's tests/golden)")
        ->type_name("DIR");
    cmd.add_option("--scenarios", o->scenarios_dir, "The scenarios' directory (default: the built-in sim/scenarios)")
        ->type_name("DIR");

    return [o]() -> int {
        sim::golden_options opt;
        opt.scenarios_dir = o->scenarios_dir.empty() ? default_scenarios_dir() : fs::path(o->scenarios_dir);
        if (!is_dir(opt.scenarios_dir)) throw usage_error("--scenarios " + opt.scenarios_dir.string() + ": not a directory");
        opt.golden_dir = o->dir.empty() ? default_golden_dir() : fs::path(o->dir);
        if (!o->update && !is_dir(opt.golden_dir)) throw usage_error("--dir " + opt.golden_dir.string() + ": not a directory");
        opt.scenarios = o->scenarios;
        opt.update = o->update;
        // Bad input first: every scenario must load, its tool-owned sections included.
        const sim::golden_plan plan = sim::plan_goldens(std::move(opt));
        for (const auto& item : plan.items) check_tool_sections(item.loaded);

        // The command that updates the file this check compared: the same --scenarios and --dir,
        // the scenario as given (or by its name under the scenarios directory), quoted for a shell.
        const auto update_command = [&](const sim::golden_result& r) {
            std::string cmd = "surge golden --update";
            if (!o->scenarios_dir.empty()) cmd += " --scenarios " + shell_word(o->scenarios_dir);
            if (!o->dir.empty()) cmd += " --dir " + shell_word(o->dir);
            const bool by_name = r.scenario_file == plan.options.scenarios_dir / (r.name + ".json");
            return cmd + " " + shell_word(by_name ? r.name : r.scenario_file.string());
        };
        using status = sim::golden_result::status;
        const auto print = [&](const sim::golden_result& r) {
            const std::string name = sim::terminal_text(r.name);
            const std::string label = "golden " + name + ": ";
            const std::string golden_file = sim::terminal_text(r.golden_file.string());
            const std::string scenario_file = sim::terminal_text(r.scenario_file.string());
            switch (r.what) {
            case status::unchanged: std::cout << label << "unchanged\n"; break;
            case status::written:
                std::cout << label << "written " << golden_file << " (trace hash " << sim::format_trace_hash(r.trace_hash) << ")\n";
                break;
            case status::updated:
                std::cout << label << "updated " << golden_file << " (" << plural(r.changes.size(), "change", "changes") << ")\n";
                for (const auto& c : r.changes) std::cout << "  " << c << '\n';
                break;
            case status::missing:
                std::cout << label << "MISSING: no golden file " << golden_file << "\n  (write it with: "
                          << sim::terminal_text(update_command(r)) << ")\n";
                break;
            case status::match:
                std::cout << label << "ok (trace hash " << sim::format_trace_hash(r.trace_hash) << ", "
                          << plural(r.metrics, "metric", "metrics") << ")\n";
                break;
            case status::differs:
                std::cout << label << "DIFFERS from " << golden_file << " (" << plural(r.changes.size(), "change", "changes")
                          << ", old -> new)\n";
                for (const auto& c : r.changes) std::cout << "  " << c << '\n';
                std::cout << "  (if the change is intended: " << sim::terminal_text(update_command(r)) << ", and review the diff)\n";
                break;
            case status::removed: std::cout << label << "removed (no scenario " << scenario_file << ")\n"; break;
            case status::orphan: std::cout << label << "ORPHAN: no scenario " << scenario_file << "\n"; break;
            }
        };
        const sim::golden_check check = sim::check_goldens(plan, print);
        std::cout.flush();
        return check.exit_code();
    };
}

} // namespace surge::cli
