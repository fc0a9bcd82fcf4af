// surge/detail/process_state.hpp — what the kernel keeps per process (its frames, name, status,
// the wait it is in, its interrupts, its joiners) and the few operations every awaiter shares:
// find the running process, register a wait, wake a waiter through the event queue.
//
// The process layer comes in through simulation.hpp, which includes it whole, in dependency order,
// at its end. An include guard (not #pragma once) lets this header be included first: the chain
// then defines it in its place.
#include "surge/simulation.hpp"

#ifndef SURGE_DETAIL_PROCESS_STATE_HPP_INCLUDED
#define SURGE_DETAIL_PROCESS_STATE_HPP_INCLUDED

#include "surge/detail/wait_list.hpp"

#include <coroutine>
#include <cstdint>
#include <exception>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace surge {

namespace detail {

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

inline void detail::resume_event::operator()() const { p_->sim->resume(p_); }

} // namespace surge

#endif // SURGE_DETAIL_PROCESS_STATE_HPP_INCLUDED
