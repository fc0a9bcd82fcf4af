// models/offline_queue.hpp — per-user queues of notifications for users the server sees as
// offline, delivered in order when they reconnect. Bounded (max_messages, with a drop policy) and
// with a time to live; expired messages are discarded lazily, when the queue is next touched (on
// enqueue and on drain), which is when a real in-memory queue would notice them too.
#pragma once

#include "models/message.hpp"
#include "models/params.hpp"
#include "models/recorder.hpp"

#include <surge/simulation.hpp>

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

namespace surge::models {

class offline_queues {
public:
    offline_queues(simulation& sim, const offline_queue_params& p, const memory_params& mem, std::size_t users,
                   message_pool& pool, recorder& rec)
        : sim_(&sim), p_(p), mem_(mem), pool_(&pool), rec_(&rec), q_(users) {}

    /// Queues message `m` (in the pool) for user `u`. Returns false if it was not kept (queues
    /// disabled, or full under drop "newest"); the message is then freed and counted.
    bool enqueue(std::uint32_t u, std::uint32_t m) {
        const time_point now = sim_->now();
        if (!p_.enabled) {
            ++rec_->dropped_offline;
            pool_->free(m);
            return false;
        }
        expire_front(u, now);
        message_fifo& q = q_[u];
        if (p_.max_messages > 0 && static_cast<std::int64_t>(q.size) >= p_.max_messages) {
            if (p_.drop == offline_drop_policy::newest) {
                ++rec_->dropped_offline;
                pool_->free(m);
                return false;
            }
            ++rec_->dropped_offline;
            release(u, q.pop(*pool_));
        }
        q.push(*pool_, m);
        const std::int64_t bytes = footprint(m);
        ++rec_->offline_enqueued;
        rec_->queued_bytes_sum += static_cast<std::uint64_t>(bytes);
        rec_->memory.add(now, memory_meter::offline_queues, bytes);
        rec_->offline_change(now, +1);
        rec_->offline_longest = std::max<std::int64_t>(rec_->offline_longest, q.size);
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
            rec_->memory.add(now, memory_meter::offline_queues, -footprint(m));
            rec_->offline_change(now, -1);
            if (expired) {
                ++rec_->expired;
                pool_->free(m);
                continue;
            }
            ++rec_->offline_delivered;
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
            ++rec_->expired;
            release(u, q.pop(*pool_));
        }
    }
    void release(std::uint32_t, std::uint32_t m) {
        rec_->memory.add(sim_->now(), memory_meter::offline_queues, -footprint(m));
        rec_->offline_change(sim_->now(), -1);
        pool_->free(m);
    }

    simulation* sim_;
    offline_queue_params p_;
    memory_params mem_;
    message_pool* pool_;
    recorder* rec_;
    std::vector<message_fifo> q_;
};

} // namespace surge::models
