// surge/simulation.hpp — the clock and the loop: schedule callbacks, run them in
// (time, priority, insertion sequence) order, spawn coroutine processes, stop.
//
// The simulation owns the virtual clock, the event queue, the trace and the registry of live
// processes. It is single-threaded by design: determinism comes from one total order of events.
// Including this header also brings in surge/process.hpp (processes, events, any_of/all_of).
#pragma once

#include "surge/event_queue.hpp"
#include "surge/random.hpp"
#include "surge/time.hpp"
#include "surge/trace.hpp"

#include <coroutine>
#include <cstdint>
#include <exception>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace surge {

class simulation;
class process;
class delay_awaiter;

namespace detail {
struct process_state;
class resume_event;
} // namespace detail

/// Thrown out of simulation::run()/step() when an exception escapes a process. what() names the
/// process and the virtual time; nested() holds the original exception.
class process_error : public std::runtime_error, public std::nested_exception {
public:
    process_error(std::string process, time_point at, const std::string& cause)
        : std::runtime_error("process '" + process + "' failed at t=" + to_string(at) + ": " + cause),
          process_(std::move(process)), at_(at) {}
    [[nodiscard]] const std::string& process_name() const noexcept { return process_; }
    [[nodiscard]] time_point when() const noexcept { return at_; }

private:
    std::string process_;
    time_point at_;
};

class simulation {
public:
    explicit simulation(std::uint64_t seed = 0) : seed_(seed) {}
    simulation(const simulation&) = delete;
    simulation& operator=(const simulation&) = delete;
    ~simulation() {
        end_processes();
        queue_.clear();
    }

    [[nodiscard]] time_point now() const noexcept { return now_; }
    [[nodiscard]] std::uint64_t seed() const noexcept { return seed_; }

    /// The random stream of the entity called `name`: a pure function of (seed, name), so adding
    /// entities never shifts the draws of others.
    [[nodiscard]] rng stream(std::string_view name) const { return make_stream(seed_, name); }

    /// Runs `fn()` after `delay` (>= 0). Among events at the same instant, lower priority values run
    /// first, then earlier scheduling.
    template <class F>
    event_handle schedule(duration delay, F&& fn, priority prio = priority::normal) {
        if (delay < duration::zero())
            throw std::invalid_argument("simulation::schedule: negative delay " + to_string(delay) +
                                        "; a delay must be >= 0 (use 0 to run at the current instant)");
        return queue_.push(now_ + delay, std::forward<F>(fn), prio);
    }

    /// Runs `fn()` at the absolute time `at` (>= now()).
    template <class F>
    event_handle schedule_at(time_point at, F&& fn, priority prio = priority::normal) {
        if (at < now_)
            throw std::invalid_argument("simulation::schedule_at: time " + to_string(at) + " is in the past (now is " +
                                        to_string(now_) + "); events can only be scheduled at or after now");
        return queue_.push(at, std::forward<F>(fn), prio);
    }

    /// Cancels a scheduled event; false if it already ran or was cancelled.
    bool cancel(event_handle h) noexcept { return queue_.cancel(h); }
    [[nodiscard]] bool is_pending(event_handle h) const noexcept { return queue_.pending(h); }

    /// Runs the next event. Returns false if there was none.
    bool step() {
        if (queue_.empty()) return false;
        run_one();
        return true;
    }

    /// Runs until no event is left or stop() is called.
    void run() {
        stopped_ = false;
        while (!stopped_ && !queue_.empty()) run_one();
    }

    /// Runs every event at or before `until`, then sets the clock to `until` (unless stopped early).
    void run_until(time_point until) {
        if (until < now_)
            throw std::invalid_argument("simulation::run_until: " + to_string(until) + " is before now (" +
                                        to_string(now_) + ")");
        stopped_ = false;
        while (!stopped_ && !queue_.empty() && queue_.next_time() <= until) run_one();
        if (!stopped_) now_ = until;
    }
    void run_for(duration d) { run_until(now_ + d); }

    /// run_until() in bursts: runs at most `max_events` of the events at or before `until`. Returns
    /// true when none is left (the clock is then at `until`, as after run_until), false when it
    /// stopped after `max_events` or on stop(). Lets a caller poll something between bursts without
    /// changing which events run or their order.
    bool run_until(time_point until, std::uint64_t max_events) {
        if (until < now_)
            throw std::invalid_argument("simulation::run_until: " + to_string(until) + " is before now (" +
                                        to_string(now_) + ")");
        stopped_ = false;
        for (std::uint64_t n = 0; !stopped_ && !queue_.empty() && queue_.next_time() <= until; ++n) {
            if (n == max_events) return false;
            run_one();
        }
        if (stopped_) return false;
        now_ = until;
        return true;
    }

    /// Makes run()/run_until() return after the event being executed.
    void stop() noexcept { stopped_ = true; }
    [[nodiscard]] bool stopped() const noexcept { return stopped_; }

    [[nodiscard]] std::uint64_t events_processed() const noexcept { return events_; }
    [[nodiscard]] std::size_t pending_events() const noexcept { return queue_.size(); }
    [[nodiscard]] bool idle() { return queue_.empty(); }
    void reserve_events(std::size_t n) { queue_.reserve(n); }
    [[nodiscard]] const event_queue& queue() const noexcept { return queue_; }

    [[nodiscard]] class trace& trace() noexcept { return trace_; }
    [[nodiscard]] std::uint64_t trace_hash() const noexcept { return trace_.hash(); }

    // --- processes (defined in surge/process.hpp) ---

    /// Starts a process at the current instant (after the events already scheduled for it).
    /// An empty name becomes "process-<id>", ids counting spawns from 1.
    process spawn(process p, std::string name = {});

    /// `co_await sim.delay(d)` suspends the calling process for `d` (>= 0).
    [[nodiscard]] delay_awaiter delay(duration d);

    /// The process whose code is running now, or nullptr outside processes.
    [[nodiscard]] detail::process_state* active_process() const noexcept { return active_; }
    [[nodiscard]] std::size_t live_processes() const noexcept { return live_count_; }

    /// Ends every live process by destroying its coroutine frame (its RAII locals release what they
    /// hold). Done by the destructor; kernel objects that processes still wait on call it too when
    /// they are destroyed first, since their waiters would otherwise point at a dead object.
    void end_processes() noexcept;
    [[nodiscard]] bool tearing_down() const noexcept { return tearing_down_; }
    [[nodiscard]] bool in_event() const noexcept { return in_event_; }

private:
    friend class detail::resume_event;

    void run_one() {
        in_event_ = true;
        struct reset {
            bool& flag;
            ~reset() { flag = false; }
        } r{in_event_};
        queue_.run_next([this](time_point t, std::uint64_t key) {
            now_ = t;
            ++events_;
            trace_.kernel_event(t, key);
        });
        if (failure_) rethrow_failure();
    }

    void rethrow_failure();

    // Resumption of a suspended process: the one place a coroutine frame is entered.
    void resume(detail::process_state* p);

    std::uint64_t seed_;
    time_point now_{};
    event_queue queue_;
    class trace trace_;
    std::uint64_t events_ = 0;
    bool stopped_ = false;
    bool in_event_ = false;
    bool tearing_down_ = false;

    // live processes, an intrusive list in spawn order (teardown order is deterministic)
    detail::process_state* first_ = nullptr;
    detail::process_state* last_ = nullptr;
    std::size_t live_count_ = 0;
    std::uint64_t next_process_id_ = 1;
    detail::process_state* active_ = nullptr;

    // the first failure of a process, rethrown from run()
    detail::process_state* failure_ = nullptr;
};

} // namespace surge

#include "surge/process.hpp"
