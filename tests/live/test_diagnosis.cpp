// tests/live/test_diagnosis.cpp — tools/replay/diagnosis.hpp: a run whose publishes were accepted
// but delivered nothing gets a paragraph naming the likely cause, chosen by what did arrive; any
// other run gets none.
#include <boost/test/unit_test.hpp>

#include "diagnosis.hpp"

#include <string>

namespace {

surge::replay::replay_result accepted_but_nothing_delivered() {
    surge::replay::replay_result r;
    r.run.metrics.set("notifications.accepted", 120, "count");
    r.run.metrics.set("delivery.delivered", 0, "count");
    r.run.metrics.set("connections.succeeded", 30, "count");
    return r;
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

} // namespace

BOOST_AUTO_TEST_SUITE(diagnosis_tests)

BOOST_AUTO_TEST_CASE(only_when_accepted_and_nothing_delivered) {
    using surge::replay::nothing_arrived;
    auto r = accepted_but_nothing_delivered();
    BOOST_TEST(nothing_arrived(r).has_value());
    r.run.metrics.set("delivery.delivered", 1, "count");
    BOOST_TEST(!nothing_arrived(r).has_value());
    r = accepted_but_nothing_delivered();
    r.run.metrics.set("offline_queue.delivered", 3, "count");  // handed over from offline queues
    BOOST_TEST(!nothing_arrived(r).has_value());
    r = accepted_but_nothing_delivered();
    r.run.metrics.set("notifications.accepted", 0, "count");  // nothing was accepted: another problem
    BOOST_TEST(!nothing_arrived(r).has_value());
    r = accepted_but_nothing_delivered();
    r.run.metrics.set("connections.succeeded", 0, "count");   // nobody was there to hear it
    BOOST_TEST(!nothing_arrived(r).has_value());
}

BOOST_AUTO_TEST_CASE(the_cause_follows_what_arrived) {
    using surge::replay::nothing_arrived;
    auto r = accepted_but_nothing_delivered();
    const auto silence = *nothing_arrived(r);
    BOOST_TEST(contains(silence, "nothing arrived: the server accepted 120 notifications but none reached a client."));
    BOOST_TEST(contains(silence, "No event of any kind reached the clients"));
    BOOST_TEST(contains(silence, "--user-prefix"));

    r.live.other_events = 42;
    r.live.other_event_name = "message";
    r.live.protocol.notification_event = "notification";
    BOOST_TEST(contains(*nothing_arrived(r), "42 events of another name arrived (most of them \"message\"), none named \"notification\""));

    r.live.received_wrong_recipient = 7;  // misrouted beats other events
    BOOST_TEST(contains(*nothing_arrived(r), "7 notifications arrived at other users"));

    r.live.received_unknown_id = 5;       // ids that do not match beat both
    r.live.protocol.id_field = "notification_id";
    const auto ids = *nothing_arrived(r);
    BOOST_TEST(contains(ids, "5 \"notification\" events arrived with an id this run did not publish"));
    BOOST_TEST(contains(ids, "protocol.notification.id is \"notification_id\""));
}

BOOST_AUTO_TEST_SUITE_END()
