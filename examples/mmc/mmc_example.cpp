// surge-mmc — an M/M/c queue simulated in virtual time, its measured mean wait printed next to the
// Erlang C value. CTest's example.mmc_trace_hash holds its trace hash for one input.
//   surge-mmc [servers=4] [arrivals_per_s=3] [service_per_s=1] [customers=1000000] [seed=1]
#include "mmc_queue.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {
bool parse(const char* text, double& out) {
    char* end = nullptr;
    out = std::strtod(text, &end);
    return end != text && *end == '\0' && std::isfinite(out);
}
} // namespace

int main(int argc, char** argv) {
    double v[5] = {4, 3, 1, 1'000'000, 1};
    const char* names[5] = {"servers", "arrivals_per_s", "service_per_s", "customers", "seed"};
    if (argc > 6) {
        std::fprintf(stderr, "usage: surge-mmc [servers] [arrivals_per_s] [service_per_s] [customers] [seed]\n");
        return 2;
    }
    for (int i = 1; i < argc; ++i) {
        if (!parse(argv[i], v[i - 1]) || v[i - 1] <= 0) {
            std::fprintf(stderr, "surge-mmc: argument %d (%s) must be a positive number, got \"%s\"\n", i, names[i - 1], argv[i]);
            return 2;
        }
    }
    const int c = static_cast<int>(v[0]);
    const double lambda = v[1], mu = v[2];
    if (lambda >= c * mu) {
        std::fprintf(stderr, "surge-mmc: the queue is unstable: arrivals %.3g/s >= capacity %d x %.3g/s\n", lambda, c, mu);
        return 2;
    }
    const auto customers = static_cast<std::uint64_t>(v[3]);
    const auto seed = static_cast<std::uint64_t>(v[4]);

    const auto wall0 = std::chrono::steady_clock::now();
    const surge::exponential service(1.0 / mu);
    const auto r = mmc::run_queue(seed, c, lambda, [&](surge::rng& g) { return service(g); }, customers);
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();

    const double theory = mmc::mmc_wait(c, lambda, mu);
    std::printf("M/M/%d queue, arrivals %.4g/s, service %.4g/s per server, utilisation %.3f, seed %llu\n", c, lambda, mu,
                lambda / (c * mu), static_cast<unsigned long long>(seed));
    std::printf("  customers served         %llu\n", static_cast<unsigned long long>(r.customers));
    std::printf("  mean wait, simulated     %.6f s\n", r.mean_wait_s);
    std::printf("  mean wait, Erlang C      %.6f s\n", theory);
    std::printf("  relative difference      %+.2f %%\n", 100.0 * (r.mean_wait_s - theory) / theory);
    std::printf("  Little's law  L=%.4f  lambda*W=%.4f\n", r.mean_in_queue, r.arrival_rate * r.mean_wait_s);
    std::printf("  trace hash               %s\n", surge::to_hex(r.trace_hash).c_str());
    std::printf("  wall time                %.3f s\n", wall);
    return 0;
}
