// tools/replay/prompt_teardown.hpp — the layer under the replay's WebSocket streams that makes
// Beast's teardown immediate (issue 12, item 11).
//
// When Beast fails a connection by itself (a frame header announcing more than read_message_max,
// say 2^63-1 bytes; a protocol violation), it sends a close frame and then "tears down" the
// transport: for TCP it shuts down its sending side and reads until the server closes; for TLS it
// waits for the server's close_notify. A server that does neither holds the read, with its error,
// until something else closes the socket — our idle limit, a minute later. RFC 6455 7.1.7 lets the
// client drop the TCP connection at once when it fails the connection, and 7.1.1 lets it close
// after the close frames are exchanged; so here a teardown closes the socket and completes
// successfully, and the read ends promptly with Beast's own error (message_too_big, ...).
#pragma once

#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/role.hpp>
#include <boost/beast/core/stream_traits.hpp>

#include <utility>

namespace surge::replay {

/// Forwards reads and writes to `Next` (a tcp_stream or an ssl::stream over one); only the
/// websocket teardown differs (see the file comment).
template <class Next>
class prompt_teardown {
public:
    using executor_type = typename Next::executor_type;
    using next_layer_type = Next;

    template <class... Args>
    explicit prompt_teardown(Args&&... args) : next_(std::forward<Args>(args)...) {}

    executor_type get_executor() noexcept { return next_.get_executor(); }
    Next& next_layer() noexcept { return next_; }
    const Next& next_layer() const noexcept { return next_; }

    template <class MutableBuffers, class Token>
    auto async_read_some(const MutableBuffers& buffers, Token&& token) {
        return next_.async_read_some(buffers, std::forward<Token>(token));
    }
    template <class ConstBuffers, class Token>
    auto async_write_some(const ConstBuffers& buffers, Token&& token) {
        return next_.async_write_some(buffers, std::forward<Token>(token));
    }

    /// Closes the TCP socket; completes (posted, as Beast requires) without an error, so that the
    /// operation that tore the connection down reports its own reason.
    template <class Handler>
    friend void async_teardown(boost::beast::role_type, prompt_teardown& s, Handler&& handler) {
        boost::beast::error_code ignored;
        boost::beast::get_lowest_layer(s.next_).socket().close(ignored);
        boost::asio::post(s.get_executor(),
                          boost::beast::bind_front_handler(std::forward<Handler>(handler), boost::beast::error_code{}));
    }
    friend void teardown(boost::beast::role_type, prompt_teardown& s, boost::beast::error_code& ec) {
        boost::beast::get_lowest_layer(s.next_).socket().close(ec);
    }

private:
    Next next_;
};

} // namespace surge::replay
