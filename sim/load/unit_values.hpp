// sim/load/unit_values.hpp — the glue between JSON values and the unit parsers: durations
// (surge::parse_duration), times inside the run, rates, sizes and bandwidths (sim/units.hpp). A
// parser's own complaint ("unknown unit \"parsecs\"") is kept after the loader's "expected ...".
#pragma once

#include <sim/limits.hpp>
#include <sim/load/json_text.hpp>
#include <sim/load/json_values.hpp>
#include <sim/units.hpp>

#include <models/distribution.hpp>

#include <surge/time.hpp>

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>

namespace surge::sim::load_detail {

using json = nlohmann::json;

inline constexpr const char* duration_expected = "a duration string like \"250ms\" (a number and a unit: ns, us, ms, s, m, h)";

enum class duration_rule : std::uint8_t { non_negative, positive };

inline duration read_duration(const context& c, const json& j, const std::string& ptr,
                              duration_rule rule = duration_rule::non_negative) {
    if (!j.is_string()) c.expected(ptr, duration_expected, j);
    const auto& s = j.get_ref<const std::string&>();
    duration d;
    try {
        d = surge::parse_duration(s);
    } catch (const surge::parse_error& e) {
        c.fail(ptr, "expected " + std::string(duration_expected) + ", found " + show(j) + ": " +
                        parse_error_reason(e, "duration", s));
    }
    if (rule == duration_rule::positive && d <= duration::zero()) c.expected(ptr, "a duration > 0", j);
    return d;
}

/// A time on the run's clock that must fall inside the run: 0 <= at < length.
inline time_point read_time(const context& c, const json& j, const std::string& ptr, duration length) {
    const duration d = read_duration(c, j, ptr);
    if (d >= length)
        c.expected(ptr, "a time before the end of the run (duration " + surge::to_string(length) + ")", j);
    return time_point{} + d;
}

inline models::rate read_rate(const context& c, const json& j, const std::string& ptr, bool positive) {
    const char* what = "a rate string like \"100/s\" (a number per time unit: ns, us, ms, s, m or min, h)";
    if (!j.is_string()) c.expected(ptr, what, j);
    const auto& s = j.get_ref<const std::string&>();
    models::rate r;
    try {
        r = parse_rate(s);
    } catch (const surge::parse_error& e) {
        c.fail(ptr, "expected " + std::string(what) + ", found " + show(j) + ": " + parse_error_reason(e, "rate", s));
    }
    if (positive && r.zero()) c.expected(ptr, "a rate > 0", j);
    return r;
}

inline std::int64_t read_size(const context& c, const json& j, const std::string& ptr) {
    const char* what = "a size string like \"512B\" or \"1KB\" (units B, KB = 1000 B, KiB = 1024 B, MB, MiB, GB, GiB)";
    if (!j.is_string()) c.expected(ptr, what, j);
    const auto& s = j.get_ref<const std::string&>();
    try {
        return parse_size(s);
    } catch (const surge::parse_error& e) {
        c.fail(ptr, "expected " + std::string(what) + ", found " + show(j) + ": " + parse_error_reason(e, "size", s));
    }
}

/// Bytes per second; "unlimited" (only where `allow_unlimited`) is 0.
inline double read_bandwidth(const context& c, const json& j, const std::string& ptr, bool allow_unlimited) {
    const std::string what = std::string("a bandwidth string like \"1MB/s\" or \"10Mbit/s\"") +
                             (allow_unlimited ? " or \"unlimited\"" : "");
    if (!j.is_string()) c.expected(ptr, what, j);
    const auto& s = j.get_ref<const std::string&>();
    if (s == "unlimited") {
        if (allow_unlimited) return 0;
        c.expected(ptr, what, j);
    }
    double b = 0;
    try {
        b = parse_bandwidth(s);
    } catch (const surge::parse_error& e) {
        c.fail(ptr, "expected " + what + ", found " + show(j) + ": " + parse_error_reason(e, "bandwidth", s));
    }
    if (!(b > 0) || !std::isfinite(b))
        c.expected(ptr, allow_unlimited ? "a bandwidth > 0 (write \"unlimited\" for no limit)" : "a bandwidth > 0", j);
    if (b < limits::min_bandwidth_bytes_per_s)
        c.expected(ptr, "a bandwidth >= 1bit/s (the limit on a link's bandwidth: below it one frame outlasts any run; "
                        "see \"Limits\" in docs/scenarios.md)", j);
    return b;
}

/// A count the model allocates or carries in a fixed-width field, in [lo, limit]. Above the limit
/// the message names it and why it is there: `why` completes "the limit on ...".
inline std::int64_t read_count(const context& c, const json& j, const std::string& ptr, std::int64_t lo,
                               std::int64_t limit, std::string_view why) {
    if (j.is_number() && j.get<double>() > static_cast<double>(limit))
        c.expected(ptr, "an integer between " + std::to_string(lo) + " and " + std::to_string(limit) + " (the limit on " +
                            std::string(why) + "; see \"Limits\" in docs/scenarios.md)",
                   j);
    return read_int(c, j, ptr, lo);  // below lo, or not an integer: the usual message
}

} // namespace surge::sim::load_detail
