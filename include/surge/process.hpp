// surge/process.hpp — processes as C++20 coroutines: `co_await sim.delay(d)`, events, join,
// any_of/all_of with timeouts, and interrupts. The vocabulary is SimPy's.
//
//   surge::process customer(surge::simulation& sim, surge::event& open) {
//       co_await open;                                   // wait for an event
//       auto i = co_await surge::any_of(open, surge::timeout(5_s));
//       co_await sim.delay(200_ms);
//   }
//   sim.spawn(customer(sim, open), "customer-1");
//
// Rules that keep it deterministic and safe:
//  - a process is resumed only by the event loop, through a scheduled event: waking a waiter never
//    runs it inline, so the code that wakes it finishes first, and same-instant wake-ups run in
//    the order they were made;
//  - a wait that was satisfied (its wake-up scheduled) is never taken back: an interrupt that
//    arrives then is raised at the process's next co_await instead;
//  - an exception escaping a process stops the run; simulation::run() throws process_error naming
//    the process and the virtual time.
#pragma once

#include "surge/simulation.hpp"

#include <array>
#include <coroutine>
#include <cstddef>
#include <exception>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace surge {

/// Thrown inside a process at its current co_await when another party calls process::interrupt().
class interrupted : public std::runtime_error {
public:
    explicit interrupted(std::string cause)
        : std::runtime_error("interrupted: " + cause), cause_(std::move(cause)) {}
    [[nodiscard]] const std::string& cause() const noexcept { return cause_; }

private:
    std::string cause_;
};

namespace detail {

struct wait_list;

/// A registration of a waiting process in some kernel object's queue. Unlinks itself when
/// destroyed, so a coroutine frame destroyed mid-wait leaves no dangling node behind.
struct waiter {
    waiter* prev = nullptr;
    waiter* next = nullptr;
    wait_list* list = nullptr;
    process_state* proc = nullptr;
    void (*on_fire)(waiter&) = nullptr;  // called after the owner unlinked it: the wait is satisfied
    void* ctx = nullptr;                 // the awaiter that owns the node, for its owner's use
    std::int64_t amount = 0;             // what a container/token waiter asks for
    std::int32_t prio = 0;               // priority-ordered queues: lower first

    waiter() = default;
    waiter(const waiter&) = delete;
    waiter& operator=(const waiter&) = delete;
    ~waiter() { unlink(); }
    inline void unlink() noexcept;
    [[nodiscard]] bool linked() const noexcept { return list != nullptr; }
};

/// An intrusive FIFO of waiters (or priority-ordered, through insert_by_priority).
struct wait_list {
    waiter* head = nullptr;
    waiter* tail = nullptr;
    std::size_t count = 0;

    wait_list() = default;
    wait_list(const wait_list&) = delete;
    wait_list& operator=(const wait_list&) = delete;
    ~wait_list() { detach_all(); }

    [[nodiscard]] bool empty() const noexcept { return head == nullptr; }
    [[nodiscard]] std::size_t size() const noexcept { return count; }
    [[nodiscard]] waiter* front() const noexcept { return head; }

    void push_back(waiter& w) noexcept {
        w.list = this;
        w.prev = tail;
        w.next = nullptr;
        (tail != nullptr ? tail->next : head) = &w;
        tail = &w;
        ++count;
    }
    /// Keeps the list sorted by prio (lower first), FIFO among equals; scans from the back, so
    /// equal priorities cost O(1).
    void insert_by_priority(waiter& w) noexcept {
        waiter* after = tail;
        while (after != nullptr && after->prio > w.prio) after = after->prev;
        w.list = this;
        w.prev = after;
        w.next = after != nullptr ? after->next : head;
        (w.next != nullptr ? w.next->prev : tail) = &w;
        (after != nullptr ? after->next : head) = &w;
        ++count;
    }
    void remove(waiter& w) noexcept {
        (w.prev != nullptr ? w.prev->next : head) = w.next;
        (w.next != nullptr ? w.next->prev : tail) = w.prev;
        w.prev = w.next = nullptr;
        w.list = nullptr;
        --count;
    }
    /// Unlinks the front waiter and tells it its wait is satisfied.
    void fire_front() {
        waiter* w = head;
        remove(*w);
        w->on_fire(*w);
    }
    void fire_all() {
        while (head != nullptr) fire_front();
    }
    /// The owner is going away: forget every waiter without waking it.
    void detach_all() noexcept {
        while (head != nullptr) remove(*head);
    }
};

inline void waiter::unlink() noexcept {
    if (list != nullptr) list->remove(*this);
}

enum class process_status : std::uint8_t { created, live, done, failed };

struct process_state {
    simulation* sim = nullptr;
    std::coroutine_handle<> frame;
    // The innermost coroutine of the process: its own frame, or the surge::task it awaits (or
    // the task that task awaits...). A wake-up resumes this one; see surge/task.hpp.
    std::coroutine_handle<> resume_point;
    std::string name;
    std::uint64_t id = 0;
    process_status status = process_status::created;
    std::uint32_t refs = 0;

    // What the process waits on now, if the wait can still be called off (by an interrupt).
    void (*cancel_fn)(void*) noexcept = nullptr;
    void* cancel_ctx = nullptr;

    bool interrupt_pending = false;  // not yet delivered (pending_causes is not empty)
    bool wait_interrupted = false;   // the current co_await must throw, with interrupt_cause
    std::string interrupt_cause;
    // Undelivered interrupts, oldest first. A vector, not a deque: an empty std::deque allocates,
    // and every one of a million simulated users has a process.
    std::vector<std::string> pending_causes;

    std::exception_ptr error;
    wait_list joiners;

    process_state* prev_live = nullptr;
    process_state* next_live = nullptr;

    [[nodiscard]] bool finished() const noexcept {
        return status == process_status::done || status == process_status::failed;
    }
};

inline void release(process_state* p) noexcept {
    if (--p->refs == 0) {
        if (p->frame) p->frame.destroy();
        delete p;
    }
}

/// The scheduled resumption of a process; holds a reference so the state outlives the event.
class resume_event {
public:
    explicit resume_event(process_state* p) noexcept : p_(p) { ++p_->refs; }
    resume_event(resume_event&& o) noexcept : p_(std::exchange(o.p_, nullptr)) {}
    resume_event(const resume_event&) = delete;
    resume_event& operator=(const resume_event&) = delete;
    resume_event& operator=(resume_event&&) = delete;
    ~resume_event() {
        if (p_ != nullptr) release(p_);
    }
    void operator()() const;

private:
    process_state* p_;
};
} // namespace detail

// One pointer that its move nulls: a byte copy is a relocation (see event_queue).
template <>
struct is_trivially_relocatable<detail::resume_event> : std::true_type {};

namespace detail {
/// Schedules a resumption of `p` at the current instant: its wait is over.
inline void wake(process_state* p) {
    p->cancel_fn = nullptr;
    p->sim->schedule(duration::zero(), resume_event{p});
}
inline void wake_waiter(waiter& w) { wake(w.proc); }
inline void cancel_waiter(void* w) noexcept { static_cast<waiter*>(w)->unlink(); }

/// A kernel object is being destroyed while processes still wait on it or hold part of it: the
/// simulated world is being torn down, so end the processes first (their RAII locals still find
/// this object alive). Inside a running event this is a usage error and the waiters are only
/// detached.
inline void object_dying(simulation& sim, bool still_used) noexcept {
    if (still_used && !sim.in_event()) sim.end_processes();
}

/// The process running now; awaiting a surge awaitable anywhere else is a usage error.
inline process_state* current(simulation& sim, const char* what) {
    process_state* p = sim.active_process();
    if (p == nullptr)
        throw std::logic_error(std::string(what) + " can only be awaited inside a surge::process run by a simulation");
    return p;
}

/// Called from await_suspend: true (and marks the wait interrupted) if an interrupt is waiting to
/// be delivered, in which case the awaiter must not suspend.
inline bool take_pending_interrupt(process_state* p) noexcept {
    if (!p->interrupt_pending) return false;
    p->interrupt_cause = std::move(p->pending_causes.front());
    p->pending_causes.erase(p->pending_causes.begin());
    p->interrupt_pending = !p->pending_causes.empty();
    p->wait_interrupted = true;
    return true;
}

/// Called from await_resume: throws if the wait was cut short by an interrupt.
inline void raise_if_interrupted(process_state* p) {
    if (p->wait_interrupted) {
        p->wait_interrupted = false;
        throw interrupted(std::exchange(p->interrupt_cause, {}));
    }
}

/// The common shape of an awaiter that queues one waiter node in some kernel object.
struct single_wait {
    process_state* p = nullptr;
    waiter node;

    /// Registers the node (already linked by the caller) as the process's cancellable wait.
    void suspend_on() noexcept {
        node.proc = p;
        if (node.on_fire == nullptr) node.on_fire = &wake_waiter;
        p->cancel_fn = &cancel_waiter;
        p->cancel_ctx = &node;
    }
};

} // namespace detail

/// The return type of a process coroutine and a handle to the process: join it with
/// `co_await p`, interrupt it, ask whether it finished.
class process {
public:
    struct final_awaiter {
        bool await_ready() const noexcept { return false; }
        void await_suspend(std::coroutine_handle<>) const noexcept {}
        void await_resume() const noexcept {}
    };

    struct promise_type {
        detail::process_state* state = new detail::process_state;

        process get_return_object() {
            state->frame = std::coroutine_handle<promise_type>::from_promise(*this);
            state->resume_point = state->frame;
            return process(state);
        }
        std::suspend_always initial_suspend() const noexcept { return {}; }
        final_awaiter final_suspend() const noexcept { return {}; }
        void return_void() const noexcept {}
        void unhandled_exception() noexcept { state->error = std::current_exception(); }
    };

    process() noexcept = default;
    process(const process& o) noexcept : s_(o.s_) { if (s_ != nullptr) ++s_->refs; }
    process(process&& o) noexcept : s_(std::exchange(o.s_, nullptr)) {}
    process& operator=(process o) noexcept {
        std::swap(s_, o.s_);
        return *this;
    }
    ~process() {
        if (s_ != nullptr) detail::release(s_);
    }

    [[nodiscard]] bool valid() const noexcept { return s_ != nullptr; }
    [[nodiscard]] bool started() const noexcept { return s_ != nullptr && s_->status != detail::process_status::created; }
    [[nodiscard]] bool finished() const noexcept { return s_ != nullptr && s_->finished(); }
    [[nodiscard]] bool failed() const noexcept { return s_ != nullptr && s_->status == detail::process_status::failed; }
    [[nodiscard]] const std::string& name() const noexcept {
        static const std::string none;
        return s_ != nullptr ? s_->name : none;
    }
    [[nodiscard]] std::uint64_t id() const noexcept { return s_ != nullptr ? s_->id : 0; }

    /// Raises surge::interrupted(cause) inside the process at its current co_await (now, if it is
    /// waiting; otherwise at its next co_await). Throws std::logic_error if it has finished.
    void interrupt(std::string cause = {}) {
        if (s_ == nullptr || s_->status == detail::process_status::created)
            throw std::logic_error("process::interrupt: the process has not been spawned");
        if (s_->finished())
            throw std::logic_error("process::interrupt: process '" + s_->name + "' has already finished");
        if (s_->cancel_fn != nullptr) {
            auto cancel = std::exchange(s_->cancel_fn, nullptr);
            cancel(s_->cancel_ctx);
            s_->interrupt_cause = std::move(cause);
            s_->wait_interrupted = true;
            detail::wake(s_);
        } else {
            // Not waiting, or its wait already satisfied (possibly by an earlier interrupt): each
            // interrupt is raised in turn at the following co_awaits, with its own cause.
            s_->pending_causes.push_back(std::move(cause));
            s_->interrupt_pending = true;
        }
    }

    /// `co_await p` waits until p has finished (at once if it has).
    auto operator co_await() const {
        struct awaiter : detail::single_wait {
            explicit awaiter(detail::process_state* t) noexcept : target(t) {}
            detail::process_state* target;
            bool await_ready() {
                p = detail::current(*target->sim, "a process join");
                return target->finished() && !p->interrupt_pending;
            }
            bool await_suspend(std::coroutine_handle<>) {
                if (detail::take_pending_interrupt(p)) return false;
                target->joiners.push_back(node);
                suspend_on();
                return true;
            }
            void await_resume() const { detail::raise_if_interrupted(p); }
        };
        if (s_ == nullptr || s_->status == detail::process_status::created)
            throw std::logic_error("co_await on a process that has not been spawned");
        return awaiter(s_);
    }

    [[nodiscard]] detail::process_state* state() const noexcept { return s_; }

private:
    friend class simulation;
    explicit process(detail::process_state* s) noexcept : s_(s) { ++s_->refs; }
    detail::process_state* s_ = nullptr;
};

/// `co_await sim.delay(d)`.
class delay_awaiter {
public:
    /// A delay of zero normally still yields (other events at this instant run first, as in
    /// SimPy); with `yield_on_zero` false it continues at once instead (token buckets use it).
    delay_awaiter(simulation& sim, duration d, bool yield_on_zero = true) noexcept
        : sim_(&sim), d_(d), yield_on_zero_(yield_on_zero) {}
    delay_awaiter(const delay_awaiter&) = delete;
    delay_awaiter& operator=(const delay_awaiter&) = delete;
    ~delay_awaiter() {
        if (pending_) sim_->cancel(timer_);
    }

    bool await_ready() {
        p_ = detail::current(*sim_, "sim.delay()");
        return !yield_on_zero_ && d_ == duration::zero() && !p_->interrupt_pending;
    }
    bool await_suspend(std::coroutine_handle<>) {
        if (detail::take_pending_interrupt(p_)) return false;
        timer_ = sim_->schedule(d_, detail::resume_event{p_});
        pending_ = true;
        p_->cancel_fn = &cancel;
        p_->cancel_ctx = this;
        return true;
    }
    void await_resume() {
        pending_ = false;
        detail::raise_if_interrupted(p_);
    }

private:
    static void cancel(void* self) noexcept {
        auto* a = static_cast<delay_awaiter*>(self);
        a->sim_->cancel(a->timer_);
        a->pending_ = false;
    }
    simulation* sim_;
    duration d_;
    detail::process_state* p_ = nullptr;
    bool yield_on_zero_;
    event_handle timer_;
    bool pending_ = false;
};

namespace detail {
struct wait_target;
}

/// A one-shot event processes can wait on (SimPy's Event): trigger() wakes every waiter, in the
/// order they started waiting; waiting on a triggered event continues at once.
class event {
public:
    explicit event(simulation& sim) noexcept : sim_(&sim) {}
    event(const event&) = delete;
    event& operator=(const event&) = delete;
    ~event() { detail::object_dying(*sim_, !waiters_.empty()); }

    /// Wakes all waiters. Throws std::logic_error if already triggered.
    void trigger() {
        if (triggered_) throw std::logic_error("event::trigger: the event was already triggered (reset() it first)");
        triggered_ = true;
        waiters_.fire_all();
    }
    /// Makes a triggered event pending again.
    void reset() noexcept { triggered_ = false; }
    [[nodiscard]] bool triggered() const noexcept { return triggered_; }
    [[nodiscard]] std::size_t waiting() const noexcept { return waiters_.size(); }
    [[nodiscard]] simulation& sim() const noexcept { return *sim_; }

    auto operator co_await() noexcept {
        struct awaiter : detail::single_wait {
            explicit awaiter(event* e) noexcept : ev(e) {}
            event* ev;
            bool await_ready() {
                p = detail::current(*ev->sim_, "an event");
                return ev->triggered_ && !p->interrupt_pending;
            }
            bool await_suspend(std::coroutine_handle<>) {
                if (detail::take_pending_interrupt(p)) return false;
                ev->waiters_.push_back(node);
                suspend_on();
                return true;
            }
            void await_resume() const { detail::raise_if_interrupted(p); }
        };
        return awaiter(this);
    }

private:
    friend struct detail::wait_target;
    simulation* sim_;
    detail::wait_list waiters_;
    bool triggered_ = false;
};

/// A time limit inside any_of/all_of: `co_await any_of(ev, timeout(5_s))`.
struct timeout {
    explicit timeout(duration d) : after(d) {
        if (d < duration::zero())
            throw std::invalid_argument("surge::timeout: negative duration " + to_string(d) + "; a timeout must be >= 0");
    }
    duration after;
};

namespace detail {

/// One argument of any_of/all_of.
struct wait_target {
    wait_target(event& e) noexcept : ev(&e) {}            // NOLINT: implicit on purpose
    wait_target(const process& p) : proc(p.state()) {     // NOLINT
        if (proc == nullptr || proc->status == process_status::created)
            throw std::logic_error("any_of/all_of: a process that has not been spawned cannot be awaited");
    }
    wait_target(timeout t) noexcept : limit(t.after), is_timeout(true) {}  // NOLINT

    [[nodiscard]] bool complete() const noexcept {
        if (ev != nullptr) return ev->triggered_;
        if (proc != nullptr) return proc->finished();
        return false;
    }
    [[nodiscard]] wait_list* list() const noexcept {
        if (ev != nullptr) return &ev->waiters_;
        if (proc != nullptr) return &proc->joiners;
        return nullptr;
    }

    event* ev = nullptr;
    process_state* proc = nullptr;
    duration limit{};
    bool is_timeout = false;
};

template <std::size_t N, bool All>
class multi_awaiter {
public:
    template <class... T>
    explicit multi_awaiter(T&&... t) : targets_{wait_target(std::forward<T>(t))...} {
        std::size_t timeouts = 0;
        for (std::size_t i = 0; i < N; ++i) {
            if (targets_[i].is_timeout) {
                ++timeouts;
                timeout_index_ = i;
            }
        }
        if (timeouts > 1) throw std::invalid_argument("any_of/all_of: at most one timeout may be given");
    }
    multi_awaiter(const multi_awaiter&) = delete;
    multi_awaiter& operator=(const multi_awaiter&) = delete;
    ~multi_awaiter() { disarm(); }

    bool await_ready() {
        simulation* sim = find_sim();
        if (sim == nullptr) throw std::logic_error("any_of/all_of: give at least one event or process");
        p_ = current(*sim, All ? "all_of" : "any_of");
        if (p_->interrupt_pending) return false;
        return evaluate_now();
    }
    bool await_suspend(std::coroutine_handle<>) {
        if (take_pending_interrupt(p_)) return false;
        remaining_ = 0;
        for (std::size_t i = 0; i < N; ++i) {
            wait_target& t = targets_[i];
            if (t.is_timeout || t.complete()) continue;
            sub& s = subs_[i];
            s.owner = this;
            s.index = i;
            s.proc = p_;
            s.on_fire = &sub_fired;
            t.list()->push_back(s);
            ++remaining_;
        }
        if (timeout_index_ != npos) {
            timer_ = p_->sim->schedule(targets_[timeout_index_].limit, timer_fired{this});
            timer_armed_ = true;
        }
        p_->cancel_fn = &cancel;
        p_->cancel_ctx = this;
        return true;
    }
    /// any_of: the index of the argument that completed first (the timeout's index if it expired).
    /// all_of: true if every event/process completed, false if the timeout expired first.
    auto await_resume() {
        raise_if_interrupted(p_);
        if constexpr (All) {
            return result_ != timeout_index_ || timeout_index_ == npos;
        } else {
            return result_;
        }
    }

private:
    static constexpr std::size_t npos = static_cast<std::size_t>(-1);
    struct sub : waiter {
        multi_awaiter* owner = nullptr;
        std::size_t index = 0;
    };
    struct timer_fired {
        multi_awaiter* self;
        void operator()() const {
            self->timer_armed_ = false;
            self->result_ = self->timeout_index_;
            self->finish_and_wake();
        }
    };

    simulation* find_sim() const noexcept {
        for (const auto& t : targets_) {
            if (t.ev != nullptr) return &t.ev->sim();
            if (t.proc != nullptr) return t.proc->sim;
        }
        return nullptr;
    }

    bool evaluate_now() noexcept {
        if constexpr (All) {
            for (const auto& t : targets_)
                if (!t.is_timeout && !t.complete()) return false;
            result_ = npos;
            return true;
        } else {
            for (std::size_t i = 0; i < N; ++i) {
                if (targets_[i].complete()) {
                    result_ = i;
                    return true;
                }
            }
            return false;  // even a zero timeout yields, as SimPy's does
        }
    }

    static void sub_fired(waiter& w) {
        auto& s = static_cast<sub&>(w);
        multi_awaiter* self = s.owner;
        if constexpr (All) {
            if (--self->remaining_ == 0) {
                self->result_ = npos;
                self->finish_and_wake();
            }
        } else {
            self->result_ = s.index;
            self->finish_and_wake();
        }
    }

    void disarm() noexcept {
        for (auto& s : subs_) s.unlink();
        if (timer_armed_) {
            p_->sim->cancel(timer_);
            timer_armed_ = false;
        }
    }
    // The resumption is scheduled like any other wake-up, also when the timer fired it.
    void finish_and_wake() {
        disarm();
        wake(p_);
    }
    static void cancel(void* self) noexcept { static_cast<multi_awaiter*>(self)->disarm(); }

    std::array<wait_target, N> targets_;
    std::array<sub, N> subs_{};
    std::size_t timeout_index_ = npos;
    std::size_t remaining_ = 0;
    std::size_t result_ = npos;
    process_state* p_ = nullptr;
    event_handle timer_;
    bool timer_armed_ = false;
};

} // namespace detail

/// Waits until the first of the events/processes completes or the timeout expires.
/// `auto i = co_await any_of(a, b, timeout(1_s));` — i is the index of the argument that fired.
template <class... T>
[[nodiscard]] auto any_of(T&&... targets) {
    static_assert(sizeof...(T) > 0, "any_of needs at least one argument");
    return detail::multi_awaiter<sizeof...(T), false>(std::forward<T>(targets)...);
}

/// Waits until all events/processes have completed, or the timeout expires.
/// `bool all = co_await all_of(a, b, timeout(1_s));` — false if the timeout came first.
template <class... T>
[[nodiscard]] auto all_of(T&&... targets) {
    static_assert(sizeof...(T) > 0, "all_of needs at least one argument");
    return detail::multi_awaiter<sizeof...(T), true>(std::forward<T>(targets)...);
}

// ---- simulation members that need the process machinery ----

inline void detail::resume_event::operator()() const { p_->sim->resume(p_); }

inline process simulation::spawn(process p, std::string name) {
    detail::process_state* s = p.state();
    if (s == nullptr) throw std::invalid_argument("simulation::spawn: empty process handle");
    if (s->status != detail::process_status::created)
        throw std::logic_error("simulation::spawn: process '" + s->name + "' was already spawned");
    s->sim = this;
    s->id = next_process_id_++;
    s->name = name.empty() ? "process-" + std::to_string(s->id) : std::move(name);
    s->status = detail::process_status::live;
    ++s->refs;  // the registry's reference
    s->prev_live = last_;
    s->next_live = nullptr;
    (last_ != nullptr ? last_->next_live : first_) = s;
    last_ = s;
    ++live_count_;
    schedule(duration::zero(), detail::resume_event{s});
    return p;
}

inline delay_awaiter simulation::delay(duration d) {
    if (d < duration::zero())
        throw std::invalid_argument("simulation::delay: negative delay " + to_string(d) + "; a delay must be >= 0");
    return delay_awaiter(*this, d);
}

inline void simulation::resume(detail::process_state* p) {
    if (p->status != detail::process_status::live || !p->frame) return;  // ended meanwhile
    p->cancel_fn = nullptr;
    detail::process_state* const outer = active_;
    active_ = p;
    p->resume_point.resume();
    active_ = outer;
    if (!p->frame.done()) return;

    // The process finished: free its frame, wake joiners, leave the registry.
    p->frame.destroy();
    p->frame = {};
    p->status = p->error ? detail::process_status::failed : detail::process_status::done;
    (p->prev_live != nullptr ? p->prev_live->next_live : first_) = p->next_live;
    (p->next_live != nullptr ? p->next_live->prev_live : last_) = p->prev_live;
    p->prev_live = p->next_live = nullptr;
    --live_count_;
    if (p->error) {
        if (failure_ == nullptr) {
            failure_ = p;
            ++p->refs;
        }
        stopped_ = true;
    } else {
        p->joiners.fire_all();
    }
    detail::release(p);
}

inline void simulation::rethrow_failure() {
    detail::process_state* p = std::exchange(failure_, nullptr);
    const std::string name = p->name;
    const std::exception_ptr error = p->error;
    detail::release(p);
    try {
        std::rethrow_exception(error);
    } catch (const std::exception& e) {
        throw process_error(name, now_, e.what());
    } catch (...) {
        throw process_error(name, now_, "an exception not derived from std::exception");
    }
}

inline void simulation::end_processes() noexcept {
    if (tearing_down_) return;
    tearing_down_ = true;
    while (first_ != nullptr) {
        detail::process_state* p = first_;
        first_ = p->next_live;
        (first_ != nullptr ? first_->prev_live : last_) = nullptr;
        p->prev_live = p->next_live = nullptr;
        --live_count_;
        p->status = detail::process_status::done;
        p->cancel_fn = nullptr;
        if (p->frame) {
            auto f = std::exchange(p->frame, {});
            f.destroy();  // RAII locals release what they hold; awaiters unlink their nodes
        }
        p->joiners.detach_all();
        detail::release(p);
    }
    if (failure_ != nullptr) detail::release(std::exchange(failure_, nullptr));
    tearing_down_ = false;
}

} // namespace surge
