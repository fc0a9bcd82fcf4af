// The seed suite's speed (issue 4's "a suite runs in seconds"; issue 11: the 10 s budget is a
// benchmark figure, not a wall-clock assertion in CTest), and a sweep's (issue 15: 100 points of
// baseline.json x 3 seeds in under 60 s on 2 cores; BM_Sweep100x3 below). Loads every scenario under
// sim/scenarios/suite once, outside the timing, then times running all of them as `surge suite`
// does, one after another on one thread.
//   build/release/tests/bench/surge_suite_bench --benchmark_repetitions=3
// Reported: wall time per suite run (the figure against the 10 s budget), tests, and kernel events
// per wall second. Baseline in the same run: BM_SuiteLoadOnly, reading and validating the same
// files, so the ratio of the two shows what the simulation itself costs.
#include <sim/input_file.hpp>
#include <sim/suite.hpp>
#include <sim/sweep.hpp>
#include <sim/system.hpp>

#include <benchmark/benchmark.h>

#include <cstdint>
#include <filesystem>

namespace {

std::filesystem::path suite_dir() { return std::filesystem::path(SURGE_SOURCE_DIR) / "sim" / "scenarios" / "suite"; }

void BM_SeedSuite(benchmark::State& state) {
    const auto plan = surge::sim::plan_suite(suite_dir(), {"all"}, {});
    std::uint64_t events = 0, failed = 0;
    for (auto _ : state) {
        for (const auto& t : plan.tests) {
            const auto r = surge::sim::run_suite_test(t, std::nullopt);
            events += r.result.events;
            failed += r.code != 0 ? 1 : 0;
        }
    }
    state.counters["tests"] = static_cast<double>(plan.tests.size());
    state.counters["failed_tests"] = static_cast<double>(failed) / static_cast<double>(state.iterations());
    state.counters["events_per_s"] = benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SeedSuite)->UseRealTime()->Unit(benchmark::kSecond)->Iterations(1);

void BM_SuiteLoadOnly(benchmark::State& state) {
    for (auto _ : state) {
        const auto plan = surge::sim::plan_suite(suite_dir(), {"all"}, {});
        benchmark::DoNotOptimize(plan.tests.size());
    }
}
BENCHMARK(BM_SuiteLoadOnly)->UseRealTime()->Unit(benchmark::kMillisecond);

// Issue 15's sweep: baseline.json over /server/workers=2..21 x /database/pool_size=10..50:10 (100
// points), 3 seeds each, as `surge sweep -j N` runs it (load each point, run, evaluate, summarise),
// on N = state.range(0) threads. Baseline in the same run: BM_Sweep100x3RunsOnly, the same 300
// runs by sim::run one after another from scenarios loaded beforehand, i.e. what one thread cannot
// do faster; the ratio of the two is the sweep's speed-up (and its overhead at N = 1).
namespace sw = surge::sim::sweep;

sw::base_scenario baseline_base() {
    sw::base_scenario b;
    b.file = (std::filesystem::path(SURGE_SOURCE_DIR) / "sim" / "scenarios" / "baseline.json").string();
    b.text = surge::sim::read_text_file(b.file);
    const auto loaded = surge::sim::load_scenario_text(b.text, b.file);
    b.name = loaded.scenario.name;
    b.thresholds = loaded.scenario.thresholds;
    b.first_seed = loaded.scenario.seed;
    return b;
}

std::vector<sw::point> hundred_points() {
    return sw::grid({sw::parse_axis("--vary", "/server/workers=2..21"), sw::parse_axis("--vary", "/database/pool_size=10..50:10")}, {});
}

void BM_Sweep100x3(benchmark::State& state) {
    const auto base = baseline_base();
    const auto points = hundred_points();
    const std::size_t seeds = 3;
    std::size_t passing = 0;
    for (auto _ : state) {
        std::vector<sw::seed_run> runs(points.size() * seeds);
        sw::parallel_for(runs.size(), static_cast<unsigned>(state.range(0)),
                         [&](std::size_t k) { runs[k] = sw::run_point(base, points[k / seeds], base.first_seed + k % seeds); });
        passing = 0;
        for (std::size_t i = 0; i < points.size(); ++i) {
            std::vector<sw::seed_run> mine(runs.begin() + static_cast<std::ptrdiff_t>(i * seeds),
                                           runs.begin() + static_cast<std::ptrdiff_t>((i + 1) * seeds));
            passing += sw::summarise_point(i, points[i], std::move(mine), base.thresholds.size()).verdict == sw::verdict::pass ? 1 : 0;
        }
    }
    state.counters["points"] = static_cast<double>(points.size());
    state.counters["passing_points"] = static_cast<double>(passing);
    state.counters["points_per_s"] = benchmark::Counter(static_cast<double>(points.size() * state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Sweep100x3)->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kSecond)->Iterations(1);

void BM_Sweep100x3RunsOnly(benchmark::State& state) {
    const auto base = baseline_base();
    std::vector<surge::sim::loaded_scenario> loaded;
    for (const auto& p : hundred_points()) loaded.push_back(sw::load_point(base, p));
    for (auto _ : state) {
        for (const auto& l : loaded)
            for (std::uint64_t s = 0; s < 3; ++s) {
                surge::sim::run_options opt;
                opt.seed = base.first_seed + s;
                benchmark::DoNotOptimize(surge::sim::run(l.scenario, opt).trace_hash);
            }
    }
    state.counters["points_per_s"] = benchmark::Counter(static_cast<double>(loaded.size() * state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Sweep100x3RunsOnly)->UseRealTime()->Unit(benchmark::kSecond)->Iterations(1);

} // namespace

BENCHMARK_MAIN();
