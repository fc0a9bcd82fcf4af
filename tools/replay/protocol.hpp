// tools/replay/protocol.hpp — what goes over the wire in a live replay: the two codecs, Socket.IO v5
// over Engine.IO v4 (WebSocket transport only) and ws-json, driven by the protocol settings of
// protocol_section.hpp. Pure functions over strings, so the codecs are tested without a network;
// the connection (connection.hpp) calls them for every frame.
//
// Engine.IO v4 facts (shared/protocols.md): the server sends the open packet `0{...}` first and
// pings (`2`) every pingInterval; the client answers `3`. Socket.IO packets ride in Engine.IO
// message packets (`4`): `<type>[<attachments>-][<nsp>,][<ack id>][<JSON>]`.
#pragma once

#include "frame_json.hpp"
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

/// The number a user's id ends with ("u17" -> "17"; "" for the publisher connection's user):
/// "{user_index}" in query and auth values, for a service that knows its users by number. (A
/// --user-prefix that itself ends in a digit would run into it.)
inline std::string_view user_index_of(std::string_view user) {
    std::size_t n = user.size();
    while (n > 0 && user[n - 1] >= '0' && user[n - 1] <= '9') --n;
    return user.substr(n);
}

inline std::string replace_user(std::string s, std::string_view user) {
    for (std::size_t at = s.find("{user}"); at != std::string::npos; at = s.find("{user}", at + user.size()))
        s.replace(at, 6, user);
    const auto index = user_index_of(user);
    for (std::size_t at = s.find("{user_index}"); at != std::string::npos; at = s.find("{user_index}", at + index.size()))
        s.replace(at, 12, index);
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
        other_event,     // an event (Socket.IO) or type (ws-json) the replay does not use; its name in `detail`
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
    frame_fields fields;
    if (!read_frame_json(rest, cfg, true, fields) || fields.top != frame_fields::shape::array || !fields.first_is_string)
        return detail::make_error("malformed Socket.IO EVENT \"" + std::string(detail::short_view(frame)) + "\"");
    if (ack >= 0) {  // the server wants an acknowledgement: give an empty one
        r.reply = "43";
        if (cfg.nsp != "/") r.reply += cfg.nsp + ",";
        r.reply += std::to_string(ack) + "[]";
    }
    if (fields.type != cfg.notification_event) {
        r.what = inbound::kind::other_event;
        r.detail = fields.type;
        return r;
    }
    r.what = inbound::kind::notification;
    r.id = fields.id;
    r.sent_at_ms = fields.sent_at;
    r.issued_at_ms = fields.issued_at;
    return r;
}

/// Decodes one ws-json text frame: a JSON object with a type field.
inline inbound decode_ws_json(std::string_view frame, const protocol_config& cfg) {
    inbound r;
    frame_fields fields;
    if (!read_frame_json(frame, cfg, false, fields)) return detail::make_error("ws-json frame is not JSON: \"" + std::string(detail::short_view(frame)) + "\"");
    if (fields.top != frame_fields::shape::object) return detail::make_error("ws-json frame is not a JSON object");
    if (!fields.has_type) return detail::make_error("ws-json frame without a string \"" + cfg.type_field + "\"");
    if (fields.type == cfg.notification_event) {
        r.what = inbound::kind::notification;
        r.id = fields.id;
        r.sent_at_ms = fields.sent_at;
        r.issued_at_ms = fields.issued_at;
    } else if (fields.type == cfg.ack_type) {
        r.what = inbound::kind::publish_ack;
        if (fields.ref) r.ack_id = *fields.ref;
    } else {
        r.what = inbound::kind::other_event;
        r.detail = fields.type;
    }
    return r;
}

/// The Socket.IO namespace CONNECT frame for `user`.
inline std::string socketio_connect_frame(const protocol_config& cfg, std::string_view user) {
    std::string f = "40";
    if (cfg.nsp != "/") f += cfg.nsp + ",";
    if (!cfg.auth.is_null()) {
        nlohmann::json a = cfg.auth;
        for (auto& [k, v] : a.items()) {
            if (!v.is_string()) continue;
            // Exactly "{user_index}": the number itself (null when the id has none), as a publish
            // template's one-placeholder strings are typed.
            if (v.get_ref<const std::string&>() == "{user_index}") {
                const auto index = user_index_of(user);
                std::uint64_t n = 0;
                const auto [p, ec] = std::from_chars(index.data(), index.data() + index.size(), n);
                v = index.empty() || ec != std::errc{} ? nlohmann::json(nullptr) : nlohmann::json(n);
                (void)p;
            } else {
                v = replace_user(v.get<std::string>(), user);
            }
        }
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
