// tools/replay/replay_load.hpp — how a live run publishes: the open phases' publishes at their
// intended times (from the shared generator, mapped to wall time and spun onto the instant), the
// closed phases' clients (request, answer, think), the request bodies, and the bookkeeping of
// each answer. Part of replay_run (replay_run.hpp); include replay.hpp.
#pragma once

#include "publish_template.hpp"
#include "replay_run.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <span>
#include <string>

namespace surge::replay {

inline void replay_run::schedule_phases() {
    auto& gen = *generator_;
    for (std::size_t i = 0; i < gen.phases(); ++i) {
        phase_state ps;
        ps.begin_ns = gen.phase_begin(i).count();
        ps.end_ns = gen.phase_end(i).count();
        ps.timer = std::make_unique<net::steady_timer>(control_);
        phases_.push_back(std::move(ps));
    }
    // Closed phases: each phase's clients start together at the phase's start, as in the simulation.
    closed_.resize(gen.closed_clients());
    for (std::size_t c = 0; c < closed_.size(); ++c) {
        auto& cl = closed_[c];
        cl.timer = std::make_unique<net::steady_timer>(control_);
        const auto& ps = phases_[gen.closed_phase(c)];
        if (ps.end_ns <= ps.begin_ns) continue;
        cl.timer->expires_at(steady::time_point(std::chrono::nanoseconds(t0_ + scaled(duration::nanoseconds(ps.begin_ns)))));
        cl.timer->async_wait([this, c](beast::error_code ec) {
            if (!ec) closed_next(c);
        });
    }
    // Open phases: the first publish is one gap after the phase starts, as in the simulation.
    for (std::size_t i = 0; i < phases_.size(); ++i) {
        if (!gen.is_open(i)) continue;
        phases_[i].next = gen.next_open(i);
        if (phases_[i].next) arm_phase(i);
    }
}

/// The phase's timer for its next arrival. It fires up to spin_lead early (never more than a
/// twentieth of the wait, so the spinning costs at most ~5 % of the control thread at high
/// rates), and generate() spins the rest: the wake-up latency of a busy machine (a sleeping
/// thread waits for a core) is paid before the intended time instead of after it.
inline void replay_run::arm_phase(std::size_t i) {
    auto& ps = phases_[i];
    const auto intended = steady_of(ps.next->at);
    const auto wait = intended - steady_ns();
    const auto lead_max = std::chrono::duration_cast<std::chrono::nanoseconds>(opt_.spin_lead).count();
    ps.lead_ns = std::clamp<std::int64_t>(wait / 20, 0, lead_max);
    ps.timer->expires_at(steady::time_point(std::chrono::nanoseconds(intended - ps.lead_ns)));
    ps.timer->async_wait([this, i](beast::error_code ec) {
        if (!ec) generate(i);
    });
}

/// Publishes what is due of phase i (everything overdue at once, each with its own intended
/// time: no coordinated omission), then waits for the next.
inline void replay_run::generate(std::size_t i) {
    if (finished_) return;
    auto& ps = phases_[i];
    auto now = steady_ns();
    if (ps.next) {
        const auto intended = steady_of(ps.next->at);
        if (intended > now && intended - now <= ps.lead_ns)
            while ((now = steady_ns()) < intended) {}  // woken early on purpose (arm_phase)
    }
    bool first = true;
    while (ps.next) {
        const auto intended = steady_of(ps.next->at);
        if (intended > now) break;
        if (first) {
            lag_.record(now - intended);
            lag_w_.record(scenario_time(intended), now - intended);
            first = false;
        }
        emit(*ps.next, intended);
        ps.next = generator_->next_open(i);
    }
    if (ps.next) arm_phase(i);
}

/// A closed client's next request, unless its phase is over or it has sent its share. A closed
/// client's request is due when the client decides to send it: its intended time is now.
inline void replay_run::closed_next(std::size_t c) {
    if (finished_) return;
    auto& cl = closed_[c];
    const auto phase = generator_->closed_phase(c);
    const auto& p = sc_.load[phase];
    const auto now = steady_ns();
    const auto tau = scenario_ns(now);
    if (tau >= phases_[phase].end_ns) return;
    if (p.requests_per_client > 0 && cl.sent >= p.requests_per_client) return;
    ++cl.sent;
    emit(generator_->closed_request(c, time_point::from_ns(std::max<std::int64_t>(tau, 0))), now, static_cast<std::int32_t>(c));
}

/// The answer came (or the request failed): think, then the next request. After a failure the
/// client waits at least 50 ms, so that a target that refuses at once is not hammered in a loop.
inline void replay_run::closed_done(std::size_t c, bool ok) {
    if (finished_) return;
    auto& cl = closed_[c];
    std::int64_t think = scaled(generator_->closed_think(c));
    if (!ok) think = std::max<std::int64_t>(think, 50'000'000);
    if (think <= 0) return closed_next(c);
    cl.timer->expires_after(std::chrono::nanoseconds(think));
    cl.timer->async_wait([this, c](beast::error_code ec) {
        if (!ec) closed_next(c);
    });
}

/// The request body of a planned publish — one JSON object per notification and recipient, in
/// an array for a batch or a users target — handed to the publisher.
inline void replay_run::emit(const planned_publish& p, std::int64_t intended_ns, std::int32_t closed_client) {
    static constexpr const char* priority_names[] = {"low", "normal", "high", "critical"};
    const char* prio = priority_names[static_cast<std::size_t>(p.prio) & 3u];
    const double sent_at_ms = unix_ms_of(intended_ns);
    const double issued_ms = static_cast<double>(detail::unix_ns()) / 1e6;
    const time_point at = time_point::from_ns(scenario_ns(intended_ns));  // for the meters
    std::string body;
    std::uint32_t count = 0;
    const bool broadcast = p.target == models::target_kind::broadcast;
    // The protocol section's body template (publish_template.hpp), if it has one: one expanded
    // object per recipient (or per notification when it names {recipients}), in an array when the
    // request holds more than one. Without a template, the replay's own objects, written directly.
    const nlohmann::json& tmpl = body_template(settings_.protocol, broadcast);
    const bool per_notification = !tmpl.is_null() && names_recipient_list(tmpl);
    const bool batch = p.batch() > 1 || (p.target == models::target_kind::users && !per_notification);
    nlohmann::json objects = nlohmann::json::array();
    if (batch && tmpl.is_null()) body += '[';
    auto expand = [&](std::int64_t id, std::span<const std::uint32_t> to) {
        notification_values v;
        v.id = id;
        v.broadcast = broadcast;
        v.user_prefix = opt_.user_prefix;
        v.recipients = to;
        v.priority = prio;
        v.payload = p.payload;
        v.sent_at_ms = sent_at_ms;
        v.issued_at_ms = issued_ms;
        objects.push_back(expand_template(tmpl, v));
    };
    auto add = [&](std::int64_t id, const char* target, std::optional<std::uint32_t> user) {
        if (!tmpl.is_null()) {
            if (user) expand(id, std::span<const std::uint32_t>(&*user, 1));
            else expand(id, {});
            ++count;
            return;
        }
        if (count > 0) body += ',';
        char num[64];
        body += "{\"id\":" + std::to_string(id) + ",\"target\":\"" + target + "\"";
        if (user) body += ",\"user\":\"" + opt_.user_prefix + std::to_string(*user) + "\"";
        body += ",\"priority\":\"";
        body += prio;
        std::snprintf(num, sizeof num, "\",\"sent_at\":%.3f,\"issued_at\":%.3f", sent_at_ms, issued_ms);
        body += num;
        body += ",\"payload\":\"";
        body.append(p.payload, 'x');
        body += "\"}";
        ++count;
    };
    for (const auto& recipients : p.recipients) {
        if (p.target == models::target_kind::broadcast) {
            add(ledger_->publish_broadcast(intended_ns), "broadcast", std::nullopt);
            const auto open = std::max<std::int64_t>(open_total_.load(std::memory_order_relaxed), 0);
            {
                std::lock_guard lock(meters_mutex_);
                rec_.delivery.on_attempted(at, static_cast<std::uint64_t>(open));
            }
            rec_.broadcasts.on_broadcast(at, static_cast<std::uint64_t>(open));
            continue;
        }
        const auto id = ledger_->publish(recipients, intended_ns);
        if (per_notification) expand(id, recipients);
        for (const std::uint32_t u : recipients) {
            if (!per_notification) add(id, "user", u);
            if (online_[u].load(std::memory_order_relaxed)) {
                std::lock_guard lock(meters_mutex_);
                rec_.delivery.on_attempted(at);
            }
            else rec_.offline.add_enqueued(1);
        }
    }
    if (!tmpl.is_null()) body = batch ? objects.dump() : objects.at(0).dump();
    else if (batch) body += ']';
    rec_.publishing.on_published(at, p.batch());
    published_total_.fetch_add(p.batch(), std::memory_order_relaxed);
    rec_.publishing.on_operation(at);
    ++publish_requests_;
    if (first_publish_ns_ < 0) first_publish_ns_ = intended_ns;
    publish_request r{std::move(body), intended_ns, p.batch(), closed_client};
    r.broadcast = broadcast;
    if (wsp_) wsp_->publish(std::move(r));
    else http_->submit(std::move(r));
}

inline void replay_run::on_published(const publish_request& r, publish_outcome o, std::int64_t done_ns, const std::string& detail) {
    // A closed client goes on after the answer; posted, since a publisher may answer from inside
    // submit() (a full backlog, a publisher connection that is down).
    if (r.closed_client >= 0)
        net::post(control_, [this, c = static_cast<std::size_t>(r.closed_client), ok = o == publish_outcome::accepted] {
            closed_done(c, ok);
        });
    const time_point done = time_point::from_ns(scenario_ns(done_ns));  // for the meters
    switch (o) {
    case publish_outcome::accepted:
        rec_.publishing.on_accepted(done, r.notifications);
        rec_.publishing.on_stored(done, r.notifications);
        rec_.publishing.on_succeeded(done, duration::nanoseconds(std::max<std::int64_t>(0, done_ns - r.intended_ns)),
                                     r.notifications);
        accepted_total_.fetch_add(r.notifications, std::memory_order_relaxed);
        last_accept_ns_ = done_ns;
        last_contact_ns_ = done_ns;
        failures_since_contact_ = 0;
        return;
    case publish_outcome::rejected: rec_.publishing.on_rejected(done, r.notifications); break;
    case publish_outcome::failed: rec_.publishing.on_failed(done, r.notifications); break;
    case publish_outcome::timed_out: rec_.publishing.on_timed_out(done, r.notifications); break;
    }
    failed_total_.fetch_add(r.notifications, std::memory_order_relaxed);
    ++failures_since_contact_;
    last_failure_ = detail;
    note_error(detail);
}

} // namespace surge::replay
