// tools/commands/calibrate_command.hpp — `surge calibrate SCENARIO LIVE.json [MORE.json...] -o
// calibrated.json`: fits the scenario's service parameters to live reports (sim/calibrate.hpp),
// prints the fitted values and the residual of every metric in every report, names the metrics
// that resist, and writes the calibrated scenario (and, with --json, the fit as JSON). Exit 0 when
// every residual is within its bound, 1 when one is not, 2 on bad input, 128 + signal when
// interrupted (the best fit so far is written). docs/calibration.md.
#pragma once

#include "command.hpp"

#include <sim/atomic_write.hpp>
#include <sim/calibrate.hpp>
#include <sim/format.hpp>
#include <sim/stop_signal.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <iostream>
#include <memory>
#include <string>
#include <vector>

namespace surge::cli {

namespace calibrate_detail {

inline std::string seconds_text(double s) { return to_string(duration::nanoseconds(static_cast<std::int64_t>(std::llround(s * 1e9)))); }

inline std::string metric_value(models::metric_id id, double v) {
    const auto& e = models::metric_of(id);
    return sim::format_value(v, e.unit);
}

inline nlohmann::ordered_json fit_json(const sim::calibration::result& r, const std::vector<sim::calibration::observation>& obs) {
    nlohmann::ordered_json j = nlohmann::ordered_json::object();
    j["fits"] = r.fits();
    j["interrupted"] = r.interrupted;
    j["evaluations"] = r.evaluations;
    j["objective"] = r.objective;
    if (r.workers) {
        j["workers"] = *r.workers;
        j["workers_tried"] = nlohmann::ordered_json::array();
        for (const auto& [w, objective] : r.workers_tried) j["workers_tried"].push_back({{"workers", w}, {"objective", objective}});
    }
    j["parameters"] = nlohmann::ordered_json::array();
    for (const auto& p : r.parameters)
        j["parameters"].push_back({{"pointer", p.pointer}, {"first_estimate", p.initial_seconds}, {"fitted", p.fitted_seconds},
                                   {"value", sim::calibration::duration_text(p.fitted_seconds)}, {"estimate", p.estimate}});
    j["residuals"] = nlohmann::ordered_json::array();
    for (const auto& x : r.residuals) {
        nlohmann::ordered_json row = {{"report", obs[x.observation].file}, {"metric", std::string(models::metric_of(x.metric).name)}};
        if (x.relative_to) row["beyond"] = obs[*x.relative_to].file;  // the CPU time beyond that report's
        row["live"] = x.live;
        row["model"] = x.model;
        row["error"] = x.error;
        row["bound"] = x.bound;
        row["within"] = x.within();
        j["residuals"].push_back(std::move(row));
    }
    j["findings"] = r.findings;
    j["notes"] = r.notes;
    return j;
}

} // namespace calibrate_detail

inline action define_calibrate(CLI::App& cmd) {
    struct options {
        std::string scenario;
        std::vector<std::string> reports;
        std::string output;
        std::string json;
        std::vector<std::string> free;
        std::uint32_t seeds = 1;
        std::uint32_t max_evaluations = 200;
        std::vector<std::int64_t> workers;
        bool quiet = false;
    };
    auto o = std::make_shared<options>();
    cmd.add_option("SCENARIO", o->scenario, "The scenario whose service sections (links, server, database, ...) are fitted")->required();
    cmd.add_option("LIVE", o->reports, "Reports of surge replay against the real service, at different loads (--time-scale 1)")
        ->required();
    cmd.add_option("--output,-o", o->output, "Write the calibrated scenario here")->type_name("FILE")->required();
    cmd.add_option("--json", o->json, "Write the fit (parameters, residuals, findings) as JSON here")->type_name("FILE");
    cmd.add_option("--free", o->free,
                   "A duration parameter to fit, by JSON pointer (repeatable; default /server/cost_per_notification, "
                   "/server/cost_per_message, /links/latency, /links/handshake; /database/query when publishes query the database; "
                   "/server/cost_per_connect when the reports carry an event loop's CPU time)")
        ->type_name("POINTER");
    cmd.add_option("--seeds", o->seeds, "Simulated runs per report and evaluation, averaged (seed, seed+1, ...)")
        ->check(CLI::Range(1, 100))
        ->default_val(1);
    cmd.add_option("--max-evaluations", o->max_evaluations, "Nelder–Mead evaluations at most (each simulates every report)")
        ->check(CLI::Range(1, 100000))
        ->default_val(200);
    cmd.add_option("--fit-workers", o->workers,
                   "Workers to try, e.g. 1,2,4,8: a fit for each, the best kept (default: the scenario's workers, given)")
        ->type_name("N,...")
        ->delimiter(',')
        ->check(CLI::Range(std::int64_t{1}, std::int64_t{100000}));
    cmd.add_flag("--quiet,-q", o->quiet, "Print only the verdict line");
    return [o]() -> int {
        namespace cal = sim::calibration;
        sim::check_writable(o->output, "calibrated scenario");
        if (!o->json.empty()) sim::check_writable(o->json, "calibration JSON");
        for (const auto& p : o->free)
            if (p.empty() || p.front() != '/') throw usage_error("--free " + p + ": expected a JSON pointer such as /server/cost_per_notification");
        const auto loaded = sim::load_scenario_file(o->scenario);
        std::vector<cal::observation> obs;
        try {
            for (const auto& f : o->reports) obs.push_back(cal::read_observation(f));
        } catch (const sim::report_error& e) {
            complain(e.what());
            return exit_bad_input;
        }
        cal::options opt;
        opt.free = o->free;
        opt.seeds = o->seeds;
        opt.max_evaluations = o->max_evaluations;
        opt.workers = o->workers;
        opt.stop = &sim::stop_requested;
        sim::install_stop_handlers();
        const cal::result r = cal::calibrate(loaded.document, o->scenario, obs, opt);

        using calibrate_detail::seconds_text;
        const std::string verdict =
            r.fits() ? fmt::format("{}: FITS: every metric of {} within its bound ({} evaluations)", file_name(o->scenario),
                                   obs.size() == 1 ? "the live report" : std::to_string(obs.size()) + " live reports", r.evaluations)
                     : fmt::format("{}: RESISTS: {} of {} metrics outside their bounds ({} evaluations)", file_name(o->scenario),
                                   std::count_if(r.residuals.begin(), r.residuals.end(), [](const auto& x) { return !x.within(); }),
                                   r.residuals.size(), r.evaluations);
        if (!o->quiet) {
            if (r.workers) {
                std::cout << "workers:";
                for (const auto& [w, objective] : r.workers_tried) std::cout << fmt::format(" {} (objective {:.4g})", w, objective);
                std::cout << fmt::format("; fitted {}\n\n", *r.workers);
            }
            std::cout << fmt::format("{:<32} {:>12} {:>12}  {}\n", "parameter", "first", "fitted", "first estimate from");
            for (const auto& p : r.parameters)
                std::cout << fmt::format("{:<32} {:>12} {:>12}  {}\n", p.pointer, seconds_text(p.initial_seconds),
                                         seconds_text(p.fitted_seconds), sim::terminal_text(p.estimate));
            std::cout << '\n' << fmt::format("{:<26} {:<24} {:>12} {:>12} {:>8} {:>7}\n", "metric", "report", "live", "model", "error", "bound");
            for (const auto& x : r.residuals)
                std::cout << fmt::format("{:<26} {:<24} {:>12} {:>12} {:>+7.1f}% {:>5.0f}%{}\n",
                                         std::string(models::metric_of(x.metric).name) + (x.relative_to ? " Δ" : ""),
                                         sim::terminal_text(file_name(obs[x.observation].file)),
                                         calibrate_detail::metric_value(x.metric, x.live), calibrate_detail::metric_value(x.metric, x.model),
                                         100 * x.error, 100 * x.bound, x.within() ? "" : "  RESISTS");
            if (std::any_of(r.residuals.begin(), r.residuals.end(), [](const auto& x) { return x.relative_to.has_value(); }))
                std::cout << "Δ: the CPU time beyond that of the report at the least load\n";
            for (const auto& n : r.notes) std::cout << "note: " << sim::terminal_text(n) << '\n';
            for (const auto& f : r.findings) std::cout << "resists: " << sim::terminal_text(f) << '\n';
        }
        std::cout << sim::terminal_text(verdict) << '\n';
        std::cout.flush();
        sim::write_file_atomically(o->output, r.calibrated.dump(2) + "\n", "calibrated scenario");
        if (!o->json.empty()) sim::write_file_atomically(o->json, calibrate_detail::fit_json(r, obs).dump(2) + "\n", "calibration JSON");
        if (r.interrupted) return sim::interrupted_exit_code(sim::stop_requested.load());
        return r.fits() ? exit_ok : 1;
    };
}

} // namespace surge::cli
