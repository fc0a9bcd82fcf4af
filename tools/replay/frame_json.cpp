// tools/replay/frame_json.cpp — read_frame_json on simdjson's DOM parser (what it keeps, and why
// nlohmann::json's SAX parser reads some frames instead: frame_json.hpp). The only translation
// unit that includes simdjson.h. One parser and one padded input buffer per thread, reused, so a
// frame costs no allocation once the thread has seen one as large.
#include "frame_json.hpp"

#include <simdjson.h>

#include <cmath>
#include <cstring>
#include <string_view>
#include <vector>

namespace surge::replay {

namespace {

using frame_detail::field;
using frame_detail::value;

/// `e` as a field value; false where simdjson's reading could differ from nlohmann::json's: a
/// double -0, which nlohmann::json reads from "-0" as the integer 0 (simdjson 3.0.1 does too,
/// tests/live/test_frame_json.cpp; the fallback keeps another version from differing).
bool value_of(simdjson::dom::element e, value& v) {
    switch (e.type()) {
    case simdjson::dom::element_type::STRING:
        v.what = value::kind::string;
        v.text = e.get_string().value_unsafe();
        return true;
    case simdjson::dom::element_type::INT64:
        v.what = value::kind::integer;
        v.i = e.get_int64().value_unsafe();
        return true;
    case simdjson::dom::element_type::UINT64:
        v.what = value::kind::unsigned_integer;
        v.u = e.get_uint64().value_unsafe();
        return true;
    case simdjson::dom::element_type::DOUBLE:
        v.what = value::kind::real;
        v.d = e.get_double().value_unsafe();
        return !(v.d == 0 && std::signbit(v.d));
    default:
        v.what = value::kind::other;
        return true;
    }
}

/// The value at JSON pointer `ptr` below `e` (missing: kind other); false: let nlohmann::json read
/// the frame. A duplicated key's last occurrence counts, as nlohmann::json reads it.
bool value_at(simdjson::dom::element e, std::string_view ptr, value& v) {
    bool found = true;
    frame_detail::for_each_token(ptr, [&](std::string_view tok) {
        found = false;
        if (e.type() == simdjson::dom::element_type::OBJECT) {
            simdjson::dom::element next;
            const simdjson::dom::object obj = e.get_object().value_unsafe();  // a copy: the result is a temporary
            for (const auto kv : obj)
                if (frame_detail::token_is(tok, kv.key)) {
                    next = kv.value;
                    found = true;
                }
            if (found) e = next;
        } else if (e.type() == simdjson::dom::element_type::ARRAY) {
            const auto i = frame_detail::array_index(tok);
            if (i) {
                const simdjson::dom::array arr = e.get_array().value_unsafe();  // a copy, as above
                const auto r = arr.at(*i);
                if (!r.error()) {
                    e = r.value_unsafe();
                    found = true;
                }
            }
        }
        return found;
    });
    v = {};
    return !found || value_of(e, v);
}

/// The kept fields of object `o`; false: let nlohmann::json read the frame.
bool read_fields(simdjson::dom::element el, const protocol_config& cfg, bool socketio, frame_fields& out) {
    const simdjson::dom::object o = el.get_object().value_unsafe();  // a copy: the result is a temporary
    for (const auto kv : o) {
        const field f = frame_detail::field_of(kv.key, cfg, socketio);
        if (f == field::none) continue;
        value v;
        if (!value_of(kv.value, v)) return false;
        frame_detail::apply(out, f, v, cfg);
    }
    // Fields given as JSON pointers ("/data/ref").
    if (frame_detail::is_pointer(cfg.id_field)) {
        value v;
        if (!value_at(el, cfg.id_field, v)) return false;
        frame_detail::apply(out, field::id, v, cfg);
    }
    if (frame_detail::is_pointer(cfg.sent_at_field)) {
        value v;
        if (!value_at(el, cfg.sent_at_field, v)) return false;
        frame_detail::apply(out, field::sent_at, v, cfg);
    }
    return true;
}

/// The fields of a parsed document; false: let nlohmann::json read the frame.
bool read_document(simdjson::dom::element doc, const protocol_config& cfg, bool socketio, frame_fields& out) {
    switch (doc.type()) {
    case simdjson::dom::element_type::OBJECT: {
        out.top = frame_fields::shape::object;
        if (socketio) return true;
        return read_fields(doc, cfg, false, out);
    }
    case simdjson::dom::element_type::ARRAY: {
        out.top = frame_fields::shape::array;
        if (!socketio) return true;
        std::size_t i = 0;
        const simdjson::dom::array elements = doc.get_array().value_unsafe();  // a copy: the result is a temporary
        for (const auto e : elements) {
            if (i == 0 && e.type() == simdjson::dom::element_type::STRING) {
                out.first_is_string = out.has_type = true;
                out.type = e.get_string().value_unsafe();
            } else if (i == 1 && e.type() == simdjson::dom::element_type::OBJECT) {
                return read_fields(e, cfg, true, out);
            }
            if (++i == 2) break;
        }
        return true;
    }
    default: return true;  // a scalar
    }
}

} // namespace

bool read_frame_json(std::string_view text, const protocol_config& cfg, bool socketio, frame_fields& out) {
    thread_local simdjson::dom::parser parser;
    thread_local std::vector<char> padded;
    out = {};
    if (padded.size() < text.size() + simdjson::SIMDJSON_PADDING) padded.resize(text.size() + simdjson::SIMDJSON_PADDING);
    if (!text.empty()) std::memcpy(padded.data(), text.data(), text.size());
    simdjson::dom::element doc;
    if (!parser.parse(padded.data(), text.size(), false).get(doc) && read_document(doc, cfg, socketio, out)) return true;
    // Not JSON to simdjson (nlohmann::json decides: an integer beyond 64 bits or nesting beyond
    // 1024 is JSON), or a value simdjson reads differently.
    return read_frame_json_sax(text, cfg, socketio, out);
}

} // namespace surge::replay
