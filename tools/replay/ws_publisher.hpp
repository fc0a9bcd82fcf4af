// tools/replay/ws_publisher.hpp — publishes notifications over a dedicated WebSocket connection
// as events with acknowledgements (the protocol section's publish.via = websocket), the
// counterpart of http_publisher; reconnects after a second when its connection is lost.
#pragma once

#include "connection.hpp"
#include "http_publisher.hpp"
#include "protocol.hpp"
#include "replay_result.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>

namespace surge::replay {

class ws_publisher final : public session_events {
public:
    using result_fn = http_publisher::result_fn;
    using error_fn = std::function<void(const std::string&)>;

    ws_publisher(const connection_settings& s, const replay_options& opt, result_fn on_result, error_fn on_error)
        : settings_(s), opt_(opt), on_result_(std::move(on_result)), on_error_(std::move(on_error)) {}
    void start(net::io_context& io) {
        io_ = &io;
        conn_ = make_connection(io, settings_, this);
        conn_->start(opt_.user_prefix + "publisher");
    }
    void publish(publish_request r) {
        if (!up_) {
            on_result_(r, publish_outcome::failed, steady_ns(), "publisher connection is not open");
            return;
        }
        const auto ack = next_ack_++;
        conn_->send(publish_frame(settings_.protocol, nlohmann::json::parse(r.body), ack));
        pending_.emplace(ack, std::move(r));
    }
    /// Fails what waited longer than the request timeout.
    void sweep(std::int64_t now) {
        const auto limit = std::chrono::duration_cast<std::chrono::nanoseconds>(opt_.request_timeout).count();
        for (auto it = pending_.begin(); it != pending_.end();) {
            if (now - it->second.intended_ns > limit) {
                on_result_(it->second, publish_outcome::timed_out, now, "publish acknowledgement timed out");
                it = pending_.erase(it);
            } else {
                ++it;
            }
        }
    }
    void stop() {
        stopping_ = true;
        for (auto& [id, r] : pending_) on_result_(r, publish_outcome::failed, steady_ns(), "run ended before the acknowledgement");
        pending_.clear();
        if (conn_) conn_->close(true);
    }
    [[nodiscard]] bool up() const { return up_; }
    bool done = false;          // the first attempt finished (up or failed)
    std::string failure;

    void on_up(std::int64_t) override { up_ = true; done = true; }
    void on_inbound(const inbound& m) override {
        if (m.what != inbound::kind::publish_ack) return;
        auto it = pending_.find(m.ack_id);
        if (it == pending_.end()) return;
        on_result_(it->second, publish_outcome::accepted, steady_ns(), "");
        pending_.erase(it);
    }
    void on_protocol_error(const std::string& d) override { on_error_("publisher: " + d); }
    void on_down(close_reason why, const std::string& detail) override {
        up_ = false;
        done = true;
        failure = std::string(to_string(why)) + (detail.empty() ? "" : ": " + detail);
        conn_.reset();
        for (auto& [id, r] : pending_) on_result_(r, publish_outcome::failed, steady_ns(), "publisher connection lost");
        pending_.clear();
        if (stopping_ || !io_) return;
        // Reconnect after a second: publishing resumes when the server is back.
        auto t = std::make_shared<net::steady_timer>(*io_, std::chrono::seconds(1));
        t->async_wait([this, t](beast::error_code ec) {
            if (ec || stopping_ || conn_) return;
            conn_ = make_connection(*io_, settings_, this);
            conn_->start(opt_.user_prefix + "publisher");
        });
    }

private:
    const connection_settings& settings_;
    const replay_options& opt_;
    result_fn on_result_;
    error_fn on_error_;
    net::io_context* io_ = nullptr;
    std::shared_ptr<connection> conn_;
    std::map<std::int64_t, publish_request> pending_;
    std::int64_t next_ack_ = 1;
    bool up_ = false;
    bool stopping_ = false;
};


} // namespace surge::replay
