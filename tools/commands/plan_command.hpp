// tools/commands/plan_command.hpp — `surge plan SCENARIO --minimize POINTER --range LO..HI` (the
// smallest value that meets every threshold in all --seeds runs) and `surge plan SCENARIO
// --max-load POINTER --range 10/s..100000/s` (the highest load that does, and the knee: where the
// delivery p99 passes --knee-factor x its value at the low end). The searches are sim/plan.hpp's;
// each probe's seeds run over this machine's threads, or over the MPI ranks under mpirun (every
// rank follows the same search). Prints the answer and every probe in visit order; -o writes
// plan.json, --html the page with p99 against load. Exit 0 with an answer, 1 without one (no
// value in the range passes), 2 bad input, 128 + signal when interrupted. docs/scaling.md.
#pragma once

#include "command.hpp"
#include "point_runner.hpp"
#include "sweep_command.hpp"

#include "../distributed/distributed.hpp"

#include <sim/atomic_write.hpp>
#include <sim/html_sweep.hpp>
#include <sim/plan.hpp>
#include <sim/stop_signal.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cmath>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace surge::cli {

namespace plan_detail {

/// Why a probe failed: its thresholds that did not hold in every seed, with their pass counts.
inline std::string failing_text(const sim::sweep::point_summary& p, const std::vector<sim::threshold>& thresholds) {
    if (p.verdict == sim::sweep::verdict::error && !p.runs.empty()) return "the run stopped on an error: " + p.runs.front().error;
    std::string s;
    for (std::size_t t = 0; t < thresholds.size(); ++t) {
        if (p.threshold_pass_rates[t] >= 1) continue;
        const auto held = static_cast<std::size_t>(std::lround(p.threshold_pass_rates[t] * static_cast<double>(p.runs.size())));
        s += (s.empty() ? "" : "; ") + fmt::format("{} {} held in {} of {} seeds", thresholds[t].metric, thresholds[t].expression, held, p.runs.size());
        if (const auto* m = p.metric(thresholds[t].metric)) s += " (mean " + sim::sweep::mean_ci_text(*m) + ")";
    }
    return s;
}

} // namespace plan_detail

inline action define_plan(CLI::App& cmd) {
    struct options {
        std::string scenario;
        std::string minimize, max_load;
        std::string range;
        std::vector<std::string> sets;
        std::uint32_t seeds = 5;
        std::optional<std::string> seed;
        std::optional<std::string> jobs;
        std::string precision = "2%";
        double knee_factor = 2;
        std::string output, html;
        bool quiet = false;
        bool force = false;
    };
    auto o = std::make_shared<options>();
    cmd.add_option("SCENARIO", o->scenario, "Scenario file (JSON)")->required();
    auto* min_opt = cmd.add_option("--minimize", o->minimize,
                                   "Find the smallest value of this integer field (more is better: /server/workers) that meets every threshold")
                        ->type_name("POINTER");
    auto* load_opt = cmd.add_option("--max-load", o->max_load,
                                    "Find the highest rate of this field (/load/0/rate) that meets every threshold, and the knee")
                         ->type_name("POINTER");
    min_opt->excludes(load_opt);
    cmd.add_option("--range", o->range, "The values searched: 1..256 (--minimize), 10/s..100000/s (--max-load)")->type_name("LO..HI")->required();
    cmd.add_option("--seeds", o->seeds, "Runs per probe; a probe passes when every threshold holds in all of them")->capture_default_str();
    cmd.add_option("--seed", o->seed, "The first seed of every probe (default: the scenario's)")->type_name("N");
    cmd.add_option("-j,--jobs", o->jobs, "Runs at once on this machine (default: every core; 1 per rank under mpirun)")->type_name("N");
    cmd.add_option("--precision", o->precision, "--max-load: stop when the highest passing and lowest failing load are this close")
        ->type_name("PCT")
        ->capture_default_str();
    cmd.add_option("--knee-factor", o->knee_factor, "--max-load: the knee is where delivery p99 passes this many times its value at the range's low end")
        ->capture_default_str();
    add_repeatable(cmd, "--set", o->sets, "Override a scenario field at every probe (repeatable)", "POINTER=VALUE");
    cmd.add_option("--output,-o", o->output, "Write the plan as JSON here (the answer, the knee, every probe)")->type_name("FILE");
    cmd.add_option("--html", o->html, "Write the plan as one self-contained HTML page here")->type_name("FILE");
    cmd.add_flag("--quiet,-q", o->quiet, "Print only the answer");
    cmd.add_flag("--force", o->force, "Probe values whose work estimate is beyond the limits");

    return [o]() -> int {
        namespace sw = sim::sweep;
        namespace pl = sim::plan;
        const bool root = distributed::is_root();
        if (o->minimize.empty() == o->max_load.empty()) throw usage_error("give one of --minimize POINTER or --max-load POINTER");
        const bool minimize = !o->minimize.empty();
        const std::string pointer = minimize ? o->minimize : o->max_load;
        if (pointer.empty() || pointer[0] != '/') throw usage_error((minimize ? "--minimize " : "--max-load ") + pointer + ": expected a JSON pointer, e.g. /server/workers");
        std::optional<std::uint64_t> seed;
        if (o->seed) seed = parse_seed(*o->seed);
        if (!(o->knee_factor > 1) || !std::isfinite(o->knee_factor)) throw usage_error("--knee-factor: expected a number > 1, e.g. 2");
        const double precision = parse_percent(o->precision, "--precision " + o->precision);
        if (!(precision > 0) || precision > 1) throw usage_error("--precision " + o->precision + ": expected a percentage in (0, 100], e.g. 2%");
        sw::axis range;
        try {
            range = sw::parse_axis("--range", pointer + "=" + o->range, true);
        } catch (const sw::sweep_error& e) {
            throw usage_error(e.what());
        }
        if (!range.range) throw usage_error("--range " + o->range + ": expected LO..HI, e.g. " + (minimize ? "1..256" : "10/s..100000/s"));
        const auto& rg = *range.range;
        if (minimize && rg.kind != sw::quantity::integer) throw usage_error("--range " + o->range + ": --minimize searches integers, e.g. 1..256");
        if (!minimize && rg.kind != sw::quantity::rate) throw usage_error("--range " + o->range + ": --max-load searches rates, e.g. 10/s..100000/s");
        if (!minimize && !(rg.lo > 0)) throw usage_error("--range " + o->range + ": the low end must be above 0/s");
        if (rg.step) throw usage_error("--range " + o->range + ": a plan's range has no step");
        point_runner runner(o->scenario, o->sets, seed, check_seed_count(o->seeds), parse_jobs(o->jobs), o->force);
        const auto probe_point = [&](double v) { return sw::point{{pointer, sw::value_of(rg.kind, v)}}; };
        // Bad input before anything runs: both ends load, and the high end is within the limits.
        runner.check(probe_point(rg.lo));
        runner.check(probe_point(rg.hi));
        if (root) {
            if (!o->output.empty()) sim::check_writable(o->output, "plan");
            if (!o->html.empty()) sim::check_writable(o->html, "HTML report");
        }

        sim::install_stop_handlers();
        const pl::evaluator eval = [&](const sw::point& p) {
            auto runs = runner.run({p}, /*everywhere=*/true);
            return runs.empty() ? std::vector<sw::seed_run>{} : std::move(runs.front());
        };
        const std::size_t thresholds = runner.base().thresholds.size();
        const auto stopped = [] { return sim::stop_requested.load() != 0; };
        pl::plan_result r = minimize ? pl::minimize(pointer, static_cast<std::int64_t>(rg.lo), static_cast<std::int64_t>(rg.hi), eval, runner.base().thresholds, stopped)
                                     : pl::max_load(pointer, rg.lo, rg.hi, eval, thresholds, precision, o->knee_factor, stopped);
        r.interrupted = sim::stop_requested.load();
        if (!root) return r.answer ? exit_ok : 1;

        const auto& base = runner.base();
        const auto j = pl::plan_json(r, base, runner.seeds());
        if (!o->output.empty()) sim::write_file_atomically(o->output, j.dump(2) + "\n", "plan");
        if (!o->html.empty()) sim::write_file_atomically(o->html, sim::html_sweep(j), "HTML report");

        const auto text = [&](double v) { return sw::value_text(sw::value_of(r.kind, v)); };
        const sim::terminal_style style = sim::terminal_style::for_stdout();
        const std::string seeds = fmt::format("in all {} seeds", runner.seeds().size());
        std::string out;
        const auto neighbour_why = [&]() -> std::string {
            if (!r.failing_neighbour) return "";
            for (const auto& p : r.probes)
                if (p.values.front().value == sw::value_of(r.kind, *r.failing_neighbour))
                    return "\n  " + text(*r.failing_neighbour) + " fails: " + plan_detail::failing_text(p, base.thresholds);
            return "";
        };
        if (minimize) {
            out = fmt::format("plan {}: the smallest {} in {}..{} that meets every threshold {}: ", base.name, pointer, text(r.lo), text(r.hi), seeds);
            out += r.answer ? text(*r.answer) : "none (" + text(r.hi) + " fails)";
            out += neighbour_why();
        } else {
            out = fmt::format("plan {}: the highest {} in {}..{} that meets every threshold {}: ", base.name, pointer, text(r.lo), text(r.hi), seeds);
            out += r.answer ? text(*r.answer) : "none";
            if (r.answer && !r.failing_neighbour) out += " (the top of the range)";
            out += neighbour_why();
            const std::string p99 = std::string(models::metric_of(models::metric_id::delivery_latency_p99).name);
            if (!r.base_p99) out += "\n  knee: no " + p99 + " at " + text(r.lo);
            else if (!r.knee)
                out += fmt::format("\n  knee: none up to {}: {} stays within {:g}x its {} at {}", text(r.hi), p99, r.knee_factor,
                                   sim::format_seconds(*r.base_p99), text(r.lo));
            else
                out += fmt::format("\n  knee: {} passes {:g}x its {} at {} between {} and {}", p99, r.knee_factor, sim::format_seconds(*r.base_p99),
                                   text(r.lo), r.below_knee ? text(*r.below_knee) : text(r.lo), text(*r.knee));
        }
        for (const auto& w : r.warnings) out += "\n  warning: " + w;
        if (!o->quiet && !r.probes.empty()) {
            std::vector<const sw::point_summary*> order;
            for (const auto& p : r.probes) order.push_back(&p);
            out += "\nprobes, in the order visited:\n" + sweep_detail::points_table(order, base.thresholds, runner.seeds().size(), style);
        }
        std::cout << style.lines(out) << (out.ends_with('\n') ? "" : "\n");
        std::cout.flush();
        if (r.interrupted != 0) {
            complain(o->scenario + ": the plan was interrupted by " + sim::signal_name(r.interrupted) +
                     (o->output.empty() ? "" : "; the probes so far are in " + o->output));
            return sim::interrupted_exit_code(r.interrupted);
        }
        return r.answer ? exit_ok : 1;
    };
}

} // namespace surge::cli
