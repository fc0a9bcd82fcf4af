// surge/interrupt.hpp — interrupts: process::interrupt(cause) raises surge::interrupted(cause)
// inside the process at its current co_await (SimPy's Interrupt). Every awaiter delivers them the
// same way, through the two helpers here: a wait that can still be called off is cancelled and the
// process woken; otherwise the interrupt waits, in order, for the process's next co_await.
//
// The process layer comes in through simulation.hpp, which includes it whole, in dependency order,
// at its end. An include guard (not #pragma once) lets this header be included first: the chain
// then defines it in its place.
#include "surge/simulation.hpp"

#ifndef SURGE_INTERRUPT_HPP_INCLUDED
#define SURGE_INTERRUPT_HPP_INCLUDED

#include "surge/detail/process_state.hpp"

#include <stdexcept>
#include <string>
#include <utility>

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

} // namespace detail

} // namespace surge

#endif // SURGE_INTERRUPT_HPP_INCLUDED
