// models/ws_link.hpp — the WebSocket link of every user: handshake time, one-way latency,
// bandwidth, TCP retransmits on loss, in-order delivery, silent drops and the Engine.IO ping that
// detects them.
//
// A link is a FIFO of messages sent and not yet received. A frame leaves when the link's
// bandwidth lets it (after the frames before it), arrives one latency later, and never overtakes
// the frame before it (TCP is in order, so one lost frame delays the ones behind it). Each link
// has an epoch that changes when it closes; an arrival scheduled under an old epoch finds its
// messages already written off and does nothing.
//
// The link table is struct-of-arrays over user ids: a million idle links cost ~40 bytes each.
#pragma once

#include "models/message.hpp"
#include "models/params.hpp"

#include <surge/random.hpp>
#include <surge/simulation.hpp>

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace surge::models {

class link_table {
public:
    /// Called when a frame arrives at the client: (context, user, epoch).
    using arrival_fn = void (*)(void*, std::uint32_t, std::uint32_t);

    link_table(simulation& sim, const link_params& p, std::size_t users, message_pool& pool)
        : sim_(&sim), p_(p), pool_(&pool), alive_(users, 0), slow_(users, 0), epoch_(users, 0),
          busy_until_(users, 0), last_arrival_(users, 0), fifo_(users), rng_() {
        rng_.reserve(users);
        for (std::size_t u = 0; u < users; ++u) rng_.push_back(sim.stream("link/" + std::to_string(u)));
        if (p.slow_fraction > 0) {
            rng assign = sim.stream("link/slow-assignment");
            for (std::size_t u = 0; u < users; ++u) slow_[u] = assign.uniform01() < p.slow_fraction ? 1 : 0;
        }
    }

    void on_arrival(arrival_fn fn, void* ctx) noexcept {
        arrival_ = fn;
        arrival_ctx_ = ctx;
    }

    [[nodiscard]] rng& stream(std::uint32_t u) noexcept { return rng_[u]; }
    [[nodiscard]] bool alive(std::uint32_t u) const noexcept { return alive_[u] != 0; }
    [[nodiscard]] std::uint32_t epoch(std::uint32_t u) const noexcept { return epoch_[u]; }
    [[nodiscard]] std::size_t size() const noexcept { return alive_.size(); }
    [[nodiscard]] const message_fifo& in_flight(std::uint32_t u) const noexcept { return fifo_[u]; }

    /// The network part of a handshake.
    [[nodiscard]] duration handshake_time(std::uint32_t u) { return scaled(p_.handshake.sample(rng_[u])); }
    /// One-way latency now (with any latency spike).
    [[nodiscard]] duration one_way(std::uint32_t u) { return scaled(p_.latency.sample(rng_[u])) + extra_; }
    [[nodiscard]] bool handshake_fails(std::uint32_t u) {
        return p_.connect_failure > 0 && rng_[u].uniform01() < p_.connect_failure;
    }

    /// The link opens (the server accepted the connection).
    void open(std::uint32_t u) {
        alive_[u] = 1;
        busy_until_[u] = sim_->now().count();
        last_arrival_[u] = sim_->now().count();
    }

    /// Sends message `m` (already in the pool) to user `u`, leaving the server at `at` (>= now).
    /// The link must be alive.
    void send(std::uint32_t u, std::uint32_t m, time_point at) {
        message& msg = (*pool_)[m];
        const double bw = slow_[u] != 0 ? p_.slow_bandwidth_bytes_per_s : p_.bandwidth_bytes_per_s;
        std::int64_t start = std::max(at.count(), busy_until_[u]);
        if (bw > 0) start = (time_point::from_ns(start) + on_the_wire(msg.bytes, bw)).count();
        busy_until_[u] = start;
        rng& r = rng_[u];
        // time_point arithmetic saturates: a latency draw near the top of the range cannot wrap.
        time_point arrival = time_point::from_ns(start) + one_way(u);
        if (p_.loss > 0 && r.uniform01() < p_.loss) arrival += p_.retransmit;
        std::int64_t arrive = arrival.count();
        arrive = std::max(arrive, last_arrival_[u]);
        last_arrival_[u] = arrive;
        fifo_[u].push(*pool_, m);
        const std::uint32_t ep = epoch_[u];
        sim_->schedule_at(time_point::from_ns(arrive), [this, u, ep] { arrival_(arrival_ctx_, u, ep); });
    }

    /// At an arrival for (u, epoch): the message that arrived, or no_index if the link has closed
    /// since (its messages were already handed to close()'s caller).
    [[nodiscard]] std::uint32_t take_arrived(std::uint32_t u, std::uint32_t ep) noexcept {
        if (ep != epoch_[u] || fifo_[u].empty()) return no_index;
        return fifo_[u].pop(*pool_);
    }

    /// Closes the link: it is dead from now on; the messages still on it are returned in order
    /// through `each(message index)` (the caller counts them lost and frees them).
    template <class F>
    void close(std::uint32_t u, F&& each) {
        alive_[u] = 0;
        ++epoch_[u];
        while (!fifo_[u].empty()) each(fifo_[u].pop(*pool_));
    }

    /// The delay until the server notices a silently dead link: the next ping (uniform within
    /// the interval) plus the ping timeout.
    [[nodiscard]] duration ping_detection(std::uint32_t u) {
        const auto wait = static_cast<std::int64_t>(rng_[u].uniform01() * static_cast<double>(p_.ping_interval.count()));
        return duration::nanoseconds(wait) + p_.ping_timeout;
    }

    // --- latency spikes (models/faults.hpp) ---
    void spike(double factor, duration extra) {
        factor_ *= factor;
        extra_ += extra;
    }
    void unspike(double factor, duration extra) {
        factor_ /= factor;
        extra_ -= extra;
    }

    [[nodiscard]] const link_params& params() const noexcept { return p_; }

    /// How long `bytes` take at `bytes_per_s` (> 0), truncated to whole nanoseconds. A frame that
    /// would stay on the wire past the event queue's horizon (a bandwidth of a few bits per second
    /// and a large frame) throws, and the run stops naming the link, instead of converting an
    /// out-of-range double to an integer (undefined behaviour).
    [[nodiscard]] static duration on_the_wire(std::int64_t bytes, double bytes_per_s) {
        const double ns = static_cast<double>(bytes) * 1e9 / bytes_per_s;
        if (!(ns < wire_limit_ns))
            throw std::out_of_range("link: a " + std::to_string(bytes) + "-byte frame at a bandwidth of " +
                                    std::to_string(bytes_per_s) +
                                    " bytes/s stays on the wire beyond the event queue's horizon (2^55 ns, about 417 days)");
        return duration::nanoseconds(static_cast<std::int64_t>(ns));
    }

private:
    static constexpr double wire_limit_ns = 0x1p55;

    [[nodiscard]] duration scaled(duration d) const {
        return factor_ == 1.0 ? d : duration::from_seconds(d.seconds_f() * factor_);
    }

    simulation* sim_;
    link_params p_;
    message_pool* pool_;
    std::vector<std::uint8_t> alive_;
    std::vector<std::uint8_t> slow_;
    std::vector<std::uint32_t> epoch_;
    std::vector<std::int64_t> busy_until_;
    std::vector<std::int64_t> last_arrival_;
    std::vector<message_fifo> fifo_;
    std::vector<rng> rng_;
    arrival_fn arrival_ = nullptr;
    void* arrival_ctx_ = nullptr;
    double factor_ = 1.0;
    duration extra_ = duration::zero();
};

} // namespace surge::models
