// models/recorder.hpp — all the meters of one run, and the report's metrics they emit. Each meter
// (models/*_meter.hpp) holds what one part of the system measures, behind named recording methods,
// and sets its own catalogue entries; the recorder only holds them together and calls their emit
// in the report's order (the catalogue's). The models write into the meters they own or share;
// nothing here reads the wall clock.
#pragma once

#include "models/broadcast_meter.hpp"
#include "models/connection_meter.hpp"
#include "models/database_meter.hpp"
#include "models/delivery_meter.hpp"
#include "models/memory_meter.hpp"
#include "models/message_meter.hpp"
#include "models/metrics.hpp"
#include "models/offline_queue_meter.hpp"
#include "models/publish_meter.hpp"
#include "models/server_meter.hpp"
#include "models/series.hpp"

#include <surge/time.hpp>

#include <algorithm>
#include <cstdint>

namespace surge::models {

struct recorder {
    publish_meter publishing;       // notifications.*, operations.*
    delivery_meter delivery;        // delivery.*
    connection_meter connections;   // connections.*
    message_meter messages;         // messages.*
    broadcast_meter broadcasts;     // broadcast.*
    offline_queue_meter offline;    // offline_queue.*
    server_meter serving;           // server.*
    database_meter db;              // database.*
    memory_meter memory;            // memory.*

    /// The report's metrics at the end of a run that simulated up to `end` (`load_seconds` of it
    /// with load), with `workers` workers and `pending` messages still queued or on links.
    [[nodiscard]] metric_set to_metrics(time_point end, double load_seconds, std::int64_t workers,
                                        std::uint64_t pending) const {
        metric_set m;
        const double secs = std::max(load_seconds, 1e-9);
        publishing.emit(m, secs);
        delivery.emit(m, secs, pending, offline);
        connections.emit(m);
        messages.emit(m, secs);
        broadcasts.emit(m);
        offline.emit(m, end);
        serving.emit(m, end, workers);
        db.emit(m);
        memory.emit(m, end, connections, offline);
        return m;
    }

    /// Per-window series from now on, windows of `w` (models/series.hpp: series_window). A live
    /// replay starts only the meters it feeds as the run goes (the publishing side, deliveries and
    /// connections): the others' series describe the server's insides, which a client cannot see.
    void start_series(duration w, run_mode mode = run_mode::sim) {
        publishing.start_series(w);
        delivery.start_series(w);
        connections.start_series(w);
        if (mode == run_mode::live) return;
        offline.start_series(w);
        serving.start_series(w);
        db.start_series(w);
        memory.start_series(w);
    }

    /// The report's time series of a run that simulated up to `end` with `workers` workers; empty
    /// unless start_series was called.
    [[nodiscard]] series_set to_series(duration w, time_point end, std::int64_t workers) const {
        series_set s(w, end);
        publishing.emit_series(s, end);
        delivery.emit_series(s, end);
        connections.emit_series(s, end);
        offline.emit_series(s, end);
        serving.emit_series(s, end, workers);
        db.emit_series(s, end);
        memory.emit_series(s, end);
        return s;
    }
};

} // namespace surge::models
