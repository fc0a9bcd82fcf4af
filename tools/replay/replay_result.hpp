// tools/replay/replay_result.hpp — what a live replay is given (replay_options) and what it
// returns (replay_result: the run's metrics plus the figures only a live run has). Kept apart from
// replay.hpp so that the report and its tests do not compile the Asio/Beast machinery.
#pragma once

#include "delivery_ledger.hpp"
#include "protocol.hpp"
#include "rank_merge.hpp"
#include "server_figures.hpp"
#include "target.hpp"

#include <sim/run.hpp>

#include <surge/stats.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

namespace surge::replay {

/// A run that could not start (bad target, refused connection): exit code 2.
class start_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct replay_options {
    std::string target;
    protocol_config protocol;
    std::vector<header> headers;
    double time_scale = 1.0;
    unsigned threads = 1;
    bool allow_remote = false;        // --yes
    bool insecure = false;            // --insecure: no certificate verification
    std::string ca_file;              // --ca-file: PEM CA certificates to trust besides the system's
    std::chrono::milliseconds connect_timeout{10'000};
    std::chrono::milliseconds request_timeout{10'000};
    std::chrono::milliseconds idle_timeout{60'000};
    /// The run ends in failure once no connection is open and nothing was published successfully
    /// for this long while attempts keep failing (the target went away).
    std::chrono::milliseconds give_up_after{5'000};
    /// After the scenario (and its drain), wait this long for notifications still in flight.
    std::chrono::milliseconds grace{1'000};
    /// I/O threads take ready sockets in batches: after a pass over what is ready they sleep this
    /// long before the next (non-blocking) pass, and block in the reactor only after ~5 ms with
    /// nothing to do. Sockets that become readable meanwhile are queued by the kernel without
    /// waking the thread, which spares the sender (a local server) one wake-up per message.
    /// Zero: block in the reactor after every pass (a wake-up per burst of readiness).
    std::chrono::microseconds batch_interval{200};
    /// The load generator's timers fire this much before an arrival's intended time and the
    /// control thread spins the rest (see replay_run::arm_phase); zero: plain timers.
    std::chrono::microseconds spin_lead{1'000};
    /// The time slice the control thread asks the scheduler for (detail::request_short_slice);
    /// zero: the default.
    std::chrono::microseconds control_slice{100};
    /// --realtime: the control thread in SCHED_FIFO (lowest real-time priority) when the system
    /// allows it. For scenarios whose publishing the control thread does easily (a real-time thread
    /// that stays busy takes a core from the I/O threads and the server).
    bool realtime = false;
    std::size_t publish_connections = 32;
    std::size_t max_backlog = 200'000;
    /// --track-ids: how many of the latest notification ids the delivery ledger remembers (a
    /// notification with an older id counts as an unknown id).
    std::size_t track_ids = delivery_ledger::default_window;
    std::string user_prefix = "u";
    /// Every open user connection times its link with a WebSocket ping this often (the first soon
    /// after it came up); zero: no round-trip pings.
    std::chrono::milliseconds rtt_interval{5'000};
    /// --server-metrics: the server's Prometheus endpoint (http://), scraped before, during (every
    /// second) and after the run; empty: none. --server-queue-metric: the gauge read as its queue.
    std::string server_metrics;
    std::string server_queue_metric = "surge_offline_queue_messages";
    std::optional<std::uint64_t> seed;
    std::ostream* progress = nullptr;  // live progress line; nullptr = none
    bool progress_tty = false;         // rewrite one line (\r) instead of printing lines
    /// Polled by the control loop (every 250 ms): once it holds a signal number
    /// (sim/stop_signal.hpp) the run stops publishing, closes its connections and returns its
    /// partial result, with run.interrupted naming the signal.
    const std::atomic<int>* stop = nullptr;
    /// Across processes (mpirun -np N surge replay; docs/replay.md, "Across processes (MPI)"): this
    /// process is rank `rank` of `ranks` and runs users u with u % ranks == rank and every
    /// ranks-th publish. The command supplies the collective steps (tools/distributed): whether
    /// every rank could start (given this rank's answer: all_started, rank0_failed or
    /// other_failed), and rank 0's start instant in Unix ns for all (broadcast).
    unsigned rank = 0, ranks = 1;
    enum class start_status : std::uint8_t { all_started, rank0_failed, other_failed };
    std::function<start_status(bool)> all_ranks_ok;
    std::function<std::int64_t(std::int64_t)> common_start;
};

/// What only a live run measures, beside the metrics the simulation also has.
struct live_figures {
    std::uint64_t protocol_errors = 0;
    std::uint64_t transport_errors = 0;          // connections lost to errors or timeouts
    std::uint64_t received_without_time = 0;     // deliveries without an echoed sent_at (still timed: the ledger's record)
    std::uint64_t sent_at_mismatch = 0;          // deliveries whose echoed sent_at is off the record by > 1 ms
    // received, but not deliveries (delivery_ledger)
    std::uint64_t received_unknown_id = 0, received_duplicate = 0, received_wrong_recipient = 0;
    std::uint64_t publish_requests = 0;
    std::uint64_t publish_retries = 0;           // sent again: an idle keep-alive connection closed under them
    std::uint64_t other_events = 0;              // events (types) other than the notification event
    std::string other_event_name;                // the most frequent of them (of the first 8 distinct per thread)
    summed_histogram scheduling_lag;             // how late the generator issued requests, ns
    summed_histogram uncorrected_latency;        // delivery latency from the actual send time, ns
    // the parts of connections.time (connect_timing) and the users' links' ping round trips, ns
    summed_histogram connect_tcp, connect_tls, connect_upgrade, connect_namespace, link_rtt;
    std::int64_t peak_open = 0;
    std::int64_t rss_before_bytes = 0;           // resident set before the users connected
    std::int64_t rss_at_peak_bytes = 0;          // resident set when most connections were open
    std::int64_t rss_connections = 0;            // connections open when rss_at_peak_bytes was taken
    std::vector<std::string> warnings;           // scenario parts a live run cannot apply
    server_figures server;                       // --server-metrics (its warnings are in `warnings` too)
    std::vector<std::string> errors;             // the first distinct errors seen (redacted)
    // how the run was made (the report's "live" object)
    std::string target;                          // redacted
    protocol_config protocol;
    double time_scale = 1;
    unsigned threads = 1;
    // Across processes, on rank 0 (replay_merge.hpp): each rank's own counts, and the merged
    // delivery-latency histogram (histogram_json); null in one process.
    nlohmann::ordered_json ranks;
    nlohmann::json delivery_latency_histogram;
};

struct replay_result {
    sim::run_result run;
    live_figures live;
    /// Across ranks: what this rank measured, to be merged on rank 0 (rank_merge.hpp); else empty.
    std::string part;
};

} // namespace surge::replay
