// sim/load/json_document.hpp — text -> JSON document, strictly: no comments, a key that appears
// twice in one object is an error (a parser would silently keep one of the values), and nesting is
// limited (max_json_depth). Linear in the text: one SAX pass, one set lookup per key.
// Syntax errors name FILE:LINE:COLUMN, the column counting UTF-8 characters.
#pragma once

#include <sim/load/json_text.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>
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

/// How deeply arrays and objects may nest in any JSON surge reads: scenarios, --set values, protocol
/// files (max_json_depth) and reports read back (max_report_depth: a report embeds the scenario a
/// few levels down). Deeper input is an error at parse time, so no later stage (error messages,
/// report writing, the replay) ever walks a value deeper than this.
inline constexpr std::size_t max_json_depth = 128;
inline constexpr std::size_t max_report_depth = max_json_depth + 32;

struct duplicate_key {
    std::string pointer;
};
struct too_deep {};

/// Byte offset of the bracket that opens level `depth + 1` in `text` (outside strings), or the
/// text's size if there is none.
inline std::size_t nesting_offset(std::string_view text, std::size_t depth) {
    std::size_t level = 0;
    bool in_string = false, escaped = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char ch = text[i];
        if (in_string) {
            if (escaped) escaped = false;
            else if (ch == '\\') escaped = true;
            else if (ch == '"') in_string = false;
        } else if (ch == '"') {
            in_string = true;
        } else if (ch == '[' || ch == '{') {
            if (++level > depth) return i;
        } else if ((ch == ']' || ch == '}') && level > 0) {
            --level;
        }
    }
    return text.size();
}

/// nlohmann's SAX events -> a document, like its own DOM builder, but rejecting a duplicate key
/// (one set lookup per key) and nesting deeper than `max_depth`. nlohmann's callback parser is not
/// used: it rescans the parent container each time an object ends, quadratic in a long array.
template <class Json>
class strict_builder {
public:
    using number_integer_t = typename Json::number_integer_t;
    using number_unsigned_t = typename Json::number_unsigned_t;
    using number_float_t = typename Json::number_float_t;
    using string_t = typename Json::string_t;
    using binary_t = typename Json::binary_t;

    strict_builder(Json& root, std::size_t max_depth) : root_(root), max_depth_(max_depth) {}

    bool null() { return place(Json(nullptr)); }
    bool boolean(bool v) { return place(Json(v)); }
    bool number_integer(number_integer_t v) { return place(Json(v)); }
    bool number_unsigned(number_unsigned_t v) { return place(Json(v)); }
    bool number_float(number_float_t v, const string_t&) { return place(Json(v)); }
    bool string(string_t& v) { return place(Json(std::move(v))); }
    bool binary(binary_t& v) { return place(Json::binary(std::move(v))); }
    bool start_object(std::size_t) { return open(Json::object()); }
    bool start_array(std::size_t) { return open(Json::array()); }
    bool end_object() { return close(); }
    bool end_array() { return close(); }
    bool key(string_t& k) {
        frame& f = frames_.back();
        if (!f.keys.insert(k).second) throw duplicate_key{pointer() + "/" + pointer_token(k)};
        f.key = std::move(k);
        return true;
    }
    template <class Exception>
    bool parse_error(std::size_t, const std::string&, const Exception& ex) {
        throw ex;
    }

private:
    struct frame {
        Json* node = nullptr;
        string_t key;                 // object: the key of the value that comes next
        std::set<string_t> keys;      // object: the keys seen
    };

    /// The JSON pointer of the innermost open container.
    [[nodiscard]] std::string pointer() const {
        std::string p;
        for (std::size_t i = 0; i + 1 < frames_.size(); ++i) {
            const frame& parent = frames_[i];
            // Appended piece by piece: "/" + std::string(...) trips GCC 12's -Wrestrict at -O3 (a
            // false positive in basic_string::insert; the Release build is the quickstart's).
            p += '/';
            p += parent.node->is_array() ? std::to_string(parent.node->size() - 1) : pointer_token(parent.key);
        }
        return p;
    }
    Json* put(Json&& v) {
        if (frames_.empty()) {
            root_ = std::move(v);
            return &root_;
        }
        Json& parent = *frames_.back().node;
        if (parent.is_array()) {
            parent.push_back(std::move(v));
            return &parent.back();
        }
        // The key is new (key() checked): append without the lookup, which ordered_json's
        // vector-backed map would make linear per key.
        auto& members = parent.template get_ref<typename Json::object_t&>();
        const string_t& k = frames_.back().key;
        if constexpr (requires { members.emplace_back(k, std::move(v)); }) {
            members.emplace_back(k, std::move(v));
            return &members.back().second;
        } else {
            return &members.emplace(k, std::move(v)).first->second;
        }
    }
    bool place(Json&& v) {
        put(std::move(v));
        return true;
    }
    bool open(Json&& v) {
        if (frames_.size() >= max_depth_) throw too_deep{};
        Json* node = put(std::move(v));
        frames_.push_back(frame{node, {}, {}});
        return true;
    }
    bool close() {
        frames_.pop_back();
        return true;
    }

    Json& root_;
    std::size_t max_depth_;
    std::vector<frame> frames_;
};

/// Parses `text` strictly (no comments), rejecting duplicate keys, which a JSON parser would
/// otherwise resolve silently by keeping one of the values, and nesting deeper than `max_depth`.
/// Throws input_error naming `file` (and the line and column, or the JSON pointer).
template <class Json = json>
Json parse_strict(std::string_view text, const std::string& file, std::size_t max_depth = max_json_depth) {
    Json doc;
    strict_builder<Json> builder(doc, max_depth);
    try {
        Json::sax_parse(text, &builder, Json::input_format_t::json, /*strict=*/true, /*ignore_comments=*/false);
        return doc;
    } catch (const typename Json::parse_error& e) {
        const auto [line, column] = line_column(text, e.byte == 0 ? 0 : e.byte - 1);
        throw input_error(file + ":" + std::to_string(line) + ":" + std::to_string(column) +
                          ": JSON syntax error: " + quote_prefix_long(syntax_error_text(e.what())));
    } catch (const duplicate_key& d) {
        throw input_error(file + ": " + show_pointer(d.pointer) + ": duplicate key (each key may appear once in an object)");
    } catch (const too_deep&) {
        const auto [line, column] = line_column(text, nesting_offset(text, max_depth));
        throw input_error(file + ":" + std::to_string(line) + ":" + std::to_string(column) +
                          ": JSON nested more than " + std::to_string(max_depth) +
                          " levels deep (the nesting limit; see \"Limits\" in docs/scenarios.md)");
    } catch (const typename Json::exception& e) {
        // A number too large for a double (out_of_range.406) has no position: find the literal.
        const std::string text_of_error = syntax_error_text(e.what());
        const std::size_t open = text_of_error.find("parsing '");
        const std::size_t close = text_of_error.rfind('\'');
        if (open != std::string::npos && close > open + 9) {
            const std::string literal = text_of_error.substr(open + 9, close - open - 9);
            if (const std::size_t at = text.find(literal); at != std::string::npos) {
                const auto [line, column] = line_column(text, at);
                throw input_error(file + ":" + std::to_string(line) + ":" + std::to_string(column) +
                                  ": JSON error: " + quote_prefix_long(text_of_error));
            }
        }
        throw input_error(file + ": JSON error: " + quote_prefix_long(text_of_error));
    }
}

/// A scenario or protocol file's text -> its document (parse_strict with the input nesting limit).
inline json parse_document(const std::string& text, const std::string& file) { return parse_strict<json>(text, file); }

} // namespace surge::sim::load_detail
