// Unit tests of the live replay's pure parts: the Socket.IO / Engine.IO v4 and ws-json codecs, the
// protocol section, target URLs, the loopback rule and header redaction. No network.
#define BOOST_TEST_MODULE replay_protocol
#include <boost/test/unit_test.hpp>

#include "live_report.hpp"
#include "../sim/schema_check.hpp"
#include "protocol.hpp"
#include "target.hpp"

#include <sim/metric_names.hpp>

#include <fstream>

using namespace surge::replay;
using kind = inbound::kind;

BOOST_AUTO_TEST_SUITE(socketio_codec)

BOOST_AUTO_TEST_CASE(open_packet_gives_heartbeat) {
    const protocol_config cfg;
    const auto m = decode_socketio(R"(0{"sid":"x","upgrades":[],"pingInterval":300,"pingTimeout":200,"maxPayload":1000000})", cfg);
    BOOST_TEST(int(m.what) == int(kind::opened));
    BOOST_TEST(m.ping_interval_ms == 300);
    BOOST_TEST(m.ping_timeout_ms == 200);
}

BOOST_AUTO_TEST_CASE(open_packet_with_a_heartbeat_out_of_range_is_malformed) {
    // Found by tests/fuzz/fuzz_frames: a string threw nlohmann's type_error out of the read
    // handler, 1e300 overflowed the conversion to int64 (UB), and huge or negative values
    // overflowed the connection's idle limit or switched it off.
    const protocol_config cfg;
    for (const char* bad : {R"(0{"pingInterval":"25000"})", R"(0{"pingInterval":1e300})", R"(0{"pingTimeout":-1})",
                            R"(0{"pingInterval":0})", R"(0{"pingInterval":9223372036854775807})",
                            R"(0{"pingTimeout":86400001})", R"(0{"pingTimeout":null})"}) {
        const auto m = decode_socketio(bad, cfg);
        BOOST_TEST(int(m.what) == int(kind::error), bad);
        BOOST_TEST(m.detail.starts_with("Engine.IO open packet with a pingInterval or pingTimeout"), bad);
    }
    const auto edge = decode_socketio(R"(0{"pingInterval":86400000,"pingTimeout":0})", cfg);
    BOOST_TEST(int(edge.what) == int(kind::opened));
    BOOST_TEST(edge.ping_interval_ms == 86'400'000);
    BOOST_TEST(edge.ping_timeout_ms == 0);
    const auto defaults = decode_socketio(R"(0{"sid":"x"})", cfg);
    BOOST_TEST(int(defaults.what) == int(kind::opened));
    BOOST_TEST(defaults.ping_interval_ms == 25000);
    BOOST_TEST(defaults.ping_timeout_ms == 20000);
}

BOOST_AUTO_TEST_CASE(server_ping_is_answered_with_pong) {
    const protocol_config cfg;
    const auto m = decode_socketio("2", cfg);
    BOOST_TEST(int(m.what) == int(kind::ping));
    BOOST_TEST(m.reply == "3");
    BOOST_TEST(decode_socketio("2probe", cfg).reply == "3probe");
}

BOOST_AUTO_TEST_CASE(namespace_connect_and_reply) {
    protocol_config cfg;
    BOOST_TEST(socketio_connect_frame(cfg, "u7") == R"(40{"user":"u7"})");
    BOOST_TEST(int(decode_socketio(R"(40{"sid":"abc"})", cfg).what) == int(kind::connected));
    cfg.nsp = "/admin";
    cfg.auth = nullptr;
    BOOST_TEST(socketio_connect_frame(cfg, "u7") == "40/admin,");
    BOOST_TEST(int(decode_socketio(R"(40/admin,{"sid":"abc"})", cfg).what) == int(kind::connected));
    // A packet for another namespace is not ours.
    BOOST_TEST(int(decode_socketio(R"(42["notification",{"id":1}])", cfg).what) == int(kind::none));
}

BOOST_AUTO_TEST_CASE(connect_error_carries_the_message) {
    const protocol_config cfg;
    const auto m = decode_socketio(R"(44{"message":"Not authorized"})", cfg);
    BOOST_TEST(int(m.what) == int(kind::connect_error));
    BOOST_TEST(m.detail == "Not authorized");
}

BOOST_AUTO_TEST_CASE(notification_event_fields) {
    const protocol_config cfg;
    const auto m = decode_socketio(R"(42["notification",{"id":12,"sent_at":1700000000123.5,"issued_at":1700000000124,"payload":"x"}])", cfg);
    BOOST_TEST(int(m.what) == int(kind::notification));
    BOOST_TEST(*m.id == 12);
    BOOST_TEST(*m.sent_at_ms == 1700000000123.5);
    BOOST_TEST(*m.issued_at_ms == 1700000000124.0);
    BOOST_TEST(m.reply.empty());
    // A string id is read too; another event is not a notification.
    BOOST_TEST(*decode_socketio(R"(42["notification",{"id":"34"}])", cfg).id == 34);
    const auto chat = decode_socketio(R"(42["chat","hi"])", cfg);
    BOOST_TEST(int(chat.what) == int(kind::other_event));  // counted, named: "nothing arrived" says which events did
    BOOST_TEST(chat.detail == "chat");
}

BOOST_AUTO_TEST_CASE(event_with_ack_id_is_acknowledged) {
    const protocol_config cfg;
    const auto m = decode_socketio(R"(42456["notification",{"id":1}])", cfg);
    BOOST_TEST(int(m.what) == int(kind::notification));
    BOOST_TEST(m.reply == "43456[]");
}

BOOST_AUTO_TEST_CASE(publish_ack) {
    const protocol_config cfg;
    const auto m = decode_socketio(R"(4317[{"ok":true}])", cfg);
    BOOST_TEST(int(m.what) == int(kind::publish_ack));
    BOOST_TEST(m.ack_id == 17);
    BOOST_TEST(publish_frame(cfg, nlohmann::json{{"id", 1}}, 17) == R"(4217["publish",{"id":1}])");
}

BOOST_AUTO_TEST_CASE(malformed_packets_are_errors_not_crashes) {
    const protocol_config cfg;
    for (const char* bad : {"", "4", "4abc", "42{}", R"(42{"not":"an array"})", "42[]", "42[1,2]", "42[\"x\"", "9garbage",
                            "0notjson", "43[1]", "451-[\"baz\",{\"_placeholder\":true,\"num\":0}]", "42/admin", "4299999999999999999999[\"x\"]"}) {
        const auto m = decode_socketio(bad, cfg);
        BOOST_TEST(int(m.what) == int(kind::error), "frame: " << bad);
        BOOST_TEST(!m.detail.empty());
    }
}

BOOST_AUTO_TEST_CASE(close_and_disconnect) {
    const protocol_config cfg;
    BOOST_TEST(int(decode_socketio("1", cfg).what) == int(kind::disconnect));
    BOOST_TEST(int(decode_socketio("41", cfg).what) == int(kind::disconnect));
    BOOST_TEST(int(decode_socketio("3", cfg).what) == int(kind::none));
    BOOST_TEST(int(decode_socketio("6", cfg).what) == int(kind::none));
}

BOOST_AUTO_TEST_CASE(request_target) {
    protocol_config cfg;
    BOOST_TEST(ws_request_target(cfg, "", "u 1") == "/socket.io/?EIO=4&transport=websocket&user=u%201");
    cfg.kind = protocol_kind::ws_json;
    BOOST_TEST(ws_request_target(cfg, "/api", "u1") == "/api/ws?user=u1");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(ws_json_codec)

BOOST_AUTO_TEST_CASE(messages) {
    protocol_config cfg;
    cfg.kind = protocol_kind::ws_json;
    const auto n = decode_ws_json(R"({"type":"notification","id":5,"sent_at":12.5})", cfg);
    BOOST_TEST(int(n.what) == int(kind::notification));
    BOOST_TEST(*n.id == 5);
    BOOST_TEST(*n.sent_at_ms == 12.5);
    const auto a = decode_ws_json(R"({"type":"ack","ref":9,"count":1})", cfg);
    BOOST_TEST(int(a.what) == int(kind::publish_ack));
    BOOST_TEST(a.ack_id == 9);
    const auto welcome = decode_ws_json(R"({"type":"welcome"})", cfg);
    BOOST_TEST(int(welcome.what) == int(kind::other_event));
    BOOST_TEST(welcome.detail == "welcome");
    for (const char* bad : {"", "{", "[1,2,3]", "42", R"({"id":1})", R"({"type":7})"})
        BOOST_TEST(int(decode_ws_json(bad, cfg).what) == int(kind::error), "frame: " << bad);
    const auto f = nlohmann::json::parse(publish_frame(cfg, nlohmann::json{{"id", 1}}, 3));
    BOOST_TEST(f["type"] == "publish");
    BOOST_TEST(f["ref"] == 3);
    BOOST_TEST(f["notifications"].size() == 1u);
}

BOOST_AUTO_TEST_CASE(custom_fields) {
    const auto cfg = parse_protocol_config(nlohmann::json::parse(
        R"({"protocol":"ws-json","notification":{"event":"notify","type_field":"kind","id":"nid","sent_at":"ts"}})"));
    const auto n = decode_ws_json(R"({"kind":"notify","nid":"77","ts":3})", cfg);
    BOOST_TEST(int(n.what) == int(kind::notification));
    BOOST_TEST(*n.id == 77);
    BOOST_TEST(*n.sent_at_ms == 3.0);
}

// The frame scanner validates the whole text as JSON (RFC 8259) while it picks the fields.
BOOST_AUTO_TEST_CASE(scanner_accepts_json_and_reads_escaped_fields) {
    protocol_config cfg;
    cfg.kind = protocol_kind::ws_json;
    const auto n = decode_ws_json(
        " {\"p\":[1,-0,0.5e+3,true,false,null,{\"id\":9,\"a\":[]},\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\"],"
        "\"t\\u0079pe\":\"noti\\u0066ication\",\"id\":-7,\"sent_at\":1.25E3,\"issued_at\":2,\"x\":\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"} \n",
        cfg);
    BOOST_TEST(int(n.what) == int(kind::notification));
    BOOST_TEST(*n.id == -7);  // the top-level id, not the nested one
    BOOST_TEST(*n.sent_at_ms == 1250.0);
    BOOST_TEST(*n.issued_at_ms == 2.0);
    const auto big = decode_ws_json(R"({"type":"notification","id":18446744073709551615,"sent_at":1e2})", cfg);
    BOOST_TEST(int(big.what) == int(kind::notification));
    BOOST_TEST(!big.id);  // beyond int64: not kept
    BOOST_TEST(*big.sent_at_ms == 100.0);
}

BOOST_AUTO_TEST_CASE(scanner_rejects_what_is_not_json) {
    protocol_config cfg;
    cfg.kind = protocol_kind::ws_json;
    for (const char* bad : {R"({"type":"notification",})", R"({"type":"notification"}x)", R"({"type":"notification"} {})",
                            R"({"type":"a\x"})", R"({"type":"a\u12G4"})", R"({"type":"\udc00"})", R"({"type":"\ud800x"})",
                            "{\"type\":\"a\x01\"}", "{\"type\":\"\xc0\xaf\"}", "{\"type\":\"\xed\xa0\x80\"}",
                            R"({"type":"x","id":01})", R"({"type":"x","id":-})", R"({"type":"x","id":1.})", R"({"type":"x","id":.5})",
                            R"({"type":"x","id":+1})", R"({"type":"x","id":1e})", R"({"type":"x","id":tru})", R"({"type":"x","id":NaN})",
                            R"({"type":"x" "id":1})", R"({"type":"x",,"id":1})", R"({"type":"x"])", R"({type:"x"})", R"([1,])", "[",
                            R"({"type":"x")", "\"unterminated"})
        BOOST_TEST(int(decode_ws_json(bad, cfg).what) == int(kind::error), "frame: " << bad);
    const std::string deep = std::string(100000, '[') + std::string(100000, ']');  // no recursion
    BOOST_TEST(int(decode_ws_json(deep, cfg).what) == int(kind::error));  // JSON, not an object
    BOOST_TEST(decode_ws_json(deep, cfg).detail.find("not a JSON object") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(protocol_section)

BOOST_AUTO_TEST_CASE(defaults_and_overrides) {
    const auto cfg = parse_protocol_config(nlohmann::json::parse(
        R"({"protocol":"socketio","namespace":"/n","query":{"uid":"{user}","v":"2"},"auth":null,
            "publish":{"via":"websocket","event":"send"}})"));
    BOOST_TEST(cfg.nsp == "/n");
    BOOST_TEST(cfg.auth.is_null());
    BOOST_TEST(int(cfg.via) == int(publish_via::websocket));
    BOOST_TEST(cfg.publish_event == "send");
    BOOST_TEST(ws_request_target(cfg, "", "u3") == "/socket.io/?EIO=4&transport=websocket&uid=u3&v=2");
}

/// The reader's rules and messages are tested where the reader lives
/// (tests/tools/test_protocol_section.cpp); here, that the codecs' wrapper reports them as
/// protocol_error with the reader's message.
BOOST_AUTO_TEST_CASE(unknown_keys_and_bad_values_are_errors) {
    try {
        (void)parse_protocol_config(nlohmann::json::parse(R"({"notification":{"evnt":"x"}})"));
        BOOST_ERROR("no error");
    } catch (const protocol_error& e) {
        BOOST_TEST(std::string(e.what()) == "protocol: /notification/evnt: unknown key; did you mean 'event'?");
    }
    BOOST_CHECK_THROW(parse_protocol_config(nlohmann::json::parse(R"({"protocol":"mqtt"})")), protocol_error);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(target_rules)

BOOST_AUTO_TEST_CASE(urls) {
    auto t = parse_target_url("ws://127.0.0.1:3000");
    BOOST_TEST(!t.tls);
    BOOST_TEST(t.host == "127.0.0.1");
    BOOST_TEST(t.port == 3000);
    BOOST_TEST(t.host_header() == "127.0.0.1:3000");
    t = parse_target_url("https://example.org/api/");
    BOOST_TEST(t.tls);
    BOOST_TEST(t.port == 443);
    BOOST_TEST(t.base_path == "/api");
    BOOST_TEST(t.host_header() == "example.org");
    t = parse_target_url("ws://[::1]:8080");
    BOOST_TEST(t.host == "::1");
    BOOST_TEST(t.host_header() == "[::1]:8080");
    for (const char* bad : {"127.0.0.1:80", "ftp://x", "ws://", "ws://h:", "ws://h:0", "ws://h:70000", "ws://h:8x", "ws://user:pw@h",
                            "ws://h/p?q=1", "ws://[::1"})
        BOOST_CHECK_THROW(parse_target_url(bad), target_error);
}

BOOST_AUTO_TEST_CASE(loopback) {
    namespace ip = boost::asio::ip;
    BOOST_TEST(is_loopback(ip::make_address("127.0.0.1")));
    BOOST_TEST(is_loopback(ip::make_address("127.3.2.1")));
    BOOST_TEST(is_loopback(ip::make_address("::1")));
    BOOST_TEST(is_loopback(ip::make_address("::ffff:127.0.0.1")));
    BOOST_TEST(!is_loopback(ip::make_address("10.0.0.1")));
    BOOST_TEST(!is_loopback(ip::make_address("192.168.1.1")));
    BOOST_TEST(!is_loopback(ip::make_address("::ffff:10.0.0.1")));
}

BOOST_AUTO_TEST_CASE(headers_are_secret) {
    const auto h = parse_header("Authorization: Bearer abc.def.ghi");
    BOOST_TEST(h.name == "Authorization");
    BOOST_TEST(h.value == "Bearer abc.def.ghi");
    const std::vector<header> hs{h};
    BOOST_TEST(redact("failed with Bearer abc.def.ghi twice: Bearer abc.def.ghi", hs) == "failed with *** twice: ***");
    BOOST_CHECK_THROW(parse_header("no colon"), target_error);
    BOOST_CHECK_THROW(parse_header(": empty name"), target_error);
    BOOST_CHECK_THROW(parse_header("X: a\r\nInjected: 1"), target_error);
    // The error for a bad header never shows its value.
    const auto lacks = [](std::string_view secret) {
        return [secret](const target_error& e) { return std::string_view(e.what()).find(secret) == std::string_view::npos; };
    };
    BOOST_CHECK_EXCEPTION(parse_header("X: secret-value\nmore"), target_error, lacks("secret-value"));
    // Issue 12, item 10: a misplaced colon puts the secret before it, into the "name".
    BOOST_CHECK_EXCEPTION(parse_header("Authorization Bearer SECRET: x"), target_error, lacks("SECRET"));
    BOOST_CHECK_EXCEPTION(parse_header("Authorization Bearer SECRET: x"), target_error, lacks("Bearer"));
    BOOST_CHECK_EXCEPTION(parse_header("Authorization\tSECRET-2:x"), target_error, lacks("SECRET-2"));
    BOOST_CHECK_EXCEPTION(parse_header("X-T\xc3\xb6ken-SECRET-3: x"), target_error, lacks("SECRET-3"));
    try {
        parse_header("Authorization Bearer SECRET: x");
    } catch (const target_error& e) {
        BOOST_TEST(std::string(e.what()).find("a space at character 14") != std::string::npos);
    }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(compare)

BOOST_AUTO_TEST_CASE(reads_nested_report_metrics_and_prints_differences) {
    const auto doc = nlohmann::json::parse(R"({"metrics":{"delivery":{"latency":{"p99":0.2}},"connections":{"peak":100}},
        "units":{"delivery.latency.p99":"s","connections.peak":"count"}})");
    const auto sim = metrics_of_report(doc);
    BOOST_TEST(sim.size() == 2u);
    BOOST_TEST(*sim.get("delivery.latency.p99") == 0.2);
    surge::models::metric_set live;
    live.set("delivery.latency.p99", 0.25, "s");
    live.set("connections.peak", 100, "count");
    live.set("live.protocol_errors", 0, "count");
    const auto table = compare_table(sim, live);
    // Values and the relative difference through sim/format.hpp, aligned by columns.
    BOOST_TEST(table.find("\ndelivery.latency.p99" + std::string(17, ' ') + std::string(10, ' ') + "200 ms" +
                          std::string(11, ' ') + "250 ms    +25.0 %\n") != std::string::npos, table);
    BOOST_TEST(table.find("\nconnections.peak") != std::string::npos);
    BOOST_TEST(table.find("  0 %\n") != std::string::npos, table);
    BOOST_TEST(table.find("live.protocol_errors") == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(live_report)

// A live report fits sim/report.schema.json: trace_hash null, a "live" object with the target
// (header values scrubbed), the protocol section (auth tokens scrubbed), time scale and threads;
// the live.* metrics are in the catalogue, so thresholds can name them.
BOOST_AUTO_TEST_CASE(live_report_fits_the_schema_and_hides_secrets) {
    std::ifstream in(std::string(SURGE_SOURCE_DIR) + "/sim/report.schema.json");
    BOOST_REQUIRE(in);
    const surge::test::schema_validator schema(nlohmann::json::parse(in));
    replay_result r;
    r.run.scenario = "s";
    r.run.completed = true;
    r.run.metrics.set("delivery.delivered", 10, "count");
    r.live.scheduling_lag.record(1'000'000);
    r.live.protocol_errors = 2;
    r.live.target = redact("http://127.0.0.1:9/tok-SECRET", {header{"X-Token", "tok-SECRET"}});
    r.live.protocol.auth = nlohmann::json{{"user", "{user}"}, {"token", "abc-SECRET"}};
    r.live.time_scale = 10;
    r.live.threads = 2;
    r.live.warnings.push_back("fault db_outage acts inside the server: not applied in a live replay");
    add_live_metrics(r.run.metrics, r);
    for (const auto& m : r.run.metrics.items())
        BOOST_TEST(surge::sim::metric_unit(m.name) == m.unit, m.name << " [" << m.unit << "] is not in the catalogue");
    surge::sim::scenario_info info;
    info.name = "s";
    const auto doc = make_live_report(r, info, {});
    const auto errors = schema.validate(nlohmann::json::parse(doc.dump()));
    for (const auto& e : errors) BOOST_TEST_MESSAGE(e.pointer << ": " << e.message);
    BOOST_TEST(errors.empty());
    BOOST_TEST(doc["mode"] == "live");
    BOOST_TEST(doc["trace_hash"].is_null());
    BOOST_TEST(doc["live"]["time_scale"] == 10.0);
    BOOST_TEST(doc["live"]["threads"] == 2);
    BOOST_TEST(doc["live"]["protocol"]["auth"]["user"] == "{user}");
    BOOST_TEST(doc["live"]["protocol"]["auth"]["token"] == "***");
    BOOST_TEST(doc.dump().find("SECRET") == std::string::npos);
    auto it = doc.end();
    --it;
    BOOST_TEST(it.key() == "simulator");
    // A simulation report's hash must still be a hash.
    auto bad = nlohmann::json::parse(doc.dump());
    bad["trace_hash"] = "xyz";
    BOOST_TEST(!schema.accepts(bad));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(scanner_and_messages)

// The SAX scan reads only top-level fields (ws-json) or those of the event's first argument
// (Socket.IO); the same names deeper down do not count; invalid JSON is still an error.
BOOST_AUTO_TEST_CASE(fields_are_read_at_their_level_only) {
    const protocol_config sio;
    auto n = decode_socketio(R"(42["notification",{"meta":{"id":9,"sent_at":1},"id":5,"sent_at":12.5,"issued_at":13,"payload":"xx"}])", sio);
    BOOST_TEST(int(n.what) == int(kind::notification));
    BOOST_TEST(*n.id == 5);
    BOOST_TEST(*n.sent_at_ms == 12.5);
    BOOST_TEST(*n.issued_at_ms == 13.0);
    n = decode_socketio(R"(42["notification",[{"id":5}]])", sio);
    BOOST_TEST(int(n.what) == int(kind::notification));
    BOOST_TEST(!n.id.has_value());
    BOOST_TEST(int(decode_socketio(R"(42["notification",{"id":5)", sio).what) == int(kind::error));
    BOOST_TEST(int(decode_socketio(R"(42[1,"notification"])", sio).what) == int(kind::error));
    BOOST_TEST(int(decode_socketio(R"(42[])", sio).what) == int(kind::error));
    BOOST_TEST(int(decode_socketio(R"(42"notification")", sio).what) == int(kind::error));

    protocol_config ws;
    ws.kind = protocol_kind::ws_json;
    n = decode_ws_json(R"({"inner":{"type":"ack","id":1},"type":"notification","id":18446744073709551615,"sent_at":7})", ws);
    BOOST_TEST(int(n.what) == int(kind::notification));
    BOOST_TEST(!n.id.has_value());  // out of range: no id, not a crash
    BOOST_TEST(*n.sent_at_ms == 7.0);
    BOOST_TEST(int(decode_ws_json(R"({"type":3})", ws).what) == int(kind::error));
    BOOST_TEST(int(decode_ws_json(R"("notification")", ws).what) == int(kind::error));
    BOOST_TEST(int(decode_ws_json(R"({"type":"notification",})", ws).what) == int(kind::error));
}

BOOST_AUTO_TEST_CASE(client_messages_and_their_replies) {
    const protocol_config sio;
    const auto f = client_message_frame(sio, 7, 1234.5, 3);
    BOOST_TEST(f.rfind("427[\"message\",", 0) == 0);
    const auto body = nlohmann::json::parse(f.substr(3));
    BOOST_TEST(body[1]["ref"] == 7);
    BOOST_TEST(body[1]["payload"] == "xxx");
    const auto ack = decode_socketio("437[{\"ok\":true}]", sio);
    BOOST_TEST(int(ack.what) == int(kind::publish_ack));
    BOOST_TEST(ack.ack_id == 7);

    protocol_config ws;
    ws.kind = protocol_kind::ws_json;
    ws.type_field = "kind";
    const auto m = nlohmann::json::parse(client_message_frame(ws, 9, 1.0, 0));
    BOOST_TEST(m["kind"] == "message");
    BOOST_TEST(m["ref"] == 9);
    const auto reply = decode_ws_json(R"({"kind":"ack","ref":9})", ws);
    BOOST_TEST(int(reply.what) == int(kind::publish_ack));
    BOOST_TEST(reply.ack_id == 9);
}

BOOST_AUTO_TEST_SUITE_END()
