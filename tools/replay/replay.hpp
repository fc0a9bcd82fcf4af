// tools/replay/replay.hpp — runs a scenario for real: its users open WebSockets to the target,
// its load phases publish notifications at their (time-scaled) rates, its disconnect storms close
// real sockets, and every delivery is timed from the notification's *intended* send time.
//
// Threads: `threads` shards, each an io_context on its own thread owning a share of the users
// (user i lives on shard i % threads), and a control io_context on the calling thread for the load
// generator, the publisher and the bookkeeping. Counters read across threads (progress line, give-up watch) are relaxed atomics;
// histograms are per shard and merged after the threads have joined.
//
// Time: scenario time tau runs at wall time t0 + tau / time_scale, so rates are multiplied by the
// time scale and every scenario duration (ramps, sessions, backoff, faults) divided by it.
// Latencies are wall-clock latencies; rates in the report are per scenario second (wall rate / K)
// so that they sit beside a simulation of the same scenario.
#pragma once

#include "connection.hpp"
#include "http_publisher.hpp"
#include "protocol.hpp"
#include "replay_result.hpp"
#include "target.hpp"

#include <models/load_schedule.hpp>
#include <models/params.hpp>
#include <models/recipients.hpp>
#include <models/recorder.hpp>
#include <sim/run.hpp>

#include <surge/random.hpp>
#include <surge/stats.hpp>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <ostream>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

#if defined(__linux__)
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#endif

namespace surge::replay {

namespace detail {

inline std::int64_t peak_rss_bytes() {
    std::ifstream f("/proc/self/status");
    std::string line;
    while (std::getline(f, line))
        if (line.rfind("VmHWM:", 0) == 0) return std::stoll(line.substr(6)) * 1024;
    return 0;
}

inline std::int64_t rss_bytes() {
    std::ifstream f("/proc/self/statm");
    long long pages_total = 0, pages_resident = 0;
    f >> pages_total >> pages_resident;
    return static_cast<std::int64_t>(pages_resident) * sysconf(_SC_PAGESIZE);
}

inline std::int64_t unix_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

/// Asks the scheduler for a short time slice for the calling thread (Linux >= 6.12, EEVDF: a
/// SCHED_OTHER thread may set its slice with sched_setattr's sched_runtime, no privilege needed).
/// A thread with a short slice has an early virtual deadline, so when it wakes it preempts a
/// busy thread of the same nice level instead of waiting for that thread's slice (~1.5-3 ms) to
/// end. For the control thread, which sleeps between arrivals and works briefly. Best effort:
/// older kernels ignore the field or refuse, and nothing changes. Returns whether it was set.
inline bool request_short_slice(std::chrono::microseconds slice) {
#if defined(__linux__) && defined(SYS_sched_setattr)
    if (slice.count() <= 0) return false;
    struct {  // the kernel's struct sched_attr, first version (48 bytes); glibc has no wrapper
        std::uint32_t size, sched_policy;
        std::uint64_t sched_flags;
        std::int32_t sched_nice;
        std::uint32_t sched_priority;
        std::uint64_t sched_runtime, sched_deadline, sched_period;
    } a{};
    static_assert(sizeof a == 48);
    a.size = sizeof a;
    a.sched_policy = SCHED_OTHER;
    a.sched_nice = getpriority(PRIO_PROCESS, 0);
    a.sched_runtime = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(slice).count());
    return syscall(SYS_sched_setattr, 0, &a, 0) == 0;
#else
    (void)slice;
    return false;
#endif
}

/// Puts the calling thread in the real-time class (SCHED_FIFO, lowest priority), which any
/// SCHED_OTHER thread yields to at once. Needs CAP_SYS_NICE or an RLIMIT_RTPRIO; false if refused.
inline bool request_realtime() {
#if defined(__linux__)
    sched_param p{};
    p.sched_priority = 1;
    return sched_setscheduler(0, SCHED_FIFO, &p) == 0;
#else
    return false;
#endif
}

template <class T>
void atomic_max(std::atomic<T>& a, T v) {
    T cur = a.load(std::memory_order_relaxed);
    while (v > cur && !a.compare_exchange_weak(cur, v, std::memory_order_relaxed)) {}
}

} // namespace detail

class replay_run;

/// Counters of one shard. Atomics: read by the control thread's progress line and watch.
struct alignas(64) shard_stats {
    std::atomic<std::uint64_t> connect_attempts{0}, connect_ok{0}, connect_failed{0}, drops{0};
    std::atomic<std::int64_t> open{0};
    std::atomic<std::uint64_t> received{0}, received_live{0}, received_offline{0};
    std::atomic<std::uint64_t> protocol_errors{0}, transport_errors{0}, no_time{0}, frames{0};
    std::atomic<std::int64_t> last_delivery_ns{0};
    // client -> server messages (users.messages)
    std::atomic<std::uint64_t> messages_sent{0}, messages_replied{0}, random_drops{0};
    std::atomic<std::int64_t> first_message_ns{-1}, last_reply_ns{-1};
    // only the shard's thread touches these
    histogram delivery_latency, offline_latency, connect_time, uncorrected, message_latency;
};

class shard;

/// One scenario user: connects, stays for a session, goes offline, reconnects with backoff.
class user_client final : public session_events {
public:
    user_client(shard& s, std::uint32_t index);
    void begin_at(std::int64_t at_ns);
    void drop(bool graceful);   // a disconnect storm
    void stop();                // end of run

    void on_up(std::int64_t connect_ns) override;
    void on_inbound(const inbound& m) override;
    void on_protocol_error(const std::string& detail) override;
    void on_down(close_reason why, const std::string& detail) override;

private:
    void connect();
    void wait_then_connect(std::int64_t delay_ns);
    void schedule_message();
    void send_message();
    void schedule_random_drop();
    void end_session_timers();
    [[nodiscard]] std::string name() const;

    enum class after_close : std::uint8_t { reconnect, offline, none };
    shard& sh_;
    std::uint32_t index_;
    std::uint32_t attempt_ = 0;        // failed attempts in a row
    bool up_ = false;
    bool stopping_ = false;
    after_close next_ = after_close::reconnect;
    std::int64_t up_since_ns_ = 0;
    std::uint32_t session_ = 0;        // sessions so far: timers of an old session do nothing
    net::steady_timer timer_;
    std::shared_ptr<connection> conn_;
    // Only when the scenario has client messages or random drops (memory per connection).
    std::unique_ptr<net::steady_timer> msg_timer_, drop_timer_;
    double next_msg_ns_ = 0;           // steady ns of the next message's intended time
    std::int64_t next_ref_ = 1;
    std::vector<std::pair<std::int64_t, std::int64_t>> pending_msgs_;  // ref, intended steady ns
};

class shard {
public:
    shard(replay_run& run, unsigned index);
    /// The shard's thread: runs `io` until it is stopped or out of work (see batch_interval).
    void run_loop(std::chrono::microseconds batch);
    replay_run& run;
    unsigned index;
    net::io_context io{1};
    shard_stats stats;
    surge::rng rng;
    std::vector<std::unique_ptr<user_client>> users;
};

/// The run: owns shards, generator, publishers; produces the result.
class replay_run {
public:
    replay_run(const models::scenario& sc, replay_options opt) : sc_(sc), opt_(std::move(opt)) {}

    /// Throws start_error when the run cannot start.
    replay_result run();

    // --- for user_client ---
    [[nodiscard]] const connection_settings& settings() const { return settings_; }
    [[nodiscard]] const replay_options& options() const { return opt_; }
    [[nodiscard]] const models::scenario& scenario() const { return sc_; }
    [[nodiscard]] std::int64_t scaled(duration d) const {
        return static_cast<std::int64_t>(static_cast<double>(d.count()) / opt_.time_scale);
    }
    [[nodiscard]] bool ending() const { return ending_.load(std::memory_order_relaxed); }
    void set_online(std::uint32_t user, bool on) { online_[user].store(on ? 1 : 0, std::memory_order_relaxed); }
    void note_open(std::int64_t delta) {
        const auto now = open_total_.fetch_add(delta, std::memory_order_relaxed) + delta;
        detail::atomic_max(peak_open_, now);
    }
    /// Unix milliseconds of a steady-clock instant.
    [[nodiscard]] double unix_ms_of(std::int64_t steady) const {
        return static_cast<double>(unix_origin_ + (steady - steady_origin_)) / 1e6;
    }
    /// Steady-clock intended time of a notification from its sent_at (unix ms).
    [[nodiscard]] std::int64_t intended_from_unix_ms(double ms) const {
        return steady_origin_ + static_cast<std::int64_t>(ms * 1e6) - unix_origin_;
    }
    void note_error(const std::string& e) {
        std::lock_guard lock(errors_mutex_);
        last_error_ = e;
        if (errors_.size() >= 10) return;
        for (const auto& x : errors_)
            if (x == e) return;
        errors_.push_back(e);
    }

private:
    class ws_publisher;

    void prepare();
    void probe();
    void schedule_users();
    void schedule_phases();
    void schedule_faults();
    void arm_phase(std::size_t phase);
    bool advance_phase(std::size_t phase);
    void generate(std::size_t phase);
    void emit(std::size_t phase, std::int64_t intended_ns, std::int32_t closed_client = -1);
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
    struct phase_state {
        std::int64_t begin_ns = 0, end_ns = 0;   // scenario time
        double next_tau_ns = 0;                  // scenario time of the next arrival
        std::int64_t lead_ns = 0;                // how early the timer was set (arm_phase)
        std::unique_ptr<net::steady_timer> timer;
        surge::rng rng{1};
    };
    std::vector<phase_state> phases_;
    /// A closed phase's client: sends a request, waits for its answer, thinks, sends the next.
    struct closed_client {
        std::size_t phase = 0;
        std::int64_t sent = 0;
        std::unique_ptr<net::steady_timer> timer;
        surge::rng rng{3};
    };
    std::vector<closed_client> closed_;
    std::vector<std::unique_ptr<net::steady_timer>> timers_;
    std::unique_ptr<http_publisher> http_;
    std::unique_ptr<ws_publisher> wsp_;
    surge::rng pick_{2};
    std::int64_t next_id_ = 1;
    models::recorder rec_;                 // publishing side, filled on the control thread
    histogram lag_;
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

// ------------------------------------------------------------------------------------------------
// The WebSocket publisher: a dedicated connection that publishes with acknowledgements.

class replay_run::ws_publisher final : public session_events {
public:
    explicit ws_publisher(replay_run& r) : run_(r) {}
    void start(net::io_context& io) {
        io_ = &io;
        conn_ = make_connection(io, run_.settings_, this);
        conn_->start(run_.opt_.user_prefix + "publisher");
    }
    void publish(publish_request r) {
        if (!up_) {
            run_.on_published(r, publish_outcome::failed, steady_ns(), "publisher connection is not open");
            return;
        }
        const auto ack = next_ack_++;
        conn_->send(publish_frame(run_.settings_.protocol, nlohmann::json::parse(r.body), ack));
        pending_.emplace(ack, std::move(r));
    }
    /// Fails what waited longer than the request timeout.
    void sweep(std::int64_t now) {
        const auto limit = std::chrono::duration_cast<std::chrono::nanoseconds>(run_.opt_.request_timeout).count();
        for (auto it = pending_.begin(); it != pending_.end();) {
            if (now - it->second.intended_ns > limit) {
                run_.on_published(it->second, publish_outcome::timed_out, now, "publish acknowledgement timed out");
                it = pending_.erase(it);
            } else {
                ++it;
            }
        }
    }
    void stop() {
        stopping_ = true;
        for (auto& [id, r] : pending_) run_.on_published(r, publish_outcome::failed, steady_ns(), "run ended before the acknowledgement");
        pending_.clear();
        if (conn_) conn_->close(true);
    }
    [[nodiscard]] bool up() const { return up_; }
    bool done = false;          // the first attempt finished (up or failed)
    std::string failure;

    void on_up(std::int64_t) override { up_ = true; done = true; }
    void on_inbound(const inbound& m) override {
        if (m.what != inbound::kind::publish_ack) return;
        auto it = pending_.find(m.ack_id);
        if (it == pending_.end()) return;
        run_.on_published(it->second, publish_outcome::accepted, steady_ns(), "");
        pending_.erase(it);
    }
    void on_protocol_error(const std::string& d) override { run_.note_error("publisher: " + d); }
    void on_down(close_reason why, const std::string& detail) override {
        up_ = false;
        done = true;
        failure = std::string(to_string(why)) + (detail.empty() ? "" : ": " + detail);
        conn_.reset();
        for (auto& [id, r] : pending_) run_.on_published(r, publish_outcome::failed, steady_ns(), "publisher connection lost");
        pending_.clear();
        if (stopping_ || !io_) return;
        // Reconnect after a second: publishing resumes when the server is back.
        auto t = std::make_shared<net::steady_timer>(*io_, std::chrono::seconds(1));
        t->async_wait([this, t](beast::error_code ec) {
            if (ec || stopping_ || conn_) return;
            conn_ = make_connection(*io_, run_.settings_, this);
            conn_->start(run_.opt_.user_prefix + "publisher");
        });
    }

private:
    replay_run& run_;
    net::io_context* io_ = nullptr;
    std::shared_ptr<connection> conn_;
    std::map<std::int64_t, publish_request> pending_;
    std::int64_t next_ack_ = 1;
    bool up_ = false;
    bool stopping_ = false;
};

// ------------------------------------------------------------------------------------------------
// user_client

inline shard::shard(replay_run& r, unsigned i)
    : run(r), index(i), rng(surge::make_stream(r.options().seed.value_or(r.scenario().seed), "replay.shard." + std::to_string(i))) {}

inline void shard::run_loop(std::chrono::microseconds batch) {
    if (batch.count() <= 0) {
        io.run();
        return;
    }
    // Non-blocking passes with a short sleep between them while there is traffic; a blocking wait
    // once it has been quiet for ~5 ms (idle connections cost no wake-ups).
    const auto quiet_passes = std::max<std::int64_t>(1, 5'000 / batch.count());
    std::int64_t idle = 0;
    for (;;) {
        const auto n = io.poll();
        if (io.stopped()) return;
        if (n > 0) {
            idle = 0;
        } else if (++idle >= quiet_passes) {
            idle = 0;
            io.run_one();
            if (io.stopped()) return;
            continue;
        }
        std::this_thread::sleep_for(batch);
    }
}

inline user_client::user_client(shard& s, std::uint32_t index) : sh_(s), index_(index), timer_(s.io) {}

inline std::string user_client::name() const { return sh_.run.options().user_prefix + std::to_string(index_); }

inline void user_client::begin_at(std::int64_t at_ns) {
    timer_.expires_at(steady::time_point(std::chrono::nanoseconds(at_ns)));
    timer_.async_wait([this](beast::error_code ec) {
        if (!ec && !stopping_) connect();
    });
}

inline void user_client::wait_then_connect(std::int64_t delay_ns) {
    timer_.expires_after(std::chrono::nanoseconds(std::max<std::int64_t>(delay_ns, 0)));
    timer_.async_wait([this](beast::error_code ec) {
        if (!ec && !stopping_) connect();
    });
}

inline void user_client::connect() {
    if (stopping_ || sh_.run.ending()) return;
    sh_.stats.connect_attempts.fetch_add(1, std::memory_order_relaxed);
    next_ = after_close::reconnect;
    conn_ = make_connection(sh_.io, sh_.run.settings(), this);
    conn_->start(name());
}

inline void user_client::on_up(std::int64_t connect_ns) {
    up_ = true;
    attempt_ = 0;
    up_since_ns_ = steady_ns();
    auto& st = sh_.stats;
    st.connect_ok.fetch_add(1, std::memory_order_relaxed);
    st.open.fetch_add(1, std::memory_order_relaxed);
    st.connect_time.record(connect_ns);
    sh_.run.note_open(1);
    sh_.run.set_online(index_, true);
    ++session_;
    const auto& u = sh_.run.scenario().users;
    if (!u.messages.zero()) {
        next_msg_ns_ = static_cast<double>(up_since_ns_);
        schedule_message();
    }
    if (sh_.run.scenario().links.mean_time_between_drops) schedule_random_drop();
    if (u.online) {
        const auto session = sh_.run.scaled(u.online->sample(sh_.rng));
        timer_.expires_after(std::chrono::nanoseconds(session));
        timer_.async_wait([this](beast::error_code ec) {
            if (ec || stopping_ || !conn_ || !up_) return;
            next_ = after_close::offline;
            conn_->close(true);
        });
    }
}

inline void user_client::on_inbound(const inbound& m) {
    if (m.what == inbound::kind::publish_ack) {  // the server's answer to one of our messages
        for (auto it = pending_msgs_.begin(); it != pending_msgs_.end(); ++it) {
            if (it->first != m.ack_id) continue;
            const auto now = steady_ns();
            sh_.stats.messages_replied.fetch_add(1, std::memory_order_relaxed);
            sh_.stats.last_reply_ns.store(now, std::memory_order_relaxed);
            sh_.stats.message_latency.record(std::max<std::int64_t>(0, now - it->second));
            pending_msgs_.erase(it);
            break;
        }
        return;
    }
    if (m.what != inbound::kind::notification) return;
    auto& st = sh_.stats;
    const auto now = steady_ns();
    st.received.fetch_add(1, std::memory_order_relaxed);
    st.last_delivery_ns.store(now, std::memory_order_relaxed);
    if (!m.sent_at_ms) {
        st.no_time.fetch_add(1, std::memory_order_relaxed);
        st.received_live.fetch_add(1, std::memory_order_relaxed);
        return;
    }
    const auto intended = sh_.run.intended_from_unix_ms(*m.sent_at_ms);
    const auto latency = std::max<std::int64_t>(0, now - intended);
    if (m.issued_at_ms) st.uncorrected.record(std::max<std::int64_t>(0, now - sh_.run.intended_from_unix_ms(*m.issued_at_ms)));
    if (intended < up_since_ns_) {
        st.received_offline.fetch_add(1, std::memory_order_relaxed);
        st.offline_latency.record(latency);
    } else {
        st.received_live.fetch_add(1, std::memory_order_relaxed);
        st.delivery_latency.record(latency);
    }
}

inline void user_client::on_protocol_error(const std::string& detail) {
    sh_.stats.protocol_errors.fetch_add(1, std::memory_order_relaxed);
    sh_.run.note_error("protocol error: " + detail);
}

inline void user_client::on_down(close_reason why, const std::string& detail) {
    auto& st = sh_.stats;
    conn_.reset();
    end_session_timers();
    const bool was_up = up_;
    if (up_) {
        up_ = false;
        st.open.fetch_sub(1, std::memory_order_relaxed);
        sh_.run.note_open(-1);
        sh_.run.set_online(index_, false);
        if (why != close_reason::by_client) st.drops.fetch_add(1, std::memory_order_relaxed);
        if (why == close_reason::timeout || why == close_reason::error) {
            st.transport_errors.fetch_add(1, std::memory_order_relaxed);
            sh_.run.note_error(std::string(to_string(why)) + (detail.empty() ? "" : ": " + detail));
        }
    } else if (why != close_reason::by_client) {
        st.connect_failed.fetch_add(1, std::memory_order_relaxed);
        sh_.run.note_error(std::string(to_string(why)) + (detail.empty() ? "" : ": " + detail));
    }
    if (stopping_ || sh_.run.ending()) return;
    timer_.cancel();
    const auto& u = sh_.run.scenario().users;
    if (was_up && next_ == after_close::offline) {
        wait_then_connect(sh_.run.scaled(u.offline.sample(sh_.rng)));
        return;
    }
    // A drop or a failed attempt: reconnect with backoff (the Socket.IO client's behaviour).
    ++attempt_;
    const auto& b = u.reconnect;
    double wait = static_cast<double>(b.base.count()) * surge::fp_pow(b.multiplier, static_cast<double>(attempt_ - 1));
    wait = std::min(wait, static_cast<double>(b.max.count()));
    switch (b.jitter) {
    case models::backoff_params::jitter_kind::none: break;
    case models::backoff_params::jitter_kind::full: wait *= sh_.rng.uniform01(); break;
    case models::backoff_params::jitter_kind::equal: wait = wait / 2 + wait / 2 * sh_.rng.uniform01(); break;
    }
    wait_then_connect(sh_.run.scaled(duration::nanoseconds(static_cast<std::int64_t>(wait))));
}

inline void user_client::drop(bool graceful) {
    if (!conn_ || !up_ || stopping_) return;
    sh_.stats.drops.fetch_add(1, std::memory_order_relaxed);
    next_ = after_close::reconnect;
    conn_->close(graceful);
}

inline void user_client::stop() {
    stopping_ = true;
    timer_.cancel();
    end_session_timers();
    if (conn_) conn_->close(true);
}

inline void user_client::end_session_timers() {
    if (msg_timer_) msg_timer_->cancel();
    if (drop_timer_) drop_timer_->cancel();
    pending_msgs_.clear();  // answers to a closed connection will not come
}

/// users.messages: while online, Poisson arrivals at the (scaled) rate, each one message; an
/// arrival that is overdue when the timer fires is sent at once with its intended time (no
/// coordinated omission), and its reply's latency counts from that time.
inline void user_client::schedule_message() {
    const auto& u = sh_.run.scenario().users;
    const double rate = u.messages.per_second * sh_.run.options().time_scale;
    if (!(rate > 0)) return;
    next_msg_ns_ += surge::standard_exponential(sh_.rng) / rate * 1e9;
    if (!msg_timer_) msg_timer_ = std::make_unique<net::steady_timer>(sh_.io);
    msg_timer_->expires_at(steady::time_point(std::chrono::nanoseconds(static_cast<std::int64_t>(next_msg_ns_))));
    msg_timer_->async_wait([this, s = session_](beast::error_code ec) {
        if (ec || stopping_ || !up_ || s != session_ || sh_.run.ending()) return;
        send_message();
        schedule_message();
    });
}

inline void user_client::send_message() {
    const auto intended = static_cast<std::int64_t>(next_msg_ns_);
    const auto ref = next_ref_++;
    const auto bytes = static_cast<std::size_t>(std::max<std::int64_t>(sh_.run.scenario().users.message_size.sample(sh_.rng), 0));
    conn_->send(client_message_frame(sh_.run.settings().protocol, ref, sh_.run.unix_ms_of(intended), bytes));
    // A reply that never comes (a server without acknowledgements) must not grow the list.
    if (pending_msgs_.size() >= 64) pending_msgs_.erase(pending_msgs_.begin());
    pending_msgs_.emplace_back(ref, intended);
    auto& st = sh_.stats;
    st.messages_sent.fetch_add(1, std::memory_order_relaxed);
    std::int64_t none = -1;
    st.first_message_ns.compare_exchange_strong(none, intended, std::memory_order_relaxed);
}

/// links.mean_time_between_drops: the network drops this user's link after an exponential time
/// (mean scaled) in each session, as the simulation's links do: the TCP socket is closed without
/// a close handshake and the client reconnects with backoff.
inline void user_client::schedule_random_drop() {
    const auto& mtbd = sh_.run.scenario().links.mean_time_between_drops;
    const double mean_ns = static_cast<double>(sh_.run.scaled(*mtbd));
    if (!(mean_ns > 0)) return;
    if (!drop_timer_) drop_timer_ = std::make_unique<net::steady_timer>(sh_.io);
    drop_timer_->expires_after(std::chrono::nanoseconds(static_cast<std::int64_t>(surge::standard_exponential(sh_.rng) * mean_ns)));
    drop_timer_->async_wait([this, s = session_](beast::error_code ec) {
        if (ec || stopping_ || !up_ || s != session_ || sh_.run.ending()) return;
        sh_.stats.random_drops.fetch_add(1, std::memory_order_relaxed);
        drop(false);
    });
}

// ------------------------------------------------------------------------------------------------
// replay_run

inline void replay_run::prepare() {
    if (!(opt_.time_scale > 0)) throw start_error("--time-scale must be > 0");
    if (opt_.threads == 0) opt_.threads = 1;
    target_url url;
    try {
        url = parse_target_url(opt_.target);
    } catch (const target_error& e) {
        throw start_error(e.what());
    }
    settings_.target = url;
    settings_.protocol = opt_.protocol;
    settings_.headers = opt_.headers;
    settings_.connect_timeout = opt_.connect_timeout;
    settings_.idle_timeout = opt_.idle_timeout;
    net::io_context resolve_io;
    tcp::resolver resolver(resolve_io);
    beast::error_code ec;
    settings_.endpoints = resolver.resolve(url.host, std::to_string(url.port), ec);
    if (ec || settings_.endpoints.empty())
        throw start_error("cannot resolve target host \"" + url.host + "\": " + ec.message());
    bool remote = false;
    for (const auto& e : settings_.endpoints)
        if (!is_loopback(e.endpoint().address())) remote = true;
    if (remote && !opt_.allow_remote)
        throw start_error("target " + url.host_header() + " is not on this machine (loopback); a live replay sends real load: "
                          "pass --yes if you mean it");
    if (url.tls) {
        tls_ = std::make_unique<ssl::context>(ssl::context::tls_client);
        if (opt_.insecure) {
            tls_->set_verify_mode(ssl::verify_none);
        } else {
            tls_->set_default_verify_paths();
            if (!opt_.ca_file.empty()) {
                beast::error_code ec2;
                tls_->load_verify_file(opt_.ca_file, ec2);
                if (ec2) throw start_error("--ca-file " + opt_.ca_file + ": cannot load CA certificates: " + ec2.message());
            }
            tls_->set_verify_mode(ssl::verify_peer);
        }
        settings_.tls = tls_.get();
    }
    const auto n = sc_.users.count;
    online_ = std::make_unique<std::atomic<std::uint8_t>[]>(static_cast<std::size_t>(std::max<std::int64_t>(n, 1)));
    for (unsigned i = 0; i < opt_.threads; ++i) shards_.push_back(std::make_unique<shard>(*this, i));
    for (std::int64_t u = 0; u < n; ++u) {
        auto& sh = *shards_[static_cast<std::size_t>(u) % shards_.size()];
        sh.users.push_back(std::make_unique<user_client>(sh, static_cast<std::uint32_t>(u)));
    }
    const auto seed = opt_.seed.value_or(sc_.seed);
    pick_ = surge::make_stream(seed, "replay.targets");
    // What a client cannot do to a server.
    for (const auto& f : sc_.faults) {
        if (f.type == models::fault::kind::disconnect_storm) continue;
        const char* k = f.type == models::fault::kind::db_slowdown ? "db_slowdown"
                        : f.type == models::fault::kind::db_outage ? "db_outage"
                        : f.type == models::fault::kind::latency_spike ? "latency_spike" : "worker_loss";
        warnings_.push_back(std::string("fault ") + k + " acts inside the server: not applied in a live replay");
    }
}

/// What to do about a certificate the client does not trust.
inline std::string tls_hint(const std::string& failure) {
    if (failure.find("certificate verify failed") == std::string::npos) return {};
    return " (the server's certificate is not trusted: pass its CA with --ca-file FILE, or --insecure to skip verification)";
}

/// One connection before anything else: a refused or misconfigured target fails here, clearly.
inline void replay_run::probe() {
    auto& io = control_;
    struct probe_events final : session_events {
        bool done = false, ok = false;
        std::string failure;
        std::shared_ptr<connection> conn;
        void on_up(std::int64_t) override { done = ok = true; conn->close(true); }
        void on_inbound(const inbound&) override {}
        void on_protocol_error(const std::string&) override {}
        void on_down(close_reason why, const std::string& detail) override {
            if (!done) failure = std::string(to_string(why)) + (detail.empty() ? "" : ": " + detail);
            done = true;
        }
    };
    if (opt_.protocol.via == publish_via::websocket) {
        wsp_ = std::make_unique<ws_publisher>(*this);
        wsp_->start(io);
        const auto deadline = steady::now() + opt_.connect_timeout + std::chrono::seconds(1);
        while (!wsp_->done && steady::now() < deadline) io.run_one_for(std::chrono::milliseconds(50));
        if (!wsp_->up())
            throw start_error("cannot connect to " + redact(opt_.target, opt_.headers) + ": " +
                              (wsp_->failure.empty() ? "timed out" : wsp_->failure) + tls_hint(wsp_->failure));
        return;
    }
    probe_events p;
    p.conn = make_connection(io, settings_, &p);
    p.conn->start(opt_.user_prefix + "probe");
    const auto deadline = steady::now() + opt_.connect_timeout + std::chrono::seconds(1);
    while (!p.done && steady::now() < deadline) io.run_one_for(std::chrono::milliseconds(50));
    if (!p.ok) {
        p.conn->detach();
        p.conn->close(false);
        throw start_error("cannot connect to " + redact(opt_.target, opt_.headers) + ": " +
                          (p.failure.empty() ? "timed out" : p.failure) + tls_hint(p.failure));
    }
    p.conn->detach();  // its close completes in the run; nothing more to hear from it
    p.conn.reset();
}

inline void replay_run::schedule_users() {
    const auto& u = sc_.users;
    auto r = surge::make_stream(opt_.seed.value_or(sc_.seed), "replay.connect");
    std::vector<std::int64_t> at(static_cast<std::size_t>(u.count));
    const auto ramp = scaled(u.connect_ramp);
    for (auto& a : at)
        a = t0_ + scaled(u.connect_start) + (ramp > 0 ? static_cast<std::int64_t>(r.below(static_cast<std::uint64_t>(ramp) + 1)) : 0);
    auto shared_at = std::make_shared<const std::vector<std::int64_t>>(std::move(at));
    for (auto& sh : shards_)
        net::post(sh->io, [s = sh.get(), at = shared_at] {
            for (std::size_t k = 0; k < s->users.size(); ++k) s->users[k]->begin_at((*at)[k * s->run.options().threads + s->index]);
        });
}

inline void replay_run::schedule_phases() {
    const std::int64_t length = sc_.length.count();
    for (std::size_t i = 0; i < sc_.load.size(); ++i) {
        const auto& p = sc_.load[i];
        phase_state ps;
        ps.begin_ns = p.at.count();
        // As the simulation's producer: a phase ends at its own length, else where the next phase
        // in the list starts, else at the end of the scenario.
        std::int64_t end = length;
        if (i + 1 < sc_.load.size()) end = std::min(end, sc_.load[i + 1].at.count());
        if (p.length) end = std::min(length, ps.begin_ns + p.length->count());
        ps.end_ns = end;
        ps.next_tau_ns = static_cast<double>(ps.begin_ns);
        ps.rng = surge::make_stream(opt_.seed.value_or(sc_.seed), "replay.phase." + std::to_string(i));
        ps.timer = std::make_unique<net::steady_timer>(control_);
        phases_.push_back(std::move(ps));
    }
    // Closed phases: `clients` clients start together at the phase's start, as in the simulation.
    for (std::size_t i = 0; i < phases_.size(); ++i) {
        const auto& p = sc_.load[i];
        if (p.type != models::load_phase::kind::closed || phases_[i].end_ns <= phases_[i].begin_ns) continue;
        for (std::int64_t k = 0; k < p.clients; ++k) {
            closed_client c;
            c.phase = i;
            c.timer = std::make_unique<net::steady_timer>(control_);
            c.rng = surge::make_stream(opt_.seed.value_or(sc_.seed), "replay.closed." + std::to_string(i) + "." + std::to_string(k));
            closed_.push_back(std::move(c));
        }
    }
    for (std::size_t c = 0; c < closed_.size(); ++c) {
        auto& cl = closed_[c];
        cl.timer->expires_at(steady::time_point(std::chrono::nanoseconds(t0_ + scaled(duration::nanoseconds(phases_[cl.phase].begin_ns)))));
        cl.timer->async_wait([this, c](beast::error_code ec) {
            if (!ec) closed_next(c);
        });
    }
    for (std::size_t i = 0; i < phases_.size(); ++i) {
        const auto& p = sc_.load[i];
        if (p.type != models::load_phase::kind::open || phases_[i].end_ns <= phases_[i].begin_ns) continue;
        // The first arrival is one gap after the phase starts, as in the simulation; a ramp from
        // 0/s has one too (the gap inverts the integral of the rate, not the rate at one instant).
        if (advance_phase(i)) arm_phase(i);
    }
}

/// The phase's timer for its next arrival. It fires up to spin_lead early (never more than a
/// twentieth of the wait, so the spinning costs at most ~5 % of the control thread at high
/// rates), and generate() spins the rest: the wake-up latency of a busy machine (a sleeping
/// thread waits for a core) is paid before the intended time instead of after it.
inline void replay_run::arm_phase(std::size_t i) {
    auto& ps = phases_[i];
    const auto intended = t0_ + static_cast<std::int64_t>(ps.next_tau_ns / opt_.time_scale);
    const auto wait = intended - steady_ns();
    const auto lead_max = std::chrono::duration_cast<std::chrono::nanoseconds>(opt_.spin_lead).count();
    ps.lead_ns = std::clamp<std::int64_t>(wait / 20, 0, lead_max);
    ps.timer->expires_at(steady::time_point(std::chrono::nanoseconds(intended - ps.lead_ns)));
    ps.timer->async_wait([this, i](beast::error_code ec) {
        if (!ec) generate(i);
    });
}

inline void replay_run::generate(std::size_t i) {
    if (finished_) return;
    auto& ps = phases_[i];
    auto now = steady_ns();
    if (ps.next_tau_ns < static_cast<double>(ps.end_ns)) {
        const auto intended = t0_ + static_cast<std::int64_t>(ps.next_tau_ns / opt_.time_scale);
        if (intended > now && intended - now <= ps.lead_ns)
            while ((now = steady_ns()) < intended) {}  // woken early on purpose (arm_phase)
    }
    bool first = true;
    for (;;) {
        if (ps.next_tau_ns >= static_cast<double>(ps.end_ns)) return;
        const auto intended = t0_ + static_cast<std::int64_t>(ps.next_tau_ns / opt_.time_scale);
        if (intended > now) break;
        if (first) {
            lag_.record(now - intended);
            first = false;
        }
        emit(i, intended);
        if (!advance_phase(i)) return;
    }
    arm_phase(i);
}

/// Moves phase i's next arrival one gap on, by the simulation's exact inversion of the (linearly
/// ramping) rate. False when no arrival fits before the phase ends.
inline bool replay_run::advance_phase(std::size_t i) {
    auto& ps = phases_[i];
    const auto& p = sc_.load[i];
    const double work = p.spacing == models::load_phase::arrivals::poisson ? surge::standard_exponential(ps.rng) : 1.0;
    const auto now = time_point::from_ns(static_cast<std::int64_t>(ps.next_tau_ns));
    const auto stop = time_point::from_ns(ps.end_ns);
    const auto gap = models::next_arrival_gap(p, now, stop, work);
    if (!gap || now + *gap >= stop) {
        ps.next_tau_ns = static_cast<double>(ps.end_ns);
        return false;
    }
    ps.next_tau_ns = static_cast<double>((now + *gap).count());
    return true;
}

/// A closed client's next request, unless its phase is over or it has sent its share. A closed
/// client's request is due when the client decides to send it: its intended time is now.
inline void replay_run::closed_next(std::size_t c) {
    if (finished_) return;
    auto& cl = closed_[c];
    const auto& p = sc_.load[cl.phase];
    const auto now = steady_ns();
    if (scenario_ns(now) >= phases_[cl.phase].end_ns) return;
    if (p.requests_per_client > 0 && cl.sent >= p.requests_per_client) return;
    ++cl.sent;
    emit(cl.phase, now, static_cast<std::int32_t>(c));
}

/// The answer came (or the request failed): think, then the next request. After a failure the
/// client waits at least 50 ms, so that a target that refuses at once is not hammered in a loop.
inline void replay_run::closed_done(std::size_t c, bool ok) {
    if (finished_) return;
    auto& cl = closed_[c];
    std::int64_t think = scaled(sc_.load[cl.phase].think.sample(cl.rng));
    if (!ok) think = std::max<std::int64_t>(think, 50'000'000);
    if (think <= 0) return closed_next(c);
    cl.timer->expires_after(std::chrono::nanoseconds(think));
    cl.timer->async_wait([this, c](beast::error_code ec) {
        if (!ec) closed_next(c);
    });
}

inline void replay_run::emit(std::size_t i, std::int64_t intended_ns, std::int32_t closed_client) {
    const auto& p = sc_.load[i];
    static constexpr const char* priority_names[] = {"low", "normal", "high", "critical"};
    const auto users = static_cast<std::uint64_t>(std::max<std::int64_t>(sc_.users.count, 1));
    const double sent_at_ms = static_cast<double>(unix_origin_ + (intended_ns - steady_origin_)) / 1e6;
    const double issued_ms = static_cast<double>(detail::unix_ns()) / 1e6;
    std::string body;
    std::uint32_t count = 0;
    const bool batch = p.batch > 1 || p.target == models::target_kind::users;
    if (batch) body += '[';
    auto add = [&](std::int64_t id, const char* target, std::optional<std::uint64_t> user, std::int64_t payload_bytes, const char* prio) {
        if (count > 0) body += ',';
        char num[64];
        body += "{\"id\":" + std::to_string(id) + ",\"target\":\"" + target + "\"";
        if (user) body += ",\"user\":\"" + opt_.user_prefix + std::to_string(*user) + "\"";
        body += ",\"priority\":\"";
        body += prio;
        std::snprintf(num, sizeof num, "\",\"sent_at\":%.3f,\"issued_at\":%.3f", sent_at_ms, issued_ms);
        body += num;
        body += ",\"payload\":\"";
        body.append(static_cast<std::size_t>(std::max<std::int64_t>(payload_bytes, 0)), 'x');
        body += "\"}";
        ++count;
    };
    auto priority = [&]() -> const char* {
        double total = 0;
        for (double w : p.priority_weights) total += w;
        if (total <= 0) return "normal";
        double x = pick_.uniform01() * total;
        for (std::size_t k = 0; k < p.priority_weights.size() && k < 4; ++k) {
            if (x < p.priority_weights[k]) return priority_names[k];
            x -= p.priority_weights[k];
        }
        return "normal";
    };
    for (std::int64_t b = 0; b < std::max<std::int64_t>(p.batch, 1); ++b) {
        const auto id = next_id_++;
        const auto size = p.payload.sample(pick_);
        const char* prio = priority();
        switch (p.target) {
        case models::target_kind::user: {
            const auto u = pick_.below(users);
            add(id, "user", u, size, prio);
            if (online_[u].load(std::memory_order_relaxed)) ++rec_.attempted;
            else ++rec_.offline_enqueued;
            break;
        }
        case models::target_kind::users: {
            // Distinct random users, as the simulation's fan-out chooses them.
            rng targets(pick_());
            std::vector<std::uint32_t> chosen;
            models::choose_recipients(p.target, static_cast<std::uint32_t>(std::max<std::int64_t>(p.recipients, 1)),
                                      static_cast<std::uint32_t>(users), targets, chosen);
            for (const std::uint32_t u : chosen) {
                add(id, "user", u, size, prio);
                if (online_[u].load(std::memory_order_relaxed)) ++rec_.attempted;
                else ++rec_.offline_enqueued;
            }
            break;
        }
        case models::target_kind::broadcast: {
            add(id, "broadcast", std::nullopt, size, prio);
            const auto open = open_total_.load(std::memory_order_relaxed);
            rec_.attempted += static_cast<std::uint64_t>(std::max<std::int64_t>(open, 0));
            ++rec_.broadcasts;
            rec_.broadcast_recipients.add(static_cast<double>(std::max<std::int64_t>(open, 0)));
            break;
        }
        }
    }
    if (batch) body += ']';
    rec_.published += static_cast<std::uint64_t>(std::max<std::int64_t>(p.batch, 1));
    published_total_.fetch_add(static_cast<std::uint64_t>(std::max<std::int64_t>(p.batch, 1)), std::memory_order_relaxed);
    ++rec_.operations;
    ++publish_requests_;
    if (first_publish_ns_ < 0) first_publish_ns_ = intended_ns;
    publish_request r{std::move(body), intended_ns, static_cast<std::uint32_t>(std::max<std::int64_t>(p.batch, 1)), closed_client};
    if (wsp_) wsp_->publish(std::move(r));
    else http_->submit(std::move(r));
}

inline void replay_run::on_published(const publish_request& r, publish_outcome o, std::int64_t done_ns, const std::string& detail) {
    // A closed client goes on after the answer; posted, since a publisher may answer from inside
    // submit() (a full backlog, a publisher connection that is down).
    if (r.closed_client >= 0)
        net::post(control_, [this, c = static_cast<std::size_t>(r.closed_client), ok = o == publish_outcome::accepted] {
            closed_done(c, ok);
        });
    switch (o) {
    case publish_outcome::accepted:
        rec_.accepted += r.notifications;
        rec_.persisted += r.notifications;
        ++rec_.operations_ok;
        rec_.operation_latency.record(std::max<std::int64_t>(0, done_ns - r.intended_ns));
        if (r.notifications > 0)
            rec_.per_notification.add(static_cast<double>(done_ns - r.intended_ns) * 1e-9 / r.notifications);
        accepted_total_.fetch_add(r.notifications, std::memory_order_relaxed);
        last_accept_ns_ = done_ns;
        last_contact_ns_ = done_ns;
        failures_since_contact_ = 0;
        return;
    case publish_outcome::rejected: rec_.rejected += r.notifications; break;
    case publish_outcome::failed: rec_.failed += r.notifications; break;
    case publish_outcome::timed_out: rec_.timed_out += r.notifications; break;
    }
    failed_total_.fetch_add(r.notifications, std::memory_order_relaxed);
    ++failures_since_contact_;
    last_failure_ = detail;
    note_error(detail);
}

inline void replay_run::schedule_faults() {
    for (const auto& f : sc_.faults) {
        if (f.type != models::fault::kind::disconnect_storm) continue;
        auto t = std::make_unique<net::steady_timer>(control_);
        t->expires_at(steady::time_point(std::chrono::nanoseconds(t0_ + scaled(f.at.since_start()))));
        t->async_wait([this, fraction = f.fraction, silent = f.silent](beast::error_code ec) {
            if (ec || finished_) return;
            for (auto& sh : shards_)
                net::post(sh->io, [s = sh.get(), fraction, silent] {
                    for (auto& u : s->users)
                        if (s->rng.uniform01() < fraction) u->drop(!silent);
                });
        });
        timers_.push_back(std::move(t));
    }
}

inline void replay_run::tick() {
    if (finished_) return;
    const auto now = steady_ns();
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
    for (auto& ps : phases_) ps.timer->cancel();
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

inline replay_result replay_run::run() {
    prepare();
    rss_before_ = detail::rss_bytes();
    probe();
    steady_origin_ = steady_ns();
    unix_origin_ = detail::unix_ns();
    t0_ = steady_ns() + 20'000'000;  // 20 ms to post the schedule before time 0
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
    return collect(end_ns_ - t0_);
}

inline replay_result replay_run::collect(std::int64_t wall_ns) {
    replay_result out;
    auto& rec = rec_;
    live_figures& live = out.live;
    std::uint64_t received_live = 0, received_offline = 0;
    std::int64_t last_delivery = -1, first_message = -1, last_reply = -1;
    for (auto& sh : shards_) {
        auto& s = sh->stats;
        rec.messages_sent += s.messages_sent.load();
        rec.messages_handled += s.messages_replied.load();
        rec.message_latency.merge(s.message_latency);
        if (const auto f = s.first_message_ns.load(); f >= 0 && (first_message < 0 || f < first_message)) first_message = f;
        last_reply = std::max(last_reply, s.last_reply_ns.load());
        rec.connect_attempts += s.connect_attempts.load();
        rec.connect_ok += s.connect_ok.load();
        rec.connect_failed += s.connect_failed.load();
        rec.drops += s.drops.load();
        received_live += s.received_live.load();
        received_offline += s.received_offline.load();
        live.protocol_errors += s.protocol_errors.load();
        live.transport_errors += s.transport_errors.load();
        live.received_without_time += s.no_time.load();
        rec.delivery_latency.merge(s.delivery_latency);
        rec.offline_latency.merge(s.offline_latency);
        rec.connect_time.merge(s.connect_time);
        live.uncorrected_latency.merge(s.uncorrected);
        last_delivery = std::max(last_delivery, s.last_delivery_ns.load());
    }
    rec.delivered = received_live;
    rec.offline_delivered = received_offline;
    rec.lost = rec.attempted > received_live ? rec.attempted - received_live : 0;
    rec.connected_peak = peak_open_.load();
    const auto pending = rec.offline_enqueued > received_offline ? rec.offline_enqueued - received_offline : 0;
    // Activity windows in scenario time, so throughputs are per scenario second.
    if (first_publish_ns_ >= 0) {
        rec.publishing.note(time_point::from_ns(scenario_ns(first_publish_ns_)));
        if (last_accept_ns_ >= 0) rec.publishing.note(time_point::from_ns(scenario_ns(last_accept_ns_)));
        rec.delivering.note(time_point::from_ns(scenario_ns(first_publish_ns_)));
        if (last_delivery > 0) rec.delivering.note(time_point::from_ns(scenario_ns(last_delivery)));
    }
    if (first_message >= 0) {
        rec.messaging.note(time_point::from_ns(std::max<std::int64_t>(scenario_ns(first_message), 0)));
        if (last_reply >= 0) rec.messaging.note(time_point::from_ns(std::max<std::int64_t>(scenario_ns(last_reply), 0)));
    }
    const auto end = time_point::from_ns(std::max<std::int64_t>(scenario_ns(t0_ + wall_ns), 0));
    double load_seconds = 0;
    for (const auto& ps : phases_) load_seconds += static_cast<double>(ps.end_ns - ps.begin_ns) * 1e-9;
    const auto all = rec.to_metrics(end, std::max(load_seconds, 1e-9), 1, pending);
    // Only what a client can observe: the server's insides (queues, workers, database, memory) and
    // its drop decisions are not visible from outside.
    static constexpr const char* hidden[] = {"server.", "database.", "memory.", "offline_queue.length", "offline_queue.total",
                                              "offline_queue.dropped", "offline_queue.expired", "delivery.dropped_",
                                              "delivery.expired", "notifications.shed", "notifications.rate_limited"};
    for (const auto& m : all.items()) {
        bool keep = true;
        for (const char* h : hidden)
            if (m.name.rfind(h, 0) == 0) keep = false;
        if (keep) out.run.metrics.set(m.name, m.value, m.unit);
    }
    out.run.scenario = sc_.name;
    out.run.seed = opt_.seed.value_or(sc_.seed);
    out.run.trace_hash = 0;  // the report writes null: a live run has no deterministic trace
    out.run.virtual_seconds = static_cast<double>(std::min(scenario_ns(t0_ + wall_ns), (sc_.length + sc_.drain).count())) * 1e-9;
    if (out.run.virtual_seconds < 0) out.run.virtual_seconds = 0;
    out.run.wall_seconds = static_cast<double>(wall_ns) * 1e-9;
    out.run.events = publish_requests_;
    out.run.peak_rss_bytes = detail::peak_rss_bytes();
    out.run.completed = completed_;
    out.run.error = redact(error_, opt_.headers);
    live.publish_requests = publish_requests_;
    live.scheduling_lag = lag_;
    live.peak_open = peak_open_.load();
    live.rss_before_bytes = rss_before_;
    live.rss_at_peak_bytes = rss_at_peak_;
    live.rss_connections = rss_connections_;
    live.warnings = warnings_;
    live.target = redact(opt_.target, opt_.headers);
    live.protocol = opt_.protocol;
    live.time_scale = opt_.time_scale;
    live.threads = opt_.threads;
    {
        std::lock_guard lock(errors_mutex_);
        for (const auto& e : errors_) live.errors.push_back(redact(e, opt_.headers));
    }
    return out;
}

/// Runs `sc` live against opt.target. Throws start_error if it cannot start.
inline replay_result run_live(const models::scenario& sc, replay_options opt) {
    replay_run r(sc, std::move(opt));
    return r.run();
}

} // namespace surge::replay
