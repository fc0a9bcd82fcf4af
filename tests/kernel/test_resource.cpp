// Shared kernel objects processes wait for: resource (FIFO and priority, RAII slots, capacity
// changes), store<T> (blocking put/get, overflow policies, move-only items), container and
// token_bucket — exact virtual times and service orders.
#include <boost/test/unit_test.hpp>

#include <surge/process.hpp>
#include <surge/resource.hpp>
#include <surge/simulation.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

using namespace surge;
using namespace surge::literals;

namespace surge {
// How Boost.Test prints a put_result in a failed check (found by argument-dependent lookup).
inline std::ostream& boost_test_print_type(std::ostream& os, put_result r) {
    switch (r) {
    case put_result::accepted: return os << "accepted";
    case put_result::rejected: return os << "rejected";
    case put_result::dropped_oldest: return os << "dropped_oldest";
    case put_result::dropped_newest: return os << "dropped_newest";
    }
    return os << "put_result(?)";
}
} // namespace surge

namespace {

using log_t = std::vector<std::string>;

std::string stamp(const simulation& sim, const std::string& tag) { return tag + "@" + to_string(sim.now()); }

constexpr std::int64_t ns(duration d) { return d.count(); }

template <class E>
bool what_contains(const E& e, const std::string& part) {
    return std::string(e.what()).find(part) != std::string::npos;
}

template <class T>
std::vector<T> contents(const store<T>& s) {
    return std::vector<T>(s.items().begin(), s.items().end());
}

process job(simulation& sim, resource& r, duration service, std::vector<std::int64_t>& finish, std::size_t i) {
    auto slot = co_await r.acquire();
    co_await sim.delay(service);
    finish[i] = sim.now().count();
}

process prio_job(simulation& sim, resource& r, std::string tag, std::int32_t prio, duration arrive, log_t& log) {
    co_await sim.delay(arrive);
    auto slot = co_await r.acquire(prio);
    log.push_back(stamp(sim, tag));
    co_await sim.delay(1_ms);
}

} // namespace

BOOST_AUTO_TEST_SUITE(resource_tests)

// ---------------------------------------------------------------- resource

BOOST_AUTO_TEST_CASE(fifo_capacity_two_five_jobs) {
    simulation sim;
    resource r(sim, 2);
    std::vector<std::int64_t> finish(5, -1);
    for (std::size_t i = 0; i < 5; ++i) sim.spawn(job(sim, r, 10_ms, finish, i));
    std::int64_t in_use_at_0 = -1;
    std::size_t queue_at_0 = 99;
    sim.schedule(duration::zero(), [&] {
        in_use_at_0 = r.in_use();
        queue_at_0 = r.queue_length();
    }, priority::low);
    sim.run();
    const std::vector<std::int64_t> expected{ns(10_ms), ns(10_ms), ns(20_ms), ns(20_ms), ns(30_ms)};
    BOOST_TEST(finish == expected, boost::test_tools::per_element());
    BOOST_TEST(in_use_at_0 == 2);
    BOOST_TEST(queue_at_0 == 3u);
    BOOST_TEST(r.in_use() == 0);
    BOOST_TEST(r.available() == 2);
    BOOST_TEST(sim.now().count() == ns(30_ms));
}

BOOST_AUTO_TEST_CASE(priority_discipline_serves_lower_prio_first_fifo_among_equals) {
    const auto run = [](resource::discipline d) {
        simulation sim;
        resource r(sim, 1, d);
        log_t log;
        sim.spawn(prio_job(sim, r, "holder", 0, duration::zero(), log));  // holds [0, 1ms)
        sim.spawn(prio_job(sim, r, "a5", 5, 100_us, log));
        sim.spawn(prio_job(sim, r, "b1", 1, 200_us, log));
        sim.spawn(prio_job(sim, r, "c5", 5, 300_us, log));
        sim.spawn(prio_job(sim, r, "d1", 1, 400_us, log));
        sim.spawn(prio_job(sim, r, "e0", 0, 500_us, log));
        sim.spawn(prio_job(sim, r, "f-1", -1, 500_us, log));
        sim.run();
        return log;
    };
    const log_t by_prio{"holder@0ns", "f-1@1ms", "e0@2ms", "b1@3ms", "d1@4ms", "a5@5ms", "c5@6ms"};
    const log_t fifo{"holder@0ns", "a5@1ms", "b1@2ms", "c5@3ms", "d1@4ms", "e0@5ms", "f-1@6ms"};
    const log_t got_prio = run(resource::discipline::priority);
    const log_t got_fifo = run(resource::discipline::fifo);
    BOOST_TEST(got_prio == by_prio, boost::test_tools::per_element());
    BOOST_TEST(got_fifo == fifo, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(try_acquire_and_slot_release) {
    simulation sim;
    resource r(sim, 2);
    resource::slot a = r.try_acquire();
    resource::slot b = r.try_acquire();
    resource::slot c = r.try_acquire();
    BOOST_TEST(a.held());
    BOOST_TEST(b.held());
    BOOST_TEST(!c.held());
    BOOST_TEST(!static_cast<bool>(c));
    BOOST_TEST(r.in_use() == 2);
    BOOST_TEST(r.available() == 0);
    a.release();
    BOOST_TEST(!a.held());
    BOOST_TEST(r.in_use() == 1);
    a.release();  // twice is harmless
    BOOST_TEST(r.in_use() == 1);
    {
        resource::slot moved = std::move(b);
        BOOST_TEST(!b.held());  // NOLINT(bugprone-use-after-move): moved-from is empty by contract
        BOOST_TEST(moved.held());
        BOOST_TEST(r.in_use() == 1);
    }
    BOOST_TEST(r.in_use() == 0);  // released at scope exit
    c = r.try_acquire();
    BOOST_TEST(c.held());
    c = resource::slot{};  // move-assigning releases the old unit
    BOOST_TEST(r.in_use() == 0);
}

BOOST_AUTO_TEST_CASE(slots_release_on_scope_exit_and_release_in_processes) {
    simulation sim;
    resource r(sim, 1);
    log_t log;
    struct local {
        static process scoped(simulation& s, resource& res, log_t& l) {
            {
                auto slot = co_await res.acquire();
                co_await s.delay(3_ms);
            }  // released here, at 3 ms
            l.push_back(stamp(s, "scoped-left:" + std::to_string(res.in_use())));
            co_await s.delay(10_ms);
        }
        static process explicit_release(simulation& s, resource& res, log_t& l) {
            auto slot = co_await res.acquire();
            l.push_back(stamp(s, "explicit-got"));
            co_await s.delay(2_ms);
            slot.release();
            l.push_back(stamp(s, "explicit-released:" + std::to_string(res.in_use())));
            co_await s.delay(10_ms);  // still alive, slot empty
        }
        static process third(simulation& s, resource& res, log_t& l) {
            auto slot = co_await res.acquire();
            l.push_back(stamp(s, "third-got"));
        }
    };
    sim.spawn(local::scoped(sim, r, log));
    sim.spawn(local::explicit_release(sim, r, log));
    sim.spawn(local::third(sim, r, log));
    sim.run();
    const log_t expected{"scoped-left:1@3ms", "explicit-got@3ms", "explicit-released:1@5ms", "third-got@5ms"};
    BOOST_TEST(log == expected, boost::test_tools::per_element());
    BOOST_TEST(r.in_use() == 0);
}

BOOST_AUTO_TEST_CASE(set_capacity_up_serves_waiters_at_once) {
    simulation sim;
    resource r(sim, 1);
    std::vector<std::int64_t> finish(4, -1);
    for (std::size_t i = 0; i < 4; ++i) sim.spawn(job(sim, r, 100_ms, finish, i));
    sim.schedule(10_ms, [&] { r.set_capacity(3); });
    sim.run();
    // job 0 from 0; jobs 1 and 2 from 10 ms; job 3 when job 0 leaves at 100 ms
    const std::vector<std::int64_t> expected{ns(100_ms), ns(110_ms), ns(110_ms), ns(200_ms)};
    BOOST_TEST(finish == expected, boost::test_tools::per_element());
    BOOST_TEST(r.capacity() == 3);
}

BOOST_AUTO_TEST_CASE(set_capacity_down_lets_units_in_use_drain) {
    simulation sim;
    resource r(sim, 3);
    log_t log;
    struct local {
        static process hold(simulation& s, resource& res, duration d) {
            auto slot = co_await res.acquire();
            co_await s.delay(d);
        }
        static process late(simulation& s, resource& res, log_t& l) {
            co_await s.delay(6_ms);
            auto slot = co_await res.acquire();
            l.push_back(stamp(s, "late-got"));
        }
    };
    sim.spawn(local::hold(sim, r, 10_ms));
    sim.spawn(local::hold(sim, r, 20_ms));
    sim.spawn(local::hold(sim, r, 30_ms));
    sim.spawn(local::late(sim, r, log));
    std::vector<std::int64_t> observed;
    sim.schedule(5_ms, [&] {
        r.set_capacity(1);
        observed.push_back(r.in_use());
        observed.push_back(r.available());
    });
    sim.schedule(25_ms, [&] { observed.push_back(r.in_use()); });
    sim.run();
    const log_t expected{"late-got@30ms"};
    BOOST_TEST(log == expected, boost::test_tools::per_element());
    const std::vector<std::int64_t> expected_observed{3, 0, 1};
    BOOST_TEST(observed == expected_observed, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(resource_capacity_must_be_positive) {
    simulation sim;
    BOOST_CHECK_EXCEPTION(resource(sim, 0), std::invalid_argument,
                          [](const std::invalid_argument& e) { return what_contains(e, "capacity"); });
    BOOST_CHECK_THROW(resource(sim, -3), std::invalid_argument);
    resource r(sim, 2);
    BOOST_CHECK_EXCEPTION(r.set_capacity(0), std::invalid_argument,
                          [](const std::invalid_argument& e) { return what_contains(e, "capacity"); });
    BOOST_TEST(r.capacity() == 2);
}

// ---------------------------------------------------------------- store

BOOST_AUTO_TEST_CASE(store_capacity_zero_throws) {
    simulation sim;
    BOOST_CHECK_EXCEPTION(store<int>(sim, 0), std::invalid_argument,
                          [](const std::invalid_argument& e) { return what_contains(e, "capacity"); });
    BOOST_CHECK_NO_THROW(store<int>(sim, store<int>::unbounded));
}

BOOST_AUTO_TEST_CASE(blocking_get_waits_for_put_fifo_among_getters) {
    simulation sim;
    store<std::string> st(sim, 10);
    log_t log;
    struct local {
        static process getter(simulation& s, store<std::string>& q, log_t& l, std::string tag, duration arrive) {
            co_await s.delay(arrive);
            const std::string v = co_await q.get();
            l.push_back(stamp(s, tag + ":" + v));
        }
    };
    sim.spawn(local::getter(sim, st, log, "g1", 1_ms));
    sim.spawn(local::getter(sim, st, log, "g2", 2_ms));
    sim.spawn(local::getter(sim, st, log, "g3", 3_ms));
    std::size_t waiting = 0;
    sim.schedule(5_ms, [&] {
        waiting = st.getters_waiting();
        BOOST_TEST(st.try_put("x") == put_result::accepted);
        BOOST_TEST(st.try_put("y") == put_result::accepted);
        BOOST_TEST(st.size() == 0u);  // handed straight to the waiting getters
    });
    sim.schedule(8_ms, [&] { (void)st.try_put("z"); });
    sim.run();
    BOOST_TEST(waiting == 3u);
    const log_t expected{"g1:x@5ms", "g2:y@5ms", "g3:z@8ms"};
    BOOST_TEST(log == expected, boost::test_tools::per_element());
    BOOST_TEST(st.empty());
}

BOOST_AUTO_TEST_CASE(blocking_put_waits_when_full_served_in_order) {
    simulation sim;
    store<int> st(sim, 2);
    log_t log;
    struct local {
        static process producer(simulation& s, store<int>& q, log_t& l, int first, int n) {
            for (int v = first; v < first + n; ++v) {
                co_await q.put(v);
                l.push_back(stamp(s, "put" + std::to_string(v)));
            }
        }
        static process consumer(simulation& s, store<int>& q, log_t& l) {
            co_await s.delay(10_ms);
            for (int k = 0; k < 6; ++k) {
                const int v = co_await q.get();
                l.push_back(stamp(s, "get" + std::to_string(v)));
                co_await s.delay(10_ms);
            }
        }
    };
    sim.spawn(local::producer(sim, st, log, 1, 3));    // 1, 2 fit; 3 blocks
    sim.spawn(local::producer(sim, st, log, 10, 2));   // 10 blocks behind 3
    sim.spawn(local::consumer(sim, st, log));
    std::vector<std::int64_t> at_5ms;
    sim.schedule(5_ms, [&] {
        at_5ms = {static_cast<std::int64_t>(st.putters_waiting()), static_cast<std::int64_t>(st.size())};
    });
    sim.run();
    const std::vector<std::int64_t> expected_5ms{2, 2};
    BOOST_TEST(at_5ms == expected_5ms, boost::test_tools::per_element());
    const log_t expected{"put1@0ns",  "put2@0ns",  "get1@10ms", "put3@10ms", "get2@20ms", "put10@20ms",
                         "get3@30ms", "put11@30ms", "get10@40ms", "get11@50ms"};
    BOOST_TEST(log == expected, boost::test_tools::per_element());
    BOOST_TEST(st.empty());
    BOOST_TEST(st.putters_waiting() == 0u);
}

BOOST_AUTO_TEST_CASE(try_get_makes_room_for_a_blocked_putter) {
    simulation sim;
    store<int> st(sim, 1);
    log_t log;
    struct local {
        static process putter(simulation& s, store<int>& q, log_t& l) {
            co_await q.put(1);
            co_await q.put(2);
            l.push_back(stamp(s, "put2"));
        }
    };
    sim.spawn(local::putter(sim, st, log));
    std::optional<int> got;
    std::vector<int> after;
    sim.schedule(4_ms, [&] {
        got = st.try_get();
        after = contents(st);  // the blocked item moved in at once
    });
    sim.run();
    BOOST_TEST(got.has_value());
    BOOST_TEST(got.value_or(-1) == 1);
    const std::vector<int> expected_after{2};
    BOOST_TEST(after == expected_after, boost::test_tools::per_element());
    const log_t expected{"put2@4ms"};
    BOOST_TEST(log == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(try_put_overflow_policies) {
    simulation sim;
    store<int> st(sim, 3);
    BOOST_TEST(st.try_put(1) == put_result::accepted);
    BOOST_TEST(st.try_put(2, overflow_policy::drop_oldest) == put_result::accepted);
    BOOST_TEST(st.try_put(3, overflow_policy::drop_newest) == put_result::accepted);
    BOOST_TEST(st.full());

    BOOST_TEST(st.try_put(4) == put_result::rejected);  // reject is the default
    BOOST_TEST(st.try_put(5, overflow_policy::reject) == put_result::rejected);
    BOOST_TEST(contents(st) == (std::vector<int>{1, 2, 3}), boost::test_tools::per_element());
    BOOST_TEST(st.rejected() == 2u);
    BOOST_TEST(st.dropped() == 0u);

    BOOST_TEST(st.try_put(6, overflow_policy::drop_oldest) == put_result::dropped_oldest);
    BOOST_TEST(contents(st) == (std::vector<int>{2, 3, 6}), boost::test_tools::per_element());
    BOOST_TEST(st.dropped() == 1u);

    BOOST_TEST(st.try_put(7, overflow_policy::drop_newest) == put_result::dropped_newest);
    BOOST_TEST(contents(st) == (std::vector<int>{2, 3, 6}), boost::test_tools::per_element());
    BOOST_TEST(st.dropped() == 2u);
    BOOST_TEST(st.rejected() == 2u);

    BOOST_TEST(st.try_put(8, overflow_policy::drop_oldest) == put_result::dropped_oldest);
    BOOST_TEST(contents(st) == (std::vector<int>{3, 6, 8}), boost::test_tools::per_element());
    BOOST_TEST(st.dropped() == 3u);
    BOOST_TEST(st.size() == 3u);

    BOOST_TEST(st.try_get().value_or(-1) == 3);
    BOOST_TEST(st.try_put(9, overflow_policy::reject) == put_result::accepted);
    BOOST_TEST(contents(st) == (std::vector<int>{6, 8, 9}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(try_get_on_empty_is_nullopt) {
    simulation sim;
    store<int> st(sim, 2);
    BOOST_TEST(!st.try_get().has_value());
    (void)st.try_put(5);
    (void)st.try_put(6);
    BOOST_TEST(st.try_get().value_or(-1) == 5);
    BOOST_TEST(st.try_get().value_or(-1) == 6);
    BOOST_TEST(!st.try_get().has_value());
    BOOST_TEST(st.empty());
}

BOOST_AUTO_TEST_CASE(move_only_items) {
    simulation sim;
    store<std::unique_ptr<int>> st(sim, 1);
    std::vector<int> got;
    log_t log;
    struct local {
        static process producer(simulation& s, store<std::unique_ptr<int>>& q, log_t& l) {
            for (int v = 1; v <= 3; ++v) {
                co_await q.put(std::make_unique<int>(v * 100));
                l.push_back(stamp(s, "put" + std::to_string(v)));
            }
        }
        static process consumer(simulation& s, store<std::unique_ptr<int>>& q, std::vector<int>& g) {
            for (int k = 0; k < 3; ++k) {
                co_await s.delay(1_ms);
                std::unique_ptr<int> p = co_await q.get();
                g.push_back(p ? *p : -1);
            }
        }
    };
    sim.spawn(local::producer(sim, st, log));
    sim.spawn(local::consumer(sim, st, got));
    sim.run();
    BOOST_TEST(got == (std::vector<int>{100, 200, 300}), boost::test_tools::per_element());
    const log_t expected{"put1@0ns", "put2@1ms", "put3@2ms"};
    BOOST_TEST(log == expected, boost::test_tools::per_element());

    BOOST_TEST(st.try_put(std::make_unique<int>(7)) == put_result::accepted);
    BOOST_TEST(st.try_put(std::make_unique<int>(8), overflow_policy::drop_oldest) == put_result::dropped_oldest);
    BOOST_TEST(st.try_put(std::make_unique<int>(9), overflow_policy::drop_newest) == put_result::dropped_newest);
    std::optional<std::unique_ptr<int>> last = st.try_get();
    BOOST_REQUIRE(last.has_value());
    BOOST_TEST(**last == 8);
}

// ---------------------------------------------------------------- container

BOOST_AUTO_TEST_CASE(container_get_blocks_until_the_level_suffices) {
    simulation sim;
    container c(sim, 10, 0);
    log_t log;
    struct local {
        static process getter(simulation& s, container& ct, std::int64_t n, log_t& l) {
            co_await ct.get(n);
            l.push_back(stamp(s, "got" + std::to_string(n) + ":level=" + std::to_string(ct.level())));
        }
    };
    sim.spawn(local::getter(sim, c, 5, log));
    sim.schedule(1_ms, [&] { BOOST_TEST(c.try_put(3)); });
    sim.schedule(2_ms, [&] { BOOST_TEST(c.try_put(3)); });
    sim.run();
    const log_t expected{"got5:level=1@2ms"};
    BOOST_TEST(log == expected, boost::test_tools::per_element());
    BOOST_TEST(c.level() == 1);
}

BOOST_AUTO_TEST_CASE(container_put_blocks_when_over_capacity) {
    simulation sim;
    container c(sim, 10, 8);
    log_t log;
    struct local {
        static process putter(simulation& s, container& ct, std::int64_t n, log_t& l) {
            co_await ct.put(n);
            l.push_back(stamp(s, "put" + std::to_string(n) + ":level=" + std::to_string(ct.level())));
        }
    };
    sim.spawn(local::putter(sim, c, 2, log));  // fits: 10
    sim.spawn(local::putter(sim, c, 4, log));  // waits for room for 4
    sim.schedule(3_ms, [&] { BOOST_TEST(c.try_get(3)); });  // 7: not yet
    sim.schedule(5_ms, [&] { BOOST_TEST(c.try_get(1)); });  // 6 -> put 4 -> 10
    sim.run();
    const log_t expected{"put2:level=10@0ns", "put4:level=10@5ms"};
    BOOST_TEST(log == expected, boost::test_tools::per_element());
    BOOST_TEST(!c.try_put(1));
}

BOOST_AUTO_TEST_CASE(container_is_strictly_fifo) {
    simulation sim;
    container c(sim, 10, 5);
    log_t log;
    struct local {
        static process getter(simulation& s, container& ct, std::int64_t n, duration arrive, log_t& l) {
            co_await s.delay(arrive);
            co_await ct.get(n);
            l.push_back(stamp(s, "get" + std::to_string(n)));
        }
    };
    sim.spawn(local::getter(sim, c, 8, 1_ms, log));  // head: waits for 8
    sim.spawn(local::getter(sim, c, 1, 2_ms, log));  // could be served, but may not overtake
    std::vector<bool> try_results;
    sim.schedule(3_ms, [&] { try_results.push_back(c.try_get(1)); });  // nor may try_get
    sim.schedule(4_ms, [&] { (void)c.try_put(3); });                   // 8: head served, 0 left
    sim.schedule(6_ms, [&] { (void)c.try_put(1); });                   // second served
    sim.run();
    const log_t expected{"get8@4ms", "get1@6ms"};
    BOOST_TEST(log == expected, boost::test_tools::per_element());
    BOOST_TEST(try_results == (std::vector<bool>{false}), boost::test_tools::per_element());
    BOOST_TEST(c.level() == 0);
}

BOOST_AUTO_TEST_CASE(container_interrupted_head_lets_the_next_through) {
    simulation sim;
    container c(sim, 10, 5);
    log_t log;
    struct local {
        static process getter(simulation& s, container& ct, std::int64_t n, duration arrive, log_t& l) {
            co_await s.delay(arrive);
            try {
                co_await ct.get(n);
                l.push_back(stamp(s, "get" + std::to_string(n)));
            } catch (const interrupted&) {
                l.push_back(stamp(s, "gave-up" + std::to_string(n)));
            }
        }
    };
    process head = sim.spawn(local::getter(sim, c, 8, 1_ms, log));
    sim.spawn(local::getter(sim, c, 2, 2_ms, log));
    sim.schedule(3_ms, [&] { head.interrupt(); });
    sim.run();
    // once the head is gone, 2 of the 5 are there for the next getter, at once (its wake-up is
    // scheduled while the interrupt cancels the head's wait, before the head's own)
    const log_t expected{"get2@3ms", "gave-up8@3ms"};
    BOOST_TEST(log == expected, boost::test_tools::per_element());
    BOOST_TEST(c.level() == 3);
    BOOST_TEST(c.getters_waiting() == 0u);
}

BOOST_AUTO_TEST_CASE(container_rejects_bad_amounts) {
    simulation sim;
    BOOST_CHECK_THROW(container(sim, 0), std::invalid_argument);
    BOOST_CHECK_THROW(container(sim, 10, -1), std::invalid_argument);
    BOOST_CHECK_THROW(container(sim, 10, 11), std::invalid_argument);
    container c(sim, 10, 5);
    BOOST_CHECK_THROW((void)c.get(0), std::invalid_argument);
    BOOST_CHECK_THROW((void)c.put(-1), std::invalid_argument);
    BOOST_CHECK_THROW((void)c.get(11), std::invalid_argument);
    BOOST_CHECK_THROW((void)c.put(11), std::invalid_argument);
    BOOST_CHECK_THROW(c.try_get(0), std::invalid_argument);
    BOOST_CHECK_THROW(c.try_put(11), std::invalid_argument);
    BOOST_TEST(c.level() == 5);
    BOOST_TEST(c.try_put(5));
    BOOST_TEST(!c.try_put(1));
    BOOST_TEST(c.try_get(10));
    BOOST_TEST(!c.try_get(1));
    BOOST_TEST(c.level() == 0);
}

// ---------------------------------------------------------------- token bucket

BOOST_AUTO_TEST_CASE(token_bucket_burst_then_one_per_interval) {
    simulation sim;
    token_bucket tb(sim, 100_ms, 3);
    BOOST_TEST(tb.tokens() == 3);
    BOOST_TEST(tb.try_take());
    BOOST_TEST(tb.try_take(2));
    BOOST_TEST(!tb.try_take());
    std::vector<bool> results;
    sim.schedule_at(time_point::from_ns(ns(100_ms) - 1), [&] { results.push_back(tb.try_take()); });
    sim.schedule_at(time_point::from_ns(ns(100_ms)), [&] { results.push_back(tb.try_take()); });
    sim.schedule_at(time_point::from_ns(ns(100_ms)), [&] { results.push_back(tb.try_take()); });
    // 250 ms: 1 token (at 200 ms) and 50 ms towards the next, due at 300 ms
    sim.schedule_at(time_point::from_ns(ns(250_ms)), [&] { results.push_back(tb.try_take()); });
    sim.schedule_at(time_point::from_ns(ns(300_ms) - 1), [&] { results.push_back(tb.try_take()); });
    sim.schedule_at(time_point::from_ns(ns(300_ms)), [&] { results.push_back(tb.try_take()); });
    // a long idle period refills to burst, not beyond
    sim.schedule_at(time_point::from_ns(ns(10_s)), [&] {
        results.push_back(tb.tokens() == 3);
        results.push_back(tb.try_take(3));
        results.push_back(tb.try_take());
    });
    sim.run();
    const std::vector<bool> expected{false, true, false, true, false, true, true, true, false};
    BOOST_TEST(results == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(token_bucket_take_sequence_exact_times) {
    simulation sim;
    token_bucket tb(sim, 100_ms, 2);
    std::vector<std::int64_t> times;
    struct local {
        static process taker(simulation& s, token_bucket& b, std::vector<std::int64_t>& t, int n) {
            for (int i = 0; i < n; ++i) {
                co_await b.take();
                t.push_back(s.now().count());
            }
        }
    };
    sim.spawn(local::taker(sim, tb, times, 5));
    sim.run();
    const std::vector<std::int64_t> expected{0, 0, ns(100_ms), ns(200_ms), ns(300_ms)};
    BOOST_TEST(times == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(token_bucket_concurrent_takers_in_order) {
    simulation sim;
    token_bucket tb(sim, 100_ms, 2);
    log_t log;
    struct local {
        static process taker(simulation& s, token_bucket& b, std::string tag, duration arrive, std::int64_t n, log_t& l) {
            co_await s.delay(arrive);
            co_await b.take(n);
            l.push_back(stamp(s, tag));
        }
    };
    sim.spawn(local::taker(sim, tb, "a", duration::zero(), 2, log));  // burst, at once
    sim.spawn(local::taker(sim, tb, "b", duration::zero(), 1, log));  // owes 1: 100 ms
    sim.spawn(local::taker(sim, tb, "c", 50_ms, 2, log));             // owes 3, 50 ms earned: 300 ms
    sim.spawn(local::taker(sim, tb, "d", 350_ms, 1, log));            // owes 1 at 350 (debt paid at 300): 400 ms
    sim.run();
    const log_t expected{"a@0ns", "b@100ms", "c@300ms", "d@400ms"};
    BOOST_TEST(log == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(token_bucket_rejects_bad_parameters) {
    simulation sim;
    BOOST_CHECK_THROW(token_bucket(sim, duration::zero(), 1), std::invalid_argument);
    BOOST_CHECK_THROW(token_bucket(sim, -1_ms, 1), std::invalid_argument);
    BOOST_CHECK_THROW(token_bucket(sim, 1_ms, 0), std::invalid_argument);
    BOOST_CHECK_THROW(token_bucket::per_second(sim, 0.0, 1), std::invalid_argument);
    BOOST_CHECK_THROW(token_bucket::per_second(sim, -5.0, 1), std::invalid_argument);
    token_bucket tb = token_bucket::per_second(sim, 4.0, 2);
    BOOST_TEST(tb.interval().count() == ns(250_ms));
    BOOST_TEST(tb.burst() == 2);
    BOOST_CHECK_THROW(tb.try_take(0), std::invalid_argument);
    BOOST_CHECK_THROW(tb.try_take(3), std::invalid_argument);
    BOOST_CHECK_THROW((void)tb.take(0), std::invalid_argument);
    BOOST_CHECK_THROW((void)tb.take(3), std::invalid_argument);
    BOOST_TEST(tb.tokens() == 2);  // failed calls took nothing
}

BOOST_AUTO_TEST_SUITE_END()
