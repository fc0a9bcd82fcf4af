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
// object.
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

/// Which kept field key `k` names at the level where the fields are.
inline field field_of(std::string_view k, const protocol_config& cfg, bool socketio) {
    if (!socketio && k == cfg.type_field) return field::type;
    if (k == cfg.id_field) return field::id;
    if (k == cfg.sent_at_field) return field::sent_at;
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

/// Sets field `which` of `out` from `v`; a value of the wrong type unsets it (the last occurrence
/// of a key counts).
inline void apply(frame_fields& out, field which, const value& v) {
    switch (which) {
    case field::none: return;
    case field::type:
        out.has_type = v.what == value::kind::string;
        out.type = out.has_type ? std::string(v.text) : std::string();
        return;
    case field::id:
        out.id = integer_of(v);
        if (v.what == value::kind::string) {  // an id sent as a string of digits
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
        if (fields_level()) apply(out_, field_, v);
        field_ = field::none;
        return true;
    }
    bool open(frame_fields::shape s) {
        if (depth_ == 0) out_.top = s;
        if (fields_level()) apply(out_, field_, {});  // a container where a kept field's value was expected
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

/// Reads `text` with nlohmann::json's SAX parser (strict: one value, whitespace around it); false
/// if it is not JSON. The fallback of read_frame_json, and the reference its tests compare with.
inline bool read_frame_json_sax(std::string_view text, const protocol_config& cfg, bool socketio, frame_fields& out) {
    out = {};
    frame_detail::frame_sax sax(cfg, socketio, out);
    return nlohmann::json::sax_parse(text.begin(), text.end(), &sax, nlohmann::json::input_format_t::json, true, false);
}

} // namespace surge::replay
