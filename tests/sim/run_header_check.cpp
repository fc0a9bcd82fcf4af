// sim/run.hpp on its own: a program that includes only it and calls sim::run() must compile and
// link (run() is defined in sim/system.hpp, which run.hpp includes at its end). Built as its own
// executable because inside surge_sim_tests another translation unit would supply the definition.
#include <sim/run.hpp>

#include <cstdio>

int main() {
    using namespace surge::literals;
    surge::models::scenario sc;
    sc.name = "run-header-alone";
    sc.length = 2_s;
    sc.users.count = 5;
    sc.load.push_back(surge::models::load_phase{});  // 10/s open load to one user at a time
    const surge::sim::run_result r = surge::sim::run(sc);
    std::printf("completed %d, events %llu, metrics %zu\n", r.completed ? 1 : 0, static_cast<unsigned long long>(r.events),
                r.metrics.size());
    return r.completed && r.events > 0 && r.metrics.size() > 0 ? 0 : 1;
}
