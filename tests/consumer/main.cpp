// Builds against the installed headers: a process, a resource and the trace hash.
#include <surge/resource.hpp>
#include <surge/simulation.hpp>

#include <cstdio>

using namespace surge::literals;

static surge::process job(surge::simulation& sim, surge::resource& cpu) {
    auto slot = co_await cpu.acquire();
    co_await sim.delay(5_ms);
}

int main() {
    surge::simulation sim(7);
    surge::resource cpu(sim, 1);
    for (int i = 0; i < 3; ++i) sim.spawn(job(sim, cpu));
    sim.run();
    std::printf("t=%s hash=%s\n", surge::to_string(sim.now()).c_str(), sim.trace().hash_hex().c_str());
    return sim.now() == surge::time_point::from_ns(15'000'000) ? 0 : 1;
}
