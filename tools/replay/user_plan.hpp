// tools/replay/user_plan.hpp — a live user's decisions, without sockets or clocks: when it first
// connects, what each session holds, how long it stays away, how long it backs off. It is the
// simulation's user (models/user_behaviour.hpp on the stream "user/<id>") plus the one piece of
// state the decisions need (failed attempts in a row), so a live user follows the schedule a
// simulated user of the same seed follows; user_client turns it into timers and connections.
#pragma once

#include <models/params.hpp>
#include <models/user_behaviour.hpp>

#include <surge/random.hpp>
#include <surge/time.hpp>

#include <cstdint>
#include <optional>

namespace surge::replay {

class user_plan {
public:
    using session_plan = models::user_behaviour::session_plan;

    user_plan(const models::scenario& sc, std::uint64_t seed, std::uint32_t user)
        : users_(&sc.users), links_(&sc.links), behaviour_(make_stream(seed, models::user_stream_name(user))) {}

    /// Scenario time of the first attempt.
    time_point first_attempt() { return time_point{} + users_->connect_start + behaviour_.first_connect(*users_); }
    /// The user is connected: what this session holds.
    session_plan connected() {
        failures_ = 0;
        return behaviour_.begin_session(*users_, links_->mean_time_between_drops);
    }
    /// The session ended by itself: how long the user stays away.
    duration after_session() { return behaviour_.offline_gap(*users_); }
    /// The connection dropped (the network or the server closed it): the first backoff.
    duration after_drop() { return behaviour_.reconnect_backoff(*users_, 1); }
    /// An attempt failed: backoff by the failed attempts in a row.
    duration after_failure() {
        if (failures_ < 0xffff) ++failures_;
        return behaviour_.reconnect_backoff(*users_, failures_);
    }
    /// A message is due: its size; then the wait for the next one.
    std::uint32_t message_size() { return behaviour_.message_size(*users_); }
    duration message_gap() { return behaviour_.message_gap(*users_); }

private:
    const models::user_params* users_;
    const models::link_params* links_;
    models::user_behaviour behaviour_;
    std::uint16_t failures_ = 0;
};

} // namespace surge::replay
