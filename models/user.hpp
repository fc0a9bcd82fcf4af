// models/user.hpp — the simulated users: each connects (handshake over its link, then the
// server's connect handler), stays online for a session, goes offline, comes back; reconnects with
// exponential backoff and jitter after a failed attempt or a drop (the Socket.IO client's
// reconnection); and, while online, sends messages the server answers.
//
// Users are state machines driven by scheduled callbacks, not coroutines: a million users must fit
// in memory (a coroutine frame each would cost more than the user's whole state here), and every
// user's draws come from its own stream "user/<id>", through models/user_behaviour.hpp, which the
// live replay's users share.
#pragma once

#include "models/degradation.hpp"
#include "models/params.hpp"
#include "models/connection_meter.hpp"
#include "models/message_meter.hpp"
#include "models/server.hpp"
#include "models/user_behaviour.hpp"
#include "models/ws_link.hpp"

#include <surge/random.hpp>
#include <surge/simulation.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace surge::models {

class user_population final : public client_side {
public:
    enum class state : std::uint8_t { offline, connecting, online };
    /// What an observer hears, for tests that hold the simulation and the live replay to one
    /// schedule: an attempt starts, a session starts, a session ends by itself, the link drops.
    enum class event : std::uint8_t { attempt, online, offline, dropped };
    using observer = std::function<void(std::uint32_t user, event what, time_point at)>;

    user_population(simulation& sim, const user_params& p, link_table& links, server& srv, connection_meter& conns,
                    message_meter& messages)
        : sim_(&sim), p_(p), links_(&links), server_(&srv), conns_(&conns), messages_(&messages), state_(links.size(), state::offline),
          attempt_(links.size(), 0), session_(links.size(), 0), fails_(links.size(), 0),
          started_(links.size(), 0) {
        behaviour_.reserve(links.size());
        for (std::size_t u = 0; u < links.size(); ++u) behaviour_.emplace_back(sim.stream(user_stream_name(u)));
        srv.set_clients(*this);
    }

    /// Schedules every user's first connection within [connect_start, connect_start + connect_ramp].
    void start() {
        for (std::uint32_t u = 0; u < size(); ++u)
            sim_->schedule(p_.connect_start + behaviour_[u].first_connect(p_), [this, u] { begin_attempt(u); });
    }

    /// Stops new sessions and messages (the run's load is over; the drain phase continues).
    void quiesce() noexcept { quiet_ = true; }

    void observe(observer f) { observer_ = std::move(f); }

    [[nodiscard]] std::uint32_t size() const noexcept { return static_cast<std::uint32_t>(state_.size()); }
    [[nodiscard]] state state_of(std::uint32_t u) const noexcept { return state_[u]; }
    [[nodiscard]] std::int64_t online() const noexcept { return online_; }

    // --- client_side ---
    [[nodiscard]] bool attempt_current(std::uint32_t u, std::uint32_t a) const override {
        return state_[u] == state::connecting && attempt_[u] == a;
    }
    void connect_accepted(std::uint32_t u, std::uint32_t a) override {
        if (!attempt_current(u, a)) return;
        state_[u] = state::online;
        ++online_;
        fails_[u] = 0;
        // The accept reaches the client one latency later.
        const duration took = (sim_->now() - time_point::from_ns(started_[u])) + links_->one_way(u);
        conns_->on_connected(sim_->now(), took);
        const std::uint32_t s = ++session_[u];
        notify(u, event::online);
        const auto plan = behaviour_[u].begin_session(p_, links_->params().mean_time_between_drops);
        if (plan.length) sim_->schedule(*plan.length, [this, u, s] { session_end(u, s); });
        if (plan.first_message) sim_->schedule(*plan.first_message, [this, u, s] { send_message(u, s); });
        if (plan.drop_after) sim_->schedule(*plan.drop_after, [this, u, s] { silent_drop(u, s); });
    }
    void connect_refused(std::uint32_t u, std::uint32_t a) override { fail_attempt(u, a); }
    void closed_by_server(std::uint32_t u) override {
        if (state_[u] != state::online) return;
        go_offline(u);
        retry_after_backoff(u, 1);
    }

    // --- faults (models/faults.hpp) ---

    /// The network drops user u now. Silent: the server finds out by ping timeout; otherwise the
    /// close reaches it at once. The client reconnects with backoff either way.
    void drop(std::uint32_t u, bool silent) {
        if (state_[u] != state::online) return;
        conns_->on_drop(sim_->now());
        go_offline(u);
        notify(u, event::dropped);
        if (silent) {
            server_->link_died(u);
            // The client also notices by the missing pings before it starts reconnecting.
            const duration notice = links_->ping_detection(u);
            const std::uint32_t s = session_[u];
            sim_->schedule(notice, [this, u, s] {
                if (session_[u] == s && state_[u] == state::offline) retry_after_backoff(u, 1);
            });
        } else {
            server_->client_closed(u);
            retry_after_backoff(u, 1);
        }
    }

private:
    void begin_attempt(std::uint32_t u) {
        if (state_[u] != state::offline) return;
        if (quiet_) return;
        state_[u] = state::connecting;
        notify(u, event::attempt);
        const std::uint32_t a = ++attempt_[u];
        started_[u] = sim_->now().count();
        conns_->on_attempt(sim_->now());
        const duration hs = links_->handshake_time(u);
        const duration limit = links_->params().connect_timeout;
        if (links_->handshake_fails(u)) {
            sim_->schedule(std::min(hs, limit), [this, u, a] { fail_attempt(u, a); });
            return;
        }
        sim_->schedule(limit, [this, u, a] { fail_attempt(u, a); });
        sim_->schedule(hs, [this, u, a] {
            if (!attempt_current(u, a)) return;
            request r;
            r.type = request::kind::connect;
            r.user = u;
            r.attempt = a;
            r.created = sim_->now();
            if (!server_->submit(r)) fail_attempt(u, a);
        });
    }

    void fail_attempt(std::uint32_t u, std::uint32_t a) {
        if (!attempt_current(u, a)) return;
        conns_->on_failed(sim_->now());
        state_[u] = state::offline;
        sim_->trace().record(sim_->now(), "connect.fail", u, a);
        if (fails_[u] < 0xffff) ++fails_[u];
        retry_after_backoff(u, fails_[u]);
    }

    void retry_after_backoff(std::uint32_t u, std::int64_t attempt) {
        sim_->schedule(behaviour_[u].reconnect_backoff(p_, attempt), [this, u] { begin_attempt(u); });
    }

    void go_offline(std::uint32_t u) {
        state_[u] = state::offline;
        --online_;
        ++session_[u];
    }

    void session_end(std::uint32_t u, std::uint32_t s) {
        if (session_[u] != s || state_[u] != state::online) return;
        go_offline(u);
        notify(u, event::offline);
        server_->client_closed(u);
        sim_->schedule(behaviour_[u].offline_gap(p_), [this, u] { begin_attempt(u); });
    }

    void silent_drop(std::uint32_t u, std::uint32_t s) {
        if (session_[u] != s || state_[u] != state::online || quiet_) return;
        drop(u, true);
    }

    void notify(std::uint32_t u, event what) {
        if (observer_) observer_(u, what, sim_->now());
    }

    void send_message(std::uint32_t u, std::uint32_t s) {
        if (session_[u] != s || state_[u] != state::online || quiet_) return;
        messages_->on_sent(sim_->now());
        messages_->active_at(sim_->now());
        const time_point sent = sim_->now();
        const auto bytes = behaviour_[u].message_size(p_);
        const duration up = links_->one_way(u);
        const std::uint32_t word = bytes;
        sim_->schedule(up, [this, u, word, sentns = sent.count()] {
            request r;
            r.type = request::kind::client_message;
            r.user = u;
            r.payload = word;
            r.created = time_point::from_ns(sentns);
            server_->submit(r);
        });
        sim_->schedule(behaviour_[u].message_gap(p_), [this, u, s] { send_message(u, s); });
    }

    simulation* sim_;
    user_params p_;
    link_table* links_;
    server* server_;
    connection_meter* conns_;
    message_meter* messages_;
    std::vector<state> state_;
    std::vector<std::uint32_t> attempt_;
    std::vector<std::uint32_t> session_;
    std::vector<std::uint16_t> fails_;
    std::vector<std::int64_t> started_;
    std::vector<user_behaviour> behaviour_;
    std::int64_t online_ = 0;
    bool quiet_ = false;
    observer observer_;
};

} // namespace surge::models
