// tools/replay/protocol.hpp — what goes over the wire in a live replay: the protocol settings (from
// --protocol and --protocol-file) and the two codecs, Socket.IO v5 over Engine.IO v4 (WebSocket
// transport only) and ws-json. Pure functions over strings, so the codecs are tested without a
// network; the connection (connection.hpp) calls them for every frame.
//
// Engine.IO v4 facts (shared/protocols.md): the server sends the open packet `0{...}` first and
// pings (`2`) every pingInterval; the client answers `3`. Socket.IO packets ride in Engine.IO
// message packets (`4`): `<type>[<attachments>-][<nsp>,][<ack id>][<JSON>]`.
#pragma once

#include <nlohmann/json.hpp>

#include <charconv>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace surge::replay {

enum class protocol_kind : std::uint8_t { socketio, ws_json };

/// How notifications are published: an HTTP POST to the target's host, or a WebSocket message on
/// a dedicated publisher connection.
enum class publish_via : std::uint8_t { http, websocket };

/// The protocol section. Defaults match tests/live/*-server.js and common Socket.IO services.
struct protocol_config {
    protocol_kind kind = protocol_kind::socketio;
    std::string path;                 // "" = "/socket.io/" (socketio) or "/ws" (ws-json)
    /// Query parameters of the WebSocket URL; "{user}" in a value becomes the user's id.
    std::vector<std::pair<std::string, std::string>> query{{"user", "{user}"}};
    std::string nsp = "/";            // Socket.IO namespace
    /// Socket.IO CONNECT payload (auth); string values get "{user}" replaced. Null = none.
    nlohmann::json auth = nlohmann::json{{"user", "{user}"}};
    std::string notification_event = "notification";   // Socket.IO event name / ws-json type value
    std::string type_field = "type";                     // ws-json: the field naming a message's type
    std::string id_field = "id";                         // in a notification: its id
    std::string sent_at_field = "sent_at";               // in a notification: intended send time, unix ms
    publish_via via = publish_via::http;
    std::string publish_path = "/publish";               // HTTP POST path
    std::string publish_event = "publish";               // Socket.IO event / ws-json type
    std::string ack_type = "ack";                        // ws-json: type of the publish acknowledgement

    [[nodiscard]] std::string ws_path() const {
        if (!path.empty()) return path;
        return kind == protocol_kind::socketio ? "/socket.io/" : "/ws";
    }
};

class protocol_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

inline std::string replace_user(std::string s, std::string_view user) {
    for (std::size_t at = s.find("{user}"); at != std::string::npos; at = s.find("{user}", at + user.size()))
        s.replace(at, 6, user);
    return s;
}

inline std::optional<protocol_kind> parse_protocol_kind(std::string_view s) {
    if (s == "socketio" || s == "socket.io") return protocol_kind::socketio;
    if (s == "ws-json" || s == "ws_json" || s == "ws") return protocol_kind::ws_json;
    return std::nullopt;
}

/// Reads a protocol section (a JSON object). Unknown keys are errors, as in scenario files.
inline protocol_config parse_protocol_config(const nlohmann::json& j, protocol_config base = {}) {
    if (!j.is_object()) throw protocol_error("protocol: expected an object");
    auto str = [](const nlohmann::json& v, const std::string& where) {
        if (!v.is_string()) throw protocol_error(where + ": expected a string, found " + v.dump());
        return v.get<std::string>();
    };
    for (const auto& [key, v] : j.items()) {
        const std::string where = "protocol/" + key;
        if (key == "protocol") {
            auto k = parse_protocol_kind(str(v, where));
            if (!k) throw protocol_error(where + ": expected \"socketio\" or \"ws-json\", found " + v.dump());
            base.kind = *k;
        } else if (key == "path") {
            base.path = str(v, where);
        } else if (key == "query") {
            if (!v.is_object()) throw protocol_error(where + ": expected an object of strings");
            base.query.clear();
            for (const auto& [qk, qv] : v.items()) base.query.emplace_back(qk, str(qv, where + "/" + qk));
        } else if (key == "namespace") {
            base.nsp = str(v, where);
            if (base.nsp.empty() || base.nsp[0] != '/') throw protocol_error(where + ": must start with '/'");
        } else if (key == "auth") {
            if (!v.is_object() && !v.is_null()) throw protocol_error(where + ": expected an object or null");
            base.auth = v;
        } else if (key == "notification") {
            if (!v.is_object()) throw protocol_error(where + ": expected an object");
            for (const auto& [nk, nv] : v.items()) {
                const std::string w = where + "/" + nk;
                if (nk == "event") base.notification_event = str(nv, w);
                else if (nk == "type_field") base.type_field = str(nv, w);
                else if (nk == "id") base.id_field = str(nv, w);
                else if (nk == "sent_at") base.sent_at_field = str(nv, w);
                else throw protocol_error(w + ": unknown key (known: event, type_field, id, sent_at)");
            }
        } else if (key == "publish") {
            if (!v.is_object()) throw protocol_error(where + ": expected an object");
            for (const auto& [pk, pv] : v.items()) {
                const std::string w = where + "/" + pk;
                if (pk == "via") {
                    const auto s = str(pv, w);
                    if (s == "http") base.via = publish_via::http;
                    else if (s == "websocket") base.via = publish_via::websocket;
                    else throw protocol_error(w + ": expected \"http\" or \"websocket\", found " + pv.dump());
                } else if (pk == "path") base.publish_path = str(pv, w);
                else if (pk == "event") base.publish_event = str(pv, w);
                else if (pk == "ack") base.ack_type = str(pv, w);
                else throw protocol_error(w + ": unknown key (known: via, path, event, ack)");
            }
        } else {
            throw protocol_error(where + ": unknown key (known: protocol, path, query, namespace, auth, "
                                         "notification, publish)");
        }
    }
    return base;
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

inline void read_notification_fields(const nlohmann::json& n, const protocol_config& cfg, inbound& r) {
    if (!n.is_object()) return;
    if (auto it = n.find(cfg.id_field); it != n.end()) {
        if (it->is_number_integer()) r.id = it->get<std::int64_t>();
        else if (it->is_string()) {
            const auto& s = it->get_ref<const std::string&>();
            std::int64_t v = 0;
            auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
            if (ec == std::errc{} && p == s.data() + s.size()) r.id = v;
        }
    }
    if (auto it = n.find(cfg.sent_at_field); it != n.end() && it->is_number()) r.sent_at_ms = it->get<double>();
    if (auto it = n.find("issued_at"); it != n.end() && it->is_number()) r.issued_at_ms = it->get<double>();
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
    auto j = nlohmann::json::parse(rest, nullptr, false);
    if (j.is_discarded() || !j.is_array() || j.empty() || !j[0].is_string())
        return detail::make_error("malformed Socket.IO EVENT \"" + std::string(detail::short_view(frame)) + "\"");
    if (ack >= 0) {  // the server wants an acknowledgement: give an empty one
        r.reply = "43";
        if (cfg.nsp != "/") r.reply += cfg.nsp + ",";
        r.reply += std::to_string(ack) + "[]";
    }
    if (j[0].get_ref<const std::string&>() != cfg.notification_event) return r;
    r.what = inbound::kind::notification;
    if (j.size() > 1) detail::read_notification_fields(j[1], cfg, r);
    return r;
}

/// Decodes one ws-json text frame: a JSON object with a type field.
inline inbound decode_ws_json(std::string_view frame, const protocol_config& cfg) {
    inbound r;
    auto j = nlohmann::json::parse(frame, nullptr, false);
    if (j.is_discarded()) return detail::make_error("ws-json frame is not JSON: \"" + std::string(detail::short_view(frame)) + "\"");
    if (!j.is_object()) return detail::make_error("ws-json frame is not a JSON object");
    auto t = j.find(cfg.type_field);
    if (t == j.end() || !t->is_string()) return detail::make_error("ws-json frame without a string \"" + cfg.type_field + "\"");
    const auto& type = t->get_ref<const std::string&>();
    if (type == cfg.notification_event) {
        r.what = inbound::kind::notification;
        detail::read_notification_fields(j, cfg, r);
    } else if (type == cfg.ack_type) {
        r.what = inbound::kind::publish_ack;
        if (auto ref = j.find("ref"); ref != j.end() && ref->is_number_integer()) r.ack_id = ref->get<std::int64_t>();
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
