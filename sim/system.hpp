// sim/system.hpp — sim::run(): a validated scenario -> an assembled notification system -> a run
// in virtual time -> the run's result (metrics, trace hash, counts). Wall-clock time and the
// process's peak RSS are measured here, outside the simulated world, and never feed into it.
// sim/run.hpp declares run() and includes this file at its end, so either header is enough.
#pragma once

#include "sim/host.hpp"
#include "sim/run.hpp"
#include "sim/stop_signal.hpp"

#include <models/notification_system.hpp>

#include <surge/simulation.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <exception>
#include <string>

namespace surge::sim {

inline run_result run(const models::scenario& sc, const run_options& opt) {
    run_result res;
    res.scenario = sc.name;
    res.seed = opt.seed.value_or(sc.seed);
    const auto wall0 = std::chrono::steady_clock::now();

    surge::simulation sim(res.seed);
    if (opt.trace_out != nullptr) sim.trace().write_to(opt.trace_out);
    const time_point load_end = time_point{} + sc.length;
    const time_point stop = load_end + sc.drain;
    const duration step = opt.progress_every > duration::zero() ? opt.progress_every : sc.length + sc.drain;

    // Built outside the try block so that the metrics of a failed run can still be read.
    std::unique_ptr<models::notification_system> system;
    try {
        system = std::make_unique<models::notification_system>(sim, sc);
        system->start();
        // Run in slices so the progress callback sees the clock move, and in bursts of at most
        // check_every events so that a stop request and the progress line are seen even while
        // the virtual clock crawls. Neither adds or reorders events: the same events run in the
        // same order as one run_until(stop) would run them.
        const std::uint64_t burst = std::max<std::uint64_t>(opt.check_every, 1);
        bool stopped = false;
        auto stop_requested = [&] {
            if (opt.stop == nullptr) return false;
            const int signal = opt.stop->load(std::memory_order_relaxed);
            if (signal == 0) return false;
            res.interrupted = signal;
            return stopped = true;
        };
        auto report = [&] {
            if (opt.on_progress) opt.on_progress(progress{sim.now(), sc.length + sc.drain, sim.events_processed()});
        };
        auto run_to = [&](time_point until) {
            while (!stopped && sim.now() < until) {
                const time_point next = std::min(until, sim.now() + step);
                while (!sim.run_until(next, burst)) {
                    if (stop_requested()) return;
                    report();
                }
                if (stop_requested()) return;
                report();
            }
        };
        run_to(load_end);
        if (!stopped) {
            system->end_load();
            run_to(stop);
        }
        if (stopped) {
            res.completed = false;
            res.error = "interrupted by " + signal_name(res.interrupted) + " at " + fmt::format("{:.3f}", sim.now().seconds_f()) +
                        " s of virtual time";
        }
    } catch (const std::exception& e) {
        res.completed = false;
        res.error = e.what();
    }

    if (system) {
        res.metrics = system->metrics();
        res.series = system->series();
    }
    res.trace_hash = sim.trace_hash();
    // One division of the integer nanoseconds, the nearest double to the exact decimal (0.3, not
    // seconds_f()'s 0.30000000000000004 from multiplying by the inexact 1e-9).
    res.virtual_seconds = static_cast<double>((sim.now() - time_point{}).count()) / 1e9;
    res.events = sim.events_processed();
    res.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
    res.peak_rss_bytes = peak_rss_bytes();
    res.metrics.set(models::metric_id::simulator_peak_rss_bytes, static_cast<double>(res.peak_rss_bytes));
    if (system) sim.trace().write_to(nullptr);
    return res;
}

} // namespace surge::sim
