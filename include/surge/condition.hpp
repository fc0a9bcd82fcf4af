// surge/condition.hpp — waiting for several things at once (SimPy's AnyOf/AllOf conditions):
// `co_await any_of(a, b, timeout(1_s))` returns the index of the first event or process to
// complete; `co_await all_of(...)` returns false if the timeout came first.
//
// The process layer comes in through simulation.hpp, which includes it whole, in dependency order,
// at its end. An include guard (not #pragma once) lets this header be included first: the chain
// then defines it in its place.
#include "surge/simulation.hpp"

#ifndef SURGE_CONDITION_HPP_INCLUDED
#define SURGE_CONDITION_HPP_INCLUDED

#include "surge/detail/process_state.hpp"
#include "surge/detail/wait_list.hpp"
#include "surge/event.hpp"
#include "surge/interrupt.hpp"
#include "surge/process.hpp"

#include <array>
#include <coroutine>
#include <cstddef>
#include <stdexcept>
#include <utility>

namespace surge {

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

} // namespace surge

#endif // SURGE_CONDITION_HPP_INCLUDED
