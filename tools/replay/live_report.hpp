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

#include <sim/report.hpp>

#include <models/metrics.hpp>
#include <models/params.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

namespace surge::replay {

/// The figures only a live run has, as report metrics under "live." (sim/metric_names.hpp lists
/// them, so a scenario's thresholds can name them).
inline void add_live_metrics(models::metric_set& m, const replay_result& r) {
    const auto& live = r.live;
    auto count = [&m](const char* n, double v) { m.set(n, v, "count"); };
    count("live.protocol_errors", static_cast<double>(live.protocol_errors));
    count("live.transport_errors", static_cast<double>(live.transport_errors));
    count("live.received_without_sent_at", static_cast<double>(live.received_without_time));
    count("live.publish_requests", static_cast<double>(live.publish_requests));
    count("live.connections.peak_open", static_cast<double>(live.peak_open));
    auto hist = [&m](const std::string& base, const histogram& h) {
        if (h.count() == 0) return;
        m.set(base + ".p50", static_cast<double>(h.percentile(50.0)) * 1e-9, "s");
        m.set(base + ".p99", static_cast<double>(h.percentile(99.0)) * 1e-9, "s");
        m.set(base + ".max", static_cast<double>(h.max()) * 1e-9, "s");
    };
    hist("live.scheduling_lag", live.scheduling_lag);
    hist("live.uncorrected_latency", live.uncorrected_latency);
    if (live.rss_connections > 0 && live.rss_at_peak_bytes > live.rss_before_bytes)
        m.set("live.client.bytes_per_connection",
              static_cast<double>(live.rss_at_peak_bytes - live.rss_before_bytes) / static_cast<double>(live.rss_connections), "B");
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
    live["protocol"] = sim::protocol_section_json(r.live.protocol, true);
    live["time_scale"] = r.live.time_scale;
    live["threads"] = std::max(1U, r.live.threads);
    live["warnings"] = r.live.warnings;
    live["errors"] = r.live.errors;
    // Keep "simulator" last, as in a simulation report.
    nlohmann::ordered_json out = nlohmann::ordered_json::object();
    for (auto& [k, v] : doc.items()) {
        if (k == "simulator") out["live"] = live;
        out[k] = std::move(v);
    }
    if (!out.contains("live")) out["live"] = std::move(live);
    return out;
}

/// Metrics of a report document (sim/report.hpp): "units" lists the dotted names and units,
/// "metrics" holds the values nested by name parts. Also accepted: flat {name: {"value", "unit"}}
/// and a list of {"name", "value", "unit"}.
inline models::metric_set metrics_of_report(const nlohmann::json& doc) {
    models::metric_set out;
    if (!doc.is_object() || !doc.contains("metrics")) return out;
    const auto& m = doc["metrics"];
    if (doc.contains("units") && doc["units"].is_object() && m.is_object()) {
        for (const auto& [name, unit] : doc["units"].items()) {
            const nlohmann::json* node = &m;
            if (m.contains(name)) {
                node = &m[name];  // kept flat when its path was blocked
            } else {
                std::size_t start = 0;
                while (node && node->is_object()) {
                    const auto dot = name.find('.', start);
                    const auto part = name.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
                    auto it = node->find(part);
                    node = it == node->end() ? nullptr : &*it;
                    if (dot == std::string::npos) break;
                    start = dot + 1;
                }
            }
            if (node && node->is_number()) out.set(name, node->get<double>(), unit.is_string() ? unit.get<std::string>() : "");
        }
        return out;
    }
    if (m.is_object()) {
        for (const auto& [name, v] : m.items()) {
            if (v.is_object() && v.contains("value") && v["value"].is_number())
                out.set(name, v["value"].get<double>(), v.value("unit", ""));
            else if (v.is_number())
                out.set(name, v.get<double>(), "");
        }
    } else if (m.is_array()) {
        for (const auto& v : m)
            if (v.is_object() && v.contains("name") && v.contains("value") && v["value"].is_number())
                out.set(v["name"].get<std::string>(), v["value"].get<double>(), v.value("unit", ""));
    }
    return out;
}

inline std::string format_value(double v, const std::string& unit) {
    char buf[64];
    if (unit == "s") {
        if (std::fabs(v) < 1e-3) std::snprintf(buf, sizeof buf, "%.1f us", v * 1e6);
        else if (std::fabs(v) < 1) std::snprintf(buf, sizeof buf, "%.2f ms", v * 1e3);
        else std::snprintf(buf, sizeof buf, "%.3f s", v);
    } else if (unit == "ratio") {
        std::snprintf(buf, sizeof buf, "%.4f", v);
    } else if (unit == "count" && v == std::floor(v) && std::fabs(v) < 1e15) {
        std::snprintf(buf, sizeof buf, "%.0f", v);
    } else {
        std::snprintf(buf, sizeof buf, "%.4g %s", v, unit.c_str());
    }
    return buf;
}

/// The side-by-side table of --compare: every metric the live run measured that the simulated
/// report also has, with the relative difference (live - sim) / sim.
inline std::string compare_table(const models::metric_set& sim, const models::metric_set& live) {
    std::string out;
    char line[256];
    std::snprintf(line, sizeof line, "%-36s %16s %16s %10s\n", "metric", "simulated", "live", "diff");
    out += line;
    out += std::string(81, '-') + "\n";
    for (const auto& m : live.items()) {
        const auto* s = sim.find(m.name);
        if (!s) continue;
        std::string diff = "-";
        if (s->value != 0) {
            char d[32];
            std::snprintf(d, sizeof d, "%+.1f%%", (m.value - s->value) / std::fabs(s->value) * 100.0);
            diff = d;
        } else if (m.value == 0) {
            diff = "0";
        }
        std::snprintf(line, sizeof line, "%-36s %16s %16s %10s\n", m.name.c_str(), format_value(s->value, s->unit).c_str(),
                      format_value(m.value, m.unit).c_str(), diff.c_str());
        out += line;
    }
    return out;
}

} // namespace surge::replay
