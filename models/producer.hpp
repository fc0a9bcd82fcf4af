// models/producer.hpp — the load: phases of publish requests. An open phase sends requests at a
// rate (constant or a linear ramp; Poisson or evenly spaced arrivals) whatever the server does —
// the arrivals never wait for answers, so a slow server cannot slow the load down (no coordinated
// omission). A closed phase has a fixed population of clients that each send a request, wait for
// its answer, think, and repeat (the seed's "N concurrent users x M notifications").
#pragma once

#include "models/params.hpp"
#include "models/server.hpp"

#include <surge/process.hpp>
#include <surge/random.hpp>
#include <surge/simulation.hpp>

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace surge::models {

class producer {
public:
    /// `end` is when the load stops (the scenario's length).
    producer(simulation& sim, std::vector<load_phase> phases, time_point end, server& srv)
        : sim_(&sim), phases_(std::move(phases)), end_(end), server_(&srv) {}

    void start() {
        for (std::size_t i = 0; i < phases_.size(); ++i) {
            const load_phase& ph = phases_[i];
            const time_point stop = phase_end(i);
            const std::string name = "producer/" + std::to_string(i);
            if (ph.type == load_phase::kind::open) {
                sim_->spawn(open_phase(ph, stop, sim_->stream(name)), name);
            } else {
                for (std::int64_t c = 0; c < ph.clients; ++c) {
                    const std::string cname = name + "/client/" + std::to_string(c);
                    sim_->spawn(closed_client(ph, stop, sim_->stream(cname)), cname);
                }
            }
        }
    }

    /// When phase i ends: its own length, else the next phase's start, else the end of the run.
    [[nodiscard]] time_point phase_end(std::size_t i) const {
        time_point stop = end_;
        if (i + 1 < phases_.size()) stop = std::min(stop, phases_[i + 1].at);
        if (phases_[i].length) stop = std::min(end_, phases_[i].at + *phases_[i].length);
        return stop;
    }

private:
    static request make_request(const load_phase& ph, rng& r, time_point now) {
        request q;
        q.type = request::kind::publish;
        q.target = ph.target;
        q.batch = static_cast<std::uint32_t>(ph.batch);
        q.recipients = static_cast<std::uint32_t>(ph.recipients);
        q.payload = static_cast<std::uint32_t>(ph.payload.sample(r));
        q.target_seed = r();
        q.created = now;
        q.prio = pick_priority(ph.priority_weights, r);
        return q;
    }

    static priority_class pick_priority(const std::vector<double>& w, rng& r) {
        double total = 0;
        int nonzero = 0, last = 1;
        for (std::size_t i = 0; i < w.size(); ++i)
            if (w[i] > 0) {
                total += w[i];
                ++nonzero;
                last = static_cast<int>(i);
            }
        if (nonzero <= 1) return static_cast<priority_class>(last);  // no draw: the stream stays put
        double x = r.uniform01() * total;
        for (std::size_t i = 0; i < w.size(); ++i) {
            if (w[i] <= 0) continue;
            if (x < w[i]) return static_cast<priority_class>(i);
            x -= w[i];
        }
        return static_cast<priority_class>(last);
    }

    /// The time from `now` to the next arrival of an open phase whose rate goes linearly from r0
    /// at ph.at to r1 at `stop`, such that the expected number of arrivals in between (the
    /// integral of the rate) is `work`: exp(1)-distributed for Poisson arrivals, 1 for evenly
    /// spaced ones. This is the exact inversion of a non-homogeneous Poisson process, and works
    /// for a ramp from or to zero. Returns nullopt if no arrival fits before `stop`.
    static std::optional<duration> next_gap(const load_phase& ph, time_point now, time_point stop, double work) {
        const double r0 = ph.start_rate.per_second;
        const double r1 = ph.end_rate ? ph.end_rate->per_second : r0;
        const double span = (stop - ph.at).seconds_f();
        const double slope = span > 0 ? (r1 - r0) / span : 0.0;  // rate change per second
        const double x = (now - ph.at).seconds_f();
        const double r = r0 + slope * x;  // rate now
        // Solve r*g + slope*g^2/2 = work for the smallest g > 0.
        double g;
        if (slope == 0.0) {
            if (r <= 0) return std::nullopt;
            g = work / r;
        } else {
            const double disc = r * r + 2.0 * slope * work;
            if (disc < 0) return std::nullopt;  // a falling ramp reaches zero first
            g = (-r + std::sqrt(disc)) / slope;
            if (!(g > 0)) return std::nullopt;
        }
        if (g > (stop - now).seconds_f()) return std::nullopt;
        return duration::from_seconds(g);
    }

    surge::process open_phase(load_phase ph, time_point stop, rng r) {
        if (sim_->now() < ph.at) co_await sim_->delay(ph.at - sim_->now());
        for (;;) {
            const double work = ph.spacing == load_phase::arrivals::poisson ? surge::standard_exponential(r) : 1.0;
            const auto d = next_gap(ph, sim_->now(), stop, work);
            if (!d || sim_->now() + *d >= stop) break;
            co_await sim_->delay(*d);
            server_->submit(make_request(ph, r, sim_->now()));
        }
    }

    surge::process closed_client(load_phase ph, time_point stop, rng r) {
        if (sim_->now() < ph.at) co_await sim_->delay(ph.at - sim_->now());
        event done(*sim_);
        for (std::int64_t n = 0; ph.requests_per_client == 0 || n < ph.requests_per_client; ++n) {
            if (sim_->now() >= stop) break;
            bool ok = false;
            done.reset();
            request q = make_request(ph, r, sim_->now());
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
};

} // namespace surge::models
