// The simulation and the live replay run one behaviour (issue 11): for one scenario and seed, the
// simulation's producer and the replay's generator yield the same open-phase publishes (intended
// time, recipients, batch, priority, payload size), and a simulated user and the replay's user
// plan follow the same connect / session / reconnect schedule on a network that never fails.
// The simulation side is recorded from a real simulated run (the producer's and the users'
// observers, the recipients from what fan-out put in the offline queues); the replay side from
// the replay's own generator and user plan, without sockets, at time scale 1.
#include <boost/test/unit_test.hpp>

#include "publish_generator.hpp"
#include "user_plan.hpp"

#include <models/database.hpp>
#include <models/faults.hpp>
#include <models/message.hpp>
#include <models/offline_queue.hpp>
#include <models/params.hpp>
#include <models/producer.hpp>
#include <models/recorder.hpp>
#include <models/server.hpp>
#include <models/user.hpp>
#include <models/ws_link.hpp>

#include <surge/simulation.hpp>

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <vector>

using namespace surge;
using namespace surge::literals;
namespace m = surge::models;

namespace {

constexpr std::uint64_t seed = 20261202;

/// Open phases of every kind: a ramp from 0/s, Poisson and even spacing, targets user / users
/// with recipients / broadcast, batches, priority weights, payload distributions. Nobody is
/// online during the run, so fan-out leaves every copy in an offline queue, where it can be read.
m::scenario publish_scenario() {
    m::scenario sc;
    sc.length = 20_s;
    sc.drain = 30_s;
    sc.users.count = 40;
    sc.users.connect_start = 1000_s;  // after the run: every copy waits in an offline queue
    sc.offline_queue.max_messages = 0;
    sc.server.workers = 16;
    sc.server.cost_per_notification = m::duration_dist::fixed(50_us);
    sc.server.cost_per_message = m::duration_dist::fixed(5_us);
    sc.database.query = m::duration_dist::fixed(1_ms);
    m::load_phase ramp;  // 0/s -> 100/s over 6 s, Poisson, 3 distinct users per notification, batches of 2
    ramp.at = time_point{} + 0_s;
    ramp.length = 6_s;
    ramp.start_rate = m::rate{0};
    ramp.end_rate = m::rate{100};
    ramp.target = m::target_kind::users;
    ramp.recipients = 3;
    ramp.batch = 2;
    ramp.priority_weights = {1, 2, 1, 0};
    ramp.payload = m::size_dist{100, 300};
    m::load_phase even;  // 40/s evenly spaced, one user each
    even.at = time_point{} + 6_s;
    even.length = 5_s;
    even.start_rate = m::rate{40};
    even.spacing = m::load_phase::arrivals::uniform;
    even.target = m::target_kind::user;
    even.payload = m::size_dist::fixed(64);
    m::load_phase falling;  // 80/s -> 10/s, Poisson, one user, batches of 4, two priorities
    falling.at = time_point{} + 11_s;
    falling.length = 5_s;
    falling.start_rate = m::rate{80};
    falling.end_rate = m::rate{10};
    falling.target = m::target_kind::user;
    falling.batch = 4;
    falling.priority_weights = {0, 0, 3, 1};
    falling.payload = m::size_dist{10, 2000};
    m::load_phase bcast;  // broadcasts until the end
    bcast.at = time_point{} + 16_s;
    bcast.start_rate = m::rate{5};
    bcast.target = m::target_kind::broadcast;
    bcast.batch = 3;
    sc.load = {ramp, even, falling, bcast};
    return sc;
}

struct publish_record {
    std::size_t phase;
    std::int64_t at_ns;
    m::target_kind target;
    std::uint32_t batch;
    m::priority_class prio;
    std::uint32_t payload;
    std::vector<std::uint32_t> recipients;  // every copy's user, sorted (a multiset)
    bool operator==(const publish_record&) const = default;
};

std::ostream& operator<<(std::ostream& os, const publish_record& r) {
    os << "{phase " << r.phase << " at " << r.at_ns << "ns target " << int(r.target) << " batch " << r.batch << " prio "
       << int(r.prio) << " payload " << r.payload << " recipients";
    for (auto u : r.recipients) os << ' ' << u;
    return os << '}';
}

/// The simulation: the real models, the producer's observer for the publishes, and the offline
/// queues afterwards for who fan-out chose (a copy's created time is its publish's intended time).
std::vector<publish_record> simulated_publishes(const m::scenario& sc) {
    simulation sim(seed);
    m::recorder rec;
    m::message_pool pool;
    m::database db(sim, sc.database, rec.db);
    const auto users = static_cast<std::size_t>(sc.users.count);
    m::link_table links(sim, sc.links, users, pool);
    m::offline_queues offline(sim, sc.offline_queue, sc.memory, users, pool, rec.offline, rec.memory);
    m::server srv(sim, sc.server, sc.degradation, sc.memory, db, links, offline, pool, rec);
    m::user_population people(sim, sc.users, links, srv, rec.connections, rec.messages);
    m::producer load(sim, sc.load, time_point{} + sc.length, srv);
    std::vector<publish_record> out;
    load.observe_publishes([&](std::size_t phase, const m::request& q) {
        out.push_back({phase, q.created.count(), q.target, q.batch, q.prio, q.payload, {}});
    });
    srv.start();
    people.start();
    load.start();
    sim.run_until(time_point{} + sc.length);
    people.quiesce();
    sim.run_until(time_point{} + sc.length + sc.drain);
    BOOST_REQUIRE_EQUAL(srv.connections(), 0);
    struct copy {
        std::uint32_t user, bytes;
    };
    std::map<std::int64_t, std::vector<copy>> copies;  // intended time -> the copies fan-out made
    std::size_t total = 0;
    for (std::uint32_t u = 0; u < users; ++u)
        offline.drain(u, [&](std::uint32_t msg) {
            copies[pool[msg].created.count()].push_back({u, pool[msg].bytes});
            ++total;
        });
    std::size_t matched = 0;
    for (auto& r : out) {
        auto it = copies.find(r.at_ns);
        if (it == copies.end()) continue;
        for (const auto& c : it->second) {
            BOOST_TEST(c.bytes == r.payload);
            r.recipients.push_back(c.user);
        }
        std::sort(r.recipients.begin(), r.recipients.end());
        matched += r.recipients.size();
    }
    BOOST_REQUIRE_EQUAL(matched, total);  // every copy belongs to one observed publish
    return out;
}

/// The replay: its generator, drained phase by phase, in time order as the control thread would.
std::vector<publish_record> replayed_publishes(const m::scenario& sc) {
    replay::publish_generator gen(sc, seed);
    std::vector<publish_record> out;
    for (std::size_t i = 0; i < gen.phases(); ++i)
        while (const auto p = gen.next_open(i)) {
            publish_record r{i, p->at.count(), p->target, p->batch(), p->prio, p->payload, {}};
            for (const auto& n : p->recipients) r.recipients.insert(r.recipients.end(), n.begin(), n.end());
            std::sort(r.recipients.begin(), r.recipients.end());
            out.push_back(std::move(r));
        }
    std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.at_ns < b.at_ns; });
    return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(behaviour_equivalence)

BOOST_AUTO_TEST_CASE(simulation_and_replay_publish_the_same_sequence) {
    const auto sc = publish_scenario();
    const auto sim = simulated_publishes(sc);
    const auto live = replayed_publishes(sc);
    BOOST_REQUIRE_EQUAL(sim.size(), live.size());
    for (std::size_t k = 0; k < sim.size(); ++k) BOOST_REQUIRE_EQUAL(sim[k], live[k]);
    // The schedule is not trivially empty: each phase publishes, the ramp from 0/s about
    // 100/s * 6 s / 2 = 300 times, and the users target reaches distinct users.
    std::map<std::size_t, std::size_t> per_phase;
    for (const auto& r : live) ++per_phase[r.phase];
    BOOST_TEST(per_phase[0] > 240u);
    BOOST_TEST(per_phase[0] < 360u);
    BOOST_TEST(per_phase[1] == 199u);  // 40/s for 5 s, evenly spaced: the 200th would fall on the end
    BOOST_TEST(per_phase[2] > 150u);
    BOOST_TEST(per_phase[3] > 10u);
    bool spread = false;  // a consecutive block would hold u, u+1, u+2 every time
    for (const auto& r : live)
        if (r.phase == 0) {
            BOOST_TEST(r.recipients.size() == 6u);
            if (r.recipients[1] != r.recipients[0] + 1) spread = true;
        }
    BOOST_TEST(spread);
}

namespace {

/// A never-failing network: sessions, offline spells, and a disconnect storm (drops, backoff).
m::scenario user_scenario() {
    m::scenario sc;
    sc.length = 60_s;
    sc.users.count = 30;
    sc.users.connect_ramp = 5_s;
    sc.users.online = m::duration_dist::exponential_mean(8_s);
    sc.users.offline = m::duration_dist::exponential_mean(3_s);
    sc.users.reconnect = m::backoff_params{500_ms, 5_s, 2.0, m::backoff_params::jitter_kind::equal};
    sc.load.clear();
    m::fault storm;
    storm.type = m::fault::kind::disconnect_storm;
    storm.at = time_point{} + 20_s;
    storm.fraction = 0.6;
    sc.faults = {storm};
    return sc;
}

struct user_event {
    m::user_population::event what;
    std::int64_t at_ns;
};

} // namespace

BOOST_AUTO_TEST_CASE(simulated_user_and_replay_user_plan_follow_one_schedule) {
    const auto sc = user_scenario();
    simulation sim(seed);
    m::recorder rec;
    m::message_pool pool;
    m::database db(sim, sc.database, rec.db);
    const auto users = static_cast<std::size_t>(sc.users.count);
    m::link_table links(sim, sc.links, users, pool);
    m::offline_queues offline(sim, sc.offline_queue, sc.memory, users, pool, rec.offline, rec.memory);
    m::server srv(sim, sc.server, sc.degradation, sc.memory, db, links, offline, pool, rec);
    m::user_population people(sim, sc.users, links, srv, rec.connections, rec.messages);
    m::fault_timeline faults(sim, sc.faults, db, links, srv, people);
    std::vector<std::vector<user_event>> seen(users);
    people.observe([&](std::uint32_t u, m::user_population::event what, time_point at) { seen[u].push_back({what, at.count()}); });
    srv.start();
    people.start();
    faults.start();
    sim.run_until(time_point{} + sc.length);

    using ev = m::user_population::event;
    std::size_t sessions = 0, ended = 0, drops = 0;
    for (std::uint32_t u = 0; u < users; ++u) {
        replay::user_plan plan(sc, seed, u);
        const auto& e = seen[u];
        BOOST_REQUIRE(!e.empty());
        BOOST_TEST_CONTEXT("user " << u) {
            BOOST_TEST(int(e[0].what) == int(ev::attempt));
            BOOST_TEST(e[0].at_ns == plan.first_attempt().count());
            std::optional<duration> length;
            for (std::size_t k = 1; k < e.size(); ++k) {
                const auto gap = e[k].at_ns - e[k - 1].at_ns;
                switch (e[k].what) {
                case ev::attempt: break;  // checked with the event before it
                case ev::online:
                    BOOST_TEST(int(e[k - 1].what) == int(ev::attempt));  // the network never fails
                    length = plan.connected().length;
                    ++sessions;
                    break;
                case ev::offline:  // the session's planned length, then the planned offline spell
                    BOOST_REQUIRE(length.has_value());
                    BOOST_TEST(gap == length->count());
                    ++ended;
                    if (k + 1 < e.size()) BOOST_TEST(e[k + 1].at_ns - e[k].at_ns == plan.after_session().count());
                    break;
                case ev::dropped:  // the storm: the first backoff
                    ++drops;
                    if (k + 1 < e.size()) BOOST_TEST(e[k + 1].at_ns - e[k].at_ns == plan.after_drop().count());
                    break;
                }
            }
        }
    }
    BOOST_TEST(sessions > 60u);
    BOOST_TEST(ended > 30u);
    BOOST_TEST(drops > 5u);
}

BOOST_AUTO_TEST_SUITE_END()
