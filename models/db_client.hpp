// models/db_client.hpp — the server's side of the database: the one path by which a request handler
// checks out a connection (waiting at most the pool's checkout timeout), opens it if none was idle,
// runs its queries and checks it back in; around it, for persisting notifications, the circuit
// breaker and retries with backoff (models/degradation.hpp).
//
// Two uses, one path:
//  - persist: one transaction of n queries under the breaker, retried on failure or pool timeout;
//    the pool wait is measured. The worker waits for the connection's opening, then for the
//    queries (drawn when the connection is open, so a fault that starts meanwhile applies).
//  - look_up: n single-query transactions (a session check on connect, a read for a client's
//    message) outside the breaker and without retry; a pool timeout ends them, a failed query is
//    ignored. Opening and query are one wait.
// The two timings are those the models have always had; the golden traces hold them.
#pragma once

#include "models/database.hpp"
#include "models/degradation.hpp"
#include "models/params.hpp"
#include "models/database_meter.hpp"

#include <surge/random.hpp>
#include <surge/simulation.hpp>
#include <surge/task.hpp>

#include <cstdint>
#include <utility>

namespace surge::models {

class db_client {
public:
    /// `r` is the server's stream (connection opening and query draws, backoff jitter).
    db_client(simulation& sim, database& db, const degradation_params& deg, database_meter& meter, rng& r)
        : sim_(&sim), db_(&db), retry_(deg.retry), breaker_(deg.circuit_breaker), meter_(&meter), rng_(&r) {}

    /// One transaction of `queries` queries (> 0) under the circuit breaker, attempted up to
    /// retry.max_attempts times with backoff between attempts. True if it committed.
    task<bool> persist(std::int64_t queries) {
        for (std::int64_t attempt = 1;; ++attempt) {
            bool ok = false;
            if (!breaker_.allow(sim_->now())) {
                meter_->on_breaker_rejected(sim_->now());
            } else {
                const outcome o = co_await transaction(queries, timing::open_then_queries, true);
                if (o == outcome::pool_timeout) meter_->on_pool_timeout(sim_->now());
                ok = o == outcome::ok;
                if (ok) breaker_.success();
                else if (breaker_.failure(sim_->now())) meter_->on_breaker_opened(sim_->now());
            }
            if (ok) co_return true;
            if (attempt >= retry_.max_attempts) co_return false;
            meter_->on_retry(sim_->now());
            co_await sim_->delay(backoff_delay(retry_.backoff, attempt, *rng_));
        }
    }

    /// `queries` single-query transactions, one after the other, until the first pool timeout.
    task<void> look_up(std::int64_t queries) {
        for (std::int64_t k = 0; k < queries; ++k)
            if (co_await transaction(1, timing::one_wait, false) == outcome::pool_timeout) co_return;
    }

private:
    enum class outcome : std::uint8_t { ok, failed, pool_timeout };
    enum class timing : std::uint8_t { open_then_queries, one_wait };

    /// The checkout-and-query path: checkout (up to the pool timeout), the opening cost if the
    /// connection is new, the queries until the first failure, checkin.
    task<outcome> transaction(std::int64_t queries, timing t, bool measure_pool_wait) {
        const time_point asked = sim_->now();
        auto conn = co_await db_->checkout();
        if (measure_pool_wait) meter_->on_checkout(sim_->now(), asked);
        if (!conn) co_return outcome::pool_timeout;
        duration spent{};
        if (t == timing::open_then_queries) co_await sim_->delay(db_->open_cost(*rng_));
        else spent = db_->open_cost(*rng_);
        bool ok = true;
        for (std::int64_t k = 0; k < queries && ok; ++k) {
            const database::query_result res = db_->query(*rng_);
            spent += res.time;
            ok = res.ok;
        }
        co_await sim_->delay(spent);
        db_->checkin(std::move(conn));
        co_return ok ? outcome::ok : outcome::failed;
    }

    simulation* sim_;
    database* db_;
    degradation_params::retry_params retry_;
    circuit_breaker breaker_;
    database_meter* meter_;
    rng* rng_;
};

} // namespace surge::models
