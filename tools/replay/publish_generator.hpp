// tools/replay/publish_generator.hpp — the replay's load generator: what to publish and when, in
// scenario time, without sockets or clocks. It is the simulation's generator (models/
// load_schedule.hpp for arrivals and draws, models/recipients.hpp for who gets each notification)
// on the same streams, so a live run publishes what a simulated run of the same seed publishes;
// replay_run turns scenario time into wall time and the plans into request bodies.
#pragma once

#include <models/load_schedule.hpp>
#include <models/params.hpp>
#include <models/recipients.hpp>

#include <surge/random.hpp>
#include <surge/time.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace surge::replay {

/// One publish request as planned: when it is due (scenario time) and what it holds.
struct planned_publish {
    std::size_t phase = 0;
    time_point at;                                  // intended time, scenario clock
    models::target_kind target = models::target_kind::user;
    models::priority_class prio = models::priority_class::normal;
    std::uint32_t payload = 0;                      // bytes per notification
    /// One entry per notification of the batch: its recipients (empty for a broadcast).
    std::vector<std::vector<std::uint32_t>> recipients;
    [[nodiscard]] std::uint32_t batch() const noexcept { return static_cast<std::uint32_t>(recipients.size()); }
};

class publish_generator {
public:
    publish_generator(const models::scenario& sc, std::uint64_t seed) : sc_(&sc), users_(to_u32(sc.users.count)) {
        const time_point end = time_point{} + sc.length;
        for (std::size_t i = 0; i < sc.load.size(); ++i) {
            const auto& ph = sc.load[i];
            phase_state st;
            st.begin = ph.at;
            st.end = models::phase_end(sc.load, i, end);
            if (ph.type == models::load_phase::kind::open)
                st.open.emplace(ph, time_point{}, st.end, make_stream(seed, models::phase_stream_name(i)));
            else
                for (std::int64_t c = 0; c < ph.clients; ++c)
                    closed_.push_back(closed_state{i, make_stream(seed, models::closed_client_stream_name(i, c))});
            phases_.push_back(std::move(st));
        }
    }

    [[nodiscard]] std::size_t phases() const noexcept { return phases_.size(); }
    [[nodiscard]] bool is_open(std::size_t i) const noexcept { return phases_[i].open.has_value(); }
    [[nodiscard]] time_point phase_begin(std::size_t i) const noexcept { return phases_[i].begin; }
    [[nodiscard]] time_point phase_end(std::size_t i) const noexcept { return phases_[i].end; }

    /// The next publish of open phase i, or nullopt when the phase has no more.
    std::optional<planned_publish> next_open(std::size_t i) {
        auto& s = phases_[i].open;
        if (!s) return std::nullopt;
        const auto p = s->next();
        if (!p) return std::nullopt;
        return plan(i, p->at, p->draw);
    }

    /// Closed-phase clients, each with its own stream (as the simulation's closed clients).
    [[nodiscard]] std::size_t closed_clients() const noexcept { return closed_.size(); }
    [[nodiscard]] std::size_t closed_phase(std::size_t c) const noexcept { return closed_[c].phase; }
    /// Closed client c's next request, sent at scenario time `now`.
    planned_publish closed_request(std::size_t c, time_point now) {
        auto& cl = closed_[c];
        return plan(cl.phase, now, models::draw_publish(sc_->load[cl.phase], cl.stream));
    }
    /// Closed client c's think time after an answer.
    duration closed_think(std::size_t c) { return sc_->load[closed_[c].phase].think.sample(closed_[c].stream); }

private:
    static std::uint32_t to_u32(std::int64_t n) { return static_cast<std::uint32_t>(n < 0 ? 0 : n); }

    /// Recipients drawn as the simulation's fan-out draws them: one stream per request, seeded
    /// by its target seed, shared by the notifications of the batch.
    planned_publish plan(std::size_t i, time_point at, const models::publish_draw& d) const {
        const auto& ph = sc_->load[i];
        planned_publish p;
        p.phase = i;
        p.at = at;
        p.target = ph.target;
        p.prio = d.prio;
        p.payload = d.payload;
        rng targets(d.target_seed);
        p.recipients.resize(static_cast<std::size_t>(ph.batch < 1 ? 1 : ph.batch));
        for (auto& r : p.recipients) models::choose_recipients(ph.target, to_u32(ph.recipients), users_, targets, r);
        return p;
    }

    struct phase_state {
        time_point begin, end;
        std::optional<models::open_phase_schedule> open;
    };
    struct closed_state {
        std::size_t phase;
        rng stream;
    };
    const models::scenario* sc_;
    std::uint32_t users_;
    std::vector<phase_state> phases_;
    std::vector<closed_state> closed_;
};

} // namespace surge::replay
