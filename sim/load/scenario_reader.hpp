// sim/load/scenario_reader.hpp — the whole document: the top-level keys, then each section in the
// order that lets later sections check against earlier ones (load and faults refer to users.count
// and server.workers), then the thresholds. "protocol" is allowed but not read here: it is the live
// replay's section, which sim/load.hpp carries raw for the tool (tools/replay/protocol_section.hpp).
// Every key is read in its own context::attempt, so that surge validate can report all of a
// file's errors (a bad key keeps its default; reading goes on with the next key).
#pragma once

#include <sim/load/faults.hpp>
#include <sim/load/json_text.hpp>
#include <sim/load/json_values.hpp>
#include <sim/load/load_phases.hpp>
#include <sim/load/object_view.hpp>
#include <sim/load/run_timing.hpp>
#include <sim/load/service_sections.hpp>
#include <sim/load/thresholds.hpp>
#include <sim/load/unit_values.hpp>
#include <sim/threshold.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace surge::sim::load_detail {

using json = nlohmann::json;

inline scenario read_scenario(const context& c, const json& doc) {
    if (!doc.is_object()) c.fail("", "expected a JSON object (a scenario) at the top level, found " + show(doc));
    const object_view o(c, doc, "",
                        {"$schema", "name", "description", "duration", "seed", "sample_interval", "drain", "users",
                         "links", "server", "offline_queue", "database", "load", "degradation", "faults", "memory",
                         "thresholds", "protocol"});
    scenario sc;
    // Each key is one attempt: when errors are collected (surge validate), a bad key is recorded
    // and the next one is read; a later check against a key that failed sees that key's default.
    if (o.has("$schema")) o.attempt([&] { (void)read_string(c, o["$schema"], o.at("$schema")); });
    o.attempt([&] {
        o.require("name", "a scenario needs a name");
        sc.name = read_string(c, o["name"], o.at("name"));
        if (sc.name.empty()) c.expected(o.at("name"), "a non-empty string", o["name"]);
    });
    if (o.has("description")) o.attempt([&] { sc.description = read_string(c, o["description"], o.at("description")); });
    o.attempt([&] { read_run_timing(o, sc); });
    if (o.has("seed"))
        o.attempt([&] {
            const json& s = o["seed"];
            if (!s.is_number_integer() || (!s.is_number_unsigned() && s.get<std::int64_t>() < 0))
                c.expected(o.at("seed"), "an integer between 0 and 18446744073709551615", s);
            sc.seed = s.get<std::uint64_t>();
        });

    // Sections the load and faults refer to (users.count, server.workers) come first.
    const auto section = [&](std::string_view key, auto read) {
        if (o.has(key)) o.attempt(read);
    };
    section("users", [&] {
        sc.users = read_users(o.object("users", {"count", "connect", "online", "offline", "reconnect", "messages", "message_size"}));
    });
    section("links", [&] {
        sc.links = read_links(o.object("links", {"handshake", "latency", "bandwidth", "loss", "retransmit", "connect_failure",
                                                 "connect_timeout", "drops", "ping_interval", "ping_timeout", "slow"}));
    });
    section("server", [&] {
        sc.server = read_server(o.object("server", {"workers", "concurrency", "cost_per_notification", "cost_per_message", "cost_per_connect",
                                                    "cost_per_client_message", "queue_capacity", "send_buffer",
                                                    "slow_consumer", "max_connections", "queries"}));
    });
    section("offline_queue", [&] {
        sc.offline_queue = read_offline_queue(o.object("offline_queue", {"enabled", "max_messages", "ttl", "drop"}));
    });
    section("database", [&] {
        sc.database = read_database(o.object("database", {"pool_size", "max_overflow", "checkout_timeout", "connect", "query",
                                                          "query_timeout"}));
    });
    section("degradation", [&] {
        sc.degradation = read_degradation(o.object("degradation", {"shedding", "rate_limit", "circuit_breaker", "retry",
                                                                   "request_timeout"}));
    });
    section("memory", [&] {
        sc.memory = read_memory(o.object("memory", {"per_connection", "per_notification", "per_queued_message",
                                                    "per_buffered_message", "per_request"}));
    });
    o.attempt([&] {
        o.require("load", "a scenario needs at least one load phase, e.g. [{\"at\": \"0s\", \"rate\": \"100/s\"}]");
        sc.load = read_load(c, o["load"], o.at("load"), sc);
    });
    section("faults", [&] { sc.faults = read_faults(c, o["faults"], o.at("faults"), sc); });
    section("thresholds", [&] { sc.thresholds = read_thresholds(c, o["thresholds"], o.at("thresholds")); });
    return sc;
}

} // namespace surge::sim::load_detail
