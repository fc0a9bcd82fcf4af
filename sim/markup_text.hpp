// sim/markup_text.hpp — text from input (scenario names, file names, error messages) made safe
// for XML and HTML, as JUnit XML (sim/junit.hpp) and the HTML report (sim/html_report.hpp) write
// it: & < > " ' as entities, tab/newline/CR as character references, and what XML 1.0 cannot hold
// at all (other C0 controls, U+FFFE/U+FFFF, bytes that are not UTF-8) as visible "\xNN" /
// "\uNNNN" text, as the terminal shows it (sim/terminal_text.hpp).
#pragma once

#include "sim/terminal_text.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace surge::sim {

/// `s` as XML 1.0 character data or attribute value text (see the header comment).
inline std::string xml_text(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<std::uint8_t>(s[i]);
        if (c < 0x80) {
            switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&apos;"; break;
            case '\t': out += "&#9;"; break;
            case '\n': out += "&#10;"; break;
            case '\r': out += "&#13;"; break;
            default:
                if (c < 0x20) terminal_detail::append_hex(out, "\\x", c, 2);
                else out += static_cast<char>(c);
            }
            ++i;
            continue;
        }
        std::uint32_t cp = 0;
        const int n = terminal_detail::utf8_sequence(s, i, cp);
        if (n == 0) {
            terminal_detail::append_hex(out, "\\x", c, 2);
            ++i;
            continue;
        }
        if (cp == 0xFFFE || cp == 0xFFFF) terminal_detail::append_hex(out, "\\u", cp, 4);
        else out.append(s.substr(i, static_cast<std::size_t>(n)));
        i += static_cast<std::size_t>(n);
    }
    return out;
}

} // namespace surge::sim
