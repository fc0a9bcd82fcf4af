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

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <exception>
#include <optional>
#include <stdexcept>
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
    /// Where a notification's id and echoed send time are, in the notification object (the ws-json
    /// message; the Socket.IO event's first argument): a top-level key ("id"), or a JSON pointer
    /// into it ("/data/ref", RFC 6901). sent_at "" = not read (protocol section: null).
    std::string id_field = "id";                         // in a notification: its id
    std::string sent_at_field = "sent_at";               // in a notification: intended send time, unix ms
    /// The id is searched for in a string value (a server that keeps only a title, "surge 123"):
    /// the decimal integer right after the first `id_after` in it, or the first run of digits
    /// when `id_after` is empty. Off: a string id must be all digits. An integer id is taken as is.
    bool id_search = false;
    std::string id_after;
    publish_via via = publish_via::http;
    std::string publish_path = "/publish";               // HTTP POST path
    std::string publish_event = "publish";               // Socket.IO event / ws-json type
    std::string ack_type = "ack";                        // ws-json: type of the publish acknowledgement
    /// The publish request template (publish_template.hpp expands it). HTTP method, extra headers
    /// (values are secrets: "***" in reports, redacted in errors), and a JSON body whose string
    /// values may hold placeholders (publish_placeholders()); null body = the replay's own
    /// notification objects (the default). A broadcast may go elsewhere: its own path, method and
    /// body ("" / null = the same as a user publish).
    std::string publish_method = "POST";
    std::vector<std::pair<std::string, std::string>> publish_headers;
    nlohmann::json publish_body;                         // null: the default body
    std::string broadcast_path, broadcast_method;        // "": publish_path, publish_method
    nlohmann::json broadcast_body;                       // null: publish_body
    bool broadcast_request = false;                      // the section had a publish.broadcast object

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
    static const std::vector<std::string> keys{"via", "path", "event", "ack", "method", "headers", "body", "broadcast"};
    return keys;
}
inline const std::vector<std::string>& protocol_broadcast_keys() {
    static const std::vector<std::string> keys{"path", "method", "body"};
    return keys;
}
inline const std::vector<std::string>& protocol_id_keys() {
    static const std::vector<std::string> keys{"at", "after"};
    return keys;
}

/// The placeholders of a publish body template, written "{name}" in a string value. A string
/// that is exactly one placeholder becomes the typed value; inside a longer string, its text.
/// Per notification object: id (integer), recipient (the user's id, "u17"; null in a broadcast),
/// recipient_index (17), recipients / recipient_indexes (the notification's recipients, arrays),
/// broadcast (bool), target ("user" or "broadcast"), priority ("normal"...), payload (the
/// payload's bytes, "xxx..."), sent_at / issued_at (intended / actual send time, Unix ms).
/// "{{" and "}}" are literal braces.
inline const std::vector<std::string>& publish_placeholders() {
    static const std::vector<std::string> names{"id",        "recipient", "recipient_index", "recipients", "recipient_indexes",
                                                "broadcast", "target",    "priority",        "payload",    "sent_at",
                                                "issued_at"};
    return names;
}

/// The parts of a template string: literal text and placeholder names. Throws
/// std::invalid_argument with a message for an unknown placeholder or a lone brace.
struct template_part {
    bool placeholder = false;
    std::string text;  // the literal, or the placeholder's name
};
inline std::vector<template_part> split_template(std::string_view s) {
    std::vector<template_part> parts;
    std::string lit;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char ch = s[i];
        if ((ch == '{' || ch == '}') && i + 1 < s.size() && s[i + 1] == ch) {
            lit += ch;
            ++i;
            continue;
        }
        if (ch == '}') throw std::invalid_argument("a lone '}' (write \"}}\" for a literal brace)");
        if (ch != '{') {
            lit += ch;
            continue;
        }
        const auto close = s.find('}', i + 1);
        if (close == std::string_view::npos) throw std::invalid_argument("a '{' without its '}' (write \"{{\" for a literal brace)");
        const std::string name(s.substr(i + 1, close - i - 1));
        const auto& known = publish_placeholders();
        if (std::find(known.begin(), known.end(), name) == known.end())
            throw std::invalid_argument("unknown placeholder {" + name + "}; " +
                                        sim::load_detail::unknown_key_message(name, known, "placeholder").substr(std::string("unknown placeholder; ").size()));
        if (!lit.empty()) parts.push_back({false, std::move(lit)});
        lit.clear();
        parts.push_back({true, name});
        i = close;
    }
    if (!lit.empty()) parts.push_back({false, std::move(lit)});
    return parts;
}

/// A JSON pointer's reference tokens (RFC 6901: "~1" is '/', "~0" is '~'); nullopt when `p` is
/// not a pointer (no leading '/', or a '~' not followed by 0 or 1).
inline std::optional<std::vector<std::string>> pointer_tokens(std::string_view p) {
    if (p.empty() || p[0] != '/') return std::nullopt;
    std::vector<std::string> tokens(1);
    for (std::size_t i = 1; i < p.size(); ++i) {
        if (p[i] == '/') tokens.emplace_back();
        else if (p[i] != '~') tokens.back() += p[i];
        else if (i + 1 < p.size() && (p[i + 1] == '0' || p[i + 1] == '1')) tokens.back() += p[++i] == '0' ? '~' : '/';
        else return std::nullopt;
    }
    return tokens;
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
                a[k] = (!scrub_auth || (v.is_string() && (v.get_ref<const std::string&>() == "{user}" ||
                                                          v.get_ref<const std::string&>() == "{user_index}")))
                           ? nlohmann::ordered_json(v)
                                                                                                      : nlohmann::ordered_json("***");
            j["auth"] = std::move(a);
        } else {
            j["auth"] = nullptr;
        }
    }
    nlohmann::ordered_json n = nlohmann::ordered_json::object();
    n["event"] = p.notification_event;
    if (p.kind == protocol_kind::ws_json) n["type_field"] = p.type_field;
    if (p.id_search) n["id"] = nlohmann::ordered_json{{"at", p.id_field}, {"after", p.id_after}};
    else n["id"] = p.id_field;
    if (p.sent_at_field.empty()) n["sent_at"] = nullptr;
    else n["sent_at"] = p.sent_at_field;
    j["notification"] = std::move(n);
    nlohmann::ordered_json pub = nlohmann::ordered_json::object();
    pub["via"] = std::string(models::name_of(p.via));
    if (p.via == publish_via::http) {
        pub["path"] = p.publish_path;
        pub["method"] = p.publish_method;
    } else {
        pub["event"] = p.publish_event;
        if (p.kind == protocol_kind::ws_json) pub["ack"] = p.ack_type;
    }
    // Publish headers may carry tokens: their values are "***" in reports.
    nlohmann::ordered_json h = nlohmann::ordered_json::object();
    for (const auto& [k, v] : p.publish_headers) h[k] = scrub_auth ? std::string("***") : v;
    if (!p.publish_headers.empty()) pub["headers"] = std::move(h);
    pub["body"] = nlohmann::ordered_json(p.publish_body);
    if (p.broadcast_request) {
        nlohmann::ordered_json b = nlohmann::ordered_json::object();
        if (p.via == publish_via::http) {
            b["path"] = p.broadcast_path.empty() ? p.publish_path : p.broadcast_path;
            b["method"] = p.broadcast_method.empty() ? p.publish_method : p.broadcast_method;
        }
        b["body"] = nlohmann::ordered_json(p.broadcast_body.is_null() ? p.publish_body : p.broadcast_body);
        pub["broadcast"] = std::move(b);
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

/// Where a notification field is: a top-level key, or a JSON pointer (leading '/').
inline std::string read_field(const context& c, const json& j, const std::string& ptr, const char* what) {
    const std::string s = read_nonempty_string(c, j, ptr);
    if (s[0] == '/' && !pointer_tokens(s))
        c.expected(ptr, std::string("a JSON pointer to the ") + what + " (RFC 6901: '~' only as ~0 or ~1)", j);
    return s;
}

/// notification.id: "id" / "/data/ref", or {"at": FIELD, "after": TEXT} (the id is the integer in
/// a string field, after TEXT).
inline void read_id(const object_view& n, protocol_config& base) {
    const context& c = n.ctx();
    const json& v = n["id"];
    if (!v.is_object()) {
        if (!v.is_string())
            c.expected(n.at("id"), "a field name, a JSON pointer, or {\"at\": field, \"after\": text} (the id inside a string)", v);
        base.id_field = read_field(c, v, n.at("id"), "id");
        base.id_search = false;
        base.id_after.clear();
        return;
    }
    const object_view o = n.object("id", protocol_id_keys());
    o.require("at", "the field (name or JSON pointer) whose string holds the id");
    base.id_field = read_field(c, o["at"], o.at("at"), "id");
    base.id_search = true;
    base.id_after = o.has("after") ? sim::load_detail::read_string(c, o["after"], o.at("after")) : std::string();
}

inline std::string read_method(const context& c, const json& j, const std::string& ptr) {
    if (j.is_string()) {
        const auto& m = j.get_ref<const std::string&>();
        if (m == "POST" || m == "PUT" || m == "PATCH") return m;
    }
    c.expected(ptr, "an HTTP method: \"POST\", \"PUT\" or \"PATCH\"", j);
}

/// A header value: a string without CR, LF or NUL; the name a token (RFC 9110). Never quoted in a
/// message: it may be a secret.
inline std::string read_header(const context& c, const std::string& name, const json& v, const std::string& headers_ptr) {
    const std::string ptr = headers_ptr + "/" + sim::load_detail::pointer_token(name);
    const auto tchar = [](unsigned char ch) {
        return std::isalnum(ch) != 0 || std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(ch)) != std::string_view::npos;
    };
    if (name.empty() || !std::all_of(name.begin(), name.end(), [&](char ch) { return tchar(static_cast<unsigned char>(ch)); }))
        c.fail(ptr, "a header name is a token (letters, digits, !#$%&'*+-.^_`|~), without spaces or ':'");
    if (!v.is_string()) c.fail(ptr, "expected a header value (a string), found " + std::string(v.type_name()));
    const auto& s = v.get_ref<const std::string&>();
    if (s.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos)
        c.fail(ptr, "a header value must not contain CR, LF or NUL (the value is not shown: it may be a secret)");
    return s;
}

/// A body template: a JSON object or array whose string values' placeholders are all known.
inline json read_body(const context& c, const json& j, const std::string& ptr) {
    if (!j.is_object() && !j.is_array() && !j.is_null())
        c.expected(ptr, "a JSON object (the publish body template; \"{recipient}\", \"{id}\"... in string values) or null", j);
    // Every string value, at any depth (iteratively: a template's depth is the file's).
    std::vector<std::pair<const json*, std::string>> todo{{&j, ptr}};
    while (!todo.empty()) {
        auto [node, at] = std::move(todo.back());
        todo.pop_back();
        if (node->is_string()) {
            try {
                (void)split_template(node->get_ref<const std::string&>());
            } catch (const std::invalid_argument& e) {
                c.fail(at, e.what());
            }
        } else if (node->is_object()) {
            for (const auto& [k, v] : node->items()) todo.emplace_back(&v, at + "/" + sim::load_detail::pointer_token(k));
        } else if (node->is_array()) {
            for (std::size_t i = 0; i < node->size(); ++i) todo.emplace_back(&(*node)[i], at + "/" + std::to_string(i));
        }
    }
    return j;
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
        if (n.has("id")) read_id(n, base);
        if (n.has("sent_at")) {
            if (n["sent_at"].is_null()) base.sent_at_field.clear();
            else base.sent_at_field = read_field(c, n["sent_at"], n.at("sent_at"), "sent_at");
        }
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
        if (p.has("method")) base.publish_method = read_method(c, p["method"], p.at("method"));
        if (p.has("headers")) {
            const json& h = p["headers"];
            if (!h.is_object()) c.expected(p.at("headers"), "an object of header name -> value (sent with every publish request)", h);
            base.publish_headers.clear();
            for (const auto& [k, v] : h.items()) base.publish_headers.emplace_back(k, read_header(c, k, v, p.at("headers")));
        }
        if (p.has("body")) base.publish_body = read_body(c, p["body"], p.at("body"));
        if (p.has("broadcast")) {
            const object_view b = p.object("broadcast", protocol_broadcast_keys());
            base.broadcast_request = true;
            if (b.has("path")) {
                base.broadcast_path = read_nonempty_string(c, b["path"], b.at("path"));
                if (base.broadcast_path[0] != '/') c.expected(b.at("path"), "a path starting with '/'", b["path"]);
            }
            if (b.has("method")) base.broadcast_method = read_method(c, b["method"], b.at("method"));
            if (b.has("body")) base.broadcast_body = read_body(c, b["body"], b.at("body"));
        }
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
