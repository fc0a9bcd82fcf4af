// sim/load/json_values.hpp — typed reads of single JSON values: integers in a range, numbers in an
// interval, booleans, strings, one of a list of names, and enums through their name tables
// (models/enum_names.hpp). Each read either returns the value or fails with "expected WHAT, found
// VALUE" at the value's JSON pointer.
#pragma once

#include <sim/load/json_text.hpp>

#include <models/enum_names.hpp>

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace surge::sim::load_detail {

using json = nlohmann::json;

inline std::string describe_int_range(std::int64_t lo, std::optional<std::int64_t> hi) {
    if (hi) return "an integer between " + std::to_string(lo) + " and " + std::to_string(*hi);
    return "an integer >= " + std::to_string(lo);
}

/// An integer (a number with no fraction: 20 and 20.0 both are) in [lo, hi].
inline std::int64_t read_int(const context& c, const json& j, const std::string& ptr, std::int64_t lo,
                             std::optional<std::int64_t> hi = std::nullopt) {
    const std::string what = describe_int_range(lo, hi);
    std::int64_t v = 0;
    if (j.is_number_integer() && !j.is_number_unsigned()) {
        v = j.get<std::int64_t>();
    } else if (j.is_number_unsigned()) {
        const auto u = j.get<std::uint64_t>();
        if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) c.expected(ptr, what, j);
        v = static_cast<std::int64_t>(u);
    } else if (j.is_number_float()) {
        const double d = j.get<double>();
        if (!(std::floor(d) == d) || !(std::fabs(d) < 9.0e18)) c.expected(ptr, what, j);
        v = static_cast<std::int64_t>(d);
    } else {
        c.expected(ptr, what, j);
    }
    if (v < lo || (hi && v > *hi)) c.expected(ptr, what, j);
    return v;
}

/// A closed or open interval of doubles, for messages and checks.
struct number_range {
    double lo = -std::numeric_limits<double>::infinity();
    double hi = std::numeric_limits<double>::infinity();
    bool lo_open = false;
    bool hi_open = false;

    [[nodiscard]] bool contains(double v) const {
        if (!std::isfinite(v)) return false;
        if (lo_open ? !(v > lo) : !(v >= lo)) return false;
        if (hi_open ? !(v < hi) : !(v <= hi)) return false;
        return true;
    }
    [[nodiscard]] std::string describe() const {
        const bool has_lo = std::isfinite(lo), has_hi = std::isfinite(hi);
        if (has_lo && has_hi && !lo_open && !hi_open)
            return "a number between " + format_number(lo) + " and " + format_number(hi);
        std::string out = "a number";
        if (has_lo) out += std::string(lo_open ? " > " : " >= ") + format_number(lo);
        if (has_lo && has_hi) out += " and";
        if (has_hi) out += std::string(hi_open ? " < " : " <= ") + format_number(hi);
        return out;
    }
};

inline constexpr number_range unit_interval{0, 1, false, false};
inline constexpr number_range positive_number{0, std::numeric_limits<double>::infinity(), true, false};

inline double read_number(const context& c, const json& j, const std::string& ptr, const number_range& range) {
    if (!j.is_number()) c.expected(ptr, range.describe(), j);
    const double v = j.get<double>();
    if (!range.contains(v)) c.expected(ptr, range.describe(), j);
    return v;
}

inline bool read_bool(const context& c, const json& j, const std::string& ptr) {
    if (!j.is_boolean()) c.expected(ptr, "true or false", j);
    return j.get<bool>();
}

inline std::string read_string(const context& c, const json& j, const std::string& ptr) {
    if (!j.is_string()) c.expected(ptr, "a string", j);
    return j.get<std::string>();
}

/// One of `names` (a string), as its index; a near miss gets a suggestion.
inline std::size_t read_choice(const context& c, const json& j, const std::string& ptr, const std::vector<std::string>& names) {
    const std::string what = "one of " + join_quoted(names);
    if (!j.is_string()) c.expected(ptr, what, j);
    const auto& s = j.get_ref<const std::string&>();
    for (std::size_t i = 0; i < names.size(); ++i)
        if (names[i] == s) return i;
    std::string msg = "expected " + what + ", found " + show(j);
    if (const std::string near = closest(s, names); !near.empty()) msg += "; did you mean \"" + near + "\"?";
    c.fail(ptr, msg);
}

/// An enum by its name in the enum's table (models/enum_names.hpp); the message lists the names in
/// the table's order.
template <models::named_enum Enum>
Enum read_enum(const context& c, const json& j, const std::string& ptr) {
    const auto table = enum_names(Enum{});
    return table[read_choice(c, j, ptr, models::names_of<Enum>())].value;
}

} // namespace surge::sim::load_detail
