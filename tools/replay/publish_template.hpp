// tools/replay/publish_template.hpp — the publish body template of the protocol section
// (protocol_config::publish_body, broadcast_body) expanded for one notification: every string
// value's placeholders (publish_placeholders() in protocol_section.hpp) replaced. A string that
// is exactly one placeholder becomes the typed JSON value ({id} -> 17, {broadcast} -> true,
// {recipients} -> ["u1","u2"]); placeholders inside a longer string are replaced by their text
// ("surge {id}" -> "surge 17"; arrays as comma-separated items, null as ""). Keys are not
// expanded. Pure functions over nlohmann::json: tests/live/test_replay_protocol.cpp.
#pragma once

#include "protocol_section.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdio>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace surge::replay {

/// What the placeholders of one notification object stand for.
struct notification_values {
    std::int64_t id = 0;
    bool broadcast = false;
    std::string_view user_prefix = "u";
    std::span<const std::uint32_t> recipients;  // empty for a broadcast; {recipient} is the first
    std::string_view priority = "normal";
    std::uint32_t payload = 0;                  // bytes of 'x'
    double sent_at_ms = 0, issued_at_ms = 0;    // Unix milliseconds
};

namespace template_detail {

inline std::string user_id(const notification_values& v, std::uint32_t u) { return std::string(v.user_prefix) + std::to_string(u); }

inline std::string ms_text(double ms) {
    char num[48];
    std::snprintf(num, sizeof num, "%.3f", ms);
    return num;
}

/// The typed value of a placeholder.
inline nlohmann::json value_of(std::string_view name, const notification_values& v) {
    const bool one = !v.recipients.empty();
    if (name == "id") return v.id;
    if (name == "recipient") return one ? nlohmann::json(user_id(v, v.recipients[0])) : nlohmann::json(nullptr);
    if (name == "recipient_index") return one ? nlohmann::json(v.recipients[0]) : nlohmann::json(nullptr);
    if (name == "recipients" || name == "recipient_indexes") {
        nlohmann::json a = nlohmann::json::array();
        for (const auto u : v.recipients) a.push_back(name == "recipients" ? nlohmann::json(user_id(v, u)) : nlohmann::json(u));
        return a;
    }
    if (name == "broadcast") return v.broadcast;
    if (name == "target") return v.broadcast ? "broadcast" : "user";
    if (name == "priority") return std::string(v.priority);
    if (name == "payload") return std::string(v.payload, 'x');
    if (name == "sent_at") return v.sent_at_ms;
    if (name == "issued_at") return v.issued_at_ms;
    return nullptr;  // unreachable: the reader rejected unknown names
}

/// The text of a placeholder inside a longer string.
inline std::string text_of(std::string_view name, const notification_values& v) {
    if (name == "sent_at") return ms_text(v.sent_at_ms);
    if (name == "issued_at") return ms_text(v.issued_at_ms);
    const nlohmann::json j = value_of(name, v);
    if (j.is_string()) return j.get<std::string>();
    if (j.is_null()) return {};
    if (j.is_array()) {
        std::string s;
        for (const auto& e : j) s += (s.empty() ? "" : ",") + (e.is_string() ? e.get<std::string>() : e.dump());
        return s;
    }
    return j.dump();  // a number, a bool
}

} // namespace template_detail

/// One string value of a template, expanded.
inline nlohmann::json expand_string(std::string_view s, const notification_values& v) {
    const auto parts = split_template(s);
    if (parts.size() == 1 && parts[0].placeholder) return template_detail::value_of(parts[0].text, v);
    std::string out;
    for (const auto& p : parts) out += p.placeholder ? template_detail::text_of(p.text, v) : p.text;
    return out;
}

/// The template expanded for one notification (iteratively: no recursion on the template's depth).
inline nlohmann::json expand_template(const nlohmann::json& tmpl, const notification_values& v) {
    nlohmann::json out = tmpl;
    std::vector<nlohmann::json*> todo{&out};
    while (!todo.empty()) {
        nlohmann::json* node = todo.back();
        todo.pop_back();
        if (node->is_string()) *node = expand_string(node->get_ref<const std::string&>(), v);
        else if (node->is_structured())
            for (auto& child : *node) todo.push_back(&child);
    }
    return out;
}

/// Whether a template names the recipient list ({recipients}, {recipient_indexes}): then one
/// object per notification carries all its recipients; otherwise one object per recipient.
inline bool names_recipient_list(const nlohmann::json& tmpl) {
    std::vector<const nlohmann::json*> todo{&tmpl};
    while (!todo.empty()) {
        const nlohmann::json* node = todo.back();
        todo.pop_back();
        if (node->is_string()) {
            for (const auto& p : split_template(node->get_ref<const std::string&>()))
                if (p.placeholder && (p.text == "recipients" || p.text == "recipient_indexes")) return true;
        } else if (node->is_structured()) {
            for (const auto& child : *node) todo.push_back(&child);
        }
    }
    return false;
}

/// The body template for a publish of this target kind (null: the replay's default body).
inline const nlohmann::json& body_template(const protocol_config& cfg, bool broadcast) {
    return broadcast && !cfg.broadcast_body.is_null() ? cfg.broadcast_body : cfg.publish_body;
}

} // namespace surge::replay
