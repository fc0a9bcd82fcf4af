// sim/calibrate.hpp — fitting a scenario's service parameters to live reports (`surge calibrate`,
// issue 14): the model's costs, link latency and handshake are chosen so that simulating the load
// each live report ran reproduces what that run measured. docs/calibration.md is the user's side.
//
// Method, in two steps:
// 1. First estimates in closed form from the live report at the lowest load, where queueing is
//    small: the fan-out of a broadcast against its recipient count gives the cost per emit; the
//    publish latency less one emit gives the cost per notification; delivery latency less publish
//    latency gives the link's one-way latency; connection time less the link and the connect cost
//    gives the handshake. (The utilisation law is the cross-check when the live report carries the
//    server's CPU: docs/calibration.md.)
// 2. Nelder–Mead over the logarithms of the free parameters (so they stay positive and a step is a
//    ratio), each evaluation a full simulation of every live report's load with fixed seeds,
//    minimising the sum over reports of the squared log ratios model/live of delivery throughput,
//    delivery latency p50/p90/p99, publish latency mean and connection time mean. Deterministic:
//    the same inputs give the same fit on every machine.
//
// Every simulated run takes the live report's own scenario document (its users, load, duration:
// what was replayed, after its --set overrides) with the service sections (links, server,
// offline_queue, database, degradation) of the scenario being calibrated, then the free
// parameters as --set overrides. A live run at --time-scale other than 1 ran another load than its
// document says, so it is refused.
//
// The residual of every metric of every report is judged against the bounds (±15 %, p99
// ±25 %); a metric that no parameter set brings within them is named with what it suggests
// (saturation, a mechanism the model lacks) instead of a bad fit being reported as good.
#pragma once

#include <sim/load.hpp>
#include <sim/report_reader.hpp>
#include <sim/run.hpp>

#include <models/metric_catalogue.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <numeric>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace surge::sim::calibration {

using models::metric_id;

/// One live report, as calibration uses it.
struct observation {
    std::string file;
    nlohmann::json document;          // the scenario the replay ran (after its overrides)
    std::uint64_t seed = 1;
    models::metric_set metrics;       // what it measured
};

/// Reads a `surge replay` report. Throws report_error (bad input: exit 2) for a file that is not
/// one, or one calibration cannot use.
inline observation read_observation(const std::string& path) {
    const auto doc = read_report_json<nlohmann::json>(path);
    if (!doc.is_object()) throw report_error(path + ": not a surge report (not a JSON object)");
    const auto mode = doc.find("mode");
    if (mode == doc.end() || !mode->is_string())
        throw report_error(path + ": not a surge report (no \"mode\")");
    if (mode->get<std::string>() != "live")
        throw report_error(path + ": /mode: expected \"live\" (a report of surge replay), found \"" + mode->get<std::string>() +
                           "\"; calibration fits the model to measurements of the real service");
    const auto sc = doc.find("scenario");
    if (sc == doc.end() || !sc->is_object() || !sc->contains("document") || !(*sc)["document"].is_object())
        throw report_error(path + ": /scenario/document: expected the scenario the replay ran (an object), found none");
    observation o;
    o.file = path;
    o.document = (*sc)["document"];
    if (const auto s = doc.find("seed"); s != doc.end() && s->is_number_unsigned()) o.seed = s->get<std::uint64_t>();
    if (const auto live = doc.find("live"); live != doc.end() && live->is_object()) {
        const auto ts = live->find("time_scale");
        if (ts != live->end() && ts->is_number() && ts->get<double>() != 1.0)
            throw report_error(path + ": /live/time_scale: expected 1, found " + ts->dump() +
                               "; a run at --time-scale K offered K times the scenario's rates, which the scenario "
                               "document does not say: replay at --time-scale 1 (or --set the rates) to calibrate");
    }
    o.metrics = report_metrics(doc, path);
    return o;
}

/// A free parameter: a duration at a JSON pointer of the scenario, written as a fixed value.
struct parameter {
    std::string pointer;
    double initial_seconds = 0;
    std::string estimate;              // how the first estimate was found
    double fitted_seconds = 0;
};

/// The metrics the fit compares, with the bound each residual is judged by and its weight.
struct target {
    metric_id id;
    double bound;
    double weight;
};

inline const std::vector<target>& targets() {
    static const std::vector<target> t{
        {metric_id::delivery_throughput, 0.15, 1.0},     {metric_id::delivery_latency_p50, 0.15, 1.0},
        {metric_id::delivery_latency_p90, 0.15, 1.0},    {metric_id::delivery_latency_p99, 0.25, 0.5},
        {metric_id::operations_latency_mean, 0.15, 1.0}, {metric_id::connections_time_mean, 0.15, 1.0},
    };
    return t;
}

/// One metric of one report after the fit.
struct residual {
    std::size_t observation = 0;
    metric_id metric{};
    double live = 0;
    double model = 0;
    double error = 0;                  // (model - live) / live
    double bound = 0;
    /// The server's CPU time (metric_id::live_server_cpu_seconds) between two reports: the CPU
    /// time beyond this report's (the utilisation law on the difference, which a fixed CPU cost
    /// of the process does not bias).
    std::optional<std::size_t> relative_to;
    [[nodiscard]] bool within() const { return std::isfinite(error) && std::abs(error) <= bound; }
};

struct options {
    std::vector<std::string> free;     // pointers; empty: the default set
    std::uint32_t seeds = 1;           // simulated runs per report and evaluation (seed, seed+1, ...)
    std::uint32_t max_evaluations = 200;    // per fit (per workers candidate)
    /// Workers to try (an integer does not go into the simplex): a fit for each, the best kept.
    /// Empty: the scenario's workers, given.
    std::vector<std::int64_t> workers;
    const std::atomic<int>* stop = nullptr;
};

struct result {
    std::vector<parameter> parameters;
    std::vector<residual> residuals;
    std::vector<std::string> findings;  // a metric that resists, and what it suggests
    std::vector<std::string> notes;     // cross-checks (utilisation law)
    double objective = 0;
    std::uint32_t evaluations = 0;
    /// options::workers: each candidate's objective, in the order tried; `workers` the one kept.
    std::vector<std::pair<std::int64_t, double>> workers_tried;
    std::optional<std::int64_t> workers;
    bool interrupted = false;
    nlohmann::json calibrated;          // the scenario document with the fitted values
    [[nodiscard]] bool fits() const {
        return std::all_of(residuals.begin(), residuals.end(), [](const residual& r) { return r.within(); });
    }
};

/// The sections of a scenario that describe the service (the rest describes users and load).
inline const std::vector<std::string>& service_sections() {
    static const std::vector<std::string> s{"links", "server", "offline_queue", "database", "degradation"};
    return s;
}

/// A duration as the scenarios write it, to the nanosecond.
inline std::string duration_text(double seconds) {
    const auto ns = static_cast<std::int64_t>(std::llround(std::clamp(seconds, 1e-9, 3600.0) * 1e9));
    return std::to_string(std::max<std::int64_t>(1, ns)) + "ns";
}

/// `doc` with every service section replaced by `service`'s (or removed where `service` has none).
inline nlohmann::json with_service(nlohmann::json doc, const nlohmann::json& service) {
    for (const auto& key : service_sections()) {
        doc.erase(key);
        if (service.contains(key)) doc[key] = service[key];
    }
    return doc;
}

namespace detail {

inline std::optional<double> get(const models::metric_set& m, metric_id id) {
    const auto v = m.get(id);
    if (!v || !std::isfinite(*v)) return std::nullopt;
    return v;
}

/// What a model run gives the fit: its metrics, and its workers' busy time in seconds (what a
/// live server's CPU time is compared with).
struct model_run {
    models::metric_set metrics;
    double busy_seconds = 0;
};

/// Runs `doc` with `params` set, `seeds` times; the metrics averaged over the seeds. Throws
/// input_error when the values make the scenario invalid.
inline model_run simulate(const nlohmann::json& doc, const std::string& name, const std::vector<parameter>& params,
                          const std::vector<double>& seconds, std::uint64_t seed, std::uint32_t seeds,
                          const std::atomic<int>* stop) {
    std::vector<std::string> sets;
    for (std::size_t i = 0; i < params.size(); ++i) sets.push_back(params[i].pointer + "=\"" + duration_text(seconds[i]) + "\"");
    const auto loaded = load_scenario_text(doc.dump(), name, sets);
    model_run mean;
    std::vector<std::pair<std::string, double>> sums;
    std::vector<std::string> units;
    for (std::uint32_t k = 0; k < std::max<std::uint32_t>(1, seeds); ++k) {
        run_options ro;
        ro.seed = seed + k;
        ro.stop = stop;
        const auto r = run(loaded.scenario, ro);
        mean.busy_seconds += r.metrics.get(metric_id::server_utilization).value_or(0) *
                             static_cast<double>(loaded.scenario.server.workers) * r.virtual_seconds / std::max<std::uint32_t>(1, seeds);
        if (k == 0) {
            for (const auto& m : r.metrics.items()) {
                sums.emplace_back(m.name, m.value);
                units.push_back(m.unit);
            }
        } else {
            for (auto& [n, v] : sums) v += r.metrics.get(n).value_or(std::numeric_limits<double>::quiet_NaN());
        }
    }
    for (std::size_t i = 0; i < sums.size(); ++i)
        mean.metrics.set(sums[i].first, sums[i].second / std::max<std::uint32_t>(1, seeds), units[i]);
    return mean;
}

/// Squared log ratio, the term of one metric; a model value that is zero or missing costs as much
/// as being 1000 times off.
inline double term(double model, double live) {
    if (!(model > 0) || !(live > 0)) return std::pow(std::log(1000.0), 2);
    const double l = std::log(model / live);
    return l * l;
}

} // namespace detail

/// Minimises `f` over R^n from `x0` with the Nelder–Mead simplex (reflection 1, expansion 2,
/// contraction 1/2, shrink 1/2; the initial simplex steps `step` along each axis). Stops after
/// `max_evaluations`, when the simplex's values agree within `ftol` (absolute), or when `stop`
/// says so. Returns the best point and its value.
inline std::pair<std::vector<double>, double> nelder_mead(const std::function<double(const std::vector<double>&)>& f,
                                                         std::vector<double> x0, double step, std::uint32_t max_evaluations,
                                                         double ftol = 1e-6, const std::function<bool()>& stop = {}) {
    const std::size_t n = x0.size();
    std::uint32_t evaluations = 0;
    const auto eval = [&](const std::vector<double>& x) {
        ++evaluations;
        const double v = f(x);
        return std::isfinite(v) ? v : std::numeric_limits<double>::max();
    };
    std::vector<std::pair<std::vector<double>, double>> s;
    s.emplace_back(x0, eval(x0));
    for (std::size_t i = 0; i < n; ++i) {
        auto x = x0;
        x[i] += step;
        s.emplace_back(x, eval(x));
    }
    const auto by_value = [](const auto& a, const auto& b) { return a.second < b.second; };
    while (evaluations < max_evaluations && !(stop && stop())) {
        std::stable_sort(s.begin(), s.end(), by_value);
        if (n == 0 || std::abs(s.back().second - s.front().second) <= ftol) break;
        std::vector<double> c(n, 0.0);  // centroid of all but the worst
        for (std::size_t j = 0; j < n; ++j)
            for (std::size_t i = 0; i < n; ++i) c[i] += s[j].first[i] / static_cast<double>(n);
        const auto along = [&](double t) {
            std::vector<double> x(n);
            for (std::size_t i = 0; i < n; ++i) x[i] = c[i] + t * (s.back().first[i] - c[i]);
            return x;
        };
        auto xr = along(-1.0);
        const double fr = eval(xr);
        if (fr < s.front().second) {
            auto xe = along(-2.0);
            const double fe = eval(xe);
            s.back() = fe < fr ? std::make_pair(std::move(xe), fe) : std::make_pair(std::move(xr), fr);
        } else if (fr < s[n - 1].second) {
            s.back() = {std::move(xr), fr};
        } else {
            const bool outside = fr < s.back().second;
            auto xc = along(outside ? -0.5 : 0.5);
            const double fc = eval(xc);
            if (fc < (outside ? fr : s.back().second)) {
                s.back() = {std::move(xc), fc};
            } else {
                for (std::size_t j = 1; j <= n; ++j) {
                    for (std::size_t i = 0; i < n; ++i) s[j].first[i] = s[0].first[i] + 0.5 * (s[j].first[i] - s[0].first[i]);
                    s[j].second = eval(s[j].first);
                }
            }
        }
    }
    std::stable_sort(s.begin(), s.end(), by_value);
    return {s.front().first, s.front().second};
}

/// The free parameters and their first estimates from the report at the lowest load.
inline std::vector<parameter> first_estimates(const sim::scenario& base, const std::vector<observation>& obs,
                                              const std::vector<std::string>& free) {
    using detail::get;
    // The report with the least delivery throughput is the one with the least queueing.
    std::size_t low = 0;
    for (std::size_t i = 1; i < obs.size(); ++i)
        if (get(obs[i].metrics, metric_id::delivery_throughput).value_or(0) <
            get(obs[low].metrics, metric_id::delivery_throughput).value_or(0))
            low = i;
    const auto& m = obs[low].metrics;
    const auto secs = [](const models::duration_dist& d) { return d.mean_seconds(); };
    const double d50 = get(m, metric_id::delivery_latency_p50).value_or(secs(base.links.latency) + secs(base.server.cost_per_notification));
    const double ops = get(m, metric_id::operations_latency_p50).value_or(d50 / 2);
    const double conn = get(m, metric_id::connections_time_p50).value_or(secs(base.links.handshake));
    const std::string where = " (" + obs[low].file + ")";

    double emit = secs(base.server.cost_per_message);
    std::string emit_how = "the scenario's value (no broadcast to measure it from)";
    const auto bt = get(m, metric_id::broadcast_time_mean);
    const auto n = get(m, metric_id::broadcast_recipients_mean);
    if (bt && n && *n > 1 && *bt > d50) {
        emit = (*bt - d50) / (*n - 1);
        emit_how = fmt::format("(broadcast time mean {:.3g} s - delivery p50 {:.3g} s) / ({:.0f} recipients - 1){}", *bt, d50, *n, where);
    }
    double notification = std::max(ops - emit, 1e-6);
    std::string notification_how = fmt::format("publish latency p50 {:.3g} s - one emit{}", ops, where);
    const double connect_cost = std::min(secs(base.server.cost_per_connect), 0.25 * conn);
    const std::int64_t queries = base.server.queries_per_notification;
    // The utilisation law, where the service's CPU time is known and comparable (an event loop):
    // CPU = publishes x cost per notification + deliveries x cost per emit + connects x connect cost.
    const auto cpu = get(m, metric_id::live_server_cpu_seconds);
    const double publishes = get(m, metric_id::notifications_published).value_or(0);
    const double deliveries = get(m, metric_id::delivery_delivered).value_or(0);
    const double connects = get(m, metric_id::connections_succeeded).value_or(0);
    if (cpu && publishes > 0 && base.server.concurrency == models::server_concurrency::event_loop) {
        if (deliveries * emit > 0.5 * *cpu) {
            emit = 0.5 * *cpu / deliveries;
            emit_how = fmt::format("utilisation law: at most half the CPU time {:.3g} s / {:.0f} deliveries{}", *cpu, deliveries, where);
        }
        const double share = (*cpu - deliveries * emit - connects * connect_cost) / publishes;
        if (share > 0 && share < notification) {
            notification = share;
            notification_how = fmt::format("utilisation law: (CPU {:.3g} s - deliveries x emit - connects x connect cost) / "
                                           "{:.0f} publishes{}", *cpu, publishes, where);
        }
    }
    const double query = queries > 0 ? std::max((ops - emit - notification) / static_cast<double>(queries), 1e-6)
                                     : secs(base.database.query);
    double link = std::max(d50 - ops, 0.1 * d50);
    std::string link_how = fmt::format("delivery latency p50 {:.3g} s - publish latency p50{}", d50, where);
    // The client's own measurements, where the report has them (surge replay): half a link's
    // round trip; the handshake's network parts (TCP, TLS, upgrade).
    if (const auto rtt = get(m, metric_id::live_link_rtt_p50); rtt && *rtt > 0) {
        link = *rtt / 2;
        link_how = fmt::format("half the links' round trip p50 {:.3g} s (WebSocket pings){}", *rtt, where);
    }
    double handshake = std::max(conn - link - connect_cost, 0.1 * conn);
    std::string handshake_how = fmt::format("connection time p50 {:.3g} s - link latency - connect cost{}", conn, where);
    if (const auto tcp = get(m, metric_id::live_connect_tcp_mean); tcp && *tcp > 0) {
        handshake = *tcp + get(m, metric_id::live_connect_tls_mean).value_or(0) + get(m, metric_id::live_connect_upgrade_mean).value_or(0);
        handshake_how = fmt::format("TCP + TLS + upgrade means {:.3g} s{}", handshake, where);
    }

    std::vector<parameter> all{
        {"/server/cost_per_notification", notification, notification_how, 0},
        {"/server/cost_per_message", emit, emit_how, 0},
        {"/links/latency", link, link_how, 0},
        {"/links/handshake", handshake, handshake_how, 0},
        {"/server/cost_per_connect", connect_cost, "the scenario's value, at most a quarter of the connection time", 0},
        {"/database/query", query,
         fmt::format("(publish latency p50 - one emit - cost per notification) / {} queries{}", queries, where), 0},
    };
    std::vector<parameter> out;
    std::vector<std::string> defaults{"/server/cost_per_notification", "/server/cost_per_message", "/links/latency",
                                      "/links/handshake"};
    if (queries > 0) defaults.push_back("/database/query");
    if (cpu && base.server.concurrency == models::server_concurrency::event_loop) defaults.push_back("/server/cost_per_connect");
    for (const auto& p : free.empty() ? defaults : free) {
        const auto it = std::find_if(all.begin(), all.end(), [&](const parameter& q) { return q.pointer == p; });
        if (it != all.end()) {
            out.push_back(*it);
        } else {
            out.push_back({p, 1e-3, "no closed-form estimate: starts at 1 ms", 0});
        }
    }
    return out;
}

/// What a metric that stays outside its bound suggests.
inline std::string finding(const residual& r, const observation& o) {
    const auto& e = models::metric_of(r.metric);
    std::string s = fmt::format("{} in {} resists: model {:.4g}, live {:.4g} ({:+.0f} %, bound ±{:.0f} %). ", e.name, o.file, r.model,
                                r.live, 100 * r.error, 100 * r.bound);
    if (r.relative_to) s += "(The CPU time beyond the report at the least load.) ";
    switch (r.metric) {
    case metric_id::delivery_throughput:
        s += r.error > 0 ? "The live service delivered less than the model at this load: it saturates (or the load "
                           "generator does: see live.scheduling_lag) below the offered load; fit /server/workers or "
                           "check the client."
                         : "The model delivers less than the live service: too few workers or a cost too high for this "
                           "load; the model saturates where the service does not.";
        break;
    case metric_id::delivery_latency_p99:
        s += "The live tail differs from the model's queueing: a mechanism the model lacks (garbage collection "
             "pauses, the event loop batching writes, the client's own processing) or a latency with more spread "
             "(give /links/latency a p99).";
        break;
    case metric_id::live_server_cpu_seconds:
        s += r.error > 0 ? "The model's workers are busier than the service's CPU: part of what the fit made a cost "
                           "(worker time) is a delay that does not hold the loop (the link, the database, the client)."
                         : "The service uses more CPU than the model's workers: work the model does not have (pings, "
                           "garbage collection, TLS, logging), or a cost per connect the fit does not free "
                           "(--free /server/cost_per_connect).";
        break;
    case metric_id::connections_time_mean:
        s += "Connection time depends on more than handshake + connect cost + link: TLS, an auth call, a connection "
             "limit, or the server busy with publishes while clients connect.";
        break;
    default:
        s += r.error > 0 ? "The model is slower than the service here: a cost that shrinks with load (batching) or "
                           "one cost standing for two mechanisms (free /server/cost_per_connect, or the database)."
                         : "The model is faster than the service here: queueing the model lacks (a single event loop "
                           "shared with another task, CPU contention: --server-metrics shows the service's CPU), or "
                           "a cost that grows with load.";
        break;
    }
    return s;
}

namespace detail {

/// One fit, with the scenario's workers.
inline result calibrate_one(const nlohmann::json& scenario_doc, const std::string& scenario_file, const std::vector<observation>& obs,
                            const options& opt) {
    result out;
    const auto base = load_scenario_text(scenario_doc.dump(), scenario_file).scenario;
    out.parameters = first_estimates(base, obs, opt.free);
    std::vector<nlohmann::json> docs;
    for (const auto& o : obs) docs.push_back(with_service(o.document, scenario_doc));
    // Check every pointer once, with the first estimates, so that a bad one is bad input.
    {
        std::vector<double> x0;
        for (const auto& p : out.parameters) x0.push_back(p.initial_seconds);
        for (std::size_t i = 0; i < obs.size(); ++i) {
            try {
                (void)detail::simulate(docs[i], obs[i].file, out.parameters, x0, obs[i].seed, 1, opt.stop);
            } catch (const input_error& e) {
                throw input_error(std::string("calibrating ") + scenario_file + " against " + obs[i].file + ": " + e.what());
            }
        }
    }
    const auto stop = [&] { return opt.stop && opt.stop->load() != 0; };
    const auto model_runs = [&](const std::vector<double>& seconds) {
        std::vector<detail::model_run> ms;
        for (std::size_t i = 0; i < obs.size(); ++i)
            ms.push_back(detail::simulate(docs[i], obs[i].file, out.parameters, seconds, obs[i].seed, opt.seeds, opt.stop));
        return ms;
    };
    // The utilisation law's term: a live report with the server's CPU time (--server-metrics)
    // against the model's busy time, for an event loop (whose busy time is CPU time; a thread
    // that waits for the database is busy in the model and idle on the CPU).
    // With two reports or more, each report's CPU time beyond that of the report at the least load
    // is compared (a process's fixed CPU cost, its timers and idle connections, cancels out);
    // with one, its CPU time.
    const bool cpu_comparable = base.server.concurrency == models::server_concurrency::event_loop;
    std::vector<std::size_t> with_cpu;
    for (std::size_t i = 0; i < obs.size(); ++i)
        if (const auto cpu = detail::get(obs[i].metrics, metric_id::live_server_cpu_seconds); cpu_comparable && cpu && *cpu > 0)
            with_cpu.push_back(i);
    std::stable_sort(with_cpu.begin(), with_cpu.end(), [&](std::size_t a, std::size_t b) {
        return detail::get(obs[a].metrics, metric_id::delivery_throughput).value_or(0) <
               detail::get(obs[b].metrics, metric_id::delivery_throughput).value_or(0);
    });
    const auto cpu_of = [&](std::size_t i) { return *detail::get(obs[i].metrics, metric_id::live_server_cpu_seconds); };
    const target cpu_target{metric_id::live_server_cpu_seconds, 0.25, 1.0};
    const auto compared = [&](const std::vector<detail::model_run>& ms, auto&& each) {
        for (std::size_t i = 0; i < obs.size(); ++i)
            for (const auto& t : targets()) {
                const auto live = detail::get(obs[i].metrics, t.id);
                if (live && *live > 0) each(i, std::optional<std::size_t>{}, t, *live, detail::get(ms[i].metrics, t.id).value_or(0));
            }
        if (with_cpu.size() == 1) each(with_cpu[0], std::optional<std::size_t>{}, cpu_target, cpu_of(with_cpu[0]), ms[with_cpu[0]].busy_seconds);
        for (std::size_t k = 1; k < with_cpu.size(); ++k) {
            const std::size_t i = with_cpu[k], low = with_cpu[0];
            const double live = cpu_of(i) - cpu_of(low);
            if (live > 0) each(i, std::optional<std::size_t>(low), cpu_target, live, ms[i].busy_seconds - ms[low].busy_seconds);
        }
    };
    const auto objective = [&](const std::vector<double>& logs) {
        std::vector<double> seconds;
        for (const double l : logs) seconds.push_back(std::exp(l));
        ++out.evaluations;
        std::vector<detail::model_run> ms;
        try {
            ms = model_runs(seconds);
        } catch (const input_error&) {
            return std::numeric_limits<double>::max();
        }
        double sum = 0;
        compared(ms, [&](std::size_t, std::optional<std::size_t>, const target& t, double live, double model) {
            sum += t.weight * detail::term(model, live);
        });
        return sum;
    };
    std::vector<double> x0;
    for (const auto& p : out.parameters) x0.push_back(std::log(std::max(p.initial_seconds, 1e-9)));
    const auto [best, value] = nelder_mead(objective, x0, std::log(2.0), opt.max_evaluations, 1e-6, stop);
    out.interrupted = stop();
    out.objective = value;
    std::vector<double> seconds;
    for (std::size_t i = 0; i < best.size(); ++i) {
        seconds.push_back(std::exp(best[i]));
        out.parameters[i].fitted_seconds = seconds.back();
    }

    const auto ms = model_runs(seconds);
    compared(ms, [&](std::size_t i, std::optional<std::size_t> relative_to, const target& t, double live, double model) {
        out.residuals.push_back({i, t.id, live, model, (model - live) / live, t.bound, relative_to});
    });
    for (const auto& r : out.residuals)
        if (!r.within()) out.findings.push_back(finding(r, obs[r.observation]));
    for (std::size_t i = 0; i < obs.size(); ++i) {
        if (const auto ok = detail::get(obs[i].metrics, metric_id::delivery_success_rate); ok && *ok < 0.99)
            out.findings.push_back(fmt::format("{} delivered {:.1f} % of its notifications: calibration assumes a live run that "
                                               "was not losing any; its latencies describe the survivors only.",
                                               obs[i].file, 100 * *ok));
        if (const auto u = detail::get(ms[i].metrics, metric_id::server_utilization))
            out.notes.push_back(fmt::format("{}: the fitted model keeps the workers {:.0f} % busy ({:.3g} s of worker time; "
                                            "utilisation law: throughput x cost per request / workers){}.",
                                            obs[i].file, 100 * *u, ms[i].busy_seconds,
                                            detail::get(obs[i].metrics, metric_id::live_server_cpu_seconds)
                                                ? fmt::format("; the service used {:.3g} s of CPU",
                                                              *detail::get(obs[i].metrics, metric_id::live_server_cpu_seconds))
                                                : std::string("; replay with --server-metrics to compare the service's CPU")));
    }

    out.calibrated = scenario_doc;
    for (const auto& p : out.parameters) {
        auto doc = nlohmann::json(out.calibrated);
        (void)load_detail::apply_override(doc, p.pointer + "=\"" + duration_text(p.fitted_seconds) + "\"");
        out.calibrated = std::move(doc);
    }
    return out;
}

} // namespace detail

/// Fits the free parameters of `scenario_doc` (read from `scenario_file`) to `obs`; with
/// options::workers, once per candidate, keeping the fit with the least objective (the first of
/// equals).
inline result calibrate(const nlohmann::json& scenario_doc, const std::string& scenario_file, const std::vector<observation>& obs,
                        const options& opt) {
    if (opt.workers.empty()) return detail::calibrate_one(scenario_doc, scenario_file, obs, opt);
    std::optional<result> best;
    std::vector<std::pair<std::int64_t, double>> tried;
    std::uint32_t evaluations = 0;
    for (const std::int64_t w : opt.workers) {
        auto doc = scenario_doc;
        if (!doc.contains("server") || !doc["server"].is_object()) doc["server"] = nlohmann::json::object();
        doc["server"]["workers"] = w;
        result r = detail::calibrate_one(doc, scenario_file, obs, opt);
        evaluations += r.evaluations;
        tried.emplace_back(w, r.objective);
        const bool interrupted = r.interrupted;
        if (!best || r.objective < best->objective) {
            best = std::move(r);
            best->workers = w;
        }
        if (interrupted) break;
    }
    best->workers_tried = std::move(tried);
    best->evaluations = evaluations;
    return *best;
}

} // namespace surge::sim::calibration
