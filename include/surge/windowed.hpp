// surge/windowed.hpp — statistics per window of virtual time, for the time series of a report:
// windows [k*width, (k+1)*width) from time zero, recorded in time order while a run goes on.
//   windowed_counter    how many things happened per window (a rate: count / covered seconds)
//   windowed_gauge      the time-weighted mean of a level per window (queue length, busy workers)
//   windowed_histogram  the distribution of values per window (count, mean, p50, p90, p99, p99.9, max),
//                       from a fresh surge::histogram per window, summarised when it closes
// Each is "off" when default-constructed (width zero): recording costs a test and nothing else.
// Reading takes the instant the run ended, so the last window may be partial: its rate and mean
// are over the part covered. Times must not go back (a run's clock does not); a time before the
// last one recorded counts in the current window.
#pragma once

#include <surge/stats.hpp>
#include <surge/time.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace surge {

namespace windowed_detail {

/// Windows covering [0, end): ceil(end / width), at least 1 when end > 0.
[[nodiscard]] inline std::size_t windows_until(duration width, time_point end) noexcept {
    const std::int64_t e = (end - time_point{}).count();
    if (width.count() <= 0 || e <= 0) return 0;
    return static_cast<std::size_t>((e + width.count() - 1) / width.count());
}

/// Nanoseconds of window k inside [0, end).
[[nodiscard]] inline std::int64_t covered_ns(duration width, std::size_t k, time_point end) noexcept {
    const std::int64_t from = width.count() * static_cast<std::int64_t>(k);
    const std::int64_t to = std::min(from + width.count(), (end - time_point{}).count());
    return std::max<std::int64_t>(0, to - from);
}

[[nodiscard]] inline std::size_t window_of(duration width, time_point t) noexcept {
    const std::int64_t x = (t - time_point{}).count();
    return x <= 0 ? 0 : static_cast<std::size_t>(x / width.count());
}

inline constexpr double no_value = std::numeric_limits<double>::quiet_NaN();

} // namespace windowed_detail

/// Events per window; rates per second.
class windowed_counter {
public:
    windowed_counter() = default;
    explicit windowed_counter(duration width) : width_(width) {}

    [[nodiscard]] bool on() const noexcept { return width_.count() > 0; }
    void add(time_point t, std::uint64_t n = 1) {
        if (!on()) return;
        const std::size_t k = std::max(windowed_detail::window_of(width_, t), last_);
        last_ = k;
        if (counts_.size() <= k) counts_.resize(k + 1, 0);
        counts_[k] += n;
    }
    /// Count per window of [0, end).
    [[nodiscard]] std::vector<std::uint64_t> counts(time_point end) const {
        std::vector<std::uint64_t> out(windowed_detail::windows_until(width_, end), 0);
        for (std::size_t k = 0; k < out.size() && k < counts_.size(); ++k) out[k] = counts_[k];
        return out;
    }
    /// Count per second of each window's covered part.
    [[nodiscard]] std::vector<double> rates(time_point end) const {
        const auto c = counts(end);
        std::vector<double> out(c.size());
        for (std::size_t k = 0; k < c.size(); ++k)
            out[k] = static_cast<double>(c[k]) * 1e9 / static_cast<double>(windowed_detail::covered_ns(width_, k, end));
        return out;
    }

private:
    duration width_{};
    std::size_t last_ = 0;
    std::vector<std::uint64_t> counts_;
};

/// A level that changes at instants (set) and holds in between; per window its time-weighted mean.
class windowed_gauge {
public:
    windowed_gauge() = default;
    explicit windowed_gauge(duration width) : width_(width) {}

    [[nodiscard]] bool on() const noexcept { return width_.count() > 0; }
    /// The level is `v` from `t` on.
    void set(time_point t, double v) {
        if (!on()) return;
        advance(t);
        value_ = v;
    }
    void add(time_point t, double delta) { set(t, value_ + delta); }
    [[nodiscard]] double value() const noexcept { return value_; }

    /// Time-weighted mean per window of [0, end) (the level holds from the last change to end).
    [[nodiscard]] std::vector<double> means(time_point end) const {
        if (!on()) return {};
        windowed_gauge g = *this;
        g.advance(std::max(end, since_));
        std::vector<double> out(windowed_detail::windows_until(width_, end), windowed_detail::no_value);
        for (std::size_t k = 0; k < out.size(); ++k) {
            const auto ns = windowed_detail::covered_ns(width_, k, end);
            out[k] = (k < g.integral_.size() ? g.integral_[k] : 0.0) / static_cast<double>(ns);
        }
        return out;
    }

private:
    /// Integrates the current level from since_ to t, window by window.
    void advance(time_point t) {
        if (t <= since_) return;
        std::size_t k = windowed_detail::window_of(width_, since_);
        while (since_ < t) {
            const time_point window_end = time_point{} + width_ * static_cast<std::int64_t>(k + 1);
            const time_point upto = std::min(t, window_end);
            if (integral_.size() <= k) integral_.resize(k + 1, 0.0);
            integral_[k] += value_ * static_cast<double>((upto - since_).count());
            since_ = upto;
            ++k;
        }
    }

    duration width_{};
    double value_ = 0;
    time_point since_{};
    std::vector<double> integral_;  // level x nanoseconds per window
};

/// Values (nanoseconds, bytes: non-negative integers) per window, summarised.
class windowed_histogram {
public:
    struct summary {
        std::uint64_t count = 0;
        double mean = 0;
        std::int64_t p50 = 0, p90 = 0, p99 = 0, p999 = 0, max = 0;
        friend bool operator==(const summary&, const summary&) noexcept = default;
    };

    windowed_histogram() = default;
    explicit windowed_histogram(duration width) : width_(width) {}

    [[nodiscard]] bool on() const noexcept { return width_.count() > 0; }
    void record(time_point t, std::int64_t v) {
        if (!on()) return;
        const std::size_t k = windowed_detail::window_of(width_, t);
        if (k > current_) {
            close_current();
            current_ = k;
        }
        open_.record(v);
    }

    /// Summary per window of [0, end); count 0 for a window without values.
    [[nodiscard]] std::vector<summary> summaries(time_point end) const {
        std::vector<summary> out(windowed_detail::windows_until(width_, end));
        for (std::size_t k = 0; k < out.size() && k < closed_.size(); ++k) out[k] = closed_[k];
        if (current_ < out.size() && open_.count() > 0) out[current_] = summarise(open_);
        return out;
    }

    [[nodiscard]] static summary summarise(const histogram& h) {
        summary s;
        s.count = h.count();
        if (s.count == 0) return s;
        s.mean = h.mean();
        s.p50 = h.percentile(50.0);
        s.p90 = h.percentile(90.0);
        s.p99 = h.percentile(99.0);
        s.p999 = h.percentile(99.9);
        s.max = h.max();
        return s;
    }

private:
    void close_current() {
        if (open_.count() == 0) return;
        if (closed_.size() <= current_) closed_.resize(current_ + 1);
        closed_[current_] = summarise(open_);
        open_.reset();
    }

    duration width_{};
    std::size_t current_ = 0;
    histogram open_;
    std::vector<summary> closed_;
};

} // namespace surge
