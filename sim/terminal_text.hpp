// sim/terminal_text.hpp — text from input (a scenario's name, file names, metric names, a
// server's error text) made safe to print on a terminal. A terminal obeys what it is sent: an ESC
// sequence can rewrite the screen or the window title, a NUL or a carriage return can hide text,
// and a bidi control (U+202E) can make "gnp.exe" read "exe.png". Every printer of such text passes
// it through here; the JSON reports are not (JSON escapes control characters itself).
//
// Escaped, as visible ASCII: C0 controls and DEL as \xNN, C1 controls (U+0080-U+009F) and the
// bidi embedding, override and isolate controls (U+202A-U+202E, U+2066-U+2069) as \uNNNN, and
// each byte that is not part of valid UTF-8 as \xNN (a lone 0x9B is CSI to some terminals).
// Everything else, other UTF-8 included, is kept. The result contains nothing this function
// would escape again, so escaping twice is harmless.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace surge::sim {

namespace terminal_detail {

inline void append_hex(std::string& out, const char* prefix, std::uint32_t v, int digits) {
    static constexpr char hex[] = "0123456789abcdef";
    out += prefix;
    for (int i = digits - 1; i >= 0; --i) out += hex[(v >> (4 * i)) & 0xF];
}

/// The length of the valid UTF-8 sequence at s[i] (2-4) and its code point, or 0 if there is none.
inline int utf8_sequence(std::string_view s, std::size_t i, std::uint32_t& cp) {
    const auto b = [&](std::size_t k) { return static_cast<std::uint8_t>(s[k]); };
    const std::uint8_t c = b(i);
    int n = 0;
    if (c >= 0xC2 && c <= 0xDF) { n = 2; cp = c & 0x1Fu; }
    else if (c >= 0xE0 && c <= 0xEF) { n = 3; cp = c & 0x0Fu; }
    else if (c >= 0xF0 && c <= 0xF4) { n = 4; cp = c & 0x07u; }
    else return 0;
    if (i + static_cast<std::size_t>(n) > s.size()) return 0;
    for (int k = 1; k < n; ++k) {
        const std::uint8_t t = b(i + static_cast<std::size_t>(k));
        if ((t & 0xC0u) != 0x80u) return 0;
        cp = (cp << 6) | (t & 0x3Fu);
    }
    // Overlong forms, UTF-16 surrogates and values past U+10FFFF are not valid UTF-8.
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return n;
}

inline bool is_escaped_code_point(std::uint32_t cp) {
    return (cp >= 0x80 && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

inline std::string escape(std::string_view s, bool keep_newlines) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<std::uint8_t>(s[i]);
        if (c < 0x80) {
            if ((c < 0x20 && !(keep_newlines && c == '\n')) || c == 0x7F) append_hex(out, "\\x", c, 2);
            else out += static_cast<char>(c);
            ++i;
            continue;
        }
        std::uint32_t cp = 0;
        const int n = utf8_sequence(s, i, cp);
        if (n == 0) {
            append_hex(out, "\\x", c, 2);
            ++i;
            continue;
        }
        if (is_escaped_code_point(cp)) append_hex(out, "\\u", cp, 4);
        else out.append(s.substr(i, static_cast<std::size_t>(n)));
        i += static_cast<std::size_t>(n);
    }
    return out;
}

} // namespace terminal_detail

/// One piece of text from input (a name, a file name, a message): every control escaped, line
/// breaks included, so it cannot start a line of its own.
inline std::string terminal_text(std::string_view s) { return terminal_detail::escape(s, false); }

/// A whole block of output that surge laid out in lines (a summary table, a diff): as
/// terminal_text, but its line breaks are kept.
inline std::string terminal_lines(std::string_view s) { return terminal_detail::escape(s, true); }

} // namespace surge::sim
