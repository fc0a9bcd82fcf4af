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
//
// This header holds the process itself (the coroutine type, spawn, join, the resumption loop); it
// also brings in the rest of the process layer, so `#include <surge/process.hpp>` gives all of it:
// surge/delay.hpp, surge/event.hpp, surge/condition.hpp (any_of/all_of/timeout),
// surge/interrupt.hpp. Sub-routines that a process awaits without spawning: surge/task.hpp.
#pragma once

#include "surge/simulation.hpp"

#include "surge/detail/process_state.hpp"
#include "surge/detail/wait_list.hpp"
#include "surge/interrupt.hpp"

#include <coroutine>
#include <exception>
#include <stdexcept>
#include <string>
#include <utility>

namespace surge {

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

// ---- simulation members that need the process machinery ----

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

#include "surge/delay.hpp"
#include "surge/event.hpp"
#include "surge/condition.hpp"
