// sim/html_sweep.hpp — one self-contained HTML page for a sweep (sweep.json, sim/sweep.hpp) or a
// plan (plan.json, sim/plan.hpp): `surge sweep --html FILE`, `surge plan --html FILE`.
//
//   sweep     the summary (points by verdict, seeds), the axes, and a table of the points (pass,
//             mixed, fail, error, then by index) with each threshold's metric as mean ± ci95,
//             marked where the threshold's pass rate is below 1; when the sweep has one or two
//             axes and the first is numeric, a chart per threshold metric: x the first axis, a
//             line per value of the second, ci95 error bars, the threshold's limit dashed.
//   max_load  the answer and the knee as text; delivery p99 (mean ± ci95) against load on a log
//             axis with the SLO (the plan's threshold on that metric), the knee load and the knee
//             limit (factor × base p99) drawn; the probes in visit order.
//   minimize  the answer and its failing neighbour; each threshold metric against the searched
//             value with its limit; the probes in visit order.
//
// Made from the JSON alone (not from sweep.hpp's structs), so that a page can be made from a
// file: a key that is missing or of another type leaves a part out and never throws. The charts
// are inline SVG drawn here with sim/html_report.hpp's style sheet and conventions (Okabe–Ito
// colours, no script; the page works offline). Markers carry data-index / data-x / data-y (the
// point's index and its position in the SVG). Every text from the JSON is escaped
// (sim/markup_text.hpp). The page depends only on the JSON, in its order; the "wall" object, the
// one part of a sweep.json that differs between equal sweeps, is left out.
#pragma once

#include <sim/format.hpp>
#include <sim/html_report.hpp>
#include <sim/markup_text.hpp>
#include <sim/units.hpp>

#include <models/metric_catalogue.hpp>

#include <surge/time.hpp>

#include <nlohmann/json.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace surge::sim {

namespace sweep_page_detail {

using json_t = nlohmann::ordered_json;

// ---------------------------------------------------------------------------------------------
// Reading the JSON without trusting it
// ---------------------------------------------------------------------------------------------

/// j[key], or null when `j` is not an object or has no such key.
inline const json_t& member(const json_t& j, const char* key) {
    static const json_t none;
    if (!j.is_object()) return none;
    const auto it = j.find(key);
    return it != j.end() ? *it : none;
}

/// j[key] when it is an array, else an empty array.
inline const json_t& array_at(const json_t& j, const char* key) {
    static const json_t empty = json_t::array();
    const json_t& m = member(j, key);
    return m.is_array() ? m : empty;
}

inline std::string text_at(const json_t& j, const char* key) {
    const json_t& m = member(j, key);
    return m.is_string() ? m.get<std::string>() : std::string();
}

inline std::optional<double> number(const json_t& j) {
    if (!j.is_number()) return std::nullopt;
    const double v = j.get<double>();
    if (!std::isfinite(v)) return std::nullopt;
    return v;
}

/// `t` as a whole as a finite number ("12", "0.95", "+3"), else none.
inline std::optional<double> plain_number(std::string_view t) {
    if (!t.empty() && t.front() == '+') t.remove_prefix(1);
    double v = 0;
    const char* end = t.data() + t.size();
    const auto r = std::from_chars(t.data(), end, v);
    if (t.empty() || r.ec != std::errc{} || r.ptr != end || !std::isfinite(v)) return std::nullopt;
    return v;
}

/// `s` as written, but a leading number carried to float noise ("348.90000000000003/s", as a
/// bisection's midpoint can come out) to 12 significant digits ("348.9/s").
inline std::string tidy_number_text(const std::string& s) {
    const auto digit = [&](std::size_t k) { return k < s.size() && s[k] >= '0' && s[k] <= '9'; };
    std::size_t i = s.starts_with('-') ? 1 : 0;
    const std::size_t int_start = i;
    while (digit(i)) ++i;
    if (i == int_start || i - int_start > 12 || i >= s.size() || s[i] != '.') return s;
    const std::size_t frac_start = ++i;
    while (digit(i)) ++i;
    if (i - frac_start < 10) return s;
    const auto v = plain_number(std::string_view(s).substr(0, i));
    return v ? fmt::format("{:.12g}", *v) + s.substr(i) : s;
}

/// A value as a table shows it: strings without quotes (tidy_number_text), null as a dash.
inline std::string value_text(const json_t& v) {
    if (v.is_string()) return tidy_number_text(v.get<std::string>());
    if (v.is_null()) return "\u2014";
    return v.is_number_float() ? tidy_number_text(v.dump()) : v.dump();
}

// ---------------------------------------------------------------------------------------------
// Quantities: "250ms", "348.9/s", "0.95", "95%", "1.5KB" as numbers in a metric's unit
// ---------------------------------------------------------------------------------------------

/// A number and its unit as the metric catalogue spells units: "" (a plain number), "s", "1/s",
/// "B", "B/s", "ratio" (a percentage).
struct amount {
    double value = 0;
    std::string unit;
};


/// `text` read as a scenario writes values (sim/units.hpp, surge::parse_duration); none when it
/// is none of them.
inline std::optional<amount> amount_of(std::string_view text) {
    std::string_view s = surge::detail::trim(text);
    bool negative = false;
    if (!s.empty() && s.front() == '-') {
        negative = true;
        s = surge::detail::trim(s.substr(1));
    }
    if (s.empty()) return std::nullopt;
    std::optional<amount> a;
    try {
        if (const auto n = plain_number(s)) {
            a = amount{*n, ""};
        } else if (s.back() == '%') {
            if (const auto p = plain_number(surge::detail::trim(s.substr(0, s.size() - 1)))) a = amount{*p / 100, "ratio"};
        } else if (const auto slash = s.find('/'); slash != std::string_view::npos) {
            // "100/s" is a rate, "1MB/s" a bandwidth: the latter has a unit before the slash.
            const std::string_view before = surge::detail::trim(s.substr(0, slash));
            const bool has_unit = !before.empty() && ((before.back() >= 'a' && before.back() <= 'z') || (before.back() >= 'A' && before.back() <= 'Z'));
            a = has_unit ? amount{parse_bandwidth(s), "B/s"} : amount{parse_rate(s).per_second, "1/s"};
        } else {
            try {
                a = amount{surge::parse_duration(s).seconds_f(), "s"};
            } catch (const std::exception&) {
                a = amount{static_cast<double>(parse_size(s)), "B"};
            }
        }
    } catch (const std::exception&) {
        return std::nullopt;
    }
    if (a && negative) a->value = -a->value;
    if (a && !std::isfinite(a->value)) return std::nullopt;
    return a;
}

/// A JSON value (a point's or probe's value) as an amount: a number, or a string amount_of reads.
inline std::optional<amount> amount_of(const json_t& v) {
    if (const auto n = number(v)) return amount{*n, ""};
    if (v.is_string()) return amount_of(std::string_view(v.get_ref<const std::string&>()));
    return std::nullopt;
}

/// The number of a threshold's expression ("< 1s" -> 1, ">= 0.95" -> 0.95, ">= 95%" -> 0.95,
/// "< 250ms" -> 0.25), none when it does not parse.
inline std::optional<double> limit_of(std::string_view expression) {
    std::string_view s = surge::detail::trim(expression);
    static constexpr std::string_view ops[] = {"<=", ">=", "==", "!=", "<", ">"};  // longest first
    bool found = false;
    for (const auto op : ops)
        if (s.starts_with(op)) {
            s.remove_prefix(op.size());
            found = true;
            break;
        }
    if (!found) return std::nullopt;
    const auto a = amount_of(s);
    if (!a) return std::nullopt;
    return a->value;
}

/// A value in `unit` for people: format_value(), but a plain number or count keeps its decimals
/// when it has some ("0.25", not "0.3") and an integer shows none ("16", not "16.0").
inline std::string amount_text(double v, std::string_view unit) {
    if (unit.empty() || unit == "count") {
        if (const char* t = non_finite_text(v)) return t;
        if (v == std::floor(v) && std::fabs(v) < 1e15) return format_count(v);
        return format_number(v);
    }
    return format_value(v, unit);
}

/// A tick label: amount_text() without trailing zeros ("1 s", not "1.00 s"; "5/s", "500 ms").
inline std::string tick_text(double v, std::string_view unit) {
    std::string t = amount_text(v, unit);
    const auto dot = t.find('.');
    if (dot == std::string::npos) return t;
    std::size_t end = dot + 1;
    while (end < t.size() && t[end] >= '0' && t[end] <= '9') ++end;
    std::size_t keep = end;
    while (keep > dot + 1 && t[keep - 1] == '0') --keep;
    if (keep == dot + 1) keep = dot;
    return t.erase(keep, end - keep);
}

// ---------------------------------------------------------------------------------------------
// Points and probes (summary_json's objects)
// ---------------------------------------------------------------------------------------------

inline int verdict_rank(std::string_view v) {
    if (v == "pass") return 0;
    if (v == "mixed") return 1;
    if (v == "fail") return 2;
    if (v == "error") return 3;
    return 4;
}

/// A verdict as a class name: one of pass, mixed, fail, error, unknown (never text from the JSON).
inline const char* verdict_class(std::string_view v) {
    static constexpr const char* names[] = {"pass", "mixed", "fail", "error", "unknown"};
    return names[verdict_rank(v)];
}

inline const char* verdict_sign(std::string_view v) {
    static constexpr const char* signs[] = {"&#10003;", "&#8776;", "&#10007;", "!", "?"};
    return signs[verdict_rank(v)];
}

/// Okabe–Ito colours for verdicts: bluish green, orange, vermillion, black; grey for unknown.
inline const char* verdict_colour(std::string_view v) {
    static constexpr const char* colours[] = {"#009E73", "#E69F00", "#D55E00", "#000000", "#999999"};
    return colours[verdict_rank(v)];
}

inline std::string index_text(const json_t& p, std::size_t position) {
    const json_t& i = member(p, "index");
    return i.is_number_unsigned() || i.is_number_integer() ? i.dump() : std::to_string(position);
}

/// The unit of `metric`: as the points' summaries give it, else the catalogue's.
inline std::string unit_of(std::string_view metric, const json_t& points) {
    for (const auto& p : points) {
        const json_t& m = member(member(p, "metrics"), std::string(metric).c_str());
        if (const json_t& u = member(m, "unit"); u.is_string()) return u.get<std::string>();
    }
    if (const auto* e = models::find_metric(metric)) return std::string(e->unit);
    return {};
}

/// A metric of a point: mean and ci95 across the seeds (the threshold entry's mean when the
/// metrics object lacks it).
struct estimate {
    double mean = 0;
    std::optional<double> ci95;
};

inline std::optional<estimate> estimate_of(const json_t& p, std::string_view metric) {
    const json_t& m = member(member(p, "metrics"), std::string(metric).c_str());
    if (const auto mean = number(member(m, "mean"))) return estimate{*mean, number(member(m, "ci95"))};
    for (const auto& t : array_at(p, "thresholds"))
        if (text_at(t, "metric") == metric)
            if (const auto mean = number(member(t, "mean"))) return estimate{*mean, std::nullopt};
    return std::nullopt;
}

inline std::string estimate_text(const estimate& e, std::string_view unit) {
    std::string s = amount_text(e.mean, unit);
    if (e.ci95) s += " \u00b1 " + amount_text(*e.ci95, unit);
    return s;
}

/// Runs of a point that pass, and runs.
inline std::pair<std::size_t, std::size_t> passing_runs(const json_t& p) {
    std::size_t pass = 0, n = 0;
    for (const auto& r : array_at(p, "runs")) {
        ++n;
        if (member(r, "pass").is_boolean() && member(r, "pass").get<bool>()) ++pass;
    }
    return {pass, n};
}

/// The pass rate of a point's threshold `k` (the plan's or sweep's k-th threshold, `metric`).
inline std::optional<double> threshold_pass_rate(const json_t& p, std::size_t k, std::string_view metric, std::string_view expression) {
    const json_t& th = array_at(p, "thresholds");
    if (k < th.size() && text_at(th[k], "metric") == metric) return number(member(th[k], "pass_rate"));
    for (const auto& t : th)
        if (text_at(t, "metric") == metric && text_at(t, "expression") == expression) return number(member(t, "pass_rate"));
    return std::nullopt;
}

/// "1, 2, 5" or, for three or more consecutive seeds, "1–5".
inline std::string seeds_text(const json_t& seeds) {
    std::vector<std::string> all;
    bool consecutive = true;
    std::optional<double> last;
    for (const auto& s : seeds) {
        all.push_back(value_text(s));
        const auto v = number(s);
        if (!v || (last && *v != *last + 1)) consecutive = false;
        last = v;
    }
    if (all.empty()) return "none";
    if (consecutive && all.size() >= 3) return all.front() + "\u2013" + all.back();
    std::string out;
    for (const auto& s : all) out += (out.empty() ? "" : ", ") + s;
    return out;
}

// ---------------------------------------------------------------------------------------------
// Charts
// ---------------------------------------------------------------------------------------------

/// One axis: the value range [lo, hi] drawn from pixel `from` to pixel `to`, linear or log.
struct scale {
    double lo = 0, hi = 1;
    bool log = false;
    double from = 0, to = 1;
    std::vector<double> ticks;

    [[nodiscard]] double operator()(double v) const {
        double t = 0;
        if (log) t = v > 0 ? (std::log10(v) - std::log10(lo)) / (std::log10(hi) - std::log10(lo)) : -1;
        else t = (v - lo) / (hi - lo);
        return from + (to - from) * std::clamp(t, -0.02, 1.02);
    }
};

/// The scale for values in [min, max]: a linear one padded to nice steps (from zero when
/// `from_zero` and min >= 0; `snap`: its ends on ticks), or a log one a little wider than
/// [min, max] with ticks at 1, 2 and 5 times powers of ten (1 only beyond three decades; round
/// linear steps when that gives fewer than four).
inline scale make_scale(double min, double max, bool log, bool from_zero, double from, double to, bool snap = true) {
    scale s;
    s.log = log && min > 0;
    s.from = from;
    s.to = to;
    if (s.log) {
        s.lo = min / 1.15;
        s.hi = max * 1.15;
        const int d0 = static_cast<int>(std::floor(std::log10(s.lo))), d1 = static_cast<int>(std::ceil(std::log10(s.hi)));
        const bool fine = d1 - d0 <= 3;
        for (int d = d0; d <= d1; ++d)
            for (const double m : {1.0, 2.0, 5.0}) {
                if (!fine && m != 1.0) continue;
                const double v = m * std::pow(10.0, d);
                if (v >= s.lo * (1 - 1e-9) && v <= s.hi * (1 + 1e-9)) s.ticks.push_back(v);
            }
        if (s.ticks.size() < 4) {  // less than a decade: evenly spaced round values read better
            const double step = html_detail::nice_step(s.hi - s.lo);
            s.ticks.clear();
            for (double k = std::ceil(s.lo / step); k * step <= s.hi; ++k) s.ticks.push_back(k * step);
        }
        return s;
    }
    if (!(max > min)) {
        const double pad = min != 0 ? std::fabs(min) * 0.1 : 1;
        min -= pad;
        max += pad;
        if (from_zero && min < 0 && max - 2 * pad >= 0) min = 0;
    }
    const double pad = (max - min) * 0.05;
    double lo = from_zero && min >= 0 ? 0 : min - pad;
    if (min >= 0 && lo < 0) lo = 0;
    const double hi = max + pad;
    const double step = html_detail::nice_step(hi - lo);
    const double first = std::floor(lo / step + 1e-9) * step, last = std::ceil(hi / step - 1e-9) * step;
    s.lo = snap ? first : lo;
    s.hi = snap ? last : hi;
    if (!(s.hi > s.lo)) s.hi = s.lo + step;
    const auto n = static_cast<long>(std::llround((last - first) / step));
    for (long k = 0; k <= n; ++k) {
        double v = first + static_cast<double>(k) * step;
        if (std::fabs(v) < step * 1e-9) v = 0;
        if (v >= s.lo - step * 1e-9 && v <= s.hi + step * 1e-9) s.ticks.push_back(v);
    }
    return s;
}

/// One point of a chart.
struct mark {
    double x = 0, y = 0;
    std::optional<double> ci95;
    std::string verdict;  // pass, mixed, fail, error
    std::string index;    // the point's or probe's index
    std::string note;     // the tooltip
};

/// Points drawn in one colour, joined by a line in x order when `joined`.
struct series {
    std::string label;
    std::vector<mark> marks;
    bool joined = true;
};

/// A dashed line across the plot: horizontal at y = `at`, or vertical at x = `at`.
struct rule {
    bool vertical = false;
    double at = 0;
    const char* kind = "limit";  // limit, knee, knee-limit, answer: a class name
    std::string label;
};

struct chart_spec {
    std::string name;  // the figure's data-chart: what it shows ("metric", "load", "load-zoom")
    std::string title, x_title, x_unit, y_unit;
    std::vector<double> x_ticks;  // ticks at these x values instead of computed ones (a sweep's axis values)
    bool force_x_log = false;  // else log only when every x is positive and they span 20x
    std::vector<series> lines;
    std::vector<rule> rules;
    bool verdict_colours = false;  // markers coloured by verdict (one series); else by series
};

/// A marker's outline: a circle (pass), a diamond (mixed), a cross (fail), a square (error).
inline std::string marker_path(std::string_view verdict, double x, double y) {
    switch (verdict_rank(verdict)) {
    case 0: return fmt::format("M{:.1f},{:.1f}a4.5,4.5 0 1,0 9,0a4.5,4.5 0 1,0 -9,0Z", x - 4.5, y);
    case 1: return fmt::format("M{0:.1f},{1:.1f}L{2:.1f},{3:.1f}L{0:.1f},{4:.1f}L{5:.1f},{3:.1f}Z", x, y - 5.5, x + 5.5, y, y + 5.5, x - 5.5);
    case 2: return fmt::format("M{0:.1f},{1:.1f}L{2:.1f},{3:.1f}M{0:.1f},{3:.1f}L{2:.1f},{1:.1f}", x - 4.5, y - 4.5, x + 4.5, y + 4.5);
    default: return fmt::format("M{:.1f},{:.1f}h8v8h-8Z", x - 4, y - 4);
    }
}

/// A marker as an SVG path (a cross is stroked, the others filled).
inline std::string marker(std::string_view verdict, double x, double y, const char* colour, std::string_view attributes = {}) {
    const bool cross = verdict_rank(verdict) == 2, hollow = verdict_rank(verdict) >= 3;
    return fmt::format(R"(<path class="pt {}"{} d="{}" fill="{}" stroke="{}"{}>)", verdict_class(verdict), attributes, marker_path(verdict, x, y),
                       cross || hollow ? "none" : colour, colour, cross ? R"( stroke-width="2.2")" : R"( stroke-width="1")");
}

/// The chart: `x_unit` on x (log when asked, or when every x is positive and they span 20x),
/// `y_unit` on y (log for seconds spanning 20x; from zero unless every value sits in the upper
/// half of the range), error bars, the rules, a legend. Empty when there is no point to draw.
inline std::string chart(const chart_spec& c) {
    constexpr double width = 880, height = 300, left = 78, right = 16, top = 30, bottom = 48;
    double x_min = 0, x_max = 0, y_min = 0, y_max = 0;
    bool any = false;
    std::size_t points = 0;
    const auto take_x = [&](double x) {
        x_min = any ? std::min(x_min, x) : x;
        x_max = any ? std::max(x_max, x) : x;
    };
    std::vector<double> ys;
    for (const auto& l : c.lines)
        for (const auto& m : l.marks) {
            take_x(m.x);
            any = true;
            ++points;
            ys.push_back(m.y);
            if (m.ci95) {
                ys.push_back(m.y + *m.ci95);
                ys.push_back(m.y - *m.ci95);
            }
        }
    if (!any) return {};
    for (const auto& r : c.rules) {
        if (r.vertical) take_x(r.at);
        else ys.push_back(r.at);
    }
    // The range of y: the means, their error bars and the horizontal rules.
    y_min = y_max = ys.front();
    for (const double v : ys) {
        y_min = std::min(y_min, v);
        y_max = std::max(y_max, v);
    }
    // Log y: seconds whose means (and rules) are all positive and span 20x.
    double mean_min = 0, mean_max = 0;
    bool first = true, means_positive = true;
    for (const auto& l : c.lines)
        for (const auto& m : l.marks) {
            mean_min = first ? m.y : std::min(mean_min, m.y);
            mean_max = first ? m.y : std::max(mean_max, m.y);
            first = false;
            means_positive = means_positive && m.y > 0;
        }
    for (const auto& r : c.rules)
        if (!r.vertical) {
            mean_min = std::min(mean_min, r.at);
            mean_max = std::max(mean_max, r.at);
            means_positive = means_positive && r.at > 0;
        }
    const bool y_log = c.y_unit == "s" && means_positive && mean_max / mean_min >= 20;
    const bool x_log = (c.force_x_log || (x_min > 0 && x_max / x_min >= 20)) && x_min > 0;
    const bool zoom = y_min > 0 && y_min > 0.5 * y_max;
    scale xs = make_scale(x_min, x_max, x_log, false, left + 10, width - right - 10, false);
    if (!c.x_ticks.empty()) xs.ticks = c.x_ticks;
    // A log y spans the means and rules; error bars reaching below are cut at the axis.
    scale ys_ = y_log ? make_scale(mean_min, std::max(mean_max, y_max), true, false, height - bottom, top)
                      : make_scale(y_min, y_max, false, !zoom, height - bottom, top);
    if (c.y_unit == "ratio" && mean_max <= 1 && ys_.hi > 1 && !y_log) {  // a ratio is never above 100 %
        ys_.hi = 1;
        std::erase_if(ys_.ticks, [](double v) { return v > 1 + 1e-9; });
    }

    std::string s = fmt::format(R"(<figure class="chart sweep-chart" data-chart="{}" data-points="{}"><svg viewBox="0 0 {} {}" role="img" aria-label="{}">)", xml_text(c.name), points,
                                width, height, xml_text(c.title));
    s += fmt::format(R"(<text x="{}" y="18" class="title">{}</text>)", left, xml_text(c.title));
    for (const double v : ys_.ticks)
        s += fmt::format(R"(<line class="grid" x1="{}" x2="{}" y1="{:.1f}" y2="{:.1f}"/><text class="y" x="{}" y="{:.1f}">{}</text>)", left,
                         width - right, ys_(v), ys_(v), left - 6, ys_(v) + 4, xml_text(tick_text(v, c.y_unit)));
    for (const double v : xs.ticks)
        s += fmt::format(R"(<line class="grid" x1="{0:.1f}" x2="{0:.1f}" y1="{1}" y2="{2}"/><text class="x" x="{0:.1f}" y="{3}">{4}</text>)", xs(v), top,
                         height - bottom, height - bottom + 16, xml_text(tick_text(v, c.x_unit)));
    s += fmt::format(R"(<text class="x axis-title" x="{:.1f}" y="{}">{}{}</text>)", left + (width - right - left) / 2, height - 8, xml_text(c.x_title),
                     x_log ? " (log scale)" : "");
    if (y_log) s += fmt::format(R"(<text class="y" x="{}" y="{}">log scale</text>)", left - 6, top - 14);
    // The rules under the data; a horizontal rule's label at the right end, the next at the left.
    std::size_t horizontal = 0, vertical = 0;
    for (const auto& r : c.rules) {
        if (r.vertical) {
            const double x = xs(r.at);
            s += fmt::format(R"(<line class="rule {0}" data-value="{1}" x1="{2:.1f}" x2="{2:.1f}" y1="{3}" y2="{4}"><title>{5}</title></line>)", r.kind,
                             fmt::format("{}", r.at), x, top, height - bottom, xml_text(r.label));
            s += fmt::format(R"(<text class="rule-label {}" x="{:.1f}" y="{}">{}</text>)", r.kind, x + 4, top + 10 + 12 * (vertical++ % 2),
                             xml_text(r.label));
        } else {
            const double y = ys_(r.at);
            s += fmt::format(R"(<line class="rule {0}" data-value="{1}" x1="{2}" x2="{3}" y1="{4:.1f}" y2="{4:.1f}"><title>{5}</title></line>)", r.kind,
                             fmt::format("{}", r.at), left, width - right, y, xml_text(r.label));
            const bool at_right = horizontal++ % 2 == 0;
            s += fmt::format(R"(<text class="rule-label {}{}" x="{:.1f}" y="{:.1f}">{}</text>)", r.kind, at_right ? " end" : "",
                             at_right ? width - right - 4 : left + 4, y - 4, xml_text(r.label));
        }
    }
    // Lines, error bars, then the markers on top.
    for (std::size_t k = 0; k < c.lines.size(); ++k) {
        const auto& l = c.lines[k];
        const char* colour = c.verdict_colours ? "#777777" : html_detail::colour(k);
        if (l.joined && l.marks.size() > 1) {
            std::string pts;
            for (const auto& m : l.marks) pts += fmt::format("{:.1f},{:.1f} ", xs(m.x), ys_(m.y));
            s += fmt::format(R"(<polyline class="line" stroke="{}" points="{}"/>)", colour, pts);
        }
        for (const auto& m : l.marks) {
            if (!m.ci95 || !(*m.ci95 > 0)) continue;
            const double x = xs(m.x), y1 = ys_(m.y + *m.ci95), y2 = ys_(m.y - *m.ci95);
            s += fmt::format(R"(<path class="ci" stroke="{}" d="M{:.1f},{:.1f}V{:.1f}M{:.1f},{:.1f}h6M{:.1f},{:.1f}h6"/>)",
                             c.verdict_colours ? verdict_colour(m.verdict) : colour, x, y1, y2, x - 3, y1, x - 3, y2);
        }
    }
    for (std::size_t k = 0; k < c.lines.size(); ++k)
        for (const auto& m : c.lines[k].marks) {
            const double x = xs(m.x), y = ys_(m.y);
            s += marker(m.verdict, x, y, c.verdict_colours ? verdict_colour(m.verdict) : html_detail::colour(k),
                        fmt::format(R"( data-index="{}" data-x="{:.1f}" data-y="{:.1f}")", xml_text(m.index), x, y));
            s += "<title>" + xml_text(m.note) + "</title></path>";
        }
    s += "</svg><figcaption>";
    if (!c.verdict_colours && c.lines.size() > 1)
        for (std::size_t k = 0; k < c.lines.size(); ++k)
            s += fmt::format(R"(<span class="key"><svg class="k" width="26" height="10"><line x1="0" x2="26" y1="5" y2="5" stroke="{}" stroke-width="2"/></svg> {}</span>)",
                             html_detail::colour(k), xml_text(c.lines[k].label));
    for (const char* v : {"pass", "mixed", "fail", "error"}) {
        const bool present = std::any_of(c.lines.begin(), c.lines.end(), [&](const series& l) {
            return std::any_of(l.marks.begin(), l.marks.end(), [&](const mark& m) { return verdict_rank(m.verdict) == verdict_rank(v); });
        });
        if (present)
            s += fmt::format(R"(<span class="key"><svg class="m" width="14" height="14">{}</path></svg> {}</span>)",
                             marker(v, 7, 7, c.verdict_colours ? verdict_colour(v) : "#555555"), v);
    }
    for (const auto& r : c.rules)
        s += fmt::format(R"(<span class="key"><svg class="k" width="26" height="10"><line class="rule {}" x1="{}" x2="{}" y1="{}" y2="{}"/></svg> {}</span>)", r.kind,
                         r.vertical ? 13 : 0, r.vertical ? 13 : 26, r.vertical ? 0 : 5, r.vertical ? 10 : 5, xml_text(r.label));
    return s + "</figcaption></figure>\n";
}

// ---------------------------------------------------------------------------------------------
// Page parts
// ---------------------------------------------------------------------------------------------

inline constexpr std::string_view extra_style = R"(
.mixed{color:#8a5a00}.error{color:#000}.unknown{color:#777}td.verdict-cell{font-weight:600;white-space:nowrap}
table.points td,table.points th{font-size:13px}table.points td.m{white-space:nowrap}.expr{font-weight:normal;color:#555}
td.m .rate{margin-left:6px;font-size:12px;font-weight:600}td.m.partial .rate{color:#8a5a00}td.m.none .rate{color:#a3141a}
.answer-text{font-size:16px}.warnings{background:#fff6e0;border-left:4px solid #E69F00;padding:6px 10px 6px 28px}
.pt{stroke-linejoin:round}.ci{fill:none;stroke-width:1.2}.rule{stroke-width:1.4;stroke-dasharray:6 4;fill:none}
.rule.limit{stroke:#a3141a}.rule.knee{stroke:#CC79A7}.rule.knee-limit{stroke:#CC79A7;stroke-dasharray:2 3}.rule.answer{stroke:#009E73;stroke-dasharray:2 3}
.rule-label{font-size:11px;fill:#555}.key svg.k{width:26px;height:10px}.key svg.m{width:14px;height:14px;vertical-align:-2px}
tr.point{color:inherit}.wide{overflow-x:auto}.rule-label.end{text-anchor:end}.axis-title{fill:#333}.foot{color:#777;font-size:12px})";

inline std::string page(const std::string& title, const std::string& body, const json_t& j) {
    const std::string version = text_at(j, "surge_version");
    return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>" +
           xml_text(title) + "</title><style>" + std::string(html_detail::style) + std::string(extra_style) + "</style></head><body>\n<h1>" +
           xml_text(title) + "</h1>\n" + body + "<p class=\"foot\">Written from a file of surge " + xml_text(version.empty() ? "(unknown version)" : version) +
           ".</p>\n</body></html>\n";
}

/// The scenario rows of the meta table.
inline std::string scenario_rows(const json_t& j) {
    const json_t& sc = member(j, "scenario");
    std::string s;
    const auto row = [&](std::string_view k, const std::string& v) { s += fmt::format("<tr><th>{}</th><td>{}</td></tr>", xml_text(k), xml_text(v)); };
    const std::string file = text_at(sc, "file");
    row("scenario", text_at(sc, "name") + (file.empty() ? "" : " (" + file + ")"));
    std::string overrides;
    for (const auto& o : array_at(sc, "overrides")) overrides += (overrides.empty() ? "" : "  ") + value_text(o);
    if (!overrides.empty()) row("overrides", overrides);
    return s;
}

/// Thresholds as (metric, expression), in the document's order.
inline std::vector<std::pair<std::string, std::string>> thresholds_of(const json_t& j) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& t : array_at(j, "thresholds")) out.emplace_back(text_at(t, "metric"), text_at(t, "expression"));
    return out;
}

/// "12 points: 6 pass, 0 mixed, 6 fail, 0 error" from the points themselves.
inline std::string verdict_counts(const json_t& points) {
    std::size_t n[5] = {0, 0, 0, 0, 0};
    for (const auto& p : points) ++n[verdict_rank(text_at(p, "verdict"))];
    std::string s = fmt::format(R"(<span class="pass">{} pass</span>, <span class="mixed">{} mixed</span>, <span class="fail">{} fail</span>, <span class="error">{} error</span>)",
                                n[0], n[1], n[2], n[3]);
    if (n[4] > 0) s += fmt::format(", {} of no known verdict", n[4]);
    return s;
}

/// A table of points (or probes) in `order`: index, each of `pointers`' values, the verdict, the
/// runs that pass, each threshold's metric as mean ± ci95 (marked when its pass rate is below 1).
inline std::string points_table(const json_t& points, const std::vector<std::size_t>& order, const std::vector<std::string>& pointers,
                                 const std::vector<std::pair<std::string, std::string>>& thresholds, const char* table_class) {
    std::string s = fmt::format("<div class=\"wide\"><table class=\"points {}\"><tr><th>#</th>", table_class);
    for (const auto& p : pointers) s += "<th>" + xml_text(p) + "</th>";
    s += "<th>verdict</th><th>passing seeds</th>";
    for (const auto& [metric, expression] : thresholds)
        s += "<th>" + xml_text(metric) + "<br><span class=\"expr\">" + xml_text(expression) + "</span></th>";
    s += "</tr>\n";
    std::vector<std::string> units;
    for (const auto& t : thresholds) units.push_back(unit_of(t.first, points));
    for (const std::size_t i : order) {
        const json_t& p = points[i];
        const std::string verdict = text_at(p, "verdict");
        const char* cls = verdict_class(verdict);
        s += fmt::format("<tr class=\"point {}\" data-index=\"{}\"><td>{}</td>", cls, xml_text(index_text(p, i)), xml_text(index_text(p, i)));
        for (const auto& ptr : pointers) s += "<td>" + xml_text(value_text(member(member(p, "values"), ptr.c_str()))) + "</td>";
        // The first run error, if any, as the verdict's tooltip.
        std::string error;
        for (const auto& r : array_at(p, "runs"))
            if (error.empty()) error = text_at(r, "error");
        s += fmt::format("<td class=\"verdict-cell {}\"{}>{} {}</td>", cls, error.empty() ? "" : " title=\"" + xml_text(error) + "\"", verdict_sign(verdict),
                         xml_text(verdict.empty() ? "?" : verdict));
        const auto [pass, n] = passing_runs(p);
        s += fmt::format("<td>{} / {}</td>", pass, n);
        for (std::size_t k = 0; k < thresholds.size(); ++k) {
            const auto& [metric, expression] = thresholds[k];
            const auto e = estimate_of(p, metric);
            const auto rate = threshold_pass_rate(p, k, metric, expression);
            const bool partial = rate && *rate < 1 - 1e-9;
            const char* rate_class = !partial ? "" : *rate <= 1e-9 ? " none" : " partial";
            s += fmt::format("<td class=\"m{}\">{}", rate_class, e ? xml_text(estimate_text(*e, units[k])) : "\u2014");
            if (partial)
                s += fmt::format("<span class=\"rate\" title=\"the share of seeds in which this threshold holds\">{} {}</span>", *rate <= 1e-9 ? "&#10007;" : "&#9888;",
                                 xml_text(format_ratio(*rate)));
            s += "</td>";
        }
        s += "</tr>\n";
    }
    return s + "</table></div>\n";
}

inline std::string warnings_html(const json_t& j) {
    const json_t& w = array_at(j, "warnings");
    if (w.empty()) return {};
    std::string s = "<ul class=\"warnings\">";
    for (const auto& x : w) s += "<li>" + xml_text(value_text(x)) + "</li>";
    return s + "</ul>\n";
}

/// The distinct threshold metrics, in the thresholds' order.
inline std::vector<std::string> threshold_metrics(const std::vector<std::pair<std::string, std::string>>& thresholds) {
    std::vector<std::string> out;
    for (const auto& t : thresholds)
        if (!t.first.empty() && std::find(out.begin(), out.end(), t.first) == out.end()) out.push_back(t.first);
    return out;
}

/// The limit lines of the thresholds on `metric` whose expression parses.
inline std::vector<rule> limit_rules(const std::vector<std::pair<std::string, std::string>>& thresholds, std::string_view metric) {
    std::vector<rule> out;
    for (const auto& [m, expression] : thresholds)
        if (m == metric)
            if (const auto v = limit_of(expression)) out.push_back(rule{false, *v, "limit", "threshold " + expression});
    return out;
}

// ---------------------------------------------------------------------------------------------
// The sweep page
// ---------------------------------------------------------------------------------------------

/// The axes' pointers: the "axes" array's, else the first point's value keys.
inline std::vector<std::string> pointers_of(const json_t& j, const json_t& points) {
    std::vector<std::string> out;
    for (const auto& a : array_at(j, "axes"))
        if (const std::string p = text_at(a, "pointer"); !p.empty()) out.push_back(p);
    if (out.empty() && !points.empty())
        if (const json_t& v = member(points[0], "values"); v.is_object())
            for (const auto& [k, x] : v.items()) out.push_back(k);
    return out;
}

/// Charts of a sweep with one or two axes whose first is numeric (one unit): per threshold
/// metric, its mean against the first axis, a line per value of the second.
inline std::string sweep_charts(const json_t& points, const std::vector<std::string>& pointers,
                                const std::vector<std::pair<std::string, std::string>>& thresholds) {
    if (pointers.empty() || pointers.size() > 2 || points.empty()) return {};
    std::vector<double> x(points.size());
    std::string x_unit;
    for (std::size_t i = 0; i < points.size(); ++i) {
        const auto a = amount_of(member(member(points[i], "values"), pointers[0].c_str()));
        if (!a) return "<p>No chart: the values of " + xml_text(pointers[0]) + " are not all numbers.</p>\n";
        if (i > 0 && a->unit != x_unit) return "<p>No chart: the values of " + xml_text(pointers[0]) + " are not all in one unit.</p>\n";
        x_unit = a->unit;
        x[i] = a->value;
    }
    // The second axis's values in the order the points first show them.
    std::vector<std::string> groups;
    std::vector<std::size_t> group_of(points.size(), 0);
    if (pointers.size() == 2)
        for (std::size_t i = 0; i < points.size(); ++i) {
            const std::string v = value_text(member(member(points[i], "values"), pointers[1].c_str()));
            auto it = std::find(groups.begin(), groups.end(), v);
            if (it == groups.end()) it = groups.insert(groups.end(), v);
            group_of[i] = static_cast<std::size_t>(it - groups.begin());
        }
    const bool too_many = groups.size() > 8;  // a sampled second axis: markers only, one colour
    if (groups.empty() || too_many) {
        groups = {pointers.size() == 2 ? "points" : pointers[0]};
        std::fill(group_of.begin(), group_of.end(), std::size_t{0});
    }
    std::string s;
    for (const auto& metric : threshold_metrics(thresholds)) {
        const std::string unit = unit_of(metric, points);
        chart_spec c;
        c.title = metric + " (mean \u00b1 95 % CI) against " + pointers[0] +
                  (pointers.size() < 2 ? "" : too_many ? ", " + pointers[1] + " in each marker's tooltip" : ", a line per " + pointers[1]);
        c.x_title = pointers[0];
        c.x_unit = x_unit;
        c.y_unit = unit;
        c.name = "metric";
        c.verdict_colours = groups.size() == 1;  // one series: the markers take the verdict's colour
        c.lines.resize(groups.size());
        for (std::size_t g = 0; g < groups.size(); ++g) {
            c.lines[g].label = pointers.size() == 2 && !too_many ? pointers[1] + " = " + groups[g] : groups[g];
            c.lines[g].joined = !too_many;
        }
        for (std::size_t i = 0; i < points.size(); ++i) {
            const auto e = estimate_of(points[i], metric);
            if (!e) continue;
            const auto [pass, n] = passing_runs(points[i]);
            std::string where;
            for (const auto& p : pointers) where += (where.empty() ? "" : ", ") + p + " = " + value_text(member(member(points[i], "values"), p.c_str()));
            const std::string verdict = text_at(points[i], "verdict");
            c.lines[group_of[i]].marks.push_back(mark{x[i], e->mean, e->ci95, verdict, index_text(points[i], i),
                                                      fmt::format("{}: {} \u2014 {}, {} of {} seeds pass", where, estimate_text(*e, unit), verdict, pass, n)});
        }
        for (auto& l : c.lines)
            std::stable_sort(l.marks.begin(), l.marks.end(), [](const mark& a, const mark& b) { return a.x < b.x; });
        // Ticks at the axis's values when there are few (the points sit on them).
        std::vector<double> distinct = x;
        std::sort(distinct.begin(), distinct.end());
        distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
        if (distinct.size() <= 12) c.x_ticks = distinct;
        c.rules = limit_rules(thresholds, metric);
        s += chart(c);
    }
    return s;
}

inline std::string sweep_page(const json_t& j) {
    const json_t& points = array_at(j, "points");
    const auto thresholds = thresholds_of(j);
    const auto pointers = pointers_of(j, points);
    std::string b;
    // The summary line.
    const json_t& sum = member(j, "summary");
    const auto planned = number(member(sum, "points"));
    std::string line = fmt::format("{} point{}", points.size(), points.size() == 1 ? "" : "s");
    if (planned && *planned != static_cast<double>(points.size())) line = fmt::format("{} of {} points run", points.size(), amount_text(*planned, ""));
    const json_t& seeds = array_at(j, "seeds");
    b += "<p class=\"summary\">" + xml_text(line) + ": " + verdict_counts(points) + "; " +
         xml_text(fmt::format("{} seed{} per point ({})", seeds.size(), seeds.size() == 1 ? "" : "s", seeds_text(seeds))) + "</p>\n";
    if (const json_t& c = member(sum, "completed"); c.is_boolean() && !c.get<bool>())
        b += "<p class=\"warnings\">The sweep did not complete" +
             (text_at(sum, "interrupted").empty() ? std::string() : " (interrupted by " + xml_text(text_at(sum, "interrupted")) + ")") +
             ": the points not run are missing.</p>\n";
    b += warnings_html(j);
    b += "<table class=\"meta\">" + scenario_rows(j) + "</table>\n";
    // The axes.
    b += "<h2>Axes</h2>\n";
    const json_t& axes = array_at(j, "axes");
    if (axes.empty()) b += "<p>No axes.</p>\n";
    else {
        b += "<table class=\"axes\"><tr><th>pointer</th><th>how</th><th>spec</th><th>values</th></tr>\n";
        for (const auto& a : axes) {
            std::string values;
            std::size_t n = 0;
            for (const auto& v : array_at(a, "values")) {
                if (n++ == 12) {
                    values += ", \u2026";
                    break;
                }
                values += (values.empty() ? "" : ", ") + value_text(v);
            }
            const std::size_t count = array_at(a, "values").size();
            if (count > 0) values = fmt::format("{} value{}: ", count, count == 1 ? "" : "s") + values;
            b += "<tr><td>" + xml_text(text_at(a, "pointer")) + "</td><td>" + xml_text(text_at(a, "how")) + "</td><td>" + xml_text(text_at(a, "spec")) +
                 "</td><td>" + xml_text(values) + "</td></tr>\n";
        }
        b += "</table>\n";
    }
    if (const json_t& sample = member(j, "sample"); sample.is_object())
        b += "<p>" + xml_text(fmt::format("A Latin hypercube sample of {} points (sample seed {}).", value_text(member(sample, "points")),
                                          value_text(member(sample, "seed")))) +
             "</p>\n";
    if (!thresholds.empty()) {
        b += "<p>Thresholds: ";
        for (std::size_t k = 0; k < thresholds.size(); ++k)
            b += (k ? ", " : "") + std::string("<code>") + xml_text(thresholds[k].first + " " + thresholds[k].second) + "</code>";
        b += ".</p>\n";
    }
    const std::string charts = sweep_charts(points, pointers, thresholds);
    if (!charts.empty()) b += "<h2>Charts</h2>\n" + charts;
    // The points: pass, mixed, fail, error, then by index.
    b += "<h2>Points</h2>\n";
    if (points.empty()) b += "<p>No points.</p>\n";
    else {
        std::vector<std::size_t> order(points.size());
        for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
        const auto index_of = [&](std::size_t i) { return number(member(points[i], "index")).value_or(static_cast<double>(i)); };
        std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t c) {
            const int ra = verdict_rank(text_at(points[a], "verdict")), rc = verdict_rank(text_at(points[c], "verdict"));
            return ra != rc ? ra < rc : index_of(a) < index_of(c);
        });
        b += "<p>Sorted by verdict, then by index. A mark after a value: the share of seeds in which that threshold holds, where it is below 100 %.</p>\n";
        b += points_table(points, order, pointers, thresholds, "sweep");
    }
    const std::string name = text_at(member(j, "scenario"), "name");
    return page(name.empty() ? "surge sweep" : "surge sweep \u2014 " + name, b, j);
}

// ---------------------------------------------------------------------------------------------
// The plan page
// ---------------------------------------------------------------------------------------------

/// A plan value (a JSON integer or "348.9/s") as text; "—" for null.
inline std::string plan_value(const json_t& v) { return value_text(v); }

inline std::string max_load_text(const json_t& j) {
    const json_t& answer = member(j, "answer");
    const json_t& neighbour = member(j, "failing_neighbour");
    std::string s = "<p class=\"answer-text\">";
    if (!answer.is_null()) {
        s += "Highest load that passes: <strong>" + xml_text(plan_value(answer)) + "</strong>";
        s += neighbour.is_null() ? xml_text("; the top of the range passes") : xml_text("; " + plan_value(neighbour) + " fails");
    } else {
        s += "<strong>No load in the range passes</strong>";
        if (!neighbour.is_null()) s += xml_text(": the lowest, " + plan_value(neighbour) + ", fails");
    }
    s += ".</p>\n";
    const json_t& knee = member(j, "knee");
    if (knee.is_object()) {
        const auto base = number(member(knee, "base_p99"));
        const auto factor = number(member(knee, "factor"));
        const std::string metric = text_at(knee, "metric");
        s += "<p>";
        if (!base || !factor) s += xml_text("Knee: " + metric + " was not measured at the lowest load, so there is no knee to find.");
        else {
            const std::string limit = fmt::format("{:g} \u00d7 {} = {}", *factor, format_seconds(*base), format_seconds(*factor * *base));
            if (!member(knee, "load").is_null())
                s += "Knee: " + xml_text(metric) + " first exceeds " + xml_text(limit) + " at <strong>" + xml_text(plan_value(member(knee, "load"))) + "</strong>" +
                     (member(knee, "below").is_null() ? std::string() : xml_text(" (below it: " + plan_value(member(knee, "below")) + ")")) + ".";
            else
                s += xml_text("No knee in the range: " + metric + " stays under " + limit +
                              (member(knee, "below").is_null() ? std::string() : " up to " + plan_value(member(knee, "below"))) + ".");
        }
        s += "</p>\n";
    }
    return s;
}

inline std::string minimize_text(const json_t& j) {
    const json_t& answer = member(j, "answer");
    const json_t& neighbour = member(j, "failing_neighbour");
    const std::string pointer = text_at(j, "pointer");
    std::string s = "<p class=\"answer-text\">";
    if (!answer.is_null()) {
        s += "Smallest " + xml_text(pointer) + " that passes: <strong>" + xml_text(plan_value(answer)) + "</strong>";
        s += neighbour.is_null() ? xml_text("; the bottom of the range passes") : xml_text("; " + plan_value(neighbour) + " fails");
    } else {
        const json_t& range = array_at(j, "range");
        s += "<strong>No value of " + xml_text(pointer) + (range.size() == 2 ? xml_text(" in " + plan_value(range[0]) + ".." + plan_value(range[1])) : "") +
             " passes</strong>";
        if (!neighbour.is_null()) s += xml_text("; " + plan_value(neighbour) + " fails");
    }
    return s + ".</p>\n";
}

/// A probe as a chart mark: x its value, y the metric's mean; none when either is missing.
inline std::optional<mark> probe_mark(const json_t& p, std::size_t i, const std::string& pointer, const std::string& metric, const std::string& unit,
                                      std::string* x_unit) {
    const json_t& v = member(member(p, "values"), pointer.c_str());
    const auto a = amount_of(v);
    const auto e = estimate_of(p, metric);
    if (!a || !e) return std::nullopt;
    if (x_unit) *x_unit = a->unit;
    const auto [pass, n] = passing_runs(p);
    const std::string verdict = text_at(p, "verdict");
    return mark{a->value, e->mean, e->ci95, verdict, index_text(p, i),
                fmt::format("{} = {}: {} \u2014 {}, {} of {} seeds pass", pointer, value_text(v), estimate_text(*e, unit), verdict, pass, n)};
}

/// The max-load chart again on a linear axis around the answer (answer / 1.25 to failing
/// neighbour x 1.25), where the bisection's probes crowd together on the log axis; empty when
/// fewer than three probes fall there or all of them do.
inline std::string zoom_chart(const json_t& j, const chart_spec& whole) {
    const auto answer = amount_of(member(j, "answer")), neighbour = amount_of(member(j, "failing_neighbour"));
    if (!answer || !neighbour || whole.lines.empty()) return {};
    const double lo = std::min(answer->value, neighbour->value) / 1.25, hi = std::max(answer->value, neighbour->value) * 1.25;
    chart_spec z = whole;
    z.name = "load-zoom";
    z.title = whole.title + ", around the answer";
    z.force_x_log = false;
    std::erase_if(z.lines[0].marks, [&](const mark& m) { return m.x < lo || m.x > hi; });
    if (z.lines[0].marks.size() < 3 || z.lines[0].marks.size() == whole.lines[0].marks.size()) return {};
    std::erase_if(z.rules, [&](const rule& r) { return r.vertical && (r.at < lo || r.at > hi); });
    z.rules.push_back(rule{true, answer->value, "answer", "answer " + value_text(member(j, "answer"))});
    return chart(z);
}

inline std::string plan_charts(const json_t& j, bool max_load, const std::vector<std::pair<std::string, std::string>>& thresholds) {
    const json_t& probes = array_at(j, "probes");
    const std::string pointer = text_at(j, "pointer");
    std::vector<std::string> metrics;
    if (max_load) metrics.emplace_back(models::metric_of(models::metric_id::delivery_latency_p99).name);
    else metrics = threshold_metrics(thresholds);
    std::string s;
    for (const auto& metric : metrics) {
        const std::string unit = unit_of(metric, probes);
        chart_spec c;
        c.title = metric + " (mean \u00b1 95 % CI) against " + pointer;
        c.x_title = max_load ? "load (" + pointer + ")" : pointer;
        c.y_unit = unit;
        c.force_x_log = max_load;
        c.verdict_colours = true;
        c.lines.resize(1);
        c.lines[0].label = "probes";
        for (std::size_t i = 0; i < probes.size(); ++i)
            if (auto m = probe_mark(probes[i], i, pointer, metric, unit, &c.x_unit)) c.lines[0].marks.push_back(std::move(*m));
        std::stable_sort(c.lines[0].marks.begin(), c.lines[0].marks.end(), [](const mark& a, const mark& b) { return a.x < b.x; });
        c.rules = limit_rules(thresholds, metric);
        for (auto& r : c.rules) r.label = (max_load ? "SLO " : "threshold ") + r.label.substr(r.label.find(' ') + 1);
        if (max_load) {
            const json_t& knee = member(j, "knee");
            if (const auto load = amount_of(member(knee, "load")))
                c.rules.push_back(rule{true, load->value, "knee", "knee at " + value_text(member(knee, "load"))});
            const auto base = number(member(knee, "base_p99")), factor = number(member(knee, "factor"));
            if (base && factor)
                c.rules.push_back(rule{false, *base * *factor, "knee-limit", fmt::format("knee limit {:g} \u00d7 {}", *factor, format_seconds(*base))});
        } else if (const auto answer = amount_of(member(j, "answer"))) {
            c.rules.push_back(rule{true, answer->value, "answer", "answer " + value_text(member(j, "answer"))});
        }
        c.name = max_load ? "load" : "metric";
        const std::string one = chart(c);
        s += one.empty() ? "<p>" + xml_text("No probe measured " + metric + ".") + "</p>\n" : one;
        if (max_load && !one.empty()) s += zoom_chart(j, c);
    }
    return s;
}

inline std::string plan_page(const json_t& j) {
    const std::string mode = text_at(j, "mode");
    const bool max_load = mode == "max_load";
    const json_t& probes = array_at(j, "probes");
    const auto thresholds = thresholds_of(j);
    const std::string pointer = text_at(j, "pointer");
    std::string b = max_load ? max_load_text(j) : minimize_text(j);
    b += warnings_html(j);
    if (const json_t& c = member(j, "completed"); c.is_boolean() && !c.get<bool>())
        b += "<p class=\"warnings\">The search did not complete" +
             (text_at(j, "interrupted").empty() ? std::string() : " (interrupted by " + xml_text(text_at(j, "interrupted")) + ")") +
             ": the answer is where it stopped.</p>\n";
    const json_t& seeds = array_at(j, "seeds");
    b += "<p class=\"summary\">" + xml_text(fmt::format("{} probe{}", probes.size(), probes.size() == 1 ? "" : "s")) + ": " + verdict_counts(probes) + "; " +
         xml_text(fmt::format("{} seed{} per probe ({})", seeds.size(), seeds.size() == 1 ? "" : "s", seeds_text(seeds))) + "</p>\n";
    b += "<table class=\"meta\">" + scenario_rows(j);
    const auto row = [&](std::string_view k, const std::string& v) { b += fmt::format("<tr><th>{}</th><td>{}</td></tr>", xml_text(k), xml_text(v)); };
    row("search", max_load ? "the highest load that passes (max_load)" : mode == "minimize" ? "the smallest value that passes (minimize)" : mode);
    row("pointer", pointer);
    if (const json_t& range = array_at(j, "range"); range.size() == 2) row("range", plan_value(range[0]) + " .. " + plan_value(range[1]));
    std::string th;
    for (const auto& [metric, expression] : thresholds) th += (th.empty() ? "" : ", ") + metric + " " + expression;
    if (!th.empty()) row("thresholds", th);
    b += "</table>\n";
    b += "<h2>Chart</h2>\n";
    b += probes.empty() ? std::string("<p>No probes.</p>\n") : plan_charts(j, max_load, thresholds);
    b += "<h2>Probes</h2>\n";
    if (probes.empty()) b += "<p>No probes.</p>\n";
    else {
        b += "<p>In the order the search visited them.</p>\n";
        std::vector<std::size_t> order(probes.size());
        for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
        b += points_table(probes, order, {pointer}, thresholds, "probes");
    }
    const std::string name = text_at(member(j, "scenario"), "name");
    return page(name.empty() ? "surge plan" : "surge plan \u2014 " + name, b, j);
}

} // namespace sweep_page_detail

/// The page for a sweep.json (key "sweep_schema_version") or a plan.json ("plan_schema_version");
/// anything else is drawn as a sweep with what it has.
inline std::string html_sweep(const nlohmann::ordered_json& j) {
    using namespace sweep_page_detail;
    const bool plan = j.is_object() && (j.contains("plan_schema_version") || (!j.contains("sweep_schema_version") && j.contains("probes")));
    return plan ? plan_page(j) : sweep_page(j);
}

} // namespace surge::sim
