// sim/run.hpp — runs one scenario in virtual time: assemble the models, run, collect the metrics.
//
// This is what `surge run` calls once a scenario is loaded and validated (sim/load.hpp), and what
// sim/report.hpp turns into the JSON report. The definition of run() is in sim/system.hpp, which
// this header includes at its end: including either one is enough to call run().
#pragma once

#include <models/metrics.hpp>
#include <models/series.hpp>
#include <models/params.hpp>

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <ostream>
#include <string>

namespace surge::sim {

/// Where a run is, for a progress line.
struct progress {
    surge::time_point now;          // virtual time reached
    surge::duration length;         // virtual time the run will reach (length + drain)
    std::uint64_t events = 0;       // kernel events so far
};

struct run_options {
    std::optional<std::uint64_t> seed;          // overrides the scenario's seed
    std::ostream* trace_out = nullptr;          // JSON-lines model trace, if wanted
    /// Called every `progress_every` of virtual time and every `check_every` events (from inside
    /// the run; keep it cheap: a progress line throttles itself by the wall clock).
    std::function<void(const progress&)> on_progress;
    surge::duration progress_every = surge::duration::seconds(1);
    /// Polled every `check_every` events: once it holds a signal number (sim/stop_signal.hpp), the
    /// run stops there, as a failed run does, with run_result::interrupted naming the signal.
    const std::atomic<int>* stop = nullptr;
    std::uint64_t check_every = 16384;
};

struct run_result {
    std::string scenario;                       // the scenario's name
    std::uint64_t seed = 0;
    std::uint64_t trace_hash = 0;
    double virtual_seconds = 0;                 // virtual time simulated
    double wall_seconds = 0;
    std::uint64_t events = 0;                   // kernel events executed
    std::int64_t peak_rss_bytes = 0;            // the simulator's own peak resident set
    models::metric_set metrics;
    models::series_set series;                  // one value per window of the run (models/series.hpp)
    /// False if the run stopped on an error or was interrupted; the metrics then hold what was
    /// measured until then.
    bool completed = true;
    std::string error;
    /// The signal that interrupted the run (SIGINT, SIGTERM; sim/stop_signal.hpp); 0 if none did.
    int interrupted = 0;
};

/// Runs `sc`. Never throws for a model failure: the error goes into run_result::error.
inline run_result run(const models::scenario& sc, const run_options& opt = {});

} // namespace surge::sim

#include <sim/system.hpp>
