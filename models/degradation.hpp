// models/degradation.hpp — what a service does to stay up under overload: retry with exponential
// backoff and jitter, a circuit breaker around the database, and load shedding by priority. Each is
// a small piece of state the server consults. The rate limit at the door is the kernel's
// surge::token_bucket, wired in models/admission.hpp.
#pragma once

#include "models/params.hpp"

#include <surge/random.hpp>
#include <surge/time.hpp>

#include <algorithm>
#include <cstdint>

namespace surge::models {

/// The wait before attempt `attempt` + 1 (attempt >= 1 failed ones so far), AWS-style jitter.
inline duration backoff_delay(const backoff_params& b, std::int64_t attempt, rng& r) {
    double wait = b.base.seconds_f() * surge::fp_pow(b.multiplier, static_cast<double>(std::max<std::int64_t>(attempt - 1, 0)));
    wait = std::min(wait, b.max.seconds_f());
    switch (b.jitter) {
    case backoff_params::jitter_kind::none: break;
    case backoff_params::jitter_kind::full: wait = wait * r.uniform01(); break;
    case backoff_params::jitter_kind::equal: wait = wait * 0.5 + wait * 0.5 * r.uniform01(); break;
    }
    return duration::from_seconds(wait);
}

/// Closed -> (failure_threshold consecutive failures) -> open for open_for -> half-open: one probe
/// is let through; its success closes the breaker, its failure opens it again.
class circuit_breaker {
public:
    enum class state : std::uint8_t { closed, open, half_open };

    explicit circuit_breaker(const degradation_params::circuit_breaker_params& p) : p_(p) {}

    /// May a call go ahead at `now`? In half-open, only one probe at a time.
    bool allow(time_point now) {
        if (!p_.enabled) return true;
        if (state_ == state::open && now >= reopen_at_) {
            state_ = state::half_open;
            probing_ = false;
        }
        if (state_ == state::closed) return true;
        if (state_ == state::half_open && !probing_) {
            probing_ = true;
            return true;
        }
        return false;
    }
    void success() {
        failures_ = 0;
        if (state_ == state::half_open) state_ = state::closed;
        probing_ = false;
    }
    /// Returns true if this failure opened the breaker.
    bool failure(time_point now) {
        if (!p_.enabled) return false;
        ++failures_;
        if (state_ == state::half_open || (state_ == state::closed && failures_ >= p_.failure_threshold)) {
            state_ = state::open;
            reopen_at_ = now + p_.open_for;
            probing_ = false;
            return true;
        }
        return false;
    }
    [[nodiscard]] state current() const noexcept { return state_; }

private:
    degradation_params::circuit_breaker_params p_;
    state state_ = state::closed;
    std::int64_t failures_ = 0;
    time_point reopen_at_{};
    bool probing_ = false;
};

/// Load shedding: with `queue_length` requests waiting, is a request of this priority refused?
inline bool should_shed(const degradation_params::shedding_params& p, std::size_t queue_length, priority_class prio) {
    return p.enabled && static_cast<std::int64_t>(queue_length) >= p.queue_threshold && prio < p.keep_at_least;
}

} // namespace surge::models
