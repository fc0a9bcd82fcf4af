// sim/load/json_text.hpp — the loader's error vocabulary: the input_error every bad input ends
// in, the reading context that formats "FILE: /json/pointer: expected WHAT, found VALUE" (noting a
// --set that put the value there), the error_list that collects every error of a file when reading
// goes on past the first (surge validate), and the text helpers behind the messages: JSON pointer
// tokens, values shown as written, and "did you mean" (optimal string alignment distance).
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
#include <utility>
#include <vector>

namespace surge::sim {

/// Bad input: a file that cannot be read, parsed or validated, or a bad --set. what() is the
/// complete message for the user (it starts with the file name). `surge` exits 2 on it.
class input_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// An input_error about one place of a document: `pointer` is where (context::fail throws it), so
/// that reading on past it knows which values are unknown.
class located_input_error : public input_error {
public:
    located_input_error(const std::string& message, std::string pointer)
        : input_error(message), pointer_(std::move(pointer)) {}
    [[nodiscard]] const std::string& pointer() const noexcept { return pointer_; }

private:
    std::string pointer_;
};

/// Every error found in one file (reading with load_errors::all): messages() holds the first
/// error_list::max_reported, each as an input_error's message, and more() how many were left out.
/// what() is all of them, one per line, then "FILE: ... and N more errors".
class input_errors : public input_error {
public:
    input_errors(std::vector<std::string> messages, std::size_t more, const std::string& file)
        : input_error(joined(messages, more, file)), messages_(std::move(messages)), more_(more) {}

    [[nodiscard]] const std::vector<std::string>& messages() const noexcept { return messages_; }
    [[nodiscard]] std::size_t more() const noexcept { return more_; }
    /// The line that stands for the errors left out: "FILE: ... and 3 more errors".
    static std::string more_line(std::size_t more, const std::string& file) {
        return file + ": ... and " + std::to_string(more) + (more == 1 ? " more error" : " more errors");
    }

private:
    static std::string joined(const std::vector<std::string>& messages, std::size_t more, const std::string& file) {
        std::string out;
        for (const auto& m : messages) out += (out.empty() ? "" : "\n") + m;
        if (more > 0) out += "\n" + more_line(more, file);
        return out;
    }
    std::vector<std::string> messages_;
    std::size_t more_ = 0;
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

/// How many bytes of a value a message quotes: longer values are cut to a prefix of about this
/// many bytes and say how long they were (docs/scenarios.md, "Limits").
inline constexpr std::size_t quote_limit = 60;

/// The length of `s` cut back to a UTF-8 character boundary at or below `n`.
inline std::size_t utf8_cut(std::string_view s, std::size_t n) {
    if (n >= s.size()) return s.size();
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
    return n;
}

/// `s` itself if short, else its first ~quote_limit bytes, "…" and "(N bytes)".
inline std::string quote_prefix(std::string_view s) {
    if (s.size() <= quote_limit) return std::string(s);
    return std::string(s.substr(0, utf8_cut(s, quote_limit - 3))) + "\u2026 (" + std::to_string(s.size()) + " bytes)";
}

namespace show_detail {
/// Appends `j` as JSON text to `out`, stopping soon after `out` passes `budget` bytes: the work is
/// bounded by the budget, not by the value's size or depth (each level writes a byte first).
inline void write(const json& j, std::string& out, std::size_t budget) {
    const auto string_prefix = [&](const std::string& s) {
        const std::size_t room = budget + 1 > out.size() ? budget + 1 - out.size() : 1;
        out += json(s.substr(0, utf8_cut(s, room))).dump(-1, ' ', false, json::error_handler_t::replace);
        if (s.size() > room) out.pop_back();  // the value goes on: no closing quote
    };
    if (j.is_string()) {
        string_prefix(j.get_ref<const std::string&>());
    } else if (j.is_array()) {
        out += '[';
        bool first = true;
        for (const auto& e : j) {
            if (out.size() > budget) return;
            if (!first) out += ',';
            first = false;
            write(e, out, budget);
        }
        out += ']';
    } else if (j.is_object()) {
        out += '{';
        bool first = true;
        for (const auto& item : j.items()) {
            if (out.size() > budget) return;
            if (!first) out += ',';
            first = false;
            string_prefix(item.key());
            if (out.size() > budget) return;
            out += ':';
            write(item.value(), out, budget);
        }
        out += '}';
    } else {
        out += j.dump();
    }
}
} // namespace show_detail

/// A JSON value as the user wrote it; a long one is cut (at a UTF-8 character boundary) to a prefix
/// of about quote_limit bytes followed by "…" and its size.
inline std::string show(const json& j) {
    std::string s;
    show_detail::write(j, s, quote_limit);
    if (s.size() <= quote_limit) return s;
    s.resize(utf8_cut(s, quote_limit - 3));
    std::string size;
    if (j.is_string()) size = std::to_string(j.get_ref<const std::string&>().size()) + " bytes";
    else if (j.is_array()) size = "an array of " + std::to_string(j.size()) + " elements";
    else if (j.is_object()) size = "an object of " + std::to_string(j.size()) + " keys";
    return s + "\u2026" + (size.empty() ? std::string() : " (" + size + ")");
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

/// The largest edit distance "did you mean" accepts, and the longest word it compares: the names
/// it suggests are short, so a longer word cannot be within the distance of any of them.
inline constexpr std::size_t suggest_distance = 2;
inline constexpr std::size_t suggest_max_length = 64;

/// Optimal string alignment distance (Levenshtein plus adjacent transpositions), computed only
/// for words of at most suggest_max_length characters (else suggest_distance + 1 is returned
/// without work). `cells`, if given, counts the table cells computed.
inline std::size_t edit_distance(std::string_view a, std::string_view b, std::size_t* cells = nullptr) {
    const std::size_t n = a.size(), m = b.size();
    if (n > suggest_max_length || m > suggest_max_length) return suggest_distance + 1;
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
    if (cells != nullptr) *cells += n * m;
    return d[n][m];
}

/// The candidate `word` was most likely meant to be: edit distance <= 2 (and less than the word's
/// length, so that "ab" does not suggest "xy"), else one is a prefix of the other (3+ characters).
/// Ties go to the earlier candidate. Empty if none is close. A candidate whose length differs from
/// the word's by more than the distance is not compared (its distance cannot be small), so a
/// megabyte-long word costs one length comparison per candidate; `cells` counts the work done.
inline std::string closest(std::string_view word, const std::vector<std::string>& candidates, std::size_t* cells = nullptr) {
    std::size_t best = std::numeric_limits<std::size_t>::max();
    std::string pick;
    for (const auto& c : candidates) {
        const std::size_t gap = word.size() > c.size() ? word.size() - c.size() : c.size() - word.size();
        if (gap > suggest_distance) continue;
        const std::size_t d = edit_distance(word, c, cells);
        if (d < best) {
            best = d;
            pick = c;
        }
    }
    if (!pick.empty() && best <= suggest_distance && best < word.size()) return pick;
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

/// A message part that may quote user text (a parser's reason): kept whole up to 200 bytes.
inline std::string quote_prefix_long(std::string_view s) {
    constexpr std::size_t limit = 200;
    if (s.size() <= limit) return std::string(s);
    return std::string(s.substr(0, utf8_cut(s, limit - 3))) + "\u2026 (" + std::to_string(s.size()) + " bytes)";
}

/// A JSON pointer for a message: each reference token cut to a prefix (quote_prefix), and at most
/// 16 tokens (the first 8 and the last 8), so that a long key or a deep path stays readable.
inline std::string show_pointer(std::string_view ptr) {
    if (ptr.size() <= 200) return std::string(ptr);
    std::vector<std::string> tokens;
    std::size_t start = 1;
    while (start <= ptr.size()) {
        const std::size_t slash = ptr.find('/', start);
        const std::size_t end = slash == std::string_view::npos ? ptr.size() : slash;
        tokens.push_back(quote_prefix(ptr.substr(start, end - start)));
        start = end + 1;
    }
    std::string out;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        if (tokens.size() > 16 && i == 8) {
            out += "/\u2026(" + std::to_string(tokens.size() - 16) + " more)";
            i = tokens.size() - 8;
        }
        out += "/" + tokens[i];
    }
    return out;
}

/// The reason part of a surge::parse_error of the form `invalid KIND "TEXT": WHY; expected ...`.
inline std::string parse_error_reason(const std::exception& e, std::string_view kind, std::string_view text) {
    const std::string what = e.what();
    const std::string prefix = "invalid " + std::string(kind) + " \"" + std::string(text) + "\": ";
    const std::size_t end = what.rfind("; expected");
    if (what.starts_with(prefix) && end != std::string::npos && end >= prefix.size())
        return quote_prefix_long(what.substr(prefix.size(), end - prefix.size()));
    return quote_prefix_long(what);
}

// ---------------------------------------------------------------------------------------------
// The reading context: where errors go
// ---------------------------------------------------------------------------------------------

/// A --set that was applied: its (normalised) pointer and the text as the user wrote it.
struct override_origin {
    std::string pointer;
    std::string spec;
};

/// Where a reading that goes on past the first error puts the errors: each key that fails records
/// its message and the reader goes on with the next key (the failed key keeps its default).
/// Bounded: the first max_reported messages are kept, the rest only counted.
class error_list {
public:
    static constexpr std::size_t max_reported = 50;

    /// One error; `pointer` is the place it is about, if it names one.
    void add(std::string message, const std::string* pointer = nullptr) {
        if (pointer != nullptr && failed_.size() < max_failed_pointers) failed_.push_back(*pointer);
        if (messages_.size() < max_reported) messages_.push_back(std::move(message));
        else ++more_;
    }
    /// Whether the value at `ptr` is unknown: an error was about it or about an object or array
    /// that holds it. A check relative to an unknown value is left out (it would compare with a
    /// default the file did not ask for).
    [[nodiscard]] bool failed(std::string_view ptr) const {
        return std::any_of(failed_.begin(), failed_.end(), [&](const std::string& f) {
            return ptr == f || (ptr.starts_with(f) && ptr.size() > f.size() && ptr[f.size()] == '/');
        });
    }
    [[nodiscard]] bool empty() const noexcept { return messages_.empty(); }
    [[nodiscard]] const std::vector<std::string>& messages() const noexcept { return messages_; }
    [[nodiscard]] std::size_t more() const noexcept { return more_; }

private:
    // The places of the errors (the checks that refer to another key ask about a few top-level
    // ones); bounded like the messages.
    static constexpr std::size_t max_failed_pointers = 1000;
    std::vector<std::string> messages_;
    std::vector<std::string> failed_;
    std::size_t more_ = 0;
};

struct context {
    std::string file;
    std::vector<override_origin> overrides;
    /// Null: the first error is thrown (surge run). Set: attempt() records errors here and reading
    /// goes on (surge validate).
    error_list* errors = nullptr;

    /// Reads one key (or section, or array element) with `read`: an input_error it throws is
    /// recorded when errors are collected, and reading goes on; otherwise it propagates.
    template <class Read>
    void attempt(Read&& read) const {
        if (errors == nullptr) {
            read();
            return;
        }
        try {
            read();
        } catch (const located_input_error& e) {
            errors->add(e.what(), &e.pointer());
        } catch (const input_error& e) {
            errors->add(e.what());
        }
    }
    /// Whether the value at `ptr` is unknown because reading went on past its error (error_list::failed).
    [[nodiscard]] bool unknown(std::string_view ptr) const { return errors != nullptr && errors->failed(ptr); }

    /// "FILE: /pointer: WHAT", noting the --set that put a value there, if one did.
    [[noreturn]] void fail(const std::string& ptr, const std::string& what) const {
        std::string msg = file + ": " + (ptr.empty() ? std::string() : show_pointer(ptr) + ": ") + what;
        for (auto it = overrides.rbegin(); it != overrides.rend(); ++it)
            if (ptr == it->pointer || ptr.starts_with(it->pointer + "/")) {
                const std::string& spec = it->spec;
                msg += " (the value comes from --set " + quote_prefix(spec) + ")";
                break;
            }
        throw located_input_error(msg, ptr);
    }
    [[noreturn]] void expected(const std::string& ptr, const std::string& what, const json& found) const {
        fail(ptr, "expected " + what + ", found " + show(found));
    }
};

} // namespace surge::sim::load_detail
