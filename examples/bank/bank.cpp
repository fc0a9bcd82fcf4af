// examples/bank/bank.cpp — SimPy's "Bank Renege" example written with surge: customers arrive at a
// bank with one counter (exponential gaps, mean 10 minutes), wait for it at most a patience drawn
// uniformly from 1 to 3 minutes, and leave if it runs out (renege); served ones stay an
// exponential time with mean 12 minutes.
//
// Then a check against theory: with unlimited patience the bank is an M/M/1 queue, whose mean
// wait in queue is rho / (mu - lambda). A busier bank (a customer every 10 s, 5 s of service:
// rho = 0.5) with 200 000 customers must come within 5 % of it.
#include <surge/resource.hpp>
#include <surge/simulation.hpp>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>

using namespace surge::literals;

namespace {

double minutes(surge::duration d) { return d.seconds_f() / 60.0; }
double minutes(surge::time_point t) { return t.seconds_f() / 60.0; }
surge::duration from_minutes(double m) { return surge::duration::from_seconds(60.0 * m); }

struct bank {
    explicit bank(surge::simulation& s) : sim(s), counter(s, 1) {}
    surge::simulation& sim;
    surge::resource counter;
    bool tell = true;  // print each customer's story
    std::uint64_t served = 0;
    std::uint64_t reneged = 0;
    double total_wait_min = 0;  // of the served customers
};

void say(const bank& b, const std::string& what) {
    if (b.tell) std::printf("%7.4f min  %s\n", minutes(b.sim.now()), what.c_str());
}

std::string two_decimals(double x) {
    char text[32];
    std::snprintf(text, sizeof text, "%.2f", x);
    return text;
}

// `patience`: how long the customer waits for the counter at most; none: for ever.
surge::process customer(bank& b, std::string name, std::optional<surge::duration> patience, double mean_service_s) {
    surge::rng draws = b.sim.stream(name);  // the customer's own stream: adding customers shifts no one
    const surge::time_point arrived = b.sim.now();
    say(b, name + ": Here I am");
    surge::resource::slot slot;
    if (patience) slot = co_await b.counter.acquire_for(*patience);
    else slot = co_await b.counter.acquire();
    const surge::duration waited = b.sim.now() - arrived;
    if (!slot) {
        ++b.reneged;
        say(b, name + ": RENEGED after " + two_decimals(minutes(waited)) + " min");
        co_return;
    }
    ++b.served;
    b.total_wait_min += minutes(waited);
    say(b, name + ": Waited " + two_decimals(minutes(waited)) + " min");
    co_await b.sim.delay(surge::sample_duration(surge::exponential(mean_service_s), draws));
    say(b, name + ": Finished");
}

struct arrivals_plan {
    std::uint64_t customers;
    double mean_gap_s;
    double mean_service_s;
    bool impatient;
};

surge::process source(bank& b, arrivals_plan plan) {
    surge::rng gaps = b.sim.stream("arrivals");
    surge::rng patience = b.sim.stream("patience");
    const surge::exponential gap(plan.mean_gap_s);
    const surge::uniform_real patience_min(1.0, 3.0);
    char name[32];
    for (std::uint64_t i = 0; i < plan.customers; ++i) {
        std::snprintf(name, sizeof name, "Customer%02llu", static_cast<unsigned long long>(i));
        std::optional<surge::duration> limit;
        if (plan.impatient) limit = from_minutes(patience_min(patience));
        b.sim.spawn(customer(b, name, limit, plan.mean_service_s), name);
        co_await b.sim.delay(surge::sample_duration(gap, gaps));
    }
}

} // namespace

int main() {
    {
        std::printf("Bank renege (SimPy's example): 5 customers, one counter, patience 1 to 3 min, seed 42\n");
        surge::simulation sim(/*seed=*/42);
        bank b(sim);
        sim.spawn(source(b, {5, 600.0, 720.0, true}), "source");
        sim.run();
        std::printf("served %llu, reneged %llu, trace hash %s\n", static_cast<unsigned long long>(b.served),
                    static_cast<unsigned long long>(b.reneged), sim.trace().hash_hex().c_str());
    }
    {
        const double lambda = 1.0 / 10.0, mu = 1.0 / 5.0;  // per second: rho = 0.5
        const double theory = (lambda / mu) / (mu - lambda);  // seconds
        surge::simulation sim(/*seed=*/42);
        bank b(sim);
        b.tell = false;
        sim.spawn(source(b, {200'000, 1.0 / lambda, 1.0 / mu, false}), "source");
        sim.run();
        const double wait = 60.0 * b.total_wait_min / static_cast<double>(b.served);
        const double diff = (wait - theory) / theory;
        std::printf("M/M/1 check (200000 customers 10 s apart, 5 s of service, unlimited patience): mean wait "
                    "%.3f s, theory %.3f s, difference %+.2f %%, within 5 %%: %s\n",
                    wait, theory, 100.0 * diff, std::abs(diff) <= 0.05 ? "yes" : "NO");
        std::printf("trace hash %s\n", sim.trace().hash_hex().c_str());
    }
}
