// The replay's frame JSON reader (tools/replay/frame_json.hpp): simdjson with nlohmann::json's SAX
// parser as its fallback, against a second method — nlohmann::json::parse into a document, and
// the kept fields looked up in it — on hand-picked frames at JSON's edges and on 40 000
// deterministic mutations of real notification frames. The reader and the SAX fallback must both
// agree with the document: the same frames are JSON, with the same fields.
#include <boost/test/unit_test.hpp>

#include "frame_json.hpp"
#include "protocol.hpp"

#include <nlohmann/json.hpp>

#include <charconv>
#include <cstdint>
#include <limits>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

using namespace surge::replay;

namespace {

/// The fields by the rules of frame_json.hpp, read from nlohmann::json's document.
std::optional<frame_fields> reference(std::string_view text, const protocol_config& cfg, bool socketio) {
    const auto j = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
    if (j.is_discarded()) return std::nullopt;
    frame_fields f;
    const auto integer = [](const nlohmann::json& v) -> std::optional<std::int64_t> {
        if (v.is_number_unsigned()) {
            const auto u = v.get<std::uint64_t>();
            if (u <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return static_cast<std::int64_t>(u);
            return std::nullopt;
        }
        if (v.is_number_integer()) return v.get<std::int64_t>();
        return std::nullopt;
    };
    const auto number = [](const nlohmann::json& v) -> std::optional<double> {
        if (v.is_number()) return v.get<double>();
        return std::nullopt;
    };
    const auto fields = [&](const nlohmann::json& o, bool sio) {
        if (!sio && o.contains(cfg.type_field) && o[cfg.type_field].is_string()) {
            f.has_type = true;
            f.type = o[cfg.type_field].get<std::string>();
        }
        if (o.contains(cfg.id_field)) {
            const auto& v = o[cfg.id_field];
            f.id = integer(v);
            if (v.is_string()) {
                const auto s = v.get<std::string>();
                std::int64_t x = 0;
                const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), x);
                if (ec == std::errc{} && p == s.data() + s.size()) f.id = x;
            }
        }
        if (o.contains(cfg.sent_at_field)) f.sent_at = number(o[cfg.sent_at_field]);
        if (o.contains("issued_at")) f.issued_at = number(o["issued_at"]);
        if (!sio && o.contains("ref")) f.ref = integer(o["ref"]);
    };
    if (j.is_object()) {
        f.top = frame_fields::shape::object;
        if (!socketio) fields(j, false);
    } else if (j.is_array()) {
        f.top = frame_fields::shape::array;
        if (socketio && !j.empty() && j[0].is_string()) {
            f.first_is_string = f.has_type = true;
            f.type = j[0].get<std::string>();
        }
        if (socketio && j.size() >= 2 && j[1].is_object()) fields(j[1], true);
    }
    return f;
}

std::string show(const std::optional<frame_fields>& f) {
    if (!f) return "not JSON";
    std::ostringstream o;
    o << "top " << int(f->top) << " first_is_string " << f->first_is_string << " has_type " << f->has_type << " type '"
      << f->type << "' id " << (f->id ? std::to_string(*f->id) : "-") << " ref " << (f->ref ? std::to_string(*f->ref) : "-")
      << " sent_at " << (f->sent_at ? std::to_string(*f->sent_at) : "-") << " issued_at "
      << (f->issued_at ? std::to_string(*f->issued_at) : "-");
    return o.str();
}

std::optional<frame_fields> read(bool (*reader)(std::string_view, const protocol_config&, bool, frame_fields&), std::string_view text,
                                 const protocol_config& cfg, bool socketio) {
    frame_fields f;
    if (!reader(text, cfg, socketio, f)) return std::nullopt;
    return f;
}

std::vector<std::pair<protocol_config, bool>> configs() {
    protocol_config sio;
    protocol_config ws;
    ws.kind = protocol_kind::ws_json;
    protocol_config custom = ws;
    custom.type_field = "kind";
    custom.id_field = "nid";
    custom.sent_at_field = "ts";
    return {{sio, true}, {ws, false}, {custom, false}};
}

/// Checks the reader and its fallback against the reference on `text`; false on a difference.
bool agree(std::string_view text) {
    bool ok = true;
    for (const auto& [cfg, socketio] : configs()) {
        const auto want = show(reference(text, cfg, socketio));
        const auto fast = show(read(&read_frame_json, text, cfg, socketio));
        const auto sax = show(read(&read_frame_json_sax, text, cfg, socketio));
        if (fast != want || sax != want) {
            BOOST_ERROR("frame " << nlohmann::json(std::string(text)).dump(-1, ' ', true, nlohmann::json::error_handler_t::replace)
                                 << (socketio ? " (Socket.IO)" : " (ws-json)") << ": reference " << want << "; simdjson " << fast
                                 << "; SAX " << sax);
            ok = false;
        }
    }
    return ok;
}

} // namespace

BOOST_AUTO_TEST_SUITE(frame_json)

BOOST_AUTO_TEST_CASE(edges_of_json_read_as_nlohmann_json_reads_them) {
    const std::vector<std::string> frames = {
        R"({"type":"notification","id":12,"sent_at":1764645000123.456,"issued_at":3,"ref":4})",
        R"(["notification",{"id":12,"sent_at":1.5,"issued_at":2}])",
        R"({"kind":"notification","nid":"77","ts":3})",
        R"({"type":"a","type":"b"})",                   // the last occurrence counts
        R"({"type":"a","type":5})", R"({"id":1,"id":"x"})", R"({"id":"x","id":2})",
        R"({"id":-0})", R"({"id":-0.0})", R"({"ref":-0})", R"({"sent_at":-0})", R"(["n",{"id":-0}])",
        R"({"id":9223372036854775807})", R"({"id":9223372036854775808})", R"({"id":-9223372036854775808})",
        R"({"id":-9223372036854775809})", R"({"id":18446744073709551615})", R"({"id":18446744073709551616})",
        R"({"sent_at":18446744073709551616})", R"({"sent_at":123456789012345678901234567890})", R"({"sent_at":1e400})",
        R"({"sent_at":-1e400})", R"({"sent_at":1e-400})", R"({"id":1e2})", R"({"id":"  12"})", R"({"id":"12 "})",
        R"({"id":"-12"})", R"({"id":{"id":3}})", R"({"id":[1]})", R"({"sent_at":null})", R"({"sent_at":true})",
        R"(["n",{"id":1},{"id":2}])", R"([{"id":1}])", R"([1,{"id":1}])", R"(["n","x",{"id":1}])", R"(["n"])", "[]", "{}",
        R"("notification")", "3", "null", " \t\r\n[\"n\" , { \"id\" : 5 } ] \n",
        R"({"type":"\u006eotification","i\u0064":5})", R"({"type":"\ud83d\ude00"})", R"({"type":"\ud800"})",
        R"({"type":"\udc00"})", R"({"type":"\ud800\u0041"})", "{\"type\":\"a\x01\"}", "{\"type\":\"\xc0\xaf\"}",
        "{\"type\":\"\xed\xa0\x80\"}", "{\"type\":\"\xf4\x90\x80\x80\"}", "{\"type\":\"\xe2\x82\xac\"}",
        R"({"type":"x",})", R"({"type":"x"}x)", R"({"type":"x"} {})", R"([1,])", "[", "", " ", R"({"id":01})",
        R"({"id":1.})", R"({"id":.5})", R"({"id":+1})", R"({"id":NaN})", R"({"id":Infinity})", R"({type:"x"})",
        std::string("3\0garbage", 9), std::string("{\"type\":\"a\0b\"}", 14), std::string("{\"id\":1}\0", 9),
        std::string(2000, '[') + std::string(2000, ']'),                      // deeper than simdjson's 1024
        "[\"n\"," + std::string(1500, '[') + std::string(1500, ']') + "]",
        "{\"id\":3,\"x\":" + std::string(1100, '[') + std::string(1100, ']') + "}",
        std::string(2000, '[') + std::string(1999, ']'),
    };
    for (const auto& f : frames) agree(f);
}

// 40 000 mutations of real frames: bytes flipped, dropped, doubled, and JSON fragments at JSON's
// edges spliced in. A fixed std::mt19937_64 seed: the same frames on every run.
BOOST_AUTO_TEST_CASE(mutated_frames_read_as_nlohmann_json_reads_them) {
    const std::vector<std::string> seeds = {
        R"({"type":"notification","id":1234567,"target":"user","user":"u4711","priority":"normal","sent_at":1764645000123.456,"issued_at":1764645000123.789,"payload":"xxxxxxxx"})",
        R"(["notification",{"id":1234567,"target":"user","user":"u4711","sent_at":1764645000123.456,"issued_at":3,"payload":"xx"}])",
        R"({"type":"publish_ack","ref":42,"accepted":2})",
        R"({"kind":"notification","nid":"77","ts":3,"nested":{"id":4,"list":[1,2.5,-0,true,null,"\u00e9"]}})",
    };
    const std::vector<std::string> fragments = {"-0", "1e400", "18446744073709551616", "9223372036854775808", "\"\\ud800\"",
                                                "\"\\ud83d\\ude00\"", "{", "}", "[", "]", ",", ":", "\"id\":", "\"type\":",
                                                "\"ref\":", "\"sent_at\":", "null", "\\", "\"", "\xc3\xa9", "\xff", " ", "0.5e-3",
                                                std::string(1, '\0'), "\"issued_at\":-1"};
    std::mt19937_64 rng(20261202);
    const auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
    int failures = 0;
    for (int i = 0; i < 40000 && failures < 5; ++i) {
        std::string f = seeds[pick(seeds.size())];
        const int edits = 1 + static_cast<int>(pick(3));
        for (int e = 0; e < edits && !f.empty(); ++e) {
            const auto at = pick(f.size() + 1);
            switch (pick(4)) {
            case 0: if (at < f.size()) f[at] = static_cast<char>(rng()); break;
            case 1: if (at < f.size()) f.erase(at, 1 + pick(4)); break;
            case 2: f.insert(at, f.substr(at, pick(8))); break;
            default: f.insert(at, fragments[pick(fragments.size())]); break;
            }
        }
        if (!agree(f)) ++failures;
    }
}

BOOST_AUTO_TEST_SUITE_END()
