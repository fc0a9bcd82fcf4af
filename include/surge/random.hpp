// surge/random.hpp — the one random number generator of surge, named streams derived from
// (seed, entity name), and the distributions models draw from.
//
// Determinism is the point of this header: a seed must give bit-identical draws with any compiler
// and optimisation level. Hence no <random> distributions (libstdc++, libc++ and MSVC each compute
// them differently), no std::hash, no long double, no state cached between calls, and on the
// draw path only correctly rounded IEEE operations (+ - * / sqrt): logarithms and exponentials
// are surge's own (surge::fp_log, fp_exp, fp_pow), not the C library's, whose last bits differ between
// libms and CPUs. Build with -ffp-contract=off: a fused a*b+c changes the last bits.
// docs/random.md gives every algorithm precisely enough to reimplement it.
//
// The generator and its streams: surge/rng.hpp; the log/exp the draws use: surge/fp_math.hpp.
// Both come in with this header, which holds the distributions.
#pragma once

#include "surge/fp_math.hpp"
#include "surge/rng.hpp"
#include "surge/time.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace surge {

namespace detail {

/// The 256-layer ziggurat of the standard exponential density f(x) = e^-x (Marsaglia & Tsang
/// 2000): layers of equal area v; x[1] = r is where the tail starts, x[0] = v / f(r) is the width
/// of the base layer (rectangle plus tail), x[i+1] = -ln(f(x[i]) + v / x[i]), x[256] = 0,
/// and f[i] = e^-x[i] (f[0] = 0, f[256] = 1). x decreases with i.
struct exponential_ziggurat {
    static constexpr double r = 7.69711747013104972;
    std::array<double, 257> x{};
    std::array<double, 257> f{};
};

constexpr exponential_ziggurat make_exponential_ziggurat() noexcept {
    exponential_ziggurat t;
    const double fr = fp_exp(-exponential_ziggurat::r);
    const double v = (exponential_ziggurat::r + 1.0) * fr;  // r f(r) + the tail's area f(r)
    t.x[0] = v / fr;
    t.f[0] = 0.0;
    t.x[1] = exponential_ziggurat::r;
    t.f[1] = fr;
    for (std::size_t i = 1; i < 255; ++i) {
        t.x[i + 1] = -fp_log(t.f[i] + v / t.x[i]);
        t.f[i + 1] = fp_exp(-t.x[i + 1]);
    }
    t.x[256] = 0.0;
    t.f[256] = 1.0;
    return t;
}

inline constexpr exponential_ziggurat exponential_table = make_exponential_ziggurat();

} // namespace detail

/// A standard exponential variate (mean 1) by the ziggurat: one raw output usually suffices (the
/// low 8 bits pick a layer i, the top 53 a position x = U x[i]; x < x[i+1] is accepted at once,
/// 97.8 % of draws). Otherwise layer 0 draws from the tail as r - ln U (memorylessness), and a
/// wedge point is accepted when f[i] + (f[i+1] - f[i]) U' < e^-x; a rejection starts over.
inline double standard_exponential(rng& g) noexcept {
    const auto& t = detail::exponential_table;
    for (;;) {
        const std::uint64_t u = g();
        const std::size_t i = u & 0xffu;
        const double x = static_cast<double>(u >> 11) * 0x1.0p-53 * t.x[i];
        if (x < t.x[i + 1]) [[likely]]
            return x;
        if (i == 0) return detail::exponential_ziggurat::r - fp_log(g.uniform01_open());
        if (t.f[i] + (t.f[i + 1] - t.f[i]) * g.uniform01() < fp_exp(-x)) return x;
    }
}

// ---------------------------------------------------------------------------------------------
// Distributions
// ---------------------------------------------------------------------------------------------

namespace detail {

/// Shortest round-trip text of a double ("-1", "0.25", "inf", "nan"): error messages must show
/// the value the user wrote, not std::to_string's six fixed decimals.
inline std::string format_number(double x) {
    char buf[32];
    const auto res = std::to_chars(buf, buf + sizeof buf, x);
    return std::string(buf, res.ptr);
}

[[noreturn]] inline void bad_parameter(std::string_view dist, std::string_view param,
                                       std::string_view allowed, const std::string& got) {
    std::string msg;
    msg.append(dist).append(": ").append(param).append(" must be ").append(allowed);
    msg.append(", got ").append(got);
    throw std::invalid_argument(msg);
}

inline void require_finite(std::string_view dist, std::string_view param, double x) {
    if (!std::isfinite(x)) bad_parameter(dist, param, "finite", format_number(x));
}

inline void require_positive(std::string_view dist, std::string_view param, double x) {
    if (!(x > 0) || !std::isfinite(x)) bad_parameter(dist, param, "finite and > 0", format_number(x));
}

inline void require_non_negative(std::string_view dist, std::string_view param, double x) {
    if (!(x >= 0) || !std::isfinite(x)) bad_parameter(dist, param, "finite and >= 0", format_number(x));
}

/// Marsaglia's polar method. The second variate of each accepted pair is discarded so that a
/// distribution object holds no state between calls (a const draw is then reproducible however
/// calls interleave).
inline double standard_normal(rng& r) {
    for (;;) {
        const double u = 2.0 * r.uniform01() - 1.0;
        const double v = 2.0 * r.uniform01() - 1.0;
        const double s = u * u + v * v;
        if (s > 0.0 && s < 1.0) return u * std::sqrt(-2.0 * fp_log(s) / s);
    }
}

/// The standard normal quantile, Wichura's AS241 (PPND16), relative error about 1e-16.
inline double standard_normal_quantile(double p) {
    const double q = p - 0.5;
    if (std::fabs(q) <= 0.425) {
        const double r = 0.180625 - q * q;
        const double num = (((((((2.5090809287301226727e+3 * r + 3.3430575583588128105e+4) * r +
                                 6.7265770927008700853e+4) * r + 4.5921953931549871457e+4) * r +
                               1.3731693765509461125e+4) * r + 1.9715909503065514427e+3) * r +
                             1.3314166789178437745e+2) * r + 3.3871328727963666080e+0) * q;
        const double den = ((((((5.2264952788528545610e+3 * r + 2.8729085735721942674e+4) * r +
                                 3.9307895800092710610e+4) * r + 2.1213794301586595867e+4) * r +
                               5.3941960214247511077e+3) * r + 6.8718700749205790830e+2) * r +
                             4.2313330701600911252e+1) * r + 1.0;
        return num / den;
    }
    double r = std::sqrt(-fp_log(q < 0.0 ? p : 1.0 - p));
    double num, den;
    if (r <= 5.0) {
        r -= 1.6;
        num = ((((((7.74545014278341407640e-4 * r + 2.27238449892691845833e-2) * r +
                    2.41780725177450611770e-1) * r + 1.27045825245236838258e+0) * r +
                  3.64784832476320460504e+0) * r + 5.76949722146069140550e+0) * r +
                4.63033784615654529590e+0) * r + 1.42343711074968357734e+0;
        den = ((((((1.05075007164441684324e-9 * r + 5.47593808499534494600e-4) * r +
                    1.51986665636164571966e-2) * r + 1.48103976427480074590e-1) * r +
                  6.89767334985100004550e-1) * r + 1.67638483018380384940e+0) * r +
                2.05319162663775882187e+0) * r + 1.0;
    } else {
        r -= 5.0;
        num = ((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r +
                    1.24266094738807843860e-3) * r + 2.65321895265761230930e-2) * r +
                  2.96560571828504891230e-1) * r + 1.78482653991729133580e+0) * r +
                5.46378491116411436990e+0) * r + 6.65790464350110377720e+0;
        den = ((((((2.04426310338993978564e-15 * r + 1.42151175831644588870e-7) * r +
                    1.84631831751005468180e-5) * r + 7.86869131145613259100e-4) * r +
                  1.48753612908506148525e-2) * r + 1.36929880922735805310e-1) * r +
                5.99832206555887937690e-1) * r + 1.0;
    }
    const double x = num / den;
    return q < 0.0 ? -x : x;
}

inline void require_probability_open(std::string_view where, double q) {
    if (!(q > 0.0 && q < 1.0)) bad_parameter(where, "q", "in (0, 1)", format_number(q));
}

} // namespace detail

/// Uniform on [a, b).
class uniform_real {
public:
    uniform_real(double a, double b) : a_(a), b_(b) {
        detail::require_finite("uniform_real", "a", a);
        detail::require_finite("uniform_real", "b", b);
        if (!(b > a)) detail::bad_parameter("uniform_real", "b", "> a = " + detail::format_number(a), detail::format_number(b));
        if (!std::isfinite(b - a))
            detail::bad_parameter("uniform_real", "b - a", "finite", detail::format_number(b - a));
    }

    double operator()(rng& r) const {
        const double x = a_ + (b_ - a_) * r.uniform01();
        // Rounding can carry a + (b - a) * u up to b; keep the interval half-open as documented.
        return x < b_ ? x : std::nextafter(b_, a_);
    }

    [[nodiscard]] double a() const noexcept { return a_; }
    [[nodiscard]] double b() const noexcept { return b_; }
    [[nodiscard]] double mean() const noexcept { return 0.5 * a_ + 0.5 * b_; }
    [[nodiscard]] double variance() const noexcept { return (b_ - a_) * (b_ - a_) / 12.0; }

private:
    double a_, b_;
};

/// Uniform on the integers lo..hi, both included.
class uniform_int {
public:
    uniform_int(std::int64_t lo, std::int64_t hi) : lo_(lo), hi_(hi) {
        if (hi < lo)
            detail::bad_parameter("uniform_int", "hi", ">= lo = " + std::to_string(lo), std::to_string(hi));
    }

    std::int64_t operator()(rng& r) const {
        // Unsigned arithmetic: hi - lo can exceed INT64_MAX, and wraps to 0 for the full range.
        const std::uint64_t span = static_cast<std::uint64_t>(hi_) - static_cast<std::uint64_t>(lo_) + 1;
        const std::uint64_t offset = span == 0 ? r() : r.below(span);
        return static_cast<std::int64_t>(static_cast<std::uint64_t>(lo_) + offset);
    }

    [[nodiscard]] std::int64_t lo() const noexcept { return lo_; }
    [[nodiscard]] std::int64_t hi() const noexcept { return hi_; }
    [[nodiscard]] double mean() const noexcept { return 0.5 * static_cast<double>(lo_) + 0.5 * static_cast<double>(hi_); }
    [[nodiscard]] double variance() const noexcept {
        const double n = static_cast<double>(static_cast<std::uint64_t>(hi_) - static_cast<std::uint64_t>(lo_)) + 1.0;
        return (n * n - 1.0) / 12.0;
    }

private:
    std::int64_t lo_, hi_;
};

/// Exponential with the given mean (rate = 1 / mean): mean * standard_exponential (the ziggurat).
class exponential {
public:
    explicit exponential(double mean) : mean_(mean) { detail::require_positive("exponential", "mean", mean); }

    double operator()(rng& r) const { return mean_ * standard_exponential(r); }

    [[nodiscard]] double mean() const noexcept { return mean_; }
    [[nodiscard]] double rate() const noexcept { return 1.0 / mean_; }
    [[nodiscard]] double variance() const noexcept { return mean_ * mean_; }

private:
    double mean_;
};

/// Normal (Gaussian). stddev = 0 is allowed and always yields the mean (a "no jitter" setting).
class normal {
public:
    normal(double mean, double stddev) : mean_(mean), stddev_(stddev) {
        detail::require_finite("normal", "mean", mean);
        detail::require_non_negative("normal", "stddev", stddev);
    }

    double operator()(rng& r) const { return mean_ + stddev_ * detail::standard_normal(r); }

    [[nodiscard]] double mean() const noexcept { return mean_; }
    [[nodiscard]] double stddev() const noexcept { return stddev_; }
    [[nodiscard]] double variance() const noexcept { return stddev_ * stddev_; }
    [[nodiscard]] double quantile(double q) const {
        detail::require_probability_open("normal::quantile", q);
        return mean_ + stddev_ * detail::standard_normal_quantile(q);
    }

private:
    double mean_, stddev_;
};

/// Log-normal: exp(N(mu, sigma)). The usual model of a latency given as a median and a tail.
class lognormal {
public:
    /// The standard normal 0.99 quantile, as used by from_median_p99.
    static constexpr double z99 = 2.326347874040841;

    lognormal(double mu, double sigma) : mu_(mu), sigma_(sigma) {
        detail::require_finite("lognormal", "mu", mu);
        detail::require_non_negative("lognormal", "sigma", sigma);
    }

    /// The lognormal whose median and 99th percentile are the given values (same unit):
    /// mu = ln median, sigma = (ln p99 - ln median) / z99.
    static lognormal from_median_p99(double median, double p99) {
        detail::require_positive("lognormal::from_median_p99", "median", median);
        if (!(p99 > median) || !std::isfinite(p99))
            detail::bad_parameter("lognormal::from_median_p99", "p99",
                                  "finite and > median = " + detail::format_number(median),
                                  detail::format_number(p99));
        return lognormal{fp_log(median), (fp_log(p99) - fp_log(median)) / z99};
    }

    double operator()(rng& r) const { return fp_exp(mu_ + sigma_ * detail::standard_normal(r)); }

    [[nodiscard]] double mu() const noexcept { return mu_; }
    [[nodiscard]] double sigma() const noexcept { return sigma_; }
    [[nodiscard]] double median() const { return fp_exp(mu_); }
    [[nodiscard]] double mean() const { return std::exp(mu_ + 0.5 * sigma_ * sigma_); }
    [[nodiscard]] double variance() const {
        return (std::exp(sigma_ * sigma_) - 1.0) * std::exp(2.0 * mu_ + sigma_ * sigma_);
    }
    [[nodiscard]] double quantile(double q) const {
        detail::require_probability_open("lognormal::quantile", q);
        return fp_exp(mu_ + sigma_ * detail::standard_normal_quantile(q));
    }

private:
    double mu_, sigma_;
};

/// Pareto (type I): support [scale, inf), P(X > x) = (scale / x)^shape. Inversion:
/// scale * U^(-1/shape), U in (0, 1). mean() and variance() are +inf where they do not exist.
class pareto {
public:
    pareto(double scale, double shape) : scale_(scale), shape_(shape) {
        detail::require_positive("pareto", "scale", scale);
        detail::require_positive("pareto", "shape", shape);
    }

    double operator()(rng& r) const { return scale_ * fp_pow(r.uniform01_open(), -1.0 / shape_); }

    [[nodiscard]] double scale() const noexcept { return scale_; }
    [[nodiscard]] double shape() const noexcept { return shape_; }
    [[nodiscard]] double mean() const noexcept {
        return shape_ > 1.0 ? shape_ * scale_ / (shape_ - 1.0) : std::numeric_limits<double>::infinity();
    }
    [[nodiscard]] double variance() const noexcept {
        if (!(shape_ > 2.0)) return std::numeric_limits<double>::infinity();
        return scale_ * scale_ * shape_ / ((shape_ - 1.0) * (shape_ - 1.0) * (shape_ - 2.0));
    }

private:
    double scale_, shape_;
};

/// Weibull: P(X > x) = exp(-(x / scale)^shape). Transformation: scale * E^(1/shape), E standard
/// exponential.
class weibull {
public:
    weibull(double scale, double shape) : scale_(scale), shape_(shape) {
        detail::require_positive("weibull", "scale", scale);
        detail::require_positive("weibull", "shape", shape);
    }

    double operator()(rng& r) const {
        return scale_ * fp_pow(standard_exponential(r), 1.0 / shape_);
    }

    [[nodiscard]] double scale() const noexcept { return scale_; }
    [[nodiscard]] double shape() const noexcept { return shape_; }
    // Reporting only (not on the draw path), so std::tgamma is acceptable here.
    [[nodiscard]] double mean() const { return scale_ * std::tgamma(1.0 + 1.0 / shape_); }
    [[nodiscard]] double variance() const {
        const double g1 = std::tgamma(1.0 + 1.0 / shape_);
        return scale_ * scale_ * (std::tgamma(1.0 + 2.0 / shape_) - g1 * g1);
    }

private:
    double scale_, shape_;
};

/// Gamma with shape k and scale theta (mean k * theta). Marsaglia & Tsang (2000); for shape < 1
/// a Gamma(shape + 1) draw is multiplied by U^(1/shape), drawn after it.
class gamma {
public:
    gamma(double shape, double scale) : shape_(shape), scale_(scale) {
        detail::require_positive("gamma", "shape", shape);
        detail::require_positive("gamma", "scale", scale);
        const double a = shape < 1.0 ? shape + 1.0 : shape;
        d_ = a - 1.0 / 3.0;
        c_ = 1.0 / std::sqrt(9.0 * d_);
    }

    double operator()(rng& r) const {
        double x = standard_draw(r);
        if (shape_ < 1.0) x *= fp_pow(r.uniform01_open(), 1.0 / shape_);
        return x * scale_;
    }

    [[nodiscard]] double shape() const noexcept { return shape_; }
    [[nodiscard]] double scale() const noexcept { return scale_; }
    [[nodiscard]] double mean() const noexcept { return shape_ * scale_; }
    [[nodiscard]] double variance() const noexcept { return shape_ * scale_ * scale_; }

private:
    // Gamma(a, 1) with a = max(shape, shape + 1 if shape < 1) >= 1; d_ and c_ are precomputed.
    double standard_draw(rng& r) const {
        for (;;) {
            double x, v;
            do {
                x = detail::standard_normal(r);
                v = 1.0 + c_ * x;
            } while (v <= 0.0);
            v = v * v * v;
            const double u = r.uniform01_open();
            const double x2 = x * x;
            if (u < 1.0 - 0.0331 * (x2 * x2)) return d_ * v;
            if (fp_log(u) < 0.5 * x2 + d_ * (1.0 - v + fp_log(v))) return d_ * v;
        }
    }

    double shape_, scale_;
    double d_ = 0, c_ = 0;
};

/// Erlang: the sum of k exponential phases, parameterised by the mean of the whole (each phase has
/// mean mean / k). Drawn as Gamma(k, mean / k): exact, and O(1) per draw for any k.
class erlang {
public:
    erlang(std::int64_t k, double mean) : k_(k), mean_(mean), gamma_(make(k, mean)) {}

    double operator()(rng& r) const { return gamma_(r); }

    [[nodiscard]] std::int64_t k() const noexcept { return k_; }
    [[nodiscard]] double mean() const noexcept { return mean_; }
    [[nodiscard]] double variance() const noexcept { return mean_ * mean_ / static_cast<double>(k_); }

private:
    static gamma make(std::int64_t k, double mean) {
        if (k < 1) detail::bad_parameter("erlang", "k", "an integer >= 1", std::to_string(k));
        detail::require_positive("erlang", "mean", mean);
        return gamma{static_cast<double>(k), mean / static_cast<double>(k)};
    }

    std::int64_t k_;
    double mean_;
    gamma gamma_;
};

/// A continuous distribution shaped by observed samples: the piecewise-linear inverse CDF through
/// the sorted samples x_0 <= ... <= x_{n-1}, x_i at probability i / (n - 1). Draws therefore lie in
/// [min, max] and interpolate between observations instead of repeating them.
class empirical {
public:
    explicit empirical(std::vector<double> samples) : x_(std::move(samples)) {
        if (x_.empty()) detail::bad_parameter("empirical", "samples", "non-empty", "0 samples");
        for (std::size_t i = 0; i < x_.size(); ++i) {
            if (!std::isfinite(x_[i]))
                detail::bad_parameter("empirical", "samples[" + std::to_string(i) + "]", "finite",
                                      detail::format_number(x_[i]));
            x_[i] += 0.0;  // -0.0 becomes +0.0, so that the sorted order is unique
        }
        std::sort(x_.begin(), x_.end());
    }

    double operator()(rng& r) const {
        const std::size_t n = x_.size();
        if (n == 1) return x_[0];
        const double t = r.uniform01() * static_cast<double>(n - 1);
        auto i = static_cast<std::size_t>(t);  // t >= 0, so truncation is floor
        if (i >= n - 1) i = n - 2;             // only if rounding carried t up to n - 1
        const double f = t - static_cast<double>(i);
        return x_[i] + f * (x_[i + 1] - x_[i]);
    }

    /// The samples, sorted.
    [[nodiscard]] const std::vector<double>& samples() const noexcept { return x_; }
    [[nodiscard]] double mean() const noexcept {
        if (x_.size() == 1) return x_[0];
        double sum = 0;
        for (std::size_t i = 0; i + 1 < x_.size(); ++i) sum += 0.5 * x_[i] + 0.5 * x_[i + 1];
        return sum / static_cast<double>(x_.size() - 1);
    }
    [[nodiscard]] double variance() const noexcept {
        if (x_.size() == 1) return 0.0;
        // Each segment is uniform on [x_i, x_{i+1}] with probability 1 / (n - 1).
        double second = 0;
        for (std::size_t i = 0; i + 1 < x_.size(); ++i)
            second += (x_[i] * x_[i] + x_[i] * x_[i + 1] + x_[i + 1] * x_[i + 1]) / 3.0;
        second /= static_cast<double>(x_.size() - 1);
        const double m = mean();
        return second - m * m;
    }

private:
    std::vector<double> x_;
};

/// An index in [0, weights.size()) with probability weights[i] / sum. Vose's alias method: O(n)
/// tables built once, then each draw costs one below(n) and one uniform01().
class weighted_choice {
public:
    explicit weighted_choice(std::vector<double> weights) : weights_(std::move(weights)) {
        const std::size_t n = weights_.size();
        if (n == 0) detail::bad_parameter("weighted_choice", "weights", "non-empty", "0 weights");
        double sum = 0;
        for (std::size_t i = 0; i < n; ++i) {
            if (!(weights_[i] >= 0) || !std::isfinite(weights_[i]))
                detail::bad_parameter("weighted_choice", "weights[" + std::to_string(i) + "]",
                                      "finite and >= 0", detail::format_number(weights_[i]));
            sum += weights_[i];
        }
        if (!(sum > 0) || !std::isfinite(sum))
            detail::bad_parameter("weighted_choice", "weights", "of finite sum > 0",
                                  "sum " + detail::format_number(sum));
        sum_ = sum;

        prob_.assign(n, 1.0);
        alias_.resize(n);
        std::vector<double> scaled(n);
        std::vector<std::size_t> small, large;
        // Push in descending index order so the stacks pop in ascending order: the pairing, and so
        // the tables, depend only on the weights.
        for (std::size_t j = n; j-- > 0;) {
            scaled[j] = weights_[j] / sum * static_cast<double>(n);
            alias_[j] = j;
            (scaled[j] < 1.0 ? small : large).push_back(j);
        }
        while (!small.empty() && !large.empty()) {
            const std::size_t l = small.back();
            small.pop_back();
            const std::size_t g = large.back();
            large.pop_back();
            prob_[l] = scaled[l];
            alias_[l] = g;
            scaled[g] = (scaled[g] + scaled[l]) - 1.0;  // Vose's order of operations loses least
            (scaled[g] < 1.0 ? small : large).push_back(g);
        }
        // Whatever is left has probability 1 up to rounding (prob_ was filled with 1.0). A
        // zero-weight entry can be left only if rounding went badly astray; never let it be drawn.
        for (const std::size_t l : small) {
            if (!(weights_[l] > 0.0)) {
                prob_[l] = 0.0;
                alias_[l] = heaviest();
            }
        }
    }

    std::size_t operator()(rng& r) const {
        const auto i = static_cast<std::size_t>(r.below(prob_.size()));
        return r.uniform01() < prob_[i] ? i : alias_[i];
    }

    [[nodiscard]] std::size_t size() const noexcept { return weights_.size(); }
    [[nodiscard]] const std::vector<double>& weights() const noexcept { return weights_; }
    [[nodiscard]] double probability(std::size_t i) const { return weights_.at(i) / sum_; }

private:
    std::size_t heaviest() const noexcept {
        return static_cast<std::size_t>(std::max_element(weights_.begin(), weights_.end()) - weights_.begin());
    }

    std::vector<double> weights_;
    double sum_ = 0;
    std::vector<double> prob_;
    std::vector<std::size_t> alias_;
};

/// true with probability p: uniform01() < p, so p = 0 is never and p = 1 always true.
class bernoulli {
public:
    explicit bernoulli(double p) : p_(p) {
        if (!(p >= 0.0 && p <= 1.0)) detail::bad_parameter("bernoulli", "p", "in [0, 1]", detail::format_number(p));
    }

    bool operator()(rng& r) const { return r.uniform01() < p_; }

    [[nodiscard]] double p() const noexcept { return p_; }
    [[nodiscard]] double mean() const noexcept { return p_; }
    [[nodiscard]] double variance() const noexcept { return p_ * (1.0 - p_); }

private:
    double p_;
};

/// Always `value`, and consumes no draws: lets a scenario fix a quantity where a distribution is
/// expected without shifting the stream.
class constant {
public:
    explicit constant(double value) : value_(value) { detail::require_finite("constant", "value", value); }

    double operator()(rng&) const noexcept { return value_; }

    [[nodiscard]] double value() const noexcept { return value_; }
    [[nodiscard]] double mean() const noexcept { return value_; }
    [[nodiscard]] double variance() const noexcept { return 0.0; }

private:
    double value_;
};

/// A draw of `d`, read as seconds, as a virtual-time duration rounded to the nanosecond. Negative
/// draws (a normal's left tail) become zero: a delay cannot go back in time. A NaN or a draw beyond
/// ±292 years makes duration::from_seconds throw.
template <class Dist>
    requires std::convertible_to<std::invoke_result_t<const Dist&, rng&>, double>
duration sample_duration(const Dist& d, rng& r) {
    const double s = static_cast<double>(d(r));
    return duration::from_seconds(s < 0.0 ? 0.0 : s);
}

} // namespace surge
