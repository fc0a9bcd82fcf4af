// sim/load_detail.hpp — the definitions behind sim/load.hpp: reading a scenario document key by
// key into models::scenario, with one error format throughout:
//
//   FILE:LINE:COL: JSON syntax error: ...                       (the text is not JSON)
//   FILE: /json/pointer: expected WHAT, found VALUE            (a value of the wrong type or range)
//   FILE: /json/pointer: unknown key; did you mean 'KEY'?     (no silent default for a typo)
//   --set SPEC: ...                                            (a bad override)
//
// Each section is read by one function that starts from the defaults of models/params.hpp and
// replaces what the document sets; a key the function does not know is an error before any value
// is looked at. Include sim/load.hpp, not this file.
#pragma once

#include <sim/load.hpp>
#include <sim/metric_names.hpp>
#include <sim/protocol.hpp>
#include <sim/units.hpp>

#include <models/distribution.hpp>
#include <models/params.hpp>

#include <surge/time.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace surge::sim::load_detail {

using json = nlohmann::json;

// ---------------------------------------------------------------------------------------------
// Small text helpers
// ---------------------------------------------------------------------------------------------

/// One JSON pointer reference token for `key` (RFC 6901: '~' -> "~0", '/' -> "~1").
inline std::string pointer_token(std::string_view key) {
    std::string out;
    out.reserve(key.size());
    for (char ch : key) {
        if (ch == '~') out += "~0";
        else if (ch == '/') out += "~1";
        else out += ch;
    }
    return out;
}

/// A JSON value as the user wrote it, cut short (at a UTF-8 character boundary) if long.
inline std::string show(const json& j) {
    constexpr std::size_t limit = 60;
    std::string s = j.dump(-1, ' ', false, json::error_handler_t::replace);
    if (s.size() <= limit) return s;
    std::size_t cut = limit - 3;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
    return s.substr(0, cut) + "...";
}

// Appended piece by piece: GCC 12 at -O3 (the Release build of tools/surge) reports a false
// -Wrestrict overlap inside `"\"" + std::string(s)` (GCC bug 105329), which -Werror turns fatal.
inline std::string in_quotes(std::string_view s) {
    std::string out;
    out.reserve(s.size() + 2);
    out += '"';
    out += s;
    out += '"';
    return out;
}

/// A number the way a person writes it: 1, 0.5, 1e+20.
inline std::string format_number(double v) {
    std::ostringstream os;
    os.precision(10);
    os << v;
    return os.str();
}

inline std::string join(const std::vector<std::string>& items, std::string_view sep = ", ") {
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i != 0) out += sep;
        out += items[i];
    }
    return out;
}

inline std::string join_quoted(const std::vector<std::string>& items) {
    std::vector<std::string> q;
    q.reserve(items.size());
    for (const auto& s : items) q.push_back(in_quotes(s));
    return join(q);
}

/// Optimal string alignment distance (Levenshtein plus adjacent transpositions).
inline std::size_t edit_distance(std::string_view a, std::string_view b) {
    const std::size_t n = a.size(), m = b.size();
    std::vector<std::vector<std::size_t>> d(n + 1, std::vector<std::size_t>(m + 1, 0));
    for (std::size_t i = 0; i <= n; ++i) d[i][0] = i;
    for (std::size_t j = 0; j <= m; ++j) d[0][j] = j;
    for (std::size_t i = 1; i <= n; ++i)
        for (std::size_t j = 1; j <= m; ++j) {
            const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    return d[n][m];
}

/// The candidate `word` was most likely meant to be: edit distance <= 2 (and less than the word's
/// length, so that "ab" does not suggest "xy"), else one is a prefix of the other (3+ characters).
/// Ties go to the earlier candidate. Empty if none is close.
inline std::string closest(std::string_view word, const std::vector<std::string>& candidates) {
    std::size_t best = std::numeric_limits<std::size_t>::max();
    std::string pick;
    for (const auto& c : candidates) {
        const std::size_t d = edit_distance(word, c);
        if (d < best) {
            best = d;
            pick = c;
        }
    }
    if (!pick.empty() && best <= 2 && best < word.size()) return pick;
    for (const auto& c : candidates)
        if ((word.size() >= 3 && c.starts_with(word)) || (c.size() >= 3 && word.starts_with(c))) return c;
    return {};
}

/// "unknown key; did you mean 'pool_size'?" or "unknown key; allowed keys: a, b, c".
inline std::string unknown_key_message(std::string_view key, const std::vector<std::string>& allowed,
                                       std::string_view noun = "key") {
    const std::string near = closest(key, allowed);
    if (!near.empty()) return "unknown " + std::string(noun) + "; did you mean '" + near + "'?";
    return "unknown " + std::string(noun) + "; allowed: " + join(allowed);
}

/// The reason part of a surge::parse_error of the form `invalid KIND "TEXT": WHY; expected ...`.
inline std::string parse_error_reason(const std::exception& e, std::string_view kind, std::string_view text) {
    const std::string what = e.what();
    const std::string prefix = "invalid " + std::string(kind) + " \"" + std::string(text) + "\": ";
    const std::size_t end = what.rfind("; expected");
    if (what.starts_with(prefix) && end != std::string::npos && end >= prefix.size())
        return what.substr(prefix.size(), end - prefix.size());
    return what;
}

// ---------------------------------------------------------------------------------------------
// The reading context: where errors go
// ---------------------------------------------------------------------------------------------

/// A --set that was applied: its (normalised) pointer and the text as the user wrote it.
struct override_origin {
    std::string pointer;
    std::string spec;
};

struct context {
    std::string file;
    std::vector<override_origin> overrides;

    /// "FILE: /pointer: WHAT", noting the --set that put a value there, if one did.
    [[noreturn]] void fail(const std::string& ptr, const std::string& what) const {
        std::string msg = file + ": " + (ptr.empty() ? std::string() : ptr + ": ") + what;
        for (auto it = overrides.rbegin(); it != overrides.rend(); ++it)
            if (ptr == it->pointer || ptr.starts_with(it->pointer + "/")) {
                const std::string& spec = it->spec;
                msg += " (the value comes from --set " + (spec.size() <= 80 ? spec : spec.substr(0, 77) + "...") + ")";
                break;
            }
        throw input_error(msg);
    }
    [[noreturn]] void expected(const std::string& ptr, const std::string& what, const json& found) const {
        fail(ptr, "expected " + what + ", found " + show(found));
    }
};

// ---------------------------------------------------------------------------------------------
// Scalars
// ---------------------------------------------------------------------------------------------

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

template <class Enum>
Enum read_enum(const context& c, const json& j, const std::string& ptr, const std::vector<std::string>& names) {
    return static_cast<Enum>(read_choice(c, j, ptr, names));
}

inline const std::vector<std::string>& priority_names() {
    static const std::vector<std::string> names{"low", "normal", "high", "critical"};
    return names;
}
inline const std::vector<std::string>& jitter_names() {
    static const std::vector<std::string> names{"none", "full", "equal"};
    return names;
}

// ---------------------------------------------------------------------------------------------
// Quantities with units
// ---------------------------------------------------------------------------------------------

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
    return b;
}

// ---------------------------------------------------------------------------------------------
// Objects
// ---------------------------------------------------------------------------------------------

/// A JSON object being read: its keys are checked against `allowed` on construction; members are
/// handed out with their pointers.
class object_view {
public:
    object_view(const context& c, const json& j, std::string ptr, std::vector<std::string> allowed,
                const std::string& what = "an object")
        : c_(c), j_(j), ptr_(std::move(ptr)), allowed_(std::move(allowed)) {
        if (!j_.is_object()) c_.expected(ptr_, what, j_);
        for (const auto& item : j_.items())
            if (std::find(allowed_.begin(), allowed_.end(), item.key()) == allowed_.end())
                c_.fail(at(item.key()), unknown_key_message(item.key(), allowed_));
    }

    [[nodiscard]] bool has(std::string_view key) const { return j_.contains(key); }
    [[nodiscard]] const json& operator[](std::string_view key) const { return j_.find(key).value(); }
    [[nodiscard]] std::string at(std::string_view key) const { return ptr_ + "/" + pointer_token(key); }
    [[nodiscard]] const std::string& pointer() const noexcept { return ptr_; }
    [[nodiscard]] const json& value() const noexcept { return j_; }
    [[nodiscard]] const context& ctx() const noexcept { return c_; }

    [[noreturn]] void missing(std::string_view key, const std::string& hint = {}) const {
        c_.fail(at(key), "required key is missing" + (hint.empty() ? std::string() : "; " + hint));
    }
    void require(std::string_view key, const std::string& hint = {}) const {
        if (!has(key)) missing(key, hint);
    }

    /// A nested object with its own allowed keys.
    [[nodiscard]] object_view object(std::string_view key, std::vector<std::string> allowed) const {
        return object_view(c_, (*this)[key], at(key), std::move(allowed));
    }

    // Setters that leave `out` (the default) alone when the key is absent.
    void get(std::string_view key, std::int64_t& out, std::int64_t lo, std::optional<std::int64_t> hi = std::nullopt) const {
        if (has(key)) out = read_int(c_, (*this)[key], at(key), lo, hi);
    }
    void get(std::string_view key, double& out, const number_range& range) const {
        if (has(key)) out = read_number(c_, (*this)[key], at(key), range);
    }
    void get(std::string_view key, bool& out) const {
        if (has(key)) out = read_bool(c_, (*this)[key], at(key));
    }
    void get(std::string_view key, duration& out, duration_rule rule = duration_rule::non_negative) const {
        if (has(key)) out = read_duration(c_, (*this)[key], at(key), rule);
    }
    /// An optional duration: absent keeps the default, null clears it.
    void get(std::string_view key, std::optional<duration>& out, duration_rule rule = duration_rule::non_negative) const {
        if (!has(key)) return;
        if ((*this)[key].is_null()) out.reset();
        else out = read_duration(c_, (*this)[key], at(key), rule);
    }
    void get(std::string_view key, models::rate& out, bool positive) const {
        if (has(key)) out = read_rate(c_, (*this)[key], at(key), positive);
    }
    void get_size(std::string_view key, std::int64_t& out) const {
        if (has(key)) out = read_size(c_, (*this)[key], at(key));
    }
    template <class Enum>
    void get_enum(std::string_view key, Enum& out, const std::vector<std::string>& names) const {
        if (has(key)) out = read_enum<Enum>(c_, (*this)[key], at(key), names);
    }

private:
    const context& c_;
    const json& j_;
    std::string ptr_;
    std::vector<std::string> allowed_;
};

// ---------------------------------------------------------------------------------------------
// Distributions
// ---------------------------------------------------------------------------------------------

inline constexpr const char* dist_forms =
    "a duration distribution: a duration string (constant), {\"constant\": D}, {\"mean\": D} (exponential), "
    "{\"median\": D, \"p99\": D} (lognormal), {\"min\": D, \"max\": D} (uniform), {\"mean\": D, \"stddev\": D} "
    "(normal), {\"dist\": \"pareto\" or \"weibull\", \"scale\": D, \"shape\": x}, or "
    "{\"dist\": \"gamma\", \"mean\": D, \"shape\": x}";

struct dist_form {
    const char* name;                         // the "dist" value
    std::vector<std::string> keys;            // besides "dist"
};

inline const std::vector<dist_form>& dist_forms_list() {
    static const std::vector<dist_form> forms{
        {"constant", {"value"}},        {"exponential", {"mean"}},      {"lognormal", {"median", "p99"}},
        {"uniform", {"min", "max"}},    {"normal", {"mean", "stddev"}}, {"pareto", {"scale", "shape"}},
        {"weibull", {"scale", "shape"}}, {"gamma", {"mean", "shape"}},
    };
    return forms;
}

/// Builds the distribution of `kind` from its (present, typed) members, checking their relations.
inline models::duration_dist make_dist(const object_view& o, std::string_view kind) {
    const context& c = o.ctx();
    const auto dur = [&](const char* key, duration_rule rule = duration_rule::non_negative) {
        return read_duration(c, o[key], o.at(key), rule);
    };
    const auto shape = [&] { return read_number(c, o["shape"], o.at("shape"), positive_number); };
    try {
        if (kind == "constant") return models::duration_dist::fixed(dur(o.has("value") ? "value" : "constant"));
        if (kind == "exponential") return models::duration_dist::exponential_mean(dur("mean", duration_rule::positive));
        if (kind == "lognormal") {
            const duration median = dur("median", duration_rule::positive);
            const duration p99 = dur("p99");
            if (p99 <= median)
                c.expected(o.at("p99"), "a duration greater than the median (" + surge::to_string(median) + ")", o["p99"]);
            return models::duration_dist::lognormal_median_p99(median, p99);
        }
        if (kind == "uniform") {
            const duration lo = dur("min");
            const duration hi = dur("max");
            if (hi < lo) c.expected(o.at("max"), "a duration >= min (" + surge::to_string(lo) + ")", o["max"]);
            return models::duration_dist::uniform_between(lo, hi);
        }
        if (kind == "normal") return models::duration_dist::normal_mean_sd(dur("mean"), dur("stddev"));
        if (kind == "pareto") return models::duration_dist::pareto_scale_shape(dur("scale", duration_rule::positive), shape());
        if (kind == "weibull") return models::duration_dist::weibull_scale_shape(dur("scale", duration_rule::positive), shape());
        if (kind == "gamma") return models::duration_dist::gamma_mean_shape(dur("mean", duration_rule::positive), shape());
    } catch (const std::invalid_argument& e) {  // the factories' own checks; ours run first
        c.fail(o.pointer(), e.what());
    }
    c.fail(o.pointer(), "unknown distribution kind \"" + std::string(kind) + "\"");
}

inline models::duration_dist read_dist(const context& c, const json& j, const std::string& ptr) {
    if (j.is_string()) return models::duration_dist::fixed(read_duration(c, j, ptr));
    if (!j.is_object()) c.expected(ptr, dist_forms, j);

    if (j.contains("dist")) {
        std::vector<std::string> kinds;
        for (const auto& f : dist_forms_list()) kinds.emplace_back(f.name);
        const std::string dist_ptr = ptr + "/dist";
        const std::size_t k = read_choice(c, j["dist"], dist_ptr, kinds);
        const dist_form& form = dist_forms_list()[k];
        std::vector<std::string> allowed{"dist"};
        allowed.insert(allowed.end(), form.keys.begin(), form.keys.end());
        for (const auto& item : j.items()) {
            if (std::find(allowed.begin(), allowed.end(), item.key()) != allowed.end()) continue;
            bool other_form = false;
            for (const auto& f : dist_forms_list())
                if (std::find(f.keys.begin(), f.keys.end(), item.key()) != f.keys.end()) other_form = true;
            if (other_form)
                c.fail(ptr + "/" + pointer_token(item.key()),
                       "'" + item.key() + "' does not belong to a " + form.name + " distribution (it takes " +
                           join(form.keys) + ")");
        }
        const object_view o(c, j, ptr, allowed);
        for (const auto& key : form.keys)
            o.require(key, "a " + std::string(form.name) + " distribution needs " + join(form.keys, " and "));
        return make_dist(o, form.name);
    }

    // Without "dist", the set of keys names the form.
    const std::vector<std::string> all{"constant", "mean", "median", "p99", "min", "max", "stddev", "dist", "scale", "shape"};
    const object_view o(c, j, ptr, all, dist_forms);
    std::vector<std::string> keys;
    for (const auto& item : j.items()) keys.push_back(item.key());
    std::sort(keys.begin(), keys.end());
    const auto is = [&](std::vector<std::string> want) {
        std::sort(want.begin(), want.end());
        return keys == want;
    };
    if (is({"constant"})) return make_dist(o, "constant");
    if (is({"mean"})) return make_dist(o, "exponential");
    if (is({"median", "p99"})) return make_dist(o, "lognormal");
    if (is({"min", "max"})) return make_dist(o, "uniform");
    if (is({"mean", "stddev"})) return make_dist(o, "normal");
    std::string hint;
    if (o.has("scale") || o.has("shape"))
        hint = "a distribution with \"scale\" or \"shape\" needs \"dist\": \"pareto\", \"weibull\" or \"gamma\"";
    else if (o.has("median") != o.has("p99"))
        hint = "a lognormal needs both \"median\" and \"p99\"";
    else if (o.has("min") != o.has("max"))
        hint = "a uniform distribution needs both \"min\" and \"max\"";
    else if (o.has("stddev") && !o.has("mean"))
        hint = "a normal distribution needs \"mean\" and \"stddev\"";
    else if (keys.empty())
        hint = "the object is empty";
    else
        hint = "the keys " + join_quoted(keys) + " do not form one distribution";
    c.fail(ptr, hint + "; expected " + dist_forms);
}

inline void get_dist(const object_view& o, std::string_view key, models::duration_dist& out) {
    if (o.has(key)) out = read_dist(o.ctx(), o[key], o.at(key));
}
inline void get_dist(const object_view& o, std::string_view key, std::optional<models::duration_dist>& out) {
    if (!o.has(key)) return;
    if (o[key].is_null()) out.reset();
    else out = read_dist(o.ctx(), o[key], o.at(key));
}

/// A size, or {"min": S, "max": S} (uniform in bytes).
inline models::size_dist read_size_dist(const context& c, const json& j, const std::string& ptr) {
    if (j.is_string()) return models::size_dist::fixed(read_size(c, j, ptr));
    if (!j.is_object())
        c.expected(ptr, "a size string like \"512B\" or a range {\"min\": \"100B\", \"max\": \"2KB\"}", j);
    const object_view o(c, j, ptr, {"min", "max"});
    o.require("min", "a size range needs \"min\" and \"max\"");
    o.require("max", "a size range needs \"min\" and \"max\"");
    models::size_dist d;
    d.min_bytes = read_size(c, o["min"], o.at("min"));
    d.max_bytes = read_size(c, o["max"], o.at("max"));
    if (d.max_bytes < d.min_bytes) c.expected(o.at("max"), "a size >= min (" + std::to_string(d.min_bytes) + " B)", o["max"]);
    return d;
}

inline void get_size_dist(const object_view& o, std::string_view key, models::size_dist& out) {
    if (o.has(key)) out = read_size_dist(o.ctx(), o[key], o.at(key));
}

// ---------------------------------------------------------------------------------------------
// Sections
// ---------------------------------------------------------------------------------------------

inline void read_backoff(const object_view& o, models::backoff_params& b) {
    o.get("base", b.base, duration_rule::positive);
    o.get("max", b.max, duration_rule::positive);
    o.get("multiplier", b.multiplier, number_range{1, std::numeric_limits<double>::infinity(), false, false});
    o.get_enum("jitter", b.jitter, jitter_names());
    if (b.max < b.base) {
        const std::string key = o.has("max") ? "max" : "base";
        o.ctx().expected(o.at(key), key == "max" ? "a duration >= base (" + surge::to_string(b.base) + ")"
                                                 : "a duration <= max (" + surge::to_string(b.max) + ")",
                         o[key]);
    }
}

inline models::user_params read_users(const object_view& o) {
    models::user_params u;
    o.get("count", u.count, 0);
    if (o.has("connect")) {
        const object_view cn = o.object("connect", {"start", "ramp"});
        cn.get("start", u.connect_start);
        cn.get("ramp", u.connect_ramp);
    }
    get_dist(o, "online", u.online);
    get_dist(o, "offline", u.offline);
    if (o.has("reconnect")) read_backoff(o.object("reconnect", {"base", "max", "multiplier", "jitter"}), u.reconnect);
    o.get("messages", u.messages, false);
    get_size_dist(o, "message_size", u.message_size);
    return u;
}

inline models::link_params read_links(const object_view& o) {
    models::link_params l;
    const context& c = o.ctx();
    get_dist(o, "handshake", l.handshake);
    get_dist(o, "latency", l.latency);
    if (o.has("bandwidth")) l.bandwidth_bytes_per_s = read_bandwidth(c, o["bandwidth"], o.at("bandwidth"), true);
    o.get("loss", l.loss, number_range{0, 1, false, true});
    o.get("retransmit", l.retransmit);
    o.get("connect_failure", l.connect_failure, unit_interval);
    o.get("connect_timeout", l.connect_timeout, duration_rule::positive);
    if (o.has("drops")) {
        if (o["drops"].is_null()) {
            l.mean_time_between_drops.reset();
        } else {
            const object_view d = o.object("drops", {"mean_interval"});
            d.require("mean_interval");
            l.mean_time_between_drops = read_duration(c, d["mean_interval"], d.at("mean_interval"), duration_rule::positive);
        }
    }
    o.get("ping_interval", l.ping_interval, duration_rule::positive);
    o.get("ping_timeout", l.ping_timeout, duration_rule::positive);
    if (o.has("slow")) {
        const object_view s = o.object("slow", {"fraction", "bandwidth"});
        s.get("fraction", l.slow_fraction, unit_interval);
        if (s.has("bandwidth")) l.slow_bandwidth_bytes_per_s = read_bandwidth(c, s["bandwidth"], s.at("bandwidth"), false);
    }
    return l;
}

inline models::server_params read_server(const object_view& o) {
    models::server_params s;
    o.get("workers", s.workers, 1);
    get_dist(o, "cost_per_notification", s.cost_per_notification);
    get_dist(o, "cost_per_message", s.cost_per_message);
    get_dist(o, "cost_per_connect", s.cost_per_connect);
    get_dist(o, "cost_per_client_message", s.cost_per_client_message);
    o.get("queue_capacity", s.queue_capacity, 1);
    o.get("send_buffer", s.send_buffer, 1);
    o.get_enum("slow_consumer", s.slow_consumer, {"drop_newest", "drop_oldest", "disconnect"});
    o.get("max_connections", s.max_connections, 0);
    if (o.has("queries")) {
        const object_view q = o.object("queries", {"per_notification", "per_connect", "per_client_message"});
        q.get("per_notification", s.queries_per_notification, 0);
        q.get("per_connect", s.queries_per_connect, 0);
        q.get("per_client_message", s.queries_per_client_message, 0);
    }
    return s;
}

inline models::offline_queue_params read_offline_queue(const object_view& o) {
    models::offline_queue_params q;
    o.get("enabled", q.enabled);
    o.get("max_messages", q.max_messages, 0);
    o.get("ttl", q.ttl, duration_rule::positive);
    o.get_enum("drop", q.drop, {"oldest", "newest"});
    return q;
}

inline models::database_params read_database(const object_view& o) {
    models::database_params d;
    o.get("pool_size", d.pool_size, 1);
    o.get("max_overflow", d.max_overflow, 0);
    o.get("checkout_timeout", d.checkout_timeout);
    get_dist(o, "connect", d.connect);
    get_dist(o, "query", d.query);
    o.get("query_timeout", d.query_timeout, duration_rule::positive);
    return d;
}

inline models::memory_params read_memory(const object_view& o) {
    models::memory_params m;
    o.get_size("per_connection", m.per_connection);
    o.get_size("per_notification", m.per_notification);
    o.get_size("per_queued_message", m.per_queued_message);
    o.get_size("per_buffered_message", m.per_buffered_message);
    o.get_size("per_request", m.per_request);
    return m;
}

/// A sub-mechanism of degradation: present means enabled unless "enabled" says otherwise.
inline bool enabled_by_presence(const object_view& o) {
    bool on = true;
    o.get("enabled", on);
    return on;
}

inline models::degradation_params read_degradation(const object_view& o) {
    models::degradation_params d;
    if (o.has("shedding")) {
        const object_view s = o.object("shedding", {"enabled", "queue_threshold", "keep"});
        d.shedding.enabled = enabled_by_presence(s);
        s.get("queue_threshold", d.shedding.queue_threshold, 1);
        s.get_enum("keep", d.shedding.keep_at_least, priority_names());
    }
    if (o.has("rate_limit")) {
        const object_view r = o.object("rate_limit", {"enabled", "rate", "burst"});
        d.rate_limit.enabled = enabled_by_presence(r);
        r.get("rate", d.rate_limit.limit, true);
        r.get("burst", d.rate_limit.burst, 1);
    }
    if (o.has("circuit_breaker")) {
        const object_view b = o.object("circuit_breaker", {"enabled", "failure_threshold", "open_for"});
        d.circuit_breaker.enabled = enabled_by_presence(b);
        b.get("failure_threshold", d.circuit_breaker.failure_threshold, 1);
        b.get("open_for", d.circuit_breaker.open_for, duration_rule::positive);
    }
    if (o.has("retry")) {
        const object_view r = o.object("retry", {"max_attempts", "base", "max", "multiplier", "jitter"});
        r.get("max_attempts", d.retry.max_attempts, 1);
        read_backoff(r, d.retry.backoff);
    }
    o.get("request_timeout", d.request_timeout, duration_rule::positive);
    return d;
}

/// A priority name, or weights {"low": w, "normal": w, "high": w, "critical": w} (missing = 0).
inline std::vector<double> read_priority(const context& c, const json& j, const std::string& ptr) {
    std::vector<double> w(4, 0.0);
    if (j.is_string()) {
        w[read_choice(c, j, ptr, priority_names())] = 1;
        return w;
    }
    if (!j.is_object())
        c.expected(ptr, "a priority (\"low\", \"normal\", \"high\", \"critical\") or weights like {\"normal\": 9, \"high\": 1}", j);
    const object_view o(c, j, ptr, priority_names());
    double sum = 0;
    for (std::size_t i = 0; i < 4; ++i) {
        o.get(priority_names()[i], w[i], number_range{0, std::numeric_limits<double>::infinity(), false, false});
        sum += w[i];
    }
    if (!(sum > 0)) c.expected(ptr, "weights with at least one > 0", j);
    return w;
}

inline models::load_phase read_phase(const object_view& o, const models::scenario& sc) {
    const context& c = o.ctx();
    models::load_phase p;
    o.require("at");
    p.at = read_time(c, o["at"], o.at("at"), sc.length);
    o.get("for", p.length, duration_rule::positive);

    const bool closed = o.has("clients");
    p.type = closed ? models::load_phase::kind::closed : models::load_phase::kind::open;
    if (closed) {
        for (const char* key : {"rate", "ramp_to", "arrivals"})
            if (o.has(key))
                c.fail(o.at(key), std::string("'") + key + "' applies to open phases; a closed phase (one with \"clients\") "
                                  "has no rate: remove \"" + key + "\" or \"clients\"");
        p.clients = read_int(c, o["clients"], o.at("clients"), 1);
        get_dist(o, "think", p.think);
        o.get("requests", p.requests_per_client, 0);
    } else {
        for (const char* key : {"think", "requests"})
            if (o.has(key))
                c.fail(o.at(key), std::string("'") + key + "' applies to closed phases (with \"clients\"), not to open ones (with \"rate\")");
        o.require("rate", "an open phase needs \"rate\" (a closed phase has \"clients\" instead)");
        p.start_rate = read_rate(c, o["rate"], o.at("rate"), false);
        if (o.has("ramp_to")) {
            if (o["ramp_to"].is_null()) p.end_rate.reset();
            else p.end_rate = read_rate(c, o["ramp_to"], o.at("ramp_to"), false);
        }
        o.get_enum("arrivals", p.spacing, {"poisson", "uniform"});
    }
    o.get("batch", p.batch, 1);
    o.get_enum("target", p.target, {"user", "users", "broadcast"});
    if (o.has("recipients")) {
        if (p.target != models::target_kind::users)
            c.fail(o.at("recipients"), "'recipients' applies to \"target\": \"users\" only");
        p.recipients = read_int(c, o["recipients"], o.at("recipients"), 1);
        if (p.recipients > sc.users.count)
            c.expected(o.at("recipients"), "an integer between 1 and users.count (" + std::to_string(sc.users.count) + ")",
                       o["recipients"]);
    }
    if (o.has("priority")) p.priority_weights = read_priority(c, o["priority"], o.at("priority"));
    get_size_dist(o, "payload", p.payload);
    return p;
}

inline std::vector<models::load_phase> read_load(const context& c, const json& j, const std::string& ptr,
                                                 const models::scenario& sc) {
    if (!j.is_array() || j.empty()) c.expected(ptr, "a non-empty array of load phases", j);
    std::vector<models::load_phase> phases;
    const std::vector<std::string> keys{"at", "for", "rate", "ramp_to", "arrivals", "clients", "think", "requests",
                                        "batch", "target", "recipients", "priority", "payload"};
    for (std::size_t i = 0; i < j.size(); ++i) {
        const object_view o(c, j[i], ptr + "/" + std::to_string(i), keys, "a load phase object");
        phases.push_back(read_phase(o, sc));
        if (i > 0 && phases[i].at < phases[i - 1].at)
            c.fail(o.at("at"), "phases must be sorted by \"at\": " + surge::to_string(phases[i].at.since_start()) +
                                   " comes before the previous phase's " + surge::to_string(phases[i - 1].at.since_start()));
    }
    return phases;
}

inline const std::vector<std::string>& fault_kind_names() {
    static const std::vector<std::string> names{"db_slowdown", "db_outage", "disconnect_storm", "latency_spike", "worker_loss"};
    return names;
}

inline models::fault read_fault(const context& c, const json& j, const std::string& ptr, const models::scenario& sc) {
    using kind = models::fault::kind;
    // Which kinds each kind-specific field belongs to.
    const std::vector<std::pair<std::string, std::vector<kind>>> owners{
        {"factor", {kind::db_slowdown, kind::latency_spike}},
        {"extra", {kind::latency_spike}},
        {"fraction", {kind::disconnect_storm}},
        {"silent", {kind::disconnect_storm}},
        {"workers", {kind::worker_loss}},
        {"error_after", {kind::db_outage}},
    };
    std::vector<std::string> keys{"at", "for", "kind"};
    for (const auto& [key, kinds] : owners) keys.push_back(key);
    const object_view o(c, j, ptr, keys, "a fault object");
    o.require("kind", "one of " + join_quoted(fault_kind_names()));
    models::fault f;
    f.type = read_enum<kind>(c, o["kind"], o.at("kind"), fault_kind_names());
    const std::string& kind_name = fault_kind_names()[static_cast<std::size_t>(f.type)];
    for (const auto& [key, kinds] : owners) {
        if (!o.has(key) || std::find(kinds.begin(), kinds.end(), f.type) != kinds.end()) continue;
        std::vector<std::string> names;
        for (kind k : kinds) names.push_back(fault_kind_names()[static_cast<std::size_t>(k)]);
        c.fail(o.at(key), "'" + key + "' applies to " + join(names, " and ") + ", not " + kind_name);
    }
    o.require("at");
    f.at = read_time(c, o["at"], o.at("at"), sc.length);
    if (f.type == kind::disconnect_storm) {
        if (o.has("for")) c.fail(o.at("for"), "'for' does not apply to disconnect_storm (the storm is an instant)");
        f.length = duration::zero();
    } else {
        o.get("for", f.length, duration_rule::positive);
    }
    // A latency spike given only "extra" adds latency without also multiplying it.
    if (f.type == kind::latency_spike && !o.has("factor")) f.factor = o.has("extra") ? 1.0 : f.factor;
    o.get("factor", f.factor, positive_number);
    o.get("extra", f.extra);
    o.get("fraction", f.fraction, unit_interval);
    o.get("silent", f.silent);
    o.get("workers", f.workers, 1);
    if (f.workers > sc.server.workers)
        c.expected(o.at("workers"), "an integer between 1 and server.workers (" + std::to_string(sc.server.workers) + ")",
                   o["workers"]);
    o.get("error_after", f.error_after);
    return f;
}

// ---------------------------------------------------------------------------------------------
// Thresholds
// ---------------------------------------------------------------------------------------------

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

inline models::threshold read_threshold(const context& c, const std::string& metric, const json& j, const std::string& ptr) {
    const char* form = "a comparison like \"< 1s\" or \">= 0.95\" (an operator <, <=, >, >=, ==, != and a value)";
    if (!j.is_string()) c.expected(ptr, form, j);
    models::threshold t;
    t.metric = metric;
    t.expression = j.get<std::string>();
    std::string_view s = surge::detail::trim(t.expression);

    using op = models::threshold::op;
    const std::pair<std::string_view, op> ops[] = {{"<=", op::le}, {">=", op::ge}, {"==", op::eq}, {"!=", op::ne},
                                                   {"<", op::lt},  {">", op::gt}};
    bool found_op = false;
    for (const auto& [text, o] : ops)
        if (s.starts_with(text)) {
            t.comparison = o;
            s.remove_prefix(text.size());
            found_op = true;
            break;
        }
    if (!found_op) c.expected(ptr, form, j);
    s = surge::detail::trim(s);
    if (s.empty()) c.fail(ptr, "\"" + t.expression + "\": the value after the operator is missing");

    const std::string_view unit = metric_unit(metric);
    bool negative = false;
    if (s.front() == '-') {
        if (unit != "B/s") c.fail(ptr, "\"" + t.expression + "\": " + metric + " is never negative");
        negative = true;
        s = surge::detail::trim(s.substr(1));
    }

    const auto bad = [&](const std::string& why) { c.fail(ptr, "\"" + t.expression + "\": " + why); };
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
            if (units_detail::size_unit(surge::detail::trim(rest)) != 0) {
                k = value_kind::size;
                v = static_cast<double>(parse_size(s));
            } else {
                k = value_kind::duration;
                v = surge::parse_duration(s).seconds_f();
            }
        }
    } catch (const surge::parse_error& e) {
        bad(e.what());
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
        bad(std::string(surge::detail::trim(s)) + " is " + value_kind_name(k) + ", but " + metric + " " + unit_advice(unit));
    }
    if (unit == "ratio" && !(v >= 0 && v <= 1))
        bad("a ratio is between 0 and 1; write e.g. \">= 0.95\" or, as a percentage, \">= 95%\"");
    t.value = v;
    return t;
}

inline std::vector<models::threshold> read_thresholds(const context& c, const json& j, const std::string& ptr) {
    if (!j.is_object())
        c.expected(ptr, "an object of metric -> comparison, e.g. {\"" +
                            std::string(models::metric_of(models::metric_id::delivery_latency_p99).name) + "\": \"< 1s\"}", j);
    std::vector<models::threshold> out;
    for (const auto& item : j.items()) {
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
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// The protocol section (live replay only; the simulator ignores it)
// ---------------------------------------------------------------------------------------------

/// A string that must not be empty.
inline std::string read_nonempty_string(const context& c, const json& j, const std::string& ptr) {
    if (!j.is_string() || j.get_ref<const std::string&>().empty()) c.expected(ptr, "a non-empty string", j);
    return j.get<std::string>();
}

/// The "protocol" section over `base` (sim/protocol.hpp): what the document sets replaces base's.
inline protocol_config read_protocol(const object_view& o, protocol_config base) {
    const context& c = o.ctx();
    if (o.has("protocol")) base.kind = read_enum<protocol_kind>(c, o["protocol"], o.at("protocol"), protocol_kind_names());
    if (o.has("path")) {
        base.path = read_string(c, o["path"], o.at("path"));
        if (!base.path.empty() && base.path[0] != '/') c.expected(o.at("path"), "a path starting with '/'", o["path"]);
    }
    if (o.has("query")) {
        const json& q = o["query"];
        if (!q.is_object()) c.expected(o.at("query"), "an object of query parameter -> string (\"{user}\" is the user's id)", q);
        base.query.clear();
        for (const auto& [k, v] : q.items()) base.query.emplace_back(k, read_string(c, v, o.at("query") + "/" + pointer_token(k)));
    }
    if (o.has("namespace")) {
        const json& v = o["namespace"];
        if (!v.is_string() || v.get_ref<const std::string&>().empty() || v.get_ref<const std::string&>()[0] != '/')
            c.expected(o.at("namespace"), "a Socket.IO namespace starting with '/'", v);
        base.nsp = v.get<std::string>();
    }
    if (o.has("auth")) {
        const json& v = o["auth"];
        if (!v.is_object() && !v.is_null()) c.expected(o.at("auth"), "an object (the Socket.IO CONNECT payload) or null", v);
        base.auth = v;
    }
    if (o.has("notification")) {
        const object_view n = o.object("notification", protocol_notification_keys());
        if (n.has("event")) base.notification_event = read_nonempty_string(c, n["event"], n.at("event"));
        if (n.has("type_field")) base.type_field = read_nonempty_string(c, n["type_field"], n.at("type_field"));
        if (n.has("id")) base.id_field = read_nonempty_string(c, n["id"], n.at("id"));
        if (n.has("sent_at")) base.sent_at_field = read_nonempty_string(c, n["sent_at"], n.at("sent_at"));
    }
    if (o.has("publish")) {
        const object_view p = o.object("publish", protocol_publish_keys());
        if (p.has("via")) base.via = read_enum<publish_via>(c, p["via"], p.at("via"), publish_via_names());
        if (p.has("path")) {
            base.publish_path = read_nonempty_string(c, p["path"], p.at("path"));
            if (base.publish_path[0] != '/') c.expected(p.at("path"), "a path starting with '/'", p["path"]);
        }
        if (p.has("event")) base.publish_event = read_nonempty_string(c, p["event"], p.at("event"));
        if (p.has("ack")) base.ack_type = read_nonempty_string(c, p["ack"], p.at("ack"));
    }
    return base;
}

// ---------------------------------------------------------------------------------------------
// The whole scenario
// ---------------------------------------------------------------------------------------------

inline models::scenario read_scenario(const context& c, const json& doc) {
    if (!doc.is_object()) c.fail("", "expected a JSON object (a scenario) at the top level, found " + show(doc));
    const object_view o(c, doc, "",
                        {"$schema", "name", "description", "duration", "seed", "sample_interval", "drain", "users",
                         "links", "server", "offline_queue", "database", "load", "degradation", "faults", "memory",
                         "thresholds", "protocol"});
    models::scenario sc;
    if (o.has("$schema")) (void)read_string(c, o["$schema"], o.at("$schema"));
    o.require("name", "a scenario needs a name");
    sc.name = read_string(c, o["name"], o.at("name"));
    if (sc.name.empty()) c.expected(o.at("name"), "a non-empty string", o["name"]);
    if (o.has("description")) sc.description = read_string(c, o["description"], o.at("description"));
    o.require("duration", "how much virtual time to simulate, e.g. \"120s\"");
    sc.length = read_duration(c, o["duration"], o.at("duration"), duration_rule::positive);
    if (o.has("seed")) {
        const json& s = o["seed"];
        if (!s.is_number_integer() || (!s.is_number_unsigned() && s.get<std::int64_t>() < 0))
            c.expected(o.at("seed"), "an integer between 0 and 18446744073709551615", s);
        sc.seed = s.get<std::uint64_t>();
    }
    o.get("sample_interval", sc.sample_interval, duration_rule::positive);
    o.get("drain", sc.drain);

    // Sections the load and faults refer to (users.count, server.workers) come first.
    if (o.has("users"))
        sc.users = read_users(o.object("users", {"count", "connect", "online", "offline", "reconnect", "messages", "message_size"}));
    if (o.has("links"))
        sc.links = read_links(o.object("links", {"handshake", "latency", "bandwidth", "loss", "retransmit", "connect_failure",
                                                 "connect_timeout", "drops", "ping_interval", "ping_timeout", "slow"}));
    if (o.has("server"))
        sc.server = read_server(o.object("server", {"workers", "cost_per_notification", "cost_per_message", "cost_per_connect",
                                                    "cost_per_client_message", "queue_capacity", "send_buffer",
                                                    "slow_consumer", "max_connections", "queries"}));
    if (o.has("offline_queue"))
        sc.offline_queue = read_offline_queue(o.object("offline_queue", {"enabled", "max_messages", "ttl", "drop"}));
    if (o.has("database"))
        sc.database = read_database(o.object("database", {"pool_size", "max_overflow", "checkout_timeout", "connect", "query",
                                                          "query_timeout"}));
    if (o.has("degradation"))
        sc.degradation = read_degradation(o.object("degradation", {"shedding", "rate_limit", "circuit_breaker", "retry",
                                                                   "request_timeout"}));
    if (o.has("memory"))
        sc.memory = read_memory(o.object("memory", {"per_connection", "per_notification", "per_queued_message",
                                                    "per_buffered_message", "per_request"}));
    o.require("load", "a scenario needs at least one load phase, e.g. [{\"at\": \"0s\", \"rate\": \"100/s\"}]");
    sc.load = read_load(c, o["load"], o.at("load"), sc);
    if (o.has("faults")) {
        const json& f = o["faults"];
        if (!f.is_array()) c.expected(o.at("faults"), "an array of faults", f);
        for (std::size_t i = 0; i < f.size(); ++i)
            sc.faults.push_back(read_fault(c, f[i], o.at("faults") + "/" + std::to_string(i), sc));
    }
    if (o.has("thresholds")) sc.thresholds = read_thresholds(c, o["thresholds"], o.at("thresholds"));
    return sc;
}

// ---------------------------------------------------------------------------------------------
// Parsing and overrides
// ---------------------------------------------------------------------------------------------

/// Line and column (both 1-based; the column counts UTF-8 characters) of byte `offset` of `text`.
inline std::pair<std::size_t, std::size_t> line_column(std::string_view text, std::size_t offset) {
    offset = std::min(offset, text.size());
    std::size_t line = 1, column = 1;
    for (std::size_t i = 0; i < offset; ++i) {
        const auto ch = static_cast<unsigned char>(text[i]);
        if (ch == '\n') {
            ++line;
            column = 1;
        } else if ((ch & 0xC0) != 0x80) {
            ++column;
        }
    }
    return {line, column};
}

/// nlohmann's message without its "[json.exception.parse_error.101] parse error at line 1,
/// column 2: syntax error" preamble, and with the "while parsing X - " context moved to the end.
inline std::string syntax_error_text(std::string what) {
    if (what.starts_with("[json.exception.")) {
        if (const std::size_t p = what.find("] "); p != std::string::npos) what.erase(0, p + 2);
    }
    if (what.starts_with("parse error")) {
        if (const std::size_t p = what.find(": "); p != std::string::npos) what.erase(0, p + 2);
    }
    if (what.starts_with("syntax error ")) what.erase(0, 13);
    if (what.starts_with("while parsing ")) {
        if (const std::size_t p = what.find(" - "); p != std::string::npos)
            what = what.substr(p + 3) + " (while parsing " + what.substr(14, p - 14) + ")";
    }
    return what;
}

struct duplicate_key {
    std::string pointer;
};

/// Parses strictly (no comments) and rejects duplicate keys, which a JSON parser would otherwise
/// resolve silently by keeping one of the values.
inline json parse_document(const std::string& text, const std::string& file) {
    struct frame {
        bool array = false;
        std::size_t count = 0;                 // array: children seen
        std::string key;                       // object: the current key
        std::vector<std::string> keys;         // object: keys seen
        std::string token;                     // how the parent reaches this container
    };
    std::vector<frame> stack;
    const auto path = [&] {
        std::string p;
        for (std::size_t i = 1; i < stack.size(); ++i) p += "/" + stack[i].token;
        return p;
    };
    const json::parser_callback_t callback = [&](int, json::parse_event_t event, json& parsed) {
        switch (event) {
        case json::parse_event_t::object_start:
        case json::parse_event_t::array_start: {
            frame f;
            f.array = event == json::parse_event_t::array_start;
            if (!stack.empty())
                f.token = stack.back().array ? std::to_string(stack.back().count++) : pointer_token(stack.back().key);
            stack.push_back(std::move(f));
            break;
        }
        case json::parse_event_t::object_end:
        case json::parse_event_t::array_end:
            if (!stack.empty()) stack.pop_back();
            break;
        case json::parse_event_t::key: {
            frame& f = stack.back();
            f.key = parsed.get<std::string>();
            if (std::find(f.keys.begin(), f.keys.end(), f.key) != f.keys.end())
                throw duplicate_key{path() + "/" + pointer_token(f.key)};
            f.keys.push_back(f.key);
            break;
        }
        case json::parse_event_t::value:
            if (!stack.empty() && stack.back().array) ++stack.back().count;
            break;
        }
        return true;
    };
    try {
        return json::parse(text, callback, /*allow_exceptions=*/true, /*ignore_comments=*/false);
    } catch (const json::parse_error& e) {
        const auto [line, column] = line_column(text, e.byte == 0 ? 0 : e.byte - 1);
        throw input_error(file + ":" + std::to_string(line) + ":" + std::to_string(column) +
                          ": JSON syntax error: " + syntax_error_text(e.what()));
    } catch (const duplicate_key& d) {
        throw input_error(file + ": " + d.pointer + ": duplicate key (each key may appear once in an object)");
    } catch (const json::exception& e) {
        // A number too large for a double (out_of_range.406) has no position: find the literal.
        const std::string text_of_error = syntax_error_text(e.what());
        const std::size_t open = text_of_error.find("parsing '");
        const std::size_t close = text_of_error.rfind('\'');
        if (open != std::string::npos && close > open + 9) {
            const std::string literal = text_of_error.substr(open + 9, close - open - 9);
            if (const std::size_t at = text.find(literal); at != std::string::npos) {
                const auto [line, column] = line_column(text, at);
                throw input_error(file + ":" + std::to_string(line) + ":" + std::to_string(column) +
                                  ": JSON error: " + text_of_error);
            }
        }
        throw input_error(file + ": JSON error: " + text_of_error);
    }
}

inline const char* type_name_of(const json& j) {
    switch (j.type()) {
    case json::value_t::object: return "an object";
    case json::value_t::array: return "an array";
    case json::value_t::string: return "a string";
    case json::value_t::boolean: return "a boolean";
    case json::value_t::null: return "null";
    case json::value_t::binary: return "binary data";
    case json::value_t::discarded: return "nothing";
    default: return "a number";
    }
}

/// An array index token: "0" or digits without a leading zero.
inline std::optional<std::size_t> array_index(const std::string& token) {
    if (token.empty() || token.size() > 9 || (token.size() > 1 && token[0] == '0')) return std::nullopt;
    std::size_t v = 0;
    for (char ch : token) {
        if (ch < '0' || ch > '9') return std::nullopt;
        v = v * 10 + static_cast<std::size_t>(ch - '0');
    }
    return v;
}

/// Applies one "POINTER=VALUE" to `doc`; returns where it landed.
inline override_origin apply_override(json& doc, const std::string& spec) {
    const auto fail = [&](const std::string& why) -> override_origin { throw input_error("--set " + spec + ": " + why); };
    const std::size_t eq = spec.find('=');
    if (eq == std::string::npos) return fail("expected POINTER=VALUE, e.g. --set /server/workers=16 (there is no '=')");
    const std::string pointer = spec.substr(0, eq);
    const std::string text = spec.substr(eq + 1);
    if (pointer.empty() || pointer.front() != '/')
        return fail("the part before '=' must be a JSON pointer starting with '/', e.g. /database/pool_size");
    std::vector<std::string> tokens;
    try {
        const json::json_pointer jp(pointer);
        json::json_pointer walk = jp;
        while (!walk.empty()) {
            tokens.insert(tokens.begin(), walk.back());
            walk.pop_back();
        }
    } catch (const json::exception& e) {
        return fail("bad JSON pointer: " + syntax_error_text(e.what()));
    }

    json value;
    try {
        value = json::parse(text);
    } catch (const json::exception&) {
        value = text;  // not JSON: a string, so --set /duration=30s works unquoted
    }

    json* node = &doc;
    std::string where;
    for (std::size_t i = 0; i + 1 < tokens.size(); ++i) {
        const std::string& tok = tokens[i];
        const std::string next = where + "/" + pointer_token(tok);
        if (node->is_object()) {
            auto it = node->find(tok);
            if (it == node->end())
                return fail("no such parent " + next + " in the scenario (set the whole " +
                            (where.empty() ? "/" + pointer_token(tok) : next) + " object instead)");
            node = &*it;
        } else if (node->is_array()) {
            const auto idx = array_index(tok);
            if (!idx || *idx >= node->size())
                return fail("no such parent " + next + ": " + (where.empty() ? "/" : where) + " has " +
                            std::to_string(node->size()) + " elements");
            node = &(*node)[*idx];
        } else {
            return fail("no such parent " + next + ": " + (where.empty() ? "/" : where) + " is " + type_name_of(*node));
        }
        where = next;
    }
    const std::string& last = tokens.back();
    if (node->is_object()) {
        (*node)[last] = std::move(value);
        return {where + "/" + pointer_token(last), spec};
    }
    if (node->is_array()) {
        if (last == "-") {
            node->push_back(std::move(value));
            return {where + "/" + std::to_string(node->size() - 1), spec};
        }
        const auto idx = array_index(last);
        if (!idx || *idx >= node->size())
            return fail("index " + last + " is not an element of " + where + " (it has " + std::to_string(node->size()) +
                        " elements; " + where + "/- appends)");
        (*node)[*idx] = std::move(value);
        return {where + "/" + last, spec};
    }
    return fail((where.empty() ? std::string("the document") : where) + " is " + type_name_of(*node) +
                ", not an object or array");
}

} // namespace surge::sim::load_detail

namespace surge::sim {

inline loaded_scenario load_scenario_text(const std::string& text, const std::string& file, const std::vector<std::string>& sets) {
    loaded_scenario out;
    out.file = file;
    out.document = load_detail::parse_document(text, file);
    load_detail::context c{file, {}};
    for (const auto& spec : sets) c.overrides.push_back(load_detail::apply_override(out.document, spec));
    try {
        out.scenario = load_detail::read_scenario(c, out.document);
        if (out.document.contains("protocol"))
            out.protocol = load_detail::read_protocol(
                load_detail::object_view(c, out.document["protocol"], "/protocol", protocol_keys()), protocol_config{});
    } catch (const input_error&) {
        throw;
    } catch (const std::exception& e) {  // a check we did not anticipate: still a message, not a crash
        throw input_error(file + ": invalid scenario: " + e.what());
    }
    return out;
}

inline loaded_scenario load_scenario_file(const std::string& path, const std::vector<std::string>& sets) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) throw input_error(path + ": cannot read: " + std::strerror(EISDIR));
    std::ifstream in(path, std::ios::binary);
    if (!in) throw input_error(path + ": cannot read: " + std::strerror(errno));
    std::ostringstream buffer;
    buffer << in.rdbuf();
    if (in.bad()) throw input_error(path + ": cannot read: " + std::strerror(errno));
    return load_scenario_text(buffer.str(), path, sets);
}

inline protocol_config load_protocol_text(const std::string& text, const std::string& file, protocol_config base) {
    const auto doc = load_detail::parse_document(text, file);
    load_detail::context c{file, {}};
    try {
        // {"protocol": {...}} (a scenario-like wrapper) or the section's keys at the top level.
        if (doc.is_object() && doc.size() == 1 && doc.contains("protocol") && doc["protocol"].is_object())
            return load_detail::read_protocol(load_detail::object_view(c, doc["protocol"], "/protocol", protocol_keys()), std::move(base));
        return load_detail::read_protocol(load_detail::object_view(c, doc, "", protocol_keys(), "an object (a protocol section)"),
                                          std::move(base));
    } catch (const input_error&) {
        throw;
    } catch (const std::exception& e) {
        throw input_error(file + ": invalid protocol section: " + e.what());
    }
}

inline protocol_config load_protocol_file(const std::string& path, protocol_config base) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) throw input_error(path + ": cannot read: " + std::strerror(EISDIR));
    std::ifstream in(path, std::ios::binary);
    if (!in) throw input_error(path + ": cannot read: " + std::strerror(errno));
    std::ostringstream buffer;
    buffer << in.rdbuf();
    return load_protocol_text(buffer.str(), path, std::move(base));
}

} // namespace surge::sim
