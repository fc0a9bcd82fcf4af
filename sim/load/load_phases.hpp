// sim/load/load_phases.hpp — the "load" array: open phases (a rate, optionally ramping) and
// closed ones (clients that wait and think), their targets, priorities and payloads. Phases must
// start inside the run and be sorted by "at".
#pragma once

#include <sim/limits.hpp>
#include <sim/load/distributions.hpp>
#include <sim/load/json_values.hpp>
#include <sim/load/object_view.hpp>
#include <sim/load/unit_values.hpp>

#include <models/enum_names.hpp>
#include <models/params.hpp>

#include <surge/time.hpp>

#include <nlohmann/json.hpp>

#include <cstddef>
#include <limits>
#include <string>
#include <vector>

namespace surge::sim::load_detail {

using json = nlohmann::json;

/// Where a priority's weight sits in load_phase::priority_weights: that vector is indexed by the
/// enumerator's value (the producer draws an index and converts it back), not by any name order.
inline std::size_t weight_index(models::priority_class p) { return static_cast<std::size_t>(p); }

/// A priority name, or weights {"low": w, "normal": w, "high": w, "critical": w} (missing = 0).
inline std::vector<double> read_priority(const context& c, const json& j, const std::string& ptr) {
    std::vector<double> w(enum_names(models::priority_class{}).size(), 0.0);
    if (j.is_string()) {
        w[weight_index(read_enum<models::priority_class>(c, j, ptr))] = 1;
        return w;
    }
    if (!j.is_object())
        c.expected(ptr, "a priority (\"low\", \"normal\", \"high\", \"critical\") or weights like {\"normal\": 9, \"high\": 1}", j);
    const object_view o(c, j, ptr, models::names_of<models::priority_class>());
    double sum = 0;
    for (const auto& row : enum_names(models::priority_class{})) {
        double& weight = w[weight_index(row.value)];
        o.get(row.name, weight, number_range{0, std::numeric_limits<double>::infinity(), false, false});
        sum += weight;
    }
    if (!(sum > 0)) c.expected(ptr, "weights with at least one > 0", j);
    return w;
}

inline models::load_phase read_phase(const object_view& o, const models::scenario& sc) {
    const context& c = o.ctx();
    models::load_phase p;
    o.require("at");
    // When "duration" had an error (and errors are collected), any time inside the limit will do.
    p.at = read_time(c, o["at"], o.at("at"), c.unknown("/duration") ? limits::max_run_length : sc.length);
    o.get("for", p.length, duration_rule::positive);

    const bool closed = o.has("clients");
    p.type = closed ? models::load_phase::kind::closed : models::load_phase::kind::open;
    if (closed) {
        for (const char* key : {"rate", "ramp_to", "arrivals"})
            if (o.has(key))
                o.attempt([&] {
                    c.fail(o.at(key), std::string("'") + key + "' applies to open phases; a closed phase (one with \"clients\") "
                                      "has no rate: remove \"" + key + "\" or \"clients\"");
                });
        o.attempt([&] {
            p.clients = read_count(c, o["clients"], o.at("clients"), 1, limits::max_clients,
                                   "closed-phase clients, all phases together: one coroutine each");
        });
        get_dist(o, "think", p.think);
        o.get("requests", p.requests_per_client, 0);
    } else {
        for (const char* key : {"think", "requests"})
            if (o.has(key))
                o.attempt([&] {
                    c.fail(o.at(key), std::string("'") + key +
                                          "' applies to closed phases (with \"clients\"), not to open ones (with \"rate\")");
                });
        o.attempt([&] {
            o.require("rate", "an open phase needs \"rate\" (a closed phase has \"clients\" instead)");
            p.start_rate = read_rate(c, o["rate"], o.at("rate"), false);
        });
        if (o.has("ramp_to")) {
            if (o["ramp_to"].is_null()) p.end_rate.reset();
            else o.attempt([&] { p.end_rate = read_rate(c, o["ramp_to"], o.at("ramp_to"), false); });
        }
        o.get_enum("arrivals", p.spacing);
    }
    if (o.has("batch"))
        o.attempt([&] {
            p.batch = read_count(c, o["batch"], o.at("batch"), 1, limits::max_batch,
                                 "a phase's batch: notifications per request, carried in 32 bits");
        });
    o.get_enum("target", p.target);
    if (o.has("recipients") && !c.unknown(o.at("target")))
        o.attempt([&] {
            if (p.target != models::target_kind::users)
                c.fail(o.at("recipients"), "'recipients' applies to \"target\": \"users\" only");
            p.recipients = read_int(c, o["recipients"], o.at("recipients"), 1);
            if (p.recipients > sc.users.count && !c.unknown("/users/count"))
                c.expected(o.at("recipients"), "an integer between 1 and users.count (" + std::to_string(sc.users.count) + ")",
                           o["recipients"]);
        });
    if (o.has("priority")) o.attempt([&] { p.priority_weights = read_priority(c, o["priority"], o.at("priority")); });
    get_size_dist(o, "payload", p.payload);
    return p;
}

inline std::vector<models::load_phase> read_load(const context& c, const json& j, const std::string& ptr,
                                                 const models::scenario& sc) {
    if (!j.is_array() || j.empty()) c.expected(ptr, "a non-empty array of load phases", j);
    if (j.size() > limits::max_phases)
        c.fail(ptr, "expected at most " + std::to_string(limits::max_phases) + " load phases (the limit on phases: one " +
                        "process each; see \"Limits\" in docs/scenarios.md), found " + std::to_string(j.size()));
    std::vector<models::load_phase> phases;
    std::int64_t clients = 0;  // closed-phase clients so far, all phases together
    const std::vector<std::string> keys{"at", "for", "rate", "ramp_to", "arrivals", "clients", "think", "requests",
                                        "batch", "target", "recipients", "priority", "payload"};
    const models::load_phase* previous = nullptr;  // the last phase read (a bad one is skipped)
    phases.reserve(j.size());
    for (std::size_t i = 0; i < j.size(); ++i)
        c.attempt([&] {
            const object_view o(c, j[i], ptr + "/" + std::to_string(i), keys, "a load phase object");
            const models::load_phase p = read_phase(o, sc);
            clients += p.clients;  // each <= max_clients: no overflow
            if (clients > limits::max_clients)
                c.expected(o.at("clients"), "clients adding up to at most " + std::to_string(limits::max_clients) +
                                                " over all phases (the limit on closed-phase clients, all phases together: "
                                                "one coroutine each; see \"Limits\" in docs/scenarios.md)",
                           o["clients"]);
            if (previous != nullptr && p.at < previous->at)
                c.fail(o.at("at"), "phases must be sorted by \"at\": " + surge::to_string(p.at.since_start()) +
                                       " comes before the previous phase's " + surge::to_string(previous->at.since_start()));
            phases.push_back(p);
            previous = &phases.back();
        });
    return phases;
}

} // namespace surge::sim::load_detail
