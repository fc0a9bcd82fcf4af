// tests/fuzz/fuzz_frames.cpp — libFuzzer target: the replay's decoding of one received text frame
// (tools/replay/protocol.hpp): Engine.IO/Socket.IO packets and ws-json messages, and the frame
// JSON reader under both (frame_json.hpp). The first byte picks the protocol settings, the rest is
// the frame. Decoding never throws: a malformed frame is an inbound::kind::error. Checked besides
// crashes:
//  - the reader (simdjson, with nlohmann::json's SAX parser as its fallback) and nlohmann::json's
//    SAX parser alone agree: the same frames are JSON, with the same fields kept; and a frame is
//    JSON exactly when nlohmann::json::accept says so (frames holding a NUL byte left out of that
//    comparison: accept takes a NUL for the end of its input and accepts "3\0garbage");
//  - an Engine.IO open packet's heartbeat is one the connection can turn into a timer
//    (connection.hpp: (pingInterval + pingTimeout) ms -> ns), so neither is negative nor huge.
#include <tools/replay/protocol.hpp>

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string_view>

namespace {

using surge::replay::protocol_config;
using surge::replay::protocol_kind;

protocol_config settings(std::uint8_t pick) {
    protocol_config cfg;
    switch (pick & 3) {
    case 0: break;                                        // Socket.IO, namespace "/"
    case 1: cfg.nsp = "/chat"; cfg.notification_event = "n"; break;
    case 2: cfg.kind = protocol_kind::ws_json; break;     // ws-json, type field "type"
    default:
        cfg.kind = protocol_kind::ws_json;
        cfg.type_field = "kind";
        cfg.id_field = "nid";
        cfg.sent_at_field = "ts";
        break;
    }
    return cfg;
}

[[noreturn]] void finding(const char* what, std::string_view frame) {
    std::fprintf(stderr, "fuzz_frames: %s: \"%.*s\"\n", what, static_cast<int>(frame.size() > 200 ? 200 : frame.size()),
                 frame.data());
    std::abort();
}

bool same(const surge::replay::frame_fields& a, const surge::replay::frame_fields& b) {
    const auto same_double = [](const std::optional<double>& x, const std::optional<double>& y) {
        return x.has_value() == y.has_value() && (!x || *x == *y || (*x != *x && *y != *y));
    };
    return a.top == b.top && a.first_is_string == b.first_is_string && a.has_type == b.has_type && a.type == b.type &&
           a.id == b.id && a.ref == b.ref && same_double(a.sent_at, b.sent_at) && same_double(a.issued_at, b.issued_at);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const protocol_config cfg = settings(data[0]);
    const std::string_view frame(reinterpret_cast<const char*>(data + 1), size - 1);

    const auto m = cfg.kind == protocol_kind::socketio ? surge::replay::decode_socketio(frame, cfg)
                                                       : surge::replay::decode_ws_json(frame, cfg);
    if (m.what == surge::replay::inbound::kind::opened) {
        // Larger than a day is no heartbeat; the sum in ns must stay far from overflow.
        constexpr std::int64_t day_ms = 86'400'000;
        if (m.ping_interval_ms <= 0 || m.ping_interval_ms > day_ms || m.ping_timeout_ms < 0 || m.ping_timeout_ms > day_ms)
            finding("open packet accepted with a heartbeat out of range", frame);
    }

    const bool socketio = cfg.kind == protocol_kind::socketio;
    surge::replay::frame_fields fast, reference;
    const bool json = surge::replay::read_frame_json(frame, cfg, socketio, fast);
    if (json != surge::replay::read_frame_json_sax(frame, cfg, socketio, reference))
        finding("simdjson and nlohmann::json disagree on whether the frame is JSON", frame);
    if (json && !same(fast, reference)) finding("simdjson and nlohmann::json keep different fields", frame);
    if (frame.find('\0') == std::string_view::npos && nlohmann::json::accept(frame) != json)
        finding("the frame reader and nlohmann::json::accept disagree", frame);
    return 0;
}
