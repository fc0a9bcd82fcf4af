// surge/delay.hpp — `co_await sim.delay(d)`: a process waits for a stretch of virtual time
// (SimPy's timeout). A zero delay still yields to the events already due at this instant.
//
// The process layer comes in through simulation.hpp, which includes it whole, in dependency order,
// at its end. An include guard (not #pragma once) lets this header be included first: the chain
// then defines it in its place.
#include "surge/simulation.hpp"

#ifndef SURGE_DELAY_HPP_INCLUDED
#define SURGE_DELAY_HPP_INCLUDED

#include "surge/detail/process_state.hpp"
#include "surge/interrupt.hpp"

#include <coroutine>
#include <stdexcept>

namespace surge {

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

inline delay_awaiter simulation::delay(duration d) {
    if (d < duration::zero())
        throw std::invalid_argument("simulation::delay: negative delay " + to_string(d) + "; a delay must be >= 0");
    return delay_awaiter(*this, d);
}

} // namespace surge

#endif // SURGE_DELAY_HPP_INCLUDED
