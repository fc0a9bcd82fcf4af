// tools/commands/sweep_command.hpp — `surge sweep SCENARIO --vary POINTER=VALUES... [--zip
// POINTER=VALUES...] [--sample N] [--seeds 5] [-j N] [-o sweep.json] [--csv sweep.csv] [--html
// sweep.html]`: a parameter study (sim/sweep.hpp) run over this machine's cores, or over MPI ranks
// under `mpirun -np N surge sweep ...`; prints the points sorted and marked by verdict, each
// deciding threshold's metric as mean ± 95 % CI across the seeds. Exit 0 when every point ran
// (whatever their verdicts: a sweep explores), 1 when a run stopped on an error, 2 bad input,
// 128 + signal when interrupted (the points finished so far are written). docs/scaling.md.
#pragma once

#include "command.hpp"
#include "point_runner.hpp"

#include "../distributed/distributed.hpp"

#include <sim/atomic_write.hpp>
#include <sim/format.hpp>
#include <sim/html_sweep.hpp>
#include <sim/stop_signal.hpp>
#include <sim/sweep.hpp>
#include <sim/terminal_style.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <chrono>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace surge::cli {

namespace sweep_detail {

/// The thresholds a table shows: those whose pass rate differs between points (they decide the
/// verdicts), else the first ones; at most `most`.
inline std::vector<std::size_t> deciding_thresholds(const std::vector<const sim::sweep::point_summary*>& points, std::size_t count,
                                                    std::size_t most) {
    std::vector<std::size_t> out;
    for (std::size_t t = 0; t < count && out.size() < most; ++t)
        for (const auto* p : points)
            if (p->threshold_pass_rates[t] < 1) {
                out.push_back(t);
                break;
            }
    for (std::size_t t = 0; t < count && out.size() < std::min<std::size_t>(most, 2); ++t)
        if (std::find(out.begin(), out.end(), t) == out.end()) out.push_back(t);
    return out;
}

/// The table of points (rows in `order`): #, each axis, verdict, passing seeds, the thresholds'
/// metrics as mean ± CI (with '!' where a threshold fails in some seed).
inline std::string points_table(const std::vector<const sim::sweep::point_summary*>& order, const std::vector<sim::threshold>& thresholds,
                                std::size_t seeds, const sim::terminal_style& style) {
    if (order.empty()) return "";
    const auto shown = deciding_thresholds(order, thresholds.size(), 4);
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> head{"#"};
    for (const auto& a : order.front()->values) head.push_back(a.pointer);
    head.push_back("verdict");
    head.push_back("seeds");
    for (const auto t : shown) head.push_back(thresholds[t].metric + " " + thresholds[t].expression);
    rows.push_back(head);
    for (const auto* p : order) {
        std::vector<std::string> row{std::to_string(p->index)};
        for (const auto& a : p->values) row.push_back(sim::sweep::value_text(a.value));
        row.push_back(sim::sweep::verdict_name(p->verdict));
        row.push_back(fmt::format("{}/{}", static_cast<std::size_t>(std::lround(p->pass_rate * static_cast<double>(p->runs.size()))), seeds));
        for (const auto t : shown) {
            const auto* m = p->metric(thresholds[t].metric);
            std::string cell = m ? sim::sweep::mean_ci_text(*m) : "-";
            if (p->threshold_pass_rates[t] < 1) cell += " !";
            row.push_back(cell);
        }
        rows.push_back(std::move(row));
    }
    // Columns: code points (the ± is one), the verdict word's mark and space when styled.
    const auto columns = [](const std::string& t) {
        return static_cast<std::size_t>(std::count_if(t.begin(), t.end(), [](char ch) { return (static_cast<unsigned char>(ch) & 0xC0) != 0x80; }));
    };
    const std::size_t verdict_col = order.front()->values.size() + 1;
    std::vector<std::size_t> width(head.size(), 0);
    for (const auto& r : rows)
        for (std::size_t c = 0; c < r.size(); ++c) width[c] = std::max(width[c], columns(r[c]) + (c == verdict_col && style.color ? 2 : 0));
    std::string out;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        std::string line = " ";
        for (std::size_t c = 0; c < rows[i].size(); ++c) {
            std::string cell = sim::terminal_text(rows[i][c]);
            std::size_t used = columns(rows[i][c]);
            if (i > 0 && c == verdict_col) {
                const int good = rows[i][c] == "pass" ? 1 : rows[i][c] == "mixed" ? 0 : -1;
                cell = style.word(rows[i][c], good);
                used = style.word_width(used);
            }
            line += " " + cell + std::string(width[c] - std::min(width[c], used), ' ');
        }
        while (!line.empty() && line.back() == ' ') line.pop_back();
        out += line + "\n";
    }
    return out;
}

} // namespace sweep_detail

inline action define_sweep(CLI::App& cmd) {
    struct options {
        std::string scenario;
        std::vector<std::string> vary, zip, sets;
        std::optional<std::size_t> sample;
        std::optional<std::string> sample_seed;
        std::optional<std::string> seed;
        std::uint32_t seeds = 3;
        std::optional<std::string> jobs;
        std::string output, csv, html;
        bool quiet = false;
        bool force = false;
    };
    auto o = std::make_shared<options>();
    cmd.add_option("SCENARIO", o->scenario, "Scenario file (JSON)")->required();
    add_repeatable(cmd, "--vary", o->vary, "An axis of the grid: POINTER=V1,V2,... or POINTER=LO..HI:STEP (numbers, durations 1ms..5ms:1ms, rates "
                   "100/s..500/s:100/s) (repeatable: the full-factorial grid)", "POINTER=VALUES");
    add_repeatable(cmd, "--zip", o->zip, "A paired axis: all --zip axes advance together, item i with item i (repeatable)", "POINTER=VALUES");
    cmd.add_option("--sample", o->sample, "Instead of the grid, N points of a Latin hypercube over the --vary axes (ranges need no step)")
        ->type_name("N");
    cmd.add_option("--sample-seed", o->sample_seed, "Seed of the --sample draw (default: the first run seed)")->type_name("N");
    cmd.add_option("--seeds", o->seeds, "Runs per point, seeds S, S+1, ... (S: --seed, else the scenario's)")->capture_default_str();
    cmd.add_option("--seed", o->seed, "The first seed of every point")->type_name("N");
    cmd.add_option("-j,--jobs", o->jobs, "Runs at once on this machine (default: every core; 1 per rank under mpirun)")->type_name("N");
    add_repeatable(cmd, "--set", o->sets, "Override a scenario field at every point: --set /duration=30s (repeatable)", "POINTER=VALUE");
    cmd.add_option("--output,-o", o->output, "Write the sweep as JSON here (every point's metrics: mean, 95 % CI, min, max)")->type_name("FILE");
    cmd.add_option("--csv", o->csv, "Write one row per point as CSV here")->type_name("FILE");
    cmd.add_option("--html", o->html, "Write the sweep as one self-contained HTML page here")->type_name("FILE");
    cmd.add_flag("--quiet,-q", o->quiet, "Print only the summary line");
    cmd.add_flag("--force", o->force, "Run points whose work estimate is beyond the limits");

    return [o]() -> int {
        namespace sw = sim::sweep;
        const auto wall0 = std::chrono::steady_clock::now();
        const bool root = distributed::is_root();
        std::optional<std::uint64_t> seed;
        if (o->seed) seed = parse_seed(*o->seed);
        if (o->vary.empty() && o->zip.empty()) throw usage_error("nothing to vary: give --vary POINTER=VALUES (or --zip)");
        if (o->sample && !o->zip.empty()) throw usage_error("--sample draws over the --vary axes; it does not take --zip");
        if (o->sample_seed && !o->sample) throw usage_error("--sample-seed without --sample");
        const unsigned jobs = parse_jobs(o->jobs);
        point_runner runner(o->scenario, o->sets, seed, check_seed_count(o->seeds), jobs, o->force);

        sw::sweep_result r;
        r.base = runner.base();
        r.seeds = runner.seeds();
        r.jobs = jobs;
        r.ranks = distributed::world().size;
        std::vector<sw::point> points;
        try {
            for (const auto& v : o->vary) r.vary.push_back(sw::parse_axis("--vary", v, o->sample.has_value()));
            for (const auto& z : o->zip) r.zip.push_back(sw::parse_axis("--zip", z));
            if (o->sample) {
                r.sample = o->sample;
                r.sample_seed = o->sample_seed ? parse_seed(*o->sample_seed) : r.base.first_seed;
                points = sw::latin_hypercube(r.vary, *o->sample, r.sample_seed);
            } else {
                points = sw::grid(r.vary, r.zip);
            }
        } catch (const sw::sweep_error& e) {
            throw usage_error(e.what());
        }
        for (const auto& p : points) runner.check(p);
        r.planned_points = points.size();
        if (root) {
            if (!o->output.empty()) sim::check_writable(o->output, "sweep");
            if (!o->csv.empty()) sim::check_writable(o->csv, "CSV");
            if (!o->html.empty()) sim::check_writable(o->html, "HTML report");
        }

        sim::install_stop_handlers();
        auto runs = runner.run(points);
        r.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
        r.interrupted = sim::stop_requested.load();
        if (!root) return exit_ok;
        bool errors = false;
        for (std::size_t i = 0; i < points.size(); ++i) {
            if (runs[i].size() != r.seeds.size()) continue;  // cut short by a signal
            r.points.push_back(sw::summarise_point(i, points[i], std::move(runs[i]), r.base.thresholds.size()));
            if (r.points.back().verdict == sw::verdict::error) errors = true;
        }
        const auto j = sw::sweep_json(r);
        if (!o->output.empty()) sim::write_file_atomically(o->output, j.dump(2) + "\n", "sweep");
        if (!o->csv.empty()) sim::write_file_atomically(o->csv, sw::sweep_csv(r), "CSV");
        if (!o->html.empty()) sim::write_file_atomically(o->html, sim::html_sweep(j), "HTML report");

        const sim::terminal_style style = sim::terminal_style::for_stdout();
        const auto& s = j["summary"];
        std::string line = fmt::format("sweep {}: {} points x {} seeds: {} pass, {} mixed, {} fail", r.base.name, r.points.size(), r.seeds.size(),
                                       s["pass"].get<std::size_t>(), s["mixed"].get<std::size_t>(), s["fail"].get<std::size_t>());
        if (s["error"].get<std::size_t>() > 0) line += fmt::format(", {} error", s["error"].get<std::size_t>());
        line += fmt::format(" ({:.1f} s wall, {} {})", r.wall_seconds, r.ranks > 1 ? r.ranks : static_cast<int>(jobs),
                            r.ranks > 1 ? "MPI ranks" : jobs == 1 ? "thread" : "threads");
        if (!o->quiet) std::cout << style.lines(sweep_detail::points_table(sw::by_verdict(r.points), r.base.thresholds, r.seeds.size(), style));
        std::cout << style.lines(sim::terminal_text(line)) << '\n';
        std::cout.flush();
        if (r.interrupted != 0) {
            complain(o->scenario + ": the sweep was interrupted by " + sim::signal_name(r.interrupted) +
                     (o->output.empty() ? "" : "; the points finished are in " + o->output));
            return sim::interrupted_exit_code(r.interrupted);
        }
        return errors ? 1 : exit_ok;
    };
}

} // namespace surge::cli
