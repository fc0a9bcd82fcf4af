#include <surge/resource.hpp>
#include <surge/simulation.hpp>

#include <cstdio>
#include <string>

using namespace surge::literals;

struct message {
    surge::duration cost;
};

// Sends a message about every millisecond (exponential gaps, its own random stream).
surge::process producer(surge::simulation& sim, surge::store<message>& inbox) {
    surge::rng gaps = sim.stream("producer");
    const surge::exponential gap(/*mean, s=*/0.001);
    for (;;) {
        co_await sim.delay(surge::sample_duration(gap, gaps));
        co_await inbox.put(message{1500_us});  // waits while the inbox is full
    }
}

surge::process consumer(surge::simulation& sim, surge::store<message>& inbox, surge::resource& cpu, int& handled) {
    for (;;) {
        message m = co_await inbox.get();
        auto slot = co_await cpu.acquire();  // released when `slot` leaves scope
        co_await sim.delay(m.cost);
        ++handled;
    }
}

int main() {
    surge::simulation sim(/*seed=*/42);
    surge::store<message> inbox(sim, 256);
    surge::resource cpu(sim, 2);
    int handled = 0;
    sim.spawn(producer(sim, inbox), "producer");
    for (int i = 1; i <= 4; ++i) sim.spawn(consumer(sim, inbox, cpu, handled), "consumer-" + std::to_string(i));
    sim.run_until(surge::time_point{} + 10_s);
    std::printf("messages handled: %d, left in the inbox: %zu\n", handled, inbox.size());
    std::printf("trace hash: %s\n", sim.trace().hash_hex().c_str());
}
