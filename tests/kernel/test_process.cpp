// Coroutine processes: delays, same-instant ordering, events, join, any_of/all_of with timeouts,
// interrupts, failures, bad input, teardown without leaks, and trace determinism.
#include <boost/test/unit_test.hpp>

#include <surge/process.hpp>
#include <surge/resource.hpp>
#include <surge/simulation.hpp>

#include <coroutine>
#include <cstdint>
#include <exception>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

using namespace surge;
using namespace surge::literals;

namespace {

using log_t = std::vector<std::string>;

/// "tag@<exact time>", e.g. "a@10ms" (to_string of a time is exact and round-trips).
std::string stamp(const simulation& sim, const std::string& tag) { return tag + "@" + to_string(sim.now()); }

/// The name of the process running now.
std::string self_name(const simulation& sim) { return sim.active_process()->name; }

constexpr std::int64_t ns(duration d) { return d.count(); }

bool what_contains(const std::exception& e, const std::string& part) {
    return std::string(e.what()).find(part) != std::string::npos;
}

/// Counts live instances: placed in coroutine frames to prove every frame is destroyed.
struct tracker {
    int* live;
    explicit tracker(int& n) : live(&n) { ++*live; }
    tracker(const tracker&) = delete;
    tracker& operator=(const tracker&) = delete;
    ~tracker() { --*live; }
};

/// A coroutine that is not a surge::process, to await surge awaitables outside any process.
struct bare_task {
    struct promise_type {
        std::exception_ptr error;
        bare_task get_return_object() { return bare_task{std::coroutine_handle<promise_type>::from_promise(*this)}; }
        std::suspend_never initial_suspend() const noexcept { return {}; }
        std::suspend_always final_suspend() const noexcept { return {}; }
        void return_void() const noexcept {}
        void unhandled_exception() noexcept { error = std::current_exception(); }
    };
    explicit bare_task(std::coroutine_handle<promise_type> h) : h(h) {}
    bare_task(bare_task&& o) noexcept : h(std::exchange(o.h, {})) {}
    bare_task& operator=(bare_task&&) = delete;
    ~bare_task() {
        if (h) h.destroy();
    }
    std::coroutine_handle<promise_type> h;
};

process delayer(simulation& sim, std::vector<std::int64_t>& seen, duration a, duration b, duration c) {
    co_await sim.delay(a);
    seen.push_back(sim.now().count());
    co_await sim.delay(b);
    seen.push_back(sim.now().count());
    co_await sim.delay(c);
    seen.push_back(sim.now().count());
}

process log_after(simulation& sim, log_t& log, std::string tag, duration d) {
    co_await sim.delay(d);
    log.push_back(stamp(sim, tag));
}

process wait_event(simulation& sim, event& ev, log_t& log, std::string tag, duration first = duration::zero()) {
    if (first > duration::zero()) co_await sim.delay(first);
    co_await ev;
    log.push_back(stamp(sim, tag));
}

} // namespace

BOOST_AUTO_TEST_SUITE(process_tests)

// ---------------------------------------------------------------- delays and ordering

BOOST_AUTO_TEST_CASE(delays_add_up_exactly) {
    simulation sim;
    std::vector<std::int64_t> seen;
    auto p = sim.spawn(delayer(sim, seen, 3_ms, 250_us, 1_s));
    BOOST_TEST(!p.finished());
    sim.run();
    const std::vector<std::int64_t> expected{ns(3_ms), ns(3_ms + 250_us), ns(3_ms + 250_us + 1_s)};
    BOOST_TEST(seen == expected, boost::test_tools::per_element());
    BOOST_TEST(sim.now().count() == 1'003'250'000);
    BOOST_TEST(p.finished());
    BOOST_TEST(!p.failed());
    BOOST_TEST(sim.live_processes() == 0u);
}

BOOST_AUTO_TEST_CASE(simultaneous_wakeups_run_in_the_order_they_were_scheduled) {
    simulation sim;
    log_t log;
    // "split" is spawned first but schedules its wake-up for 5 ms only at t=2 ms, after "whole"
    // (t=0): at 5 ms "whole" runs first. c and d follow in spawn order.
    auto split = [](simulation& s, log_t& l) -> process {
        co_await s.delay(2_ms);
        co_await s.delay(3_ms);
        l.push_back(stamp(s, "split"));
    };
    sim.spawn(split(sim, log));
    sim.spawn(log_after(sim, log, "whole", 5_ms));
    sim.spawn(log_after(sim, log, "c", 5_ms));
    sim.spawn(log_after(sim, log, "d", 5_ms));
    sim.run();
    const log_t expected{"whole@5ms", "c@5ms", "d@5ms", "split@5ms"};
    BOOST_TEST(log == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(zero_delay_yields_to_events_already_scheduled_for_the_instant) {
    simulation sim;
    log_t log;
    auto yielder = [](simulation& s, log_t& l) -> process {
        l.push_back("y-before");
        co_await s.delay(duration::zero());
        l.push_back(stamp(s, "y-after"));
    };
    sim.spawn(yielder(sim, log));
    sim.spawn(log_after(sim, log, "other", duration::zero()));
    sim.run();
    // other's start was scheduled before y's zero-delay wake-up; other's own zero delay after it.
    const log_t expected{"y-before", "y-after@0ns", "other@0ns"};
    BOOST_TEST(log == expected, boost::test_tools::per_element());
    BOOST_TEST(sim.now().count() == 0);
}

BOOST_AUTO_TEST_CASE(schedule_priority_then_insertion_and_cancel) {
    simulation sim;
    log_t log;
    sim.schedule(2_ms, [&] { log.push_back("n1"); });
    sim.schedule(2_ms, [&] { log.push_back("low"); }, priority::low);
    sim.schedule(2_ms, [&] { log.push_back("high1"); }, priority::high);
    const event_handle doomed = sim.schedule(2_ms, [&] { log.push_back("cancelled"); });
    sim.schedule(2_ms, [&] { log.push_back("n2"); });
    sim.schedule(2_ms, [&] { log.push_back("high2"); }, priority::high);
    sim.schedule(2_ms, [&] { log.push_back("urgent"); }, priority::urgent);
    sim.schedule(1_ms, [&] { log.push_back("early-low"); }, priority::low);
    const event_handle late = sim.schedule_at(time_point::from_ns(ns(9_ms)), [&] { log.push_back("late"); });
    BOOST_TEST(sim.is_pending(doomed));
    BOOST_TEST(sim.cancel(doomed));
    BOOST_TEST(!sim.cancel(doomed));
    BOOST_TEST(!sim.is_pending(doomed));
    BOOST_TEST(sim.pending_events() == 8u);
    sim.run();
    const log_t expected{"early-low", "urgent", "high1", "high2", "n1", "n2", "low", "late"};
    BOOST_TEST(log == expected, boost::test_tools::per_element());
    BOOST_TEST(sim.now().count() == ns(9_ms));
    BOOST_TEST(sim.events_processed() == 8u);
    BOOST_TEST(!sim.cancel(late));  // already ran
    BOOST_TEST(!sim.cancel(event_handle{}));
}

// ---------------------------------------------------------------- events

BOOST_AUTO_TEST_CASE(trigger_wakes_waiters_in_waiting_order_at_the_trigger_time) {
    simulation sim;
    event ev(sim);
    log_t log;
    // spawn order w1, w2, w3; waiting order w2, w3 (t=0), then w1 (t=1 ms)
    sim.spawn(wait_event(sim, ev, log, "w1", 1_ms));
    sim.spawn(wait_event(sim, ev, log, "w2"));
    sim.spawn(wait_event(sim, ev, log, "w3"));
    std::size_t waiting_before = 0;
    sim.schedule(10_ms, [&] {
        waiting_before = ev.waiting();
        ev.trigger();
        log.push_back(stamp(sim, "trigger-returned"));  // waking never runs a waiter inline
    });
    sim.run();
    BOOST_TEST(waiting_before == 3u);
    BOOST_TEST(ev.waiting() == 0u);
    BOOST_TEST(ev.triggered());
    const log_t expected{"trigger-returned@10ms", "w2@10ms", "w3@10ms", "w1@10ms"};
    BOOST_TEST(log == expected, boost::test_tools::per_element());
    BOOST_TEST(sim.now().count() == ns(10_ms));
}

BOOST_AUTO_TEST_CASE(waiting_on_a_triggered_event_continues_at_once) {
    simulation sim;
    event ev(sim);
    ev.trigger();
    log_t log;
    auto waiter = [](simulation& s, event& e, log_t& l) -> process {
        co_await s.delay(4_ms);
        co_await e;  // no yield: "other", due at the same instant, must not run before
        l.push_back(stamp(s, "waiter"));
    };
    sim.spawn(waiter(sim, ev, log));
    sim.spawn(log_after(sim, log, "other", 4_ms));
    sim.run();
    const log_t expected{"waiter@4ms", "other@4ms"};
    BOOST_TEST(log == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(trigger_twice_throws_until_reset) {
    simulation sim;
    event ev(sim);
    BOOST_TEST(!ev.triggered());
    ev.trigger();
    BOOST_CHECK_THROW(ev.trigger(), std::logic_error);
    BOOST_TEST(ev.triggered());
    ev.reset();
    BOOST_TEST(!ev.triggered());
    BOOST_CHECK_NO_THROW(ev.trigger());
    BOOST_CHECK_THROW(ev.trigger(), std::logic_error);
}

BOOST_AUTO_TEST_CASE(reset_event_blocks_new_waiters_again) {
    simulation sim;
    event ev(sim);
    log_t log;
    ev.trigger();
    ev.reset();
    sim.spawn(wait_event(sim, ev, log, "w"));
    sim.schedule(6_ms, [&] { ev.trigger(); });
    sim.run();
    const log_t expected{"w@6ms"};
    BOOST_TEST(log == expected, boost::test_tools::per_element());
}

// ---------------------------------------------------------------- join and names

BOOST_AUTO_TEST_CASE(join_waits_for_the_child) {
    simulation sim;
    log_t log;
    auto parent = [](simulation& s, log_t& l) -> process {
        co_await s.delay(1_ms);
        process child = s.spawn(log_after(s, l, "child", 7_ms), "kid");
        BOOST_TEST(!child.finished());
        co_await child;
        BOOST_TEST(child.finished());
        l.push_back(stamp(s, "parent-joined"));
    };
    sim.spawn(parent(sim, log), "parent");
    sim.run();
    const log_t expected{"child@8ms", "parent-joined@8ms"};
    BOOST_TEST(log == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(joining_a_finished_process_continues_immediately) {
    simulation sim;
    log_t log;
    auto parent = [](simulation& s, log_t& l) -> process {
        process child = s.spawn(log_after(s, l, "child", 2_ms));
        co_await s.delay(5_ms);
        BOOST_TEST(child.finished());
        co_await child;  // no yield: "other", due at 5 ms too, comes after
        l.push_back(stamp(s, "joined"));
    };
    sim.spawn(parent(sim, log));
    sim.spawn(log_after(sim, log, "other", 5_ms));
    sim.run();
    const log_t expected{"child@2ms", "joined@5ms", "other@5ms"};
    BOOST_TEST(log == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(processes_spawn_named_grandchildren) {
    simulation sim;
    log_t log;
    struct fns {
        static process grandchild(simulation& s, log_t& l, duration d) {
            co_await s.delay(d);
            l.push_back(stamp(s, self_name(s)));
        }
        static process child(simulation& s, log_t& l, std::string tag) {
            l.push_back(stamp(s, self_name(s) + "-start"));
            process a = s.spawn(grandchild(s, l, 3_ms), tag + ".1");
            process b = s.spawn(grandchild(s, l, 1_ms), tag + ".2");
            co_await a;
            co_await b;
            l.push_back(stamp(s, self_name(s) + "-end"));
        }
        static process root(simulation& s, log_t& l) {
            process x = s.spawn(child(s, l, "A"), "A");
            co_await s.delay(10_ms);
            process y = s.spawn(child(s, l, "B"), "B");
            co_await x;
            co_await y;
            l.push_back(stamp(s, self_name(s)));
        }
    };
    process r = sim.spawn(fns::root(sim, log), "root");
    BOOST_TEST(r.name() == "root");
    BOOST_TEST(r.id() == 1u);
    sim.run();
    const log_t expected{"A-start@0ns", "A.2@1ms", "A.1@3ms", "A-end@3ms", "B-start@10ms",
                         "B.2@11ms",   "B.1@13ms", "B-end@13ms", "root@13ms"};
    BOOST_TEST(log == expected, boost::test_tools::per_element());
    BOOST_TEST(sim.live_processes() == 0u);
}

BOOST_AUTO_TEST_CASE(unnamed_processes_are_called_process_id) {
    simulation sim;
    log_t log;
    auto a = sim.spawn(log_after(sim, log, "a", 1_ms));
    auto b = sim.spawn(log_after(sim, log, "b", 1_ms), "named");
    auto c = sim.spawn(log_after(sim, log, "c", 1_ms), "");
    BOOST_TEST(a.name() == "process-1");
    BOOST_TEST(b.name() == "named");
    BOOST_TEST(c.name() == "process-3");
    BOOST_TEST(a.id() == 1u);
    BOOST_TEST(b.id() == 2u);
    BOOST_TEST(c.id() == 3u);
    BOOST_TEST(sim.live_processes() == 3u);
    process unspawned = log_after(sim, log, "never", 1_ms);
    BOOST_TEST(unspawned.valid());
    BOOST_TEST(!unspawned.started());
    BOOST_TEST(unspawned.id() == 0u);
    sim.run();
    BOOST_TEST(log.size() == 3u);  // the unspawned one never ran
    BOOST_TEST(sim.live_processes() == 0u);
}

// ---------------------------------------------------------------- any_of / all_of

BOOST_AUTO_TEST_CASE(any_of_returns_the_index_of_the_first_completed) {
    simulation sim;
    event e0(sim), e1(sim);
    std::vector<std::size_t> idx;
    std::vector<std::int64_t> when;
    struct local {
        static process nothing(simulation& s, duration d) { co_await s.delay(d); }
        static process run(simulation& s, event& a, event& b, std::vector<std::size_t>& i, std::vector<std::int64_t>& w) {
            i.push_back(co_await any_of(a, b));
            w.push_back(s.now().count());
            process child = s.spawn(nothing(s, 2_ms));
            event never(s);
            i.push_back(co_await any_of(never, child, timeout(1_s)));
            w.push_back(s.now().count());
            BOOST_TEST(never.waiting() == 0u);
        }
    };
    sim.spawn(local::run(sim, e0, e1, idx, when));
    sim.schedule(3_ms, [&] { e1.trigger(); });
    sim.schedule(5_ms, [&] { e0.trigger(); });
    sim.run();
    const std::vector<std::size_t> expected_idx{1, 1};
    const std::vector<std::int64_t> expected_when{ns(3_ms), ns(5_ms)};
    BOOST_TEST(idx == expected_idx, boost::test_tools::per_element());
    BOOST_TEST(when == expected_when, boost::test_tools::per_element());
    BOOST_TEST(e0.waiting() == 0u);  // the e0 wait was removed when e1 fired
    BOOST_TEST(sim.now().count() == ns(5_ms));  // the 1 s timeout was cancelled, never ran
}

BOOST_AUTO_TEST_CASE(any_of_timeout_expires_first_and_cleans_up_the_other_waits) {
    simulation sim;
    event ev(sim);
    log_t log;
    std::size_t waiting_after = 99;
    struct local {
        static process run(simulation& s, event& e, log_t& l, std::size_t& waiting_after) {
            const std::size_t i = co_await any_of(e, timeout(4_ms));
            l.push_back(stamp(s, "any_of=" + std::to_string(i)));
            waiting_after = e.waiting();
            co_await s.delay(10_ms);  // the trigger at 6 ms must not cut this short
            l.push_back(stamp(s, "after"));
        }
    };
    sim.spawn(local::run(sim, ev, log, waiting_after));
    sim.schedule(6_ms, [&] {
        ev.trigger();
        log.push_back(stamp(sim, "triggered"));
    });
    sim.run();
    const log_t expected{"any_of=1@4ms", "triggered@6ms", "after@14ms"};
    BOOST_TEST(log == expected, boost::test_tools::per_element());
    BOOST_TEST(waiting_after == 0u);
    BOOST_TEST(sim.now().count() == ns(14_ms));
}

BOOST_AUTO_TEST_CASE(any_of_timeout_and_event_at_the_same_instant_resume_once) {
    simulation sim;
    event ev(sim);
    log_t log;
    std::vector<std::size_t> waiting;
    struct local {
        static process run(simulation& s, event& e, log_t& l) {
            const std::size_t i = co_await any_of(e, timeout(4_ms));
            l.push_back(stamp(s, "any_of=" + std::to_string(i)));
            co_await s.delay(10_ms);  // a second wake-up from the event would end this early
            l.push_back(stamp(s, "after"));
        }
    };
    sim.spawn(local::run(sim, ev, log));
    // scheduled at 1 ms for 4 ms: after the timeout's timer (armed at 0), before the resumption
    sim.schedule(1_ms, [&] {
        sim.schedule(3_ms, [&] {
            waiting.push_back(ev.waiting());
            ev.trigger();
            log.push_back(stamp(sim, "triggered"));
        });
    });
    sim.run();
    const log_t expected{"triggered@4ms", "any_of=1@4ms", "after@14ms"};
    BOOST_TEST(log == expected, boost::test_tools::per_element());
    const std::vector<std::size_t> expected_waiting{0};  // the timeout already withdrew the wait
    BOOST_TEST(waiting == expected_waiting, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(any_of_with_an_already_complete_argument_returns_at_once) {
    simulation sim;
    event pending(sim), done(sim);
    done.trigger();
    log_t log;
    struct local {
        static process run(simulation& s, event& p, event& d, log_t& l) {
            co_await s.delay(2_ms);
            const std::size_t i = co_await any_of(p, timeout(5_ms), d);
            l.push_back(stamp(s, "any_of=" + std::to_string(i)));
            BOOST_TEST(p.waiting() == 0u);
            const bool all = co_await all_of(d, timeout(1_ms));
            l.push_back(stamp(s, std::string("all_of=") + (all ? "true" : "false")));
        }
    };
    sim.spawn(local::run(sim, pending, done, log));
    sim.spawn(log_after(sim, log, "other", 2_ms));
    sim.run();
    // no yield at all: "other", due at the same instant, comes last; no timer ever ran
    const log_t expected{"any_of=2@2ms", "all_of=true@2ms", "other@2ms"};
    BOOST_TEST(log == expected, boost::test_tools::per_element());
    BOOST_TEST(sim.now().count() == ns(2_ms));
}

BOOST_AUTO_TEST_CASE(all_of_true_when_all_complete_false_on_timeout) {
    simulation sim;
    event a(sim), b(sim), c(sim), d(sim), e(sim);
    log_t log;
    struct local {
        static process all_in_time(simulation& s, event& x, event& y, log_t& l) {
            const bool ok = co_await all_of(x, timeout(10_ms), y);
            l.push_back(stamp(s, std::string("first=") + (ok ? "true" : "false")));
        }
        static process too_slow(simulation& s, event& x, event& y, log_t& l) {
            const bool ok = co_await all_of(x, y, timeout(4_ms));
            l.push_back(stamp(s, std::string("second=") + (ok ? "true" : "false")));
            BOOST_TEST(y.waiting() == 0u);
        }
        static process no_timeout(simulation& s, event& x, event& y, log_t& l) {
            const bool ok = co_await all_of(x, y);
            l.push_back(stamp(s, std::string("third=") + (ok ? "true" : "false")));
        }
    };
    sim.spawn(local::all_in_time(sim, a, b, log));
    sim.spawn(local::too_slow(sim, c, d, log));
    sim.spawn(local::no_timeout(sim, a, e, log));
    sim.schedule(2_ms, [&] { b.trigger(); });
    sim.schedule(3_ms, [&] { c.trigger(); });
    sim.schedule(7_ms, [&] { a.trigger(); });
    sim.schedule(9_ms, [&] { e.trigger(); });
    sim.run();
    const log_t expected{"second=false@4ms", "first=true@7ms", "third=true@9ms"};
    BOOST_TEST(log == expected, boost::test_tools::per_element());
    BOOST_TEST(sim.now().count() == ns(9_ms));  // the 10 ms timeout was cancelled
    BOOST_TEST(!d.triggered());
}

BOOST_AUTO_TEST_CASE(any_of_all_of_reject_bad_arguments) {
    simulation sim;
    event ev(sim);
    log_t log;
    process unspawned = log_after(sim, log, "x", 1_ms);
    BOOST_CHECK_THROW((void)any_of(ev, unspawned), std::logic_error);
    BOOST_CHECK_THROW((void)any_of(ev, timeout(1_ms), timeout(2_ms)), std::invalid_argument);
    BOOST_CHECK_THROW((void)timeout(-1_ns), std::invalid_argument);
}

// ---------------------------------------------------------------- interrupts

BOOST_AUTO_TEST_CASE(interrupt_during_delay_throws_at_the_interrupt_time) {
    simulation sim;
    log_t log;
    struct local {
        static process victim(simulation& s, log_t& l) {
            try {
                co_await s.delay(10_ms);
                l.push_back(stamp(s, "not-interrupted"));
            } catch (const interrupted& e) {
                l.push_back(stamp(s, "caught:" + e.cause()));
                BOOST_TEST(std::string(e.what()) == "interrupted: stop");
            }
            co_await s.delay(20_ms);  // the cancelled 10 ms timer must not end this early
            l.push_back(stamp(s, "done"));
        }
    };
    process v = sim.spawn(local::victim(sim, log), "victim");
    sim.schedule(3_ms, [&] { v.interrupt("stop"); });
    sim.run();
    const log_t expected{"caught:stop@3ms", "done@23ms"};
    BOOST_TEST(log == expected, boost::test_tools::per_element());
    BOOST_TEST(sim.now().count() == ns(23_ms));
    BOOST_TEST(v.finished());
    BOOST_TEST(!v.failed());
}

BOOST_AUTO_TEST_CASE(uncaught_interrupt_fails_the_process) {
    simulation sim;
    log_t log;
    process v = sim.spawn(log_after(sim, log, "never", 10_ms), "sleeper");
    sim.schedule(4_ms, [&] { v.interrupt("wake up"); });
    BOOST_CHECK_EXCEPTION(sim.run(), process_error, [](const process_error& e) {
        return what_contains(e, "sleeper") && what_contains(e, "t=4ms") && what_contains(e, "interrupted: wake up");
    });
    BOOST_TEST(log.empty());
    BOOST_TEST(v.failed());
}

BOOST_AUTO_TEST_CASE(interrupt_removes_a_waiter_from_an_event) {
    simulation sim;
    event ev(sim);
    log_t log;
    struct local {
        static process victim(simulation& s, event& e, log_t& l) {
            try {
                co_await e;
                l.push_back(stamp(s, "woken"));
            } catch (const interrupted& x) {
                l.push_back(stamp(s, "caught:" + x.cause()));
            }
            co_await s.delay(10_ms);
            l.push_back(stamp(s, "done"));
        }
    };
    process v = sim.spawn(local::victim(sim, ev, log));
    sim.spawn(wait_event(sim, ev, log, "bystander"));
    std::vector<std::size_t> waiting;
    sim.schedule(2_ms, [&] {
        waiting.push_back(ev.waiting());
        v.interrupt("bored");
        waiting.push_back(ev.waiting());
    });
    sim.schedule(5_ms, [&] { ev.trigger(); });
    sim.run();
    const std::vector<std::size_t> expected_waiting{2, 1};
    BOOST_TEST(waiting == expected_waiting, boost::test_tools::per_element());
    const log_t expected{"caught:bored@2ms", "bystander@5ms", "done@12ms"};
    BOOST_TEST(log == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(interrupt_removes_a_waiter_from_a_resource_queue) {
    simulation sim;
    resource r(sim, 1);
    log_t log;
    struct local {
        static process holder(simulation& s, resource& res, log_t& l) {
            auto slot = co_await res.acquire();
            co_await s.delay(10_ms);
            l.push_back(stamp(s, "holder-release"));
        }
        static process victim(simulation& s, resource& res, log_t& l, std::string tag) {
            co_await s.delay(1_ms);
            try {
                auto slot = co_await res.acquire();
                l.push_back(stamp(s, tag + "-got"));
                co_await s.delay(1_ms);
            } catch (const interrupted& x) {
                l.push_back(stamp(s, tag + "-caught:" + x.cause()));
            }
        }
    };
    sim.spawn(local::holder(sim, r, log));
    process v = sim.spawn(local::victim(sim, r, log, "victim"));
    sim.spawn(local::victim(sim, r, log, "next"));
    std::vector<std::size_t> queue;
    sim.schedule(3_ms, [&] {
        queue.push_back(r.queue_length());
        v.interrupt("give up");
        queue.push_back(r.queue_length());
    });
    sim.run();
    const std::vector<std::size_t> expected_queue{2, 1};
    BOOST_TEST(queue == expected_queue, boost::test_tools::per_element());
    const log_t expected{"victim-caught:give up@3ms", "holder-release@10ms", "next-got@10ms"};
    BOOST_TEST(log == expected, boost::test_tools::per_element());
    BOOST_TEST(r.in_use() == 0);
    BOOST_TEST(sim.now().count() == ns(11_ms));
}

BOOST_AUTO_TEST_CASE(interrupt_after_the_wait_was_satisfied_is_delivered_at_the_next_await) {
    simulation sim;
    resource r(sim, 1);
    log_t log;
    std::vector<std::int64_t> in_use;
    process waiter;
    struct local {
        static process holder(simulation& s, resource& res, process& w, log_t& l) {
            auto slot = co_await res.acquire();
            co_await s.delay(10_ms);
            slot.release();      // the waiter is granted the unit now, its wake-up scheduled
            w.interrupt("late");  // too late to take the wait back
            l.push_back(stamp(s, "holder-done"));
        }
        static process waiter(simulation& s, resource& res, log_t& l, std::vector<std::int64_t>& iu) {
            co_await s.delay(1_ms);
            auto slot = co_await res.acquire();
            l.push_back(stamp(s, std::string("got:") + (slot.held() ? "held" : "empty")));
            iu.push_back(res.in_use());
            try {
                co_await s.delay(5_ms);
                l.push_back(stamp(s, "not-interrupted"));
            } catch (const interrupted& x) {
                l.push_back(stamp(s, "caught:" + x.cause()));
            }
            iu.push_back(res.in_use());
        }
    };
    sim.spawn(local::holder(sim, r, waiter, log));
    waiter = sim.spawn(local::waiter(sim, r, log, in_use));
    sim.run();
    const log_t expected{"holder-done@10ms", "got:held@10ms", "caught:late@10ms"};
    BOOST_TEST(log == expected, boost::test_tools::per_element());
    const std::vector<std::int64_t> expected_in_use{1, 1};
    BOOST_TEST(in_use == expected_in_use, boost::test_tools::per_element());
    BOOST_TEST(r.in_use() == 0);  // released when the waiter ended
    BOOST_TEST(sim.now().count() == ns(10_ms));
}

BOOST_AUTO_TEST_CASE(interrupt_of_a_triggered_event_waiter_is_delivered_later) {
    simulation sim;
    event ev(sim);
    log_t log;
    struct local {
        static process victim(simulation& s, event& e, log_t& l) {
            co_await e;
            l.push_back(stamp(s, "woken"));
            try {
                co_await s.delay(3_ms);
                l.push_back(stamp(s, "not-interrupted"));
            } catch (const interrupted& x) {
                l.push_back(stamp(s, "caught:" + x.cause()));
            }
        }
    };
    process v = sim.spawn(local::victim(sim, ev, log));
    sim.schedule(2_ms, [&] {
        ev.trigger();
        v.interrupt("x");
    });
    sim.run();
    const log_t expected{"woken@2ms", "caught:x@2ms"};
    BOOST_TEST(log == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(two_interrupts_before_delivery_keep_their_causes_in_order) {
    simulation sim;
    log_t log;
    struct local {
        static process victim(simulation& s, log_t& l) {
            for (int i = 0; i < 3; ++i) {
                try {
                    co_await s.delay(10_ms);
                    l.push_back(stamp(s, "slept"));
                } catch (const interrupted& x) {
                    l.push_back(stamp(s, "caught:" + x.cause()));
                }
            }
        }
    };
    process v = sim.spawn(local::victim(sim, log));
    sim.schedule(2_ms, [&] {
        v.interrupt("first");
        v.interrupt("second");
    });
    sim.run();
    // SimPy delivers both, each with its own cause
    const log_t expected{"caught:first@2ms", "caught:second@2ms", "slept@12ms"};
    BOOST_TEST(log == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(interrupting_a_finished_or_unspawned_process_throws) {
    simulation sim;
    log_t log;
    process p = sim.spawn(log_after(sim, log, "p", 1_ms));
    sim.run();
    BOOST_TEST(p.finished());
    BOOST_CHECK_THROW(p.interrupt("too late"), std::logic_error);
    process unspawned = log_after(sim, log, "q", 1_ms);
    BOOST_CHECK_THROW(unspawned.interrupt(), std::logic_error);
    process empty;
    BOOST_CHECK_THROW(empty.interrupt(), std::logic_error);
}

// ---------------------------------------------------------------- failures

BOOST_AUTO_TEST_CASE(an_exception_in_a_process_stops_the_run_with_process_error) {
    simulation sim;
    log_t log;
    struct local {
        static process thrower(simulation& s) {
            co_await s.delay(5_ms);
            throw std::runtime_error("boom");
        }
    };
    process t = sim.spawn(local::thrower(sim), "worker-7");
    sim.spawn(log_after(sim, log, "later", 6_ms));
    bool caught = false;
    try {
        sim.run();
    } catch (const process_error& e) {
        caught = true;
        const std::string what = e.what();
        BOOST_TEST(what_contains(e, "worker-7"));
        BOOST_TEST(what_contains(e, "t=5ms"));
        BOOST_TEST(what_contains(e, "boom"));
        BOOST_TEST(what == "process 'worker-7' failed at t=5ms: boom");
        BOOST_TEST(e.process_name() == "worker-7");
        BOOST_TEST(e.when().count() == ns(5_ms));
        BOOST_CHECK_EXCEPTION(e.rethrow_nested(), std::runtime_error,
                              [](const std::runtime_error& inner) { return std::string(inner.what()) == "boom"; });
    }
    BOOST_TEST(caught);
    BOOST_TEST(t.failed());
    BOOST_TEST(t.finished());
    BOOST_TEST(sim.now().count() == ns(5_ms));
    BOOST_TEST(log.empty());  // the run stopped before 6 ms
    sim.run();                 // the rest of the model can continue
    const log_t expected{"later@6ms"};
    BOOST_TEST(log == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(an_unnamed_failing_process_is_named_by_id) {
    simulation sim;
    struct local {
        static process thrower(simulation& s) {
            co_await s.delay(1500_us);
            throw 42;  // not a std::exception
        }
    };
    sim.spawn(local::thrower(sim));
    BOOST_CHECK_EXCEPTION(sim.run(), process_error, [](const process_error& e) {
        return what_contains(e, "'process-1'") && what_contains(e, "t=1.5ms") && what_contains(e, "not derived");
    });
}

// ---------------------------------------------------------------- bad input

BOOST_AUTO_TEST_CASE(negative_delays_and_past_times_are_rejected) {
    simulation sim;
    BOOST_CHECK_THROW((void)sim.delay(-1_ms), std::invalid_argument);
    BOOST_CHECK_THROW(sim.schedule(-1_ms, [] {}), std::invalid_argument);
    BOOST_CHECK_THROW(sim.schedule(-1_ns, [] {}), std::invalid_argument);
    BOOST_CHECK_NO_THROW(sim.schedule(duration::zero(), [] {}));
    sim.run_until(time_point::from_ns(ns(5_ms)));
    BOOST_TEST(sim.now().count() == ns(5_ms));
    BOOST_CHECK_THROW(sim.schedule_at(time_point::from_ns(ns(5_ms) - 1), [] {}), std::invalid_argument);
    BOOST_CHECK_NO_THROW(sim.schedule_at(time_point::from_ns(ns(5_ms)), [] {}));
    BOOST_CHECK_THROW(sim.run_until(time_point::from_ns(ns(4_ms))), std::invalid_argument);
    BOOST_TEST(sim.pending_events() == 1u);

    // inside a process: negative delay throws there and fails the process
    simulation sim2;
    struct local {
        static process bad(simulation& s) { co_await s.delay(-1_ms); }
    };
    sim2.spawn(local::bad(sim2), "neg");
    BOOST_CHECK_EXCEPTION(sim2.run(), process_error,
                          [](const process_error& e) { return what_contains(e, "negative delay"); });
}

BOOST_AUTO_TEST_CASE(awaiting_outside_a_process_is_a_logic_error) {
    simulation sim;
    event ev(sim);
    resource r(sim, 1);
    struct local {
        static bare_task on_delay(simulation& s) { co_await s.delay(1_ms); }
        static bare_task on_event(event& e) { co_await e; }
        static bare_task on_resource(resource& res) { auto slot = co_await res.acquire(); }
        static bare_task on_any(event& e) { (void)co_await any_of(e, timeout(1_ms)); }
    };
    const auto check = [](const bare_task& t) {
        BOOST_REQUIRE(t.h.done());
        BOOST_REQUIRE(t.h.promise().error != nullptr);
        BOOST_CHECK_THROW(std::rethrow_exception(t.h.promise().error), std::logic_error);
    };
    check(local::on_delay(sim));
    check(local::on_event(ev));
    check(local::on_resource(r));
    check(local::on_any(ev));
    BOOST_TEST(sim.pending_events() == 0u);  // nothing was scheduled
    BOOST_TEST(ev.waiting() == 0u);
    BOOST_TEST(r.in_use() == 0);
}

BOOST_AUTO_TEST_CASE(spawning_twice_or_an_empty_handle_throws) {
    simulation sim;
    log_t log;
    process p = sim.spawn(log_after(sim, log, "p", 1_ms));
    BOOST_CHECK_THROW(sim.spawn(p), std::logic_error);
    BOOST_CHECK_THROW(sim.spawn(process{}), std::invalid_argument);
    process unspawned = log_after(sim, log, "q", 1_ms);
    BOOST_CHECK_THROW((void)unspawned.operator co_await(), std::logic_error);
    sim.run();
    const log_t expected{"p@1ms"};  // ran once
    BOOST_TEST(log == expected, boost::test_tools::per_element());
    BOOST_CHECK_THROW(sim.spawn(p), std::logic_error);  // finished: still not spawnable again
    // a process spawned in another simulation cannot be spawned here either
    simulation other;
    process q = other.spawn(log_after(other, log, "q", 1_ms));
    BOOST_CHECK_THROW(sim.spawn(q), std::logic_error);
}

// ---------------------------------------------------------------- teardown

namespace {

struct teardown_model {
    struct fns {
        static process holder(simulation& s, resource& r, int& live) {
            tracker t(live);
            auto slot = co_await r.acquire();
            co_await s.delay(1_h);
        }
        static process resource_waiter(simulation& s, resource& r, int& live) {
            tracker t(live);
            co_await s.delay(1_ms);
            auto slot = co_await r.acquire();
            co_await s.delay(1_h);
        }
        static process event_waiter(event& e, int& live) {
            tracker t(live);
            co_await e;
        }
        static process any_waiter(event& e, int& live) {
            tracker t(live);
            (void)co_await any_of(e, timeout(1_h));
        }
        static process getter(store<std::unique_ptr<int>>& st, int& live) {
            tracker t(live);
            auto item = co_await st.get();
        }
        static process putter(store<std::unique_ptr<int>>& st, int v, int& live) {
            tracker t(live);
            co_await st.put(std::make_unique<int>(v));  // blocks: the store is full
        }
        static process container_getter(container& c, int& live) {
            tracker t(live);
            co_await c.get(5);
        }
        static process joiner(process other, int& live) {
            tracker t(live);
            co_await other;
        }
        static process sleeper(simulation& s, int& live) {
            tracker t(live);
            auto owned = std::make_unique<std::string>("frame-owned");
            co_await s.delay(1_h);
        }
    };

    // kernel objects after the simulation, as users declare them
    simulation sim;
    resource r{sim, 1};
    event ev{sim};
    store<std::unique_ptr<int>> empty_store{sim, 2};
    store<std::unique_ptr<int>> full_store{sim, 1};
    container level{sim, 10, 1};
    token_bucket bucket{sim, 1_s, 1};

    explicit teardown_model(int& live) {
        (void)full_store.try_put(std::make_unique<int>(1));
        sim.spawn(fns::holder(sim, r, live));
        sim.spawn(fns::resource_waiter(sim, r, live));
        sim.spawn(fns::resource_waiter(sim, r, live));
        sim.spawn(fns::event_waiter(ev, live));
        sim.spawn(fns::any_waiter(ev, live));
        sim.spawn(fns::getter(empty_store, live));
        sim.spawn(fns::putter(full_store, 2, live));
        sim.spawn(fns::putter(full_store, 3, live));
        sim.spawn(fns::container_getter(level, live));
        process s = sim.spawn(fns::sleeper(sim, live));
        sim.spawn(fns::joiner(s, live));
        struct taker {
            static process run(token_bucket& b, int& live) {
                tracker t(live);
                co_await b.take();
                co_await b.take();  // waits 1 s
            }
        };
        sim.spawn(taker::run(bucket, live));
        sim.run_until(time_point::from_ns(ns(10_ms)));
    }
};

} // namespace

BOOST_AUTO_TEST_CASE(end_processes_releases_what_suspended_processes_hold) {
    int live = 0;
    teardown_model m(live);
    BOOST_TEST(live == 12);
    BOOST_TEST(m.sim.live_processes() == 12u);
    BOOST_TEST(m.r.in_use() == 1);
    BOOST_TEST(m.r.queue_length() == 2u);
    BOOST_TEST(m.ev.waiting() == 2u);
    BOOST_TEST(m.empty_store.getters_waiting() == 1u);
    BOOST_TEST(m.full_store.putters_waiting() == 2u);
    BOOST_TEST(m.level.getters_waiting() == 1u);
    m.sim.end_processes();
    BOOST_TEST(live == 0);
    BOOST_TEST(m.sim.live_processes() == 0u);
    BOOST_TEST(m.r.in_use() == 0);  // the holder's RAII slot went back
    BOOST_TEST(m.r.queue_length() == 0u);
    BOOST_TEST(m.ev.waiting() == 0u);
    BOOST_TEST(m.empty_store.getters_waiting() == 0u);
    BOOST_TEST(m.full_store.putters_waiting() == 0u);
    BOOST_TEST(m.full_store.size() == 1u);
    BOOST_TEST(m.level.getters_waiting() == 0u);
    // whatever the teardown scheduled is harmless: the ended processes never run again
    m.sim.run();
    BOOST_TEST(live == 0);
    BOOST_TEST(m.r.in_use() == 0);
}

BOOST_AUTO_TEST_CASE(destroying_the_simulation_with_suspended_processes_leaks_nothing) {
    int live = 0;
    {
        teardown_model m(live);
        BOOST_TEST(live == 12);
    }
    BOOST_TEST(live == 0);  // every frame was destroyed (LeakSanitizer checks the rest)

    // only delays and joins pending: the simulation's destructor ends them
    {
        simulation sim;
        for (int i = 0; i < 3; ++i) sim.spawn(teardown_model::fns::sleeper(sim, live));
        sim.run_until(time_point::from_ns(ns(1_s)));
        BOOST_TEST(live == 3);
    }
    BOOST_TEST(live == 0);

    // never started: spawned but not run, and created but never spawned
    {
        simulation sim;
        sim.spawn(teardown_model::fns::sleeper(sim, live));
        process loose = teardown_model::fns::sleeper(sim, live);
        BOOST_TEST(live == 0);  // bodies have not begun
    }
    BOOST_TEST(live == 0);
}

// ---------------------------------------------------------------- determinism

namespace {

std::uint64_t model_hash(bool one_more_event) {
    simulation sim(7);
    resource r(sim, 2);
    store<int> st(sim, 3);
    event go(sim);
    struct fns {
        static process worker(simulation& s, resource& res, store<int>& out, event& g, int id) {
            co_await g;
            for (int k = 0; k < 3; ++k) {
                auto slot = co_await res.acquire();
                co_await s.delay(duration::milliseconds(1 + (id * 7 + k) % 5));
                co_await out.put(id * 10 + k);
            }
        }
        static process consumer(simulation& s, store<int>& in) {
            for (int k = 0; k < 12; ++k) {
                const int v = co_await in.get();
                s.trace().record(s.now(), "item", static_cast<std::uint64_t>(v));
                co_await s.delay(2_ms);
            }
        }
    };
    for (int i = 0; i < 4; ++i) sim.spawn(fns::worker(sim, r, st, go, i));
    sim.spawn(fns::consumer(sim, st));
    sim.schedule(3_ms, [&] { go.trigger(); });
    if (one_more_event) sim.schedule(4_ms, [] {});
    sim.run();
    BOOST_TEST(sim.live_processes() == 0u);
    BOOST_TEST(sim.trace().records() == 12u);
    return sim.trace().hash();
}

} // namespace

BOOST_AUTO_TEST_CASE(same_model_same_trace_hash) {
    const std::uint64_t a = model_hash(false);
    const std::uint64_t b = model_hash(false);
    const std::uint64_t c = model_hash(true);
    BOOST_TEST(a == b);
    BOOST_TEST(a != c);
    BOOST_TEST(a != simulation{}.trace_hash());
}

BOOST_AUTO_TEST_SUITE_END()
