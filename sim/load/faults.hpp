// sim/load/faults.hpp — one entry of the "faults" timeline: its kind, when, for how long, and the
// fields of that kind only (a field of another kind is an error naming the kinds it belongs to).
#pragma once

#include <sim/limits.hpp>
#include <sim/load/json_values.hpp>
#include <sim/load/object_view.hpp>
#include <sim/load/unit_values.hpp>

#include <models/enum_names.hpp>
#include <models/params.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

namespace surge::sim::load_detail {

using json = nlohmann::json;

inline models::fault read_fault(const context& c, const json& j, const std::string& ptr, const models::scenario& sc) {
    using kind = models::fault::kind;
    // Which kinds each kind-specific field belongs to.
    const std::vector<std::pair<std::string, std::vector<kind>>> owners{
        {"factor", {kind::db_slowdown, kind::latency_spike}},
        {"extra", {kind::latency_spike}},
        {"fraction", {kind::disconnect_storm}},
        {"silent", {kind::disconnect_storm}},
        {"workers", {kind::worker_loss}},
        {"error_after", {kind::db_outage}},
    };
    std::vector<std::string> keys{"at", "for", "kind"};
    for (const auto& [key, kinds] : owners) keys.push_back(key);
    const object_view o(c, j, ptr, keys, "a fault object");
    o.require("kind", "one of " + join_quoted(models::names_of<kind>()));
    models::fault f;
    f.type = read_enum<kind>(c, o["kind"], o.at("kind"));
    const std::string kind_name(models::name_of(f.type));
    for (const auto& [key, kinds] : owners) {
        if (!o.has(key) || std::find(kinds.begin(), kinds.end(), f.type) != kinds.end()) continue;
        std::vector<std::string> names;
        for (kind k : kinds) names.emplace_back(models::name_of(k));
        // A named copy: clang 14 cannot capture a structured binding in a lambda (C++20 allows it).
        const std::string name = key;
        o.attempt([&] { c.fail(o.at(name), "'" + name + "' applies to " + join(names, " and ") + ", not " + kind_name); });
    }
    o.attempt([&] {
        o.require("at");
        // When "duration" had an error (and errors are collected), any time inside the limit will do.
        f.at = read_time(c, o["at"], o.at("at"), c.unknown("/duration") ? limits::max_run_length : sc.length);
    });
    if (f.type == kind::disconnect_storm) {
        if (o.has("for"))
            o.attempt([&] { c.fail(o.at("for"), "'for' does not apply to disconnect_storm (the storm is an instant)"); });
        f.length = duration::zero();
    } else {
        o.get("for", f.length, duration_rule::positive);
    }
    // A latency spike given only "extra" adds latency without also multiplying it.
    if (f.type == kind::latency_spike && !o.has("factor")) f.factor = o.has("extra") ? 1.0 : f.factor;
    o.get("factor", f.factor, positive_number);
    o.get("extra", f.extra);
    o.get("fraction", f.fraction, unit_interval);
    o.get("silent", f.silent);
    o.get("workers", f.workers, 1);
    if (f.workers > sc.server.workers && !c.unknown("/server/workers"))
        o.attempt([&] {
            c.expected(o.at("workers"), "an integer between 1 and server.workers (" + std::to_string(sc.server.workers) + ")",
                       o["workers"]);
        });
    o.get("error_after", f.error_after);
    return f;
}

/// The "faults" array: at most limits::max_faults entries.
inline std::vector<models::fault> read_faults(const context& c, const json& j, const std::string& ptr,
                                              const models::scenario& sc) {
    if (!j.is_array()) c.expected(ptr, "an array of faults", j);
    if (j.size() > limits::max_faults)
        c.fail(ptr, "expected at most " + std::to_string(limits::max_faults) + " faults (the limit on faults: a timer pair " +
                        "each; see \"Limits\" in docs/scenarios.md), found " + std::to_string(j.size()));
    std::vector<models::fault> faults;
    faults.reserve(j.size());
    for (std::size_t i = 0; i < j.size(); ++i)
        c.attempt([&] { faults.push_back(read_fault(c, j[i], ptr + "/" + std::to_string(i), sc)); });
    return faults;
}

} // namespace surge::sim::load_detail
