// `surge replay` — runs a scenario against a real server over WebSocket (Socket.IO v4 or ws-json)
// and writes a report of the same schema as `surge run` (mode "live"). docs/replay.md.
//
// The only translation unit of `surge` that compiles Asio, Beast and OpenSSL (through replay.hpp):
// kept apart from tools/surge.cpp so that the two compile in parallel and a build without the
// replay (SURGE_WITH_REPLAY=OFF) leaves this file out.
//
// Conventions of `surge run` (tools/commands/command.hpp): -q prints only the verdict line, --seed
// takes a non-negative integer below 2^64, every duration is read by surge::parse_duration, an
// unwritable --output is bad input before anything is sent (and a run that cannot start leaves no
// report file). Exit codes: 0 every threshold holds;
// 1 a threshold failed or the run broke off (the target went away: the partial report is still
// written); 2 bad input or a run that could not start (target refused, not on loopback without
// --yes, ...); 130 / 143 interrupted by SIGINT / SIGTERM (sim/stop_signal.hpp): the run stops
// publishing at its next tick, closes its connections and writes the partial report; a second
// signal ends the process at once. The report is replaced atomically (sim/atomic_write.hpp). Every message passes redact(): header values (tokens) never reach the terminal.
//
// Under mpirun (tools/distributed/distributed.hpp) every rank runs its share of users and publishes
// (replay_options::rank, ranks) from a common start, sends rank 0 what it measured, and rank 0
// alone prints and writes the merged report (replay_merge.hpp); every rank exits with rank 0's
// code. A failure on one rank before the run stops all (all_of): none waits for the others.
// docs/replay.md, "Across processes (MPI)".
#include "live_report.hpp"
#include "replay.hpp"
#include "replay_merge.hpp"

#include "../commands/command.hpp"
#include "../distributed/distributed.hpp"

#include <sim/atomic_write.hpp>
#include <sim/html_report.hpp>
#include <sim/series_csv.hpp>
#include <sim/load.hpp>
#include <sim/report.hpp>
#include <sim/stop_signal.hpp>
#include <sim/terminal_text.hpp>

#include <CLI/CLI.hpp>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace surge::cli {

namespace {

namespace replay = surge::replay;
namespace sim = surge::sim;

/// A duration option as the replay's options hold it: whole milliseconds, a fraction rounded up (a
/// timeout of 0.5ms must not become none).
std::chrono::milliseconds milliseconds_option(const std::string& option, const std::string& text) {
    const surge::duration d = parse_duration_option(option, text);
    return std::chrono::ceil<std::chrono::milliseconds>(std::chrono::nanoseconds(d.count()));
}

/// --batch-us, --spin-us, --control-slice-us: microseconds (a bare integer) or a duration, at most
/// 100 ms (they are waits inside the I/O and control loops; longer ones would stall the run).
std::chrono::microseconds microseconds_option(const std::string& option, const std::string& text) {
    const surge::duration d = parse_duration_option(option, text, surge::duration::microseconds(1));
    if (d > surge::duration::milliseconds(100)) throw usage_error(option + " " + text + ": at most 100ms");
    return std::chrono::ceil<std::chrono::microseconds>(std::chrono::nanoseconds(d.count()));
}

struct replay_command_options {
    std::string scenario, target, protocol_file, output, html, csv, compare_file, publish, ca_file;
    std::optional<std::string> protocol, seed;
    std::vector<std::string> header_args, sets;
    double time_scale = 1;
    unsigned threads = 1;
    std::string batch = "200", spin = "1000", slice = "100";
    std::string connect_timeout = "10s", request_timeout = "10s", idle_timeout = "60s", give_up = "5s", grace = "1s";
    std::size_t publish_connections = 32;
    std::size_t track_ids = replay::delivery_ledger::default_window;
    std::string user_prefix = "u";
    std::string rtt_interval = "5s", server_metrics, server_queue_metric = "surge_offline_queue_messages";
    bool yes = false, insecure = false, quiet = false, realtime = false;
};

/// Everything that can be bad input, checked before a packet is sent: the replay's options, the
/// scenario, the protocol and the output file.
struct prepared_replay {
    sim::loaded_scenario loaded;
    replay::replay_options options;
    std::optional<models::metric_set> sim_metrics;  // --compare
};

prepared_replay prepare(const replay_command_options& o, std::vector<replay::header>& headers) {
    prepared_replay p;
    replay::replay_options& opt = p.options;
    if (o.seed) opt.seed = parse_seed(*o.seed);
    opt.connect_timeout = milliseconds_option("--connect-timeout", o.connect_timeout);
    opt.request_timeout = milliseconds_option("--request-timeout", o.request_timeout);
    opt.idle_timeout = milliseconds_option("--idle-timeout", o.idle_timeout);
    opt.give_up_after = milliseconds_option("--give-up-after", o.give_up);
    opt.grace = milliseconds_option("--grace", o.grace);
    opt.batch_interval = microseconds_option("--batch-us", o.batch);
    opt.spin_lead = microseconds_option("--spin-us", o.spin);
    opt.control_slice = microseconds_option("--control-slice-us", o.slice);

    p.loaded = sim::load_scenario_file(o.scenario, o.sets);
    opt.target = o.target;
    // The protocol: the scenario's "protocol" section (or the defaults), then --protocol-file over
    // it, then --protocol and --publish when given.
    if (auto section = replay::protocol_of(p.loaded)) opt.protocol = std::move(*section);
    if (!o.protocol_file.empty()) opt.protocol = replay::load_protocol_file(o.protocol_file, opt.protocol);
    if (o.protocol) {
        const auto kind = replay::parse_protocol_kind(*o.protocol);
        if (!kind) throw usage_error("--protocol: expected socketio or ws-json, found \"" + *o.protocol + "\"");
        opt.protocol.kind = *kind;
    }
    if (o.publish == "http") opt.protocol.via = replay::publish_via::http;
    else if (o.publish == "websocket") opt.protocol.via = replay::publish_via::websocket;
    else if (!o.publish.empty()) throw usage_error("--publish: expected http or websocket, found \"" + o.publish + "\"");
    opt.headers = headers;
    // The protocol section's publish headers go with publish requests only, but their values are
    // secrets as much as --header's: every message, and the report (which holds the scenario
    // document), is redacted of them too.
    for (const auto& [name, value] : opt.protocol.publish_headers) headers.push_back(replay::header{name, value});
    opt.time_scale = o.time_scale;
    opt.threads = o.threads;
    opt.realtime = o.realtime;
    opt.allow_remote = o.yes;
    opt.insecure = o.insecure;
    opt.ca_file = o.ca_file;
    opt.publish_connections = std::max<std::size_t>(o.publish_connections, 1);
    opt.user_prefix = o.user_prefix;
    opt.rtt_interval = milliseconds_option("--rtt-interval", o.rtt_interval);
    opt.server_metrics = o.server_metrics;
    opt.server_queue_metric = o.server_queue_metric;
    if (o.track_ids < 1) throw usage_error("--track-ids: at least 1");
    opt.track_ids = o.track_ids;
    opt.rank = static_cast<unsigned>(distributed::world().rank);
    opt.ranks = static_cast<unsigned>(distributed::world().size);
    if (opt.ranks > 1) {
        opt.all_ranks_ok = [](bool mine) {
            using status = replay::replay_options::start_status;
            const bool root_ok = distributed::broadcast(mine ? "1" : "0") == "1";
            if (distributed::all_of(mine)) return status::all_started;
            return root_ok ? status::other_failed : status::rank0_failed;
        };
        opt.common_start = [](std::int64_t proposal) {
            return std::stoll(distributed::broadcast(std::to_string(proposal)));  // rank 0's
        };
    }
    if (!o.quiet && distributed::is_root()) {  // other ranks stay silent
        opt.progress = &std::cerr;
        opt.progress_tty = ::isatty(STDERR_FILENO) != 0;
    }

    // The comparison report is read before the run: a bad file should not cost a live run.
    if (!o.compare_file.empty()) {
        const auto j = sim::read_report_json(o.compare_file);
        p.sim_metrics = replay::metrics_of_report(j);
        if (p.sim_metrics->size() == 0) throw usage_error(o.compare_file + ": no metrics in this report");
    }
    if (distributed::is_root()) {  // only rank 0 writes files
        if (!o.output.empty()) sim::check_writable(o.output, "report");
        if (!o.html.empty()) sim::check_writable(o.html, "HTML report");
        if (!o.csv.empty()) sim::check_writable(o.csv, "CSV");
    }
    return p;
}

/// The summary on stdout: sim's table, then what only a live run has.
std::string live_summary(const replay_command_options& o, const prepared_replay& p, const replay::replay_result& result,
                         const std::vector<sim::threshold_verdict>& verdicts, sim::terminal_style style) {
    std::string summary = sim::summary_table(result.run, verdicts, o.scenario, style);
    char line[256];
    const unsigned ranks = p.options.ranks;
    const std::string across = ranks > 1 ? " per rank, " + std::to_string(ranks) + " ranks" : "";
    std::snprintf(line, sizeof line, "\nlive (%s, %s, time scale %g, %u thread%s%s)\n", o.target.c_str(),
                  p.options.protocol.kind == replay::protocol_kind::socketio ? "socketio" : "ws-json", o.time_scale,
                  o.threads, o.threads == 1 ? "" : "s", across.c_str());
    summary += line;
    for (const auto& m : result.run.metrics.items())
        if (m.name.rfind("live.", 0) == 0)
            summary += "  " + m.name.substr(5) + std::string(m.name.size() < 39 ? 39 - m.name.size() : 1, ' ') +
                       sim::value_text_of(m.value, m.unit) + "\n";
    // The server's own words: escaped one by one, so that none can start a line of its own.
    for (const auto& w : result.live.warnings) summary += "  warning: " + sim::terminal_text(w) + "\n";
    for (const auto& e : result.live.errors) summary += "  error seen: " + sim::terminal_text(e) + "\n";
    return summary;
}

int report_replay(const replay_command_options& o, const prepared_replay& p, const std::vector<replay::header>& headers,
                  replay::replay_result& result);

int run_replay(const replay_command_options& o) {
    std::vector<replay::header> headers;
    // Every message that leaves this command names no header value.
    const auto fail = [&](const std::string& message) {
        complain(replay::redact(message, headers));
        return exit_bad_input;
    };
    const auto& world = distributed::world();
    const std::string rank_prefix = world.size > 1 ? "rank " + std::to_string(world.rank) + ": " : "";
    prepared_replay p;
    std::string bad_input;
    try {
        for (const auto& h : o.header_args) headers.push_back(replay::parse_header(h));
        p = prepare(o, headers);
    } catch (const std::exception& e) {
        bad_input = e.what();
    }
    if (world.size > 1) {
        // Every rank reads the same files and fails alike: rank 0 speaks for all. A rank that
        // fails alone says why itself; every rank stops.
        const bool root_ok = distributed::broadcast(bad_input.empty() ? "1" : "0") == "1";
        if (!distributed::all_of(bad_input.empty())) {
            if (!bad_input.empty() && (distributed::is_root() || root_ok)) return fail(rank_prefix + bad_input);
            if (distributed::is_root()) return fail("another rank could not start (it says why)");
            return exit_bad_input;
        }
    } else if (!bad_input.empty()) {
        return fail(bad_input);
    }

    replay::replay_result result;
    std::string run_failure;
    try {
        // SIGINT/SIGTERM from here on: the run stops at its next tick and reports what it measured.
        p.options.stop = &sim::stop_requested;
        sim::install_stop_handlers();
        result = replay::run_live(p.loaded.scenario, p.options);
    } catch (const replay::start_error& e) {
        // Across ranks every rank throws this together (replay_run::run, all_of); the ranks that
        // only learnt that another could not start leave the saying to it.
        const std::string what = e.what();
        if (world.size > 1 && !distributed::is_root() && what == replay::another_rank_failed) return exit_bad_input;
        return fail(rank_prefix + what);
    } catch (const std::exception& e) {
        run_failure = std::string("live replay failed: ") + e.what();
        if (world.size <= 1) return fail(run_failure);
    }

    if (world.size > 1) {
        // Rank 0 gathers every rank's part (in rank order) and merges them exactly; every rank
        // ends with rank 0's exit code.
        if (!run_failure.empty()) complain(replay::redact(rank_prefix + run_failure, headers));
        const auto parts_text = distributed::gather(run_failure.empty() ? result.part : std::string());
        if (!distributed::is_root()) return std::stoi(distributed::broadcast(""));
        int code = 0;
        try {
            std::vector<replay::rank_part> parts;
            for (std::size_t r = 0; r < parts_text.size(); ++r) {
                if (parts_text[r].empty()) throw replay::merge_error("rank " + std::to_string(r) + " failed during the run");
                parts.push_back(replay::part_of_json(parts_text[r]));
            }
            double load_seconds = 0;
            const auto end = time_point{} + p.loaded.scenario.length;
            for (std::size_t i = 0; i < p.loaded.scenario.load.size(); ++i)
                load_seconds += (models::phase_end(p.loaded.scenario.load, i, end) - p.loaded.scenario.load[i].at).seconds_f();
            replay::apply_merged_parts(result, parts, load_seconds);
            code = report_replay(o, p, headers, result);
        } catch (const std::exception& e) {
            code = fail(e.what());
        }
        distributed::broadcast(std::to_string(code));
        return code;
    }
    return report_replay(o, p, headers, result);
}

/// The report, the summary and the exit code of a finished run (rank 0's, merged, across ranks).
int report_replay(const replay_command_options& o, const prepared_replay& p, const std::vector<replay::header>& headers,
                  replay::replay_result& result) {
    const auto fail = [&](const std::string& message) {
        complain(replay::redact(message, headers));
        return exit_bad_input;
    };
    replay::add_live_metrics(result.run.metrics, result);
    const auto verdicts = sim::evaluate(p.loaded.scenario.thresholds, result.run.metrics, models::run_mode::live);
    const sim::scenario_info info{p.loaded.scenario.name, o.scenario, o.sets, p.loaded.document};
    if (!o.output.empty() || !o.html.empty() || !o.csv.empty()) {
        try {
            if (!o.csv.empty()) sim::write_file_atomically(o.csv, sim::series_csv(result.run.series), "CSV");
            const std::string text = replay::redact(sim::report_text(replay::make_live_report(result, info, verdicts)), headers);
            if (!o.output.empty()) sim::write_file_atomically(o.output, text, "report");
            if (!o.html.empty()) {
                // The live report, and beside it on the same axes the simulation it is compared with.
                std::vector<nlohmann::ordered_json> reports{nlohmann::ordered_json::parse(text)};
                std::vector<std::string> names{cli::file_name(o.scenario)};
                if (!o.compare_file.empty()) {
                    reports.push_back(sim::read_report_json<nlohmann::ordered_json>(o.compare_file));
                    names.push_back(cli::file_name(o.compare_file));
                }
                sim::write_file_atomically(o.html, sim::html_report(reports, names), "HTML report");
            }
        } catch (const sim::write_error& e) {
            return fail(e.what());
        } catch (const sim::report_error& e) {
            return fail(e.what());
        }
    }

    std::string out;
    const sim::terminal_style style = sim::terminal_style::for_stdout();
    // Publishes succeeded and nothing arrived: why, before anything else (with -q too, on stderr).
    if (const auto why = replay::nothing_arrived(result)) {
        if (o.quiet) complain(replay::redact(*why, headers));
        else out += sim::terminal_text(*why) + "\n\n";
    }
    if (o.quiet)
        out = sim::terminal_text(result.run.scenario) + ": " +
              sim::styled_verdict_line(sim::verdict_line(verdicts, result.run), style) + "\n";
    else out += live_summary(o, p, result, verdicts, style);
    // Asked for explicitly, so printed with -q too.
    if (p.sim_metrics) out += "\n" + replay::compare_table(*p.sim_metrics, result.run.metrics);
    std::fputs(style.lines(replay::redact(out, headers)).c_str(), stdout);
    std::fflush(stdout);
    if (!result.run.completed)
        complain(replay::redact(result.run.error, headers) + (o.output.empty() ? "" : "; the partial report is in " + o.output));
    return sim::exit_code(verdicts, result.run);
}

} // namespace

action define_replay(CLI::App& cmd) {
    auto o = std::make_shared<replay_command_options>();
    cmd.add_option("SCENARIO", o->scenario, "Scenario file (JSON)")->required();
    cmd.add_option("--target", o->target, "Server URL: ws://, wss://, http:// or https://host:port[/prefix]")
        ->required()
        ->type_name("URL");
    cmd.add_option("--protocol", o->protocol,
                   "socketio (Socket.IO v4 over WebSocket) or ws-json; overrides the scenario's protocol section "
                   "(default socketio)")
        ->type_name("NAME");
    cmd.add_option("--protocol-file", o->protocol_file, "JSON protocol section over the scenario's \"protocol\" (docs/replay.md)")
        ->type_name("FILE");
    cmd.add_option("--publish", o->publish, "How to publish: http (POST) or websocket (event); overrides the protocol")
        ->type_name("VIA");
    cmd.add_option("--time-scale", o->time_scale, "Run K times faster than the scenario (rates x K, durations / K)")
        ->type_name("K")
        ->capture_default_str();
    cmd.add_option("--output,-o", o->output, "Write the JSON report here")->type_name("FILE");
    cmd.add_option("--csv", o->csv, "Write the time series as CSV here (one row per window)")->type_name("FILE");
    cmd.add_option("--html", o->html, "Write the report as one self-contained HTML page here (with --compare: both on the same axes)")
        ->type_name("FILE");
    cmd.add_option("--compare", o->compare_file, "A simulated run's report: print simulated vs live metrics")
        ->type_name("SIM.json");
    add_repeatable(cmd, "--header", o->header_args, "\"Name: value\" sent with every handshake and publish, never printed (repeatable)", "HEADER");
    add_repeatable(cmd, "--set", o->sets, "Override a scenario field: --set /users/count=1000 (repeatable)", "POINTER=VALUE");
    cmd.add_option("--seed", o->seed, "Seed for target choice, arrivals and sessions (overrides the scenario's)")->type_name("N");
    cmd.add_option("--threads", o->threads, "I/O threads")->capture_default_str();
    cmd.add_option("--batch-us", o->batch,
                   "I/O threads sleep this long between passes over ready sockets while traffic flows "
                   "(microseconds, or a duration such as 0.5ms; 0: wait in the reactor)")
        ->type_name("US")
        ->capture_default_str();
    cmd.add_option("--spin-us", o->spin,
                   "The load generator wakes this early and spins to each arrival's intended time "
                   "(microseconds or a duration; 0: plain timers)")
        ->type_name("US")
        ->capture_default_str();
    cmd.add_flag("--realtime", o->realtime,
                 "The load generator's thread in SCHED_FIFO when permitted (CAP_SYS_NICE): scheduling lag unaffected by "
                 "busy cores");
    cmd.add_option("--control-slice-us", o->slice,
                   "Scheduler time slice asked for the load generator's thread, Linux >= 6.12 (microseconds or a "
                   "duration; 0: the default)")
        ->type_name("US")
        ->capture_default_str();
    cmd.add_option("--connect-timeout", o->connect_timeout, "Per connection attempt (TCP, TLS, upgrade, namespace)")
        ->type_name("DURATION")
        ->capture_default_str();
    cmd.add_option("--request-timeout", o->request_timeout, "Per publish request")->type_name("DURATION")->capture_default_str();
    cmd.add_option("--idle-timeout", o->idle_timeout, "ws-json: a connection without traffic this long is dead")
        ->type_name("DURATION")
        ->capture_default_str();
    cmd.add_option("--give-up-after", o->give_up, "End the run (exit 1) when the target is unreachable this long")
        ->type_name("DURATION")
        ->capture_default_str();
    cmd.add_option("--grace", o->grace, "After the scenario, wait this long for notifications in flight")
        ->type_name("DURATION")
        ->capture_default_str();
    cmd.add_option("--publish-connections", o->publish_connections, "HTTP keep-alive connections for publishing")
        ->capture_default_str();
    cmd.add_option("--track-ids", o->track_ids,
                   "How many of the latest notification ids to remember (24 bytes each); a notification with an "
                   "older id counts as an unknown id, not a delivery")
        ->type_name("N")
        ->capture_default_str();
    cmd.add_option("--user-prefix", o->user_prefix, "User ids are PREFIX0, PREFIX1, ...")->type_name("PREFIX")->capture_default_str();
    cmd.add_option("--rtt-interval", o->rtt_interval,
                   "Time each user connection's link round trip with a WebSocket ping this often, the first 0.25 s "
                   "after it opens (0: no pings)")
        ->type_name("DURATION")
        ->capture_default_str();
    cmd.add_option("--server-metrics", o->server_metrics,
                   "The server's Prometheus endpoint (plain http, loopback or the target's host), scraped before, every "
                   "second during and after the run: server CPU, event-loop lag, queue length in the report")
        ->type_name("URL");
    cmd.add_option("--server-queue-metric", o->server_queue_metric,
                   "With --server-metrics: the gauge reported as the server's queue length (summed over its labels)")
        ->type_name("NAME")
        ->capture_default_str();
    cmd.add_flag("--yes", o->yes, "Allow a target that is not on loopback (this sends real load)");
    cmd.add_flag("--insecure", o->insecure, "wss/https: do not verify the server's certificate");
    cmd.add_option("--ca-file", o->ca_file, "wss/https: trust the CA certificates in this PEM file (besides the system's)")
        ->type_name("FILE");
    cmd.add_flag("--quiet,-q", o->quiet, "Print only the verdict line (and --compare's table); no progress line");
    return [o]() -> int { return run_replay(*o); };
}

} // namespace surge::cli
