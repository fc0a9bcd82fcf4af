// models/database.hpp — the database behind the server: a connection pool with SQLAlchemy
// QueuePool semantics (pool_size kept open, up to max_overflow more opened on demand and closed
// when returned, checkout waits up to pool_timeout) and a query latency law, with the fault states
// a timeline can put it in (slowdown by a factor, outage).
//
// The server's workers drive it from their coroutines:
//     auto conn = co_await db.checkout();            // empty slot: pool timeout
//     co_await sim.delay(db.open_cost(conn));        // a new overflow connection costs a connect
//     auto q = db.query(rng);                        // how long, and whether it fails
//     co_await sim.delay(q.time);
//     db.checkin(std::move(conn));
#pragma once

#include "models/params.hpp"
#include "models/database_meter.hpp"

#include <surge/resource.hpp>
#include <surge/simulation.hpp>

#include <algorithm>
#include <cstdint>
#include <utility>

namespace surge::models {

class database {
public:
    database(simulation& sim, const database_params& p, database_meter& meter)
        : sim_(&sim), p_(p), meter_(&meter), pool_(sim, p.pool_size + p.max_overflow) {}

    struct query_result {
        duration time;
        bool ok = true;
    };

    /// `co_await db.checkout()`: a connection, or an empty slot after checkout_timeout.
    [[nodiscard]] auto checkout() { return pool_.acquire_for(p_.checkout_timeout); }

    /// After a successful checkout: the time to open a connection if none was idle (an overflow
    /// or first-use connection), else zero. Call exactly once per checkout.
    [[nodiscard]] duration open_cost(rng& r) {
        if (idle_ > 0) {
            --idle_;
            return duration::zero();
        }
        ++open_;
        meter_->on_open_connections(sim_->now(), open_, p_.pool_size);
        return p_.connect.sample(r);
    }

    /// Returns a connection: kept idle if the pool holds fewer than pool_size idle ones or a
    /// waiter will take it, closed otherwise (SQLAlchemy discards overflow connections on checkin).
    void checkin(resource::slot conn) {
        if (!conn) return;
        if (pool_.queue_length() > 0 || idle_ < p_.pool_size) {
            ++idle_;
        } else {
            --open_;
        }
        conn.release();
    }

    /// One query: its duration under the current fault state, and whether it fails (outage or
    /// statement timeout).
    [[nodiscard]] query_result query(rng& r) {
        meter_->on_query(sim_->now());
        if (outage_ > 0) {
            meter_->on_query_failed(sim_->now());
            return {error_after_, false};
        }
        duration t = p_.query.sample(r);
        if (slowdown_ != 1.0) t = duration::from_seconds(t.seconds_f() * slowdown_);
        if (p_.query_timeout && t > *p_.query_timeout) {
            meter_->on_query_failed(sim_->now());
            return {*p_.query_timeout, false};
        }
        return {t, true};
    }

    // --- fault states (models/faults.hpp) ---
    void slow_down(double factor) { slowdown_ *= factor; }
    void speed_up(double factor) { slowdown_ /= factor; }
    void begin_outage(duration error_after) {
        ++outage_;
        error_after_ = error_after;
    }
    void end_outage() { --outage_; }

    [[nodiscard]] std::int64_t open_connections() const noexcept { return open_; }
    [[nodiscard]] std::int64_t idle_connections() const noexcept { return idle_; }
    [[nodiscard]] std::int64_t in_use() const noexcept { return pool_.in_use(); }
    [[nodiscard]] std::size_t waiting() const noexcept { return pool_.queue_length(); }
    [[nodiscard]] bool in_outage() const noexcept { return outage_ > 0; }
    [[nodiscard]] double slowdown() const noexcept { return slowdown_; }
    [[nodiscard]] const database_params& params() const noexcept { return p_; }

private:
    simulation* sim_;
    database_params p_;
    database_meter* meter_;
    resource pool_;
    std::int64_t open_ = 0;   // connections open (idle + in use)
    std::int64_t idle_ = 0;
    double slowdown_ = 1.0;
    int outage_ = 0;
    duration error_after_ = duration::seconds(1);
};

} // namespace surge::models
