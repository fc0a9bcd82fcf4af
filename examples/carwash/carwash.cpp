// examples/carwash/carwash.cpp — SimPy's "Carwash" example written with surge: a car wash with two
// machines; cars arrive every 5 to 9 minutes (four are waiting at the start), queue for a
// machine, and a wash of 5 minutes removes 50 to 99 % of a car's dirt.
//
// The wash is a surge::task: the car's process runs it with `co_await wash(wash_site, car)`, as
// SimPy's `yield env.process(cw.wash(name))`, but without spawning a process: the wash runs inside
// the car's process, and awaiting it schedules no event of its own.
#include <surge/resource.hpp>
#include <surge/simulation.hpp>
#include <surge/task.hpp>

#include <cstdint>
#include <cstdio>
#include <string>

using namespace surge::literals;

namespace {

constexpr int machines = 2;
constexpr surge::duration wash_time = 5_min;
constexpr std::int64_t arrival_gap_min = 5;  // minutes between new cars: uniform 5..9
constexpr std::int64_t arrival_gap_max = 9;
constexpr surge::duration sim_time = 20_min;

struct carwash {
    explicit carwash(surge::simulation& s) : sim(s), machine(s, machines), dirt(s.stream("dirt")) {}
    surge::simulation& sim;
    surge::resource machine;
    surge::rng dirt;
    int washed = 0;
    std::int64_t dirt_removed = 0;  // percentage points, summed over the cars washed
};

void say(const surge::simulation& sim, const std::string& what) {
    std::printf("%6.2f min  %s\n", sim.now().seconds_f() / 60.0, what.c_str());
}

// A sub-routine of the car's process: returns the percentage of dirt removed.
surge::task<int> wash(carwash& site, std::string car) {
    co_await site.sim.delay(wash_time);
    const auto removed = static_cast<int>(surge::uniform_int(50, 99)(site.dirt));
    say(site.sim, "Carwash removed " + std::to_string(removed) + "% of " + car + "'s dirt.");
    co_return removed;
}

surge::process car(carwash& site, std::string name) {
    say(site.sim, name + " arrives at the carwash.");
    auto machine = co_await site.machine.acquire();  // released when the car leaves
    say(site.sim, name + " enters the carwash.");
    const int removed = co_await wash(site, name);
    say(site.sim, name + " leaves the carwash.");
    ++site.washed;
    site.dirt_removed += removed;
}

surge::process arrivals(carwash& site) {
    int next = 0;
    for (; next < 4; ++next) site.sim.spawn(car(site, "Car " + std::to_string(next)));
    surge::rng gaps = site.sim.stream("arrivals");
    const surge::uniform_int gap_min(arrival_gap_min, arrival_gap_max);
    for (;; ++next) {
        co_await site.sim.delay(surge::duration::minutes(gap_min(gaps)));
        site.sim.spawn(car(site, "Car " + std::to_string(next)));
    }
}

} // namespace

int main() {
    surge::simulation sim(/*seed=*/42);
    carwash site(sim);
    std::printf("Carwash (SimPy's example): %d machines, %d-minute washes, seed 42\n", machines,
                static_cast<int>(wash_time.count() / 60'000'000'000));
    sim.spawn(arrivals(site), "arrivals");
    sim.run_until(surge::time_point{} + sim_time);
    std::printf("After %d minutes: %d cars washed, %.1f %% of their dirt removed on average, %zu waiting\n",
                static_cast<int>(sim_time.count() / 60'000'000'000), site.washed,
                site.washed > 0 ? static_cast<double>(site.dirt_removed) / site.washed : 0.0,
                site.machine.queue_length());
    std::printf("trace hash: %s\n", sim.trace().hash_hex().c_str());
}
