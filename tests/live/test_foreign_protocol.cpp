// A service written elsewhere (issue 14): the publish body template expanded for one notification
// (tools/replay/publish_template.hpp), the notification's id and sent_at found by JSON pointer or
// searched for in a string (tools/replay/frame_json.hpp, both readers), and "{user_index}" in
// query and auth (protocol.hpp). Exact expected strings; no network.
#include <boost/test/unit_test.hpp>

#include "frame_json.hpp"
#include "protocol.hpp"
#include "publish_template.hpp"

#include <array>
#include <cstdint>
#include <string>

using namespace surge::replay;
using kind = inbound::kind;

namespace {

/// Both readers (simdjson and the nlohmann fallback) read the same fields.
frame_fields read_both(const std::string& frame, const protocol_config& cfg, bool socketio) {
    frame_fields a, b;
    BOOST_TEST(read_frame_json(frame, cfg, socketio, a), frame);
    BOOST_TEST(read_frame_json_sax(frame, cfg, socketio, b), frame);
    BOOST_TEST((a.id == b.id), frame);
    BOOST_TEST((a.sent_at == b.sent_at), frame);
    BOOST_TEST(a.type == b.type, frame);
    return a;
}

} // namespace

BOOST_AUTO_TEST_SUITE(foreign_protocol)

BOOST_AUTO_TEST_CASE(template_expansion_typed_and_interpolated) {
    const auto tmpl = nlohmann::json::parse(R"({
      "user_id": "{recipient_index}", "broadcast": "{broadcast}", "title": "surge {id}", "body": "{payload}",
      "to": "{recipient}", "all": "{recipients}", "n": ["{id}", "id {id} of {recipient_indexes}"], "p": "{priority}",
      "t": "{target}", "at": "{sent_at}", "at_text": "sent {sent_at}", "lit": "{{x}} {{{id}}}", "{id}": "keys stay"})");
    const std::array<std::uint32_t, 2> to{17, 3};
    notification_values v;
    v.id = 42;
    v.recipients = to;
    v.priority = "high";
    v.payload = 3;
    v.sent_at_ms = 1700000000123.5;
    v.issued_at_ms = 1700000000124.25;
    BOOST_TEST(expand_template(tmpl, v).dump() ==
               R"({"all":["u17","u3"],"at":1700000000123.5,"at_text":"sent 1700000000123.500","body":"xxx","broadcast":false,)"
               R"("lit":"{x} {42}","n":[42,"id 42 of 17,3"],"p":"high","t":"user","title":"surge 42","to":"u17","user_id":17,)"
               R"("{id}":"keys stay"})");
    // A broadcast: no recipient.
    notification_values b;
    b.id = 7;
    b.broadcast = true;
    b.user_prefix = "user-";
    BOOST_TEST(expand_template(nlohmann::json::parse(R"({"user_id": "{recipient_index}", "to": "<{recipient}>", "all": "{recipients}",
                                                      "broadcast": "{broadcast}", "t": "{target}", "at": "{issued_at}"})"),
                               b)
                   .dump() == R"({"all":[],"at":0.0,"broadcast":true,"t":"broadcast","to":"<>","user_id":null})");
    BOOST_TEST(!names_recipient_list(tmpl["title"]));
    BOOST_TEST(names_recipient_list(tmpl));
    BOOST_TEST(expand_string("{recipient}", v).dump() == R"("u17")");
}

BOOST_AUTO_TEST_CASE(broadcast_template_falls_back_to_the_user_one) {
    protocol_config cfg;
    BOOST_TEST(body_template(cfg, false).is_null());  // the default: the replay's own objects
    cfg.publish_body = nlohmann::json::parse(R"({"a": "{id}"})");
    BOOST_TEST(&body_template(cfg, true) == &cfg.publish_body);
    cfg.broadcast_body = nlohmann::json::parse(R"({"b": "{id}"})");
    BOOST_TEST(&body_template(cfg, true) == &cfg.broadcast_body);
    BOOST_TEST(&body_template(cfg, false) == &cfg.publish_body);
}

BOOST_AUTO_TEST_CASE(fields_by_json_pointer) {
    protocol_config cfg;
    cfg.kind = protocol_kind::ws_json;
    cfg.id_field = "/data/ref";
    cfg.sent_at_field = "/data/meta/sent~1at";
    auto f = read_both(R"({"type":"notification","id":5,"data":{"ref":17,"meta":{"sent/at":1.5}}})", cfg, false);
    BOOST_TEST(f.id.value_or(-1) == 17);
    BOOST_TEST(f.sent_at.value_or(-1) == 1.5);
    // A duplicated key: its last occurrence, at every level (as nlohmann::json reads it).
    f = read_both(R"({"type":"notification","data":{"ref":1},"data":{"ref":2}})", cfg, false);
    BOOST_TEST(f.id.value_or(-1) == 2);
    f = read_both(R"({"type":"notification","data":{"ref":1},"data":{"x":2}})", cfg, false);
    BOOST_TEST(!f.id.has_value());
    // Array indexes; "01" is not one.
    cfg.id_field = "/items/1/id";
    f = read_both(R"({"type":"notification","items":[{"id":1},{"id":5}]})", cfg, false);
    BOOST_TEST(f.id.value_or(-1) == 5);
    cfg.id_field = "/items/01/id";
    f = read_both(R"({"type":"notification","items":[{"id":1},{"id":5}]})", cfg, false);
    BOOST_TEST(!f.id.has_value());
    // An integer beyond 64 bits elsewhere sends the frame to the fallback reader: same fields.
    cfg.id_field = "/data/ref";
    f = read_both(R"({"type":"notification","big":123456789012345678901234567890,"data":{"ref":17,"meta":{"sent/at":2}}})", cfg, false);
    BOOST_TEST(f.id.value_or(-1) == 17);
    BOOST_TEST(f.sent_at.value_or(-1) == 2.0);
    // A key that looks like a pointer is not read as a plain name.
    f = read_both(R"({"type":"notification","/data/ref":9})", cfg, false);
    BOOST_TEST(!f.id.has_value());
    // Socket.IO: the pointer is into the event's first argument.
    cfg.kind = protocol_kind::socketio;
    const auto m = decode_socketio(R"(42["notification",{"data":{"ref":23,"meta":{"sent/at":1700000000000.25}}}])", cfg);
    BOOST_TEST(int(m.what) == int(kind::notification));
    BOOST_TEST(m.id.value_or(-1) == 23);
    BOOST_TEST(m.sent_at_ms.value_or(-1) == 1700000000000.25);
}

BOOST_AUTO_TEST_CASE(id_recovered_from_a_string_the_service_keeps) {
    protocol_config cfg;  // socketio
    cfg.id_field = "title";
    cfg.id_search = true;
    cfg.id_after = "surge ";
    cfg.sent_at_field.clear();  // "sent_at": null
    const auto frame = [&](const std::string& title) {
        return decode_socketio(R"(42["notification",{"notification_id":1001,"title":)" + title +
                                   R"(,"body":"x","created_at":"2026-12-02T13:40:00Z","sent_at":5}])",
                               cfg);
    };
    auto m = frame(R"("surge 123")");
    BOOST_TEST(int(m.what) == int(kind::notification));
    BOOST_TEST(m.id.value_or(-1) == 123);
    BOOST_TEST(!m.sent_at_ms.has_value());  // not read: null
    BOOST_TEST(frame(R"("order 7: surge 123 [retry 2]")").id.value_or(-1) == 123);
    BOOST_TEST(!frame(R"("hello 5")").id.has_value());    // no "surge "
    BOOST_TEST(!frame(R"("surge x5")").id.has_value());   // no digits right after it
    BOOST_TEST(!frame(R"("surge -5")").id.has_value());
    BOOST_TEST(!frame(R"("surge 99999999999999999999")").id.has_value());  // beyond int64
    BOOST_TEST(frame("77").id.value_or(-1) == 77);  // an integer is taken as is
    // Without "after": the first run of digits.
    cfg.id_after.clear();
    BOOST_TEST(frame(R"("order 7: surge 123")").id.value_or(-1) == 7);
    BOOST_TEST(!frame(R"("no digits")").id.has_value());
    // Without the search, a string id must be all digits (the default).
    cfg.id_search = false;
    BOOST_TEST(!frame(R"("surge 123")").id.has_value());
    BOOST_TEST(frame(R"("123")").id.value_or(-1) == 123);
    BOOST_TEST(frame_detail::id_in_text("surge 12 surge 34", "surge ").value_or(-1) == 12);
}

BOOST_AUTO_TEST_CASE(user_index_in_query_and_auth) {
    protocol_config cfg;
    cfg.query = {{"user_id", "{user_index}"}, {"name", "{user}"}};
    cfg.auth = nlohmann::json::parse(R"({"user_id": "{user_index}", "label": "n{user_index}", "token": 5})");
    BOOST_TEST(ws_request_target(cfg, "", "u17") == "/socket.io/?EIO=4&transport=websocket&user_id=17&name=u17");
    BOOST_TEST(socketio_connect_frame(cfg, "u17") == R"(40{"label":"n17","token":5,"user_id":17})");
    // The publisher connection's user has no number.
    BOOST_TEST(socketio_connect_frame(cfg, "upublisher") == R"(40{"label":"n","token":5,"user_id":null})");
    BOOST_TEST(std::string(user_index_of("user-0042")) == "0042");
}

BOOST_AUTO_TEST_SUITE_END()
