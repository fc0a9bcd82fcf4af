// tools/replay/protocol.hpp — what goes over the wire in a live replay: the protocol settings (from
// --protocol and --protocol-file) and the two codecs, Socket.IO v5 over Engine.IO v4 (WebSocket
// transport only) and ws-json. Pure functions over strings, so the codecs are tested without a
// network; the connection (connection.hpp) calls them for every frame.
//
// Engine.IO v4 facts (shared/protocols.md): the server sends the open packet `0{...}` first and
// pings (`2`) every pingInterval; the client answers `3`. Socket.IO packets ride in Engine.IO
// message packets (`4`): `<type>[<attachments>-][<nsp>,][<ack id>][<JSON>]`.
#pragma once

#include <sim/load.hpp>
#include <sim/protocol.hpp>

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

// The protocol section's type lives in sim/ (the scenario's "protocol" key; sim/protocol.hpp) and is
// read by the scenario loader, with its errors.
using sim::protocol_config;
using sim::protocol_kind;
using sim::publish_via;
using sim::parse_protocol_kind;

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
        return sim::load_protocol_text(j.dump(), "protocol", std::move(base));
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

/// What the replay needs from a frame's JSON, read by nlohmann's SAX parser: the whole text is
/// validated as JSON, but no document is built (no map nodes, no payload strings) — the hot path
/// of a run that receives 50 000 notifications per second.
///
/// ws-json: the top level is an object; its fields type_field, id, sent_at, issued_at and ref are
/// kept. Socket.IO: the top level is an array; element 0 (the event name) is kept, and the fields
/// id, sent_at and issued_at of element 1 when it is an object.
class frame_scan final : public nlohmann::json_sax<nlohmann::json> {
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

    bool null() override { return scalar(); }
    bool boolean(bool) override { return scalar(); }
    bool number_integer(number_integer_t v) override { return integer(v); }
    bool number_unsigned(number_unsigned_t v) override {
        return v <= static_cast<number_unsigned_t>(std::numeric_limits<std::int64_t>::max()) ? integer(static_cast<std::int64_t>(v)) : scalar();
    }
    bool number_float(number_float_t v, const string_t&) override {
        if (in_fields()) {
            if (field_ == field::sent_at) sent_at = v;
            else if (field_ == field::issued_at) issued_at = v;
        }
        return scalar();
    }
    bool string(string_t& v) override {
        if (depth_ == 1 && socketio_ && top == shape::array && elements == 0) {
            first_is_string = true;
            type = std::move(v);
            has_type = true;
        } else if (in_fields()) {
            if (field_ == field::type) {
                type = std::move(v);
                has_type = true;
            } else if (field_ == field::id) {
                std::int64_t x = 0;
                auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
                if (ec == std::errc{} && p == v.data() + v.size()) id = x;
            }
        }
        return scalar();
    }
    bool binary(binary_t&) override { return scalar(); }
    bool start_object(std::size_t) override {
        open(shape::object);
        return true;
    }
    bool key(string_t& k) override {
        field_ = field::none;
        if (!fields_level()) return true;
        if (!socketio_ && k == cfg_.type_field) field_ = field::type;
        else if (k == cfg_.id_field) field_ = field::id;
        else if (k == cfg_.sent_at_field) field_ = field::sent_at;
        else if (k == "issued_at") field_ = field::issued_at;
        else if (!socketio_ && k == "ref") field_ = field::ref;
        return true;
    }
    bool end_object() override { return close(); }
    bool start_array(std::size_t) override {
        open(shape::array);
        return true;
    }
    bool end_array() override { return close(); }
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }

private:
    enum class field : std::uint8_t { none, type, id, sent_at, issued_at, ref };
    /// Where the fields are: the top-level object (ws-json), or element 1 of the top-level
    /// array when it is an object (Socket.IO).
    [[nodiscard]] bool fields_level() const {
        if (!socketio_) return depth_ == 1 && top == shape::object;
        return depth_ == 2 && top == shape::array && fields_object_;
    }
    [[nodiscard]] bool in_fields() const { return fields_level() && field_ != field::none; }
    bool integer(std::int64_t v) {
        if (in_fields()) {
            if (field_ == field::id) id = v;
            else if (field_ == field::ref) ref = v;
            else if (field_ == field::sent_at) sent_at = static_cast<double>(v);
            else if (field_ == field::issued_at) issued_at = static_cast<double>(v);
        }
        return scalar();
    }
    bool scalar() {
        if (depth_ == 0) scalar_top = true;
        if (depth_ == 1 && top == shape::array) ++elements;
        field_ = field::none;
        return true;
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
    bool close() {
        --depth_;
        if (depth_ == 1) fields_object_ = false;
        field_ = field::none;
        return true;
    }

    const protocol_config& cfg_;
    bool socketio_;
    std::size_t depth_ = 0;
    bool fields_object_ = false;
    field field_ = field::none;
};

/// Scans `text`; false if it is not JSON.
inline bool scan_frame(std::string_view text, frame_scan& scan) {
    return nlohmann::json::sax_parse(text.begin(), text.end(), &scan, nlohmann::json::input_format_t::json, true);
}

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
        r.what = inbound::kind::opened;
        r.ping_interval_ms = j.value("pingInterval", std::int64_t{25000});
        r.ping_timeout_ms = j.value("pingTimeout", std::int64_t{20000});
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
