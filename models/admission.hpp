// models/admission.hpp — the server's door: a request is refused by the rate limit, by load
// shedding or by a full queue before any worker sees it, else it waits in the bounded FIFO queue
// the workers take from. The rate limit is the kernel's surge::token_bucket; shedding is
// should_shed (models/degradation.hpp). What a refusal costs (counters, the client's answer) is the
// server's business (models/server.hpp), so this file only decides.
#pragma once

#include "models/degradation.hpp"
#include "models/params.hpp"
#include "models/request.hpp"

#include <surge/resource.hpp>
#include <surge/simulation.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace surge::models {

/// The token-bucket rate limit on published requests: `rate` tokens per second up to `burst`, or
/// no limit at all when the scenario has none.
class rate_limiter {
public:
    rate_limiter(simulation& sim, const degradation_params::rate_limit_params& p) {
        if (p.enabled) bucket_.emplace(sim, token_interval(p.limit), std::max<std::int64_t>(p.burst, 1));
    }

    /// Takes n tokens now if there are that many.
    bool try_take(std::int64_t n = 1) { return !bucket_ || bucket_->try_take(n); }

    /// The time per token: 1 s / rate rounded to the nanosecond, at least 1 ns. Computed here rather
    /// than by token_bucket::per_second, which throws above 1e9/s where this clamps to 1 ns (the
    /// behaviour scenarios have always had), and whose 1.0 / rate then * 1e9 rounds twice
    /// (identical for every rate 0.1/s..2e6/s in steps of 0.1, but not equal by construction).
    [[nodiscard]] static duration token_interval(rate r) {
        if (!(r.per_second > 0)) return duration::nanoseconds(1);
        return duration::nanoseconds(std::max<std::int64_t>(1, std::llround(1e9 / r.per_second)));
    }

private:
    std::optional<token_bucket> bucket_;
};

/// Admission control in front of the workers.
class admission {
public:
    enum class verdict : std::uint8_t { accepted, rate_limited, shed, queue_full };

    admission(simulation& sim, std::size_t queue_capacity, const degradation_params& deg)
        : limiter_(sim, deg.rate_limit), shedding_(deg.shedding), queue_(sim, queue_capacity) {}

    /// Rate limit and shedding apply to publish requests only (a connect or a client's message is
    /// never refused at the door, only by a full queue). An accepted request is queued.
    verdict offer(const request& r) {
        if (r.type == request::kind::publish) {
            if (!limiter_.try_take()) return verdict::rate_limited;
            if (should_shed(shedding_, queue_.size(), r.prio)) return verdict::shed;
        }
        if (queue_.try_put(r, overflow_policy::reject) != put_result::accepted) return verdict::queue_full;
        return verdict::accepted;
    }

    /// `co_await door.resume(r);` — a request whose transaction ended queues again (event_loop
    /// server), behind those waiting, past the door's checks; it waits while the queue is full.
    [[nodiscard]] auto resume(request r) { return queue_.put(std::move(r)); }

    /// `request q = co_await door.next();` — the oldest waiting request.
    [[nodiscard]] auto next() { return queue_.get(); }
    [[nodiscard]] std::size_t queue_length() const noexcept { return queue_.size(); }

private:
    rate_limiter limiter_;
    degradation_params::shedding_params shedding_;
    store<request> queue_;
};

} // namespace surge::models
