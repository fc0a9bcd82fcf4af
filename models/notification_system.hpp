// models/notification_system.hpp — the whole notification system of a scenario, wired together:
// users and their links, the server and its workers, offline queues, the database, the load and
// the fault timeline, each measuring into its meters (held together by one recorder). sim/ builds
// one from a scenario file and runs it; tests and benchmarks build one directly.
#pragma once

#include "models/database.hpp"
#include "models/faults.hpp"
#include "models/message.hpp"
#include "models/offline_queue.hpp"
#include "models/params.hpp"
#include "models/producer.hpp"
#include "models/load_schedule.hpp"
#include "models/recorder.hpp"
#include "models/server.hpp"
#include "models/user.hpp"
#include "models/ws_link.hpp"

#include <surge/simulation.hpp>

#include <algorithm>
#include <cstdint>
#include <string>

namespace surge::models {

class notification_system {
public:
    notification_system(simulation& sim, const scenario& sc)
        : sim_(&sim), sc_(sc),
          db_(sim, sc.database, rec_.db),
          links_(sim, sc.links, static_cast<std::size_t>(sc.users.count), pool_),
          offline_(sim, sc.offline_queue, sc.memory, static_cast<std::size_t>(sc.users.count), pool_, rec_.offline, rec_.memory),
          server_(sim, sc.server, sc.degradation, sc.memory, db_, links_, offline_, pool_, rec_),
          users_(sim, sc.users, links_, server_, rec_.connections, rec_.messages),
          producer_(sim, sc.load, time_point{} + sc.length, server_),
          faults_(sim, sc.faults, db_, links_, server_, users_),
          series_window_(series_window(sc.length + sc.drain, sc.sample_interval)) {
        rec_.start_series(series_window_);
    }
    notification_system(const notification_system&) = delete;
    notification_system& operator=(const notification_system&) = delete;

    /// Starts workers, users, load, faults and the memory sampler.
    void start() {
        server_.start();
        users_.start();
        producer_.start();
        faults_.start();
        sample_memory();
    }

    /// Ends the loaded part of the run: no new sessions, client messages or drops after this.
    void end_load() { users_.quiesce(); }

    [[nodiscard]] metric_set metrics() const {
        return rec_.to_metrics(sim_->now(), sc_.length.seconds_f(), sc_.server.workers, pending());
    }
    /// The report's time series up to now, with the scenario's faults and load phases as annotations.
    [[nodiscard]] series_set series() const {
        series_set s = rec_.to_series(series_window_, sim_->now(), sc_.server.workers);
        s.annotations = scenario_annotations(sc_);
        return s;
    }

    /// Messages still on links or in offline queues.
    [[nodiscard]] std::uint64_t pending() const { return pool_.live(); }

    [[nodiscard]] recorder& record() noexcept { return rec_; }
    [[nodiscard]] server& the_server() noexcept { return server_; }
    [[nodiscard]] user_population& users() noexcept { return users_; }
    [[nodiscard]] database& db() noexcept { return db_; }
    [[nodiscard]] link_table& links() noexcept { return links_; }

private:
    void sample_memory() {
        rec_.memory.sample(sim_->now());
        const time_point stop = time_point{} + sc_.length + sc_.drain;
        if (sim_->now() + sc_.sample_interval <= stop)
            sim_->schedule(sc_.sample_interval, [this] { sample_memory(); }, priority::low);
    }

    simulation* sim_;
    scenario sc_;
    recorder rec_;
    message_pool pool_;
    database db_;
    link_table links_;
    offline_queues offline_;
    server server_;
    user_population users_;
    producer producer_;
    fault_timeline faults_;
    duration series_window_;
};

} // namespace surge::models
