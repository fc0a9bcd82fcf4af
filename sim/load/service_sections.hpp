// sim/load/service_sections.hpp — the sections that describe the service and its clients:
// users, links, server, offline_queue, database, memory and degradation (with the backoff both
// users.reconnect and degradation.retry use). Each starts from the defaults of models/params.hpp.
#pragma once

#include <sim/load/distributions.hpp>
#include <sim/load/json_values.hpp>
#include <sim/load/object_view.hpp>
#include <sim/load/unit_values.hpp>

#include <models/params.hpp>

#include <limits>
#include <string>

namespace surge::sim::load_detail {

using json = nlohmann::json;

inline void read_backoff(const object_view& o, models::backoff_params& b) {
    o.get("base", b.base, duration_rule::positive);
    o.get("max", b.max, duration_rule::positive);
    o.get("multiplier", b.multiplier, number_range{1, std::numeric_limits<double>::infinity(), false, false});
    o.get_enum("jitter", b.jitter);
    if (b.max < b.base && !o.ctx().unknown(o.at("base")) && !o.ctx().unknown(o.at("max"))) {
        const std::string key = o.has("max") ? "max" : "base";
        o.ctx().expected(o.at(key), key == "max" ? "a duration >= base (" + surge::to_string(b.base) + ")"
                                                 : "a duration <= max (" + surge::to_string(b.max) + ")",
                         o[key]);
    }
}

inline models::user_params read_users(const object_view& o) {
    models::user_params u;
    if (o.has("count"))
        o.attempt([&] {
            u.count = read_count(o.ctx(), o["count"], o.at("count"), 0, limits::max_users,
                                 "users.count: users have 32-bit ids, and a billion users need about 450 GB");
        });
    if (o.has("connect"))
        o.attempt([&] {
            const object_view cn = o.object("connect", {"start", "ramp"});
            cn.get("start", u.connect_start);
            cn.get("ramp", u.connect_ramp);
        });
    get_dist(o, "online", u.online);
    get_dist(o, "offline", u.offline);
    if (o.has("reconnect"))
        o.attempt([&] { read_backoff(o.object("reconnect", {"base", "max", "multiplier", "jitter"}), u.reconnect); });
    o.get("messages", u.messages, false);
    get_size_dist(o, "message_size", u.message_size);
    return u;
}

inline models::link_params read_links(const object_view& o) {
    models::link_params l;
    const context& c = o.ctx();
    get_dist(o, "handshake", l.handshake);
    get_dist(o, "latency", l.latency);
    if (o.has("bandwidth")) o.attempt([&] { l.bandwidth_bytes_per_s = read_bandwidth(c, o["bandwidth"], o.at("bandwidth"), true); });
    o.get("loss", l.loss, number_range{0, 1, false, true});
    o.get("retransmit", l.retransmit);
    o.get("connect_failure", l.connect_failure, unit_interval);
    o.get("connect_timeout", l.connect_timeout, duration_rule::positive);
    if (o.has("drops")) {
        if (o["drops"].is_null()) {
            l.mean_time_between_drops.reset();
        } else {
            o.attempt([&] {
                const object_view d = o.object("drops", {"mean_interval"});
                d.require("mean_interval");
                l.mean_time_between_drops = read_duration(c, d["mean_interval"], d.at("mean_interval"), duration_rule::positive);
            });
        }
    }
    o.get("ping_interval", l.ping_interval, duration_rule::positive);
    o.get("ping_timeout", l.ping_timeout, duration_rule::positive);
    if (o.has("slow"))
        o.attempt([&] {
            const object_view s = o.object("slow", {"fraction", "bandwidth"});
            s.get("fraction", l.slow_fraction, unit_interval);
            if (s.has("bandwidth"))
                s.attempt([&] { l.slow_bandwidth_bytes_per_s = read_bandwidth(c, s["bandwidth"], s.at("bandwidth"), false); });
        });
    return l;
}

inline models::server_params read_server(const object_view& o) {
    models::server_params s;
    if (o.has("workers"))
        o.attempt([&] {
            s.workers = read_count(o.ctx(), o["workers"], o.at("workers"), 1, limits::max_workers,
                                   "server.workers: one coroutine each");
        });
    o.get_enum("concurrency", s.concurrency);
    get_dist(o, "cost_per_notification", s.cost_per_notification);
    get_dist(o, "cost_per_message", s.cost_per_message);
    get_dist(o, "cost_per_connect", s.cost_per_connect);
    get_dist(o, "cost_per_client_message", s.cost_per_client_message);
    o.get("queue_capacity", s.queue_capacity, 1);
    o.get("send_buffer", s.send_buffer, 1);
    o.get_enum("slow_consumer", s.slow_consumer);
    o.get("max_connections", s.max_connections, 0);
    if (o.has("queries"))
        o.attempt([&] {
            const object_view q = o.object("queries", {"per_notification", "per_connect", "per_client_message"});
            q.get("per_notification", s.queries_per_notification, 0);
            q.get("per_connect", s.queries_per_connect, 0);
            q.get("per_client_message", s.queries_per_client_message, 0);
        });
    return s;
}

inline models::offline_queue_params read_offline_queue(const object_view& o) {
    models::offline_queue_params q;
    o.get("enabled", q.enabled);
    o.get("max_messages", q.max_messages, 0);
    o.get("ttl", q.ttl, duration_rule::positive);
    o.get_enum("drop", q.drop);
    return q;
}

inline models::database_params read_database(const object_view& o) {
    models::database_params d;
    if (o.has("pool_size"))
        o.attempt([&] {
            d.pool_size = read_count(o.ctx(), o["pool_size"], o.at("pool_size"), 1, limits::max_db_connections,
                                     "database connections, pool_size and max_overflow each");
        });
    if (o.has("max_overflow"))
        o.attempt([&] {
            d.max_overflow = read_count(o.ctx(), o["max_overflow"], o.at("max_overflow"), 0, limits::max_db_connections,
                                        "database connections, pool_size and max_overflow each");
        });
    o.get("checkout_timeout", d.checkout_timeout);
    get_dist(o, "connect", d.connect);
    get_dist(o, "query", d.query);
    o.get("query_timeout", d.query_timeout, duration_rule::positive);
    return d;
}

inline models::memory_params read_memory(const object_view& o) {
    models::memory_params m;
    o.get_size("per_connection", m.per_connection);
    o.get_size("per_notification", m.per_notification);
    o.get_size("per_queued_message", m.per_queued_message);
    o.get_size("per_buffered_message", m.per_buffered_message);
    o.get_size("per_request", m.per_request);
    return m;
}

/// A sub-mechanism of degradation: present means enabled unless "enabled" says otherwise.
inline bool enabled_by_presence(const object_view& o) {
    bool on = true;
    o.get("enabled", on);
    return on;
}

inline models::degradation_params read_degradation(const object_view& o) {
    models::degradation_params d;
    if (o.has("shedding"))
        o.attempt([&] {
            const object_view s = o.object("shedding", {"enabled", "queue_threshold", "keep"});
            d.shedding.enabled = enabled_by_presence(s);
            s.get("queue_threshold", d.shedding.queue_threshold, 1);
            s.get_enum("keep", d.shedding.keep_at_least);
        });
    if (o.has("rate_limit"))
        o.attempt([&] {
            const object_view r = o.object("rate_limit", {"enabled", "rate", "burst"});
            d.rate_limit.enabled = enabled_by_presence(r);
            r.get("rate", d.rate_limit.limit, true);
            r.get("burst", d.rate_limit.burst, 1);
        });
    if (o.has("circuit_breaker"))
        o.attempt([&] {
            const object_view b = o.object("circuit_breaker", {"enabled", "failure_threshold", "open_for"});
            d.circuit_breaker.enabled = enabled_by_presence(b);
            b.get("failure_threshold", d.circuit_breaker.failure_threshold, 1);
            b.get("open_for", d.circuit_breaker.open_for, duration_rule::positive);
        });
    if (o.has("retry"))
        o.attempt([&] {
            const object_view r = o.object("retry", {"max_attempts", "base", "max", "multiplier", "jitter"});
            r.get("max_attempts", d.retry.max_attempts, 1);
            read_backoff(r, d.retry.backoff);
        });
    o.get("request_timeout", d.request_timeout, duration_rule::positive);
    return d;
}

} // namespace surge::sim::load_detail
