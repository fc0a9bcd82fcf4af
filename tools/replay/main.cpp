// surge-replay — runs a scenario against a real server over WebSocket (Socket.IO v4 or ws-json)
// and writes a report of the same schema as `surge run` (mode "live"). docs/replay.md.
//
// Exit codes as `surge run`: 0 every threshold holds; 1 a threshold failed or the run broke off
// (the target went away: the partial report is still written); 2 bad input or a run that could
// not start (target refused, not on loopback without --yes, ...).
#include "live_report.hpp"
#include "replay.hpp"

#include <sim/load.hpp>

#include <CLI/CLI.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <unistd.h>

namespace {

/// "250ms", "1.5s", "2m" or a plain number of seconds.
std::chrono::milliseconds parse_ms(const std::string& what, const std::string& text) {
    try {
        std::size_t used = 0;
        const double v = std::stod(text, &used);
        const std::string unit = text.substr(used);
        double ms = 0;
        if (unit.empty() || unit == "s") ms = v * 1e3;
        else if (unit == "ms") ms = v;
        else if (unit == "m" || unit == "min") ms = v * 60e3;
        else throw std::invalid_argument("unit");
        if (!(ms >= 0) || ms > 1e12) throw std::invalid_argument("range");
        return std::chrono::milliseconds(static_cast<std::int64_t>(ms));
    } catch (const std::exception&) {
        throw surge::replay::start_error(what + ": expected a duration such as 500ms, 10s or 1m, found \"" + text + "\"");
    }
}

} // namespace

int main(int argc, char** argv) {
    using namespace surge::replay;
    CLI::App app{"surge-replay: run a scenario against a live notification server (WebSocket / Socket.IO v4)"};
    std::string scenario_file, target, protocol, protocol_file, output, compare_file, publish;
    std::vector<std::string> header_args, sets;
    double time_scale = 1;
    unsigned threads = 1;
    unsigned batch_us = 200, spin_us = 1000, slice_us = 100;
    bool yes = false, insecure = false, quiet = false, realtime = false;
    std::string connect_timeout = "10s", request_timeout = "10s", idle_timeout = "60s", give_up = "5s", grace = "1s";
    std::size_t publish_connections = 32;
    std::optional<std::uint64_t> seed;
    std::string user_prefix = "u";
    std::string ca_file;
    app.add_option("scenario", scenario_file, "scenario file (JSON)")->required();
    app.add_option("--target", target, "server URL: ws://, wss://, http:// or https://host:port[/prefix]")->required();
    app.add_option("--protocol", protocol, "socketio (Socket.IO v4 over WebSocket) or ws-json; overrides the scenario's protocol section (default socketio)");
    app.add_option("--protocol-file", protocol_file, "JSON protocol section over the scenario's \"protocol\" (docs/replay.md)");
    app.add_option("--publish", publish, "how to publish: http (POST) or websocket (event); overrides the protocol file");
    app.add_option("--time-scale", time_scale, "run K times faster than the scenario (rates x K, durations / K)")->capture_default_str();
    app.add_option("--output,-o", output, "write the JSON report here");
    app.add_option("--compare", compare_file, "a simulated run's report: print simulated vs live metrics");
    app.add_option("--header", header_args, "\"Name: value\" sent with every handshake and publish (never printed)");
    app.add_option("--set", sets, "override a scenario field: /pointer=value");
    app.add_option("--seed", seed, "seed for target choice, arrivals and sessions (default: the scenario's)");
    app.add_option("--threads", threads, "I/O threads")->capture_default_str();
    app.add_option("--batch-us", batch_us, "I/O threads sleep this long between passes over ready sockets while traffic flows (0: wait in the reactor)")
        ->capture_default_str();
    app.add_option("--spin-us", spin_us, "the load generator wakes this early and spins to each arrival's intended time (0: plain timers)")
        ->capture_default_str();
    app.add_flag("--realtime", realtime, "the load generator's thread in SCHED_FIFO when permitted (CAP_SYS_NICE): scheduling lag unaffected by busy cores");
    app.add_option("--control-slice-us", slice_us, "scheduler time slice asked for the load generator's thread, Linux >= 6.12 (0: the default)")
        ->capture_default_str();
    app.add_option("--connect-timeout", connect_timeout, "per connection attempt (TCP, TLS, upgrade, namespace)")->capture_default_str();
    app.add_option("--request-timeout", request_timeout, "per publish request")->capture_default_str();
    app.add_option("--idle-timeout", idle_timeout, "ws-json: a connection without traffic this long is dead")->capture_default_str();
    app.add_option("--give-up-after", give_up, "end the run (exit 1) when the target is unreachable this long")->capture_default_str();
    app.add_option("--grace", grace, "after the scenario, wait this long for notifications in flight")->capture_default_str();
    app.add_option("--publish-connections", publish_connections, "HTTP keep-alive connections for publishing")->capture_default_str();
    app.add_option("--user-prefix", user_prefix, "user ids are PREFIX0, PREFIX1, ...")->capture_default_str();
    app.add_flag("--yes", yes, "allow a target that is not on loopback (this sends real load)");
    app.add_flag("--insecure", insecure, "wss/https: do not verify the server's certificate");
    app.add_option("--ca-file", ca_file, "wss/https: trust the CA certificates in this PEM file (besides the system's)");
    app.add_flag("--quiet,-q", quiet, "no progress line");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int rc = app.exit(e);
        return rc == 0 ? 0 : 2;
    }

    std::vector<header> headers;
    auto fail = [&](const std::string& msg, int code) {
        std::cerr << "surge-replay: " << redact(msg, headers) << "\n";
        return code;
    };
    surge::sim::loaded_scenario loaded;
    replay_options opt;
    try {
        for (const auto& h : header_args) headers.push_back(parse_header(h));
        loaded = surge::sim::load_scenario_file(scenario_file, sets);
        opt.target = target;
        // The protocol: the scenario's "protocol" section (or the defaults), then --protocol-file
        // over it, then --protocol and --publish when given.
        if (loaded.protocol) opt.protocol = *loaded.protocol;
        if (!protocol_file.empty()) opt.protocol = surge::sim::load_protocol_file(protocol_file, opt.protocol);
        if (app.count("--protocol") > 0) {
            const auto kind = parse_protocol_kind(protocol);
            if (!kind) return fail("--protocol: expected socketio or ws-json, found \"" + protocol + "\"", 2);
            opt.protocol.kind = *kind;
        }
        if (publish == "http") opt.protocol.via = publish_via::http;
        else if (publish == "websocket") opt.protocol.via = publish_via::websocket;
        else if (!publish.empty()) return fail("--publish: expected http or websocket", 2);
        opt.headers = headers;
        opt.time_scale = time_scale;
        opt.threads = threads;
        opt.batch_interval = std::chrono::microseconds(std::min(batch_us, 100'000u));
        opt.spin_lead = std::chrono::microseconds(std::min(spin_us, 100'000u));
        opt.control_slice = std::chrono::microseconds(std::min(slice_us, 100'000u));
        opt.realtime = realtime;
        opt.allow_remote = yes;
        opt.insecure = insecure;
        opt.ca_file = ca_file;
        opt.connect_timeout = parse_ms("--connect-timeout", connect_timeout);
        opt.request_timeout = parse_ms("--request-timeout", request_timeout);
        opt.idle_timeout = parse_ms("--idle-timeout", idle_timeout);
        opt.give_up_after = parse_ms("--give-up-after", give_up);
        opt.grace = parse_ms("--grace", grace);
        opt.publish_connections = std::max<std::size_t>(publish_connections, 1);
        opt.user_prefix = user_prefix;
        opt.seed = seed;
        if (!quiet) {
            opt.progress = &std::cerr;
            opt.progress_tty = isatty(STDERR_FILENO) != 0;
        }
    } catch (const surge::sim::input_error& e) {
        return fail(e.what(), 2);
    } catch (const std::exception& e) {
        return fail(e.what(), 2);
    }

    // The comparison report is read before the run: a bad file should not cost a live run.
    std::optional<surge::models::metric_set> sim_metrics;
    if (!compare_file.empty()) {
        std::ifstream f(compare_file);
        if (!f) return fail(compare_file + ": cannot read", 2);
        std::stringstream ss;
        ss << f.rdbuf();
        const auto j = nlohmann::json::parse(ss.str(), nullptr, false);
        if (j.is_discarded()) return fail(compare_file + ": not valid JSON", 2);
        sim_metrics = metrics_of_report(j);
        if (sim_metrics->size() == 0) return fail(compare_file + ": no metrics in this report", 2);
    }

    replay_result result;
    try {
        result = run_live(loaded.scenario, opt);
    } catch (const start_error& e) {
        return fail(e.what(), 2);
    } catch (const std::exception& e) {
        return fail(std::string("live replay failed: ") + e.what(), 2);
    }

    add_live_metrics(result.run.metrics, result);
    const auto verdicts = surge::sim::evaluate(loaded.scenario.thresholds, result.run.metrics);
    surge::sim::scenario_info info;
    info.name = loaded.scenario.name;
    info.file = scenario_file;
    info.overrides = sets;
    info.document = loaded.document;
    const auto report = make_live_report(result, info, verdicts);
    if (!output.empty()) {
        std::ofstream f(output);
        f << redact(surge::sim::report_text(report), headers);
        if (!f) return fail(output + ": cannot write the report", 2);
    }

    // The summary on stdout: sim's table, then what only a live run has.
    std::string summary = surge::sim::summary_table(result.run, verdicts, scenario_file);
    char line[256];
    std::snprintf(line, sizeof line, "\nlive (%s, %s, time scale %g, %u thread%s)\n", redact(target, headers).c_str(),
                  opt.protocol.kind == protocol_kind::socketio ? "socketio" : "ws-json", time_scale, threads,
                  threads == 1 ? "" : "s");
    summary += line;
    for (const auto& m : result.run.metrics.items())
        if (m.name.rfind("live.", 0) == 0) summary += "  " + m.name.substr(5) + std::string(m.name.size() < 39 ? 39 - m.name.size() : 1, ' ') +
                                                      format_value(m.value, m.unit) + "\n";
    for (const auto& w : result.live.warnings) summary += "  warning: " + w + "\n";
    for (const auto& e : result.live.errors) summary += "  error seen: " + e + "\n";
    if (sim_metrics) summary += "\n" + compare_table(*sim_metrics, result.run.metrics);
    std::fputs(redact(summary, headers).c_str(), stdout);
    std::fflush(stdout);
    if (!result.run.completed)
        std::cerr << "surge-replay: " << redact(result.run.error, headers)
                  << (output.empty() ? "" : "; the partial report is in " + output) << "\n";
    return surge::sim::exit_code(verdicts, result.run.completed);
}
