// tools/replay/user_client.hpp — one scenario user, live: opens its WebSocket at the planned
// time, stays for a session, goes offline, reconnects with backoff after a drop or a failed
// attempt, sends its messages, and times every notification it receives from the notification's
// intended send time. What it decides comes from user_plan (the simulation's user behaviour);
// this file is the sockets and timers around it.
#pragma once

#include "connection.hpp"
#include "shard.hpp"
#include "user_plan.hpp"

#include <models/params.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace surge::replay {

/// An echoed sent_at further than this from the replay's record of the id's intended send time
/// counts as a mismatch (metric_id::live_sent_at_mismatch; the echo carries microseconds; a
/// server that puts its own clock there is off by its delivery time at least).
inline constexpr double sent_at_tolerance_ms = 1.0;

class user_client final : public session_events {
public:
    user_client(shard& s, std::uint32_t index)
        : sh_(s), index_(index), plan_(s.run.scenario(), s.run.seed(), index), timer_(s.io) {}
    /// Scenario time of the first attempt (the replay maps it to wall time).
    time_point first_attempt() { return plan_.first_attempt(); }
    void begin_at(std::int64_t at_ns);
    void drop(bool graceful);   // a disconnect storm
    void stop();                // end of run

    void on_up(std::int64_t connect_ns) override;
    void on_inbound(const inbound& m) override;
    void on_protocol_error(const std::string& detail) override;
    void on_down(close_reason why, const std::string& detail) override;
    void on_connect_timing(const connect_timing& t) override;
    void on_link_rtt(std::int64_t rtt_ns) override { sh_.stats.link_rtt.record(std::max<std::int64_t>(rtt_ns, 0)); }

private:
    void connect();
    void wait_then_connect(std::int64_t delay_ns);
    void arm_message();
    void send_message();
    void arm_random_drop(duration after);
    void end_session_timers();
    [[nodiscard]] std::string name() const { return sh_.run.options().user_prefix + std::to_string(index_); }

    enum class after_close : std::uint8_t { reconnect, offline, none };
    shard& sh_;
    std::uint32_t index_;
    user_plan plan_;
    bool up_ = false;
    bool stopping_ = false;
    after_close next_ = after_close::reconnect;
    std::int64_t up_since_ns_ = 0;
    std::uint32_t session_ = 0;        // sessions so far: timers of an old session do nothing
    net::steady_timer timer_;
    std::shared_ptr<connection> conn_;
    // Only when the scenario has client messages or random drops (memory per connection).
    std::unique_ptr<net::steady_timer> msg_timer_, drop_timer_;
    std::int64_t next_msg_ns_ = 0;     // steady ns of the next message's intended time
    std::int64_t next_ref_ = 1;
    std::vector<std::pair<std::int64_t, std::int64_t>> pending_msgs_;  // ref, intended steady ns
};

inline void user_client::begin_at(std::int64_t at_ns) {
    timer_.expires_at(steady::time_point(std::chrono::nanoseconds(at_ns)));
    timer_.async_wait([this](beast::error_code ec) {
        if (!ec && !stopping_) connect();
    });
}

inline void user_client::wait_then_connect(std::int64_t delay_ns) {
    timer_.expires_after(std::chrono::nanoseconds(std::max<std::int64_t>(delay_ns, 0)));
    timer_.async_wait([this](beast::error_code ec) {
        if (!ec && !stopping_) connect();
    });
}

inline void user_client::connect() {
    if (stopping_ || sh_.run.ending()) return;
    sh_.stats.connect_attempts.fetch_add(1, std::memory_order_relaxed);
    next_ = after_close::reconnect;
    conn_ = make_connection(sh_.io, sh_.run.settings(), this);
    conn_->start(name());
}

inline void user_client::on_up(std::int64_t connect_ns) {
    up_ = true;
    up_since_ns_ = steady_ns();
    auto& st = sh_.stats;
    st.connect_ok.fetch_add(1, std::memory_order_relaxed);
    st.open.fetch_add(1, std::memory_order_relaxed);
    st.connect_time.record(connect_ns);
    sh_.run.note_open(1);
    sh_.run.set_online(index_, true);
    ++session_;
    const auto plan = plan_.connected();
    if (plan.first_message) {
        next_msg_ns_ = up_since_ns_ + sh_.run.scaled(*plan.first_message);
        arm_message();
    }
    if (plan.drop_after) arm_random_drop(*plan.drop_after);
    if (plan.length) {
        timer_.expires_after(std::chrono::nanoseconds(sh_.run.scaled(*plan.length)));
        timer_.async_wait([this](beast::error_code ec) {
            if (ec || stopping_ || !conn_ || !up_) return;
            next_ = after_close::offline;
            conn_->close(true);
        });
    }
}

inline void user_client::on_inbound(const inbound& m) {
    if (m.what == inbound::kind::other_event) {  // counted, for the "nothing arrived" diagnosis
        auto& st = sh_.stats;
        st.other_events.fetch_add(1, std::memory_order_relaxed);
        const std::string name = m.detail.substr(0, 64);
        auto& names = st.other_event_names;
        auto it = std::find_if(names.begin(), names.end(), [&](const auto& n) { return n.first == name; });
        if (it != names.end()) ++it->second;
        else if (names.size() < 8) names.emplace_back(name, 1);
        return;
    }
    if (m.what == inbound::kind::publish_ack) {  // the server's answer to one of our messages
        for (auto it = pending_msgs_.begin(); it != pending_msgs_.end(); ++it) {
            if (it->first != m.ack_id) continue;
            const auto now = steady_ns();
            sh_.stats.messages_replied.fetch_add(1, std::memory_order_relaxed);
            sh_.stats.last_reply_ns.store(now, std::memory_order_relaxed);
            sh_.stats.message_latency.record(std::max<std::int64_t>(0, now - it->second));
            pending_msgs_.erase(it);
            break;
        }
        return;
    }
    if (m.what != inbound::kind::notification) return;
    auto& st = sh_.stats;
    const auto now = steady_ns();
    st.received.fetch_add(1, std::memory_order_relaxed);
    std::int64_t intended = 0;
    switch (sh_.run.classify(m.id, index_, now, &intended)) {
    case receipt::delivered: break;
    case receipt::unknown_id: st.unknown_ids.fetch_add(1, std::memory_order_relaxed); return;
    case receipt::duplicate: st.duplicates.fetch_add(1, std::memory_order_relaxed); return;
    case receipt::wrong_recipient: st.wrong_recipients.fetch_add(1, std::memory_order_relaxed); return;
    }
    st.last_delivery_ns.store(now, std::memory_order_relaxed);
    // The latency runs from the intended send time the replay recorded for this id when it
    // published it (delivery_ledger), whatever the server echoes: an echoed sent_at only
    // cross-checks that record (metric_id::live_sent_at_mismatch), and its absence is merely counted.
    if (!m.sent_at_ms) st.no_time.fetch_add(1, std::memory_order_relaxed);
    else if (!(std::fabs(*m.sent_at_ms - sh_.run.unix_ms_of(intended)) <= sent_at_tolerance_ms))  // in doubles: any echo is safe
        st.sent_at_mismatch.fetch_add(1, std::memory_order_relaxed);
    const auto latency = std::max<std::int64_t>(0, now - intended);
    if (m.issued_at_ms) st.uncorrected.record(std::max<std::int64_t>(0, now - sh_.run.intended_from_unix_ms(*m.issued_at_ms)));
    if (intended < up_since_ns_) {
        st.received_offline.fetch_add(1, std::memory_order_relaxed);
        st.offline_latency.record(latency);
    } else {
        st.received_live.fetch_add(1, std::memory_order_relaxed);
        sh_.run.note_delivered(now, latency);
    }
}

inline void user_client::on_protocol_error(const std::string& detail) {
    sh_.stats.protocol_errors.fetch_add(1, std::memory_order_relaxed);
    sh_.run.note_error("protocol error: " + detail);
}


/// The parts of connections.time, of the attempts that came up (docs/replay.md).
inline void user_client::on_connect_timing(const connect_timing& t) {
    auto& st = sh_.stats;
    if (t.tcp_ns >= 0) st.connect_tcp.record(t.tcp_ns);
    if (t.tls_ns >= 0) st.connect_tls.record(t.tls_ns);
    if (t.upgrade_ns >= 0) st.connect_upgrade.record(t.upgrade_ns);
    if (t.namespace_ns >= 0) st.connect_namespace.record(t.namespace_ns);
}

inline void user_client::on_down(close_reason why, const std::string& detail) {
    auto& st = sh_.stats;
    conn_.reset();
    end_session_timers();
    const bool was_up = up_;
    if (up_) {
        up_ = false;
        st.open.fetch_sub(1, std::memory_order_relaxed);
        sh_.run.note_open(-1);
        sh_.run.set_online(index_, false);
        if (why != close_reason::by_client) st.drops.fetch_add(1, std::memory_order_relaxed);
        if (why == close_reason::timeout || why == close_reason::error) {
            st.transport_errors.fetch_add(1, std::memory_order_relaxed);
            sh_.run.note_error(std::string(to_string(why)) + (detail.empty() ? "" : ": " + detail));
        }
    } else if (why != close_reason::by_client) {
        st.connect_failed.fetch_add(1, std::memory_order_relaxed);
        sh_.run.note_error(std::string(to_string(why)) + (detail.empty() ? "" : ": " + detail));
    }
    if (stopping_ || sh_.run.ending()) return;
    timer_.cancel();
    // As the simulated user: offline after a session that ended by itself; after a drop, the
    // first backoff; after a failed attempt, backoff by the failures in a row.
    const duration wait = !was_up ? plan_.after_failure() : next_ == after_close::offline ? plan_.after_session() : plan_.after_drop();
    wait_then_connect(sh_.run.scaled(wait));
}

inline void user_client::drop(bool graceful) {
    if (!conn_ || !up_ || stopping_) return;
    sh_.stats.drops.fetch_add(1, std::memory_order_relaxed);
    next_ = after_close::reconnect;
    conn_->close(graceful);
}

inline void user_client::stop() {
    stopping_ = true;
    timer_.cancel();
    end_session_timers();
    if (conn_) conn_->close(true);
}

inline void user_client::end_session_timers() {
    if (msg_timer_) msg_timer_->cancel();
    if (drop_timer_) drop_timer_->cancel();
    pending_msgs_.clear();  // answers to a closed connection will not come
}

/// users.messages: while online, Poisson arrivals at the (scaled) rate, each one message; an
/// arrival that is overdue when the timer fires is sent at once with its intended time (no

/// users.messages: while online, Poisson arrivals at the scenario's rate (gaps scaled), each one
/// message; an arrival that is overdue when the timer fires is sent at once with its intended
/// time (no coordinated omission), and its reply's latency counts from that time.
inline void user_client::arm_message() {
    if (!msg_timer_) msg_timer_ = std::make_unique<net::steady_timer>(sh_.io);
    msg_timer_->expires_at(steady::time_point(std::chrono::nanoseconds(next_msg_ns_)));
    msg_timer_->async_wait([this, s = session_](beast::error_code ec) {
        if (ec || stopping_ || !up_ || s != session_ || sh_.run.ending()) return;
        send_message();
        next_msg_ns_ += sh_.run.scaled(plan_.message_gap());
        arm_message();
    });
}

inline void user_client::send_message() {
    const auto intended = next_msg_ns_;
    const auto ref = next_ref_++;
    const auto bytes = static_cast<std::size_t>(plan_.message_size());
    conn_->send(client_message_frame(sh_.run.settings().protocol, ref, sh_.run.unix_ms_of(intended), bytes));
    // A reply that never comes (a server without acknowledgements) must not grow the list.
    if (pending_msgs_.size() >= 64) pending_msgs_.erase(pending_msgs_.begin());
    pending_msgs_.emplace_back(ref, intended);
    auto& st = sh_.stats;
    st.messages_sent.fetch_add(1, std::memory_order_relaxed);
    std::int64_t none = -1;
    st.first_message_ns.compare_exchange_strong(none, intended, std::memory_order_relaxed);
}

/// links.mean_time_between_drops: the network drops this user's link once per session after the
/// planned time (scaled), as the simulation's links do: the TCP socket is closed without a close
/// handshake and the client reconnects with backoff.
inline void user_client::arm_random_drop(duration after) {
    if (!drop_timer_) drop_timer_ = std::make_unique<net::steady_timer>(sh_.io);
    drop_timer_->expires_after(std::chrono::nanoseconds(sh_.run.scaled(after)));
    drop_timer_->async_wait([this, s = session_](beast::error_code ec) {
        if (ec || stopping_ || !up_ || s != session_ || sh_.run.ending()) return;
        sh_.stats.random_drops.fetch_add(1, std::memory_order_relaxed);
        drop(false);
    });
}

} // namespace surge::replay
