// sim/load/protocol_section.hpp — the scenario's optional "protocol" section (sim/protocol.hpp),
// read over a base configuration: what the document sets replaces the base's value. Only a live
// replay uses it; the simulator ignores it.
#pragma once

#include <sim/load/json_values.hpp>
#include <sim/load/object_view.hpp>
#include <sim/protocol.hpp>

#include <nlohmann/json.hpp>

#include <string>

namespace surge::sim::load_detail {

using json = nlohmann::json;

/// A string that must not be empty.
inline std::string read_nonempty_string(const context& c, const json& j, const std::string& ptr) {
    if (!j.is_string() || j.get_ref<const std::string&>().empty()) c.expected(ptr, "a non-empty string", j);
    return j.get<std::string>();
}

/// The "protocol" section over `base` (sim/protocol.hpp): what the document sets replaces base's.
inline protocol_config read_protocol(const object_view& o, protocol_config base) {
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

} // namespace surge::sim::load_detail
