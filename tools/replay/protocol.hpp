// tools/replay/protocol.hpp — what goes over the wire in a live replay: the two codecs, Socket.IO v5
// over Engine.IO v4 (WebSocket transport only) and ws-json, driven by the protocol settings of
// protocol_section.hpp. Pure functions over strings, so the codecs are tested without a network;
// the connection (connection.hpp) calls them for every frame.
//
// Engine.IO v4 facts (shared/protocols.md): the server sends the open packet `0{...}` first and
// pings (`2`) every pingInterval; the client answers `3`. Socket.IO packets ride in Engine.IO
// message packets (`4`): `<type>[<attachments>-][<nsp>,][<ack id>][<JSON>]`.
#pragma once

#include "protocol_section.hpp"

#include <nlohmann/json.hpp>

#include <charconv>
#include <cstdio>
#include <limits>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace surge::replay {

class protocol_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

inline std::string replace_user(std::string s, std::string_view user) {
    for (std::size_t at = s.find("{user}"); at != std::string::npos; at = s.find("{user}", at + user.size()))
        s.replace(at, 6, user);
    return s;
}

/// Reads a protocol section (a JSON object) over `base` with the scenario loader's rules and
/// messages (unknown keys are errors, with a suggestion). Throws protocol_error.
inline protocol_config parse_protocol_config(const nlohmann::json& j, protocol_config base = {}) {
    try {
        return load_protocol_text(j.dump(), "protocol", std::move(base));
    } catch (const sim::input_error& e) {
        throw protocol_error(e.what());
    }
}

/// What one received frame meant to the client.
struct inbound {
    enum class kind : std::uint8_t {
        none,            // nothing for the replay (a pong, an unrelated event, a noop)
        opened,          // Engine.IO open: heartbeat settings known; send the namespace CONNECT
        ping,            // answer with `reply`
        connected,       // Socket.IO CONNECT acknowledged / ws-json welcome: the session is up
        notification,    // a notification: id and sent_at if present
        publish_ack,     // an acknowledgement of a publish (ack id / ref in `ack_id`)
        connect_error,   // Socket.IO CONNECT_ERROR (auth refused)
        disconnect,      // the server closes the session (Engine.IO close, Socket.IO DISCONNECT)
        error,           // a malformed frame: counted, the connection goes on
    };
    kind what = kind::none;
    std::optional<std::int64_t> id;
    std::optional<double> sent_at_ms;       // unix milliseconds
    std::optional<double> issued_at_ms;     // when the publish was actually issued, if echoed
    std::int64_t ack_id = -1;
    std::int64_t ping_interval_ms = 0, ping_timeout_ms = 0;
    std::string reply;                      // a frame to send back now (pong, event ack)
    std::string detail;                     // for errors
};

namespace detail {

inline inbound make_error(std::string detail) {
    inbound r;
    r.what = inbound::kind::error;
    r.detail = std::move(detail);
    return r;
}

inline std::string_view short_view(std::string_view s) { return s.substr(0, 60); }

/// What the replay needs from a frame's JSON, reported by scan_json below: the whole text is
/// validated as JSON, but no document is built and no string or number is converted unless it is
/// one of the few fields kept — the hot path of a run that receives 50 000 notifications per second.
///
/// ws-json: the top level is an object; its fields type_field, id, sent_at, issued_at and ref are
/// kept. Socket.IO: the top level is an array; element 0 (the event name) is kept, and the fields
/// id, sent_at and issued_at of element 1 when it is an object.
class frame_scan {
public:
    enum class shape : std::uint8_t { unknown, object, array };
    frame_scan(const protocol_config& cfg, bool socketio) : cfg_(cfg), socketio_(socketio) {}

    shape top = shape::unknown;
    bool scalar_top = false;           // the text is a bare scalar
    std::size_t elements = 0;          // Socket.IO: elements of the top-level array
    bool first_is_string = false;      // Socket.IO: element 0 is a string
    std::string type;                  // ws-json type / Socket.IO event name
    bool has_type = false;
    std::optional<std::int64_t> id, ref;
    std::optional<double> sent_at, issued_at;

    // --- what scan_json reports
    void literal() { scalar(); }  // null, true, false
    /// A number token as it stands in the text (valid JSON syntax); `integral`: no fraction or
    /// exponent. An integer beyond 64 bits counts as a floating-point number, as in nlohmann::json.
    void number(std::string_view tok, bool integral) {
        if (!in_fields()) return scalar();
        if (integral) {
            std::int64_t v = 0;
            const auto [p, ec] = std::from_chars(tok.data(), tok.data() + tok.size(), v);
            if (ec == std::errc{} && p == tok.data() + tok.size()) return integer(v);
            std::uint64_t u = 0;
            const auto [pu, ecu] = std::from_chars(tok.data(), tok.data() + tok.size(), u);
            if (ecu == std::errc{} && pu == tok.data() + tok.size()) return scalar();  // beyond int64: not kept
        }
        if (field_ == field::sent_at || field_ == field::issued_at) {
            double v = 0;
            const auto [p, ec] = std::from_chars(tok.data(), tok.data() + tok.size(), v);
            if (ec == std::errc{} && p == tok.data() + tok.size()) (field_ == field::sent_at ? sent_at : issued_at) = v;
        }
        scalar();
    }
    /// A string value, unescaped.
    void string(std::string_view v) {
        if (depth_ == 1 && socketio_ && top == shape::array && elements == 0) {
            first_is_string = true;
            type = v;
            has_type = true;
        } else if (in_fields()) {
            if (field_ == field::type) {
                type = v;
                has_type = true;
            } else if (field_ == field::id) {
                std::int64_t x = 0;
                auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
                if (ec == std::errc{} && p == v.data() + v.size()) id = x;
            }
        }
        scalar();
    }
    void start_object() { open(shape::object); }
    void key(std::string_view k) {
        field_ = field::none;
        if (!fields_level()) return;
        if (!socketio_ && k == cfg_.type_field) field_ = field::type;
        else if (k == cfg_.id_field) field_ = field::id;
        else if (k == cfg_.sent_at_field) field_ = field::sent_at;
        else if (k == "issued_at") field_ = field::issued_at;
        else if (!socketio_ && k == "ref") field_ = field::ref;
    }
    void end_object() { close(); }
    void start_array() { open(shape::array); }
    void end_array() { close(); }

private:
    enum class field : std::uint8_t { none, type, id, sent_at, issued_at, ref };
    /// Where the fields are: the top-level object (ws-json), or element 1 of the top-level
    /// array when it is an object (Socket.IO).
    [[nodiscard]] bool fields_level() const {
        if (!socketio_) return depth_ == 1 && top == shape::object;
        return depth_ == 2 && top == shape::array && fields_object_;
    }
    [[nodiscard]] bool in_fields() const { return fields_level() && field_ != field::none; }
    void integer(std::int64_t v) {
        if (in_fields()) {
            if (field_ == field::id) id = v;
            else if (field_ == field::ref) ref = v;
            else if (field_ == field::sent_at) sent_at = static_cast<double>(v);
            else if (field_ == field::issued_at) issued_at = static_cast<double>(v);
        }
        scalar();
    }
    void scalar() {
        if (depth_ == 0) scalar_top = true;
        if (depth_ == 1 && top == shape::array) ++elements;
        field_ = field::none;
    }
    void open(shape s) {
        if (depth_ == 0) top = s;
        if (depth_ == 1 && top == shape::array) {
            fields_object_ = socketio_ && elements == 1 && s == shape::object;
            ++elements;
        }
        field_ = field::none;
        ++depth_;
    }
    void close() {
        --depth_;
        if (depth_ == 1) fields_object_ = false;
        field_ = field::none;
    }

    const protocol_config& cfg_;
    bool socketio_;
    std::size_t depth_ = 0;
    bool fields_object_ = false;
    field field_ = field::none;
};

/// Appends code point `cp` as UTF-8.
inline void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

/// Length of the well-formed UTF-8 sequence (RFC 3629: no overlongs, no surrogates, at most
/// U+10FFFF) starting at p (whose first byte is >= 0x80), or 0.
inline std::size_t utf8_sequence(const unsigned char* p, const unsigned char* e) {
    const unsigned c = p[0];
    std::size_t n = 0;
    unsigned lo = 0x80, hi = 0xBF;  // bounds of the second byte
    if (c >= 0xC2 && c <= 0xDF) n = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        if (c == 0xE0) lo = 0xA0;
        if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        if (c == 0xF0) lo = 0x90;
        if (c == 0xF4) hi = 0x8F;
    } else {
        return 0;
    }
    if (static_cast<std::size_t>(e - p) < n || p[1] < lo || p[1] > hi) return 0;
    for (std::size_t k = 2; k < n; ++k)
        if (p[k] < 0x80 || p[k] > 0xBF) return 0;
    return n;
}

inline int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/// Reads the JSON string whose opening quote is at *p; on success *p is past the closing quote
/// and `out` views the unescaped text (the input itself when it has no escapes, else `scratch`).
inline bool scan_json_string(const char*& p, const char* e, std::string& scratch, std::string_view& out) {
    const char* const begin = ++p;
    bool escaped = false;
    while (p < e) {
        const auto c = static_cast<unsigned char>(*p);
        if (c == '"') break;
        if (c < 0x20) return false;
        if (c == '\\') {
            escaped = true;
            if (++p == e) return false;
            if (*p == 'u') {
                if (e - p < 5) return false;
                for (int k = 1; k <= 4; ++k)
                    if (hex_digit(p[k]) < 0) return false;
                p += 5;
            } else if (std::string_view("\"\\/bfnrt").find(*p) != std::string_view::npos) {
                ++p;
            } else {
                return false;
            }
        } else if (c >= 0x80) {
            const auto n = utf8_sequence(reinterpret_cast<const unsigned char*>(p), reinterpret_cast<const unsigned char*>(e));
            if (n == 0) return false;
            p += n;
        } else {
            ++p;
        }
    }
    if (p == e) return false;
    const char* const end = p++;
    if (!escaped) {
        out = std::string_view(begin, static_cast<std::size_t>(end - begin));
        return true;
    }
    // Unescape (the syntax is checked above; surrogates must pair up, as nlohmann::json wants).
    scratch.clear();
    for (const char* q = begin; q < end;) {
        if (*q != '\\') {
            scratch += *q++;
            continue;
        }
        const char x = q[1];
        q += 2;
        switch (x) {
        case 'b': scratch += '\b'; break;
        case 'f': scratch += '\f'; break;
        case 'n': scratch += '\n'; break;
        case 'r': scratch += '\r'; break;
        case 't': scratch += '\t'; break;
        case 'u': {
            auto hex4 = [](const char* h) {
                return static_cast<std::uint32_t>(hex_digit(h[0]) << 12 | hex_digit(h[1]) << 8 | hex_digit(h[2]) << 4 | hex_digit(h[3]));
            };
            std::uint32_t cp = hex4(q);
            q += 4;
            if (cp >= 0xDC00 && cp <= 0xDFFF) return false;  // a low surrogate alone
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                if (end - q < 6 || q[0] != '\\' || q[1] != 'u') return false;
                const std::uint32_t low = hex4(q + 2);
                if (low < 0xDC00 || low > 0xDFFF) return false;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                q += 6;
            }
            append_utf8(scratch, cp);
            break;
        }
        default: scratch += x; break;  // " \ /
        }
    }
    out = scratch;
    return true;
}

/// Validates `text` as one JSON value (RFC 8259, whitespace around it allowed) and reports its
/// tokens to `sink` in document order; false (and a partial report) if it is not JSON.
/// Iterative: nesting depth costs a byte of heap each, not stack.
template <class Sink>
bool scan_json(std::string_view text, Sink& sink) {
    const char* p = text.data();
    const char* const e = p + text.size();
    std::string stack;    // '{' or '[' per open container
    std::string scratch;  // unescaped strings
    auto ws = [&] {
        while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) ++p;
    };
    auto word = [&](std::string_view w) {
        if (static_cast<std::size_t>(e - p) < w.size() || std::string_view(p, w.size()) != w) return false;
        p += w.size();
        return true;
    };
    auto digits = [&] {
        const char* const from = p;
        while (p < e && *p >= '0' && *p <= '9') ++p;
        return p > from;
    };
    enum class next : std::uint8_t { value, key, after };
    next state = next::value;
    for (;;) {
        switch (state) {
        case next::value: {
            ws();
            if (p == e) return false;
            const char c = *p;
            if (c == '{' || c == '[') {
                ++p;
                if (c == '{') sink.start_object();
                else sink.start_array();
                ws();
                if (p < e && *p == (c == '{' ? '}' : ']')) {
                    ++p;
                    if (c == '{') sink.end_object();
                    else sink.end_array();
                    state = next::after;
                } else {
                    stack += c;
                    state = c == '{' ? next::key : next::value;
                }
                break;
            }
            if (c == '"') {
                std::string_view v;
                if (!scan_json_string(p, e, scratch, v)) return false;
                sink.string(v);
            } else if (c == 't' || c == 'f' || c == 'n') {
                if (!word(c == 't' ? "true" : c == 'f' ? "false" : "null")) return false;
                sink.literal();
            } else {
                const char* const from = p;
                if (*p == '-') ++p;
                if (p == e) return false;
                if (*p == '0') ++p;
                else if (!digits()) return false;
                bool integral = true;
                if (p < e && *p == '.') {
                    ++p;
                    if (!digits()) return false;
                    integral = false;
                }
                if (p < e && (*p == 'e' || *p == 'E')) {
                    ++p;
                    if (p < e && (*p == '+' || *p == '-')) ++p;
                    if (!digits()) return false;
                    integral = false;
                }
                sink.number(std::string_view(from, static_cast<std::size_t>(p - from)), integral);
            }
            state = next::after;
            break;
        }
        case next::key: {
            ws();
            if (p == e || *p != '"') return false;
            std::string_view k;
            if (!scan_json_string(p, e, scratch, k)) return false;
            sink.key(k);
            ws();
            if (p == e || *p != ':') return false;
            ++p;
            state = next::value;
            break;
        }
        case next::after: {
            ws();
            if (stack.empty()) return p == e;
            if (p == e) return false;
            const bool object = stack.back() == '{';
            if (*p == ',') {
                ++p;
                state = object ? next::key : next::value;
            } else if (*p == (object ? '}' : ']')) {
                ++p;
                if (object) sink.end_object();
                else sink.end_array();
                stack.pop_back();
            } else {
                return false;
            }
            break;
        }
        }
    }
}

/// Scans `text`; false if it is not JSON.
inline bool scan_frame(std::string_view text, frame_scan& scan) { return scan_json(text, scan); }

} // namespace detail

/// Decodes one Engine.IO/Socket.IO text frame.
inline inbound decode_socketio(std::string_view frame, const protocol_config& cfg) {
    inbound r;
    if (frame.empty()) return detail::make_error("empty Engine.IO packet");
    const char eio = frame[0];
    std::string_view rest = frame.substr(1);
    switch (eio) {
    case '0': {  // open
        auto j = nlohmann::json::parse(rest, nullptr, false);
        if (j.is_discarded() || !j.is_object()) return detail::make_error("Engine.IO open packet without a JSON object");
        // The connection turns (pingInterval + pingTimeout) ms into its idle limit in ns: a value
        // of another type, negative or beyond a day is a malformed packet, not a timer that
        // overflows (or, at <= 0, no idle limit at all). Found by tests/fuzz/fuzz_frames.
        const auto heartbeat = [&j](const char* key, std::int64_t fallback, std::int64_t lowest, std::int64_t& out) {
            constexpr double day_ms = 86'400'000;
            const auto it = j.find(key);
            if (it == j.end()) {
                out = fallback;
                return true;
            }
            if (!it->is_number()) return false;
            const double v = it->get<double>();
            if (!(v >= static_cast<double>(lowest) && v <= day_ms)) return false;
            out = static_cast<std::int64_t>(v);
            return true;
        };
        if (!heartbeat("pingInterval", 25000, 1, r.ping_interval_ms) || !heartbeat("pingTimeout", 20000, 0, r.ping_timeout_ms))
            return detail::make_error("Engine.IO open packet with a pingInterval or pingTimeout that is not a number of "
                                      "milliseconds up to a day (pingInterval at least 1)");
        r.what = inbound::kind::opened;
        return r;
    }
    case '1': r.what = inbound::kind::disconnect; r.detail = "Engine.IO close"; return r;
    case '2': r.what = inbound::kind::ping; r.reply = "3"; r.reply += rest; return r;
    case '3': case '6': return r;  // pong, noop
    case '4': break;
    default: return detail::make_error("unknown Engine.IO packet type '" + std::string(1, eio) + "'");
    }
    // Socket.IO packet
    if (rest.empty()) return detail::make_error("empty Socket.IO packet");
    const char sio = rest[0];
    rest.remove_prefix(1);
    if (sio < '0' || sio > '6') return detail::make_error("unknown Socket.IO packet type in \"" + std::string(detail::short_view(frame)) + "\"");
    if (sio == '5' || sio == '6') return detail::make_error("binary Socket.IO packets are not expected");
    // namespace
    std::string_view nsp = "/";
    if (!rest.empty() && rest[0] == '/') {
        const auto comma = rest.find(',');
        if (comma == std::string_view::npos) return detail::make_error("Socket.IO namespace without ','");
        nsp = rest.substr(0, comma);
        rest.remove_prefix(comma + 1);
    }
    if (nsp != cfg.nsp) return r;  // another namespace: not ours
    // ack id
    std::int64_t ack = -1;
    if (!rest.empty() && rest[0] >= '0' && rest[0] <= '9') {
        std::size_t n = 0;
        while (n < rest.size() && rest[n] >= '0' && rest[n] <= '9') ++n;
        auto [p, ec] = std::from_chars(rest.data(), rest.data() + n, ack);
        if (ec != std::errc{}) return detail::make_error("Socket.IO ack id out of range");
        (void)p;
        rest.remove_prefix(n);
    }
    switch (sio) {
    case '0': r.what = inbound::kind::connected; return r;
    case '1': r.what = inbound::kind::disconnect; r.detail = "Socket.IO DISCONNECT"; return r;
    case '4': {
        r.what = inbound::kind::connect_error;
        auto j = nlohmann::json::parse(rest, nullptr, false);
        r.detail = (!j.is_discarded() && j.is_object() && j.contains("message") && j["message"].is_string())
                       ? j["message"].get<std::string>()
                       : std::string("CONNECT_ERROR");
        return r;
    }
    case '3': {
        auto j = nlohmann::json::parse(rest, nullptr, false);
        if (j.is_discarded() || !j.is_array() || ack < 0) return detail::make_error("malformed Socket.IO ACK");
        r.what = inbound::kind::publish_ack;
        r.ack_id = ack;
        return r;
    }
    default: break;  // '2' EVENT
    }
    detail::frame_scan scan(cfg, true);
    if (!detail::scan_frame(rest, scan) || scan.top != detail::frame_scan::shape::array || scan.elements == 0 || !scan.first_is_string)
        return detail::make_error("malformed Socket.IO EVENT \"" + std::string(detail::short_view(frame)) + "\"");
    if (ack >= 0) {  // the server wants an acknowledgement: give an empty one
        r.reply = "43";
        if (cfg.nsp != "/") r.reply += cfg.nsp + ",";
        r.reply += std::to_string(ack) + "[]";
    }
    if (scan.type != cfg.notification_event) return r;
    r.what = inbound::kind::notification;
    r.id = scan.id;
    r.sent_at_ms = scan.sent_at;
    r.issued_at_ms = scan.issued_at;
    return r;
}

/// Decodes one ws-json text frame: a JSON object with a type field.
inline inbound decode_ws_json(std::string_view frame, const protocol_config& cfg) {
    inbound r;
    detail::frame_scan scan(cfg, false);
    if (!detail::scan_frame(frame, scan)) return detail::make_error("ws-json frame is not JSON: \"" + std::string(detail::short_view(frame)) + "\"");
    if (scan.top != detail::frame_scan::shape::object) return detail::make_error("ws-json frame is not a JSON object");
    if (!scan.has_type) return detail::make_error("ws-json frame without a string \"" + cfg.type_field + "\"");
    if (scan.type == cfg.notification_event) {
        r.what = inbound::kind::notification;
        r.id = scan.id;
        r.sent_at_ms = scan.sent_at;
        r.issued_at_ms = scan.issued_at;
    } else if (scan.type == cfg.ack_type) {
        r.what = inbound::kind::publish_ack;
        if (scan.ref) r.ack_id = *scan.ref;
    }
    return r;
}

/// The Socket.IO namespace CONNECT frame for `user`.
inline std::string socketio_connect_frame(const protocol_config& cfg, std::string_view user) {
    std::string f = "40";
    if (cfg.nsp != "/") f += cfg.nsp + ",";
    if (!cfg.auth.is_null()) {
        nlohmann::json a = cfg.auth;
        for (auto& [k, v] : a.items())
            if (v.is_string()) v = replace_user(v.get<std::string>(), user);
        f += a.dump();
    }
    return f;
}

/// A publish over the WebSocket: `body` is one notification object or an array (a batch).
inline std::string publish_frame(const protocol_config& cfg, const nlohmann::json& body, std::int64_t ack_id) {
    if (cfg.kind == protocol_kind::socketio) {
        std::string f = "42";
        if (cfg.nsp != "/") f += cfg.nsp + ",";
        f += std::to_string(ack_id);
        f += nlohmann::json::array({cfg.publish_event, body}).dump();
        return f;
    }
    nlohmann::json m = nlohmann::json::object();
    m[cfg.type_field] = cfg.publish_event;
    m["ref"] = ack_id;
    m["notifications"] = body.is_array() ? body : nlohmann::json::array({body});
    return m.dump();
}

inline std::string url_encode(std::string_view s) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (const unsigned char c : s) {
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
            c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

/// Client -> server messages (users.messages): the Socket.IO event / ws-json type they use. The
/// server's answer is the Socket.IO acknowledgement (ACK with the same id), or a ws-json message of
/// the acknowledgement type (publish.ack, "ack") echoing "ref"; both decode as publish_ack.
inline constexpr std::string_view client_message_event = "message";

/// One client message: `{"ref": R, "sent_at": MS, "payload": "xx…"}` as a Socket.IO event with
/// ack id R, or a ws-json object with the type field set to "message".
inline std::string client_message_frame(const protocol_config& cfg, std::int64_t ref, double sent_at_ms, std::size_t payload_bytes) {
    char num[96];
    std::snprintf(num, sizeof num, "\"ref\":%lld,\"sent_at\":%.3f,\"payload\":\"", static_cast<long long>(ref), sent_at_ms);
    std::string body = "{";
    if (cfg.kind == protocol_kind::ws_json) {
        body += nlohmann::json(cfg.type_field).dump();
        body += ":\"";
        body += client_message_event;
        body += "\",";
    }
    body += num;
    body.append(payload_bytes, 'x');
    body += "\"}";
    if (cfg.kind == protocol_kind::ws_json) return body;
    std::string f = "42";
    if (cfg.nsp != "/") f += cfg.nsp + ",";
    f += std::to_string(ref);
    f += "[\"";
    f += client_message_event;
    f += "\",";
    f += body;
    f += "]";
    return f;
}

/// The request target of a user's WebSocket: path and query.
inline std::string ws_request_target(const protocol_config& cfg, std::string_view base_path, std::string_view user) {
    std::string t(base_path);
    if (!t.empty() && t.back() == '/') t.pop_back();
    t += cfg.ws_path();
    char sep = '?';
    if (cfg.kind == protocol_kind::socketio) {
        t += "?EIO=4&transport=websocket";
        sep = '&';
    }
    for (const auto& [k, v] : cfg.query) {
        t += sep;
        sep = '&';
        t += url_encode(k) + "=" + url_encode(replace_user(v, user));
    }
    return t;
}

} // namespace surge::replay
