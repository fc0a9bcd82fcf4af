// sim/plan.hpp — the searches of `surge plan`, over one axis of a scenario, each probe a point of
// sim/sweep.hpp run with several seeds; a probe passes when every threshold holds in every seed.
//
//   minimize   the smallest value of an integer parameter (/server/workers) in lo..hi that passes,
//              on an axis where more is better: probe lo; then gallop, lo + 1, lo + 2, lo + 4, ...
//              (capped at hi) until one passes; then bisect between the last failure and the first
//              pass. O(log(answer - lo)) probes.
//   max_load   the highest rate (/load/0/rate) in lo..hi that passes, on an axis where more is
//              worse: probe lo; gallop x2 until one fails (or hi passes); then bisect in log space
//              until the bracket is within `precision` (midpoints rounded to 4 significant digits,
//              so that the values stay readable). And the knee: the lowest rate probed whose
//              delivery p99 (mean across seeds) exceeds knee_factor x its value at lo, found the
//              same way (gallop, then bisection) on the probes' p99.
// Every probe is kept in visit order; a search assumes its axis monotone and checks it on the
// probes visited: a pass beyond a failure (minimize: a failure above a pass) is a warning.
// The command is tools/commands/plan_command.hpp; docs/scaling.md.
#pragma once

#include <sim/sweep.hpp>

#include <models/metric_catalogue.hpp>

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace surge::sim::plan {

using sweep::ojson;

/// Runs every seed of a point (the command decides where: threads or MPI ranks).
using evaluator = std::function<std::vector<sweep::seed_run>(const sweep::point&)>;

enum class mode : std::uint8_t { minimize, max_load };

struct plan_result {
    plan::mode mode = mode::minimize;
    std::string pointer;
    double lo = 0, hi = 0;
    sweep::quantity kind = sweep::quantity::integer;
    std::vector<sweep::point_summary> probes;   // in visit order
    std::optional<double> answer;               // the smallest passing value / the highest passing load
    std::optional<double> failing_neighbour;    // the probe that brackets the answer from the other side
    // max_load only: the knee.
    double knee_factor = 0;
    std::optional<double> base_p99;             // delivery p99 at lo
    std::optional<double> knee;                 // the lowest probed load past knee_factor x base_p99
    std::optional<double> below_knee;           // the highest probed load below it
    std::vector<std::string> warnings;
    int interrupted = 0;
};

namespace detail {

/// `x` rounded to 4 significant digits (a midpoint of the bisection in log space), as the double
/// nearest the decimal text, so that it prints as "348.9/s", not "348.90000000000003/s".
inline double round4(double x) {
    if (!(x > 0) || !std::isfinite(x)) return x;
    const std::string t = fmt::format("{:.4g}", x);
    double v = x;
    std::from_chars(t.data(), t.data() + t.size(), v);
    return v;
}

} // namespace detail

/// Probes by value, cached: a value is run once however often the searches ask.
class prober {
public:
    prober(plan_result& r, const evaluator& eval, std::size_t thresholds, std::function<bool()> stopped)
        : r_(r), eval_(eval), thresholds_(thresholds), stopped_(std::move(stopped)) {}

    const sweep::point_summary* operator()(double v) {
        if (const auto it = seen_.find(v); it != seen_.end()) return &r_.probes[it->second];
        if (stopped_ && stopped_()) return nullptr;
        sweep::point p{{r_.pointer, sweep::value_of(r_.kind, v)}};
        auto runs = eval_(p);
        if (stopped_ && stopped_()) return nullptr;  // a probe cut short says nothing
        r_.probes.push_back(sweep::summarise_point(r_.probes.size(), std::move(p), std::move(runs), thresholds_));
        seen_.emplace(v, r_.probes.size() - 1);
        return &r_.probes.back();
    }
    [[nodiscard]] const std::map<double, std::size_t>& seen() const { return seen_; }

private:
    plan_result& r_;
    const evaluator& eval_;
    std::size_t thresholds_;
    std::function<bool()> stopped_;
    std::map<double, std::size_t> seen_;
};

inline bool passes(const sweep::point_summary* s) { return s != nullptr && s->verdict == sweep::verdict::pass; }

/// The monotonicity check on the probes: with `rising` (minimize), a value that fails above one
/// that passes; else (max_load) one that passes above one that fails.
inline void check_monotone(plan_result& r, const prober& p, bool rising) {
    std::optional<double> first_pass, first_fail;
    for (const auto& [v, i] : p.seen()) {  // ascending values
        const bool ok = r.probes[i].verdict == sweep::verdict::pass;
        if (rising && ok && !first_pass) first_pass = v;
        if (rising && !ok && first_pass) {
            r.warnings.push_back(fmt::format("{} is not monotone on the probes: {} passes but {} fails; the answer is where the bisection ended",
                                             r.pointer, sweep::value_text(sweep::value_of(r.kind, *first_pass)),
                                             sweep::value_text(sweep::value_of(r.kind, v))));
            return;
        }
        if (!rising && !ok && !first_fail) first_fail = v;
        if (!rising && ok && first_fail) {
            r.warnings.push_back(fmt::format("{} is not monotone on the probes: {} fails but {} passes; the answer is where the bisection ended",
                                             r.pointer, sweep::value_text(sweep::value_of(r.kind, *first_fail)),
                                             sweep::value_text(sweep::value_of(r.kind, v))));
            return;
        }
    }
}

/// The metric check of a minimize: as the value rises, no threshold's metric may move the wrong
/// way ("<" limits: up; ">" limits: down) between neighbouring probes by more than both 95 % CIs
/// together and 5 % of the lower value's mean. (The pass/fail verdicts of a gallop and bisection
/// cannot contradict each other; the metrics can.)
inline void check_metrics_monotone(plan_result& r, const prober& p, const std::vector<threshold>& thresholds) {
    std::vector<const sweep::point_summary*> by_value;
    for (const auto& [v, i] : p.seen()) by_value.push_back(&r.probes[i]);
    for (const auto& t : thresholds) {
        const bool lower_better = t.comparison == threshold::op::lt || t.comparison == threshold::op::le;
        const bool higher_better = t.comparison == threshold::op::gt || t.comparison == threshold::op::ge;
        if (!lower_better && !higher_better) continue;
        for (std::size_t k = 1; k < by_value.size(); ++k) {
            const auto* a = by_value[k - 1]->metric(t.metric);
            const auto* b = by_value[k]->metric(t.metric);
            if (a == nullptr || b == nullptr) continue;
            const double worse = lower_better ? b->mean - a->mean : a->mean - b->mean;
            const double noise = std::max((a->has_ci ? a->ci95 : 0) + (b->has_ci ? b->ci95 : 0), 0.05 * std::abs(a->mean));
            if (worse > noise) {
                r.warnings.push_back(fmt::format("{} is not monotone in {}: its mean moves the wrong way from {} to {} ({} -> {})", t.metric, r.pointer,
                                                 sweep::value_text(by_value[k - 1]->values.front().value),
                                                 sweep::value_text(by_value[k]->values.front().value), format_value(a->mean, a->unit),
                                                 format_value(b->mean, b->unit)));
                break;
            }
        }
    }
}

/// The smallest integer in lo..hi that passes (none when hi fails).
inline plan_result minimize(const std::string& pointer, std::int64_t lo, std::int64_t hi, const evaluator& eval,
                            const std::vector<threshold>& thresholds, const std::function<bool()>& stopped = {}) {
    plan_result r;
    r.mode = mode::minimize;
    r.pointer = pointer;
    r.lo = static_cast<double>(lo);
    r.hi = static_cast<double>(hi);
    r.kind = sweep::quantity::integer;
    prober probe(r, eval, thresholds.size(), stopped);
    const auto at = [&](std::int64_t v) { return probe(static_cast<double>(v)); };
    const auto* s = at(lo);
    if (s == nullptr) return r;
    if (passes(s)) {
        r.answer = r.lo;
    } else {
        std::int64_t fail = lo, step = 1;
        std::optional<std::int64_t> pass;
        while (fail < hi) {
            const std::int64_t v = hi - fail <= step ? hi : fail + step;
            s = at(v);
            if (s == nullptr) return r;
            if (passes(s)) {
                pass = v;
                break;
            }
            fail = v;
            step *= 2;
        }
        if (pass) {
            while (*pass - fail > 1) {
                const std::int64_t mid = fail + (*pass - fail) / 2;
                s = at(mid);
                if (s == nullptr) return r;
                if (passes(s)) pass = mid;
                else fail = mid;
            }
            r.answer = static_cast<double>(*pass);
        }
        r.failing_neighbour = static_cast<double>(fail);
    }
    check_monotone(r, probe, true);
    check_metrics_monotone(r, probe, thresholds);
    return r;
}

/// The mean delivery p99 of a probe, if measured.
inline std::optional<double> p99_of(const sweep::point_summary& s) {
    const auto* m = s.metric(models::metric_of(models::metric_id::delivery_latency_p99).name);
    if (m == nullptr || m->n == 0) return std::nullopt;
    return m->mean;
}

/// The highest rate in lo..hi (events per second) that passes, within `precision`, and the knee.
inline plan_result max_load(const std::string& pointer, double lo, double hi, const evaluator& eval, std::size_t thresholds, double precision,
                            double knee_factor, const std::function<bool()>& stopped = {}) {
    plan_result r;
    r.mode = mode::max_load;
    r.pointer = pointer;
    r.lo = lo;
    r.hi = hi;
    r.kind = sweep::quantity::rate;
    r.knee_factor = knee_factor;
    prober probe(r, eval, thresholds, stopped);
    // A search for the lowest value in lo..hi where `bad` holds, given that it does not at lo:
    // gallop x2, then bisect in log space to `precision`. Returns (highest good, lowest bad).
    const auto search = [&](double start, const std::function<bool(const sweep::point_summary&)>& bad)
        -> std::optional<std::pair<double, std::optional<double>>> {
        double good = start;
        std::optional<double> worse;
        // Any probe already run above `good` that is bad brackets it from above.
        for (const auto& [v, i] : probe.seen())
            if (v > good && bad(r.probes[i])) {
                worse = v;
                break;
            }
        for (const auto& [v, i] : probe.seen())
            if (v > good && (!worse || v < *worse) && !bad(r.probes[i])) good = v;
        while (!worse && good < hi) {
            const double v = std::min(hi, good * 2);
            const auto* s = probe(v);
            if (s == nullptr) return std::nullopt;
            if (bad(*s)) worse = v;
            else good = v;
        }
        while (worse && *worse / good > 1 + precision) {
            const double mid = detail::round4(std::sqrt(good * *worse));
            if (!(mid > good && mid < *worse)) break;
            const auto* s = probe(mid);
            if (s == nullptr) return std::nullopt;
            if (bad(*s)) worse = mid;
            else good = mid;
        }
        return std::make_pair(good, worse);
    };
    const auto* first = probe(lo);
    if (first == nullptr) return r;
    r.base_p99 = p99_of(*first);
    if (passes(first)) {
        const auto load = search(lo, [](const sweep::point_summary& s) { return !passes(&s); });
        if (!load) return r;
        r.answer = load->first;
        r.failing_neighbour = load->second;
    } else {
        r.failing_neighbour = lo;
        r.warnings.push_back("the lowest load of the range, " + sweep::value_text(sweep::value_of(r.kind, lo)) + ", already fails a threshold");
    }
    if (r.base_p99 && *r.base_p99 > 0) {
        const double limit = knee_factor * *r.base_p99;
        const auto knee = search(lo, [&](const sweep::point_summary& s) {
            const auto p = p99_of(s);
            return !p || *p > limit;  // no deliveries measured at all: past any knee
        });
        if (!knee) return r;
        r.below_knee = knee->first;
        r.knee = knee->second;
    }
    check_monotone(r, probe, false);
    return r;
}

/// plan.json: keys in this order; docs/scaling.md describes each.
inline ojson plan_json(const plan_result& r, const sweep::base_scenario& base, const std::vector<std::uint64_t>& seeds) {
    const auto val = [&](const std::optional<double>& v) -> ojson { return v ? ojson(sweep::value_of(r.kind, *v)) : ojson(nullptr); };
    ojson j;
    j["plan_schema_version"] = 1;
    j["surge_version"] = SURGE_VERSION;
    j["scenario"] = {{"name", base.name}, {"file", base.file}, {"overrides", base.sets}};
    j["mode"] = r.mode == mode::minimize ? "minimize" : "max_load";
    j["pointer"] = r.pointer;
    j["range"] = {val(r.lo), val(r.hi)};
    j["seeds"] = seeds;
    j["thresholds"] = sweep::thresholds_json(base.thresholds);
    j["answer"] = val(r.answer);
    j["failing_neighbour"] = val(r.failing_neighbour);
    if (r.mode == mode::max_load) {
        ojson k = {{"factor", r.knee_factor}, {"metric", models::metric_of(models::metric_id::delivery_latency_p99).name}};
        k["base_p99"] = r.base_p99 ? ojson(*r.base_p99) : ojson(nullptr);
        k["load"] = val(r.knee);
        k["below"] = val(r.below_knee);
        j["knee"] = std::move(k);
    }
    j["warnings"] = r.warnings;
    j["completed"] = r.interrupted == 0;
    if (r.interrupted != 0) j["interrupted"] = signal_name(r.interrupted);
    ojson probes = ojson::array();
    for (const auto& p : r.probes) probes.push_back(sweep::summary_json(p, base.thresholds));
    j["probes"] = std::move(probes);
    return j;
}

} // namespace surge::sim::plan
