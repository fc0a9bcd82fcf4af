// models/server.hpp — the notification server: a queue of requests in front of a pool of worker
// processes (Flask-SocketIO's worker threads), each request costing worker time and database
// queries; the connection registry (who the server believes is connected); fan-out of
// notifications to connections, through bounded per-connection send buffers, or into the offline
// queues; admission control (rate limit, load shedding, a bounded queue).
//
// Requests are of three kinds: publish (a batch of notifications to a user, a list or everyone),
// connect (a client's handshake reaching the application) and client_message (a client's message
// that the server answers). Workers take them in FIFO order.
#pragma once

#include "models/database.hpp"
#include "models/degradation.hpp"
#include "models/message.hpp"
#include "models/offline_queue.hpp"
#include "models/params.hpp"
#include "models/recipients.hpp"
#include "models/recorder.hpp"
#include "models/ws_link.hpp"

#include <surge/process.hpp>
#include <surge/resource.hpp>
#include <surge/simulation.hpp>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace surge::models {

/// What the server tells the client side (models/user.hpp) about its connections.
class client_side {
public:
    virtual ~client_side() = default;
    /// Is this connect attempt still the user's current one (the client has not given up)?
    [[nodiscard]] virtual bool attempt_current(std::uint32_t user, std::uint32_t attempt) const = 0;
    virtual void connect_accepted(std::uint32_t user, std::uint32_t attempt) = 0;
    virtual void connect_refused(std::uint32_t user, std::uint32_t attempt) = 0;
    /// The server closed the connection (slow consumer policy "disconnect").
    virtual void closed_by_server(std::uint32_t user) = 0;
};

/// One request for the workers.
struct request {
    enum class kind : std::uint8_t { publish, connect, client_message };
    kind type = kind::publish;
    priority_class prio = priority_class::normal;
    target_kind target = target_kind::user;
    std::uint32_t user = 0;          // connect / client_message: the client
    std::uint32_t attempt = 0;       // connect: the client's attempt id
    std::uint32_t batch = 1;         // publish: notifications in this request
    std::uint32_t recipients = 1;    // publish to users: recipients per notification
    std::uint32_t payload = 0;       // bytes per notification (or per client message)
    std::uint64_t target_seed = 0;   // publish: seeds the draw of recipients
    time_point created;              // when the client sent it
    time_point enqueued;             // when it reached the queue
    event* done = nullptr;           // closed-loop clients wait on it
    bool* ok = nullptr;              // ... and read the outcome here
};

class server {
public:
    server(simulation& sim, const server_params& p, const degradation_params& deg, const memory_params& mem,
           database& db, link_table& links, offline_queues& offline, message_pool& pool, recorder& rec)
        : sim_(&sim), p_(p), deg_(deg), mem_(mem), db_(&db), links_(&links), offline_(&offline), pool_(&pool),
          rec_(&rec), queue_(sim, static_cast<std::size_t>(p.queue_capacity)), restored_(sim),
          breaker_(deg.circuit_breaker), limiter_(deg.rate_limit), connected_(links.size(), 0),
          conn_gen_(links.size(), 0), buffered_(links.size(), 0), rng_(sim.stream("server")),
          active_(p.workers) {
        links.on_arrival(&server::arrival_thunk, this);
    }
    server(const server&) = delete;
    server& operator=(const server&) = delete;

    void set_clients(client_side& c) noexcept { clients_ = &c; }

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
        if (r.type == request::kind::publish) {
            rec_->published += r.batch;
            rec_->publishing.note(now);
            rec_->delivering.note(now);
            if (!limiter_.try_take(now)) {
                rec_->rate_limited += r.batch;
                refuse(r);
                return false;
            }
            if (should_shed(deg_.shedding, queue_.size(), r.prio)) {
                rec_->shed += r.batch;
                refuse(r);
                return false;
            }
        }
        if (queue_.try_put(r, overflow_policy::reject) != put_result::accepted) {
            if (r.type == request::kind::publish) {
                rec_->rejected += r.batch;
                refuse(r);
            }
            return false;
        }
        if (r.type == request::kind::publish) rec_->accepted += r.batch;
        rec_->memory.add(now, memory_meter::requests, mem_.per_request);
        rec_->server_queue.set(now, static_cast<double>(queue_.size()));
        return true;
    }

    // --- connections ---

    [[nodiscard]] bool connected(std::uint32_t u) const noexcept { return connected_[u] != 0; }
    [[nodiscard]] std::int64_t connections() const noexcept { return connections_; }

    /// The client closed its connection cleanly (the server learns at once).
    void client_closed(std::uint32_t u) {
        links_->close(u, [this, u](std::uint32_t m) { write_off(u, m); });
        if (connected_[u] != 0) unregister(u);
    }

    /// The client's network vanished without a close: the link is dead now, but the server only
    /// notices at the next failed ping; until then what it sends is lost.
    void link_died(std::uint32_t u) {
        links_->close(u, [this, u](std::uint32_t m) { write_off(u, m); });
        if (connected_[u] == 0) return;
        const std::uint32_t gen = conn_gen_[u];
        sim_->schedule(links_->ping_detection(u), [this, u, gen] {
            if (connected_[u] != 0 && conn_gen_[u] == gen) unregister(u);
        });
    }

    // --- worker loss (models/faults.hpp) ---
    /// Takes up to n workers away (each finishes its current request first); returns how many.
    /// A lost worker that is busy finishes its request first; one waiting for work stops at once.
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

    [[nodiscard]] std::size_t queue_length() const noexcept { return queue_.size(); }
    [[nodiscard]] const server_params& params() const noexcept { return p_; }

private:
    struct broadcast_state {
        time_point created;
        time_point last;
        std::uint32_t outstanding = 0;
        bool sealed = false;     // every copy has been handed to a link
        bool any = false;        // at least one copy arrived
    };

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
                q = co_await queue_.get();
            } catch (const interrupted&) {
                idle_[static_cast<std::size_t>(index)] = 0;
                continue;  // lost while waiting for work: wait for the restoration
            }
            idle_[static_cast<std::size_t>(index)] = 0;
            const time_point start = sim_->now();
            rec_->server_queue.set(start, static_cast<double>(queue_.size()));
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
                const duration fan = fan_out(q);
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
                } else if (p_.max_connections > 0 && connections_ >= p_.max_connections && connected_[u] == 0) {
                    clients_->connect_refused(u, q.attempt);
                } else {
                    accept(u);
                    // The client is online before its backlog flows, so a close during the
                    // drain (slow-consumer policy) reaches a client that knows it is connected.
                    clients_->connect_accepted(u, q.attempt);
                    co_await sim_->delay(drain_offline(u));
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
                const std::uint32_t u = q.user;
                if (connected_[u] != 0) {
                    message m;
                    m.created = q.created;
                    m.bytes = q.payload;
                    m.kind = message_kind::reply;
                    send(u, pool_->make(m), sim_->now(), no_index);
                }
                rec_->worker_busy_s += (sim_->now() - start).seconds_f();
            }
        }
    }

    /// Hands every copy of the request's notifications to its recipients, the i-th send leaving
    /// after i emits' worth of worker time. Returns the total emit time.
    duration fan_out(const request& q) {
        const time_point t0 = sim_->now();
        duration offset{};
        rng targets(q.target_seed);
        const auto users = static_cast<std::uint32_t>(links_->size());
        auto emit = [&](std::uint32_t u, std::uint32_t bcast) {
            offset += p_.cost_per_message.sample(rng_);
            ++rec_->attempted;
            message m;
            m.created = q.created;
            m.bytes = q.payload;
            m.broadcast = bcast;
            deliver(u, pool_->make(m), t0 + offset);
        };
        for (std::uint32_t k = 0; k < q.batch; ++k) {
            ++rec_->notifications_created;
            const std::int64_t obj = mem_.per_notification + q.payload;
            rec_->notification_bytes_sum += static_cast<std::uint64_t>(obj);
            if (q.target == target_kind::broadcast) {
                const auto b = static_cast<std::uint32_t>(broadcasts_.size());
                broadcasts_.push_back(broadcast_state{q.created, q.created, 0, false, false});
                ++rec_->broadcasts;
                std::uint32_t n = 0;
                for (std::uint32_t u = 0; u < users; ++u)
                    if (connected_[u] != 0) {
                        emit(u, b);
                        ++n;
                    }
                rec_->broadcast_recipients.add(n);
                broadcasts_[b].sealed = true;
                settle_broadcast(b);
            } else {
                choose_recipients(q.target, q.recipients, users, targets, chosen_);
                for (const std::uint32_t u : chosen_) emit(u, no_index);
            }
        }
        return offset;
    }

    /// One copy for user u, leaving the server at `at`: onto the link, into the offline queue, or
    /// lost on a link the server does not yet know is dead.
    void deliver(std::uint32_t u, std::uint32_t m, time_point at) {
        if (connected_[u] == 0) {
            (*pool_)[m].broadcast = no_index;
            (*pool_)[m].queued = true;
            offline_->enqueue(u, m);
            return;
        }
        send(u, m, at, (*pool_)[m].broadcast);
    }

    void send(std::uint32_t u, std::uint32_t m, time_point at, std::uint32_t bcast) {
        if (!links_->alive(u)) {
            if ((*pool_)[m].kind == message_kind::notification) ++rec_->lost;
            pool_->free(m);
            return;
        }
        if (static_cast<std::int64_t>(buffered_[u]) >= p_.send_buffer) {
            switch (p_.slow_consumer) {
            case slow_consumer_policy::drop_newest:
                ++rec_->dropped_send_buffer;
                pool_->free(m);
                return;
            case slow_consumer_policy::drop_oldest:
                drop_oldest(u);
                break;
            case slow_consumer_policy::disconnect:
                ++rec_->dropped_send_buffer;
                pool_->free(m);
                close_slow_consumer(u);
                return;
            }
        }
        if (bcast != no_index) ++broadcasts_[bcast].outstanding;
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
            ++rec_->dropped_send_buffer;
            unbuffer(u, i);
            return;
        }
    }

    void close_slow_consumer(std::uint32_t u) {
        ++rec_->drops;
        links_->close(u, [this, u](std::uint32_t m) { write_off(u, m); });
        unregister(u);
        if (clients_ != nullptr) clients_->closed_by_server(u);
    }

    /// A message still on a link that closed: lost (unless already dropped).
    void write_off(std::uint32_t u, std::uint32_t m) {
        message& msg = (*pool_)[m];
        if (!msg.dropped) {
            if (msg.kind == message_kind::notification) ++rec_->lost;
            unbuffer(u, m);
        }
        pool_->free(m);
    }

    /// A message leaves the send buffer (arrived, dropped or lost).
    void unbuffer(std::uint32_t u, std::uint32_t m) {
        --buffered_[u];
        rec_->memory.add(sim_->now(), memory_meter::send_buffers, -buffer_bytes(m));
        const std::uint32_t b = (*pool_)[m].broadcast;
        if (b != no_index) {
            --broadcasts_[b].outstanding;
            settle_broadcast(b);
        }
    }

    void settle_broadcast(std::uint32_t b) {
        broadcast_state& s = broadcasts_[b];
        if (!s.sealed || s.outstanding != 0) return;
        s.sealed = false;  // settle once
        if (s.any) rec_->broadcast_time.record((s.last - s.created).count());
    }

    static void arrival_thunk(void* self, std::uint32_t u, std::uint32_t ep) {
        static_cast<server*>(self)->arrived(u, ep);
    }
    void arrived(std::uint32_t u, std::uint32_t ep) {
        const std::uint32_t m = links_->take_arrived(u, ep);
        if (m == no_index) return;
        message& msg = (*pool_)[m];
        const time_point now = sim_->now();
        if (!msg.dropped) {
            const std::int64_t lat = (now - msg.created).count();
            if (msg.kind == message_kind::notification) {
                ++rec_->delivered;
                rec_->delivering.note(now);
                (msg.queued ? rec_->offline_latency : rec_->delivery_latency).record(lat);
                if (msg.broadcast != no_index) {
                    broadcast_state& s = broadcasts_[msg.broadcast];
                    s.last = now;
                    s.any = true;
                }
                sim_->trace().record(now, "deliver", u, lat);
            } else {
                rec_->message_latency.record(lat);
                sim_->trace().record(now, "reply", u, lat);
            }
            unbuffer(u, m);
        }
        pool_->free(m);
    }

    /// Registers user u's new connection.
    void accept(std::uint32_t u) {
        if (connected_[u] != 0) unregister(u);  // a stale connection the ping has not caught yet
        connected_[u] = 1;
        ++conn_gen_[u];
        ++connections_;
        rec_->connection_change(sim_->now(), +1);
        rec_->memory.add(sim_->now(), memory_meter::connections, mem_.per_connection);
        links_->open(u);
        sim_->trace().record(sim_->now(), "connect", u);
    }

    /// Sends user u's offline queue, in order, the i-th message after i emits. Returns the emit
    /// time it costs the worker. Stops if the connection closes meanwhile (the rest stays queued).
    duration drain_offline(std::uint32_t u) {
        const time_point t0 = sim_->now();
        duration offset{};
        offline_->drain(
            u, [this, u] { return connected_[u] != 0; },
            [&](std::uint32_t m) {
                offset += p_.cost_per_message.sample(rng_);
                send(u, m, t0 + offset, no_index);
            });
        return offset;
    }

    void unregister(std::uint32_t u) {
        connected_[u] = 0;
        ++conn_gen_[u];
        --connections_;
        rec_->connection_change(sim_->now(), -1);
        rec_->memory.add(sim_->now(), memory_meter::connections, -mem_.per_connection);
        sim_->trace().record(sim_->now(), "disconnect", u);
    }

    [[nodiscard]] std::int64_t buffer_bytes(std::uint32_t m) const noexcept {
        return mem_.per_buffered_message + static_cast<std::int64_t>((*pool_)[m].bytes);
    }

    simulation* sim_;
    server_params p_;
    degradation_params deg_;
    memory_params mem_;
    database* db_;
    link_table* links_;
    offline_queues* offline_;
    message_pool* pool_;
    recorder* rec_;
    client_side* clients_ = nullptr;
    store<request> queue_;
    event restored_;
    circuit_breaker breaker_;
    admission_limiter limiter_;
    std::vector<surge::process> workers_;
    std::vector<std::uint8_t> idle_;       // worker i waits for a request
    std::vector<std::uint8_t> connected_;
    std::vector<std::uint32_t> conn_gen_;
    std::vector<std::uint32_t> buffered_;
    std::vector<broadcast_state> broadcasts_;
    std::vector<std::uint32_t> chosen_;
    rng rng_;
    std::int64_t active_;
    std::int64_t connections_ = 0;
};

} // namespace surge::models
