// tests/fuzz/fuzz_websocket.cpp — libFuzzer target: the replay's WebSocket client reading what a
// server sends after the upgrade. The input is the raw byte stream from the server (frame
// headers, payloads, control frames, fragments); the client is a Beast websocket stream with the
// settings of tools/replay/connection.hpp (message limit 1 MiB, no auto-fragmenting), over Beast's
// in-memory test stream, and every text message goes through the replay's decoder. The first byte
// picks Socket.IO or ws-json. The upgrade itself is a real handshake with an in-memory server.
// Errors of the stream (a bad frame, a message too big, the end of the input) end the read loop;
// a crash, UB, a leak, a hang or unbounded memory is a finding.
#include <tools/replay/protocol.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/beast/_experimental/test/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
using surge::replay::protocol_config;
using surge::replay::protocol_kind;

constexpr std::size_t max_message = 1 << 20;  // connection_settings::max_message

struct reader {
    websocket::stream<beast::test::stream&>& ws;
    const protocol_config& cfg;
    beast::flat_buffer buf;
    std::size_t messages = 0;

    void read() {
        ws.async_read(buf, [this](beast::error_code ec, std::size_t) {
            if (ec) return;
            if (ws.got_text()) {
                const auto d = buf.cdata();
                const std::string_view text(static_cast<const char*>(d.data()), d.size());
                (void)(cfg.kind == protocol_kind::socketio ? surge::replay::decode_socketio(text, cfg)
                                                           : surge::replay::decode_ws_json(text, cfg));
            }
            buf.consume(buf.size());
            ++messages;
            read();
        });
    }
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    protocol_config cfg;
    if (data[0] & 1) cfg.kind = protocol_kind::ws_json;
    const std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);

    boost::asio::io_context io;
    beast::test::stream client_end(io), server_end(io);
    client_end.connect(server_end);
    websocket::stream<beast::test::stream&> client(client_end);
    websocket::stream<beast::test::stream&> server(server_end);
    client.read_message_max(max_message);
    client.auto_fragment(false);
    bool upgraded = false, accepted = false;
    server.async_accept([&](beast::error_code ec) { accepted = !ec; });
    client.async_handshake("localhost", "/socket.io/?EIO=4&transport=websocket",
                           [&](beast::error_code ec) { upgraded = !ec; });
    io.run();
    if (!upgraded || !accepted) std::abort();  // the in-memory upgrade itself must work

    // What the server sends from now on is the input; then it hangs up.
    client_end.append(beast::string_view(bytes.data(), bytes.size()));
    server_end.close();
    reader r{client, cfg, {}};
    r.read();
    io.restart();
    io.run();
    return 0;
}
