// models/server.hpp — the notification server, assembled: admission (models/admission.hpp) in
// front of a pool of worker processes (Flask-SocketIO's worker threads) that take requests in FIFO
// order and serve them (models/request_handlers.hpp), each request costing worker time and
// database queries (models/db_client.hpp); the connection registry
// (models/connection_registry.hpp); fan-out, send buffers and broadcast tracking
// (models/fan_out.hpp). This file owns the pieces, the door's bookkeeping, the worker loop and
// worker loss. With `concurrency: event_loop` (Node) a worker does not wait for a publish's
// transaction: the transaction runs apart and the stored publish queues again for its cost and
// fan-out.
#pragma once

#include "models/admission.hpp"
#include "models/connection_registry.hpp"
#include "models/database.hpp"
#include "models/db_client.hpp"
#include "models/fan_out.hpp"
#include "models/message.hpp"
#include "models/offline_queue.hpp"
#include "models/params.hpp"
#include "models/recorder.hpp"
#include "models/request.hpp"
#include "models/request_handlers.hpp"
#include "models/ws_link.hpp"

#include <surge/process.hpp>
#include <surge/resource.hpp>
#include <surge/simulation.hpp>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace surge::models {

class server {
public:
    server(simulation& sim, const server_params& p, const degradation_params& deg, const memory_params& mem,
           database& db, link_table& links, offline_queues& offline, message_pool& pool, recorder& rec)
        : sim_(&sim), p_(p), mem_(mem), links_(&links), rec_(&rec), rng_(sim.stream("server")),
          door_(sim, static_cast<std::size_t>(p.queue_capacity), deg), registry_(sim, links.size(), mem, rec.connections, rec.memory),
          out_(sim, p, mem, links, offline, pool, rec, registry_, rng_), db_(sim, db, deg, rec.db, rng_),
          handlers_(sim, p, deg, mem, db_, registry_, out_, links, rec, rng_), restored_(sim), active_(p.workers) {}
    server(const server&) = delete;
    server& operator=(const server&) = delete;

    void set_clients(client_side& c) noexcept {
        out_.set_clients(c);
        handlers_.set_clients(c);
    }

    /// Spawns the worker processes.
    void start() {
        idle_.assign(static_cast<std::size_t>(p_.workers), 0);
        for (std::int64_t i = 0; i < p_.workers; ++i)
            workers_.push_back(sim_->spawn(worker(i), "server/worker/" + std::to_string(i)));
    }

    /// A request reaches the server. Returns false if it was refused (rate limit, shedding, full
    /// queue); publish requests are counted either way.
    bool submit(request r) {
        const time_point now = sim_->now();
        r.enqueued = now;
        const bool publish = r.type == request::kind::publish;
        if (publish) {
            rec_->publishing.on_published(now, r.batch);
            rec_->publishing.active_at(now);
            rec_->delivery.active_at(now);
        }
        switch (door_.offer(r)) {
        case admission::verdict::accepted: break;
        case admission::verdict::rate_limited:
            rec_->publishing.on_rate_limited(now, r.batch);
            handlers_.refuse(r);
            return false;
        case admission::verdict::shed:
            rec_->publishing.on_shed(now, r.batch);
            handlers_.refuse(r);
            return false;
        case admission::verdict::queue_full:
            if (publish) {
                rec_->publishing.on_rejected(now, r.batch);
                handlers_.refuse(r);
            }
            return false;
        }
        if (publish) rec_->publishing.on_accepted(now, r.batch);
        rec_->memory.add(now, memory_meter::requests, mem_.per_request);
        rec_->serving.on_queue_length(now, door_.queue_length());
        return true;
    }

    // --- connections ---

    [[nodiscard]] bool connected(std::uint32_t u) const noexcept { return registry_.connected(u); }
    [[nodiscard]] std::int64_t connections() const noexcept { return registry_.count(); }

    /// The client closed its connection cleanly (the server learns at once).
    void client_closed(std::uint32_t u) {
        out_.close_link(u);
        if (registry_.connected(u)) registry_.remove(u);
    }

    /// The client's network vanished without a close: the link is dead now, but the server only
    /// notices at the next failed ping; until then what it sends is lost.
    void link_died(std::uint32_t u) {
        out_.close_link(u);
        if (!registry_.connected(u)) return;
        const std::uint32_t gen = registry_.generation(u);
        sim_->schedule(links_->ping_detection(u), [this, u, gen] {
            if (registry_.connected(u) && registry_.generation(u) == gen) registry_.remove(u);
        });
    }

    // --- worker loss (models/faults.hpp) ---
    /// Takes up to n workers away; returns how many. A lost worker that is busy finishes its
    /// request first; one waiting for work stops at once.
    std::int64_t lose_workers(std::int64_t n) {
        const std::int64_t lost = std::min(n, active_);
        active_ -= lost;
        for (std::int64_t i = active_; i < active_ + lost; ++i)
            if (idle_[static_cast<std::size_t>(i)] != 0) workers_[static_cast<std::size_t>(i)].interrupt("worker lost");
        return lost;
    }
    void restore_workers(std::int64_t n) {
        active_ = std::min(p_.workers, active_ + n);
        restored_.trigger();
        restored_.reset();
    }

    [[nodiscard]] std::size_t queue_length() const noexcept { return door_.queue_length(); }
    [[nodiscard]] const server_params& params() const noexcept { return p_; }

private:
    /// Takes requests in FIFO order and serves each to the end; waits while it is a lost worker.
    surge::process worker(std::int64_t index) {
        for (;;) {
            while (index >= active_) co_await restored_;
            request q;
            idle_[static_cast<std::size_t>(index)] = 1;
            try {
                q = co_await door_.next();
            } catch (const interrupted&) {
                idle_[static_cast<std::size_t>(index)] = 0;
                continue;  // lost while waiting for work: wait for the restoration
            }
            idle_[static_cast<std::size_t>(index)] = 0;
            const time_point start = sim_->now();
            rec_->serving.on_queue_length(start, door_.queue_length());
            rec_->memory.add(start, memory_meter::requests, -mem_.per_request);
            rec_->serving.on_taken(start, q.enqueued);
            rec_->serving.on_service_start(start);
            switch (q.type) {
            case request::kind::publish:
                if (q.stored) {
                    co_await handlers_.complete_publish(q);
                } else if (p_.concurrency == server_concurrency::event_loop && p_.queries_per_notification > 0) {
                    if (handlers_.begin_publish(q, start)) sim_->spawn(store_then_resume(q), "server/store");
                } else {
                    co_await handlers_.publish(q, start);
                }
                break;
            case request::kind::connect: co_await handlers_.connect(q); break;
            case request::kind::client_message: co_await handlers_.client_message(q); break;
            }
            rec_->serving.on_service_end(sim_->now());
        }
    }

    /// event_loop: a publish's transaction, off the worker; a stored publish queues again for the
    /// rest of its work.
    surge::process store_then_resume(request q) {
        const bool stored = co_await handlers_.persist(q);
        if (!stored) co_return;
        q.stored = true;
        q.enqueued = sim_->now();
        rec_->memory.add(sim_->now(), memory_meter::requests, mem_.per_request);
        co_await door_.resume(q);
        rec_->serving.on_queue_length(sim_->now(), door_.queue_length());
    }

    simulation* sim_;
    server_params p_;
    memory_params mem_;
    link_table* links_;
    recorder* rec_;
    rng rng_;  // the server's stream: worker costs, DB draws and emits, in one order
    admission door_;
    connection_registry registry_;
    fan_out out_;
    db_client db_;
    request_handlers handlers_;
    event restored_;
    std::vector<surge::process> workers_;
    std::vector<std::uint8_t> idle_;  // worker i waits for a request
    std::int64_t active_;
};

} // namespace surge::models
