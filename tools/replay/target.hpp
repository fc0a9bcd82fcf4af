// tools/replay/target.hpp — the server a live replay talks to: its URL, whether it is on this
// machine, and the extra headers (tokens) sent with every handshake and publish.
//
// Safety rules of issue 5 live here: a target is always given explicitly; one that is not on
// loopback needs --yes; header values are secrets and never appear in reports, logs or errors
// (redact() is applied to every message that leaves the program).
#pragma once

#include <boost/asio/ip/address.hpp>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace surge::replay {

class target_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct target_url {
    bool tls = false;
    std::string host;          // without brackets for IPv6
    std::uint16_t port = 0;
    std::string base_path;     // path prefix, "" or "/something" (no trailing slash)

    [[nodiscard]] std::string host_header() const {
        const bool v6 = host.find(':') != std::string::npos;
        std::string h = v6 ? "[" + host + "]" : host;
        const bool default_port = (tls && port == 443) || (!tls && port == 80);
        if (!default_port) h += ":" + std::to_string(port);
        return h;
    }
    [[nodiscard]] std::string origin() const {
        return std::string(tls ? "https://" : "http://") + host_header();
    }
};

/// Parses ws://, wss://, http:// or https:// URLs (http(s) mean ws(s) for the WebSocket and
/// themselves for HTTP publishing). No user info, no query or fragment.
inline target_url parse_target_url(std::string_view url) {
    target_url t;
    std::string_view rest;
    auto starts = [&](std::string_view p) { return url.substr(0, p.size()) == p; };
    if (starts("ws://")) rest = url.substr(5);
    else if (starts("http://")) rest = url.substr(7);
    else if (starts("wss://")) { t.tls = true; rest = url.substr(6); }
    else if (starts("https://")) { t.tls = true; rest = url.substr(8); }
    else throw target_error("--target: expected a ws://, wss://, http:// or https:// URL");
    const auto slash = rest.find('/');
    std::string_view authority = rest.substr(0, slash);
    std::string_view path = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
    if (path.find_first_of("?#") != std::string_view::npos)
        throw target_error("--target: a query or fragment is not allowed (the protocol settings build the query)");
    if (authority.find('@') != std::string_view::npos)
        throw target_error("--target: credentials in the URL are not allowed; pass them with --header");
    std::string_view port_text;
    bool port_given = false;
    if (!authority.empty() && authority[0] == '[') {
        const auto close = authority.find(']');
        if (close == std::string_view::npos) throw target_error("--target: unterminated IPv6 address");
        t.host = std::string(authority.substr(1, close - 1));
        const auto after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after[0] != ':') throw target_error("--target: unexpected text after the IPv6 address");
            port_text = after.substr(1);
            port_given = true;
        }
    } else {
        const auto colon = authority.rfind(':');
        t.host = std::string(authority.substr(0, colon));
        if (colon != std::string_view::npos) {
            port_text = authority.substr(colon + 1);
            port_given = true;
        }
    }
    if (t.host.empty()) throw target_error("--target: no host");
    if (port_given && port_text.empty()) throw target_error("--target: empty port after ':'");
    if (port_text.empty()) {
        t.port = t.tls ? 443 : 80;
    } else {
        unsigned long p = 0;
        for (const char c : port_text) {
            if (c < '0' || c > '9') throw target_error("--target: bad port");
            p = p * 10 + static_cast<unsigned long>(c - '0');
            if (p > 65535) throw target_error("--target: port out of range");
        }
        if (p == 0) throw target_error("--target: port 0");
        t.port = static_cast<std::uint16_t>(p);
    }
    t.base_path = std::string(path);
    while (!t.base_path.empty() && t.base_path.back() == '/') t.base_path.pop_back();
    return t;
}

inline bool is_loopback(const boost::asio::ip::address& a) {
    if (a.is_loopback()) return true;
    if (a.is_v6() && a.to_v6().is_v4_mapped())
        return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, a.to_v6()).is_loopback();
    return false;
}

/// One --header "Name: value". The value is a secret.
struct header {
    std::string name;
    std::string value;
};

inline header parse_header(std::string_view s) {
    const auto colon = s.find(':');
    if (colon == std::string_view::npos || colon == 0)
        throw target_error("--header: expected \"Name: value\" (the value is not shown)");
    header h;
    h.name = std::string(s.substr(0, colon));
    while (!h.name.empty() && h.name.back() == ' ') h.name.pop_back();
    // A misplaced colon ("Authorization Bearer SECRET: x") puts the secret into the name: the
    // message names the offending character's position and kind, never the text itself.
    for (std::size_t i = 0; i < h.name.size(); ++i) {
        const auto c = static_cast<unsigned char>(h.name[i]);
        if (c <= ' ' || c >= 127)
            throw target_error("--header: the text before the first ':' is not a header name (" +
                               std::string(c == ' ' ? "a space" : c == '\t' ? "a tab" : c < ' ' || c == 127 ? "a control character" : "a non-ASCII byte") +
                               " at character " + std::to_string(i + 1) +
                               "); expected \"Name: value\" (the argument is not shown: it may hold a secret)");
    }
    std::string_view v = s.substr(colon + 1);
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
    for (const char c : v)
        if (c == '\r' || c == '\n') throw target_error("--header " + h.name + ": the value contains a line break");
    h.value = std::string(v);
    return h;
}

/// Replaces every occurrence of a header value in `text` by "***".
inline std::string redact(std::string text, const std::vector<header>& headers) {
    for (const auto& h : headers) {
        if (h.value.size() < 3) continue;  // too short to search for without mangling the text
        for (auto at = text.find(h.value); at != std::string::npos; at = text.find(h.value, at + 3))
            text.replace(at, h.value.size(), "***");
    }
    return text;
}

} // namespace surge::replay
