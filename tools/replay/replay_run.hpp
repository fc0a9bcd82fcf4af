// tools/replay/replay_run.hpp — the orchestration of a live run: replay_run owns the shards
// (tools/replay/shard.hpp, each with its users), the load generator (publish_generator.hpp, the
// simulation's), the publishers and the bookkeeping, and produces the result. This file holds the
// class and its life cycle (start, watch, finish); replay_start.hpp prepares and probes the
// target, replay_load.hpp drives the load and replay_collect.hpp builds the result. Include
// replay.hpp, which gathers them.
//
// Threads: `threads` shards, each an io_context on its own thread owning a share of the users
// (user i lives on shard i % threads), and a control io_context on the calling thread for the load
// generator, the publisher and the bookkeeping. Counters read across threads (progress line,
// give-up watch) are relaxed atomics; histograms are per shard and merged after the threads have
// joined, except the deliveries' and connections', which go to the run's meters under a mutex as
// they happen so that the report's time series (windows of scenario time) have them.
//
// Across processes (mpirun -np N; replay_options::rank, ranks): this rank's users are those with
// u % ranks == rank (its j-th user on shard j % threads); every rank registers every publish in the
// ledger (register_due, the same ids everywhere) and sends every ranks-th; all start at rank 0's
// instant; collect() also writes the rank's part for rank 0 to merge (rank_merge.hpp).
//
// Time: scenario time tau runs at wall time t0 + tau / time_scale, so rates are multiplied by the
// time scale and every scenario duration (ramps, sessions, backoff, faults) divided by it.
// Latencies are wall-clock latencies; rates in the report are per scenario second (wall rate / K)
// so that they sit beside a simulation of the same scenario.
#pragma once

#include "connection.hpp"
#include "delivery_ledger.hpp"
#include "http_publisher.hpp"
#include "process_info.hpp"
#include "protocol.hpp"
#include "publish_generator.hpp"
#include "rank_merge.hpp"
#include "replay_result.hpp"
#include "server_metrics.hpp"
#include "shard.hpp"
#include "target.hpp"
#include "user_client.hpp"
#include "ws_publisher.hpp"

#include <models/params.hpp>
#include <models/recorder.hpp>
#include <models/user_behaviour.hpp>
#include <sim/run.hpp>
#include <sim/stop_signal.hpp>

#include <surge/random.hpp>
#include <surge/stats.hpp>
#include <surge/windowed.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace surge::replay {

/// Across ranks: the start_error of a rank that could start when another could not (it says why).
inline constexpr std::string_view another_rank_failed = "another rank could not start (it says why)";

/// The run: owns shards, generator, publishers; produces the result.
class replay_run final : public run_context {
public:
    replay_run(const models::scenario& sc, replay_options opt) : sc_(sc), opt_(std::move(opt)) {}

    /// Throws start_error when the run cannot start.
    replay_result run();

    // --- run_context, for the users ---
    [[nodiscard]] const connection_settings& settings() const override { return settings_; }
    [[nodiscard]] const replay_options& options() const override { return opt_; }
    [[nodiscard]] const models::scenario& scenario() const override { return sc_; }
    [[nodiscard]] std::uint64_t seed() const override { return opt_.seed.value_or(sc_.seed); }
    [[nodiscard]] std::int64_t scaled(duration d) const override {
        return static_cast<std::int64_t>(static_cast<double>(d.count()) / opt_.time_scale);
    }
    [[nodiscard]] bool ending() const override { return ending_.load(std::memory_order_relaxed); }
    void set_online(std::uint32_t user, bool on) override { online_[user].store(on ? 1 : 0, std::memory_order_relaxed); }
    void note_open(std::int64_t delta) override {
        const auto now = open_total_.fetch_add(delta, std::memory_order_relaxed) + delta;
        detail::atomic_max(peak_open_, now);
        const auto t = scenario_time(steady_ns());
        std::lock_guard lock(meters_mutex_);
        if (delta > 0) rec_.connections.on_opened(t);
        else rec_.connections.on_closed(t);
    }
    void note_delivered(std::int64_t at, std::int64_t latency_ns) override {
        const auto t = scenario_time(at);
        std::lock_guard lock(meters_mutex_);
        if (latency_ns >= 0) {
            rec_.delivery.on_delivered(t, latency_ns);
            if (opt_.ranks > 1) {
                delivery_latency_.record(latency_ns);
                record_window(delivery_latency_w_, t, latency_ns);
            }
        }
        else rec_.delivery.on_delivered(t);
    }
    [[nodiscard]] double unix_ms_of(std::int64_t steady) const override {
        return static_cast<double>(unix_origin_ + (steady - steady_origin_)) / 1e6;
    }
    /// Steady-clock intended time of a notification from its sent_at (unix ms).
    [[nodiscard]] std::int64_t intended_from_unix_ms(double ms) const override {
        return steady_origin_ + static_cast<std::int64_t>(ms * 1e6) - unix_origin_;
    }
    receipt classify(std::optional<std::int64_t> id, std::uint32_t user, std::int64_t at, std::int64_t* intended) override {
        return ledger_->receive(id, user, at, intended);
    }
    void note_error(const std::string& e) override {
        const auto t = scenario_time(steady_ns());
        std::lock_guard lock(errors_mutex_);
        errors_w_.add(t);
        last_error_ = e;
        if (errors_.size() >= 10) return;
        for (const auto& x : errors_)
            if (x == e) return;
        errors_.push_back(e);
    }

private:
    /// Records into the window of scenario time t (the series' windows).
    void record_window(std::vector<summed_histogram>& w, time_point t, std::int64_t v) const {
        if (series_window_.count() <= 0) return;
        const auto k = static_cast<std::size_t>(std::max<std::int64_t>(t.since_start().count(), 0) / series_window_.count());
        if (w.size() <= k) w.resize(k + 1);
        w[k].record(v);
    }
    void prepare();
    void probe();
    void schedule_users();
    void schedule_phases();
    void schedule_faults();
    [[nodiscard]] std::int64_t lookahead_ns() const;
    void register_due(std::int64_t horizon);
    std::vector<std::int64_t> register_ids(const planned_publish& p, std::int64_t intended_ns);
    void arm_schedule();
    void generate();
    void account(const planned_publish& p, std::int64_t intended_ns);
    void emit(const planned_publish& p, std::int64_t intended_ns, const std::vector<std::int64_t>& ids,
              std::int32_t closed_client = -1);
    void start_together();
    void closed_next(std::size_t client);
    void closed_done(std::size_t client, bool ok);
    void on_published(const publish_request& r, publish_outcome o, std::int64_t done_ns, const std::string& detail);
    void tick();
    void finish(bool completed, std::string error);
    void shutdown_now();
    void wait_closed(std::int64_t deadline);
    replay_result collect(std::int64_t wall_ns);
    [[nodiscard]] std::int64_t scenario_ns(std::int64_t steady) const {
        return static_cast<std::int64_t>(static_cast<double>(steady - t0_) * opt_.time_scale);
    }
    [[nodiscard]] std::int64_t steady_of(time_point scenario_time) const { return t0_ + scaled(scenario_time.since_start()); }
    /// The scenario instant of a steady-clock time, for the meters (never before time zero).
    [[nodiscard]] time_point scenario_time(std::int64_t steady) const {
        return time_point::from_ns(std::max<std::int64_t>(scenario_ns(steady), 0));
    }

    const models::scenario& sc_;
    replay_options opt_;
    connection_settings settings_;
    std::unique_ptr<ssl::context> tls_;
    std::vector<std::unique_ptr<shard>> shards_;
    /// The generator, the publisher, the watch and the progress line: a thread of their own, so
    /// that the users' traffic does not delay the schedule (scheduling lag).
    net::io_context control_{1};
    std::unique_ptr<std::atomic<std::uint8_t>[]> online_;
    std::atomic<std::int64_t> open_total_{0}, peak_open_{0};
    std::atomic<bool> ending_{false};
    std::int64_t steady_origin_ = 0, unix_origin_ = 0;  // clock pair taken together
    std::int64_t t0_ = 0;                               // steady ns of scenario time 0

    // the control thread only
    std::optional<publish_generator> generator_;
    struct phase_state {
        std::int64_t begin_ns = 0, end_ns = 0;   // scenario time
        std::optional<planned_publish> next;     // the open phase's next publish, not yet registered
    };
    std::vector<phase_state> phases_;
    /// The open phases' publishes registered in the ledger and not yet due, in (time, phase) order
    /// (register_due), each with its ids and whether this rank sends it.
    struct scheduled_publish {
        planned_publish plan;
        std::int64_t intended_ns = 0;
        std::vector<std::int64_t> ids;
        bool mine = true;
    };
    std::deque<scheduled_publish> due_;
    std::uint64_t schedule_seq_ = 0;           // publishes registered so far (rank of the next: % ranks)
    std::unique_ptr<net::steady_timer> schedule_timer_;
    std::int64_t lead_ns_ = 0;                 // how early the timer was set (arm_schedule)
    /// A closed phase's client: sends a request, waits for its answer, thinks, sends the next.
    struct closed_client {
        std::int64_t sent = 0;
        std::unique_ptr<net::steady_timer> timer;
    };
    std::vector<closed_client> closed_;
    std::vector<std::unique_ptr<net::steady_timer>> timers_;
    std::unique_ptr<http_publisher> http_;
    std::unique_ptr<ws_publisher> wsp_;
    std::unique_ptr<server_metrics_scraper> scraper_;  // --server-metrics
    std::unique_ptr<delivery_ledger> ledger_;  // the ids published and to whom (control thread writes)
    /// The meters. The publishing side is the control thread's; deliveries and connections come
    /// from every shard's thread as they happen, under meters_mutex_ (the control thread takes it
    /// too for rec_.delivery), so that their series have the times; the rest is merged from the
    /// shards after they joined (collect).
    models::recorder rec_;
    std::mutex meters_mutex_;
    duration series_window_{};       // the series' window (models::series_window), as the simulation's
    windowed_counter errors_w_;      // every note_error, under errors_mutex_
    summed_histogram lag_;
    windowed_histogram lag_w_;       // the scheduling lag per window (control thread)
    // Across ranks (rank_merge.hpp): copies of what rec_ keeps privately, in forms that merge
    // exactly — the delivery and request latencies with their sums (under meters_mutex_ /
    // control thread), per series window too, and the broadcasts' recipients.
    summed_histogram delivery_latency_, operation_latency_;
    std::vector<summed_histogram> delivery_latency_w_, operation_latency_w_;
    std::uint64_t broadcast_recipients_ = 0;
    std::uint64_t publish_requests_ = 0;
    std::int64_t last_contact_ns_ = 0;
    std::uint64_t failures_since_contact_ = 0;
    std::uint64_t failed_seen_ = 0;
    std::int64_t rss_before_ = 0, rss_at_peak_ = 0, rss_connections_ = 0;
    std::string last_failure_;
    std::atomic<std::uint64_t> published_total_{0}, accepted_total_{0}, failed_total_{0};
    std::int64_t first_publish_ns_ = -1, last_accept_ns_ = -1;
    bool finished_ = false;
    bool completed_ = true;
    std::string error_;
    int interrupted_ = 0;  // the signal that stopped the run (tick), 0 if none
    std::int64_t end_ns_ = 0;
    std::vector<std::string> warnings_;
    std::mutex errors_mutex_;
    std::vector<std::string> errors_;
    std::string last_error_;
    // progress
    std::uint64_t last_sent_ = 0, last_received_ = 0;
    std::int64_t last_tick_ns_ = 0, last_line_ns_ = 0;
    std::unique_ptr<net::steady_timer> tick_timer_;
    std::vector<net::executor_work_guard<net::io_context::executor_type>> guards_;
};

/// Every user's first attempt at its planned time (the simulated user's first connect).
inline void replay_run::schedule_users() {
    for (auto& sh : shards_)
        net::post(sh->io, [this, s = sh.get()] {
            for (auto& u : s->users) u->begin_at(steady_of(u->first_attempt()));
        });
}

/// Disconnect storms: the victims are drawn as the simulation draws them (each online user in id
/// order, from the fault's stream), then each shard closes its victims' sockets.
inline void replay_run::schedule_faults() {
    for (std::size_t i = 0; i < sc_.faults.size(); ++i) {
        const auto& f = sc_.faults[i];
        if (f.type != models::fault::kind::disconnect_storm) continue;
        auto t = std::make_unique<net::steady_timer>(control_);
        t->expires_at(steady::time_point(std::chrono::nanoseconds(steady_of(f.at))));
        t->async_wait([this, i, fraction = f.fraction, silent = f.silent](beast::error_code ec) {
            if (ec || finished_) return;
            const auto threads = shards_.size();
            const auto ranks = opt_.ranks, rank = opt_.rank;
            std::vector<std::vector<std::uint32_t>> victims(threads);
            const auto users = static_cast<std::uint32_t>(std::max<std::int64_t>(sc_.users.count, 0));
            models::for_each_storm_victim(
                make_stream(seed(), models::fault_stream_name(i)), fraction, users,
                [this](std::uint32_t u) { return online_[u].load(std::memory_order_relaxed) != 0; },
                [&](std::uint32_t u) {
                    if (u % ranks == rank) victims[(u / ranks) % threads].push_back(u / ranks);  // this rank's users
                });
            for (std::size_t k = 0; k < threads; ++k)
                net::post(shards_[k]->io, [s = shards_[k].get(), threads, silent, v = std::move(victims[k])] {
                    for (const auto local : v) s->users[local / threads]->drop(!silent);
                });
        });
        timers_.push_back(std::move(t));
    }
}

inline void replay_run::tick() {
    if (finished_) return;
    const auto now = steady_ns();
    // SIGINT/SIGTERM: stop here, as a run that lost its target does; the result is partial.
    if (const int signal = opt_.stop != nullptr ? opt_.stop->load(std::memory_order_relaxed) : 0; signal != 0) {
        interrupted_ = signal;
        char at[64];
        std::snprintf(at, sizeof at, " at %.3f s of scenario time", static_cast<double>(std::max<std::int64_t>(scenario_ns(now), 0)) * 1e-9);
        finish(false, "interrupted by " + sim::signal_name(signal) + at);
        return;
    }
    std::int64_t open = 0;
    std::uint64_t received = 0, errors = 0, attempts_failed = 0;
    for (auto& sh : shards_) {
        open += sh->stats.open.load(std::memory_order_relaxed);
        received += sh->stats.received.load(std::memory_order_relaxed);
        errors += sh->stats.protocol_errors.load(std::memory_order_relaxed) + sh->stats.connect_failed.load(std::memory_order_relaxed) +
                  sh->stats.transport_errors.load(std::memory_order_relaxed);
        attempts_failed += sh->stats.connect_failed.load(std::memory_order_relaxed);
    }
    errors += failed_total_.load(std::memory_order_relaxed);
    if (wsp_) wsp_->sweep(now);
    if (open > rss_connections_) {
        rss_connections_ = open;
        rss_at_peak_ = detail::rss_bytes();
    }
    // Give-up watch: the target is gone when nothing is open, nothing gets published and
    // attempts keep failing.
    auto& failed_seen = failed_seen_;
    if (open > 0 || (wsp_ && wsp_->up())) {
        last_contact_ns_ = now;
        failures_since_contact_ = 0;
        failed_seen = attempts_failed;
    } else if (attempts_failed > failed_seen) {
        failures_since_contact_ += attempts_failed - failed_seen;
        failed_seen = attempts_failed;
    }
    const auto give_up = std::chrono::duration_cast<std::chrono::nanoseconds>(opt_.give_up_after).count();
    if (failures_since_contact_ > 0 && now - last_contact_ns_ > give_up) {
        std::string why = "lost the target: no open connection and no successful publish for " +
                          std::to_string(opt_.give_up_after.count() / 1000.0).substr(0, 4) + " s";
        std::lock_guard lock(errors_mutex_);
        if (!last_error_.empty()) why += " (last error: " + last_error_ + ")";
        finish(false, why);
        return;
    }
    if (opt_.progress) {
        const double dt = static_cast<double>(now - last_tick_ns_) * 1e-9;
        const auto sent = published_total_.load(std::memory_order_relaxed);
        const auto line_every = opt_.progress_tty ? 1'000'000'000LL : 5'000'000'000LL;
        if (now - last_line_ns_ >= line_every - 50'000'000LL && dt > 0) {
            const double elapsed = static_cast<double>(scenario_ns(now)) * 1e-9;
            char line[256];
            std::snprintf(line, sizeof line, "%s[live %6.1fs / %.1fs] open %lld  sent %.0f/s  received %.0f/s  errors %llu  backlog %zu%s",
                          opt_.progress_tty ? "\r" : "", std::max(0.0, elapsed), (sc_.length + sc_.drain).seconds_f(),
                          static_cast<long long>(open), static_cast<double>(sent - last_sent_) / dt,
                          static_cast<double>(received - last_received_) / dt, static_cast<unsigned long long>(errors),
                          http_ ? http_->backlog() : std::size_t{0}, opt_.progress_tty ? "   " : "\n");
            *opt_.progress << line << std::flush;
            last_sent_ = sent;
            last_received_ = received;
            last_tick_ns_ = now;
            last_line_ns_ = now;
        }
    }
    tick_timer_->expires_after(std::chrono::milliseconds(250));
    tick_timer_->async_wait([this](beast::error_code ec) {
        if (!ec) tick();
    });
}

/// Ends the run: no more load, users leave, publishers stop; then a short grace for closes.
inline void replay_run::finish(bool completed, std::string error) {
    if (finished_) return;
    finished_ = true;
    completed_ = completed;
    error_ = std::move(error);
    end_ns_ = steady_ns();
    ending_.store(true, std::memory_order_relaxed);
    if (schedule_timer_) schedule_timer_->cancel();
    for (auto& cl : closed_) cl.timer->cancel();
    for (auto& t : timers_) t->cancel();
    if (tick_timer_) tick_timer_->cancel();
    if (http_) http_->stop();
    if (wsp_) wsp_->stop();
    for (auto& sh : shards_)
        net::post(sh->io, [s = sh.get()] {
            for (auto& u : s->users) u->stop();
        });
    guards_.clear();
    if (opt_.progress && opt_.progress_tty) *opt_.progress << "\n" << std::flush;
    // Closes that hang (an unresponsive server) must not hold the run: stop every loop after 2 s.
    wait_closed(steady_ns() + 2'000'000'000LL);
}

inline void replay_run::wait_closed(std::int64_t deadline) {
    const bool idle = open_total_.load(std::memory_order_relaxed) == 0 && (!http_ || http_->in_flight() == 0);
    if (idle || steady_ns() >= deadline) return shutdown_now();
    auto t = std::make_shared<net::steady_timer>(control_, std::chrono::milliseconds(20));
    t->async_wait([this, t, deadline](beast::error_code) { wait_closed(deadline); });
}

inline void replay_run::shutdown_now() {
    control_.stop();
    for (auto& sh : shards_) sh->io.stop();
}

/// Scenario time 0. One process: 20 ms from now, to post the schedule. Across ranks: after every
/// rank has probed the target (a collective step: a barrier), rank 0's instant 300 ms ahead in Unix
/// time, which each rank maps to its own steady clock — one instant on one machine (one clock);
/// ranks on several hosts need their clocks synchronised (docs/replay.md).
inline void replay_run::start_together() {
    steady_origin_ = steady_ns();
    unix_origin_ = detail::unix_ns();
    if (opt_.ranks <= 1 || !opt_.common_start) {
        t0_ = steady_ns() + 20'000'000;
        return;
    }
    const std::int64_t start_unix = opt_.common_start(detail::unix_ns() + 300'000'000);
    steady_origin_ = steady_ns();
    unix_origin_ = detail::unix_ns();
    t0_ = steady_origin_ + (start_unix - unix_origin_);
}

inline replay_result replay_run::run() {
    // Across ranks every rank learns whether all could start, so that none waits for the others
    // in a collective step they never reach.
    std::string failure;
    try {
        prepare();
        rss_before_ = detail::rss_bytes();
        probe();
    } catch (const std::exception& e) {
        failure = e.what();
    }
    if (opt_.ranks > 1 && opt_.all_ranks_ok) {
        using status = replay_options::start_status;
        const status s = opt_.all_ranks_ok(failure.empty());
        // Rank 0 speaks for a failure all ranks share (a refused target); a rank that fails alone
        // says why itself.
        if (s == status::rank0_failed && opt_.rank != 0) failure = std::string(another_rank_failed);
        else if (s == status::other_failed && failure.empty()) failure = std::string(another_rank_failed);
    }
    if (!failure.empty()) throw start_error(failure);
    if (scraper_) scraper_->start();  // the baseline, before the load
    start_together();
    // The series from here (an error while probing has no place in them), in the simulation's windows.
    series_window_ = models::series_window(sc_.length + sc_.drain, sc_.sample_interval);
    rec_.start_series(series_window_, models::run_mode::live);
    errors_w_ = windowed_counter(series_window_);
    lag_w_ = windowed_histogram(series_window_);
    auto& io0 = control_;
    guards_.push_back(net::make_work_guard(control_));
    for (auto& sh : shards_) guards_.push_back(net::make_work_guard(sh->io));
    if (!wsp_)
        http_ = std::make_unique<http_publisher>(io0, settings_, opt_.publish_connections, opt_.request_timeout, opt_.max_backlog,
                                                 [this](const publish_request& r, publish_outcome o, std::int64_t done, const std::string& d) {
                                                     on_published(r, o, done, d);
                                                 });
    last_contact_ns_ = t0_;
    last_tick_ns_ = last_line_ns_ = steady_ns();
    schedule_users();
    schedule_phases();
    schedule_faults();
    tick_timer_ = std::make_unique<net::steady_timer>(io0, std::chrono::milliseconds(250));
    tick_timer_->async_wait([this](beast::error_code ec) {
        if (!ec) tick();
    });
    const auto end_at = t0_ + scaled(sc_.length + sc_.drain) +
                        std::chrono::duration_cast<std::chrono::nanoseconds>(opt_.grace).count();
    auto end_timer = std::make_unique<net::steady_timer>(io0, steady::time_point(std::chrono::nanoseconds(end_at)));
    end_timer->async_wait([this](beast::error_code ec) {
        if (!ec) finish(true, "");
    });
    std::vector<std::thread> threads;
    for (auto& sh : shards_) threads.emplace_back([s = sh.get(), b = opt_.batch_interval] { s->run_loop(b); });
    // This thread is the control thread from here on (created threads keep the default slice).
    detail::request_short_slice(opt_.control_slice);
    if (opt_.realtime && !detail::request_realtime())
        warnings_.push_back("--realtime: the system refused SCHED_FIFO (it needs CAP_SYS_NICE or an RLIMIT_RTPRIO); "
                            "the control thread ran in the normal class");
    io0.run();
    for (auto& sh : shards_) sh->io.stop();
    for (auto& t : threads) t.join();
    end_timer.reset();
    if (scraper_) scraper_->finish();  // the last scrape, after the users left
    return collect(end_ns_ - t0_);
}

} // namespace surge::replay
