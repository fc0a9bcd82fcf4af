// sim/load/run_timing.hpp — the run's clock: "duration", "drain" and "sample_interval", held to
// what the event queue can reach and to a bounded number of samples (sim/limits.hpp).
#pragma once

#include <sim/limits.hpp>
#include <sim/load/object_view.hpp>
#include <sim/load/unit_values.hpp>

#include <models/params.hpp>

#include <surge/time.hpp>

#include <cstdint>
#include <string>

namespace surge::sim::load_detail {

using namespace surge::literals;

inline std::string run_length_limit_text() {
    static_assert(limits::max_run_length == 4800_h, "the text below names the limit");
    return "4800h = 200 days (the limit on a run's virtual time: the event queue reaches 2^55 ns, about 417 days, and a "
           "run leaves room for what it schedules past its end; see \"Limits\" in docs/scenarios.md)";
}

/// Reads duration (required), drain and sample_interval into `sc`. Each of duration and drain is
/// checked against the limit before they are added, so their sum cannot overflow.
inline void read_run_timing(const object_view& o, models::scenario& sc) {
    const context& c = o.ctx();
    o.attempt([&] {
        o.require("duration", "how much virtual time to simulate, e.g. \"120s\"");
        const duration length = read_duration(c, o["duration"], o.at("duration"), duration_rule::positive);
        if (length > limits::max_run_length)
            c.expected(o.at("duration"), "a duration <= " + run_length_limit_text(), o["duration"]);
        sc.length = length;
    });
    o.get("sample_interval", sc.sample_interval, duration_rule::positive);
    o.get("drain", sc.drain);
    if (c.unknown(o.at("duration"))) return;  // errors are being collected: nothing to check against
    if (sc.drain > limits::max_run_length || sc.length + sc.drain > limits::max_run_length)
        c.expected(o.at("drain"), "a drain with duration + drain <= " + run_length_limit_text(), o["drain"]);
    const std::int64_t samples = (sc.length + sc.drain) / sc.sample_interval;
    if (samples > limits::max_samples) {
        const std::string where = o.has("sample_interval") ? o.at("sample_interval") : o.at("duration");
        c.fail(where, "(duration + drain) / sample_interval is " + std::to_string(samples) + " samples of the memory " +
                          "series, above the limit of " + std::to_string(limits::max_samples) +
                          " (one event and 16 bytes each; see \"Limits\" in docs/scenarios.md): raise sample_interval to at least " +
                          surge::to_string((sc.length + sc.drain) / limits::max_samples + duration::nanoseconds(1)));
    }
}

} // namespace surge::sim::load_detail
