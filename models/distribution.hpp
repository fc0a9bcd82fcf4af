// models/distribution.hpp — a duration distribution as a value (what a scenario's
// {"median": "3ms", "p99": "40ms"} becomes), and the rate and size quantities models use.
//
// Models hold these by value and draw from them with the stream of the entity that draws, so a
// scenario can swap a constant for a lognormal without the model knowing.
#pragma once

#include <surge/random.hpp>
#include <surge/time.hpp>

#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace surge::models {

/// A distribution of durations. Parameters are in seconds (doubles) inside; draws are rounded to
/// the nanosecond and never negative.
class duration_dist {
public:
    enum class kind : std::uint8_t { constant, exponential, lognormal, uniform, normal, pareto, weibull, gamma };

    duration_dist() = default;

    static duration_dist fixed(duration d) {
        duration_dist r = make(kind::constant, d.seconds_f(), 0);
        r.fixed_ = d < duration::zero() ? duration::zero() : d;
        return r;
    }
    static duration_dist exponential_mean(duration mean) {
        require(mean > duration::zero(), "exponential mean must be > 0");
        return make(kind::exponential, mean.seconds_f(), 0);
    }
    /// The lognormal with this median and 99th percentile (p99 > median > 0).
    static duration_dist lognormal_median_p99(duration median, duration p99) {
        const auto ln = surge::lognormal::from_median_p99(median.seconds_f(), p99.seconds_f());
        return make(kind::lognormal, ln.mu(), ln.sigma());
    }
    static duration_dist uniform_between(duration lo, duration hi) {
        require(lo >= duration::zero() && hi >= lo, "uniform needs 0 <= min <= max");
        return make(kind::uniform, lo.seconds_f(), hi.seconds_f());
    }
    /// Normal, negative draws clamped to zero.
    static duration_dist normal_mean_sd(duration mean, duration sd) {
        require(sd >= duration::zero(), "normal stddev must be >= 0");
        return make(kind::normal, mean.seconds_f(), sd.seconds_f());
    }
    static duration_dist pareto_scale_shape(duration scale, double shape) {
        require(scale > duration::zero() && shape > 0, "pareto needs scale > 0 and shape > 0");
        return make(kind::pareto, scale.seconds_f(), shape);
    }
    static duration_dist weibull_scale_shape(duration scale, double shape) {
        require(scale > duration::zero() && shape > 0, "weibull needs scale > 0 and shape > 0");
        return make(kind::weibull, scale.seconds_f(), shape);
    }
    /// Gamma with this mean and shape k (k integer: Erlang-k).
    static duration_dist gamma_mean_shape(duration mean, double shape) {
        require(mean > duration::zero() && shape > 0, "gamma needs mean > 0 and shape > 0");
        return make(kind::gamma, shape, mean.seconds_f() / shape);
    }

    [[nodiscard]] duration sample(rng& r) const {
        double s = 0;
        switch (kind_) {
        case kind::constant: return fixed_;
        case kind::exponential: s = surge::exponential(a_)(r); break;
        case kind::lognormal: s = surge::lognormal(a_, b_)(r); break;
        case kind::uniform: s = a_ + (b_ - a_) * r.uniform01(); break;
        case kind::normal: s = surge::normal(a_, b_)(r); break;
        case kind::pareto: s = surge::pareto(a_, b_)(r); break;
        case kind::weibull: s = surge::weibull(a_, b_)(r); break;
        case kind::gamma: s = surge::gamma(a_, b_)(r); break;
        }
        return duration::from_seconds(s < 0.0 ? 0.0 : s);
    }

    /// The mean in seconds (+inf for a pareto with shape <= 1).
    [[nodiscard]] double mean_seconds() const {
        switch (kind_) {
        case kind::constant: return a_;
        case kind::exponential: return a_;
        case kind::lognormal: return std::exp(a_ + 0.5 * b_ * b_);
        case kind::uniform: return 0.5 * (a_ + b_);
        case kind::normal: return a_;
        case kind::pareto: return surge::pareto(a_, b_).mean();
        case kind::weibull: return surge::weibull(a_, b_).mean();
        case kind::gamma: return a_ * b_;
        }
        return 0;
    }
    [[nodiscard]] kind which() const noexcept { return kind_; }
    [[nodiscard]] bool is_constant() const noexcept { return kind_ == kind::constant; }
    [[nodiscard]] bool is_zero() const noexcept { return kind_ == kind::constant && fixed_ == duration::zero(); }

    /// Multiplies every draw by `f` (> 0): a DB slowdown, a latency spike.
    [[nodiscard]] duration_dist scaled(double f) const {
        require(f > 0 && std::isfinite(f), "scale factor must be finite and > 0");
        duration_dist d = *this;
        switch (kind_) {
        case kind::constant: d.a_ = a_ * f; d.fixed_ = duration::from_seconds(d.a_); break;
        case kind::exponential: d.a_ = a_ * f; break;
        case kind::lognormal: d.a_ = a_ + surge::fp_log(f); break;
        case kind::uniform: case kind::normal: d.a_ = a_ * f; d.b_ = b_ * f; break;
        case kind::pareto: case kind::weibull: d.a_ = a_ * f; break;
        case kind::gamma: d.b_ = b_ * f; break;
        }
        return d;
    }

private:
    static void require(bool ok, const char* what) {
        if (!ok) throw std::invalid_argument(std::string("duration distribution: ") + what);
    }
    static duration_dist make(kind k, double a, double b) {
        duration_dist d;
        d.kind_ = k;
        d.a_ = a;
        d.b_ = b;
        if (k == kind::constant) d.fixed_ = duration::from_seconds(a);
        return d;
    }

    kind kind_ = kind::constant;
    double a_ = 0, b_ = 0;
    duration fixed_{};
};

/// Events per second ("100/s", "6000/min").
struct rate {
    double per_second = 0;
    [[nodiscard]] bool zero() const noexcept { return per_second <= 0; }
};

/// A size distribution in bytes: constant, or uniform in [min, max].
struct size_dist {
    std::int64_t min_bytes = 0;
    std::int64_t max_bytes = 0;
    [[nodiscard]] std::int64_t sample(rng& r) const {
        if (max_bytes <= min_bytes) return min_bytes;
        return min_bytes + static_cast<std::int64_t>(r.below(static_cast<std::uint64_t>(max_bytes - min_bytes + 1)));
    }
    [[nodiscard]] double mean() const noexcept { return 0.5 * static_cast<double>(min_bytes + max_bytes); }
    static size_dist fixed(std::int64_t b) { return {b, b}; }
};

} // namespace surge::models
