// models/fan_out.hpp — the server's outgoing side: fan-out of a published request to its
// recipients (one user, distinct random users, or every connected user), per-connection send
// buffers with the slow-consumer policy, the drain of an offline queue on reconnection, and the
// tracking of each broadcast until its last copy has arrived or been lost (broadcast time).
//
// A copy handed to a user the server believes offline goes to the offline queue; one handed to a
// connection whose network has silently died is lost (the server does not know yet). The worker
// pays `cost_per_message` per copy: the i-th copy leaves the server after i emits.
#pragma once

#include "models/connection_registry.hpp"
#include "models/message.hpp"
#include "models/offline_queue.hpp"
#include "models/params.hpp"
#include "models/recipients.hpp"
#include "models/recorder.hpp"
#include "models/request.hpp"
#include "models/ws_link.hpp"

#include <surge/random.hpp>
#include <surge/simulation.hpp>

#include <algorithm>
#include <cstdint>
#include <vector>

namespace surge::models {

/// Each broadcast's copies in flight; when the last one is settled (arrived, dropped or lost) the
/// time from publish to the last arrival is recorded.
class broadcast_tracker {
public:
    broadcast_tracker(simulation& sim, broadcast_meter& meter) : sim_(&sim), meter_(&meter) {}

    /// A new broadcast published at `created`; copies are added until seal().
    std::uint32_t open(time_point created) {
        const auto b = static_cast<std::uint32_t>(states_.size());
        states_.push_back(state{created, created, 0, false, false});
        return b;
    }
    void copy_sent(std::uint32_t b) noexcept { ++states_[b].outstanding; }
    void copy_arrived(std::uint32_t b, time_point now) noexcept {
        states_[b].last = now;
        states_[b].any = true;
    }
    /// A copy arrived, was dropped or was lost.
    void copy_settled(std::uint32_t b) {
        --states_[b].outstanding;
        settle(b);
    }
    /// Every copy has been handed to a link.
    void seal(std::uint32_t b) {
        states_[b].sealed = true;
        settle(b);
    }

private:
    struct state {
        time_point created;
        time_point last;
        std::uint32_t outstanding = 0;
        bool sealed = false;  // every copy has been handed to a link
        bool any = false;     // at least one copy arrived
    };
    void settle(std::uint32_t b) {
        state& s = states_[b];
        if (!s.sealed || s.outstanding != 0) return;
        s.sealed = false;  // settle once
        if (s.any) meter_->on_completed(sim_->now(), s.last - s.created);
    }

    simulation* sim_;
    broadcast_meter* meter_;
    std::vector<state> states_;
};

class fan_out {
public:
    /// `emit_rng` draws the per-copy emit cost; it is the server's stream, shared with the handlers
    /// (one stream, drawn in the same order as ever).
    fan_out(simulation& sim, const server_params& p, const memory_params& mem, link_table& links,
            offline_queues& offline, message_pool& pool, recorder& rec, connection_registry& registry, rng& emit_rng)
        : sim_(&sim), p_(p), mem_(mem), links_(&links), offline_(&offline), pool_(&pool), rec_(&rec),
          registry_(&registry), emit_rng_(&emit_rng), broadcasts_(sim, rec.broadcasts), buffered_(links.size(), 0) {
        links.on_arrival(&fan_out::arrival_thunk, this);
    }
    fan_out(const fan_out&) = delete;
    fan_out& operator=(const fan_out&) = delete;

    void set_clients(client_side& c) noexcept { clients_ = &c; }

    /// Hands every copy of the request's notifications to its recipients, the i-th send leaving
    /// after i emits' worth of worker time. Returns the total emit time.
    duration publish(const request& q) {
        const time_point t0 = sim_->now();
        duration offset{};
        rng targets(q.target_seed);
        const auto users = static_cast<std::uint32_t>(links_->size());
        auto emit = [&](std::uint32_t u, std::uint32_t bcast) {
            offset += p_.cost_per_message.sample(*emit_rng_);
            rec_->delivery.on_attempted(t0);
            message m;
            m.created = q.created;
            m.bytes = q.payload;
            m.broadcast = bcast;
            deliver(u, pool_->make(m), t0 + offset);
        };
        for (std::uint32_t k = 0; k < q.batch; ++k) {
            rec_->memory.on_notification_created(t0, mem_.per_notification + q.payload);
            if (q.target == target_kind::broadcast) {
                const std::uint32_t b = broadcasts_.open(q.created);
                std::uint32_t n = 0;
                for (std::uint32_t u = 0; u < users; ++u)
                    if (registry_->connected(u)) {
                        emit(u, b);
                        ++n;
                    }
                rec_->broadcasts.on_broadcast(t0, n);
                broadcasts_.seal(b);
            } else {
                choose_recipients(q.target, q.recipients, users, targets, chosen_);
                for (const std::uint32_t u : chosen_) emit(u, no_index);
            }
        }
        return offset;
    }

    /// The server's answer to a client's message, sent now if it still holds the connection.
    void reply(std::uint32_t u, time_point created, std::uint32_t bytes) {
        if (!registry_->connected(u)) return;
        message m;
        m.created = created;
        m.bytes = bytes;
        m.kind = message_kind::reply;
        send(u, pool_->make(m), sim_->now(), no_index);
    }

    /// Sends user u's offline queue, in order, the i-th message after i emits. Returns the emit
    /// time it costs the worker. Stops if the connection closes meanwhile (the rest stays queued).
    duration drain_offline(std::uint32_t u) {
        const time_point t0 = sim_->now();
        duration offset{};
        offline_->drain(
            u, [this, u] { return registry_->connected(u); },
            [&](std::uint32_t m) {
                offset += p_.cost_per_message.sample(*emit_rng_);
                send(u, m, t0 + offset, no_index);
            });
        return offset;
    }

    /// Closes user u's link; what is still on it is lost.
    void close_link(std::uint32_t u) {
        links_->close(u, [this, u](std::uint32_t m) { write_off(u, m); });
    }

private:
    /// One copy for user u, leaving the server at `at`: onto the link, into the offline queue, or
    /// lost on a link the server does not yet know is dead.
    void deliver(std::uint32_t u, std::uint32_t m, time_point at) {
        if (!registry_->connected(u)) {
            (*pool_)[m].broadcast = no_index;
            (*pool_)[m].queued = true;
            offline_->enqueue(u, m);
            return;
        }
        send(u, m, at, (*pool_)[m].broadcast);
    }

    void send(std::uint32_t u, std::uint32_t m, time_point at, std::uint32_t bcast) {
        if (!links_->alive(u)) {
            if ((*pool_)[m].kind == message_kind::notification) rec_->delivery.on_lost(sim_->now());
            pool_->free(m);
            return;
        }
        if (static_cast<std::int64_t>(buffered_[u]) >= p_.send_buffer) {
            switch (p_.slow_consumer) {
            case slow_consumer_policy::drop_newest:
                rec_->delivery.on_dropped_send_buffer(sim_->now());
                pool_->free(m);
                return;
            case slow_consumer_policy::drop_oldest:
                drop_oldest(u);
                break;
            case slow_consumer_policy::disconnect:
                rec_->delivery.on_dropped_send_buffer(sim_->now());
                pool_->free(m);
                close_slow_consumer(u);
                return;
            }
        }
        if (bcast != no_index) broadcasts_.copy_sent(bcast);
        ++buffered_[u];
        rec_->memory.add(sim_->now(), memory_meter::send_buffers, buffer_bytes(m));
        links_->send(u, m, at);
    }

    void drop_oldest(std::uint32_t u) {
        const message_fifo& f = links_->in_flight(u);
        for (std::uint32_t i = f.head; i != no_index; i = (*pool_)[i].next) {
            message& msg = (*pool_)[i];
            if (msg.dropped) continue;
            msg.dropped = true;
            rec_->delivery.on_dropped_send_buffer(sim_->now());
            unbuffer(u, i);
            return;
        }
    }

    void close_slow_consumer(std::uint32_t u) {
        rec_->connections.on_drop(sim_->now());
        close_link(u);
        registry_->remove(u);
        if (clients_ != nullptr) clients_->closed_by_server(u);
    }

    /// A message still on a link that closed: lost (unless already dropped).
    void write_off(std::uint32_t u, std::uint32_t m) {
        message& msg = (*pool_)[m];
        if (!msg.dropped) {
            if (msg.kind == message_kind::notification) rec_->delivery.on_lost(sim_->now());
            unbuffer(u, m);
        }
        pool_->free(m);
    }

    /// A message leaves the send buffer (arrived, dropped or lost).
    void unbuffer(std::uint32_t u, std::uint32_t m) {
        --buffered_[u];
        rec_->memory.add(sim_->now(), memory_meter::send_buffers, -buffer_bytes(m));
        const std::uint32_t b = (*pool_)[m].broadcast;
        if (b != no_index) broadcasts_.copy_settled(b);
    }

    static void arrival_thunk(void* self, std::uint32_t u, std::uint32_t ep) {
        static_cast<fan_out*>(self)->arrived(u, ep);
    }
    void arrived(std::uint32_t u, std::uint32_t ep) {
        const std::uint32_t m = links_->take_arrived(u, ep);
        if (m == no_index) return;
        message& msg = (*pool_)[m];
        const time_point now = sim_->now();
        if (!msg.dropped) {
            const std::int64_t lat = (now - msg.created).count();
            if (msg.kind == message_kind::notification) {
                if (msg.queued) {
                    rec_->delivery.on_delivered(now);
                    rec_->offline.on_arrived(now, lat);
                } else {
                    rec_->delivery.on_delivered(now, lat);
                }
                rec_->delivery.active_at(now);
                if (msg.broadcast != no_index) broadcasts_.copy_arrived(msg.broadcast, now);
                sim_->trace().record(now, "deliver", u, lat);
            } else {
                rec_->messages.on_answered(now, lat);
                sim_->trace().record(now, "reply", u, lat);
            }
            unbuffer(u, m);
        }
        pool_->free(m);
    }

    [[nodiscard]] std::int64_t buffer_bytes(std::uint32_t m) const noexcept {
        return mem_.per_buffered_message + static_cast<std::int64_t>((*pool_)[m].bytes);
    }

    simulation* sim_;
    server_params p_;
    memory_params mem_;
    link_table* links_;
    offline_queues* offline_;
    message_pool* pool_;
    recorder* rec_;
    connection_registry* registry_;
    rng* emit_rng_;
    client_side* clients_ = nullptr;
    broadcast_tracker broadcasts_;
    std::vector<std::uint32_t> buffered_;  // messages per connection sent and not yet settled
    std::vector<std::uint32_t> chosen_;    // scratch: the recipients of one notification
};

} // namespace surge::models
