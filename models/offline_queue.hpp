// models/offline_queue.hpp — per-user queues of notifications for users the server sees as
// offline, delivered in order when they reconnect. Bounded (max_messages, with a drop policy) and
// with a time to live; expired messages are discarded lazily, when the queue is next touched (on
// enqueue and on drain), which is when a real in-memory queue would notice them too.
#pragma once

#include "models/message.hpp"
#include "models/params.hpp"
#include "models/memory_meter.hpp"
#include "models/offline_queue_meter.hpp"

#include <surge/simulation.hpp>

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

namespace surge::models {

class offline_queues {
public:
    offline_queues(simulation& sim, const offline_queue_params& p, const memory_params& mem, std::size_t users,
                   message_pool& pool, offline_queue_meter& meter, memory_meter& memory)
        : sim_(&sim), p_(p), mem_(mem), pool_(&pool), meter_(&meter), memory_(&memory), q_(users) {}

    /// Queues message `m` (in the pool) for user `u`. Returns false if it was not kept (queues
    /// disabled, or full under drop "newest"); the message is then freed and counted.
    bool enqueue(std::uint32_t u, std::uint32_t m) {
        const time_point now = sim_->now();
        if (!p_.enabled) {
            meter_->on_dropped(now);
            pool_->free(m);
            return false;
        }
        expire_front(u, now);
        message_fifo& q = q_[u];
        if (p_.max_messages > 0 && static_cast<std::int64_t>(q.size) >= p_.max_messages) {
            if (p_.drop == offline_drop_policy::newest) {
                meter_->on_dropped(now);
                pool_->free(m);
                return false;
            }
            meter_->on_dropped(now);
            release(u, q.pop(*pool_));
        }
        q.push(*pool_, m);
        const std::int64_t bytes = footprint(m);
        meter_->on_enqueued(now, bytes, static_cast<std::int64_t>(q.size));
        memory_->add(now, memory_meter::offline_queues, bytes);
        return true;
    }

    /// Hands user `u`'s queue over in order through `each(message index)` (the caller sends them),
    /// discarding the expired ones, for as long as `more()` says so (the connection may close
    /// half-way; what is left stays queued).
    template <class More, class F>
    void drain(std::uint32_t u, More&& more, F&& each) {
        const time_point now = sim_->now();
        message_fifo& q = q_[u];
        while (!q.empty() && more()) {
            const std::uint32_t m = q.pop(*pool_);
            const bool expired = p_.ttl && (*pool_)[m].created + *p_.ttl <= now;
            memory_->add(now, memory_meter::offline_queues, -footprint(m));
            meter_->on_removed(now);
            if (expired) {
                meter_->on_expired(now);
                pool_->free(m);
                continue;
            }
            meter_->on_handed_over(now);
            each(m);
        }
    }

    template <class F>
    void drain(std::uint32_t u, F&& each) {
        drain(u, [] { return true; }, std::forward<F>(each));
    }

    [[nodiscard]] std::size_t length(std::uint32_t u) const noexcept { return q_[u].size; }
    [[nodiscard]] std::int64_t footprint(std::uint32_t m) const noexcept {
        return mem_.per_queued_message + static_cast<std::int64_t>((*pool_)[m].bytes);
    }

private:
    void expire_front(std::uint32_t u, time_point now) {
        if (!p_.ttl) return;
        message_fifo& q = q_[u];
        while (!q.empty() && (*pool_)[q.head].created + *p_.ttl <= now) {
            meter_->on_expired(now);
            release(u, q.pop(*pool_));
        }
    }
    void release(std::uint32_t, std::uint32_t m) {
        memory_->add(sim_->now(), memory_meter::offline_queues, -footprint(m));
        meter_->on_removed(sim_->now());
        pool_->free(m);
    }

    simulation* sim_;
    offline_queue_params p_;
    memory_params mem_;
    message_pool* pool_;
    offline_queue_meter* meter_;
    memory_meter* memory_;
    std::vector<message_fifo> q_;
};

} // namespace surge::models
