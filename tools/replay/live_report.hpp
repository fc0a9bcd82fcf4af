// tools/replay/live_report.hpp — the report of a live run, and the side-by-side comparison with a
// simulated run's report (--compare).
//
// The document has the shape of a simulation report (docs/report.md, design notes §4) with mode
// "live": scenario, seed, versions, durations, metrics, thresholds with verdicts; plus a "live"
// object with what only a live run measures (protocol errors, the generator's scheduling lag, the
// uncorrected latency, warnings for scenario parts a client cannot apply). Header values never
// reach it: every string that came from the run has been redacted.
#pragma once

#include "replay_result.hpp"

#include "diagnosis.hpp"

#include <sim/report.hpp>
#include <sim/report_reader.hpp>

#include <models/metric_catalogue.hpp>
#include <models/metrics.hpp>
#include <models/params.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace surge::replay {

/// The figures only a live run has, as report metrics under "live." (catalogue entries of mode
/// live_only, so a scenario's thresholds can name them).
inline void add_live_metrics(models::metric_set& m, const replay_result& r) {
    using id = models::metric_id;
    const auto& live = r.live;
    m.set(id::live_protocol_errors, static_cast<double>(live.protocol_errors));
    m.set(id::live_transport_errors, static_cast<double>(live.transport_errors));
    m.set(id::live_received_without_sent_at, static_cast<double>(live.received_without_time));
    m.set(id::live_received_unknown_id, static_cast<double>(live.received_unknown_id));
    m.set(id::live_received_duplicate, static_cast<double>(live.received_duplicate));
    m.set(id::live_received_wrong_recipient, static_cast<double>(live.received_wrong_recipient));
    m.set(id::live_publish_requests, static_cast<double>(live.publish_requests));
    m.set(id::live_publish_retries, static_cast<double>(live.publish_retries));
    m.set(id::live_connections_peak_open, static_cast<double>(live.peak_open));
    models::emit_histogram(m, live.scheduling_lag, id::live_scheduling_lag_p50);
    models::emit_histogram(m, live.uncorrected_latency, id::live_uncorrected_latency_p50);
    if (live.rss_connections > 0 && live.rss_at_peak_bytes > live.rss_before_bytes)
        m.set(id::live_client_bytes_per_connection,
              static_cast<double>(live.rss_at_peak_bytes - live.rss_before_bytes) / static_cast<double>(live.rss_connections));
    // Absent where nothing was measured: TLS without wss, the namespace connect without Socket.IO.
    models::emit_histogram(m, live.connect_tcp, id::live_connect_tcp_mean);
    models::emit_histogram(m, live.connect_tls, id::live_connect_tls_mean);
    models::emit_histogram(m, live.connect_upgrade, id::live_connect_upgrade_mean);
    models::emit_histogram(m, live.connect_namespace, id::live_connect_namespace_mean);
    models::emit_histogram(m, live.link_rtt, id::live_link_rtt_mean);
    // --server-metrics (server_figures.hpp): absent when not asked for or not exposed.
    const auto set_if = [&m](id which, const std::optional<double>& v) {
        if (v) m.set(which, *v);
    };
    set_if(id::live_server_cpu_seconds, live.server.cpu_seconds);
    set_if(id::live_server_cpu_utilization, live.server.cpu_utilization);
    set_if(id::live_server_event_loop_lag_p99, live.server.event_loop_lag_p99);
    set_if(id::live_server_event_loop_lag_max, live.server.event_loop_lag_max);
    set_if(id::live_server_queue_max, live.server.queue_max);
    m.set(id::live_sent_at_mismatch, static_cast<double>(live.sent_at_mismatch));
}

/// The report of a live run: sim::make_report's document with mode "live", trace_hash null (a
/// live run has no deterministic trace), "events" counting publish requests, and a "live" object
/// before "simulator": target (redacted), the protocol section used (auth values scrubbed),
/// time_scale, threads, warnings and the first distinct errors. Header values never reach it.
inline nlohmann::ordered_json make_live_report(const replay_result& r, const sim::scenario_info& info,
                                               const std::vector<sim::threshold_verdict>& verdicts) {
    auto doc = sim::make_report(r.run, info, verdicts, "live");
    doc["trace_hash"] = nullptr;
    nlohmann::ordered_json live = nlohmann::ordered_json::object();
    live["target"] = r.live.target;
    live["protocol"] = protocol_section_json(r.live.protocol, true);
    live["time_scale"] = r.live.time_scale;
    live["threads"] = std::max(1U, r.live.threads);
    live["warnings"] = r.live.warnings;
    live["errors"] = r.live.errors;
    if (const auto why = nothing_arrived(r)) live["diagnosis"] = *why;
    // Across processes (mpirun -np N): each rank's counts and the merged delivery-latency histogram.
    if (!r.live.ranks.is_null()) {
        live["ranks"] = r.live.ranks;
        live["delivery_latency_histogram"] = r.live.delivery_latency_histogram;
    }
    // Keep "simulator" last, as in a simulation report.
    nlohmann::ordered_json out = nlohmann::ordered_json::object();
    for (auto& [k, v] : doc.items()) {
        if (k == "simulator") out["live"] = live;
        out[k] = std::move(v);
    }
    if (!out.contains("live")) out["live"] = std::move(live);
    return out;
}

/// The metrics of a report document (sim/report_reader.hpp); empty when it is not a readable
/// single-run report.
inline models::metric_set metrics_of_report(const nlohmann::json& doc) {
    try {
        return sim::report_metrics(doc, "the report");
    } catch (const sim::report_error&) {
        return {};
    }
}

/// The side-by-side table of --compare: every metric the live run measured that the simulated
/// report also has, with the relative difference (live - sim) / sim.
inline std::string compare_table(const models::metric_set& sim, const models::metric_set& live) {
    std::string out = fmt::format("{:<36} {:>16} {:>16} {:>10}\n", "metric", "simulated", "live", "diff");
    out += std::string(81, '-') + "\n";
    for (const auto& m : live.items()) {
        const auto* s = sim.find(m.name);
        if (!s) continue;
        std::string diff = "-";  // also when a value is not finite (null in a report)
        if (std::isfinite(s->value) && std::isfinite(m.value)) {
            if (s->value != 0) diff = sim::format_relative((m.value - s->value) / std::fabs(s->value));
            else if (m.value == 0) diff = sim::format_relative(0);
        }
        // Padded by columns, not bytes: a value may hold "µs".
        out += sim::pad_right(m.name, 36) + " " + sim::pad_left(sim::value_text_of(s->value, s->unit), 16) + " " +
               sim::pad_left(sim::value_text_of(m.value, m.unit), 16) + " " + sim::pad_left(diff, 10) + "\n";
    }
    return out;
}

} // namespace surge::replay
