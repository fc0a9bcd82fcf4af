// models/faults.hpp — the fault timeline: database slowdowns and outages, disconnect storms,
// latency spikes and worker loss, each starting at its time and (except the instantaneous storm)
// undone after its length.
#pragma once

#include "models/database.hpp"
#include "models/params.hpp"
#include "models/server.hpp"
#include "models/user.hpp"
#include "models/user_behaviour.hpp"
#include "models/ws_link.hpp"

#include <surge/simulation.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace surge::models {

class fault_timeline {
public:
    fault_timeline(simulation& sim, std::vector<fault> faults, database& db, link_table& links, server& srv,
                   user_population& users)
        : sim_(&sim), faults_(std::move(faults)), lost_(faults_.size(), 0), db_(&db), links_(&links), server_(&srv), users_(&users) {}

    void start() {
        for (std::size_t i = 0; i < faults_.size(); ++i) {
            const fault& f = faults_[i];
            sim_->schedule_at(f.at, [this, i] { begin(i); }, priority::high);
        }
    }

private:
    void begin(std::size_t i) {
        const fault& f = faults_[i];
        sim_->trace().record(sim_->now(), "fault.begin", i, static_cast<std::int64_t>(f.type));
        switch (f.type) {
        case fault::kind::db_slowdown: db_->slow_down(f.factor); break;
        case fault::kind::db_outage: db_->begin_outage(f.error_after); break;
        case fault::kind::latency_spike: links_->spike(f.factor, f.extra); break;
        case fault::kind::worker_loss: lost_[i] = server_->lose_workers(f.workers); break;
        case fault::kind::disconnect_storm: {
            for_each_storm_victim(
                sim_->stream(fault_stream_name(i)), f.fraction, users_->size(),
                [this](std::uint32_t u) { return users_->state_of(u) == user_population::state::online; },
                [this, &f](std::uint32_t u) { users_->drop(u, f.silent); });
            return;  // an instant: nothing to undo
        }
        }
        sim_->schedule(f.length, [this, i] { end(i); }, priority::high);
    }

    void end(std::size_t i) {
        const fault& f = faults_[i];
        sim_->trace().record(sim_->now(), "fault.end", i, static_cast<std::int64_t>(f.type));
        switch (f.type) {
        case fault::kind::db_slowdown: db_->speed_up(f.factor); break;
        case fault::kind::db_outage: db_->end_outage(); break;
        case fault::kind::latency_spike: links_->unspike(f.factor, f.extra); break;
        case fault::kind::worker_loss: server_->restore_workers(lost_[i]); break;
        case fault::kind::disconnect_storm: break;
        }
    }

    simulation* sim_;
    std::vector<fault> faults_;
    std::vector<std::int64_t> lost_;  // workers a worker_loss fault actually took
    database* db_;
    link_table* links_;
    server* server_;
    user_population* users_;
};

} // namespace surge::models
