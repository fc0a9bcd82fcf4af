// models/load_schedule.hpp — what the load generator does, written once for both clocks: when an
// open phase's publishes are due (constant rate or linear ramp, Poisson or evenly spaced) and what
// each publish carries (payload size, the seed of its recipients, priority). The simulation's
// producer (models/producer.hpp) drives it with the kernel's virtual clock; the live replay
// (tools/replay/publish_generator.hpp) with the wall clock. Both draw from the phase's stream
// "producer/<i>" in the same order, so for one seed they publish the same sequence.
#pragma once

#include "models/params.hpp"

#include <surge/random.hpp>
#include <surge/time.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace surge::models {

/// The stream of phase i (open phase: arrivals and draws; closed phase: "<name>/client/<c>").
inline std::string phase_stream_name(std::size_t phase) { return "producer/" + std::to_string(phase); }
inline std::string closed_client_stream_name(std::size_t phase, std::int64_t client) {
    return phase_stream_name(phase) + "/client/" + std::to_string(client);
}

/// When phase i ends: its own length, else the next phase's start, else `end` (the run's length).
inline time_point phase_end(const std::vector<load_phase>& phases, std::size_t i, time_point end) {
    time_point stop = end;
    if (i + 1 < phases.size()) stop = std::min(stop, phases[i + 1].at);
    if (phases[i].length) stop = std::min(end, phases[i].at + *phases[i].length);
    return stop;
}

/// A priority drawn with the phase's weights. With at most one nonzero weight there is no draw,
/// so the stream stays put (and no weights at all means normal).
inline priority_class pick_priority(const std::vector<double>& w, rng& r) {
    double total = 0;
    int nonzero = 0, last = 1;
    for (std::size_t i = 0; i < w.size(); ++i)
        if (w[i] > 0) {
            total += w[i];
            ++nonzero;
            last = static_cast<int>(i);
        }
    if (nonzero <= 1) return static_cast<priority_class>(last);
    double x = r.uniform01() * total;
    for (std::size_t i = 0; i < w.size(); ++i) {
        if (w[i] <= 0) continue;
        if (x < w[i]) return static_cast<priority_class>(i);
        x -= w[i];
    }
    return static_cast<priority_class>(last);
}

/// What one publish request carries besides its phase's fixed fields (target, batch, recipients).
struct publish_draw {
    std::uint32_t payload = 0;       // bytes per notification
    std::uint64_t target_seed = 0;   // seeds the draw of recipients (models/recipients.hpp)
    priority_class prio = priority_class::normal;
};

/// The draws of one publish, in their fixed order: payload, target seed, priority.
inline publish_draw draw_publish(const load_phase& ph, rng& r) {
    publish_draw d;
    d.payload = static_cast<std::uint32_t>(ph.payload.sample(r));
    d.target_seed = r();
    d.prio = pick_priority(ph.priority_weights, r);
    return d;
}

/// The time from `now` to the next arrival of an open phase whose rate goes linearly from r0
/// at ph.at to r1 at `stop`, such that the expected number of arrivals in between (the
/// integral of the rate) is `work`: exp(1)-distributed for Poisson arrivals, 1 for evenly
/// spaced ones. This is the exact inversion of a non-homogeneous Poisson process, and works
/// for a ramp from or to zero. Returns nullopt if no arrival fits before `stop`.
inline std::optional<duration> next_arrival_gap(const load_phase& ph, time_point now, time_point stop, double work) {
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

/// One publish of an open phase: when it is due (scenario time) and what it carries.
struct scheduled_publish {
    time_point at;
    publish_draw draw;
};

/// The publishes of one open phase, in order. Each next() draws the arrival's work, then (if an
/// arrival fits before the phase ends) the publish's draws: the order the producer has always
/// used, which the goldens hold.
class open_phase_schedule {
public:
    /// `start` is when the generator begins (the phase's start, or later if it joins late);
    /// `stop` is phase_end(); `r` the phase's stream.
    open_phase_schedule(load_phase ph, time_point start, time_point stop, rng r)
        : ph_(std::move(ph)), now_(std::max(start, ph_.at)), stop_(stop), r_(std::move(r)) {}

    /// The next publish, or nullopt when the phase has no more (and never again).
    std::optional<scheduled_publish> next() {
        if (done_) return std::nullopt;
        const double work = ph_.spacing == load_phase::arrivals::poisson ? surge::standard_exponential(r_) : 1.0;
        const auto d = next_arrival_gap(ph_, now_, stop_, work);
        if (!d || now_ + *d >= stop_) {
            done_ = true;
            return std::nullopt;
        }
        now_ += *d;
        return scheduled_publish{now_, draw_publish(ph_, r_)};
    }

    [[nodiscard]] const load_phase& phase() const noexcept { return ph_; }
    [[nodiscard]] time_point stop() const noexcept { return stop_; }

private:
    load_phase ph_;
    time_point now_;
    time_point stop_;
    rng r_;
    bool done_ = false;
};

} // namespace surge::models
