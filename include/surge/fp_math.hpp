// surge/fp_math.hpp — surge's own e^x, ln x and x^y (fp_exp, fp_log, fp_pow): the same bits on
// every platform, for the random draws and for models that compute their own parameters.
#pragma once

#include <bit>
#include <cstdint>
#include <limits>

namespace surge {

namespace detail {

// The C library's log/exp/pow differ between libms, and glibc itself picks an FMA or a non-FMA
// variant at run time by CPU. Draws use these instead: only +, -, *, / and bit operations, each
// correctly rounded by IEEE 754, so a seed gives the same bits on every platform. constexpr, so
// that the ziggurat tables below are computed by the compiler (which never contracts a*b+c).
// Both are within 1 ulp of the correctly rounded result (tests/kernel/test_random.cpp compares
// them with glibc over millions of arguments). docs/random.md gives the algorithms.

inline constexpr double ln2_hi = 0x1.62e42fee00000p-1;  // ln 2 to 32 bits: k * ln2_hi is exact
inline constexpr double ln2_lo = 0x1.a39ef35793c76p-33;  // ln 2 - ln2_hi
inline constexpr double inv_ln2 = 0x1.71547652b82fep0;

} // namespace detail

// Public, so that models computing their own parameters (a backoff's multiplier^attempt, a
// lognormal's shifted median) get the same bits everywhere too.

/// e^x. Reduction x = k ln2 + r, |r| <= ln2 / 2 (Cody & Waite, ln 2 in two parts); e^r by its
/// Taylor series to degree 13 (truncation error < 2^-58 relative); then scaled by 2^k.
constexpr double fp_exp(double x) noexcept {
    if (x != x) return x;
    if (x > 0x1.62e42fefa39efp9) return std::numeric_limits<double>::infinity();  // > ln DBL_MAX
    if (x < -745.2) return 0.0;  // below half the least subnormal
    const double kd = (x * detail::inv_ln2 + 0x1.8p52) - 0x1.8p52;  // round to nearest integer
    const double r = (x - kd * detail::ln2_hi) - kd * detail::ln2_lo;
    constexpr double inv_factorial[14] = {1.0,          1.0,           1.0 / 2,        1.0 / 6,
                                          1.0 / 24,     1.0 / 120,     1.0 / 720,      1.0 / 5040,
                                          1.0 / 40320,  1.0 / 362880,  1.0 / 3628800,  1.0 / 39916800,
                                          1.0 / 479001600, 1.0 / 6227020800.0};
    double p = inv_factorial[13];
    for (int n = 12; n >= 0; --n) p = p * r + inv_factorial[n];
    const auto k = static_cast<std::int64_t>(kd);
    if (k > 1023) return p * 2.0 * std::bit_cast<double>(static_cast<std::uint64_t>(1022 + k) << 52);
    if (k >= -1022) return p * std::bit_cast<double>(static_cast<std::uint64_t>(1023 + k) << 52);
    return p * std::bit_cast<double>(static_cast<std::uint64_t>(1023 + 64 + k) << 52) * 0x1p-64;
}

/// ln x. x = 2^k m with m in [sqrt(2)/2, sqrt(2)); with f = m - 1 (exact) and s = f / (2 + f),
/// ln m = 2 atanh s = f - (f^2/2 - s (f^2/2 + R)), R = sum_{n=1..11} 2 s^(2n) / (2n + 1)
/// (truncation error < 2^-60 relative); then + k ln 2 in two parts.
constexpr double fp_log(double x) noexcept {
    if (!(x > 0.0)) return x == 0.0 ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::quiet_NaN();
    if (x == std::numeric_limits<double>::infinity()) return x;
    std::int64_t k = 0;
    if (x < 0x1p-1022) {  // subnormal: normalise first
        x *= 0x1p54;
        k = -54;
    }
    std::uint64_t bits = std::bit_cast<std::uint64_t>(x);
    k += static_cast<std::int64_t>(bits >> 52) - 1023;
    bits &= (std::uint64_t{1} << 52) - 1;
    if (bits >= 0x6a09e667f3bcdu) {  // significand >= sqrt(2): use m / 2 and k + 1
        bits |= std::uint64_t{1022} << 52;
        ++k;
    } else {
        bits |= std::uint64_t{1023} << 52;
    }
    const double f = std::bit_cast<double>(bits) - 1.0;
    const double s = f / (2.0 + f);
    const double z = s * s;
    constexpr double c[11] = {2.0 / 3,  2.0 / 5,  2.0 / 7,  2.0 / 9,  2.0 / 11, 2.0 / 13,
                              2.0 / 15, 2.0 / 17, 2.0 / 19, 2.0 / 21, 2.0 / 23};
    double R = c[10];
    for (int n = 9; n >= 0; --n) R = R * z + c[n];
    R *= z;
    const double hfsq = 0.5 * f * f;
    const double kd = static_cast<double>(k);
    return kd * detail::ln2_hi - ((hfsq - (s * (hfsq + R) + kd * detail::ln2_lo)) - f);
}

/// x^y for x >= 0 as exp(y ln x); the error grows with |y ln x| (within 2 + 2 |y ln x| ulp, as
/// tested), far below what a sampled distribution can show.
constexpr double fp_pow(double x, double y) noexcept { return fp_exp(y * fp_log(x)); }

} // namespace surge
