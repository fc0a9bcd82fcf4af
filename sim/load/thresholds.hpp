// sim/load/thresholds.hpp — the "thresholds" object: metric -> comparison ("< 1s", ">= 95%"), or
// metric -> {"limit": comparison, "required": true}.
// The metric must be in the catalogue and the value must be written in the metric's unit; both
// are looked up through sim::metric_unit and sim::known_metrics (sim/metric_names.hpp).
#pragma once

#include <sim/load/json_text.hpp>
#include <sim/metric_names.hpp>
#include <sim/threshold.hpp>
#include <sim/units.hpp>

#include <models/enum_names.hpp>

#include <surge/time.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace surge::sim::load_detail {

using json = nlohmann::json;

/// What a threshold's value was written as.
enum class value_kind : std::uint8_t { plain, percent, duration, size, rate, bandwidth };

inline const char* value_kind_name(value_kind k) {
    switch (k) {
    case value_kind::plain: return "a plain number";
    case value_kind::percent: return "a percentage";
    case value_kind::duration: return "a duration";
    case value_kind::size: return "a size";
    case value_kind::rate: return "a rate";
    case value_kind::bandwidth: return "a bandwidth";
    }
    return "a value";
}

/// What a metric's unit means and how to write a value in it.
inline std::string unit_advice(std::string_view unit) {
    if (unit == "s") return "is in seconds; write a duration, e.g. \"< 250ms\"";
    if (unit == "1/s") return "is a rate; write e.g. \"> 100/s\"";
    if (unit == "B") return "is in bytes; write a size, e.g. \"< 10MB\"";
    if (unit == "B/s") return "is in bytes per second; write e.g. \"< 1MB/s\"";
    if (unit == "ratio") return "is a ratio between 0 and 1; write e.g. \">= 0.95\" or \">= 95%\"";
    return "is a count; write a plain number, e.g. \"== 0\"";
}

/// A plain decimal number (exponent allowed), the whole of `s`.
inline std::optional<double> plain_number(std::string_view s) {
    if (s.empty()) return std::nullopt;
    double v = 0;
    const auto res = std::from_chars(s.data(), s.data() + s.size(), v);
    if (res.ec != std::errc{} || res.ptr != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
    return v;
}

/// True if `s` is a whole plain number (exponent allowed) that a double cannot hold: "1e309",
/// "1e-400". Without this check such a number falls through to the duration parser.
inline bool plain_number_out_of_range(std::string_view s) {
    double v = 0;
    const auto res = std::from_chars(s.data(), s.data() + s.size(), v);
    return res.ec == std::errc::result_out_of_range && res.ptr == s.data() + s.size();
}

inline threshold read_comparison(const context& c, const std::string& metric, const json& j, const std::string& ptr);

/// A threshold: a comparison string, or {"limit": COMPARISON, "required": BOOL} (required: fail
/// when the run's mode cannot measure the metric, instead of "not measured").
inline threshold read_threshold(const context& c, const std::string& metric, const json& j, const std::string& ptr) {
    if (!j.is_object()) return read_comparison(c, metric, j, ptr);
    for (const auto& item : j.items())
        if (item.key() != "limit" && item.key() != "required")
            c.fail(ptr + "/" + pointer_token(item.key()), unknown_key_message(item.key(), {"limit", "required"}, "key"));
    if (!j.contains("limit")) c.fail(ptr, "missing key \"limit\" (a comparison like \"< 1s\")");
    threshold t = read_comparison(c, metric, j["limit"], ptr + "/limit");
    if (j.contains("required")) {
        if (!j["required"].is_boolean()) c.expected(ptr + "/required", "true or false", j["required"]);
        t.required = j["required"].get<bool>();
    }
    return t;
}

inline threshold read_comparison(const context& c, const std::string& metric, const json& j, const std::string& ptr) {
    const char* form = "a comparison like \"< 1s\" or \">= 0.95\" (an operator <, <=, >, >=, ==, != and a value), "
                       "or {\"limit\": \"< 1s\", \"required\": true}";
    if (!j.is_string()) c.expected(ptr, form, j);
    threshold t;
    t.metric = metric;
    t.expression = j.get<std::string>();
    std::string_view s = surge::detail::trim(t.expression);

    // The longest operator the expression starts with ("<=" rather than "<").
    std::string_view op_text;
    for (const auto& row : enum_names(threshold::op{}))
        if (s.starts_with(row.name) && row.name.size() > op_text.size()) {
            t.comparison = row.value;
            op_text = row.name;
        }
    if (op_text.empty()) c.expected(ptr, form, j);
    s.remove_prefix(op_text.size());
    s = surge::detail::trim(s);
    const std::string quoted = in_quotes(quote_prefix(t.expression));
    if (s.empty()) c.fail(ptr, quoted + ": the value after the operator is missing");

    const std::string_view unit = metric_unit(metric);
    bool negative = false;
    if (s.front() == '-') {
        if (unit != "B/s") c.fail(ptr, quoted + ": " + metric + " is never negative");
        negative = true;
        s = surge::detail::trim(s.substr(1));
    }

    const auto bad = [&](const std::string& why) { c.fail(ptr, quoted + ": " + why); };
    value_kind k = value_kind::plain;
    double v = 0;
    try {
        if (const auto n = plain_number(s)) {
            v = *n;
        } else if (s.back() == '%') {
            const auto p = plain_number(surge::detail::trim(s.substr(0, s.size() - 1)));
            if (!p) bad("expected a number before '%'");
            k = value_kind::percent;
            v = *p / 100;
        } else if (const std::size_t slash = s.find('/'); slash != std::string_view::npos) {
            // "100/s" is a rate, "1MB/s" a bandwidth: the latter has a unit before the slash.
            const std::string_view before = surge::detail::trim(s.substr(0, slash));
            const bool has_unit = !before.empty() && ((before.back() >= 'a' && before.back() <= 'z') ||
                                                      (before.back() >= 'A' && before.back() <= 'Z'));
            if (has_unit) {
                k = value_kind::bandwidth;
                v = parse_bandwidth(s);
            } else {
                k = value_kind::rate;
                v = parse_rate(s).per_second;
            }
        } else {
            surge::detail::decimal d;
            std::string_view rest;
            if (!surge::detail::split_decimal(s, d, rest)) bad("expected a number after the operator");
            if (plain_number_out_of_range(s))
                bad("the number is out of range (a value is between about 1e-308 and 1.8e308 in size)");
            if (units_detail::size_unit(surge::detail::trim(rest)) != 0) {
                k = value_kind::size;
                v = static_cast<double>(parse_size(s));
            } else {
                k = value_kind::duration;
                v = surge::parse_duration(s).seconds_f();
            }
        }
    } catch (const surge::parse_error& e) {
        bad(quote_prefix_long(e.what()));
    }
    if (negative) v = -v;

    const bool ok = [&] {
        if (unit == "ratio") return k == value_kind::plain || k == value_kind::percent;
        if (unit == "count") return k == value_kind::plain;
        if (k == value_kind::plain) return v == 0.0;  // 0 needs no unit
        if (unit == "s") return k == value_kind::duration;
        if (unit == "1/s") return k == value_kind::rate;
        if (unit == "B") return k == value_kind::size;
        if (unit == "B/s") return k == value_kind::bandwidth;
        return false;
    }();
    if (!ok) {
        if (k == value_kind::plain) bad("the unit is missing: " + metric + " " + unit_advice(unit));
        bad(quote_prefix(surge::detail::trim(s)) + " is " + value_kind_name(k) + ", but " + metric + " " + unit_advice(unit));
    }
    if (unit == "ratio" && !(v >= 0 && v <= 1))
        bad("a ratio is between 0 and 1; write e.g. \">= 0.95\" or, as a percentage, \">= 95%\"");
    t.value = v;
    return t;
}

inline std::vector<threshold> read_thresholds(const context& c, const json& j, const std::string& ptr) {
    if (!j.is_object())
        c.expected(ptr, "an object of metric -> comparison, e.g. {\"" +
                            std::string(models::metric_of(models::metric_id::delivery_latency_p99).name) + "\": \"< 1s\"}", j);
    std::vector<threshold> out;
    for (const auto& item : j.items()) c.attempt([&] {
        const std::string p = ptr + "/" + pointer_token(item.key());
        if (metric_unit(item.key()).empty()) {
            std::string msg = unknown_key_message(item.key(), known_metrics(), "metric");
            if (msg.find("did you mean") == std::string::npos) {
                // The whole catalogue is long: list the metrics of the same area, else the areas.
                const std::string area = item.key().substr(0, item.key().find('.'));
                std::vector<std::string> same, areas;
                for (const auto& m : known_metrics()) {
                    const std::string a = m.substr(0, m.find('.'));
                    if (a == area) same.push_back(m);
                    if (std::find(areas.begin(), areas.end(), a) == areas.end()) areas.push_back(a);
                }
                msg = "unknown metric; " + (same.empty() ? "metrics are grouped by area: " + join(areas) + " (see docs/scenarios.md)"
                                                         : "the " + area + " metrics are: " + join(same));
            }
            c.fail(p, msg);
        }
        out.push_back(read_threshold(c, item.key(), item.value(), p));
    });
    return out;
}

} // namespace surge::sim::load_detail
