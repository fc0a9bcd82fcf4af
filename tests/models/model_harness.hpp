// Shared by the model suites (tests/models/test_{database,degradation,links,offline,server,users,
// producer}.cpp and tests/sim/test_faults.cpp): a scenario in which every time is a constant, so that the expected times
// of a run can be written down by hand, and a harness that runs a notification_system on a
// simulation while capturing the model trace (deliveries, connects, operations) as records.
#pragma once

#include <models/notification_system.hpp>

#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace surge::model_test {

namespace m = surge::models;
using namespace surge::literals;

/// Every time a constant: handshake 20 ms, one-way latency 10 ms, one worker, 500 us per
/// notification, 20 us per emit, 1 ms per connect, one 3 ms query per notification, opening a DB
/// connection free. Users connect at t = 0 and stay online. No load: tests add phases.
inline m::scenario exact_scenario(std::int64_t users = 1) {
    m::scenario sc;
    sc.name = "exact";
    sc.length = 10_s;
    sc.users.count = users;
    sc.links.handshake = m::duration_dist::fixed(20_ms);
    sc.links.latency = m::duration_dist::fixed(10_ms);
    sc.server.workers = 1;
    sc.server.cost_per_notification = m::duration_dist::fixed(500_us);
    sc.server.cost_per_message = m::duration_dist::fixed(20_us);
    sc.server.cost_per_connect = m::duration_dist::fixed(1_ms);
    sc.server.cost_per_client_message = m::duration_dist::fixed(200_us);
    sc.server.queries_per_notification = 1;
    sc.database.query = m::duration_dist::fixed(3_ms);
    sc.database.connect = m::duration_dist::fixed(0_s);
    return sc;
}

/// An open phase with evenly spaced arrivals: the k-th request at `at` + k / rate (k >= 1).
inline m::load_phase uniform_phase(double per_second, time_point at = {}, std::optional<duration> length = {}) {
    m::load_phase ph;
    ph.type = m::load_phase::kind::open;
    ph.start_rate = m::rate{per_second};
    ph.spacing = m::load_phase::arrivals::uniform;
    ph.at = at;
    ph.length = length;
    return ph;
}

/// `clients` requests submitted together at `at` (a closed phase, one request per client).
inline m::load_phase burst_phase(std::int64_t clients, time_point at, m::target_kind target = m::target_kind::user,
                                 std::int64_t batch = 1) {
    m::load_phase ph;
    ph.type = m::load_phase::kind::closed;
    ph.at = at;
    ph.clients = clients;
    ph.requests_per_client = 1;
    ph.target = target;
    ph.batch = batch;
    return ph;
}

inline time_point at(duration d) { return time_point{} + d; }

/// One model record of the trace: {"t":ns,"kind":"...","entity":n,"a":n,"b":n}.
struct record {
    std::int64_t t = 0;
    std::string kind;
    std::uint64_t entity = 0;
    std::int64_t a = 0, b = 0;
};

/// A notification system on its own simulation, its model trace captured.
class harness {
public:
    explicit harness(const m::scenario& sc, std::uint64_t seed = 1) : sc_(sc), sim(seed), sys(sim, sc) {
        sim.trace().write_to(&out_);
        sys.start();
    }
    harness(const harness&) = delete;
    harness& operator=(const harness&) = delete;
    ~harness() { sim.trace().write_to(nullptr); }

    void run_until(duration d) { sim.run_until(at(d)); }
    /// Runs the load part, ends it, then the drain part (as sim::run does).
    void finish() {
        sim.run_until(at(sc_.length));
        sys.end_load();
        sim.run_until(at(sc_.length + sc_.drain));
    }

    [[nodiscard]] m::recorder& rec() { return sys.record(); }
    [[nodiscard]] double metric(const char* name) const {
        const auto v = sys.metrics().get(name);
        BOOST_TEST_REQUIRE(v.has_value(), "metric " << name << " missing");
        return *v;
    }
    [[nodiscard]] bool has_metric(const char* name) const { return sys.metrics().get(name).has_value(); }

    /// The model records of this kind, in trace order.
    [[nodiscard]] std::vector<record> records(std::string_view kind) const {
        std::vector<record> r;
        std::istringstream in(out_.str());
        std::string line;
        char k[64];
        while (std::getline(in, line)) {
            record x;
            long long t = 0, a = 0, b = 0;
            unsigned long long e = 0;
            if (std::sscanf(line.c_str(), "{\"t\":%lld,\"kind\":\"%63[^\"]\",\"entity\":%llu,\"a\":%lld,\"b\":%lld}", &t, k,
                            &e, &a, &b) != 5)
                continue;
            if (kind != k) continue;
            x.t = t;
            x.kind = k;
            x.entity = e;
            x.a = a;
            x.b = b;
            r.push_back(x);
        }
        return r;
    }

private:
    m::scenario sc_;
    std::ostringstream out_;

public:
    surge::simulation sim;
    m::notification_system sys;
};

constexpr std::int64_t ns(duration d) { return d.count(); }
constexpr std::int64_t ns(time_point t) { return t.count(); }

} // namespace surge::model_test
