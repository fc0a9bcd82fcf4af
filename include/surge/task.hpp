// surge/task.hpp — sub-routines of processes: `surge::task<T>`, a coroutine that a process (or
// another task) awaits without spawning it, as SimPy's `yield env.process(...)` is often used and
// SimCpp20's `co_await wash(sim, car)`.
//
//   surge::task<int> wash(surge::simulation& sim, surge::resource& machine) {
//       auto slot = co_await machine.acquire();   // anything a process can await
//       co_await sim.delay(5_min);
//       co_return 1;
//   }
//   surge::process car(surge::simulation& sim, surge::resource& machine) {
//       int washed = co_await wash(sim, machine);  // runs inside this process
//   }
//
// What a task is, exactly:
//  - lazy: calling the coroutine function only creates its frame; it starts when awaited, and it
//    can be awaited once. A task that is never awaited is destroyed unrun.
//  - it runs inside the awaiting process: starting it and returning from it are direct transfers
//    of control (a call into the task; at its end, a return or a symmetric transfer back), not
//    wake-ups. The process's `active_process()`, name and
//    interrupts are the task's. THE CRUCIAL PROPERTY: awaiting a task and its completion schedule
//    no event and record no trace entry, so code moved from a process body into a task runs in
//    exactly the same event order and gives the same trace hash (tested in tests/kernel/test_task.cpp).
//  - awaiting a task is not itself a wait: it does not take a pending interrupt. An interrupt is
//    raised at the wait the task (or the task it awaits) is suspended in, or at its next one; if
//    the task does not catch it, surge::interrupted propagates out of `co_await task` like any
//    exception the task lets escape.
//  - `co_await t` returns the task's co_return value (moved out) or rethrows its exception.
//  - when a simulation ends its processes, a process suspended inside a task is destroyed with the
//    task's frame (the task object lives in the awaiting frame), so the task's RAII locals run.
//  - lifetimes: a task's parameters are copied into its frame, but a reference parameter must
//    outlive the co_await (as for any coroutine); pass the simulation and kernel objects by
//    reference, small values by value.
#pragma once

#include "surge/process.hpp"

#include <coroutine>
#include <exception>
#include <optional>
#include <stdexcept>
#include <type_traits>
#include <utility>

namespace surge {

template <class T = void>
class task;

namespace detail {

/// What every task promise holds, whatever it returns.
struct task_promise_base {
    std::coroutine_handle<> continuation;  // the awaiting process or task
    process_state* owner = nullptr;        // the process this task runs inside
    std::exception_ptr error;

    bool running_inline = false;           // inside the awaiter's first resume() of the task

    /// At the end, make the awaiting coroutine the process's resumption point again and hand
    /// control back to it: by returning from the awaiter's first resume() if the task never
    /// suspended, else by a transfer straight into the awaiting frame.
    struct final_awaiter {
        bool await_ready() const noexcept { return false; }
        template <class P>
        std::coroutine_handle<> await_suspend(std::coroutine_handle<P> self) const noexcept {
            task_promise_base& pr = self.promise();
            pr.owner->resume_point = pr.continuation;
            if (pr.running_inline) return std::noop_coroutine();
            return pr.continuation;
        }
        void await_resume() const noexcept {}
    };

    std::suspend_always initial_suspend() const noexcept { return {}; }
    final_awaiter final_suspend() const noexcept { return {}; }
    void unhandled_exception() noexcept { error = std::current_exception(); }
};

template <class T>
struct task_promise : task_promise_base {
    std::optional<T> value;
    task<T> get_return_object();
    template <class U = T>
        requires std::is_convertible_v<U&&, T>
    void return_value(U&& v) {
        value.emplace(std::forward<U>(v));
    }
};

template <>
struct task_promise<void> : task_promise_base {
    task<void> get_return_object();
    void return_void() const noexcept {}
};

/// The process an awaiting coroutine runs in: a process's own state, or a task's owner.
template <class P>
process_state* owner_of(std::coroutine_handle<P> awaiting) noexcept {
    if constexpr (std::is_same_v<P, process::promise_type>) {
        return awaiting.promise().state;
    } else {
        static_assert(std::is_base_of_v<task_promise_base, P>,
                      "a surge::task can only be awaited inside a surge::process or another surge::task");
        return awaiting.promise().owner;
    }
}

} // namespace detail

/// The return type of a sub-routine coroutine; see the header comment. Move-only; owns its frame.
template <class T>
class task {
    static_assert(!std::is_reference_v<T>, "surge::task<T&> is not supported: return a pointer or a value");

public:
    using promise_type = detail::task_promise<T>;
    using handle_type = std::coroutine_handle<promise_type>;

    task() noexcept = default;
    task(task&& o) noexcept : h_(std::exchange(o.h_, {})) {}
    task& operator=(task&& o) noexcept {
        if (this != &o) {
            if (h_) h_.destroy();
            h_ = std::exchange(o.h_, {});
        }
        return *this;
    }
    task(const task&) = delete;
    task& operator=(const task&) = delete;
    ~task() {
        if (h_) h_.destroy();
    }

    [[nodiscard]] bool valid() const noexcept { return static_cast<bool>(h_); }
    [[nodiscard]] bool done() const noexcept { return h_ && h_.done(); }

    /// Starts the task inside the awaiting process; the result of the co_await is the task's.
    /// Throws std::logic_error for an empty task or one that was already awaited.
    auto operator co_await() & { return make_awaiter(); }
    auto operator co_await() && { return make_awaiter(); }

private:
    friend struct detail::task_promise<T>;
    explicit task(handle_type h) noexcept : h_(h) {}

    struct awaiter {
        handle_type h;
        bool await_ready() const noexcept { return false; }
        // The task runs on this call, up to its first real wait or its end. A task that ends
        // without waiting returns here and the awaiting coroutine goes on without suspending: no
        // stack grows with a loop of such tasks, even where the compiler does not turn a
        // coroutine transfer into a tail call (g++ at -O0 or with ASan does not).
        template <class P>
        bool await_suspend(std::coroutine_handle<P> awaiting) noexcept {
            promise_type& pr = h.promise();
            pr.continuation = awaiting;
            pr.owner = detail::owner_of(awaiting);
            pr.owner->resume_point = h;
            pr.running_inline = true;
            h.resume();
            pr.running_inline = false;
            return !h.done();
        }
        T await_resume() const {
            promise_type& pr = h.promise();
            if (pr.error) std::rethrow_exception(pr.error);
            if constexpr (!std::is_void_v<T>) return std::move(*pr.value);
        }
    };

    awaiter make_awaiter() const {
        if (!h_) throw std::logic_error("co_await on an empty surge::task");
        if (h_.promise().continuation || h_.done())
            throw std::logic_error("co_await on a surge::task that was already awaited (a task runs once)");
        return awaiter{h_};
    }

    handle_type h_;
};

template <class T>
task<T> detail::task_promise<T>::get_return_object() {
    return task<T>(std::coroutine_handle<task_promise<T>>::from_promise(*this));
}

inline task<void> detail::task_promise<void>::get_return_object() {
    return task<void>(std::coroutine_handle<task_promise<void>>::from_promise(*this));
}

} // namespace surge
