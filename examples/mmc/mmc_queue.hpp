// examples/mmc/mmc_queue.hpp — a G/G/c queue built from kernel parts (a resource for the servers,
// one process per customer), and the Erlang C formula: the engine of the surge-mmc example, the
// subject of the kernel's theory tests, and the reference the notification server model's
// fidelity test compares with. Generic queueing, so not among the notification models.
#pragma once

#include <surge/random.hpp>
#include <surge/resource.hpp>
#include <surge/simulation.hpp>
#include <surge/stats.hpp>

#include <cstdint>
#include <functional>

namespace mmc {

struct queue_result {
    double mean_wait_s = 0;      // time in queue, before service starts
    double mean_sojourn_s = 0;   // wait + service
    double mean_in_queue = 0;    // time-weighted number waiting
    double arrival_rate = 0;     // measured customers per second
    std::uint64_t customers = 0;
    std::uint64_t trace_hash = 0;
};

/// Runs `customers` arrivals with exponential interarrival times (rate lambda per second) and
/// service times drawn by `service(rng&)` in seconds, on `servers` FIFO servers.
inline queue_result run_queue(std::uint64_t seed, int servers, double lambda,
                              const std::function<double(surge::rng&)>& service, std::uint64_t customers) {
    surge::simulation sim(seed);
    surge::resource cpu(sim, servers);
    surge::tally wait, sojourn;
    surge::time_weighted in_queue;
    surge::rng arrivals = sim.stream("arrivals");
    surge::rng services = sim.stream("service");
    const surge::exponential gap(1.0 / lambda);

    struct customer {
        static surge::process run(surge::simulation& sim, surge::resource& cpu, surge::duration cost,
                                  surge::tally& wait, surge::tally& sojourn, surge::time_weighted& in_queue) {
            const surge::time_point arrived = sim.now();
            in_queue.add(sim.now(), 1);
            auto slot = co_await cpu.acquire();
            in_queue.add(sim.now(), -1);
            wait.add((sim.now() - arrived).seconds_f());
            co_await sim.delay(cost);
            sojourn.add((sim.now() - arrived).seconds_f());
        }
    };
    auto source = [&]() -> surge::process {
        for (std::uint64_t i = 0; i < customers; ++i) {
            co_await sim.delay(surge::sample_duration(gap, arrivals));
            const surge::duration cost = surge::duration::from_seconds(service(services));
            sim.spawn(customer::run(sim, cpu, cost, wait, sojourn, in_queue));
        }
    };
    sim.spawn(source(), "source");
    sim.run();
    queue_result r;
    r.mean_wait_s = wait.mean();
    r.mean_sojourn_s = sojourn.mean();
    r.mean_in_queue = in_queue.mean(sim.now());
    r.arrival_rate = static_cast<double>(customers) / sim.now().seconds_f();
    r.customers = wait.count();
    r.trace_hash = sim.trace_hash();
    return r;
}

/// Erlang C: probability that an arrival waits in an M/M/c queue with offered load a = lambda/mu.
inline double erlang_c(int c, double a) {
    double term = 1.0, sum = 1.0;  // sum_{k<c} a^k/k!
    for (int k = 1; k < c; ++k) {
        term *= a / k;
        sum += term;
    }
    const double last = term * a / c;  // a^c / c!
    const double rho = a / c;
    const double top = last / (1.0 - rho);
    return top / (sum + top);
}

/// Mean wait in queue of M/M/c.
inline double mmc_wait(int c, double lambda, double mu) {
    return erlang_c(c, lambda / mu) / (c * mu - lambda);
}

} // namespace mmc
