// tools/replay/http_publisher.hpp — publishes notifications by HTTP POST (JSON body) over a pool
// of keep-alive connections, on Boost.Beast.
//
// Open model: requests are generated at their intended times whatever the server does. A request
// waits in the backlog while every pooled connection is busy, so the time it waits is part of
// its measured latency (from the intended time) instead of slowing the load down.
//
// A server may close a keep-alive connection while it is idle (Node's keepAliveTimeout, 5 s by
// default; gunicorn's 2 s) at the moment a request is written on it: the request then ends in
// "end of stream" or a reset before any byte of a response. Such a request is sent once more on a
// fresh connection (as browsers and curl do), once only; an error on a fresh connection, or after
// a response began, is a failure. A retried request that the server did act on shows up as a
// duplicate delivery (counted apart by the delivery ledger), never as a second delivery.
#pragma once

#include "connection.hpp"

#include <boost/beast/http.hpp>

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace surge::replay {

struct publish_request {
    std::string body;               // JSON: one notification or an array of them
    std::int64_t intended_ns = 0;   // steady clock
    std::uint32_t notifications = 1;
    std::int32_t closed_client = -1;  // the closed-phase client waiting for the answer, if any
    bool retried = false;              // sent once more after a reused connection closed under it
    bool broadcast = false;            // a broadcast: the protocol section's publish.broadcast path and method
};

enum class publish_outcome : std::uint8_t { accepted, rejected, failed, timed_out };

class http_publisher {
public:
    using result_fn = std::function<void(const publish_request&, publish_outcome, std::int64_t done_ns, const std::string& detail)>;

    http_publisher(net::io_context& io, const connection_settings& s, std::size_t max_connections,
                   std::chrono::milliseconds timeout, std::size_t max_backlog, result_fn on_result)
        : io_(io), settings_(s), max_connections_(max_connections), timeout_(timeout), max_backlog_(max_backlog),
          on_result_(std::move(on_result)) {}

    /// False (and the request fails at once) when the backlog is full.
    bool submit(publish_request r) {
        if (stopped_) return false;
        if (backlog_.size() >= max_backlog_) {
            on_result_(r, publish_outcome::failed, steady_ns(), "publish backlog full");
            return false;
        }
        backlog_.push_back(std::move(r));
        dispatch();
        return true;
    }

    [[nodiscard]] std::size_t backlog() const noexcept { return backlog_.size(); }
    [[nodiscard]] std::size_t in_flight() const noexcept { return busy_; }
    [[nodiscard]] std::size_t connections() const noexcept { return conns_.size(); }
    /// Requests sent once more because an idle keep-alive connection closed under them.
    [[nodiscard]] std::size_t retries() const noexcept { return retries_; }

    /// No new requests; those waiting fail; in-flight ones finish or time out.
    void stop() {
        stopped_ = true;
        while (!backlog_.empty()) {
            auto r = std::move(backlog_.front());
            backlog_.pop_front();
            on_result_(r, publish_outcome::failed, steady_ns(), "run ended before it was sent");
        }
        for (auto& c : conns_)
            if (!c->busy()) c->close();
    }

private:
    class conn_base {
    public:
        virtual ~conn_base() = default;
        virtual void run(publish_request r) = 0;
        virtual void close() = 0;
        [[nodiscard]] virtual bool busy() const = 0;
        [[nodiscard]] virtual bool connected() const = 0;
    };

    template <class Stream>
    class conn final : public conn_base, public std::enable_shared_from_this<conn<Stream>> {
    public:
        template <class... A>
        conn(http_publisher& p, A&&... a) : p_(p), stream_(std::forward<A>(a)...) {}

        void run(publish_request r) override {
            busy_ = true;
            req_ = std::move(r);
            reused_ = connected_;
            if (connected_) return write();
            auto& lowest = beast::get_lowest_layer(stream_);
            lowest.expires_after(p_.timeout_);
            lowest.async_connect(p_.settings_.endpoints, [self = this->shared_from_this()](beast::error_code ec, const tcp::endpoint&) {
                if (ec) return self->done(ec == beast::error::timeout ? publish_outcome::timed_out : publish_outcome::failed,
                                          "publish connect: " + ec.message());
                beast::get_lowest_layer(self->stream_).socket().set_option(tcp::no_delay(true), ec);
                if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
                    self->connected_ = true;
                    self->write();
                } else {
                    auto& tls = self->stream_;
                    if (!SSL_set_tlsext_host_name(tls.native_handle(), self->p_.settings_.target.host.c_str()))
                        return self->done(publish_outcome::failed, "publish TLS: cannot set SNI");
                    tls.set_verify_callback(ssl::host_name_verification(self->p_.settings_.target.host));
                    tls.async_handshake(ssl::stream_base::client, [self](beast::error_code e) {
                        if (e) return self->done(publish_outcome::failed, "publish TLS handshake: " + e.message());
                        self->connected_ = true;
                        self->write();
                    });
                }
            });
        }

        void close() override {
            beast::error_code ec;
            beast::get_lowest_layer(stream_).socket().close(ec);
            connected_ = false;
        }
        [[nodiscard]] bool busy() const override { return busy_; }
        [[nodiscard]] bool connected() const override { return connected_; }

    private:
        void write() {
            const auto& s = p_.settings_;
            http_req_ = {};
            // The protocol section's request: a broadcast may have its own path and method.
            const auto& pr = s.protocol;
            const std::string& path = req_.broadcast && !pr.broadcast_path.empty() ? pr.broadcast_path : pr.publish_path;
            const std::string& method = req_.broadcast && !pr.broadcast_method.empty() ? pr.broadcast_method : pr.publish_method;
            http_req_.method(beast::http::string_to_verb(method));
            http_req_.target(s.target.base_path + path);
            http_req_.version(11);
            http_req_.set(beast::http::field::host, s.target.host_header());
            http_req_.set(beast::http::field::user_agent, "surge");
            http_req_.set(beast::http::field::content_type, "application/json");
            for (const auto& [name, value] : pr.publish_headers) http_req_.set(name, value);
            for (const auto& h : s.headers) http_req_.set(h.name, h.value);
            http_req_.body() = req_.body;
            http_req_.keep_alive(true);
            http_req_.prepare_payload();
            beast::get_lowest_layer(stream_).expires_after(p_.timeout_);
            beast::http::async_write(stream_, http_req_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                if (ec) return self->fail(ec, "publish write: ");
                self->buf_.consume(self->buf_.size());
                self->parser_.emplace();
                beast::http::async_read(self->stream_, self->buf_, *self->parser_, [self](beast::error_code e, std::size_t) {
                    if (e) return self->fail(e, "publish response: ");
                    const auto& res = self->parser_->get();
                    beast::get_lowest_layer(self->stream_).expires_never();
                    const auto status = res.result_int();
                    if (!res.keep_alive()) self->close();
                    if (status >= 200 && status < 300) return self->done(publish_outcome::accepted, "");
                    self->done(publish_outcome::rejected, "publish: HTTP " + std::to_string(status));
                });
            });
        }

        void fail(beast::error_code ec, const char* what) {
            close();
            if (closed_while_idle(ec)) {
                // The server closed the idle connection as the request went out: once more, fresh.
                busy_ = false;
                http_req_ = {};
                req_.retried = true;
                return p_.retry(std::move(req_));
            }
            done(ec == beast::error::timeout ? publish_outcome::timed_out : publish_outcome::failed, what + ec.message());
        }

        /// The connection was reused, the peer closed it, no byte of a response had come, and this
        /// request has not been retried yet.
        [[nodiscard]] bool closed_while_idle(beast::error_code ec) const {
            if (!reused_ || req_.retried) return false;
            if (parser_ && parser_->got_some()) return false;
            return ec == beast::http::error::end_of_stream || ec == net::error::eof ||
                   ec == net::error::connection_reset || ec == net::error::broken_pipe ||
                   ec == ssl::error::stream_truncated;
        }

        void done(publish_outcome o, std::string detail) {
            if (o != publish_outcome::accepted && o != publish_outcome::rejected) close();
            busy_ = false;
            http_req_ = {};
            detail = redact(std::move(detail), p_.settings_.headers);
            for (const auto& [name, value] : p_.settings_.protocol.publish_headers) detail = redact(std::move(detail), {header{name, value}});
            p_.finished(*this, req_, o, detail);
        }

        http_publisher& p_;
        Stream stream_;
        publish_request req_;
        beast::http::request<beast::http::string_body> http_req_;
        std::optional<beast::http::response_parser<beast::http::string_body>> parser_;
        beast::flat_buffer buf_;
        bool busy_ = false;
        bool connected_ = false;
        bool reused_ = false;  // this request went out on a connection that had served one before
    };

    void dispatch() {
        while (!backlog_.empty()) {
            // The first idle connection; a request being retried wants a fresh one.
            const bool fresh = backlog_.front().retried;
            std::size_t slot = conns_.size();
            for (std::size_t i = 0; i < conns_.size(); ++i)
                if (!conns_[i]->busy()) { slot = i; break; }
            if (slot == conns_.size()) {
                if (conns_.size() >= max_connections_) return;
                conns_.emplace_back();
            } else if (fresh && conns_[slot]->connected()) {
                conns_[slot]->close();
            }
            // A closed connection is replaced by a new object (a TLS stream cannot be reused).
            if (!conns_[slot] || !conns_[slot]->connected()) conns_[slot] = make_connection();
            auto r = std::move(backlog_.front());
            backlog_.pop_front();
            ++busy_;
            conns_[slot]->run(std::move(r));
        }
    }

    std::shared_ptr<conn_base> make_connection() {
        if (settings_.tls) return std::make_shared<conn<beast::ssl_stream<beast::tcp_stream>>>(*this, io_, *settings_.tls);
        return std::make_shared<conn<beast::tcp_stream>>(*this, io_);
    }

    /// A request whose reused connection closed under it: first in line again, on a fresh connection.
    void retry(publish_request r) {
        --busy_;
        ++retries_;
        if (stopped_) return on_result_(r, publish_outcome::failed, steady_ns(), "publish response: connection closed; run ended before the retry");
        backlog_.push_front(std::move(r));
        net::post(io_, [this] { dispatch(); });
    }

    void finished(conn_base&, const publish_request& r, publish_outcome o, const std::string& detail) {
        --busy_;
        on_result_(r, o, steady_ns(), detail);
        if (!stopped_) net::post(io_, [this] { dispatch(); });
    }

    net::io_context& io_;
    const connection_settings& settings_;
    std::size_t max_connections_;
    std::chrono::milliseconds timeout_;
    std::size_t max_backlog_;
    result_fn on_result_;
    std::vector<std::shared_ptr<conn_base>> conns_;
    std::deque<publish_request> backlog_;
    std::size_t busy_ = 0;
    std::size_t retries_ = 0;
    bool stopped_ = false;
};

} // namespace surge::replay
