// tools/replay/connection.hpp — one client WebSocket (ws:// or wss://) speaking Socket.IO or
// ws-json, on Boost.Beast. A connection is one attempt: connect, (TLS,) upgrade, protocol
// handshake, then a read loop until it closes; the user it belongs to (or the publisher) learns
// what happens through session_events and opens a new connection to reconnect.
//
// Every step has a deadline: the TCP connect and TLS handshake through beast::tcp_stream's
// expiry, the WebSocket upgrade and the close handshake through the stream's timeout option, and
// the idle limit of an open connection through a timer of our own (for Socket.IO the limit is
// pingInterval + pingTimeout from the open packet, as the Engine.IO v4 client does; for ws-json a
// ping goes out after half the limit without traffic, as Beast's keep-alive pings would).
// Not Beast's idle timeout: it re-arms its timer on every read (a timer-queue removal, an
// insertion and a cancelled wait per message, ~10% of the client's CPU at 50 000 messages/s);
// ours notes the time of the last frame and re-arms only when it fires.
#pragma once

#include "prompt_teardown.hpp"
#include "protocol.hpp"
#include "target.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace surge::replay {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

using steady = std::chrono::steady_clock;

inline std::int64_t steady_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(steady::now().time_since_epoch()).count();
}

/// What every connection of a run shares (read-only while the run goes on).
struct connection_settings {
    target_url target;
    protocol_config protocol;
    std::vector<header> headers;
    tcp::resolver::results_type endpoints;     // resolved once, before the run
    ssl::context* tls = nullptr;               // set for wss://
    std::chrono::milliseconds connect_timeout{10'000};
    std::chrono::milliseconds idle_timeout{60'000};  // ws-json; Socket.IO takes the server's heartbeat
    std::size_t max_message = 1 << 20;
    /// An open connection sends a WebSocket ping this often to time its link's round trip (the
    /// first one soon after it came up, see ws_connection::up); zero: none.
    std::chrono::milliseconds rtt_interval{5'000};
};

/// The parts of one successful attempt's connect time, in nanoseconds; -1 where a part does not
/// apply (TLS without wss, the namespace connect without Socket.IO). They are disjoint spans
/// within the attempt, so their sum is at most the attempt's connect time; what is left over is
/// the wait for the Engine.IO open packet and the few steps between the parts.
struct connect_timing {
    std::int64_t tcp_ns = -1;        // TCP connect (the resolved endpoints, in order)
    std::int64_t tls_ns = -1;        // TLS handshake
    std::int64_t upgrade_ns = -1;    // WebSocket upgrade request until the 101 response
    std::int64_t namespace_ns = -1;  // Socket.IO CONNECT sent until its acknowledgement
};

/// Why a connection ended.
enum class close_reason : std::uint8_t {
    by_client,        // we closed it (end of session, fault, end of run)
    by_server,        // close frame, Engine.IO close, Socket.IO DISCONNECT, or EOF
    connect_failed,   // TCP connect, TLS or upgrade failed or timed out
    refused,          // the Socket.IO CONNECT was refused (CONNECT_ERROR)
    timeout,          // no traffic within the idle limit
    error,            // any other transport error
};

inline const char* to_string(close_reason r) {
    switch (r) {
    case close_reason::by_client: return "closed by client";
    case close_reason::by_server: return "closed by server";
    case close_reason::connect_failed: return "connect failed";
    case close_reason::refused: return "connect refused by the server";
    case close_reason::timeout: return "timed out";
    case close_reason::error: return "transport error";
    }
    return "?";
}

/// What a connection tells its owner. Called on the connection's io_context thread.
class session_events {
public:
    virtual void on_up(std::int64_t connect_ns) = 0;                  // ready for traffic
    virtual void on_inbound(const inbound& m) = 0;                    // notification, publish ack, other event
    virtual void on_protocol_error(const std::string& detail) = 0;    // malformed frame (counted)
    virtual void on_down(close_reason why, const std::string& detail) = 0;
    /// The parts of the connect time, just before on_up (only for an attempt that came up).
    virtual void on_connect_timing(const connect_timing&) {}
    /// A WebSocket ping of ours answered by its pong after `rtt_ns` (settings' rtt_interval).
    virtual void on_link_rtt(std::int64_t /*rtt_ns*/) {}

protected:
    ~session_events() = default;
};

class connection {
public:
    virtual ~connection() = default;
    virtual void start(std::string user) = 0;
    virtual void send(std::string frame) = 0;
    /// graceful: a close handshake; otherwise the TCP socket is simply closed (a lost link).
    virtual void close(bool graceful) = 0;
    /// The owner no longer wants events (it is gone or has moved on).
    virtual void detach() = 0;
};

template <class Next>
class ws_connection final : public connection, public std::enable_shared_from_this<ws_connection<Next>> {
public:
    template <class... Args>
    ws_connection(const connection_settings& s, session_events* owner, Args&&... next_args)
        : settings_(s), owner_(owner), ws_(std::forward<Args>(next_args)...), idle_timer_(ws_.get_executor()) {}

    void start(std::string user) override {
        user_ = std::move(user);
        started_ns_ = steady_ns();
        auto& lowest = beast::get_lowest_layer(ws_);
        lowest.expires_after(settings_.connect_timeout);
        lowest.async_connect(settings_.endpoints,
                             [self = this->shared_from_this()](beast::error_code ec, const tcp::endpoint&) {
                                 self->on_connect(ec);
                             });
    }

    void send(std::string frame) override {
        if (state_ == state::closed || closing_) return;
        out_.push_back(std::move(frame));
        if (!writing_ && state_ >= state::upgraded) write_next();
    }

    void close(bool graceful) override {
        if (state_ == state::closed || closing_) return;
        closing_ = true;
        if (graceful && state_ >= state::upgraded) {
            ws_.async_close(websocket::close_code::normal, [self = this->shared_from_this()](beast::error_code) {
                // The read loop ends with websocket::error::closed and reports.
                if (self->state_ != state::closed) self->hard_close();
            });
        } else {
            hard_close();
        }
    }

    void detach() override { owner_ = nullptr; }

private:
    enum class state : std::uint8_t { connecting, upgraded, up, closed };

    void on_connect(beast::error_code ec) {
        if (ec) return fail(close_reason::connect_failed, "connect: " + ec.message());
        mark_ns_ = steady_ns();
        timing_.tcp_ns = mark_ns_ - started_ns_;
        beast::get_lowest_layer(ws_).socket().set_option(tcp::no_delay(true), ec);
        if constexpr (std::is_same_v<Next, beast::tcp_stream>) {
            upgrade();
        } else {
            auto& tls = ws_.next_layer().next_layer();
            if (!SSL_set_tlsext_host_name(tls.native_handle(), settings_.target.host.c_str()))
                return fail(close_reason::connect_failed, "TLS: cannot set SNI");
            tls.set_verify_callback(ssl::host_name_verification(settings_.target.host));
            tls.async_handshake(ssl::stream_base::client, [self = this->shared_from_this()](beast::error_code e) {
                if (e) return self->fail(close_reason::connect_failed, "TLS handshake: " + e.message());
                const auto now = steady_ns();
                self->timing_.tls_ns = now - self->mark_ns_;
                self->mark_ns_ = now;
                self->upgrade();
            });
        }
    }

    void upgrade() {
        if (closing_) return fail(close_reason::by_client, "");
        beast::get_lowest_layer(ws_).expires_never();
        websocket::stream_base::timeout t{};
        t.handshake_timeout = settings_.connect_timeout;
        t.idle_timeout = websocket::stream_base::none();
        t.keep_alive_pings = false;
        ws_.set_option(t);
        ws_.read_message_max(settings_.max_message);
        ws_.write_buffer_bytes(1024);
        ws_.auto_fragment(false);
        ws_.set_option(websocket::stream_base::decorator([h = &settings_.headers](websocket::request_type& req) {
            req.set(beast::http::field::user_agent, "surge");
            for (const auto& x : *h) req.set(x.name, x.value);
        }));
        const std::string target = ws_request_target(settings_.protocol, settings_.target.base_path, user_);
        mark_ns_ = steady_ns();
        ws_.async_handshake(settings_.target.host_header(), target,
                            [self = this->shared_from_this()](beast::error_code ec) { self->on_upgrade(ec); });
    }

    void on_upgrade(beast::error_code ec) {
        if (ec) {
            // Never the request (it holds the headers): only the error.
            return fail(close_reason::connect_failed, "WebSocket upgrade: " + ec.message());
        }
        timing_.upgrade_ns = steady_ns() - mark_ns_;
        state_ = state::upgraded;
        websocket::stream_base::timeout t{};
        t.handshake_timeout = settings_.connect_timeout;  // the close handshake
        t.idle_timeout = websocket::stream_base::none();  // idle: our own timer
        t.keep_alive_pings = false;
        ws_.set_option(t);
        // Control frames (pings, pongs) are traffic too, except for Socket.IO the pongs to our
        // round-trip pings: its idle limit is the Engine.IO heartbeat's, which they must not mask.
        // The pong to our latest round-trip ping (its payload is the ping's number) times the link.
        ws_.control_callback([this](websocket::frame_type kind, beast::string_view payload) {
            const auto now = steady_ns();
            const bool pong = kind == websocket::frame_type::pong;
            if (!pong || settings_.protocol.kind == protocol_kind::ws_json) last_rx_ns_ = now;
            if (pong && rtt_sent_ns_ > 0 && std::string_view(payload.data(), payload.size()) == std::to_string(rtt_seq_)) {
                const auto rtt = now - rtt_sent_ns_;
                rtt_sent_ns_ = 0;
                if (owner_) owner_->on_link_rtt(rtt);
            }
        });
        if (settings_.protocol.kind == protocol_kind::ws_json) {
            watch_idle(settings_.idle_timeout, true);
            up();
        } else {
            // Until the open packet arrives, the connect timeout bounds the wait.
            watch_idle(settings_.connect_timeout, false);
        }
        read();
        if (!out_.empty() && !writing_) write_next();
    }

    void up() {
        state_ = state::up;
        const auto now = steady_ns();
        if (owner_) {
            owner_->on_connect_timing(timing_);
            owner_->on_up(now - started_ns_);
        }
        // The first round-trip ping soon after the connection came up (so that a short session
        // has one too), then one every rtt_interval.
        if (const auto every = std::chrono::duration_cast<std::chrono::nanoseconds>(settings_.rtt_interval).count(); every > 0) {
            next_rtt_ns_ = now + std::min<std::int64_t>(every, first_rtt_after_ns);
            if (idle_ns_ > 0) arm_idle();
        }
    }

    void read() {
        ws_.async_read(buf_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
    }

    void on_read(beast::error_code ec) {
        if (ec) {
            if (timed_out_)
                return finish(state_ == state::up ? close_reason::timeout : close_reason::connect_failed,
                              "no traffic within the idle limit");
            if (closing_) return finish(close_reason::by_client, "");
            if (ec == websocket::error::closed || ec == net::error::eof || ec == net::error::connection_reset)
                return finish(close_reason::by_server, ec.message());
            if (ec == websocket::error::message_too_big)  // on the frame header already (read_message_max)
                return finish(state_ == state::up ? close_reason::error : close_reason::connect_failed,
                              "a frame announced a message over the limit of " + std::to_string(settings_.max_message) +
                                  " bytes; connection closed");
            if (ec == beast::error::timeout)
                return finish(state_ == state::up ? close_reason::timeout : close_reason::connect_failed,
                              "no traffic within the idle limit");
            return finish(state_ == state::up ? close_reason::error : close_reason::connect_failed, ec.message());
        }
        last_rx_ns_ = steady_ns();
        if (!ws_.got_text()) {
            buf_.consume(buf_.size());
            if (owner_) owner_->on_protocol_error("unexpected binary frame");
        } else {
            const auto data = buf_.cdata();
            const std::string_view text(static_cast<const char*>(data.data()), data.size());
            const inbound m = settings_.protocol.kind == protocol_kind::socketio ? decode_socketio(text, settings_.protocol)
                                                                                  : decode_ws_json(text, settings_.protocol);
            buf_.consume(buf_.size());
            if (!handle(m)) return;
        }
        if (state_ != state::closed) read();
    }

    /// False if the connection ended.
    bool handle(const inbound& m) {
        if (!m.reply.empty()) send(m.reply);
        switch (m.what) {
        case inbound::kind::opened: {
            watch_idle(std::chrono::milliseconds(m.ping_interval_ms + m.ping_timeout_ms), false);
            mark_ns_ = steady_ns();
            send(socketio_connect_frame(settings_.protocol, user_));
            break;
        }
        case inbound::kind::connected:
            if (state_ != state::up) {
                timing_.namespace_ns = steady_ns() - mark_ns_;
                up();
            }
            break;
        case inbound::kind::connect_error:
            close(false);
            finish(close_reason::refused, m.detail);
            return false;
        case inbound::kind::disconnect:
            close(true);
            finish(close_reason::by_server, m.detail);
            return false;
        case inbound::kind::error:
            if (owner_) owner_->on_protocol_error(m.detail);
            break;
        case inbound::kind::notification:
        case inbound::kind::publish_ack:
        case inbound::kind::other_event:
            if (owner_) owner_->on_inbound(m);
            break;
        default: break;
        }
        return true;
    }

    void write_next() {
        if (out_.empty() || state_ == state::closed) {
            writing_ = false;
            return;
        }
        writing_ = true;
        current_ = std::move(out_.front());
        out_.erase(out_.begin());
        ws_.async_write(net::buffer(current_), [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
            if (ec) {
                self->writing_ = false;
                return;  // the read side reports the failure
            }
            self->write_next();
        });
    }

    /// From now on, `limit` without any frame ends the connection (timeout); with `pings`, a ping
    /// goes out after limit / 2 without traffic.
    void watch_idle(std::chrono::milliseconds limit, bool pings) {
        idle_ns_ = std::chrono::duration_cast<std::chrono::nanoseconds>(limit).count();
        keep_alive_ = pings;
        last_rx_ns_ = steady_ns();
        ping_at_ns_ = 0;
        arm_idle();
    }

    void arm_idle() {
        if (idle_ns_ <= 0) return;
        // The next moment something may be due: the ping (if one is due and not sent since the
        // last frame), else the limit.
        const bool ping_due = keep_alive_ && ping_at_ns_ <= last_rx_ns_;
        auto due = last_rx_ns_ + (ping_due ? idle_ns_ / 2 : idle_ns_);
        if (next_rtt_ns_ > 0) due = std::min(due, next_rtt_ns_);
        idle_timer_.expires_at(steady::time_point(std::chrono::nanoseconds(due)));
        idle_timer_.async_wait([self = this->shared_from_this()](beast::error_code ec) { self->on_idle_timer(ec); });
    }

    void on_idle_timer(beast::error_code ec) {
        if (ec || state_ == state::closed || closing_) return;
        const auto now = steady_ns();
        const auto quiet = now - last_rx_ns_;
        if (quiet >= idle_ns_) {
            timed_out_ = true;
            hard_close();  // the read ends with an error and reports the timeout
            return;
        }
        if (keep_alive_ && ping_at_ns_ <= last_rx_ns_ && quiet >= idle_ns_ / 2) {
            ping_at_ns_ = now;
            if (!pinging_) {
                pinging_ = true;
                ws_.async_ping({}, [self = this->shared_from_this()](beast::error_code) { self->pinging_ = false; });
            }
        }
        if (next_rtt_ns_ > 0 && now >= next_rtt_ns_) ping_for_rtt(now);
        arm_idle();
    }

    /// A round-trip ping (its pong: control_callback). While another ping of ours is being written,
    /// a little later; a ping whose pong never came is forgotten when the next one goes out (its
    /// number no longer matches).
    void ping_for_rtt(std::int64_t now) {
        if (pinging_ || state_ != state::up) {
            next_rtt_ns_ = now + 50'000'000;
            return;
        }
        pinging_ = true;
        rtt_sent_ns_ = now;
        next_rtt_ns_ = now + std::chrono::duration_cast<std::chrono::nanoseconds>(settings_.rtt_interval).count();
        ws_.async_ping(websocket::ping_data(std::to_string(++rtt_seq_)), [self = this->shared_from_this()](beast::error_code) { self->pinging_ = false; });
    }

    void hard_close() {
        beast::error_code ec;
        beast::get_lowest_layer(ws_).socket().close(ec);
    }

    void fail(close_reason why, std::string detail) {
        if (closing_) why = close_reason::by_client;
        hard_close();
        finish(why, std::move(detail));
    }

    void finish(close_reason why, std::string detail) {
        if (state_ == state::closed) return;
        state_ = state::closed;
        idle_timer_.cancel();
        out_.clear();
        out_.shrink_to_fit();
        if (auto* o = owner_) {
            owner_ = nullptr;
            o->on_down(why, redact(std::move(detail), settings_.headers));
        }
    }

    const connection_settings& settings_;
    session_events* owner_;
    websocket::stream<prompt_teardown<Next>> ws_;  // a failed connection closes at once
    beast::flat_buffer buf_;
    std::vector<std::string> out_;   // frames waiting for the one in flight
    std::string current_;            // the frame being written (stable while the write runs)
    std::string user_;
    net::steady_timer idle_timer_;
    std::int64_t started_ns_ = 0;
    std::int64_t last_rx_ns_ = 0;    // the last frame (data or control) received
    std::int64_t idle_ns_ = 0;       // the idle limit; 0: none yet
    std::int64_t ping_at_ns_ = 0;    // our last keep-alive ping
    std::int64_t mark_ns_ = 0;       // the start of the connect step under way (connect_timing)
    std::int64_t next_rtt_ns_ = 0;   // when the next round-trip ping is due; 0: none
    std::int64_t rtt_sent_ns_ = 0;   // when the round-trip ping awaiting its pong went out; 0: none
    connect_timing timing_;
    static constexpr std::int64_t first_rtt_after_ns = 250'000'000;
    std::uint32_t rtt_seq_ = 0;      // round-trip pings sent
    state state_ = state::connecting;
    bool writing_ = false;
    bool closing_ = false;
    bool keep_alive_ = false;
    bool pinging_ = false;
    bool timed_out_ = false;
};

/// A new connection of the right kind for the settings' target, on `io`.
inline std::shared_ptr<connection> make_connection(net::io_context& io, const connection_settings& s, session_events* owner) {
    if (s.tls) return std::make_shared<ws_connection<ssl::stream<beast::tcp_stream>>>(s, owner, io, *s.tls);
    return std::make_shared<ws_connection<beast::tcp_stream>>(s, owner, io);
}

} // namespace surge::replay
