// surge/stats.hpp — the statistics a simulation reports: counters, running moments (tally),
// time-weighted averages of piecewise-constant signals, a log-linear latency histogram with
// bounded percentile error, and a windowed time series for throughput-over-time charts.
//
// Everything here is a copyable value type whose result depends only on the sequence of calls:
// integers wherever the data is integral (histogram counts, its exact sum, virtual time), and for
// doubles a fixed order of plain IEEE operations (build with -ffp-contract=off so that no compiler
// fuses them into FMAs). No unordered containers, no wall clock. Definitions and error bounds are
// in docs/stats.md.
#pragma once

#include "surge/time.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace surge {

/// A count of occurrences (messages sent, retries, drops).
class counter {
public:
    constexpr void add(std::uint64_t n = 1) noexcept { n_ += n; }
    [[nodiscard]] constexpr std::uint64_t value() const noexcept { return n_; }
    constexpr void merge(const counter& other) noexcept { n_ += other.n_; }
    constexpr void reset() noexcept { n_ = 0; }
    friend constexpr bool operator==(const counter&, const counter&) noexcept = default;

private:
    std::uint64_t n_ = 0;
};

/// Running count, mean, variance, min, max and sum of doubles in O(1) memory.
/// Welford's update because the naive sum-of-squares formula cancels catastrophically when the
/// mean is large next to the spread (latencies of 1 s ± 1 ms). An empty tally reports 0 for
/// mean, variance, min and max; a single sample has variance 0.
class tally {
public:
    constexpr void add(double x) noexcept {
        if (n_ == 0) {
            min_ = max_ = x;
        } else {
            min_ = std::min(min_, x);
            max_ = std::max(max_, x);
        }
        ++n_;
        sum_ += x;
        const double delta = x - mean_;
        mean_ += delta / static_cast<double>(n_);
        const double delta2 = x - mean_;
        m2_ += delta * delta2;
    }

    [[nodiscard]] constexpr std::uint64_t count() const noexcept { return n_; }
    [[nodiscard]] constexpr double mean() const noexcept { return mean_; }
    /// Sample variance (divides by n - 1): a simulation run is one sample of the system.
    [[nodiscard]] constexpr double variance() const noexcept {
        return n_ < 2 ? 0.0 : m2_ / static_cast<double>(n_ - 1);
    }
    [[nodiscard]] double stddev() const noexcept { return std::sqrt(variance()); }
    [[nodiscard]] constexpr double min() const noexcept { return min_; }
    [[nodiscard]] constexpr double max() const noexcept { return max_; }
    [[nodiscard]] constexpr double sum() const noexcept { return sum_; }

    /// Chan, Golub & LeVeque's pairwise combination, so that per-entity tallies can be pooled
    /// without keeping the samples. Equal to adding the other's samples up to rounding.
    constexpr void merge(const tally& o) noexcept {
        if (o.n_ == 0) return;
        if (n_ == 0) {
            *this = o;
            return;
        }
        const double na = static_cast<double>(n_);
        const double nb = static_cast<double>(o.n_);
        const double n = na + nb;
        const double delta = o.mean_ - mean_;
        mean_ += delta * (nb / n);
        m2_ += o.m2_ + delta * delta * (na * nb / n);
        n_ += o.n_;
        sum_ += o.sum_;
        min_ = std::min(min_, o.min_);
        max_ = std::max(max_, o.max_);
    }

    constexpr void reset() noexcept { *this = tally{}; }
    friend constexpr bool operator==(const tally&, const tally&) noexcept = default;

private:
    std::uint64_t n_ = 0;
    double mean_ = 0.0;
    double m2_ = 0.0;  // sum of squared deviations from the running mean
    double min_ = 0.0;
    double max_ = 0.0;
    double sum_ = 0.0;
};

/// A piecewise-constant signal over virtual time — queue length, connections in a pool, bytes
/// held — and its time-weighted mean. Only the running area is kept, not the history, so updates
/// must come in time order (as they do from a simulation's clock).
class time_weighted {
public:
    explicit time_weighted(time_point start = {}, double initial = 0.0) noexcept
        : start_(start), last_(start), value_(initial), min_(initial), max_(initial) {}

    /// The signal becomes `value` at `t`. Several updates at the same instant are allowed; each
    /// value counts for min() and max() even though it held for zero time, because a queue that
    /// spiked and drained within one instant did reach that length.
    void set(time_point t, double value) {
        if (t < last_) throw_backwards("set", t);
        area_ns_ += value_ * static_cast<double>((t - last_).count());
        last_ = t;
        value_ = value;
        min_ = std::min(min_, value);
        max_ = std::max(max_, value);
    }
    void add(time_point t, double delta) { set(t, value_ + delta); }

    [[nodiscard]] double value() const noexcept { return value_; }
    [[nodiscard]] double min() const noexcept { return min_; }
    [[nodiscard]] double max() const noexcept { return max_; }
    [[nodiscard]] time_point start() const noexcept { return start_; }
    [[nodiscard]] time_point last_update() const noexcept { return last_; }

    /// Integral of the signal from start() to `until`, in value x seconds (e.g. byte-seconds).
    /// `until` must not precede the last update: the area before it is no longer split by time.
    [[nodiscard]] double integral(time_point until) const {
        // Divide rather than multiply by 1e-9 (not exact in binary): a quotient is correctly
        // rounded, so an integral that is representable comes out exactly.
        return area_ns_until(until, "integral") / 1e9;
    }

    /// Time-weighted mean from start() to `until`; the current value when until == start().
    [[nodiscard]] double mean(time_point until) const {
        const double area = area_ns_until(until, "mean");
        const std::int64_t span = (until - start_).count();
        return span == 0 ? value_ : area / static_cast<double>(span);
    }

    /// Starts a new averaging period at `t` with the current value, e.g. to drop a warm-up phase.
    void reset(time_point t) {
        if (t < last_) throw_backwards("reset", t);
        start_ = last_ = t;
        area_ns_ = 0.0;
        min_ = max_ = value_;
    }

    friend bool operator==(const time_weighted&, const time_weighted&) noexcept = default;

private:
    double area_ns_until(time_point until, const char* what) const {
        if (until < last_) throw_backwards(what, until);
        return area_ns_ + value_ * static_cast<double>((until - last_).count());
    }

    [[noreturn]] void throw_backwards(const char* what, time_point t) const {
        throw std::invalid_argument(std::string("surge::time_weighted::") + what + ": time " + to_string(t) +
                                    " is before the last update at " + to_string(last_) +
                                    "; a time-weighted signal only moves forward");
    }

    time_point start_;
    time_point last_;
    double value_ = 0.0;
    double area_ns_ = 0.0;  // value x nanoseconds from start_ to last_
    double min_ = 0.0;
    double max_ = 0.0;
};

/// A log-linear histogram of non-negative 64-bit integers (latencies in ns, sizes in bytes), in
/// the manner of HdrHistogram but with no configured range: values below 256 have a bucket each;
/// above, every power of two [2^e, 2^(e+1)) is cut into 128 equal buckets of width 2^(e-7).
/// A bucket is at most 1/128 of its lower bound wide, so reporting its midpoint is within 1/256
/// (0.39 %) of any value in it. Counts live in a vector sized to the highest bucket used: an idle
/// histogram allocates nothing, and values up to 10 s in ns need 3 478 counters (27 KiB).
class histogram {
public:
    static constexpr int sub_bucket_bits = 7;
    static constexpr std::uint64_t sub_buckets_per_octave = std::uint64_t{1} << sub_bucket_bits;  // 128
    /// Values below this have a bucket of their own and are reported exactly.
    static constexpr std::int64_t exact_below = std::int64_t{2} << sub_bucket_bits;  // 256

    /// Adds `count` occurrences of `v`. A count of 0 changes nothing (not even min/max).
    void record(std::int64_t v, std::uint64_t count = 1) {
        if (v < 0) throw_negative("record", v);
        if (count == 0) return;
        const std::size_t i = bucket_index(static_cast<std::uint64_t>(v));
        if (i >= counts_.size()) counts_.resize(i + 1);  // geometric growth: amortised, rare
        counts_[i] += count;
        note_extremes(v, v);
        count_ += count;
        sum_ += static_cast<u128>(v) * count;
    }
    void record(duration d, std::uint64_t count = 1) { record(d.count(), count); }

    /// HdrHistogram's recordValueWithExpectedInterval: records `v`, then, if expected_interval > 0,
    /// also v - k*expected_interval for k = 1, 2, ... while that value is >= expected_interval —
    /// the latencies the requests that a stalled closed-loop generator never sent would have seen.
    /// E.g. (35, 10) records 35, 25, 15 and (30, 10) records 30, 20, 10. expected_interval <= 0
    /// records `v` alone. The synthetic values are added a bucket at a time (an arithmetic run
    /// per bucket), so a huge v / expected_interval costs O(buckets), not O(v / interval); the
    /// result is identical to recording them one by one, sum included.
    void record_corrected(std::int64_t v, std::int64_t expected_interval) {
        if (v < 0) throw_negative("record_corrected", v);
        record(v);
        if (expected_interval <= 0) return;
        const std::int64_t step = expected_interval;
        std::int64_t m = v - step;  // the largest missing value; cannot overflow as v >= 0, step > 0
        std::int64_t lowest = v;
        while (m >= step) {
            const std::size_t i = bucket_index(static_cast<std::uint64_t>(m));
            const std::int64_t floor_value = std::max(static_cast<std::int64_t>(bucket_low(i)), step);
            // m, m - step, ..., down to the last one >= floor_value: all in bucket i.
            const std::uint64_t n = static_cast<std::uint64_t>((m - floor_value) / step) + 1;
            counts_[i] += n;  // i <= bucket_index(v), which record(v) made room for
            count_ += n;
            sum_ += static_cast<u128>(n) * static_cast<u128>(m) -
                    static_cast<u128>(step) * (static_cast<u128>(n) * (n - 1) / 2);
            lowest = m - static_cast<std::int64_t>(n - 1) * step;
            m = lowest - step;
        }
        note_extremes(lowest, v);
    }
    void record_corrected(duration v, duration expected_interval) {
        record_corrected(v.count(), expected_interval.count());
    }

    [[nodiscard]] std::uint64_t count() const noexcept { return count_; }
    /// Exact smallest and largest recorded values; 0 when empty.
    [[nodiscard]] std::int64_t min() const noexcept { return min_; }
    [[nodiscard]] std::int64_t max() const noexcept { return max_; }

    /// Exact mean of the recorded values (synthetic ones included), from an exact 128-bit sum;
    /// 0 when empty. Computed as quotient + remainder / count so that each step is a correctly
    /// rounded IEEE operation on 64-bit integers, which every compiler does alike.
    [[nodiscard]] double mean() const noexcept {
        if (count_ == 0) return 0.0;
        const auto q = static_cast<std::uint64_t>(sum_ / count_);
        const auto r = static_cast<std::uint64_t>(sum_ % count_);
        return static_cast<double>(q) + static_cast<double>(r) / static_cast<double>(count_);
    }

    /// The recorded value of rank max(1, ceil(q/100 * count)) in ascending order, reported as the
    /// midpoint of its bucket clamped to [min(), max()]: exact below 256, within 1/256 relative
    /// above. Rank 1 is min() and rank count() is max(), exactly. q must be in [0, 100]
    /// (std::invalid_argument otherwise); an empty histogram reports 0.
    [[nodiscard]] std::int64_t percentile(double q) const {
        if (!(q >= 0.0 && q <= 100.0))
            throw std::invalid_argument("surge::histogram::percentile: q = " + std::to_string(q) +
                                        " is outside [0, 100]");
        if (count_ == 0) return 0;
        const std::uint64_t r = rank(q, count_);
        if (r <= 1) return min_;
        if (r >= count_) return max_;
        std::uint64_t seen = 0;
        for (std::size_t i = 0; i < counts_.size(); ++i) {
            seen += counts_[i];
            if (seen >= r) {
                const std::uint64_t low = bucket_low(i);
                const std::uint64_t mid = low + (bucket_high(i) - low + 1) / 2;
                return std::clamp(static_cast<std::int64_t>(mid), min_, max_);
            }
        }
        return max_;  // unreachable: the counts sum to count_
    }

    /// The 1-based rank that percentile(q) reports for `n` values: max(1, ceil(q/100 * n)).
    /// q*n/100 is discounted by a relative 1e-12 before rounding up, because decimal q such as
    /// 99.9 are not exact in binary and would otherwise move an exact integer rank up by one.
    [[nodiscard]] static std::uint64_t rank(double q, std::uint64_t n) noexcept {
        const double x = q * static_cast<double>(n) / 100.0;
        const double r = std::ceil(x * (1.0 - 1e-12));
        if (!(r >= 1.0)) return 1;
        if (r >= static_cast<double>(n)) return n;
        return static_cast<std::uint64_t>(r);
    }

    /// Adds the other histogram's values; the result equals recording both into one.
    void merge(const histogram& o) {
        if (o.count_ == 0) return;
        if (o.counts_.size() > counts_.size()) counts_.resize(o.counts_.size());
        for (std::size_t i = 0; i < o.counts_.size(); ++i) counts_[i] += o.counts_[i];
        note_extremes(o.min_, o.max_);
        count_ += o.count_;
        sum_ += o.sum_;
    }

    /// Forgets every value but keeps the allocated buckets for reuse (no allocation after warm-up).
    void reset() noexcept {
        counts_.clear();
        count_ = 0;
        sum_ = 0;
        min_ = max_ = 0;
    }

    /// Calls f(low, high, count) for every non-empty bucket in ascending order; [low, high] is the
    /// inclusive range of values the bucket holds (low == high below 256).
    template <class F>
    void for_each_bucket(F&& f) const {
        for (std::size_t i = 0; i < counts_.size(); ++i)
            if (counts_[i] != 0)
                f(static_cast<std::int64_t>(bucket_low(i)), static_cast<std::int64_t>(bucket_high(i)), counts_[i]);
    }

    /// Bytes held by the object and its bucket storage.
    [[nodiscard]] std::size_t memory_bytes() const noexcept {
        return sizeof(*this) + counts_.capacity() * sizeof(std::uint64_t);
    }

    // Invariant that makes this meaningful: counts_ is empty or ends with a non-zero bucket.
    friend bool operator==(const histogram&, const histogram&) noexcept = default;

private:
    __extension__ typedef unsigned __int128 u128;

    // v < 256: bucket v. Otherwise, with e = floor(log2 v) and s = e - 7, the bucket is
    // s*128 + (v >> s), where v >> s lies in [128, 256): octave e takes indices [(e-6)*128, (e-5)*128).
    static constexpr std::size_t bucket_index(std::uint64_t v) noexcept {
        if (v < static_cast<std::uint64_t>(exact_below)) return static_cast<std::size_t>(v);
        // The cast because libstdc++ 12's bit_width returns T where C++20 says int.
        const int shift = static_cast<int>(std::bit_width(v)) - 1 - sub_bucket_bits;
        return static_cast<std::size_t>(static_cast<std::uint64_t>(shift) * sub_buckets_per_octave + (v >> shift));
    }
    static constexpr std::uint64_t bucket_low(std::size_t i) noexcept {
        if (i < static_cast<std::size_t>(exact_below)) return i;
        const std::uint64_t shift = i / sub_buckets_per_octave - 1;
        return (i % sub_buckets_per_octave + sub_buckets_per_octave) << shift;
    }
    static constexpr std::uint64_t bucket_high(std::size_t i) noexcept {
        if (i < static_cast<std::size_t>(exact_below)) return i;
        const std::uint64_t shift = i / sub_buckets_per_octave - 1;
        return bucket_low(i) + ((std::uint64_t{1} << shift) - 1);
    }

    void note_extremes(std::int64_t lo, std::int64_t hi) noexcept {
        if (count_ == 0) {
            min_ = lo;
            max_ = hi;
        } else {
            min_ = std::min(min_, lo);
            max_ = std::max(max_, hi);
        }
    }

    [[noreturn]] static void throw_negative(const char* what, std::int64_t v) {
        throw std::invalid_argument(std::string("surge::histogram::") + what + ": value " + std::to_string(v) +
                                    " is negative; a histogram holds values >= 0");
    }

    std::vector<std::uint64_t> counts_;
    std::uint64_t count_ = 0;
    u128 sum_ = 0;  // exact: 2^128 holds 2^64 values of 2^63
    std::int64_t min_ = 0;
    std::int64_t max_ = 0;
};

/// Values bucketed into fixed windows of virtual time [origin + k*width, origin + (k+1)*width),
/// for throughput-over-time and latency-over-time charts.
class time_series {
public:
    struct window {
        time_point start;
        std::uint64_t count = 0;
        double sum = 0.0;
        double min = 0.0;  // 0 for an empty window
        double max = 0.0;
        friend bool operator==(const window&, const window&) noexcept = default;
    };

    explicit time_series(duration width, time_point origin = {}) : width_(width), origin_(origin) {
        if (width <= duration::zero())
            throw std::invalid_argument("surge::time_series: window width " + to_string(width) +
                                        " must be positive");
    }

    /// Adds `value` to the window holding `t` (a window's start belongs to it). Times may come in
    /// any order but not before the origin.
    void record(time_point t, double value = 1.0) {
        if (t < origin_)
            throw std::invalid_argument("surge::time_series::record: time " + to_string(t) +
                                        " is before the series origin " + to_string(origin_));
        const auto k = static_cast<std::size_t>((t - origin_) / width_);
        grow_to(k);
        window& w = windows_[k];
        if (w.count == 0) {
            w.min = w.max = value;
        } else {
            w.min = std::min(w.min, value);
            w.max = std::max(w.max, value);
        }
        ++w.count;
        w.sum += value;
    }

    /// Every window from the origin to the last one recorded into, empty ones included, so that
    /// index i starts at origin + i*width and a chart's time axis needs no gaps filled.
    [[nodiscard]] const std::vector<window>& windows() const noexcept { return windows_; }
    [[nodiscard]] std::size_t size() const noexcept { return windows_.size(); }
    [[nodiscard]] duration width() const noexcept { return width_; }
    [[nodiscard]] time_point origin() const noexcept { return origin_; }

    /// Records per second in window i (count / width). Throws std::out_of_range past the end.
    [[nodiscard]] double rate(std::size_t i) const {
        if (i >= windows_.size())
            throw std::out_of_range("surge::time_series::rate: window " + std::to_string(i) + " of " +
                                    std::to_string(windows_.size()));
        return static_cast<double>(windows_[i].count) / width_.seconds_f();
    }

    /// Combines window by window; both series must share width and origin.
    void merge(const time_series& o) {
        if (o.width_ != width_ || o.origin_ != origin_)
            throw std::invalid_argument("surge::time_series::merge: windows differ (width " + to_string(width_) +
                                        " origin " + to_string(origin_) + " vs width " + to_string(o.width_) +
                                        " origin " + to_string(o.origin_) + ")");
        if (o.windows_.empty()) return;
        grow_to(o.windows_.size() - 1);
        for (std::size_t k = 0; k < o.windows_.size(); ++k) {
            const window& b = o.windows_[k];
            if (b.count == 0) continue;
            window& a = windows_[k];
            if (a.count == 0) {
                a.min = b.min;
                a.max = b.max;
            } else {
                a.min = std::min(a.min, b.min);
                a.max = std::max(a.max, b.max);
            }
            a.count += b.count;
            a.sum += b.sum;
        }
    }

    /// Drops every window; width and origin stay.
    void reset() noexcept { windows_.clear(); }

    friend bool operator==(const time_series&, const time_series&) noexcept = default;

private:
    void grow_to(std::size_t k) {
        while (windows_.size() <= k) {
            window w;
            w.start = origin_ + width_ * static_cast<std::int64_t>(windows_.size());
            windows_.push_back(w);
        }
    }

    duration width_;
    time_point origin_;
    std::vector<window> windows_;
};

} // namespace surge
