// models/server.hpp: exact delivery and operation latencies for one user with constant costs,
// broadcast fan-out time, the three slow-consumer policies on a slow link, load shedding, the
// token-bucket rate limit, the bounded request queue, request timeouts, max_connections, targets
// of several users, and the memory the server's state accounts; and the pieces it is assembled
// from on their own: admission's order of refusals, the connection registry's generations, the
// broadcast tracker.
#include "model_harness.hpp"

#include <models/admission.hpp>
#include <models/connection_registry.hpp>
#include <models/fan_out.hpp>

#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <set>
#include <vector>

using namespace surge;
using namespace surge::literals;
namespace m = surge::models;
namespace mt = surge::model_test;
using mt::ns;

namespace {

/// One user on a link of 1 000 B/s (100 ms per 100-byte frame), a send buffer of 2, and a batch
/// of 5 notifications of 100 bytes for it at 1 s.
m::scenario slow_consumer(m::slow_consumer_policy policy) {
    auto sc = mt::exact_scenario(1);
    sc.links.bandwidth_bytes_per_s = 1'000;
    sc.server.send_buffer = 2;
    sc.server.slow_consumer = policy;
    sc.users.reconnect.jitter = m::backoff_params::jitter_kind::none;  // reconnect after exactly 1 s
    auto ph = mt::burst_phase(1, mt::at(1_s), m::target_kind::user, 5);
    ph.payload = m::size_dist::fixed(100);
    sc.load.push_back(ph);
    return sc;
}

/// One worker that needs 1.05 s per notification (no DB, free emits): a queue builds up.
m::scenario slow_worker(double rate, duration length) {
    auto sc = mt::exact_scenario(1);
    sc.length = length;
    sc.server.cost_per_notification = m::duration_dist::fixed(1050_ms);
    sc.server.cost_per_message = m::duration_dist::fixed(0_s);
    sc.server.queries_per_notification = 0;
    sc.load.push_back(mt::uniform_phase(rate));
    return sc;
}

} // namespace

BOOST_AUTO_TEST_SUITE(server_tests)

BOOST_AUTO_TEST_CASE(single_user_delivery_latency_is_the_sum_of_constant_costs) {
    // Publishes at 1, 2, ..., 9 s. Each: 3 ms query + 0.5 ms per notification + 20 us emit on
    // the worker, then 10 ms on the link: 13.52 ms from publish to arrival; the operation ends
    // with the emit: 3.52 ms.
    auto sc = mt::exact_scenario(1);
    sc.load.push_back(mt::uniform_phase(1));
    mt::harness h(sc);
    h.finish();
    auto& rec = h.rec();
    BOOST_TEST(rec.publishing.published() == 9u);
    BOOST_TEST(rec.delivery.delivered() == 9u);
    BOOST_TEST(rec.delivery.delivery_latency().min() == ns(13'520_us));
    BOOST_TEST(rec.delivery.delivery_latency().max() == ns(13'520_us));
    BOOST_TEST(rec.publishing.operation_latency().min() == ns(3'520_us));
    BOOST_TEST(rec.publishing.operation_latency().max() == ns(3'520_us));
    const auto d = h.records("deliver");
    BOOST_TEST_REQUIRE(d.size() == 9u);
    for (std::size_t k = 0; k < d.size(); ++k)
        BOOST_TEST(d[k].t == ns(duration::seconds(static_cast<std::int64_t>(k) + 1)) + ns(13'520_us));
    BOOST_TEST(h.metric("delivery.success_rate") == 1.0);
    BOOST_TEST(h.metric("operations.success_rate") == 1.0);
    BOOST_TEST(h.metric("delivery.latency.p50") == 0.01352, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(h.metric("operations.time_per_notification") == 0.00352, boost::test_tools::tolerance(1e-12));
    // Worker time: one connect (1 ms) and nine operations of 3.52 ms, over 10 s on one worker.
    BOOST_TEST(h.metric("server.utilization") == (0.001 + 9 * 0.00352) / 10.0, boost::test_tools::tolerance(1e-12));
    // Nothing is left in memory but the connection.
    BOOST_TEST(rec.memory.of(m::memory_meter::notifications) == 0);
    BOOST_TEST(rec.memory.of(m::memory_meter::send_buffers) == 0);
    BOOST_TEST(rec.memory.of(m::memory_meter::requests) == 0);
    BOOST_TEST(rec.memory.of(m::memory_meter::connections) == sc.memory.per_connection);
}

BOOST_AUTO_TEST_CASE(broadcast_reaches_every_online_user_in_n_emits_plus_latency) {
    // 50 users (connected by 70 ms on one worker), one broadcast at 1 s: the i-th copy leaves
    // after 3.5 ms + i x 20 us and arrives 10 ms later; the broadcast time is the last arrival:
    // 3.5 ms + 50 x 20 us + 10 ms = 14.5 ms.
    const std::int64_t n = 50;
    auto sc = mt::exact_scenario(n);
    sc.load.push_back(mt::burst_phase(1, mt::at(1_s), m::target_kind::broadcast));
    mt::harness h(sc);
    h.finish();
    auto& rec = h.rec();
    BOOST_TEST(rec.broadcasts.broadcasts() == 1u);
    BOOST_TEST(rec.delivery.attempted() == static_cast<std::uint64_t>(n));
    BOOST_TEST(rec.delivery.delivered() == static_cast<std::uint64_t>(n));
    BOOST_TEST(rec.broadcasts.broadcast_recipients().mean() == 50.0);
    BOOST_TEST(rec.broadcasts.broadcast_time().count() == 1u);
    BOOST_TEST(rec.broadcasts.broadcast_time().max() == ns(3500_us + 50 * 20_us + 10_ms));
    BOOST_TEST(rec.delivery.delivery_latency().min() == ns(3500_us + 20_us + 10_ms));
    BOOST_TEST(rec.delivery.delivery_latency().max() == ns(14'500_us));
    // Copies go out in user-id order.
    const auto d = h.records("deliver");
    BOOST_TEST_REQUIRE(d.size() == 50u);
    for (std::size_t i = 0; i < d.size(); ++i) {
        BOOST_TEST(d[i].entity == i);
        BOOST_TEST(d[i].t == ns(1_s) + ns(3500_us) + static_cast<std::int64_t>(i + 1) * ns(20_us) + ns(10_ms));
    }
    // The operation holds the worker for the whole fan-out.
    BOOST_TEST(rec.publishing.operation_latency().max() == ns(3500_us + 50 * 20_us));
    BOOST_TEST(h.metric("broadcast.time.max") == 0.0145, boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(broadcast_skips_offline_users_instead_of_queueing) {
    // Users connected when the fan-out starts get the broadcast; the others do not (a Socket.IO
    // room emit reaches connected sockets only) — nothing goes to their offline queues.
    auto sc = mt::exact_scenario(4);
    sc.users.connect_start = 2_s;  // nobody online at 1 s
    sc.load.push_back(mt::burst_phase(1, mt::at(1_s), m::target_kind::broadcast));
    mt::harness h(sc);
    h.finish();
    BOOST_TEST(h.rec().broadcasts.broadcasts() == 1u);
    BOOST_TEST(h.rec().delivery.attempted() == 0u);
    BOOST_TEST(h.rec().offline.offline_enqueued() == 0u);
    BOOST_TEST(h.rec().broadcasts.broadcast_time().count() == 0u);
    BOOST_TEST(h.rec().broadcasts.broadcast_recipients().mean() == 0.0);
}

BOOST_AUTO_TEST_CASE(send_buffer_drop_newest_keeps_the_first_frames) {
    mt::harness h(slow_consumer(m::slow_consumer_policy::drop_newest));
    h.finish();
    auto& rec = h.rec();
    // 5 queries (15 ms) + 5 x 0.5 ms before the fan-out; frame k leaves after k x 100 ms on the
    // wire (the first emit at +20 us) and arrives 10 ms later.
    const std::int64_t t0 = ns(1_s) + ns(15_ms + 2500_us + 20_us);
    BOOST_TEST(rec.delivery.dropped_send_buffer() == 3u);
    BOOST_TEST(rec.delivery.delivered() == 2u);
    const auto d = h.records("deliver");
    BOOST_TEST_REQUIRE(d.size() == 2u);
    BOOST_TEST(d[0].t == t0 + ns(110_ms));
    BOOST_TEST(d[1].t == t0 + ns(210_ms));
    BOOST_TEST(h.metric("delivery.success_rate") == 0.4);
    BOOST_TEST(rec.memory.of(m::memory_meter::send_buffers) == 0);
}

BOOST_AUTO_TEST_CASE(send_buffer_drop_oldest_keeps_the_last_frames) {
    mt::harness h(slow_consumer(m::slow_consumer_policy::drop_oldest));
    h.finish();
    auto& rec = h.rec();
    const std::int64_t t0 = ns(1_s) + ns(15_ms + 2500_us + 20_us);
    BOOST_TEST(rec.delivery.dropped_send_buffer() == 3u);
    BOOST_TEST(rec.delivery.delivered() == 2u);
    // Frames 1-3 were dropped but had been handed to TCP: they still take their time on the wire,
    // so frames 4 and 5 arrive after 400 and 500 ms of serialisation.
    const auto d = h.records("deliver");
    BOOST_TEST_REQUIRE(d.size() == 2u);
    BOOST_TEST(d[0].t == t0 + ns(410_ms));
    BOOST_TEST(d[1].t == t0 + ns(510_ms));
    BOOST_TEST(rec.memory.of(m::memory_meter::send_buffers) == 0);
    BOOST_TEST(h.sys.pending() == 0u);
}

BOOST_AUTO_TEST_CASE(send_buffer_disconnect_closes_the_slow_consumer) {
    mt::harness h(slow_consumer(m::slow_consumer_policy::disconnect));
    h.finish();
    auto& rec = h.rec();
    // Frame 3 finds the buffer full: it is dropped and the connection closed, writing off the two
    // frames on the link; frames 4 and 5 find the user offline and are queued. The client
    // reconnects after exactly 1 s of backoff, then gets the queue.
    BOOST_TEST(rec.delivery.dropped_send_buffer() == 1u);
    BOOST_TEST(rec.delivery.lost() == 2u);
    BOOST_TEST(rec.connections.drops() == 1u);
    BOOST_TEST(rec.offline.offline_enqueued() == 2u);
    BOOST_TEST(rec.offline.offline_delivered() == 2u);
    BOOST_TEST(rec.delivery.delivered() == 2u);
    BOOST_TEST(rec.connections.connect_ok() == 2u);
    BOOST_TEST(h.metric("delivery.success_rate") == 0.4);
    const auto disc = h.records("disconnect");
    BOOST_TEST_REQUIRE(disc.size() == 1u);
    // Every copy of the batch is handed to the link when the fan-out starts (at 1.0175 s), so the
    // close happens then.
    const std::int64_t closed_at = ns(1_s) + ns(15_ms + 2500_us);
    BOOST_TEST(disc[0].t == closed_at);
    const auto conn = h.records("connect");
    BOOST_TEST_REQUIRE(conn.size() == 2u);
    // backoff 1 s + handshake 20 ms + connect 1 ms.
    BOOST_TEST(conn[1].t == closed_at + ns(1021_ms));
    // The queued frames drain one emit apart and take 100 ms each on the slow link.
    const auto d = h.records("deliver");
    BOOST_TEST_REQUIRE(d.size() == 2u);
    BOOST_TEST(d[0].t == conn[1].t + ns(20_us + 110_ms));
    BOOST_TEST(d[1].t == conn[1].t + ns(20_us + 210_ms));
    BOOST_TEST(rec.memory.of(m::memory_meter::send_buffers) == 0);
}

// Regression test for a fixed bug (models/server.hpp, accept(): the offline queue is drained through send() before the
// worker calls clients_->connect_accepted()): when the drain overflows the send buffer under
// slow_consumer "disconnect", close_slow_consumer() unregisters the connection and calls
// closed_by_server(), which the client ignored because it is still "connecting"; then
// connect_accepted() makes it "online". The client believes it is connected and never retries,
// the server believes it is not: everything published for the user after that goes to its
// offline queue and is never delivered (for the whole session, or the whole run without sessions).
BOOST_AUTO_TEST_CASE(disconnect_during_offline_drain_leaves_client_and_server_agreeing) {
    auto sc = mt::exact_scenario(1);
    sc.length = 20_s;
    sc.users.connect_start = 5_s;  // five notifications wait in the offline queue
    sc.server.send_buffer = 2;
    sc.server.slow_consumer = m::slow_consumer_policy::disconnect;
    sc.load.push_back(mt::burst_phase(1, mt::at(1_s), m::target_kind::user, 5));
    sc.load.push_back(mt::burst_phase(1, mt::at(10_s)));  // one more, long after the reconnection
    mt::harness h(sc);
    h.finish();
    // Either the client is connected in the eyes of both sides, or in neither.
    BOOST_TEST(h.sys.users().online() == h.sys.the_server().connections());
    // The notification published at 10 s reaches the user (it reconnected after the drop).
    BOOST_TEST(h.rec().delivery.delivery_latency().count() == 1u);
}

BOOST_AUTO_TEST_CASE(shedding_refuses_lower_priorities_while_the_queue_is_at_threshold) {
    // Arrivals every 100 ms from 0.1 s, 1.05 s per request. 0.1 s goes straight to the worker,
    // 0.2-0.4 s fill the queue to 3; 0.5-1.1 s are shed; at 1.15 s the worker takes 0.2 s and
    // 1.2 s fits; 1.3-1.9 s are shed again.
    auto sc = slow_worker(10, 2_s);
    sc.degradation.shedding.enabled = true;
    sc.degradation.shedding.queue_threshold = 3;
    sc.degradation.shedding.keep_at_least = m::priority_class::high;
    mt::harness h(sc);
    h.finish();
    BOOST_TEST(h.rec().publishing.published() == 19u);
    BOOST_TEST(h.rec().publishing.shed() == 14u);
    BOOST_TEST(h.rec().publishing.accepted() == 5u);
    BOOST_TEST(h.metric("notifications.shed") == 14.0);
    BOOST_TEST(h.rec().serving.server_queue().max() == 3.0);

    // The same load at high priority is never shed.
    sc.load[0].priority_weights = {0, 0, 1, 0};
    mt::harness hi(sc);
    hi.finish();
    BOOST_TEST(hi.rec().publishing.shed() == 0u);
    BOOST_TEST(hi.rec().publishing.accepted() == 19u);
}

BOOST_AUTO_TEST_CASE(rate_limit_admits_burst_plus_rate_times_t) {
    // 100/s for 1 s (99 arrivals at 10 ms steps) into a bucket of 10/s, burst 5: the first five,
    // then one per 100 ms (at 0.11, 0.21, ..., 0.91 s): 14.
    auto sc = mt::exact_scenario(1);
    sc.length = 1_s;
    sc.load.push_back(mt::uniform_phase(100));
    sc.degradation.rate_limit.enabled = true;
    sc.degradation.rate_limit.limit = m::rate{10};
    sc.degradation.rate_limit.burst = 5;
    mt::harness h(sc);
    h.finish();
    BOOST_TEST(h.rec().publishing.published() == 99u);
    BOOST_TEST(h.rec().publishing.accepted() == 14u);
    BOOST_TEST(h.rec().publishing.rate_limited() == 85u);
    BOOST_TEST(h.rec().publishing.operations() == 99u);  // a refusal is an operation that failed
    BOOST_TEST(h.rec().publishing.operations_ok() == 14u);
}

BOOST_AUTO_TEST_CASE(full_request_queue_rejects) {
    // Queue capacity 2: 0.1 s to the worker, 0.2 and 0.3 s queued, 0.4-0.9 s rejected.
    auto sc = slow_worker(10, 1_s);
    sc.server.queue_capacity = 2;
    mt::harness h(sc);
    h.finish();
    BOOST_TEST(h.rec().publishing.published() == 9u);
    BOOST_TEST(h.rec().publishing.accepted() == 3u);
    BOOST_TEST(h.rec().publishing.rejected() == 6u);
    BOOST_TEST(h.metric("notifications.rejected") == 6.0);
}

BOOST_AUTO_TEST_CASE(request_timeout_skips_stale_requests_and_fails_late_ones) {
    // Timeout 500 ms. 0.1 s is served but ends at 1.15 s (1.05 s old): timed out although its
    // notification was stored and delivered. 0.2 s and 0.3 s are taken at 1.15 s, long stale:
    // skipped without work.
    auto sc = slow_worker(10, 3_s);
    sc.load[0].length = 350_ms;
    sc.degradation.request_timeout = 500_ms;
    mt::harness h(sc);
    h.finish();
    auto& rec = h.rec();
    BOOST_TEST(rec.publishing.published() == 3u);
    BOOST_TEST(rec.publishing.timed_out() == 3u);
    BOOST_TEST(rec.publishing.persisted() == 1u);
    BOOST_TEST(rec.delivery.delivered() == 1u);
    BOOST_TEST(rec.publishing.operations() == 3u);
    BOOST_TEST(rec.publishing.operations_ok() == 0u);
    const auto fails = h.records("op.fail");
    BOOST_TEST_REQUIRE(fails.size() == 1u);  // the skipped ones leave no op record
    BOOST_TEST(fails[0].t == ns(1150_ms));
    BOOST_TEST(fails[0].a == ns(1050_ms));
}

BOOST_AUTO_TEST_CASE(max_connections_refuses_extra_users) {
    auto sc = mt::exact_scenario(3);
    sc.server.max_connections = 2;
    sc.length = 3_s;
    sc.users.reconnect.jitter = m::backoff_params::jitter_kind::none;
    mt::harness h(sc);
    h.finish();
    auto& rec = h.rec();
    BOOST_TEST(rec.connections.connected_peak() == 2);
    BOOST_TEST(h.sys.the_server().connections() == 2);
    // User 2 is refused at 23 ms (after the two others' 1 ms connects), retries after 1 s of
    // backoff and is refused again at 1.044 s; the next try (after 2 s more) is past the end.
    BOOST_TEST(rec.connections.connect_ok() == 2u);
    BOOST_TEST(rec.connections.connect_failed() == 2u);
    const auto f = h.records("connect.fail");
    BOOST_TEST_REQUIRE(f.size() == 2u);
    BOOST_TEST(f[0].entity == 2u);
    BOOST_TEST(f[0].t == ns(23_ms));
    BOOST_TEST(f[1].t == ns(23_ms + 1_s + 21_ms));
}

BOOST_AUTO_TEST_CASE(target_users_reaches_distinct_recipients) {
    auto sc = mt::exact_scenario(10);
    sc.server.workers = 10;
    auto ph = mt::uniform_phase(10);
    ph.target = m::target_kind::users;
    ph.recipients = 4;
    sc.load.push_back(ph);
    mt::harness h(sc);
    h.finish();
    auto& rec = h.rec();
    BOOST_TEST(rec.publishing.published() == 99u);
    BOOST_TEST(rec.delivery.attempted() == 99u * 4u);
    BOOST_TEST(rec.delivery.delivered() == 99u * 4u);
    // Each operation's four deliveries go to four different users.
    const auto d = h.records("deliver");
    BOOST_TEST_REQUIRE(d.size() == 99u * 4u);
    std::set<std::uint64_t> seen;
    for (std::size_t i = 0; i < d.size(); i += 4) {
        std::set<std::uint64_t> who;
        for (std::size_t j = i; j < i + 4; ++j) who.insert(d[j].entity);
        BOOST_TEST_REQUIRE(who.size() == 4u);
        seen.insert(who.begin(), who.end());
    }
    BOOST_TEST(seen.size() == 10u);
}

BOOST_AUTO_TEST_CASE(memory_per_notification_and_per_connection_follow_the_memory_model) {
    auto sc = mt::exact_scenario(5);
    sc.server.workers = 5;
    auto ph = mt::uniform_phase(10);
    ph.batch = 3;
    ph.payload = m::size_dist::fixed(300);
    sc.load.push_back(ph);
    mt::harness h(sc);
    h.finish();
    // A notification object is per_notification + payload.
    BOOST_TEST(h.metric("memory.bytes_per_notification") == 2048.0 + 300.0);
    BOOST_TEST(h.rec().memory.notifications_created() == 99u * 3u);
    // Each connection: per_connection, plus its share of send-buffer frames (200 + payload
    // while in flight), averaged over connected time: a little above 48 KiB.
    const double per_conn = h.metric("memory.bytes_per_connection");
    BOOST_TEST(per_conn > 48.0 * 1024);
    BOOST_TEST(per_conn < 48.0 * 1024 + 500);
    // Peak: 5 connections + at most a handful of requests, notifications and frames.
    BOOST_TEST(h.rec().memory.peak() >= 5 * 48 * 1024 + 3 * (2048 + 300));
    BOOST_TEST(h.rec().memory.total() == 5 * 48 * 1024);
    // Idle connections only: exactly per_connection.
    auto idle = mt::exact_scenario(5);
    mt::harness hi(idle);
    hi.finish();
    BOOST_TEST(hi.metric("memory.bytes_per_connection") == 48.0 * 1024, boost::test_tools::tolerance(1e-12));
}

// --- the pieces server.hpp assembles, on their own ---

BOOST_AUTO_TEST_CASE(admission_rate_limit_before_shedding_before_a_full_queue_and_publish_only) {
    simulation sim;
    m::degradation_params deg;
    deg.rate_limit.enabled = true;
    deg.rate_limit.limit = m::rate{1};  // one token per second
    deg.rate_limit.burst = 3;
    deg.shedding.enabled = true;
    deg.shedding.queue_threshold = 2;
    deg.shedding.keep_at_least = m::priority_class::high;
    m::admission door(sim, 3, deg);
    using v = m::admission::verdict;
    m::request pub;  // a normal-priority publish
    m::request urgent = pub;
    urgent.prio = m::priority_class::high;
    m::request conn;
    conn.type = m::request::kind::connect;
    BOOST_TEST((door.offer(pub) == v::accepted));
    BOOST_TEST((door.offer(pub) == v::accepted));
    // Two waiting: a normal publish is shed (and spends the burst's last token first: the limit
    // is consulted before shedding), a high one is queued if it gets a token — none left.
    BOOST_TEST((door.offer(pub) == v::shed));
    BOOST_TEST((door.offer(urgent) == v::rate_limited));
    // A connect is neither rate limited nor shed; it fills the queue to its capacity of 3 ...
    BOOST_TEST((door.offer(conn) == v::accepted));
    BOOST_TEST(door.queue_length() == 3u);
    // ... after which it is refused by the full queue alone.
    BOOST_TEST((door.offer(conn) == v::queue_full));
    // A second later one token: the high publish passes limit and shedding, then meets the full queue.
    sim.run_until(time_point{} + 1_s);
    BOOST_TEST((door.offer(urgent) == v::queue_full));
    BOOST_TEST((door.offer(urgent) == v::rate_limited));
}

BOOST_AUTO_TEST_CASE(connection_registry_replaces_a_stale_connection_and_changes_generation) {
    simulation sim;
    m::recorder rec;
    m::memory_params mem;
    mem.per_connection = 1000;
    m::connection_registry reg(sim, 3, mem, rec.connections, rec.memory);
    BOOST_TEST(!reg.connected(1));
    const std::uint32_t g0 = reg.generation(1);
    reg.add(1);
    BOOST_TEST(reg.connected(1));
    BOOST_TEST(reg.count() == 1);
    BOOST_TEST(reg.generation(1) == g0 + 1);
    // A new connection while the old one is still registered (its death not yet noticed): the old
    // one is removed first, so the count stays 1 and the generation moves twice.
    reg.add(1);
    BOOST_TEST(reg.count() == 1);
    BOOST_TEST(reg.generation(1) == g0 + 3);
    BOOST_TEST(rec.connections.connected_now() == 1);
    BOOST_TEST(rec.memory.total() == 1000);
    reg.add(2);
    reg.remove(1);
    BOOST_TEST(!reg.connected(1));
    BOOST_TEST(reg.connected(2));
    BOOST_TEST(reg.count() == 1);
    BOOST_TEST(rec.connections.connected_peak() == 2);
    BOOST_TEST(rec.memory.total() == 1000);
    BOOST_TEST(reg.generation(0) == g0);  // untouched users keep theirs
}

BOOST_AUTO_TEST_CASE(broadcast_time_is_recorded_once_when_sealed_and_every_copy_settled) {
    simulation sim;
    m::recorder rec;
    m::broadcast_tracker t(sim, rec.broadcasts);
    const time_point t0 = time_point{} + 1_s;
    const std::uint32_t b = t.open(t0);
    t.copy_sent(b);
    t.copy_sent(b);
    t.copy_arrived(b, t0 + 30_ms);
    t.copy_settled(b);
    t.copy_settled(b);  // the second copy was lost: nothing recorded before the seal
    BOOST_TEST(rec.broadcasts.broadcast_time().count() == 0u);
    t.seal(b);
    BOOST_TEST(rec.broadcasts.broadcast_time().count() == 1u);
    BOOST_TEST(rec.broadcasts.broadcast_time().max() == ns(30_ms));  // publish to the last arrival
    // Sealed with a copy still out: recorded when that copy settles, at its arrival time.
    const std::uint32_t c = t.open(t0);
    t.copy_sent(c);
    t.seal(c);
    BOOST_TEST(rec.broadcasts.broadcast_time().count() == 1u);
    t.copy_arrived(c, t0 + 50_ms);
    t.copy_settled(c);
    BOOST_TEST(rec.broadcasts.broadcast_time().count() == 2u);
    BOOST_TEST(rec.broadcasts.broadcast_time().max() == ns(50_ms));
    // A broadcast none of whose copies arrived has no broadcast time.
    const std::uint32_t d = t.open(t0);
    t.copy_sent(d);
    t.copy_settled(d);
    t.seal(d);
    BOOST_TEST(rec.broadcasts.broadcast_time().count() == 2u);
}


// Issue 12, item 15: utilization counts the service of a request still running when the run
// ends, up to the end. One worker; the connect at 0 s takes 1 ms; publishes at 4 s and 8 s take
// 4 s each, the second still in service at the end (10 s): busy 0.001 + 4 + 2 s of 10 s. Counting
// finished requests only would give (0.001 + 4) / 10.
BOOST_AUTO_TEST_CASE(utilization_counts_a_request_still_in_service_at_the_end) {
    auto sc = mt::exact_scenario(1);
    sc.drain = 0_s;
    sc.server.cost_per_notification = m::duration_dist::fixed(4_s);
    sc.server.cost_per_message = m::duration_dist::fixed(0_s);
    sc.server.queries_per_notification = 0;
    sc.load.push_back(mt::uniform_phase(0.25));
    mt::harness h(sc);
    h.finish();
    BOOST_TEST(h.rec().publishing.published() == 2u);
    BOOST_TEST(h.rec().publishing.persisted() == 1u);
    BOOST_TEST(h.rec().serving.busy_workers() == 1);
    BOOST_TEST(h.metric("server.utilization") == 0.6001);
}

BOOST_AUTO_TEST_CASE(an_event_loop_does_not_wait_for_the_database) {
    // Four publishes to one user at 1 s on one worker; each: 3 ms query, 0.5 ms per notification,
    // 20 us emit, 10 ms link. Threads: the worker holds each through its query, so they end
    // 3.52 ms apart (3.52, 7.04, 10.56, 14.08 ms). Event loop: the four transactions run at once
    // (pool 20) and end at 3 ms; the stored publishes queue again and take 0.52 ms of the worker
    // each (3.52, 4.04, 4.56, 5.08 ms). The worker is busy 3.52 ms per publish with threads, 0.52 ms with the loop.
    const auto latencies = [](m::server_concurrency c) {
        auto sc = mt::exact_scenario(1);
        sc.server.concurrency = c;
        sc.load.push_back(mt::burst_phase(4, mt::at(1_s)));
        mt::harness h(sc);
        h.finish();
        std::vector<std::int64_t> ops;
        for (const auto& r : h.records("op.ok")) ops.push_back(r.a);
        return std::pair(ops, h.metric("server.utilization"));
    };
    const auto [threads, threads_busy] = latencies(m::server_concurrency::threads);
    const auto [loop, loop_busy] = latencies(m::server_concurrency::event_loop);
    const std::vector<std::int64_t> threads_want{ns(3'520_us), ns(7'040_us), ns(10'560_us), ns(14'080_us)};
    const std::vector<std::int64_t> loop_want{ns(3'520_us), ns(4'040_us), ns(4'560_us), ns(5'080_us)};
    BOOST_TEST(threads == threads_want, boost::test_tools::per_element());
    BOOST_TEST(loop == loop_want, boost::test_tools::per_element());
    BOOST_TEST(threads_busy == (0.001 + 4 * 0.00352) / 10.0, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(loop_busy == (0.001 + 4 * 0.00052) / 10.0, boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(an_event_loops_transactions_are_bounded_by_the_pool) {
    // The same four publishes with a pool of 2 and no overflow: two transactions at a time, so
    // two are stored at 3 ms and two at 6 ms; the worker then adds 0.52 ms to each in turn.
    auto sc = mt::exact_scenario(1);
    sc.server.concurrency = m::server_concurrency::event_loop;
    sc.database.pool_size = 2;
    sc.database.max_overflow = 0;
    sc.load.push_back(mt::burst_phase(4, mt::at(1_s)));
    mt::harness h(sc);
    h.finish();
    std::vector<std::int64_t> ops;
    for (const auto& r : h.records("op.ok")) ops.push_back(r.a);
    const std::vector<std::int64_t> want{ns(3'520_us), ns(4'040_us), ns(6'520_us), ns(7'040_us)};
    BOOST_TEST(ops == want, boost::test_tools::per_element());
    BOOST_TEST(h.rec().memory.of(m::memory_meter::requests) == 0);
    BOOST_TEST(h.rec().memory.of(m::memory_meter::notifications) == 0);
}

BOOST_AUTO_TEST_SUITE_END()
