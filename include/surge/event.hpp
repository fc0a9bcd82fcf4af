// surge/event.hpp — surge::event, a one-shot signal processes wait on (SimPy's Event):
// `co_await ev` suspends until ev.trigger(); waiters wake in the order they started waiting.
//
// The process layer comes in through simulation.hpp, which includes it whole, in dependency order,
// at its end. An include guard (not #pragma once) lets this header be included first: the chain
// then defines it in its place.
#include "surge/simulation.hpp"

#ifndef SURGE_EVENT_HPP_INCLUDED
#define SURGE_EVENT_HPP_INCLUDED

#include "surge/detail/process_state.hpp"
#include "surge/detail/wait_list.hpp"
#include "surge/interrupt.hpp"

#include <coroutine>
#include <cstddef>
#include <stdexcept>

namespace surge {

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

} // namespace surge

#endif // SURGE_EVENT_HPP_INCLUDED
