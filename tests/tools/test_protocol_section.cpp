// The live replay's "protocol" section, which tools/ owns (tools/replay/protocol_section.hpp): sim/
// carries it raw and knows none of its keys; the tool's reader fills the settings key by key over
// the defaults with the loader's messages (file, JSON pointer, expected vs found, a --set noted);
// its enum tables are one-to-one and are the schema's; the broken fixtures in tests/tools/bad pass
// the scenario loader, fail the tool's reader with their message and fail the schema.
#include <boost/test/unit_test.hpp>

#include "../sim/schema_check.hpp"

#include <replay/protocol_section.hpp>

#include <sim/load.hpp>

#include <models/enum_names.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
namespace models = surge::models;
namespace replay = surge::replay;
namespace sim = surge::sim;
using nlohmann::json;

namespace {

const fs::path source_dir{SURGE_SOURCE_DIR};
const char* const minimal = R"({"name": "m", "duration": "60s", "load": [{"at": "0s", "rate": "10/s"}]})";

using surge::test::read_text;

const surge::test::schema_validator& schema() { return surge::test::scenario_schema(); }

/// The message the whole check (scenario loader, then the tool's reader) gives, or "" if none.
std::string error_of(const std::string& text, const std::vector<std::string>& sets = {}, const std::string& file = "t.json") {
    try {
        (void)replay::protocol_of(sim::load_scenario_text(text, file, sets));
    } catch (const sim::input_error& e) {
        return e.what();
    }
    return "";
}

std::string set_error(const std::vector<std::string>& sets) { return error_of(minimal, sets); }

bool declared(replay::protocol_kind k) {
    switch (k) {
    case replay::protocol_kind::socketio: case replay::protocol_kind::ws_json: return true;
    }
    return false;
}
bool declared(replay::publish_via k) {
    switch (k) {
    case replay::publish_via::http: case replay::publish_via::websocket: return true;
    }
    return false;
}

/// Every value of the enum's 8-bit underlying type: a declared enumerator has exactly one row, any
/// other value none; names are distinct and round-trip, through the loader's read_enum too.
template <class Enum>
void check_table(const char* what) {
    static_assert(sizeof(Enum) == 1, "the walk below covers 8-bit enums");
    BOOST_TEST_CONTEXT(what) {
        const auto table = enum_names(Enum{});
        for (unsigned u = 0; u < 256; ++u) {
            const auto e = static_cast<Enum>(u);  // walking the value space, not mapping a name
            const auto rows = std::count_if(table.begin(), table.end(), [&](const auto& row) { return row.value == e; });
            BOOST_TEST(rows == (declared(e) ? 1 : 0), "value " << u);
        }
        std::set<std::string> names;
        for (const auto& row : table) {
            BOOST_TEST(names.insert(std::string(row.name)).second, "name " << row.name << " appears twice");
            BOOST_TEST(models::name_of(row.value) == row.name);
            const sim::load_detail::context c{"t.json", {}};
            BOOST_TEST((sim::load_detail::read_enum<Enum>(c, json(std::string(row.name)), "/x") == row.value));
        }
    }
}

} // namespace

BOOST_AUTO_TEST_SUITE(protocol_section_tests)

/// sim/ carries the section as written, with the file and the --set overrides for messages, and
/// rejects nothing inside it: what the keys mean is the tool's business.
BOOST_AUTO_TEST_CASE(sim_carries_the_section_raw) {
    const auto plain = sim::load_scenario_text(minimal, "t.json");
    BOOST_TEST(!plain.protocol.has_value());
    BOOST_TEST(!replay::protocol_of(plain).has_value());
    const auto odd = sim::load_scenario_text(minimal, "t.json", {"/protocol={\"protocol\": \"mqtt\", \"colour\": 3}"});
    BOOST_REQUIRE(odd.protocol.has_value());
    BOOST_TEST(odd.protocol->value == json::parse(R"({"protocol": "mqtt", "colour": 3})"));
    BOOST_TEST(odd.protocol->pointer == "/protocol");
    BOOST_TEST(odd.protocol->context.file == "t.json");
    BOOST_TEST(odd.protocol->context.overrides.size() == 1u);
    // The simulation is the same with or without it.
    BOOST_TEST(odd.scenario.length.count() == plain.scenario.length.count());
    BOOST_TEST(odd.scenario.load.size() == plain.scenario.load.size());
}

/// The section read key by key over the defaults.
BOOST_AUTO_TEST_CASE(section_read_over_the_defaults) {
    const auto loaded = sim::load_scenario_file((source_dir / "tests" / "sim" / "good" / "live_protocol.json").string());
    const auto section = replay::protocol_of(loaded);
    BOOST_REQUIRE(section.has_value());
    const auto& p = *section;
    BOOST_TEST((p.kind == replay::protocol_kind::ws_json));
    BOOST_TEST(p.ws_path() == "/live");
    BOOST_TEST(p.query.size() == 2u);
    BOOST_TEST(p.query[0].first == "uid");
    BOOST_TEST(p.query[1].second == "2");
    BOOST_TEST(p.auth["token"] == "static");
    BOOST_TEST(p.notification_event == "notify");
    BOOST_TEST(p.type_field == "kind");
    BOOST_TEST(p.id_field == "nid");
    BOOST_TEST(p.sent_at_field == "ts");
    BOOST_TEST((p.via == replay::publish_via::websocket));
    BOOST_TEST(p.publish_path == "/api/publish");
    BOOST_TEST(p.publish_event == "send");
    BOOST_TEST(p.ack_type == "sent");
    // Only what is set changes.
    const auto partial = replay::protocol_of(sim::load_scenario_text(minimal, "t.json", {"/protocol={\"publish\": {\"via\": \"websocket\"}}"}));
    BOOST_REQUIRE(partial.has_value());
    BOOST_TEST((partial->kind == replay::protocol_kind::socketio));
    BOOST_TEST(partial->ws_path() == "/socket.io/");
    BOOST_TEST((partial->via == replay::publish_via::websocket));
    BOOST_TEST(partial->publish_path == "/publish");
    // The section written out (auth unscrubbed) reads back to the same section.
    const auto written = replay::protocol_section_json(p, false);
    const auto again = replay::load_protocol_text(written.dump(), "p.json");
    BOOST_TEST(replay::protocol_section_json(again, false) == written);
    // Scrubbed, a token does not reach a report; "{user}" does. (Auth is Socket.IO's: ws-json has none.)
    BOOST_TEST(!replay::protocol_section_json(p, true).contains("auth"));
    auto sio = p;
    sio.kind = replay::protocol_kind::socketio;
    BOOST_TEST(replay::protocol_section_json(sio, true)["auth"]["token"] == "***");
    BOOST_TEST(replay::protocol_section_json(sio, true)["auth"]["user"] == "{user}");
}

/// Errors name the scenario file and the pointer under /protocol, like the loader's, and note the
/// --set that put the value there.
BOOST_AUTO_TEST_CASE(errors_read_like_the_loaders) {
    BOOST_TEST(set_error({"/protocol={\"protcol\": \"ws-json\"}"}) ==
               "t.json: /protocol/protcol: unknown key; did you mean 'protocol'? (the value comes from --set "
               "/protocol={\"protcol\": \"ws-json\"})");
    const auto has = [](const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; };
    BOOST_TEST(has(set_error({"/protocol={\"protocol\": \"mqtt\"}"}),
                   "t.json: /protocol/protocol: expected one of \"socketio\", \"ws-json\", found \"mqtt\""));
    BOOST_TEST(has(set_error({"/protocol={\"namespace\": \"admin\"}"}),
                   "/protocol/namespace: expected a Socket.IO namespace starting with '/', found \"admin\""));
    BOOST_TEST(has(set_error({"/protocol={\"publish\": {\"via\": \"carrier pigeon\"}}"}),
                   "/protocol/publish/via: expected one of \"http\", \"websocket\", found \"carrier pigeon\""));
    BOOST_TEST(has(set_error({"/protocol={\"notification\": {\"evnt\": \"x\"}}"}),
                   "/protocol/notification/evnt: unknown key; did you mean 'event'?"));
    BOOST_TEST(has(set_error({"/protocol={\"query\": {\"user\": 3}}"}), "/protocol/query/user: expected a string, found 3"));
    BOOST_TEST(has(set_error({"/protocol={\"auth\": \"tok\"}"}), "/protocol/auth: expected an object"));
    BOOST_TEST(has(set_error({"/protocol={\"publish\": {\"path\": \"publish\"}}"}),
                   "/protocol/publish/path: expected a path starting with '/', found \"publish\""));
    BOOST_TEST(has(set_error({"/protocol={\"notification\": {\"id\": \"\"}}"}),
                   "/protocol/notification/id: expected a non-empty string, found \"\""));
    BOOST_TEST(set_error({"/protocol=[]"}) == "t.json: /protocol: expected an object, found [] (the value comes from --set /protocol=[])");
    // An error elsewhere in the scenario is the loader's, found first.
    BOOST_TEST(has(set_error({"/protocol=[]", "/duration=0s"}), "t.json: /duration: expected a duration > 0"));
}

/// The publish template and the notification's field locations (issue 14): read, written back,
/// and their errors with the loader's messages.
BOOST_AUTO_TEST_CASE(publish_template_and_field_pointers) {
    const auto p = replay::load_protocol_text(R"({
      "query": {"user_id": "{user_index}"},
      "notification": {"id": {"at": "/data/title", "after": "surge "}, "sent_at": null},
      "publish": {"method": "PUT", "path": "/api/notify", "headers": {"X-Api-Key": "k-SECRET"},
                  "body": {"user_id": "{recipient_index}", "broadcast": "{broadcast}", "title": "surge {id}"},
                  "broadcast": {"path": "/api/all", "body": {"title": "surge {id}", "braces": "{{x}}"}}}})",
                                              "p.json");
    BOOST_TEST(p.id_field == "/data/title");
    BOOST_TEST(p.id_search);
    BOOST_TEST(p.id_after == "surge ");
    BOOST_TEST(p.sent_at_field == "");
    BOOST_TEST(p.publish_method == "PUT");
    BOOST_TEST(p.publish_path == "/api/notify");
    BOOST_TEST(p.publish_headers.size() == 1u);
    BOOST_TEST(p.publish_headers[0].second == "k-SECRET");
    BOOST_TEST(p.publish_body.dump() == R"({"broadcast":"{broadcast}","title":"surge {id}","user_id":"{recipient_index}"})");
    BOOST_TEST(p.broadcast_request);
    BOOST_TEST(p.broadcast_path == "/api/all");
    BOOST_TEST(p.broadcast_method == "");
    // Written out: header values scrubbed; unscrubbed, it reads back to the same section.
    const auto shown = replay::protocol_section_json(p, true);
    BOOST_TEST(shown["publish"]["headers"].dump() == R"({"X-Api-Key":"***"})");
    BOOST_TEST(shown.dump().find("SECRET") == std::string::npos);
    BOOST_TEST(shown["notification"].dump() == R"({"event":"notification","id":{"at":"/data/title","after":"surge "},"sent_at":null})");
    BOOST_TEST(shown["publish"]["broadcast"]["method"] == "PUT");
    const auto written = replay::protocol_section_json(p, false);
    BOOST_TEST(replay::protocol_section_json(replay::load_protocol_text(written.dump(), "p.json"), false) == written);
    // The defaults written out: no template, no headers.
    const auto defaults = replay::protocol_section_json(replay::protocol_config{}, true);
    BOOST_TEST(defaults["publish"].dump() == R"({"via":"http","path":"/publish","method":"POST","body":null})");
    BOOST_TEST(defaults["notification"].dump() == R"({"event":"notification","id":"id","sent_at":"sent_at"})");
}

BOOST_AUTO_TEST_CASE(publish_template_errors) {
    BOOST_TEST(set_error({"/protocol={\"publish\": {\"body\": {\"to\": \"{recpient}\"}}}"}) ==
               "t.json: /protocol/publish/body/to: unknown placeholder {recpient}; did you mean 'recipient'? (the value comes "
               "from --set /protocol={\"publish\": {\"body\": {\"to\": \"{recpient}\"}}})");
    const auto message = [](const std::string& text) {
        try {
            (void)replay::load_protocol_text(text, "p.json");
        } catch (const sim::input_error& e) {
            return std::string(e.what());
        }
        return std::string();
    };
    BOOST_TEST(message(R"({"publish": {"body": {"a": ["x", {"b": "{zz}"}]}}})") ==
               "p.json: /publish/body/a/1/b: unknown placeholder {zz}; allowed: id, recipient, recipient_index, recipients, "
               "recipient_indexes, broadcast, target, priority, payload, sent_at, issued_at");
    BOOST_TEST(message(R"({"publish": {"body": {"a": "surge {id"}}})") ==
               "p.json: /publish/body/a: a '{' without its '}' (write \"{{\" for a literal brace)");
    BOOST_TEST(message(R"({"publish": {"body": {"a": "id}"}}})") == "p.json: /publish/body/a: a lone '}' (write \"}}\" for a literal brace)");
    BOOST_TEST(message(R"({"publish": {"body": "{id}"}})") ==
               "p.json: /publish/body: expected a JSON object (the publish body template; \"{recipient}\", \"{id}\"... in string "
               "values) or null, found \"{id}\"");
    BOOST_TEST(message(R"({"publish": {"method": "post"}})") ==
               "p.json: /publish/method: expected an HTTP method: \"POST\", \"PUT\" or \"PATCH\", found \"post\"");
    BOOST_TEST(message(R"({"publish": {"headers": {"X-Key": 5}}})") == "p.json: /publish/headers/X-Key: expected a header value (a string), found number");
    BOOST_TEST(message(R"({"publish": {"headers": {"X Key": "v"}}})") ==
               "p.json: /publish/headers/X Key: a header name is a token (letters, digits, !#$%&'*+-.^_`|~), without spaces or ':'");
    BOOST_TEST(message(R"({"publish": {"headers": {"X-Key": "tok\nSECRET"}}})") ==
               "p.json: /publish/headers/X-Key: a header value must not contain CR, LF or NUL (the value is not shown: it may be a secret)");
    BOOST_TEST(message(R"({"publish": {"broadcast": {"bdy": {}}}})") == "p.json: /publish/broadcast/bdy: unknown key; did you mean 'body'?");
    BOOST_TEST(message(R"({"notification": {"id": "/a/~2"}})") ==
               "p.json: /notification/id: expected a JSON pointer to the id (RFC 6901: '~' only as ~0 or ~1), found \"/a/~2\"");
    BOOST_TEST(message(R"({"notification": {"id": {"after": "surge "}}})") ==
               "p.json: /notification/id/at: required key is missing; the field (name or JSON pointer) whose string holds the id");
    BOOST_TEST(message(R"({"notification": {"id": {"at": "title", "afterr": "x"}}})") ==
               "p.json: /notification/id/afterr: unknown key; did you mean 'after'?");
    BOOST_TEST(message(R"({"notification": {"id": 3}})") ==
               "p.json: /notification/id: expected a field name, a JSON pointer, or {\"at\": field, \"after\": text} (the id inside a "
               "string), found 3");
    BOOST_TEST(message(R"({"notification": {"sent_at": ""}})") == "p.json: /notification/sent_at: expected a non-empty string, found \"\"");
}

/// The same section on its own (surge replay --protocol-file), bare or wrapped, over a base.
BOOST_AUTO_TEST_CASE(protocol_file_bare_or_wrapped) {
    replay::protocol_config base;
    base.kind = replay::protocol_kind::ws_json;
    const auto bare = replay::load_protocol_text(R"({"publish": {"via": "websocket"}})", "p.json", base);
    BOOST_TEST((bare.kind == replay::protocol_kind::ws_json));
    BOOST_TEST((bare.via == replay::publish_via::websocket));
    const auto wrapped = replay::load_protocol_text(R"({"protocol": {"protocol": "socketio", "namespace": "/n"}})", "p.json", base);
    BOOST_TEST((wrapped.kind == replay::protocol_kind::socketio));
    BOOST_TEST(wrapped.nsp == "/n");
    const auto message = [](const std::string& text) {
        try {
            (void)replay::load_protocol_text(text, "p.json");
        } catch (const sim::input_error& e) {
            return std::string(e.what());
        }
        return std::string();
    };
    BOOST_TEST(message(R"({"publish": {"via": "websocket", "pth": "/p"}})") == "p.json: /publish/pth: unknown key; did you mean 'path'?");
    BOOST_TEST(message(R"({"protocol": {"via": 1}})") == "p.json: /protocol/via: unknown key; allowed: protocol, path, query, namespace, auth, notification, publish");
    BOOST_TEST(message("[1]") == "p.json: expected an object (a protocol section), found [1]");
    BOOST_TEST(message("{\"path\": ").starts_with("p.json:1:10: JSON syntax error: "));
    try {
        (void)replay::load_protocol_file((source_dir / "no-such-protocol.json").string());
        BOOST_ERROR("no error");
    } catch (const sim::input_error& e) {
        BOOST_TEST(std::string(e.what()) == (source_dir / "no-such-protocol.json").string() + ": cannot read: No such file or directory");
    }
}

BOOST_AUTO_TEST_CASE(enum_tables_are_one_to_one) {
    check_table<replay::protocol_kind>("protocol_kind");
    check_table<replay::publish_via>("publish_via");
    // The spellings docs/scenarios.md documents, independent of the tables.
    BOOST_TEST(replay::to_string(replay::protocol_kind::ws_json) == "ws-json");
    BOOST_TEST((models::names_of<replay::publish_via>() == std::vector<std::string>{"http", "websocket"}));
    // The command line's aliases.
    BOOST_TEST((replay::parse_protocol_kind("socket.io") == replay::protocol_kind::socketio));
    BOOST_TEST((replay::parse_protocol_kind("ws") == replay::protocol_kind::ws_json));
    BOOST_TEST(!replay::parse_protocol_kind("mqtt").has_value());
}

/// The scenario schema describes the section with the tables' names.
BOOST_AUTO_TEST_CASE(schema_enums_are_the_name_tables) {
    const json& s = schema().schema();
    const auto names_at = [&](const std::string& pointer) {
        std::vector<std::string> out;
        for (const auto& v : s.at(json::json_pointer(pointer)).at("enum")) out.push_back(v.get<std::string>());
        return out;
    };
    BOOST_TEST(names_at("/properties/protocol/properties/protocol") == models::names_of<replay::protocol_kind>());
    BOOST_TEST(names_at("/properties/protocol/properties/publish/properties/via") == models::names_of<replay::publish_via>());
    BOOST_TEST(schema().accepts(json::parse(read_text(source_dir / "tests" / "sim" / "good" / "live_protocol.json"))));
}

/// Each broken fixture passes the scenario loader (sim/ does not read the section), fails the
/// tool's reader with a message naming the file and the place, and fails the schema.
BOOST_AUTO_TEST_CASE(bad_fixtures_are_rejected_with_their_message) {
    const std::map<std::string, std::string> cases{
        {"protocol_bad_kind.json", "/protocol/protocol: expected one of \"socketio\", \"ws-json\", found \"socket.io\"; did you mean \"socketio\"?"},
        {"protocol_unknown_key.json", "/protocol/publish/evnt: unknown key; did you mean 'event'?"},
        {"protocol_bad_method.json", "/protocol/publish/method: expected an HTTP method: \"POST\", \"PUT\" or \"PATCH\", found \"GET\""},
        {"protocol_broadcast_unknown_key.json", "/protocol/publish/broadcast/pth: unknown key; did you mean 'path'?"},
    };
    std::set<std::string> seen;
    for (const auto& e : fs::directory_iterator(source_dir / "tests" / "tools" / "bad")) {
        if (e.path().extension() != ".json") continue;
        const std::string name = e.path().filename().string();
        seen.insert(name);
        BOOST_TEST_CONTEXT(name) {
            const auto it = cases.find(name);
            BOOST_TEST_REQUIRE((it != cases.end()), "no expected message listed for " << name);
            const std::string text = read_text(e.path());
            BOOST_CHECK_NO_THROW((void)sim::load_scenario_text(text, e.path().string()));
            const std::string message = error_of(text, {}, e.path().string());
            BOOST_TEST(message.starts_with(e.path().string() + ": "), message);
            BOOST_TEST(message.find(it->second) != std::string::npos, message << "\n  does not contain\n" << it->second);
            BOOST_TEST(!schema().accepts(json::parse(text)), "the schema accepts " << name);
        }
    }
    for (const auto& [name, fragment] : cases) BOOST_TEST(seen.count(name) == 1, name << " is listed but missing");
}

// Issue 12, item 2: a protocol file's auth value nested 100 000 deep is rejected by the parser's
// nesting limit, before anything copies or serialises it.
BOOST_AUTO_TEST_CASE(deep_protocol_file_fails_at_load) {
    const std::string auth = R"({"a": )" + std::string(100'000, '[') + std::string(100'000, ']') + "}";
    try {
        (void)surge::replay::load_protocol_text(R"({"auth": )" + auth + "}", "p.json");
        BOOST_FAIL("no error");
    } catch (const surge::sim::input_error& e) {
        BOOST_TEST(std::string(e.what()).find("nested more than 128 levels deep") != std::string::npos, e.what());
    }
}

BOOST_AUTO_TEST_SUITE_END()
