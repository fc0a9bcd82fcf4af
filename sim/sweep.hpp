// sim/sweep.hpp — many runs of one scenario: the points of a parameter study (`surge sweep`, and
// the probes of `surge plan`, sim/plan.hpp), each run with several seeds, and what a point's runs
// say together: every metric's mean and 95 % confidence interval across the seeds, each
// threshold's pass rate, the trace hashes, one verdict.
//
//   axes     "--vary /server/workers=4,8,16" (a list: each item JSON if it parses as JSON, else a
//            string, as --set reads it), "--vary /database/pool_size=10..50:10" (a range with a
//            step: integers, plain numbers, durations "1ms..5ms:1ms", rates "100/s..500/s:100/s").
//   points   the full-factorial grid of the --vary axes (the last axis varies fastest), crossed
//            with the --zip axes taken together (all of one length, item i with item i); or
//            --sample N: a Latin hypercube of N points over the --vary axes (each axis cut in N
//            strata, one point per stratum, strata paired by a random permutation per axis, drawn
//            from the stream (sample seed, "sweep.sample" + pointer), docs/random.md).
//   runs     point i with seed s: the scenario with the point's values set (--set's rules),
//            seeds base, base + 1, ..., base + n - 1 (base: --seed, else the scenario's), so that
//            a point's first run is `surge run --set ... --seed base`.
//
// Determinism: a run depends only on (scenario text, overrides, point, seed), and the summary of
// a sweep only on its runs in (point, seed) order, so the same sweep gives the same sweep.json
// whether it ran on one thread, N threads or N MPI ranks; only the "wall" object differs.
// The command is tools/commands/sweep_command.hpp; docs/scaling.md.
#pragma once

#include <sim/load.hpp>
#include <sim/report.hpp>
#include <sim/run.hpp>
#include <sim/units.hpp>

#include <models/metric_catalogue.hpp>

#include <surge/random.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <numeric>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace surge::sim::sweep {

using ojson = nlohmann::ordered_json;

/// The sweep format's version: bumped when a key changes meaning or disappears.
inline constexpr int sweep_schema_version = 1;

/// At most this many points (a grid's size is the product of its axes': bounded before anything
/// is built) and values per axis.
inline constexpr std::size_t max_points = 100000;

/// Bad sweep input (an axis that does not parse, too many points): exit 2.
struct sweep_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// ---------------------------------------------------------------------------------------------
// Axes
// ---------------------------------------------------------------------------------------------

/// What the values of a range are: they are generated, sampled and written back as this kind.
enum class quantity : std::uint8_t { integer, number, duration, rate };

/// "lo..hi[:step]" of one kind. lo, hi and step are in seconds for a duration, events per second
/// for a rate.
struct range {
    quantity kind = quantity::integer;
    double lo = 0, hi = 0;
    std::optional<double> step;
};

/// One axis: a pointer and either its listed values or a range.
struct axis {
    std::string pointer;
    std::string spec;                       // as given after '='
    std::vector<nlohmann::json> values;     // the list, or the range's values when it has a step
    std::optional<sim::sweep::range> range; // set for a range
};

namespace detail {

inline std::optional<double> number_of(std::string_view t) {
    double v = 0;
    const char* end = t.data() + t.size();
    const auto r = std::from_chars(t.data(), end, v);
    if (t.empty() || r.ec != std::errc{} || r.ptr != end || !std::isfinite(v)) return std::nullopt;
    return v;
}

inline bool is_integer_text(std::string_view t) {
    if (!t.empty() && (t[0] == '-' || t[0] == '+')) t.remove_prefix(1);
    return !t.empty() && t.size() <= 15 && std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// One end or step of a range, with its kind.
inline std::pair<quantity, double> quantity_of(std::string_view t, const std::string& what) {
    if (is_integer_text(t)) return {quantity::integer, *number_of(t[0] == '+' ? t.substr(1) : t)};
    if (const auto v = number_of(t)) return {quantity::number, *v};
    try {
        return {quantity::duration, surge::parse_duration(t).seconds_f()};
    } catch (const std::exception&) {}
    try {
        return {quantity::rate, parse_rate(t).per_second};
    } catch (const std::exception&) {}
    throw sweep_error(what + ": \"" + std::string(t) + "\" is not a number, a duration (40ms) or a rate (100/s)");
}

/// A number shortest-first ("0.1", "250"), for durations and rates written back.
inline std::string shortest(double v) {
    std::string s = fmt::format("{}", v);
    if (s.size() > 2 && s.ends_with(".0")) s.resize(s.size() - 2);
    return s;
}

} // namespace detail

/// A range's value as the scenario writes it: an integer, a number, "12ms" ("1.5s"), "250/s".
inline nlohmann::json value_of(quantity kind, double v) {
    switch (kind) {
    case quantity::integer: return static_cast<std::int64_t>(std::llround(v));
    case quantity::number: return v;
    case quantity::duration: {
        const double ns = std::round(v * 1e9);
        return to_string(surge::duration::nanoseconds(static_cast<std::int64_t>(ns)));
    }
    case quantity::rate: return detail::shortest(v) + "/s";
    }
    return v;
}

/// A value as a table shows it: strings without quotes.
inline std::string value_text(const nlohmann::json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

/// "POINTER=SPEC" of --vary / --zip. Ranges need a step here unless `step_optional` (--sample
/// draws from the whole interval). Throws sweep_error naming `option`.
inline axis parse_axis(const std::string& option, const std::string& text, bool step_optional = false) {
    const std::string where = option + " " + text;
    const auto eq = text.find('=');
    if (eq == std::string::npos || eq == 0 || text[0] != '/')
        throw sweep_error(where + ": expected POINTER=VALUES, e.g. /server/workers=4,8,16 or /database/pool_size=10..50:10");
    axis a;
    a.pointer = text.substr(0, eq);
    a.spec = text.substr(eq + 1);
    const std::string_view spec = a.spec;
    if (spec.empty()) throw sweep_error(where + ": no values after '='");
    const auto dots = spec.find("..");
    if (dots != std::string_view::npos && spec.find(',') == std::string_view::npos) {
        const auto colon = spec.find(':', dots + 2);
        const std::string_view lo_t = spec.substr(0, dots);
        const std::string_view hi_t = spec.substr(dots + 2, colon == std::string_view::npos ? std::string_view::npos : colon - dots - 2);
        auto [klo, lo] = detail::quantity_of(lo_t, where);
        auto [khi, hi] = detail::quantity_of(hi_t, where);
        std::optional<std::pair<quantity, double>> step;
        if (colon != std::string_view::npos) step = detail::quantity_of(spec.substr(colon + 1), where);
        // An integer end next to a number is a number; any other mix of kinds is an error.
        const auto join = [&](quantity x, quantity y) {
            if (x == y) return x;
            if ((x == quantity::integer && y == quantity::number) || (x == quantity::number && y == quantity::integer)) return quantity::number;
            throw sweep_error(where + ": the range's ends and step must be of one kind (numbers, durations or rates)");
        };
        quantity kind = join(klo, khi);
        if (step) kind = join(kind, step->first);
        if (!(hi >= lo)) throw sweep_error(where + ": the range's end is below its start");
        sim::sweep::range r{kind, lo, hi, std::nullopt};
        if (step) {
            if (!(step->second > 0)) throw sweep_error(where + ": the step must be > 0");
            r.step = step->second;
        }
        a.range = r;
        if (!r.step && kind == quantity::integer) r.step = 1;
        if (!r.step) {
            if (!step_optional) throw sweep_error(where + ": a range of " + (kind == quantity::duration ? "durations" : kind == quantity::rate ? "rates" : "numbers") +
                                                  " needs a step, e.g. " + std::string(lo_t) + ".." + std::string(hi_t) + ":STEP (or use --sample)");
            return a;
        }
        // Values lo, lo + step, ..., up to hi; computed as lo + k * step, not by accumulation.
        const double count = std::floor((hi - lo) / *r.step + 1e-9) + 1;
        if (count > static_cast<double>(max_points)) throw sweep_error(where + ": more than " + std::to_string(max_points) + " values");
        for (std::int64_t k = 0; k < static_cast<std::int64_t>(count); ++k) a.values.push_back(value_of(kind, lo + static_cast<double>(k) * *r.step));
        return a;
    }
    std::size_t start = 0;
    for (;;) {
        const auto comma = spec.find(',', start);
        const std::string item(spec.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
        if (item.empty()) throw sweep_error(where + ": an empty value in the list");
        a.values.push_back(nlohmann::json::accept(item) ? nlohmann::json::parse(item) : nlohmann::json(item));
        if (a.values.size() > max_points) throw sweep_error(where + ": more than " + std::to_string(max_points) + " values");
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    return a;
}

// ---------------------------------------------------------------------------------------------
// Points
// ---------------------------------------------------------------------------------------------

/// One value of one pointer.
struct assignment {
    std::string pointer;
    nlohmann::json value;
};

/// The assignments of a point, in axis order.
using point = std::vector<assignment>;

/// --set's text for an assignment: a string that would read as JSON of another type is quoted.
inline std::string set_text(const assignment& a) {
    if (a.value.is_string()) {
        const auto& s = a.value.get_ref<const std::string&>();
        return a.pointer + "=" + (nlohmann::json::accept(s) ? a.value.dump() : s);
    }
    return a.pointer + "=" + a.value.dump();
}

/// The full-factorial grid of `vary` (the last axis fastest) crossed with the `zip` axes taken
/// together. Throws sweep_error when the zip axes differ in length or there are too many points.
inline std::vector<point> grid(const std::vector<axis>& vary, const std::vector<axis>& zip) {
    double total = 1;
    for (const auto& a : vary) total *= static_cast<double>(a.values.size());
    std::size_t zip_len = 1;
    if (!zip.empty()) {
        zip_len = zip.front().values.size();
        for (const auto& a : zip)
            if (a.values.size() != zip_len)
                throw sweep_error("--zip " + a.pointer + ": " + std::to_string(a.values.size()) + " values, but --zip " + zip.front().pointer +
                                  " has " + std::to_string(zip_len) + " (zipped axes pair item i with item i)");
    }
    total *= static_cast<double>(zip_len);
    if (total > static_cast<double>(max_points))
        throw sweep_error("the sweep has " + fmt::format("{:.0f}", total) + " points, more than " + std::to_string(max_points));
    std::vector<point> out;
    const std::size_t n = static_cast<std::size_t>(total);
    out.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        point p;
        std::size_t rest = i;
        const std::size_t z = rest % zip_len;
        rest /= zip_len;
        std::vector<std::size_t> idx(vary.size());
        for (std::size_t k = vary.size(); k-- > 0;) {
            idx[k] = rest % vary[k].values.size();
            rest /= vary[k].values.size();
        }
        for (std::size_t k = 0; k < vary.size(); ++k) p.push_back({vary[k].pointer, vary[k].values[idx[k]]});
        for (const auto& a : zip) p.push_back({a.pointer, a.values[z]});
        out.push_back(std::move(p));
    }
    return out;
}

/// A Latin hypercube of `n` points over `vary` (docs/scaling.md): axis k is cut in n equal strata
/// of its range (of its list's indices); a random permutation per axis, from the stream
/// (seed, "sweep.sample" + pointer), assigns the strata to the points; within its stratum a
/// point's value is uniform (an integer range: the integer part of a uniform on [lo, hi + 1)).
inline std::vector<point> latin_hypercube(const std::vector<axis>& vary, std::size_t n, std::uint64_t seed) {
    if (n == 0 || n > max_points) throw sweep_error("--sample " + std::to_string(n) + ": expected 1.." + std::to_string(max_points));
    std::vector<point> out(n);
    for (const auto& a : vary) {
        rng g = make_stream(seed, "sweep.sample" + a.pointer);
        std::vector<std::size_t> strata(n);
        std::iota(strata.begin(), strata.end(), std::size_t{0});
        for (std::size_t i = n; i > 1; --i) std::swap(strata[i - 1], strata[g.below(i)]);  // Fisher-Yates
        for (std::size_t i = 0; i < n; ++i) {
            const double u = (static_cast<double>(strata[i]) + g.uniform01()) / static_cast<double>(n);  // in [0, 1)
            nlohmann::json v;
            if (a.range && !a.range->step) {  // a range without a step: the whole interval
                const auto& r = *a.range;
                if (r.kind == quantity::integer) v = static_cast<std::int64_t>(std::min(r.hi, std::floor(r.lo + u * (r.hi + 1 - r.lo))));
                else v = value_of(r.kind, r.lo + u * (r.hi - r.lo));
            } else {
                const auto k = std::min(a.values.size() - 1, static_cast<std::size_t>(u * static_cast<double>(a.values.size())));
                v = a.values[k];
            }
            out[i].push_back({a.pointer, std::move(v)});
        }
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// Runs
// ---------------------------------------------------------------------------------------------

/// What one run of one point with one seed gives: all a summary needs, and what an MPI rank sends
/// back (to_json / from_json: the doubles round-trip exactly).
struct seed_run {
    std::uint64_t seed = 0;
    std::uint64_t trace_hash = 0;
    bool completed = false;
    int interrupted = 0;
    std::string error;
    std::vector<models::metric> metrics;    // in the run's order
    std::vector<bool> passed;               // per threshold of the scenario, in its order
    double wall_seconds = 0;                // not in sweep.json's points (it differs run to run)
    /// Every threshold holds and the run completed.
    [[nodiscard]] bool pass() const {
        return completed && interrupted == 0 && std::all_of(passed.begin(), passed.end(), [](bool b) { return b; });
    }
};

inline ojson to_json(const seed_run& r) {
    ojson j = {{"seed", r.seed}, {"trace_hash", r.trace_hash}, {"completed", r.completed}, {"interrupted", r.interrupted},
               {"error", r.error}, {"wall_seconds", r.wall_seconds}};
    ojson m = ojson::array();
    for (const auto& x : r.metrics) m.push_back({x.name, x.value, x.unit});
    j["metrics"] = std::move(m);
    j["passed"] = r.passed;
    return j;
}

inline seed_run seed_run_from_json(const ojson& j) {
    seed_run r;
    r.seed = j.at("seed").get<std::uint64_t>();
    r.trace_hash = j.at("trace_hash").get<std::uint64_t>();
    r.completed = j.at("completed").get<bool>();
    r.interrupted = j.at("interrupted").get<int>();
    r.error = j.at("error").get<std::string>();
    r.wall_seconds = j.at("wall_seconds").get<double>();
    for (const auto& m : j.at("metrics")) r.metrics.push_back({m.at(0).get<std::string>(), m.at(1).get<double>(), m.at(2).get<std::string>()});
    r.passed = j.at("passed").get<std::vector<bool>>();
    return r;
}

/// A scenario's text and the overrides every run gets; the points add theirs.
struct base_scenario {
    std::string text;                   // the file's content, read once
    std::string file;                   // as given, for messages and the JSON
    std::vector<std::string> sets;      // --set overrides for every point
    std::uint64_t first_seed = 1;       // the first of a point's seeds
    std::string name;                   // the scenario's name
    std::vector<threshold> thresholds;  // the base scenario's (a point cannot change them)
};

/// `sets` and the point's assignments as --set texts.
inline std::vector<std::string> sets_of(const base_scenario& base, const point& p) {
    std::vector<std::string> s = base.sets;
    for (const auto& a : p) s.push_back(set_text(a));
    return s;
}

/// The point's scenario, loaded and validated: throws input_error naming the point's overrides.
inline loaded_scenario load_point(const base_scenario& base, const point& p) { return load_scenario_text(base.text, base.file, sets_of(base, p)); }

/// Runs the point's scenario with `seed` (already validated: load_point). `stop` as run_options.
inline seed_run run_point(const base_scenario& base, const point& p, std::uint64_t seed, const std::atomic<int>* stop = nullptr) {
    seed_run r;
    r.seed = seed;
    loaded_scenario loaded;
    try {
        loaded = load_point(base, p);
    } catch (const std::exception& e) {
        r.error = e.what();
        return r;
    }
    run_options opt;
    opt.seed = seed;
    opt.stop = stop;
    const run_result result = run(loaded.scenario, opt);
    r.trace_hash = result.trace_hash;
    r.completed = result.completed;
    r.interrupted = result.interrupted;
    r.error = result.error;
    r.wall_seconds = result.wall_seconds;
    // The model's metrics only: the host's (the catalogue's simulator group: peak RSS) differ
    // between processes and would make equal sweeps differ.
    for (const auto& m : result.metrics.items()) {
        const models::metric_entry* e = models::find_metric(m.name);
        if (e == nullptr || e->group != models::metric_group::simulator) r.metrics.push_back(m);
    }
    for (const auto& v : evaluate(loaded.scenario.thresholds, result.metrics)) r.passed.push_back(v.pass);
    return r;
}

/// Runs job(i) for i in [0, n) on `threads` threads (at least 1), each index once; job must not
/// throw. `stop()` polled before each index: once true, no more start.
inline void parallel_for(std::size_t n, unsigned threads, const std::function<void(std::size_t)>& job,
                         const std::function<bool()>& stop = {}) {
    std::atomic<std::size_t> next{0};
    const auto worker = [&] {
        for (;;) {
            if (stop && stop()) return;
            const std::size_t i = next.fetch_add(1);
            if (i >= n) return;
            job(i);
        }
    };
    const unsigned t = std::max(1u, std::min<unsigned>(threads, static_cast<unsigned>(std::min<std::size_t>(n, 1024))));
    std::vector<std::thread> pool;
    for (unsigned k = 1; k < t; ++k) pool.emplace_back(worker);
    worker();
    for (auto& th : pool) th.join();
}

// ---------------------------------------------------------------------------------------------
// Statistics across seeds
// ---------------------------------------------------------------------------------------------

/// The two-sided 95 % quantile of Student's t with `df` degrees of freedom: the table for
/// df <= 30 (to 3 decimals), then the Cornish-Fisher expansion around 1.959964.
inline double t95(std::size_t df) {
    static constexpr double table[] = {0,      12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                                       2.201,  2.179,  2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
                                       2.080,  2.074,  2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
    if (df == 0) return std::numeric_limits<double>::quiet_NaN();
    if (df <= 30) return table[df];
    const double z = 1.959964, n = static_cast<double>(df);
    const double z3 = z * z * z, z5 = z3 * z * z;
    return z + (z3 + z) / (4 * n) + (5 * z5 + 16 * z3 + 3 * z) / (96 * n * n);
}

/// A metric across a point's seeds: mean, the half-width of its 95 % confidence interval
/// (t95(n - 1) * s / sqrt(n); none for one seed), min, max, over the n seeds that measured it.
struct metric_summary {
    std::string name, unit;
    std::size_t n = 0;
    double mean = 0, ci95 = 0, min = 0, max = 0;
    bool has_ci = false;
};

inline metric_summary summarise(std::string name, std::string unit, const std::vector<double>& xs) {
    metric_summary s{std::move(name), std::move(unit), xs.size()};
    if (xs.empty()) return s;
    double sum = 0;
    for (const double x : xs) sum += x;
    s.mean = sum / static_cast<double>(xs.size());
    s.min = *std::min_element(xs.begin(), xs.end());
    s.max = *std::max_element(xs.begin(), xs.end());
    if (xs.size() >= 2) {
        double ss = 0;
        for (const double x : xs) ss += (x - s.mean) * (x - s.mean);
        const double sd = std::sqrt(ss / static_cast<double>(xs.size() - 1));
        s.ci95 = t95(xs.size() - 1) * sd / std::sqrt(static_cast<double>(xs.size()));
        s.has_ci = std::isfinite(s.ci95);
    }
    return s;
}

/// A point's verdict: every run passes every threshold, none does, or some do.
enum class verdict : std::uint8_t { pass, mixed, fail, error };

inline const char* verdict_name(verdict v) {
    switch (v) {
    case verdict::pass: return "pass";
    case verdict::mixed: return "mixed";
    case verdict::fail: return "fail";
    case verdict::error: return "error";
    }
    return "?";
}

/// What a point's runs say together.
struct point_summary {
    std::size_t index = 0;
    point values;
    std::vector<seed_run> runs;                 // in seed order
    std::vector<metric_summary> metrics;        // in the first run's order, then any others'
    std::vector<double> threshold_pass_rates;   // per threshold
    double pass_rate = 0;                       // of the runs that pass every threshold
    sweep::verdict verdict = verdict::fail;
    [[nodiscard]] const metric_summary* metric(std::string_view name) const {
        for (const auto& m : metrics)
            if (m.name == name) return &m;
        return nullptr;
    }
};

inline point_summary summarise_point(std::size_t index, point values, std::vector<seed_run> runs, std::size_t thresholds) {
    point_summary s;
    s.index = index;
    s.values = std::move(values);
    s.runs = std::move(runs);
    std::vector<std::string> order;
    std::map<std::string, std::pair<std::string, std::vector<double>>> by_name;
    for (const auto& r : s.runs)
        for (const auto& m : r.metrics) {
            auto [it, fresh] = by_name.try_emplace(m.name, m.unit, std::vector<double>{});
            if (fresh) order.push_back(m.name);
            it->second.second.push_back(m.value);
        }
    for (const auto& name : order) {
        auto& [unit, xs] = by_name.at(name);
        s.metrics.push_back(summarise(name, unit, xs));
    }
    const double n = static_cast<double>(std::max<std::size_t>(1, s.runs.size()));
    s.threshold_pass_rates.assign(thresholds, 0);
    std::size_t passing = 0;
    bool error = false;
    for (const auto& r : s.runs) {
        if (!r.completed && r.metrics.empty()) error = true;
        if (r.pass()) ++passing;
        for (std::size_t t = 0; t < thresholds && t < r.passed.size(); ++t)
            if (r.passed[t] && r.completed) s.threshold_pass_rates[t] += 1 / n;
    }
    s.pass_rate = static_cast<double>(passing) / n;
    s.verdict = error ? verdict::error : passing == s.runs.size() && !s.runs.empty() ? verdict::pass : passing == 0 ? verdict::fail : verdict::mixed;
    return s;
}

// ---------------------------------------------------------------------------------------------
// The sweep and its JSON
// ---------------------------------------------------------------------------------------------

struct sweep_result {
    base_scenario base;
    std::vector<axis> vary, zip;
    std::optional<std::size_t> sample;          // --sample N
    std::uint64_t sample_seed = 0;
    std::vector<std::uint64_t> seeds;
    std::vector<point_summary> points;          // those whose runs all ran, in index order
    std::size_t planned_points = 0;
    int interrupted = 0;                        // the signal that stopped the sweep, or 0
    // Wall-clock facts (the "wall" object: the only part that differs between equal sweeps).
    double wall_seconds = 0;
    unsigned jobs = 1;
    int ranks = 1;
};

inline ojson point_json(const point& p) {
    ojson j = ojson::object();
    for (const auto& a : p) j[a.pointer] = a.value;
    return j;
}

inline ojson axis_json(const axis& a, const char* how) {
    ojson j = {{"pointer", a.pointer}, {"spec", a.spec}, {"how", how}};
    if (!a.values.empty()) j["values"] = a.values;
    return j;
}

inline ojson metric_json(const metric_summary& m) {
    ojson j = {{"unit", m.unit}, {"n", m.n}, {"mean", m.mean}};
    if (m.has_ci) j["ci95"] = m.ci95;
    else j["ci95"] = nullptr;
    j["min"] = m.min;
    j["max"] = m.max;
    return j;
}

inline ojson summary_json(const point_summary& s, const std::vector<threshold>& thresholds) {
    ojson j = {{"index", s.index}, {"values", point_json(s.values)}, {"verdict", verdict_name(s.verdict)}, {"pass_rate", s.pass_rate}};
    ojson runs = ojson::array();
    for (const auto& r : s.runs) {
        ojson x = {{"seed", r.seed}, {"trace_hash", format_trace_hash(r.trace_hash)}, {"completed", r.completed}, {"pass", r.pass()}};
        if (!r.error.empty()) x["error"] = r.error;
        runs.push_back(std::move(x));
    }
    j["runs"] = std::move(runs);
    ojson th = ojson::array();
    for (std::size_t t = 0; t < thresholds.size(); ++t) {
        ojson x = {{"metric", thresholds[t].metric}, {"expression", thresholds[t].expression}, {"pass_rate", s.threshold_pass_rates[t]}};
        if (const auto* m = s.metric(thresholds[t].metric)) x["mean"] = m->mean;
        th.push_back(std::move(x));
    }
    j["thresholds"] = std::move(th);
    ojson ms = ojson::object();
    for (const auto& m : s.metrics) ms[m.name] = metric_json(m);
    j["metrics"] = std::move(ms);
    return j;
}

inline ojson thresholds_json(const std::vector<threshold>& thresholds) {
    ojson th = ojson::array();
    for (const auto& t : thresholds) th.push_back({{"metric", t.metric}, {"expression", t.expression}});
    return th;
}

/// sweep.json: keys in this order; docs/scaling.md describes each.
inline ojson sweep_json(const sweep_result& r) {
    ojson j;
    j["sweep_schema_version"] = sweep_schema_version;
    j["surge_version"] = SURGE_VERSION;
    j["scenario"] = {{"name", r.base.name}, {"file", r.base.file}, {"overrides", r.base.sets}};
    ojson axes = ojson::array();
    for (const auto& a : r.vary) axes.push_back(axis_json(a, r.sample ? "sample" : "grid"));
    for (const auto& a : r.zip) axes.push_back(axis_json(a, "zip"));
    j["axes"] = std::move(axes);
    if (r.sample) j["sample"] = {{"points", *r.sample}, {"seed", r.sample_seed}};
    j["seeds"] = r.seeds;
    j["thresholds"] = thresholds_json(r.base.thresholds);
    std::size_t pass = 0, mixed = 0, fail = 0, error = 0;
    for (const auto& p : r.points) {
        switch (p.verdict) {
        case verdict::pass: ++pass; break;
        case verdict::mixed: ++mixed; break;
        case verdict::fail: ++fail; break;
        case verdict::error: ++error; break;
        }
    }
    j["summary"] = {{"points", r.planned_points}, {"run", r.points.size()}, {"pass", pass}, {"mixed", mixed}, {"fail", fail}, {"error", error},
                    {"completed", r.points.size() == r.planned_points && r.interrupted == 0}};
    if (r.interrupted != 0) j["summary"]["interrupted"] = signal_name(r.interrupted);
    ojson pts = ojson::array();
    for (const auto& p : r.points) pts.push_back(summary_json(p, r.base.thresholds));
    j["points"] = std::move(pts);
    double run_wall = 0;
    for (const auto& p : r.points)
        for (const auto& s : p.runs) run_wall += s.wall_seconds;
    j["wall"] = {{"seconds", r.wall_seconds}, {"run_seconds", run_wall}, {"jobs", r.jobs}, {"ranks", r.ranks},
                 {"points_per_second", r.wall_seconds > 0 ? static_cast<double>(r.points.size()) / r.wall_seconds : 0.0}};
    return j;
}

/// The points in the order a table lists them: pass, mixed, fail, error, then by index.
inline std::vector<const point_summary*> by_verdict(const std::vector<point_summary>& points) {
    std::vector<const point_summary*> out;
    for (const auto& p : points) out.push_back(&p);
    std::stable_sort(out.begin(), out.end(), [](const point_summary* a, const point_summary* b) { return a->verdict < b->verdict; });
    return out;
}

/// "1.2s ± 0.03s" (the CI's half-width, none for one seed).
inline std::string mean_ci_text(const metric_summary& m) {
    std::string s = format_value(m.mean, m.unit);
    if (m.has_ci) s += " ± " + format_value(m.ci95, m.unit);
    return s;
}

/// The CSV: one row per point (index order): index, each axis's value, verdict, pass rate, then
/// each metric's mean and CI half-width (columns NAME and NAME.ci95, the metrics of the first
/// point in order). Strings quoted as RFC 4180 when needed.
inline std::string sweep_csv(const sweep_result& r) {
    const auto cell = [](std::string s) {
        if (s.find_first_of(",\"\n") == std::string::npos) return s;
        std::string q = "\"";
        for (const char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
        return q + "\"";
    };
    std::vector<std::string> names;
    for (const auto& p : r.points)
        for (const auto& m : p.metrics)
            if (std::find(names.begin(), names.end(), m.name) == names.end()) names.push_back(m.name);
    // Appended piece by piece: GCC 12 at -O3 reports a false -Wrestrict for "," + std::string.
    std::string out = "index";
    const auto add = [&out](std::string_view piece) {
        out += ',';
        out += piece;
    };
    if (!r.points.empty())
        for (const auto& a : r.points.front().values) add(cell(a.pointer));
    add("verdict");
    add("pass_rate");
    for (const auto& n : names) {
        add(cell(n));
        add(cell(n + ".ci95"));
    }
    out += '\n';
    for (const auto& p : r.points) {
        out += std::to_string(p.index);
        for (const auto& a : p.values) add(cell(value_text(a.value)));
        add(verdict_name(p.verdict));
        add(fmt::format("{}", p.pass_rate));
        for (const auto& n : names) {
            const auto* m = p.metric(n);
            add(m ? fmt::format("{}", m->mean) : std::string());
            add(m && m->has_ci ? fmt::format("{}", m->ci95) : std::string());
        }
        out += '\n';
    }
    return out;
}

} // namespace surge::sim::sweep
