// examples/machine_shop/machine_shop.cpp — SimPy's "Machine Shop" example written with surge: ten
// machines make parts (normal 10 +- 2 minutes each) and break down now and then (exponential,
// mean 300 minutes apart). A repairman fixes them (30 minutes) and, when no machine needs him,
// works on other jobs of 30 minutes, which a broken machine preempts. Four weeks.
//
// SimPy uses a PreemptiveResource for the repairman; surge's resource does not preempt, so the
// preemption is spelled out: a machine that needs the repairman interrupts the other job he is
// doing (surge::interrupted in that process), and the other job goes back to the queue behind
// the machines (lower priority) with the time it has left.
#include <surge/resource.hpp>
#include <surge/simulation.hpp>
#include <surge/task.hpp>

#include <array>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>

using namespace surge::literals;

namespace {

constexpr int machines = 10;
constexpr double part_time_mean_min = 10.0;
constexpr double part_time_sigma_min = 2.0;
constexpr double mean_time_to_failure_min = 300.0;
constexpr surge::duration repair_time = 30_min;
constexpr surge::duration other_job_duration = 30_min;
constexpr int weeks = 4;
constexpr std::int32_t machine_priority = 1;  // lower is served first
constexpr std::int32_t other_job_priority = 2;

struct machine {
    std::string name;
    surge::process working;
    bool broken = false;
    std::uint64_t parts_made = 0;
    std::uint64_t repairs = 0;
};

struct shop {
    explicit shop(surge::simulation& s) : sim(s), repairman(s, 1, surge::resource::discipline::priority) {}
    surge::simulation& sim;
    surge::resource repairman;
    surge::process other_jobs;
    bool other_job_in_progress = false;  // the repairman is doing an other job (it can be preempted)
    std::uint64_t other_jobs_done = 0;
    std::array<machine, machines> m;
};

// A machine's repair, a sub-routine of its working process: preempt the other job, if any, then
// wait for the repairman and be repaired.
surge::task<> repair(shop& s, machine& m) {
    if (s.other_job_in_progress) {
        s.other_job_in_progress = false;
        s.other_jobs.interrupt("a machine broke");
    }
    auto repairman = co_await s.repairman.acquire(machine_priority);
    co_await s.sim.delay(repair_time);
    ++m.repairs;
}

surge::process working(shop& s, machine& m) {
    surge::rng draws = s.sim.stream(m.name + "/parts");
    const surge::normal part_time(60.0 * part_time_mean_min, 60.0 * part_time_sigma_min);
    for (;;) {
        surge::duration left = surge::sample_duration(part_time, draws);
        while (left > surge::duration::zero()) {
            const surge::time_point start = s.sim.now();
            bool broke = false;
            try {
                co_await s.sim.delay(left);
                left = surge::duration::zero();
            } catch (const surge::interrupted&) {
                broke = true;
                left = left - (s.sim.now() - start);
            }
            if (broke) {  // (no co_await inside a catch block)
                m.broken = true;
                co_await repair(s, m);
                m.broken = false;
            }
        }
        ++m.parts_made;
    }
}

surge::process failures(shop& s, machine& m) {
    surge::rng draws = s.sim.stream(m.name + "/failures");
    const surge::exponential time_to_failure(60.0 * mean_time_to_failure_min);
    for (;;) {
        co_await s.sim.delay(surge::sample_duration(time_to_failure, draws));
        if (!m.broken) m.working.interrupt("failure");
    }
}

surge::process other_jobs(shop& s) {
    for (;;) {
        surge::duration left = other_job_duration;
        while (left > surge::duration::zero()) {
            std::optional<surge::time_point> started;
            try {
                auto repairman = co_await s.repairman.acquire(other_job_priority);
                s.other_job_in_progress = true;
                started = s.sim.now();
                co_await s.sim.delay(left);
                left = surge::duration::zero();
                s.other_job_in_progress = false;
            } catch (const surge::interrupted&) {
                // Preempted: the repairman is given up (his slot left scope), the job goes on later.
                // (An interrupt that came just as the job ended is raised at the next wait for
                // him instead: nothing was started then, and the job simply queues again.)
                if (started) left = left - (s.sim.now() - *started);
            }
        }
        ++s.other_jobs_done;
    }
}

} // namespace

int main() {
    surge::simulation sim(/*seed=*/42);
    shop s(sim);
    for (int i = 0; i < machines; ++i) {
        machine& m = s.m[static_cast<std::size_t>(i)];
        m.name = "Machine " + std::to_string(i);
        m.working = sim.spawn(working(s, m), m.name);
        sim.spawn(failures(s, m), m.name + " failures");
    }
    s.other_jobs = sim.spawn(other_jobs(s), "other jobs");
    sim.run_until(surge::time_point{} + surge::duration::hours(24 * 7 * weeks));

    std::printf("Machine shop results after %d weeks (SimPy's example, seed 42)\n", weeks);
    std::uint64_t parts = 0, repairs = 0;
    for (const machine& m : s.m) {
        std::printf("%s made %llu parts, was repaired %llu times.\n", m.name.c_str(),
                    static_cast<unsigned long long>(m.parts_made), static_cast<unsigned long long>(m.repairs));
        parts += m.parts_made;
        repairs += m.repairs;
    }
    std::printf("In all: %llu parts, %llu repairs, %llu other jobs done by the repairman\n",
                static_cast<unsigned long long>(parts), static_cast<unsigned long long>(repairs),
                static_cast<unsigned long long>(s.other_jobs_done));
    std::printf("trace hash: %s\n", sim.trace().hash_hex().c_str());
}
