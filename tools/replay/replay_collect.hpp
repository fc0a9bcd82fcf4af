// tools/replay/replay_collect.hpp — the result of a live run: the shards' counters and
// histograms merged after their threads have joined into the run's meters (models/recorder.hpp), activity
// windows in scenario time, only the metrics a client can observe, and the time series. Part of replay_run
// (replay_run.hpp); include replay.hpp.
#pragma once

#include "replay_run.hpp"

#include <sim/host.hpp>

#include <algorithm>
#include <cstdint>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace surge::replay {

inline replay_result replay_run::collect(std::int64_t wall_ns) {
    replay_result out;
    auto& rec = rec_;
    live_figures& live = out.live;
    std::uint64_t received_live = 0, received_offline = 0;
    std::int64_t last_delivery = -1, first_message = -1, last_reply = -1;
    std::vector<std::pair<std::string, std::uint64_t>> other_names;  // events the clients did not use, by name
    summed_histogram offline_latency, connect_time, message_latency;  // with their sums, for rank 0 (part)
    for (auto& sh : shards_) {
        auto& s = sh->stats;
        offline_latency.merge(s.offline_latency);
        connect_time.merge(s.connect_time);
        message_latency.merge(s.message_latency);
        rec.messages.add(s.messages_sent.load(), s.messages_replied.load());
        rec.messages.merge_latency(s.message_latency);
        if (const auto f = s.first_message_ns.load(); f >= 0 && (first_message < 0 || f < first_message)) first_message = f;
        last_reply = std::max(last_reply, s.last_reply_ns.load());
        rec.connections.add_attempts(s.connect_attempts.load(), s.connect_ok.load(), s.connect_failed.load(), s.drops.load());
        received_live += s.received_live.load();
        received_offline += s.received_offline.load();
        live.protocol_errors += s.protocol_errors.load();
        live.transport_errors += s.transport_errors.load();
        live.received_without_time += s.no_time.load();
        live.sent_at_mismatch += s.sent_at_mismatch.load();
        live.received_unknown_id += s.unknown_ids.load();
        live.received_duplicate += s.duplicates.load();
        live.received_wrong_recipient += s.wrong_recipients.load();
        live.other_events += s.other_events.load();
        for (const auto& seen : s.other_event_names) {  // (clang 14 cannot capture a structured binding)
            auto it = std::find_if(other_names.begin(), other_names.end(), [&](const auto& x) { return x.first == seen.first; });
            if (it != other_names.end()) it->second += seen.second;
            else other_names.push_back(seen);
        }
        rec.offline.merge_latency(s.offline_latency);
        rec.connections.merge_connect_time(s.connect_time);
        live.uncorrected_latency.merge(s.uncorrected);
        live.connect_tcp.merge(s.connect_tcp);
        live.connect_tls.merge(s.connect_tls);
        live.connect_upgrade.merge(s.connect_upgrade);
        live.connect_namespace.merge(s.connect_namespace);
        live.link_rtt.merge(s.link_rtt);
        last_delivery = std::max(last_delivery, s.last_delivery_ns.load());
    }
    std::uint64_t most = 0;  // the most frequent name (the first of equals)
    for (const auto& [name, n] : other_names)
        if (n > most) {
            most = n;
            live.other_event_name = name;
        }
    // The deliveries are in rec.delivery already (note_delivered), as many as received_live.
    rec.offline.add_handed_over(received_offline);
    // What was sent to an open socket and never arrived.
    const std::uint64_t attempted = rec.delivery.attempted();
    rec.delivery.on_lost(time_point{}, attempted > received_live ? attempted - received_live : 0);
    rec.connections.note_peak(peak_open_.load());
    rec.broadcasts.merge_time(ledger_->broadcast_times());
    const std::uint64_t queued = rec.offline.offline_enqueued();
    const auto pending = queued > received_offline ? queued - received_offline : 0;
    // Activity windows in scenario time, so throughputs are per scenario second.
    if (first_publish_ns_ >= 0) {
        rec.publishing.active_at(time_point::from_ns(scenario_ns(first_publish_ns_)));
        if (last_accept_ns_ >= 0) rec.publishing.active_at(time_point::from_ns(scenario_ns(last_accept_ns_)));
        rec.delivery.active_at(time_point::from_ns(scenario_ns(first_publish_ns_)));
        if (last_delivery > 0) rec.delivery.active_at(time_point::from_ns(scenario_ns(last_delivery)));
    }
    if (first_message >= 0) {
        rec.messages.active_at(time_point::from_ns(std::max<std::int64_t>(scenario_ns(first_message), 0)));
        if (last_reply >= 0) rec.messages.active_at(time_point::from_ns(std::max<std::int64_t>(scenario_ns(last_reply), 0)));
    }
    const auto end = time_point::from_ns(std::max<std::int64_t>(scenario_ns(t0_ + wall_ns), 0));
    double load_seconds = 0;
    for (const auto& ps : phases_) load_seconds += static_cast<double>(ps.end_ns - ps.begin_ns) * 1e-9;
    const auto all = rec.to_metrics(end, std::max(load_seconds, 1e-9), 1, pending);
    // Only what a client can observe (the catalogue's modes): the server's insides (queues,
    // workers, database, memory) and its drop decisions are not visible from outside.
    for (const auto& m : all.items()) {
        const models::metric_entry* e = models::find_metric(m.name);
        if (e == nullptr || models::measurable_in(e->modes, models::run_mode::live)) out.run.metrics.set(m.name, m.value, m.unit);
    }
    out.run.scenario = sc_.name;
    out.run.seed = opt_.seed.value_or(sc_.seed);
    out.run.trace_hash = 0;  // the report writes null: a live run has no deterministic trace
    const std::int64_t virtual_ns = std::clamp<std::int64_t>(scenario_ns(t0_ + wall_ns), 0, (sc_.length + sc_.drain).count());
    out.run.virtual_seconds = static_cast<double>(virtual_ns) / 1e9;
    // The time series over the scenario's span (as a simulation's: what arrives in the grace
    // after the drain is in the metrics, not in a window), with the live-only ones.
    const auto series_end = time_point::from_ns(virtual_ns);
    out.run.series = rec.to_series(series_window_, series_end, 1);
    out.run.series.set(models::series_id::live_scheduling_lag_max,
                       models::seconds_per_window(lag_w_.summaries(series_end), models::histogram_statistic::max));
    {
        std::lock_guard lock(errors_mutex_);
        out.run.series.set(models::series_id::live_errors_rate, errors_w_.rates(series_end));
    }
    out.run.series.annotations = models::scenario_annotations(sc_);
    out.run.wall_seconds = static_cast<double>(wall_ns) * 1e-9;
    out.run.events = publish_requests_;
    out.run.peak_rss_bytes = sim::peak_rss_bytes();
    out.run.completed = completed_;
    out.run.error = redact(error_, opt_.headers);
    out.run.interrupted = interrupted_;
    live.publish_requests = publish_requests_;
    live.publish_retries = http_ ? http_->retries() : 0;
    live.scheduling_lag = lag_;
    live.peak_open = peak_open_.load();
    live.rss_before_bytes = rss_before_;
    live.rss_at_peak_bytes = rss_at_peak_;
    live.rss_connections = rss_connections_;
    live.warnings = warnings_;
    if (scraper_) {
        live.server = scraper_->figures();
        for (const auto& w : live.server.warnings) live.warnings.push_back(redact(w, opt_.headers));
    }
    live.target = redact(opt_.target, opt_.headers);
    live.protocol = opt_.protocol;
    live.time_scale = opt_.time_scale;
    live.threads = opt_.threads;
    {
        std::lock_guard lock(errors_mutex_);
        for (const auto& e : errors_) live.errors.push_back(redact(e, opt_.headers));
    }
    if (opt_.ranks > 1) {
        // What rank 0 merges (rank_merge.hpp; the command turns it into the report): every counter,
        // histogram and extreme the metrics above come from, in forms that merge exactly. Times are
        // nanoseconds of scenario time (activity windows) or of wall time since time 0 (broadcasts).
        rank_part p;
        p.rank = static_cast<int>(opt_.rank);
        auto& c = p.counters;
        const auto& pub = rec.publishing;
        c["users"] = 0;
        for (const auto& sh : shards_) c["users"] += sh->users.size();
        c["notifications/published"] = pub.published();
        c["notifications/accepted"] = pub.accepted();
        c["notifications/rejected"] = pub.rejected();
        c["notifications/failed"] = pub.failed();
        c["notifications/timed_out"] = pub.timed_out();
        c["notifications/stored"] = pub.persisted();
        c["operations/count"] = pub.operations();
        c["operations/ok"] = pub.operations_ok();
        c["delivery/attempted"] = rec.delivery.attempted();
        c["delivery/delivered"] = rec.delivery.delivered();
        c["delivery/received_live"] = received_live;
        c["offline_queue/enqueued"] = queued;
        c["offline_queue/delivered"] = received_offline;
        c["connections/attempts"] = rec.connections.connect_attempts();
        c["connections/succeeded"] = rec.connections.connect_ok();
        c["connections/failed"] = rec.connections.connect_failed();
        c["connections/drops"] = rec.connections.drops();
        c["connections/peak"] = static_cast<std::uint64_t>(std::max<std::int64_t>(peak_open_.load(), 0));
        c["messages/sent"] = rec.messages.messages_sent();
        c["messages/handled"] = rec.messages.messages_handled();
        c["broadcast/count"] = rec.broadcasts.broadcasts();  // every rank counts every broadcast
        c["broadcast/recipients"] = broadcast_recipients_;
        c["live/protocol_errors"] = live.protocol_errors;
        c["live/transport_errors"] = live.transport_errors;
        c["live/received_without_time"] = live.received_without_time;
        c["live/sent_at_mismatch"] = live.sent_at_mismatch;
        c["live/received_unknown_id"] = live.received_unknown_id;
        c["live/received_duplicate"] = live.received_duplicate;
        c["live/received_wrong_recipient"] = live.received_wrong_recipient;
        c["live/publish_requests"] = live.publish_requests;
        c["live/publish_retries"] = live.publish_retries;
        c["live/other_events"] = live.other_events;
        c["live/rss_growth_bytes"] = static_cast<std::uint64_t>(std::max<std::int64_t>(live.rss_at_peak_bytes - live.rss_before_bytes, 0));
        c["live/rss_connections"] = static_cast<std::uint64_t>(std::max<std::int64_t>(live.rss_connections, 0));
        c["completed"] = completed_ ? 1 : 0;
        const auto& per = pub.per_notification();
        p.tallies["operations/time_per_notification"] = {per.mean() * static_cast<double>(per.count()), per.count()};
        p.histograms["operations/latency"] = operation_latency_;
        p.histograms["delivery/latency"] = delivery_latency_;
        p.histograms["offline_queue/latency"] = offline_latency;
        p.histograms["connections/time"] = connect_time;
        p.histograms["messages/latency"] = message_latency;
        p.histograms["live/scheduling_lag"] = live.scheduling_lag;
        p.histograms["live/uncorrected_latency"] = live.uncorrected_latency;
        p.histograms["live/connect/tcp"] = live.connect_tcp;
        p.histograms["live/connect/tls"] = live.connect_tls;
        p.histograms["live/connect/upgrade"] = live.connect_upgrade;
        p.histograms["live/connect/namespace"] = live.connect_namespace;
        p.histograms["live/link/rtt"] = live.link_rtt;
        const auto scen = [this](std::int64_t steady) { return std::max<std::int64_t>(scenario_ns(steady), 0); };
        if (first_publish_ns_ >= 0) p.earliest["first_publish"] = scen(first_publish_ns_);
        if (last_accept_ns_ >= 0) p.latest["last_accept"] = scen(last_accept_ns_);
        if (last_delivery > 0) p.latest["last_delivery"] = scen(last_delivery);
        if (first_message >= 0) p.earliest["first_message"] = scen(first_message);
        if (last_reply >= 0) p.latest["last_reply"] = scen(last_reply);
        p.latest["wall_ns"] = wall_ns;
        for (const auto& [id, t] : ledger_->broadcast_spans()) p.broadcasts[id] = {t.first - t0_, t.second < 0 ? -1 : t.second - t0_};
        // The series: counts and gauges add up over the ranks, maxima take the largest, latency
        // percentiles come from the windows' histograms merged.
        for (const auto& line : out.run.series.lines()) {
            const std::string name{models::series_of(line.id).name};
            const bool largest = name.size() >= 4 && name.compare(name.size() - 4, 4, ".max") == 0;
            if (name.find(".latency.") != std::string::npos) continue;
            (largest ? p.series_max : p.series_sum)[name] = line.values;
        }
        p.window_histograms["delivery/latency"] = delivery_latency_w_;
        p.window_histograms["operations/latency"] = operation_latency_w_;
        p.errors = live.errors;
        out.part = part_json(p);
    }
    return out;
}

} // namespace surge::replay
