// models/request_handlers.hpp — what a worker does with each kind of request, one sub-coroutine
// (surge::task) per kind, awaited by the worker loop in models/server.hpp:
//  - publish: skip it if it waited past the request timeout; persist its notifications (one
//    transaction, models/db_client.hpp); pay the cost per notification; fan the copies out
//    (models/fan_out.hpp); answer the publisher.
//  - connect: pay the connect cost and the session look-ups; accept or refuse the connection
//    (max_connections) unless the client gave up meanwhile; drain its offline queue.
//  - client_message: pay its cost and look-ups, then reply on the connection.
// Awaiting a task schedules no event, so the event order is that of the single worker body these
// handlers were cut from.
#pragma once

#include "models/connection_registry.hpp"
#include "models/db_client.hpp"
#include "models/fan_out.hpp"
#include "models/params.hpp"
#include "models/recorder.hpp"
#include "models/request.hpp"
#include "models/ws_link.hpp"

#include <surge/random.hpp>
#include <surge/simulation.hpp>
#include <surge/task.hpp>

#include <algorithm>
#include <cstdint>
#include <optional>

namespace surge::models {

/// The client learns its request's outcome (closed-loop clients wait on `done`).
inline void answer(request& r, bool ok) {
    if (r.ok != nullptr) *r.ok = ok;
    if (r.done != nullptr) r.done->trigger();
}

class request_handlers {
public:
    /// `r` is the server's stream, shared with the database client and the fan-out.
    request_handlers(simulation& sim, const server_params& p, const degradation_params& deg, const memory_params& mem,
                     db_client& db, connection_registry& registry, fan_out& out, link_table& links, recorder& rec, rng& r)
        : sim_(&sim), p_(p), request_timeout_(deg.request_timeout), mem_(mem), db_(&db), registry_(&registry),
          out_(&out), links_(&links), rec_(&rec), rng_(&r) {}

    void set_clients(client_side& c) noexcept { clients_ = &c; }

    /// A request refused before it was queued.
    void refuse(request& r) {
        rec_->publishing.on_operation(sim_->now());
        answer(r, false);
    }

    // Each serves request q, which a worker took from the queue (publish: at `start`); the worker
    // counts its busy time (models/server_meter.hpp).

    task<void> publish(request& q, time_point start) {
        if (!begin_publish(q, start)) co_return;
        const bool stored = co_await persist(q);
        if (stored) co_await complete_publish(q);
    }

    /// A publish taken at `start`: false (answered) if it waited past the request timeout; else
    /// its notifications are in memory now.
    bool begin_publish(request& q, time_point start) {
        if (request_timeout_ && start - q.created > *request_timeout_) {
            rec_->publishing.on_timed_out(start, q.batch);
            rec_->publishing.on_operation(start);
            answer(q, false);
            return false;
        }
        rec_->memory.add(start, memory_meter::notifications, objects_of(q));
        return true;
    }

    /// Persist: one transaction with `queries_per_notification` queries per notification. False
    /// (the publish failed and is answered) if it did not commit.
    task<bool> persist(request& q) {
        const std::int64_t queries = p_.queries_per_notification * q.batch;
        bool stored = true;
        if (queries > 0) stored = co_await db_->persist(queries);
        if (!stored) {
            rec_->memory.add(sim_->now(), memory_meter::notifications, -objects_of(q));
            rec_->publishing.on_failed(sim_->now(), q.batch);
            finish(q, false);
        }
        co_return stored;
    }

    /// The rest of a stored publish: its cost per notification, the fan-out, the answer.
    task<void> complete_publish(request& q) {
        const std::int64_t objects = objects_of(q);
        duration cost{};
        for (std::uint32_t k = 0; k < q.batch; ++k) cost += p_.cost_per_notification.sample(*rng_);
        co_await sim_->delay(cost);
        rec_->publishing.on_stored(sim_->now(), q.batch);
        rec_->publishing.active_at(sim_->now());
        co_await sim_->delay(out_->publish(q));
        rec_->memory.add(sim_->now(), memory_meter::notifications, -objects);
        finish(q, true);
    }

    task<void> connect(request& q) {
        co_await sim_->delay(p_.cost_per_connect.sample(*rng_));
        if (p_.queries_per_connect > 0) co_await db_->look_up(p_.queries_per_connect);
        const std::uint32_t u = q.user;
        if (clients_ == nullptr || !clients_->attempt_current(u, q.attempt)) {
            // the client gave up meanwhile
        } else if (p_.max_connections > 0 && registry_->count() >= p_.max_connections && !registry_->connected(u)) {
            clients_->connect_refused(u, q.attempt);
        } else {
            registry_->add(u);
            links_->open(u);
            // The client is online before its backlog flows, so a close during the drain
            // (slow-consumer policy) reaches a client that knows it is connected.
            clients_->connect_accepted(u, q.attempt);
            co_await sim_->delay(out_->drain_offline(u));
        }
    }

    task<void> client_message(request& q) {
        co_await sim_->delay(p_.cost_per_client_message.sample(*rng_));
        if (p_.queries_per_client_message > 0) co_await db_->look_up(p_.queries_per_client_message);
        rec_->messages.on_handled(sim_->now());
        rec_->messages.active_at(sim_->now());
        out_->reply(q.user, q.created, q.payload);
    }

private:
    [[nodiscard]] std::int64_t objects_of(const request& q) const {
        return static_cast<std::int64_t>(q.batch) * (mem_.per_notification + q.payload);
    }

    /// The request is done: a success that took longer than the request timeout counts as failed.
    void finish(request& r, bool ok) {
        rec_->publishing.on_operation(sim_->now());
        const duration took = sim_->now() - r.created;
        if (ok && request_timeout_ && took > *request_timeout_) {
            rec_->publishing.on_timed_out(sim_->now(), r.batch);
            ok = false;
        }
        if (ok) {
            rec_->publishing.on_succeeded(sim_->now(), took, r.batch);
        }
        answer(r, ok);
        sim_->trace().record(sim_->now(), ok ? "op.ok" : "op.fail", r.user, took.count(), r.batch);
    }

    simulation* sim_;
    server_params p_;
    std::optional<duration> request_timeout_;
    memory_params mem_;
    db_client* db_;
    connection_registry* registry_;
    fan_out* out_;
    link_table* links_;
    recorder* rec_;
    rng* rng_;
    client_side* clients_ = nullptr;
};

} // namespace surge::models
