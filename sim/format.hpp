// sim/format.hpp — the one text form of a value with a unit, for people: `surge run`'s summary,
// `surge suite`'s lines, `surge diff`, the live replay's summary and its --compare table all print
// values through format_value(). The rules (documented in docs/report.md, "Values on a terminal"):
//
//   seconds  three significant digits in the unit that keeps the number in [1, 1000):
//            "850 ns", "12.0 µs", "183 ms", "15.4 s"; from 10 minutes on "12.5 min", from 100
//            minutes on "1.67 h" (a minute count reads better than "754 s" and an hour count
//            better than "250 min")
//   bytes    decimal SI (1 KB = 1000 B, as scenarios read sizes), three significant digits:
//            "512 B", "12.6 KB", "3.40 MB", "1.50 GB", "2.00 TB"; B/s adds "/s"
//   1/s      three significant digits with k, M, G: "12.3/s", "850/s", "1.23k/s", "45.6M/s"
//   ratio    a percentage with two decimals ("99.95 %", "100.00 %": success rates live near 100 %
//            and need the decimals), three significant digits below 1 % ("0.500 %", "0.0123 %")
//   count    an integer with thousands separators ("1,234,567"); a mean count keeps one decimal
//            ("1,769.1"); from 10^15 on, exponent form ("2.5e+15")
//
// A value that rounds up to 1000 of its unit moves to the next unit (999.95 ms -> "1.00 s").
// NaN is "n/a", infinities "inf" and "-inf"; negative values keep their sign (diff deltas), and
// format_delta() adds "+" to positive ones. Unknown units print the number with three significant
// digits and the unit after a space. Output is plain ASCII except "µs"; it never depends on the
// locale (fmt formats numbers without one).
#pragma once

#include <fmt/format.h>

#include <array>
#include <cmath>
#include <cstddef>
#include <string>
#include <string_view>

namespace surge::sim {

namespace format_detail {

/// `v` (|v| < 1000 once rounded, or any value when `last`) with three significant digits:
/// "0", "1.23", "12.3", "123"; below 1, three significant digits too ("0.500", "0.0123").
inline std::string sig3(double v) {
    const double a = std::fabs(v);
    if (a == 0) return "0";
    if (a >= 99.95) return fmt::format("{:.0f}", v);
    if (a >= 9.995) return fmt::format("{:.1f}", v);
    if (a >= 0.9995) return fmt::format("{:.2f}", v);
    // Below 1: as many decimals as three significant digits need.
    const int decimals = 2 - static_cast<int>(std::floor(std::log10(a)));
    return fmt::format("{:.{}f}", v, decimals);
}

/// True when sig3(v) would print 1000 or more (so the next unit reads better).
inline bool rounds_to_1000(double v) { return std::fabs(v) >= 999.5; }

struct unit_step {
    double scale;            // the step's size in the base unit
    std::string_view suffix; // " ms", "k"
};

/// `v` in the largest step of `steps` (ascending) whose value is at least 1, three significant
/// digits; a value that rounds to 1000 of a step moves to the next one.
template <std::size_t N>
std::string scaled(double v, const std::array<unit_step, N>& steps) {
    const double a = std::fabs(v);
    std::size_t i = 0;
    while (i + 1 < N && a >= steps[i + 1].scale) ++i;
    double x = v / steps[i].scale;
    if (i + 1 < N && rounds_to_1000(x)) {
        ++i;
        x = v / steps[i].scale;
    }
    return sig3(x) + std::string(steps[i].suffix);
}

} // namespace format_detail

/// NaN -> "n/a", ±infinity -> "inf" / "-inf"; nothing for a finite value.
inline const char* non_finite_text(double v) {
    if (std::isnan(v)) return "n/a";
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    return nullptr;
}

/// A plain number with three significant digits ("0", "0.250", "12.3", "1234").
inline std::string format_number(double v) {
    if (const char* t = non_finite_text(v)) return t;
    return format_detail::sig3(v);
}

/// Seconds: "850 ns", "12.0 µs", "183 ms", "15.4 s", "12.5 min", "1.67 h"; 0 is "0 s".
inline std::string format_seconds(double v) {
    if (const char* t = non_finite_text(v)) return t;
    if (v == 0) return "0 s";
    const double a = std::fabs(v);
    if (a < 600 && !(a >= 599.5)) {
        static constexpr std::array<format_detail::unit_step, 4> steps{
            {{1e-9, " ns"}, {1e-6, " \u00b5s"}, {1e-3, " ms"}, {1, " s"}}};
        if (a >= 1) return format_detail::sig3(v) + " s";
        return format_detail::scaled(v, steps);
    }
    if (a < 6000 && !(a / 60 >= 99.95)) return format_detail::sig3(v / 60) + " min";
    return format_detail::sig3(v / 3600) + " h";
}

/// Bytes, decimal SI: "512 B", "12.6 KB", "3.40 MB", "1.50 GB", "2.00 TB".
inline std::string format_bytes(double v) {
    if (const char* t = non_finite_text(v)) return t;
    static constexpr std::array<format_detail::unit_step, 5> steps{
        {{1, " B"}, {1e3, " KB"}, {1e6, " MB"}, {1e9, " GB"}, {1e12, " TB"}}};
    if (std::fabs(v) < 1) return format_detail::sig3(v) + " B";
    return format_detail::scaled(v, steps);
}

/// A count with thousands separators: 1234567 -> "1,234,567"; a mean count keeps one decimal
/// ("1,769.1"); from 10^15 on "2.5e+15".
inline std::string format_count(double v) {
    if (const char* t = non_finite_text(v)) return t;
    if (std::fabs(v) >= 1e15) return fmt::format("{:.3g}", v);
    const bool whole = v == std::floor(v);
    const std::string text = whole ? fmt::format("{:.0f}", std::fabs(v)) : fmt::format("{:.1f}", std::fabs(v));
    const std::size_t int_digits = whole ? text.size() : text.find('.');
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (i > 0 && i < int_digits && (int_digits - i) % 3 == 0) out += ',';
        out += text[i];
    }
    return v < 0 ? "-" + out : out;
}

/// A rate without its "/s", or a large count in short: "850", "12.3", "1.23k", "45.6M", "2.00G",
/// "3.00T".
inline std::string format_rate_number(double v) {
    if (const char* t = non_finite_text(v)) return t;
    static constexpr std::array<format_detail::unit_step, 5> steps{
        {{1, ""}, {1e3, "k"}, {1e6, "M"}, {1e9, "G"}, {1e12, "T"}}};
    if (std::fabs(v) < 1) return format_detail::sig3(v);
    return format_detail::scaled(v, steps);
}

/// Per second: "12.3/s", "1.23k/s".
inline std::string format_rate(double v) {
    if (const char* t = non_finite_text(v)) return t;
    return format_rate_number(v) + "/s";
}

/// A ratio as a percentage: "50.00 %", "100.00 %", "0.500 %", "0 %".
inline std::string format_ratio(double v) {
    if (const char* t = non_finite_text(v)) return t;
    const double p = v * 100;
    if (p == 0) return "0 %";
    if (std::fabs(p) >= 0.995) return fmt::format("{:.2f} %", p);
    return format_detail::sig3(p) + " %";
}

/// A value in a metric's unit ("s", "B", "B/s", "1/s", "ratio", "count" or empty), for people.
inline std::string format_value(double v, std::string_view unit) {
    if (const char* t = non_finite_text(v)) return t;
    if (unit == "s") return format_seconds(v);
    if (unit == "ratio") return format_ratio(v);
    if (unit == "1/s") return format_rate(v);
    if (unit == "B") return format_bytes(v);
    if (unit == "B/s") return format_bytes(v) + "/s";
    if (unit == "count" || unit.empty()) return format_count(v);
    return format_number(v) + " " + std::string(unit);
}

/// A change: format_value() with "+" before a positive value ("+40.0 ms", "-2.00 KB", "0 s").
inline std::string format_delta(double v, std::string_view unit) {
    const std::string t = format_value(v, unit);
    return v > 0 && std::isfinite(v) ? "+" + t : t;
}

/// A relative change as a signed percentage with three significant digits: "+20.0 %", "-2.50 %",
/// "+150 %", "0 %"; "+inf" from zero.
inline std::string format_relative(double fraction) {
    if (std::isnan(fraction)) return "n/a";
    if (std::isinf(fraction)) return fraction > 0 ? "+inf" : "-inf";
    if (fraction == 0) return "0 %";
    return (fraction > 0 ? "+" : "") + format_detail::sig3(fraction * 100) + " %";
}

/// The columns `s` takes on a terminal: its code points (UTF-8 continuation bytes do not count).
/// Every character surge prints is one column wide.
inline std::size_t display_width(std::string_view s) {
    std::size_t n = 0;
    for (const char c : s)
        if ((static_cast<unsigned char>(c) & 0xC0u) != 0x80u) ++n;
    return n;
}

/// `s` cut to at most `width` columns, ending in "..." when cut (whole UTF-8 sequences only).
inline std::string fit_width(std::string_view s, std::size_t width) {
    if (display_width(s) <= width) return std::string(s);
    if (width <= 3) return std::string(width, '.');
    std::size_t cols = 0, i = 0;
    while (i < s.size()) {
        std::size_t len = 1;
        while (i + len < s.size() && (static_cast<unsigned char>(s[i + len]) & 0xC0u) == 0x80u) ++len;
        if (cols + 1 > width - 3) break;
        ++cols;
        i += len;
    }
    return std::string(s.substr(0, i)) + "...";
}

/// `s` left-aligned in `width` columns (code points).
inline std::string pad_right(std::string_view s, std::size_t width) {
    const std::size_t w = display_width(s);
    std::string out(s);
    if (w < width) out.append(width - w, ' ');
    return out;
}

/// `s` right-aligned in `width` columns (code points).
inline std::string pad_left(std::string_view s, std::size_t width) {
    const std::size_t w = display_width(s);
    return w < width ? std::string(width - w, ' ') + std::string(s) : std::string(s);
}

} // namespace surge::sim
