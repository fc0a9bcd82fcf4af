// Kernel benchmarks (issue 2): the classic hold model on surge's event queue and on the way most
// hand-rolled simulators are written, and coroutine process resumption.
//   build/release/tests/bench/surge_kernel_bench --benchmark_counters_tabular=true
#include <surge/random.hpp>
#include <surge/simulation.hpp>

#include <benchmark/benchmark.h>

#include <cstdint>
#include <functional>
#include <queue>
#include <vector>

using namespace surge::literals;

namespace {

// Hold model: n pending timers; each executed event schedules one more at now + exponential(1 s).
// The callback captures one pointer (8 bytes).
struct hold_model {
    surge::simulation sim{1};
    surge::rng g = sim.stream("hold");
    surge::exponential gap{1.0};

    void fire() {
        sim.schedule(surge::sample_duration(gap, g), [this] { fire(); });
    }
};

void BM_Hold(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    hold_model m;
    for (std::size_t i = 0; i < n; ++i) m.fire();
    for (std::size_t i = 0; i < n; ++i) m.sim.step();  // warm up: reach the steady-state mix
    for (auto _ : state) {
        m.sim.step();
    }
    state.SetItemsProcessed(state.iterations());
    state.counters["bytes_per_event"] =
        static_cast<double>(m.sim.queue().memory_bytes()) / static_cast<double>(m.sim.pending_events());
    state.counters["pending"] = static_cast<double>(m.sim.pending_events());
}
BENCHMARK(BM_Hold)->Arg(1024)->Arg(65536)->Arg(1048576);

// The same workload, the common hand-rolled way: std::priority_queue of structs holding a
// std::function, ordered by (time, sequence).
struct baseline_event {
    std::int64_t time;
    std::uint64_t seq;
    std::function<void()> fn;
};
struct later {
    bool operator()(const baseline_event& a, const baseline_event& b) const {
        return a.time != b.time ? a.time > b.time : a.seq > b.seq;
    }
};
struct baseline_model {
    std::priority_queue<baseline_event, std::vector<baseline_event>, later> q;
    std::int64_t now = 0;
    std::uint64_t seq = 0;
    surge::rng g = surge::make_stream(1, "hold");
    surge::exponential gap{1.0};

    void fire() {
        q.push({now + surge::sample_duration(gap, g).count(), seq++, [this] { fire(); }});
    }
    void step() {
        baseline_event e = q.top();  // top() is const: the callback has to be copied out
        q.pop();
        now = e.time;
        e.fn();
    }
};

void BM_BaselineHold(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    baseline_model m;
    for (std::size_t i = 0; i < n; ++i) m.fire();
    for (std::size_t i = 0; i < n; ++i) m.step();
    for (auto _ : state) {
        m.step();
    }
    state.SetItemsProcessed(state.iterations());
    state.counters["bytes_per_event"] = static_cast<double>(m.q.size() * sizeof(baseline_event)) / static_cast<double>(n);
}
BENCHMARK(BM_BaselineHold)->Arg(1024)->Arg(65536)->Arg(1048576);

// n processes, each looping `co_await sim.delay(d)` with d drawn per process from exponential(1 ms).
surge::process ticker(surge::simulation& sim, surge::rng& g, const surge::exponential& gap) {
    for (;;) co_await sim.delay(surge::sample_duration(gap, g));
}

void BM_ProcessDelay(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    surge::simulation sim(1);
    surge::rng g = sim.stream("ticks");
    const surge::exponential gap(1e-3);
    for (std::size_t i = 0; i < n; ++i) sim.spawn(ticker(sim, g, gap));
    for (std::size_t i = 0; i < 2 * n; ++i) sim.step();
    for (auto _ : state) {
        sim.step();
    }
    state.SetItemsProcessed(state.iterations());
    state.SetLabel("resumptions");
}
BENCHMARK(BM_ProcessDelay)->Arg(1024)->Arg(65536);

} // namespace

BENCHMARK_MAIN();
