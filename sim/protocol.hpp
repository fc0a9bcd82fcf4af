// sim/protocol.hpp — the scenario's optional "protocol" section: how a live replay (surge replay,
// tools/replay) talks to a real server — the WebSocket protocol, its path and query, the Socket.IO
// namespace and auth, where a notification's id and intended send time are, and how notifications
// are published. The simulator ignores it. The loader (sim/load/protocol_section.hpp) fills
// it key by key with the loader's usual errors; docs/scenarios.md and docs/replay.md describe it.
#pragma once

#include <models/enum_names.hpp>

#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace surge::sim {

enum class protocol_kind : std::uint8_t { socketio, ws_json };

constexpr auto enum_names(protocol_kind) noexcept {
    return std::to_array<models::enum_name<protocol_kind>>({{protocol_kind::socketio, "socketio"}, {protocol_kind::ws_json, "ws-json"}});
}
static_assert(models::is_one_to_one(enum_names(protocol_kind{})));

/// How notifications are published: an HTTP POST to the target's host, or a WebSocket message on
/// a dedicated publisher connection.
enum class publish_via : std::uint8_t { http, websocket };

constexpr auto enum_names(publish_via) noexcept {
    return std::to_array<models::enum_name<publish_via>>({{publish_via::http, "http"}, {publish_via::websocket, "websocket"}});
}
static_assert(models::is_one_to_one(enum_names(publish_via{})));

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

/// A protocol name as the command line takes it (with the aliases socket.io, ws_json, ws).
inline std::optional<protocol_kind> parse_protocol_kind(std::string_view s) {
    if (s == "socketio" || s == "socket.io") return protocol_kind::socketio;
    if (s == "ws-json" || s == "ws_json" || s == "ws") return protocol_kind::ws_json;
    return std::nullopt;
}

inline std::string to_string(protocol_kind k) { return std::string(models::name_of(k)); }

/// The keys of the section and of its two sub-objects (the loader and the schema use these).
inline const std::vector<std::string>& protocol_keys() {
    static const std::vector<std::string> keys{"protocol", "path", "query", "namespace", "auth", "notification", "publish"};
    return keys;
}
inline const std::vector<std::string>& protocol_notification_keys() {
    static const std::vector<std::string> keys{"event", "type_field", "id", "sent_at"};
    return keys;
}
inline const std::vector<std::string>& protocol_publish_keys() {
    static const std::vector<std::string> keys{"via", "path", "event", "ack"};
    return keys;
}

/// The section as the scenario writes it (every key, defaults included). With `scrub_auth`, auth
/// string values other than ones that are just "{user}" become "***" (a token written there stays
/// out of reports).
inline nlohmann::ordered_json protocol_section_json(const protocol_config& p, bool scrub_auth = true) {
    nlohmann::ordered_json j = nlohmann::ordered_json::object();
    j["protocol"] = to_string(p.kind);
    j["path"] = p.ws_path();
    j["query"] = nlohmann::ordered_json::object();
    for (const auto& [k, v] : p.query) j["query"][k] = v;
    if (p.kind == protocol_kind::socketio) {
        j["namespace"] = p.nsp;
        if (p.auth.is_object()) {
            nlohmann::ordered_json a = nlohmann::ordered_json::object();
            for (const auto& [k, v] : p.auth.items())
                a[k] = (!scrub_auth || (v.is_string() && v.get_ref<const std::string&>() == "{user}")) ? nlohmann::ordered_json(v)
                                                                                                      : nlohmann::ordered_json("***");
            j["auth"] = std::move(a);
        } else {
            j["auth"] = nullptr;
        }
    }
    nlohmann::ordered_json n = nlohmann::ordered_json::object();
    n["event"] = p.notification_event;
    if (p.kind == protocol_kind::ws_json) n["type_field"] = p.type_field;
    n["id"] = p.id_field;
    n["sent_at"] = p.sent_at_field;
    j["notification"] = std::move(n);
    nlohmann::ordered_json pub = nlohmann::ordered_json::object();
    pub["via"] = std::string(models::name_of(p.via));
    if (p.via == publish_via::http) {
        pub["path"] = p.publish_path;
    } else {
        pub["event"] = p.publish_event;
        if (p.kind == protocol_kind::ws_json) pub["ack"] = p.ack_type;
    }
    j["publish"] = std::move(pub);
    return j;
}

} // namespace surge::sim
