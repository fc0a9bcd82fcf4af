// Model benchmarks (issue 3, "Speed and memory it must reach"): the assembled notification system
// (models/notification_system.hpp) built directly from a models::scenario, without the loader.
//   build/release/tests/bench/surge_model_bench --benchmark_counters_tabular=true
//
// - BM_BroadcastFanout: 100 000 always-online users; 10 broadcasts, 1 per virtual second, through
//   the server's workers, send buffers and links. Building the system and connecting the users is
//   outside the timing; items/s = notifications delivered (recorder::delivered) per wall second.
//   lognormal:0 has the default links (fixed 10 ms latency: arrivals are scheduled in time order),
//   lognormal:1 a lognormal latency (median 40 ms, p99 300 ms) and 0.1 % loss.
// - BM_IdleConnections: N users connect and then do nothing (no load phase). Timed: building the
//   system and running until every user is connected; items/s = connections per wall second.
//   Memory is the process's resident set from /proc/self/statm (field 2, resident pages), read
//   before building and once all users are connected: bytes_per_connection = growth / N.
//   peak_rss_bytes is VmHWM from /proc/self/status after resetting it (/proc/self/clear_refs
//   "5") before the build, so it is this iteration's peak, not an earlier benchmark's.
//   heap_bytes_per_connection is the same growth measured by malloc (mallinfo2: arena + mmap
//   bytes in use), which does not depend on what the allocator keeps or returns to the kernel.
// - BM_ScenarioSteady/<users>: sessions, Poisson per-user notifications and client messages, lognormal
//   links with loss; items/s = kernel events (simulation::events_processed) per wall second, over
//   60 virtual seconds after the connect ramp.
// Rates are per wall second (UseRealTime): on a busy machine they drop when the process is
// preempted; repeat (--benchmark_repetitions=3) and compare the CPU column.
#include <models/notification_system.hpp>

#include <surge/simulation.hpp>

#include <benchmark/benchmark.h>

#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>

using namespace surge::literals;
namespace models = surge::models;

namespace {

// --- process memory -------------------------------------------------------------------------

/// Resident set size now (bytes), from /proc/self/statm.
std::int64_t rss_bytes() {
    std::ifstream f("/proc/self/statm");
    std::int64_t size = 0, resident = 0;
    f >> size >> resident;
    return resident * static_cast<std::int64_t>(sysconf(_SC_PAGESIZE));
}

/// Resets the kernel's peak-RSS mark (VmHWM) to the current RSS (Linux >= 4.0). False if refused.
bool reset_peak_rss() {
    std::ofstream f("/proc/self/clear_refs");
    f << "5";
    f.flush();
    return static_cast<bool>(f);
}

/// VmHWM from /proc/self/status, bytes.
std::int64_t peak_rss_bytes() {
    std::ifstream f("/proc/self/status");
    std::string key;
    while (f >> key) {
        if (key == "VmHWM:") {
            std::int64_t kib = 0;
            f >> kib;
            return kib * 1024;
        }
        std::getline(f, key);
    }
    return 0;
}

/// Bytes malloc has handed out and not had back.
std::int64_t heap_in_use() {
    const struct mallinfo2 mi = mallinfo2();
    return static_cast<std::int64_t>(mi.uordblks + mi.hblkhd);
}

/// Gives freed memory back to the kernel so the next RSS baseline is not inflated by (or the next
/// growth hidden in) memory an earlier iteration freed.
void release_freed_memory() { malloc_trim(0); }

// --- scenarios ------------------------------------------------------------------------------

/// Users who connect once, quickly, and stay: no sessions, no messages, no drops. The server's
/// connect handler is cheap and its queue large enough that connecting N users at once neither
/// rejects nor times out anyone.
models::scenario connected_users(std::int64_t n, surge::duration ramp) {
    models::scenario sc;
    sc.name = "bench";
    sc.users.count = n;
    sc.users.connect_ramp = ramp;
    sc.server.workers = 4;
    sc.server.cost_per_connect = models::duration_dist::fixed(1_us);
    sc.server.queue_capacity = 4 * n + 1000;
    return sc;
}

/// Runs until every user of `sc` is connected, in slices of 100 ms of virtual time.
void run_until_connected(surge::simulation& sim, models::notification_system& sys, std::int64_t n) {
    while (sys.users().online() < n) {
        if (sim.idle()) throw std::runtime_error("model_bench: users did not all connect");
        sim.run_for(100_ms);
    }
}

// --- BM_BroadcastFanout ---------------------------------------------------------------------

void BM_BroadcastFanout(benchmark::State& state) {
    const std::int64_t users = state.range(0);
    constexpr int broadcasts = 10;
    models::scenario sc = connected_users(users, 500_ms);
    // Broadcasts start once the connect-timeout timers (10 s after each attempt, left pending
    // after a successful connect) have fired: the timed part has only the broadcasts' events.
    sc.length = 11_s + surge::duration::seconds(broadcasts) + 1_ms;  // broadcasts at 12 s, 13 s, ... 21 s
    sc.drain = 5_s;
    sc.server.cost_per_message = models::duration_dist::fixed(5_us);  // a fan-out of 100k: 0.5 s of one worker
    if (state.range(1) != 0) {
        // Realistic links: arrivals no longer come in the order they were scheduled.
        sc.links.latency = models::duration_dist::lognormal_median_p99(40_ms, 300_ms);
        sc.links.loss = 0.001;
    }
    models::load_phase ph;
    ph.type = models::load_phase::kind::open;
    ph.at = surge::time_point{} + 11_s;
    ph.start_rate = models::rate{1.0};
    ph.spacing = models::load_phase::arrivals::uniform;
    ph.target = models::target_kind::broadcast;
    ph.payload = models::size_dist::fixed(256);
    sc.load.push_back(ph);

    std::uint64_t delivered = 0, events = 0;
    std::size_t pending_before = 0;
    for (auto _ : state) {
        state.PauseTiming();
        {
            surge::simulation sim(1);
            models::notification_system sys(sim, sc);
            sys.start();
            run_until_connected(sim, sys, users);
            sim.run_until(ph.at);
            const std::uint64_t d0 = sys.record().delivery.delivered();
            const std::uint64_t e0 = sim.events_processed();
            pending_before = sim.pending_events();
            state.ResumeTiming();
            sim.run_until(surge::time_point{} + sc.length);
            sys.end_load();
            sim.run_until(surge::time_point{} + sc.length + sc.drain);
            state.PauseTiming();
            const std::uint64_t d = sys.record().delivery.delivered() - d0;
            if (d != static_cast<std::uint64_t>(broadcasts * users) || sys.pending() != 0) {
                state.SkipWithError(("expected every broadcast delivered to every user; delivered " +
                                     std::to_string(d) + ", pending " + std::to_string(sys.pending()))
                                        .c_str());
            }
            delivered += d;
            events += sim.events_processed() - e0;
        }
        release_freed_memory();
        state.ResumeTiming();
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(delivered));
    state.counters["users"] = static_cast<double>(users);
    state.counters["events_per_second"] = benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
    state.counters["pending_before"] = static_cast<double>(pending_before);
    state.SetLabel("delivered notifications");
}
BENCHMARK(BM_BroadcastFanout)
    ->ArgNames({"users", "lognormal"})
    ->Args({100'000, 0})
    ->Args({100'000, 1})
    ->UseRealTime()->Unit(benchmark::kMillisecond)->MinTime(2.0);

// --- BM_IdleConnections ---------------------------------------------------------------------

void BM_IdleConnections(benchmark::State& state) {
    const std::int64_t users = state.range(0);
    const models::scenario sc = connected_users(users, 1_s);  // no load phase: the producer starts nothing

    double growth = 0, heap_growth = 0, rss_after = 0, peak = 0, pending = 0;
    bool peak_known = true;
    std::int64_t iterations = 0;
    for (auto _ : state) {
        state.PauseTiming();
        release_freed_memory();
        const std::int64_t rss0 = rss_bytes();
        const std::int64_t heap0 = heap_in_use();
        peak_known = peak_known && reset_peak_rss();
        state.ResumeTiming();
        {
            surge::simulation sim(1);
            models::notification_system sys(sim, sc);
            sys.start();
            run_until_connected(sim, sys, users);
            state.PauseTiming();
            const std::int64_t rss1 = rss_bytes();
            growth += static_cast<double>(rss1 - rss0);
            heap_growth += static_cast<double>(heap_in_use() - heap0);
            rss_after += static_cast<double>(rss1);
            peak += static_cast<double>(peak_rss_bytes());
            pending += static_cast<double>(sim.pending_events());
            ++iterations;
            if (sys.the_server().connections() != users) state.SkipWithError("not every user is connected");
        }  // destroyed while the timer is paused
        release_freed_memory();
        state.ResumeTiming();
    }
    const auto n = static_cast<double>(users) * static_cast<double>(iterations);
    const auto it = static_cast<double>(iterations);
    state.SetItemsProcessed(static_cast<std::int64_t>(n));
    state.counters["users"] = static_cast<double>(users);
    state.counters["bytes_per_connection"] = growth / n;
    state.counters["heap_bytes_per_connection"] = heap_growth / n;
    state.counters["rss_bytes"] = rss_after / it;
    if (peak_known) state.counters["peak_rss_bytes"] = peak / it;
    state.counters["pending_events"] = pending / it;
    state.SetLabel("connections");
}
BENCHMARK(BM_IdleConnections)->Arg(1'000'000)->UseRealTime()->Unit(benchmark::kMillisecond)->Iterations(2);

// --- BM_ScenarioSteady ----------------------------------------------------------------------

void BM_ScenarioSteady(benchmark::State& state) {
    const std::int64_t users = state.range(0);
    models::scenario sc;
    sc.name = "steady";
    sc.length = 70_s;
    sc.users.count = users;
    sc.users.connect_ramp = 10_s;
    sc.users.online = models::duration_dist::exponential_mean(5_min);
    sc.users.offline = models::duration_dist::exponential_mean(1_min);
    sc.users.messages = models::rate{0.1};  // per online user
    sc.links.latency = models::duration_dist::lognormal_median_p99(40_ms, 300_ms);
    sc.links.loss = 0.001;
    sc.server.workers = 16;
    sc.server.cost_per_notification = models::duration_dist::fixed(300_us);
    sc.server.cost_per_message = models::duration_dist::fixed(5_us);
    sc.database.query = models::duration_dist::lognormal_median_p99(3_ms, 40_ms);
    models::load_phase ph;
    ph.type = models::load_phase::kind::open;
    ph.start_rate = models::rate{0.1 * static_cast<double>(users)};  // 0.1 notification per user per second
    ph.spacing = models::load_phase::arrivals::poisson;
    ph.target = models::target_kind::user;
    ph.payload = models::size_dist::fixed(512);
    sc.load.push_back(ph);
    const surge::time_point warm = surge::time_point{} + sc.users.connect_ramp;

    std::uint64_t events = 0, delivered = 0;
    std::size_t pending = 0;
    for (auto _ : state) {
        state.PauseTiming();
        {
            surge::simulation sim(1);
            models::notification_system sys(sim, sc);
            sys.start();
            sim.run_until(warm);
            const std::uint64_t e0 = sim.events_processed();
            const std::uint64_t d0 = sys.record().delivery.delivered();
            state.ResumeTiming();
            sim.run_until(surge::time_point{} + sc.length);
            state.PauseTiming();
            events += sim.events_processed() - e0;
            delivered += sys.record().delivery.delivered() - d0;
            pending = sim.pending_events();
        }
        release_freed_memory();
        state.ResumeTiming();
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(events));
    state.counters["users"] = static_cast<double>(users);
    state.counters["delivered_per_second"] =
        benchmark::Counter(static_cast<double>(delivered), benchmark::Counter::kIsRate);
    state.counters["pending_events"] = static_cast<double>(pending);
    state.SetLabel("kernel events");
}
BENCHMARK(BM_ScenarioSteady)->Arg(10'000)->UseRealTime()->Unit(benchmark::kMillisecond)->MinTime(2.0);

} // namespace

BENCHMARK_MAIN();
