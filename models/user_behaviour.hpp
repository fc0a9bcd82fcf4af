// models/user_behaviour.hpp — what one user does, written once for both clocks: when it first
// connects, how long its sessions and offline spells last, when it sends a message and how big,
// when its link drops, how long it backs off before reconnecting; and which users a disconnect
// storm hits. The simulation's user_population (models/user.hpp) and the live replay's
// user_client call these with the same streams ("user/<id>", "fault/<i>") in the same order of
// events, so for one seed and a network that never fails both follow one schedule.
#pragma once

#include "models/degradation.hpp"
#include "models/params.hpp"

#include <surge/random.hpp>
#include <surge/time.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

namespace surge::models {

inline std::string user_stream_name(std::uint64_t user) { return "user/" + std::to_string(user); }
inline std::string fault_stream_name(std::uint64_t fault) { return "fault/" + std::to_string(fault); }

/// One user's draws. Holds only the user's stream (a million users must fit in memory).
class user_behaviour {
public:
    explicit user_behaviour(rng r) : r_(std::move(r)) {}

    /// When the first attempt starts, after users.connect_start: uniform in [0, connect_ramp).
    duration first_connect(const user_params& p) {
        const auto ramp = p.connect_ramp.count();
        return duration::nanoseconds(ramp > 0 ? static_cast<std::int64_t>(r_.uniform01() * static_cast<double>(ramp)) : 0);
    }

    /// What a new session holds, drawn in this order when it begins: its length (if sessions
    /// end), the wait for its first message (if the user sends any), the time until its link
    /// drops (if links drop).
    struct session_plan {
        std::optional<duration> length, first_message, drop_after;
    };
    session_plan begin_session(const user_params& p, const std::optional<duration>& mean_time_between_drops) {
        session_plan s;
        if (p.online) s.length = p.online->sample(r_);
        if (!p.messages.zero()) s.first_message = message_gap(p);
        if (mean_time_between_drops)
            s.drop_after = duration::from_seconds(mean_time_between_drops->seconds_f() * surge::standard_exponential(r_));
        return s;
    }

    /// The offline spell after a session that ended by itself.
    duration offline_gap(const user_params& p) { return p.offline.sample(r_); }
    /// The wait from one message to the next (Poisson at users.messages per second).
    duration message_gap(const user_params& p) {
        return duration::from_seconds(surge::standard_exponential(r_) / p.messages.per_second);
    }
    /// The size of a message, drawn when it is sent (before the next gap).
    std::uint32_t message_size(const user_params& p) { return static_cast<std::uint32_t>(p.message_size.sample(r_)); }
    /// The wait before reconnecting: `attempt` is 1 after a drop, else the failed attempts in a row.
    duration reconnect_backoff(const user_params& p, std::int64_t attempt) { return backoff_delay(p.reconnect, attempt, r_); }

private:
    rng r_;
};

/// Calls hit(u) for each user a disconnect storm drops: each online user, in id order, with
/// probability `fraction`, drawn from the fault's stream (an offline user draws nothing).
template <class IsOnline, class Hit>
void for_each_storm_victim(rng r, double fraction, std::uint32_t users, IsOnline&& online, Hit&& hit) {
    for (std::uint32_t u = 0; u < users; ++u)
        if (online(u) && r.uniform01() < fraction) hit(u);
}

} // namespace surge::models
