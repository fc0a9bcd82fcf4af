// tools/replay/frame_json.hpp — the JSON of a received frame: validated whole, and the few fields
// the replay needs kept (event or type, id, sent_at, issued_at, ref). The hot path of a run that
// receives 50 000 notifications a second.
//
// read_frame_json (frame_json.cpp) parses with simdjson's DOM parser (Debian's libsimdjson-dev;
// tests/bench/frame_bench.cpp measured it at about half the time of the hand scanner it replaced,
// docs/performance.md). What simdjson cannot represent but JSON allows — an integer beyond 64
// bits, nesting deeper than 1024 — and anything it rejects are read again by nlohmann::json's SAX
// parser (read_frame_json_sax, here): a frame is JSON exactly when nlohmann::json::accept says
// so, and both readers keep the same fields, as nlohmann::json::parse would read them (of a
// duplicated key, the last occurrence counts). tests/live/test_replay_protocol.cpp and
// tests/fuzz/fuzz_frames.cpp check both against nlohmann::json.
//
// ws-json: the top level is an object; its fields type_field, id_field, sent_at_field, issued_at
// and ref are kept. Socket.IO: the top level is an array; element 0 (the event name) is kept when
// it is a string, and the fields id_field, sent_at_field and issued_at of element 1 when it is an
// object. id_field and sent_at_field may be JSON pointers into that object ("/data/ref"): each
// token taken, as nlohmann::json reads a duplicated key, from the key's last occurrence; the
// id may be searched for in a string (protocol_config::id_search).
#pragma once

#include "protocol_section.hpp"

#include <nlohmann/json.hpp>

#include <charconv>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

namespace surge::replay {

/// What the replay keeps of a frame's JSON.
struct frame_fields {
    enum class shape : std::uint8_t { scalar, object, array };
    shape top = shape::scalar;
    bool first_is_string = false;  // Socket.IO: element 0 of the top-level array is a string (the event)
    bool has_type = false;         // ws-json: the type field is a string; Socket.IO: = first_is_string
    std::string type;              // ws-json type / Socket.IO event name
    std::optional<std::int64_t> id, ref;
    std::optional<double> sent_at, issued_at;
};

/// Reads `text` as one JSON value into `out`; false if it is not JSON. simdjson, with
/// read_frame_json_sax as the fallback (frame_json.cpp).
bool read_frame_json(std::string_view text, const protocol_config& cfg, bool socketio, frame_fields& out);

namespace frame_detail {

enum class field : std::uint8_t { none, type, id, sent_at, issued_at, ref };

/// A field given as a JSON pointer (read by walking it), not a top-level key.
inline bool is_pointer(std::string_view f) noexcept { return !f.empty() && f[0] == '/'; }

/// Which kept field key `k` names at the level where the fields are.
inline field field_of(std::string_view k, const protocol_config& cfg, bool socketio) {
    if (!socketio && k == cfg.type_field) return field::type;
    if (k == cfg.id_field && !is_pointer(cfg.id_field)) return field::id;
    if (k == cfg.sent_at_field && !cfg.sent_at_field.empty() && !is_pointer(cfg.sent_at_field)) return field::sent_at;
    if (k == "issued_at") return field::issued_at;
    if (!socketio && k == "ref") return field::ref;
    return field::none;
}

/// A field's value as either reader sees it.
struct value {
    enum class kind : std::uint8_t { other, string, integer, unsigned_integer, real };
    kind what = kind::other;
    std::string_view text;  // string
    std::int64_t i = 0;
    std::uint64_t u = 0;
    double d = 0;
};

inline std::optional<std::int64_t> integer_of(const value& v) {
    if (v.what == value::kind::integer) return v.i;
    if (v.what == value::kind::unsigned_integer && v.u <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
        return static_cast<std::int64_t>(v.u);
    return std::nullopt;
}

/// The id in a string a server kept (a title "surge 123"): the digits right after the first
/// `after`, or the first run of digits when `after` is empty.
inline std::optional<std::int64_t> id_in_text(std::string_view text, std::string_view after) {
    std::size_t at = 0;
    if (!after.empty()) {
        at = text.find(after);
        if (at == std::string_view::npos) return std::nullopt;
        at += after.size();
    } else {
        at = text.find_first_of("0123456789");
        if (at == std::string_view::npos) return std::nullopt;
    }
    std::int64_t x = 0;
    const auto [p, ec] = std::from_chars(text.data() + at, text.data() + text.size(), x);
    if (ec != std::errc{} || x < 0 || (at < text.size() && text[at] == '-')) return std::nullopt;
    (void)p;
    return x;
}

/// Sets field `which` of `out` from `v`; a value of the wrong type unsets it (the last occurrence
/// of a key counts).
inline void apply(frame_fields& out, field which, const value& v, const protocol_config& cfg) {
    switch (which) {
    case field::none: return;
    case field::type:
        out.has_type = v.what == value::kind::string;
        out.type = out.has_type ? std::string(v.text) : std::string();
        return;
    case field::id:
        out.id = integer_of(v);
        if (v.what == value::kind::string && cfg.id_search) {
            out.id = id_in_text(v.text, cfg.id_after);
        } else if (v.what == value::kind::string) {  // an id sent as a string of digits
            std::int64_t x = 0;
            const auto [p, ec] = std::from_chars(v.text.data(), v.text.data() + v.text.size(), x);
            if (ec == std::errc{} && p == v.text.data() + v.text.size()) out.id = x;
        }
        return;
    case field::ref: out.ref = integer_of(v); return;
    case field::sent_at:
    case field::issued_at: {
        std::optional<double> d;
        if (v.what == value::kind::integer) d = static_cast<double>(v.i);
        else if (v.what == value::kind::unsigned_integer) d = static_cast<double>(v.u);
        else if (v.what == value::kind::real) d = v.d;
        (which == field::sent_at ? out.sent_at : out.issued_at) = d;
        return;
    }
    }
}

/// nlohmann::json's SAX events turned into frame_fields. Iterative: nesting costs no stack.
class frame_sax {
public:
    frame_sax(const protocol_config& cfg, bool socketio, frame_fields& out) : cfg_(cfg), socketio_(socketio), out_(out) {}

    bool null() { return scalar({}); }
    bool boolean(bool) { return scalar({}); }
    bool number_integer(std::int64_t v) {
        value x;
        x.what = value::kind::integer;
        x.i = v;
        return scalar(x);
    }
    bool number_unsigned(std::uint64_t v) {
        value x;
        x.what = value::kind::unsigned_integer;
        x.u = v;
        return scalar(x);
    }
    bool number_float(double v, const std::string&) {
        value x;
        x.what = value::kind::real;
        x.d = v;
        return scalar(x);
    }
    bool string(std::string& s) {
        if (depth_ == 1 && socketio_ && out_.top == frame_fields::shape::array && elements_ == 0) {
            out_.first_is_string = out_.has_type = true;
            out_.type = s;
        }
        value x;
        x.what = value::kind::string;
        x.text = s;
        return scalar(x);
    }
    bool binary(nlohmann::json::binary_t&) { return scalar({}); }
    bool start_object(std::size_t) { return open(frame_fields::shape::object); }
    bool key(std::string& k) {
        field_ = fields_level() ? field_of(k, cfg_, socketio_) : field::none;
        return true;
    }
    bool end_object() { return close(); }
    bool start_array(std::size_t) { return open(frame_fields::shape::array); }
    bool end_array() { return close(); }
    bool parse_error(std::size_t, const std::string&, const nlohmann::json::exception&) { return false; }

private:
    /// Where the fields are: the top-level object (ws-json), or element 1 of the top-level array
    /// when it is an object (Socket.IO).
    [[nodiscard]] bool fields_level() const {
        if (!socketio_) return depth_ == 1 && out_.top == frame_fields::shape::object;
        return depth_ == 2 && out_.top == frame_fields::shape::array && fields_object_;
    }
    bool scalar(const value& v) {
        if (depth_ == 1 && out_.top == frame_fields::shape::array) ++elements_;
        if (fields_level()) apply(out_, field_, v, cfg_);
        field_ = field::none;
        return true;
    }
    bool open(frame_fields::shape s) {
        if (depth_ == 0) out_.top = s;
        if (fields_level()) apply(out_, field_, {}, cfg_);  // a container where a kept field's value was expected
        if (depth_ == 1 && out_.top == frame_fields::shape::array) {
            fields_object_ = socketio_ && elements_ == 1 && s == frame_fields::shape::object;
            ++elements_;
        }
        field_ = field::none;
        ++depth_;
        return true;
    }
    bool close() {
        --depth_;
        if (depth_ == 1) fields_object_ = false;
        field_ = field::none;
        return true;
    }

    const protocol_config& cfg_;
    bool socketio_;
    frame_fields& out_;
    std::size_t depth_ = 0;
    std::size_t elements_ = 0;  // of the top-level array
    bool fields_object_ = false;
    field field_ = field::none;
};

} // namespace frame_detail

namespace frame_detail {

/// Whether escaped pointer token `tok` ("~0" for '~', "~1" for '/') names key `key`.
inline bool token_is(std::string_view tok, std::string_view key) noexcept {
    std::size_t k = 0;
    for (std::size_t i = 0; i < tok.size(); ++i, ++k) {
        char ch = tok[i];
        if (ch == '~' && i + 1 < tok.size()) ch = tok[++i] == '0' ? '~' : '/';
        if (k >= key.size() || key[k] != ch) return false;
    }
    return k == key.size();
}

/// A pointer token as an array index (RFC 6901: digits, no leading zero).
inline std::optional<std::size_t> array_index(std::string_view tok) noexcept {
    if (tok.empty() || (tok.size() > 1 && tok[0] == '0')) return std::nullopt;
    std::size_t i = 0;
    const auto [p, ec] = std::from_chars(tok.data(), tok.data() + tok.size(), i);
    if (ec != std::errc{} || p != tok.data() + tok.size()) return std::nullopt;
    return i;
}

/// Calls `step(token)` for each token of pointer `ptr` (leading '/'), as long as it returns true.
template <class Step>
void for_each_token(std::string_view ptr, Step step) {
    std::size_t pos = 1;
    for (;;) {
        const auto slash = ptr.find('/', pos);
        if (!step(ptr.substr(pos, slash == std::string_view::npos ? std::string_view::npos : slash - pos))) return;
        if (slash == std::string_view::npos) return;
        pos = slash + 1;
    }
}

/// The value at pointer `ptr` in `j` (a missing one: kind other).
inline value value_at(const nlohmann::json& j, std::string_view ptr) {
    const nlohmann::json* node = &j;
    bool found = true;
    for_each_token(ptr, [&](std::string_view tok) {
        if (node->is_object()) {
            // nlohmann::json kept a duplicated key's last occurrence.
            const nlohmann::json* next = nullptr;
            for (const auto& [k, v] : node->items())
                if (token_is(tok, k)) next = &v;
            node = next;
        } else if (node->is_array()) {
            const auto i = array_index(tok);
            node = i && *i < node->size() ? &(*node)[*i] : nullptr;
        } else {
            node = nullptr;
        }
        found = node != nullptr;
        return found;
    });
    value v;
    if (!found) return v;
    switch (node->type()) {
    case nlohmann::json::value_t::string: v.what = value::kind::string; v.text = node->get_ref<const std::string&>(); break;
    case nlohmann::json::value_t::number_integer: v.what = value::kind::integer; v.i = node->get<std::int64_t>(); break;
    case nlohmann::json::value_t::number_unsigned: v.what = value::kind::unsigned_integer; v.u = node->get<std::uint64_t>(); break;
    case nlohmann::json::value_t::number_float: v.what = value::kind::real; v.d = node->get<double>(); break;
    default: break;
    }
    return v;
}

/// Whether the id or sent_at is given as a JSON pointer.
inline bool has_pointer_fields(const protocol_config& cfg) noexcept { return is_pointer(cfg.id_field) || is_pointer(cfg.sent_at_field); }

} // namespace frame_detail

/// Reads `text` with nlohmann::json's SAX parser (strict: one value, whitespace around it); false
/// if it is not JSON. The fallback of read_frame_json, and the reference its tests compare with.
/// Fields given as JSON pointers are read from nlohmann::json's document of the frame.
inline bool read_frame_json_sax(std::string_view text, const protocol_config& cfg, bool socketio, frame_fields& out) {
    out = {};
    frame_detail::frame_sax sax(cfg, socketio, out);
    if (!nlohmann::json::sax_parse(text.begin(), text.end(), &sax, nlohmann::json::input_format_t::json, true, false)) return false;
    if (!frame_detail::has_pointer_fields(cfg)) return true;
    const auto doc = nlohmann::json::parse(text, nullptr, false);
    const nlohmann::json* fields = nullptr;
    if (!socketio && doc.is_object()) fields = &doc;
    if (socketio && doc.is_array() && doc.size() >= 2 && doc[1].is_object()) fields = &doc[1];
    if (fields == nullptr) return true;
    if (frame_detail::is_pointer(cfg.id_field)) frame_detail::apply(out, frame_detail::field::id, frame_detail::value_at(*fields, cfg.id_field), cfg);
    if (frame_detail::is_pointer(cfg.sent_at_field))
        frame_detail::apply(out, frame_detail::field::sent_at, frame_detail::value_at(*fields, cfg.sent_at_field), cfg);
    return true;
}

} // namespace surge::replay
