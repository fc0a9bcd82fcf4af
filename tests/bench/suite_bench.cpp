// The seed suite's speed (issue 4's "a suite runs in seconds"; issue 11: the 10 s budget is a
// benchmark figure, not a wall-clock assertion in CTest). Loads every scenario under
// sim/scenarios/suite once, outside the timing, then times running all of them as `surge suite`
// does, one after another on one thread.
//   build/release/tests/bench/surge_suite_bench --benchmark_repetitions=3
// Reported: wall time per suite run (the figure against the 10 s budget), tests, and kernel events
// per wall second. Baseline in the same run: BM_SuiteLoadOnly, reading and validating the same
// files, so the ratio of the two shows what the simulation itself costs.
#include <sim/suite.hpp>
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

} // namespace

BENCHMARK_MAIN();
