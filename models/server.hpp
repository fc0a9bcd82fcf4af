// models/server.hpp — the notification server, assembled: admission (models/admission.hpp) in
// front of a pool of worker processes (Flask-SocketIO's worker threads) that take requests in FIFO
// order and serve them, each request costing worker time and database queries; the connection
// registry (models/connection_registry.hpp); fan-out, send buffers and broadcast tracking
// (models/fan_out.hpp). This file owns the pieces, the worker loop and worker loss.
#pragma once

#include "models/admission.hpp"
#include "models/connection_registry.hpp"
#include "models/database.hpp"
#include "models/degradation.hpp"
#include "models/fan_out.hpp"
#include "models/message.hpp"
#include "models/offline_queue.hpp"
#include "models/params.hpp"
#include "models/recorder.hpp"
#include "models/request.hpp"
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
        : sim_(&sim), p_(p), deg_(deg), mem_(mem), db_(&db), links_(&links), rec_(&rec), rng_(sim.stream("server")),
          door_(sim, static_cast<std::size_t>(p.queue_capacity), deg), registry_(sim, links.size(), mem, rec),
          out_(sim, p, mem, links, offline, pool, rec, registry_, rng_), restored_(sim), breaker_(deg.circuit_breaker),
          active_(p.workers) {}
    server(const server&) = delete;
    server& operator=(const server&) = delete;

    void set_clients(client_side& c) noexcept {
        clients_ = &c;
        out_.set_clients(c);
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
            rec_->published += r.batch;
            rec_->publishing.note(now);
            rec_->delivering.note(now);
        }
        switch (door_.offer(r)) {
        case admission::verdict::accepted: break;
        case admission::verdict::rate_limited:
            rec_->rate_limited += r.batch;
            refuse(r);
            return false;
        case admission::verdict::shed:
            rec_->shed += r.batch;
            refuse(r);
            return false;
        case admission::verdict::queue_full:
            if (publish) {
                rec_->rejected += r.batch;
                refuse(r);
            }
            return false;
        }
        if (publish) rec_->accepted += r.batch;
        rec_->memory.add(now, memory_meter::requests, mem_.per_request);
        rec_->server_queue.set(now, static_cast<double>(door_.queue_length()));
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
    void refuse(request& r) {
        ++rec_->operations;
        if (r.ok != nullptr) *r.ok = false;
        if (r.done != nullptr) r.done->trigger();
    }
    void finish(request& r, bool ok) {
        ++rec_->operations;
        const duration took = sim_->now() - r.created;
        if (ok && deg_.request_timeout && took > *deg_.request_timeout) {
            rec_->timed_out += r.batch;
            ok = false;
        }
        if (ok) {
            ++rec_->operations_ok;
            rec_->operation_latency.record(took.count());
            rec_->per_notification.add(took.seconds_f() / static_cast<double>(std::max<std::uint32_t>(r.batch, 1)));
        }
        if (r.ok != nullptr) *r.ok = ok;
        if (r.done != nullptr) r.done->trigger();
        sim_->trace().record(sim_->now(), ok ? "op.ok" : "op.fail", r.user, took.count(), r.batch);
    }

    surge::process worker(std::int64_t index) {
        rng& r = rng_;
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
            rec_->server_queue.set(start, static_cast<double>(door_.queue_length()));
            rec_->memory.add(start, memory_meter::requests, -mem_.per_request);
            rec_->queue_wait.record((start - q.enqueued).count());

            if (q.type == request::kind::publish) {
                if (deg_.request_timeout && start - q.created > *deg_.request_timeout) {
                    rec_->timed_out += q.batch;
                    ++rec_->operations;
                    if (q.ok != nullptr) *q.ok = false;
                    if (q.done != nullptr) q.done->trigger();
                    continue;
                }
                const std::int64_t objects = static_cast<std::int64_t>(q.batch) * (mem_.per_notification + q.payload);
                rec_->memory.add(start, memory_meter::notifications, objects);
                // Persist: one transaction with `queries_per_notification` queries per notification.
                const std::int64_t queries = p_.queries_per_notification * q.batch;
                bool stored = true;
                if (queries > 0) {
                    stored = false;
                    for (std::int64_t attempt = 1;; ++attempt) {
                        bool ok = false;
                        if (!breaker_.allow(sim_->now())) {
                            ++rec_->breaker_rejected;
                        } else {
                            const time_point asked = sim_->now();
                            auto conn = co_await db_->checkout();
                            rec_->pool_wait.record((sim_->now() - asked).count());
                            if (!conn) {
                                ++rec_->db_timeouts;
                            } else {
                                co_await sim_->delay(db_->open_cost(r));
                                ok = true;
                                duration spent{};
                                for (std::int64_t k = 0; k < queries && ok; ++k) {
                                    const auto res = db_->query(r);
                                    spent += res.time;
                                    ok = res.ok;
                                }
                                co_await sim_->delay(spent);
                                db_->checkin(std::move(conn));
                            }
                            if (ok) breaker_.success();
                            else if (breaker_.failure(sim_->now())) ++rec_->breaker_opens;
                        }
                        if (ok) {
                            stored = true;
                            break;
                        }
                        if (attempt >= deg_.retry.max_attempts) break;
                        ++rec_->db_retries;
                        co_await sim_->delay(backoff_delay(deg_.retry.backoff, attempt, r));
                    }
                }
                if (!stored) {
                    rec_->memory.add(sim_->now(), memory_meter::notifications, -objects);
                    rec_->failed += q.batch;
                    rec_->worker_busy_s += (sim_->now() - start).seconds_f();
                    finish(q, false);
                    continue;
                }
                duration cost{};
                for (std::uint32_t k = 0; k < q.batch; ++k) cost += p_.cost_per_notification.sample(r);
                co_await sim_->delay(cost);
                rec_->persisted += q.batch;
                rec_->publishing.note(sim_->now());
                const duration fan = out_.publish(q);
                co_await sim_->delay(fan);
                rec_->memory.add(sim_->now(), memory_meter::notifications, -objects);
                rec_->worker_busy_s += (sim_->now() - start).seconds_f();
                finish(q, true);
            } else if (q.type == request::kind::connect) {
                co_await sim_->delay(p_.cost_per_connect.sample(r));
                for (std::int64_t k = 0; k < p_.queries_per_connect; ++k) {
                    auto conn = co_await db_->checkout();
                    if (!conn) break;
                    co_await sim_->delay(db_->open_cost(r) + db_->query(r).time);
                    db_->checkin(std::move(conn));
                }
                const std::uint32_t u = q.user;
                if (clients_ == nullptr || !clients_->attempt_current(u, q.attempt)) {
                    // the client gave up meanwhile
                } else if (p_.max_connections > 0 && registry_.count() >= p_.max_connections && !registry_.connected(u)) {
                    clients_->connect_refused(u, q.attempt);
                } else {
                    registry_.add(u);
                    links_->open(u);
                    // The client is online before its backlog flows, so a close during the
                    // drain (slow-consumer policy) reaches a client that knows it is connected.
                    clients_->connect_accepted(u, q.attempt);
                    co_await sim_->delay(out_.drain_offline(u));
                }
                rec_->worker_busy_s += (sim_->now() - start).seconds_f();
            } else {
                co_await sim_->delay(p_.cost_per_client_message.sample(r));
                for (std::int64_t k = 0; k < p_.queries_per_client_message; ++k) {
                    auto conn = co_await db_->checkout();
                    if (!conn) break;
                    co_await sim_->delay(db_->open_cost(r) + db_->query(r).time);
                    db_->checkin(std::move(conn));
                }
                ++rec_->messages_handled;
                rec_->messaging.note(sim_->now());
                out_.reply(q.user, q.created, q.payload);
                rec_->worker_busy_s += (sim_->now() - start).seconds_f();
            }
        }
    }

    simulation* sim_;
    server_params p_;
    degradation_params deg_;
    memory_params mem_;
    database* db_;
    link_table* links_;
    recorder* rec_;
    client_side* clients_ = nullptr;
    rng rng_;  // the server's stream: worker costs, DB draws and emits, in one order
    admission door_;
    connection_registry registry_;
    fan_out out_;
    event restored_;
    circuit_breaker breaker_;
    std::vector<surge::process> workers_;
    std::vector<std::uint8_t> idle_;  // worker i waits for a request
    std::int64_t active_;
};

} // namespace surge::models
