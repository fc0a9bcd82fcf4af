// models/producer.hpp — the load: phases of publish requests. An open phase sends requests at a
// rate (constant or a linear ramp; Poisson or evenly spaced arrivals) whatever the server does —
// the arrivals never wait for answers, so a slow server cannot slow the load down (no coordinated
// omission). A closed phase has a fixed population of clients that each send a request, wait for
// its answer, think, and repeat (the seed's "N concurrent users x M notifications").
#pragma once

#include "models/load_schedule.hpp"
#include "models/params.hpp"
#include "models/server.hpp"

#include <surge/process.hpp>
#include <surge/random.hpp>
#include <surge/simulation.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace surge::models {

class producer {
public:
    /// Sees every open-phase publish as it is submitted (phase index, the request). For tests that
    /// hold the simulation and the live replay to one schedule; unset in normal runs.
    using publish_observer = std::function<void(std::size_t phase, const request&)>;

    /// `end` is when the load stops (the scenario's length).
    producer(simulation& sim, std::vector<load_phase> phases, time_point end, server& srv)
        : sim_(&sim), phases_(std::move(phases)), end_(end), server_(&srv) {}

    void observe_publishes(publish_observer f) { observer_ = std::move(f); }

    void start() {
        for (std::size_t i = 0; i < phases_.size(); ++i) {
            const load_phase& ph = phases_[i];
            const time_point stop = phase_end(i);
            const std::string name = phase_stream_name(i);
            if (ph.type == load_phase::kind::open) {
                sim_->spawn(open_phase(i, open_phase_schedule(ph, sim_->now(), stop, sim_->stream(name))), name);
            } else {
                for (std::int64_t c = 0; c < ph.clients; ++c) {
                    const std::string cname = closed_client_stream_name(i, c);
                    sim_->spawn(closed_client(ph, stop, sim_->stream(cname)), cname);
                }
            }
        }
    }

    /// When phase i ends: its own length, else the next phase's start, else the end of the run.
    [[nodiscard]] time_point phase_end(std::size_t i) const { return models::phase_end(phases_, i, end_); }

private:
    static request make_request(const load_phase& ph, const publish_draw& d, time_point now) {
        request q;
        q.type = request::kind::publish;
        q.target = ph.target;
        q.batch = static_cast<std::uint32_t>(ph.batch);
        q.recipients = static_cast<std::uint32_t>(ph.recipients);
        q.payload = d.payload;
        q.target_seed = d.target_seed;
        q.created = now;
        q.prio = d.prio;
        return q;
    }

    surge::process open_phase(std::size_t i, open_phase_schedule schedule) {
        if (sim_->now() < schedule.phase().at) co_await sim_->delay(schedule.phase().at - sim_->now());
        while (const auto p = schedule.next()) {
            co_await sim_->delay(p->at - sim_->now());
            const request q = make_request(schedule.phase(), p->draw, sim_->now());
            if (observer_) observer_(i, q);
            server_->submit(q);
        }
    }

    surge::process closed_client(load_phase ph, time_point stop, rng r) {
        if (sim_->now() < ph.at) co_await sim_->delay(ph.at - sim_->now());
        event done(*sim_);
        for (std::int64_t n = 0; ph.requests_per_client == 0 || n < ph.requests_per_client; ++n) {
            if (sim_->now() >= stop) break;
            bool ok = false;
            done.reset();
            request q = make_request(ph, draw_publish(ph, r), sim_->now());
            q.done = &done;
            q.ok = &ok;
            server_->submit(q);
            if (!done.triggered()) co_await done;
            const duration think = ph.think.sample(r);
            if (think > duration::zero()) co_await sim_->delay(think);
        }
    }

    simulation* sim_;
    std::vector<load_phase> phases_;
    time_point end_;
    server* server_;
    publish_observer observer_;
};

} // namespace surge::models
