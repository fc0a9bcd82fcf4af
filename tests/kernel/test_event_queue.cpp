// The event queue: total order (time, priority, insertion), cancellation, the replace-root path,
// and agreement with a straightforward reference implementation on a random workload.
#include <boost/test/unit_test.hpp>

#include <surge/event_queue.hpp>
#include <surge/random.hpp>
#include <surge/simulation.hpp>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

using namespace surge;
using namespace surge::literals;

BOOST_AUTO_TEST_SUITE(event_queue_tests)

BOOST_AUTO_TEST_CASE(same_instant_runs_by_priority_then_insertion) {
    simulation sim;
    std::vector<std::string> order;
    sim.schedule(1_s, [&] { order.push_back("a-normal"); });
    sim.schedule(1_s, [&] { order.push_back("b-low"); }, priority::low);
    sim.schedule(1_s, [&] { order.push_back("c-urgent"); }, priority::urgent);
    sim.schedule(1_s, [&] { order.push_back("d-normal"); });
    sim.schedule(500_ms, [&] { order.push_back("early"); }, priority::low);
    sim.run();
    BOOST_TEST(order == (std::vector<std::string>{"early", "c-urgent", "a-normal", "d-normal", "b-low"}),
               boost::test_tools::per_element());
    BOOST_TEST(sim.now() == time_point{} + 1_s);
    BOOST_TEST(sim.events_processed() == 5u);
}

BOOST_AUTO_TEST_CASE(cancelled_events_never_run) {
    simulation sim;
    int ran = 0;
    auto h1 = sim.schedule(1_ms, [&] { ++ran; });
    auto h2 = sim.schedule(2_ms, [&] { ran += 10; });
    BOOST_TEST(sim.is_pending(h1));
    BOOST_TEST(sim.cancel(h1));
    BOOST_TEST(!sim.cancel(h1));
    BOOST_TEST(!sim.is_pending(h1));
    sim.run();
    BOOST_TEST(ran == 10);
    BOOST_TEST(!sim.cancel(h2));  // already ran
    BOOST_TEST(!sim.cancel(event_handle{}));
}

BOOST_AUTO_TEST_CASE(callbacks_schedule_more_and_large_captures_work) {
    simulation sim;
    std::vector<std::int64_t> times;
    auto big = std::make_shared<std::vector<int>>(100, 1);
    std::string s(64, 'x');  // a capture far over the inline size: boxed
    sim.schedule(1_ms, [&, big, s] {
        times.push_back(sim.now().count());
        sim.schedule(1_ms, [&] { times.push_back(sim.now().count()); });
        sim.schedule(0_ms, [&] { times.push_back(sim.now().count()); });
    });
    sim.run();
    BOOST_TEST(times == (std::vector<std::int64_t>{1'000'000, 1'000'000, 2'000'000}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(run_until_and_stop) {
    simulation sim;
    int n = 0;
    for (int i = 1; i <= 10; ++i) sim.schedule(duration::seconds(i), [&] { ++n; });
    sim.run_until(time_point{} + 5_s);
    BOOST_TEST(n == 5);  // events at exactly `until` run
    BOOST_TEST(sim.now() == time_point{} + 5_s);
    sim.schedule(500_ms, [&] { sim.stop(); });
    sim.run();
    BOOST_TEST(n == 5);
    BOOST_TEST(sim.now() == time_point{} + 5500_ms);
    sim.run();
    BOOST_TEST(n == 10);
    BOOST_TEST(!sim.step());
}

BOOST_AUTO_TEST_CASE(bad_times_are_rejected) {
    simulation sim;
    sim.schedule(2_s, [] {});
    sim.run();
    BOOST_CHECK_THROW(sim.schedule(-1_ms, [] {}), std::invalid_argument);
    BOOST_CHECK_THROW(sim.schedule_at(time_point{} + 1_s, [] {}), std::invalid_argument);
    BOOST_CHECK_THROW(sim.run_until(time_point{} + 1_s), std::invalid_argument);
    try {
        sim.schedule(-5_ms, [] {});
    } catch (const std::invalid_argument& e) {
        BOOST_TEST(std::string(e.what()).find("-5ms") != std::string::npos);
        BOOST_TEST(std::string(e.what()).find(">= 0") != std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(agrees_with_a_reference_queue_under_random_cancels) {
    // Reference: a std::set ordered by (time, priority, seq). Every event the kernel runs must be
    // the reference's minimum at that moment — through compaction and the replace-root path.
    simulation sim(5);
    rng g = sim.stream("workload");
    using key = std::tuple<std::int64_t, int, std::uint64_t>;
    std::set<key> ref;
    std::vector<key> keys;
    std::vector<event_handle> handles;
    std::uint64_t seq = 0, ran = 0, mismatches = 0, cancelled = 0;
    std::function<void(std::uint64_t)> fire;
    auto add = [&](std::int64_t at) {
        const int prio = static_cast<int>(g.below(3)) * 10 - 10;
        const std::uint64_t id = seq++;
        keys.emplace_back(at, prio, id);
        ref.insert(keys.back());
        handles.push_back(sim.schedule_at(time_point::from_ns(at), [&fire, id] { fire(id); }, static_cast<priority>(prio)));
    };
    std::uint64_t checks = 0;
    fire = [&](std::uint64_t id) {
        ++ran;
        if (ran % 16 == 0) {  // mid-event: the running event's stale root is in the heap
            sim.queue().check_invariants();
            ++checks;
        }
        if (ref.empty() || std::get<2>(*ref.begin()) != id) ++mismatches;
        ref.erase(keys[id]);
        if (seq < 20000) {
            add(sim.now().count() + static_cast<std::int64_t>(g.below(1000)));
            if (g.below(2) == 0) add(sim.now().count() + static_cast<std::int64_t>(g.below(50)));
        }
        const std::uint64_t victim = g.below(seq);
        if (sim.cancel(handles[victim])) {
            ref.erase(keys[victim]);
            ++cancelled;
        }
    };
    for (int i = 0; i < 3000; ++i) add(static_cast<std::int64_t>(g.below(1000)));
    sim.queue().check_invariants();
    while (sim.step()) {
        if (ran % 16 == 8) {  // between events, after compactions and refills
            sim.queue().check_invariants();
            ++checks;
        }
    }
    BOOST_TEST(checks > 1500u);
    BOOST_TEST(mismatches == 0u);
    BOOST_TEST(ref.empty());
    BOOST_TEST(ran + cancelled == seq);
    BOOST_TEST(cancelled > 1024u);  // enough to trigger compaction at least once
    BOOST_TEST(sim.pending_events() == 0u);
}

BOOST_AUTO_TEST_CASE(entry_and_slot_sizes) {
    // 48-byte slot + at most one 4-byte bucket head and one 4-byte top index: within the
    // 64-bytes-per-event budget of the hold benchmark (heap entries exist only for the events of
    // the buckets reached).
    BOOST_TEST(event_queue::bytes_per_event() == 56u);
}

// The large arrays' allocator: blocks of 2 MiB and more start on a 2 MiB boundary (the condition
// for transparent huge pages to back them), smaller ones are ordinary; both are usable to their
// last byte and released through the matching delete (ASan checks the pairing).
BOOST_AUTO_TEST_CASE(big_arrays_are_aligned_for_huge_pages) {
    using alloc = surge::detail::big_array_allocator<std::uint32_t>;
    alloc a;
    constexpr std::size_t big = (std::size_t{3} << 20) / sizeof(std::uint32_t);  // 3 MiB
    std::uint32_t* p = a.allocate(big);
    BOOST_TEST(reinterpret_cast<std::uintptr_t>(p) % alloc::huge_page == 0u);
    p[0] = 1;
    p[big - 1] = 2;
    BOOST_TEST(p[0] + p[big - 1] == 3u);
    a.deallocate(p, big);
    std::uint32_t* q = a.allocate(16);
    q[15] = 7;
    BOOST_TEST(q[15] == 7u);
    a.deallocate(q, 16);
    BOOST_CHECK_THROW((void)a.allocate(std::size_t(-1) / 2), std::bad_array_new_length);
}

namespace {

// The order an event queue must follow, kept the obvious way: a std::set of (time, priority, id),
// where ids count pushes and so order like insertion sequences.
struct reference_order {
    using key = std::tuple<std::int64_t, int, std::uint64_t>;
    std::set<key> pending;
    std::vector<key> keys;
    std::vector<event_handle> handles;
    std::uint64_t mismatches = 0, ran = 0, cancelled = 0;

    // Pushes an event at `at` with priority `prio` whose callback calls `fire(id)`.
    template <class Fire>
    void push(event_queue& q, std::int64_t at, int prio, Fire& fire) {
        const std::uint64_t id = keys.size();
        keys.emplace_back(at, prio, id);
        pending.insert(keys.back());
        handles.push_back(q.push(time_point::from_ns(at), [&fire, id] { fire(id); }, static_cast<priority>(prio)));
    }
    // Called first thing by the event `id`: it must be the reference's earliest.
    void fired(std::uint64_t id) {
        ++ran;
        if (pending.empty() || std::get<2>(*pending.begin()) != id) ++mismatches;
        pending.erase(keys[id]);
    }
    void cancel(event_queue& q, std::uint64_t id) {
        if (q.cancel(handles[id])) {
            pending.erase(keys[id]);
            ++cancelled;
        }
    }
    [[nodiscard]] std::uint64_t pushed() const { return keys.size(); }
};

} // namespace

// The heap keeps a 32-bit insertion sequence and renumbers the pending entries (keeping their
// order) when it runs out. Start just below the wrap and check every pop, through several
// renumberings, against a reference ordered by (time, priority, global insertion count); with
// ties in time and priority, cancels, and an event scheduling from inside a callback (the
// replace-root path, where the renumbering also sees the running event's stale root).
BOOST_AUTO_TEST_CASE(sequence_renumbering_keeps_the_order) {
    event_queue q;
    q.set_next_sequence_for_test((std::uint64_t{1} << 32) - 700);
    rng g = make_stream(11, "renumber");
    reference_order ref;
    std::int64_t now = 0;
    std::function<void(std::uint64_t)> fire;
    auto add = [&](std::int64_t at) { ref.push(q, at, static_cast<int>(g.below(3)) * 10 - 10, fire); };
    fire = [&](std::uint64_t id) {
        ref.fired(id);
        q.check_invariants();
        if (ref.pushed() < 3000) add(now + static_cast<std::int64_t>(g.below(4)));  // many equal times
        q.check_invariants();
        if (g.below(4) == 0) ref.cancel(q, g.below(ref.pushed()));
        q.check_invariants();
    };
    for (int i = 0; i < 400; ++i) add(static_cast<std::int64_t>(g.below(8)));
    q.check_invariants();
    while (!q.empty()) {
        q.check_invariants();
        now = q.run_next([](time_point, std::uint64_t) {}).count();
    }
    q.check_invariants();
    BOOST_TEST(ref.mismatches == 0u);
    BOOST_TEST(ref.pending.empty());
    BOOST_TEST(ref.ran + ref.cancelled == ref.pushed());
    BOOST_TEST(ref.pushed() == 3000u);  // 2 600 pushes past the wrap: at least one renumbering
}

// The queue's tiers (heap, the rung's buckets, the top) under a workload that mixes time scales:
// events at the same instant with a higher priority than the running one (they belong in the
// heap), nanosecond gaps, exponential millisecond gaps, far-future outliers (days), bursts of
// thousands of events at one instant (one crowded bucket), pushes between events, and cancels of
// events wherever they sit. Every pop is checked against the reference.
BOOST_AUTO_TEST_CASE(agrees_with_a_reference_queue_across_time_scales) {
    event_queue q;
    rng g = make_stream(12, "tiers");
    reference_order ref;
    std::int64_t now = 0;
    constexpr std::uint64_t total = 60'000;
    const exponential ms{1e-3};
    std::function<void(std::uint64_t)> fire;
    auto add_one = [&] {
        const int prio = static_cast<int>(g.below(5)) * 10 - 20;
        std::int64_t at = now;
        switch (g.below(8)) {
        case 0: break;                                                             // same instant
        case 1: at += static_cast<std::int64_t>(g.below(1000)); break;             // ns apart
        case 2: at += 86'400'000'000'000 + static_cast<std::int64_t>(g.below(1'000'000)); break;  // a day on
        default: at += sample_duration(ms, g).count(); break;                      // ms apart
        }
        ref.push(q, at, prio, fire);
    };
    fire = [&](std::uint64_t id) {
        ref.fired(id);
        if (ref.pushed() >= total) return;
        if (g.below(500) == 0) {  // a burst: 2 000 events at one instant, in a few priorities
            const std::int64_t at = now + sample_duration(ms, g).count();
            for (int i = 0; i < 2000; ++i) ref.push(q, at, static_cast<int>(g.below(3)), fire);
        }
        for (std::uint64_t n = g.below(3); n-- > 0;) add_one();
        if (g.below(3) == 0) ref.cancel(q, g.below(ref.pushed()));
    };
    for (int i = 0; i < 1000; ++i) add_one();
    std::uint64_t pops = 0;
    while (!q.empty()) {
        if (++pops % 64 == 0) q.check_invariants();
        now = q.run_next([](time_point, std::uint64_t) {}).count();
        if (g.below(50) == 0 && ref.pushed() < total) add_one();  // a push between events
    }
    q.check_invariants();
    BOOST_TEST(ref.mismatches == 0u);
    BOOST_TEST(ref.pending.empty());
    BOOST_TEST(ref.ran + ref.cancelled == ref.pushed());
    BOOST_TEST(ref.pushed() >= total);
    BOOST_TEST(ref.cancelled > 1024u);  // enough for compaction
    BOOST_TEST(q.size() == 0u);
}

BOOST_AUTO_TEST_CASE(time_and_priority_limits) {
    event_queue q;
    const std::int64_t h = event_queue::horizon_ns;
    BOOST_CHECK_NO_THROW(q.push(time_point::from_ns(h - 1), [] {}));
    BOOST_CHECK_NO_THROW(q.push(time_point::from_ns(-h), [] {}));
    BOOST_CHECK_THROW(q.push(time_point::from_ns(h), [] {}), std::out_of_range);
    BOOST_CHECK_THROW(q.push(time_point::from_ns(-h - 1), [] {}), std::out_of_range);
    BOOST_CHECK_NO_THROW(q.push(time_point::from_ns(0), [] {}, static_cast<priority>(127)));
    BOOST_CHECK_NO_THROW(q.push(time_point::from_ns(0), [] {}, static_cast<priority>(-128)));
    BOOST_CHECK_THROW(q.push(time_point::from_ns(0), [] {}, static_cast<priority>(128)), std::out_of_range);
    BOOST_CHECK_THROW(q.push(time_point::from_ns(0), [] {}, static_cast<priority>(-129)), std::out_of_range);
    BOOST_TEST(q.size() == 4u);  // the refused pushes left nothing behind
    // Extremes run in order: the earliest time first, then priority at the same instant.
    std::vector<std::int64_t> seen;
    while (!q.empty()) seen.push_back(q.run_next([](time_point, std::uint64_t) {}).count());
    BOOST_TEST((seen == std::vector<std::int64_t>{-h, 0, 0, h - 1}));
}

BOOST_AUTO_TEST_SUITE_END()

// The invariant checker must catch what it claims to: each corruption below breaks one invariant
// of an otherwise healthy queue (a few events in the heap, a rung of buckets, a top, a free slot),
// through a probe that the queue names as its friend for this purpose.
namespace surge::detail {
struct event_queue_probe {
    static void swap_root_and_child(event_queue& q) { std::swap(q.heap_[0], q.heap_[1]); }
    static void move_key_out_of_its_bucket(event_queue& q) {
        for (std::size_t j = q.rung_cur_; j < q.bucket_.size(); ++j) {
            if (q.bucket_[j] != event_queue::none) {
                q.slots_[q.bucket_[j]].hi += std::uint64_t{1} << q.rung_shift_;
                return;
            }
        }
        throw std::logic_error("probe: no bucket to corrupt");
    }
    static void put_top_key_in_the_rung(event_queue& q) { q.slots_.at(q.top_.at(0)).hi = q.rung_start_; }
    static void loop_the_free_list(event_queue& q) { q.slots_.at(q.free_head_).link = q.free_head_; }
    static void lose_the_free_list(event_queue& q) { q.free_head_ = event_queue::none; }
    static void miscount_live(event_queue& q) { ++q.live_; }
    static std::size_t heap_size(const event_queue& q) { return q.heap_.size(); }
    static std::size_t top_size(const event_queue& q) { return q.top_.size(); }
};
} // namespace surge::detail

namespace {
/// Five events at t = 0 (so the heap holds several), 2 000 spread over a second (a rung and a
/// top), one event run (a free slot).
void fill_healthy(event_queue& q) {
    rng g = make_stream(13, "checker");
    for (int i = 0; i < 5; ++i) q.push(time_point{}, [] {});
    for (int i = 0; i < 2000; ++i) q.push(time_point::from_ns(1 + static_cast<std::int64_t>(g.below(1'000'000'000))), [] {});
    q.run_next([](time_point, std::uint64_t) {});
    BOOST_REQUIRE(!q.empty());  // settles: drops the stale root
}
} // namespace

BOOST_AUTO_TEST_SUITE(event_queue_tests)

BOOST_AUTO_TEST_CASE(invariant_checker_names_a_corrupted_queue) {
    using probe = surge::detail::event_queue_probe;
    struct corruption {
        void (*apply)(event_queue&);
        std::string expected;
    };
    const std::vector<corruption> cases{
        {&probe::swap_root_and_child, "heap order: entry 1 sorts before its parent 0"},
        {&probe::move_key_out_of_its_bucket, "but its key belongs outside it"},
        {&probe::put_top_key_in_the_rung, "is in the top but its key lies within the rung"},
        {&probe::loop_the_free_list, "is both in the free list and in the free list (a cycle or a duplicate)"},
        {&probe::lose_the_free_list, "is lost: in no tier and not in the free list"},
        {&probe::miscount_live, "the live count is 2005 but 2004 pending slots hold a callback"},
    };
    for (const corruption& c : cases) {
        event_queue q;
        fill_healthy(q);
        BOOST_TEST(probe::heap_size(q) >= 2u);
        BOOST_TEST(probe::top_size(q) > 0u);
        BOOST_TEST(q.invariant_violation() == "");
        BOOST_CHECK_NO_THROW(q.check_invariants());
        c.apply(q);
        const std::string found = q.invariant_violation();
        BOOST_TEST_INFO("expected: " << c.expected);
        BOOST_TEST(found.find(c.expected) != std::string::npos, "found: " << found);
        BOOST_CHECK_EXCEPTION(q.check_invariants(), std::logic_error, [&](const std::logic_error& e) {
            return std::string(e.what()) == "surge::event_queue invariant broken: " + found;
        });
    }
}

BOOST_AUTO_TEST_SUITE_END()
