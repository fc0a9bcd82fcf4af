// surge/time.hpp — virtual time: integer nanoseconds, strong types, literals, and the parser for
// duration strings used in scenario files ("250ms", "1.5s", "2m").
//
// Virtual time never touches floating point inside the simulation: a `duration` and a
// `time_point` are std::int64_t nanoseconds (range ±292 years). Doubles appear only at the edges:
// when a distribution's draw becomes a delay (`from_seconds`) and when a report is written.
//
// Arithmetic saturates: a sum, difference or product beyond ±292 years is duration::max() (or its
// negative end) instead of signed overflow, which is undefined behaviour. A saturated time is far
// beyond the event queue's horizon (±2^55 ns), so scheduling at it fails with the queue's clear
// error rather than wrapping round to the past. The scenario loader keeps runs well inside the
// horizon (sim/limits.hpp), so a valid scenario never saturates.
#pragma once

#include <cmath>
#include <compare>
#include <cstdint>
#include <limits>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace surge {

namespace detail {
// Saturating std::int64_t arithmetic (the builtins compile to the operation and one overflow flag
// test: no measurable cost on the event loop's `now + delay`).
inline constexpr std::int64_t time_max = std::numeric_limits<std::int64_t>::max();
inline constexpr std::int64_t time_min = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t add_sat(std::int64_t a, std::int64_t b) noexcept {
    std::int64_t r = 0;
    if (__builtin_add_overflow(a, b, &r)) return b > 0 ? time_max : time_min;
    return r;
}
constexpr std::int64_t sub_sat(std::int64_t a, std::int64_t b) noexcept {
    std::int64_t r = 0;
    if (__builtin_sub_overflow(a, b, &r)) return b < 0 ? time_max : time_min;
    return r;
}
constexpr std::int64_t mul_sat(std::int64_t a, std::int64_t b) noexcept {
    std::int64_t r = 0;
    if (__builtin_mul_overflow(a, b, &r)) return (a < 0) != (b < 0) ? time_min : time_max;
    return r;
}
/// a / b for b != 0; the one overflowing case, min / -1, saturates.
constexpr std::int64_t div_sat(std::int64_t a, std::int64_t b) noexcept {
    return b == -1 ? sub_sat(0, a) : a / b;
}
} // namespace detail

/// A span of virtual time, in integer nanoseconds.
class duration {
public:
    using rep = std::int64_t;

    constexpr duration() noexcept = default;
    static constexpr duration nanoseconds(rep n) noexcept { return duration{n}; }
    static constexpr duration microseconds(rep n) noexcept { return duration{detail::mul_sat(n, 1'000)}; }
    static constexpr duration milliseconds(rep n) noexcept { return duration{detail::mul_sat(n, 1'000'000)}; }
    static constexpr duration seconds(rep n) noexcept { return duration{detail::mul_sat(n, 1'000'000'000)}; }
    static constexpr duration minutes(rep n) noexcept { return duration{detail::mul_sat(n, 60'000'000'000)}; }
    static constexpr duration hours(rep n) noexcept { return duration{detail::mul_sat(n, 3'600'000'000'000)}; }
    static constexpr duration zero() noexcept { return duration{0}; }
    static constexpr duration max() noexcept { return duration{std::numeric_limits<rep>::max()}; }

    /// Seconds as a double, rounded to the nearest nanosecond. Throws std::domain_error for NaN or
    /// a value outside the representable range: a distribution that produced one is a bug to report.
    static duration from_seconds(double s) {
        const double ns = s * 1e9;
        // For 0.5 <= ns < 2^51, rounding ns + 0.5 cannot carry it up to the next integer, so
        // truncating it is llround: a shorter dependency chain for the common case, same bits
        // (tests/kernel/test_time.cpp compares). Below 0.5 it can: 0.49999999999999994 + 0.5
        // rounds to 1.
        if (ns >= 0.5 && ns < 0x1p51) return duration{static_cast<rep>(ns + 0.5)};
        if (!(ns > -9.2e18 && ns < 9.2e18))
            throw std::domain_error("duration::from_seconds: " + std::to_string(s) +
                                    " s is not a finite duration within +-292 years");
        // std::llround (half away from zero), without the library call: truncate, then look at
        // the fraction. ns - trunc(ns) is exact (Sterbenz; and 0 once |ns| >= 2^52, where every
        // double is an integer), so the result is bit-identical to llround's.
        const auto whole = static_cast<rep>(ns);
        const double frac = ns - static_cast<double>(whole);
        return duration{whole + static_cast<rep>(frac >= 0.5) - static_cast<rep>(frac <= -0.5)};
    }

    [[nodiscard]] constexpr rep count() const noexcept { return ns_; }
    [[nodiscard]] constexpr double seconds_f() const noexcept { return static_cast<double>(ns_) * 1e-9; }
    [[nodiscard]] constexpr double milliseconds_f() const noexcept { return static_cast<double>(ns_) * 1e-6; }

    constexpr auto operator<=>(const duration&) const noexcept = default;

    // Saturating (see the top of this file). Division and remainder need a non-zero divisor.
    constexpr duration operator-() const noexcept { return duration{detail::sub_sat(0, ns_)}; }
    constexpr duration& operator+=(duration d) noexcept { ns_ = detail::add_sat(ns_, d.ns_); return *this; }
    constexpr duration& operator-=(duration d) noexcept { ns_ = detail::sub_sat(ns_, d.ns_); return *this; }
    friend constexpr duration operator+(duration a, duration b) noexcept { return duration{detail::add_sat(a.ns_, b.ns_)}; }
    friend constexpr duration operator-(duration a, duration b) noexcept { return duration{detail::sub_sat(a.ns_, b.ns_)}; }
    friend constexpr duration operator*(duration a, rep k) noexcept { return duration{detail::mul_sat(a.ns_, k)}; }
    friend constexpr duration operator*(rep k, duration a) noexcept { return duration{detail::mul_sat(a.ns_, k)}; }
    friend constexpr duration operator/(duration a, rep k) noexcept { return duration{detail::div_sat(a.ns_, k)}; }
    friend constexpr rep operator/(duration a, duration b) noexcept { return detail::div_sat(a.ns_, b.ns_); }
    friend constexpr duration operator%(duration a, duration b) noexcept { return duration{b.ns_ == -1 ? 0 : a.ns_ % b.ns_}; }

private:
    constexpr explicit duration(rep n) noexcept : ns_(n) {}
    rep ns_ = 0;
};

/// An instant of virtual time: nanoseconds since the start of the simulation (t = 0).
class time_point {
public:
    using rep = std::int64_t;

    constexpr time_point() noexcept = default;
    static constexpr time_point from_ns(rep n) noexcept { return time_point{n}; }
    static constexpr time_point max() noexcept { return time_point{std::numeric_limits<rep>::max()}; }

    [[nodiscard]] constexpr rep count() const noexcept { return ns_; }
    [[nodiscard]] constexpr duration since_start() const noexcept { return duration::nanoseconds(ns_); }
    [[nodiscard]] constexpr double seconds_f() const noexcept { return static_cast<double>(ns_) * 1e-9; }

    constexpr auto operator<=>(const time_point&) const noexcept = default;

    // Saturating, like duration's.
    constexpr time_point& operator+=(duration d) noexcept { ns_ = detail::add_sat(ns_, d.count()); return *this; }
    friend constexpr time_point operator+(time_point t, duration d) noexcept { return time_point{detail::add_sat(t.ns_, d.count())}; }
    friend constexpr time_point operator-(time_point t, duration d) noexcept { return time_point{detail::sub_sat(t.ns_, d.count())}; }
    friend constexpr duration operator-(time_point a, time_point b) noexcept { return duration::nanoseconds(detail::sub_sat(a.ns_, b.ns_)); }

private:
    constexpr explicit time_point(rep n) noexcept : ns_(n) {}
    rep ns_ = 0;
};

inline namespace literals {
// clang-format off
constexpr duration operator""_ns(unsigned long long n) { return duration::nanoseconds(static_cast<std::int64_t>(n)); }
constexpr duration operator""_us(unsigned long long n) { return duration::microseconds(static_cast<std::int64_t>(n)); }
constexpr duration operator""_ms(unsigned long long n) { return duration::milliseconds(static_cast<std::int64_t>(n)); }
constexpr duration operator""_s(unsigned long long n) { return duration::seconds(static_cast<std::int64_t>(n)); }
constexpr duration operator""_min(unsigned long long n) { return duration::minutes(static_cast<std::int64_t>(n)); }
constexpr duration operator""_h(unsigned long long n) { return duration::hours(static_cast<std::int64_t>(n)); }
// clang-format on
} // namespace literals

/// Thrown for a malformed duration (or rate, size) string. what() quotes the input and says what is
/// allowed; callers that know the file and JSON path prepend them.
class parse_error : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

namespace detail {

inline std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

/// A non-negative decimal number split at the point: "12.345" -> digits, with the exact value kept
/// as integer + fraction digits so that no binary rounding happens before the unit is applied.
struct decimal {
    std::string_view integer;
    std::string_view fraction;
};

/// Parses the leading decimal of `s` and returns it; `rest` receives what follows.
/// Returns false if `s` does not start with a digit (or '.' and a digit).
inline bool split_decimal(std::string_view s, decimal& out, std::string_view& rest) noexcept {
    std::size_t i = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    out.integer = s.substr(0, i);
    out.fraction = {};
    if (i < s.size() && s[i] == '.') {
        const std::size_t start = ++i;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
        out.fraction = s.substr(start, i - start);
    }
    rest = s.substr(i);
    return !(out.integer.empty() && out.fraction.empty());
}

/// value * unit, where value is the decimal `d`, rounded half-up to an integer. Fraction digits
/// past the 18th are ignored (they are below a nanosecond for every unit). Returns false on
/// overflow of std::int64_t.
inline bool scale_decimal(const decimal& d, std::int64_t unit, std::int64_t& out) noexcept {
    __extension__ typedef unsigned __int128 u128;
    constexpr std::int64_t max = std::numeric_limits<std::int64_t>::max();
    u128 whole = 0;
    for (char c : d.integer) {
        whole = whole * 10 + static_cast<unsigned>(c - '0');
        if (whole > static_cast<u128>(max)) return false;
    }
    u128 frac = 0, denom = 1;
    for (std::size_t k = 0; k < d.fraction.size() && k < 18; ++k) {
        frac = frac * 10 + static_cast<unsigned>(d.fraction[k] - '0');
        denom *= 10;
    }
    const u128 u = static_cast<u128>(unit);
    const u128 total = whole * u + (2 * frac * u + denom) / (2 * denom);
    if (total > static_cast<u128>(max)) return false;
    out = static_cast<std::int64_t>(total);
    return true;
}

inline std::int64_t unit_ns(std::string_view unit) noexcept {
    if (unit == "ns") return 1;
    if (unit == "us" || unit == "\xC2\xB5s") return 1'000;  // "µs" in UTF-8
    if (unit == "ms") return 1'000'000;
    if (unit == "s") return 1'000'000'000;
    if (unit == "m" || unit == "min") return 60'000'000'000;
    if (unit == "h") return 3'600'000'000'000;
    return 0;
}

} // namespace detail

/// Parses a duration string: a non-negative decimal number and a unit — ns, us (or µs), ms, s,
/// m (or min), h — with optional blanks around and between, e.g. "250ms", "1.5s", "2m", "0".
/// The value is rounded half-up to a whole nanosecond. Throws surge::parse_error on anything else.
inline duration parse_duration(std::string_view text) {
    const std::string_view s = detail::trim(text);
    const auto fail = [&](const char* why) -> duration {
        throw parse_error("invalid duration \"" + std::string(text) + "\": " + why +
                          "; expected a non-negative number and a unit (ns, us, ms, s, m, h), e.g. \"250ms\" or \"1.5s\"");
    };
    if (s.empty()) return fail("the string is empty");
    if (s.front() == '-') return fail("durations cannot be negative");
    if (s.front() == '+') return fail("no sign is allowed");
    detail::decimal d;
    std::string_view rest;
    if (!detail::split_decimal(s, d, rest)) return fail("it does not start with a number");
    rest = detail::trim(rest);
    if (rest.empty()) {
        // A bare number is only unambiguous when it is zero.
        for (char c : d.integer) if (c != '0') return fail("the unit is missing");
        for (char c : d.fraction) if (c != '0') return fail("the unit is missing");
        return duration::zero();
    }
    if (rest.front() == 'e' || rest.front() == 'E') {
        if (rest.size() > 1 && (rest[1] == '+' || rest[1] == '-' || (rest[1] >= '0' && rest[1] <= '9')))
            return fail("exponent notation is not supported");
    }
    const std::int64_t unit = detail::unit_ns(rest);
    if (unit == 0) return fail(("unknown unit \"" + std::string(rest) + "\"").c_str());
    std::int64_t ns = 0;
    if (!detail::scale_decimal(d, unit, ns)) return fail("it exceeds the largest duration (about 292 years)");
    return duration::nanoseconds(ns);
}

/// A short human form: the largest unit that shows the value exactly with at most three decimals,
/// e.g. "250ms", "1.5s", "90s", "1.234567ms", "17ns". Round-trips through parse_duration.
inline std::string to_string(duration d) {
    std::int64_t ns = d.count();
    std::string sign;
    if (ns < 0) {
        sign = "-";
        ns = ns == std::numeric_limits<std::int64_t>::min() ? std::numeric_limits<std::int64_t>::max() : -ns;
    }
    struct unit_t { std::int64_t ns; const char* name; };
    constexpr unit_t units[] = {{1'000'000'000, "s"}, {1'000'000, "ms"}, {1'000, "us"}, {1, "ns"}};
    for (const auto& u : units) {
        if (ns < u.ns && u.ns != 1) continue;
        const std::int64_t whole = ns / u.ns;
        std::int64_t frac = ns % u.ns;
        std::string out = sign + std::to_string(whole);
        if (frac != 0) {
            std::string digits = std::to_string(frac);
            std::string pad(static_cast<std::size_t>(std::to_string(u.ns).size() - 1) - digits.size(), '0');
            digits = pad + digits;
            while (!digits.empty() && digits.back() == '0') digits.pop_back();
            out += "." + digits;
        }
        return out + u.name;
    }
    return sign + "0s";
}

inline std::string to_string(time_point t) { return to_string(t.since_start()); }

inline std::ostream& operator<<(std::ostream& os, duration d) { return os << to_string(d); }
inline std::ostream& operator<<(std::ostream& os, time_point t) { return os << "t=" << to_string(t); }

} // namespace surge
