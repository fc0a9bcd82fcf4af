// sim/load/json_document.hpp — text -> JSON document, strictly: no comments, and a key that
// appears twice in one object is an error (a parser would silently keep one of the values).
// Syntax errors name FILE:LINE:COLUMN, the column counting UTF-8 characters.
#pragma once

#include <sim/load/json_text.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace surge::sim::load_detail {

using json = nlohmann::json;

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

} // namespace surge::sim::load_detail
