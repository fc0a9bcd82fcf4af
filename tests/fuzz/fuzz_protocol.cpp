// tests/fuzz/fuzz_protocol.cpp — libFuzzer target: the protocol section reader behind
// `surge replay --protocol-file` (the section's keys at the top level, or {"protocol": {...}}).
// An input_error is the expected answer to bad input; anything else is a finding. The CONNECT
// frame the replay builds from the section's auth value is built too.
#include <sim/load.hpp>
#include <tools/replay/protocol.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        const auto cfg = surge::replay::load_protocol_text(text, "fuzz-protocol.json");
        (void)surge::replay::socketio_connect_frame(cfg, "u1");
        (void)surge::replay::ws_request_target(cfg, "/base", "u1");
    } catch (const surge::sim::input_error&) {
    }
    return 0;
}
