// sim/units.hpp — the unit strings of scenario files besides durations (which are
// surge::parse_duration's): rates ("100/s"), sizes ("1.5KB") and bandwidths ("10Mbit/s").
//
// Decimal prefixes are decimal and binary ones binary, as the SI and IEC define them: KB = kB =
// 1000 B, KiB = 1024 B, Mbit = 10^6 bit. Like durations, every value is a non-negative decimal
// with a unit; a bare number is an error except 0, which is 0 in every unit. Malformed input
// throws surge::parse_error whose what() quotes the input and says what is allowed.
#pragma once

#include <models/distribution.hpp>

#include <surge/time.hpp>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

namespace surge::sim {

namespace units_detail {

inline bool is_zero(const surge::detail::decimal& d) noexcept {
    for (char c : d.integer) if (c != '0') return false;
    for (char c : d.fraction) if (c != '0') return false;
    return true;
}

/// A leading non-negative decimal of `s` as text and as a double; `rest` gets what follows
/// (trimmed). Returns false if `s` does not start with a number.
inline bool leading_number(std::string_view s, surge::detail::decimal& d, double& value, std::string_view& rest) {
    if (!surge::detail::split_decimal(s, d, rest)) return false;
    const std::string_view number = s.substr(0, static_cast<std::size_t>(rest.data() - s.data()));
    // from_chars rejects a lone "." and a trailing "."; std::string keeps this independent of locale.
    std::string digits(number);
    if (!digits.empty() && digits.back() == '.') digits.pop_back();
    if (!digits.empty() && digits.front() == '.') digits.insert(digits.begin(), '0');
    const auto res = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    // Out of range is too large with a non-zero integer part, else too small ("0.000…1"): 0 then,
    // which the callers tell from a written zero by the digits (is_zero).
    if (res.ec == std::errc::result_out_of_range)
        value = is_zero(surge::detail::decimal{d.integer, {}}) ? 0.0 : std::numeric_limits<double>::infinity();
    else if (res.ec != std::errc{} || res.ptr != digits.data() + digits.size()) return false;
    rest = surge::detail::trim(rest);
    return true;
}

/// Bytes per unit of a size, 0 if `unit` is not a size unit.
inline std::int64_t size_unit(std::string_view unit) noexcept {
    if (unit == "B") return 1;
    if (unit == "KB" || unit == "kB") return 1'000;
    if (unit == "KiB") return 1'024;
    if (unit == "MB") return 1'000'000;
    if (unit == "MiB") return 1'048'576;
    if (unit == "GB") return 1'000'000'000;
    if (unit == "GiB") return 1'073'741'824;
    return 0;
}

/// Bytes per unit of a data amount for bandwidths: size units and bit units (bit = 1/8 B).
inline double data_unit(std::string_view unit) noexcept {
    if (const std::int64_t b = size_unit(unit); b != 0) return static_cast<double>(b);
    if (unit == "bit") return 1.0 / 8;
    if (unit == "kbit" || unit == "Kbit") return 1e3 / 8;
    if (unit == "Mbit") return 1e6 / 8;
    if (unit == "Gbit") return 1e9 / 8;
    return 0;
}

} // namespace units_detail

inline constexpr const char* rate_help =
    "expected a number per time unit (ns, us, ms, s, m or min, h), e.g. \"100/s\", \"6000/min\", \"2/ms\"";
inline constexpr const char* size_help = "expected a number and a unit (B, KB = kB = 1000 B, KiB = 1024 B, MB, MiB, GB, GiB), "
                                         "e.g. \"512B\" or \"1.5KB\"";
inline constexpr const char* bandwidth_help =
    "expected an amount of data per second (units B, KB, KiB, MB, MiB, GB, GiB, bit, kbit, Mbit, Gbit), "
    "e.g. \"1MB/s\" or \"10Mbit/s\"";

/// "100/s", "6000/min", "2/ms", "3600/h" -> events per second. "0" is a zero rate.
inline models::rate parse_rate(std::string_view text) {
    const std::string_view s = surge::detail::trim(text);
    const auto fail = [&](const std::string& why) -> models::rate {
        throw surge::parse_error("invalid rate \"" + std::string(text) + "\": " + why + "; " + rate_help);
    };
    if (s.empty()) return fail("the string is empty");
    if (s.front() == '-') return fail("rates cannot be negative");
    surge::detail::decimal d;
    double value = 0;
    std::string_view rest;
    if (!units_detail::leading_number(s, d, value, rest)) return fail("it does not start with a number");
    if (rest.empty()) {
        if (units_detail::is_zero(d)) return models::rate{0};
        return fail("the unit is missing");
    }
    if (rest.front() != '/') return fail("expected '/' and a time unit after the number");
    const std::string_view unit = surge::detail::trim(rest.substr(1));
    const std::int64_t ns = surge::detail::unit_ns(unit);
    if (ns == 0) return fail("unknown time unit \"" + std::string(unit) + "\"");
    const double per_second = value * (1e9 / static_cast<double>(ns));
    if (!std::isfinite(per_second)) return fail("it is too large");
    if (!(per_second > 0) && !units_detail::is_zero(d)) return fail("it is too small to represent (write 0 for no events)");
    return models::rate{per_second};
}

/// "512B", "1.5KB", "2MiB" -> bytes, rounded half-up to a whole byte. "0" is zero bytes.
inline std::int64_t parse_size(std::string_view text) {
    const std::string_view s = surge::detail::trim(text);
    const auto fail = [&](const std::string& why) -> std::int64_t {
        throw surge::parse_error("invalid size \"" + std::string(text) + "\": " + why + "; " + size_help);
    };
    if (s.empty()) return fail("the string is empty");
    if (s.front() == '-') return fail("sizes cannot be negative");
    surge::detail::decimal d;
    std::string_view rest;
    if (!surge::detail::split_decimal(s, d, rest)) return fail("it does not start with a number");
    rest = surge::detail::trim(rest);
    if (rest.empty()) {
        if (units_detail::is_zero(d)) return 0;
        return fail("the unit is missing");
    }
    const std::int64_t unit = units_detail::size_unit(rest);
    if (unit == 0) return fail("unknown unit \"" + std::string(rest) + "\"");
    std::int64_t bytes = 0;
    if (!surge::detail::scale_decimal(d, unit, bytes)) return fail("it is too large");
    return bytes;
}

/// "1MB/s", "100KB/s", "10Mbit/s" -> bytes per second.
inline double parse_bandwidth(std::string_view text) {
    const std::string_view s = surge::detail::trim(text);
    const auto fail = [&](const std::string& why) -> double {
        throw surge::parse_error("invalid bandwidth \"" + std::string(text) + "\": " + why + "; " + bandwidth_help);
    };
    if (s.empty()) return fail("the string is empty");
    if (s.front() == '-') return fail("bandwidths cannot be negative");
    surge::detail::decimal d;
    double value = 0;
    std::string_view rest;
    if (!units_detail::leading_number(s, d, value, rest)) return fail("it does not start with a number");
    const std::size_t slash = rest.find('/');
    if (slash == std::string_view::npos) return fail("\"/s\" is missing");
    const std::string_view unit = surge::detail::trim(rest.substr(0, slash));
    const std::string_view per = surge::detail::trim(rest.substr(slash + 1));
    if (unit.empty()) return fail("the data unit is missing");
    const double bytes = units_detail::data_unit(unit);
    if (bytes == 0) return fail("unknown data unit \"" + std::string(unit) + "\"");
    if (per != "s") return fail("only per second (\"/s\") is supported");
    if (!std::isfinite(value * bytes)) return fail("it is too large");
    return value * bytes;
}

} // namespace surge::sim
