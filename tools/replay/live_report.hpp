// tools/replay/live_report.hpp — the report of a live run, and the side-by-side comparison with a
// simulated run's report (--compare).
//
// The document has the shape of a simulation report (docs/report.md, design notes §4) with mode
// "live": scenario, seed, versions, durations, metrics, thresholds with verdicts; plus a "live"
// object with what only a live run measures (protocol errors, the generator's scheduling lag, the
// uncorrected latency, warnings for scenario parts a client cannot apply). Header values never
// reach it: every string that came from the run has been redacted.
#pragma once

#include "replay.hpp"

#include <models/metrics.hpp>
#include <models/params.hpp>

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#ifndef SURGE_VERSION
#define SURGE_VERSION "0.0.0"
#endif

namespace surge::replay {

struct threshold_verdict {
    std::string metric;
    std::string expression;
    std::optional<double> value;   // nullopt: not measured
    bool pass = false;
};

inline bool compare(double v, models::threshold::op op, double limit) {
    using o = models::threshold::op;
    switch (op) {
    case o::lt: return v < limit;
    case o::le: return v <= limit;
    case o::gt: return v > limit;
    case o::ge: return v >= limit;
    case o::eq: return v == limit;
    case o::ne: return v != limit;
    }
    return false;
}

/// Each of the scenario's thresholds against the measured metrics; an unmeasured metric fails.
inline std::vector<threshold_verdict> evaluate_thresholds(const models::scenario& sc, const models::metric_set& m) {
    std::vector<threshold_verdict> out;
    for (const auto& t : sc.thresholds) {
        threshold_verdict v{t.metric, t.expression, m.get(t.metric), false};
        v.pass = v.value && compare(*v.value, t.comparison, t.value);
        out.push_back(std::move(v));
    }
    return out;
}

inline nlohmann::json histogram_summary(const histogram& h, double scale) {
    if (h.count() == 0) return nullptr;
    return {{"count", h.count()},
            {"p50", static_cast<double>(h.percentile(50.0)) * scale},
            {"p90", static_cast<double>(h.percentile(90.0)) * scale},
            {"p99", static_cast<double>(h.percentile(99.0)) * scale},
            {"p999", static_cast<double>(h.percentile(99.9)) * scale},
            {"max", static_cast<double>(h.max()) * scale}};
}

struct live_report_input {
    const models::scenario* scenario = nullptr;
    std::string scenario_file;
    std::string target;            // as given (no credentials are allowed in it)
    std::string protocol;          // "socketio" | "ws-json"
    double time_scale = 1;
    unsigned threads = 1;
    const replay_result* result = nullptr;
};

inline nlohmann::json make_live_report(const live_report_input& in, const std::vector<threshold_verdict>& verdicts) {
    const auto& r = in.result->run;
    const auto& live = in.result->live;
    nlohmann::json metrics = nlohmann::json::object();
    for (const auto& m : r.metrics.items()) metrics[m.name] = {{"value", m.value}, {"unit", m.unit}};
    nlohmann::json th = nlohmann::json::array();
    for (const auto& v : verdicts)
        th.push_back({{"metric", v.metric},
                      {"expression", v.expression},
                      {"value", v.value ? nlohmann::json(*v.value) : nlohmann::json(nullptr)},
                      {"verdict", v.value ? (v.pass ? "pass" : "fail") : "not measured"}});
    nlohmann::json j;
    j["report_version"] = 1;
    j["mode"] = "live";
    j["surge_version"] = SURGE_VERSION;
    j["scenario"] = r.scenario;
    j["scenario_file"] = in.scenario_file;
    j["seed"] = r.seed;
    j["trace_hash"] = nullptr;  // a live run has no deterministic trace
    j["virtual_seconds"] = r.virtual_seconds;
    j["wall_seconds"] = r.wall_seconds;
    j["events"] = r.events;
    j["peak_rss_bytes"] = r.peak_rss_bytes;
    j["completed"] = r.completed;
    j["error"] = r.error.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.error);
    j["metrics"] = metrics;
    j["thresholds"] = th;
    j["live"] = {{"target", in.target},
                 {"protocol", in.protocol},
                 {"time_scale", in.time_scale},
                 {"threads", in.threads},
                 {"protocol_errors", live.protocol_errors},
                 {"transport_errors", live.transport_errors},
                 {"received_without_sent_at", live.received_without_time},
                 {"publish_requests", live.publish_requests},
                 {"peak_open_connections", live.peak_open},
                 {"scheduling_lag_s", histogram_summary(live.scheduling_lag, 1e-9)},
                 {"uncorrected_delivery_latency_s", histogram_summary(live.uncorrected_latency, 1e-9)},
                 {"client_bytes_per_connection",
                  live.peak_open > 0 ? nlohmann::json(static_cast<double>(r.peak_rss_bytes) / static_cast<double>(live.peak_open))
                                     : nlohmann::json(nullptr)},
                 {"warnings", live.warnings},
                 {"errors", live.errors}};
    return j;
}

/// Metrics of a report document: {"metrics": {name: {"value": v, "unit": u}}} or a list of
/// {"name", "value", "unit"} objects (either layout).
inline models::metric_set metrics_of_report(const nlohmann::json& doc) {
    models::metric_set out;
    if (!doc.is_object() || !doc.contains("metrics")) return out;
    const auto& m = doc["metrics"];
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
