// tools/replay/protocol_section.hpp — the scenario's optional "protocol" section, which the live
// replay owns: how `surge replay` talks to a real server (the WebSocket protocol, its path and
// query, the Socket.IO namespace and auth, where a notification's id and intended send time are,
// how notifications are published). sim/ only carries the section's raw JSON (sim::tool_section in
// sim/load.hpp); this file holds its types, enum name tables and reader. The reader is built on
// sim/load's JSON reading primitives so that its messages read like the loader's (FILE: /pointer:
// expected X, found Y; unknown keys with "did you mean"). No Beast, no Asio: tools/surge.cpp
// includes it so that `surge validate` checks the section even in a build without the replay.
// docs/scenarios.md and docs/replay.md describe the section.
#pragma once

#include <sim/load.hpp>

#include <models/enum_names.hpp>

#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace surge::replay {

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

/// The keys of the section and of its two sub-objects.
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

namespace protocol_detail {

using json = nlohmann::json;
using sim::load_detail::context;
using sim::load_detail::object_view;

/// A string that must not be empty.
inline std::string read_nonempty_string(const context& c, const json& j, const std::string& ptr) {
    if (!j.is_string() || j.get_ref<const std::string&>().empty()) c.expected(ptr, "a non-empty string", j);
    return j.get<std::string>();
}

/// The section's keys over `base`: what the document sets replaces base's value.
inline protocol_config read_protocol(const object_view& o, protocol_config base) {
    using sim::load_detail::pointer_token;
    using sim::load_detail::read_enum;
    using sim::load_detail::read_string;
    const context& c = o.ctx();
    if (o.has("protocol")) base.kind = read_enum<protocol_kind>(c, o["protocol"], o.at("protocol"));
    if (o.has("path")) {
        base.path = read_string(c, o["path"], o.at("path"));
        if (!base.path.empty() && base.path[0] != '/') c.expected(o.at("path"), "a path starting with '/'", o["path"]);
    }
    if (o.has("query")) {
        const json& q = o["query"];
        if (!q.is_object()) c.expected(o.at("query"), "an object of query parameter -> string (\"{user}\" is the user's id)", q);
        base.query.clear();
        for (const auto& [k, v] : q.items()) base.query.emplace_back(k, read_string(c, v, o.at("query") + "/" + pointer_token(k)));
    }
    if (o.has("namespace")) {
        const json& v = o["namespace"];
        if (!v.is_string() || v.get_ref<const std::string&>().empty() || v.get_ref<const std::string&>()[0] != '/')
            c.expected(o.at("namespace"), "a Socket.IO namespace starting with '/'", v);
        base.nsp = v.get<std::string>();
    }
    if (o.has("auth")) {
        const json& v = o["auth"];
        if (!v.is_object() && !v.is_null()) c.expected(o.at("auth"), "an object (the Socket.IO CONNECT payload) or null", v);
        base.auth = v;
    }
    if (o.has("notification")) {
        const object_view n = o.object("notification", protocol_notification_keys());
        if (n.has("event")) base.notification_event = read_nonempty_string(c, n["event"], n.at("event"));
        if (n.has("type_field")) base.type_field = read_nonempty_string(c, n["type_field"], n.at("type_field"));
        if (n.has("id")) base.id_field = read_nonempty_string(c, n["id"], n.at("id"));
        if (n.has("sent_at")) base.sent_at_field = read_nonempty_string(c, n["sent_at"], n.at("sent_at"));
    }
    if (o.has("publish")) {
        const object_view p = o.object("publish", protocol_publish_keys());
        if (p.has("via")) base.via = read_enum<publish_via>(c, p["via"], p.at("via"));
        if (p.has("path")) {
            base.publish_path = read_nonempty_string(c, p["path"], p.at("path"));
            if (base.publish_path[0] != '/') c.expected(p.at("path"), "a path starting with '/'", p["path"]);
        }
        if (p.has("event")) base.publish_event = read_nonempty_string(c, p["event"], p.at("event"));
        if (p.has("ack")) base.ack_type = read_nonempty_string(c, p["ack"], p.at("ack"));
    }
    return base;
}

/// Runs `read`, turning a check nobody anticipated into a message rather than a crash.
template <class Read>
protocol_config guarded(const std::string& file, const char* what, Read read) {
    try {
        return read();
    } catch (const sim::input_error&) {
        throw;
    } catch (const std::exception& e) {
        throw sim::input_error(file + ": " + what + ": " + e.what());
    }
}

} // namespace protocol_detail

/// The scenario's "protocol" section (as sim/ carried it) over `base`. Throws sim::input_error
/// naming the scenario file and the JSON pointer (/protocol/...), noting a --set that put a value
/// there.
inline protocol_config read_protocol_section(const sim::tool_section& s, protocol_config base = {}) {
    return protocol_detail::guarded(s.context.file, "invalid scenario", [&] {
        return protocol_detail::read_protocol(protocol_detail::object_view(s.context, s.value, s.pointer, protocol_keys()),
                                              std::move(base));
    });
}

/// The loaded scenario's protocol section, if it has one. Throws sim::input_error.
inline std::optional<protocol_config> protocol_of(const sim::loaded_scenario& loaded) {
    if (!loaded.protocol) return std::nullopt;
    return read_protocol_section(*loaded.protocol);
}

/// A protocol section on its own (surge replay --protocol-file): a JSON object with the keys of the
/// scenario's "protocol" section, or {"protocol": {...}}. Read over `base`; keys it does not set
/// keep base's values. Throws sim::input_error with the loader's messages, `file` naming the text.
inline protocol_config load_protocol_text(const std::string& text, const std::string& file, protocol_config base = {}) {
    const auto doc = sim::load_detail::parse_document(text, file);
    const sim::load_detail::context c{file, {}};
    return protocol_detail::guarded(file, "invalid protocol section", [&] {
        // {"protocol": {...}} (a scenario-like wrapper) or the section's keys at the top level.
        if (doc.is_object() && doc.size() == 1 && doc.contains("protocol") && doc["protocol"].is_object())
            return protocol_detail::read_protocol(protocol_detail::object_view(c, doc["protocol"], "/protocol", protocol_keys()),
                                                  std::move(base));
        return protocol_detail::read_protocol(
            protocol_detail::object_view(c, doc, "", protocol_keys(), "an object (a protocol section)"), std::move(base));
    });
}

inline protocol_config load_protocol_file(const std::string& path, protocol_config base = {}) {
    return load_protocol_text(sim::read_text_file(path), path, std::move(base));
}

} // namespace surge::replay
