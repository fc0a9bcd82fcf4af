// tools/replay/rank_merge.hpp — a live replay across processes (mpirun -np N surge replay): what
// one rank measured, as a document it can send to rank 0 (rank_part, JSON text), and the exact
// merge of the ranks' parts there. Counters add; log-linear histograms (surge::histogram) add bucket
// by bucket, with their exact minimum, maximum, count and sum, so the merged histogram equals the
// one all samples recorded in one process would have made (percentiles, max and mean identical,
// never an average of percentiles). Pure C++ (no sockets, no MPI): docs/replay.md, "Across
// processes (MPI)"; tests/live/test_rank_merge.cpp.
//
// surge::histogram keeps its exact sum private, so the replay records into summed_histogram, which
// keeps the same sum beside it; a histogram is rebuilt from its buckets, extremes and sum by
// recording values inside each bucket chosen to give exactly that sum (rebuild_histogram).
#pragma once

#include <surge/stats.hpp>
#include <surge/time.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace surge::replay {

__extension__ typedef unsigned __int128 exact_sum;

/// A surge::histogram that also keeps the exact sum of what it recorded (the base class keeps it
/// too, privately), so that it can be sent to another process and rebuilt there exactly. Record
/// and merge through this class only (the base's would not update the sum).
class summed_histogram : public histogram {
public:
    void record(std::int64_t v, std::uint64_t count = 1) {
        histogram::record(v, count);  // throws on a negative value before anything changes
        sum_ += static_cast<exact_sum>(v) * count;
    }
    void record(duration d, std::uint64_t count = 1) { record(d.count(), count); }
    void merge(const summed_histogram& o) {
        histogram::merge(o);
        sum_ += o.sum_;
    }
    void reset() noexcept {
        histogram::reset();
        sum_ = 0;
    }
    [[nodiscard]] exact_sum sum() const noexcept { return sum_; }
    /// Only rebuild_histogram sets it.
    void set_sum(exact_sum s) noexcept { sum_ = s; }

private:
    exact_sum sum_ = 0;
};

/// Thrown on a part that is not what a rank of this program sends (a version mismatch, a bug).
class merge_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

namespace merge_detail {

inline std::string sum_text(exact_sum v) {
    if (v == 0) return "0";
    std::string s;
    while (v > 0) {
        s.insert(s.begin(), static_cast<char>('0' + static_cast<int>(v % 10)));
        v /= 10;
    }
    return s;
}

inline exact_sum sum_of_text(const std::string& s) {
    if (s.empty() || s.size() > 39) throw merge_error("histogram sum \"" + s + "\" is not a decimal integer");
    exact_sum v = 0;
    for (const char c : s) {
        if (c < '0' || c > '9') throw merge_error("histogram sum \"" + s + "\" is not a decimal integer");
        v = v * 10 + static_cast<unsigned>(c - '0');
    }
    return v;
}

/// A series value: NaN (a window without a value) travels as null.
inline nlohmann::json number_or_null(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }
inline double number_of(const nlohmann::json& j) {
    return j.is_null() ? std::numeric_limits<double>::quiet_NaN() : j.get<double>();
}

} // namespace merge_detail

/// The histogram as a JSON object: count, min, max, the exact sum (a decimal string: it may exceed
/// 64 bits) and the non-empty buckets as [low, high, count].
inline nlohmann::json histogram_json(const summed_histogram& h) {
    nlohmann::json buckets = nlohmann::json::array();
    h.for_each_bucket([&](std::int64_t low, std::int64_t high, std::uint64_t n) { buckets.push_back({low, high, n}); });
    return {{"count", h.count()}, {"min", h.min()}, {"max", h.max()}, {"sum", merge_detail::sum_text(h.sum())}, {"buckets", buckets}};
}

/// The histogram histogram_json describes, equal (operator==) to the one that was serialised:
/// the same bucket counts, count, minimum, maximum and sum. The values recorded are the minimum,
/// the maximum and, in each bucket, values within it (and within [min, max]) chosen greedily so
/// that they add up to the sum; the serialised histogram's own values show that such a choice
/// exists, so a part that admits none is not one this program wrote (merge_error).
inline summed_histogram rebuild_histogram(const nlohmann::json& j) {
    struct bucket {
        std::int64_t low, high;
        std::uint64_t count;
    };
    summed_histogram h;
    try {
        const auto n = j.at("count").get<std::uint64_t>();
        const auto lo = j.at("min").get<std::int64_t>();
        const auto hi = j.at("max").get<std::int64_t>();
        const exact_sum sum = merge_detail::sum_of_text(j.at("sum").get<std::string>());
        std::vector<bucket> buckets;
        std::uint64_t total = 0;
        for (const auto& b : j.at("buckets")) {
            buckets.push_back({b.at(0).get<std::int64_t>(), b.at(1).get<std::int64_t>(), b.at(2).get<std::uint64_t>()});
            total += buckets.back().count;
        }
        if (total != n) throw merge_error("histogram buckets hold " + std::to_string(total) + " values, count says " + std::to_string(n));
        if (n == 0) return h;
        if (lo < 0 || lo > hi || buckets.front().low > lo || buckets.front().high < lo || buckets.back().low > hi ||
            buckets.back().high < hi)
            throw merge_error("histogram minimum or maximum outside its buckets");
        // The minimum and the maximum are values of their own (one value when n == 1); every other
        // value starts at the lowest it can be in its bucket and is raised while the sum needs it.
        exact_sum base = static_cast<exact_sum>(lo) + (n > 1 ? static_cast<exact_sum>(hi) : 0);
        exact_sum room = 0;
        std::vector<std::uint64_t> free(buckets.size());
        for (std::size_t i = 0; i < buckets.size(); ++i) {
            auto& b = buckets[i];
            b.low = std::max(b.low, lo);
            b.high = std::min(b.high, hi);
            const std::uint64_t fixed = (i == 0 ? 1U : 0U) + (i + 1 == buckets.size() && n > 1 ? 1U : 0U);
            if (b.count < fixed || b.low > b.high) throw merge_error("histogram buckets inconsistent with its minimum and maximum");
            free[i] = b.count - fixed;
            base += static_cast<exact_sum>(b.low) * free[i];
            room += static_cast<exact_sum>(b.high - b.low) * free[i];
        }
        if (sum < base || sum - base > room) throw merge_error("histogram sum impossible for its buckets");
        exact_sum deficit = sum - base;
        h.record(lo);
        if (n > 1) h.record(hi);
        for (std::size_t i = 0; i < buckets.size(); ++i) {
            const auto& b = buckets[i];
            std::uint64_t f = free[i];
            const auto width = static_cast<exact_sum>(b.high - b.low);
            if (width > 0 && deficit > 0) {
                const auto full = static_cast<std::uint64_t>(std::min<exact_sum>(f, deficit / width));
                h.record(b.high, full);
                f -= full;
                deficit -= width * full;
                if (f > 0 && deficit > 0) {  // deficit < width here
                    h.record(b.low + static_cast<std::int64_t>(deficit));
                    deficit = 0;
                    --f;
                }
            }
            h.record(b.low, f);
        }
    } catch (const nlohmann::json::exception& e) {
        throw merge_error(std::string("histogram: ") + e.what());
    }
    return h;
}

/// What one rank measured, in forms that merge exactly. Names are the replay's own (the merge
/// does not interpret them); rank 0 turns the merged part into report metrics (replay_merge.hpp).
struct rank_part {
    int rank = 0;
    std::map<std::string, std::uint64_t> counters;            // merged: summed
    std::map<std::string, summed_histogram> histograms;        // merged: bucket counts added
    std::map<std::string, std::pair<double, std::uint64_t>> tallies;  // (sum, count): summed
    std::map<std::string, std::int64_t> earliest, latest;      // merged: min / max (absent: never)
    std::map<std::string, std::vector<double>> series_sum, series_max;  // per window: summed / largest
    std::map<std::string, std::vector<summed_histogram>> window_histograms;  // per window, merged
    /// Each broadcast's id -> (intended publish, last delivery seen here or -1), scenario ns:
    /// merged by the latest delivery over the ranks (broadcast.time runs to the last recipient).
    std::map<std::int64_t, std::pair<std::int64_t, std::int64_t>> broadcasts;
    std::vector<std::string> errors;                           // merged: the first distinct ones
};

inline std::string part_json(const rank_part& p) {
    using nlohmann::json;
    json j;
    j["rank"] = p.rank;
    j["counters"] = p.counters;
    json& h = j["histograms"] = json::object();
    for (const auto& [k, v] : p.histograms) h[k] = histogram_json(v);
    json& t = j["tallies"] = json::object();
    for (const auto& [k, v] : p.tallies) t[k] = {v.first, v.second};
    j["earliest"] = p.earliest;
    j["latest"] = p.latest;
    auto series = [](const std::map<std::string, std::vector<double>>& m) {
        json o = json::object();
        for (const auto& [k, v] : m) {
            json a = json::array();
            for (const double x : v) a.push_back(merge_detail::number_or_null(x));
            o[k] = std::move(a);
        }
        return o;
    };
    j["series_sum"] = series(p.series_sum);
    j["series_max"] = series(p.series_max);
    json& w = j["window_histograms"] = json::object();
    for (const auto& [k, v] : p.window_histograms) {
        json a = json::array();
        for (const auto& x : v) a.push_back(histogram_json(x));
        w[k] = std::move(a);
    }
    json b = json::array();
    for (const auto& [id, times] : p.broadcasts) b.push_back({id, times.first, times.second});
    j["broadcasts"] = std::move(b);
    j["errors"] = p.errors;
    return j.dump();  // doubles round-trip exactly
}

inline rank_part part_of_json(const std::string& text) {
    rank_part p;
    try {
        const auto j = nlohmann::json::parse(text);
        p.rank = j.at("rank").get<int>();
        p.counters = j.at("counters").get<std::map<std::string, std::uint64_t>>();
        for (const auto& [k, v] : j.at("histograms").items()) p.histograms[k] = rebuild_histogram(v);
        for (const auto& [k, v] : j.at("tallies").items()) p.tallies[k] = {v.at(0).get<double>(), v.at(1).get<std::uint64_t>()};
        p.earliest = j.at("earliest").get<std::map<std::string, std::int64_t>>();
        p.latest = j.at("latest").get<std::map<std::string, std::int64_t>>();
        auto series = [](const nlohmann::json& o, std::map<std::string, std::vector<double>>& m) {
            for (const auto& [k, v] : o.items())
                for (const auto& x : v) m[k].push_back(merge_detail::number_of(x));
        };
        series(j.at("series_sum"), p.series_sum);
        series(j.at("series_max"), p.series_max);
        for (const auto& [k, v] : j.at("window_histograms").items()) {
            auto& out = p.window_histograms[k];
            for (const auto& x : v) out.push_back(rebuild_histogram(x));
        }
        for (const auto& b : j.at("broadcasts")) p.broadcasts[b.at(0).get<std::int64_t>()] = {b.at(1).get<std::int64_t>(), b.at(2).get<std::int64_t>()};
        p.errors = j.at("errors").get<std::vector<std::string>>();
    } catch (const nlohmann::json::exception& e) {
        throw merge_error(std::string("a rank's part: ") + e.what());
    }
    return p;
}

/// The parts of all ranks as one (its rank is 0): counters and tallies summed, histograms merged
/// bucket by bucket, earliest/latest the min/max, series window by window (sum or max: a missing
/// value is no value), each broadcast's latest delivery, errors the first 10 distinct.
inline rank_part merge_parts(const std::vector<rank_part>& parts) {
    rank_part out;
    auto per_window = [](std::vector<double>& into, const std::vector<double>& from, bool sum) {
        if (into.size() < from.size()) into.resize(from.size(), std::numeric_limits<double>::quiet_NaN());
        for (std::size_t k = 0; k < from.size(); ++k) {
            const double x = from[k];
            if (std::isnan(x)) continue;
            double& y = into[k];
            y = std::isnan(y) ? x : sum ? y + x : std::max(y, x);
        }
    };
    for (const auto& p : parts) {
        for (const auto& [k, v] : p.counters) out.counters[k] += v;
        for (const auto& [k, v] : p.histograms) out.histograms[k].merge(v);
        for (const auto& [k, v] : p.tallies) {
            auto& t = out.tallies[k];
            t.first += v.first;
            t.second += v.second;
        }
        for (const auto& [k, v] : p.earliest) {
            const auto it = out.earliest.find(k);
            if (it == out.earliest.end()) out.earliest[k] = v;
            else it->second = std::min(it->second, v);
        }
        for (const auto& [k, v] : p.latest) {
            const auto it = out.latest.find(k);
            if (it == out.latest.end()) out.latest[k] = v;
            else it->second = std::max(it->second, v);
        }
        for (const auto& [k, v] : p.series_sum) per_window(out.series_sum[k], v, true);
        for (const auto& [k, v] : p.series_max) per_window(out.series_max[k], v, false);
        for (const auto& [k, v] : p.window_histograms) {
            auto& w = out.window_histograms[k];
            if (w.size() < v.size()) w.resize(v.size());
            for (std::size_t i = 0; i < v.size(); ++i) w[i].merge(v[i]);
        }
        for (const auto& [id, t] : p.broadcasts) {
            const auto it = out.broadcasts.find(id);
            if (it == out.broadcasts.end()) out.broadcasts[id] = t;
            else it->second.second = std::max(it->second.second, t.second);
        }
        for (const auto& e : p.errors)
            if (out.errors.size() < 10 && std::find(out.errors.begin(), out.errors.end(), e) == out.errors.end()) out.errors.push_back(e);
    }
    return out;
}

} // namespace surge::replay
