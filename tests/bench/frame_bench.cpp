// The replay's per-frame JSON work (issue 11): reading a received notification frame — validate
// the JSON, keep the event/type, id, sent_at and issued_at — with the replay's decoder
// (tools/replay/protocol.hpp, decode_socketio / decode_ws_json, which read the JSON with
// frame_json.hpp: simdjson DOM into a reused padded buffer; and its nlohmann SAX fallback alone,
// the baseline of the same run; until issue 11 the decoder was a hand-written scanner), simdjson
// (on-demand, and DOM, which validates the whole text as the replay must), and nlohmann::json
// (accept only, SAX with the same fields kept, parse into a document). Frames of ~250 bytes as the
// replay receives them: Socket.IO `42["notification",{...}]` and a ws-json object. Every simdjson
// variant copies the frame into its padded buffer first, as the replay would have to (Beast's
// buffer has no padding guarantee). Figures: docs/performance.md.
#include <benchmark/benchmark.h>

#include "protocol.hpp"

#include <nlohmann/json.hpp>
#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace {

using surge::replay::protocol_config;
using surge::replay::protocol_kind;

/// A notification object as the replay publishes it and the test servers send it back.
std::string notification_object(bool ws_json) {
    std::string o = "{";
    if (ws_json) o += "\"type\":\"notification\",";
    o += "\"id\":1234567,\"target\":\"user\",\"user\":\"u4711\",\"priority\":\"normal\","
         "\"sent_at\":1764645000123.456,\"issued_at\":1764645000123.789,\"payload\":\"";
    o.append(ws_json ? 84 : 80, 'x');
    o += "\"}";
    return o;
}

const std::string& socketio_frame() {
    static const std::string f = "42[\"notification\"," + notification_object(false) + "]";
    return f;
}
const std::string& ws_json_frame() {
    static const std::string f = notification_object(true);
    return f;
}

protocol_config config(protocol_kind k) {
    protocol_config c;
    c.kind = k;
    return c;
}

struct fields {
    std::string_view type;
    std::optional<std::int64_t> id;
    std::optional<double> sent_at, issued_at;
};

void BM_Decode_SocketIO(benchmark::State& state) {
    const auto cfg = config(protocol_kind::socketio);
    const std::string& f = socketio_frame();
    for (auto _ : state) {
        auto r = surge::replay::decode_socketio(f, cfg);
        benchmark::DoNotOptimize(r);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * f.size()));
    state.counters["frame_bytes"] = static_cast<double>(f.size());
}

void BM_Decode_WsJson(benchmark::State& state) {
    const auto cfg = config(protocol_kind::ws_json);
    const std::string& f = ws_json_frame();
    for (auto _ : state) {
        auto r = surge::replay::decode_ws_json(f, cfg);
        benchmark::DoNotOptimize(r);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * f.size()));
    state.counters["frame_bytes"] = static_cast<double>(f.size());
}

/// A service's own frame (issue 14, tests/live/foreign-server.js) read through the protocol
/// section: the id searched for in the title ("surge <id>"), no sent_at; and the same frame with the
/// id reached by a JSON pointer into a nested object.
void BM_Decode_SocketIO_Foreign(benchmark::State& state) {
    auto cfg = config(protocol_kind::socketio);
    const bool pointer = state.range(0) != 0;
    cfg.id_field = pointer ? "/meta/title" : "title";
    cfg.id_search = true;
    cfg.id_after = "surge ";
    cfg.sent_at_field.clear();
    std::string f = R"(42["notification",{"notification_id":1004711,)";
    f += pointer ? R"("meta":{"title":"surge 1234567"},)" : R"("title":"surge 1234567",)";
    f += R"("created_at":"2026-12-02T13:40:00.123Z","body":")";
    f.append(100, 'x');
    f += R"("}])";
    for (auto _ : state) {
        auto r = surge::replay::decode_socketio(f, cfg);
        benchmark::DoNotOptimize(r);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * f.size()));
    state.counters["frame_bytes"] = static_cast<double>(f.size());
}

/// The decoder's fallback alone (frame_json.hpp: read_frame_json_sax, nlohmann::json's SAX parser
/// keeping the same fields): what a frame costs that simdjson cannot read.
void BM_FallbackSax_WsJson(benchmark::State& state) {
    const auto cfg = config(protocol_kind::ws_json);
    const std::string& f = ws_json_frame();
    for (auto _ : state) {
        surge::replay::frame_fields out;
        const bool ok = surge::replay::read_frame_json_sax(f, cfg, false, out);
        benchmark::DoNotOptimize(ok);
        benchmark::DoNotOptimize(out);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * f.size()));
}

/// The fields of a notification object, on-demand: every field is visited (the fields in any
/// order), but values not kept are skipped without full validation.
bool ondemand_fields(simdjson::ondemand::object obj, fields& out, bool want_type) {
    for (auto field : obj) {
        std::string_view key;
        if (field.unescaped_key().get(key)) return false;
        auto v = field.value();
        if (want_type && key == "type") {
            if (v.get_string().get(out.type)) return false;
        } else if (key == "id") {
            std::int64_t id = 0;
            if (!v.get_int64().get(id)) out.id = id;
        } else if (key == "sent_at") {
            double d = 0;
            if (!v.get_double().get(d)) out.sent_at = d;
        } else if (key == "issued_at") {
            double d = 0;
            if (!v.get_double().get(d)) out.issued_at = d;
        }
    }
    return true;
}

void BM_SimdjsonOnDemand_SocketIO(benchmark::State& state) {
    simdjson::ondemand::parser parser;
    const std::string& f = socketio_frame();
    const std::string_view body = std::string_view(f).substr(2);  // after "42"
    for (auto _ : state) {
        simdjson::padded_string padded(body);
        fields out;
        auto doc = parser.iterate(padded);
        simdjson::ondemand::array arr;
        bool ok = !doc.get_array().get(arr);
        if (ok) {
            auto it = arr.begin();
            ok = !(*it).get_string().get(out.type);
            ++it;
            simdjson::ondemand::object obj;
            ok = ok && !(*it).get_object().get(obj) && ondemand_fields(obj, out, false);
        }
        benchmark::DoNotOptimize(ok);
        benchmark::DoNotOptimize(out);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * f.size()));
}

void BM_SimdjsonOnDemand_WsJson(benchmark::State& state) {
    simdjson::ondemand::parser parser;
    const std::string& f = ws_json_frame();
    for (auto _ : state) {
        simdjson::padded_string padded(f);
        fields out;
        auto doc = parser.iterate(padded);
        simdjson::ondemand::object obj;
        const bool ok = !doc.get_object().get(obj) && ondemand_fields(obj, out, true);
        benchmark::DoNotOptimize(ok);
        benchmark::DoNotOptimize(out);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * f.size()));
}

/// DOM: the whole text is validated (what the replay's differential test against
/// nlohmann::json::accept demands), then the fields are looked up.
bool dom_fields(simdjson::dom::object obj, fields& out, bool want_type) {
    if (want_type) {
        if (obj["type"].get(out.type)) return false;
    }
    std::int64_t id = 0;
    if (!obj["id"].get(id)) out.id = id;
    double d = 0;
    if (!obj["sent_at"].get(d)) out.sent_at = d;
    if (!obj["issued_at"].get(d)) out.issued_at = d;
    return true;
}

void BM_SimdjsonDom_SocketIO(benchmark::State& state) {
    simdjson::dom::parser parser;
    const std::string& f = socketio_frame();
    const std::string_view body = std::string_view(f).substr(2);
    for (auto _ : state) {
        simdjson::padded_string padded(body);
        fields out;
        simdjson::dom::array arr;
        bool ok = !parser.parse(padded).get(arr) && arr.size() >= 2 && !arr.at(0).get(out.type);
        simdjson::dom::object obj;
        ok = ok && !arr.at(1).get(obj) && dom_fields(obj, out, false);
        benchmark::DoNotOptimize(ok);
        benchmark::DoNotOptimize(out);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * f.size()));
}

void BM_SimdjsonDom_WsJson(benchmark::State& state) {
    simdjson::dom::parser parser;
    const std::string& f = ws_json_frame();
    for (auto _ : state) {
        simdjson::padded_string padded(f);
        fields out;
        simdjson::dom::object obj;
        const bool ok = !parser.parse(padded).get(obj) && dom_fields(obj, out, true);
        benchmark::DoNotOptimize(ok);
        benchmark::DoNotOptimize(out);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * f.size()));
}

void BM_NlohmannAccept_WsJson(benchmark::State& state) {
    const std::string& f = ws_json_frame();
    for (auto _ : state) {
        const bool ok = nlohmann::json::accept(f);
        benchmark::DoNotOptimize(ok);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * f.size()));
}

/// nlohmann SAX keeping the same fields of the top-level object (ws-json).
struct sax_fields : nlohmann::json_sax<nlohmann::json> {
    fields out;
    int depth = 0;
    std::string key_;
    std::string type_;
    bool null() override { return true; }
    bool boolean(bool) override { return true; }
    bool number_integer(number_integer_t v) override { return number(static_cast<double>(v), v); }
    bool number_unsigned(number_unsigned_t v) override {
        return number(static_cast<double>(v), static_cast<std::int64_t>(v));
    }
    bool number_float(number_float_t v, const string_t&) override { return number(v, std::nullopt); }
    bool string(string_t& v) override {
        if (depth == 1 && key_ == "type") type_ = v;
        return true;
    }
    bool binary(binary_t&) override { return true; }
    bool start_object(std::size_t) override { return ++depth, true; }
    bool end_object() override { return --depth, true; }
    bool start_array(std::size_t) override { return ++depth, true; }
    bool end_array() override { return --depth, true; }
    bool key(string_t& k) override {
        if (depth == 1) key_ = k;
        return true;
    }
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }

private:
    bool number(double d, std::optional<std::int64_t> i) {
        if (depth != 1) return true;
        if (key_ == "id" && i) out.id = *i;
        else if (key_ == "sent_at") out.sent_at = d;
        else if (key_ == "issued_at") out.issued_at = d;
        return true;
    }
};

void BM_NlohmannSax_WsJson(benchmark::State& state) {
    const std::string& f = ws_json_frame();
    for (auto _ : state) {
        sax_fields sax;
        const bool ok = nlohmann::json::sax_parse(f, &sax);
        benchmark::DoNotOptimize(ok);
        benchmark::DoNotOptimize(sax.out);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * f.size()));
}

void BM_NlohmannParse_WsJson(benchmark::State& state) {
    const std::string& f = ws_json_frame();
    for (auto _ : state) {
        auto j = nlohmann::json::parse(f, nullptr, false);
        benchmark::DoNotOptimize(j);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * f.size()));
}

} // namespace

BENCHMARK(BM_Decode_SocketIO);
BENCHMARK(BM_Decode_WsJson);
BENCHMARK(BM_Decode_SocketIO_Foreign)->Arg(0)->Arg(1);
BENCHMARK(BM_FallbackSax_WsJson);
BENCHMARK(BM_SimdjsonOnDemand_SocketIO);
BENCHMARK(BM_SimdjsonOnDemand_WsJson);
BENCHMARK(BM_SimdjsonDom_SocketIO);
BENCHMARK(BM_SimdjsonDom_WsJson);
BENCHMARK(BM_NlohmannAccept_WsJson);
BENCHMARK(BM_NlohmannSax_WsJson);
BENCHMARK(BM_NlohmannParse_WsJson);
BENCHMARK_MAIN();
