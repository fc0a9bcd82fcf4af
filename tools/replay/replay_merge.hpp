// tools/replay/replay_merge.hpp — rank 0 of a live replay across processes (mpirun -np N surge
// replay) turns the ranks' parts (rank_merge.hpp) into the one report: every metric a one-process
// run computes from its meters is computed again from the merged counters, histograms and activity
// windows, with the meters' own formulas (models/*_meter.hpp emit), the series window by window,
// and a "ranks" list in the report's live object with each rank's own counts. Pure C++ (no
// sockets, no MPI). docs/replay.md, "Across processes (MPI)".
#pragma once

#include "rank_merge.hpp"
#include "replay_result.hpp"

#include <models/activity_window.hpp>
#include <models/metric_catalogue.hpp>
#include <models/metrics.hpp>
#include <models/series.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace surge::replay {

/// Replaces `r` (rank 0's own result) by the merge of all ranks' parts (in rank order, rank 0's
/// first); `load_seconds` is the scenario's loaded time (the throughputs' fallback span).
inline void apply_merged_parts(replay_result& r, const std::vector<rank_part>& parts, double load_seconds) {
    using id = models::metric_id;
    const rank_part m = merge_parts(parts);
    const auto count = [&m](const char* k) -> std::uint64_t {
        const auto it = m.counters.find(k);
        return it == m.counters.end() ? 0 : it->second;
    };
    const auto hist = [&m](const char* k) -> const summed_histogram& {
        static const summed_histogram none;
        const auto it = m.histograms.find(k);
        return it == m.histograms.end() ? none : it->second;
    };
    const auto u = [](std::uint64_t v) { return static_cast<double>(v); };
    const double secs = std::max(load_seconds, 1e-9);

    // The activity windows, as replay_collect.hpp notes them (scenario time).
    models::activity_window publishing, delivery, messaging;
    const auto at = [](std::int64_t ns) { return time_point::from_ns(ns); };
    if (const auto f = m.earliest.find("first_publish"); f != m.earliest.end()) {
        publishing.note(at(f->second));
        if (const auto l = m.latest.find("last_accept"); l != m.latest.end()) publishing.note(at(l->second));
        delivery.note(at(f->second));
        if (const auto l = m.latest.find("last_delivery"); l != m.latest.end()) delivery.note(at(l->second));
    }
    if (const auto f = m.earliest.find("first_message"); f != m.earliest.end()) {
        messaging.note(at(f->second));
        if (const auto l = m.latest.find("last_reply"); l != m.latest.end()) messaging.note(at(l->second));
    }

    models::metric_set t;
    // notifications.*, operations.* (publish_meter): the sending ranks'.
    t.set(id::notifications_published, u(count("notifications/published")));
    t.set(id::notifications_accepted, u(count("notifications/accepted")));
    t.set(id::notifications_rejected, u(count("notifications/rejected")));
    t.set(id::notifications_failed, u(count("notifications/failed")));
    t.set(id::notifications_timed_out, u(count("notifications/timed_out")));
    t.set(id::notifications_throughput, publishing.rate(u(count("notifications/stored")), secs));
    t.set(id::operations_count, u(count("operations/count")));
    t.set(id::operations_success_rate, models::success_ratio(count("operations/ok"), count("operations/count")));
    models::emit_histogram(t, hist("operations/latency"), id::operations_latency_mean);
    if (const auto it = m.tallies.find("operations/time_per_notification"); it != m.tallies.end() && it->second.second > 0)
        t.set(id::operations_time_per_notification, it->second.first / static_cast<double>(it->second.second));
    // delivery.* (delivery_meter): each rank counted its own users.
    const std::uint64_t attempted = count("delivery/attempted"), delivered = count("delivery/delivered");
    const std::uint64_t received_live = count("delivery/received_live");
    const std::uint64_t lost = attempted > received_live ? attempted - received_live : 0;
    const std::uint64_t enqueued = count("offline_queue/enqueued"), handed = count("offline_queue/delivered");
    t.set(id::delivery_attempted, u(attempted));
    t.set(id::delivery_delivered, u(delivered));
    t.set(id::delivery_lost, u(lost));
    t.set(id::delivery_pending, u(enqueued > handed ? enqueued - handed : 0));
    t.set(id::delivery_success_rate, models::success_ratio(delivered, delivered + lost));
    t.set(id::delivery_throughput, delivery.rate(u(delivered), secs));
    models::emit_histogram(t, hist("delivery/latency"), id::delivery_latency_mean);
    // connections.* (connection_meter). The peak is the sum of the ranks' peaks: equal to the
    // peak of all connections when the ranks peak together (a plateau), an upper bound otherwise.
    const std::uint64_t ok = count("connections/succeeded"), failed = count("connections/failed");
    t.set(id::connections_attempts, u(count("connections/attempts")));
    t.set(id::connections_succeeded, u(ok));
    t.set(id::connections_failed, u(failed));
    t.set(id::connections_drops, u(count("connections/drops")));
    t.set(id::connections_peak, u(count("connections/peak")));
    t.set(id::connections_success_rate, models::success_ratio(ok, ok + failed));
    models::emit_histogram(t, hist("connections/time"), id::connections_time_mean);
    // messages.* (message_meter)
    t.set(id::messages_sent, u(count("messages/sent")));
    t.set(id::messages_handled, u(count("messages/handled")));
    t.set(id::messages_throughput, messaging.rate(u(count("messages/handled")), secs));
    models::emit_histogram(t, hist("messages/latency"), id::messages_latency_mean);
    // broadcast.*: every rank saw every broadcast (count: rank 0's); recipients are the
    // connections open on all ranks; the time runs to the last delivery on any rank.
    std::uint64_t broadcasts = 0;
    if (!parts.empty())
        if (const auto it = parts.front().counters.find("broadcast/count"); it != parts.front().counters.end()) broadcasts = it->second;
    t.set(id::broadcast_count, u(broadcasts));
    if (broadcasts > 0) t.set(id::broadcast_recipients_mean, u(count("broadcast/recipients")) / u(broadcasts));
    summed_histogram broadcast_time;
    for (const auto& [bid, span] : m.broadcasts)
        if (span.second >= 0) broadcast_time.record(std::max<std::int64_t>(0, span.second - span.first));
    models::emit_histogram(t, broadcast_time, id::broadcast_time_mean);
    // offline_queue.* (offline_queue_meter)
    t.set(id::offline_queue_enqueued, u(enqueued));
    t.set(id::offline_queue_delivered, u(handed));
    models::emit_histogram(t, hist("offline_queue/latency"), id::offline_queue_latency_mean);
    // Only what a client can observe, as collect() keeps.
    for (const auto& x : t.items()) {
        const models::metric_entry* e = models::find_metric(x.name);
        if (e == nullptr || models::measurable_in(e->modes, models::run_mode::live)) r.run.metrics.set(x.name, x.value, x.unit);
    }

    // The live-only figures (add_live_metrics turns them into metrics).
    live_figures& live = r.live;
    live.protocol_errors = count("live/protocol_errors");
    live.transport_errors = count("live/transport_errors");
    live.received_without_time = count("live/received_without_time");
    live.sent_at_mismatch = count("live/sent_at_mismatch");
    live.received_unknown_id = count("live/received_unknown_id");
    live.received_duplicate = count("live/received_duplicate");
    live.received_wrong_recipient = count("live/received_wrong_recipient");
    live.publish_requests = count("live/publish_requests");
    live.publish_retries = count("live/publish_retries");
    live.other_events = count("live/other_events");
    live.scheduling_lag = hist("live/scheduling_lag");
    live.uncorrected_latency = hist("live/uncorrected_latency");
    live.connect_tcp = hist("live/connect/tcp");
    live.connect_tls = hist("live/connect/tls");
    live.connect_upgrade = hist("live/connect/upgrade");
    live.connect_namespace = hist("live/connect/namespace");
    live.link_rtt = hist("live/link/rtt");
    live.peak_open = static_cast<std::int64_t>(count("connections/peak"));
    // Client memory per connection: the ranks' resident-set growth over their connections.
    live.rss_before_bytes = 0;
    live.rss_at_peak_bytes = static_cast<std::int64_t>(count("live/rss_growth_bytes"));
    live.rss_connections = static_cast<std::int64_t>(count("live/rss_connections"));
    live.errors = m.errors;
    r.run.events = live.publish_requests;
    if (const auto w = m.latest.find("wall_ns"); w != m.latest.end()) r.run.wall_seconds = static_cast<double>(w->second) * 1e-9;
    if (count("completed") < parts.size()) {
        r.run.completed = false;
        if (r.run.error.empty()) r.run.error = "a rank's run broke off (its errors are in live.errors)";
    }

    // The series: sums and maxima window by window, latency percentiles from the windows' merged
    // histograms.
    const auto series_id_of = [](const std::string& name) -> const models::series_id* {
        for (const auto& e : models::series_catalogue_entries)
            if (e.name == name) return &e.id;
        return nullptr;
    };
    for (const auto* lines : {&m.series_sum, &m.series_max})
        for (const auto& [name, values] : *lines)
            if (const auto* sid = series_id_of(name)) r.run.series.set(*sid, values);
    const auto summaries = [&m](const char* k) {
        std::vector<windowed_histogram::summary> s;
        if (const auto it = m.window_histograms.find(k); it != m.window_histograms.end())
            for (const auto& h : it->second) s.push_back(windowed_histogram::summarise(h));
        return s;
    };
    if (r.run.series.find(models::series_id::delivery_rate) != nullptr) {
        using models::histogram_statistic;
        const auto d = summaries("delivery/latency");
        r.run.series.set(models::series_id::delivery_latency_p50, models::seconds_per_window(d, histogram_statistic::p50));
        r.run.series.set(models::series_id::delivery_latency_p90, models::seconds_per_window(d, histogram_statistic::p90));
        r.run.series.set(models::series_id::delivery_latency_p99, models::seconds_per_window(d, histogram_statistic::p99));
        r.run.series.set(models::series_id::delivery_latency_max, models::seconds_per_window(d, histogram_statistic::max));
        r.run.series.set(models::series_id::operations_latency_p99,
                         models::seconds_per_window(summaries("operations/latency"), histogram_statistic::p99));
    }

    // Each rank's own counts, for the report's live.ranks.
    nlohmann::ordered_json ranks = nlohmann::ordered_json::array();
    for (const auto& p : parts) {
        const auto c = [&p](const char* k) -> std::uint64_t {
            const auto it = p.counters.find(k);
            return it == p.counters.end() ? 0 : it->second;
        };
        nlohmann::ordered_json x;
        x["rank"] = p.rank;
        x["users"] = c("users");
        x["connections"] = c("connections/succeeded");
        x["peak_open"] = c("connections/peak");
        x["publish_requests"] = c("live/publish_requests");
        x["published"] = c("notifications/published");
        x["accepted"] = c("notifications/accepted");
        x["attempted"] = c("delivery/attempted");
        x["delivered"] = c("delivery/delivered");
        x["offline_delivered"] = c("offline_queue/delivered");
        const auto lat = p.histograms.find("delivery/latency");
        x["delivery_latency_count"] = lat == p.histograms.end() ? 0 : lat->second.count();
        x["completed"] = c("completed") == 1;
        ranks.push_back(std::move(x));
    }
    live.ranks = std::move(ranks);
    // The merged delivery latency histogram itself, so that a reader can check the percentiles.
    live.delivery_latency_histogram = histogram_json(hist("delivery/latency"));
}

} // namespace surge::replay
