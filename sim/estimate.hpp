// sim/estimate.hpp — the work a scenario asks for, estimated before it runs: kernel events and
// the simulator's peak memory. `surge validate` and `surge run` refuse a scenario whose estimate
// is beyond the work limits (by default: 10^10 events, and this machine's physical memory) unless
// --force, so that a run that would take days or exhaust memory is stopped before it starts
// instead of after hours or gigabytes; --verbose prints the estimate.
//
// It is arithmetic on the scenario's parameters (mean rates times durations; no simulation), so it
// is a rough guide: tests/sim/test_estimate.cpp holds it within a factor of `accuracy_factor` of
// the actual `events` of every built-in scenario. The per-item weights were fitted to those runs.
// Every product is a double: a scenario at the loader's limits gives large but finite figures.
#pragma once

#include <sim/format.hpp>
#include <sim/host.hpp>

#include <models/load_schedule.hpp>
#include <models/params.hpp>

#include <surge/time.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>

namespace surge::sim {

/// What a run of a scenario will do, roughly.
struct work_estimate {
    double connections = 0;      // connection attempts: first connects, reconnects after sessions and drops
    double client_messages = 0;  // client -> server messages
    double requests = 0;         // publish requests (open and closed phases)
    double notifications = 0;    // requests x batch
    double deliveries = 0;       // notifications x recipients (a broadcast: every online user)
    double samples = 0;          // points of the memory series
    double events = 0;           // kernel events in all
    double memory_bytes = 0;     // the simulator's peak resident memory
};

/// The estimate is within this factor of the actual event count (tests/sim/test_estimate.cpp).
inline constexpr double estimate_accuracy_factor = 2.0;

/// Above either, a run needs --force.
struct work_limits {
    double max_events = 1e10;        // about an hour at the simulator's few million events per wall second
    double max_memory_bytes = 0;     // 0: no memory limit (the host's memory is unknown)
};

/// The default limits: 10^10 events, and this machine's physical memory.
inline work_limits default_work_limits() {
    work_limits l;
    l.max_memory_bytes = static_cast<double>(physical_memory_bytes());
    return l;
}

namespace estimate_detail {

// Kernel events per item, fitted to the built-in scenarios' runs (tests/golden hold their counts).
// A request costs the same whatever its batch: the notifications of a batch share its events
// until they fan out, and each delivery is about one more (its arrival on the link).
inline constexpr double events_per_connection = 6;
inline constexpr double events_per_client_message = 5;
inline constexpr double events_per_request = 6;
inline constexpr double events_per_delivery = 1;
inline constexpr double events_per_sample = 1;

// Simulator bytes, from peak RSS: capacity-100k (100 000 users, 14.8M events) peaks at 52 MB, and
// 400 000 users take 65 MB more than 100 000.
inline constexpr double base_bytes = 6e6;              // the program, its libraries, the scenario
inline constexpr double bytes_per_user = 450;          // link table, behaviour, queues, streams, timers
inline constexpr double bytes_per_process = 600;       // a coroutine frame and its name (workers, clients, phases)
inline constexpr double bytes_per_message = 40;        // a pooled message and its queue links
inline constexpr double bytes_per_sample = 16;
inline constexpr double bytes_per_fault = 200;

inline double seconds(duration d) { return d.seconds_f(); }

} // namespace estimate_detail

inline work_estimate estimate_work(const models::scenario& sc) {
    using namespace estimate_detail;
    work_estimate w;
    const double length = seconds(sc.length);
    const double users = static_cast<double>(sc.users.count);

    // Users: how long each is connected, on average, and how often it connects.
    const double connect_at = seconds(sc.users.connect_start) + seconds(sc.users.connect_ramp) / 2;
    const double connected_span = std::max(0.0, length - connect_at);
    double online_fraction = 1;
    double sessions_per_user = 1;
    if (sc.users.online) {
        const double on = sc.users.online->mean_seconds();
        const double off = sc.users.offline.mean_seconds();
        if (std::isfinite(on) && on > 0) {
            online_fraction = on / (on + (std::isfinite(off) ? off : 0));
            sessions_per_user += connected_span / (on + off);
        }
    }
    online_fraction *= length > 0 ? connected_span / length : 0;
    const double online_users = users * online_fraction;
    if (sc.links.mean_time_between_drops)
        sessions_per_user += online_fraction * length / seconds(*sc.links.mean_time_between_drops);
    // First connects are spread uniformly over [start, start + ramp]: those after the end never happen.
    const double ramp = seconds(sc.users.connect_ramp);
    const double before_end = length - seconds(sc.users.connect_start);
    const double connecting = ramp > 0 ? std::clamp(before_end / ramp, 0.0, 1.0) : (before_end > 0 ? 1.0 : 0.0);
    w.connections = users * (connecting + (sessions_per_user - 1));
    w.client_messages = online_users * sc.users.messages.per_second * length;

    // The load: requests per phase, notifications and deliveries.
    const time_point end = time_point{} + sc.length;
    const double service = std::max(1e-6, sc.server.cost_per_notification.mean_seconds());
    for (std::size_t i = 0; i < sc.load.size(); ++i) {
        const models::load_phase& ph = sc.load[i];
        const double span = std::max(0.0, seconds(models::phase_end(sc.load, i, end) - ph.at));
        double requests = 0;
        if (ph.type == models::load_phase::kind::open) {
            const double r0 = ph.start_rate.per_second;
            const double r1 = ph.end_rate ? ph.end_rate->per_second : r0;
            requests = (r0 + r1) / 2 * span;
        } else {
            const double cycle = ph.think.mean_seconds() + service + sc.database.query.mean_seconds();
            double per_client = cycle > 0 ? span / cycle : span / 1e-6;
            if (ph.requests_per_client > 0) per_client = std::min(per_client, static_cast<double>(ph.requests_per_client));
            // Closed clients wait for answers: no more than the workers can serve.
            const double served = span * static_cast<double>(sc.server.workers) / service;
            requests = std::min(static_cast<double>(ph.clients) * per_client, served);
        }
        const double notifications = requests * static_cast<double>(ph.batch);
        double recipients = 1;
        if (ph.target == models::target_kind::users) recipients = static_cast<double>(ph.recipients);
        if (ph.target == models::target_kind::broadcast) recipients = online_users;
        w.requests += requests;
        w.notifications += notifications;
        w.deliveries += notifications * recipients;
    }
    const duration run_span = sc.length + sc.drain;
    w.samples = sc.sample_interval > duration::zero() ? static_cast<double>(run_span / sc.sample_interval) + 1 : 0;

    w.events = events_per_connection * w.connections + events_per_client_message * w.client_messages +
               events_per_request * w.requests + events_per_delivery * w.deliveries + events_per_sample * w.samples;

    // Memory: per user, per process, the messages held at once, the series.
    double processes = static_cast<double>(sc.server.workers) + static_cast<double>(sc.load.size());
    for (const auto& ph : sc.load) processes += static_cast<double>(ph.clients);
    // Messages held at once: those waiting for offline users (each offline user's share of the
    // delivery rate over an offline spell, bounded by the queue's cap and TTL) and those in flight.
    double held = 0;
    if (sc.offline_queue.enabled && length > 0) {
        const double delivery_rate = w.deliveries / length;
        double wait = sc.users.online ? sc.users.offline.mean_seconds() : connect_at;
        if (!std::isfinite(wait)) wait = length;
        wait = std::min(wait, length);
        if (sc.offline_queue.ttl) wait = std::min(wait, seconds(*sc.offline_queue.ttl));
        held = delivery_rate * (1 - std::min(1.0, online_fraction)) * wait;
        if (sc.offline_queue.max_messages > 0)
            held = std::min(held, users * static_cast<double>(sc.offline_queue.max_messages));
    }
    held += w.deliveries / std::max(length, 1e-9) * 1.0;  // about a second's worth in flight
    w.memory_bytes = base_bytes + bytes_per_user * users + bytes_per_process * processes + bytes_per_message * held +
                     bytes_per_sample * w.samples + bytes_per_fault * static_cast<double>(sc.faults.size());
    return w;
}

/// "1.20M", "340k", "12": an estimated count for people (sim/format.hpp; whole below 1000).
inline std::string count_text(double n) {
    if (std::isfinite(n) && std::fabs(n) < 999.5) return format_count(std::round(n));
    return format_rate_number(n);
}

/// "1.50 GB", "300 MB": bytes for people (sim/format.hpp's format_bytes, powers of 1000).
inline std::string bytes_text(double b) { return format_bytes(b); }

/// One line: "about 1.2M events, 45 MB (2.0k connections, 240.0k requests, ...)".
inline std::string estimate_text(const work_estimate& w) {
    return "about " + count_text(w.events) + " events and " + bytes_text(w.memory_bytes) + " of memory (" +
           count_text(w.connections) + " connections, " + count_text(w.requests) + " requests, " +
           count_text(w.notifications) + " notifications, " + count_text(w.deliveries) + " deliveries, " +
           count_text(w.client_messages) + " client messages)";
}

/// Why the estimate is beyond the limits, or nullopt if it is within them.
inline std::optional<std::string> beyond_limits(const work_estimate& w, const work_limits& l) {
    std::string why;
    if (!(w.events <= l.max_events))
        why = "about " + count_text(w.events) + " events, above the limit of " + count_text(l.max_events) +
              " (about an hour of simulation)";
    if (l.max_memory_bytes > 0 && !(w.memory_bytes <= l.max_memory_bytes))
        why += (why.empty() ? "" : ", and ") + std::string("about ") + bytes_text(w.memory_bytes) +
               " of memory, above this machine's " + bytes_text(l.max_memory_bytes);
    if (why.empty()) return std::nullopt;
    return "the run would take " + why + "; --force runs it anyway (see \"Limits\" in docs/scenarios.md)";
}

} // namespace surge::sim
