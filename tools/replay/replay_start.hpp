// tools/replay/replay_start.hpp — before a live run starts: the target resolved and checked (the
// loopback rule, TLS verification), the shards and their users made, the generator seeded, and
// one probing connection, so that a refused or misconfigured target fails at once and clearly.
// Part of replay_run (replay_run.hpp); include replay.hpp.
#pragma once

#include "replay_run.hpp"

#include <sim/estimate.hpp>

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>

namespace surge::replay {

inline void replay_run::prepare() {
    if (!(opt_.time_scale > 0)) throw start_error("--time-scale must be > 0");
    if (opt_.threads == 0) opt_.threads = 1;
    if (opt_.ranks == 0 || opt_.rank >= opt_.ranks) throw start_error("rank " + std::to_string(opt_.rank) + " of " + std::to_string(opt_.ranks));
    // Across ranks every rank registers every publish in the same order; a closed phase's requests
    // depend on its answers, which only the sending rank sees. Every rank refuses alike.
    if (opt_.ranks > 1)
        for (const auto& ph : sc_.load)
            if (ph.type == models::load_phase::kind::closed)
                throw start_error("a closed load phase cannot run across processes (mpirun -np " + std::to_string(opt_.ranks) +
                                  "): its requests wait for their answers on one rank; run it in one process");
    target_url url;
    try {
        url = parse_target_url(opt_.target);
    } catch (const target_error& e) {
        throw start_error(e.what());
    }
    settings_.target = url;
    settings_.protocol = opt_.protocol;
    settings_.headers = opt_.headers;
    settings_.connect_timeout = opt_.connect_timeout;
    settings_.idle_timeout = opt_.idle_timeout;
    settings_.rtt_interval = opt_.rtt_interval;
    net::io_context resolve_io;
    tcp::resolver resolver(resolve_io);
    beast::error_code ec;
    settings_.endpoints = resolver.resolve(url.host, std::to_string(url.port), ec);
    if (ec || settings_.endpoints.empty())
        throw start_error("cannot resolve target host \"" + url.host + "\": " + ec.message());
    bool remote = false;
    for (const auto& e : settings_.endpoints)
        if (!is_loopback(e.endpoint().address())) remote = true;
    if (remote && !opt_.allow_remote)
        throw start_error("target " + url.host_header() + " is not on this machine (loopback); a live replay sends real load: "
                          "pass --yes if you mean it");
    if (url.tls) {
        tls_ = std::make_unique<ssl::context>(ssl::context::tls_client);
        if (opt_.insecure) {
            tls_->set_verify_mode(ssl::verify_none);
        } else {
            tls_->set_default_verify_paths();
            if (!opt_.ca_file.empty()) {
                beast::error_code ec2;
                tls_->load_verify_file(opt_.ca_file, ec2);
                if (ec2) throw start_error("--ca-file " + opt_.ca_file + ": cannot load CA certificates: " + ec2.message());
            }
            tls_->set_verify_mode(ssl::verify_peer);
        }
        settings_.tls = tls_.get();
    }
    if (!opt_.server_metrics.empty() && opt_.rank == 0) {  // across ranks: rank 0 scrapes
        try {
            scraper_ = std::make_unique<server_metrics_scraper>(opt_.server_metrics, url, opt_.allow_remote, opt_.server_queue_metric);
        } catch (const target_error& e) {
            throw start_error(e.what());
        }
    }
    const auto n = sc_.users.count;
    online_ = std::make_unique<std::atomic<std::uint8_t>[]>(static_cast<std::size_t>(std::max<std::int64_t>(n, 1)));
    for (unsigned i = 0; i < opt_.threads; ++i) shards_.push_back(std::make_unique<shard>(*this, i));
    // This rank's users, u % ranks == rank (all of them in one process); its j-th lives on shard
    // j % threads, as users[j / threads] there.
    for (std::int64_t u = opt_.rank, j = 0; u < n; u += opt_.ranks, ++j) {
        auto& sh = *shards_[static_cast<std::size_t>(j) % shards_.size()];
        sh.users.push_back(std::make_unique<user_client>(sh, static_cast<std::uint32_t>(u)));
    }
    // The ledger's ring for the ids the scenario will publish (its estimate, with a margin), up front.
    const double expected = std::min(sim::estimate_work(sc_).notifications * 1.25 + 1024.0, static_cast<double>(opt_.track_ids));
    ledger_ = std::make_unique<delivery_ledger>(static_cast<std::uint32_t>(std::max<std::int64_t>(n, 0)), opt_.track_ids,
                                                delivery_ledger::default_broadcast_budget,
                                                static_cast<std::size_t>(std::max(expected, 0.0)));
    generator_.emplace(sc_, seed());
    // What a client cannot do to a server.
    for (const auto& f : sc_.faults) {
        if (f.type == models::fault::kind::disconnect_storm) continue;
        const char* k = f.type == models::fault::kind::db_slowdown ? "db_slowdown"
                        : f.type == models::fault::kind::db_outage ? "db_outage"
                        : f.type == models::fault::kind::latency_spike ? "latency_spike" : "worker_loss";
        warnings_.push_back(std::string("fault ") + k + " acts inside the server: not applied in a live replay");
    }
}

/// What to do about a certificate the client does not trust.
inline std::string tls_hint(const std::string& failure) {
    if (failure.find("certificate verify failed") == std::string::npos) return {};
    return " (the server's certificate is not trusted: pass its CA with --ca-file FILE, or --insecure to skip verification)";
}

/// One connection before anything else: a refused or misconfigured target fails here, clearly.
inline void replay_run::probe() {
    auto& io = control_;
    struct probe_events final : session_events {
        bool done = false, ok = false;
        std::string failure;
        std::shared_ptr<connection> conn;
        void on_up(std::int64_t) override { done = ok = true; conn->close(true); }
        void on_inbound(const inbound&) override {}
        void on_protocol_error(const std::string&) override {}
        void on_down(close_reason why, const std::string& detail) override {
            if (!done) failure = std::string(to_string(why)) + (detail.empty() ? "" : ": " + detail);
            done = true;
        }
    };
    if (opt_.protocol.via == publish_via::websocket) {
        wsp_ = std::make_unique<ws_publisher>(
            settings_, opt_,
            [this](const publish_request& r, publish_outcome o, std::int64_t done, const std::string& d) { on_published(r, o, done, d); },
            [this](const std::string& e) { note_error(e); });
        wsp_->start(io);
        const auto deadline = steady::now() + opt_.connect_timeout + std::chrono::seconds(1);
        while (!wsp_->done && steady::now() < deadline) io.run_one_for(std::chrono::milliseconds(50));
        if (!wsp_->up())
            throw start_error("cannot connect to " + redact(opt_.target, opt_.headers) + ": " +
                              (wsp_->failure.empty() ? "timed out" : wsp_->failure) + tls_hint(wsp_->failure));
        return;
    }
    probe_events p;
    p.conn = make_connection(io, settings_, &p);
    p.conn->start(opt_.user_prefix + "probe");
    const auto deadline = steady::now() + opt_.connect_timeout + std::chrono::seconds(1);
    while (!p.done && steady::now() < deadline) io.run_one_for(std::chrono::milliseconds(50));
    if (!p.ok) {
        p.conn->detach();
        p.conn->close(false);
        throw start_error("cannot connect to " + redact(opt_.target, opt_.headers) + ": " +
                          (p.failure.empty() ? "timed out" : p.failure) + tls_hint(p.failure));
    }
    p.conn->detach();  // its close completes in the run; nothing more to hear from it
    p.conn.reset();
}

} // namespace surge::replay
