// sim/load/json_text.hpp — the loader's error vocabulary: the input_error every bad input ends
// in, the reading context that formats "FILE: /json/pointer: expected WHAT, found VALUE" (noting a
// --set that put the value there), and the text helpers behind the messages: JSON pointer tokens,
// values shown as written, and "did you mean" (optimal string alignment distance).
#pragma once

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstddef>
#include <exception>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace surge::sim {

/// Bad input: a file that cannot be read, parsed or validated, or a bad --set. what() is the
/// complete message for the user (it starts with the file name). `surge` exits 2 on it.
class input_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

} // namespace surge::sim

namespace surge::sim::load_detail {

using json = nlohmann::json;

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

} // namespace surge::sim::load_detail
