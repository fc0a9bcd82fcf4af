// models/degradation.hpp — what a service does to stay up under overload: retry with exponential
// backoff and jitter, a circuit breaker around the database, load shedding by priority and a
// token-bucket rate limit at the door. Each is a small piece of state the server consults.
#pragma once

#include "models/params.hpp"

#include <surge/random.hpp>
#include <surge/time.hpp>

#include <algorithm>
#include <cmath>
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

/// A token bucket in integer nanoseconds: `rate` tokens per second up to `burst`.
class admission_limiter {
public:
    explicit admission_limiter(const degradation_params::rate_limit_params& p)
        : enabled_(p.enabled), burst_(std::max<std::int64_t>(p.burst, 1)),
          interval_ns_(p.limit.per_second > 0 ? std::max<std::int64_t>(1, std::llround(1e9 / p.limit.per_second)) : 1),
          tokens_(burst_) {}

    bool try_take(time_point now, std::int64_t n = 1) {
        if (!enabled_) return true;
        refill(now);
        if (tokens_ < n) return false;
        tokens_ -= n;
        return true;
    }

private:
    void refill(time_point now) {
        const std::int64_t elapsed = (now - last_).count();
        const std::int64_t add = elapsed / interval_ns_;
        if (add > 0) {
            tokens_ = std::min(burst_, tokens_ + add);
            last_ = last_ + duration::nanoseconds(add * interval_ns_);
        }
        if (tokens_ == burst_) last_ = now;
    }
    bool enabled_;
    std::int64_t burst_;
    std::int64_t interval_ns_;
    std::int64_t tokens_;
    time_point last_{};
};

/// Load shedding: with `queue_length` requests waiting, is a request of this priority refused?
inline bool should_shed(const degradation_params::shedding_params& p, std::size_t queue_length, priority_class prio) {
    return p.enabled && static_cast<std::int64_t>(queue_length) >= p.queue_threshold && prio < p.keep_at_least;
}

} // namespace surge::models
