// The replay's delivery ledger (tools/replay/delivery_ledger.hpp, issue 12 item 9): a received
// notification counts as delivered only with a published id, to a targeted user, the first time;
// and the ledger's memory stays within its window and broadcast budget.
#include <boost/test/unit_test.hpp>

#include "delivery_ledger.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

using surge::replay::delivery_ledger;
using surge::replay::receipt;

BOOST_AUTO_TEST_SUITE(delivery_ledger_tests)

BOOST_AUTO_TEST_CASE(one_recipient_first_time_only) {
    delivery_ledger l(10);
    const std::vector<std::uint32_t> to3{3}, to4{4};
    const auto a = l.publish(to3);
    const auto b = l.publish(to4);
    BOOST_TEST(a == 1);
    BOOST_TEST(b == 2);
    BOOST_TEST((l.receive(a, 3) == receipt::delivered));
    BOOST_TEST((l.receive(a, 3) == receipt::duplicate));
    BOOST_TEST((l.receive(a, 4) == receipt::wrong_recipient));
    BOOST_TEST((l.receive(b, 3) == receipt::wrong_recipient));
    BOOST_TEST((l.receive(b, 4) == receipt::delivered));
    // Never published: no id, zero, negative, the next id, far beyond.
    BOOST_TEST((l.receive(std::nullopt, 3) == receipt::unknown_id));
    BOOST_TEST((l.receive(0, 3) == receipt::unknown_id));
    BOOST_TEST((l.receive(-1, 3) == receipt::unknown_id));
    BOOST_TEST((l.receive(3, 3) == receipt::unknown_id));
    BOOST_TEST((l.receive(1'000'000'000'000, 3) == receipt::unknown_id));
}

BOOST_AUTO_TEST_CASE(several_recipients_each_once) {
    delivery_ledger l(10);
    const std::vector<std::uint32_t> to{1, 5, 7};
    const auto id = l.publish(to);
    BOOST_TEST((l.receive(id, 5) == receipt::delivered));
    BOOST_TEST((l.receive(id, 1) == receipt::delivered));
    BOOST_TEST((l.receive(id, 5) == receipt::duplicate));
    BOOST_TEST((l.receive(id, 2) == receipt::wrong_recipient));
    BOOST_TEST((l.receive(id, 7) == receipt::delivered));
    BOOST_TEST((l.receive(id, 7) == receipt::duplicate));
}

BOOST_AUTO_TEST_CASE(broadcast_every_user_once) {
    delivery_ledger l(130);  // three words of bits
    const auto id = l.publish_broadcast();
    for (std::uint32_t u = 0; u < 130; ++u) BOOST_TEST((l.receive(id, u) == receipt::delivered));
    for (std::uint32_t u = 0; u < 130; ++u) BOOST_TEST((l.receive(id, u) == receipt::duplicate));
    BOOST_TEST((l.receive(id, 130) == receipt::wrong_recipient));  // not a user of the run
}

BOOST_AUTO_TEST_CASE(memory_stays_within_the_window) {
    delivery_ledger l(10, 4);
    const std::vector<std::uint32_t> two{1, 2};
    for (int i = 0; i < 100; ++i) l.publish(i % 2 == 0 ? std::vector<std::uint32_t>{1} : two);
    BOOST_TEST(l.slots() == 4U);
    BOOST_TEST(l.several_remembered() <= 4U);
    // The last four ids are known; older ones are forgotten and count as unknown.
    BOOST_TEST((l.receive(100, 2) == receipt::delivered));
    BOOST_TEST((l.receive(97, 1) == receipt::delivered));
    BOOST_TEST((l.receive(96, 1) == receipt::unknown_id));
    BOOST_TEST((l.receive(1, 1) == receipt::unknown_id));
}

// The soak benchmark's RSS creep: the ring is allocated up front for the ids the run expects (at
// most the window), so it does not grow while they are published; past them it grows to the window.
BOOST_AUTO_TEST_CASE(the_ring_is_allocated_up_front_for_the_expected_ids) {
    delivery_ledger l(10, 1000, delivery_ledger::default_broadcast_budget, 300);
    BOOST_TEST(l.slots() == 300U);
    const std::vector<std::uint32_t> one{3};
    for (int i = 0; i < 300; ++i) l.publish(one);
    BOOST_TEST(l.slots() == 300U);
    BOOST_TEST((l.receive(1, 3) == receipt::delivered));
    BOOST_TEST((l.receive(300, 3) == receipt::delivered));
    for (int i = 0; i < 2000; ++i) l.publish(one);
    BOOST_TEST(l.slots() == 1000U);
    BOOST_TEST((delivery_ledger(10, 1000, delivery_ledger::default_broadcast_budget, 5000).slots() == 1000U));
    BOOST_TEST((delivery_ledger(10).slots() == 0U));
}

BOOST_AUTO_TEST_CASE(broadcasts_within_their_budget) {
    // 64 users: one 8-byte word per broadcast; a 24-byte budget keeps the last three.
    delivery_ledger l(64, 1000, 24);
    std::vector<std::int64_t> ids;
    for (int i = 0; i < 10; ++i) ids.push_back(l.publish_broadcast());
    BOOST_TEST(l.broadcasts_remembered() == 3U);
    BOOST_TEST((l.receive(ids[9], 5) == receipt::delivered));
    BOOST_TEST((l.receive(ids[7], 5) == receipt::delivered));
    BOOST_TEST((l.receive(ids[6], 5) == receipt::unknown_id));  // no longer remembered
    // A broadcast whose ring slot was reused is forgotten with it.
    delivery_ledger small(64, 2);
    const auto b = small.publish_broadcast();
    const std::vector<std::uint32_t> to{1};
    small.publish(to);
    small.publish(to);
    BOOST_TEST(small.broadcasts_remembered() == 0U);
    BOOST_TEST((small.receive(b, 1) == receipt::unknown_id));
}

/// broadcast.time of a live run: from the intended publish to the last delivery, per broadcast,
/// including the broadcasts the ledger has forgotten since (their time so far), not counting
/// duplicates or broadcasts nobody received.
BOOST_AUTO_TEST_CASE(broadcast_times_from_publish_to_last_delivery) {
    delivery_ledger l(64, 1000, 16);  // two broadcasts remembered at once
    const auto a = l.publish_broadcast(1'000);
    BOOST_TEST((l.receive(a, 1, 1'500) == receipt::delivered));
    BOOST_TEST((l.receive(a, 2, 4'000) == receipt::delivered));
    BOOST_TEST((l.receive(a, 3, 2'000) == receipt::delivered));  // arrivals out of order across threads
    BOOST_TEST((l.receive(a, 2, 9'000) == receipt::duplicate));  // not a delivery: no later last
    const auto b = l.publish_broadcast(5'000);
    BOOST_TEST((l.receive(b, 1, 5'250) == receipt::delivered));
    auto h = l.broadcast_times();
    BOOST_TEST(h.count() == 2U);
    BOOST_TEST(h.min() == 250);
    BOOST_TEST(h.max() == 3'000);
    l.publish_broadcast(6'000);  // nobody receives it; a is forgotten, its time kept
    l.publish_broadcast(7'000);  // nobody receives it; b is forgotten, its time kept
    BOOST_TEST(l.broadcasts_remembered() == 2U);
    h = l.broadcast_times();
    BOOST_TEST(h.count() == 2U);  // a and b; the two remembered have no delivery
    BOOST_TEST(h.min() == 250);
    BOOST_TEST(h.max() == 3'000);
    BOOST_TEST((l.receive(a, 4, 9'500) == receipt::unknown_id));  // forgotten: no longer counted
}

/// Each id's intended send time is recorded at its publish and handed back with its delivery:
/// the start of its latency, whatever the server echoes (issue 14). 24 bytes per remembered id.
BOOST_AUTO_TEST_CASE(intended_time_recorded_per_id) {
    BOOST_TEST(delivery_ledger::slot_bytes == 24U);
    delivery_ledger l(8, 4);
    const std::array<std::uint32_t, 1> one{3};
    const std::array<std::uint32_t, 2> two{1, 2};
    const auto a = l.publish(one, 1'000);
    const auto b = l.publish(two, 2'000);
    const auto c = l.publish_broadcast(3'000);
    std::int64_t t = -1;
    BOOST_TEST((l.receive(a, 3, 5'000, &t) == receipt::delivered));
    BOOST_TEST(t == 1'000);
    BOOST_TEST((l.receive(b, 2, 5'000, &t) == receipt::delivered));
    BOOST_TEST(t == 2'000);
    BOOST_TEST((l.receive(c, 7, 5'000, &t) == receipt::delivered));
    BOOST_TEST(t == 3'000);
    // The window moves on: the slot of a is reused by the 5th id, with its own time.
    l.publish(one, 4'000);
    const auto e = l.publish(one, 5'000);
    BOOST_TEST((l.receive(a, 3, 6'000) == receipt::unknown_id));
    BOOST_TEST((l.receive(e, 3, 6'000, &t) == receipt::delivered));
    BOOST_TEST(t == 5'000);
    BOOST_TEST(l.slots() == 4U);
}

BOOST_AUTO_TEST_SUITE_END()
