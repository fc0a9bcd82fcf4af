// models/offline_queue.hpp: per-user queues for offline users — the cap and its drop policies,
// lazy TTL expiry (on enqueue and on drain, inclusive at created + ttl), in-order drain, memory
// accounting back to zero; and, through the whole system, delivery of a queue on reconnection.
#include "model_harness.hpp"

#include <models/offline_queue.hpp>

#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <vector>

using namespace surge;
using namespace surge::literals;
namespace m = surge::models;
namespace mt = surge::model_test;
using mt::ns;

namespace {

/// The parts an offline queue works on, at virtual time set by run_until.
struct bench {
    explicit bench(const m::offline_queue_params& p, std::size_t users = 2) : q(sim, p, mem, users, pool, rec.offline, rec.memory) {}
    std::uint32_t msg(std::int64_t created_ns, std::uint32_t bytes = 512) {
        m::message x;
        x.created = time_point::from_ns(created_ns);
        x.bytes = bytes;
        return pool.make(x);
    }
    /// Drains user u; the messages' creation times in drain order (the messages are freed).
    std::vector<std::int64_t> drain(std::uint32_t u) {
        std::vector<std::int64_t> got;
        q.drain(u, [&](std::uint32_t i) {
            got.push_back(pool[i].created.count());
            pool.free(i);
        });
        return got;
    }
    simulation sim{1};
    m::memory_params mem;
    m::message_pool pool;
    m::recorder rec;
    m::offline_queues q;
};

m::offline_queue_params params(std::int64_t cap, m::offline_drop_policy drop = m::offline_drop_policy::oldest) {
    m::offline_queue_params p;
    p.max_messages = cap;
    p.drop = drop;
    return p;
}

} // namespace

BOOST_AUTO_TEST_SUITE(offline_tests)

BOOST_AUTO_TEST_CASE(drain_is_in_order_per_user_and_memory_returns_to_zero) {
    bench b(params(0));  // unbounded
    const std::int64_t each = b.mem.per_queued_message + 512;
    for (std::int64_t k = 1; k <= 5; ++k) BOOST_TEST(b.q.enqueue(0, b.msg(k)));
    for (std::int64_t k = 11; k <= 13; ++k) BOOST_TEST(b.q.enqueue(1, b.msg(k, 100)));
    BOOST_TEST(b.q.length(0) == 5u);
    BOOST_TEST(b.q.length(1) == 3u);
    BOOST_TEST(b.rec.memory.of(m::memory_meter::offline_queues) == 5 * each + 3 * (b.mem.per_queued_message + 100));
    BOOST_TEST(b.rec.offline.offline_total() == 8);
    BOOST_TEST(b.rec.offline.offline_longest() == 5);
    BOOST_TEST(b.rec.offline.queued_bytes_sum() == static_cast<std::uint64_t>(5 * each + 3 * (b.mem.per_queued_message + 100)));

    BOOST_TEST(b.drain(0) == (std::vector<std::int64_t>{1, 2, 3, 4, 5}), boost::test_tools::per_element());
    BOOST_TEST(b.q.length(0) == 0u);
    BOOST_TEST(b.rec.memory.of(m::memory_meter::offline_queues) == 3 * (b.mem.per_queued_message + 100));
    BOOST_TEST(b.drain(1) == (std::vector<std::int64_t>{11, 12, 13}), boost::test_tools::per_element());
    BOOST_TEST(b.rec.memory.of(m::memory_meter::offline_queues) == 0);
    BOOST_TEST(b.rec.memory.total() == 0);
    BOOST_TEST(b.rec.offline.offline_total() == 0);
    BOOST_TEST(b.rec.offline.offline_total_max() == 8);
    BOOST_TEST(b.rec.offline.offline_enqueued() == 8u);
    BOOST_TEST(b.rec.offline.offline_delivered() == 8u);
    BOOST_TEST(b.pool.live() == 0u);
    // A second drain of an empty queue hands over nothing.
    BOOST_TEST(b.drain(0).empty());
}

BOOST_AUTO_TEST_CASE(full_queue_drops_oldest) {
    bench b(params(3, m::offline_drop_policy::oldest));
    for (std::int64_t k = 1; k <= 5; ++k) {
        BOOST_TEST(b.q.enqueue(0, b.msg(k)));  // the new one is always kept
        BOOST_TEST(b.q.length(0) <= 3u);
    }
    BOOST_TEST(b.rec.offline.dropped_offline() == 2u);
    BOOST_TEST(b.rec.offline.offline_enqueued() == 5u);
    BOOST_TEST(b.rec.offline.offline_longest() == 3);
    BOOST_TEST(b.pool.live() == 3u);  // the dropped ones were freed
    BOOST_TEST(b.drain(0) == (std::vector<std::int64_t>{3, 4, 5}), boost::test_tools::per_element());
    BOOST_TEST(b.rec.offline.offline_delivered() == 3u);
    BOOST_TEST(b.rec.memory.total() == 0);
    BOOST_TEST(b.pool.live() == 0u);
}

BOOST_AUTO_TEST_CASE(full_queue_drops_newest) {
    bench b(params(3, m::offline_drop_policy::newest));
    std::vector<bool> kept;
    for (std::int64_t k = 1; k <= 5; ++k) kept.push_back(b.q.enqueue(0, b.msg(k)));
    BOOST_TEST(kept == (std::vector<bool>{true, true, true, false, false}), boost::test_tools::per_element());
    BOOST_TEST(b.rec.offline.dropped_offline() == 2u);
    BOOST_TEST(b.rec.offline.offline_enqueued() == 3u);
    BOOST_TEST(b.pool.live() == 3u);
    BOOST_TEST(b.drain(0) == (std::vector<std::int64_t>{1, 2, 3}), boost::test_tools::per_element());
    BOOST_TEST(b.rec.memory.total() == 0);
}

BOOST_AUTO_TEST_CASE(ttl_expires_on_enqueue_and_on_drain_inclusive_of_the_boundary) {
    auto p = params(0);
    p.ttl = 10_s;
    bench b(p);
    b.sim.run_until(mt::at(0_s));
    BOOST_TEST(b.q.enqueue(0, b.msg(ns(0_s))));
    b.sim.run_until(mt::at(5_s));
    BOOST_TEST(b.q.enqueue(0, b.msg(ns(5_s))));
    // At 12 s the first (created 0, expires at 10 s) is discarded when the queue is touched.
    b.sim.run_until(mt::at(12_s));
    BOOST_TEST(b.q.enqueue(0, b.msg(ns(12_s))));
    BOOST_TEST(b.rec.offline.expired() == 1u);
    BOOST_TEST(b.q.length(0) == 2u);
    // At exactly 15 s the second has lived its ttl: expired, not delivered.
    b.sim.run_until(mt::at(15_s));
    BOOST_TEST(b.drain(0) == (std::vector<std::int64_t>{ns(12_s)}), boost::test_tools::per_element());
    BOOST_TEST(b.rec.offline.expired() == 2u);
    BOOST_TEST(b.rec.offline.offline_delivered() == 1u);
    BOOST_TEST(b.rec.memory.total() == 0);
    BOOST_TEST(b.pool.live() == 0u);
}

BOOST_AUTO_TEST_CASE(ttl_expiry_is_lazy) {
    auto p = params(0);
    p.ttl = 1_s;
    bench b(p);
    BOOST_TEST(b.q.enqueue(0, b.msg(0)));
    b.sim.run_until(mt::at(100_s));
    // Nobody touched the queue: the expired message still counts, in length and in memory.
    BOOST_TEST(b.q.length(0) == 1u);
    BOOST_TEST(b.rec.memory.total() == b.mem.per_queued_message + 512);
    BOOST_TEST(b.rec.offline.expired() == 0u);
    // Another user's queue is not touched by this user's traffic.
    BOOST_TEST(b.q.enqueue(1, b.msg(ns(100_s))));
    BOOST_TEST(b.q.length(0) == 1u);
    BOOST_TEST(b.drain(0).empty());
    BOOST_TEST(b.rec.offline.expired() == 1u);
}

BOOST_AUTO_TEST_CASE(ttl_before_cap_an_expired_front_makes_room) {
    // Cap 2, drop newest: a full queue whose front has expired accepts the new message.
    auto p = params(2, m::offline_drop_policy::newest);
    p.ttl = 10_s;
    bench b(p);
    BOOST_TEST(b.q.enqueue(0, b.msg(0)));
    BOOST_TEST(b.q.enqueue(0, b.msg(ns(1_s))));
    b.sim.run_until(mt::at(10_s));
    BOOST_TEST(b.q.enqueue(0, b.msg(ns(10_s))));
    BOOST_TEST(b.rec.offline.expired() == 1u);
    BOOST_TEST(b.rec.offline.dropped_offline() == 0u);
    BOOST_TEST(!b.q.enqueue(0, b.msg(ns(10_s))));
    BOOST_TEST(b.rec.offline.dropped_offline() == 1u);
}

BOOST_AUTO_TEST_CASE(disabled_queues_drop_everything) {
    auto p = params(0);
    p.enabled = false;
    bench b(p);
    for (int k = 0; k < 4; ++k) BOOST_TEST(!b.q.enqueue(0, b.msg(k)));
    BOOST_TEST(b.rec.offline.dropped_offline() == 4u);
    BOOST_TEST(b.rec.offline.offline_enqueued() == 0u);
    BOOST_TEST(b.q.length(0) == 0u);
    BOOST_TEST(b.pool.live() == 0u);
    BOOST_TEST(b.rec.memory.total() == 0);
}

BOOST_AUTO_TEST_CASE(queued_notifications_arrive_in_order_on_reconnection) {
    // The user connects at 5 s; notifications published at 1, 2, 3 s wait in its queue. The
    // connect is accepted at 5.021 s (handshake 20 ms + connect 1 ms); the worker sends the queue
    // one emit (20 us) apart, each arriving 10 ms later.
    auto sc = mt::exact_scenario(1);
    sc.users.connect_start = 5_s;
    sc.load.push_back(mt::uniform_phase(1, mt::at(0_s), 3500_ms));
    mt::harness h(sc);
    h.run_until(4_s);
    BOOST_TEST(h.rec().offline.offline_total() == 3);
    BOOST_TEST(h.rec().memory.of(m::memory_meter::offline_queues) == 3 * (600 + 512));
    h.finish();
    auto& rec = h.rec();
    BOOST_TEST(rec.offline.offline_enqueued() == 3u);
    BOOST_TEST(rec.offline.offline_delivered() == 3u);
    BOOST_TEST(rec.delivery.delivered() == 3u);
    BOOST_TEST(rec.delivery.delivery_latency().count() == 0u);  // all went through the queue
    const auto d = h.records("deliver");
    BOOST_TEST_REQUIRE(d.size() == 3u);
    const std::int64_t accepted = ns(5021_ms);
    for (std::size_t k = 0; k < 3; ++k) {
        const std::int64_t created = ns(duration::seconds(static_cast<std::int64_t>(k) + 1));
        BOOST_TEST(d[k].t == accepted + static_cast<std::int64_t>(k + 1) * ns(20_us) + ns(10_ms));
        BOOST_TEST(d[k].a == d[k].t - created);
    }
    BOOST_TEST(rec.offline.offline_latency().min() == ns(2031_ms + 60_us));
    BOOST_TEST(rec.offline.offline_latency().max() == ns(4031_ms + 20_us));
    BOOST_TEST(h.metric("memory.bytes_per_queued_message") == 600.0 + 512.0);
    BOOST_TEST(rec.memory.of(m::memory_meter::offline_queues) == 0);
    BOOST_TEST(h.sys.pending() == 0u);
}

BOOST_AUTO_TEST_CASE(queued_notifications_past_ttl_expire_at_reconnection) {
    auto sc = mt::exact_scenario(1);
    sc.users.connect_start = 5_s;
    sc.offline_queue.ttl = 2500_ms;  // created at 1 s and 2 s: expired by 5.021 s; at 3 s: not
    sc.load.push_back(mt::uniform_phase(1, mt::at(0_s), 3500_ms));
    mt::harness h(sc);
    h.finish();
    auto& rec = h.rec();
    BOOST_TEST(rec.offline.expired() == 2u);
    BOOST_TEST(rec.offline.offline_delivered() == 1u);
    BOOST_TEST(rec.offline.offline_latency().max() == ns(2031_ms + 20_us));
    BOOST_TEST(h.metric("delivery.success_rate") == 1.0 / 3.0);
    BOOST_TEST(h.metric("offline_queue.expired") == 2.0);
}

BOOST_AUTO_TEST_SUITE_END()
