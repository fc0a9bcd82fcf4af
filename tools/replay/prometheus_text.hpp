// tools/replay/prometheus_text.hpp — a small reader of the Prometheus text exposition format
// (version 0.0.4, what a server's `GET /metrics` answers), for `surge replay --server-metrics`.
// Pure: no I/O, no Beast; tests/live/test_prometheus_text.cpp.
//
// One sample per line: `name{label="value",...} value [timestamp]`; `# HELP` / `# TYPE` lines and
// other `#` comments are skipped, as are blank lines. Names are [a-zA-Z_:][a-zA-Z0-9_:]*, label
// names [a-zA-Z_][a-zA-Z0-9_]*, label values double-quoted with the escapes \\ \" \n; a value is a
// decimal float (an exponent allowed), NaN, +Inf or -Inf; a trailing comma in the label set and a CR
// before the line feed are accepted. A line that is none of these is counted as malformed (its line
// number and reason kept, the first few) and skipped: the reader never throws on its input, and
// what it keeps is bounded (samples, labels per sample, the input it looks at).
#pragma once

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace surge::replay {

struct prom_sample {
    std::string name;
    std::vector<std::pair<std::string, std::string>> labels;  // in the line's order
    double value = 0;
};

struct prom_limits {
    std::size_t max_bytes = 8u << 20;      // input beyond this is not read (counted as truncated)
    std::size_t max_samples = 100'000;     // samples beyond this are skipped (counted)
    std::size_t max_labels = 64;           // a sample with more is malformed
    std::size_t max_errors_kept = 5;       // reasons kept for the report
};

struct prom_text {
    std::vector<prom_sample> samples;
    std::size_t malformed_lines = 0;
    std::size_t skipped_samples = 0;       // over max_samples
    bool truncated = false;                // the input was longer than max_bytes
    std::vector<std::string> errors;       // "line N: reason", the first max_errors_kept

    /// The samples named `name`, every label set.
    [[nodiscard]] std::vector<const prom_sample*> all(std::string_view name) const {
        std::vector<const prom_sample*> out;
        for (const auto& s : samples)
            if (s.name == name) out.push_back(&s);
        return out;
    }
    /// The sum over every label set of `name` (a counter or gauge split by labels); none when
    /// there is no such sample or one of them is not finite.
    [[nodiscard]] std::optional<double> sum(std::string_view name) const {
        std::optional<double> total;
        for (const auto& s : samples) {
            if (s.name != name) continue;
            if (!std::isfinite(s.value)) return std::nullopt;
            total = total.value_or(0.0) + s.value;
        }
        return total;
    }
    /// The largest finite value of `name` over its label sets.
    [[nodiscard]] std::optional<double> max(std::string_view name) const {
        std::optional<double> best;
        for (const auto& s : samples)
            if (s.name == name && std::isfinite(s.value)) best = best ? std::max(*best, s.value) : s.value;
        return best;
    }
};

namespace prom_detail {

constexpr bool name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':'; }
constexpr bool name_char(char c) { return name_start(c) || (c >= '0' && c <= '9'); }
constexpr bool label_start(char c) { return name_start(c) && c != ':'; }
constexpr bool label_char(char c) { return name_char(c) && c != ':'; }
constexpr bool blank(char c) { return c == ' ' || c == '\t'; }

inline void skip_blanks(std::string_view s, std::size_t& i) {
    while (i < s.size() && blank(s[i])) ++i;
}

inline bool equals_ignoring_case(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
        if (lower(a[i]) != lower(b[i])) return false;
    }
    return true;
}

/// A sample value: Go's strconv.ParseFloat as Prometheus writes it (decimal, NaN, +Inf, -Inf; a
/// leading sign). Not locale-dependent.
inline std::optional<double> parse_value(std::string_view t) {
    if (t.empty()) return std::nullopt;
    bool negative = false;
    if (t[0] == '+' || t[0] == '-') {
        negative = t[0] == '-';
        t.remove_prefix(1);
    }
    if (t.empty()) return std::nullopt;
    if (equals_ignoring_case(t, "inf") || equals_ignoring_case(t, "infinity"))
        return negative ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
    if (equals_ignoring_case(t, "nan")) return std::numeric_limits<double>::quiet_NaN();
    // Digits, a point, an exponent: nothing else (from_chars would also take "inf" and "nan" spellings).
    for (const char c : t)
        if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-')) return std::nullopt;
    double v = 0;
    const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (ec != std::errc() || end != t.data() + t.size()) return std::nullopt;
    return negative ? -v : v;
}

/// One sample line (not blank, not a comment) into `out`; the reason when it is malformed.
inline std::optional<std::string> parse_sample(std::string_view line, const prom_limits& lim, prom_sample& out) {
    std::size_t i = 0;
    skip_blanks(line, i);
    if (i >= line.size() || !name_start(line[i])) return "expected a metric name";
    const std::size_t name_begin = i;
    while (i < line.size() && name_char(line[i])) ++i;
    out.name.assign(line.substr(name_begin, i - name_begin));
    out.labels.clear();
    const std::size_t after_name = i;
    skip_blanks(line, i);
    if (i >= line.size() || line[i] != '{') i = after_name;  // the blanks before the value
    if (i < line.size() && line[i] == '{') {
        ++i;
        for (;;) {
            skip_blanks(line, i);
            if (i < line.size() && line[i] == '}') {
                ++i;
                break;
            }
            if (i >= line.size() || !label_start(line[i])) return "expected a label name or '}'";
            const std::size_t lb = i;
            while (i < line.size() && label_char(line[i])) ++i;
            std::string label(line.substr(lb, i - lb));
            skip_blanks(line, i);
            if (i >= line.size() || line[i] != '=') return "expected '=' after label " + label;
            ++i;
            skip_blanks(line, i);
            if (i >= line.size() || line[i] != '"') return "expected '\"' to open the value of label " + label;
            ++i;
            std::string value;
            bool closed = false;
            while (i < line.size()) {
                const char c = line[i++];
                if (c == '"') {
                    closed = true;
                    break;
                }
                if (c == '\\') {
                    if (i >= line.size()) break;
                    const char e = line[i++];
                    if (e == 'n') value.push_back('\n');
                    else if (e == '\\' || e == '"') value.push_back(e);
                    else return "bad escape \\" + std::string(1, e) + " in the value of label " + label;
                } else {
                    value.push_back(c);
                }
            }
            if (!closed) return "unterminated value of label " + label;
            if (out.labels.size() >= lim.max_labels) return "more than " + std::to_string(lim.max_labels) + " labels";
            out.labels.emplace_back(std::move(label), std::move(value));
            skip_blanks(line, i);
            if (i < line.size() && line[i] == ',') {
                ++i;
                continue;
            }
            if (i < line.size() && line[i] == '}') {
                ++i;
                break;
            }
            return "expected ',' or '}' after a label";
        }
    }
    if (i >= line.size() || !blank(line[i])) return i >= line.size() ? "no value" : "expected a space before the value";
    skip_blanks(line, i);
    std::size_t vb = i;
    while (i < line.size() && !blank(line[i])) ++i;
    const auto v = parse_value(line.substr(vb, i - vb));
    if (!v) return "bad value \"" + std::string(line.substr(vb, std::min<std::size_t>(i - vb, 32))) + "\"";
    out.value = *v;
    skip_blanks(line, i);
    if (i < line.size()) {  // an optional timestamp: an integer (milliseconds)
        vb = i;
        if (line[i] == '-' || line[i] == '+') ++i;
        const std::size_t digits = i;
        while (i < line.size() && line[i] >= '0' && line[i] <= '9') ++i;
        if (i == digits) return "bad timestamp";
        skip_blanks(line, i);
        if (i < line.size()) return "unexpected text after the timestamp";
    }
    return std::nullopt;
}

} // namespace prom_detail

/// Reads a text exposition. Never throws for bad input (an allocation failure aside).
inline prom_text parse_prometheus_text(std::string_view text, const prom_limits& lim = {}) {
    prom_text out;
    if (text.size() > lim.max_bytes) {
        out.truncated = true;
        text = text.substr(0, lim.max_bytes);
        // The cut line is incomplete: leave it out.
        const auto last = text.rfind('\n');
        text = last == std::string_view::npos ? std::string_view{} : text.substr(0, last + 1);
    }
    std::size_t line_no = 0;
    prom_sample sample;
    while (!text.empty()) {
        const auto nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
        ++line_no;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        std::size_t i = 0;
        prom_detail::skip_blanks(line, i);
        if (i == line.size() || line[i] == '#') continue;  // blank, # HELP, # TYPE, a comment
        if (out.samples.size() >= lim.max_samples) {
            ++out.skipped_samples;
            continue;
        }
        if (auto why = prom_detail::parse_sample(line, lim, sample)) {
            ++out.malformed_lines;
            if (out.errors.size() < lim.max_errors_kept) out.errors.push_back("line " + std::to_string(line_no) + ": " + *why);
            continue;
        }
        out.samples.push_back(std::move(sample));
        sample = prom_sample{};
    }
    return out;
}

} // namespace surge::replay
